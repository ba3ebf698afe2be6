package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command's good and bad paths, by exit code and the words a person
// needs to see.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.toml")
	// Copies: an edit takes a lock file beside the file it is given.
	_, errs := copyFile(t, "errors.toml")
	_, syntax := copyFile(t, "syntax.toml")
	tests := []struct {
		name string
		args []string
		code int
		in   []string // in stdout+stderr
	}{
		{"root with an argument", []string{"dana@example.com"}, 2, []string{"unknown command"}},
		{"help", []string{"--help"}, 0, []string{"Exit codes"}},
		{"unknown command", []string{"frobnicate"}, 2, []string{"unknown command"}},
		{"unknown flag", []string{"check", "--bogus"}, 2, []string{"unknown flag"}},
		{"missing args", []string{"check", "dana@example.com"}, 2, []string{"needs PRIVILEGE"}},
		{"too many args", []string{"explain", "a@b", "c@d"}, 2, []string{"unexpected"}},
		{"group without sub", []string{"role"}, 2, []string{"needs a subcommand"}},

		{"validate ok", []string{"validate"}, 0, []string{"ok"}},
		{"validate strict ok", []string{"validate", "--strict"}, 0, []string{"ok"}},
		{"validate errors", []string{"validate", "-f", errs}, 1, []string{"rolecall.toml:10: error:", "(R6)", "rolecall.toml:15: error:", "(R5)"}},
		{"validate syntax", []string{"validate", "-f", syntax}, 1, []string{"rolecall.toml:4: error:"}},
		{"validate missing", []string{"validate", "-f", missing}, 2, []string{"cannot read", "no such file"}},
		{"validate directory", []string{"validate", "-f", testdir}, 2, []string{"directory"}},

		{"check allowed", []string{"check", "ada@example.com", "User Management"}, 0, []string{"ALLOWED"}},
		{"check denied", []string{"check", "dana@example.com", "View Data"}, 1, []string{"DENIED"}},
		{"check env", []string{"check", "wren@example.com", "Runtime Management", "--env", "production"}, 0, []string{"in Production"}},
		{"check old name", []string{"check", "kai@example.com", "Atom Management"}, 0, []string{"ALLOWED", "Runtime Management"}},
		{"check old name 2", []string{"check", "sam@example.com", "process deployment"}, 0, []string{"Packaged Component Deployment"}},
		{"check unknown user", []string{"check", "dan@example.com", "Execute"}, 2, []string{`no user "dan@example.com" in rolecall.toml (R10)`, `did you mean "dana@example.com"`}},
		{"check unknown privilege", []string{"check", "dana@example.com", "Exeute"}, 2, []string{`no privilege "Exeute"`, `did you mean "Execute"`}},
		{"check unknown env", []string{"check", "dana@example.com", "Execute", "--env", "Prod"}, 2, []string{`no environment "Prod"`, `did you mean "Production"`}},
		{"check file with errors", []string{"check", "-f", errs, "lee@example.com", "Execute"}, 2, []string{"rolecall.toml:10: error:", "has 2 errors"}},
		{"check missing file", []string{"-f", missing, "check", "a@b", "Execute"}, 2, []string{"no such file"}},
		{"check syntax file", []string{"-f", syntax, "check", "a@b", "Execute"}, 2, []string{"rolecall.toml:4:"}},

		{"explain", []string{"explain", "kai@example.com"}, 0, []string{"Standard User", "via Support", "Environment Management Read Access"}},
		{"explain unknown", []string{"explain", "nobody@example.com"}, 2, []string{"(R10)"}},
		{"preview", []string{"preview", "rita@example.com"}, 0, []string{"Runtime Management (read-only)", "[refused]", "Save Settings"}},
		{"preview unknown", []string{"preview", "RITA@example.co"}, 2, []string{`did you mean "rita@example.com"`}},
		{"who-can", []string{"who-can", "Environment Management Full Access", "--env", "Test"}, 0, []string{"wren@example.com", "2 users"}},
		{"who-can unknown privilege", []string{"who-can", "Nothing At All"}, 2, []string{"no privilege"}},
		{"who-can unknown env", []string{"who-can", "Execute", "--env", "Staging"}, 2, []string{`no environment "Staging"`}},

		{"diff same", []string{"diff", "rolecall.toml", "rolecall.toml"}, 0, []string{"no change for anyone"}},
		{"diff missing", []string{"diff", "rolecall.toml", missing}, 2, []string{"no such file"}},
		{"diff errors", []string{"diff", errs, "rolecall.toml"}, 2, []string{"rolecall.toml:10:"}},
		{"diff no args", []string{"diff"}, 2, []string{"needs OLD"}},
		{"diff one file against the file", []string{"diff", "rolecall.toml"}, 0, []string{"no change for anyone"}},

		{"init existing", []string{"init"}, 1, []string{"exists already", "never overwrites"}},
		{"log empty", []string{"log"}, 0, []string{"no saved changes"}},
		{"log missing", []string{"log", "-f", missing}, 2, []string{"no such file"}},

		{"role add exists", []string{"role", "add", "cannot view data"}, 1, []string{"(R7)", "nothing was changed"}},
		{"role add builtin name", []string{"role", "add", "Support"}, 1, []string{"built-in", "(R7)"}},
		{"role add bad privilege", []string{"role", "add", "X", "-p", "Bogus"}, 2, []string{`no privilege "Bogus"`}},
		{"role add unknown parent", []string{"role", "add", "X", "--inherits", "Suport"}, 2, []string{`no role "Suport"`, `did you mean "Support"`}},
		{"role edit unknown", []string{"role", "edit", "Nope", "--add", "Execute"}, 2, []string{`no role "Nope"`}},
		{"role edit nothing", []string{"role", "edit", "Cannot View Data"}, 2, []string{"needs something to change"}},
		{"role edit builtin", []string{"role", "edit", "Support", "--add", "Dashboard"}, 1, []string{"built-in", "(R2)"}},
		{"role edit untick inherited", []string{"role", "edit", "Read Only Runtime Management", "--remove", "Execute"}, 1, []string{"inherited", "(R5)"}},
		{"role edit both inherit flags", []string{"role", "edit", "Cannot View Data", "--no-inherit", "--inherits", "Support"}, 2, []string{"not both"}},
		{"role rm held", []string{"role", "rm", "Cannot View Data"}, 1, []string{"(R8)", "dana@example.com"}},
		{"role rm inherited builtin", []string{"role", "rm", "Support"}, 1, []string{"(R2)"}},
		{"role rm unknown", []string{"role", "rm", "Nope"}, 2, []string{"no role"}},

		{"user add no role", []string{"user", "add", "x@example.com"}, 2, []string{"--role"}},
		{"user add exists", []string{"user", "add", "DANA@example.com", "--role", "Support"}, 1, []string{"exists already", "(R10)"}},
		{"user add unknown role", []string{"user", "add", "x@example.com", "--role", "Nope"}, 2, []string{`no role "Nope"`}},
		{"user add bad email", []string{"user", "add", "not-an-email", "--role", "Support"}, 1, []string{"not an email", "(R10)"}},
		{"user assign unknown user", []string{"user", "assign", "x@example.com", "Support"}, 2, []string{"(R10)"}},
		{"user assign held", []string{"user", "assign", "dana@example.com", "Cannot View Data"}, 1, []string{"holds", "already"}},
		{"user unassign last", []string{"user", "unassign", "dana@example.com", "Cannot View Data"}, 1, []string{"only role", "(R10)"}},
		{"edit file with errors", []string{"user", "rm", "-f", errs, "lee@example.com"}, 2, []string{"rolecall.toml:10: error:", "nothing was changed"}},
		{"edit missing file", []string{"user", "rm", "-f", missing, "lee@example.com"}, 2, []string{"no such file", "rolecall init"}},
		{"user rm unknown", []string{"user", "rm", "x@example.com"}, 2, []string{"no user"}},

		{"env add exists", []string{"env", "add", "production"}, 1, []string{"exists already"}},
		{"env add bad class", []string{"env", "add", "Staging", "--classification", "prod"}, 2, []string{"production or test"}},
		{"env allow unknown env", []string{"env", "allow", "Staging", "Support"}, 2, []string{`no environment "Staging"`}},
		{"env allow unknown role", []string{"env", "allow", "Test", "Nope"}, 2, []string{`no role "Nope"`}},
		{"env allow listed", []string{"env", "allow", "Test", "write and read environment"}, 1, []string{"already", "(R13)"}},
		{"env disallow not listed", []string{"env", "disallow", "Test", "Support"}, 1, []string{"does not list", "(R13)"}},
		{"env rm unknown", []string{"env", "rm", "Staging"}, 2, []string{"no environment"}},

		{"account set nothing", []string{"account", "set"}, 2, []string{"needs"}},
		{"account set bad bool", []string{"account", "set", "--advanced-user-security=maybe"}, 2, []string{"true or false"}},
		{"account set AUS off", []string{"account", "set", "--advanced-user-security=false"}, 1, []string{"(R3)", "nothing was changed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, file := demo(t)
			before := readBytes(t, file)
			r := rc(t, dir, nil, tc.args...)
			want(t, r, tc.code, tc.in...)
			if tc.code != 0 && !bytes.Equal(before, readBytes(t, file)) {
				t.Errorf("a failed command changed the file")
			}
			if tc.code != 0 && r.stderr == "" && tc.args[0] != "check" { // a denial is an answer, on stdout
				t.Errorf("exit %d with nothing on stderr", tc.code)
			}
			for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
				if l != "" && !strings.HasPrefix(l, "rolecall") && !strings.Contains(l, ".toml:") {
					t.Errorf("stderr line %q is neither 'rolecall: ...' nor FILE:LINE:", l)
				}
			}
		})
	}
}

