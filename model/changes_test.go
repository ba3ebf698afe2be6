package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"rolecall/internal/testlong"
)

// changesBase is a small valid account the cases of TestChanges edit.
func changesBase() *Account {
	a := &Account{Name: "Acme", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Roles: []Role{
			{Name: "Ops", Description: "Runs things", Privileges: []Privilege{Execute, ViewResults}},
			{Name: "Viewer", Inherits: Support},
		},
		Users: []User{
			{Email: "ann@x.com", Name: "Ann", Roles: []string{"Ops"}},
			{Email: "bob@x.com", Roles: []string{"Ops", "Viewer"}},
			{Email: "cat@x.com", Roles: []string{"Viewer"}},
		},
		Environments: []Environment{
			{Name: "Production", Classification: Production, RolesWithAccess: []string{"Ops"}},
			{Name: "Test", Classification: Test},
		},
	}
	a.Normalize()
	return a
}

func TestChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(a *Account)
		want []ChangeGroup
	}{
		{"nothing", func(a *Account) {}, nil},
		{"account name and switches", func(a *Account) {
			a.Name = "Acme Corp"
			a.AdvancedEnvironmentAccess = false
		}, []ChangeGroup{{"Account", []string{
			`the account is renamed from "Acme" to "Acme Corp"`,
			"Advanced Environment Access turns off (was on)",
		}}}},
		{"R2 role added nobody holds", func(a *Account) {
			a.Roles = append(a.Roles, Role{Name: "Deployer", Description: "Deploys", Inherits: "Viewer", Privileges: []Privilege{PackagedComponentDeployment, Scheduling}})
		}, []ChangeGroup{{"Roles", []string{
			`role "Deployer" is added: inherits "Viewer"; ticks Packaged Component Deployment and Scheduling; described "Deploys"; nobody holds it yet`,
		}}}},
		{"role added and held", func(a *Account) {
			a.Roles = append(a.Roles, Role{Name: "Runner", Privileges: []Privilege{Execute}})
			a.Users[2].Roles = append(a.Users[2].Roles, "Runner")
		}, []ChangeGroup{
			{"Roles", []string{`role "Runner" is added: inherits no role; ticks Execute`}},
			{"Users", []string{`role "Runner" is assigned to cat@x.com`}},
		}},
		{"role added that grants nothing", func(a *Account) {
			a.Roles = append(a.Roles, Role{Name: "Empty"}, Role{Name: "Heir", Inherits: "Empty"})
		}, []ChangeGroup{{"Roles", []string{
			`role "Empty" is added: inherits no role; ticks nothing; nobody holds it yet`,
			`role "Empty" grants nothing: no privilege is ticked and it inherits none`,
			`role "Heir" is added: inherits "Empty"; ticks nothing; nobody holds it yet`,
			`role "Heir" grants nothing: no privilege is ticked and "Empty", which it inherits, grants none`,
		}}}},
		{"role removed", func(a *Account) {
			a.Roles = slices.DeleteFunc(a.Roles, func(r Role) bool { return r.Name == "Viewer" })
		}, []ChangeGroup{{"Roles", []string{`role "Viewer" is removed`}}}},
		{"role renamed in letter case only", func(a *Account) {
			a.Roles[0].Name = "OPS"
		}, []ChangeGroup{{"Roles", []string{`role "Ops" is renamed "OPS"`}}}},
		{"description changed, set, removed", func(a *Account) {
			a.Roles[0].Description = "Runs processes"
			a.Roles[1].Description = "Looks"
		}, []ChangeGroup{{"Roles", []string{
			`the description of role "Ops" changes from "Runs things" to "Runs processes"`,
			`the description of role "Viewer" is set to "Looks"`,
		}}}},
		{"description removed", func(a *Account) { a.Roles[0].Description = "" },
			[]ChangeGroup{{"Roles", []string{`the description of role "Ops" is removed (was "Runs things")`}}}},
		{"description loses an invisible character", func(a *Account) {
			a.Roles[0].Description = "Runs\u202e things"
		}, []ChangeGroup{{"Roles", []string{
			`the description of role "Ops" gains the invisible character U+202E`,
		}}}},
		{"parent and ticks", func(a *Account) {
			a.Roles[1].Inherits = ProductionSupport
			a.Roles[0].Privileges = []Privilege{Execute, Scheduling, ViewData}
		}, []ChangeGroup{{"Roles", []string{
			`role "Ops" now ticks Scheduling and View Data`,
			`role "Ops" no longer ticks View Results`,
			`role "Viewer" now inherits "Production Support" (was "Support")`,
		}}}},
		{"parent dropped leaves a role granting nothing", func(a *Account) {
			a.Roles[1].Inherits = ""
		}, []ChangeGroup{{"Roles", []string{
			`role "Viewer" no longer inherits "Support"`,
			`role "Viewer" grants nothing: no privilege is ticked and it inherits none`,
		}}}},
		{"users added, removed, renamed, reassigned", func(a *Account) {
			a.Users = append(a.Users, User{Email: "dan@x.com", Name: "Dan", Roles: []string{"Ops", Support}})
			a.Users[0].Name = "Ann Lee"
			a.Users[0].Roles = append(a.Users[0].Roles, "Viewer")
			a.Users[1].Roles = []string{"Viewer"}
			a.Users = slices.DeleteFunc(a.Users, func(u User) bool { return u.Email == "cat@x.com" })
		}, []ChangeGroup{{"Users", []string{
			`the name of ann@x.com changes from "Ann" to "Ann Lee"`,
			`user dan@x.com ("Dan") is added with roles "Ops" and "Support"`,
			`role "Viewer" is assigned to ann@x.com`,
			`role "Ops" is unassigned from bob@x.com`,
			`user cat@x.com is removed`,
		}}}},
		{"one role assigned to many users", func(a *Account) {
			for i := range a.Users {
				a.Users[i].Roles = append(a.Users[i].Roles, Support)
			}
		}, []ChangeGroup{{"Users", []string{
			`role "Support" is assigned to 3 users: ann@x.com, bob@x.com and cat@x.com`,
		}}}},
		{"email in other letter case", func(a *Account) { a.Users[1].Email = "Bob@x.com" },
			[]ChangeGroup{{"Users", []string{`user bob@x.com is now spelled Bob@x.com`}}}},
		{"environments", func(a *Account) {
			a.Environments = append(a.Environments, Environment{Name: "Staging", Classification: Test, RolesWithAccess: []string{"Ops", "Viewer"}})
			a.Environments[0].RolesWithAccess = nil
			a.Environments[1].RolesWithAccess = []string{"Viewer"}
			a.Environments[1].Classification = Production
		}, []ChangeGroup{{"Environments", []string{
			`environment "Production" no longer lists "Ops": it is now open to every role (R12)`,
			`environment "Test" is now production (was test)`,
			`environment "Test" now lists "Viewer": it was open to every role and is now restricted (R13)`,
			`environment "Staging" is added: test; Roles with Access: "Ops" and "Viewer"`,
		}}}},
		{"environment removed and renamed in case", func(a *Account) {
			a.Environments[1].Name = "TEST"
			a.Environments = a.Environments[1:]
		}, []ChangeGroup{{"Environments", []string{
			`environment "Test" is renamed "TEST"`,
			`environment "Production" is removed`,
		}}}},
		{"names are escaped", func(a *Account) {
			a.Roles = append(a.Roles, Role{Name: "Evil\x1b[2J", Privileges: []Privilege{Execute}})
		}, []ChangeGroup{{"Roles", []string{`role "Evil\x1b[2J" is added: inherits no role; ticks Execute; nobody holds it yet`}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := changesBase()
			new := old.Clone()
			tt.edit(new)
			got := Changes(old, new)
			if !sameGroups(got, tt.want) {
				t.Errorf("Changes =\n%s\nwant\n%s", showGroups(got), showGroups(tt.want))
			}
			for _, g := range got {
				for _, l := range g.Lines {
					if SafeText(l) != l {
						t.Errorf("line %q is not safe to print", l)
					}
				}
			}
		})
	}
}

