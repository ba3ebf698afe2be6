package model

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The review holds, for every user, exactly the resolver's answers: the
// grants of Grants and the views of EnvView for the environments the user
// sees, whether the user's answers were asked for or shared with another
// user holding the same roles.
func TestReviewIsTheResolversAnswers(t *testing.T) {
	t.Parallel()
	accts := map[string]*Account{
		"demo":      Demo(),
		"synthetic": Synthetic(300, 40, 12, 7),
		"messy":     Messy(200, 40, 10, 3, MessyOptions{}),
		// Few roles: most users share their set of roles with others.
		"shared": Synthetic(400, 4, 9, 11),
	}
	for name, a := range accts {
		t.Run(name, func(t *testing.T) {
			r := NewResolver(a)
			for _, env := range []int{ReviewAll, len(a.Environments) - 1} {
				rv := NewReview(r, env)
				users := reviewUsers(t, rv, ReviewGrants|ReviewEnvs)
				if len(users) != len(a.Users) || rv.Users() != len(a.Users) {
					t.Fatalf("%d users in the review (Users %d), %d in the account", len(users), rv.Users(), len(a.Users))
				}
				envs := []int{env}
				if env == ReviewAll {
					envs = envs[:0]
					for e := range a.Environments {
						envs = append(envs, e)
					}
				}
				if len(rv.Environments) != len(envs) {
					t.Fatalf("env %d: %d environments covered, want %d", env, len(rv.Environments), len(envs))
				}
				holders := make([]int, len(rv.Privileges))
				seeing := make([]int, len(envs))
				for u := range a.Users {
					ru := &users[u]
					if ru.Email != a.Users[u].Email || !slices.Equal(ru.Roles, r.HeldRoles(u)) {
						t.Fatalf("user %d: %s %v, want %s %v", u, ru.Email, ru.Roles, a.Users[u].Email, r.HeldRoles(u))
					}
					if want := r.Grants(u); !reflect.DeepEqual(ru.Grants, want) {
						t.Fatalf("%s: grants\n%v\nwant\n%v", ru.Email, ru.Grants, want)
					}
					var want []ReviewEnvView
					for i, e := range envs {
						if v := r.EnvView(u, e); v.Visible {
							want = append(want, ReviewEnvView{Env: i, EnvView: v})
							seeing[i]++
						}
					}
					if !reflect.DeepEqual(ru.Envs, want) {
						t.Fatalf("%s: environments\n%+v\nwant\n%+v", ru.Email, ru.Envs, want)
					}
					for _, g := range ru.Grants {
						holders[g.Privilege-1]++
						if got, ok := grantOf(ru, g.Privilege); !ok || got.Privilege != g.Privilege {
							t.Fatalf("%s: Grant(%s) = %v, %v", ru.Email, g.Privilege, got, ok)
						}
					}
					for _, p := range AllPrivileges() {
						_, ok := grantOf(ru, p)
						if ok != r.Privileges(u).Has(p) {
							t.Fatalf("%s: Grant(%s) says held %v", ru.Email, p, ok)
						}
					}
				}
				if !slices.Equal(rv.Holders, holders) {
					t.Errorf("holders %v, want %v", rv.Holders, holders)
				}
				for i, e := range envs {
					if rv.Environments[i].Seeing != seeing[i] {
						t.Errorf("%s: %d users see it, want %d", rv.Environments[i].Name, rv.Environments[i].Seeing, seeing[i])
					}
					// EachSeer: the users who see it, in account order,
					// each with the view EnvView gives.
					var got []int
					err := rv.EachSeer(i, func(u int, v *EnvView) error {
						got = append(got, u)
						if want := r.EnvView(u, e); !reflect.DeepEqual(*v, want) {
							t.Fatalf("%s in %s: view\n%+v\nwant\n%+v", a.Users[u].Email, v.Environment, *v, want)
						}
						return nil
					})
					if err != nil || len(got) != seeing[i] || !slices.IsSorted(got) {
						t.Errorf("%s: EachSeer gave %d users (sorted: %v, error %v), want the %d who see it", rv.Environments[i].Name, len(got), slices.IsSorted(got), err, seeing[i])
					}
				}
			}
		})
	}
}

