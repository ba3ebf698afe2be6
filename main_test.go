package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The cli tests run their own test binary as rolecall, wired as main wires
// it; these check main itself: os.Args, stdout, stderr and the environment
// reach cli.Execute, its code is the exit status, and the TUI is built in.

// asMain, set in the environment, makes this test binary run main.
const asMain = "ROLECALL_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		main()
		os.Exit(0) // as a program whose main returns
	}
	os.Exit(m.Run())
}

func TestMainWiring(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "rolecall")
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	demo, err := os.ReadFile(filepath.Join("testdata", "cli", "demo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "acct.toml")
	if err := os.WriteFile(file, demo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      []string
		env       string // ROLECALL_FILE
		code      int
		out, errs string // in stdout, in stderr
		quietOut  bool   // nothing on stdout
		quietErrs bool   // nothing on stderr
	}{
		{"allowed: stdout, exit 0", []string{"-f", file, "check", "ada@example.com", "User Management"}, "", 0, "ALLOWED", "", false, true},
		{"denied: exit 1", []string{"-f", file, "check", "dana@example.com", "View Data"}, "", 1, "DENIED", "", false, false},
		{"usage error: stderr, exit 2", []string{"frobnicate"}, "", 2, "", "unknown command", true, false},
		{"the environment: $ROLECALL_FILE", []string{"validate"}, file, 0, "acct.toml: ok", "", false, true},
		// Only the TUI says this: without it, rolecall alone prints its usage.
		{"the TUI is built in", []string{"-f", filepath.Join(dir, "missing", "acct.toml")}, "", 2, "", "the directory " + filepath.Join(dir, "missing") + " does not exist", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), asMain+"=1", "ROLECALL_FILE="+tt.env, "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.errs) ||
				tt.quietOut && out.Len() > 0 || tt.quietErrs && errb.Len() > 0 {
				t.Errorf("want exit %d, %q on stdout, %q on stderr; got exit %d\n--- stdout:\n%s--- stderr:\n%s", tt.code, tt.out, tt.errs, code, &out, &errb)
			}
		})
	}
}
