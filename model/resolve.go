package model

import (
	"slices"
	"sort"
	"strings"
)

// Resolver answers access questions about one account. It is built once per
// account state (NewResolver) and never changes; every question after that
// is answered from its indexes. Build a new one after an edit.
//
// The account given to NewResolver should be free of validation errors; names
// that do not resolve are skipped rather than reported.
type Resolver struct {
	acct    *Account
	roles   []rrole
	roleIdx map[string]int32 // roleKey -> index in roles (indexName)
	// roleExact maps each role's name as spelled to roleIdx's answer for it,
	// so that looking up a canonical spelling needs no lower-casing.
	roleExact map[string]int32
	users     []ruser
	// userIdx maps lower-case emails to users (the last of equal ones). When
	// the users are in Normalize order it is not built: User searches the
	// sorted list, with the same answers.
	userIdx     map[string]int32
	usersSorted bool
	usersUnique bool // no two emails are equal ignoring case
	cyclic      bool // some inheritance chain loops (an invalid account)
	envs        []renv
	envIdx      map[string]int32
	words       int // length of each environment's role bitset
}

type rrole struct {
	name    string
	builtin bool
	parent  int32   // -1: none
	ticks   PrivSet // what the role itself grants (a built-in: all of its privileges)
	set     PrivSet // ticks of the role and all its ancestors (R5, R6), before R4
	// looped: the role's chain loops (R6, an invalid account); set is then
	// the union of the ticks on the chain, the loop included.
	looped bool
}

type ruser struct {
	email string
	roles []int32
	raw   PrivSet // union of held roles' sets (R11), before R4
	eff   PrivSet // raw with R4 applied
}

type renv struct {
	name   string
	listed []uint64 // bitset over role indexes; all zero when open
	ids    []int32  // the listed roles
}

// NewResolver indexes a.
func NewResolver(a *Account) *Resolver { return newResolver(a, false) }

// newResolver is NewResolver; usersSorted says the caller knows a.Users is
// in Normalize order, which saves checking.
func newResolver(a *Account, usersSorted bool) *Resolver {
	r := &Resolver{acct: a}
	r.buildRoles()
	r.buildUsers(usersSorted)
	r.buildEnvs()
	return r
}

// newResolverFrom is newResolver for an account edited from old's, sharing
// the sections in shared with it (the same slices, unchanged): the indexes
// of a shared section are old's, and only the others are built. Resolvers
// never change, so sharing their indexes is safe.
func newResolverFrom(a *Account, usersSorted bool, old *Resolver, shared section) *Resolver {
	if old == nil || old.acct.AdvancedUserSecurity != a.AdvancedUserSecurity {
		return newResolver(a, usersSorted)
	}
	r := &Resolver{acct: a}
	sameRoles := shared&secRoles != 0
	if sameRoles {
		r.roles, r.roleIdx, r.roleExact, r.cyclic = old.roles, old.roleIdx, old.roleExact, old.cyclic
	} else {
		r.buildRoles()
		// The same role names in the same places give the same role ids.
		sameRoles = len(r.roles) == len(old.roles)
		for i := 0; sameRoles && i < len(r.roles); i++ {
			sameRoles = r.roles[i].name == old.roles[i].name
		}
		if sameRoles && shared&secUsers != 0 {
			// Users hold the same role ids; only what the roles grant moved.
			r.users = make([]ruser, len(old.users))
			for i, ou := range old.users {
				ru := ruser{email: ou.email, roles: ou.roles}
				for _, id := range ou.roles {
					ru.raw |= r.roles[id].set
				}
				ru.eff = ru.raw.Closure()
				r.users[i] = ru
			}
			r.userIdx, r.usersSorted, r.usersUnique = old.userIdx, old.usersSorted, old.usersUnique
		}
	}
	if r.users == nil {
		if sameRoles && shared&secUsers != 0 {
			r.users, r.userIdx, r.usersSorted, r.usersUnique = old.users, old.userIdx, old.usersSorted, old.usersUnique
		} else {
			r.buildUsers(usersSorted)
		}
	}
	if sameRoles && shared&secEnvs != 0 {
		r.words, r.envs, r.envIdx = old.words, old.envs, old.envIdx
	} else {
		r.buildEnvs()
	}
	return r
}

