package model

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// sodAccount: Prod (production) lists Deployer only, Prod2 (production)
// and Dev (test) are open. Releaser inherits Deployer; EnvWriter ticks
// Environment Management Full Access.
//
//	a: Builder, Deployer     b: Builder, Releaser    c: Administrator
//	d: UserAdmin, Auditor    e: Builder              f: EnvWriter, Deployer
func sodAccount(rules ...SoDRule) *Account {
	a := acctOn([]Role{
		role("Builder", "", BuildReadWrite, RuntimeManagementRead),
		role("Deployer", "", PackagedComponentDeployment, RuntimeManagementRead),
		role("Releaser", "Deployer"),
		role("Auditor", "", ViewAuditLogs),
		role("UserAdmin", "", UserManagement),
		role("EnvWriter", "", EnvironmentFull, RuntimeManagement),
	}, []User{
		user("a@x.com", "Builder", "Deployer"),
		user("b@x.com", "Builder", "Releaser"),
		user("c@x.com", Administrator),
		user("d@x.com", "UserAdmin", "Auditor"),
		user("e@x.com", "Builder"),
		user("f@x.com", "EnvWriter", "Deployer"),
	},
		Environment{Name: "Prod", Classification: Production, RolesWithAccess: []string{"Deployer"}},
		Environment{Name: "Prod2", Classification: Production},
		Environment{Name: "Dev", Classification: Test})
	a.SeparationOfDuties = rules
	return a
}

func sodRule(name string, holds, excl []Privilege, scope SoDScope, class Classification, envs ...string) SoDRule {
	return SoDRule{Name: name, Holds: holds, Excludes: excl, Scope: scope, Classification: class, Environments: envs}
}

// sites lists "user@env" ("user" account-wide) of vs.
func sites(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		k := strings.TrimSuffix(v.User, "@x.com")
		for _, s := range v.Sites {
			if len(s.Environments) == 0 {
				out = append(out, k)
			}
			for _, e := range s.Environments {
				out = append(out, k+"@"+e)
			}
		}
	}
	return out
}

func ps(p ...Privilege) []Privilege { return p }

// Each scope finds exactly the users who hold both sides there: account-
// wide by R11 (R4 applied), inside environments by what counts there
// (R13-R16).
func TestSoDViolations(t *testing.T) {
	t.Parallel()
	build, deploy := ps(BuildReadWrite), ps(PackagedComponentDeployment)
	tests := []struct {
		name string
		rule SoDRule
		want []string
	}{
		{"account-wide", sodRule("UM/audit", ps(UserManagement), ps(ViewAuditLogs), SoDAccount, ""), []string{"c", "d"}},
		{"account-wide build/deploy", sodRule("BD", build, deploy, SoDAccount, ""), []string{"a", "b", "c"}},
		// Prod lists only Deployer: a's Builder does not count there (R15),
		// b does not see it (Releaser is not listed by identity, R13); the
		// Administrator holds Environment Management: all roles count.
		{"production environments", sodRule("BD prod", build, deploy, SoDEnvironments, Production), []string{"a@Prod2", "b@Prod2", "c@Prod", "c@Prod2"}},
		{"environments by name, any case", sodRule("BD dev", build, deploy, SoDEnvironments, "", "dev"), []string{"a@Dev", "b@Dev", "c@Dev"}},
		{"every environment", sodRule("BD all", build, deploy, SoDEnvironments, ""), []string{"a@Prod2", "a@Dev", "b@Prod2", "b@Dev", "c@Prod", "c@Prod2", "c@Dev"}},
		// "any of" sides: one privilege of each is enough.
		{"any of several", sodRule("any", ps(Dashboard, UserManagement), ps(Execute, ViewAuditLogs), SoDAccount, ""), []string{"c", "d"}},
		// R4: Build Read and Write Access covers Build Read Access.
		{"covered privilege", sodRule("R4", ps(BuildRead), deploy, SoDAccount, ""), []string{"a", "b", "c"}},
		// R15, R16: Full Access counts only through a listed role; f's
		// EnvWriter is listed nowhere, so in no environment (but
		// account-wide, R11, f holds it).
		{"per-environment privilege in environments", sodRule("full", ps(EnvironmentFull), deploy, SoDEnvironments, ""), []string{"c@Prod", "c@Prod2", "c@Dev"}},
		{"per-environment privilege account-wide", sodRule("full acct", ps(EnvironmentFull), deploy, SoDAccount, ""), []string{"c", "f"}},
		{"only the Administrator", sodRule("none", ps(IntegrationPack), ps(TradingPartnerManagement), SoDAccount, ""), []string{"c"}},
		{"nobody: no one sees Prod with both", sodRule("none", ps(BuildReadWrite), ps(PackagedComponentDeployment), SoDEnvironments, "", "Prod", "Dev"), []string{"a@Dev", "b@Dev", "c@Prod", "c@Dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sodAccount(tt.rule)
			r := mustValid(t, a)
			if got := sites(r.Violations()); !slices.Equal(got, tt.want) {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
		})
	}
}

// The text of a violation names the rule, the user, where, and both
// sides with their provenance: the held role and its chain (R11), the
// covering privilege (R4).
func TestSoDViolationText(t *testing.T) {
	t.Parallel()
	a := sodAccount(
		sodRule("BD prod", ps(BuildRead), ps(PackagedComponentDeployment), SoDEnvironments, Production),
		sodRule("UM/audit", ps(UserManagement), ps(ViewAuditLogs), SoDAccount, ""))
	vs := mustValid(t, a).Violations()
	var lines []string
	for _, v := range vs {
		lines = append(lines, v.Lines()...)
	}
	for _, want := range []string{
		`rule "BD prod" in Prod2: b@x.com holds Build Read Access [from Builder through Build Read and Write Access, which covers it (R4)] and also Packaged Component Deployment [from Releaser (via Deployer)]`,
		`rule "UM/audit" account-wide: d@x.com holds User Management [from UserAdmin] and also View Audit Logs [from Auditor]`,
		`rule "UM/audit" account-wide: c@x.com holds User Management [from Administrator] and also View Audit Logs [from Administrator]`,
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, strings.Join(lines, "\n"))
		}
	}
	for _, v := range vs {
		want := "R11, decision"
		if v.Rule == "BD prod" {
			want = "R15, decision"
		}
		if v.Cite() != want {
			t.Errorf("%s cites %q, want %q", v.Rule, v.Cite(), want)
		}
	}
}

