package model

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
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
	// ids is the identity of roleIdx and roleExact: resolvers with the same
	// ids give every role name the same role id.
	ids  *roleIDs
	srcs *sourceCache // WhoCan's sources, shared by resolvers with the same roles
	// userList indexes every user (us), made when first needed: a question
	// about one user before that indexes that user alone (user). userIdx,
	// usersSorted and usersUnique are made with it.
	userList   []ruser
	usersOnce  sync.Once
	usersReady atomic.Bool // userList is made
	sortedHint bool        // the caller knows the users are in Normalize order
	one        atomic.Pointer[oneUser]
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
	// seeing holds CountsCanSee's answers once CountCanSee has asked; it
	// never changes after that (no answer depends on when it is filled).
	seeing atomic.Pointer[[]int]
	// known holds, per privilege, each user's account-wide sources of it
	// (knownHolders), once WhoCan has kept them all.
	known [numPrivileges + 1]atomic.Pointer[knownHolders]
	// groupUsers: 1 when some user has Groups (a member's view, R25), 2
	// when none has; 0 until WhoCan first asks (hasGroupUsers).
	groupUsers atomic.Int32
}

// hasGroupUsers reports whether some user of the account is a group user
// of a member's view (User.Groups set), who alone need groupSources.
func (r *Resolver) hasGroupUsers() bool {
	g := r.groupUsers.Load()
	if g == 0 {
		g = 2
		for i := range r.acct.Users {
			if r.acct.Users[i].Groups != nil {
				g = 1
				break
			}
		}
		r.groupUsers.Store(g)
	}
	return g == 1
}

// oneUser is user u's index, made alone (Resolver.user).
type oneUser struct {
	u  int
	ru ruser
}

// us returns every user's index (R11), made on first use.
func (r *Resolver) us() []ruser {
	if !r.usersReady.Load() {
		r.usersOnce.Do(func() {
			r.buildUsers(r.sortedHint)
			r.usersReady.Store(true)
		})
	}
	return r.userList
}

// user returns user u's index: us()[u] once every user's is made; before
// that, u's alone, made now (or kept from the last call), so that a
// question about one user does not index them all.
func (r *Resolver) user(u int) *ruser {
	if r.usersReady.Load() {
		return &r.userList[u]
	}
	if o := r.one.Load(); o != nil && o.u == u {
		return &o.ru
	}
	au := r.acct.Users[u]
	o := &oneUser{u: u}
	o.ru, _ = r.userOf(au, make([]int32, len(au.Roles)), nil)
	r.one.Store(o)
	return &o.ru
}

// setUsers sets every user's index, made from another resolver's.
func (r *Resolver) setUsers(users []ruser, idx map[string]int32, sorted, unique bool) {
	r.userList, r.userIdx, r.usersSorted, r.usersUnique = users, idx, sorted, unique
	r.usersReady.Store(true)
}

// roleIDs identifies one indexing of role names (Resolver.ids).
type roleIDs struct{ n int }

type rrole struct {
	name    string
	builtin bool
	parent  int32   // -1: none
	ticks   PrivSet // what the role itself grants (a built-in: all of its privileges)
	decided PrivSet // a built-in's privileges held, or not, by decision (§1)
	set     PrivSet // ticks of the role and all its ancestors (R5, R6), before R4
	// looped: the role's chain loops (R6, an invalid account); set is then
	// the union of the ticks on the chain, the loop included.
	looped bool
	// shared: the role is one a primary shares with this member (a view's,
	// R21): its sources are the primary's, said with where they come from.
	shared *SharedFrom
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
	text   *envText // how reasons write it, made when a reason first does
}

// envText is how reasons write an environment: made once, when first
// needed, and shared by the resolvers that share the environment's index
// (which give its roles the same names).
type envText struct {
	once  sync.Once
	roles []rrole // the resolver's roles, whose names the list gives
	list  string  // the listed roles' names in words (joinNames)
	shown string  // the name as reasons write it (nameIn)
}

// words returns how reasons write the environment.
func (e *renv) words() *envText {
	t := e.text
	t.once.Do(func() {
		names := make([]string, len(e.ids))
		for i, id := range e.ids {
			names[i] = t.roles[id].name
		}
		t.list, t.shown = joinNames(names), nameIn(e.name)
		t.roles = nil
	})
	return t
}

// NewResolver indexes a.
func NewResolver(a *Account) *Resolver { return newResolver(a, false) }

// newResolver is NewResolver; usersSorted says the caller knows a.Users is
// in Normalize order, which saves checking.
//
// The users are indexed when first needed (us).
func newResolver(a *Account, usersSorted bool) *Resolver {
	r := &Resolver{acct: a, sortedHint: usersSorted}
	r.buildRoles(nil)
	r.buildEnvs()
	return r
}

