package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"rolecall/cli"
)

// The tests run rolecall as a process, on files in testdata/cli: this test
// binary, under the name rolecall (binary, a link to it), is rolecall, wired
// as main.go wires it, but for the terminal UI.

var (
	binary  string
	repo    string
	testdir string
)

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "rolecall" {
		// What main does (main.go), which a test cannot call: building the
		// binary instead cost the tests more than a second. The terminal
		// UI is left out: no test here opens it (main_test.go checks that
		// main builds it in; package tui tests it), and with it each of
		// the ~300 runs costs some 8% more CPU, and the link more. A test
		// that reaches it fails on this.
		cli.RunTUI = func(cli.TUIOptions) int {
			fmt.Fprintln(os.Stderr, "rolecall: the cli tests' binary has no terminal UI: test it in package tui or in main_test.go")
			return 125
		}
		os.Exit(cli.Execute(os.Args, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
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
	return m.Run()
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// rc runs the binary in dir with env (extra KEY=VALUE entries; ROLECALL_FILE
// is cleared unless given).
func rc(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "ROLECALL_FILE="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return finished(t, args, cmd.Run(), &out, &errb)
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

// copyFile copies testdata/cli/name into a fresh directory and returns the
// directory and the copy's path.
func copyFile(t *testing.T, name string) (string, string) {
	t.Helper()
	dir := t.TempDir()
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
