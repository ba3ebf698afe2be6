package model

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// Benchmarks at Boomi's largest account (10,000 users, 1,000 custom roles,
// 200 environments: "/10k") and at ten times that (100,000 users, 3,000
// roles, 500 environments: "/100k", skipped under -short). Budgets on a
// 2-core machine (docs/performance.md):
//
//	Check             <= 100 ns, 0 allocs
//	Preview           <= 1 ms
//	WhoCan            <= 600 µs, in one environment and account-wide
//	WorkingEdit       <= 3 ms (the edit through Working, then its diff)
//	EditDiff          <= 5 ms (Apply + resolver + Compare, without Working)
//	NewResolver       as cheap as can be: a one-off command pays it
//	Index             part of the load budget (storage/bench_test.go)
//	Memory            reported, no budget
//
// The benchmarks named ...Messy run on the accounts users have (Messy):
// see messySizes.

type benchSize struct {
	name               string
	users, roles, envs int
	large              bool
}

var benchSizes = []benchSize{
	{name: "1k", users: 1000, roles: 300, envs: 50},
	{name: "10k", users: 10000, roles: 1000, envs: 200},
	{name: "100k", users: 100000, roles: 3000, envs: 500, large: true},
}

type benchFixture struct {
	acct *Account
	res  *Resolver
}

var (
	benchMu       sync.Mutex
	benchFixtures = map[string]*benchFixture{}
)

// fixture returns the generated account of a size and its resolver, built
// once per test binary.
func benchFixtureFor(b *testing.B, sz benchSize) *benchFixture {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if f, ok := benchFixtures[sz.name]; ok {
		return f
	}
	a := Synthetic(sz.users, sz.roles, sz.envs, 1)
	f := &benchFixture{acct: a, res: NewResolver(a)}
	benchFixtures[sz.name] = f
	return f
}

// benchEachSize runs fn as a sub-benchmark per size; the 100k size is skipped
// under -short, and sizes in skip are left out.
func benchEachSize(b *testing.B, fn func(b *testing.B, sz benchSize, f *benchFixture), skip ...string) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			for _, s := range skip {
				if s == sz.name {
					b.Skip("not measured at this size")
				}
			}
			if sz.large && testing.Short() {
				b.Skip("100k size skipped under -short")
			}
			fn(b, sz, benchFixtureFor(b, sz))
		})
	}
}

type benchQuestion struct {
	u int
	p Privilege
	e int
}

func benchQuestions(r *Resolver, n int) []benchQuestion {
	rng := rand.New(rand.NewPCG(42, 42))
	qs := make([]benchQuestion, n)
	for i := range qs {
		qs[i] = benchQuestion{u: rng.IntN(len(r.Account().Users)), p: Privilege(1 + rng.IntN(numPrivileges)), e: rng.IntN(r.NumEnvironments())}
	}
	return qs
}

var benchSinkBool bool

// BenchmarkCheck: one (user, privilege, environment) benchQuestion.
func BenchmarkCheck(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		qs := benchQuestions(f.res, 4096)
		b.ReportAllocs()
		defer benchCPU(b)()
		for i := 0; i < b.N; i++ {
			q := qs[i&4095]
			benchSinkBool = f.res.Check(q.u, q.p, q.e)
		}
	})
}

// BenchmarkCheckAccountWide: one (user, privilege) benchQuestion, no environment.
func BenchmarkCheckAccountWide(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		qs := benchQuestions(f.res, 4096)
		b.ReportAllocs()
		defer benchCPU(b)()
		for i := 0; i < b.N; i++ {
			q := qs[i&4095]
			benchSinkBool = f.res.Check(q.u, q.p, -1)
		}
	})
}

func TestCheckDoesNotAllocate(t *testing.T) {
	a := Synthetic(2000, 200, 40, 3)
	r := NewResolver(a)
	qs := benchQuestions(r, 512)
	allocs := testing.AllocsPerRun(20, func() {
		for _, q := range qs {
			benchSinkBool = r.Check(q.u, q.p, q.e)
			benchSinkBool = r.Check(q.u, q.p, -1)
		}
	})
	if allocs != 0 {
		t.Fatalf("Check allocates %.1f times per 1024 calls; want 0", allocs)
	}
}

var benchSinkPreview Preview

