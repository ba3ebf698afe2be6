package model

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// rebaseBase is the demo account with one more role whose fields the
// cases below edit.
func rebaseBase(t *testing.T) *Account {
	t.Helper()
	a, _, err := Apply(Demo(), AddRole{Name: "Support Plus", Description: "first line", Inherits: Support, Privileges: []Privilege{Licensing}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustApply(t *testing.T, a *Account, ops ...Op) *Account {
	t.Helper()
	w, _, err := NewWorking(a).Apply(ops...)
	if err != nil {
		t.Fatal(err)
	}
	return w.Account()
}

// TestRebase: my edits replayed over another admin's. Where we touch
// different things both stand (the file is what applying both gives);
// where we made the same change it counts once; where we changed the same
// thing differently it is a conflict with both values, and nothing of
// theirs is undone.
func TestRebase(t *testing.T) {
	t.Parallel()
	desc := func(to string) Op { return SetDescription{Role: "Support Plus", From: "first line", To: to} }
	cases := []struct {
		name      string
		theirs    []Op
		mine      []Op
		already   int
		conflicts []string // each conflict's What
	}{
		{"description over a concurrent tick keeps the tick",
			[]Op{Tick{Role: "Support Plus", Privilege: Dashboard}}, []Op{desc("second line")}, 0, nil},
		{"display name over a concurrent assign keeps the role",
			[]Op{Assign{Email: "dana@example.com", Role: Support}}, []Op{SetUserName{Email: "dana@example.com", From: "Dana Ortiz", To: "Dana O."}}, 0, nil},
		{"the same tick made twice counts once",
			[]Op{Tick{Role: "Support Plus", Privilege: Dashboard}}, []Op{Tick{Role: "Support Plus", Privilege: Dashboard}}, 1, nil},
		{"two descriptions conflict",
			[]Op{desc("theirs")}, []Op{desc("mine")}, 0, []string{`the description of role "Support Plus"`}},
		{"the same description set twice counts once",
			[]Op{desc("same")}, []Op{desc("same")}, 1, nil},
		{"a tick on a role removed meanwhile conflicts",
			[]Op{RemoveRole{Name: "Support Plus"}}, []Op{Tick{Role: "Support Plus", Privilege: Dashboard}}, 0, []string{`role "Support Plus"`}},
		{"an untick on a role removed meanwhile holds",
			[]Op{RemoveRole{Name: "Support Plus"}}, []Op{Untick{Role: "Support Plus", Privilege: Licensing}}, 1, nil},
		{"removing a role another admin changed conflicts",
			[]Op{Tick{Role: "Support Plus", Privilege: Dashboard}}, []Op{RemoveRole{Name: "Support Plus", Was: &Role{Name: "Support Plus", Description: "first line", Inherits: Support, Privileges: []Privilege{Licensing}}}}, 0, []string{`role "Support Plus"`}},
		{"adding a role another admin added differently conflicts",
			[]Op{AddRole{Name: "Night Shift", Inherits: Support}}, []Op{AddRole{Name: "night shift", Inherits: StandardUser}}, 0, []string{`role "night shift"`}},
		{"adding the role another admin added the same way holds",
			[]Op{AddRole{Name: "Night Shift", Inherits: Support}}, []Op{AddRole{Name: "Night Shift", Inherits: Support}}, 1, nil},
		{"assign to a user removed meanwhile conflicts",
			[]Op{RemoveUser{Email: "dana@example.com"}}, []Op{Assign{Email: "dana@example.com", Role: Support}}, 0, []string{"user dana@example.com"}},
		{"parent changed on both sides conflicts",
			[]Op{SetParent{Role: "Support Plus", From: Support, To: StandardUser}}, []Op{SetParent{Role: "Support Plus", From: Support, To: ""}}, 0, []string{`the Inherits Role of role "Support Plus"`}},
		{"an unassign that would leave a user no role is refused, not forced",
			[]Op{Unassign{Email: "kai@example.com", Role: "Read-Only Environment Management"}}, []Op{Unassign{Email: "kai@example.com", Role: StandardUser}}, 0, []string{""}},
		{"renaming a role someone ticked keeps the tick",
			[]Op{Tick{Role: "Support Plus", Privilege: Dashboard}}, []Op{RenameRole{Role: "Support Plus", To: "Support Max"}}, 0, nil},
		{"allowing a role on an environment removed meanwhile conflicts",
			[]Op{RemoveEnvironment{Name: "Test"}}, []Op{Allow{Environment: "Test", Role: "Support Plus"}}, 0, []string{`environment "Test"`}},
		{"switches: the same switch turned twice counts once",
			[]Op{SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, To: false}}, []Op{SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, To: false}}, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := rebaseBase(t)
			theirs := mustApply(t, base, tc.theirs...)
			// Mine must apply to the base they were made on.
			mustApply(t, base, tc.mine...)
			r := Rebase(theirs, tc.mine)
			if len(r.Already) != tc.already {
				t.Errorf("already = %v, want %d", r.Already, tc.already)
			}
			var whats []string
			for _, c := range r.Conflicts {
				whats = append(whats, c.What)
				if c.String() == "" || strings.ContainsRune(c.String(), 0x1b) {
					t.Errorf("conflict text %q", c.String())
				}
			}
			if !slices.Equal(whats, tc.conflicts) {
				t.Fatalf("conflicts %q, want %q", whats, tc.conflicts)
			}
			if len(tc.conflicts) == 0 && tc.already == 0 {
				// Different things: the same as applying theirs then mine.
				want := mustApply(t, theirs, tc.mine...)
				if !reflect.DeepEqual(r.Working.Account(), want) {
					t.Errorf("rebased account differs from applying both")
				}
			}
			// Nothing of theirs is undone (a rename of mine moves their
			// edits to the new name).
			_, renames := tc.mine[0].(RenameRole)
			for _, op := range tc.theirs {
				if renames {
					break
				}
				if f, _ := op.expect(r.Working.Account()); f != holds && len(tc.conflicts) == 0 {
					t.Errorf("their edit %s no longer holds", op.Describe())
				}
			}
		})
	}
}

