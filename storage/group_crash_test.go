package storage

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rolecall/internal/testlong"
	"rolecall/model"
)

const groupHelperEnv = "ROLECALL_GROUP_HELPER"

// TestGroupHelperProcess is not a test: it is the child of the
// process-level group tests, run when groupHelperEnv is set. HELPER_FILES
// lists the files (the primary first), separated by ':'.
func TestGroupHelperProcess(t *testing.T) {
	mode := os.Getenv(groupHelperEnv)
	if mode == "" {
		t.Skip("helper process only")
	}
	files := strings.Split(os.Getenv("HELPER_FILES"), ":")
	switch mode {
	case "loop":
		// Renames every account "BASE #i", i = 1, 2, ..., until killed,
		// pausing a little between the steps to widen them.
		groupTxnHook = func(string, int, string) { time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond) }
		for i := 1; ; i++ {
			_, err := UpdateGroup(files[0], files[1:], SaveOptions{Wait: 30 * time.Second, Actor: "test"}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
				for _, a := range as {
					base, _, _ := strings.Cut(a.Name, " #")
					a.Name = fmt.Sprintf("%s #%d", base, i)
				}
				return as, nil
			})
			if err != nil {
				fmt.Println("fail", err)
				os.Exit(1)
			}
			fmt.Println("ok", i)
		}
	case "stop":
		// One update renaming every account "BASE #1", stopped at step
		// $HELPER_STEP (file $HELPER_AT) of groupTxnHook until killed.
		step := os.Getenv("HELPER_STEP")
		at, _ := strconv.Atoi(os.Getenv("HELPER_AT"))
		groupTxnHook = func(s string, i int, _ string) {
			if s == step && i == at {
				fmt.Println("stopped")
				time.Sleep(time.Hour)
			}
		}
		_, err := UpdateGroup(files[0], files[1:], SaveOptions{Wait: 30 * time.Second, Actor: "test"}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
			for _, a := range as {
				a.Name += " #1"
			}
			return as, nil
		})
		fmt.Println("not stopped:", err)
		os.Exit(1)
	case "users":
		who := os.Getenv("HELPER_WHO")
		n, _ := strconv.Atoi(os.Getenv("HELPER_N"))
		for i := range n {
			email := fmt.Sprintf("%s%d@example.com", who, i)
			_, err := UpdateGroup(files[0], files[1:], SaveOptions{Wait: 60 * time.Second, Actor: "test"}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
				for _, a := range as {
					addUser(a, email)
				}
				return as, nil
			})
			if err != nil {
				fmt.Printf("fail %s %v\n", email, err)
				continue
			}
			fmt.Printf("ok %s\n", email)
		}
	}
	os.Exit(0)
}

func groupHelper(mode string, files []string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestGroupHelperProcess$", "-test.v=false")
	cmd.Env = append(os.Environ(), append([]string{groupHelperEnv + "=" + mode, "HELPER_FILES=" + strings.Join(files, ":")}, env...)...)
	return cmd
}

// suffix is the "#i" of an account's name.
func suffix(name string) string {
	_, s, _ := strings.Cut(name, " #")
	return s
}