// -f before and after the subcommand, $ROLECALL_FILE, and the default.
func TestFileFlag(t *testing.T) {
	t.Parallel()
	dir, file := demo(t)
	other := t.TempDir()
	for _, tc := range []struct {
		name string
		dir  string
		env  []string
		args []string
	}{
		{"before", other, nil, []string{"-f", file, "check", "ada@example.com", "Execute"}},
		{"after", other, nil, []string{"check", "ada@example.com", "Execute", "-f", file}},
		{"long form", other, nil, []string{"check", "--file=" + file, "ada@example.com", "Execute"}},
		{"env", other, []string{"ROLECALL_FILE=" + file}, []string{"check", "ada@example.com", "Execute"}},
		{"default", dir, nil, []string{"check", "ada@example.com", "Execute"}},
		{"flag beats env", other, []string{"ROLECALL_FILE=" + filepath.Join(other, "missing.toml")}, []string{"-f", file, "check", "ada@example.com", "Execute"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want(t, rc(t, tc.dir, tc.env, tc.args...), 0, "ALLOWED")
		})
	}
	r := rc(t, other, []string{"ROLECALL_FILE=" + filepath.Join(other, "missing.toml")}, "check", "ada@example.com", "Execute")
	want(t, r, 2, "missing.toml", "no such file")
	want(t, rc(t, other, nil, "validate"), 2, "rolecall.toml", "no such file")
}