// newResolverFrom is newResolver for an account edited from old's, sharing
// the sections in shared with it (the same slices, unchanged): the indexes
// of a shared section are old's, and only the others are built. Resolvers
// never change, so sharing their indexes is safe. sp, when known, says
// what the edit changed in the other sections (old's account being the
// old one, a in Normalize order): only the users and environments it
// changed are indexed again.
func newResolverFrom(a *Account, usersSorted bool, old *Resolver, shared section, sp *spans) *Resolver {
	if old == nil || old.acct.AdvancedUserSecurity != a.AdvancedUserSecurity {
		return newResolver(a, usersSorted)
	}
	r := &Resolver{acct: a, sortedHint: usersSorted}
	sameRoles := shared&secRoles != 0 // the same roles, granting the same
	sameIDs := sameRoles              // the same role names in the same places: the same role ids
	if sameRoles {
		r.roles, r.roleIdx, r.roleExact, r.ids, r.cyclic, r.srcs = old.roles, old.roleIdx, old.roleExact, old.ids, old.cyclic, old.srcs
	} else {
		r.buildRoles(old)
		sameIDs = r.ids == old.ids
		if !sameIDs && len(r.roles) == len(old.roles) {
			sameIDs = true
			for i := 0; sameIDs && i < len(r.roles); i++ {
				sameIDs = r.roles[i].name == old.roles[i].name
			}
		}
	}
	switch {
	case !sameIDs:
		// Indexed when first needed.
	case shared&secUsers != 0 && sameRoles:
		ou := old.us()
		r.setUsers(ou, old.userIdx, old.usersSorted, old.usersUnique)
	case shared&secUsers != 0:
		// Users hold the same role ids; only what the roles grant moved.
		ou := old.us()
		r.setUsers(r.regrant(ou), old.userIdx, old.usersSorted, old.usersUnique)
	case sp != nil && sp.users.ok && usersSorted:
		if ou := old.us(); old.usersSorted && old.usersUnique {
			r.usersIn(ou, sp.users, sameRoles)
		}
	}
	switch {
	case sameIDs && shared&secEnvs != 0:
		r.words, r.envs, r.envIdx = old.words, old.envs, old.envIdx
	case sameIDs && sp != nil && sp.envs.ok && r.envsIn(old, sp.envs):
	default:
		r.buildEnvs()
	}
	return r
}

// regrant returns users holding the same role ids, with what the roles
// grant now.
func (r *Resolver) regrant(users []ruser) []ruser {
	out := make([]ruser, len(users))
	for i, ou := range users {
		ru := ruser{email: ou.email, roles: ou.roles}
		for _, id := range ou.roles {
			ru.raw |= r.roles[id].set
		}
		ru.eff = ru.raw.Closure()
		out[i] = ru
	}
	return out
}

// usersIn indexes the users of an edit that changed the users of sp only
// (old: the resolver of the old account, whose users were in order and
// unique, with the role ids of r): old's users elsewhere, again when the
// roles grant otherwise (not sameRoles), and sp's built.
func (r *Resolver) usersIn(old []ruser, sp span, sameRoles bool) {
	a := r.acct
	kept := old
	if !sameRoles {
		kept = r.regrant(kept)
	}
	users := make([]ruser, len(a.Users))
	copy(users, kept[:sp.lo])
	copy(users[sp.newHi:], kept[sp.oldHi:])
	held := 0
	for _, u := range a.Users[sp.lo:sp.newHi] {
		held += len(u.Roles)
	}
	ids := make([]int32, held)
	for i := sp.lo; i < sp.newHi; i++ {
		users[i], ids = r.userOf(a.Users[i], ids, nil)
	}
	unique := true
	lo, hi := sp.around(len(a.Users))
	for i := lo + 1; i < hi; i++ {
		if sameLower(a.Users[i-1].Email, a.Users[i].Email) {
			unique = false
		}
	}
	r.setUsers(users, nil, true, unique)
}

// userOf indexes user u, taking its role ids' storage from the front of
// ids, which has room for them; it returns the rest. spelled, when not
// nil, keeps the ids of names not spelled as a role is (-1: no role), so
// that each is looked up once.
func (r *Resolver) userOf(u User, ids []int32, spelled map[string]int32) (ruser, []int32) {
	ru := ruser{email: u.Email, roles: ids[:0:len(u.Roles)]}
	for _, rn := range u.Roles {
		id, ok := r.roleExact[rn]
		if !ok && spelled != nil {
			if id, ok = spelled[rn]; !ok {
				id = r.roleID(rn)
				spelled[rn] = id
			}
			ok = id >= 0
		} else if !ok {
			id, ok = r.lookupRole(rn)
		}
		if ok {
			ru.roles = append(ru.roles, id)
			ru.raw |= r.roles[id].set
		}
	}
	ru.eff = ru.raw.Closure()
	return ru, ids[len(u.Roles):]
}

// envsIn indexes the environments of an edit that changed the Roles with
// Access (or classification) of the environments of sp only, keeping
// their names and places (old: the resolver of the old account, with the
// role ids of r): old's environments elsewhere, sp's built. It reports
// false, having done nothing, when sp changed more.
func (r *Resolver) envsIn(old *Resolver, sp span) bool {
	a := r.acct
	if sp.oldHi != sp.newHi || len(a.Environments) != len(old.envs) {
		return false
	}
	for i := sp.lo; i < sp.newHi; i++ {
		if a.Environments[i].Name != old.envs[i].name {
			return false
		}
	}
	r.words, r.envIdx = old.words, old.envIdx
	r.envs = slices.Clone(old.envs)
	for i := sp.lo; i < sp.newHi; i++ {
		r.envs[i] = r.envOf(a.Environments[i])
	}
	return true
}

