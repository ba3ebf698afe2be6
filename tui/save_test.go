package tui

import (
	"os"
	"path/filepath"
	"testing"

	"rolecall/model"
	"rolecall/storage"
)

// warnStore saves like memStore, but its first save reports a failure
// after the write, as storage does when the file is saved but the
// directory could not be synced.
type warnStore struct {
	memStore
	warned bool
}

func (s *warnStore) Save(path string, a *model.Account, stamp any, d model.Diff) (any, error) {
	ns, err := s.memStore.Save(path, a, stamp, d)
	if err != nil || s.warned {
		return ns, err
	}
	s.warned = true
	return ns, &SavedWithWarning{Message: "saved " + path + "; but the change may not survive a crash of the machine: disk on fire"}
}

// A save that went through with a warning is shown as saved, with the
// warning; the next save starts from the new file, not refused as someone
// else's change.
func TestSavedWithWarningIsSaved(t *testing.T) {
	st := &warnStore{memStore: memStore{acct: model.Demo()}}
	h := newHarness(t, Options{}, st)
	h.keys("3", "a", "y", "ctrl+s", "y")
	h.expect("Saved, with a warning", "saved test.toml; but the change may not survive", "disk on fire")
	h.expectNot("Not saved")
	h.keys("esc")
	h.expect("Saved test.toml.")
	h.keys("a", "y", "ctrl+s", "y")
	h.expectNot("Not saved", "changed on disk")
	h.expect("Saved test.toml.")
	if st.saves != 2 || !st.acct.AdvancedEnvironmentAccess {
		t.Fatalf("%d saves", st.saves)
	}
}

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
	h.keys("3", "a", "y", "ctrl+s", "y")
	h.expect("Not saved", "the audit entry could not be", "Your edits are kept.")
	if after, _ := os.ReadFile(p); string(after) != string(before) {
		t.Fatal("the file was written without its audit entry")
	}
}
