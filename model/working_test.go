package model

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"rolecall/internal/testlong"
)

// TestWorkingMatchesApply: Working.Apply gives what Apply, NewResolver,
// Validate and Compare give, for accepted and refused edits, with and
// without warnings in the old state.
//
// On 500 users, 50 roles and 10 environments in go test ./... (1,500, 150
// and 30 with ROLECALL_LONG_TESTS=1): breakages of the incremental paths
// it caught at 1,500 users (Assign touching no section, kept users not
// regranted, envsIn leaving the span's last environment stale, a user's
// roles left unsorted by normalizeEdited) it catches at 500 and 300.
func TestWorkingMatchesApply(t *testing.T) {
	t.Parallel()
	a := Synthetic(testlong.N(500, 1500), testlong.N(50, 150), testlong.N(10, 30), 5)
	// Some lint in the old state: a role held by nobody, listed on an
	// environment (R19), and a role ticking a privilege it inherits (R9).
	a.Roles = append(a.Roles, Role{Name: "Nobody Holds This", Inherits: StandardUser, Privileges: []Privilege{Dashboard, Execute}})
	a.Environments[0].RolesWithAccess = append(a.Environments[0].RolesWithAccess, "Nobody Holds This")
	a.Normalize()
	if Validate(a).HasErrors() {
		t.Fatal(Validate(a).Error())
	}
	if len(Validate(a).Warnings()) == 0 {
		t.Fatal("want warnings in the old state")
	}
	w := NewWorking(a)
	if !reflect.DeepEqual(w.Problems(), Validate(a)) {
		t.Fatal("NewWorking problems differ from Validate")
	}
	oldRes := NewResolver(a)
	// 60 edits with ROLECALL_LONG_TESTS=1; 12 otherwise, each of
	// benchEditOps's six kinds twice, and the edits below.
	ops := benchEditOps(a, oldRes, testlong.N(12, 60))
	ops = append(ops,
		Assign{Email: a.Users[0].Email, Role: "no such role"},
		Tick{Role: a.Roles[3].Name, Privilege: EnvironmentFull},
		RemoveRole{Name: "Nobody Holds This"},
		Disallow{Environment: a.Environments[0].Name, Role: "Nobody Holds This"},
		AddRole{Name: "Fresh", Inherits: Support, Privileges: []Privilege{ViewData}},
		SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, To: false},
	)
	for _, op := range ops {
		want, wantOut, wantErr := Apply(a, op)
		next, out, err := w.Apply(op)
		if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("%s: error %v, Apply: %v", op.Describe(), err, wantErr)
		}
		if err != nil {
			continue
		}
		diff := next.Diff()
		if !sameAccount(next.Account(), want) {
			t.Fatalf("%s: account differs from Apply's", op.Describe())
		}
		if !reflect.DeepEqual(out, wantOut) {
			t.Fatalf("%s: outcome %+v, Apply: %+v", op.Describe(), out, wantOut)
		}
		if !reflect.DeepEqual(next.Problems(), Validate(want)) {
			t.Fatalf("%s: problems differ from Validate", op.Describe())
		}
		if wantDiff := Compare(oldRes, NewResolver(want)); !reflect.DeepEqual(diff, wantDiff) {
			t.Fatalf("%s: diff %+v, Compare: %+v", op.Describe(), diff, wantDiff)
		}
		if !reflect.DeepEqual(next.Resolver().Preview(0), NewResolver(want).Preview(0)) {
			t.Fatalf("%s: resolver differs", op.Describe())
		}
	}
}

// TestCloneIndependent: a clone's lists share no storage with the
// original's or with each other's, nil stays nil and empty stays empty.
func TestCloneIndependent(t *testing.T) {
	t.Parallel()
	a := Synthetic(50, 10, 5, 2)
	a.Users = append(a.Users, User{Email: "empty@example.com", Roles: []string{}})
	a.Roles = append(a.Roles, Role{Name: "No Ticks"})
	c := a.Clone()
	if !reflect.DeepEqual(a, c) {
		t.Fatal("clone differs")
	}
	if c.Roles[len(c.Roles)-1].Privileges != nil || c.Users[len(c.Users)-1].Roles == nil {
		t.Fatal("nil or empty lists not kept")
	}
	before := a.Clone()
	for i := range c.Users {
		c.Users[i].Roles = append(c.Users[i].Roles, "X")
		if len(c.Users[i].Roles) > 1 {
			c.Users[i].Roles[0] = "Y"
		}
	}
	for i := range c.Environments {
		c.Environments[i].RolesWithAccess = append(c.Environments[i].RolesWithAccess, "X")
	}
	for i := range c.Roles {
		c.Roles[i].Privileges = append(c.Roles[i].Privileges, Dashboard)
	}
	if !reflect.DeepEqual(a, before) {
		t.Fatal("editing the clone changed the original")
	}
	for i := 0; i+1 < len(c.Users); i++ {
		if got := c.Users[i+1].Roles[len(c.Users[i+1].Roles)-1]; got != "X" {
			t.Fatalf("appending to user %d overwrote user %d: %q", i, i+1, got)
		}
	}
}

