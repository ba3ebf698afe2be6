package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// MessyOptions tunes Messy.
type MessyOptions struct {
	// Dangling makes some users and environments name roles that do not
	// exist (a role deleted in Boomi, a typo in a hand-edited file). Those
	// are validation errors: the account cannot be edited until they are
	// fixed (the TUI shows such a file read-only), but every question is
	// still answered (the resolver skips the names).
	Dangling bool
}

// Messy returns a generated account shaped like the files users have rather
// than the tidy ones Synthetic makes: users users, roles custom roles and
// envs environments, Advanced User Security and Advanced Environment Access
// on, in Normalize order. The same arguments always give the same account.
// Without opts.Dangling it has warnings but no validation errors.
//
// What makes it messy, each in a share of the account:
//   - redundant ticks: roles that tick privileges their parent already
//     grants (R9 warnings), and ticks only covered under R4 (kept);
//   - deep inheritance: besides short chains, chains of up to 40 custom
//     roles (R5, R6); roles that tick nothing and only inherit; roles
//     inheriting Administrator;
//   - per-environment roles without Runtime Management (R14 warnings),
//     per-environment roles listed on no environment and listed roles held
//     by nobody (R19 warnings);
//   - environments listing 60 to 80 roles (a quarter of the restricted
//     ones), built-in roles among them, and open environments (R12);
//   - users with many roles: most hold 1 to 3, one in nine 4 to 12, one in
//     a hundred 20 to 40;
//   - long names: role names up to 100 characters, environment names up
//     to 80, emails over 100; some names with accents (non-ASCII), role
//     references spelled in another case than the role's name ("ops" for
//     "Ops"), emails in mixed case;
//   - with opts.Dangling, role names that name no role on about one user in
//     a hundred (a quarter of whom hold nothing else) and on one restricted
//     environment in ten; otherwise the account is the one without them.
func Messy(users, roles, envs int, seed int64, opts MessyOptions) *Account {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x3e55a11))
	// Dangling names are drawn from their own source, so that the account
	// with them is the one without them, plus them.
	drng := rand.New(rand.NewPCG(uint64(seed), 0xd4ad))
	a := &Account{
		Name:                      fmt.Sprintf("Messy %d users, %d roles, %d environments (seed %d)", users, roles, envs, seed),
		AdvancedUserSecurity:      true,
		AdvancedEnvironmentAccess: true,
		Roles:                     make([]Role, 0, roles),
		Users:                     make([]User, 0, users),
		Environments:              make([]Environment, 0, envs),
	}
	builtinSet := func(name string) PrivSet { b, _ := LookupBuiltin(name); return b.Privileges }

	// Roles. sets[i]: role i's privileges with inheritance (before R4);
	// depth[i]: custom roles on its chain, itself included.
	sets := make([]PrivSet, roles)
	depth := make([]int, roles)
	perEnv := make([]bool, roles)
	chain := -1 // the role at the end of the deep chain being grown
	for i := range roles {
		r := Role{Name: messyRoleName(i, rng)}
		var parent PrivSet
		switch x := rng.IntN(100); {
		case x < 18 || i == 0:
		case x < 40:
			switch y := rng.IntN(100); {
			case y < 3:
				r.Inherits = Administrator
			case y < 40:
				r.Inherits = Support
			case y < 72:
				r.Inherits = ProductionSupport
			default:
				r.Inherits = StandardUser
			}
			parent = builtinSet(r.Inherits)
		default:
			p := chain // grow the deep chain
			if x >= 52 || p < 0 {
				lo := max(0, i-200)
				p = lo + rng.IntN(i-lo)
				for tries := 0; depth[p] >= 40 && tries < 8; tries++ {
					p = lo + rng.IntN(i-lo)
				}
			}
			if depth[p] < 40 {
				r.Inherits = messySpell(a.Roles[p].Name, rng)
				parent = sets[p]
				depth[i] = depth[p]
			}
			if p == chain {
				chain = i
			}
		}
		depth[i]++
		if chain < 0 || depth[chain] >= 40 {
			chain = i // a new deep chain starts here
		}
		covered := parent.Closure()
		tick := func(p Privilege) {
			for _, q := range r.Privileges {
				if q == p {
					return
				}
			}
			r.Privileges = append(r.Privileges, p)
		}
		fresh := func(p Privilege) {
			if !covered.Has(p) {
				tick(p)
			}
		}
		switch x := rng.IntN(100); {
		case x < 15:
			perEnv[i] = true
			if rng.IntN(4) == 0 {
				fresh(RuntimeManagementRead)
			} else {
				fresh(RuntimeManagement)
			}
			if rng.IntN(2) == 0 {
				tick(EnvironmentRead)
			} else {
				tick(EnvironmentFull)
			}
		case x < 17:
			// Per-environment privileges without Runtime Management (R14).
			perEnv[i] = true
			tick(EnvironmentRead)
		case x < 18:
			tick(EnvironmentManagement)
		}
		if rng.IntN(20) > 0 { // one role in twenty ticks nothing of its own
			for n := 1 + rng.IntN(6); n > 0; n-- {
				fresh(synthPrivileges[rng.IntN(len(synthPrivileges))])
			}
		}
		// Redundant ticks: what the parent grants already (R9), and ticks
		// the role's own ticks only cover (R4, kept).
		if parent != 0 && rng.IntN(100) < 45 {
			have := parent.List()
			for n := 1 + rng.IntN(4); n > 0; n-- {
				tick(have[rng.IntN(len(have))])
			}
		}
		if rng.IntN(10) == 0 {
			tick(BuildReadWrite)
			tick(BuildRead)
		}
		switch rng.IntN(4) {
		case 0:
		case 1:
			r.Description = messyDescriptions[rng.IntN(len(messyDescriptions))]
		default:
			r.Description = synthDescriptions[rng.IntN(len(synthDescriptions))]
		}
		sets[i] = parent | SetOf(r.Privileges...)
		perEnv[i] = perEnv[i] || sets[i]&perEnvSet != 0
		a.Roles = append(a.Roles, r)
	}

	// Users, drawing custom roles with a skew (as Synthetic): a few roles
	// are held by many users. Roles past heldLimit are held by nobody.
	heldLimit := roles - roles/20
	rank := rng.Perm(max(heldLimit, 1))
	drawCustom := func() int {
		f := rng.Float64()
		return rank[min(int(float64(heldLimit)*f*f*f), heldLimit-1)]
	}
	held := make([]bool, roles)
	var heldBuiltin [numBuiltins]bool
	dangling := 0
	for i := range users {
		first := messyFirst[rng.IntN(len(messyFirst))]
		last := messyLast[rng.IntN(len(messyLast))]
		u := User{Email: messyEmail(i, first, last, rng), Name: messyDisplayName(first, last, rng)}
		n := 1
		switch x := rng.IntN(1000); {
		case x < 500:
		case x < 750:
			n = 2
		case x < 870:
			n = 3
		case x < 990:
			n = 4 + rng.IntN(9)
		default:
			n = 20 + rng.IntN(21)
		}
		n = min(n, heldLimit+3)
		for len(u.Roles) < n {
			var rn string
			switch x := rng.IntN(1000); {
			case x < 8:
				rn = Administrator
			case x < 60:
				rn = StandardUser
			case x < 90:
				rn = ProductionSupport
			case x < 110 || heldLimit == 0:
				rn = Support
			default:
				k := drawCustom()
				rn = messySpell(a.Roles[k].Name, rng)
				if !messyHolds(u.Roles, rn) {
					held[k] = true
				}
			}
			if !messyHolds(u.Roles, rn) {
				u.Roles = append(u.Roles, rn)
				if b, ok := LookupBuiltin(rn); ok {
					heldBuiltin[messyBuiltinIndex(b.Name)] = true
				}
			}
		}
		if opts.Dangling && drng.IntN(100) == 0 {
			// A role deleted in Boomi, still named in the file; now and
			// then it is all the user holds.
			if drng.IntN(4) == 0 {
				u.Roles = nil
			}
			u.Roles = append(u.Roles, fmt.Sprintf("Deleted Role %04d", dangling))
			dangling++
		}
		a.Users = append(a.Users, u)
	}

	// Environments list held roles (favouring per-environment ones), now and
	// then a role nobody holds (R19) or a built-in role; a quarter of the
	// restricted ones list 60 to 80 roles.
	var pool, perEnvPool, unheld []int
	for i := range a.Roles {
		switch {
		case !held[i]:
			unheld = append(unheld, i)
		case perEnv[i]:
			perEnvPool = append(perEnvPool, i)
			pool = append(pool, i)
		default:
			pool = append(pool, i)
		}
	}
	var builtinPool []string
	for _, b := range []string{Administrator, StandardUser, ProductionSupport, Support} {
		if heldBuiltin[messyBuiltinIndex(b)] {
			builtinPool = append(builtinPool, b)
		}
	}
	listedPerEnv := make([]bool, roles)
	for i := range envs {
		e := Environment{Name: messyEnvName(i, rng), Classification: Test}
		if i%3 == 0 {
			e.Classification = Production
		}
		if len(pool) > 0 && rng.IntN(100) >= 15 {
			n := 1 + rng.IntN(10)
			if rng.IntN(4) == 0 {
				n = 60 + rng.IntN(21)
			}
			n = min(n, len(pool)+len(builtinPool))
			for tries := 0; len(e.RolesWithAccess) < n && tries < 4*n; tries++ {
				var rn string
				switch x := rng.IntN(100); {
				case x < 3 && len(unheld) > 0:
					rn = a.Roles[unheld[rng.IntN(len(unheld))]].Name
				case x < 6 && len(builtinPool) > 0:
					rn = builtinPool[rng.IntN(len(builtinPool))]
				case x < 35 && len(perEnvPool) > 0:
					k := perEnvPool[rng.IntN(len(perEnvPool))]
					rn = messySpell(a.Roles[k].Name, rng)
					listedPerEnv[k] = listedPerEnv[k] || !messyHolds(e.RolesWithAccess, rn)
				default:
					k := pool[rng.IntN(len(pool))]
					rn = messySpell(a.Roles[k].Name, rng)
					if perEnv[k] && !messyHolds(e.RolesWithAccess, rn) {
						listedPerEnv[k] = true
					}
				}
				if !messyHolds(e.RolesWithAccess, rn) {
					e.RolesWithAccess = append(e.RolesWithAccess, rn)
				}
			}
			if opts.Dangling && drng.IntN(10) == 0 && len(e.RolesWithAccess) < 80 {
				e.RolesWithAccess = append(e.RolesWithAccess, fmt.Sprintf("Retired Role %04d", i))
			}
		}
		a.Environments = append(a.Environments, e)
	}
	a.Normalize()
	return a
}