// A process updating three files together is killed with SIGKILL during
// an update: after each kill every file decodes whole, holds its old or
// its new bytes of the record left (if any), and RecoverGroup finishes the
// update, leaving the three files of one update; the kernel freed the
// locks with the process.
//
// The kills are aimed: one child per step of the update (groupTxnHook), each
// stopped there until killed: once its temporary files are written (no
// record yet: every file keeps its old bytes), once the record is synced,
// and after each of the three renames (the record must be there, and
// recovery rolls the update forward). The children run at once, each on
// its own three files. With ROLECALL_LONG_TESTS=1 a child updating in a
// loop is also killed 100 times at random moments (killGroupAtRandom), as
// all the kills were before they were aimed.
//
// What a kill between two steps would leave (a file or the record written
// in place, torn; a rename before the record; the record removed before a
// rename) is told by the order of the changes an update makes to the two
// directories (groupOrderProblem), checked on the update that follows the
// kills, whatever the moment.
func TestKillDuringGroupUpdate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	type stop struct {
		step string
		at   int
	}
	stops := []stop{{"temps", -1}, {"record", -1}, {"renamed", 0}, {"renamed", 1}, {"renamed", 2}}
	type kill struct {
		stop
		primary, m1, m2 string
		err             error
	}
	kills := make([]*kill, len(stops))
	done := make(chan *kill)
	for i, s := range stops {
		k := &kill{stop: s}
		_, k.primary, k.m1, k.m2 = groupDir(t)
		kills[i] = k
		go func() {
			k.err = stopAndKill(groupHelper("stop", []string{k.primary, k.m1, k.m2}, "HELPER_STEP="+s.step, "HELPER_AT="+strconv.Itoa(s.at)))
			done <- k
		}()
	}
	for range kills {
		<-done
	}
	for _, k := range kills {
		label := fmt.Sprintf("kill at %s %d", k.step, k.at)
		if k.err != nil {
			t.Fatalf("%s: %v", label, k.err)
		}
		files := []string{k.primary, k.m1, k.m2}
		if rec := checkGroupKill(t, label, files); rec != (k.step != "temps") {
			t.Fatalf("%s: record left %v", label, rec)
		}
		want := "1" // recovery rolled the update forward
		if k.step == "temps" {
			want = "" // no record: the update never happened
		}
		if ns := names(t, files...); suffix(ns[0]) != want {
			t.Fatalf("%s: after recovery the files are %q, want those of update %q", label, ns, want)
		}
	}
	// The kill before the record left its temporary files; the next update
	// removes them once old.
	k := kills[0]
	lastGroupUpdate(t, k.primary, k.m1, k.m2, true)
	if n := testlong.N(0, 100); n > 0 {
		_, primary, m1, m2 := groupDir(t)
		killGroupAtRandom(t, n, []string{primary, m1, m2})
		lastGroupUpdate(t, primary, m1, m2, false)
	}
}

// stopAndKill runs cmd (a child in mode "stop") until it says it stopped,
// then kills it with SIGKILL.
func stopAndKill(cmd *exec.Cmd) error {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Signal(syscall.SIGKILL)
	werr := cmd.Wait()
	if err != nil || line != "stopped\n" {
		return fmt.Errorf("child said %q (%v), %s", line, err, stderr.String())
	}
	if ee, ok := werr.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		return fmt.Errorf("child ended by itself: %v", werr)
	}
	return nil
}

// checkGroupKill checks the files of a group update killed at some moment:
// each decodes whole; with a record left, each holds its old or its new
// bytes of the record; RecoverGroup (which takes the locks the child held)
// leaves the files of one update. It reports whether a record was left.
func checkGroupKill(t *testing.T, label string, files []string) bool {
	t.Helper()
	hashes := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if a, ps := Decode(f, data); a == nil || HasErrors(ps) {
			t.Fatalf("%s: %s is not whole: %v", label, f, Errors(ps))
		}
		hashes[f] = hashHex(data)
	}
	rec, err := readTxn(files[0] + groupTxnSuffix)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	if rec != nil {
		for _, tf := range rec.Files {
			if h := hashes[tf.Path]; h != tf.OldSHA256 && h != tf.NewSHA256 {
				t.Fatalf("%s: %s holds neither its old nor its new bytes", label, tf.Path)
			}
		}
	}
	if _, err := RecoverGroup(files[0], SaveOptions{Wait: 10 * time.Second}); err != nil {
		t.Fatalf("%s: recovery: %v", label, err)
	}
	ns := names(t, files...)
	if suffix(ns[0]) != suffix(ns[1]) || suffix(ns[1]) != suffix(ns[2]) {
		t.Fatalf("%s: the files are of different updates: %q", label, ns)
	}
	return rec != nil
}

// killGroupAtRandom kills a child updating files in a loop, kills times,
// at random moments spread over the 30 ms it is given: one at random in
// each hundredth of it, so that kills come early and late in its updates.
func killGroupAtRandom(t *testing.T, kills int, files []string) {
	withRecord := 0
	deadline := time.Now().Add(90 * time.Second)
	for k := range kills {
		if time.Now().After(deadline) {
			t.Logf("stopped after %d kills: out of time", k)
			break
		}
		cmd := groupHelper("loop", files)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(out)
		if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "ok") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("kill %d: child said %q %v", k, line, err)
		}
		go func() { _, _ = r.WriteTo(discard{}) }()
		slot := 30000 / kills
		time.Sleep(time.Duration(k*slot+rand.IntN(slot)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if checkGroupKill(t, fmt.Sprintf("kill %d", k), files) {
			withRecord++
		}
	}
	t.Logf("%d kills left a record to finish", withRecord)
}

