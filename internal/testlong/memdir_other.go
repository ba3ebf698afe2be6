//go:build !linux

package testlong

import "testing"

// MemDir is t.TempDir where no directory in memory is known (see
// memdir_linux.go).
func MemDir(t testing.TB, name string) string {
	t.Helper()
	return t.TempDir()
}
