package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Synthetic returns a generated account shaped like a large Boomi account:
// users users, roles custom roles and envs environments, with Advanced User
// Security and Advanced Environment Access on. The same arguments always
// give the same account (math/rand/v2 PCG seeded from seed), and the result
// has no validation errors.
//
// What it generates:
//   - custom roles that inherit nothing (about a quarter), a built-in role
//     (about a third: Support, Production Support or Standard User; never
//     Administrator, which leaves nothing to tick) or an earlier custom role, so there is no
//     cycle; chains are at most 6 custom roles deep (R5, R6);
//   - each custom role ticks 1 to 4 privileges its parent does not already
//     grant (no R9 warning); about one role in seven is a per-environment
//     role: Runtime Management (or its read-only variant) plus Environment
//     Management Read or Full Access (R15-R17); about one in a hundred
//     ticks Environment Management;
//   - users with 1 to 3 roles, popular roles held by many users (a skewed
//     distribution), a few administrators and Standard Users;
//   - environments, a third of them production, about one in five open (R12),
//     the others listing 1 to 80 roles that some user holds, favouring the
//     per-environment roles; every held per-environment role is listed
//     somewhere when there is a restricted environment (no R19 warning for it).
func Synthetic(users, roles, envs int, seed int64) *Account {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5deece66d))
	a := &Account{
		Name:                      fmt.Sprintf("Synthetic %d users, %d roles, %d environments (seed %d)", users, roles, envs, seed),
		AdvancedUserSecurity:      true,
		AdvancedEnvironmentAccess: true,
		Roles:                     make([]Role, 0, roles),
		Users:                     make([]User, 0, users),
		Environments:              make([]Environment, 0, envs),
	}

	// Roles. sets[i] is role i's privileges with inheritance (before R4);
	// depth[i] the number of custom roles on its chain, itself included.
	sets := make([]PrivSet, roles)
	depth := make([]int, roles)
	perEnv := make([]bool, roles)
	builtinSet := func(name string) PrivSet { b, _ := LookupBuiltin(name); return b.Privileges }
	for i := range roles {
		r := Role{Name: synthRoleName(i, rng)}
		var parent PrivSet
		switch x := rng.IntN(100); {
		case x < 25 || i == 0:
		case x < 58:
			switch y := rng.IntN(100); {
			case y < 40:
				r.Inherits = Support
			case y < 75:
				r.Inherits = ProductionSupport
			default:
				r.Inherits = StandardUser
			}
			parent = builtinSet(r.Inherits)
		default:
			// An earlier custom role, preferring recent ones so chains form;
			// keep chains at most 6 custom roles deep.
			lo := max(0, i-50)
			p := lo + rng.IntN(i-lo)
			for tries := 0; depth[p] >= 6 && tries < 8; tries++ {
				p = lo + rng.IntN(i-lo)
			}
			if depth[p] < 6 {
				r.Inherits = a.Roles[p].Name
				parent = sets[p]
				depth[i] = depth[p]
			}
		}
		depth[i]++
		covered := parent.Closure()
		tick := func(p Privilege) {
			if !covered.Has(p) && !slices.Contains(r.Privileges, p) {
				r.Privileges = append(r.Privileges, p)
			}
		}
		switch x := rng.IntN(100); {
		case x < 14:
			// A per-environment role (Boomi's "Read-Only Environment
			// Management" and "Write and Read Environment" scenarios).
			perEnv[i] = true
			if rng.IntN(4) == 0 {
				tick(RuntimeManagementRead)
			} else {
				tick(RuntimeManagement)
			}
			if covered.Has(EnvironmentRead) || covered.Has(EnvironmentFull) {
				break
			}
			if rng.IntN(2) == 0 {
				tick(EnvironmentRead)
			} else {
				tick(EnvironmentFull)
			}
		case x < 15:
			tick(EnvironmentManagement)
		}
		for n := 1 + rng.IntN(4); n > 0; n-- {
			tick(synthPrivileges[rng.IntN(len(synthPrivileges))])
		}
		if len(r.Privileges) == 0 {
			// Everything drawn was inherited already: tick something the
			// parent lacks, if anything is left.
			for _, p := range synthPrivileges {
				if !covered.Has(p) {
					tick(p)
					break
				}
			}
		}
		if rng.IntN(3) > 0 {
			r.Description = synthDescriptions[rng.IntN(len(synthDescriptions))]
		}
		sets[i] = parent | SetOf(r.Privileges...)
		perEnv[i] = perEnv[i] || sets[i]&perEnvSet != 0
		a.Roles = append(a.Roles, r)
	}

	// Users. Custom roles are drawn with a skew: role k's weight falls with
	// its rank in a shuffled order, so a few roles are held by many users.
	rank := rng.Perm(max(roles, 1))
	drawCustom := func() string {
		// Inverse of a power law over ranks: small ranks are likely.
		f := rng.Float64()
		k := int(float64(roles) * f * f * f)
		k = min(k, roles-1)
		return a.Roles[rank[k]].Name
	}
	held := make(map[string]int, roles+numBuiltins)
	for i := range users {
		first := synthFirst[rng.IntN(len(synthFirst))]
		last := synthLast[rng.IntN(len(synthLast))]
		u := User{
			Email: fmt.Sprintf("%s.%s.%d@%s", strings.ToLower(first), strings.ToLower(last), i+1, synthDomains[i%len(synthDomains)]),
			Name:  first + " " + last,
		}
		n := 1
		switch x := rng.IntN(100); {
		case x < 25:
			n = 2
		case x < 32:
			n = 3
		}
		for len(u.Roles) < n {
			var rn string
			switch x := rng.IntN(1000); {
			case x < 5:
				rn = Administrator
			case x < 60:
				rn = StandardUser
			case x < 90:
				rn = ProductionSupport
			case x < 110 || roles == 0:
				rn = Support
			default:
				rn = drawCustom()
			}
			if !slices.Contains(u.Roles, rn) {
				u.Roles = append(u.Roles, rn)
				held[strings.ToLower(rn)]++
			}
		}
		a.Users = append(a.Users, u)
	}

	// Roles a user holds, in role order: the pools environments list from.
	var heldCustom, heldPerEnv []string
	for i, r := range a.Roles {
		if held[strings.ToLower(r.Name)] == 0 {
			continue
		}
		heldCustom = append(heldCustom, r.Name)
		if perEnv[i] {
			heldPerEnv = append(heldPerEnv, r.Name)
		}
	}
	for _, b := range []string{ProductionSupport, Support, StandardUser} {
		if held[strings.ToLower(b)] > 0 {
			heldCustom = append(heldCustom, b)
		}
	}

	// Environments.
	var restricted []int
	for i := range envs {
		e := Environment{Name: synthEnvName(i), Classification: Test}
		if i%3 == 0 {
			e.Classification = Production
		}
		if len(heldCustom) > 0 && rng.IntN(5) > 0 {
			// Most list a handful of roles, a few list dozens (up to 80).
			n := 1 + rng.IntN(8)
			if rng.IntN(6) == 0 {
				n = 1 + rng.IntN(80)
			}
			n = min(n, len(heldCustom))
			for len(e.RolesWithAccess) < n {
				var rn string
				if len(heldPerEnv) > 0 && rng.IntN(3) == 0 {
					rn = heldPerEnv[rng.IntN(len(heldPerEnv))]
				} else {
					rn = heldCustom[rng.IntN(len(heldCustom))]
				}
				if !slices.Contains(e.RolesWithAccess, rn) {
					e.RolesWithAccess = append(e.RolesWithAccess, rn)
				}
			}
			restricted = append(restricted, i)
		}
		a.Environments = append(a.Environments, e)
	}
	// Every held per-environment role is listed on some restricted
	// environment, so that environment-by-environment access works (R19).
	if len(restricted) > 0 {
		listed := map[string]bool{}
		for _, e := range a.Environments {
			for _, rn := range e.RolesWithAccess {
				listed[rn] = true
			}
		}
		for _, rn := range heldPerEnv {
			if !listed[rn] {
				e := &a.Environments[restricted[rng.IntN(len(restricted))]]
				e.RolesWithAccess = append(e.RolesWithAccess, rn)
			}
		}
	}
	a.Normalize()
	return a
}