func TestReviewDemo(t *testing.T) {
	t.Parallel()
	a := Demo()
	r := NewResolver(a)
	prod := r.Environment("production")
	rv := NewReview(r, prod)
	if len(rv.Privileges) != len(AllPrivileges()) {
		t.Errorf("%d privilege columns, want the whole catalog (%d)", len(rv.Privileges), len(AllPrivileges()))
	}
	if len(rv.Environments) != 1 || rv.Environments[0].Name != "Production" || rv.Environments[0].Classification != Production {
		t.Fatalf("environments %+v, want Production alone", rv.Environments)
	}
	users := reviewUsers(t, rv, ReviewGrants|ReviewEnvs)
	user := func(email string) *ReviewUser {
		for i := range users {
			if users[i].Email == email {
				return &users[i]
			}
		}
		t.Fatalf("no %s in the review", email)
		return nil
	}
	for _, tc := range []struct {
		user        string
		priv        Privilege
		held        bool
		from        string
		env         bool // sees Production
		access      Access
		deploy      bool
		reasonHolds string
	}{
		{user: "ada@example.com", priv: UserManagement, held: true, from: "Administrator", env: true, access: AccessWrite, deploy: true, reasonHolds: "Environment Management"},
		{user: "dana@example.com", priv: ViewResults, held: true, from: "Cannot View Data"},
		{user: "dana@example.com", priv: ViewData},
		{user: "wren@example.com", priv: ViewData, held: true, from: "Write and Read Environment (via Support)", env: true, access: AccessWrite, deploy: true, reasonHolds: "listed here"},
		{user: "kai@example.com", priv: BuildRead, held: true, from: "Standard User", env: false},
		{user: "pat@example.com", priv: PackagedComponentDeployment, held: true, from: "Production Support", env: true, access: AccessRead, deploy: true, reasonHolds: "Production Support"},
	} {
		t.Run(fmt.Sprintf("%s/%s", tc.user, tc.priv), func(t *testing.T) {
			u := user(tc.user)
			g, ok := grantOf(u, tc.priv)
			if ok != tc.held {
				t.Fatalf("held %v, want %v", ok, tc.held)
			}
			if ok && g.From() != tc.from {
				t.Errorf("from %q, want %q", g.From(), tc.from)
			}
			if got := len(u.Envs) == 1; got != tc.env {
				t.Fatalf("sees Production: %v, want %v (%+v)", got, tc.env, u.Envs)
			}
			if !tc.env {
				return
			}
			v := u.Envs[0]
			if v.Access != tc.access || v.Deploy != tc.deploy || !strings.Contains(v.Reason, tc.reasonHolds) || v.DeployReason == "" {
				t.Errorf("Production: access %s deploy %v reason %q (deploy: %q); want %s, %v, a reason with %q",
					v.Access, v.Deploy, v.Reason, v.DeployReason, tc.access, tc.deploy, tc.reasonHolds)
			}
		})
	}
	// Production lists Production Support and Write and Read Environment:
	// Ada (Environment Management), Pat and Wren see it.
	if got := rv.Environments[0].Seeing; got != 3 {
		t.Errorf("%d users see Production, want 3", got)
	}
}

