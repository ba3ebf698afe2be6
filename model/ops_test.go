package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// R8, R12: every edit that empties a restricted environment's list reports
// it in Outcome.Widened, whichever edit it is.
func TestApplyReportsWidening(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		op   Op
		want []string
	}{
		{"R8 remove the only listed role", RemoveRole{Name: "Lonely"}, []string{"Staging"}},
		{"R12 disallow the last role", Disallow{Environment: "Staging", Role: "Lonely"}, []string{"Staging"}},
		{"R13 disallow one of two keeps it restricted", Disallow{Environment: "Production", Role: "Write and Read Environment"}, nil},
		{"allow restricts, never widens", Allow{Environment: "Development", Role: Support}, nil},
		{"unrelated edit", AddUser{Email: "new@example.com", Roles: []string{Support}}, nil},
	}
	base := Demo()
	base.Roles = append(base.Roles, Role{Name: "Lonely", Privileges: []Privilege{RuntimeManagement}})
	base.Environments = append(base.Environments, Environment{Name: "Staging", Classification: Test, RolesWithAccess: []string{"Lonely"}})
	base.Normalize()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out, err := Apply(base, tt.op)
			if err != nil {
				t.Fatalf("Apply(%s): %v", tt.op.Describe(), err)
			}
			if !slices.Equal(out.Widened, tt.want) {
				t.Errorf("Widened = %q, want %q", out.Widened, tt.want)
			}
		})
	}
}

// Names with control characters appear in refusals escaped once, as Go
// quoting writes them, never raw and never doubly escaped.
func TestRefusalQuotesNamesOnce(t *testing.T) {
	t.Parallel()
	_, _, err := Apply(Demo(), Assign{Email: "ada@example.com", Role: "Ops\x1b[31m"})
	if err == nil {
		t.Fatal("assigning a role that does not exist was applied")
	}
	msg := err.Error()
	if strings.ContainsRune(msg, 0x1b) {
		t.Errorf("raw ESC in %q", msg)
	}
	if !strings.Contains(msg, `"Ops\x1b[31m"`) {
		t.Errorf("refusal %q does not quote the name once as \"Ops\\x1b[31m\"", msg)
	}
}

// R6: the Inherits Role picker never offers a role that would close a cycle.
func TestInheritCandidates(t *testing.T) {
	t.Parallel()
	a := &Account{AdvancedUserSecurity: true, Roles: []Role{
		{Name: "Base"},
		{Name: "Mid", Inherits: "Base"},
		{Name: "Leaf", Inherits: "mid"},
		{Name: "Other", Inherits: Support},
	}}
	tests := []struct {
		role string
		want []string
	}{
		{"", []string{Administrator, StandardUser, ProductionSupport, Support, "Base", "Mid", "Leaf", "Other"}},
		{"Base", []string{Administrator, StandardUser, ProductionSupport, Support, "Other"}},
		{"Mid", []string{Administrator, StandardUser, ProductionSupport, Support, "Base", "Other"}},
		{"Leaf", []string{Administrator, StandardUser, ProductionSupport, Support, "Base", "Mid", "Other"}},
	}
	for _, tt := range tests {
		if got := InheritCandidates(a, tt.role); !slices.Equal(got, tt.want) {
			t.Errorf("InheritCandidates(%q) = %q, want %q", tt.role, got, tt.want)
		}
	}
	// A role whose chain loops already (R6) is never offered.
	cyc := &Account{AdvancedUserSecurity: true, Roles: []Role{
		{Name: "Base"}, {Name: "X", Inherits: "Y"}, {Name: "Y", Inherits: "X"}, {Name: "Z", Inherits: "Y"},
	}}
	if got, want := InheritCandidates(cyc, "Base"), []string{Administrator, StandardUser, ProductionSupport, Support}; !slices.Equal(got, want) {
		t.Errorf("InheritCandidates(Base) with a cycle = %q, want %q", got, want)
	}
	a.AdvancedUserSecurity = false
	if got := InheritCandidates(a, "Base"); slices.Contains(got, Support) {
		t.Errorf("R3: Support offered with Advanced User Security off: %q", got)
	}
}

