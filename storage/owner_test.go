//go:build unix

package storage

import (
	"errors"
	"fmt"
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
// keeps them and its mode; the trail takes the file's mode, the lock 0600
// (the file is not writable by its group).
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
	for f, want := range map[string]fs.FileMode{p: 0o640, p + ".bak": 0o640, p + ".lock": 0o600, p + ".audit.jsonl": 0o640} {
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

const nobodyUID = 65534 // the admin's report: a file of nobody's

// chownNobody gives p to uid 65534 (nobody) and its group 65534 (nogroup).
func chownNobody(t *testing.T, p string) {
	t.Helper()
	if err := os.Chown(p, nobodyUID, nobodyUID); err != nil {
		t.Fatal(err)
	}
}

// rootSave loads p and saves it renamed, as this process (root).
func rootSave(t *testing.T, p, name string) {
	t.Helper()
	doc, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	doc.Account.Name = name
	if _, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		t.Fatal(err)
	}
}

// checkSide fails unless each side file of p belongs to nobody:nogroup
// with its mode in want.
func checkSide(t *testing.T, p string, want map[string]fs.FileMode) {
	t.Helper()
	for side, m := range want {
		if uid, gid := ownerOf(t, p+side); uid != nobodyUID || gid != nobodyUID {
			t.Errorf("%s belongs to %d:%d, want the account file's %d:%d", side, uid, gid, nobodyUID, nobodyUID)
		}
		if got := mode(t, p+side); got != m {
			t.Errorf("%s mode %04o, want %04o", side, got, m)
		}
	}
}

// Each side file root makes next to a user's file takes the file's owner
// and group, and a mode no wider than the file's but read and write for
// its owner, whatever the file's mode.
func TestRootSaveSideModes(t *testing.T) {
	needRoot(t)
	for _, c := range []struct {
		file              fs.FileMode
		lock, audit, back fs.FileMode
	}{
		{0o600, 0o600, 0o600, 0o600},
		{0o640, 0o600, 0o640, 0o640},
		{0o644, 0o600, 0o644, 0o644},
		{0o660, 0o660, 0o660, 0o660},
		{0o400, 0o600, 0o600, 0o400},
		{0o444, 0o600, 0o644, 0o444},
		{0o666, 0o666, 0o666, 0o666},
	} {
		t.Run(fmt.Sprintf("%04o", c.file), func(t *testing.T) {
			p := writeFile(t, "other.toml", Encode(goodAccount()), c.file)
			chownNobody(t, p)
			rootSave(t, p, "Root was here")
			checkSide(t, p, map[string]fs.FileMode{"": c.file, ".lock": c.lock, ".audit.jsonl": c.audit, ".bak": c.back})
		})
	}
}

// A lock and a trail that root made earlier (an earlier rolecall, or a
// save before the file was given away) are given to the file's owner by
// root's next save, with the modes a new one would have; the owner's own,
// or another user's, are left as they are.
func TestRootSaveRepairsSideFiles(t *testing.T) {
	needRoot(t)
	p := writeFile(t, "other.toml", Encode(goodAccount()), 0o640)
	chownNobody(t, p)
	for _, side := range []string{".lock", ".audit.jsonl"} {
		if err := os.WriteFile(p+side, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p+side, 0o604) // wider than the file: narrowed
	}
	rootSave(t, p, "Root was here")
	checkSide(t, p, map[string]fs.FileMode{".lock": 0o600, ".audit.jsonl": 0o640, ".bak": 0o640})

	// Side files of a third user stay theirs.
	q := writeFile(t, "mine.toml", Encode(goodAccount()), 0o600)
	chownNobody(t, q)
	for _, side := range []string{".lock", ".audit.jsonl"} {
		if err := os.WriteFile(q+side, nil, 0o666); err != nil {
			t.Fatal(err)
		}
		os.Chmod(q+side, 0o666)
		os.Chown(q+side, ownerUID, ownerUID)
	}
	rootSave(t, q, "Root was here")
	for _, side := range []string{".lock", ".audit.jsonl"} {
		if uid, _ := ownerOf(t, q+side); uid != ownerUID || mode(t, q+side) != 0o666 {
			t.Errorf("%s of another user: now uid %d mode %04o", side, uid, mode(t, q+side))
		}
	}
}

// The admin's report: root saves a file of nobody's in a directory both
// may write, where root's lock and trail lie already; nobody then saves it
// again (opening the lock and the trail for writing) and owns every file.
func TestOwnerSavesAfterRoot(t *testing.T) {
	needRoot(t)
	if testing.Short() {
		t.Skip("process-level test")
	}
	dir, bin := copyTestBinary(t)
	walk := filepath.Join(dir, "walk")
	if err := os.Mkdir(walk, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(walk, 0o1777)
	p := filepath.Join(walk, "other.toml")
	if err := os.WriteFile(p, Encode(goodAccount()), 0o600); err != nil {
		t.Fatal(err)
	}
	chownNobody(t, p)
	// An earlier rolecall run by root left its lock and trail as root's.
	for _, side := range []string{".lock", ".audit.jsonl"} {
		if err := os.WriteFile(p+side, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rootSave(t, p, "Root was here")
	cmd := helper(t, "save1", p, "HELPER_NAME=Mine again")
	cmd.Path, cmd.Args[0] = bin, bin
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyUID, Gid: nobodyUID}}
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("the owner's save after root's: %v: %s", err, out)
	}
	es, err := ReadAudit(p)
	if err != nil || len(es) != 2 || es[0].UID == nil || *es[0].UID != nobodyUID {
		t.Fatalf("audit after the owner's save: %v %+v", err, es)
	}
	checkSide(t, p, map[string]fs.FileMode{"": 0o600, ".lock": 0o600, ".audit.jsonl": 0o600, ".bak": 0o600})
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
