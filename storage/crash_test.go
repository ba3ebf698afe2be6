package storage

import (
	"bytes"
	"os"
	"syscall"
	"testing"
	"time"

	"rolecall/model"
)

// A process saving a 10,000-user account in a loop is killed at random
// moments, 100 times: each time the file and its backup decode whole and
// valid, and the bytes on disk (and in the backup) are those of the
// original file or of a save with its audit entry, written ahead. Entries
// whose file never landed are marked so by ReadAudit.
func TestKillDuringSaveKeepsAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test")
	}
	a := model.Synthetic(10000, 300, 40, 8)
	mustValid(t, a)
	first := Encode(a)
	p := writeFile(t, "big.toml", first, 0o600)
	const kills = 100
	whole := map[string]bool{} // hashes of bytes already decoded whole
	for k := range kills {
		// Once the child has begun a save (its entry comes first), kill it
		// at a random moment of that save or the next.
		killSaving(t, p, k, 60*time.Second, 250*time.Millisecond)
		es, err := ReadAudit(p)
		if err != nil {
			t.Fatal(err)
		}
		recorded := map[string]bool{hashHex(first): true}
		for _, e := range es {
			recorded[e.Sha256] = true
		}
		for _, f := range []string{p, p + ".bak"} {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatalf("kill %d: %v", k, err)
			}
			sum := hashHex(data)
			if !whole[sum] {
				if a, ps := Decode(f, data); a == nil || HasErrors(ps) {
					t.Fatalf("kill %d: %s is not whole: %v", k, f, Errors(ps))
				}
				whole[sum] = true
			}
			if !recorded[sum] {
				t.Fatalf("kill %d: %s holds a save with no audit entry", k, f)
			}
		}
	}
	es, _ := ReadAudit(p)
	landed := 0
	for _, e := range es {
		if e.Landed {
			landed++
		}
	}
	t.Logf("%d kills: %d audit entries, %d landed, %d never landed", kills, len(es), landed, len(es)-landed)
	if len(es) < kills {
		t.Errorf("too few saves got through (%d): the kills did not hit saves", len(es))
	}
}

// A process killed after its audit entry and before its rename leaves the
// file as it was and an entry that ReadAudit marks as never landed; the
// next save goes through and lands.
func TestKilledBeforeRename(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test")
	}
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	before := readString(t, p)
	cmd := helper(t, "save1", p, "HELPER_NAME=Never landed", "HELPER_STOP_BEFORE_RENAME=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 64)
	n, _ := out.Read(line)
	if !bytes.HasPrefix(line[:n], []byte("entry written")) {
		t.Fatalf("child said %q", line[:n])
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if readString(t, p) != before {
		t.Fatal("the file changed")
	}
	es, err := ReadAudit(p)
	if err != nil || len(es) != 1 || es[0].Landed {
		t.Fatalf("after the kill: %v, %+v", err, es)
	}
	doc, _ := Load(p)
	doc.Account.Name = "Landed"
	if _, err := Save(p, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		t.Fatal(err)
	}
	es, _ = ReadAudit(p)
	if len(es) != 2 || !es[0].Landed || es[1].Landed {
		t.Errorf("after the next save: landed %v, %v", es[0].Landed, es[1].Landed)
	}
}
