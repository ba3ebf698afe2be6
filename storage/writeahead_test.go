package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The audit entry is written before the file: when it cannot be written
// (the trail is a directory), nothing is saved and the error says so.
func TestAuditFailureSavesNothing(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	if err := os.Mkdir(p+".audit.jsonl", 0o700); err != nil {
		t.Fatal(err)
	}
	doc, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	before := readString(t, p)
	doc.Account.Name = "Renamed"
	_, err = Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"})
	if err == nil || !strings.HasPrefix(err.Error(), "not saved: the audit entry could not be written: ") {
		t.Errorf("save with no trail: %v", err)
	}
	if readString(t, p) != before {
		t.Error("the file was saved without its audit entry")
	}
}

// A disk that fills up in the middle of the audit entry (a file size limit
// in a child process) leaves no torn line, and nothing is saved.
func TestAuditFullDiskLeavesNoTornLine(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	// A trail larger than every other file, so that only its append
	// reaches the limit, and only a little of it fits.
	trail := bytes.Repeat([]byte(`{"note":"padding"}`+"\n"), 6000)
	if err := os.WriteFile(p+".audit.jsonl", trail, 0o600); err != nil {
		t.Fatal(err)
	}
	before := readString(t, p)
	limit := len(trail) + 40
	out, err := helper(t, "save1", p, "HELPER_NAME=Renamed", "HELPER_FSIZE="+strconv.Itoa(limit)).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "not saved: the audit entry could not be written: ") {
		t.Errorf("child said %q", out)
	}
	if readString(t, p) != before {
		t.Error("the file was saved without its audit entry")
	}
	if got := readString(t, p+".audit.jsonl"); got != string(trail) {
		t.Errorf("the trail grew by %q", strings.TrimPrefix(got, string(trail)))
	}
}

// A failure after the rename is a *SavedError: the message says the file
// is saved, and its stamp is the new file's, returned alongside, so that
// the next save is not refused as someone else's change.
func TestFailureAfterRename(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	doc, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	old := afterRename
	afterRename = func(string) error { return errors.New("disk on fire") }
	defer func() { afterRename = old }()
	doc.Account.Name = "Renamed"
	st, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"})
	var se *SavedError
	if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), "saved "+p+"; ") || !strings.HasSuffix(err.Error(), ": disk on fire") {
		t.Fatalf("want *SavedError, got %v", err)
	}
	now, err := Load(p)
	if err != nil || now.Account.Name != "Renamed" || !st.Same(now.Stamp) || !se.Stamp.Same(st) || !st.Clean {
		t.Fatalf("the stamp returned is not the file's: %v", err)
	}
	afterRename = old
	now.Account.Name = "Again"
	if _, err := Save(p, now.Account, st, SaveOptions{Actor: "tui"}); err != nil {
		t.Errorf("the next save from the returned stamp: %v", err)
	}
	es, _ := ReadAudit(p)
	if len(es) != 2 || !es[0].Landed || !es[1].Landed {
		t.Errorf("audit: %+v", es)
	}
}

// An entry whose file never landed (the rename did not happen) is marked;
// the entries before it, whose files did land, are not.
func TestNeverLanded(t *testing.T) {
	es := []AuditEntry{ // newest first
		{Sha256: "c", BeforeSha256: "b"}, // never landed: the file is still b
		{Sha256: "b", BeforeSha256: "a"},
		{Sha256: "x", BeforeSha256: "a"}, // never landed: b replaced a
		{Sha256: "a", BeforeSha256: ""},
		{}, // an entry of an earlier rolecall, written after its rename
	}
	markLanded(es, "b")
	for i, want := range []bool{false, true, false, true, true} {
		if es[i].Landed != want {
			t.Errorf("entry %d (%s): landed %v", i, es[i].Sha256, es[i].Landed)
		}
	}
}

// An entry followed by a change made outside rolecall (a hand edit, a git
// checkout: the next save starts from neither its file nor the one it
// replaced) is not said to be cut off: whether it landed cannot be told.
func TestChangedOutsideAfter(t *testing.T) {
	es := []AuditEntry{ // newest first
		{Sha256: "e", BeforeSha256: "h"}, // landed (the file now), from a hand edit h
		{Sha256: "d", BeforeSha256: "c"}, // then edited by hand: h is not d
		{Sha256: "c", BeforeSha256: "b"},
		{Sha256: "y", BeforeSha256: "b"}, // cut off: the next save found b still
		{Sha256: "b", BeforeSha256: ""},
	}
	markLanded(es, "e")
	for i, want := range []struct{ landed, changed bool }{{true, false}, {false, true}, {true, false}, {false, false}, {true, false}} {
		if es[i].Landed != want.landed || es[i].ChangedAfter != want.changed {
			t.Errorf("entry %d (%s): landed %v, changed after %v; want %v, %v", i, es[i].Sha256, es[i].Landed, es[i].ChangedAfter, want.landed, want.changed)
		}
	}
	// The newest entry, and the file edited by hand since.
	es = []AuditEntry{{Sha256: "a", BeforeSha256: ""}}
	if markLanded(es, "h"); es[0].Landed || !es[0].ChangedAfter {
		t.Errorf("edited by hand after the only save: %+v", es[0])
	}
}