// buildRoles indexes the built-in and custom roles and resolves each one's
// privileges along its chain (R5, R6).
func (r *Resolver) buildRoles() {
	a := r.acct
	n := numBuiltins + len(a.Roles)
	r.roles = make([]rrole, 0, n)
	r.roleIdx = make(map[string]int32, n)
	r.roleExact = make(map[string]int32, n)
	for _, b := range builtins {
		if b.NeedsAUS && !a.AdvancedUserSecurity {
			continue
		}
		indexName(r.roleIdx, r.roleExact, b.Name, int32(len(r.roles)))
		r.roles = append(r.roles, rrole{name: b.Name, builtin: true, parent: -1, ticks: b.Privileges, set: b.Privileges})
	}
	for _, cr := range a.Roles {
		if indexName(r.roleIdx, r.roleExact, cr.Name, int32(len(r.roles))) {
			r.roles = append(r.roles, rrole{name: cr.Name, parent: -1, ticks: SetOf(cr.Privileges...)})
		}
	}
	for _, cr := range a.Roles {
		id, _ := r.lookupRole(cr.Name)
		if cr.Inherits != "" {
			if p, ok := r.lookupRole(cr.Inherits); ok && p != id {
				r.roles[id].parent = p
			}
		}
	}
	// Resolve each role's set along its chain, once: walk up (lineage) to
	// the first role resolved already (or the chain's end, or a repeat: a
	// cycle, which validation reports), then fill the sets in down the path.
	state := make([]uint8, len(r.roles)) // 0 new, 1 on the current path, 2 done
	var path []int
	for i := range r.roles {
		if state[i] == 2 {
			continue
		}
		path = path[:0]
		var set PrivSet
		looped := false
		for j := range lineage(i, len(r.roles), r.parentOf) {
			if state[j] == 2 {
				set, looped = r.roles[j].set, r.roles[j].looped
				break
			}
			if state[j] == 1 { // path[k:] is a cycle: each member's chain holds all of it
				for _, c := range path[slices.Index(path, j):] {
					set |= r.roles[c].ticks
				}
				looped = true
				break
			}
			state[j] = 1
			path = append(path, j)
		}
		for k := len(path) - 1; k >= 0; k-- {
			j := path[k]
			set |= r.roles[j].ticks
			r.roles[j].set, r.roles[j].looped = set, looped
			state[j] = 2
		}
		r.cyclic = r.cyclic || looped
	}
}

// parentOf is the parent function of lineage over the resolver's roles.
func (r *Resolver) parentOf(i int) int { return int(r.roles[i].parent) }

// buildUsers indexes the users and their held roles (R11); the roles must be
// built. usersSorted says the caller knows a.Users is in Normalize order.
func (r *Resolver) buildUsers(usersSorted bool) {
	a := r.acct
	r.users = make([]ruser, len(a.Users))
	r.usersSorted = usersSorted || slices.IsSortedFunc(a.Users, func(x, y User) int { return compareFold(x.Email, y.Email) })
	r.usersUnique = true
	if !r.usersSorted {
		r.userIdx = make(map[string]int32, len(a.Users))
	}
	held := 0
	for _, u := range a.Users {
		held += len(u.Roles)
	}
	ids := make([]int32, held) // every user's role ids, one backing array
	for i, u := range a.Users {
		ru := ruser{email: u.Email, roles: ids[:0:len(u.Roles)]}
		ids = ids[len(u.Roles):]
		for _, rn := range u.Roles {
			if id, ok := r.lookupRole(rn); ok {
				ru.roles = append(ru.roles, id)
				ru.raw |= r.roles[id].set
			}
		}
		ru.eff = ru.raw.Closure()
		r.users[i] = ru
		if r.usersSorted {
			if i > 0 && sameLower(a.Users[i-1].Email, u.Email) {
				r.usersUnique = false
			}
		} else {
			r.userIdx[FoldName(u.Email)] = int32(i)
		}
	}
	if !r.usersSorted {
		r.usersUnique = len(r.userIdx) == len(r.users)
	}
}