// An edit introduces the sites the account did not have before; one that
// keeps or ends violations introduces none.
func TestNewViolations(t *testing.T) {
	t.Parallel()
	rules := []SoDRule{
		sodRule("BD prod", ps(BuildReadWrite), ps(PackagedComponentDeployment), SoDEnvironments, Production),
		sodRule("UM/audit", ps(UserManagement), ps(ViewAuditLogs), SoDAccount, ""),
	}
	tests := []struct {
		name string
		op   Op
		want []string
	}{
		{"assign makes a new violator", Assign{Email: "e@x.com", Role: "Deployer"}, []string{"e@Prod2"}},
		{"allow makes a new site for an old violator", Allow{Environment: "Prod", Role: "Builder"}, []string{"a@Prod"}},
		{"tick gives a role both sides", Tick{Role: "Auditor", Privilege: UserManagement}, nil}, // d already violates
		{"new user", AddUser{Email: "g@x.com", Roles: []string{"UserAdmin", "Auditor"}}, []string{"g"}},
		{"ending a violation", Unassign{Email: "d@x.com", Role: "Auditor"}, nil},
		{"unrelated", Tick{Role: "Auditor", Privilege: Dashboard}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := sodAccount(rules...)
			mustValid(t, before)
			after, _, err := Apply(before, tt.op)
			if err != nil {
				t.Fatal(err)
			}
			if len(after.SeparationOfDuties) != len(rules) {
				t.Fatalf("the edit lost the rules: %v", after.SeparationOfDuties)
			}
			got := sites(NewViolations(NewResolver(before), NewResolver(after)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("new violations %v, want %v", got, tt.want)
			}
		})
	}
}

