package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"rolecall/model"
)

func mode(t *testing.T, p string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestSaveNewFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "rolecall.toml")
	if _, err := Load(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of a missing file: %v", err)
	}
	a := goodAccount()
	st, err := Save(p, a, Stamp{}, SaveOptions{Actor: "tui"})
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(t, p); m != 0o600 {
		t.Errorf("new file mode %04o, want 0600", m)
	}
	if m := mode(t, p+".lock"); m != 0o600 {
		t.Errorf("lock file mode %04o, want 0600", m)
	}
	if _, err := os.Stat(p + ".bak"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a new file got a backup: %v", err)
	}
	if got := readString(t, p); got != string(Encode(a)) {
		t.Errorf("file holds\n%s", got)
	}
	doc, err := Load(p)
	if err != nil || doc.HasErrors() || !doc.Stamp.Same(st) {
		t.Fatalf("reload: %v %v, stamp same %v", err, doc.Problems, doc.Stamp.Same(st))
	}
	// Saving the same again changes nothing: same bytes, no backup, no
	// audit entry.
	st2, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"})
	if err != nil || !st2.Same(st) {
		t.Fatalf("second save: %v", err)
	}
	if _, err := os.Stat(p + ".bak"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an unchanged save wrote a backup")
	}
	if es, _ := ReadAudit(p); len(es) != 1 {
		t.Errorf("%d audit entries, want 1", len(es))
	}
}

func TestSaveKeepsModeAndBackup(t *testing.T) {
	a := goodAccount()
	first := Encode(a)
	p := writeFile(t, "acct.toml", first, 0o640)
	doc, err := Load(p)
	if err != nil || doc.HasErrors() {
		t.Fatal(err, doc.Problems)
	}
	b := doc.Account
	b.Users = append(b.Users, model.User{Email: "new@example.com", Roles: []string{model.StandardUser}})
	if _, err := Save(p, b, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, p); m != 0o640 {
		t.Errorf("mode %04o after save, want 0640", m)
	}
	if m := mode(t, p+".bak"); m != 0o640 {
		t.Errorf("backup mode %04o, want 0640", m)
	}
	// The lock is the owner's alone unless the group may write the account
	// file; the trail may be read by whoever may read the file.
	for side, want := range map[string]fs.FileMode{".lock": 0o600, ".audit.jsonl": 0o640} {
		if m := mode(t, p+side); m != want {
			t.Errorf("%s mode %04o, want %04o", side, m, want)
		}
	}
	if got := readString(t, p+".bak"); got != string(first) {
		t.Errorf("backup holds\n%s", got)
	}
	if !strings.Contains(readString(t, p), "new@example.com") {
		t.Error("new user not saved")
	}
	// No temporary file is left behind.
	ents, _ := os.ReadDir(filepath.Dir(p))
	for _, e := range ents {
		switch e.Name() {
		case "acct.toml", "acct.toml.bak", "acct.toml.lock", "acct.toml.audit.jsonl":
		default:
			t.Errorf("unexpected file %s", e.Name())
		}
	}
}

