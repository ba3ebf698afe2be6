package tui

import (
	"os"
	"path/filepath"
	"testing"
)

// A dangling symbolic link is not a missing file: the TUI does not open
// the demo on it (a save would create the file at the link's target).
func TestFileStoreDanglingLink(t *testing.T) {
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