// BenchmarkPreview: everything one user sees, with provenance: pages and
// actions with the roles and chains that grant them, and every environment
// with its visibility, access, deploy, schedule and reasons.
func BenchmarkPreview(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		users := benchQuestions(f.res, 1024)
		b.ReportAllocs()
		defer benchCPU(b)()
		for i := 0; i < b.N; i++ {
			benchSinkPreview = f.res.Preview(users[i&1023].u)
		}
	})
}

var benchSinkGrants []Grant

// BenchmarkGrants: a user's account-wide privileges with every source (R11).
func BenchmarkGrants(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		users := benchQuestions(f.res, 1024)
		b.ReportAllocs()
		defer benchCPU(b)()
		for i := 0; i < b.N; i++ {
			benchSinkGrants = f.res.Grants(users[i&1023].u)
		}
	})
}

var (
	benchSinkHolders []Holder
	benchSinkList    *HolderList
)

// BenchmarkWhoCan: every user who holds one privilege in one environment,
// with sources.
func BenchmarkWhoCan(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		qs := benchQuestions(f.res, 1024)
		// Ask about privileges people hold: the expensive case.
		common := []Privilege{ViewResults, Execute, RuntimeManagement, PackagedComponentDeployment, BuildReadWrite, ViewData}
		for i := range qs {
			qs[i].p = common[i%len(common)]
		}
		b.ReportAllocs()
		defer benchCPU(b)()
		n := 0
		for i := 0; i < b.N; i++ {
			q := qs[i&1023]
			benchSinkList = f.res.WhoCanList(q.p, q.e)
			n += benchSinkList.Len()
		}
		b.ReportMetric(float64(n)/float64(b.N), "holders/op")
	})
}

// benchEditOps returns a mix of realistic single edits of a: assign a role,
// unassign one, tick a privilege on a role many users hold, allow a role on
// an environment, disallow one, add a user.
func benchEditOps(a *Account, res *Resolver, n int) []Op {
	rng := rand.New(rand.NewPCG(7, 7))
	held := map[string]int{}
	for _, u := range a.Users {
		for _, rn := range u.Roles {
			held[rn]++
		}
	}
	var ops []Op
	for len(ops) < n {
		switch len(ops) % 6 {
		case 0:
			u := a.Users[rng.IntN(len(a.Users))]
			r := a.Roles[rng.IntN(len(a.Roles))]
			if !benchContainsFold(u.Roles, r.Name) {
				ops = append(ops, Assign{Email: u.Email, Role: r.Name})
			}
		case 1:
			u := a.Users[rng.IntN(len(a.Users))]
			if len(u.Roles) > 1 {
				ops = append(ops, Unassign{Email: u.Email, Role: u.Roles[0]})
			}
		case 2:
			ro := a.Roles[rng.IntN(len(a.Roles))]
			if held[ro.Name] == 0 {
				continue
			}
			p := synthPrivileges[rng.IntN(len(synthPrivileges))]
			if set, _ := res.RolePrivileges(ro.Name); set.Closure().Has(p) {
				continue
			}
			ops = append(ops, Tick{Role: ro.Name, Privilege: p})
		case 3:
			e := a.Environments[rng.IntN(len(a.Environments))]
			r := a.Roles[rng.IntN(len(a.Roles))]
			if e.Restricted() && held[r.Name] > 0 && !benchContainsFold(e.RolesWithAccess, r.Name) {
				ops = append(ops, Allow{Environment: e.Name, Role: r.Name})
			}
		case 4:
			e := a.Environments[rng.IntN(len(a.Environments))]
			if len(e.RolesWithAccess) > 1 {
				ops = append(ops, Disallow{Environment: e.Name, Role: e.RolesWithAccess[0]})
			}
		case 5:
			r := a.Roles[rng.IntN(len(a.Roles))]
			ops = append(ops, AddUser{Email: fmt.Sprintf("new.user.%d@example.com", len(ops)), Name: "New User", Roles: []string{r.Name}})
		}
	}
	return ops
}

func benchContainsFold(names []string, name string) bool {
	for _, n := range names {
		if benchEqualFold(n, name) {
			return true
		}
	}
	return false
}

func benchEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

var benchSinkDiff Diff