// The rules of a file are checked: each mistake is an error naming the
// rule (or a warning for sides that cover each other, R4).
func TestSoDRuleProblems(t *testing.T) {
	t.Parallel()
	ok := sodRule("ok", ps(UserManagement), ps(ViewAuditLogs), SoDAccount, "")
	tests := []struct {
		name string
		rule SoDRule
		sev  Severity
		cite string
		subs string
	}{
		{"no name", sodRule("", ps(UserManagement), ps(ViewAuditLogs), SoDAccount, ""), Error, "R11, decision", "name is empty"},
		{"look-alike name", sodRule("\u043ek", ps(Dashboard), ps(ViewAuditLogs), SoDAccount, ""), Warning, "R7, decision", `looks like separation-of-duties rule "ok"`},
		{"same name", sodRule("OK", ps(Dashboard), ps(ViewAuditLogs), SoDAccount, ""), Error, "R11, decision", "both called"},
		{"empty side", sodRule("x", nil, ps(ViewAuditLogs), SoDAccount, ""), Error, "R11, decision", "no privilege in holds"},
		{"same privilege on both sides", sodRule("x", ps(Dashboard, UserManagement), ps(UserManagement), SoDAccount, ""), Error, "R11, decision", "on both sides"},
		{"covering sides", sodRule("x", ps(BuildReadWrite), ps(BuildRead), SoDAccount, ""), Warning, "R11, decision", "covers the other (R4)"},
		{"no scope", sodRule("x", ps(Dashboard), ps(Execute), "", ""), Error, "R11, decision", "has no scope"},
		{"bad scope", sodRule("x", ps(Dashboard), ps(Execute), "production", ""), Error, "R11, decision", `use "account" or "environments"`},
		{"account scope naming environments", sodRule("x", ps(Dashboard), ps(Execute), SoDAccount, "", "Prod"), Error, "R11, decision", `scope "account"`},
		{"both classification and names", sodRule("x", ps(Dashboard), ps(Execute), SoDEnvironments, Production, "Prod"), Error, "R11, decision", "both a classification and environments"},
		{"bad classification", sodRule("x", ps(Dashboard), ps(Execute), SoDEnvironments, "staging"), Error, "R11, decision", `classification "staging"`},
		{"unknown environment", sodRule("x", ps(Dashboard), ps(Execute), SoDEnvironments, "", "Ghost"), Error, "R12", `names environment "Ghost"`},
		{"environment twice", sodRule("x", ps(Dashboard), ps(Execute), SoDEnvironments, "", "Prod", "PROD"), Error, "R11, decision", "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sodAccount(ok, tt.rule)
			var found []string
			for _, p := range Validate(a) {
				if p.Loc.Section == SectionSoD {
					found = append(found, fmt.Sprintf("%v (%s): %s", p.Severity, p.Cite(), p.Message))
					if p.Severity == tt.sev && p.Cite() == tt.cite && strings.Contains(p.Message, tt.subs) && p.Loc.Index == 1 {
						return
					}
				}
			}
			t.Errorf("want %v (%s) saying %q on rule #2, got %v", tt.sev, tt.cite, tt.subs, found)
		})
	}
	if ps := Validate(sodAccount(ok)); ps.HasErrors() {
		t.Errorf("a good rule has errors: %v", ps)
	}
}

// Removing an environment a rule names is refused: the rule would name
// nothing (R12); the refusal says which rule.
func TestSoDEnvironmentRemovalRefused(t *testing.T) {
	t.Parallel()
	a := sodAccount(sodRule("BD dev", ps(BuildReadWrite), ps(PackagedComponentDeployment), SoDEnvironments, "", "Dev"))
	_, _, err := Apply(a, RemoveEnvironment{Name: "Dev"})
	if err == nil || !strings.Contains(err.Error(), `rule "BD dev" names environment "Dev"`) {
		t.Fatalf("removal not refused with the rule: %v", err)
	}
	// The refusal says what to do, not that the account lacks "Dev" (it has
	// it: the edit is what would remove it).
	if strings.Contains(err.Error(), "does not have") || !strings.Contains(err.Error(), "first") {
		t.Errorf("a confusing refusal: %v", err)
	}
}

// Canonical sorts the rules by name, each side in catalog order once,
// environments spelled as the account spells them; no rules stay nil.
func TestSoDCanonical(t *testing.T) {
	t.Parallel()
	a := sodAccount(
		sodRule("zeta", ps(ViewAuditLogs, UserManagement, UserManagement), ps(Execute), SoDAccount, ""),
		sodRule("Alpha", ps(Dashboard), ps(Execute, 0), SoDEnvironments, "", "prod2", "DEV"))
	c := Canonical(a)
	if c.SeparationOfDuties[0].Name != "Alpha" || c.SeparationOfDuties[1].Name != "zeta" {
		t.Errorf("order: %v", c.SeparationOfDuties)
	}
	if got := c.SeparationOfDuties[0].Environments; !slices.Equal(got, []string{"Dev", "Prod2"}) {
		t.Errorf("environments %v", got)
	}
	if got := c.SeparationOfDuties[1].Holds; !slices.Equal(got, ps(UserManagement, ViewAuditLogs)) {
		t.Errorf("holds %v", got)
	}
	if got := c.SeparationOfDuties[0].Excludes; !slices.Equal(got, ps(Execute)) {
		t.Errorf("excludes %v (an unknown privilege is left out)", got)
	}
	if a.SeparationOfDuties[0].Name != "zeta" || len(a.SeparationOfDuties[0].Holds) != 3 {
		t.Error("Canonical changed its input")
	}
	if Canonical(sodAccount()).SeparationOfDuties != nil {
		t.Error("no rules: not nil")
	}
}