// TestResolve: keeping mine re-aims the edit over theirs; taking theirs
// drops it; both then rebase with no conflict.
func TestResolve(t *testing.T) {
	t.Parallel()
	base := rebaseBase(t)
	theirs := mustApply(t, base, SetDescription{Role: "Support Plus", From: "first line", To: "theirs"},
		Tick{Role: "Support Plus", Privilege: Dashboard})
	mine := []Op{SetDescription{Role: "Support Plus", From: "first line", To: "mine"}, Tick{Role: "Support Plus", Privilege: Execute}}
	r := Rebase(theirs, mine)
	if len(r.Conflicts) != 1 || !r.Conflicts[0].CanKeepMine() {
		t.Fatalf("conflicts %+v", r.Conflicts)
	}
	c := r.Conflicts[0]
	if c.Expected != "first line" || c.Found != "theirs" || c.Wanted != "mine" {
		t.Errorf("conflict values %q %q %q", c.Expected, c.Found, c.Wanted)
	}
	for _, keep := range []bool{true, false} {
		ops := r.Resolve([]bool{keep})
		r2 := Rebase(theirs, ops)
		if len(r2.Conflicts) != 0 {
			t.Fatalf("keep=%v: conflicts after resolving: %v", keep, r2.Conflicts)
		}
		role := r2.Working.Account().Roles[r2.Working.Account().FindRole("Support Plus")]
		want := map[bool]string{true: "mine", false: "theirs"}[keep]
		if role.Description != want {
			t.Errorf("keep=%v: description %q, want %q", keep, role.Description, want)
		}
		if !slices.Contains(role.Privileges, Dashboard) || !slices.Contains(role.Privileges, Execute) {
			t.Errorf("keep=%v: privileges %v, want their Dashboard and my Execute", keep, role.Privileges)
		}
	}
}