// fullDiskSetup writes an account whose first role has the description
// desc, and an older FILE.bak, and returns the path with both contents.
func fullDiskSetup(t *testing.T, desc string) (p, file, bak string) {
	t.Helper()
	a := goodAccount()
	a.Roles[0].Description = desc
	p = writeFile(t, "acct.toml", Encode(a), 0o600)
	earlier := goodAccount()
	earlier.Name = "Earlier"
	if err := os.WriteFile(p+".bak", Encode(earlier), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, readString(t, p), readString(t, p+".bak")
}

// checkUnchanged fails unless p and p.bak hold file and bak, and both decode
// without errors.
func checkUnchanged(t *testing.T, p, file, bak string) {
	t.Helper()
	for name, want := range map[string]string{p: file, p + ".bak": bak} {
		got := readString(t, name)
		if got != want {
			t.Errorf("%s changed: %d bytes, was %d", name, len(got), len(want))
		}
		if a, ps := Decode(name, []byte(got)); a == nil || HasErrors(ps) {
			t.Errorf("%s does not decode: %v", name, ps)
		}
	}
}

// A disk that fills up while the new file is written (a file size limit
// that the old file and its backup fit in but the new file does not):
// the save says it did not save, and the file and FILE.bak keep their
// content. It used to rename the short temporary file into place and
// report success.
func TestFullDiskFileWrite(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	p, file, _ := fullDiskSetup(t, "")
	limit := len(file) + 100
	out, err := helper(t, "save1", p, "HELPER_DESC="+strings.Repeat("d", 900), "HELPER_FSIZE="+strconv.Itoa(limit)).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "not saved: ") {
		t.Errorf("child said %q", out)
	}
	// The backup was taken before the new file failed: it is the file.
	checkUnchanged(t, p, file, file)
	if n := auditLines(p); n != 0 {
		t.Errorf("%d audit entries for a save that did not happen", n)
	}
}

// A disk that fills up while FILE.bak is written: nothing is saved, and
// the file and the earlier FILE.bak keep their content.
func TestFullDiskBackupWrite(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	p, file, bak := fullDiskSetup(t, strings.Repeat("d", 1000))
	limit := len(file) - 500 // the new file, 1000 bytes shorter, fits
	out, err := helper(t, "save1", p, "HELPER_DESC=", "HELPER_FSIZE="+strconv.Itoa(limit)).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "not saved: cannot keep the previous version: ") {
		t.Errorf("child said %q", out)
	}
	checkUnchanged(t, p, file, bak)
}

// A disk that fills up while a recovery draft is written: WriteDraft says
// so, and no short draft is left.
func TestFullDiskDraftWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test")
	}
	state := t.TempDir()
	file := filepath.Join(t.TempDir(), "rolecall.toml")
	out, err := helper(t, "draft1", file, "XDG_STATE_HOME="+state, "HELPER_FSIZE=1000").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "draft: ") {
		t.Errorf("child said %q", out)
	}
	t.Setenv("XDG_STATE_HOME", state)
	p, err := DraftPath(file, "abc-1")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err == nil {
		t.Errorf("a draft of %d bytes was left", fi.Size())
	}
	ents, _ := os.ReadDir(filepath.Dir(p))
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".lock") {
			t.Errorf("left in the draft directory: %s", e.Name())
		}
	}
}

// A disk that fills up while the holder line is written over a longer old
// one leaves no torn line in FILE.lock, which would name neither holder.
func TestFullDiskHolderLine(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	p, file, bak := fullDiskSetup(t, "")
	old := "olduser@oldhost pid 1 since 2020-01-01T00:00:00Z " + strings.Repeat("x", 100) + "\n"
	if err := os.WriteFile(p+".lock", []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := helper(t, "save1", p, "HELPER_NAME=Renamed", "HELPER_FSIZE=20").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "not saved: ") {
		t.Errorf("child said %q", out)
	}
	checkUnchanged(t, p, file, bak)
	if got := readString(t, p+".lock"); got != "" && !strings.HasSuffix(got, "\n") || strings.Contains(got, "xxx") {
		t.Errorf("FILE.lock holds %q", got)
	}
}
