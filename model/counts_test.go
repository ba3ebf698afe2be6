package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"rolecall/internal/testlong"
)

// countCanSeeSlow is what CountCanSee was before CountsCanSee: eval for
// every user in environment e. The tests compare with it; the benchmarks
// measure it.
func countCanSeeSlow(r *Resolver, e int) int {
	n := 0
	for u := range r.us() {
		if r.eval(u, e).visible {
			n++
		}
	}
	return n
}

func countsCanSeeSlow(r *Resolver) []int {
	out := make([]int, r.NumEnvironments())
	for e := range out {
		out[e] = countCanSeeSlow(r, e)
	}
	return out
}

// checkCounts compares CountsCanSee and CountCanSee with the slow path on
// one account.
func checkCounts(t *testing.T, a *Account, what string) {
	t.Helper()
	r := NewResolver(a)
	want := countsCanSeeSlow(r)
	got := r.CountsCanSee()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: CountsCanSee = %v, the slow path %v\n%s", what, got, want, describeAccount(a))
	}
	for e := range want {
		if n := r.CountCanSee(e); n != want[e] {
			t.Fatalf("%s: CountCanSee(%d) = %d, the slow path %d\n%s", what, e, n, want[e], describeAccount(a))
		}
	}
}

func TestCountsCanSeeTable(t *testing.T) {
	t.Parallel()
	roles := []Role{
		{Name: "Ops", Privileges: []Privilege{RuntimeManagement}},
		{Name: "Readers", Privileges: []Privilege{RuntimeManagementRead}},
		{Name: "Child", Inherits: "Ops"},                             // inherits a listed role (R13: does not count)
		{Name: "EM", Privileges: []Privilege{EnvironmentManagement}}, // no Runtime Management (R14)
		{Name: "EM RM", Privileges: []Privilege{EnvironmentManagement, RuntimeManagementRead}},
		{Name: "Builders", Privileges: []Privilege{BuildReadWrite}},
	}
	users := func(held ...[]string) []User {
		out := make([]User, len(held))
		for i, h := range held {
			out[i] = User{Email: fmt.Sprintf("u%d@example.com", i), Roles: h}
		}
		return out
	}
	env := func(name string, listed ...string) Environment {
		return Environment{Name: name, Classification: Test, RolesWithAccess: listed}
	}
	cases := []struct {
		name  string
		users []User
		envs  []Environment
		want  []int
	}{
		{"no environments", users([]string{"Ops"}), nil, []int{}},
		{"no users", nil, []Environment{env("Dev"), env("Prod", "Ops")}, []int{0, 0}},
		{"open: everyone who reaches Runtime Management (R12, R14)",
			users([]string{"Ops"}, []string{"Readers"}, []string{"Builders"}, nil, []string{"EM"}),
			[]Environment{env("Dev")}, []int{2}},
		{"restricted: listed roles by identity, not inherited ones (R13)",
			users([]string{"Ops"}, []string{"Child"}, []string{"Readers"}),
			[]Environment{env("Prod", "Ops")}, []int{1}},
		{"Environment Management sees every environment, with Runtime Management (R13, R14)",
			users([]string{"EM RM"}, []string{"EM", "Builders"}, []string{"EM", "Readers"}),
			[]Environment{env("Prod", "Ops"), env("Dev")}, []int{2, 2}},
		{"listed but unreachable (R14)",
			users([]string{"Builders"}),
			[]Environment{env("Prod", "Builders")}, []int{0}},
		{"reached through another role than the listed one",
			users([]string{"Builders", "Readers"}),
			[]Environment{env("Prod", "Builders"), env("QA", "Ops")}, []int{1, 0}},
		{"case differences and duplicates count once",
			users([]string{"OPS", "ops", "Ops"}, []string{"readers", "Readers"}),
			[]Environment{env("Prod", "ops", "READERS"), env("QA", "oPs")}, []int{2, 1}},
		{"names of no role are skipped; a list of only such names is open, as eval has it",
			users([]string{"Ghost", "Readers"}, []string{"Ghost"}),
			[]Environment{env("Prod", "Ghost"), env("QA", "Ghost", "Ops")}, []int{1, 0}},
		{"several environments",
			users([]string{"Ops"}, []string{"Readers"}, []string{"Ops", "Readers"}, []string{"EM RM"}, []string{"Child"}),
			[]Environment{env("A", "Ops"), env("B", "Readers"), env("C"), env("D", "Child", "Readers"), env("E", "Builders")},
			[]int{3, 3, 5, 4, 1}},
	}
	for _, c := range cases {
		for _, aea := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/aea=%v", c.name, aea), func(t *testing.T) {
				a := &Account{Name: "table", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: aea, Roles: roles, Users: c.users, Environments: c.envs}
				r := NewResolver(a)
				if got := r.CountsCanSee(); !slices.Equal(got, c.want) {
					t.Errorf("CountsCanSee = %v, want %v", got, c.want)
				}
				checkCounts(t, a, c.name)
			})
		}
	}
}