// BenchmarkEditDiff: one edit applied to the working copy (Apply: copy,
// edit, normalise, validate) plus the diff of who gains or loses what
// (a resolver for the new state and Compare with the old one). Each
// iteration edits the same base account, as an editor does with each
// candidate edit.
func BenchmarkEditDiff(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		ops := benchEditOps(f.acct, f.res, 60)
		b.ReportAllocs()
		defer benchCPU(b)()
		changed := 0
		for i := 0; i < b.N; i++ {
			op := ops[i%len(ops)]
			next, _, err := Apply(f.acct, op)
			if err != nil {
				b.Fatalf("%s: %v", op.Describe(), err)
			}
			benchSinkDiff = Compare(f.res, NewResolver(next))
			changed += len(benchSinkDiff.Users)
		}
		b.ReportMetric(float64(changed)/float64(b.N), "users-changed/op")
	})
}

// BenchmarkIndex: validate and index an account already in memory (the
// part of loading a file that is not decoding).
func BenchmarkIndex(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		b.ReportAllocs()
		defer benchCPU(b)()
		for i := 0; i < b.N; i++ {
			if ps := Validate(f.acct); ps.HasErrors() {
				b.Fatal(ps.Error())
			}
			_ = NewResolver(f.acct)
		}
	})
}

// BenchmarkSynthetic: generating the account (rolecall init --synthetic).
func BenchmarkSynthetic(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = Synthetic(sz.users, sz.roles, sz.envs, int64(i))
		}
	})
}

var benchSinkRes *Resolver

// BenchmarkMemory reports the live heap held by the account and by its
// resolver (after a GC), as heap-MB metrics; its ns/op is the time to
// generate and index, not a budget.
func BenchmarkMemory(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, _ *benchFixture) {
		var acctMB, resMB float64
		for i := 0; i < b.N; i++ {
			var m0, m1, m2 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			a := Synthetic(sz.users, sz.roles, sz.envs, 1)
			runtime.GC()
			runtime.ReadMemStats(&m1)
			r := NewResolver(a)
			runtime.GC()
			runtime.ReadMemStats(&m2)
			benchSinkRes = r
			acctMB = float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / (1 << 20)
			resMB = float64(int64(m2.HeapAlloc)-int64(m1.HeapAlloc)) / (1 << 20)
			runtime.KeepAlive(a)
		}
		benchSinkRes = nil
		b.ReportMetric(acctMB, "account-MB")
		b.ReportMetric(resMB, "resolver-MB")
		b.ReportMetric(acctMB+resMB, "heap-MB")
	})
}

// BenchmarkWorkingEdit: the same edits as BenchmarkEditDiff through a
// Working (validated and indexed once): the edit applied to the working
// copy, validated, indexed, and diffed against the old state.
func BenchmarkWorkingEdit(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) { benchWorkingEdit(b, f) })
}

func benchWorkingEdit(b *testing.B, f *benchFixture) {
	ops := benchEditOps(f.acct, f.res, 60)
	w := NewWorking(f.acct)
	b.ReportAllocs()
	defer benchCPU(b)()
	changed := 0
	for i := 0; i < b.N; i++ {
		op := ops[i%len(ops)]
		next, _, err := w.Apply(op)
		if err != nil {
			b.Fatalf("%s: %v", op.Describe(), err)
		}
		d := next.Diff()
		benchSinkDiff = d
		changed += len(d.Users)
	}
	b.ReportMetric(float64(changed)/float64(b.N), "users-changed/op")
}

// The accounts users have (Messy): redundant ticks, chains up to 40 roles
// deep, environments listing up to 80 roles, users holding up to 40 roles,
// long names, references in another case. "messy" sizes are 10k (10,000
// users, 1,000 roles, 200 environments) and 100k (100,000, 3,000, 500;
// skipped under -short); "dangling-" ones add role names that name no role
// (validation errors: such a file is read-only, but every question is
// answered), and are measured where that is still asked: indexing and the
// questions, not edits.
var messySizes = []benchSize{
	{name: "10k", users: 10000, roles: 1000, envs: 200},
	{name: "100k", users: 100000, roles: 3000, envs: 500, large: true},
}