// buildEnvs indexes the environments' Roles with Access; the roles must be
// built.
func (r *Resolver) buildEnvs() {
	a := r.acct
	r.words = (len(r.roles) + 63) / 64
	r.envs = make([]renv, len(a.Environments))
	r.envIdx = make(map[string]int32, len(a.Environments))
	for i, e := range a.Environments {
		re := renv{name: e.Name, listed: make([]uint64, r.words)}
		for _, rn := range e.RolesWithAccess {
			if id, ok := r.lookupRole(rn); ok {
				re.listed[id/64] |= 1 << (id % 64)
				re.ids = append(re.ids, id)
			}
		}
		r.envs[i] = re
		r.envIdx[FoldName(e.Name)] = int32(i)
	}
}

// Account returns the account the resolver was built from.
func (r *Resolver) Account() *Account { return r.acct }

// User returns the index of the user with that email (ignoring case), or -1.
func (r *Resolver) User(email string) int {
	if r.usersSorted {
		// The last user whose email is not above email ignoring case.
		i := sort.Search(len(r.users), func(i int) bool { return compareLower(r.users[i].email, email) > 0 }) - 1
		if i >= 0 && sameLower(r.users[i].email, email) {
			return i
		}
		return -1
	}
	if i, ok := r.userIdx[FoldName(email)]; ok {
		return int(i)
	}
	return -1
}

// Environment returns the index of the environment called name (ignoring case), or -1.
func (r *Resolver) Environment(name string) int {
	if i, ok := r.envIdx[FoldName(name)]; ok {
		return int(i)
	}
	return -1
}

// NumEnvironments gives the range of environment indexes.
func (r *Resolver) NumEnvironments() int { return len(r.envs) }

func (r *Resolver) roleID(name string) int32 {
	if id, ok := r.lookupRole(name); ok {
		return id
	}
	return -1
}

// lookupRole returns the index of the role called name (roleKey), built-in
// or custom, without computing the key when name is spelled as the role is.
func (r *Resolver) lookupRole(name string) (int32, bool) {
	return lookupName(r.roleIdx, r.roleExact, name)
}

// RolePrivileges returns the privileges a role grants, inheritance included,
// before R4 (R5, R6); ok is false when there is no such role.
func (r *Resolver) RolePrivileges(name string) (PrivSet, bool) {
	id := r.roleID(name)
	if id < 0 {
		return 0, false
	}
	return r.roles[id].set, true
}

// RoleChain returns the role followed by its ancestors, nearest first.
func (r *Resolver) RoleChain(name string) []string {
	var out []string
	for id := range lineage(int(r.roleID(name)), len(r.roles), r.parentOf) {
		out = append(out, r.roles[id].name)
	}
	return out
}

// Privileges returns user u's account-wide privileges with R4 applied (R11).
func (r *Resolver) Privileges(u int) PrivSet { return r.users[u].eff }

func (r *Resolver) listed(e int, role int32) bool {
	return r.envs[e].listed[role/64]&(1<<(role%64)) != 0
}

// envEval is the allocation-free core of every per-environment answer.
type envEval struct {
	reach      bool // R14
	hasEM      bool
	restricted bool
	listedHeld bool // holds a listed role by identity (R13)
	visible    bool
	privs      PrivSet // privileges that count here (R15, R16), R4 applied
	envRead    bool    // Environment Management Read Access applies here (R17)
	envFull    bool    // Environment Management Full Access applies here (R17)
	access     Access
	deploy     bool
	schedule   bool
}

// Access is the configuration access to an environment (R17).
type Access string

const (
	AccessNone  Access = "none"
	AccessRead  Access = "read"
	AccessWrite Access = "write"
)

