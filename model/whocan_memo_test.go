package model

// Differential tests of WhoCan's memos (setMemo, knownHolders) and of its
// scan of an environment's holders (appendHoldersIn) against a
// straightforward computation: every user, Check by the full evaluation,
// sources found afresh for each holder as they were before any memo.

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"rolecall/internal/testlong"
)

// whoCanReference is WhoCan computed the plain way: each user in account
// order, held where eval (the full evaluation) says so, with the sources
// of the roles that count there found afresh (plainCoveredSources) and the
// groups that give them (groupSources).
func whoCanReference(r *Resolver, p Privilege, e int) []Holder {
	// Each role's chain walked once per question (roleSources).
	walked := map[[2]int32][]Source{}
	roleSources := func(h int32, q Privilege) []Source {
		k := [2]int32{h, int32(q)}
		srcs, ok := walked[k]
		if !ok {
			srcs = r.roleSources(h, q)
			walked[k] = srcs
		}
		return srcs
	}
	var out []Holder
	for u := range r.us() {
		us := &r.us()[u]
		var direct, all []int32
		if e < 0 {
			if !us.eff.Has(p) {
				continue
			}
			direct, all = us.roles, us.roles
		} else {
			ev := r.eval(u, e)
			if !ev.visible || !ev.privs.Has(p) {
				continue
			}
			var perEnv []int32
			all, perEnv = r.countingRoles(u, e, &ev)
			direct = directRoles(p, all, perEnv)
		}
		h := Holder{User: us.email}
		var implied Privilege
		h.Sources, implied = plainCoveredSources(roleSources, direct, all, p)
		h.Sources = r.groupSources(u, h.Sources)
		if implied != 0 {
			h.ImpliedBy = implied.String()
		}
		out = append(out, h)
	}
	return out
}

// plainCoveredSources is what coveredSources gives (R11, R4), found
// role by role with roleSources (Resolver.roleSources, which walks each
// chain, and gives a shared role the primary's sources), copied into a
// slice of their own: the sources of p through direct,
// then those of each privilege covering p, in catalog order, through all,
// marked with it, unless the same role and chain give p itself.
func plainCoveredSources(roleSources func(int32, Privilege) []Source, direct, all []int32, p Privilege) (srcs []Source, implied Privilege) {
	for _, h := range direct {
		srcs = append(srcs, roleSources(h, p)...)
	}
	ndirect := len(srcs)
	for _, sup := range AllPrivileges() {
		if !slices.Contains(Covers[sup], p) {
			continue
		}
		for _, h := range all {
			for _, s := range roleSources(h, sup) {
				if implied == 0 && ndirect == 0 {
					implied = sup
				}
				if slices.ContainsFunc(srcs[:ndirect], func(d Source) bool { return d.Role == s.Role && slices.Equal(d.Via, s.Via) }) {
					continue
				}
				s.ImpliedBy, s.decided = sup.String(), false
				srcs = append(srcs, s)
			}
		}
	}
	return srcs, implied
}

// withDangling returns a copy of a in which some users and environments
// also name roles that do not exist, as a hand-edited file may: one user
// in 40 (one in 160 holding nothing else), one environment in 5, and one
// environment that lists nothing else (which is then open).
func withDangling(a *Account) *Account {
	c := a.Clone()
	for i := range c.Users {
		switch {
		case i%160 == 3:
			c.Users[i].Roles = []string{"Deleted In Boomi"}
		case i%40 == 7:
			c.Users[i].Roles = append(slices.Clip(c.Users[i].Roles), fmt.Sprintf("Typo Role %d", i%3))
		}
	}
	for i := range c.Environments {
		switch {
		case i == 1:
			c.Environments[i].RolesWithAccess = []string{"No Such Role"}
		case i%5 == 2:
			c.Environments[i].RolesWithAccess = append(slices.Clip(c.Environments[i].RolesWithAccess), "Gone Role")
		}
	}
	return c
}

// whoCanMemoAccounts: Messy with and without dangling names, Synthetic
// with them, at Boomi's largest size under ROLECALL_LONG_TESTS=1.
func whoCanMemoAccounts(t *testing.T) map[string]*Account {
	t.Helper()
	fast := fastAccounts(t)
	users, roles, envs := testlong.N(1000, 10000), testlong.N(100, 1000), testlong.N(20, 200)
	return map[string]*Account{
		"messy":              fast["messy"],
		"messy-dangling":     fast["messy-dangling"],
		"synthetic-dangling": withDangling(Synthetic(users, roles, envs, 3)),
	}
}

