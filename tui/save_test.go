package tui

import (
	"os"
	"path/filepath"
	"testing"

	"rolecall/model"
	"rolecall/storage"
)

// When the audit entry cannot be written, the TUI says "Not saved", and
// the file on disk is indeed unchanged.
func TestAuditFailureIsNotSaved(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	p := filepath.Join(t.TempDir(), "rolecall.toml")
	if err := os.WriteFile(p, storage.Encode(model.Demo()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(p+".audit.jsonl", 0o700); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	h := newHarness(t, Options{Path: p}, fileStore{})
	h.keys("5", "a", "y", "ctrl+s", "y")
	h.expect("Not saved", "the audit entry could not be", "Your edits are kept.")
	if after, _ := os.ReadFile(p); string(after) != string(before) {
		t.Fatal("the file was written without its audit entry")
	}
}
