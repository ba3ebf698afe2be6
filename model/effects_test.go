package model

import (
	"slices"
	"testing"
)

// The sentences of effects.go, each case as it reads.
func TestEffectTexts(t *testing.T) {
	t.Parallel()
	tests := []struct{ got, want string }{
		{BecomesOpen([]string{"Staging"}, "Solo", true), "Staging becomes open to every role: Solo was the only role listed on it (R8, R12)"},
		{BecomesOpen([]string{"Staging"}, "Solo", false), "Staging becomes open to every role: Solo was the only role listed on it (R12)"},
		{BecomesOpen([]string{"A", "B", "C"}, "Solo", true), "A, B and C become open to every role: Solo was the only role listed on them (R8, R12)"},
		{BecomesOpen([]string{"A", "B"}, "", false), "A and B become open to every role (R12)"},
		{BecomesOpen([]string{"Pro\x1bd"}, "R\u202eole", true), `Pro\x1bd becomes open to every role: R\u202eole was the only role listed on it (R8, R12)`},
		{StopsBeingOpen("Dev", "Support"), "Dev stops being open: only holders of Support (by identity) or of Environment Management will see it (R13)"},
		{WideningNote([]Op{RemoveRole{Name: "Solo"}}, []string{"Staging"}), "Staging becomes open to every role: Solo was the only role listed on it (R8, R12)"},
		{WideningNote([]Op{Disallow{Environment: "Staging", Role: "Solo"}}, []string{"Staging"}), "Staging becomes open to every role: Solo was the only role listed on it (R12)"},
		{WideningNote([]Op{Disallow{Environment: "S", Role: "A"}, Disallow{Environment: "S", Role: "B"}}, []string{"S"}), "S becomes open to every role (R12)"},
		{AccessEffect(0), "open to every user who reaches Runtime Management (R12, R14)"},
		{AccessEffect(2), "only holders of these roles (by identity) or of Environment Management see it (R13)"},
		{AccessSummary(Environment{Name: "Dev"}), "Dev lists no role: open to every user who reaches Runtime Management (R12, R14)"},
		{AccessSummary(Environment{Name: "Prod", RolesWithAccess: []string{"Ops", "Support"}}), "Prod lists Ops, Support: only holders of these roles (by identity) or of Environment Management see it (R13)"},
		{SwitchEffect(SwitchAdvancedUserSecurity, true), "Production Support and Support exist, and custom roles can be created, edited and assigned (R3)"},
		{SwitchEffect(SwitchAdvancedUserSecurity, false), "Production Support and Support do not exist, and custom roles cannot be created, edited or assigned: only Administrator and Standard User can be assigned, so no user may hold any other role (R3)"},
		{SwitchEffect(SwitchAdvancedEnvironmentAccess, true), "Environment Management Read Access and Full Access apply per environment, through the roles each environment lists (R15, R16)"},
		{SwitchEffect(SwitchAdvancedEnvironmentAccess, false), "Environment Management Read Access and Full Access do nothing; only Environment Management gives write access to environments (R16)"},
		{SwitchEffect("bogus", true), ""},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("#%d:\n got %q\nwant %q", i, tt.got, tt.want)
		}
	}
}

// The edits' notes are those sentences: turning either switch says what
// it does, and the environment that an edit opens or restricts is said
// the one way.
func TestEditNotesComeFromEffects(t *testing.T) {
	t.Parallel()
	on := acctOn([]Role{role("Solo", "", RuntimeManagement), role("Other", "", Execute)},
		[]User{user("a@x.com", Administrator)},
		env("Staging", "Solo"), env("Dev"), env("Two", "Solo", "Other"))
	off := &Account{Users: []User{user("a@x.com", Administrator)}}
	tests := []struct {
		a    *Account
		op   Op
		want []string
	}{
		{on, SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, From: true, To: false}, []string{SwitchEffect(SwitchAdvancedEnvironmentAccess, false)}},
		{off, SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, To: true}, []string{SwitchEffect(SwitchAdvancedEnvironmentAccess, true)}},
		{off, SetSwitch{Switch: SwitchAdvancedUserSecurity, To: true}, []string{SwitchEffect(SwitchAdvancedUserSecurity, true)}},
		{acctOn(nil, []User{user("a@x.com", Administrator)}), SetSwitch{Switch: SwitchAdvancedUserSecurity, From: true, To: false}, []string{SwitchEffect(SwitchAdvancedUserSecurity, false)}},
		{on, RemoveRole{Name: "solo"}, []string{BecomesOpen([]string{"Staging"}, "Solo", true)}},
		{on, Disallow{Environment: "staging", Role: "SOLO"}, []string{BecomesOpen([]string{"Staging"}, "Solo", false)}},
		{on, Disallow{Environment: "Two", Role: "Other"}, nil},
		{on, Allow{Environment: "Dev", Role: "other"}, []string{StopsBeingOpen("Dev", "Other")}},
	}
	for _, tt := range tests {
		_, out, err := Apply(tt.a, tt.op)
		if err != nil {
			t.Fatalf("%s: %v", tt.op.Describe(), err)
		}
		if !slices.Equal(out.Notes, tt.want) {
			t.Errorf("%s: notes %q, want %q", tt.op.Describe(), out.Notes, tt.want)
		}
	}
}
