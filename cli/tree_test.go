package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A command builds only the part of the command tree it runs; anything
// else (no command, help, an unknown command) builds all of it.

func treeApp() (*app, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	env := func(k string) string {
		if k == "ROLECALL_NO_CACHE" {
			return "1"
		}
		return ""
	}
	return &app{stdout: &out, stderr: &errb, env: env, actor: "cli: test"}, &out, &errb
}

func subNamesOf(a *app, args []string) []string {
	var names []string
	for _, c := range a.rootCommand(args).Commands() {
		names = append(names, c.Name())
	}
	return names
}

func TestTreeHoldsTheNamedCommandsOnly(t *testing.T) {
	a, _, _ := treeApp()
	all := subNamesOf(a, nil)
	if len(all) != 21 {
		t.Fatalf("the whole tree has %d commands: %v", len(all), all)
	}
	for _, tc := range []struct {
		args []string
		want []string // nil: every command
	}{
		{[]string{"check", "ada@example.com", "Dashboard"}, []string{"check"}},
		{[]string{"-f", "x.toml", "role", "add", "R", "--privilege", "Dashboard"}, []string{"role"}},
		{[]string{"--file=x.toml", "explain", "log"}, []string{"explain", "log"}}, // a user named log
		{[]string{"check", "--help"}, []string{"check"}},
		{[]string{"--help"}, nil},
		{[]string{}, nil},
		{[]string{"help", "check"}, nil}, // cobra's help command is added later
		{[]string{"-f", "check"}, nil},   // a file named check: the TUI on it
		{[]string{"-f", "check", "--help"}, nil},
		{[]string{"nosuch", "check"}, nil}, // an unknown command
		{[]string{"chek"}, nil},
	} {
		got := subNamesOf(a, tc.args)
		want := tc.want
		if want == nil {
			want = all
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q builds %v, want %v", tc.args, got, want)
		}
	}
}

// Whatever the args, the trimmed tree answers as the whole one would:
// the same output, errors and exit code.
func TestTreeTrimmedAnswersAsWhole(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "cli", "demo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(MemDir(t)) // its saves in memory (MemDir)
	for _, args := range [][]string{
		{},
		{"--help"},
		{"-h"},
		{"help"},
		{"help", "check"},
		{"help", "role", "add"},
		{"check", "--help"},
		{"role", "--help"},
		{"role", "add", "--help"},
		{"--help", "check"},
		{"-f", "check"},
		{"-f", "check", "--help"},
		{"nosuch"},
		{"nosuch", "check"},
		{"chek"},
		{"role"},
		{"role", "nosuch"},
		{"role", "ad"},
		{"check"},
		{"check", "ada@example.com"},
		{"check", "ada@example.com", "Dashboard", "extra"},
		{"--bogus", "check"},
		{"check", "--bogus"},
		{"-f", "demo.toml", "check", "ada@example.com", "Dashboard"},
		{"-f", "demo.toml", "check", "ada@example.com", "dashbord"},
		{"-f", "demo.toml", "check", "nobody@example.com", "Dashboard", "--json"},
		{"-f", "demo.toml", "check", "bo@example.com", "Build Read Access", "--env", "Production"},
		{"-f", "demo.toml", "explain", "ada@example.com"},
		{"-f", "demo.toml", "preview", "bo@example.com", "--json"},
		{"-f", "demo.toml", "who-can", "Dashboard"},
		{"-f", "demo.toml", "validate", "--strict"},
		{"-f", "demo.toml", "diff", "demo.toml", "demo.toml"},
		{"-f", "demo.toml", "role", "add", "Role X", "--privilege", "Dashboard"},
		{"-f", "demo.toml", "role", "add", "Support", "--privilege", "Dashboard"},
		{"-f", "demo.toml", "user", "add", "zed@example.com", "--role", "Support"},
		{"-f", "demo.toml", "env", "add", "QA"},
		{"-f", "demo.toml", "account", "set", "--name", "Acme"},
		{"-f", "demo.toml", "log"},
		{"-f", "demo.toml", "log", "--json"},
		{"--file=demo.toml", "explain", "log"},
		{"-f", "new.toml", "init"},
	} {
		run := func(whole bool) (string, string, int) {
			// Each run starts from the demo file alone (no audit trail,
			// draft or lock from the run before).
			left, err := os.ReadDir(".")
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range left {
				if err := os.RemoveAll(e.Name()); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile("demo.toml", src, 0o600); err != nil {
				t.Fatal(err)
			}
			a, out, errb := treeApp()
			root := a.rootCommand(args)
			if whole {
				root = a.newRoot(a.commands(nil))
			}
			code := a.runTree(root, args)
			return out.String(), errb.String(), code
		}
		out, errs, code := run(false)
		wout, werrs, wcode := run(true)
		if out != wout || errs != werrs || code != wcode {
			t.Errorf("%q: trimmed tree: exit %d\n%s%s\nwhole tree: exit %d\n%s%s", args, code, out, errs, wcode, wout, werrs)
		}
		if strings.Contains(errs, "panic") {
			t.Errorf("%q: %s", args, errs)
		}
	}
}

// check's help lists the privilege catalog, which is formatted when the
// help is shown, not each time check runs.
func TestCheckHelpListsPrivilegesWhenShown(t *testing.T) {
	a, _, _ := treeApp()
	if c := a.checkCommand(); strings.Contains(c.Long, privilegeHelp()) {
		t.Error("building check formats the privilege catalog")
	}
	for _, args := range [][]string{{"check", "--help"}, {"help", "check"}, {"check", "-h"}} {
		a, out, _ := treeApp()
		if code := a.runTree(a.rootCommand(args), args); code != 0 {
			t.Fatalf("%q: exit %d", args, code)
		}
		if !strings.Contains(out.String(), "\n\nPrivileges:\n"+privilegeHelp()+"\n\nUsage:\n") {
			t.Errorf("%q lists no privileges:\n%s", args, out)
		}
	}
}
