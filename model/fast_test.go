package model

// Differential tests of the optimised paths against the unoptimised ones
// they replace, at real scale, on the accounts users have (Messy, with and
// without dangling names) and on Synthetic ones.

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"rolecall/internal/testlong"
)

var (
	fastAcctMu sync.Mutex
	fastAccts  = map[string]*Account{}
)

// fastAccounts returns the accounts the differential tests run on: Messy
// with and without dangling names, and Synthetic; each is generated once.
// Boomi's largest account (10,000 users, 1,000 roles, 200 environments)
// with ROLECALL_LONG_TESTS=1; otherwise 1,000 users, 100 roles and 20
// environments, which have every shape Messy makes, and holders enough
// that some of WhoCan's answers span more than one of its chunks (a check
// below holds the fixture to that).
func fastAccounts(t *testing.T) map[string]*Account {
	t.Helper()
	users, roles, envs := testlong.N(1000, 10000), testlong.N(100, 1000), testlong.N(20, 200)
	fastAcctMu.Lock()
	defer fastAcctMu.Unlock()
	if len(fastAccts) == 0 {
		fastAccts["messy"] = Messy(users, roles, envs, 1, MessyOptions{})
		fastAccts["messy-dangling"] = Messy(users, roles, envs, 2, MessyOptions{Dangling: true})
		fastAccts["synthetic"] = Synthetic(users, roles, envs, 1)
	}
	return fastAccts
}

var (
	editAcctOnce sync.Once
	editAccts    map[string]*Account
)

// editAccounts returns the accounts TestWorkingMatchesFullAtScale edits:
// fastAccounts with ROLECALL_LONG_TESTS=1; otherwise the same three kinds
// at 400 users, 40 roles and 10 environments, generated once. Each edit
// is checked against a full Apply, Validate, NewResolver and Compare,
// whose cost grows with the account: at this size the test takes a third
// of the CPU it took at fastAccounts's 1,000 users, and each breakage of
// the incremental paths tried that it caught there it still catches (see
// the commit that brought this in).
func editAccounts(t *testing.T) map[string]*Account {
	t.Helper()
	if testlong.Enabled() {
		return fastAccounts(t)
	}
	editAcctOnce.Do(func() {
		editAccts = map[string]*Account{
			"messy":          Messy(400, 40, 10, 1, MessyOptions{}),
			"messy-dangling": Messy(400, 40, 10, 2, MessyOptions{Dangling: true}),
			"synthetic":      Synthetic(400, 40, 10, 1),
		}
	})
	return editAccts
}

// whoCanSlow is WhoCan as it was before sourceMemo: holder, one user at a
// time, with the sources found as they were (slowCoveredSources).
func whoCanSlow(r *Resolver, p Privilege, e int) []Holder {
	var out []Holder
	for u := range r.us() {
		if !r.Check(u, p, e) {
			continue
		}
		h := Holder{User: r.us()[u].email}
		var implied Privilege
		if e < 0 {
			h.Sources, implied = slowCoveredSources(r, r.us()[u].roles, r.us()[u].roles, p)
		} else {
			ev := r.eval(u, e)
			all, perEnv := r.countingRoles(u, e, &ev)
			h.Sources, implied = slowCoveredSources(r, directRoles(p, all, perEnv), all, p)
		}
		if implied != 0 {
			h.ImpliedBy = implied.String()
		}
		out = append(out, h)
	}
	return out
}

// slowCoveredSources and slowSources are coveredSources and sources as they
// were before appendCoveredSources and sourceMemo.
func slowCoveredSources(r *Resolver, direct, all []int32, p Privilege) (srcs []Source, implied Privilege) {
	srcs = slowSources(r, direct, p)
	for _, sup := range coverers()[p] {
		found := slowSources(r, all, sup)
		if len(found) > 0 && len(srcs) == 0 && implied == 0 {
			implied = sup
		}
		ndirect := len(srcs)
		for _, s := range found {
			if slices.ContainsFunc(srcs[:ndirect], func(d Source) bool { return d.Role == s.Role && slices.Equal(d.Via, s.Via) }) {
				continue // that role and chain grant p itself already
			}
			s.ImpliedBy, s.decided = sup.String(), false
			srcs = append(srcs, s)
		}
	}
	return srcs, implied
}