// sodBenchRules are 20 rules an auditor would write: 10 account-wide
// and 10 over environments (production ones, or every one).
func sodBenchRules() []SoDRule {
	pairs := [][2]Privilege{
		{UserManagement, ViewAuditLogs}, {UserManagement, AccountAdministration}, {AccountGroupManagement, ViewAuditLogs},
		{APIAccess, UserManagement}, {BuildReadWrite, PackagedComponentManagement}, {IntegrationPack, UserManagement},
		{CloudManagement, ViewAuditLogs}, {EnvironmentManagement, ViewAuditLogs}, {Licensing, UserManagement}, {Developer, ViewAuditLogs},
		{BuildReadWrite, PackagedComponentDeployment}, {BuildReadWrite, Scheduling}, {BuildRead, PackagedComponentDeployment},
		{PackagedComponentManagement, PackagedComponentDeployment}, {EnvironmentFull, PackagedComponentDeployment},
		{ViewData, PackagedComponentDeployment}, {Execute, BuildReadWrite}, {RuntimeManagement, BuildReadWrite},
		{TradingPartnerManagement, PackagedComponentDeployment}, {ProcessLibrary, Scheduling},
	}
	var out []SoDRule
	for i, p := range pairs {
		r := SoDRule{Name: fmt.Sprintf("rule %d", i), Holds: []Privilege{p[0]}, Excludes: []Privilege{p[1]}, Scope: SoDAccount}
		if i >= 10 {
			r.Scope = SoDEnvironments
			if i%2 == 0 {
				r.Classification = Production
			}
		}
		out = append(out, r)
	}
	return out
}

// BenchmarkViolations: the 20 rules of sodBenchRules on 10,000-user
// accounts: the synthetic one (where most users hold most privileges:
// hundreds of thousands of sites, the worst case) and the messy one
// (what users have).
func BenchmarkViolations(b *testing.B) {
	for _, c := range []struct {
		name string
		a    *Account
	}{{"synthetic", Synthetic(10000, 1000, 200, 1)}, {"messy", Messy(10000, 1000, 200, 1, MessyOptions{})}} {
		b.Run(c.name, func(b *testing.B) {
			a := c.a
			a.SeparationOfDuties = sodBenchRules()
			if ps := Validate(a).Errors(); len(ps) > 0 {
				b.Fatal(ps[0])
			}
			n := 0
			b.ResetTimer()
			for b.Loop() {
				n = CountSites(NewResolver(a).Violations())
			}
			b.ReportMetric(float64(n), "sites")
		})
	}
}

// BenchmarkNewViolations: what one edit (a role given to a user)
// introduces, with the 20 rules on the 10,000-user messy account: both
// states are scanned, and only the new places get their sources.
func BenchmarkNewViolations(b *testing.B) {
	a := Messy(10000, 1000, 200, 1, MessyOptions{})
	a.SeparationOfDuties = sodBenchRules()
	a.Normalize()
	w := NewWorking(a)
	var op Op
	for _, u := range a.Users {
		if !slices.Contains(u.Roles, Administrator) {
			op = Assign{Email: u.Email, Role: Administrator}
			break
		}
	}
	next, _, err := w.Apply(op)
	if err != nil {
		b.Fatal(err)
	}
	before, after := w.Resolver(), next.Resolver()
	n := 0
	b.ResetTimer()
	for b.Loop() {
		n = CountSites(NewViolations(before, after))
	}
	b.ReportMetric(float64(n), "sites")
}

// A pull (Import) keeps the file's rules: Boomi has none.
func TestSoDImportKeepsRules(t *testing.T) {
	t.Parallel()
	file := demoWithCodes()
	file.SeparationOfDuties = []SoDRule{sodRule("UM/audit", ps(UserManagement), ps(ViewAuditLogs), SoDAccount, ""),
		sodRule("prod", ps(BuildReadWrite), ps(PackagedComponentDeployment), SoDEnvironments, Production)}
	empty := &Live{AccountID: "acme-1", Roles: builtinLive()}
	live := applyCalls(t, empty, MakePlan(file, empty))
	im := Import(live, file, Switches{true, true})
	if im.HasErrors() {
		t.Fatalf("import: %v", im.Notes)
	}
	if got, want := Canonical(im.Account).SeparationOfDuties, Canonical(file).SeparationOfDuties; !reflect.DeepEqual(got, want) {
		t.Fatalf("rules after the pull %+v, want %+v", got, want)
	}
	if Import(live, nil, Switches{true, true}).Account.SeparationOfDuties != nil {
		t.Error("a new file got rules")
	}
}

