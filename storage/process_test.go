package storage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rolecall/internal/testlong"
	"rolecall/model"
)

// helperEnv selects what the re-executed test binary does.
const helperEnv = "ROLECALL_STORAGE_HELPER"

// TestHelperProcess is not a test: it is the child process of the
// process-level tests, run when helperEnv is set.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process only")
	}
	file := os.Getenv("HELPER_FILE")
	switch mode {
	case "update":
		who := os.Getenv("HELPER_WHO")
		n, _ := strconv.Atoi(os.Getenv("HELPER_N"))
		for i := range n {
			email := fmt.Sprintf("%s%d@example.com", who, i)
			_, err := Update(file, SaveOptions{Wait: 30 * time.Second, Actor: "cli: user add " + email},
				func(a *model.Account) (*model.Account, error) {
					a.Users = append(a.Users, model.User{Email: email, Roles: []string{model.StandardUser}})
					return a, nil
				})
			if err != nil {
				fmt.Printf("fail %s %v\n", email, err)
				continue
			}
			fmt.Printf("ok %s\n", email)
		}
	case "save1":
		saveOnce(file)
	case "draft1":
		limitFileSize()
		d := Draft{ID: "abc-1", BaseSHA256: "ab", Ops: []json.RawMessage{json.RawMessage(`"` + strings.Repeat("x", 4000) + `"`)}}
		if err := WriteDraft(file, d); err != nil {
			fmt.Println("draft:", err)
			return
		}
		fmt.Println("ok")
	case "saveloop":
		saveLoop(file)
	}
	os.Exit(0)
}

// saveLoop saves file over and over until it is killed, each time with a
// new name and a user more or a user less. It reads the file once, then
// saves from the stamp each save returns: it spends its time saving, not
// decoding. With $HELPER_SYNTH set ("USERS ROLES ENVS SEED") it does not
// decode the file at all: it saves that model.Synthetic account over the
// bytes on disk, taken as clean (the test has checked them), so that even
// at 10,000 users the child starts saving at once.
func saveLoop(file string) {
	var a *model.Account
	var st Stamp
	if spec := os.Getenv("HELPER_SYNTH"); spec != "" {
		var users, roles, envs int
		var seed int64
		if _, err := fmt.Sscan(spec, &users, &roles, &envs, &seed); err != nil {
			fmt.Fprintln(os.Stderr, "HELPER_SYNTH:", err)
			os.Exit(3)
		}
		a = model.Synthetic(users, roles, envs, seed)
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "read:", err)
			os.Exit(3)
		}
		st = Stamp{Exists: true, Size: int64(len(data)), Sum: sha256.Sum256(data), Clean: true}
	} else {
		doc, err := Load(file)
		if err != nil || doc.HasErrors() {
			fmt.Fprintln(os.Stderr, "load:", err, doc.Problems)
			os.Exit(3)
		}
		a, st = doc.Account, doc.Stamp
	}
	for i := 0; ; i++ {
		a.Name = fmt.Sprintf("save %d of pid %d %s", i, os.Getpid(), strings.Repeat("x", i%64))
		if i%2 == 0 {
			a.Users = append(a.Users, model.User{Email: fmt.Sprintf("u%d-%d@example.com", os.Getpid(), i), Roles: []string{model.StandardUser}})
		} else if len(a.Users) > 10 {
			a.Users = a.Users[:len(a.Users)-1]
		}
		var err error
		if st, err = Save(file, a, st, SaveOptions{Actor: "tui"}); err != nil {
			fmt.Fprintln(os.Stderr, "save:", err)
			os.Exit(3)
		}
	}
}

