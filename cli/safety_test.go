package cli_test

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// rawControl reports the first byte sequence a terminal would act on: C0
// controls other than newline and tab, DEL, C1 controls (as UTF-8), and
// bidirectional overrides.
func rawControl(s string) (string, bool) {
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return s[max(0, i-20):min(len(s), i+20)], true
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return s[max(0, i-20):min(len(s), i+20)], true
		case r == utf8.RuneError:
			return s[max(0, i-20):min(len(s), i+20)], true
		}
	}
	return "", false
}

func noControl(t *testing.T, args []string, r result) {
	t.Helper()
	if at, bad := rawControl(r.stdout); bad {
		t.Errorf("%v: raw control character on stdout near %q", args, at)
	}
	if at, bad := rawControl(r.stderr); bad {
		t.Errorf("%v: raw control character on stderr near %q", args, at)
	}
}

// No command lets an escape sequence from a file or an argument reach the
// terminal.
func TestNoControlCharactersReachTheTerminal(t *testing.T) {
	t.Parallel()
	const esc = "\x1b]52;c;cm0gLXJmIH4K\x07"
	evil := "lee" + esc + "@example.com"
	for _, file := range []string{"escapes.toml", "escapes_names.toml"} {
		dir, _ := copyFile(t, file)
		cmds := [][]string{
			{"validate"}, {"validate", "--strict"},
			{"check", "lee@example.com", "Runtime Management"},
			{"check", "lee@example.com", "Runtime Management", "--env", "Production"},
			{"check", evil, "Execute"}, {"check", "lee@example.com", "Exec" + esc},
			{"check", "lee@example.com", "Execute", "--env", "Prod" + esc},
			{"explain", "lee@example.com"}, {"explain", "lee@example.com", "--json"},
			{"preview", "lee@example.com"}, {"preview", "lee@example.com", "--json"},
			{"who-can", "Runtime Management"}, {"who-can", "Runtime Management", "--json"},
			{"diff", "rolecall.toml", "rolecall.toml"}, {"diff", "--json", "rolecall.toml", "rolecall.toml"},
			{"role", "add", "Bad" + esc}, {"role", "add", "Good", "--inherits", "Ops" + esc},
			{"role", "edit", "Ops", "--description", "new " + esc},
			{"user", "add", evil, "--role", "Ops"}, {"user", "add", "kim@example.com", "--role", "Ops", "--name", "Kim" + esc},
			{"user", "assign", evil, "Ops"},
			{"env", "add", "Env" + esc}, {"env", "allow", "Production", "Ops" + esc},
			{"account", "set", "--name", "Acme" + esc},
			{"log"}, {"log", "--json"},
			{"frobnicate" + esc}, {"check", "--" + esc},
		}
		for _, args := range cmds {
			r := rc(t, dir, nil, args...)
			noControl(t, append([]string{file}, args...), r)
		}
	}
	// The description with an escape is valid (a warning), neutralised when shown.
	dir, _ := copyFile(t, "escapes.toml")
	r := rc(t, dir, nil, "validate", "--strict")
	want(t, r, 1, "escape sequences", "(R7)")
	want(t, rc(t, dir, nil, "role", "edit", "Ops", "--description", "x"+esc), 0)
	want(t, rc(t, dir, nil, "log"), 0, `\x1b]52`)
}

// JSON output escapes ESC and the other controls as \u001b.
func TestJSONEscapesControls(t *testing.T) {
	t.Parallel()
	dir, _ := copyFile(t, "escapes.toml")
	r := rc(t, dir, nil, "check", "lee"+"\x1b[2J"+"@example.com", "Execute", "--json")
	want(t, r, 2) // unknown user
	noControl(t, nil, r)

	// A description from the command line reaches log --json (names may
	// no longer hold U+2028, R7).
	r = rc(t, "", nil, "-f", dir+"/rolecall.toml", "role", "edit", "Ops", "--description", "Ops\u2028Two")
	if r.code != 0 {
		t.Fatalf("describe: %s", r)
	}
	r = rc(t, "", nil, "-f", dir+"/rolecall.toml", "log", "--json")
	if r.code != 0 {
		t.Fatalf("log: %s", r)
	}
	if strings.Contains(r.stdout, "\u2028") || !strings.Contains(r.stdout, `\u2028`) {
		t.Errorf("U+2028 not escaped in JSON:\n%s", r.stdout)
	}
}