func slowSources(r *Resolver, roles []int32, p Privilege) []Source {
	var out []Source
	for _, h := range roles {
		if !r.cyclic && !r.roles[h].set.Has(p) {
			continue
		}
		var via []string
		for id := range lineage(int(h), len(r.roles), r.parentOf) {
			if id != int(h) {
				via = append(via, r.roles[id].name)
			}
			if r.roles[id].ticks.Has(p) {
				out = append(out, Source{Role: r.roles[h].name, Via: append([]string{}, via...), decided: r.roles[id].decided.Has(p), builtin: r.roles[id].builtin})
			}
		}
	}
	return out
}

// WhoCan gives, holder by holder, what it gave before sourceMemo (sources,
// their chains, their hidden marks), for every privilege, account-wide and
// in environments of every kind; and so does holder (Explain's sources).
func TestWhoCanSameAsHolder(t *testing.T) {
	t.Parallel()
	spanning := 0 // answers whose sources fill more than one chunk
	defer func() {
		if !t.Failed() && spanning == 0 {
			t.Errorf("fixture: no answer's sources span more than one of WhoCan's chunks (%d)", whoCanChunk)
		}
	}()
	for name, a := range fastAccounts(t) {
		r := NewResolver(a)
		envs := []int{-1}
		for e := 0; e < r.NumEnvironments(); e += max(1, r.NumEnvironments()/4) {
			envs = append(envs, e)
		}
		for _, p := range AllPrivileges() {
			for _, e := range envs {
				got, want := r.WhoCan(p, e), whoCanSlow(r, p, e)
				if !sameHolders(got, want) {
					t.Fatalf("%s: WhoCan(%s, %d) differs from the slow path:\n%s", name, p, e, firstDiff(got, want))
				}
				sources := 0
				for _, h := range got {
					sources += len(h.Sources)
				}
				if sources > whoCanChunk {
					spanning++
				}
				for i := 0; i < len(want); i += 97 {
					u := r.User(want[i].User)
					if h := r.holder(u, p, e); !reflect.DeepEqual(h, want[i]) {
						t.Fatalf("%s: holder(%s, %s, %d):\n got  %+v\n want %+v", name, want[i].User, p, e, h, want[i])
					}
				}
			}
		}
	}
}

// sameHolders is reflect.DeepEqual(got, want), field by field: DeepEqual
// keeps a map of the slices it has been through, most of the cost of
// comparing thousands of holders. Should Holder or Source gain a field it
// does not know, it is DeepEqual.
func sameHolders(got, want []Holder) bool {
	if reflect.TypeFor[Holder]().NumField() != 3 || reflect.TypeFor[Source]().NumField() != 7 {
		return reflect.DeepEqual(got, want)
	}
	sameStrings := func(x, y []string) bool { return (x == nil) == (y == nil) && slices.Equal(x, y) }
	sameSource := func(x, y Source) bool {
		return x.Role == y.Role && sameStrings(x.Via, y.Via) && x.ImpliedBy == y.ImpliedBy && x.Primary == y.Primary &&
			sameStrings(x.Groups, y.Groups) && x.decided == y.decided && x.builtin == y.builtin
	}
	return (got == nil) == (want == nil) && slices.EqualFunc(got, want, func(x, y Holder) bool {
		return x.User == y.User && x.ImpliedBy == y.ImpliedBy && (x.Sources == nil) == (y.Sources == nil) &&
			slices.EqualFunc(x.Sources, y.Sources, sameSource)
	})
}