// lastGroupUpdate makes one more update of the three files, with the
// temporary files that kills before a record left (some, with tempsLeft)
// made old: it removes them. The order of the changes it makes to the
// directories must be one a kill at any moment leaves whole and
// recoverable (groupOrderProblem).
func lastGroupUpdate(t *testing.T, primary, m1, m2 string, tempsLeft bool) {
	t.Helper()
	temps := func() []string {
		left, _ := filepath.Glob(filepath.Join(filepath.Dir(m1), "*"+groupTempTag+"*"))
		left2, _ := filepath.Glob(filepath.Join(filepath.Dir(primary), "*"+groupTempTag+"*"))
		return append(left, left2...)
	}
	left := temps()
	t.Logf("temporary files left by kills before a record: %d", len(left))
	if tempsLeft && len(left) == 0 {
		t.Fatal("a kill before the record left no temporary files")
	}
	// Once old, the next update removes them.
	old := time.Now().Add(-time.Hour)
	for _, f := range left {
		os.Chtimes(f, old, old)
	}
	rec, recErr := recordDir(filepath.Dir(primary), filepath.Dir(m1))
	if _, err := UpdateGroup(primary, []string{m1, m2}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		for _, a := range as {
			a.Name += " last"
		}
		return as, nil
	}); err != nil {
		t.Fatal(err)
	}
	if left := temps(); len(left) > 0 {
		t.Errorf("old temporary files kept: %v", left)
	}
	if recErr != nil {
		return // no inotify here
	}
	evs, err := rec.take()
	if err != nil {
		t.Fatal(err)
	}
	if msg := groupOrderProblem(evs, primary, m1, m2); msg != "" {
		t.Errorf("%s\nchanges: %v", msg, evs)
	}
}