// messyHolds reports whether names holds name, ignoring case (SameName).
func messyHolds(names []string, name string) bool {
	for _, n := range names {
		if SameName(n, name) {
			return true
		}
	}
	return false
}

func messyBuiltinIndex(name string) int {
	for i, b := range builtins {
		if b.Name == name {
			return i
		}
	}
	return 0
}

// messySpell writes a reference to a role as hand-edited files do: mostly
// as the role spells it, sometimes in lower or upper case.
func messySpell(name string, rng *rand.Rand) string {
	switch rng.IntN(20) {
	case 0:
		return strings.ToLower(name)
	case 1:
		return strings.ToUpper(name)
	}
	return name
}

// messyRoleName: short names, long descriptive ones up to 100 characters,
// and now and then one with accents; the number keeps each unique.
func messyRoleName(i int, rng *rand.Rand) string {
	team := synthTeams[rng.IntN(len(synthTeams))]
	job := synthJobs[rng.IntN(len(synthJobs))]
	num := fmt.Sprintf("%05d", i+1)
	switch x := rng.IntN(100); {
	case x < 4:
		return messyAccented[rng.IntN(len(messyAccented))] + " " + num
	case x < 30:
		long := fmt.Sprintf("%s - %s - %s (%s, %s) - %s", team, job, synthRegions[rng.IntN(len(synthRegions))],
			messyQualifiers[rng.IntN(len(messyQualifiers))], messyQualifiers[rng.IntN(len(messyQualifiers))],
			synthDescriptions[rng.IntN(len(synthDescriptions))])
		return messyTruncate(long, MaxRoleName-len(num)-1) + " " + num
	}
	return fmt.Sprintf("%s %s %s %s", team, job, synthRegions[rng.IntN(len(synthRegions))], num)
}

