package testlong

import (
	"os"
	"syscall"
	"testing"
)

// MemDir returns a new directory in memory (tmpfs, /dev/shm), removed when
// t ends, or t.TempDir() where there is none: for files whose saves a test
// makes on its way to what it checks, where each sync to disk (0.5-7 ms on
// the project's VM) would make it wait more than it works. The product
// makes the same calls there; they return at once. name prefixes the
// directory's name.
func MemDir(t testing.TB, name string) string {
	t.Helper()
	const tmpfsMagic = 0x01021994
	var fs syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &fs); err != nil || fs.Type != tmpfsMagic {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("/dev/shm", name)
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
