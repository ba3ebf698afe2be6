package cli_test

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"rolecall/cli"
	"rolecall/internal/testlong"
)

// How the tests run rolecall.
//
// rc runs a command in this test process: cli.Execute, as main.go calls
// it (but for the terminal UI, which no test here opens: main_test.go
// checks that main builds it in; package tui tests it), in the test's
// directory, with its environment. A run costs what the command costs;
// a process costs some 30 ms of CPU more on this machine (exec, start,
// page faults), and the tests run rolecall some 550 times.
//
// rcProc runs the same command as a process: this test binary, under the
// name rolecall (binary, a link to it), is rolecall. The tests that need a
// process use it (or exec binary themselves), and say why:
//   - the process contract: exit status, stdout and stderr apart
//     (TestProcessContract runs a table of commands both ways);
//   - a process killed midway (killPushAt: SIGKILL during a push), or one
//     that must be killable if it hangs (rcWithin: FIFOs);
//   - a process that runs while the test does something else: a push
//     held mid-call (TestAttackAbandonDuringRunningPush), an edit that
//     waits for a lock the test holds (the group race), a question
//     answered on a pipe (pushWithAnswer; pushAnswering is in-process);
//   - limits of a process: ulimit -f (TestFullDiskEdit), another user's
//     credentials (TestSavedWithWarningByCLI), start-up (inittrace);
//   - what is read once per process: the system's TLS roots
//     ($SSL_CERT_FILE): the untrusted certificate of TestBoomiCredentials.
//     Every other Boomi command runs in-process: this process's
//     $SSL_CERT_FILE (caFile) holds httptest's certificate and the one
//     every fake Boomi serves (trustFake), before anything reads the roots.
//
// The state of this process that a run depends on is guarded by procMu:
// the working directory, the environment, cli.Stdin, cli.RunTUI (noTUI, as
// in the process), push's lock wait (runOpts) and the garbage collector's settings, which Execute tunes for
// a one-off command. A test that starts a process builds its environment
// from baseEnv and starts it through startProc, never while a run has
// changed the directory or the environment; and no test (in package cli
// either) names a file relative to the working directory.
//
// Where the files live: copyFile, demo, groupFiles and prdiffDir make
// their directories with memDir, in memory (tmpfs) in an ordinary run and
// on disk with ROLECALL_LONG_TESTS=1 (cli.MemDir says why); a test that
// writes a report beside the account file keeps it on disk (t.TempDir).

var (
	binary  string
	repo    string
	testdir string
	// baseEnv is this process's environment as TestMain leaves it: the
	// base of every run's. startEnv is the one it was started with.
	baseEnv, startEnv []string
	// procMu guards the process-wide state of an in-process run (above).
	procMu sync.Mutex
	// caFile is this process's $SSL_CERT_FILE.
	caFile string
	// gcPercent and memLimit are the collector's settings outside runs.
	gcPercent int
	memLimit  int64
)

