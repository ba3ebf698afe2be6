package storage

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"rolecall/model"
)

func draftOf(t *testing.T, id string, ops ...model.Op) Draft {
	t.Helper()
	raw, err := model.MarshalOps(ops)
	if err != nil {
		t.Fatal(err)
	}
	return Draft{ID: id, BaseSHA256: "ab", Ops: raw}
}

// TestDraftPerSession: two sessions on one file keep two drafts; a live
// session's draft is never offered; the files are 0600 in a 0700
// directory; a removed draft is gone with its lock.
func TestDraftPerSession(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	file := filepath.Join(t.TempDir(), "rolecall.toml")
	one, two := NewDraftID(), NewDraftID()
	if one == two {
		t.Fatal("two sessions got one draft id")
	}
	p1, _ := DraftPath(file, one)
	p2, _ := DraftPath(file, two)
	if p1 == p2 || !strings.HasPrefix(p1, filepath.Join(state, "rolecall")+string(filepath.Separator)) || !strings.Contains(filepath.Base(p1), "rolecall.toml") {
		t.Fatalf("draft paths %s %s", p1, p2)
	}
	if other, _ := DraftPath(filepath.Join(t.TempDir(), "rolecall.toml"), one); other == p1 {
		t.Error("two files share a draft")
	}
	if err := WriteDraft(file, draftOf(t, one, model.Tick{Role: "A", Privilege: model.Dashboard})); err != nil {
		t.Fatal(err)
	}
	if err := WriteDraft(file, draftOf(t, two, model.SetUserName{Email: "a@x", To: "B"})); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, p1); m != 0o600 {
		t.Errorf("draft mode %04o", m)
	}
	if m := mode(t, filepath.Dir(p1)); m != 0o700 {
		t.Errorf("draft directory mode %04o", m)
	}
	// Both sessions still run (this process holds both): nothing to offer.
	if ds, err := FindDrafts(file); err != nil || len(ds) != 0 {
		t.Fatalf("live drafts offered: %v %v", ds, err)
	}
	// The sessions end without saving: both drafts are offered, whole.
	ReleaseDraft(file, one)
	ReleaseDraft(file, two)
	ds, err := FindDrafts(file)
	if err != nil || len(ds) != 2 {
		t.Fatalf("FindDrafts: %d %v", len(ds), err)
	}
	for _, d := range ds {
		ops, err := d.Edits()
		if err != nil || len(ops) != 1 || d.BaseSHA256 != "ab" || d.PID != os.Getpid() {
			t.Errorf("draft %s: %v %v %+v", d.ID, ops, err, d)
		}
	}
	if err := RemoveDraft(file, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := RemoveDraft(file, ds[0].ID); err != nil {
		t.Errorf("removing no draft: %v", err)
	}
	for _, p := range []string{p1, p2} {
		if strings.Contains(p, ds[0].ID) {
			if _, err := os.Lstat(p); err == nil {
				t.Error("removed draft still there")
			}
			if _, err := os.Lstat(p + ".lock"); err == nil {
				t.Error("removed draft's lock still there")
			}
		}
	}
	// Without XDG_STATE_HOME: ~/.local/state/rolecall.
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", state)
	if p, _ := DraftPath(file, one); !strings.HasPrefix(p, filepath.Join(state, ".local", "state", "rolecall")) {
		t.Errorf("default draft path %s", p)
	}
}

// TestDraftHostile: a link or a FIFO where a draft's lock goes is refused,
// at once, and the link's target is untouched; an unreadable draft is
// reported, not dropped.
func TestDraftHostile(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	file := filepath.Join(t.TempDir(), "rolecall.toml")
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("keep"), 0o644)
	id := NewDraftID()
	p, _ := DraftPath(file, id)
	os.MkdirAll(filepath.Dir(p), 0o700)
	os.Symlink(victim, p+".lock")
	if err := WriteDraft(file, draftOf(t, id)); err == nil {
		t.Error("a linked draft lock was followed")
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Error("the link's target changed")
	}
	id2 := NewDraftID()
	p2, _ := DraftPath(file, id2)
	if err := syscall.Mkfifo(p2+".lock", 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- WriteDraft(file, draftOf(t, id2)) }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a FIFO as the draft lock was taken")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a FIFO as the draft lock hangs")
	}
	bad := filepath.Join(filepath.Dir(p), filepath.Base(strings.TrimSuffix(p, id+".draft"))+"0-0.draft")
	os.WriteFile(bad, []byte("{not json"), 0o600)
	if _, err := FindDrafts(file); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("an unreadable draft: %v", err)
	}
	if _, err := os.Stat(bad); err != nil {
		t.Error("an unreadable draft was removed")
	}
}

const draftHelperEnv = "ROLECALL_DRAFT_HELPER"

// TestDraftHelperProcess is not a test: the child of TestDraftOfKilledSession.
func TestDraftHelperProcess(t *testing.T) {
	if os.Getenv(draftHelperEnv) == "" {
		t.Skip("helper process only")
	}
	d := draftOf(t, os.Getenv("HELPER_ID"), model.Tick{Role: "A", Privilege: model.Dashboard})
	if err := WriteDraft(os.Getenv("HELPER_FILE"), d); err != nil {
		os.Stdout.WriteString("fail " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("written\n")
	time.Sleep(time.Minute)
}

// TestDraftOfKilledSession: a running session's draft is not offered to
// another process; once that session is killed (-9), it is, once.
func TestDraftOfKilledSession(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "rolecall.toml")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDraftHelperProcess$")
	cmd.Env = append(os.Environ(), draftHelperEnv+"=1", "HELPER_FILE="+file, "HELPER_ID="+NewDraftID())
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.Contains(string(buf[:n]), "written") {
		cmd.Process.Kill()
		t.Fatalf("child: %q", buf[:n])
	}
	if ds, _ := FindDrafts(file); len(ds) != 0 {
		t.Error("a live session's draft was offered")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	ds, err := FindDrafts(file)
	if err != nil || len(ds) != 1 {
		t.Fatalf("after kill -9: %d drafts, %v", len(ds), err)
	}
	var raw []json.RawMessage = ds[0].Ops
	if len(raw) != 1 {
		t.Errorf("draft ops %s", raw)
	}
}
