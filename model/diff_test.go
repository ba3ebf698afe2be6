package model

import (
	"slices"
	"testing"
)

var hiddenState = EnvState{Access: AccessNone}

// Summary grammar: one user takes a singular verb, two named users and a
// count take a plural one.
func TestDiffSummaryGrammar(t *testing.T) {
	tests := []struct {
		users []UserDiff
		want  []string
	}{
		{[]UserDiff{{User: "ada@x", Removed: true}}, []string{"ada@x is removed"}},
		{[]UserDiff{{User: "ada@x", Removed: true}, {User: "cli@x", Removed: true}}, []string{"ada@x and cli@x are removed"}},
		{[]UserDiff{{User: "a@x", Added: true}, {User: "b@x", Added: true}, {User: "c@x", Added: true}}, []string{"3 users are added"}},
		{[]UserDiff{{User: "a@x", Added: true}, {User: "b@x", Added: true}}, []string{"a@x and b@x are added"}},
		{[]UserDiff{{User: "a@x", Lost: []string{"Execute"}}}, []string{"a@x loses Execute"}},
		{[]UserDiff{{User: "a@x", Lost: []string{"Execute"}}, {User: "b@x", Lost: []string{"Execute"}}}, []string{"a@x and b@x lose Execute"}},
		{[]UserDiff{{User: "a@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessRead, Deploy: true}}}}},
			[]string{"a@x can now deploy to E"}},
		{[]UserDiff{{User: "a@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessWrite}}}},
			{User: "b@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessWrite}}}}},
			[]string{"a@x and b@x get write access instead of read in E"}},
		{[]UserDiff{{User: "a@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessWrite}}}}},
			[]string{"a@x gets write access instead of read in E"}},
	}
	for _, tc := range tests {
		d := Diff{Users: tc.users}
		if got := d.Summary(); !slices.Equal(got, tc.want) {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
	// Removed users' environments do not make "no longer see" lines: the
	// removal says it.
	d := Diff{Users: []UserDiff{{User: "a@x", Removed: true, Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: hiddenState}}}}}
	if got := d.Summary(); !slices.Equal(got, []string{"a@x is removed"}) {
		t.Errorf("Summary() = %q", got)
	}
}
