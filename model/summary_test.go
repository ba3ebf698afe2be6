package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// overviewAccount is a small account for the overview's table tests:
// Deployers deploy everywhere they have write access, Builders build.
func overviewAccount() *Account {
	a := &Account{
		Name:                      "Overview",
		AdvancedUserSecurity:      true,
		AdvancedEnvironmentAccess: true,
		Roles: []Role{
			{Name: "Builders", Privileges: []Privilege{BuildReadWrite}},
			{Name: "Deployers", Privileges: []Privilege{PackagedComponentDeployment, RuntimeManagement}},
			{Name: "Watchers", Privileges: []Privilege{RuntimeManagementRead}},
		},
		Users: []User{
			{Email: "ana@x.com", Roles: []string{"Builders"}},
			{Email: "bo@y.com", Roles: []string{"Builders"}},
			{Email: "cy@z.com", Roles: []string{"Watchers"}},
		},
		Environments: []Environment{
			{Name: "Production", Classification: Production, RolesWithAccess: []string{"Deployers"}},
			{Name: "Test", Classification: Test},
		},
	}
	a.Normalize()
	return a
}

// overviewLines is the overview of the change edit makes to
// overviewAccount, each line as sign, space, Sentence(-1).
func overviewLines(t *testing.T, edit func(a *Account)) (Overview, []string) {
	t.Helper()
	old := overviewAccount()
	nw := old.Clone()
	edit(nw)
	nw.Normalize()
	if ps := Validate(nw); ps.HasErrors() {
		t.Fatalf("the edited account has errors: %v", ps)
	}
	d := Compare(NewResolver(old), NewResolver(nw))
	o := d.Overview()
	var lines []string
	for _, l := range o.Lines {
		lines = append(lines, l.Sign+" "+l.Sentence(-1))
	}
	return o, lines
}

func TestOverviewLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(a *Account)
		want []string // lines that must be there, in this order
		not  []string // lines that must not
	}{
		{
			name: "two users gain the same privileges on one line",
			edit: func(a *Account) {
				a.Roles[0].Privileges = append(a.Roles[0].Privileges, ViewData, Execute)
			},
			want: []string{"+ 2 users gain Execute and View Data: ana@x.com, bo@y.com"},
		},
		{
			name: "one user loses, singular verb",
			edit: func(a *Account) { a.Users[2].Roles = []string{"Builders"} },
			want: []string{
				"- 1 user loses Runtime Management Read Access: cy@z.com",
				"- 1 user no longer sees Test: cy@z.com",
			},
		},
		{
			name: "deploy rights are said for an environment coming into view",
			edit: func(a *Account) {
				a.Users[0].Roles = []string{"Builders", "Deployers"}
				a.Users[1].Roles = []string{"Builders", "Deployers"}
			},
			want: []string{
				"+ 2 users gain Packaged Component Deployment, Runtime Management and Runtime Management Read Access: ana@x.com, bo@y.com",
				"+ 2 users now see Production and Test: ana@x.com, bo@y.com",
				"+ 2 users can now deploy to Production and Test: ana@x.com, bo@y.com",
			},
		},
		{
			name: "environment opens, users added and removed",
			edit: func(a *Account) {
				a.Environments[0].RolesWithAccess = nil
				a.Users = append(a.Users[:1], User{Email: "dee@x.com", Roles: []string{"Watchers"}})
			},
			want: []string{
				"+ Production becomes open to every role (R12)",
				"- 2 users are removed: bo@y.com, cy@z.com",
				"+ 1 user is added: dee@x.com",
			},
		},
		{
			name: "account switch and a new environment",
			edit: func(a *Account) {
				a.AdvancedEnvironmentAccess = false
				a.Environments = append(a.Environments, Environment{Name: "Staging", Classification: Test, RolesWithAccess: []string{"Watchers"}})
			},
			want: []string{
				"~ Advanced Environment Access turns off",
				"+ environment Staging is added, restricted to Watchers (R13)",
				"+ 1 user now sees Staging: cy@z.com",
			},
		},
		{
			name: "a role unlisted",
			edit: func(a *Account) {
				a.Environments[1].RolesWithAccess = []string{"Deployers"}
			},
			want: []string{"- Test becomes restricted to Deployers (R13)", "- 1 user no longer sees Test: cy@z.com"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, lines := overviewLines(t, tc.edit)
			at := -1
			for _, w := range tc.want {
				i := slices.Index(lines, w)
				if i < 0 {
					t.Fatalf("no line %q in\n%s", w, strings.Join(lines, "\n"))
				}
				if i < at {
					t.Errorf("line %q comes before the line before it in want:\n%s", w, strings.Join(lines, "\n"))
				}
				at = i
			}
			for _, n := range tc.not {
				if slices.Contains(lines, n) {
					t.Errorf("unexpected line %q", n)
				}
			}
		})
	}
}