func messyEnvName(i int, rng *rand.Rand) string {
	stage := synthStages[1+(i/3)%(len(synthStages)-1)]
	if i%3 == 0 {
		stage = synthStages[0]
	}
	num := fmt.Sprintf("%04d", i+1)
	switch x := rng.IntN(100); {
	case x < 4:
		return messyAccented[rng.IntN(len(messyAccented))] + " " + stage + " " + num
	case x < 35:
		long := fmt.Sprintf("%s %s - %s - %s runtime cluster", synthTeams[i%len(synthTeams)], stage,
			messyQualifiers[rng.IntN(len(messyQualifiers))], synthRegions[rng.IntN(len(synthRegions))])
		return messyTruncate(long, MaxEnvironmentName-len(num)-1) + " " + num
	}
	return fmt.Sprintf("%s %s %s", synthTeams[i%len(synthTeams)], stage, num)
}

// messyEmail: plain, long (subsidiary domains, contractor tags) or in
// mixed case; the number keeps each unique ignoring case.
func messyEmail(i int, first, last string, rng *rand.Rand) string {
	local := strings.ToLower(messyASCII(first) + "." + messyASCII(last))
	switch x := rng.IntN(100); {
	case x < 20:
		return fmt.Sprintf("%s.%s-contractor.%d@%s", local, strings.ToLower(messyASCII(messyFirst[rng.IntN(len(messyFirst))])), i+1,
			messyDomains[rng.IntN(len(messyDomains))])
	case x < 30:
		return fmt.Sprintf("%s.%s.%d@%s", messyASCII(first), messyASCII(last), i+1, strings.ToUpper(synthDomains[i%len(synthDomains)]))
	}
	return fmt.Sprintf("%s.%d@%s", local, i+1, synthDomains[i%len(synthDomains)])
}