// buildRoles indexes the built-in and custom roles and resolves each one's
// privileges along its chain (R5, R6). When old (if any) was built from
// custom roles of the same names in the same order, with the same Advanced
// User Security, its indexes of names are shared.
func (r *Resolver) buildRoles(old *Resolver) {
	a := r.acct
	n := numBuiltins + len(a.Roles)
	r.roles = make([]rrole, 0, n)
	r.srcs = &sourceCache{}
	share := old != nil && old.acct.AdvancedUserSecurity == a.AdvancedUserSecurity && sameRoleNames(old.acct.Roles, a.Roles)
	if share {
		r.roleIdx, r.roleExact, r.ids = old.roleIdx, old.roleExact, old.ids
	} else {
		r.roleIdx = make(map[string]int32, n)
		r.roleExact = make(map[string]int32, n)
		r.ids = &roleIDs{}
	}
	for _, b := range builtins {
		if b.NeedsAUS && !a.AdvancedUserSecurity {
			continue
		}
		if !share {
			indexName(r.roleIdx, r.roleExact, b.Name, int32(len(r.roles)))
		}
		r.roles = append(r.roles, rrole{name: b.Name, builtin: true, parent: -1, ticks: b.Privileges, set: b.Privileges, decided: b.Decided})
	}
	for _, cr := range a.Roles {
		// A role whose key an earlier role has is not indexed (indexName);
		// with shared indexes, its spelling maps to that earlier role.
		first := false
		if share {
			first = r.roleExact[cr.Name] == int32(len(r.roles))
		} else {
			first = indexName(r.roleIdx, r.roleExact, cr.Name, int32(len(r.roles)))
		}
		if first {
			rr := rrole{name: cr.Name, parent: -1, ticks: SetOf(cr.Privileges...), shared: cr.Shared}
			if cr.Shared != nil {
				rr.decided = cr.Shared.decided
			}
			r.roles = append(r.roles, rr)
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
// Call it through us.
func (r *Resolver) buildUsers(usersSorted bool) {
	a := r.acct
	r.userList = make([]ruser, len(a.Users))
	// One pass finds both whether the emails are in order (compareFold)
	// and whether two are equal ignoring case (next to each other then).
	r.usersSorted, r.usersUnique = usersSorted, true
	if !usersSorted {
		r.usersSorted = true
		for i := 1; i < len(a.Users); i++ {
			x, y := a.Users[i-1].Email, a.Users[i].Email
			c := compareLower(x, y)
			if c > 0 || c == 0 && x > y {
				r.usersSorted = false
				break
			}
			if c == 0 {
				r.usersUnique = false
			}
		}
	}
	if !r.usersSorted {
		r.userIdx = make(map[string]int32, len(a.Users))
	}
	held := 0
	for _, u := range a.Users {
		held += len(u.Roles)
	}
	ids := make([]int32, held) // every user's role ids, one backing array
	spelled := map[string]int32{}
	for i, u := range a.Users {
		r.userList[i], ids = r.userOf(u, ids, spelled)
		if r.usersSorted {
			if usersSorted && i > 0 && sameLower(a.Users[i-1].Email, u.Email) {
				r.usersUnique = false
			}
		} else {
			r.userIdx[FoldName(u.Email)] = int32(i)
		}
	}
	if !r.usersSorted {
		r.usersUnique = len(r.userIdx) == len(r.userList)
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
		r.envs[i] = r.envOf(e)
		r.envIdx[FoldName(e.Name)] = int32(i)
	}
}

// envOf indexes environment e; the roles and r.words must be set.
func (r *Resolver) envOf(e Environment) renv {
	re := renv{name: e.Name, listed: make([]uint64, r.words)}
	for _, rn := range e.RolesWithAccess {
		if id, ok := r.lookupRole(rn); ok {
			re.listed[id/64] |= 1 << (id % 64)
			re.ids = append(re.ids, id)
		}
	}
	re.text = &envText{roles: r.roles}
	return re
}

// Account returns the account the resolver was built from.
func (r *Resolver) Account() *Account { return r.acct }

// User returns the index of the user with that email (ignoring case), or -1.
func (r *Resolver) User(email string) int {
	if !r.usersReady.Load() {
		// Before the users are indexed (a one-off question): the last user
		// with that email, as the index answers.
		for i := len(r.acct.Users) - 1; i >= 0; i-- {
			if sameLower(r.acct.Users[i].Email, email) {
				return i
			}
		}
		return -1
	}
	if r.usersSorted {
		// The last user whose email is not above email ignoring case.
		users := r.userList
		i := sort.Search(len(users), func(i int) bool { return compareLower(users[i].email, email) > 0 }) - 1
		if i >= 0 && sameLower(users[i].email, email) {
			return i
		}
		return -1
	}
	if i, ok := r.userIdx[FoldName(email)]; ok {
		return int(i)
	}
	return -1
}

// environmentAt is Environment(name) for a name usually of the
// environment at index i (Compare's pairs keep their places): that
// environment, without folding name, when it is spelled so and no two
// environments' names are equal ignoring case.
func (r *Resolver) environmentAt(name string, i int) int {
	envs := r.acct.Environments
	if i >= 0 && i < len(envs) && envs[i].Name == name && len(r.envIdx) == len(envs) {
		return i
	}
	return r.Environment(name)
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
func (r *Resolver) Privileges(u int) PrivSet { return r.user(u).eff }

func (r *Resolver) listed(e int, role int32) bool {
	return r.envs[e].listed[role/64]&(1<<(role%64)) != 0
}

// envEval is the allocation-free core of every per-environment answer. Each
// branch of eval that decides something records which branch it was (the
// *By fields and the sets of what was missing), so that the reasons are
// written from what decided, never by testing the conditions again.
type envEval struct {
	reach      bool // R14
	hasEM      bool
	restricted bool
	listedHeld bool // holds a listed role by identity (R13)
	// filtered: R15 left out something the user's unlisted roles grant
	// (only then is "only the listed roles count" what decides).
	filtered bool
	visible  bool
	visBy    visBy
	privs    PrivSet // privileges that count here (R15, R16), R4 applied
	envRead  bool    // Environment Management Read Access applies here (R17)
	envFull  bool    // Environment Management Full Access applies here (R17)
	access   Access
	accBy    accBy
	deploy   bool
	schedule bool
	// deployLack and scheduleLack are what R18 needed and does not count
	// here (empty when the action is allowed, or refused only because
	// Read Access makes the environment read-only).
	deployLack, scheduleLack PrivSet
}

// visBy says which branch of R12-R14 decided visibility.
type visBy uint8

const (
	visUnreachable visBy = iota // R14: neither Runtime Management privilege
	visNotListed                // R13: restricted, no listed role held
	visEM                       // R13: Environment Management sees every environment
	visOpen                     // R12
	visListed                   // R13: holds a listed role
)

// accBy says which branch of R17 decided configuration access.
type accBy uint8

const (
	accHidden       accBy = iota
	accEM                 // write: Environment Management and Runtime Management
	accEMNoRM             // read: Environment Management without Runtime Management (decision)
	accFull               // write: Full Access through a listed role, Runtime Management
	accFullNoRM           // read: the same without Runtime Management (decision)
	accBoth               // read: Read and Full Access both apply
	accRead               // read: Read Access through a listed role
	accOffFull            // read: Full Access held, Advanced Environment Access off (R16)
	accFullUnlisted       // read: Full Access held, not through a listed role (R15)
	accNone               // read: nothing gives write access
)

// readByDecision reports whether access is read only because of R17's
// decision that write needs Runtime Management itself.
func (b accBy) readByDecision() bool { return b == accEMNoRM || b == accFullNoRM }

// Access is the configuration access to an environment (R17).
type Access string

const (
	AccessNone  Access = "none"
	AccessRead  Access = "read"
	AccessWrite Access = "write"
)

// deployNeeds and scheduleNeeds are what R18 asks to count in an
// environment when access is not write.
const (
	deployNeeds   = PrivSet(1 << PackagedComponentDeployment)
	scheduleNeeds = PrivSet(1<<Scheduling | 1<<RuntimeManagement)
)

// countsHere is R15: whether a role the user holds counts inside the
// environment, given whether the environment lists it. Holders of
// Environment Management get all their roles everywhere; in an open
// environment all roles count; in a restricted one only the listed ones.
func countsHere(ev *envEval, listed bool) bool {
	return ev.hasEM || !ev.restricted || listed
}

// perEnvCounts is R15's exception with R16: the two per-environment
// privileges count only through a role the environment lists, and only
// with Advanced Environment Access on.
func (r *Resolver) perEnvCounts(listed bool) bool {
	return listed && r.acct.AdvancedEnvironmentAccess
}

func (r *Resolver) eval(u, e int) envEval { return r.evalOf(r.user(u), e, true) }

// evalOf is eval of the user us. With full false it stops once it knows
// visible and privs (and, when visible, what countingRoles asks): what
// Check and WhoCan ask of every user.
func (r *Resolver) evalOf(us *ruser, e int, full bool) envEval {
	env := &r.envs[e]
	var ev envEval
	ev.reach = us.eff.Has(RuntimeManagementRead) // R4 closure: Runtime Management covers it
	if !full && !ev.reach {
		ev.access = AccessNone // not visible (R14), whatever else holds
		return ev
	}
	ev.hasEM = us.raw.Has(EnvironmentManagement)
	ev.restricted = len(env.ids) > 0
	var counting, perEnv PrivSet
	for _, id := range us.roles {
		listed := ev.restricted && r.listed(e, id)
		ev.listedHeld = ev.listedHeld || listed
		set := r.roles[id].set
		if countsHere(&ev, listed) {
			counting |= set
		}
		if r.perEnvCounts(listed) {
			perEnv |= set & perEnvSet
		}
	}
	ev.visBy = visibility(&ev)
	if ev.visBy == visUnreachable || ev.visBy == visNotListed {
		ev.access = AccessNone
		return ev
	}
	ev.visible = true
	ev.filtered = ev.visBy == visListed && counting&^perEnvSet != us.raw&^perEnvSet
	ev.privs = (counting&^perEnvSet | perEnv).Closure()
	if !full {
		return ev
	}
	// Read and Full Access decide access only for those without
	// Environment Management, which gives write wherever it is held (R17).
	ev.envRead = !ev.hasEM && perEnv.Has(EnvironmentRead)
	ev.envFull = !ev.hasEM && perEnv.Has(EnvironmentFull)
	ev.access, ev.accBy = r.access(&ev, us)
	write := ev.access == AccessWrite
	ev.deploy, ev.deployLack = r18(write, ev.envRead, ev.privs, deployNeeds)
	ev.schedule, ev.scheduleLack = r18(write, ev.envRead, ev.privs, scheduleNeeds)
	return ev
}

// visibility is R12-R14: whether the user reaches Runtime Management at
// all (R14), and whether the environment is open (R12) or lists a role
// they hold by identity, or they hold Environment Management (R13).
func visibility(ev *envEval) visBy {
	switch {
	case !ev.reach:
		return visUnreachable
	case ev.hasEM:
		return visEM
	case !ev.restricted:
		return visOpen
	case ev.listedHeld:
		return visListed
	}
	return visNotListed
}

// access is R17: configuration access to a visible environment. Write
// needs Runtime Management itself, held account-wide (decision).
func (r *Resolver) access(ev *envEval, us *ruser) (Access, accBy) {
	rm := us.eff.Has(RuntimeManagement)
	switch {
	case ev.hasEM && rm:
		return AccessWrite, accEM
	case ev.hasEM:
		return AccessRead, accEMNoRM
	case ev.envFull && !ev.envRead && rm:
		return AccessWrite, accFull
	case ev.envFull && !ev.envRead:
		return AccessRead, accFullNoRM
	case ev.envFull:
		return AccessRead, accBoth
	case ev.envRead:
		return AccessRead, accRead
	case us.raw.Has(EnvironmentFull) && !r.acct.AdvancedEnvironmentAccess:
		return AccessRead, accOffFull
	case us.raw.Has(EnvironmentFull):
		return AccessRead, accFullUnlisted
	}
	return AccessRead, accNone
}

// r18 decides deploying or scheduling in a visible environment: allowed
// with write access, or when what it needs counts there and Read Access
// has not made the environment read-only. lack is what it needs and does
// not count there.
func r18(write, envRead bool, privs, needs PrivSet) (ok bool, lack PrivSet) {
	lack = needs &^ privs
	if write {
		return true, 0
	}
	return lack == 0 && !envRead, lack
}

// Check reports whether user u holds privilege p, account-wide when e < 0,
// or as it counts inside environment e (R13-R16). It does not allocate
// once every user is indexed, which its first call does: it is the
// question asked of many users.
func (r *Resolver) Check(u int, p Privilege, e int) bool {
	if e < 0 {
		return r.us()[u].eff.Has(p)
	}
	ev := r.evalOf(&r.us()[u], e, false)
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
	// Primary is set when Role is a role a primary shares with this member
	// (R21, R26): the primary account's name; Via is then the role's chain
	// in the primary. Groups are the groups it comes through: those sharing
	// the role with this member, or, for a group user, those giving them
	// the role (R25).
	Primary string   `json:"primary,omitempty"`
	Groups  []string `json:"groups,omitempty"`
	// decided: the role that ticks it is a built-in that holds it by
	// decision (§1); builtin: that role is a built-in role.
	decided, builtin bool
}

// Detail says the source in a sentence: "Ops ticks it", "Ops inherits it
// from Support (Ops -> Support)", "Builder ticks Build Read and Write
// Access, which covers it (R4)".
func (s Source) Detail() string {
	what := "it"
	if s.ImpliedBy != "" {
		what = s.ImpliedBy + ", which covers it (R4)"
	}
	verb := " ticks "
	if s.builtin {
		verb = " (built-in) has "
	}
	if len(s.Via) == 0 {
		return s.roleText() + verb + what + s.through()
	}
	return s.roleText() + " inherits " + what + " from " + nameIn(s.Ticker()) + " (" + chainText(append([]string{s.Role}, s.Via...)) + ")" + s.through()
}

// roleText is the held role as reasons write it: nameIn's, except that
// the suffix of a shared role is ours and not quoted with its name
// ("Cannot View Data (shared)").
func (s Source) roleText() string {
	if base, ok := strings.CutSuffix(s.Role, SharedSuffix); ok && s.Primary != "" {
		return nameIn(base) + SharedSuffix
	}
	return nameIn(s.Role)
}

// through says where a shared role or a group user's role comes from
// (R26, R25): " from Acme Primary via EMEA group", " via EMEA and APAC
// groups"; "" for an account's own role held directly.
func (s Source) through() string {
	out := ""
	if s.Primary != "" {
		out = " from " + nameIn(s.Primary)
	}
	if len(s.Groups) > 0 {
		shown := make([]string, len(s.Groups))
		for i, g := range s.Groups {
			shown[i] = nameIn(g)
		}
		out += " via " + AndList(shown) + " group"
		if len(shown) > 1 {
			out += "s"
		}
	}
	return out
}

// chainText writes a chain of roles: "Ops -> Support".
func chainText(names []string) string {
	shown := make([]string, len(names))
	for i, n := range names {
		shown[i] = nameIn(n)
	}
	return strings.Join(shown, " -> ")
}

// String is the source in words: "Ops (via Support)", "Builder through
// Build Read and Write Access". It cites no rule: the answer it is part of
// cites R4 once when the privilege is held only by being covered.
func (s Source) String() string {
	out := s.roleText()
	if len(s.Via) > 0 {
		out += " (via " + chainText(s.Via) + ")"
	}
	if s.ImpliedBy != "" {
		out += " through " + s.ImpliedBy
	}
	return out + s.through()
}

// Ticker is the role that ticks the privilege: the end of the chain.
func (s Source) Ticker() string {
	if len(s.Via) > 0 {
		return s.Via[len(s.Via)-1]
	}
	return s.Role
}

// coveredSources lists every source of p: the roles in direct whose chain
// grants p itself, then the roles in all whose chain grants a privilege
// covering it (R4), marked with it, unless the same role and chain grant p
// itself. implied is the covering privilege when no role grants p itself
// (0 otherwise).
func (r *Resolver) coveredSources(direct, all []int32, p Privilege) (srcs []Source, implied Privilege) {
	return appendCoveredSources(nil, direct, all, p, r.roleSources)
}

// appendCoveredSources appends coveredSources(direct, all, p) to out, with
// the sources of each role from src (roleSources, or a memo of it), and
// returns out; nothing is appended when there is no source.
func appendCoveredSources(out []Source, direct, all []int32, p Privilege, src func(h int32, p Privilege) []Source) ([]Source, Privilege) {
	start := len(out)
	for _, h := range direct {
		out = append(out, src(h, p)...)
	}
	var implied Privilege
	for _, sup := range coverers()[p] {
		ndirect := len(out) - start
		found := false
		for _, h := range all {
			for _, s := range src(h, sup) {
				found = true
				if slices.ContainsFunc(out[start:start+ndirect], func(d Source) bool { return d.Role == s.Role && slices.Equal(d.Via, s.Via) }) {
					continue // that role and chain grant p itself already
				}
				s.ImpliedBy, s.decided = sup.String(), false
				out = append(out, s)
			}
		}
		if found && ndirect == 0 && implied == 0 {
			implied = sup
		}
	}
	return out, implied
}

// coverers is Covers turned around: the privileges that cover each one.
var coverers = sync.OnceValue(func() map[Privilege][]Privilege {
	m := map[Privilege][]Privilege{}
	for _, sup := range AllPrivileges() {
		for _, p := range Covers[sup] {
			m[p] = append(m[p], sup)
		}
	}
	return m
})

// sources lists every source of p among the given held roles.
func (r *Resolver) sources(roles []int32, p Privilege) []Source {
	var out []Source
	for _, h := range roles {
		out = r.appendRoleSources(out, h, p)
	}
	return out
}

// roleSources lists the sources of p through held role h: one for each
// role on h's chain that ticks p, nearest first.
func (r *Resolver) roleSources(h int32, p Privilege) []Source { return r.appendRoleSources(nil, h, p) }

func (r *Resolver) appendRoleSources(out []Source, h int32, p Privilege) []Source {
	if !r.cyclic && !r.roles[h].set.Has(p) {
		return out // nothing on h's chain ticks p (set is exact without cycles)
	}
	if sh := r.roles[h].shared; sh != nil {
		// The primary's sources, through the role's chain there (R21).
		for _, s := range sh.sources[p] {
			s.Role, s.Primary, s.Groups = r.roles[h].name, sh.Primary, sh.Groups
			out = append(out, s)
		}
		return out
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
	return out
}

// sourceCache keeps, for each privilege WhoCan asked about, every role's
// sources of it (privSources): they depend on the roles alone, so that
// resolvers sharing their roles share one. It is filled when first asked
// and never changed after.
type sourceCache struct {
	of [numPrivileges + 1]atomic.Pointer[privSources]
	// held is what the privileges' sets memos keep (setMemo), in bytes;
	// they keep no more once it would pass limit (setMemoLimit when 0).
	held  atomic.Int64
	limit int64
}

// setMemoLimit is how much the sets memos of one sourceCache keep at most,
// in bytes: enough for the questions about six privileges, account-wide and
// in every environment, at 10,000 users on the accounts users have (18 MB;
// every privilege account-wide would take 34 MB), and no more whatever the
// account.
const setMemoLimit = 24 << 20

// privSources is every role's sources of one privilege p.
type privSources struct {
	roles [][]Source // per role id h: roleSources(h, p), capped
	// one[h] is what coveredSources([h], [h], p) gives, capped (the
	// sources of a holder of h alone), and oneBy[h] its covering privilege.
	one   [][]Source
	oneBy []Privilege
	sets  setMemo
}

// privSources returns every role's sources of p, from the cache.
func (r *Resolver) privSources(p Privilege) *privSources {
	if ps := r.srcs.of[p].Load(); ps != nil {
		return ps
	}
	n := len(r.roles)
	ps := &privSources{roles: r.everyRoleSources(p), oneBy: make([]Privilege, n)}
	sups := make([]*privSources, len(coverers()[p]))
	for k, sup := range coverers()[p] {
		sups[k] = r.privSources(sup)
	}
	src := func(h int32, q Privilege) []Source {
		if q == p {
			return ps.roles[h]
		}
		return sups[slices.Index(coverers()[p], q)].roles[h]
	}
	// A holder of one role alone has its sources of p, the same slice,
	// unless something covering p comes through it (R4).
	ps.one = ps.roles
	if len(sups) > 0 {
		ps.one = make([][]Source, n)
		for h := range n {
			if !slices.ContainsFunc(sups, func(sup *privSources) bool { return len(sup.roles[h]) > 0 }) {
				ps.one[h] = ps.roles[h] // coveredSources([h], [h], p)
				continue
			}
			hs := []int32{int32(h)}
			srcs, implied := appendCoveredSources(nil, hs, hs, p, src)
			ps.one[h], ps.oneBy[h] = slices.Clip(srcs), implied
		}
	}
	// Another goroutine may have filled it meanwhile, with the same
	// sources: its is the one, whose setMemo every question shares.
	if !r.srcs.of[p].CompareAndSwap(nil, ps) {
		return r.srcs.of[p].Load()
	}
	return ps
}

// everyRoleSources returns roleSources(h, p) for every role h, capped:
// the same sources, in two backing arrays (the sources, and the names of
// their Via lists, those of one role sharing one list's prefixes), counted
// first, rather than a few allocations per role.
func (r *Resolver) everyRoleSources(p Privilege) [][]Source {
	out := make([][]Source, len(r.roles))
	nsrc, nvia := 0, 0
	for h := range r.roles {
		if !r.cyclic && !r.roles[h].set.Has(p) {
			continue // as appendRoleSources
		}
		if sh := r.roles[h].shared; sh != nil {
			nsrc += len(sh.sources[p])
			continue
		}
		depth := 0 // names passed since the last written
		// lineage(h), written out: each role on h's chain, up to n+1 of
		// them when it loops.
		for id, steps := h, 0; id >= 0 && steps <= len(r.roles); id, steps = int(r.roles[id].parent), steps+1 {
			if id != h {
				depth++
			}
			if r.roles[id].ticks.Has(p) {
				nsrc++
				nvia += depth
				depth = 0
			}
		}
	}
	if nsrc == 0 {
		return out
	}
	srcs := make([]Source, 0, nsrc)
	vias := make([]string, 0, nvia)
	var chain []int32
	for h := range r.roles {
		if !r.cyclic && !r.roles[h].set.Has(p) {
			continue
		}
		start := len(srcs)
		if sh := r.roles[h].shared; sh != nil {
			for _, s := range sh.sources[p] {
				s.Role, s.Primary, s.Groups = r.roles[h].name, sh.Primary, sh.Groups
				srcs = append(srcs, s)
			}
		} else {
			// The names on h's chain, written as far as the sources
			// need them: chain holds the ancestors passed.
			from := len(vias)
			chain = chain[:0]
			for id, steps := h, 0; id >= 0 && steps <= len(r.roles); id, steps = int(r.roles[id].parent), steps+1 {
				if id != h {
					chain = append(chain, int32(id))
				}
				if !r.roles[id].ticks.Has(p) {
					continue
				}
				depth := len(chain)
				for _, a := range chain[len(vias)-from:] {
					vias = append(vias, r.roles[a].name)
				}
				via := noVia
				if depth > 0 {
					via = vias[from : from+depth : from+depth]
				}
				srcs = append(srcs, Source{Role: r.roles[h].name, Via: via, decided: r.roles[id].decided.Has(p), builtin: r.roles[id].builtin})
			}
		}
		if len(srcs) > start {
			out[h] = srcs[start:len(srcs):len(srcs)]
		}
	}
	return out
}

// noVia is the Via of a source through the role that ticks the privilege
// itself: empty, not nil, as appendRoleSources gives it.
var noVia = []string{}

// sourceMemo is WhoCan's view of the cache: the sources of p and of the
// privileges covering it. The slices it returns are shared, Via included:
// they must not be changed.
type sourceMemo struct {
	p    Privilege
	ps   *privSources
	sups []*privSources // per coverers()[p]
}

func newSourceMemo(r *Resolver, p Privilege) *sourceMemo {
	m := &sourceMemo{p: p, ps: r.privSources(p)}
	for _, sup := range coverers()[p] {
		m.sups = append(m.sups, r.privSources(sup))
	}
	return m
}

// single returns coveredSources([h], [h], p) for the memo's privilege p.
func (m *sourceMemo) single(h int32) ([]Source, Privilege) { return m.ps.one[h], m.ps.oneBy[h] }

// most returns how many sources appendCoveredSources(out, direct, all,
// p, m.sources) may append at most (none when it appends none), and sole:
// the one role they all come from, from one place in direct and one in
// all at most, when that is single(sole)'s answer; else -1.
func (m *sourceMemo) most(direct, all []int32) (n int, sole int32) {
	sole = -1
	many := false
	for _, h := range direct {
		if k := len(m.ps.roles[h]); k > 0 {
			many = many || sole >= 0 // a second place, even h again
			sole = h
			n += k
		}
	}
	for _, sup := range m.sups {
		seen := false // a place in all gave sources of sup already
		for _, h := range all {
			if k := len(sup.roles[h]); k > 0 {
				many = many || seen || sole >= 0 && sole != h
				seen, sole = true, h
				n += k
			}
		}
	}
	if many || sole < 0 {
		return n, -1
	}
	// Every source sole has of p and of the privileges covering it,
	// each list once, as single(sole) has them: no fewer.
	k := len(m.ps.roles[sole])
	for _, sup := range m.sups {
		k += len(sup.roles[sole])
	}
	if k != n {
		sole = -1
	}
	return n, sole
}

// setKey appends to key what appendCoveredSources(out, direct, all, p,
// m.sources) depends on, the key of setMemo: the roles of direct with
// sources of p, in order, a 0, then the roles of all with sources of a
// privilege covering p, in order, each written as the uvarint of its id
// plus one (which has no 0 byte). Roles without sources add none, so that
// holders whose other roles differ share a key.
func (m *sourceMemo) setKey(key []byte, direct, all []int32) []byte {
	for _, h := range direct {
		if len(m.ps.roles[h]) > 0 {
			key = binary.AppendUvarint(key, uint64(h)+1)
		}
	}
	key = append(key, 0)
	for _, h := range all {
		for _, sup := range m.sups {
			if len(sup.roles[h]) > 0 {
				key = binary.AppendUvarint(key, uint64(h)+1)
				break
			}
		}
	}
	return key
}

// sources is roleSources(h, q) for q the memo's privilege or one
// covering it.
func (m *sourceMemo) sources(h int32, q Privilege) []Source {
	if q == m.p {
		return m.ps.roles[h]
	}
	return m.sups[slices.Index(coverers()[m.p], q)].roles[h]
}

// decidedGrant reports whether a privilege with these sources is held only
// by our decision: every source is a built-in role holding it by decision.
func decidedGrant(srcs []Source) bool {
	if len(srcs) == 0 {
		return false
	}
	for _, s := range srcs {
		if !s.decided {
			return false
		}
	}
	return true
}

// missingByDecision reports whether user u lacks p by our decision: a
// built-in role they hold lacks it by decision (§1).
func (r *Resolver) missingByDecision(u int, p Privilege) bool {
	for _, h := range r.user(u).roles {
		for id := range lineage(int(h), len(r.roles), r.parentOf) {
			if rr := &r.roles[id]; rr.builtin && rr.decided.Has(p) && !rr.set.Has(p) {
				return true
			}
		}
	}
	return false
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

// From says where the privilege comes from, in words, citing R4 once when
// it is held only by being covered: "Ops (via Support)", "Builder through
// Build Read and Write Access, which covers it (R4)".
func (g Grant) From() string { return fromText(g.Sources, g.ImpliedBy) }

func fromText(srcs []Source, implied Privilege) string {
	parts := make([]string, len(srcs))
	for i, s := range srcs {
		parts[i] = s.String()
	}
	out := strings.Join(parts, ", ")
	if implied != 0 {
		out += ", which covers it (R4)"
	}
	return out
}

// grantWhy is the step of an answer that rests on holding p where held
// counts: R11 with its sources, marked a decision when only a decision
// grants it and nothing held covers it (§1: Standard User's Build Read
// Access "changes nothing" beside Build Read and Write Access), and R4
// when it is held only by being covered.
func grantWhy(p Privilege, srcs []Source, implied Privilege, held PrivSet) []Step {
	dec := decidedGrant(srcs)
	for _, sup := range coverers()[p] {
		dec = dec && !held.Has(sup)
	}
	out := []Step{stepIf("R11", dec, p.String()+" from "+fromText(srcs, 0))}
	if implied != 0 {
		out = append(out, step("R4", implied.String()+" covers it"))
	}
	return out
}

// grants lists the effective privileges of set, with sources among the
// roles that count (all) and, for the per-environment privileges, among
// perEnv (the roles through which they count).
func (r *Resolver) grants(all, perEnv []int32, set PrivSet) []Grant {
	var out []Grant
	for _, p := range set.List() {
		g := Grant{Privilege: p}
		g.Sources, g.ImpliedBy = r.coveredSources(directRoles(p, all, perEnv), all, p)
		out = append(out, g)
	}
	return out
}

// directRoles is the roles through which p itself counts: perEnv for the
// two per-environment privileges (R15), all for the others.
func directRoles(p Privilege, all, perEnv []int32) []int32 {
	if perEnvSet.Has(p) {
		return perEnv
	}
	return all
}

// Grants returns user u's account-wide privileges with all their sources (R11, R4).
func (r *Resolver) Grants(u int) []Grant {
	return r.byGroups(u, r.grants(r.user(u).roles, r.user(u).roles, r.user(u).eff))
}

// byGroups marks the sources of gs with the groups that give user u each
// role, when u is a group user of a member's view (R25); gs is changed in
// place, its sources copied.
func (r *Resolver) byGroups(u int, gs []Grant) []Grant {
	if au := r.userAt(u); au == nil || au.Groups == nil {
		return gs
	}
	for i := range gs {
		gs[i].Sources = r.groupSources(u, gs[i].Sources)
	}
	return gs
}

// groupSources returns srcs, copied with their groups when user u is a
// group user of a member's view (R25); srcs itself otherwise.
func (r *Resolver) groupSources(u int, srcs []Source) []Source {
	au := r.userAt(u)
	if au == nil || au.Groups == nil || len(srcs) == 0 {
		return srcs
	}
	out := make([]Source, len(srcs))
	for i, s := range srcs {
		if gs, ok := au.Groups[s.Role]; ok {
			s.Groups = gs
		}
		out[i] = s
	}
	return out
}

// HeldRoles returns the names of the roles user u holds, as the account spells them.
func (r *Resolver) HeldRoles(u int) []string {
	out := make([]string, len(r.user(u).roles))
	for i, id := range r.user(u).roles {
		out[i] = r.roles[id].name
	}
	return out
}

// countingRoles returns the held roles that count inside environment e
// (R15), and those through which the per-environment privileges count
// there, as eval decided them.
func (r *Resolver) countingRoles(u, e int, ev *envEval) (all, perEnv []int32) {
	return r.appendCountingRoles(nil, nil, u, e, ev)
}

// appendCountingRoles is countingRoles appending to all and perEnv.
func (r *Resolver) appendCountingRoles(all, perEnv []int32, u, e int, ev *envEval) ([]int32, []int32) {
	if !ev.visible {
		return all, perEnv
	}
	for _, id := range r.user(u).roles {
		listed := ev.restricted && r.listed(e, id)
		if countsHere(ev, listed) {
			all = append(all, id)
		}
		if r.perEnvCounts(listed) {
			perEnv = append(perEnv, id)
		}
	}
	return all, perEnv
}

// EnvGrants returns the privileges that count for user u inside environment e,
// with the sources that count there.
func (r *Resolver) EnvGrants(u, e int) []Grant {
	ev := r.eval(u, e)
	if !ev.visible {
		return nil
	}
	all, perEnv := r.countingRoles(u, e, &ev)
	return r.byGroups(u, r.grants(all, perEnv, ev.privs))
}

// holderSources returns the sources of p for user u where the question is
// asked (account-wide when e < 0), and the covering privilege when p is
// held only by being covered.
func (r *Resolver) holderSources(u int, p Privilege, e int) ([]Source, Privilege) {
	var srcs []Source
	var implied Privilege
	if e < 0 {
		srcs, implied = r.coveredSources(r.user(u).roles, r.user(u).roles, p)
	} else {
		ev := r.eval(u, e)
		all, perEnv := r.countingRoles(u, e, &ev)
		srcs, implied = r.coveredSources(directRoles(p, all, perEnv), all, p)
	}
	return r.groupSources(u, srcs), implied
}

// MarshalJSON writes a grant as explain --json documents it: the
// privilege's name, its sources, and implied_by when it is held only by
// being covered (R4).
func (g Grant) MarshalJSON() ([]byte, error) {
	type grantJSON struct {
		Privilege string   `json:"privilege"`
		Sources   []Source `json:"sources"`
		ImpliedBy string   `json:"implied_by,omitempty"`
	}
	j := grantJSON{Privilege: g.Privilege.String(), Sources: g.Sources}
	if j.Sources == nil {
		j.Sources = []Source{}
	}
	if g.ImpliedBy != 0 {
		j.ImpliedBy = g.ImpliedBy.String()
	}
	return json.Marshal(j)
}

// Explanation is everything explain says about one user: the roles they
// hold, every privilege with its sources (R11, R4) and every environment
// with its reasons (R12-R18).
type Explanation struct {
	User  string   `json:"user"`
	Name  string   `json:"name,omitempty"`
	Roles []string `json:"roles"`
	// RoleGroups is set for a group user of a member's view: for each
	// role, the groups that give it to them there (R25).
	RoleGroups   map[string][]string `json:"role_groups,omitempty"`
	Privileges   []Grant             `json:"privileges"`
	Environments []EnvView           `json:"environments"`
}

// ExplainUser explains user u.
func (r *Resolver) ExplainUser(u int) Explanation {
	x := Explanation{User: r.user(u).email, Roles: r.HeldRoles(u), Privileges: r.Grants(u), Environments: r.EnvViews(u)}
	if i := r.userAt(u); i != nil {
		x.Name, x.RoleGroups = i.Name, i.Groups
	}
	if x.Privileges == nil {
		x.Privileges = []Grant{}
	}
	return x
}

// userAt returns the account's user behind index u.
func (r *Resolver) userAt(u int) *User {
	if u >= 0 && u < len(r.acct.Users) {
		return &r.acct.Users[u]
	}
	return nil
}