// whoCanQuestions returns privileges of every kind with the account-wide
// question and environments of every kind (open, restricted, listing dangling names
// only), in an order that asks some privileges in environments before
// account-wide and others after.
func whoCanQuestions(r *Resolver, rng *rand.Rand) [][2]int {
	envs := []int{-1}
	for e := 0; e < r.NumEnvironments(); e += max(1, r.NumEnvironments()/testlong.N(4, 3)) {
		envs = append(envs, e)
	}
	if r.NumEnvironments() > 1 {
		envs = append(envs, 1)
	}
	// Quick: the privileges of every kind (per-environment, covered,
	// covering, commonly and rarely held); long: all.
	privs := []Privilege{EnvironmentRead, EnvironmentFull, EnvironmentManagement, BuildRead, BuildReadWrite,
		RuntimeManagementRead, RuntimeManagement, ViewResults, Execute, PackagedComponentDeployment, APIAccess, AccountAdministration}
	if testlong.Enabled() {
		privs = AllPrivileges()
	}
	var qs [][2]int
	for _, p := range privs {
		for _, e := range envs {
			qs = append(qs, [2]int{int(p), e})
		}
	}
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
}

// The same answers, holder by holder, as the plain computation: on the
// first question about a privilege (nothing kept), the second (keeping
// the sets found and every user's account-wide sources), and later ones
// (answered from them), in environments before and after account-wide.
func TestWhoCanMemoSameAsReference(t *testing.T) {
	t.Parallel()
	for name, a := range whoCanMemoAccounts(t) {
		r := NewResolver(a)
		rng := rand.New(rand.NewPCG(5, 5))
		qs := whoCanQuestions(r, rng)
		want := map[[2]int][]Holder{}
		for round := range 3 {
			for _, q := range qs {
				p, e := Privilege(q[0]), q[1]
				w, ok := want[q]
				if !ok {
					w = whoCanReference(r, p, e)
					want[q] = w
				}
				if got := r.WhoCan(p, e); !sameHolders(got, w) {
					t.Fatalf("%s, round %d: WhoCan(%s, %d) differs from the plain computation:\n%s", name, round, p, e, firstDiff(got, w))
				}
			}
			rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
		}
		// The memos were used: the test would pass on the old code without.
		known, sets := 0, 0
		for p := range r.known {
			if r.known[p].Load() != nil {
				known++
			}
			if ps := r.srcs.of[p].Load(); ps != nil {
				sets += len(ps.sets.sets)
			}
		}
		if known < 8 || sets < 100 {
			t.Errorf("%s: %d privileges' holders and %d sets kept, want at least 8 and 100", name, known, sets)
		}
	}
}

// A resolver sharing another's roles (and so its sets) but not its users
// answers for its own users: other users, other roles held, another order.
func TestWhoCanMemoSharedRoles(t *testing.T) {
	t.Parallel()
	for name, a := range whoCanMemoAccounts(t) {
		old := NewResolver(a)
		for _, p := range []Privilege{ViewResults, Execute, BuildRead, RuntimeManagementRead, EnvironmentRead} {
			for range 2 {
				old.WhoCan(p, -1)
				old.WhoCan(p, 0)
			}
		}
		b := a.Clone()
		rng := rand.New(rand.NewPCG(9, 9))
		rng.Shuffle(len(b.Users), func(i, j int) { b.Users[i], b.Users[j] = b.Users[j], b.Users[i] })
		b.Users = b.Users[:len(b.Users)*3/4]
		for i := 0; i < len(b.Users); i += 5 {
			// Another role, from another user: a set the old users may not hold.
			b.Users[i].Roles = append(slices.Clip(b.Users[i].Roles), b.Users[(i*7+1)%len(b.Users)].Roles...)
		}
		r := newResolverFrom(b, false, old, secRoles|secEnvs, nil)
		if r.srcs != old.srcs {
			t.Fatalf("%s: the new resolver does not share the old one's sources", name)
		}
		for _, p := range []Privilege{ViewResults, Execute, BuildRead, RuntimeManagementRead, EnvironmentRead} {
			for _, e := range []int{-1, 0, -1, 0, 1, 2} {
				if e >= r.NumEnvironments() {
					continue
				}
				if got, w := r.WhoCan(p, e), whoCanReference(r, p, e); !sameHolders(got, w) {
					t.Fatalf("%s: WhoCan(%s, %d) on a resolver sharing the roles:\n%s", name, p, e, firstDiff(got, w))
				}
			}
		}
	}
}