func messyDisplayName(first, last string, rng *rand.Rand) string {
	switch rng.IntN(10) {
	case 0:
		return ""
	case 1:
		return first + " " + messyLast[rng.IntN(len(messyLast))] + "-" + last + " (" + messyQualifiers[rng.IntN(len(messyQualifiers))] + ")"
	}
	return first + " " + last
}

// messyASCII writes a name for an email: accents dropped, other
// non-ASCII letters left out.
func messyASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
		} else if plain, ok := messyPlain[r]; ok {
			b.WriteRune(plain)
		}
	}
	return b.String()
}

var messyPlain = map[rune]rune{'é': 'e', 'è': 'e', 'ë': 'e', 'á': 'a', 'å': 'a', 'í': 'i', 'ï': 'i', 'ı': 'i', 'ó': 'o', 'ö': 'o',
	'ø': 'o', 'ü': 'u', 'ç': 'c', 'ñ': 'n', 'ł': 'l', 'Ł': 'L'}

// messyTruncate cuts s to at most n characters, without a trailing space.
func messyTruncate(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return strings.TrimRight(s, " -(,")
}

var (
	messyQualifiers = []string{"contractors only", "break-glass", "read only", "temporary", "legacy", "SOX scope",
		"migration 2024", "do not use", "owned by the platform team", "approved by security", "nearshore", "on-call rota"}
	messyAccented = []string{"Équipe Paie", "Zürich Betrieb", "São Paulo Operações", "Kraków Wdrożenia", "Malmö Drift",
		"Genève Intégration", "Düsseldorf Qualitätssicherung", "Señor Developers", "Ålesund Støtte", "Besançon Recette"}
	messyDescriptions = []string{
		"Created during the 2021 migration from the old integration platform; several of its privileges duplicate those of the role it inherits, and nobody has dared to clean it up since the team that owned it was reorganised. Review with the platform team before removing anything.",
		"Break-glass role for production incidents. Grants deployment and runtime access; holders must open an incident ticket before using it and the access review checks every holder each quarter.",
		"Copied from Standard User by the previous administrator and ticked by hand; kept because two partner integrations depend on it.",
	}
	messyFirst = []string{"Ada", "Bo", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Mateo", "Nia",
		"Oren", "Pat", "Quinn", "Rita", "Sam", "Tariq", "Uma", "Vik", "Wren", "Xi", "Yara", "Zoë", "José", "Anaïs", "Søren", "Łukasz",
		"Maximilian-Alexander", "Bartholomew"}
	messyLast = []string{"Abara", "Becker", "Costa", "Dubois", "Evans", "Fischer", "García", "Haddad", "Ito", "Jensen", "Kowalski",
		"López", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Singh", "Tanaka", "Ueda", "Varga", "Weber", "Xu",
		"Yılmaz", "Zhang", "Müller", "Brontë", "Ibáñez", "Vanderstraeten-Oosterhuis", "Papadopoulou-Konstantinidou"}
	messyDomains = []string{"emea.subsidiary-division.example-corporation.com", "integration-partners.example.org",
		"contractors.apac.example.net", "example.com"}
)