func sameGroups(x, y []ChangeGroup) bool {
	return slices.EqualFunc(x, y, func(a, b ChangeGroup) bool { return a.Title == b.Title && slices.Equal(a.Lines, b.Lines) })
}

func showGroups(gs []ChangeGroup) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.Title + ":\n")
		for _, l := range g.Lines {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// The groups come in their order whatever changes, and comparing an
// account with itself finds nothing.
func TestChangesGroupOrder(t *testing.T) {
	t.Parallel()
	old := changesBase()
	new := old.Clone()
	new.Environments = nil
	new.Users = new.Users[:1]
	new.Roles = append(new.Roles, Role{Name: "X", Privileges: []Privilege{Execute}})
	new.AdvancedUserSecurity = false
	var titles []string
	for _, g := range Changes(old, new) {
		titles = append(titles, g.Title)
	}
	if want := []string{"Account", "Roles", "Users", "Environments"}; !slices.Equal(titles, want) {
		t.Errorf("titles = %q, want %q", titles, want)
	}
	if got := Changes(old, old.Clone()); got != nil {
		t.Errorf("Changes of an unchanged account = %v", got)
	}
}

func TestTextChangeHidden(t *testing.T) {
	t.Parallel()
	tests := []struct{ was, is, want string }{
		{"a\u202eb", "ab", `d loses the invisible character U+202E`},
		{"ab", "a\u200bb\u2066", `d gains the invisible characters U+200B and U+2066`},
		{"a\u200bb", "a\u202eb", `d loses the invisible character U+200B and gains the invisible character U+202E`},
		{"a\u200bb", "ab\u200b", `d changes from "a\u200bb" to "ab\u200b"`},
		{"a\x07", "a", `d loses the invisible character U+0007`},
		{"ab", "ac", `d changes from "ab" to "ac"`},
		{"ab", "ab", ""},
	}
	for _, tt := range tests {
		if got := textChange("d", tt.was, tt.is); got != tt.want {
			t.Errorf("textChange(%q, %q) = %q, want %q", tt.was, tt.is, got, tt.want)
		}
	}
}

func TestAndList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a and b"},
		{[]string{"a", "b", "c"}, "a, b and c"},
	}
	for _, tt := range tests {
		if got := AndList(tt.in); got != tt.want {
			t.Errorf("AndList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// At 10,000 users (2,000 unless ROLECALL_LONG_TESTS=1) every user gains a
// role: one grouped line, every user listed, in linear time.
func TestChangesLargeAccount(t *testing.T) {
	t.Parallel()
	users := testlong.N(2000, 10000)
	old := Synthetic(users, users/10, 50, 1)
	new := old.Clone()
	for i := range new.Users {
		if !slices.ContainsFunc(new.Users[i].Roles, func(h string) bool { return SameName(h, Administrator) }) {
			new.Users[i].Roles = append(new.Users[i].Roles, Administrator)
		}
	}
	gs := Changes(old, new)
	if len(gs) != 1 || gs[0].Title != "Users" || len(gs[0].Lines) != 1 {
		t.Fatalf("Changes = %d groups, want one line under Users", len(gs))
	}
	if n := strings.Count(gs[0].Lines[0], "@"); n < users*9/10 {
		t.Errorf("the line names %d users; want every one", n)
	}
}

func BenchmarkChanges10kUsers(b *testing.B) {
	old := Synthetic(10000, 1000, 50, 1)
	new := old.Clone()
	new.Roles = append(new.Roles, Role{Name: "Zz New", Privileges: []Privilege{Execute}})
	new.Users[5000].Roles = append(new.Users[5000].Roles, "Zz New")
	new.Environments[0].RolesWithAccess = append(new.Environments[0].RolesWithAccess, "Zz New")
	b.ResetTimer()
	for range b.N {
		Changes(old, new)
	}
}

// GrantsNothing: a role grants nothing when it ticks nothing and its
// parent, if any, grants nothing; the parent's grants come from the
// resolver (R5), through its whole chain.
func TestGrantsNothing(t *testing.T) {
	t.Parallel()
	a := Demo()
	a.Roles = append(a.Roles, Role{Name: "Empty"}, Role{Name: "Empty Child", Inherits: "Empty"})
	a.Normalize()
	res := NewResolver(a)
	tests := []struct {
		r    Role
		want bool
	}{
		{Role{}, true},
		{Role{Privileges: []Privilege{Execute}}, false},
		{Role{Inherits: Support}, false},
		{Role{Inherits: "Empty"}, true},
		{Role{Inherits: "Empty Child"}, true},
		{Role{Inherits: "Read Only Runtime Management"}, false}, // Support's grants, through the chain
		{Role{Inherits: "No Such Role"}, true},
	}
	for _, tt := range tests {
		if got := res.GrantsNothing(tt.r); got != tt.want {
			t.Errorf("GrantsNothing(%+v) = %v, want %v", tt.r, got, tt.want)
		}
	}
	if got := GrantsNothingWhy(Role{Inherits: "Empty"}); got != `no privilege is ticked and "Empty", which it inherits, grants none` {
		t.Errorf("why: %q", got)
	}
}

// A role renamed by the edits is said renamed, once: not removed and added,
// nor unassigned and assigned, nor unlisted and listed.
func TestWorkingChangesSaysRenamed(t *testing.T) {
	t.Parallel()
	w := NewWorking(Demo())
	w, _, err := w.Apply(RenameRole{Role: "Write and Read Environment", To: "Release Managers"})
	if err != nil {
		t.Fatal(err)
	}
	w, _, err = w.Apply(Tick{Role: "Release Managers", Privilege: Dashboard})
	if err != nil {
		t.Fatal(err)
	}
	got := w.Changes()
	want := []ChangeGroup{{Title: "Roles", Lines: []string{
		`role "Write and Read Environment" is renamed to "Release Managers"`,
		`role "Release Managers" now ticks Dashboard`,
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes\n%q\nwant\n%q", got, want)
	}
	// Without the edits, the two accounts alone say removed and added.
	plain := Changes(w.Base(), w.Account())
	if s := fmt.Sprint(plain); !strings.Contains(s, "is removed") || !strings.Contains(s, "is added") {
		t.Fatalf("Changes of the accounts alone: %q", plain)
	}
}
