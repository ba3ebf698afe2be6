//go:build unix

package storage

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"rolecall/model"
)

// A symbolic link at FILE.lock, FILE.audit.jsonl or FILE.bak aims no write
// at its target: the lock and the trail are refused, the backup replaces
// the link.
func TestSideFileSymlinksNotFollowed(t *testing.T) {
	for _, side := range []string{".lock", ".audit.jsonl", ".bak"} {
		t.Run(side, func(t *testing.T) {
			p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, p+side); err != nil {
				t.Fatal(err)
			}
			doc, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			before := readString(t, p)
			doc.Account.Name = "Renamed"
			_, err = Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"})
			if got := readString(t, victim); got != "precious\n" {
				t.Fatalf("the save wrote through %s to its target: %q", side, got)
			}
			if side == ".bak" {
				fi, lerr := os.Lstat(p + side)
				if err != nil || lerr != nil || !fi.Mode().IsRegular() || readString(t, p+side) != before {
					t.Errorf("save with a linked .bak: %v; .bak is %v, want the previous version in a regular file", err, fi.Mode())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), side) {
				t.Errorf("save with a linked %s: %v, want a refusal naming it", side, err)
			}
			if readString(t, p) != before {
				t.Error("the account file was written")
			}
		})
	}
}

// A FIFO at FILE.lock or FILE.audit.jsonl is refused at once: the save
// neither blocks on opening it nor writes through it.
func TestSideFileFIFORefused(t *testing.T) {
	for _, side := range []string{".lock", ".audit.jsonl"} {
		t.Run(side, func(t *testing.T) {
			p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
			if err := syscall.Mkfifo(p+side, 0o600); err != nil {
				t.Fatal(err)
			}
			doc, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			before := readString(t, p)
			doc.Account.Name = "Renamed"
			done := make(chan error, 1)
			go func() {
				_, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui", Wait: 100 * time.Millisecond})
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Errorf("save with a FIFO at %s: %v", side, err)
				}
			case <-time.After(3 * time.Second):
				// Unblock the hung open so that the test can end.
				if f, err := os.OpenFile(p+side, os.O_RDWR, 0); err == nil {
					defer f.Close()
				}
				t.Fatalf("save with a FIFO at %s hangs", side)
			}
			if readString(t, p) != before {
				t.Error("the account file was written")
			}
			if _, err := ReadAudit(p); side == ".audit.jsonl" && (err == nil || errors.Is(err, fs.ErrNotExist)) {
				t.Errorf("ReadAudit of a FIFO: %v, want a refusal", err)
			}
		})
	}
}

// A hard link at FILE.lock or FILE.audit.jsonl is refused too: the holder
// line and the entry would be written into the file it shares.
func TestSideFileHardLinksRefused(t *testing.T) {
	for _, side := range []string{".lock", ".audit.jsonl"} {
		t.Run(side, func(t *testing.T) {
			p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
			victim := filepath.Join(filepath.Dir(p), "victim")
			if err := os.WriteFile(victim, []byte("precious, and longer than a holder line, which is cut to its length\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(victim, p+side); err != nil {
				t.Fatal(err)
			}
			doc, _ := Load(p)
			doc.Account.Name = "Renamed"
			_, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"})
			if got := readString(t, victim); got != "precious, and longer than a holder line, which is cut to its length\n" {
				t.Fatalf("the save wrote into the file linked at %s: %q", side, got)
			}
			if err == nil || !strings.Contains(err.Error(), "hard links") {
				t.Errorf("save with a hard link at %s: %v", side, err)
			}
		})
	}
}

// A save in a directory that may not be written, with no lock file there
// yet, says the directory refuses it ("permission denied" or "operation
// not permitted"), not that the lock file is missing.
func TestLockInUnwritableDirectorySaysPermission(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acct.toml")
	a := model.Demo()
	st, err := Save(path, a, Stamp{}, SaveOptions{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path + ".lock"); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// Root writes any directory mode allows none: make it immutable.
		if err := exec.Command("chattr", "+i", dir).Run(); err != nil {
			t.Skip("needs chattr as root (or a user other than root):", err)
		}
		defer exec.Command("chattr", "-i", dir).Run()
	} else {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o755)
	}
	a.Name = "Changed"
	_, err = Save(path, a, st, SaveOptions{Actor: "test"})
	if err == nil {
		t.Fatal("saved in a directory that may not be written")
	}
	if errors.Is(err, fs.ErrNotExist) || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("error %v, want one of permission", err)
	}
}