// TestOpsJSON: every kind of edit survives the round trip, privileges by
// name, and an unknown edit is an error.
func TestOpsJSON(t *testing.T) {
	t.Parallel()
	was := Role{Name: "X", Privileges: []Privilege{ViewData}}
	ops := []Op{
		AddRole{Name: "A", Description: "d", Inherits: Support, Privileges: []Privilege{Dashboard, Execute}},
		RemoveRole{Name: "A", Was: &was}, RenameRole{Role: "A", To: "B"},
		SetDescription{Role: "A", From: "x", To: "y\x1b"}, SetParent{Role: "A", From: "", To: Support},
		Tick{Role: "A", Privilege: EnvironmentFull}, Untick{Role: "A", Privilege: Licensing},
		AddUser{Email: "a@x", Name: "A", Roles: []string{Support}}, RemoveUser{Email: "a@x"},
		SetUserName{Email: "a@x", From: "A", To: "B"}, Assign{Email: "a@x", Role: "A"}, Unassign{Email: "a@x", Role: "A"},
		AddEnvironment{Name: "E", Classification: Production, Roles: []string{"A"}}, RemoveEnvironment{Name: "E"},
		Allow{Environment: "E", Role: "A"}, Disallow{Environment: "E", Role: "A"},
		SetSwitch{Switch: SwitchAdvancedUserSecurity, To: true}, RenameAccount{From: "a", To: "b"},
	}
	raw, err := MarshalOps(ops)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(raw)
	if !strings.Contains(string(b), `"Privilege":"Environment Management Full Access"`) {
		t.Errorf("privileges are not written by name: %s", b)
	}
	var back []json.RawMessage
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalOps(back)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ops) {
		t.Errorf("round trip:\n%#v\nwant\n%#v", got, ops)
	}
	if _, err := UnmarshalOps([]json.RawMessage{json.RawMessage(`{"op":"grant-everything"}`)}); err == nil {
		t.Error("an unknown edit was read")
	}
	if _, err := UnmarshalOps([]json.RawMessage{json.RawMessage(`{"op":"tick","Role":"A","Privilege":"Root"}`)}); err == nil {
		t.Error("an unknown privilege was read")
	}
}

