package model

import (
	"fmt"
	"slices"
	"strings"
)

// Lint is what `rolecall lint` finds in an account: roles to merge or to
// remove, roles that are redundant for a user, and the account's
// effective administrators. Administrators are a list to review, not a
// fault: every account has some.
type Lint struct {
	// Merge lists groups of custom roles whose effective privileges (R4
	// applied, inheritance included) are identical.
	Merge []MergeCandidate `json:"merge_candidates"`
	// GrantsNothing lists the custom roles that grant no privilege
	// (Resolver.GrantsNothing).
	GrantsNothing []RoleFinding `json:"grants_nothing"`
	// Unused lists the custom roles nothing uses: no user holds them, no
	// environment lists them, no account group shares them or gives them to
	// a group user, and no role that is used inherits them.
	Unused []RoleFinding `json:"unused"`
	// Administrators are the holders of User Management, who can give
	// themselves any role, with where they get it.
	Administrators []Holder `json:"administrators"`
	// Redundant lists, per user, the roles that another role they hold
	// covers: removing them all changes nothing for that user.
	Redundant []RedundantRole `json:"redundant_roles"`
}

// Findings is how many things lint asks to fix: everything but the
// administrators.
func (l *Lint) Findings() int {
	return len(l.Merge) + len(l.GrantsNothing) + len(l.Unused) + len(l.Redundant)
}

// MergeCandidate is a set of custom roles that grant the same privileges.
type MergeCandidate struct {
	Roles      []string `json:"roles"`
	Privileges []string `json:"privileges"`
	// SameEnvironments is false when the environments listing the roles in
	// their Roles with Access differ: merging them changes who sees those
	// environments unless the lists are changed with them.
	SameEnvironments bool   `json:"same_environments"`
	Why              string `json:"why"`
}

// RoleFinding is a custom role and what lint found about it.
type RoleFinding struct {
	Role string `json:"role"`
	Why  string `json:"why"`
}

// RedundantRole is a role a user holds that another of their roles covers.
type RedundantRole struct {
	User      string `json:"user"`
	Role      string `json:"role"`
	CoveredBy string `json:"covered_by"`
	Why       string `json:"why"`
}

// Lint finds what Lint lists. Roles a primary shares with this account (a
// member's view, R21) are the primary's to lint as roles (merge candidates,
// grants nothing, unused); a user's own assignment of one in this file is
// this file's, and may be redundant. Roles an account group gives a user
// (R25) cannot be taken from them here: they are never redundant. The cost is linear in
// the users' role assignments and, for each role found covered, in the
// environments.
func (r *Resolver) Lint() Lint {
	l := Lint{Merge: []MergeCandidate{}, GrantsNothing: []RoleFinding{}, Unused: []RoleFinding{}, Redundant: []RedundantRole{}}
	a := r.acct
	users := r.us()

	// Custom roles of this account, by role id.
	custom := make([]bool, len(r.roles))
	for _, role := range a.Roles {
		if id := r.roleID(role.Name); id >= 0 && role.Shared == nil {
			custom[id] = true
		}
	}
	codes := r.lintCodes() // nil when no role carries an unknown code
	codesOf := func(id int32) []string {
		if codes == nil {
			return nil
		}
		return codes[id]
	}
	nothing := make([]bool, len(r.roles))
	for _, role := range a.Roles {
		if id := r.roleID(role.Name); id >= 0 && custom[id] && r.GrantsNothing(role) && len(codesOf(id)) == 0 {
			nothing[id] = true
			l.GrantsNothing = append(l.GrantsNothing, RoleFinding{Role: role.Name, Why: GrantsNothingNote(role)})
		}
	}

	// Used: held, listed, shared or given by a group; then every ancestor
	// of a used role.
	used := make([]bool, len(r.roles))
	for _, u := range users {
		for _, id := range u.roles {
			used[id] = true
		}
	}
	listedOn := make([][]int32, len(r.roles)) // environments listing each role
	for e, env := range r.envs {
		for _, id := range env.ids {
			used[id] = true
			listedOn[id] = append(listedOn[id], int32(e))
		}
	}
	for _, g := range a.Groups {
		for _, rn := range g.SharedRoles {
			if id := r.roleID(rn); id >= 0 {
				used[id] = true
			}
		}
		for _, gu := range g.Users {
			for _, rn := range gu.Roles {
				if id := r.roleID(rn); id >= 0 {
					used[id] = true
				}
			}
		}
	}
	for id := range r.roles {
		if !used[id] {
			continue
		}
		for p := r.roles[id].parent; p >= 0 && !used[p]; p = r.roles[p].parent {
			used[p] = true
		}
	}
	for _, role := range a.Roles {
		if id := r.roleID(role.Name); id >= 0 && custom[id] && !used[id] {
			l.Unused = append(l.Unused, RoleFinding{Role: role.Name, Why: fmt.Sprintf(
				"role %s is unused: no user holds it, no environment lists it, no account group shares it and no role in use inherits it", quote(role.Name))})
		}
	}

	// Merge candidates: custom roles granting something, by their
	// privileges with R4 applied, in the account's order.
	// Roles carrying unknown codes merge only with roles carrying the
	// same ones.
	type grants struct {
		set   PrivSet
		codes string
	}
	bySet := map[grants][]int32{}
	var sets []grants
	for _, role := range a.Roles {
		id := r.roleID(role.Name)
		if id < 0 || !custom[id] || nothing[id] {
			continue
		}
		s := grants{set: r.roles[id].set.Closure(), codes: strings.Join(codesOf(id), " ")}
		if slices.Contains(bySet[s], id) {
			continue
		}
		if _, ok := bySet[s]; !ok {
			sets = append(sets, s)
		}
		bySet[s] = append(bySet[s], id)
	}
	for _, s := range sets {
		ids := bySet[s]
		if len(ids) < 2 {
			continue
		}
		m := MergeCandidate{Privileges: privNames(s.set.List()), SameEnvironments: true}
		for _, id := range ids {
			m.Roles = append(m.Roles, r.roles[id].name)
			if !slices.Equal(listedOn[id], listedOn[ids[0]]) {
				m.SameEnvironments = false
			}
		}
		m.Why = fmt.Sprintf("%s grant the same %s: %s", AndList(quoteAll(m.Roles)), counted(len(m.Privileges), "privilege"), AndList(m.Privileges))
		if s.codes != "" {
			cs := strings.Fields(s.codes)
			if len(m.Privileges) == 0 {
				m.Why = fmt.Sprintf("%s grant the same privileges: none rolecall knows, and the Boomi %s", AndList(quoteAll(m.Roles)), codesText(cs))
			} else {
				m.Why += ", and the Boomi " + codesText(cs)
			}
		}
		if !m.SameEnvironments {
			m.Why += "; the environments listing them differ, so merging them means changing those Roles with Access too"
		}
		l.Merge = append(l.Merge, m)
	}

	l.Administrators = r.WhoCan(UserManagement, -1)
	if l.Administrators == nil {
		l.Administrators = []Holder{}
	}

	// Redundant roles: for each user, a role whose privileges another role
	// they still hold covers, and without which nothing changes for them
	// account-wide or in any environment. Taken away one after another, so
	// that the roles found can all be removed together.
	for u := range users {
		us := &users[u]
		if len(us.roles) < 2 {
			continue
		}
		given := a.Users[u].Groups
		cur := *us
		for _, drop := range us.roles {
			if len(given[r.roles[drop].name]) > 0 {
				continue // an account group gives it (R25)
			}
			set := r.roles[drop].set.Closure()
			cover := int32(-1)
			for _, id := range cur.roles {
				if id != drop && set&^r.roles[id].set.Closure() == 0 && codesCovered(codesOf(drop), codesOf(id)) {
					cover = id
					break
				}
			}
			if cover < 0 {
				continue
			}
			without := r.withoutRole(&cur, drop)
			if !r.sameAccess(&cur, &without) {
				continue
			}
			cur = without
			l.Redundant = append(l.Redundant, RedundantRole{User: us.email, Role: r.roles[drop].name, CoveredBy: r.roles[cover].name,
				Why: fmt.Sprintf("%s grants everything %s does, and without %s nothing changes for %s, account-wide or in any environment",
					quote(r.roles[cover].name), quote(r.roles[drop].name), quote(r.roles[drop].name), quote(us.email))})
		}
	}
	return l
}

