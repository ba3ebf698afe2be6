package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 8 C on the command line: invisible and direction-changing
// characters are refused (exit 1, R7, the character named by code point,
// nothing raw on the terminal); a look-alike is added with a warning that
// names what it looks like.
func TestInvisibleAndLookalikeNames(t *testing.T) {
	t.Parallel()
	refused := []struct {
		name string
		args []string
		want string
	}{
		{"role with zero-width space", []string{"role", "add", "Administrator\u200b"}, "invisible character U+200B"},
		{"role of a Hangul filler", []string{"role", "add", "\u3164"}, "invisible character U+3164"},
		{"user with zero-width space", []string{"user", "add", "ada@example.com\u200b", "--role", "Administrator"}, "invisible character U+200B"},
		{"environment with bidi override", []string{"env", "add", "Prod\u202e"}, "direction-changing character U+202E"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := demo(t)
			r := rc(t, dir, nil, tt.args...)
			want(t, r, 1, tt.want, "(R7)")
			if out := r.stdout + r.stderr; strings.ContainsAny(out, "\u200b\u3164\u202e") {
				t.Errorf("the character reached the terminal raw:\n%s", r)
			}
		})
	}
	lookalikes := []struct {
		name string
		args []string
		want string
	}{
		{"long s", []string{"role", "add", "Admini\u017ftrator"}, `looks like the built-in role "Administrator"`},
		{"Cyrillic o", []string{"env", "add", "Pr\u043eduction"}, `"Pr\u043eduction" looks like environment "Production"`},
	}
	for _, tt := range lookalikes {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := demo(t)
			want(t, rc(t, dir, nil, tt.args...), 0, tt.want, "R7, decision")
		})
	}
}

// An unknown name cites the rule of the model's table of refusals, the
// same rule as the model's refusal of the same name: no role R5 (also
// for a role given to a user or listed on an environment), no user R10,
// no environment R12, no privilege R0, and Production Support or Support
// with Advanced User Security off R3.
func TestUnknownNamesCiteTheTable(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "assign", "ada@example.com", "Ghost"}, `no role "Ghost"`},
		{[]string{"env", "allow", "Test", "Ghost"}, `no role "Ghost"`},
		{[]string{"role", "edit", "Ghost", "--description", "x"}, `no role "Ghost"`},
		{[]string{"user", "assign", "nobody@example.com", "Support"}, `no user "nobody@example.com"`},
		{[]string{"env", "rm", "Ghost"}, `no environment "Ghost"`},
		{[]string{"role", "add", "New", "-p", "Bogus"}, `no privilege "Bogus"`},
	} {
		rule := map[string]string{"role": "(R5)", "user": "(R10)", "environment": "(R12)", "privilege": "(R0)"}[strings.Fields(tt.want)[1]]
		want(t, rc(t, dir, nil, tt.args...), 2, tt.want, rule)
	}
	off := t.TempDir()
	if err := os.WriteFile(filepath.Join(off, "rolecall.toml"), []byte(`format = 1

[account]
name = "Off"
advanced_user_security = false
advanced_environment_access = false

[[users]]
email = "ada@example.com"
roles = ["Administrator"]

[[environments]]
name = "Test"
classification = "test"
roles_with_access = []
`), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, off, nil, "validate"), 0)
	want(t, rc(t, off, nil, "user", "assign", "ada@example.com", "Support"), 2, `"Support" exists only with Advanced User Security on`, "(R3)")
	want(t, rc(t, off, nil, "env", "allow", "Test", "production support"), 2, `"Production Support" exists only with Advanced User Security on`, "(R3)")
}