func firstDiff(got, want []Holder) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("holder %d:\n got  %.600s\n want %.600s", i, fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", want[i]))
		}
	}
	return fmt.Sprintf("%d holders, want %d", len(got), len(want))
}

// sameResolver fails t when got, an index built incrementally, answers
// differently from want, built from scratch: the same roles, users,
// environments and indexes (the identity of shared indexes aside).
func sameResolver(t *testing.T, what string, got, want *Resolver) {
	t.Helper()
	fail := func(part string, g, w any) {
		t.Helper()
		t.Fatalf("%s: the resolver's %s differ from NewResolver's:\n got  %.400s\n want %.400s", what, part, fmt.Sprintf("%+v", g), fmt.Sprintf("%+v", w))
	}
	if got.acct != want.acct && !sameAccount(got.acct, want.acct) {
		fail("accounts", got.acct, want.acct)
	}
	if !reflect.DeepEqual(got.roles, want.roles) {
		fail("roles", got.roles, want.roles)
	}
	if !reflect.DeepEqual(got.roleIdx, want.roleIdx) || !reflect.DeepEqual(got.roleExact, want.roleExact) {
		fail("role indexes", got.roleIdx, want.roleIdx)
	}
	if got.cyclic != want.cyclic {
		fail("cyclic", got.cyclic, want.cyclic)
	}
	gu, wu := got.us(), want.us()
	if len(gu) != len(wu) {
		fail("numbers of users", len(gu), len(wu))
	}
	for i := range wu {
		g, w := gu[i], wu[i]
		if g.email != w.email || g.raw != w.raw || g.eff != w.eff || !slices.Equal(g.roles, w.roles) {
			fail(fmt.Sprintf("user %d", i), g, w)
		}
	}
	if !reflect.DeepEqual(got.userIdx, want.userIdx) || got.usersSorted != want.usersSorted || got.usersUnique != want.usersUnique {
		fail("user index", []any{got.userIdx == nil, got.usersSorted, got.usersUnique}, []any{want.userIdx == nil, want.usersSorted, want.usersUnique})
	}
	if got.words != want.words || len(got.envs) != len(want.envs) || !reflect.DeepEqual(got.envIdx, want.envIdx) {
		fail("environments", got.envs, want.envs)
	}
	for i := range want.envs {
		g, w := &got.envs[i], &want.envs[i]
		if g.name != w.name || !slices.Equal(g.listed, w.listed) || !slices.Equal(g.ids, w.ids) ||
			g.words().list != w.words().list || g.words().shown != w.words().shown {
			fail(fmt.Sprintf("environment %d", i), []string{g.name, g.words().list}, []string{w.name, w.words().list})
		}
	}
}