func (r *Resolver) eval(u, e int) envEval {
	us := &r.users[u]
	env := &r.envs[e]
	var ev envEval
	ev.reach = us.eff.Has(RuntimeManagementRead) // R4 closure: Runtime Management covers it
	ev.hasEM = us.raw.Has(EnvironmentManagement)
	ev.restricted = len(env.ids) > 0
	var listedSet PrivSet
	for _, id := range us.roles {
		if ev.restricted && r.listed(e, id) {
			ev.listedHeld = true
			listedSet |= r.roles[id].set
		}
	}
	if !ev.reach || (ev.restricted && !ev.listedHeld && !ev.hasEM) {
		ev.access = AccessNone
		return ev
	}
	ev.visible = true
	// R15: which roles count here.
	var counting PrivSet
	switch {
	case ev.hasEM, !ev.restricted:
		counting = us.raw
	default:
		counting = listedSet
	}
	counting &^= perEnvSet
	// R15/R16: per-environment privileges only through a listed role, only with AEA on.
	if r.acct.AdvancedEnvironmentAccess && !ev.hasEM {
		ev.envRead = listedSet.Has(EnvironmentRead)
		ev.envFull = listedSet.Has(EnvironmentFull)
		counting |= listedSet & perEnvSet
	}
	ev.privs = counting.Closure()
	// R17
	switch {
	case ev.hasEM:
		ev.access = AccessWrite
	case ev.envFull && !ev.envRead:
		ev.access = AccessWrite
	default:
		ev.access = AccessRead
	}
	// R18
	write := ev.access == AccessWrite
	ev.deploy = write || (ev.privs.Has(PackagedComponentDeployment) && !ev.envRead)
	ev.schedule = write || (ev.privs.Has(Scheduling) && ev.privs.Has(RuntimeManagement) && !ev.envRead)
	return ev
}

// Check reports whether user u holds privilege p, account-wide when e < 0,
// or as it counts inside environment e (R13-R16). It does not allocate.
func (r *Resolver) Check(u int, p Privilege, e int) bool {
	if e < 0 {
		return r.users[u].eff.Has(p)
	}
	ev := r.eval(u, e)
	return ev.visible && ev.privs.Has(p)
}

// Source is one way a user gets a privilege (R11): the role they hold, and
// the chain of parents from that role down to the role that ticks it (empty
// when the held role ticks it itself). ImpliedBy names the privilege that
// role grants when it grants this one only by covering it (R4: "Build Read
// and Write Access" for Build Read Access); it is empty when the privilege
// itself is ticked.
type Source struct {
	Role      string   `json:"role"`
	Via       []string `json:"via"`
	ImpliedBy string   `json:"implied_by,omitempty"`
}

func (s Source) String() string {
	out := s.Role
	if len(s.Via) > 0 {
		out += " (via " + strings.Join(s.Via, " -> ") + ")"
	}
	if s.ImpliedBy != "" {
		out += " through " + s.ImpliedBy + " (R4)"
	}
	return out
}

// coveredSources lists every source of p among roles: those that grant p
// itself (when raw has it), then those that grant a privilege covering it
// (R4), marked with it, unless the same role and chain grant p itself. implied is the covering privilege when raw does not
// have p itself (0 otherwise).
func (r *Resolver) coveredSources(roles []int32, raw PrivSet, p Privilege) (srcs []Source, implied Privilege) {
	if raw.Has(p) {
		srcs = r.sources(roles, p)
	}
	for _, sup := range coverers[p] {
		if !raw.Has(sup) {
			continue
		}
		if !raw.Has(p) && implied == 0 {
			implied = sup
		}
		direct := len(srcs)
		for _, s := range r.sources(roles, sup) {
			if slices.ContainsFunc(srcs[:direct], func(d Source) bool { return d.Role == s.Role && slices.Equal(d.Via, s.Via) }) {
				continue // that role and chain grant p itself already
			}
			s.ImpliedBy = sup.String()
			srcs = append(srcs, s)
		}
	}
	return srcs, implied
}