// benchMessyFixture returns the messy account of a size, with or without
// dangling names, and its resolver, built once per test binary.
func benchMessyFixture(sz benchSize, dangling bool) *benchFixture {
	key := "messy-" + sz.name
	if dangling {
		key = "messy-dangling-" + sz.name
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	if f, ok := benchFixtures[key]; ok {
		return f
	}
	a := Messy(sz.users, sz.roles, sz.envs, 1, MessyOptions{Dangling: dangling})
	f := &benchFixture{acct: a, res: NewResolver(a)}
	benchFixtures[key] = f
	return f
}

// benchMessy runs fn as a sub-benchmark per messy size ("10k", "100k"),
// and with dangling also on the accounts with dangling names
// ("dangling-10k", "dangling-100k"); the 100k sizes are skipped under
// -short.
func benchMessy(b *testing.B, dangling bool, fn func(b *testing.B, sz benchSize, f *benchFixture)) {
	kinds := []bool{false}
	if dangling {
		kinds = append(kinds, true)
	}
	for _, d := range kinds {
		for _, sz := range messySizes {
			name := sz.name
			if d {
				name = "dangling-" + name
			}
			b.Run(name, func(b *testing.B) {
				if sz.large && testing.Short() {
					b.Skip("100k size skipped under -short")
				}
				fn(b, sz, benchMessyFixture(sz, d))
			})
		}
	}
}

// benchNewResolver: indexing an account already in memory and valid
// (NewResolver alone, without validation); with allUsers, also every
// user's roles (which NewResolver leaves to the first question about
// many users: a one-off question about one user does not pay for it).
func benchNewResolver(b *testing.B, f *benchFixture, allUsers bool) {
	b.ReportAllocs()
	defer benchCPU(b)()
	for i := 0; i < b.N; i++ {
		benchSinkRes = NewResolver(f.acct)
		if allUsers {
			benchSinkRes.us()
		}
	}
	benchSinkRes = nil
}

// BenchmarkNewResolver: the resolver of an account (NewResolver), on the
// Synthetic accounts.
func BenchmarkNewResolver(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) { benchNewResolver(b, f, false) })
}

// BenchmarkNewResolverMessy: NewResolver on the Messy accounts.
func BenchmarkNewResolverMessy(b *testing.B) {
	benchMessy(b, true, func(b *testing.B, sz benchSize, f *benchFixture) { benchNewResolver(b, f, false) })
}

// BenchmarkNewResolverAllUsers: NewResolver and every user's index, on the
// Synthetic accounts: what the TUI pays in all.
func BenchmarkNewResolverAllUsers(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) { benchNewResolver(b, f, true) })
}

// BenchmarkNewResolverAllUsersMessy: BenchmarkNewResolverAllUsers on the
// Messy accounts.
func BenchmarkNewResolverAllUsersMessy(b *testing.B) {
	benchMessy(b, true, func(b *testing.B, sz benchSize, f *benchFixture) { benchNewResolver(b, f, true) })
}

var benchSinkVerdict Verdict

// benchOneOff: what a one-off command asks of the model once the account
// is read: index it, find one user and answer one question with its
// reason (rolecall check USER PRIV [--env ENV]), alternately account-wide
// and in an environment.
func benchOneOff(b *testing.B, f *benchFixture) {
	qs := benchQuestions(f.res, 1024)
	emails := make([]string, len(qs))
	for i, q := range qs {
		emails[i] = f.acct.Users[q.u].Email
	}
	b.ReportAllocs()
	defer benchCPU(b)()
	for i := 0; i < b.N; i++ {
		q := qs[i&1023]
		r := NewResolver(f.acct)
		u := r.User(emails[i&1023])
		e := -1
		if i&1 == 1 {
			e = q.e
		}
		benchSinkVerdict = r.Explain(u, q.p, e)
	}
}

// BenchmarkOneOffCheck: benchOneOff on the Synthetic accounts.
func BenchmarkOneOffCheck(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) { benchOneOff(b, f) })
}

// BenchmarkOneOffCheckMessy: benchOneOff on the Messy accounts.
func BenchmarkOneOffCheckMessy(b *testing.B) {
	benchMessy(b, true, func(b *testing.B, sz benchSize, f *benchFixture) { benchOneOff(b, f) })
}

// BenchmarkPreviewMessy: BenchmarkPreview on the Messy accounts.
func BenchmarkPreviewMessy(b *testing.B) {
	benchMessy(b, true, func(b *testing.B, sz benchSize, f *benchFixture) {
		users := benchQuestions(f.res, 1024)
		b.ReportAllocs()
		defer benchCPU(b)()
		for i := 0; i < b.N; i++ {
			benchSinkPreview = f.res.Preview(users[i&1023].u)
		}
	})
}

