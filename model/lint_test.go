package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"rolecall/internal/testlong"
)

func lintAccount() *Account {
	a := &Account{
		Name:                      "Lint",
		AdvancedUserSecurity:      true,
		AdvancedEnvironmentAccess: true,
		Roles: []Role{
			{Name: "Ops", Privileges: []Privilege{Execute, ViewResults}},
			{Name: "Ops Copy", Privileges: []Privilege{ViewResults, Execute}},
			{Name: "Empty"},
			{Name: "Empty Child", Inherits: "Empty"},
			{Name: "Orphan", Privileges: []Privilege{Dashboard}},
			{Name: "Orphan Parent", Privileges: []Privilege{Licensing}},
			{Name: "Orphan Child", Inherits: "Orphan Parent", Privileges: []Privilege{Dashboard}},
			{Name: "Base", Privileges: []Privilege{ViewData}},
			{Name: "Derived", Inherits: "Base", Privileges: []Privilege{Dashboard}},
			{Name: "Runner", Privileges: []Privilege{RuntimeManagement, PackagedComponentDeployment}},
			{Name: "Runner Lite", Privileges: []Privilege{RuntimeManagementRead}},
			{Name: "Admins", Privileges: []Privilege{UserManagement}},
			{Name: "Shared Only", Privileges: []Privilege{APIAccess}},
			{Name: "Build All", Privileges: []Privilege{BuildReadWrite}},
			{Name: "Build Both", Privileges: []Privilege{BuildReadWrite, BuildRead}},
		},
		Users: []User{
			{Email: "u1@x.com", Roles: []string{"Ops", "Ops Copy"}},
			{Email: "u2@x.com", Roles: []string{"Runner", "Runner Lite"}},
			{Email: "u3@x.com", Roles: []string{"Base", "Derived"}},
			{Email: "u4@x.com", Roles: []string{"Admins"}},
			{Email: "u5@x.com", Roles: []string{Administrator, "Empty Child"}},
			{Email: "u6@x.com", Roles: []string{"Build All"}},
			{Email: "u7@x.com", Roles: []string{"Build Both"}},
			{Email: "u8@x.com", Roles: []string{"Runner"}},
		},
		Environments: []Environment{
			{Name: "Development", Classification: Test},
			{Name: "Production", Classification: Production, RolesWithAccess: []string{"Runner"}},
			{Name: "Test", Classification: Test, RolesWithAccess: []string{"Runner Lite"}},
		},
		Groups: []AccountGroup{{Name: "G", SharedRoles: []string{"Shared Only"}}},
	}
	a.Normalize()
	return a
}

func TestLintFindings(t *testing.T) {
	t.Parallel()
	l := NewResolver(lintAccount()).Lint()
	var merge []string
	for _, m := range l.Merge {
		merge = append(merge, strings.Join(m.Roles, "+")+fmt.Sprintf(" same-envs=%v", m.SameEnvironments))
	}
	roles := func(fs []RoleFinding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Role)
		}
		return out
	}
	var redundant []string
	for _, r := range l.Redundant {
		redundant = append(redundant, r.User+": "+r.Role+" < "+r.CoveredBy)
	}
	var admins []string
	for _, h := range l.Administrators {
		admins = append(admins, h.User+" ("+h.From()+")")
	}
	for _, tc := range []struct {
		what      string
		got, want []string
	}{
		// Identical after R4 (Build Read and Write Access covers Build
		// Read); Derived's inherited ViewData makes it differ from Base.
		{"merge candidates", merge, []string{"Build All+Build Both same-envs=true", "Ops+Ops Copy same-envs=true"}},
		{"grants nothing", roles(l.GrantsNothing), []string{"Empty", "Empty Child"}},
		// Orphan Parent is inherited only by a role nobody uses; Empty is
		// inherited by a held role; Shared Only is shared by a group.
		{"unused", roles(l.Unused), []string{"Orphan", "Orphan Child", "Orphan Parent"}},
		// u2's Runner Lite is what lets them see Test (R13): not redundant.
		// u1 holds two identical roles: one of them is.
		{"redundant", redundant, []string{"u1@x.com: Ops < Ops Copy", "u3@x.com: Base < Derived", "u5@x.com: Empty Child < Administrator"}},
		{"administrators", admins, []string{"u4@x.com (Admins)", "u5@x.com (Administrator)"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.what, tc.got, tc.want)
		}
	}
	if n := l.Findings(); n != 2+2+3+3 {
		t.Errorf("Findings() = %d", n)
	}
	if !strings.Contains(l.Redundant[1].Why, `"Derived" grants everything "Base" does`) {
		t.Errorf("why: %q", l.Redundant[1].Why)
	}
}

