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

	// --sod-rules adds that many rules, the same for the same arguments,
	// and leaves the rest of the account as it was.
	want(t, rc(t, dir, nil, "init", "--synthetic", "300", "--sod-rules", "12", "-f", "r.toml"), 0, "12 separation-of-duties rules", "300 users")
	want(t, rc(t, dir, nil, "validate", "--strict", "-f", "r.toml"), 1, "0 errors, 0 warnings;", "violations of separation of duties", `rule "Synthetic rule 12"`)
	want(t, rc(t, dir, nil, "init", "--synthetic", "300", "--sod-rules", "12", "-f", "r2.toml"), 0)
	r1, _ := os.ReadFile(filepath.Join(dir, "r.toml"))
	r2, _ := os.ReadFile(filepath.Join(dir, "r2.toml"))
	if !bytes.Equal(r1, r2) {
		t.Errorf("two init --synthetic 300 --sod-rules 12 runs wrote different files")
	}
	if head, _, ok := bytes.Cut(r1, []byte("\n[[separation_of_duties]]")); !ok || !bytes.Equal(head, a) {
		t.Errorf("--sod-rules changed the account before its rules, or wrote none")
	}
	want(t, rc(t, dir, nil, "init", "--sod-rules", "3", "-f", "f.toml"), 2, "goes with --synthetic")
	want(t, rc(t, dir, nil, "init", "--synthetic", "0", "--sod-rules", "3", "-f", "f.toml"), 2, "--synthetic takes a number of users above 0")
	want(t, rc(t, dir, nil, "init", "--synthetic", "10", "--sod-rules", "1001", "-f", "f.toml"), 2, "0 to 1000")
	want(t, rc(t, dir, nil, "init", "--synthetic", "10", "--sod-rules", "-1", "-f", "f.toml"), 2, "0 to 1000")
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