// fastEditOps returns a chain of edits of a of every kind, each made on
// the account the ones before it give: users assigned, unassigned, added
// (in another case too), renamed and removed; roles ticked, unticked,
// re-parented, described, renamed, added and removed; environments
// allowed, disallowed (to open), added and removed; switches; and edits
// the model refuses.
func fastEditOps(a *Account, rng *rand.Rand, n int) []Op {
	r := NewResolver(a)
	base := benchEditOps(a, r, n)
	user := func() User { return a.Users[rng.IntN(len(a.Users))] }
	role := func() Role { return a.Roles[rng.IntN(len(a.Roles))] }
	env := func() Environment { return a.Environments[rng.IntN(len(a.Environments))] }
	var ops []Op
	for i := range max(len(base), 16) { // every kind below at least once
		if i < len(base) {
			ops = append(ops, base[i])
		}
		switch i % 16 {
		case 0:
			u := user()
			ops = append(ops, SetUserName{Email: u.Email, From: u.Name, To: u.Name + " (on leave)"})
		case 1:
			ops = append(ops, RemoveUser{Email: strings.ToUpper(user().Email)})
		case 2:
			ops = append(ops, AddUser{Email: fmt.Sprintf("Zed.New.%d@Example.com", i), Roles: []string{strings.ToLower(role().Name), Support, role().Name}})
		case 3:
			ro := role()
			ops = append(ops, SetParent{Role: ro.Name, From: ro.Inherits, To: role().Name}) // may close a cycle: refused
		case 4:
			ro := role()
			if len(ro.Privileges) > 0 {
				ops = append(ops, Untick{Role: ro.Name, Privilege: ro.Privileges[0]})
			}
		case 5:
			ro := role()
			ops = append(ops, SetDescription{Role: ro.Name, From: ro.Description, To: "reviewed"})
		case 6:
			ops = append(ops, AddRole{Name: fmt.Sprintf("Fresh Role %d", i), Inherits: role().Name, Privileges: []Privilege{ViewData, EnvironmentRead}})
		case 7:
			ro := role()
			ops = append(ops, RenameRole{Role: ro.Name, To: ro.Name + " (renamed)"})
		case 8:
			ops = append(ops, AddEnvironment{Name: fmt.Sprintf("Fresh Env %d", i), Classification: Production, Roles: []string{role().Name}})
		case 9:
			ops = append(ops, RemoveEnvironment{Name: env().Name})
		case 10:
			e := env()
			for _, rn := range e.RolesWithAccess {
				ops = append(ops, Disallow{Environment: e.Name, Role: rn}) // the last opens it
			}
		case 11:
			ops = append(ops, SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, From: true, To: false},
				SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, From: false, To: true})
		case 12:
			ops = append(ops, Assign{Email: user().Email, Role: "No Such Role"}, AddUser{Email: strings.ToUpper(user().Email), Roles: []string{Support}})
		case 13:
			ops = append(ops, RemoveRole{Name: role().Name}) // refused while held or inherited
		case 14:
			u := user()
			ops = append(ops, Assign{Email: u.Email, Role: strings.ToUpper(role().Name)}, Allow{Environment: env().Name, Role: role().Name})
		case 15:
			ops = append(ops, RenameAccount{From: a.Name, To: "Renamed"})
		}
	}
	return ops
}

// Working, edit after edit, gives what the unoptimised path gives: the
// account Apply makes, Validate's problems, Apply's outcome, Compare of
// fresh resolvers from the base, and a resolver answering as NewResolver's,
// on editAccounts's accounts.
func TestWorkingMatchesFullAtScale(t *testing.T) {
	t.Parallel()
	for name, a := range editAccounts(t) {
		if Validate(a).HasErrors() {
			continue // a file with errors cannot be edited
		}
		rng := rand.New(rand.NewPCG(3, 4))
		// Every kind of edit fastEditOps makes, and 4 of benchEditOps's
		// (10 with ROLECALL_LONG_TESTS=1).
		ops := fastEditOps(a, rng, testlong.N(4, 10))
		baseRes := NewResolver(a)
		w := NewWorking(a)
		applied := 0
		for k, op := range ops {
			what := fmt.Sprintf("%s, edit %d (%s)", name, k, op.Describe())
			want, wantOut, wantErr := Apply(w.Account(), op)
			next, out, err := w.Apply(op)
			if (err == nil) != (wantErr == nil) || (err != nil && !reflect.DeepEqual(err, wantErr)) {
				t.Fatalf("%s: error %v, Apply: %v", what, err, wantErr)
			}
			if err != nil {
				continue
			}
			applied++
			if !sameAccount(next.Account(), want) {
				t.Fatalf("%s: account differs from Apply's", what)
			}
			if !reflect.DeepEqual(out, wantOut) {
				t.Fatalf("%s: outcome %+v, Apply: %+v", what, out, wantOut)
			}
			if got, want := next.Problems(), Validate(want); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: problems differ from Validate:\n got  %.400v\n want %.400v", what, got, want)
			}
			fresh := NewResolver(want)
			sameResolver(t, what, next.Resolver(), fresh)
			// WhoCan's sources are kept per resolver, shared by the
			// resolvers of edits that keep the roles.
			for _, p := range []Privilege{Execute, BuildRead, EnvironmentRead} {
				e := k % len(want.Environments)
				if got, want := next.Resolver().WhoCan(p, e), fresh.WhoCan(p, e); !sameHolders(got, want) {
					t.Fatalf("%s: WhoCan(%s, %d) differs from a fresh resolver's:\n%s", what, p, e, firstDiff(got, want))
				}
			}
			if got, want := next.Diff(), Compare(baseRes, fresh); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: diff differs from Compare of fresh resolvers:\n got  %.400v\n want %.400v", what, got, want)
			}
			w = next
		}
		if applied < len(ops)/2 {
			t.Fatalf("%s: only %d of %d edits applied", name, applied, len(ops))
		}
	}
}