// When the sourceCache may keep little or nothing, the answers are the
// same: what is not kept is found again.
func TestWhoCanMemoLimit(t *testing.T) {
	t.Parallel()
	a := whoCanMemoAccounts(t)["messy-dangling"]
	want := map[[2]int][]Holder{} // the same account: the same answers
	for _, limit := range []int64{1, 20 << 10, 200 << 10} {
		r := NewResolver(a)
		r.srcs.limit = limit
		rng := rand.New(rand.NewPCG(1, 1)) // the same questions for each limit
		qs := whoCanQuestions(r, rng)
		for round := range 2 {
			for _, q := range qs[:len(qs)/4] {
				p, e := Privilege(q[0]), q[1]
				w, ok := want[q]
				if !ok {
					w = whoCanReference(r, p, e)
					want[q] = w
				}
				if got := r.WhoCan(p, e); !sameHolders(got, w) {
					t.Fatalf("limit %d, round %d: WhoCan(%s, %d):\n%s", limit, round, p, e, firstDiff(got, w))
				}
			}
		}
		if held := r.srcs.held.Load(); held > limit {
			t.Errorf("limit %d: the sets kept take %d bytes", limit, held)
		}
	}
}

// On a group's member view (shared roles, group users), asked again and
// again: the sources say the primary and the groups, as the plain
// computation does.
func TestWhoCanMemoGroupView(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	for _, f := range s.MemberFiles() {
		_, r := mustView(t, s, f)
		for round := range 3 {
			for _, p := range AllPrivileges() {
				for e := -1; e < r.NumEnvironments(); e++ {
					if got, w := r.WhoCan(p, e), whoCanReference(r, p, e); !sameHolders(got, w) {
						t.Fatalf("%s, round %d: WhoCan(%s, %d):\n%s", f, round, p, e, firstDiff(got, w))
					}
				}
			}
		}
	}
}

// appendHoldersIn finds exactly the users Check finds, for every
// privilege, in every environment.
func TestAppendHoldersInSameAsCheck(t *testing.T) {
	t.Parallel()
	for name, a := range whoCanMemoAccounts(t) {
		r := NewResolver(a)
		for e := 0; e < r.NumEnvironments(); e += testlong.N(1, 3) {
			for _, p := range AllPrivileges() {
				var want []int32
				for u := range r.us() {
					if r.Check(u, p, e) {
						want = append(want, int32(u))
					}
				}
				if got := r.appendHoldersIn(nil, r.us(), e, p); !slices.Equal(got, want) {
					t.Fatalf("%s: appendHoldersIn(env %d, %s) = %d users, Check finds %d", name, e, p, len(got), len(want))
				}
			}
		}
	}
}

// Asked from several goroutines at once, first and later questions
// mixed, a resolver gives each the plain answer (run with -race).
func TestWhoCanMemoConcurrent(t *testing.T) {
	t.Parallel()
	a := whoCanMemoAccounts(t)["messy"]
	r := NewResolver(a)
	qs := whoCanQuestions(r, rand.New(rand.NewPCG(3, 3)))[:testlong.N(60, 30)]
	want := make([][]Holder, len(qs))
	for i, q := range qs {
		want[i] = whoCanReference(r, Privilege(q[0]), q[1])
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * len(qs) {
				i := (k*(g+1) + g) % len(qs)
				p, e := Privilege(qs[i][0]), qs[i][1]
				if got := r.WhoCan(p, e); !sameHolders(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d: WhoCan(%s, %d):\n%s", g, p, e, firstDiff(got, want[i]))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// Holders kept with one sourceCache are not read with another's sets
// (BenchmarkWhoCanCold replaces the cache to forget what was found).
func TestWhoCanMemoCacheReplaced(t *testing.T) {
	t.Parallel()
	r := NewResolver(whoCanMemoAccounts(t)["messy"])
	for range 3 {
		r.WhoCan(ViewResults, -1)
		r.WhoCan(ViewResults, 0)
	}
	if r.known[ViewResults].Load() == nil {
		t.Fatal("fixture: no holders kept")
	}
	r.srcs = &sourceCache{}
	for _, e := range []int{-1, 0, -1, 0} {
		if got, w := r.WhoCan(ViewResults, e), whoCanReference(r, ViewResults, e); !sameHolders(got, w) {
			t.Fatalf("WhoCan(View Results, %d) after the cache is replaced:\n%s", e, firstDiff(got, w))
		}
	}
}

// What the memos keep is about what they account for (sourceCache.held):
// not the chunks of the answers the kept sources were found for, most of
// which are not kept.
func TestWhoCanMemoHoldsOnlyWhatItKeeps(t *testing.T) {
	r := NewResolver(whoCanMemoAccounts(t)["messy"])
	r.us()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 2 {
		for _, p := range []Privilege{ViewResults, Execute, RuntimeManagement} {
			for e := -1; e < r.NumEnvironments(); e++ {
				r.WhoCan(p, e)
			}
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown, held := int64(after.HeapAlloc)-int64(before.HeapAlloc), r.srcs.held.Load()
	if held == 0 || grown > 2*held+(256<<10) {
		t.Errorf("the heap grew by %d bytes; the memos account for %d", grown, held)
	}
	runtime.KeepAlive(r)
}
