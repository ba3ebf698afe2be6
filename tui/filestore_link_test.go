package tui

import (
	"os"
	"path/filepath"
	"testing"
)

// A dangling symbolic link is not a missing file: the TUI does not open
// the demo on it (a save would create the file at the link's target).
func TestFileStoreDanglingLink(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "dang.toml")
	if err := os.Symlink(filepath.Join(t.TempDir(), "nowhere"), p); err != nil {
		t.Fatal(err)
	}
	ld, err := fileStore{}.Load(p)
	if err == nil {
		t.Fatalf("loaded a dangling link as missing: %v", ld.Missing)
	}
	if ld, err := (fileStore{}).Load(filepath.Join(t.TempDir(), "absent.toml")); err != nil || !ld.Missing {
		t.Errorf("a missing file: %v", err)
	}
}

// fileStore says a file has errors exactly when storage does
// (Doc.HasErrors): one that cannot be understood, or has an error, opens
// read-only; one with warnings only does not.
func TestFileStoreErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		name, text string
		want       bool
	}{
		{"good.toml", "format = 1\n\n[account]\nname = \"t\"\nadvanced_user_security = true\n\n[[roles]]\nname = \"A\"\ninherits = \"Support\"\nprivileges = [\"View Data\"]\n", false},
		{"error.toml", "format = 1\n\n[account]\nname = \"t\"\nadvanced_user_security = true\n\n[[roles]]\nname = \"A\"\ninherits = \"Nowhere\"\n", true},
		{"garbage.toml", "this is not toml [[[\n", true},
	} {
		p := filepath.Join(dir, tt.name)
		if err := os.WriteFile(p, []byte(tt.text), 0o600); err != nil {
			t.Fatal(err)
		}
		ld, err := fileStore{}.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if ld.Errors != tt.want {
			t.Errorf("%s: Errors = %v, want %v (problems %v)", tt.name, ld.Errors, tt.want, ld.Problems)
		}
	}
}