func TestInit(t *testing.T) {
	t.Parallel()
	dir := memDir(t)
	want(t, rc(t, dir, nil, "init"), 0, "demo account")
	want(t, rc(t, dir, nil, "validate", "--strict"), 0, "ok (5 custom roles, 9 users, 3 environments)")
	fi, err := os.Stat(filepath.Join(dir, "rolecall.toml"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v (%v), want 0600", fi.Mode(), err)
	}
	before := readBytes(t, filepath.Join(dir, "rolecall.toml"))
	want(t, rc(t, dir, nil, "init", "--empty"), 1, "never overwrites")
	if !bytes.Equal(before, readBytes(t, filepath.Join(dir, "rolecall.toml"))) {
		t.Error("init overwrote the file")
	}
	want(t, rc(t, dir, nil, "init", "--empty", "-f", "empty.toml"), 0, "empty account")
	want(t, rc(t, dir, nil, "validate", "-f", "empty.toml"), 0, "ok (0 custom roles, 0 users, 0 environments)")
	// The demo in testdata is what init writes.
	if !bytes.Equal(before, readBytes(t, filepath.Join(testdir, "demo.toml"))) {
		t.Error("testdata/cli/demo.toml differs from what init writes; regenerate it with rolecall init -f testdata/cli/demo.toml")
	}
}

// A scripted round trip: add a role, assign it, and the preview shows it.
func TestScriptedEditRoundTrip(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	r := rc(t, dir, nil, "role", "add", "Dashboard Viewers", "--privilege", "Dashboard", "--description", "sees dashboards")
	want(t, r, 0, "add role Dashboard Viewers: done")
	r = rc(t, dir, nil, "user", "assign", "dana@example.com", "dashboard viewers")
	want(t, r, 0, "dana@example.com gains Dashboard")
	p := getPreview(t, dir, "dana@example.com")
	if access, _, _ := p.page(t, "Dashboard"); access != "full" {
		t.Errorf("Dashboard is %s after the assignment, want full", access)
	}
	r = rc(t, dir, nil, "role", "edit", "Dashboard Viewers", "--rename", "Dash", "--add", "View Audit Logs")
	want(t, r, 0, "dana@example.com gains View Audit Logs")
	want(t, rc(t, dir, nil, "check", "dana@example.com", "View Audit Logs"), 0, "from: Dash")
	want(t, rc(t, dir, nil, "user", "add", "lee@example.com", "--role", "Dash", "--role", "support", "--name", "Lee"), 0, "lee@example.com is added")
	want(t, rc(t, dir, nil, "user", "unassign", "lee@example.com", "Support"), 0, "lee@example.com loses")
	want(t, rc(t, dir, nil, "env", "add", "Staging", "--classification", "production"), 0, "environment Staging is added")
	want(t, rc(t, dir, nil, "env", "allow", "Staging", "Production Support"), 0, "Staging becomes restricted", "no longer see Staging")
	want(t, rc(t, dir, nil, "env", "rm", "Staging"), 0, "environment Staging is removed")
	want(t, rc(t, dir, nil, "user", "rm", "lee@example.com"), 0, "lee@example.com is removed")
	want(t, rc(t, dir, nil, "account", "set", "--advanced-environment-access=false"), 0, "Advanced Environment Access turns off")
	want(t, rc(t, dir, nil, "validate"), 0)

	r = rc(t, dir, nil, "log")
	want(t, r, 0, "cli: rolecall account set", "cli: rolecall role add")
	if strings.Index(r.stdout, "account set") > strings.Index(r.stdout, "role add") {
		t.Errorf("log is not newest first:\n%s", r.stdout)
	}
	want(t, rc(t, dir, nil, "log", "-n", "1"), 0, "account set")
	if strings.Contains(rc(t, dir, nil, "log", "-n", "1").stdout, "role add") {
		t.Error("log -n 1 shows more than one entry")
	}
}

// A refused edit changes nothing: same bytes, no backup, no audit entry.
func TestRefusedEditChangesNothing(t *testing.T) {
	t.Parallel()
	dir, file := demo(t)
	before := readBytes(t, file)
	r := rc(t, dir, nil, "role", "rm", "Read-Only Environment Management")
	want(t, r, 1, "(R8)", "kai@example.com", "oren@example.com", "nothing was changed")
	if !bytes.Equal(before, readBytes(t, file)) {
		t.Fatal("refused edit changed the file")
	}
	for _, ext := range []string{".bak", ".audit.jsonl"} {
		if _, err := os.Stat(file + ext); err == nil {
			t.Errorf("refused edit wrote %s", ext)
		}
	}
}

// Removing a role or disallowing the last role opens environments to every
// role: refused without --allow-widening (R8, R12).
func TestWidening(t *testing.T) {
	t.Parallel()
	dir, file := demo(t)
	want(t, rc(t, dir, nil, "role", "add", "Solo", "--inherits", "Support", "-p", "Runtime Management"), 0)
	want(t, rc(t, dir, nil, "env", "add", "Staging"), 0)
	want(t, rc(t, dir, nil, "env", "allow", "Staging", "Solo"), 0, "Staging becomes restricted")
	before := readBytes(t, file)

	// The model says it (model.WideningNote): R8 only when a role is removed.
	r := rc(t, dir, nil, "role", "rm", "Solo")
	want(t, r, 1, "Staging becomes open to every role: Solo was the only role listed on it (R8, R12)", "--allow-widening")
	r = rc(t, dir, nil, "env", "disallow", "Staging", "solo")
	want(t, r, 1, "Staging becomes open to every role: Solo was the only role listed on it (R12)", "--allow-widening")
	if strings.Contains(r.stdout+r.stderr, "R8") {
		t.Errorf("disallowing a role cites R8:\n%s", r)
	}
	if !bytes.Equal(before, readBytes(t, file)) {
		t.Fatal("a refused widening changed the file")
	}
	r = rc(t, dir, nil, "role", "rm", "Solo", "--allow-widening")
	want(t, r, 0, "Staging becomes open to every role")
	want(t, rc(t, dir, nil, "validate"), 0)
}

// account set prints what each switch now does, as the model says it
// (model.SwitchEffect), on and off.
func TestAccountSetSaysWhatTheSwitchDoes(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	want(t, rc(t, dir, nil, "account", "set", "--advanced-environment-access=false"), 0,
		"note: Environment Management Read Access and Full Access do nothing; only Environment Management gives write access to environments (R16)")
	want(t, rc(t, dir, nil, "account", "set", "--advanced-environment-access=true"), 0,
		"note: Environment Management Read Access and Full Access apply per environment, through the roles each environment lists (R15, R16)")
	// The demo's users hold Support and custom roles: AUS stays on (R3).
	want(t, rc(t, dir, nil, "account", "set", "--advanced-user-security=false"), 1, "pat@example.com", "(R3)", "nothing was changed")

	small := memDir(t)
	if err := os.WriteFile(filepath.Join(small, "rolecall.toml"), []byte(`format = 1

[account]
name = "Small"
advanced_user_security = true

[[users]]
email = "ada@example.com"
roles = ["Administrator"]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, small, nil, "account", "set", "--advanced-user-security=false"), 0,
		"note: Production Support and Support do not exist, and custom roles cannot be created, edited or assigned")
	want(t, rc(t, small, nil, "account", "set", "--advanced-user-security=true"), 0,
		"note: Production Support and Support exist, and custom roles can be created, edited and assigned (R3)")
}