// groupOrderProblem says what, in the changes evs a group update of
// files (the primary first) made to their directories, a kill at some
// moment would have left broken or unrecoverable: a file, its FILE.bak or
// the record written in place (torn) or removed; a file replaced before the
// record is in place, or after it is removed (a mix of old and new files
// with no record to finish it); the record in place before every file's
// audit entry is appended. "" when nothing.
func groupOrderProblem(evs []fsEvent, files ...string) string {
	recName := filepath.Base(files[0]) + groupTxnSuffix
	isFile := map[string]bool{}
	for _, f := range files {
		isFile[filepath.Base(f)] = true
		isFile[filepath.Base(f)+".bak"] = true
	}
	recState := "absent" // "absent", "in place", "removed"
	entries := map[string]bool{}
	replacedFiles := 0
	for i, e := range evs {
		base, isTrail := strings.CutSuffix(e.name, ".audit.jsonl")
		switch {
		case isFile[e.name] && (e.op == written || e.op == removed):
			return fmt.Sprintf("change %d writes or removes %s in place: killed then, it is torn or missing", i+1, e.name)
		case e.name == recName && e.op == written:
			return fmt.Sprintf("change %d writes the record in place: killed then, it is torn", i+1)
		case e.name == recName && e.op == replaced:
			for _, f := range files {
				if !entries[filepath.Base(f)] {
					return fmt.Sprintf("change %d puts the record in place before %s has its audit entry", i+1, filepath.Base(f))
				}
			}
			recState = "in place"
		case e.name == recName && e.op == removed:
			if replacedFiles < len(files) {
				return fmt.Sprintf("change %d removes the record after %d of %d files are replaced: killed then, the files are of two updates", i+1, replacedFiles, len(files))
			}
			recState = "removed"
		case isTrail && isFile[base] && (e.op == written || e.op == replaced):
			entries[base] = true
		case isFile[e.name] && e.op == replaced && !strings.HasSuffix(e.name, ".bak"):
			if recState != "in place" {
				return fmt.Sprintf("change %d replaces %s with the record %s: killed then, the files are of two updates", i+1, e.name, recState)
			}
			replacedFiles++
		}
	}
	if recState != "removed" || replacedFiles != len(files) {
		return fmt.Sprintf("the update replaced %d of %d files and left the record %s", replacedFiles, len(files), recState)
	}
	return ""
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// fourAccounts writes four account files, a to d.toml, in a new directory.
func fourAccounts(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var fs []string
	for _, n := range []string{"a", "b", "c", "d"} {
		f := filepath.Join(dir, n+".toml")
		if err := os.WriteFile(f, Encode(goodAccount()), 0o600); err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// Updates of overlapping sets of files (A with B and C, D with C and B)
// take their locks in one order: two of them at once cannot each hold a
// lock the other waits for (a deadlock, which TestConcurrentGroupUpdates
// meets only when the two processes happen to interleave so).
func TestGroupLocksInOneOrder(t *testing.T) {
	fs := fourAccounts(t)
	var order []string
	groupTxnHook = func(s string, _ int, path string) {
		if s == "locked" {
			order = append(order, filepath.Base(path))
		}
	}
	defer func() { groupTxnHook = nil }()
	var orders [][]string
	for i, set := range [][]string{{fs[0], fs[1], fs[2]}, {fs[3], fs[2], fs[1]}} {
		order = nil
		if _, err := UpdateGroup(set[0], set[1:], SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
			for _, a := range as {
				addUser(a, fmt.Sprintf("p%d@example.com", i))
			}
			return as, nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(order) != len(set) {
			t.Fatalf("update %d took the locks %v, want one of each of its %d files", i, order, len(set))
		}
		orders = append(orders, order)
	}
	at := func(o []string, f string) int { return slices.Index(o, f) }
	for _, f := range []string{"b.toml", "c.toml"} {
		for _, g := range []string{"b.toml", "c.toml"} {
			if f != g && (at(orders[0], f) < at(orders[0], g)) != (at(orders[1], f) < at(orders[1], g)) {
				t.Errorf("the two updates lock %s and %s in opposite orders: %v and %v", f, g, orders[0], orders[1])
			}
		}
	}
}

// Two processes update overlapping sets of files (A with B and C, D with
// C and B) at once: both finish (no deadlock: see TestGroupLocksInOneOrder
// for the one lock order), and every edit either reports is in every file
// of its set.
func TestConcurrentGroupUpdates(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	fs := fourAccounts(t)
	// 4 edits each (40 with ROLECALL_LONG_TESTS=1): with UpdateGroup
	// taking no lock at all, 3, 4 and 5 edits each lost edits in every run
	// (5 of 5, 10 of 10, 5 of 5), the children starting within
	// milliseconds of each other.
	n := testlong.N(4, 40)
	sets := [][]string{{fs[0], fs[1], fs[2]}, {fs[3], fs[2], fs[1]}}
	outs := make([][]byte, 2)
	errs := make(chan error, 2)
	for i, set := range sets {
		go func() {
			cmd := groupHelper("users", set, fmt.Sprintf("HELPER_WHO=p%d-", i), fmt.Sprintf("HELPER_N=%d", n))
			done := make(chan struct{})
			go func() {
				select {
				case <-done:
				case <-time.After(150 * time.Second):
					cmd.Process.Kill() // a deadlock
				}
			}()
			var err error
			outs[i], err = cmd.Output()
			close(done)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	for i, set := range sets {
		ok := 0
		for _, l := range strings.Split(string(outs[i]), "\n") {
			email, found := strings.CutPrefix(l, "ok ")
			if !found {
				if l != "" {
					t.Errorf("child %d: %s", i, l)
				}
				continue
			}
			ok++
			for _, f := range set {
				if !strings.Contains(readString(t, f), email) {
					t.Errorf("%s lost %s", f, email)
				}
			}
		}
		if ok != n {
			t.Errorf("child %d: %d of %d edits", i, ok, n)
		}
	}
	for _, f := range fs {
		if d := mustLoad(t, f); d.HasErrors() {
			t.Errorf("%s: %v", f, Errors(d.Problems))
		}
	}
}