func TestReviewRoles(t *testing.T) {
	t.Parallel()
	a := &Account{
		Name:                 "Roles",
		AdvancedUserSecurity: true,
		Roles: []Role{
			{Name: "Ops", Description: "runs things", Inherits: "Base", Privileges: []Privilege{Scheduling}},
			{Name: "Base", Inherits: Support, Privileges: []Privilege{RuntimeManagementRead}},
			{Name: "Nobody", Privileges: []Privilege{ViewAuditLogs}},
		},
		Users: []User{
			{Email: "a@x.io", Roles: []string{"ops"}},
			{Email: "b@x.io", Roles: []string{"Ops", "Base"}},
			{Email: "c@x.io", Roles: []string{StandardUser}},
		},
		Environments: []Environment{{Name: "Prod", Classification: Production, RolesWithAccess: []string{"Base", "Nobody"}}},
	}
	a.Normalize()
	rv := NewReview(NewResolver(a), ReviewAll)
	got := map[string]ReviewRole{}
	var order []string
	for _, ro := range rv.Roles {
		got[ro.Name] = ro
		order = append(order, ro.Name)
	}
	// Custom roles first (account order), then the built-in roles held or
	// inherited; Administrator and Production Support are neither.
	var custom []string
	for _, ro := range a.Roles {
		custom = append(custom, ro.Name)
	}
	if want := append(custom, StandardUser, Support); !slices.Equal(order, want) {
		t.Fatalf("roles %v, want %v", order, want)
	}
	for _, tc := range []struct {
		name      string
		chain     []string
		ticks     []Privilege
		inherited []Privilege
		holders   int
		listed    []string
		builtin   bool
	}{
		{name: "Ops", chain: []string{"Ops", "Base", Support}, ticks: []Privilege{Scheduling},
			inherited: SetOf(RuntimeManagementRead, BoomiAssure, Developer, Execute, Licensing, ViewData, ViewResults).List(), holders: 2},
		{name: "Base", chain: []string{"Base", Support}, ticks: []Privilege{RuntimeManagementRead},
			inherited: SetOf(BoomiAssure, Developer, Execute, Licensing, ViewData, ViewResults).List(), holders: 1, listed: []string{"Prod"}},
		{name: "Nobody", chain: []string{"Nobody"}, ticks: []Privilege{ViewAuditLogs}, listed: []string{"Prod"}},
		{name: Support, chain: []string{Support}, ticks: SetOf(BoomiAssure, Developer, Execute, Licensing, ViewData, ViewResults).List(), builtin: true},
	} {
		ro := got[tc.name]
		if !slices.Equal(ro.Chain, tc.chain) || !slices.Equal(ro.Ticks, tc.ticks) || !slices.Equal(ro.Inherited, tc.inherited) ||
			ro.Holders != tc.holders || !slices.Equal(ro.ListedIn, tc.listed) || ro.BuiltIn != tc.builtin {
			t.Errorf("%s: %+v\nwant chain %v ticks %v inherited %v holders %d listed %v builtin %v",
				tc.name, ro, tc.chain, tc.ticks, tc.inherited, tc.holders, tc.listed, tc.builtin)
		}
	}
	if got["Ops"].Description != "runs things" {
		t.Errorf("Ops's description %q", got["Ops"].Description)
	}
}