// R5: locked ticks are labelled with the farthest ancestor that grants them.
// A privilege the parent only covers under R4 is not locked: ticking it is
// not redundant, and saving keeps it (R9, decision).
func TestInheritedFrom(t *testing.T) {
	t.Parallel()
	a := Demo()
	a.Roles = append(a.Roles, Role{Name: "Deep", Inherits: "Read Only Runtime Management", Privileges: []Privilege{RuntimeManagement}})
	a.Normalize()
	r := NewResolver(a)
	from := r.InheritedFrom("Deep")
	for p, want := range map[Privilege]string{
		RuntimeManagement:     "Deep",
		RuntimeManagementRead: "Read Only Runtime Management",
		Execute:               Support,
		ViewData:              Support,
	} {
		if from[p] != want {
			t.Errorf("InheritedFrom(Deep)[%s] = %q, want %q", p, from[p], want)
		}
	}
	if _, ok := from[BuildRead]; ok {
		t.Errorf("InheritedFrom(Deep) claims Build Read Access")
	}
	if p, ok := NewResolver(acctOn([]Role{role("Ops", "", RuntimeManagement, BuildReadWrite)}, nil)).InheritedFrom("Ops")[RuntimeManagementRead]; ok {
		t.Errorf("InheritedFrom(Ops) locks Runtime Management Read Access, which Ops only covers (R4), as from %q", p)
	}
	if r.InheritedFrom("") != nil || r.InheritedFrom("nope") != nil {
		t.Errorf("InheritedFrom of no parent is not empty")
	}
}

// R12-R14: CountCanSee agrees with CanSee over every user.
func TestCountCanSee(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	want := map[string]int{"Development": 7, "Production": 3, "Test": 4}
	for name, n := range want {
		if got := r.CountCanSee(r.Environment(name)); got != n {
			t.Errorf("CountCanSee(%s) = %d, want %d", name, got, n)
		}
	}
}

// Summary lines carry names: they come out escaped even when a diff was
// built from an account that never went through validation.
func TestSummaryIsSafe(t *testing.T) {
	t.Parallel()
	bad := "Prod\x1b]52;c;aGk=\x07"
	d := Diff{
		Environments: []EnvDiff{{Environment: bad, BecameOpen: true}},
		Users:        []UserDiff{{User: "eve\x1b[2J@example.com", Lost: []string{"Execute"}}},
	}
	lines := d.Summary()
	if len(lines) != 2 {
		t.Fatalf("Summary() = %q, want 2 lines", lines)
	}
	for _, l := range lines {
		if HasControl(l) {
			t.Errorf("line holds a control character: %q", l)
		}
	}
}

// R18: a denied privilege whose action write access allows anyway says so.
func TestExplainPointsAtWriteAccess(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	u, e := r.User("wren@example.com"), r.Environment("Production")
	v := r.Explain(u, PackagedComponentDeployment, e)
	if v.Allowed {
		t.Fatal("wren holds Packaged Component Deployment in Production")
	}
	if !strings.Contains(v.Reason, "deploying to Production is allowed all the same") {
		t.Errorf("reason %q does not say deploying is allowed through write access", v.Reason)
	}
	if v := r.Explain(r.User("oren@example.com"), PackagedComponentDeployment, r.Environment("Test")); strings.Contains(v.Reason, "all the same") {
		t.Errorf("oren has read access in Test, yet: %q", v.Reason)
	}
}

// R18 (decision): the preview gives one answer to "can this user deploy
// here?". Wren deploys to Production and Test through write access without
// Packaged Component Deployment, so the Deployments page opens and its
// Deploy action names exactly those environments.
func TestPreviewDeployOneAnswer(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	for _, email := range []string{"wren@example.com", "oren@example.com", "sam@example.com", "dana@example.com"} {
		pv := r.Preview(r.User(email))
		to := deployable(pv.Environments)
		av := previewAction(pv, PageDeployments, "Deploy")
		if (len(to) > 0) != av.Allowed {
			t.Errorf("%s: environments allow deploying to %q, the Deploy action says allowed=%v (%s)", email, to, av.Allowed, av.Reason)
		}
	}
	pv := r.Preview(r.User("wren@example.com"))
	for _, pg := range pv.Pages {
		if pg.Page == PageDeployments && (pg.Access != PageFull || !strings.Contains(pg.Reason, "decision")) {
			t.Errorf("wren's Deployments page = %s (%s), want full, flagged as a decision", pg.Access, pg.Reason)
		}
	}
}

