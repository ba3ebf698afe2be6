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

// holdLock takes the flock of name on a descriptor of its own, as another
// process would (flocks of two opens of one file exclude each other).
func holdLock(t *testing.T, name string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// Lock files left in the state directory without their drafts (a session
// killed between removing its draft and its lock, a draft removed by a
// process that did not hold it, a first write that failed) are removed
// when drafts are looked for; a lock another process holds stays, and so
// does the lock of a draft that is there.
func TestStaleDraftLocksRemoved(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "acct.toml")
	other := filepath.Join(t.TempDir(), "other.toml")
	stale, _ := DraftPath(file, "111-aa")
	staleOther, _ := DraftPath(other, "222-bb")
	held, _ := DraftPath(file, "333-cc")
	kept, _ := DraftPath(file, "444-dd")
	if err := os.MkdirAll(filepath.Dir(stale), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{stale, staleOther, held, kept} {
		if err := os.WriteFile(p+".lock", nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	holdLock(t, held+".lock")
	raw, _ := json.Marshal(Draft{ID: "444-dd", Ops: []json.RawMessage{}})
	if err := os.WriteFile(kept, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(filepath.Dir(stale), "notes.lock")
	os.WriteFile(stray, nil, 0o600)
	keptLock, err := os.Lstat(kept + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := FindDrafts(file)
	if err != nil || len(ds) != 1 || ds[0].ID != "444-dd" {
		t.Fatalf("FindDrafts: %v %v", ds, err)
	}
	ReleaseDraft(file, "444-dd")
	if fi, err := os.Lstat(kept + ".lock"); err != nil || !os.SameFile(fi, keptLock) {
		t.Errorf("the lock of a draft that is there was removed (and made anew): %v", err)
	}
	for p, want := range map[string]bool{stale + ".lock": false, staleOther + ".lock": false, held + ".lock": true, kept + ".lock": true, stray: true} {
		if exists(p) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(p), !want, want)
		}
	}
}

// RemoveDraft of a draft whose lock this process does not hold removes the
// lock file too when no one holds it, and leaves a held one.
func TestRemoveDraftRemovesFreeLock(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "acct.toml")
	for _, c := range []struct {
		id   string
		hold bool
	}{{"555-ee", false}, {"666-ff", true}} {
		p, _ := DraftPath(file, c.id)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+".lock", nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if c.hold {
			holdLock(t, p+".lock")
		}
		if err := RemoveDraft(file, c.id); err != nil {
			t.Fatal(err)
		}
		if exists(p) || exists(p+".lock") != c.hold {
			t.Errorf("held %v: draft left %v, lock left %v", c.hold, exists(p), exists(p+".lock"))
		}
	}
}

// A lock file removed between a session's open of it and its flock is not
// the session's lock: it opens the new one, so that the lock it holds is
// the one at the name, which every other session sees.
func TestDraftClaimAfterLockRemoved(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "acct.toml")
	removed := false
	afterDraftLockOpen = func(p string) {
		if !removed {
			removed = true
			os.Remove(p + ".lock")
		}
	}
	t.Cleanup(func() { afterDraftLockOpen = nil })
	id := NewDraftID()
	if err := WriteDraft(file, draftOf(t, id)); err != nil {
		t.Fatal(err)
	}
	defer RemoveDraft(file, id)
	p, _ := DraftPath(file, id)
	heldDrafts.Lock()
	f := heldDrafts.m[p]
	heldDrafts.Unlock()
	if !removed || f == nil || !stillNamed(f, p+".lock") {
		t.Fatalf("the session holds a lock that is not %s (removed %v)", filepath.Base(p)+".lock", removed)
	}
	// Another session cannot take it.
	g, err := os.Open(p + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := syscall.Flock(int(g.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		t.Error("another session took the live session's lock")
	}
}