// BenchmarkReview assembles the whole review (every user, every
// environment) of the 10,000-user accounts, each user's entry formed as
// the CSV report asks for it; budget: the whole report command in <= 2 s.
func BenchmarkReview(b *testing.B) {
	run := func(b *testing.B, f *benchFixture) {
		b.ReportAllocs()
		for b.Loop() {
			// A fresh resolver each time: a report is a one-off command.
			rv := NewReview(NewResolver(f.acct), ReviewAll)
			err := rv.EachUser(ReviewGrants|ReviewEnvs, func(int, *ReviewUser) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, sz := range benchSizes {
		if sz.name != "10k" {
			continue
		}
		b.Run("synthetic/"+sz.name, func(b *testing.B) { run(b, benchFixtureFor(b, sz)) })
		b.Run("messy/"+sz.name, func(b *testing.B) { run(b, benchMessyFixture(sz, false)) })
	}
}

// grantOf is the user's grant of p (their grants are in catalog order),
// and whether they hold it.
func grantOf(u *ReviewUser, p Privilege) (Grant, bool) {
	i, ok := slices.BinarySearchFunc(u.Grants, p, func(g Grant, p Privilege) int { return int(g.Privilege) - int(p) })
	if !ok {
		return Grant{}, false
	}
	return u.Grants[i], true
}

// reviewUsers is every user's entry, as EachUser gives them.
func reviewUsers(t *testing.T, rv *Review, parts ReviewPart) []ReviewUser {
	t.Helper()
	var out []ReviewUser
	err := rv.EachUser(parts, func(u int, ru *ReviewUser) error {
		if u != len(out) {
			t.Fatalf("EachUser gave user %d after %d users", u, len(out))
		}
		out = append(out, *ru)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// inOrder gives every value in order, each formed once, never more than
// a few batches ahead of the caller (what bounds a report's memory), and
// once use fails, returns only when nothing is being formed.
func TestInOrder(t *testing.T) {
	t.Parallel()
	errStop := errors.New("stop")
	workers := runtime.GOMAXPROCS(0)
	for _, tc := range []struct{ n, batch, stopAt int }{
		{0, 64, -1}, {1, 64, -1}, {63, 64, -1}, {64, 64, -1}, {65, 64, -1},
		{700, 1, -1}, {700, 7, -1}, {700, 64, -1}, {3000, 512, -1},
		{700, 1, 0}, {700, 7, 300}, {700, 64, 699}, {3000, 64, 1000},
	} {
		t.Run(fmt.Sprintf("n=%d,batch=%d,stop=%d", tc.n, tc.batch, tc.stopAt), func(t *testing.T) {
			t.Parallel()
			formed := make([]atomic.Int32, tc.n)
			var total, slow atomic.Int64
			ahead := int64((2*workers + 1) * tc.batch)
			next := 0
			err := inOrder(tc.n, tc.batch, func(i int, v *int) {
				if *v != 0 {
					t.Errorf("form %d got %d, not a zero value", i, *v)
				}
				if tc.stopAt >= 0 && i > tc.stopAt && slow.Add(1) <= 4 {
					// Forming past where use stops is slow, so under way
					// when it stops: inOrder must wait for it to end.
					time.Sleep(2 * time.Millisecond)
				}
				formed[i].Add(1)
				total.Add(1)
				*v = 3*i + 1
			}, func(i int, v *int) error {
				if i == 0 && tc.stopAt < 0 {
					// The caller is slow to start: forming must wait for it.
					time.Sleep(5 * time.Millisecond)
				}
				if i != next || *v != 3*i+1 {
					t.Fatalf("use(%d, %d) after %d uses, want use(%d, %d)", i, *v, next, next, 3*next+1)
				}
				next++
				if f := total.Load(); f > int64(i+1)+ahead {
					t.Fatalf("at use %d, %d formed: more than %d ahead", i, f, ahead)
				}
				if i == tc.stopAt {
					return errStop
				}
				return nil
			})
			want := tc.n
			if tc.stopAt >= 0 {
				want = tc.stopAt + 1
				if !errors.Is(err, errStop) {
					t.Fatalf("returned %v, want use's error", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if next != want {
				t.Errorf("%d uses, want %d", next, want)
			}
			done := total.Load()
			time.Sleep(10 * time.Millisecond)
			if total.Load() != done {
				t.Errorf("%d values formed after inOrder returned", total.Load()-done)
			}
			for i := range formed {
				if c := formed[i].Load(); c > 1 || i < want && c != 1 {
					t.Fatalf("value %d formed %d times", i, c)
				}
			}
		})
	}
}

// sharing hands a rep's answers to each later user holding the same
// roles, and keeps them only until the last of those users.
func TestSharingKeepsUntilLast(t *testing.T) {
	t.Parallel()
	rv := &Review{
		rep:   []int32{0, 1, 0, 1, 4, 0, 6},
		later: []int32{2, 1, 0, 0, 0, 0, 0},
	}
	s := sharing[string]{rv: rv}
	kept := []int{1, 2, 2, 1, 1, 0, 0} // answers kept after each user
	for u := range rv.rep {
		v := ""
		if int(rv.rep[u]) == u {
			v = fmt.Sprint("answers of ", u)
		}
		s.pass(u, &v)
		if want := fmt.Sprint("answers of ", rv.rep[u]); v != want {
			t.Errorf("user %d got %q, want %q", u, v, want)
		}
		if len(s.kept) != kept[u] {
			t.Errorf("after user %d, %d answers kept, want %d", u, len(s.kept), kept[u])
		}
	}
}

// EachUser forms only the parts asked for, and stops at fn's error.
func TestEachUserParts(t *testing.T) {
	t.Parallel()
	a := Synthetic(300, 30, 8, 5)
	rv := NewReview(NewResolver(a), ReviewAll)
	for _, parts := range []ReviewPart{0, ReviewGrants, ReviewEnvs, ReviewGrants | ReviewEnvs} {
		grants, envs := 0, 0
		for _, ru := range reviewUsers(t, rv, parts) {
			grants += len(ru.Grants)
			envs += len(ru.Envs)
		}
		if (grants > 0) != (parts&ReviewGrants != 0) || (envs > 0) != (parts&ReviewEnvs != 0) {
			t.Errorf("parts %b: %d grants and %d environments formed", parts, grants, envs)
		}
	}
	errStop := errors.New("stop")
	calls := 0
	err := rv.EachUser(ReviewGrants, func(u int, _ *ReviewUser) error {
		calls++
		if u == 100 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) || calls != 101 {
		t.Errorf("EachUser returned %v after %d calls, want the error after 101", err, calls)
	}
	calls = 0
	err = rv.EachSeer(0, func(int, *EnvView) error { calls++; return errStop })
	if !errors.Is(err, errStop) || calls != 1 {
		t.Errorf("EachSeer returned %v after %d calls, want the error after 1", err, calls)
	}
}

// Users holding the same roles share one answer, kept until the last of
// them; no more than reviewKeep answers are kept at once: a set of roles
// that comes back only later is asked about again. Either way each user
// gets the resolver's answers.
func TestReviewKeepsFewAnswers(t *testing.T) {
	old := reviewKeep
	defer func() { reviewKeep = old }()
	reviewKeep = 3
	// Every user twice, the copies half an account apart: the sets of
	// roles come back after 150 others.
	a := Synthetic(150, 40, 6, 9)
	for _, u := range slices.Clone(a.Users) {
		u.Email = "copy." + u.Email
		a.Users = append(a.Users, u)
	}
	r := NewResolver(a)
	rv := NewReview(r, ReviewAll)
	open, shared, again := map[int32]bool{}, 0, 0
	lastOf := map[int32]int{}
	for u := range rv.rep {
		lastOf[rv.rep[u]] = u
	}
	for u := range rv.rep {
		f := rv.rep[u]
		if int(f) != u {
			shared++
		} else if u >= 150 {
			again++
		}
		if rv.later[f] > 0 {
			open[f] = true
		}
		if len(open) > reviewKeep {
			t.Fatalf("at user %d, %d answers kept: more than %d", u, len(open), reviewKeep)
		}
		if lastOf[f] == u {
			delete(open, f)
		}
	}
	if shared == 0 || again == 0 {
		t.Errorf("%d users shared an answer and %d were asked about again: want some of each", shared, again)
	}
	users := reviewUsers(t, rv, ReviewGrants|ReviewEnvs)
	for u := range a.Users {
		var want []ReviewEnvView
		for e := range a.Environments {
			if v := r.EnvView(u, e); v.Visible {
				want = append(want, ReviewEnvView{Env: e, EnvView: v})
			}
		}
		if !reflect.DeepEqual(users[u].Grants, r.Grants(u)) || !reflect.DeepEqual(users[u].Envs, want) {
			t.Fatalf("%s: not the resolver's answers", a.Users[u].Email)
		}
	}
}
