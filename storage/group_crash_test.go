package storage

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
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
		groupTxnHook = func(string, int) { time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond) }
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

// A process updating three files together is killed with SIGKILL at random
// moments of its updates: after each kill every file decodes whole, holds
// its old or its new bytes of the record left (if any), and RecoverGroup
// finishes the update, leaving the three files of one update.
func TestKillDuringGroupUpdate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	// 10 kills in go test ./... (100 with ROLECALL_LONG_TESTS=1), their
	// moments spread over the 30 ms the child is given: one at random in
	// each tenth of it (each hundredth), so that a few kills still come
	// at moments early and late in the child's updates.
	kills := testlong.N(10, 100)
	_, primary, m1, m2 := groupDir(t)
	files := []string{primary, m1, m2}
	deadline := time.Now().Add(90 * time.Second)
	withRecord := 0
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

		hashes := map[string]string{}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatalf("kill %d: %v", k, err)
			}
			if a, ps := Decode(f, data); a == nil || HasErrors(ps) {
				t.Fatalf("kill %d: %s is not whole: %v", k, f, Errors(ps))
			}
			hashes[f] = hashHex(data)
		}
		rec, err := readTxn(primary + groupTxnSuffix)
		if err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		if rec != nil {
			withRecord++
			for _, tf := range rec.Files {
				if h := hashes[tf.Path]; h != tf.OldSHA256 && h != tf.NewSHA256 {
					t.Fatalf("kill %d: %s holds neither its old nor its new bytes", k, tf.Path)
				}
			}
		}
		if _, err := RecoverGroup(primary, SaveOptions{Wait: 10 * time.Second}); err != nil {
			t.Fatalf("kill %d: recovery: %v", k, err)
		}
		ns := names(t, files...)
		if suffix(ns[0]) != suffix(ns[1]) || suffix(ns[1]) != suffix(ns[2]) {
			t.Fatalf("kill %d: the files are of different updates: %q", k, ns)
		}
	}
	t.Logf("%d kills left a record to finish", withRecord)
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(m1), "*"+groupTempTag+"*"))
	left2, _ := filepath.Glob(filepath.Join(filepath.Dir(primary), "*"+groupTempTag+"*"))
	// Temporary files of updates killed before their record are left (as
	// Save's are); none of a record that was finished.
	t.Logf("temporary files left by kills before a record: %d", len(left)+len(left2))
	// Once old, the next update removes them.
	old := time.Now().Add(-time.Hour)
	for _, f := range append(left, left2...) {
		os.Chtimes(f, old, old)
	}
	if _, err := UpdateGroup(primary, []string{m1, m2}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		for _, a := range as {
			a.Name += " last"
		}
		return as, nil
	}); err != nil {
		t.Fatal(err)
	}
	left, _ = filepath.Glob(filepath.Join(filepath.Dir(m1), "*"+groupTempTag+"*"))
	left2, _ = filepath.Glob(filepath.Join(filepath.Dir(primary), "*"+groupTempTag+"*"))
	if len(left)+len(left2) > 0 {
		t.Errorf("old temporary files kept: %v %v", left, left2)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Two processes update overlapping sets of files (A with B and C, D with
// C and B) at once: both finish (one lock order: no deadlock), and every
// edit either reports is in every file of its set.
func TestConcurrentGroupUpdates(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	dir := t.TempDir()
	var fs []string
	for _, n := range []string{"a", "b", "c", "d"} {
		f := filepath.Join(dir, n+".toml")
		os.WriteFile(f, Encode(goodAccount()), 0o600)
		fs = append(fs, f)
	}
	n := testlong.N(12, 40)
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
