package cli_test

import (
	"bytes"
	"strings"
	"testing"
)

// The process contract, which rc (in-process) does not see: the exit
// status of the process, and what goes to stdout and what to stderr. A
// representative table of commands, each run as a process (rcProc) and
// in-process (rc) on copies of one file: the same exit code, the same
// stdout and the same stderr, and each stream holds what it should.
func TestProcessContract(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // in stdout ("" : stdout is empty)
		stderr string // in stderr ("" : stderr is empty)
	}{
		{[]string{"--help"}, 0, "Exit codes", ""},
		{[]string{"check", "ada@example.com", "User Management"}, 0, "ALLOWED", ""},
		{[]string{"role", "add", "Ops", "-p", "Dashboard"}, 0, "done, saved to rolecall.toml", ""},
		{[]string{"check", "dana@example.com", "View Data"}, 1, "DENIED", ""},
		{[]string{"role", "rm", "Cannot View Data"}, 1, "", "rolecall: "},
		{[]string{"frobnicate"}, 2, "", "rolecall: unknown command"},
		{[]string{"validate", "-f", "nope.toml"}, 2, "", "no such file"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			dirP, fileP := demo(t)
			dirI, fileI := demo(t)
			p := rcProc(t, dirP, nil, tc.args...)
			want(t, p, tc.code)
			for _, s := range []struct{ name, got, in string }{{"stdout", p.stdout, tc.stdout}, {"stderr", p.stderr, tc.stderr}} {
				if s.in == "" && s.got != "" || !strings.Contains(s.got, s.in) {
					t.Errorf("%s: want %q (nothing if empty)\n%s", s.name, s.in, p)
				}
			}
			if i := rc(t, dirI, nil, tc.args...); i != p {
				t.Errorf("in-process:\n%s\nas a process:\n%s", i, p)
			}
			if !bytes.Equal(readBytes(t, fileP), readBytes(t, fileI)) {
				t.Errorf("the process and the in-process run left different files")
			}
		})
	}
}
