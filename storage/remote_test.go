package storage

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"rolecall/model"
)

func TestRemoteStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.toml")
	if s, err := ReadState(path); s != nil || err != nil {
		t.Fatalf("no state file: got %v, %v", s, err)
	}
	live := &model.Live{AccountID: "acme-1", Roles: []model.LiveRole{{ID: "r1", Name: "Ops", Codes: []string{"EXECUTE"}, HasPrivileges: true}}}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := WriteState(path, &RemoteState{Account: "acme-1", Source: "pull", At: at, FileSha256: "ab", Live: live}); err != nil {
		t.Fatal(err)
	}
	s, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Account != "acme-1" || !s.At.Equal(at) || s.Live.Fingerprint() != live.Fingerprint() || !s.Live.Roles[0].HasPrivileges {
		t.Fatalf("read back %+v", s)
	}
	fi, _ := os.Stat(StatePath(path))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 for a new account", fi.Mode().Perm())
	}
}

func TestRemoteFilesRefuseLinksAndFIFOs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.toml")
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte(`{"format":1,"account":"x","live":{}}`), 0o600)
	os.Symlink(secret, StatePath(path))
	if _, err := ReadState(path); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("state through a link: %v", err)
	}
	os.Remove(StatePath(path))
	if err := syscall.Mkfifo(StatePath(path), 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadState(path); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("state that is a FIFO: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO state file blocked")
	}
	os.Symlink(secret, JournalPath(path))
	if _, err := OpenJournal(path); err == nil {
		t.Errorf("journal through a link was read")
	}
	if _, err := CreateJournal(path, JournalHeader{}); err == nil {
		t.Errorf("journal created over a link")
	}
	if b, _ := os.ReadFile(secret); !strings.HasPrefix(string(b), `{"format":1`) {
		t.Errorf("the link's target was written: %q", b)
	}
}

func TestJournal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.toml")
	calls := []model.Call{{Op: "create", Object: "Role", Line: `+ role "A"`}, {Op: "delete", Object: "Role", ID: "r9", Line: `- role "B"`}}
	j, err := CreateJournal(path, JournalHeader{Account: "acme-1", Calls: calls, Fingerprint: "f"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreateJournal(path, JournalHeader{}); err == nil || !strings.Contains(err.Error(), "resume") {
		t.Errorf("a second journal: %v", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(j.Record(JournalEvent{Call: 0, State: CallSending}))
	must(j.Record(JournalEvent{Call: 0, State: CallDone, ID: "n1"}))
	must(j.Record(JournalEvent{Call: 1, State: CallSending}))
	j.Close()
	// A crash while writing the next line leaves it torn.
	f, _ := os.OpenFile(JournalPath(path), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"call":1,"state":"do`)
	f.Close()

	j, err = OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	states, ids := j.States()
	if states[0] != CallDone || ids[0] != "n1" || states[1] != CallSending {
		t.Fatalf("states %q ids %q", states, ids)
	}
	must(j.Record(JournalEvent{Call: 1, State: CallDone}))
	j.Close()
	j, err = OpenJournal(path)
	if err != nil {
		t.Fatalf("after appending past a torn line: %v", err)
	}
	if states, _ := j.States(); states[1] != CallDone {
		t.Fatalf("states %q", states)
	}
	must(j.Finish(path))
	if _, err := os.Stat(JournalPath(path)); !os.IsNotExist(err) {
		t.Errorf("journal still there after Finish")
	}
	if _, err := os.Stat(LastJournalPath(path)); err != nil {
		t.Errorf("last journal not kept: %v", err)
	}
	// A damaged line in the middle is an error that names the line.
	os.WriteFile(JournalPath(path), []byte(`{"format":1,"calls":[{"op":"create"}]}`+"\nnot json\n"+`{"call":0,"state":"done"}`+"\n"), 0o600)
	if _, err := OpenJournal(path); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("damaged journal: %v", err)
	}
	os.WriteFile(JournalPath(path), []byte(`{"format":1,"calls":[]}`+"\n"+`{"call":3,"state":"done"}`+"\n"), 0o600)
	if _, err := OpenJournal(path); err == nil || !strings.Contains(err.Error(), "not in the plan") {
		t.Errorf("journal naming a call out of range: %v", err)
	}
}
