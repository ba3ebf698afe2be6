package testlong

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// MemDir gives a new, writable directory, under /dev/shm where that is
// tmpfs, and removes it when the test ends.
func TestMemDir(t *testing.T) {
	var dir string
	t.Run("use", func(t *testing.T) {
		dir = MemDir(t, "rolecall-testlong-test")
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		var fs syscall.Statfs_t
		if syscall.Statfs("/dev/shm", &fs) == nil && fs.Type == 0x01021994 && !strings.HasPrefix(dir, "/dev/shm/rolecall-testlong-test") {
			t.Errorf("/dev/shm is tmpfs, but the directory is %s", dir)
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s left behind: %v", dir, err)
	}
}
