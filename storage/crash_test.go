package storage

import (
	"bytes"
	"os"
	"syscall"
	"testing"
	"time"

	"rolecall/model"
)

// longTests is set by ROLECALL_LONG_TESTS=1: TestKillDuringSaveKeepsAudit
// then kills 100 times at 10,000 users, as it did before its kills were
// aimed, and 100 times on a small file.
var longTests = os.Getenv("ROLECALL_LONG_TESTS") == "1"

// A process saving an account in a loop is killed during its saves: each
// time the file and its backup decode whole and valid, and the bytes on
// disk (and in the backup) are those of the original file or of a save
// with its audit entry, written ahead; the lock is free again afterwards.
// Entries whose file never landed are marked so by ReadAudit.
//
// Most kills are aimed: they come as soon as the file changes on disk, the
// worst moment for a write-ahead trail (the file has landed: its entry must
// be there already) and for a file written in place (torn), or as soon as
// the backup changes; the others at a random moment of the saves. Aimed
// so, the dozen kills of a small file, and the three at 10,000 users, each
// catch what 100 random kills at 10,000 users did not (an entry appended
// after the rename, a file or a backup written in place) and what those
// did (a file moved to the backup before its replacement lands).
func TestKillDuringSaveKeepsAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test")
	}
	small, big := 12, 3
	if longTests {
		small, big = 100, 100
	}
	t.Run("small file", func(t *testing.T) {
		t.Parallel()
		killDuringSave(t, goodAccount(), small, 25*time.Millisecond, true)
	})
	// At scale each save writes 1.3 MB twice; the child makes its account
	// rather than decode the file (saveLoop), and the file is decoded only
	// when it has no entry (a decode costs more than a kill).
	t.Run("10,000 users", func(t *testing.T) {
		t.Parallel()
		killDuringSave(t, model.Synthetic(10000, 300, 40, 8), big, 150*time.Millisecond, false, "HELPER_SYNTH=10000 300 40 8")
	})
}

// killDuringSave writes a to a file and kills a child saving it in a loop
// (killSaving; maxDelay: at most that long into its saves), kills times,
// checking after each kill that the file and its backup are whole and each
// a save with its audit entry (or the original file). With thorough set it
// decodes every new content, and checks at the end that the lock is free;
// else it decodes only content with no entry (to say whether it is torn):
// bytes whose hash an entry holds are those of a whole save.
func killDuringSave(t *testing.T, a *model.Account, kills int, maxDelay time.Duration, thorough bool, env ...string) {
	mustValid(t, a)
	first := Encode(a)
	p := writeFile(t, "acct.toml", first, 0o600)
	// Polled, the kill comes within microseconds of the change, while the
	// test has a core; told by inotify, soon after it even when it has to
	// wait for one.
	aims := []aim{{watch: p, poll: true}, {watch: p + ".bak", poll: true}, {}, {watch: p}}
	whole := map[string]bool{} // hashes of bytes already decoded whole
	mustWhole := func(k int, f string, data []byte) {
		t.Helper()
		if sum := hashHex(data); !whole[sum] {
			if a, ps := Decode(f, data); a == nil || HasErrors(ps) {
				t.Fatalf("kill %d: %s is not whole: %v", k, f, Errors(ps))
			}
			whole[sum] = true
		}
	}
	for k := range kills {
		killSaving(t, p, k, 60*time.Second, maxDelay, aims[k%len(aims)], env...)
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
			if thorough || !recorded[hashHex(data)] {
				mustWhole(k, f, data)
			}
			if !recorded[hashHex(data)] {
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
	if !thorough {
		return
	}
	// The lock is free again: the kernel released it with the process.
	if _, err := Update(p, SaveOptions{Wait: time.Second}, func(a *model.Account) (*model.Account, error) { return a, nil }); err != nil {
		t.Fatal(err)
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