func TestSaveSymlink(t *testing.T) {
	dir := t.TempDir()
	target := writeFile(t, "real.toml", Encode(goodAccount()), 0o600)
	link := filepath.Join(dir, "rolecall.toml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	doc, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	doc.Account.Name = "Renamed"
	if _, err := Save(link, doc.Account, doc.Stamp, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("link is no longer a symlink: %v", err)
	}
	if !strings.Contains(readString(t, target), `name = "Renamed"`) {
		t.Error("target not changed")
	}
	if _, err := os.Stat(target + ".bak"); err != nil {
		t.Errorf("no backup next to the target: %v", err)
	}
}

func TestSaveRefusesChangedFile(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	doc, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	// Another admin saves in between.
	other := doc.Account.Clone()
	other.Name = "Other admin's edit"
	if _, err := Save(p, other, doc.Stamp, SaveOptions{Actor: "cli: account set"}); err != nil {
		t.Fatal(err)
	}
	between := readString(t, p)
	bak := readString(t, p+".bak")
	mine := doc.Account.Clone()
	mine.Name = "My edit"
	_, err = Save(p, mine, doc.Stamp, SaveOptions{Actor: "tui"})
	var ce *ChangedError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ChangedError, got %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "changed on disk since it was loaded") || !strings.HasSuffix(msg, "; nothing was written") || ce.ModTime.IsZero() {
		t.Errorf("message %q", msg)
	}
	// Who saved comes from the audit entry that wrote these bytes.
	if es, _ := ReadAudit(p); len(es) != 1 || ce.By != es[0].Who() || !strings.Contains(msg, "saved by "+es[0].Who()) {
		t.Errorf("message %q names %q, want the audit entry's %q", msg, ce.By, es[0].Who())
	}
	if readString(t, p) != between || readString(t, p+".bak") != bak {
		t.Error("the refused save wrote something")
	}
	if es, _ := ReadAudit(p); len(es) != 1 {
		t.Errorf("%d audit entries after a refused save, want 1", len(es))
	}
	// A file created since "does not exist" was loaded is a change too.
	q := filepath.Join(t.TempDir(), "new.toml")
	if err := os.WriteFile(q, Encode(goodAccount()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(q, mine, Stamp{}, SaveOptions{}); !errors.As(err, &ce) {
		t.Errorf("save over a file created meanwhile: %v", err)
	}
}

func TestSaveRefusesInvalidAccount(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	doc, _ := Load(p)
	before := readString(t, p)
	bad := doc.Account.Clone()
	bad.Users[0].Roles = nil
	_, err := Save(p, bad, doc.Stamp, SaveOptions{})
	var ie *InvalidError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "has no role") {
		t.Fatalf("want *InvalidError about no role, got %v", err)
	}
	if readString(t, p) != before {
		t.Error("invalid account written")
	}
}

func TestSaveRefusesOverFileWithErrors(t *testing.T) {
	src := string(Encode(goodAccount())) + "\n[[users]]\nemail = \"x@example.com\"\nroles = []\n"
	p := writeFile(t, "acct.toml", []byte(src), 0o600)
	doc, err := Load(p)
	if err != nil || !doc.HasErrors() {
		t.Fatal("file should have errors")
	}
	_, err = Save(p, goodAccount(), doc.Stamp, SaveOptions{})
	var pe *ProblemsError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "has no role") {
		t.Fatalf("want *ProblemsError, got %v", err)
	}
	if readString(t, p) != src {
		t.Error("file with errors was overwritten")
	}
}

