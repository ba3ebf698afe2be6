package cli_test

import (
	"strings"
	"testing"
)

// Issue 8 C on the command line: invisible and direction-changing
// characters are refused (exit 1, R7, the character named by code point,
// nothing raw on the terminal); a look-alike is added with a warning that
// names what it looks like.
func TestInvisibleAndLookalikeNames(t *testing.T) {
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
