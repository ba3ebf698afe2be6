package bench

import (
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/casbin/casbin/v2"

	"rolecall/model"
)

// The compared account: Boomi's largest (10,000 users, 1,000 custom roles,
// 200 environments) for benchmarks; under -short, and for tests unless
// ROLECALL_CASBIN_10K=1, a smaller one (1,000 users, 300 roles, 50
// environments): Casbin takes about a minute to load the 10k policy and
// tens of milliseconds per check, minutes for the agreement test.
func size(tb testing.TB) (users, roles, envs int, name string) {
	_, isBench := tb.(*testing.B)
	if testing.Short() || (!isBench && os.Getenv("ROLECALL_CASBIN_10K") != "1") {
		return 1000, 300, 50, "1k"
	}
	return 10000, 1000, 200, "10k"
}

type fixture struct {
	acct   *model.Account
	res    *model.Resolver
	pol    Policy
	casbin *casbin.Enforcer
	build  time.Duration // Compile + NewEnforcer
}

var (
	fixMu sync.Mutex
	fixes = map[string]*fixture{}
)

func getFixture(tb testing.TB) *fixture {
	tb.Helper()
	users, roles, envs, name := size(tb)
	fixMu.Lock()
	defer fixMu.Unlock()
	if f, ok := fixes[name]; ok {
		return f
	}
	a := model.Synthetic(users, roles, envs, 1)
	if errs := model.Validate(a).Errors(); len(errs) > 0 {
		tb.Fatal(errs.Error())
	}
	start := time.Now()
	pol := Compile(a)
	e, err := NewEnforcer(pol)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{acct: a, res: model.NewResolver(a), pol: pol, casbin: e, build: time.Since(start)}
	fixes[name] = f
	return f
}

type question struct {
	u int
	p model.Privilege
	e int // -1: account-wide
}

// questions draws n random (user, privilege, environment) questions; one in
// ten is account-wide.
func questions(f *fixture, n int, seed uint64) []question {
	rng := rand.New(rand.NewPCG(seed, seed))
	all := model.AllPrivileges()
	qs := make([]question, n)
	for i := range qs {
		qs[i] = question{u: rng.IntN(len(f.acct.Users)), p: all[rng.IntN(len(all))], e: rng.IntN(len(f.acct.Environments))}
		if rng.IntN(10) == 0 {
			qs[i].e = -1
		}
	}
	return qs
}

func domainOf(a *model.Account, e int) string {
	if e < 0 {
		return AccountDomain
	}
	return Domain(a.Environments[e])
}

func casbinCheck(tb testing.TB, e casbin.IEnforcer, a *model.Account, q question) bool {
	ok, err := e.Enforce(a.Users[q.u].Email, domainOf(a, q.e), q.p.String())
	if err != nil {
		tb.Fatal(err)
	}
	return ok
}

// TestSameAnswers: on random questions rolecall's Check and Casbin give the
// same answer (the comparable subset: see the package comment).
func TestSameAnswers(t *testing.T) {
	f := getFixture(t)
	qs := questions(f, 2000, 1)
	// Also every privilege for one user in every environment, and holders
	// of per-environment privileges in the environments that list their
	// roles, so that the rare cases are asked about too.
	rng := rand.New(rand.NewPCG(9, 9))
	u := rng.IntN(len(f.acct.Users))
	for e := -1; e < min(30, len(f.acct.Environments)); e++ {
		for _, p := range model.AllPrivileges() {
			qs = append(qs, question{u, p, e})
		}
	}
	targeted := 0
	for u := range f.acct.Users {
		eff := f.res.Privileges(u)
		if !eff.Has(model.EnvironmentRead) && !eff.Has(model.EnvironmentFull) && !eff.Has(model.EnvironmentManagement) {
			continue
		}
		for e, env := range f.acct.Environments {
			if !env.Restricted() || targeted >= 1000 {
				continue
			}
			for _, p := range []model.Privilege{model.EnvironmentRead, model.EnvironmentFull, model.PackagedComponentDeployment} {
				qs = append(qs, question{u, p, e})
				targeted++
			}
		}
	}
	disagree, yes := 0, 0
	for _, q := range qs {
		ours := f.res.Check(q.u, q.p, q.e)
		theirs := casbinCheck(t, f.casbin, f.acct, q)
		if ours {
			yes++
		}
		if ours != theirs {
			disagree++
			if disagree <= 10 {
				t.Errorf("%s, %s, %s: rolecall %v, Casbin %v", f.acct.Users[q.u].Email, q.p, domainOf(f.acct, q.e), ours, theirs)
			}
		}
	}
	t.Logf("%d questions (%d allowed), %d disagreements; Casbin policy: %d p, %d g, %d g2 rules, built in %v",
		len(qs), yes, disagree, len(f.pol.P), len(f.pol.G), len(f.pol.G2), f.build)
	if yes == 0 || yes == len(qs) {
		t.Fatalf("degenerate questions: %d of %d allowed", yes, len(qs))
	}
}

