package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// init --synthetic writes a valid generated account, the same bytes for the
// same arguments, and refuses nonsense.
func TestInitSynthetic(t *testing.T) {
	t.Parallel()
	dir := memDir(t)
	r := rc(t, dir, nil, "init", "--synthetic", "300", "-f", "a.toml")
	want(t, r, 0, "300 users", "30 custom roles", "6 environments", "try: rolecall -f a.toml preview ")
	want(t, rc(t, dir, nil, "validate", "-f", "a.toml"), 0, "ok (30 custom roles, 300 users, 6 environments)")
	want(t, rc(t, dir, nil, "init", "--synthetic", "300", "-f", "b.toml"), 0)
	a, _ := os.ReadFile(filepath.Join(dir, "a.toml"))
	b, _ := os.ReadFile(filepath.Join(dir, "b.toml"))
	if !bytes.Equal(a, b) {
		t.Errorf("two init --synthetic 300 runs wrote different files")
	}
	want(t, rc(t, dir, nil, "init", "--synthetic", "300", "--seed", "2", "-f", "c.toml"), 0)
	c, _ := os.ReadFile(filepath.Join(dir, "c.toml"))
	if bytes.Equal(a, c) {
		t.Errorf("--seed 2 wrote the same file as seed 1")
	}
	want(t, rc(t, dir, nil, "init", "--synthetic", "50", "--roles", "7", "--envs", "4", "-f", "d.toml"), 0, "7 custom roles", "50 users", "4 environments")
	want(t, rc(t, dir, nil, "init", "--synthetic", "10", "--empty", "-f", "e.toml"), 2, "not both")
	want(t, rc(t, dir, nil, "init", "--synthetic", "0", "-f", "e.toml"), 2, "above 0")
	want(t, rc(t, dir, nil, "init", "--synthetic", "10", "-f", "a.toml"), 1, "exists already")
}

// A file anyone may write is reported by validate: with --strict it fails.
func TestValidateWarnsWorldWritable(t *testing.T) {
	t.Parallel()
	dir, p := demo(t)
	want(t, rc(t, dir, nil, "validate"), 0, "ok")
	if err := os.Chmod(p, 0o666); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "validate"), 0, "warning:", "writable by others")
	want(t, rc(t, dir, nil, "validate", "--strict"), 1, "writable by others")
}