// coverers is Covers turned around: the privileges that cover each one.
var coverers = func() map[Privilege][]Privilege {
	m := map[Privilege][]Privilege{}
	for sup, covered := range Covers {
		for _, p := range covered {
			m[p] = append(m[p], sup)
		}
	}
	return m
}()

// sources lists every source of p among the given held roles.
func (r *Resolver) sources(roles []int32, p Privilege) []Source {
	var out []Source
	for _, h := range roles {
		if !r.cyclic && !r.roles[h].set.Has(p) {
			continue // nothing on h's chain ticks p (set is exact without cycles)
		}
		var via []string
		for id := range lineage(int(h), len(r.roles), r.parentOf) {
			if id != int(h) {
				via = append(via, r.roles[id].name)
			}
			if r.roles[id].ticks.Has(p) {
				out = append(out, Source{Role: r.roles[h].name, Via: append([]string{}, via...)})
			}
		}
	}
	return out
}

// Grant is one effective privilege with everything that grants it.
type Grant struct {
	Privilege Privilege
	Sources   []Source
	// ImpliedBy is the privilege that covers this one under R4 when the user
	// holds it only that way (0 otherwise). Sources lists the roles that
	// grant the privilege itself, then those that grant a privilege covering
	// it, each marked with that privilege (Source.ImpliedBy).
	ImpliedBy Privilege
}

// grants lists the effective privileges among the given roles, with sources.
// raw is what those roles grant before R4, less what does not count where
// the question is asked.
func (r *Resolver) grants(roles []int32, raw, set PrivSet) []Grant {
	var out []Grant
	for _, p := range set.List() {
		g := Grant{Privilege: p}
		g.Sources, g.ImpliedBy = r.coveredSources(roles, raw, p)
		out = append(out, g)
	}
	return out
}

// Grants returns user u's account-wide privileges with all their sources (R11, R4).
func (r *Resolver) Grants(u int) []Grant {
	return r.grants(r.users[u].roles, r.users[u].raw, r.users[u].eff)
}

// HeldRoles returns the names of the roles user u holds, as the account spells them.
func (r *Resolver) HeldRoles(u int) []string {
	out := make([]string, len(r.users[u].roles))
	for i, id := range r.users[u].roles {
		out[i] = r.roles[id].name
	}
	return out
}

// countingRoles returns the held roles that count inside environment e (R15).
func (r *Resolver) countingRoles(u, e int, ev envEval) []int32 {
	if !ev.visible {
		return nil
	}
	if ev.hasEM || !ev.restricted {
		return r.users[u].roles
	}
	var out []int32
	for _, id := range r.users[u].roles {
		if r.listed(e, id) {
			out = append(out, id)
		}
	}
	return out
}

// EnvGrants returns the privileges that count for user u inside environment e,
// with the sources that count there.
func (r *Resolver) EnvGrants(u, e int) []Grant {
	ev := r.eval(u, e)
	if !ev.visible {
		return nil
	}
	roles, raw := r.counting(u, e)
	return r.grants(roles, raw, ev.privs)
}

// counting returns the held roles that count for user u where the question
// is asked (account-wide when e < 0, else inside environment e, R15), and
// what they grant before R4. Per-environment ticks are left out where they
// do nothing: with Advanced Environment Access off (R16), in an open
// environment, and for holders of Environment Management, whose access they
// cannot change (R4, R15, R17).
func (r *Resolver) counting(u, e int) ([]int32, PrivSet) {
	if e < 0 {
		return r.users[u].roles, r.users[u].raw
	}
	ev := r.eval(u, e)
	roles := r.countingRoles(u, e, ev)
	var raw PrivSet
	for _, id := range roles {
		raw |= r.roles[id].set
	}
	if !r.acct.AdvancedEnvironmentAccess || ev.hasEM || !ev.restricted {
		raw &^= perEnvSet
	}
	return roles, raw
}