// TestCachedEnforcerStale: after an edit (a user loses a role), Casbin's
// cached enforcer keeps answering from its cache, even when the edit is
// applied to it through its own API (RemoveGroupingPolicy does not touch
// the cache); rolecall answers from the new state.
func TestCachedEnforcerStale(t *testing.T) {
	a := model.Synthetic(300, 40, 12, 3)
	res := model.NewResolver(a)
	// A user holding two roles, one of which alone grants some privilege.
	var email, role string
	var priv model.Privilege
	for u, user := range a.Users {
		held := res.HeldRoles(u)
		if len(held) < 2 || email != "" {
			continue
		}
		for i, x := range held {
			set, _ := res.RolePrivileges(x)
			var others model.PrivSet
			for j, y := range held {
				if j != i {
					s, _ := res.RolePrivileges(y)
					others |= s
				}
			}
			if only := set.Closure() &^ others.Closure(); only != 0 {
				email, role, priv = user.Email, x, only.List()[0]
				break
			}
		}
	}
	if email == "" {
		t.Fatal("no user with a role that alone grants a privilege")
	}

	pol := Compile(a)
	cached, err := NewCachedEnforcer(pol)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(e casbin.IEnforcer) bool {
		ok, err := e.Enforce(email, AccountDomain, priv.String())
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	u := res.User(email)
	if !res.Check(u, priv, -1) || !ask(cached) {
		t.Fatalf("before the edit both must allow %s %s", email, priv)
	}

	// The edit: take the role from the user.
	w := model.NewWorking(a)
	next, _, err := w.Apply(model.Unassign{Email: email, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	diff := next.Diff()
	// Casbin, told through its API: every g rule giving the user that role.
	for _, g := range pol.G {
		if g[0] == email && g[1] == role {
			if _, err := cached.RemoveNamedGroupingPolicy("g", g); err != nil {
				t.Fatal(err)
			}
		}
	}
	fresh, err := NewEnforcer(Compile(next.Account()))
	if err != nil {
		t.Fatal(err)
	}

	ours := next.Resolver().Check(next.Resolver().User(email), priv, -1)
	stale := ask(cached)
	sum := diff.Summary()
	t.Logf("after unassigning %q from %s, may they use %s? rolecall: %v (diff: %d lines, first %q); Casbin rebuilt: %v; Casbin's cached enforcer: %v",
		role, email, priv, ours, len(sum), sum[0], ask(fresh), stale)
	if ours {
		t.Errorf("rolecall still allows %s after the edit", priv)
	}
	if ask(fresh) {
		t.Errorf("Casbin (rebuilt) still allows %s after the edit", priv)
	}
	if !stale {
		t.Errorf("Casbin's cached enforcer is expected to serve its stale answer; it did not (Casbin changed?)")
	}
	if err := cached.InvalidateCache(); err != nil {
		t.Fatal(err)
	}
	if ask(cached) {
		t.Errorf("after InvalidateCache the cached enforcer still allows %s", priv)
	}
}