// synthPrivileges are the account-wide privileges custom roles tick in
// generated accounts (Environment Management and the per-environment ones
// are ticked on purpose, above).
var synthPrivileges = []Privilege{
	APIAccess, APIMAccess, APIMAPIs, APIMApplications, APIMDashboard, APIMGateway,
	BoomiAssure, BranchCreateModify, BranchDelete, BuildRead, BuildReadWrite,
	CloudManagement, Dashboard, Developer, Execute, IntegrationPack, Licensing,
	PackagedComponentDeployment, PackagedComponentManagement, ProcessLibrary,
	RuntimeManagement, RuntimeManagementRead, Scheduling, TradingPartnerManagement,
	ViewAuditLogs, ViewData, ViewResults, UserManagement,
}

var (
	synthTeams = []string{"Finance", "Sales", "HR", "Supply Chain", "EDI", "Retail", "Payments", "Claims",
		"Logistics", "Marketing", "Data Platform", "Integration", "Partner", "Warehouse", "Billing", "Support Desk"}
	synthJobs = []string{"Developer", "Release Manager", "Operator", "Auditor", "Reviewer", "Deployer",
		"Scheduler", "Analyst", "Architect", "On-call", "Read Only", "Environment Admin", "Tester", "Builder"}
	synthRegions      = []string{"EMEA", "APAC", "NA", "LATAM", "Global"}
	synthDescriptions = []string{
		"Created for the quarterly access review",
		"Least-privilege role for contractors",
		"Separation of duties: no deployment to production",
		"Follows Boomi's custom role scenarios",
		"Temporary role for the migration project",
		"Read-only access for auditors",
	}
	synthFirst = []string{"Ada", "Bo", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kai",
		"Lena", "Mateo", "Nia", "Oren", "Pat", "Quinn", "Rita", "Sam", "Tariq", "Uma", "Vik", "Wren", "Xi", "Yara", "Zoe"}
	synthLast = []string{"Abara", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito",
		"Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Singh",
		"Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhang"}
	synthDomains = []string{"example.com", "example.org", "corp.example.net"}
	synthStages  = []string{"Production", "Test", "QA", "Staging", "Development", "UAT"}
)