// TestCountsCanSeeFresh: the slice CountsCanSee returns is the caller's;
// changing it changes no later answer.
func TestCountsCanSeeFresh(t *testing.T) {
	t.Parallel()
	r := NewResolver(Synthetic(300, 60, 20, 5))
	want := countsCanSeeSlow(r)
	for range 2 {
		got := r.CountsCanSee()
		for e := range got {
			got[e] = -1
		}
		for e := range want {
			if n := r.CountCanSee(e); n != want[e] {
				t.Fatalf("CountCanSee(%d) = %d after the caller changed a slice, want %d", e, n, want[e])
			}
		}
	}
	if got := r.CountsCanSee(); !slices.Equal(got, want) {
		t.Fatalf("CountsCanSee = %v after the caller changed a slice, want %v", got, want)
	}
}

// TestCountCanSeeConcurrent: resolvers are shared between goroutines; the
// counts CountCanSee keeps must be safe to fill from several at once (run
// with -race).
func TestCountCanSeeConcurrent(t *testing.T) {
	t.Parallel()
	r := NewResolver(Synthetic(500, 80, 30, 7))
	want := countsCanSeeSlow(r)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range want {
				if n := r.CountCanSee(e); n != want[e] {
					errs <- fmt.Sprintf("CountCanSee(%d) = %d, want %d", e, n, want[e])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// TestCountsCanSeeDifferential compares CountsCanSee with the slow path on
// random valid accounts (gen_test.go), the same made messy, and small
// synthetic ones; on the valid accounts it compares with the oracle too.
//
// 60 accounts in go test ./... (3000 with ROLECALL_LONG_TESTS=1): each
// broken CountsCanSee or visibility tried failed by account 23.
func TestCountsCanSeeDifferential(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2024, 11))
	n := testlong.N(60, 3000)
	for i := range n {
		a := genAccount(randChooser{rng}, genOptions{exoticCase: i%4 == 3})
		what := fmt.Sprintf("account %d", i)
		checkCounts(t, a, what)
		if i%4 != 3 {
			checkCountsOracle(t, a, what)
		}
		messUp(rng, a)
		checkCounts(t, a, what+" made messy")
	}
	for seed := range int64(40) {
		a := Synthetic(50+rng.IntN(400), 5+rng.IntN(60), 1+rng.IntN(70), seed)
		what := fmt.Sprintf("synthetic seed %d", seed)
		if seed%2 == 1 {
			a.AdvancedEnvironmentAccess = false
		}
		checkCounts(t, a, what)
		messUp(rng, a)
		checkCounts(t, a, what+" made messy")
	}
}

// checkCountsOracle compares CountsCanSee with the oracle's visibility
// (oracle_test.go), which reads every environment's list as written.
func checkCountsOracle(t *testing.T, a *Account, what string) {
	t.Helper()
	o := newOracle(a)
	want := make([]int, len(a.Environments))
	for _, u := range a.Users {
		for e, ev := range o.user(u).envs {
			if ev.visible {
				want[e]++
			}
		}
	}
	if got := NewResolver(a).CountsCanSee(); !slices.Equal(got, want) {
		t.Fatalf("%s: CountsCanSee = %v, the oracle %v\n%s", what, got, want, describeAccount(a))
	}
}

// messUp changes a into what a hand-edited file may hold: names of no
// role in users' and environments' lists, duplicate and differently
// spelled roles, users with no roles, environments opened or restricted,
// the Advanced Environment Access switch flipped, sometimes an
// inheritance cycle. The account is no longer valid; the resolver skips
// what does not resolve, and both paths must skip it alike.
func messUp(rng *rand.Rand, a *Account) {
	var names []string
	for _, b := range builtins {
		names = append(names, b.Name)
	}
	for _, r := range a.Roles {
		names = append(names, r.Name)
	}
	names = append(names, "Ghost", "ghost role", "")
	respell := func(s string) string {
		switch rng.IntN(4) {
		case 0:
			return strings.ToUpper(s)
		case 1:
			return strings.ToLower(s)
		}
		return s
	}
	mess := func(list []string) []string {
		switch rng.IntN(6) {
		case 0:
			return nil
		case 1:
			list = append(list, respell(names[rng.IntN(len(names))]))
		case 2:
			if len(list) > 0 {
				list = append(list, respell(list[rng.IntN(len(list))]))
			}
		case 3:
			list = append(list, "Ghost")
		case 4:
			for i := range list {
				list[i] = respell(list[i])
			}
		}
		return list
	}
	for i := range a.Users {
		a.Users[i].Roles = mess(slices.Clone(a.Users[i].Roles))
	}
	for i := range a.Environments {
		if rng.IntN(8) == 0 {
			a.Environments[i].RolesWithAccess = []string{"Ghost"}
			continue
		}
		a.Environments[i].RolesWithAccess = mess(slices.Clone(a.Environments[i].RolesWithAccess))
	}
	if rng.IntN(2) == 0 {
		a.AdvancedEnvironmentAccess = !a.AdvancedEnvironmentAccess
	}
	if rng.IntN(4) == 0 {
		a.AdvancedUserSecurity = !a.AdvancedUserSecurity
	}
	if len(a.Roles) >= 2 && rng.IntN(6) == 0 {
		a.Roles = slices.Clone(a.Roles)
		a.Roles[0].Inherits = a.Roles[1].Name
		a.Roles[1].Inherits = strings.ToLower(a.Roles[0].Name)
	}
	if rng.IntN(6) == 0 {
		a.Users = append(a.Users, User{Email: "nobody@example.com"}, User{Email: "NOBODY@example.com", Roles: []string{"Ghost"}})
	}
}

// Benchmarks at the acceptance-style account: 1,000 custom roles, 200
// environments, 10,000 and 100,000 users. "fast" is CountsCanSee, "loop"
// what CountCanSee cost per environment before it (eval for every user and
// environment), which froze the Environments tab on its first visit.
var (
	countsBenchMu sync.Mutex
	countsBench   = map[int]*Resolver{}
)

func countsBenchResolver(users int) *Resolver {
	countsBenchMu.Lock()
	defer countsBenchMu.Unlock()
	if r, ok := countsBench[users]; ok {
		return r
	}
	r := NewResolver(Synthetic(users, 1000, 200, 1))
	countsBench[users] = r
	return r
}

var benchSinkCounts []int

func benchCountsCanSee(b *testing.B, users int) {
	if users > 10000 && testing.Short() {
		b.Skip("100k size skipped under -short")
	}
	r := countsBenchResolver(users)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			benchSinkCounts = r.CountsCanSee()
		}
	})
	b.Run("loop", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			benchSinkCounts = countsCanSeeSlow(r)
		}
	})
}

func BenchmarkCountsCanSee10k(b *testing.B)  { benchCountsCanSee(b, 10000) }
func BenchmarkCountsCanSee100k(b *testing.B) { benchCountsCanSee(b, 100000) }