// A role is redundant for a user only when taking it away changes nothing:
// each finding is checked here against the public answers (EnvView and
// Privileges) of the account without all of that user's redundant roles.
// Three accounts with ROLECALL_LONG_TESTS=1; one otherwise, with over 200
// redundant roles found (the other two have some 200 each).
func TestLintRedundantChangesNothing(t *testing.T) {
	t.Parallel()
	for seed := range int64(testlong.N(1, 3)) {
		a := Messy(400, 40, 5, seed, MessyOptions{})
		if Validate(a).HasErrors() {
			continue
		}
		r := NewResolver(a)
		l := r.Lint()
		drop := map[string][]string{}
		for _, f := range l.Redundant {
			drop[f.User] = append(drop[f.User], f.Role)
		}
		b := a.Clone()
		for i := range b.Users {
			if ds := drop[b.Users[i].Email]; ds != nil {
				b.Users[i].Roles = slices.DeleteFunc(b.Users[i].Roles, func(rn string) bool { return slices.Contains(ds, rn) })
			}
		}
		r2 := NewResolver(b)
		for u := range a.Users {
			if r.Privileges(u) != r2.Privileges(u) {
				t.Fatalf("seed %d: %s: privileges change without %q", seed, a.Users[u].Email, drop[a.Users[u].Email])
			}
			for e := range r.NumEnvironments() {
				x, y := r.EnvView(u, e), r2.EnvView(u, e)
				if x.Visible != y.Visible || x.Access != y.Access || x.Deploy != y.Deploy || x.Schedule != y.Schedule || x.EditExtensions != y.EditExtensions ||
					envPrivileges(r, u, e) != envPrivileges(r2, u, e) {
					t.Fatalf("seed %d: %s in %s changes without %q", seed, a.Users[u].Email, x.Environment, drop[a.Users[u].Email])
				}
			}
		}
		t.Logf("seed %d: %d redundant roles", seed, len(l.Redundant))
	}
}

// BenchmarkLint10k is lint on 10,000 users and 1,000 custom roles: linear
// in the assignments (goal: well under a second).
func BenchmarkLint10k(b *testing.B) {
	a := Messy(10000, 1000, 20, 1, MessyOptions{})
	r := NewResolver(a)
	r.us()
	b.ResetTimer()
	for b.Loop() {
		l := r.Lint()
		if len(l.Administrators) == 0 {
			b.Fatal("no administrator")
		}
	}
}

// TestLintUnknownCodes: a Boomi privilege code rolecall does not know
// governs nothing here but is access in Boomi. A role carrying one (or
// inheriting one) is not empty, merges only with roles carrying the same
// codes, and is covered only by a role that carries them too.
func TestLintUnknownCodes(t *testing.T) {
	t.Parallel()
	a := &Account{
		Name: "Codes", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Roles: []Role{
			{Name: "Persist", Codes: []string{"PERSIST_PROCESS_PROPERTY"}},
			{Name: "Persist Child", Inherits: "Persist"},
			{Name: "Exec", Privileges: []Privilege{Execute}},
			{Name: "Exec Coded", Privileges: []Privilege{Execute}, Codes: []string{"SOME_CODE"}},
			{Name: "Exec Coded Too", Privileges: []Privilege{Execute}, Codes: []string{"SOME_CODE"}},
		},
		Users: []User{
			{Email: "a@x.com", Roles: []string{"Persist", "Exec"}},
			{Email: "b@x.com", Roles: []string{"Exec Coded", "Exec"}},
			{Email: "c@x.com", Roles: []string{"Persist Child", "Exec Coded Too"}},
		},
	}
	a.Normalize()
	l := NewResolver(a).Lint()
	if len(l.GrantsNothing) != 0 {
		t.Errorf("grants nothing: %+v (codes are access in Boomi)", l.GrantsNothing)
	}
	var merge []string
	for _, m := range l.Merge {
		merge = append(merge, strings.Join(m.Roles, "+"))
	}
	if !slices.Equal(merge, []string{"Exec Coded+Exec Coded Too", "Persist+Persist Child"}) {
		t.Errorf("merge candidates %q, want only the roles with the same codes", merge)
	}
	if len(l.Merge) == 2 && !strings.Contains(l.Merge[1].Why, "none rolecall knows, and the Boomi code PERSIST_PROCESS_PROPERTY") {
		t.Errorf("why: %s", l.Merge[1].Why)
	}
	var red []string
	for _, f := range l.Redundant {
		red = append(red, f.User+": "+f.Role+" by "+f.CoveredBy)
	}
	if !slices.Equal(red, []string{"b@x.com: Exec by Exec Coded"}) {
		t.Errorf("redundant %q, want only Exec (no code) covered by Exec Coded", red)
	}
}