func TestUpdate(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o644)
	got, err := Update(p, SaveOptions{Actor: "cli: user add zed@example.com", Change: map[string]string{"added": "zed@example.com"}},
		func(a *model.Account) (*model.Account, error) {
			a.Users = append(a.Users, model.User{Email: "zed@example.com", Roles: []string{"cannot view data"}})
			return a, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if got.FindUser("zed@example.com") < 0 || got.Users[got.FindUser("zed@example.com")].Roles[0] != "Cannot View Data" {
		t.Errorf("Update returned %+v", got.Users)
	}
	if m := mode(t, p); m != 0o644 {
		t.Errorf("mode %04o, want 0644", m)
	}
	if readString(t, p+".bak") != string(Encode(goodAccount())) {
		t.Error("backup is not the previous version")
	}
	es, err := ReadAudit(p)
	if err != nil || len(es) != 1 {
		t.Fatalf("audit: %v, %d entries", err, len(es))
	}
	var change map[string]string
	if err := json.Unmarshal(es[0].Change, &change); err != nil || change["added"] != "zed@example.com" || es[0].Frontend != "cli: user add zed@example.com" {
		t.Errorf("audit entry %+v", es[0])
	}

	// A refused edit and an invalid result write nothing.
	before := readString(t, p)
	refused := errors.New("refused (R8)")
	if _, err := Update(p, SaveOptions{}, func(a *model.Account) (*model.Account, error) {
		a.Name = "changed"
		return a, refused
	}); err != refused {
		t.Errorf("edit error not returned as is: %v", err)
	}
	var ie *InvalidError
	if _, err := Update(p, SaveOptions{}, func(a *model.Account) (*model.Account, error) {
		a.Environments[0].RolesWithAccess = []string{"Ghosts"}
		return a, nil
	}); !errors.As(err, &ie) || !strings.Contains(err.Error(), `"Ghosts", which does not exist`) {
		t.Errorf("want *InvalidError, got %v", err)
	}
	if readString(t, p) != before {
		t.Error("a refused edit wrote the file")
	}
	if es, _ := ReadAudit(p); len(es) != 1 {
		t.Errorf("%d audit entries, want 1", len(es))
	}

	// Update of a missing file is a *ReadError.
	var re *ReadError
	if _, err := Update(filepath.Join(t.TempDir(), "none.toml"), SaveOptions{}, func(a *model.Account) (*model.Account, error) { return a, nil }); !errors.As(err, &re) {
		t.Errorf("missing file: %v", err)
	}
}

func TestUpdateWaitsForLock(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	other := flock.New(p + ".lock")
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatal("cannot take the lock", err)
	}
	defer other.Unlock()
	if err := os.WriteFile(p+".lock", []byte("ada@jump pid 42 since 2026-01-01T10:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := Update(p, SaveOptions{Wait: 100 * time.Millisecond}, func(a *model.Account) (*model.Account, error) {
		t.Error("edit ran without the lock")
		return a, nil
	})
	var le *LockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), p+".lock") || !strings.Contains(err.Error(), "another rolecall (ada@jump pid 42 since 2026-01-01T10:00:00Z)") {
		t.Fatalf("want *LockedError naming the lock, got %v", err)
	}
	// It waits the whole wait before giving up (the upper bound only
	// catches a hang, so that a loaded machine does not fail it).
	if d := time.Since(start); d < 100*time.Millisecond || d > 30*time.Second {
		t.Errorf("waited %s, want at least 100ms", d)
	}
	// Released in time: the update goes through.
	go func() { time.Sleep(30 * time.Millisecond); other.Unlock() }()
	if _, err := Update(p, SaveOptions{Wait: 5 * time.Second}, func(a *model.Account) (*model.Account, error) {
		a.Name = "after the wait"
		return a, nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	var re *ReadError
	if _, err := Load(dir); !errors.As(err, &re) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	big := filepath.Join(dir, "big.toml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Load(big); !errors.As(err, &re) || !strings.Contains(err.Error(), "at most 64 MiB") || strings.Contains(err.Error(), "\n") {
		t.Errorf("too large: %v", err)
	}
	if os.Geteuid() != 0 {
		unreadable := writeFile(t, "secret.toml", []byte("format = 1\n"), 0o000)
		if _, err := Load(unreadable); !errors.As(err, &re) {
			t.Errorf("unreadable: %v", err)
		}
	}
	empty := writeFile(t, "empty.toml", nil, 0o600)
	doc, err := Load(empty)
	if err != nil || !doc.HasErrors() || !strings.Contains(doc.Problems[0].String(), "empty.toml:1: error: missing format") {
		t.Errorf("empty file: %v %v", err, doc)
	}
}

func TestPermissions(t *testing.T) {
	p := writeFile(t, "rolecall.toml", []byte("format = 1\n"), 0o600)
	if w := Permissions(p); w != "" {
		t.Errorf("0600: %q", w)
	}
	os.Chmod(p, 0o666)
	if w := Permissions(p); w != "rolecall.toml is writable by others (mode 0666): anyone on this host can change who has access" {
		t.Errorf("0666: %q", w)
	}
	os.Chmod(p, 0o660)
	if w := Permissions(p); !strings.Contains(w, "writable by its group") {
		t.Errorf("0660: %q", w)
	}
	os.Chmod(p, 0o644)
	os.Chmod(filepath.Dir(p), 0o777)
	if w := Permissions(p); !strings.Contains(w, "directory") {
		t.Errorf("world-writable directory: %q", w)
	}
}

// A stamp says whether its bytes are known to be clean: Load of a good file
// and every Save say yes, Load of a file with errors says no, so that Save
// decodes again only what it must (and still refuses a file with errors).
func TestStampClean(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	d, err := Load(p)
	if err != nil || !d.Stamp.Clean {
		t.Fatalf("Load of a good file: clean=%v, err %v", d.Stamp.Clean, err)
	}
	a := d.Account.Clone()
	a.Name = "renamed"
	st, err := Save(p, a, d.Stamp, SaveOptions{Actor: "test"})
	if err != nil || !st.Clean {
		t.Fatalf("Save: clean=%v, err %v", st.Clean, err)
	}
	bad := writeFile(t, "bad.toml", []byte("format = 1\n[[users]]\nemail = \"x@example.com\"\nroles = []\n"), 0o600)
	bd, err := Load(bad)
	if err != nil || bd.Stamp.Clean {
		t.Fatalf("Load of a file with errors: clean=%v, err %v", bd.Stamp.Clean, err)
	}
	var pe *ProblemsError
	if _, err := Save(bad, goodAccount(), bd.Stamp, SaveOptions{}); !errors.As(err, &pe) {
		t.Errorf("Save over a file with errors: %v, want *ProblemsError", err)
	}
}

// A symbolic link whose target does not exist is not a missing file: Load
// says where it points (and not fs.ErrNotExist, which would open the demo
// in the TUI), and Save refuses before making anything, there or at the
// target. Links that go round in a loop say so, in Load and Save.
func TestSaveDanglingAndLoopingLinks(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "nowhere.toml")
	link := filepath.Join(dir, "dang.toml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.toml"), filepath.Join(dir, "b.toml")
	if err := os.Symlink(b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a, b); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, reason string }{
		{link, "no such file (it is a symbolic link to " + target + ", which does not exist)"},
		{a, "no such file: its symbolic links go round in a loop"},
	} {
		_, err := Load(c.path)
		var re *ReadError
		if !errors.As(err, &re) || re.Reason != c.reason || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Load(%s): %v (a missing file: %v)", c.path, err, errors.Is(err, fs.ErrNotExist))
		}
		_, err = Save(c.path, goodAccount(), Stamp{}, SaveOptions{Actor: "tui"})
		if !errors.As(err, &re) || re.Reason != c.reason {
			t.Errorf("Save(%s): %v", c.path, err)
		}
	}
	for _, d := range []string{dir, elsewhere} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if e.Type()&fs.ModeSymlink == 0 {
				t.Errorf("made %s", filepath.Join(d, e.Name()))
			}
		}
	}
}