// An edit shares with the account it edits the lists it does not change
// (copySections): no edit may change the old account, nor the account of
// another edit made on the same one.
//
// Each state is compared with every earlier one, so the cost grows with
// the square of the edits: with ROLECALL_LONG_TESTS=1 600 users and 40
// edits besides fastEditOps's own; otherwise 200 users, 40 roles, 10
// environments and 10 such edits, still every kind of edit fastEditOps
// makes (each at least once) and every section an edit shares.
func TestWorkingEditsLeaveOldStatesAlone(t *testing.T) {
	t.Parallel()
	a := Messy(testlong.N(200, 600), testlong.N(40, 80), testlong.N(10, 20), 5, MessyOptions{})
	w := NewWorking(a)
	rng := rand.New(rand.NewPCG(5, 6))
	ops := fastEditOps(a, rng, testlong.N(10, 40))
	var kept []*Working // every state reached, with a deep copy of its account
	var copies []*Account
	for _, op := range ops {
		before := w.Account().Clone()
		next, _, err := w.Apply(op)
		if !sameAccount(w.Account(), before) {
			t.Fatalf("%s changed the account it edits", op.Describe())
		}
		if err != nil {
			continue
		}
		// A sibling: another edit of the same state.
		sib := ops[rng.IntN(len(ops))]
		sibling, _, sibErr := w.Apply(sib)
		for i, k := range kept {
			if !sameAccount(k.Account(), copies[i]) {
				t.Fatalf("%s (or its sibling %s) changed an earlier state", op.Describe(), sib.Describe())
			}
		}
		if sibErr == nil {
			kept, copies = append(kept, sibling), append(copies, sibling.Account().Clone())
		}
		kept, copies = append(kept, next), append(copies, next.Account().Clone())
		w = next
	}
	if len(kept) < len(ops)/2 {
		t.Fatalf("only %d states reached", len(kept))
	}
}

