//go:build unix

package storage

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const (
	ownerUID = 12345 // the account file's owner, a user with no name here
	otherUID = 23456 // another admin, in the owner's group
)

func ownerOf(t *testing.T, p string) (uid, gid int) {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files to other users")
	}
}

// Root saving a user's file leaves every file it makes to that user: the
// lock, the trail and the backup take the file's owner and group, the file
// keeps them and its mode; the trail is 0600.
func TestRootSaveKeepsOwner(t *testing.T) {
	needRoot(t)
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o640)
	if err := os.Chown(p, ownerUID, ownerUID); err != nil {
		t.Fatal(err)
	}
	doc, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	doc.Account.Name = "Renamed by root"
	if _, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{p, p + ".bak", p + ".lock", p + ".audit.jsonl"} {
		if uid, gid := ownerOf(t, f); uid != ownerUID || gid != ownerUID {
			t.Errorf("%s belongs to %d:%d, want the file owner's %d:%d", filepath.Base(f), uid, gid, ownerUID, ownerUID)
		}
	}
	for f, want := range map[string]fs.FileMode{p: 0o640, p + ".bak": 0o640, p + ".lock": 0o600, p + ".audit.jsonl": 0o600} {
		if m := mode(t, f); m != want {
			t.Errorf("%s mode %04o, want %04o", filepath.Base(f), m, want)
		}
	}
}

// A group-writable account file gets a trail and a lock its group can use.
func TestGroupWritableSideFiles(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o660)
	doc, _ := Load(p)
	doc.Account.Name = "Renamed"
	if _, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{".lock", ".audit.jsonl"} {
		if m := mode(t, p+side); m != 0o660 {
			t.Errorf("%s mode %04o, want 0660", side, m)
		}
	}
}

// "Changed on disk" names who saved from the audit trail, not the file's
// owner: root saved, the file still belongs to its owner.
func TestChangedErrorNamesTheSaver(t *testing.T) {
	needRoot(t)
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	if err := os.Chown(p, ownerUID, ownerUID); err != nil {
		t.Fatal(err)
	}
	stale, _ := Load(p)
	doc, _ := Load(p)
	doc.Account.Name = "Root's edit"
	if _, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		t.Fatal(err)
	}
	stale.Account.Name = "Mine"
	_, err := Save(p, stale.Account, stale.Stamp, SaveOptions{Actor: "tui"})
	var ce *ChangedError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ChangedError, got %v", err)
	}
	host, _ := os.Hostname()
	if ce.By != actingUser()+"@"+host || strings.Contains(err.Error(), "12345") {
		t.Errorf("names %q: %v", ce.By, err)
	}
	// Bytes no save recorded (an edit by hand): no one is named as saver.
	if err := os.WriteFile(p, append(Encode(goodAccount()), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Save(p, stale.Account, stale.Stamp, SaveOptions{Actor: "tui"})
	if !errors.As(err, &ce) || ce.By != "" || strings.Contains(err.Error(), "saved by") || !strings.Contains(err.Error(), "no audit entry records these bytes") {
		t.Errorf("after an edit by hand: %v", err)
	}
}

// copyTestBinary copies this test binary where any user may run it, in a
// directory any user may enter.
func copyTestBinary(t *testing.T) (dir, bin string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "rolecall-owner")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin = filepath.Join(dir, "storage.test")
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	return dir, bin
}

// Another admin (not root, in the file's group, with $USER set to someone
// else) saves a group-writable file: the mode and the group are kept, and
// the audit entry names the process's real uid, not $USER.
func TestOtherUserSave(t *testing.T) {
	needRoot(t)
	if testing.Short() {
		t.Skip("process-level test")
	}
	dir, bin := copyTestBinary(t)
	share := filepath.Join(dir, "share")
	if err := os.Mkdir(share, 0o770); err != nil {
		t.Fatal(err)
	}
	os.Chown(share, ownerUID, ownerUID)
	os.Chmod(share, 0o770)
	p := filepath.Join(share, "acct.toml")
	if err := os.WriteFile(p, Encode(goodAccount()), 0o660); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o660)
	os.Chown(p, ownerUID, ownerUID)
	cmd := helper(t, "save1", p, "HELPER_NAME=Renamed", "USER=mallory", "SUDO_USER=root")
	cmd.Path, cmd.Args[0] = bin, bin
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: otherUID, Gid: ownerUID}}
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("child: %v: %s", err, out)
	}
	if m := mode(t, p); m != 0o660 {
		t.Errorf("mode %04o after another admin's save, want 0660", m)
	}
	if _, gid := ownerOf(t, p); gid != ownerUID {
		t.Errorf("group %d after another admin's save, want %d", gid, ownerUID)
	}
	es, err := ReadAudit(p)
	if err != nil || len(es) != 1 {
		t.Fatalf("audit: %v %d", err, len(es))
	}
	if e := es[0]; e.User != "uid 23456" || e.UID == nil || *e.UID != otherUID || e.SudoUserClaimed != "root" {
		t.Errorf("entry names %q uid %v sudo %q", e.User, e.UID, e.SudoUserClaimed)
	}
}