// benchWhoCan asks who holds one of the privileges people commonly hold
// (the expensive case), in one environment, or account-wide when
// accountWide. The resolver keeps each role's sources of a privilege once
// asked (sourceCache): these are the questions after the first about each
// privilege; BenchmarkWhoCanCold measures the first.
func benchWhoCan(b *testing.B, f *benchFixture, accountWide bool) {
	qs := benchQuestions(f.res, 1024)
	common := []Privilege{ViewResults, Execute, RuntimeManagement, PackagedComponentDeployment, BuildReadWrite, ViewData}
	for i := range qs {
		qs[i].p = common[i%len(common)]
		if accountWide {
			qs[i].e = -1
		}
	}
	b.ReportAllocs()
	defer benchCPU(b)()
	n := 0
	for i := 0; i < b.N; i++ {
		q := qs[i&1023]
		benchSinkList = f.res.WhoCanList(q.p, q.e)
		n += benchSinkList.Len()
	}
	b.ReportMetric(float64(n)/float64(b.N), "holders/op")
}

// BenchmarkWhoCanCold: who-can as the first question about its privilege
// (a one-off command's: rolecall who-can), in one environment ("env") and
// account-wide ("account"), the users indexed already: WhoCanList, what
// the command asks, which forms each holder as it writes it.
func BenchmarkWhoCanCold(b *testing.B) { benchWhoCanCold(b, false) }

// BenchmarkWhoCanColdFormed: BenchmarkWhoCanCold's questions with every
// holder formed at once (WhoCan: what lint and who-can --group ask).
func BenchmarkWhoCanColdFormed(b *testing.B) { benchWhoCanCold(b, true) }

func benchWhoCanCold(b *testing.B, formed bool) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) {
		for _, accountWide := range []bool{false, true} {
			name := "env"
			if accountWide {
				name = "account"
			}
			b.Run(name, func(b *testing.B) {
				qs := benchQuestions(f.res, 1024)
				common := []Privilege{ViewResults, Execute, RuntimeManagement, PackagedComponentDeployment, BuildReadWrite, ViewData}
				f.res.us()
				b.ReportAllocs()
				defer benchCPU(b)()
				for i := 0; i < b.N; i++ {
					q := qs[i&1023]
					if accountWide {
						q.e = -1
					}
					f.res.srcs = &sourceCache{} // forget what earlier questions found
					if formed {
						benchSinkHolders = f.res.WhoCan(common[i%len(common)], q.e)
					} else {
						benchSinkList = f.res.WhoCanList(common[i%len(common)], q.e)
					}
				}
			})
		}
	})
}

// BenchmarkWhoCanAccountWide: BenchmarkWhoCan's question account-wide.
func BenchmarkWhoCanAccountWide(b *testing.B) {
	benchEachSize(b, func(b *testing.B, sz benchSize, f *benchFixture) { benchWhoCan(b, f, true) })
}

// BenchmarkWhoCanMessy: who-can on the Messy accounts, in one environment
// ("env") and account-wide ("account").
func BenchmarkWhoCanMessy(b *testing.B) {
	benchMessy(b, true, func(b *testing.B, sz benchSize, f *benchFixture) {
		b.Run("env", func(b *testing.B) { benchWhoCan(b, f, false) })
		b.Run("account", func(b *testing.B) { benchWhoCan(b, f, true) })
	})
}

// BenchmarkValidateMessy: Validate on the Messy accounts (no errors: every
// check and lint run; lint builds a resolver).
func BenchmarkValidateMessy(b *testing.B) {
	benchMessy(b, false, func(b *testing.B, sz benchSize, f *benchFixture) {
		b.ReportAllocs()
		defer benchCPU(b)()
		for i := 0; i < b.N; i++ {
			if ps := Validate(f.acct); ps.HasErrors() {
				b.Fatal(ps.Error())
			}
		}
	})
}

// BenchmarkWorkingEditMessy: BenchmarkWorkingEdit on the Messy accounts.
func BenchmarkWorkingEditMessy(b *testing.B) {
	benchMessy(b, false, func(b *testing.B, sz benchSize, f *benchFixture) {
		benchWorkingEdit(b, f)
	})
}
