package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// A command reads through the load cache ($XDG_CACHE_HOME/rolecall) and
// gives the same answer from it; --no-cache and $ROLECALL_NO_CACHE leave
// it alone.
func TestLoadCacheFlag(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	entries := func(cache string) int {
		ents, err := os.ReadDir(filepath.Join(cache, "rolecall"))
		if os.IsNotExist(err) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	cache := t.TempDir()
	first := rc(t, dir, []string{"XDG_CACHE_HOME=" + cache}, "validate")
	if entries(cache) != 1 {
		t.Fatalf("no cache entry written: %d", entries(cache))
	}
	again := rc(t, dir, []string{"XDG_CACHE_HOME=" + cache}, "validate")
	if again != first {
		t.Fatalf("from the cache:\n%v\nwithout:\n%v", again, first)
	}
	for _, c := range []struct {
		env  []string
		args []string
	}{
		{nil, []string{"--no-cache", "validate"}},
		{nil, []string{"validate", "--no-cache"}},
		{[]string{"ROLECALL_NO_CACHE=1"}, []string{"validate"}},
	} {
		off := t.TempDir()
		r := rc(t, dir, append(c.env, "XDG_CACHE_HOME="+off), c.args...)
		if r != first {
			t.Fatalf("%v %v:\n%v\nwant\n%v", c.env, c.args, r, first)
		}
		if n := entries(off); n != 0 {
			t.Fatalf("%v %v: %d cache entries written", c.env, c.args, n)
		}
	}
}
