package model

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// runExpect binds xs to the demo account and runs them.
func runExpect(t *testing.T, r *Resolver, xs ...Expectation) []ExpectResult {
	t.Helper()
	for i := range xs {
		xs[i].Index = i
	}
	s, probs := Bind(r, xs)
	if len(probs) > 0 {
		t.Fatalf("Bind: %+v", probs)
	}
	return s.Run()
}

func one(user string, cs ...Check) Expectation { return Expectation{User: user, Checks: cs} }

func only(who []string, c Check) Expectation {
	return Expectation{Only: true, Who: who, Checks: []Check{c}}
}

func TestExpectKinds(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	priv := func(p Privilege, env string, want bool) Check {
		return Check{Kind: CheckPrivilege, Privilege: p, Env: env, Want: want}
	}
	cases := []struct {
		name string
		x    Expectation
		pass bool
		in   []string // in the failure's summary and details
	}{
		{"holds account-wide", one("dana@example.com", priv(Execute, "", true)), true, nil},
		{"lacks account-wide", one("dana@example.com", priv(ViewData, "", false)), true, nil},
		{"holds, but expected not", one("ada@example.com", priv(ViewData, "", false)), false,
			[]string{"expected ada@example.com cannot hold View Data, but ada@example.com can hold View Data", "from: Administrator (built-in) has it"}},
		{"lacks, but expected", one("dana@example.com", priv(ViewData, "", true)), false,
			[]string{"cannot hold View Data", "needs View Data (held by none of: Cannot View Data) (R11)"}},
		{"in an environment", one("pat@example.com", priv(PackagedComponentDeployment, "production", true)), true, nil},
		{"not in an environment it does not list", one("pat@example.com", priv(PackagedComponentDeployment, "Test", true)), false,
			[]string{"cannot hold Packaged Component Deployment in Test", "why: denied:"}},
		{"page read-only", one("bo@example.com", Check{Kind: CheckPage, Page: "build", Opens: PageReadOnly}), true, nil},
		{"page not full", one("bo@example.com", Check{Kind: CheckPage, Page: "Build", Opens: PageFull}), false,
			[]string{"expected bo@example.com opens Build fully, but bo@example.com opens Build read-only", "banner: every component opens with a read-only banner"}},
		{"page hidden", one("dana@example.com", Check{Kind: CheckPage, Page: "Audit Logs", Opens: PageHidden}), true, nil},
		{"action refused", one("bo@example.com", Check{Kind: CheckAction, Page: "Build", Action: "save", Want: false}), true, nil},
		{"action allowed, found without its page", one("dana@example.com", Check{Kind: CheckAction, Action: "Re-run Document", Want: true}), true, nil},
		{"action expected, refused", one("dana@example.com", Check{Kind: CheckAction, Action: "View Document", Want: true}), false,
			[]string{"cannot do View Document on Process Reporting", "why: refused: needs View Data"}},
		{"per-environment action", one("wren@example.com", Check{Kind: CheckAction, Action: "Deploy", Want: true}), true, nil},
		{"sees", one("kai@example.com", Check{Kind: CheckSees, Env: "Test", Want: true}), true, nil},
		{"does not see", one("sam@example.com", Check{Kind: CheckSees, Env: "Production", Want: true}), false,
			[]string{"cannot see Production", "hidden"}},
		{"access read", one("kai@example.com", Check{Kind: CheckAccess, Env: "Test", Access: AccessRead}), true, nil},
		{"access not write", one("kai@example.com", Check{Kind: CheckAccess, Env: "Test", Access: AccessWrite}), false,
			[]string{"has read access to Test", "(R17)"}},
		{"deploys through write access", one("wren@example.com", Check{Kind: CheckDeploys, Env: "Production", Want: true}), true, nil},
		{"cannot deploy", one("kai@example.com", Check{Kind: CheckDeploys, Env: "Test", Want: true}), false,
			[]string{"cannot deploy to Test", "why: refused", "environment: visible"}},
		{"schedules", one("ada@example.com", Check{Kind: CheckSchedules, Env: "Production", Want: true}), true, nil},
		{"cannot schedule", one("kai@example.com", Check{Kind: CheckSchedules, Env: "Test", Want: true}), false,
			[]string{"cannot schedule in Test"}},
		{"several checks, one fails", one("dana@example.com", priv(Execute, "", true), priv(ViewData, "", true)), false,
			[]string{"cannot hold View Data"}},
		{"only: exact set", only([]string{"ada@example.com", "pat@example.com", "wren@example.com"}, Check{Kind: CheckDeploys, Env: "Production", Want: true}), true, nil},
		{"only: one added, one missing", only([]string{"ada@example.com", "pat@example.com", "sam@example.com"}, Check{Kind: CheckDeploys, Env: "Production", Want: true}), false,
			[]string{"expected exactly 3 users who can deploy to Production; 1 added, 1 missing", "+ wren@example.com (not listed) can deploy to Production", "- sam@example.com (listed) cannot deploy to Production", "why: allowed: write access, without Packaged Component Deployment (R18, decision)"}},
		{"only: privilege account-wide", only([]string{"ada@example.com"}, priv(UserManagement, "", true)), true, nil},
		{"only: nobody", only(nil, priv(UserManagement, "", true)), false,
			[]string{"expected exactly 0 users who can hold User Management; 1 added, 0 missing", "+ ada@example.com"}},
		{"only: privilege in an environment", only([]string{"ada@example.com", "pat@example.com"}, priv(PackagedComponentDeployment, "Production", true)), true, nil},
		{"only: page", only([]string{"ada@example.com"}, Check{Kind: CheckPage, Page: "Audit Logs", Opens: PageFull}), true, nil},
		{"only: page, missing", only([]string{"ada@example.com", "bo@example.com"}, Check{Kind: CheckPage, Page: "Audit Logs", Opens: PageFull}), false,
			[]string{"who open Audit Logs fully", "- bo@example.com (listed) cannot open Audit Logs (hidden)"}},
		{"only: action", only([]string{"ada@example.com", "kai@example.com", "sam@example.com"}, Check{Kind: CheckAction, Page: "Build", Action: "Save", Want: true}), true, nil},
		{"only: access", only([]string{"ada@example.com", "wren@example.com"}, Check{Kind: CheckAccess, Env: "Production", Access: AccessWrite}), true, nil},
		{"only: sees", only([]string{"ada@example.com"}, Check{Kind: CheckSees, Env: "Production", Want: true}), false,
			[]string{"2 added", "pat@example.com", "wren@example.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runExpect(t, r, tc.x)[0]
			if res.Passed != tc.pass {
				t.Fatalf("passed = %v, want %v: %+v", res.Passed, tc.pass, res.Failures)
			}
			if tc.pass != (len(res.Failures) == 0) {
				t.Fatalf("failures %+v with passed %v", res.Failures, res.Passed)
			}
			var all []string
			for _, f := range res.Failures {
				all = append(all, f.Summary)
				all = append(all, f.Details...)
			}
			text := strings.Join(all, "\n")
			for _, s := range tc.in {
				if !strings.Contains(text, s) {
					t.Errorf("failure lacks %q:\n%s", s, text)
				}
			}
		})
	}
}

