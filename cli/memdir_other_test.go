//go:build !linux

package cli

import "testing"

// MemDir is t.TempDir where no directory in memory is known (see
// memdir_linux_test.go).
func MemDir(t testing.TB) string {
	t.Helper()
	return t.TempDir()
}