// Working.Apply copies only what an edit touches and shares the rest with
// the working account it was applied to: that account never changes, two
// edits of one base never see each other, and each gives what Apply gives.
func TestWorkingSharesOnlyWhatEditsLeave(t *testing.T) {
	t.Parallel()
	base := Demo()
	w := NewWorking(base)
	before := fmt.Sprintf("%+v", *base.Clone())
	no := false
	ops := []Op{
		AddRole{Name: "Fresh", Inherits: Support, Privileges: []Privilege{Scheduling}},
		Tick{Role: "Cannot View Data", Privilege: ViewData},
		RenameRole{Role: "Cannot View Data", To: "Can View Data"},
		Assign{Email: "dana@example.com", Role: Support},
		Assign{Email: "dana@example.com", Role: StandardUser},
		Unassign{Email: "kai@example.com", Role: StandardUser},
		SetUserName{Email: "bo@example.com", To: "Bo"},
		AddUser{Email: "zed@example.com", Roles: []string{Support}},
		RemoveUser{Email: "ada@example.com"},
		Allow{Environment: "Development", Role: Support},
		Disallow{Environment: "Test", Role: "Write and Read Environment"},
		AddEnvironment{Name: "Staging", Classification: Test},
		RemoveEnvironment{Name: "Production"},
		SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, To: no},
	}
	var results []string
	var nexts []*Working
	for _, op := range ops {
		next, out, err := w.Apply(op)
		if err != nil {
			t.Fatalf("%s: %v", op.Describe(), err)
		}
		d := next.Diff()
		want, wantOut, err := Apply(base, op)
		if err != nil {
			t.Fatalf("Apply(%s): %v", op.Describe(), err)
		}
		got := fmt.Sprintf("%+v", *next.Account())
		if got != fmt.Sprintf("%+v", *want) {
			t.Errorf("%s: Working.Apply gives\n%s\nApply gives\n%s", op.Describe(), got, fmt.Sprintf("%+v", *want))
		}
		if fmt.Sprint(out) != fmt.Sprint(wantOut) {
			t.Errorf("%s: outcome %v, Apply's %v", op.Describe(), out, wantOut)
		}
		if fmt.Sprintf("%+v", d) != fmt.Sprintf("%+v", Compare(NewResolver(base), NewResolver(want))) {
			t.Errorf("%s: diff differs from Compare", op.Describe())
		}
		if fmt.Sprint(next.Problems()) != fmt.Sprint(Validate(want)) {
			t.Errorf("%s: problems %v, Validate's %v", op.Describe(), next.Problems(), Validate(want))
		}
		results = append(results, got)
		nexts = append(nexts, next)
		if now := fmt.Sprintf("%+v", *base); now != before {
			t.Fatalf("%s changed the working account:\n%s\nwas\n%s", op.Describe(), now, before)
		}
	}
	// Every result is as it was when made: no later edit of the same base
	// wrote into it through a shared list.
	for i, next := range nexts {
		if got := fmt.Sprintf("%+v", *next.Account()); got != results[i] {
			t.Errorf("%s: its result changed after later edits of the same base", ops[i].Describe())
		}
	}
	w2 := NewWorking(base)
	for i, op := range ops {
		next, _, _ := w2.Apply(op)
		if got := fmt.Sprintf("%+v", *next.Account()); got != results[i] {
			t.Errorf("%s: applying it again to the same base gives another account", op.Describe())
		}
	}
}

// R8: the refusal to remove a role in use says what to do about the uses
// there are, and only those.
func TestRemoveRoleInUseAdvice(t *testing.T) {
	t.Parallel()
	base := &Account{Name: "Acme", AdvancedUserSecurity: true,
		Roles: []Role{
			{Name: "Held", Privileges: []Privilege{Execute}},
			{Name: "Parent", Privileges: []Privilege{Execute}},
			{Name: "Child", Inherits: "Parent"},
			{Name: "Both", Privileges: []Privilege{Execute}},
			{Name: "Heir", Inherits: "Both"},
			{Name: "Zed", Privileges: []Privilege{Execute}},
			{Name: "Zed Child", Inherits: "Zed"},
			{Name: "Zed Other", Inherits: "Zed"},
			{Name: "Duo", Privileges: []Privilege{Execute}},
			{Name: "Duo A", Inherits: "Duo"},
			{Name: "Duo B", Inherits: "Duo"},
		},
		Users: []User{
			{Email: "a@x.com", Roles: []string{"Held", "Both", "Child", "Heir", "Duo"}},
		},
	}
	base.Normalize()
	tests := []struct {
		role, want, not string
	}{
		{"Held", "is held by a@x.com; unassign it first", "Inherits Role"},
		{"Parent", "is inherited by Child; change that role's Inherits Role first", "unassign"},
		{"Both", "is held by a@x.com and inherited by Heir; unassign it and change that role's Inherits Role first", "those"},
		{"Zed", "is inherited by Zed Child, Zed Other; change those roles' Inherits Role first", "that role"},
		{"Duo", "is held by a@x.com and inherited by Duo A, Duo B; unassign it and change those roles' Inherits Role first", "that role"},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			_, _, err := Apply(base, RemoveRole{Name: tt.role})
			if err == nil {
				t.Fatalf("RemoveRole(%s) applied; want a refusal", tt.role)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("refusal = %q, want it to contain %q", msg, tt.want)
			}
			if tt.not != "" && strings.Contains(msg, tt.not) {
				t.Errorf("refusal = %q, should not mention %q", msg, tt.not)
			}
		})
	}
}