func TestExpectOnlyNamesEveryone(t *testing.T) {
	t.Parallel()
	// More users than are explained: every one is named, the first
	// MaxExplained with reasons, and the text says so.
	a := Demo()
	for i := range 15 {
		a.Users = append(a.Users, User{Email: fmt.Sprintf("extra%02d@example.com", i), Roles: []string{Administrator}})
	}
	r := NewResolver(a)
	res := runExpect(t, r, only([]string{"ada@example.com"}, Check{Kind: CheckPrivilege, Privilege: UserManagement, Want: true}))[0]
	if res.Passed || len(res.Failures) != 1 {
		t.Fatalf("%+v", res)
	}
	f := res.Failures[0]
	if len(f.Added) != 15 || len(f.Missing) != 0 {
		t.Fatalf("added %v missing %v", f.Added, f.Missing)
	}
	last := f.Details[len(f.Details)-1]
	if !strings.Contains(last, "reasons are given for the first 10 of 15 users") || !strings.Contains(last, "extra14@example.com") || strings.Contains(last, "extra09@") {
		t.Errorf("last line: %q", last)
	}
	explained := 0
	for _, d := range f.Details {
		if strings.HasPrefix(d, "+ ") {
			explained++
		}
	}
	if explained != MaxExplained {
		t.Errorf("%d users explained, want %d", explained, MaxExplained)
	}
}