// Lint reuses the old state's warnings of each role and environment an
// edit cannot have changed: each edit here changes some warning (R9, R14,
// R16, R19: a role's holders counted, an environment's role held by
// nobody, a chain ticking what it lacked), and the warnings are
// Validate's, edit after edit and each edit from the first state.
func TestLintReuse(t *testing.T) {
	t.Parallel()
	a := &Account{Name: "Lint", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Roles: []Role{
			{Name: "Env Readers", Privileges: []Privilege{RuntimeManagement, EnvironmentRead}},
			{Name: "Env Writers", Privileges: []Privilege{RuntimeManagement, EnvironmentFull}},
			{Name: "Base", Privileges: []Privilege{Execute}},
			{Name: "Child", Inherits: "Base", Privileges: []Privilege{Execute, Dashboard}},
			{Name: "Grandchild", Inherits: "child", Privileges: []Privilege{EnvironmentRead}},
		},
		Users: []User{
			{Email: "alice@x.com", Roles: []string{"Env Readers"}},
			{Email: "bob@x.com", Roles: []string{"Env Writers", "Base"}},
			{Email: "carol@x.com", Roles: []string{"Env Writers"}},
			{Email: "dave@x.com", Roles: []string{"Grandchild"}},
		},
		Environments: []Environment{
			{Name: "Prod", Classification: Production, RolesWithAccess: []string{"Env Readers"}},
			{Name: "Test", Classification: Test, RolesWithAccess: []string{"Grandchild"}},
			{Name: "Open", Classification: Test},
		},
	}
	a.Normalize()
	ops := []Op{
		Unassign{Email: "bob@x.com", Role: "Env Writers"},                         // R19: held by 1 user
		RemoveUser{Email: "alice@x.com"},                                          // R19: Prod lists a role nobody holds
		Allow{Environment: "Open", Role: "Env Writers"},                           // R19 on Env Writers gone
		Tick{Role: "Child", Privilege: RuntimeManagement},                         // R14 on Grandchild gone (its chain)
		Untick{Role: "Child", Privilege: Execute},                                 // R9 gone
		AddUser{Email: "erin@x.com", Roles: []string{"Env Readers"}},              // R19 on Prod gone
		Disallow{Environment: "Prod", Role: "Env Readers"},                        // R19: Env Readers listed nowhere
		SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, From: true, To: false}, // R16
	}
	first := NewWorking(a)
	if len(first.Problems().Warnings()) == 0 || first.Problems().HasErrors() {
		t.Fatalf("want warnings and no errors: %v", first.Problems())
	}
	w := first
	for _, op := range ops {
		next, _, err := w.Apply(op)
		if err != nil {
			t.Fatalf("%s: %v", op.Describe(), err)
		}
		if got, want := next.Problems(), Validate(next.Account()); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got  %v\n want %v", op.Describe(), got, want)
		}
		if reflect.DeepEqual(next.Problems(), w.Problems()) {
			t.Fatalf("%s changed no warning; the test wants each edit to change one", op.Describe())
		}
		if alone, _, err := first.Apply(op); err == nil {
			if got, want := alone.Problems(), Validate(alone.Account()); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s from the first state:\n got  %v\n want %v", op.Describe(), got, want)
			}
		}
		w = next
	}
}

// A resolver answers questions about one user (a one-off command) before
// it indexes every user, from that user's index alone: the answers are
// those of a resolver whose users are indexed, for every kind of
// question, and User finds the same users. 40 random questions of each
// kind on each account with ROLECALL_LONG_TESTS=1, 12 otherwise.
func TestOneUserAnswersSameAsIndexed(t *testing.T) {
	t.Parallel()
	for name, a := range fastAccounts(t) {
		indexed := NewResolver(a)
		indexed.us()
		rng := rand.New(rand.NewPCG(8, 9))
		for k := 0; k < testlong.N(12, 40); k++ {
			u := rng.IntN(len(a.Users))
			p := Privilege(1 + rng.IntN(numPrivileges))
			e := rng.IntN(len(a.Environments))
			fresh := NewResolver(a) // nothing indexed: each question alone
			what := fmt.Sprintf("%s, user %d, %s, environment %d", name, u, p, e)
			if got := fresh.User(strings.ToUpper(a.Users[u].Email)); got != indexed.User(strings.ToUpper(a.Users[u].Email)) {
				t.Fatalf("%s: User = %d, indexed %d", what, got, indexed.User(a.Users[u].Email))
			}
			for _, q := range []struct {
				name string
				ask  func(r *Resolver) any
			}{
				{"Explain", func(r *Resolver) any { return r.Explain(u, p, -1) }},
				{"Explain in an environment", func(r *Resolver) any { return r.Explain(u, p, e) }},
				{"Preview", func(r *Resolver) any { return r.Preview(u) }},
				{"ExplainUser", func(r *Resolver) any { return r.ExplainUser(u) }},
				{"EnvGrants", func(r *Resolver) any { return r.EnvGrants(u, e) }},
				{"ExplainEverywhere", func(r *Resolver) any { return r.ExplainEverywhere(u, p) }},
				{"MissingRoles", func(r *Resolver) any { return r.MissingRoles(u) }},
				{"Privileges", func(r *Resolver) any { return r.Privileges(u) }},
			} {
				if got, want := q.ask(fresh), q.ask(indexed); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: %s differs before indexing:\n got  %.300v\n want %.300v", what, q.name, got, want)
				}
			}
			if fresh.usersReady.Load() {
				t.Fatalf("%s: questions about one user indexed every user", what)
			}
		}
	}
}