// Update calls SaveOptions.Relaid when the file is not in rolecall's layout
// (a comment), before writing, and not once it is.
func TestUpdateRelaid(t *testing.T) {
	p := writeFile(t, "acct.toml", append([]byte("# by hand\n"), Encode(goodAccount())...), 0o600)
	for i, want := range []int{1, 0} {
		calls := 0
		_, err := Update(p, SaveOptions{Actor: "cli", Relaid: func() { calls++ }}, func(a *model.Account) (*model.Account, error) {
			a.Name = fmt.Sprintf("Edit %d", i)
			return a, nil
		})
		if err != nil || calls != want {
			t.Errorf("edit %d: Relaid called %d times, want %d (%v)", i, calls, want, err)
		}
	}
}

// A holder line left by a rolecall of this host that has ended does not
// name the process that holds the lock now (another program, which writes
// no line): the message says so, naming the line as the last rolecall's.
// A live holder is named as before.
func TestLockedByStaleHolder(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	other := flock.New(p + ".lock")
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatal("cannot take the lock", err)
	}
	defer other.Unlock()
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	for _, c := range []struct {
		pid  int
		want string
	}{
		{ended.Process.Pid, "is held by a process that did not write its name (the last rolecall to hold it was ada@%s pid %d since 2026-01-01T10:00:00Z; waited "},
		{os.Getpid(), "another rolecall (ada@%s pid %d since 2026-01-01T10:00:00Z) holds the lock"},
	} {
		line := fmt.Sprintf("ada@%s pid %d since 2026-01-01T10:00:00Z\n", model.SafeText(host), c.pid)
		if err := os.WriteFile(p+".lock", []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Update(p, SaveOptions{Wait: 50 * time.Millisecond}, func(a *model.Account) (*model.Account, error) {
			t.Error("edit ran without the lock")
			return a, nil
		})
		var le *LockedError
		if want := fmt.Sprintf(c.want, model.SafeText(host), c.pid); !errors.As(err, &le) || !strings.Contains(err.Error(), want) {
			t.Errorf("pid %d: got %v, want %q", c.pid, err, want)
		}
	}
}