// noTUI stands for the terminal UI, which these tests never open.
func noTUI(cli.TUIOptions) int {
	fmt.Fprintln(os.Stderr, "rolecall: the cli tests' binary has no terminal UI: test it in package tui or in main_test.go")
	return 125
}

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "rolecall" {
		cli.RunTUI = noTUI
		// What main does (main.go), which a test cannot call: building the
		// binary instead cost the tests more than a second.
		os.Exit(cli.Execute(os.Args, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	startEnv = os.Environ()
	_, here, _, _ := runtime.Caller(0)
	repo = filepath.Dir(filepath.Dir(here))
	testdir = filepath.Join(repo, "testdata", "cli")
	tmp, err := os.MkdirTemp("", "rolecall-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	binary = filepath.Join(tmp, "rolecall")
	if err := os.Symlink(self, binary); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Keep the load cache of every run out of the user's home.
	os.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	// The roots of this process, as SSL_CERT_FILE makes them a process's
	// (crypto/x509 reads the variable once, on first use): httptest's
	// certificate (of the servers some tests start beside the fake Boomi)
	// and, once the first fake Boomi has started, its certificate
	// (trustFake).
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	caFile = filepath.Join(tmp, "roots.pem")
	err = os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	srv.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("SSL_CERT_FILE", caFile)
	// And no directory of roots: without SSL_CERT_DIR a process also
	// parses the system's (/etc/ssl/certs, some 145 certificates), 30 to
	// 50 ms of CPU in this one and in every process that talks to a fake.
	noRoots := filepath.Join(tmp, "no-roots")
	if err := os.Mkdir(noRoots, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("SSL_CERT_DIR", noRoots)
	baseEnv = os.Environ()
	// GOGC=400 between runs as during them (Execute's oneOffGC): at 100
	// the collector ran every few megabytes, and returned the pages a run
	// had grown into, which the next run faulted in again.
	flag.Parse()
	testlong.TuneGC()
	gcPercent = debug.SetGCPercent(100)
	debug.SetGCPercent(gcPercent)
	memLimit = debug.SetMemoryLimit(-1)
	return m.Run()
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// rc runs rolecall in this process, in dir with env (extra KEY=VALUE
// entries; ROLECALL_FILE is cleared unless given) and an empty stdin.
func rc(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return rcInput(t, dir, env, "", args...)
}

// rcInput is rc with stdin.
func rcInput(t *testing.T, dir string, env []string, stdin string, args ...string) result {
	t.Helper()
	return rcOpts(t, dir, env, runOpts{stdin: strings.NewReader(stdin)}, args...)
}

// runOpts is what else an in-process run may be given.
type runOpts struct {
	stdin    io.Reader     // cli.Stdin (nil: empty)
	lockWait time.Duration // how long push waits for the file's lock (0: storage's default)
}

// rcOpts is rc with o.
func rcOpts(t *testing.T, dir string, env []string, o runOpts, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := execute(dir, env, o, &out, &errb, args)
	if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// execute runs cli.Execute on args under procMu, in dir (unless "") with
// env set and o, and everything restored afterwards.
func execute(dir string, env []string, o runOpts, stdout, stderr io.Writer, args []string) (int, error) {
	procMu.Lock()
	defer procMu.Unlock()
	if dir != "" {
		wd, err := os.Getwd()
		if err != nil {
			return 0, err
		}
		if err := os.Chdir(dir); err != nil {
			return 0, err
		}
		defer os.Chdir(wd)
	}
	defer restoreEnv(append([]string{"ROLECALL_FILE="}, env...))()
	if o.stdin == nil {
		o.stdin = strings.NewReader("")
	}
	prevStdin, prevTUI := cli.Stdin, cli.RunTUI
	cli.Stdin, cli.RunTUI = o.stdin, noTUI
	prevWait := cli.SetPushLockWait(o.lockWait)
	defer func() {
		cli.Stdin, cli.RunTUI = prevStdin, prevTUI
		cli.SetPushLockWait(prevWait)
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(memLimit)
	}()
	return cli.Execute(append([]string{"rolecall"}, args...), stdout, stderr, os.Getenv), nil
}

// restoreEnv sets the KEY=VALUE entries of env (a later one wins, as in a
// process's) and returns what puts the environment back.
func restoreEnv(env []string) func() {
	type was struct {
		v  string
		ok bool
	}
	old := map[string]was{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, seen := old[k]; !seen {
			ov, ok := os.LookupEnv(k)
			old[k] = was{ov, ok}
		}
		os.Setenv(k, v)
	}
	return func() {
		for k, w := range old {
			if w.ok {
				os.Setenv(k, w.v)
			} else {
				os.Unsetenv(k)
			}
		}
	}
}

// rcProc runs rolecall as a process (binary), in dir with env as rc does.
func rcProc(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := command(dir, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := startProc(cmd)
	if err == nil {
		err = cmd.Wait()
	}
	return finished(t, args, err, &out, &errb)
}

// command is the process of rolecall args in dir with env (on baseEnv,
// ROLECALL_FILE cleared unless given).
func command(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(slices.Clip(baseEnv), "ROLECALL_FILE="), env...)
	return cmd
}

// startProc starts cmd while no in-process run has changed the working
// directory or the environment that a child inherits.
func startProc(cmd *exec.Cmd) error {
	procMu.Lock()
	defer procMu.Unlock()
	if cmd.Env == nil {
		cmd.Env = baseEnv
	}
	return cmd.Start()
}

// finished is the result of a run of rolecall that ended with err.
func finished(t *testing.T, args []string, err error, out, errb *bytes.Buffer) result {
	t.Helper()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// memDir is a new directory for account files that a test saves on its
// way to what it checks: in memory in an ordinary run, on disk in the long
// one (cli.MemDir says why).
func memDir(t *testing.T) string {
	t.Helper()
	return cli.MemDir(t)
}

// copyFile copies testdata/cli/name into a fresh directory (memDir) and
// returns the directory and the copy's path.
func copyFile(t *testing.T, name string) (string, string) {
	t.Helper()
	return copyFileTo(t, memDir(t), name)
}

// copyFileTo copies testdata/cli/name into dir as rolecall.toml and
// returns dir and the copy's path.
func copyFileTo(t *testing.T, dir, name string) (string, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testdir, name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "rolecall.toml")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, p
}

func demo(t *testing.T) (string, string) { return copyFile(t, "demo.toml") }

func want(t *testing.T, r result, code int, in ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\n%s", r.code, code, r)
	}
	all := r.stdout + r.stderr
	for _, s := range in {
		if !strings.Contains(all, s) {
			t.Errorf("output lacks %q\n%s", s, r)
		}
	}
}

func decode(t *testing.T, r result, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r)
	}
}

// Preview as decoded from preview --json.
type preview struct {
	User  string   `json:"user"`
	Roles []string `json:"roles"`
	Pages []struct {
		Page    string `json:"page"`
		Access  string `json:"access"`
		Actions []struct {
			Action  string `json:"action"`
			Allowed bool   `json:"allowed"`
			Reason  string `json:"reason"`
		} `json:"actions"`
	} `json:"pages"`
	Environments []envView `json:"environments"`
}

type envView struct {
	Environment    string `json:"environment"`
	Visible        bool   `json:"visible"`
	Access         string `json:"access"`
	Deploy         bool   `json:"deploy"`
	Schedule       bool   `json:"schedule"`
	EditExtensions bool   `json:"edit_extensions"`
	Reason         string `json:"reason"`
}

func getPreview(t *testing.T, dir, user string) preview {
	t.Helper()
	r := rc(t, dir, nil, "preview", user, "--json")
	want(t, r, 0)
	var p preview
	decode(t, r, &p)
	return p
}

func (p preview) page(t *testing.T, name string) (access string, actions map[string]bool, reasons map[string]string) {
	t.Helper()
	for _, pg := range p.Pages {
		if pg.Page == name {
			actions, reasons = map[string]bool{}, map[string]string{}
			for _, a := range pg.Actions {
				actions[a.Action], reasons[a.Action] = a.Allowed, a.Reason
			}
			return pg.Access, actions, reasons
		}
	}
	t.Fatalf("%s: no page %q", p.User, name)
	return
}

func (p preview) env(t *testing.T, name string) envView {
	t.Helper()
	for _, e := range p.Environments {
		if e.Environment == name {
			return e
		}
	}
	t.Fatalf("%s: no environment %q", p.User, name)
	return envView{}
}

func readBytes(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// procOutput is cmd.Output, started by startProc.
func procOutput(cmd *exec.Cmd) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := startProc(cmd); err != nil {
		return nil, err
	}
	err := cmd.Wait()
	return out.Bytes(), err
}

// procCombinedOutput is cmd.CombinedOutput, started by startProc.
func procCombinedOutput(cmd *exec.Cmd) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := startProc(cmd); err != nil {
		return nil, err
	}
	err := cmd.Wait()
	return out.Bytes(), err
}