// TestUserLookup: Resolver.User answers as a map of lower-case emails to
// the last user with each would, whether the users are sorted or not.
func TestUserLookup(t *testing.T) {
	t.Parallel()
	emails := []string{"a@x.com", "A@x.com", "b@x.com", "B@X.COM", "b@x.com ", "c@x.com", "é@x.com", "É@x.com", "z@x.com", "Ǆ@x.com", "ǆ@x.com"}
	queries := append(slices.Clone(emails), "", "a", "c@X.com", "d@x.com", "zz@x.com", "ǅ@X.COM", " a@x.com", "\xff")
	for _, sorted := range []bool{true, false} {
		a := &Account{AdvancedUserSecurity: true}
		for _, e := range emails {
			a.Users = append(a.Users, User{Email: e, Roles: []string{Support}})
		}
		if sorted {
			a.Normalize()
		} else {
			slices.Reverse(a.Users)
		}
		r := NewResolver(a)
		want := map[string]int{}
		for i, u := range a.Users {
			want[strings.ToLower(u.Email)] = i
		}
		// Before the users are indexed (a one-off question), and after.
		for _, indexed := range []bool{false, true} {
			if indexed {
				r.us()
			}
			for _, q := range queries {
				w, ok := want[strings.ToLower(q)]
				if !ok {
					w = -1
				}
				if got := r.User(q); got != w {
					t.Errorf("sorted=%v, indexed=%v: User(%q) = %d, want %d", sorted, indexed, q, got, w)
				}
			}
		}
		if r.usersUnique {
			t.Errorf("sorted=%v: duplicate emails not noticed", sorted)
		}
	}
	r := NewResolver(Synthetic(100, 10, 3, 1))
	r.us()
	if !r.usersSorted || !r.usersUnique {
		t.Error("a normalised account with unique emails should be searched, not mapped")
	}
}

// TestWorkingSaved: after a save the working account is the new base, with
// no edits and nothing to diff, its problems kept.
func TestWorkingSaved(t *testing.T) {
	t.Parallel()
	w, _, err := NewWorking(Demo()).Apply(Tick{Role: "Cannot View Data", Privilege: Dashboard})
	if err != nil {
		t.Fatal(err)
	}
	s := w.Saved()
	if s.Dirty() || len(s.Ops()) != 0 || s.Base() != w.Account() || s.Account() != w.Account() {
		t.Fatal("Saved is not the working account with no edits")
	}
	if d := s.Diff(); !d.Empty() {
		t.Errorf("a saved working account diffs: %v", d.Summary())
	}
	if !reflect.DeepEqual(s.Problems(), Validate(w.Account())) {
		t.Error("Saved lost the problems")
	}
	if n, _, err := s.Apply(Untick{Role: "Cannot View Data", Privilege: Dashboard}); err != nil || len(n.Ops()) != 1 {
		t.Errorf("an edit after saving: %v", err)
	}
}

// One edit that lists several roles on an open environment notes once
// that it stops being open, naming every role; one role alone is named
// alone.
func TestRestrictingNotesNameEveryRole(t *testing.T) {
	t.Parallel()
	base := Demo()
	dev := base.Environments[base.FindEnvironment("Development")].Name
	tests := []struct {
		roles []string
		want  string
	}{
		{[]string{Support}, StopsBeingOpen(dev, Support)},
		{[]string{Support, "Cannot View Data"}, StopsBeingOpen(dev, "Cannot View Data and Support")},
		{[]string{Support, "Cannot View Data", "Write and Read Environment"}, StopsBeingOpen(dev, "Cannot View Data, Support and Write and Read Environment")},
	}
	for _, tt := range tests {
		var ops []Op
		for _, r := range tt.roles {
			ops = append(ops, Allow{Environment: dev, Role: r})
		}
		_, out, err := NewWorking(base).Apply(ops...)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, note := range out.Notes {
			if strings.Contains(note, "stops being open") {
				n++
				if note != tt.want {
					t.Errorf("%v: note %q, want %q", tt.roles, note, tt.want)
				}
			}
		}
		if n != 1 {
			t.Errorf("%v: %d notes say it stops being open, want 1: %q", tt.roles, n, out.Notes)
		}
	}
}