// Every change of every user is on a line that names that user, and the
// lines are in kind order (account, environments, membership, gains,
// losses), the largest first within a kind.
func TestOverviewSaysEverything(t *testing.T) {
	t.Parallel()
	for seed := range int64(4) {
		old := Synthetic(300, 30, 4, seed)
		nw := Synthetic(300, 30, 4, seed+100)
		d := Compare(NewResolver(old), NewResolver(nw))
		o := d.Overview()
		users := map[string]int{} // user -> lines naming them
		for i, l := range o.Lines {
			for _, u := range l.Users {
				users[u]++
			}
			if i > 0 {
				p := o.Lines[i-1]
				if ki, kp := slices.Index(overviewOrder, l.Kind), slices.Index(overviewOrder, p.Kind); ki < kp || ki == kp && len(l.Users) > len(p.Users) {
					t.Errorf("seed %d: line %d %q out of order after %q", seed, i, l.Title(), p.Title())
				}
			}
		}
		for _, ud := range d.Users {
			if users[ud.User] == 0 {
				t.Errorf("seed %d: %s changes (%+v) but no line names them", seed, ud.User, ud)
			}
		}
		if o.Users != len(d.Users) {
			t.Errorf("seed %d: Users %d, want %d", seed, o.Users, len(d.Users))
		}
	}
}

// Sentence shortens a long list and says how many it left out; Title has
// no users at all.
func TestOverviewSentenceShortens(t *testing.T) {
	t.Parallel()
	l := OverviewLine{Kind: OverviewGain, Sign: "+", Verb: "can now deploy to", What: []string{"Production"}}
	for i := range 25 {
		l.Users = append(l.Users, fmt.Sprintf("u%02d@x.com", i))
	}
	for _, tc := range []struct {
		max  int
		want string
	}{
		{3, "25 users can now deploy to Production: u00@x.com, u01@x.com, u02@x.com and 22 more"},
		{-1, "25 users can now deploy to Production: " + strings.Join(l.Users, ", ")},
		{25, "25 users can now deploy to Production: " + strings.Join(l.Users, ", ")},
	} {
		if got := l.Sentence(tc.max); got != tc.want {
			t.Errorf("Sentence(%d) = %q, want %q", tc.max, got, tc.want)
		}
	}
	if got := l.Title(); got != "25 users can now deploy to Production" {
		t.Errorf("Title = %q", got)
	}
	one := OverviewLine{Sign: "-", Verb: "lose", What: []string{"Build Read and Write Access", "Execute"}, Users: []string{"a@x"}}
	if got := one.Sentence(-1); got != `1 user loses "Build Read and Write Access" and Execute: a@x` {
		t.Errorf("singular: %q", got)
	}
}

// BenchmarkOverview10k groups the diff of two 10,000-user accounts in
// which most users change.
func BenchmarkOverview10k(b *testing.B) {
	d := Compare(NewResolver(Synthetic(10000, 200, 20, 1)), NewResolver(Synthetic(10000, 200, 20, 2)))
	b.ResetTimer()
	for b.Loop() {
		if o := d.Overview(); len(o.Lines) == 0 {
			b.Fatal("no line")
		}
	}
}
