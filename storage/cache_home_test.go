package storage

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// `sudo rolecall ...` with the invoking user's HOME kept (sudo -E, or a
// sudoers that keeps HOME) made the load cache in that user's home:
// openCache's MkdirAll created ~/.cache as root with mode 0700, so the
// user can no longer use their own ~/.cache (every other program's cache
// breaks) nor rolecall's cache, which it then refuses as another user's.
// A cache directory that would be made inside a directory owned by another
// user should not be made at all (pip, for one, disables its cache then).
func TestCacheMakesNothingInAnotherUsersHome(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	home := t.TempDir()
	const nobody = 65534
	if err := os.Chown(home, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", "")
	UseCache(true)
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	mustLoad(t, p)
	fi, err := os.Stat(filepath.Join(home, ".cache"))
	if err != nil {
		return // not made: fine
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != nobody {
		t.Fatalf("loading as root made %s (owner uid %d, mode %v) in a home owned by uid %d: that user can no longer use ~/.cache",
			filepath.Join(home, ".cache"), st.Uid, fi.Mode().Perm(), nobody)
	}
}
