package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 8 A: no number of warnings makes a file unreadable. One accepted
// edit (turning Advanced Environment Access off while 1,200 roles tick a
// per-environment privilege: 1,200 R16 warnings) must leave a file that
// every command still reads.
func TestManyWarningsStayWarnings(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("format = 1\n\n[account]\nname = \"Messy\"\nadvanced_user_security = true\nadvanced_environment_access = true\n")
	for i := range 1200 {
		fmt.Fprintf(&b, "\n[[roles]]\nname = \"Env Reader %04d\"\nprivileges = [\"Environment Management Read Access\", \"Runtime Management\"]\n", i)
	}
	b.WriteString("\n[[users]]\nemail = \"ada@example.com\"\nroles = [\"Administrator\"]\n")
	dir := memDir(t)
	if err := os.WriteFile(filepath.Join(dir, "rolecall.toml"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "validate"), 0, "ok")
	want(t, rc(t, dir, nil, "account", "set", "--advanced-environment-access=false"), 0)

	// Every warning is counted, those left out of the list too.
	want(t, rc(t, dir, nil, "validate"), 0, "no errors; 1200 warnings")
	r := rc(t, dir, nil, "validate", "--strict")
	want(t, r, 1, "R16", "200 more problems not listed (0 errors, 200 warnings)", "0 errors, 1200 warnings")
	if strings.Contains(r.stdout, ": error:") {
		t.Errorf("validate --strict lists an error:\n%s", r)
	}
	want(t, rc(t, dir, nil, "check", "ada@example.com", "Execute"), 0)
	want(t, rc(t, dir, nil, "role", "add", "One More"), 0)
}

// A role held but not defined is an error naming the user and the role
// (R5): preview refuses the file (exit 2), validate lists it (exit 1).
func TestDanglingRoleRefused(t *testing.T) {
	t.Parallel()
	dir, _ := copyFile(t, "dangling.toml")
	want(t, rc(t, dir, nil, "validate"), 1, `user "dana@example.com" holds role "Ghost", which does not exist (R5)`)
	r := rc(t, dir, nil, "preview", "dana@example.com")
	want(t, r, 2)
	if !strings.Contains(r.stderr, "Ghost") {
		t.Errorf("preview's refusal does not name Ghost:\n%s", r)
	}
}