func TestExpectBindProblems(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	cases := []struct {
		name string
		x    Expectation
		key  string
		item int
		in   string
	}{
		{"unknown user", one("dan@example.com", Check{Kind: CheckPrivilege, Privilege: Execute, Want: true}), "user", -1, `no user "dan@example.com" in the account (R10); did you mean "dana@example.com"?`},
		{"unknown environment", one("dana@example.com", Check{Kind: CheckSees, Env: "Prod", Want: true}), "env", -1, `no environment "Prod"`},
		{"unknown page", one("dana@example.com", Check{Kind: CheckPage, Page: "Bild", Opens: PageFull}), "page", -1, `did you mean "Build"?`},
		{"unknown action", one("dana@example.com", Check{Kind: CheckAction, Page: "Build", Action: "Sav", Want: true, Key: "can_do"}), "can_do", -1, `no action "Sav" on the Build page; did you mean "Save"?`},
		{"action on no page", one("dana@example.com", Check{Kind: CheckAction, Action: "Fly", Want: true, Key: "can_do"}), "can_do", -1, `no action "Fly" on any page`},
		{"page without actions", one("dana@example.com", Check{Kind: CheckAction, Page: "Dashboard", Action: "Fly", Want: true, Key: "can_do"}), "can_do", -1, `the Dashboard page has no actions`},
		{"unknown user in who", only([]string{"ada@example.com", "nobody@example.com"}, Check{Kind: CheckSees, Env: "Test", Want: true}), "who", 1, `no user "nobody@example.com"`},
		{"user twice in who", only([]string{"ada@example.com", "ADA@example.com"}, Check{Kind: CheckSees, Env: "Test", Want: true}), "who", 1, `listed twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, probs := Bind(r, []Expectation{tc.x})
			if s != nil || len(probs) != 1 {
				t.Fatalf("suite %v, problems %+v", s, probs)
			}
			p := probs[0]
			if p.Key != tc.key || p.Item != tc.item || !strings.Contains(p.Message, tc.in) {
				t.Errorf("got %+v, want key %q item %d and %q", p, tc.key, tc.item, tc.in)
			}
		})
	}
	// An action on several pages needs its page.
	if _, _, why := lookupAction(-1, "Delete"); why != "" {
		t.Errorf("Delete is on one page: %s", why)
	}
}

func TestExpectTitle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		x    Expectation
		want string
	}{
		{Expectation{Name: "mine", User: "a"}, "mine"},
		{one("a@x", Check{Kind: CheckDeploys, Env: "Prod", Want: false}), "a@x cannot deploy to Prod"},
		{one("a@x", Check{Kind: CheckPrivilege, Privilege: Execute, Want: true}, Check{Kind: CheckPage, Page: "Build", Opens: PageHidden}), "a@x can hold Execute, cannot open Build (hidden)"},
		{only([]string{"a", "b"}, Check{Kind: CheckAccess, Env: "Prod", Access: AccessWrite}), "only a and b have write access to Prod"},
		{only([]string{"a"}, Check{Kind: CheckAccess, Env: "Prod", Access: AccessWrite}), "only a has write access to Prod"},
		{only(nil, Check{Kind: CheckSchedules, Env: "Prod", Want: true}), "nobody can schedule in Prod"},
		{only(nil, Check{Kind: CheckAccess, Env: "Prod", Access: AccessWrite}), "nobody has write access to Prod"},
		{one("a@x", Check{Kind: CheckAccess, Env: "Prod", Access: AccessNone}), "a@x has no access to Prod"},
		{only([]string{"a", "b"}, Check{Kind: CheckAccess, Env: "Prod", Access: AccessNone}), "only a and b have no access to Prod"},
		{only([]string{"a", "b", "c", "d", "e"}, Check{Kind: CheckSees, Env: "P", Want: true}), "only a, b and 3 more can see P"},
	} {
		if got := tc.x.Title(); got != tc.want {
			t.Errorf("Title() = %q, want %q", got, tc.want)
		}
	}
}

// TestExpectAgreesWithPreview: the decisions the checks take without their
// reasons are the preview's, the environments list's and Check's, for
// every user, page, action and environment of generated accounts (the
// shortcut through sets of roles included).
func TestExpectAgreesWithPreview(t *testing.T) {
	t.Parallel()
	accts := []*Account{Demo(), Synthetic(60, 25, 6, 3), Messy(80, 30, 8, 5, MessyOptions{})}
	for ai, a := range accts {
		r := NewResolver(a)
		s, probs := Bind(r, nil)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		for u := range a.Users {
			pv := r.Preview(u)
			for p, page := range pv.Pages {
				c := boundCheck{Check: Check{Kind: CheckPage, Opens: page.Access}, pg: p, e: -1}
				if !s.holds(u, &c) {
					t.Fatalf("account %d user %d page %s: preview %s, the check disagrees", ai, u, page.Page, page.Access)
				}
				for ac, act := range page.Actions {
					c := boundCheck{Check: Check{Kind: CheckAction, Want: act.Allowed}, pg: p, ac: ac, e: -1}
					if !s.holds(u, &c) {
						t.Fatalf("account %d user %d %s/%s: preview allowed=%v, the check disagrees", ai, u, page.Page, act.Action, act.Allowed)
					}
				}
			}
			for e, v := range pv.Environments {
				for _, c := range []boundCheck{
					{Check: Check{Kind: CheckSees, Want: v.Visible}, e: e},
					{Check: Check{Kind: CheckAccess, Access: v.Access}, e: e},
					{Check: Check{Kind: CheckDeploys, Want: v.Deploy}, e: e},
					{Check: Check{Kind: CheckSchedules, Want: v.Schedule}, e: e},
				} {
					if !s.holds(u, &c) {
						t.Fatalf("account %d user %d env %s: %v disagrees with %+v", ai, u, v.Environment, c.Kind, v)
					}
				}
			}
		}
	}
}

// benchExpectations makes n expectations about the account of r: four in
// five about one user (every kind), the rest [[only]]s; about one in
// twenty fails. The answers are taken from the suite's own decisions
// (TestExpectAgreesWithPreview checks those against the preview).
func benchExpectations(r *Resolver, n int) []Expectation {
	rng := rand.New(rand.NewPCG(7, 7))
	s, _ := Bind(r, nil)
	users := r.us()
	envs, pagesN := r.NumEnvironments(), len(pages)
	random := func() boundCheck {
		c := boundCheck{e: -1, pg: -1, ac: -1}
		switch k := rng.IntN(8); k {
		case 0, 1:
			c.Kind, c.Privilege = CheckPrivilege, Privilege(1+rng.IntN(numPrivileges))
			if k == 1 {
				c.e = rng.IntN(envs)
			}
		case 2:
			c.Kind, c.pg = CheckPage, rng.IntN(pagesN)
		case 3:
			for c.pg = rng.IntN(pagesN); len(pages[c.pg].Actions) == 0; c.pg = rng.IntN(pagesN) {
			}
			c.Kind, c.ac = CheckAction, rng.IntN(len(pages[c.pg].Actions))
		default:
			c.Kind, c.e = []CheckKind{CheckSees, CheckAccess, CheckDeploys, CheckSchedules}[k-4], rng.IntN(envs)
		}
		if c.pg >= 0 {
			c.Page = pages[c.pg].Name
			if c.ac >= 0 {
				c.Action = pages[c.pg].Actions[c.ac].Name
			}
		}
		if c.e >= 0 {
			c.Env = r.envs[c.e].name
		}
		return c
	}
	// truth sets the expected answer of c to user u's.
	truth := func(u int, c *boundCheck) {
		c.Want, c.Opens, c.Access = true, PageHidden, AccessNone
		if !s.holds(u, c) {
			c.Want = false
		}
		for _, o := range pageAccesses {
			if c.Opens = o; s.holds(u, c) {
				break
			}
		}
		for _, acc := range accesses {
			if c.Access = acc; s.holds(u, c) {
				break
			}
		}
	}
	out := make([]Expectation, 0, n)
	for i := range n {
		c := random()
		if i%5 != 4 {
			u := rng.IntN(len(users))
			truth(u, &c)
			if rng.IntN(20) == 0 {
				c.Want = !c.Want
			}
			out = append(out, Expectation{Index: i, User: users[u].email, Checks: []Check{c.Check}})
			continue
		}
		// An [[only]]: the users it holds for, one of them left out now
		// and then.
		truth(rng.IntN(len(users)), &c)
		var who []string
		for u := range users {
			if s.holds(u, &c) {
				who = append(who, users[u].email)
			}
		}
		if len(who) > 0 && rng.IntN(20) == 0 {
			who = who[1:]
		}
		out = append(out, Expectation{Index: i, Only: true, Who: who, Checks: []Check{c.Check}})
	}
	return out
}

// BenchmarkExpect: 1,000 expectations (benchExpectations) bound and run
// against the messy account of 10,000 users, 1,000 roles and 200
// environments, from a fresh resolver each time (what `rolecall test` does
// once the files are read). Budget: 1 s.
func BenchmarkExpect(b *testing.B) {
	sz := messySizes[0]
	f := benchMessyFixture(sz, false)
	xs := benchExpectations(f.res, 1000)
	b.ReportAllocs()
	defer benchCPU(b)()
	failed := 0
	for i := 0; i < b.N; i++ {
		r := NewResolver(f.acct)
		run := slices.Clone(xs)
		for j := range run {
			run[j].Checks = slices.Clone(xs[j].Checks)
		}
		s, probs := Bind(r, run)
		if len(probs) > 0 {
			b.Fatal(probs)
		}
		failed = 0
		for _, res := range s.Run() {
			if !res.Passed {
				failed++
			}
		}
	}
	b.ReportMetric(float64(failed), "failed")
}

func TestExpectBindOneProblemPerName(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	x := one("dana@example.com", Check{Kind: CheckSees, Env: "Prod", Want: true}, Check{Kind: CheckDeploys, Env: "Prod", Want: true},
		Check{Kind: CheckPage, Page: "Bild", Opens: PageFull}, Check{Kind: CheckAction, Page: "Bild", Action: "Save", Want: true})
	_, probs := Bind(r, []Expectation{x})
	if len(probs) != 2 || probs[0].Key != "env" || probs[1].Key != "page" {
		t.Errorf("problems: %+v", probs)
	}
}

// An [[only]] failure always carries both lists, the empty one as [] (a
// tool reading "missing" of a failure with only users added finds it);
// an [[expect]] failure carries neither.
func TestExpectFailureJSONLists(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	res := runExpect(t, r,
		only(nil, Check{Kind: CheckPrivilege, Privilege: UserManagement, Want: true}),
		one("dana@example.com", Check{Kind: CheckPrivilege, Privilege: ViewData, Want: true}))
	for i, want := range []struct{ has, lacks []string }{
		{[]string{`"added":["ada@example.com"]`, `"missing":[]`}, nil},
		{nil, []string{`"added"`, `"missing"`}},
	} {
		if len(res[i].Failures) != 1 {
			t.Fatalf("result %d: %+v", i, res[i])
		}
		b, err := json.Marshal(res[i].Failures[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range want.has {
			if !strings.Contains(string(b), s) {
				t.Errorf("result %d lacks %s: %s", i, s, b)
			}
		}
		for _, s := range want.lacks {
			if strings.Contains(string(b), s) {
				t.Errorf("result %d has %s: %s", i, s, b)
			}
		}
	}
}