// An edit of a shared role in the primary reaches the members' users
// (R22): the violations it introduces in a member's file, by its rules,
// are found on the member's view; the ones there before are not new.
func TestNewGroupViolations(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	eu := s.Members["members/eu.toml"]
	eu.SeparationOfDuties = []SoDRule{sodRule("RM/deploy", ps(RuntimeManagement), ps(PackagedComponentDeployment), SoDAccount, "")}
	after, _, err := ApplyPrimary(s, Tick{Role: "Ops", Privilege: PackagedComponentDeployment})
	if err != nil {
		t.Fatal(err)
	}
	got := NewGroupViolations(s, after)
	if len(got) != 1 || got[0].File != "members/eu.toml" {
		t.Fatalf("files %+v, want members/eu.toml only", got)
	}
	if users := sites(got[0].Violations); !slices.Equal(users, []string{"solo@eu.com"}) {
		t.Errorf("new violators %v, want solo@eu.com (dep@eu.com and both@x.com broke it before)", users)
	}
	if l := got[0].Violations[0].Lines()[0]; !strings.Contains(l, "Packaged Component Deployment [from Ops (shared) from Acme Primary via EMEA group]") {
		t.Errorf("provenance of the shared role: %s", l)
	}
	if vs := NewGroupViolations(s, s); len(vs) != 0 {
		t.Errorf("no edit, violations %+v", vs)
	}
}

// ViolationList holds Violations' answer: the same violations in the same
// order, whatever order they are asked for in (each is made afresh), and
// as many places as CountSites counts.
func TestViolationListIsViolations(t *testing.T) {
	t.Parallel()
	actions := sodAccount(SoDRule{Name: "build and deploy", Holds: []Privilege{BuildReadWrite}, ExcludesActions: []SoDAction{SoDDeploy},
		Scope: SoDEnvironments, Classification: Production})
	synth := Synthetic(2000, 120, 24, 3) // two workers where there are two processors
	synth.SeparationOfDuties = sodBenchRules()
	messy := Messy(300, 60, 12, 5, MessyOptions{})
	messy.SeparationOfDuties = sodBenchRules()
	for name, a := range map[string]*Account{"actions": actions, "synthetic": synth, "messy": messy, "none": Demo()} {
		t.Run(name, func(t *testing.T) {
			a.Normalize()
			r := NewResolver(a)
			want := r.Violations()
			l := NewResolver(a).ViolationList()
			if l.Len() != len(want) || l.Sites() != CountSites(want) {
				t.Fatalf("ViolationList: %d violations at %d places, Violations: %d at %d", l.Len(), l.Sites(), len(want), CountSites(want))
			}
			if name != "none" && len(want) < 2 {
				t.Fatalf("%d violations: the account should break its rules", len(want))
			}
			order := rand.New(rand.NewPCG(7, uint64(len(want)))).Perm(len(want))
			for _, k := range order {
				if got := l.Violation(k); !reflect.DeepEqual(got, want[k]) {
					t.Fatalf("violation %d:\n got  %+v\n want %+v", k, got, want[k])
				}
			}
		})
	}
}

// An account without rules breaks none, and looking costs nothing: no
// user is indexed for it (a one-off command indexes only whom it asks
// about).
func TestNoRulesIndexesNoUser(t *testing.T) {
	t.Parallel()
	r := NewResolver(Synthetic(300, 20, 5, 1))
	if l := r.ViolationList(); l.Len() != 0 || l.Sites() != 0 || len(r.Violations()) != 0 {
		t.Fatalf("no rule, yet %d violations at %d places", l.Len(), l.Sites())
	}
	if r.usersReady.Load() {
		t.Error("every user was indexed to find that no rule is broken")
	}
}

// A place where a rule is broken costs ViolationList 24 bytes: 100 rules
// on 10,000 users can break at millions of places.
func TestSoDHitSize(t *testing.T) {
	if n := unsafe.Sizeof(sodHit{}); n > 24 {
		t.Errorf("a place takes %d bytes, want at most 24", n)
	}
}