// A resolver is used from several goroutines at once (the TUI counts off
// the input path): indexing every user on first use is safe while others
// ask about one user (run with -race).
func TestResolverLazyConcurrent(t *testing.T) {
	t.Parallel()
	a := Messy(2000, 200, 40, 3, MessyOptions{Dangling: true})
	want := NewResolver(a)
	want.us()
	for round := 0; round < 4; round++ {
		r := NewResolver(a)
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		ask := func(f func() (any, any), what string) {
			defer wg.Done()
			if got, w := f(); !reflect.DeepEqual(got, w) {
				errs <- what
			}
		}
		wg.Add(4)
		go ask(func() (any, any) { return r.Explain(7, Execute, 3), want.Explain(7, Execute, 3) }, "Explain")
		go ask(func() (any, any) { return r.WhoCan(ViewData, 2), want.WhoCan(ViewData, 2) }, "WhoCan")
		go ask(func() (any, any) { return r.Preview(11), want.Preview(11) }, "Preview")
		go ask(func() (any, any) { return r.CountsCanSee(), want.CountsCanSee() }, "CountsCanSee")
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("round %d: %s differs", round, e)
		}
	}
}

// evalOf without the rest (what Check and WhoCan ask of every user) agrees
// with eval on visibility, the privileges that count, and, where the
// environment is visible, what countingRoles asks.
func TestEvalPartSameAsEval(t *testing.T) {
	t.Parallel()
	for name, a := range fastAccounts(t) {
		r := NewResolver(a)
		users := r.us()
		for e := 0; e < r.NumEnvironments(); e += max(1, r.NumEnvironments()/25) {
			for u := range users {
				full, part := r.eval(u, e), r.evalOf(&users[u], e, false)
				if part.visible != full.visible || part.privs != full.privs ||
					full.visible && (part.restricted != full.restricted || part.hasEM != full.hasEM) {
					t.Fatalf("%s: user %d, environment %d: part %+v, eval %+v", name, u, e, part, full)
				}
			}
		}
	}
}

// LookupBuiltin compares a non-ASCII name's key once with the built-ins'
// keys: the answers are SameName's.
func TestLookupBuiltinSameAsSameName(t *testing.T) {
	t.Parallel()
	names := []string{"", "Support", "support", "SUPPORT", "Suppor", "Supportt", " Support", "ſupport", "Ｓupport", "Supp\u00f6rt",
		"Administrator", "administrator", "Adminiſtrator", "Ådministrator", "A\u030aministrator", "Administrator\u0301",
		"Standard User", "standard user", "Standard Us\u00e9r", "Standard U\u0073er", "Production Support", "PRODUCTION SUPPORT",
		"Produ\u0109tion Support", "\u212aelvin", "İ", "Équipe Paie 00012", "Zürich Betrieb"}
	for _, n := range names {
		var want BuiltinRole
		ok := false
		for _, b := range builtins {
			if SameName(b.Name, n) {
				want, ok = b, true
				break
			}
		}
		if got, gotOK := LookupBuiltin(n); gotOK != ok || got.Name != want.Name {
			t.Errorf("LookupBuiltin(%q) = %q, %v; SameName finds %q, %v", n, got.Name, gotOK, want.Name, ok)
		}
	}
}