// lintCodes is, per role id, the Boomi privilege codes rolecall does not
// know (Role.Codes) that the role carries, its own and its ancestors',
// folded and sorted: they govern nothing in rolecall's answers, but they
// are access in Boomi, so lint never calls a role that carries one empty,
// the same as one without it, or covered by a role without it.
func (r *Resolver) lintCodes() [][]string {
	own := make([][]string, len(r.roles))
	found := false
	for _, role := range r.acct.Roles {
		if id := r.roleID(role.Name); id >= 0 && len(role.Codes) > 0 {
			for _, c := range role.Codes {
				own[id] = append(own[id], strings.ToUpper(strings.TrimSpace(c)))
			}
			found = true
		}
	}
	if !found {
		return nil
	}
	out := make([][]string, len(r.roles))
	for id := range r.roles {
		var cs []string
		seen := 0
		for p := int32(id); p >= 0 && seen <= len(r.roles); p = r.roles[p].parent {
			cs = append(cs, own[p]...)
			seen++
		}
		slices.Sort(cs)
		out[id] = slices.Compact(cs)
	}
	return out
}

// codesText is "code X" or "codes X and Y".
func codesText(cs []string) string {
	if len(cs) == 1 {
		return "code " + cs[0]
	}
	return "codes " + AndList(cs)
}

// codesCovered reports whether every code of a is among those of b (both
// sorted).
func codesCovered(a, b []string) bool {
	for _, c := range a {
		if _, ok := slices.BinarySearch(b, c); !ok {
			return false
		}
	}
	return true
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quote(n)
	}
	return out
}

// withoutRole is user us without role drop (R11).
func (r *Resolver) withoutRole(us *ruser, drop int32) ruser {
	t := ruser{email: us.email, roles: make([]int32, 0, len(us.roles))}
	for _, id := range us.roles {
		if id != drop {
			t.roles = append(t.roles, id)
			t.raw |= r.roles[id].set
		}
	}
	t.eff = t.raw.Closure()
	return t
}

// sameAccess reports whether users x and y get the same account-wide and
// in every environment: the privileges, and what eval decides there
// (visible, access, deploy, schedule, the privileges that count, and
// Environment Management's reach, R12-R18).
func (r *Resolver) sameAccess(x, y *ruser) bool {
	if x.eff != y.eff || x.raw.Has(EnvironmentManagement) != y.raw.Has(EnvironmentManagement) {
		return false
	}
	for e := range r.envs {
		a, b := r.evalOf(x, e, true), r.evalOf(y, e, true)
		if a.visible != b.visible || a.access != b.access || a.deploy != b.deploy || a.schedule != b.schedule ||
			a.privs != b.privs || a.envRead != b.envRead || a.envFull != b.envFull {
			return false
		}
	}
	return true
}
