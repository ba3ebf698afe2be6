//go:build !unix

package storage

import (
	"os"
	"testing"
)

// untouched returns n zero bytes (see the Unix version).
func untouched(t testing.TB, n int) []byte { return make([]byte, n) }

// mapFile returns the bytes of the file at name (see the Unix version).
func mapFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// freePagesLazily does nothing here (see the Unix version).
func freePagesLazily() {}