// synthRoleName returns a readable, unique role name; the number keeps it unique.
func synthRoleName(i int, rng *rand.Rand) string {
	return fmt.Sprintf("%s %s %s %04d", synthTeams[rng.IntN(len(synthTeams))], synthJobs[rng.IntN(len(synthJobs))],
		synthRegions[rng.IntN(len(synthRegions))], i+1)
}

func synthEnvName(i int) string {
	stage := synthStages[1+(i/3)%(len(synthStages)-1)]
	if i%3 == 0 {
		stage = synthStages[0]
	}
	return fmt.Sprintf("%s %s %03d", synthTeams[i%len(synthTeams)], stage, i+1)
}

// SyntheticRules returns n separation-of-duties rules for a, for load tests
// of validate, report and every edit's check: the same account, n and seed
// always give the same rules. Each rule sets one privilege some custom role
// of a ticks against another, neither covering the other (R4, so no rule
// draws R11's warning), account-wide or inside the environments of one
// classification that a has; no two alike while there are others. With fewer than two
// privileges ticked that do not cover each other there is nothing to set
// apart, and it returns none.
func SyntheticRules(a *Account, n int, seed int64) []SoDRule {
	var ticked PrivSet
	for i := range a.Roles {
		for _, p := range a.Roles[i].Privileges {
			ticked = ticked.With(p)
		}
	}
	// The pairs a rule may set apart: two privileges, neither covering the
	// other. At most 31 x 30 of them, so listing them bounds the work
	// whatever the account ticks.
	type pair struct{ holds, excludes Privilege }
	var pairs []pair
	for _, h := range ticked.List() {
		for _, x := range ticked.List() {
			if !SetOf(h).Closure().Has(x) && !SetOf(x).Closure().Has(h) {
				pairs = append(pairs, pair{h, x})
			}
		}
	}
	if n <= 0 || len(pairs) == 0 {
		return nil
	}
	var classes []Classification
	for _, c := range []Classification{Production, Test} {
		if slices.ContainsFunc(a.Environments, func(e Environment) bool { return e.Classification == c }) {
			classes = append(classes, c)
		}
	}
	// Every rule there can be: each pair account-wide and in each
	// classification the account has, in a random order, taken in turn so
	// that no two rules are alike while there are others to take.
	type kind struct {
		pair
		class Classification // "": account-wide
	}
	kinds := make([]kind, 0, len(pairs)*(1+len(classes)))
	for _, pr := range pairs {
		kinds = append(kinds, kind{pr, ""})
		for _, c := range classes {
			kinds = append(kinds, kind{pr, c})
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x50d50d))
	order := rng.Perm(len(kinds))
	rules := make([]SoDRule, 0, n)
	for len(rules) < n {
		k := kinds[order[len(rules)%len(kinds)]]
		r := SoDRule{
			Name:     fmt.Sprintf("Synthetic rule %d", len(rules)+1),
			Holds:    []Privilege{k.holds},
			Excludes: []Privilege{k.excludes},
			Scope:    SoDAccount,
		}
		if k.class != "" {
			r.Scope, r.Classification = SoDEnvironments, k.class
		}
		rules = append(rules, r)
	}
	return rules
}