// saveOnce loads file, renames its account to $HELPER_NAME and saves it,
// printing "ok" or the error. With $HELPER_FSIZE set, the process may not
// write past that many bytes in any file: a full disk for the writes that
// reach it.
func saveOnce(file string) {
	if !limitFileSize() {
		return
	}
	if os.Getenv("HELPER_STOP_BEFORE_RENAME") != "" {
		beforeRename = func() {
			fmt.Println("entry written")
			select {} // until killed
		}
	}
	doc, err := Load(file)
	if err != nil || doc.HasErrors() {
		fmt.Println("load:", err)
		return
	}
	if name, ok := os.LookupEnv("HELPER_NAME"); ok {
		doc.Account.Name = name
	}
	if desc, ok := os.LookupEnv("HELPER_DESC"); ok {
		doc.Account.Roles[0].Description = desc
	}
	if _, err := Save(file, doc.Account, doc.Stamp, SaveOptions{Actor: "tui"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ok")
}

// limitFileSize applies $HELPER_FSIZE, if set, as the process's file size
// limit, with SIGXFSZ ignored: writes past it fail as on a full disk. It
// reports false (having said why) when the limit cannot be set.
func limitFileSize() bool {
	n, err := strconv.ParseUint(os.Getenv("HELPER_FSIZE"), 10, 64)
	if err != nil {
		return true
	}
	signal.Ignore(syscall.SIGXFSZ)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
		fmt.Println("setrlimit:", err)
		return false
	}
	return true
}

// auditLines counts the entries in the audit trail of p.
func auditLines(p string) int {
	b, _ := os.ReadFile(p + ".audit.jsonl")
	return bytes.Count(b, []byte{'\n'})
}

func helper(t *testing.T, mode, file string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v=false")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode, "HELPER_FILE=" + file}, env...)...)
	return cmd
}

// Two processes each make 5 scripted edits of one file at the same time
// (50 with ROLECALL_LONG_TESTS=1): every edit reported as done is in the
// file, and the file is valid. With a lock taken too late (the file read
// before it) or not at all, 5 edits each lost edits in 5 runs of 5, as 25
// did; with no lock, 10 runs of 10 at 5 edits.
func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	n := testlong.N(5, 50)
	var outs [2]bytes.Buffer
	var cmds [2]*exec.Cmd
	for i, who := range []string{"a", "b"} {
		cmds[i] = helper(t, "update", p, "HELPER_WHO="+who, "HELPER_N="+strconv.Itoa(n))
		cmds[i].Stdout = &outs[i]
		cmds[i].Stderr = os.Stderr
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := Load(p)
	if err != nil || doc.HasErrors() {
		t.Fatalf("final file: %v %v", err, doc.Problems)
	}
	done := 0
	for i := range outs {
		sc := bufio.NewScanner(&outs[i])
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			if f[0] != "ok" {
				t.Errorf("edit failed: %s", sc.Text())
				continue
			}
			done++
			if doc.Account.FindUser(f[1]) < 0 {
				t.Errorf("%s was reported saved but is not in the file", f[1])
			}
		}
	}
	if done != 2*n {
		t.Errorf("%d edits reported done, want %d", done, 2*n)
	}
	if got := len(doc.Account.Users); got != len(goodAccount().Users)+done {
		t.Errorf("%d users in the file, want %d", got, len(goodAccount().Users)+done)
	}
	es, err := ReadAudit(p)
	if err != nil || len(es) != done {
		t.Errorf("audit: %v, %d entries for %d edits", err, len(es), done)
	}
}

// aim says when killSaving kills: with watch "", at a random moment; else
// as soon as the file watch changes on disk (is replaced, removed, written
// or truncated), seen by polling it without sleeping.
type aim struct{ watch string }

// killSaving starts a child that saves p over and over (saveLoop, with
// env), waits (at most wait) until it has begun a save (its audit entry
// comes first), then SIGKILLs it when aim says, at most maxDelay later.
// Kill number k fails the test if the child ended by itself. It returns
// the changes the child made in p's directory, in order (nil where they
// cannot be recorded: see recordDir).
func killSaving(t *testing.T, p string, k int, wait, maxDelay time.Duration, aim aim, env ...string) []fsEvent {
	t.Helper()
	before := auditLines(p)
	rec, recErr := recordDir(filepath.Dir(p))
	cmd := helper(t, "saveloop", p, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(wait); auditLines(p) <= before && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if aim.watch == "" {
		time.Sleep(time.Duration(rand.Int64N(int64(maxDelay))))
	} else {
		// Without sleeping: a file written in place is torn for only
		// microseconds.
		for was, deadline := statOfFile(aim.watch), time.Now().Add(maxDelay); statOfFile(aim.watch) == was && time.Now().Before(deadline); {
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("kill %d: child ended by itself (%v): %s", k, err, stderr.String())
	}
	if recErr != nil {
		return nil
	}
	evs, err := rec.take()
	if err != nil {
		t.Fatalf("kill %d: %v", k, err)
	}
	return evs
}

// fsEvent is a change of a directory entry.
type fsEvent struct {
	name string
	op   fsOp
}

type fsOp int

const (
	written  fsOp = iota // written or truncated in place
	replaced             // renamed over, or to
	removed              // deleted, or renamed away
	created
)

// saveOrderProblem says what, in the changes evs a process made in the
// directory of the account file p while it saved, a kill at some moment
// would have left broken: p or FILE.bak written in place (torn), removed
// or renamed away (missing), or p replaced with no audit entry appended
// since it was last replaced (a change without its entry). "" when
// nothing: then a kill at any moment leaves each whole, and every change
// recorded.
func saveOrderProblem(evs []fsEvent, p string) string {
	file := filepath.Base(p)
	bak, trail := file+".bak", file+".audit.jsonl"
	entry := false // appended since file was last replaced
	for i, e := range evs {
		switch {
		case (e.name == file || e.name == bak) && e.op == written:
			return fmt.Sprintf("change %d writes %s in place: killed then, it is torn", i+1, e.name)
		case (e.name == file || e.name == bak) && e.op == removed:
			return fmt.Sprintf("change %d removes %s: killed then, it is missing", i+1, e.name)
		case e.name == trail && (e.op == written || e.op == replaced):
			entry = true
		case e.name == file && e.op == replaced:
			if !entry {
				return fmt.Sprintf("change %d replaces %s with no audit entry appended before it: killed then, the change has no entry", i+1, file)
			}
			entry = false
		}
	}
	return ""
}

// state is what tells that a file changed on disk: it was replaced,
// removed, written or truncated.
type state struct {
	exists          bool
	size, modTimeNs int64
	dev, ino        uint64
}

func statOfFile(name string) state {
	fi, err := os.Stat(name)
	if err != nil {
		return state{}
	}
	st := state{exists: true, size: fi.Size(), modTimeNs: fi.ModTime().UnixNano()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.dev, st.ino = uint64(sys.Dev), uint64(sys.Ino)
	}
	return st
}
