//go:build !unix

package storage

import "testing"

// untouched returns n zero bytes (see the Unix version).
func untouched(t testing.TB, n int) []byte { return make([]byte, n) }