// TestFormEdits: a form's wanted state becomes one edit per field.
func TestFormEdits(t *testing.T) {
	t.Parallel()
	a := rebaseBase(t)
	got := RoleEdits(a, "support plus", Role{Name: "Support Max", Description: "first line", Inherits: Support, Privileges: []Privilege{Dashboard}})
	want := []Op{Tick{Role: "Support Plus", Privilege: Dashboard}, Untick{Role: "Support Plus", Privilege: Licensing}, RenameRole{Role: "Support Plus", To: "Support Max"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RoleEdits = %v, want %v", got, want)
	}
	if ops := RoleEdits(a, "Support Plus", a.Roles[a.FindRole("Support Plus")]); len(ops) != 0 {
		t.Errorf("an unchanged form gives edits %v", ops)
	}
	u := a.Users[a.FindUser("dana@example.com")]
	ops := UserEdits(a, u.Email, User{Email: u.Email, Name: u.Name, Roles: []string{Support}})
	if len(ops) != 2 || ops[0] != (Assign{Email: u.Email, Role: Support}) {
		t.Errorf("UserEdits = %v: want the assign before the unassign", ops)
	}
	if _, _, err := NewWorking(a).Apply(ops...); err != nil {
		t.Errorf("UserEdits do not apply: %v", err)
	}
	e := a.Environments[a.FindEnvironment("Production")]
	ops = AccessEdits(a, e.Name, []string{Support})
	if len(ops) == 0 || ops[0] != (Allow{Environment: e.Name, Role: Support}) {
		t.Errorf("AccessEdits = %v: want the allow first", ops)
	}
	if _, out, err := NewWorking(a).Apply(ops...); err != nil || len(out.Widened) != 0 {
		t.Errorf("AccessEdits: err %v, widened %v (a replaced list must never pass through empty)", err, out.Widened)
	}
}

// TestWorkingRecord: the audit record lists every edit, including ones
// that change nobody's access (a new role nobody holds, a description).
func TestWorkingRecord(t *testing.T) {
	t.Parallel()
	w, _, err := NewWorking(Demo()).Apply(AddRole{Name: "Unheld", Inherits: Support},
		SetDescription{Role: "Cannot View Data", From: Demo().Roles[Demo().FindRole("Cannot View Data")].Description, To: "new words"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.Record()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Edits) != 2 || !strings.Contains(rec.Edits[0], "Unheld") || !strings.Contains(rec.Edits[1], "new words") {
		t.Errorf("edits %q", rec.Edits)
	}
	if rec.Access == nil || len(rec.Ops) != 2 {
		t.Errorf("access %v ops %d", rec.Access, len(rec.Ops))
	}
	b, _ := json.Marshal(rec)
	if strings.Contains(string(b), "null") {
		t.Errorf("record holds null: %s", b)
	}
}

// TestCompact: only the net effect of a session's edits is replayed.
func TestCompact(t *testing.T) {
	t.Parallel()
	d := func(from, to string) Op { return SetDescription{Role: "R", From: from, To: to} }
	on := SetSwitch{Switch: SwitchAdvancedUserSecurity, From: false, To: true}
	off := SetSwitch{Switch: SwitchAdvancedUserSecurity, From: true, To: false}
	tick, untick := Tick{Role: "R", Privilege: Dashboard}, Untick{Role: "R", Privilege: Dashboard}
	cases := []struct {
		name     string
		in, want []Op
	}{
		{"a field set twice is set once", []Op{d("a", "b"), tick, d("b", "c")}, []Op{d("a", "c"), tick}},
		{"a field set back is not set", []Op{d("a", "b"), d("b", "a")}, []Op{}},
		{"a tick taken back is nothing", []Op{tick, untick}, []Op{}},
		{"a switch turned on and off at once is nothing", []Op{on, off}, []Op{}},
		{"an edit made while a switch was on stays inside it", []Op{on, tick, off}, []Op{on, tick, off}},
		{"nothing merges across a rename", []Op{d("a", "b"), RenameRole{Role: "R", To: "S"}, d("b", "c")}, []Op{d("a", "b"), RenameRole{Role: "R", To: "S"}, d("b", "c")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Compact(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Compact = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCompactFoldsIntoAdditions: edits of an entity the session added
// become part of the addition, so that it meets another admin's addition
// of the same name whole.
func TestCompactFoldsIntoAdditions(t *testing.T) {
	t.Parallel()
	got := Compact([]Op{AddRole{Name: "N", Privileges: []Privilege{Dashboard}}, Untick{Role: "N", Privilege: Dashboard},
		Tick{Role: "n", Privilege: Execute}, SetDescription{Role: "N", To: "d"}})
	want := []Op{AddRole{Name: "N", Description: "d", Privileges: []Privilege{Execute}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compact = %v, want %v", got, want)
	}
	// Another admin added N ticking Dashboard: mine (Execute) conflicts.
	base := mustApply(t, Demo(), AddRole{Name: "N", Privileges: []Privilege{Dashboard}})
	r := Rebase(base, []Op{AddRole{Name: "N", Privileges: []Privilege{Dashboard}}, Untick{Role: "N", Privilege: Dashboard}, Tick{Role: "N", Privilege: Execute}})
	if len(r.Conflicts) != 1 || !strings.Contains(r.Conflicts[0].Found, "Dashboard") || !strings.Contains(r.Conflicts[0].Wanted, "Execute") {
		t.Errorf("conflicts %+v", r.Conflicts)
	}
	// An edit after another addition is not moved before it.
	ops := []Op{AddEnvironment{Name: "E"}, AddRole{Name: "R"}, Allow{Environment: "E", Role: "R"}}
	if got := Compact(ops); !reflect.DeepEqual(got, ops) {
		t.Errorf("Compact moved an edit before the addition it needs: %v", got)
	}
}

// TestRebaseChangedAgain: another admin made an edit I also made; a later
// edit of mine that changes the field again is a conflict, not a silent
// undoing of theirs. Keeping mine applies it; taking theirs keeps theirs.
func TestRebaseChangedAgain(t *testing.T) {
	t.Parallel()
	name := Demo().Name
	theirs := mustApply(t, Demo(), RenameAccount{From: name, To: "one"})
	mine := []Op{RenameAccount{From: name, To: "one"}, AddUser{Email: "new@example.com", Roles: []string{Support}}, RenameAccount{From: "one", To: "two"}}
	r := Rebase(theirs, mine)
	if len(r.Conflicts) != 1 || r.Conflicts[0].Op != mine[2] || !r.Conflicts[0].CanKeepMine() {
		t.Fatalf("conflicts %v", r.Conflicts)
	}
	for keep, want := range map[bool]string{true: "two", false: "one"} {
		r2 := Rebase(theirs, r.Resolve([]bool{keep}))
		if len(r2.Conflicts) != 0 || r2.Working.Account().Name != want || r2.Working.Account().FindUser("new@example.com") < 0 {
			t.Errorf("keep mine %v: name %q, conflicts %v", keep, r2.Working.Account().Name, r2.Conflicts)
		}
	}
}

// TestConflictGone: an edit of something another change removed (or
// renamed) cannot be kept over it; two sessions' edits, each compacted on
// its own and replayed together, meet as a conflict.
func TestConflictGone(t *testing.T) {
	t.Parallel()
	base := rebaseBase(t)
	theirs := mustApply(t, base, RenameRole{Role: "Support Plus", To: "Support Max"})
	r := Rebase(theirs, []Op{SetDescription{Role: "Support Plus", From: "first line", To: "mine"}})
	if len(r.Conflicts) != 1 || r.Conflicts[0].CanKeepMine() || !strings.Contains(r.Conflicts[0].Found, "removed or renamed") {
		t.Errorf("conflicts %+v", r.Conflicts)
	}
	one := []Op{SetDescription{Role: "Support Plus", From: "first line", To: "one"}}
	two := []Op{SetDescription{Role: "Support Plus", From: "first line", To: "two"}}
	r = Replay(base, append(Compact(one), Compact(two)...))
	if len(r.Conflicts) != 1 || r.Conflicts[0].Found != "one" || r.Conflicts[0].Wanted != "two" {
		t.Errorf("two sessions' edits of one field: %+v", r.Conflicts)
	}
}

// Without the account the edits were made on, an undoing edit of a role
// no longer there by its name holds, as before.
func TestRebaseRenamedRoleUndoHolds(t *testing.T) {
	t.Parallel()
	orig := rebaseBase(t)
	theirs := mustApply(t, orig, RenameRole{Role: "Support Plus", To: "CVD BBB"})
	mine := []Op{Untick{Role: "Support Plus", Privilege: Licensing}}
	if r := Rebase(theirs, mine); len(r.Conflicts) != 0 || len(r.Already) != 1 {
		t.Errorf("Rebase: conflicts %+v, already %v", r.Conflicts, r.Already)
	}
	// With it, and the role unchanged but for its name, it is a conflict.
	if r := RebaseFrom(orig, theirs, mine); len(r.Conflicts) != 1 || len(r.Already) != 0 {
		t.Errorf("RebaseFrom: conflicts %+v, already %v", r.Conflicts, r.Already)
	}
	// An untick of a privilege the renamed role no longer has holds.
	theirs = mustApply(t, theirs, Untick{Role: "CVD BBB", Privilege: Licensing}, Tick{Role: "CVD BBB", Privilege: Licensing})
	if r := RebaseFrom(orig, theirs, []Op{Untick{Role: "Support Plus", Privilege: Dashboard}}); len(r.Conflicts) != 0 || len(r.Already) != 1 {
		t.Errorf("untick of what is not there: conflicts %+v, already %v", r.Conflicts, r.Already)
	}
}

// TestRebaseRenamedRole: another change renamed the role my edit names.
// Without the account my edits were made on, the conflict cannot say
// what the role became, but a rename still says what it renames to. With
// it (RebaseFrom), the role is found when exactly one new role has its
// description, Inherits Role and privileges (its holders decide between
// several), the conflict names it, and keeping mine applies my edit to it.
func TestRebaseRenamedRole(t *testing.T) {
	t.Parallel()
	orig := mustApply(t, rebaseBase(t), Assign{Email: "dana@example.com", Role: "Support Plus"})
	renamed := []Op{RenameRole{Role: "Support Plus", To: "CVD BBB"}}
	copyOf := func(name string) Op {
		return AddRole{Name: name, Description: "first line", Inherits: Support, Privileges: []Privilege{Licensing}}
	}
	tests := []struct {
		name          string
		theirs        []Op
		mine          Op
		withOrig      bool
		found, wanted string
		keep          bool
		check         func(a *Account) string // after keeping mine; "" when right
	}{
		{"rename over rename, without the original", renamed, RenameRole{Role: "Support Plus", To: "CVD AAA"}, false,
			"removed or renamed", `renamed to "CVD AAA"`, false, nil},
		{"rename over rename", renamed, RenameRole{Role: "Support Plus", To: "CVD AAA"}, true,
			`renamed to "CVD BBB" by another change`, `renamed to "CVD AAA"`, true,
			func(a *Account) string {
				if a.FindRole("CVD BBB") >= 0 || a.FindRole("CVD AAA") < 0 {
					return "CVD BBB is not renamed to CVD AAA"
				}
				if u := a.Users[a.FindUser("dana@example.com")]; !slices.Contains(u.Roles, "CVD AAA") {
					return "dana does not hold CVD AAA"
				}
				return ""
			}},
		{"tick on a renamed role", renamed, Tick{Role: "Support Plus", Privilege: Dashboard}, true,
			`renamed to "CVD BBB" by another change`, `role "CVD BBB" with Dashboard ticked`, true,
			func(a *Account) string {
				if !slices.Contains(a.Roles[a.FindRole("CVD BBB")].Privileges, Dashboard) {
					return "Dashboard is not ticked on CVD BBB"
				}
				return ""
			}},
		{"description of a renamed role", renamed, SetDescription{Role: "Support Plus", From: "first line", To: "mine"}, true,
			`renamed to "CVD BBB" by another change`, `role "CVD BBB" described as "mine"`, true,
			func(a *Account) string {
				if d := a.Roles[a.FindRole("CVD BBB")].Description; d != "mine" {
					return "description " + d
				}
				return ""
			}},
		{"assigning a renamed role", renamed, Assign{Email: "kai@example.com", Role: "Support Plus"}, true,
			`renamed to "CVD BBB" by another change`, `role "CVD BBB" assigned to kai@example.com`, true,
			func(a *Account) string {
				if u := a.Users[a.FindUser("kai@example.com")]; !slices.Contains(u.Roles, "CVD BBB") {
					return "kai does not hold CVD BBB"
				}
				return ""
			}},
		{"untick on a renamed role", renamed, Untick{Role: "Support Plus", Privilege: Licensing}, true,
			`renamed to "CVD BBB" by another change`, `role "CVD BBB" with Licensing unticked`, true,
			func(a *Account) string {
				if slices.Contains(a.Roles[a.FindRole("CVD BBB")].Privileges, Licensing) {
					return "Licensing is still ticked on CVD BBB"
				}
				return ""
			}},
		{"unassigning a renamed role", renamed, Unassign{Email: "dana@example.com", Role: "Support Plus"}, true,
			`renamed to "CVD BBB" by another change`, `role "CVD BBB" unassigned from dana@example.com`, true,
			func(a *Account) string {
				if u := a.Users[a.FindUser("dana@example.com")]; slices.Contains(u.Roles, "CVD BBB") {
					return "dana still holds CVD BBB"
				}
				return ""
			}},
		{"removing a renamed role", append(slices.Clone(renamed), Unassign{Email: "dana@example.com", Role: "CVD BBB"}),
			RemoveRole{Name: "Support Plus"}, true,
			`renamed to "CVD BBB" by another change`, `role "CVD BBB" removed`, true,
			func(a *Account) string {
				if a.FindRole("CVD BBB") >= 0 {
					return "CVD BBB is still there"
				}
				return ""
			}},
		{"renamed and changed: not found", append(slices.Clone(renamed), Tick{Role: "CVD BBB", Privilege: Dashboard}),
			SetDescription{Role: "Support Plus", From: "first line", To: "mine"}, true, "removed or renamed", "", false, nil},
		{"removed: not found", []Op{Unassign{Email: "dana@example.com", Role: "Support Plus"}, RemoveRole{Name: "Support Plus"}},
			Tick{Role: "Support Plus", Privilege: Dashboard}, true, "removed or renamed", "", false, nil},
		{"two candidates, the holders decide", append(slices.Clone(renamed), copyOf("Copy")),
			Tick{Role: "Support Plus", Privilege: Dashboard}, true,
			`renamed to "CVD BBB" by another change`, `role "CVD BBB" with Dashboard ticked`, true, nil},
		{"two candidates the holders cannot tell apart", append(slices.Clone(renamed), copyOf("Copy"), Assign{Email: "dana@example.com", Role: "Copy"}),
			Tick{Role: "Support Plus", Privilege: Dashboard}, true, "removed or renamed", "", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			theirs := mustApply(t, orig, tc.theirs...)
			var r Rebased
			if tc.withOrig {
				r = RebaseFrom(orig, theirs, []Op{tc.mine})
			} else {
				r = Rebase(theirs, []Op{tc.mine})
			}
			if len(r.Conflicts) != 1 {
				t.Fatalf("conflicts %+v (already %v), want one", r.Conflicts, r.Already)
			}
			c := r.Conflicts[0]
			if c.Found != tc.found || c.Wanted != tc.wanted || c.CanKeepMine() != tc.keep {
				t.Errorf("found %q, wanted %q, can keep mine %v; want %q, %q, %v", c.Found, c.Wanted, c.CanKeepMine(), tc.found, tc.wanted, tc.keep)
			}
			if !tc.keep {
				return
			}
			r2 := Replay(theirs, r.Resolve([]bool{true}))
			if len(r2.Conflicts) != 0 {
				t.Fatalf("keeping mine: conflicts %+v", r2.Conflicts)
			}
			if tc.check != nil {
				if msg := tc.check(r2.Working.Account()); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}
