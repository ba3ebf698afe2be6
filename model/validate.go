package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits, in characters (runes): one per field, enforced by
// validation as errors (so by every edit and every file), and the limits
// of the TUI's inputs.
const (
	MaxRoleName        = 100 // R7
	MaxEnvironmentName = 80  // section 4 of the access model
	MaxEmail           = 254 // R10 (RFC 5321's path limit)
	MaxUserName        = 200 // R10, a user's display name
	MaxDescription     = 1000
	MaxAccountName     = 100 // decision: Boomi documents none
)

// tooLong returns how many characters s has when that is more than max
// (0 when s fits), counting runes only when the bytes could be too many.
func tooLong(s string, max int) int {
	if len(s) <= max {
		return 0
	}
	if n := utf8.RuneCountInString(s); n > max {
		return n
	}
	return 0
}

// Validate returns every problem of a: errors (which block saving) and
// warnings (lint). The account is not changed.
func Validate(a *Account) Problems {
	return validateFrom(a, false, nil, 0, nil).ps
}

// checked is the outcome of validating an account, kept so that validating
// an edit of it can reuse what the edit cannot have changed.
type checked struct {
	acct      *Account
	ps        Problems
	res       *Resolver // nil when the account has errors
	find      *roleFinder
	rolesEnd  int // ps[:rolesEnd] came from the roles section's checks
	usersEnd  int // ps[rolesEnd:usersEnd] from the users section's
	envsStart int // ps[envsStart:envsEnd] from the environments section's
	envsEnd   int // (ps[usersEnd:envsStart] from the account's, the rest from lint)
	// emailsASCII: every email is ASCII, so that no email was looked at
	// for look-alikes (R7).
	emailsASCII bool
	lints       *lintState // nil when lint did not run (errors)
}

// validateFrom validates a, an edit of prev's account that shares the
// sections in shared with it (the same, unchanged slices). The checks of
// the roles section depend only on it and Advanced User Security, and those
// of the users and environments sections also on which roles exist: when
// those are shared their problems are prev's. Lint (which depends on
// everything) always runs, and the resolver is built from prev's indexes.
//
// sp, when known, says what the edit changed in each section (prev's
// account is then the old account of the spans, and a is in Normalize
// order): when prev has no errors, a section whose changed elements have
// no problem (and whose problems cannot depend on them otherwise) keeps
// prev's problems, and only those elements are checked.
func validateFrom(a *Account, normalized bool, prev *checked, shared section, sp *spans) checked {
	sameAUS := prev != nil && prev.acct.AdvancedUserSecurity == a.AdvancedUserSecurity
	sameRoles := sameAUS && shared&secRoles != 0
	// The users and environments sections' checks ask only which roles
	// exist: the same when the roles keep their names, whatever else an
	// edit changed.
	sameNames := sameRoles || sameAUS && sameRoleNames(prev.acct.Roles, a.Roles)
	sameUsers := sameNames && shared&secUsers != 0
	sameEnvs := sameNames && shared&secEnvs != 0
	// Spans are of use from a state without errors only.
	spanned := sp != nil && sameAUS && !prev.ps.HasErrors()
	v := validator{a: a, usersSorted: normalized}
	if prev != nil {
		// An edit's problems are mostly prev's, copied one by one (reuse):
		// room for them all at once, and a few more, saves growing the list
		// step by step (a Messy account has over a thousand warnings).
		v.ps = make(Problems, 0, len(prev.ps)+len(prev.ps)/16+8)
	}
	switch {
	case sameRoles && prev.find != nil:
		v.find = prev.find
	case sameNames && prev.find != nil:
		v.find = prev.find.with(a) // the same names in the same places
	default:
		v.find = newRoleFinder(a)
	}
	var prevRes *Resolver
	if prev != nil {
		prevRes = prev.res
	}
	var resSpans *spans
	if sp != nil && prev != nil && prevRes != nil && prevRes.acct == prev.acct {
		resSpans = sp
	}
	// In a large account, index on another core while validating: lint
	// needs the resolver when there are no errors. Both only read a.
	var pre chan *Resolver
	if len(a.Users) >= parallelIndexUsers {
		pre = make(chan *Resolver, 1)
		go func() {
			r := newResolverFrom(a, normalized, prevRes, shared, resSpans)
			r.us() // lint counts every user's roles: index them here too
			pre <- r
		}()
	}
	switch {
	case sameRoles:
		v.ps = append(v.ps, prev.ps[:prev.rolesEnd]...)
	case spanned && sp.roles.ok && sameNames && v.rolesIn(prev, sp.roles):
	default:
		v.roles()
	}
	rolesEnd := len(v.ps)
	switch {
	case sameUsers:
		v.ps = append(v.ps, prev.ps[prev.rolesEnd:prev.usersEnd]...)
		v.emailsASCII = prev.emailsASCII
	case spanned && sp.users.ok && sameNames && prev.emailsASCII && v.usersIn(sp.users):
	default:
		v.users()
	}
	usersEnd := len(v.ps)
	v.account()
	v.separation()
	envsStart := len(v.ps)
	switch {
	case sameEnvs:
		v.ps = append(v.ps, prev.ps[prev.envsStart:prev.envsEnd]...)
	case spanned && sp.envs.ok && sameNames && v.envsIn(prev, sp.envs):
	default:
		v.environments()
	}
	envsEnd := len(v.ps)
	if pre != nil {
		v.pre = <-pre
	} else if prevRes != nil {
		v.pre = newResolverFrom(a, normalized, prevRes, shared, resSpans)
	}
	v.lint(prev, sp)
	if len(v.ps) == 0 {
		v.ps = nil // as Validate gives: no problems is nil, room made or not
	}
	return checked{acct: a, ps: v.ps, res: v.res, find: v.find, rolesEnd: rolesEnd, usersEnd: usersEnd,
		envsStart: envsStart, envsEnd: envsEnd, emailsASCII: v.emailsASCII, lints: v.lints}
}

type validator struct {
	a    *Account
	find *roleFinder // a's roles by name, as FindRole and RoleExists answer
	ps   Problems
	res  *Resolver // built by lint
	// usersSorted: a.Users is in Normalize order (known, or found by users()).
	usersSorted bool
	pre         *Resolver // built while validating, for lint (nil: lint builds it)
	emailsASCII bool      // found by users (or usersIn)
	lints       *lintState
	refs        map[string]roleRef // ref's answers for names not spelled as a role is
}

// roleRef is what a name refers to: a built-in role, or custom role
// custom (-1: none).
type roleRef struct {
	b       BuiltinRole
	builtin bool
	custom  int
}

// ref returns what name refers to: LookupBuiltin's answer, and when it is
// not a built-in, v.find.find's. A name spelled otherwise than a role is
// (another case, accents) is looked up once per validation: a role held
// by many users is often spelled alike by each.
func (v *validator) ref(name string) (b BuiltinRole, builtin bool, custom int) {
	if isASCII(name) {
		if b, ok := LookupBuiltin(name); ok {
			return b, true, -1
		}
		if i, ok := v.find.exact[name]; ok {
			return BuiltinRole{}, false, int(i)
		}
	}
	if r, ok := v.refs[name]; ok {
		return r.b, r.builtin, r.custom
	}
	b, builtin = LookupBuiltin(name)
	custom = -1
	if !builtin {
		custom = v.find.find(name)
	}
	if v.refs == nil {
		v.refs = map[string]roleRef{}
	}
	v.refs[name] = roleRef{b, builtin, custom}
	return b, builtin, custom
}

// parallelIndexUsers is the account size from which validation indexes on
// another goroutine (below it the goroutine costs more than it saves).
const parallelIndexUsers = 2000

func (v *validator) add(sev Severity, rule string, loc Loc, subject, format string, args ...any) {
	v.ps = append(v.ps, Problem{Severity: sev, Rule: rule, Loc: loc, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// sharedRole returns the mark of the role called name when it is one a
// primary shares with this account (a member's view, R21), else nil.
func (v *validator) sharedRole(name string) *SharedFrom {
	if _, builtin, custom := v.ref(name); !builtin && custom >= 0 {
		return v.a.Roles[custom].Shared
	}
	return nil
}

func at(s Section, i int, key string) Loc { return Loc{Section: s, Index: i, Key: key, Item: -1} }
func atItem(s Section, i int, key string, item int) Loc {
	return Loc{Section: s, Index: i, Key: key, Item: item}
}

func (v *validator) roles() {
	a := v.a
	look := newLookalikes(len(a.Roles), func(i int) string { return a.Roles[i].Name }, builtinNames()...)
	own := 0 // the account's own roles (a member's view holds shared ones too)
	for i, r := range a.Roles {
		if r.Shared != nil {
			// Not the account's: read-only, checked in the primary (R21).
			if j := v.find.find(r.Name); j != i && j >= 0 {
				v.refuse(SharedRoleReadOnly, at(SectionRoles, j, "name"), a.Roles[j].Name, "role %q has the name of the role %s shares with this account; rename it", a.Roles[j].Name, SafeText(r.Shared.Primary))
			}
			continue
		}
		own++
		if msg := checkName("role", r.Name, MaxRoleName); msg != "" {
			v.refuse(NameShape, at(SectionRoles, i, "name"), r.Name, "%s", msg)
		}
		if other := look.check(r.Name); other != "" {
			kind := "role"
			if _, ok := LookupBuiltin(other); ok {
				kind = "the built-in role"
			}
			v.cite(Warning, LookAlike, at(SectionRoles, i, "name"), r.Name, "role %s looks like %s %s (the same confusable skeleton, Unicode TR39): rename it unless it is meant to pass for it", quoteName(r.Name), kind, quoteName(other))
		}
		if b, ok := LookupBuiltin(r.Name); ok {
			v.refuse(DuplicateRoleName, at(SectionRoles, i, "name"), r.Name, "role %q has the name of the built-in role %q; choose another name", r.Name, b.Name)
		} else if j := v.find.find(r.Name); j != i {
			v.refuse(DuplicateRoleName, at(SectionRoles, i, "name"), r.Name, "role %q is defined twice (also role #%d, %q); role names are unique ignoring case", r.Name, j+1, a.Roles[j].Name)
		}
		v.roleDescription(i, r)
		if r.Inherits != "" {
			switch {
			case SameName(r.Inherits, r.Name):
				v.refuse(InheritsItself, at(SectionRoles, i, "inherits"), r.Name, "role %q inherits itself; pick another role or none", r.Name)
			case v.sharedRole(r.Inherits) != nil:
				v.refuse(SharedRoleInherited, at(SectionRoles, i, "inherits"), r.Name, "role %q inherits %q, a role shared by %s, which is not in this account's role list; inherit a role of this account", r.Name, r.Inherits, SafeText(v.sharedRole(r.Inherits).Primary))
			case !v.find.exists(r.Inherits):
				if b, ok := LookupBuiltin(r.Inherits); ok && b.NeedsAUS {
					v.refuse(RoleNeedsAUS, at(SectionRoles, i, "inherits"), r.Name, "role %q inherits %q, which exists only with Advanced User Security on", r.Name, b.Name)
				} else {
					v.refuse(MissingParent, at(SectionRoles, i, "inherits"), r.Name, "role %q inherits %q, which does not exist", r.Name, r.Inherits)
				}
			}
		}
		v.roleTicks(i, r)
	}
	// Cycles (R6). Each role has at most one parent, so following parents
	// (lineage) from every role not yet seen, once, finds each cycle in
	// linear time: a walk that reaches a role on its own path has closed a
	// cycle. Each cycle is reported once, at its member that comes first in
	// the file, reading from it; a role inheriting itself is reported above.
	state := make([]uint8, len(a.Roles)) // 0 unseen, 1 on the current path, 2 done
	pos := make([]int, len(a.Roles))
	var path []int
	for i := range a.Roles {
		path = path[:0]
		j := -1 // the seen role the walk stopped at, if any
		for k := range lineage(i, len(a.Roles), v.find.parent) {
			if state[k] != 0 {
				j = k
				break
			}
			state[k], pos[k] = 1, len(path)
			path = append(path, k)
		}
		if j >= 0 && state[j] == 1 && len(path)-pos[j] > 1 {
			cyc := path[pos[j]:]
			start := slices.Index(cyc, slices.Min(cyc))
			names := make([]string, 0, len(cyc)+1)
			for k := range cyc {
				names = append(names, a.Roles[cyc[(start+k)%len(cyc)]].Name)
			}
			first := cyc[start]
			names = append(names, a.Roles[first].Name)
			v.refuse(InheritanceCycle, at(SectionRoles, first, "inherits"), a.Roles[first].Name, "inheritance cycle: %s; break it by changing one role's Inherits Role", SafeText(strings.Join(names, " -> ")))
		}
		for _, k := range path {
			state[k] = 2
		}
	}
	if !a.AdvancedUserSecurity && own > 0 {
		v.add(Warning, "R3", at(SectionAccount, -1, "advanced_user_security"), "", "the account has %s but Advanced User Security is off: they cannot be edited or assigned until it is on", counted(own, "custom role"))
	}
}

// roleDescription checks role i's description.
func (v *validator) roleDescription(i int, r Role) {
	if n := tooLong(r.Description, MaxDescription); n > 0 {
		v.refuse(DescriptionTooLong, at(SectionRoles, i, "description"), r.Name, "role %q has a description of %d characters; at most %d are allowed", r.Name, n, MaxDescription)
	}
	if HasControl(r.Description) && strings.ContainsAny(r.Description, "\x1b\x07") {
		v.add(Warning, "R7", at(SectionRoles, i, "description"), r.Name, "role %q has a description with terminal escape sequences; they are shown neutralised", r.Name)
	}
}

// roleTicks checks role i's ticks (R9).
func (v *validator) roleTicks(i int, r Role) {
	var seen PrivSet
	for j, p := range r.Privileges {
		if !p.Valid() {
			v.refuse(UnknownPrivilege, atItem(SectionRoles, i, "privileges", j), r.Name, "role %q ticks an unknown privilege", r.Name)
			continue
		}
		if seen.Has(p) {
			v.add(Warning, "R9", atItem(SectionRoles, i, "privileges", j), r.Name, "role %q ticks %q twice; saving keeps one", r.Name, p)
		}
		seen = seen.With(p)
	}
}

// rolesIn validates the roles section of an edit that changed the roles of
// sp in their descriptions and ticks only (the same names and parents in
// the same places), from prev, a state without errors: when the roles of
// sp have no problem, now or in prev, the section's problems are prev's,
// which it adds. Otherwise it adds nothing and reports false: roles must
// run.
func (v *validator) rolesIn(prev *checked, sp span) bool {
	a, old := v.a, prev.acct
	if sp.oldHi != sp.newHi || len(a.Roles) != len(old.Roles) {
		return false
	}
	for i := sp.lo; i < sp.newHi; i++ {
		if a.Roles[i].Name != old.Roles[i].Name || a.Roles[i].Inherits != old.Roles[i].Inherits {
			return false
		}
	}
	before := prev.ps[:prev.rolesEnd]
	for _, p := range before {
		if p.Loc.Section == SectionRoles && p.Loc.Index >= sp.lo && p.Loc.Index < sp.newHi {
			return false
		}
	}
	mark := len(v.ps)
	for i := sp.lo; i < sp.newHi; i++ {
		v.roleDescription(i, a.Roles[i])
		v.roleTicks(i, a.Roles[i])
	}
	if len(v.ps) > mark {
		v.ps = v.ps[:mark]
		return false
	}
	v.ps = append(v.ps, before...)
	return true
}

func (v *validator) users() {
	a := v.a
	// Users sorted as Normalize sorts them have equal lower-case emails next
	// to each other: then a repeat is found by looking at the previous one
	// (run is the first of the current run), without a map.
	sorted := v.usersSorted || slices.IsSortedFunc(a.Users, func(x, y User) int { return compareFold(x.Email, y.Email) })
	v.usersSorted = sorted
	var seen map[string]int
	if !sorted {
		seen = map[string]int{}
	}
	run := 0
	ascii := true // every email so far is ASCII: no look-alikes to find
	for i, u := range a.Users {
		ascii = v.userEmail(i, u) && ascii
		first, dup := run, false
		if sorted {
			if i > 0 && sameLower(a.Users[i-1].Email, u.Email) {
				dup = true
			} else {
				run = i
			}
		} else {
			k := FoldName(u.Email)
			if first, dup = seen[k]; !dup {
				seen[k] = i
			}
		}
		if dup {
			v.refuse(DuplicateUser, at(SectionUsers, i, "email"), u.Email, "user %q is listed twice (also user #%d); emails are unique ignoring case", u.Email, first+1)
		}
		v.userRest(i, u)
	}
	v.emailsASCII = ascii
	if !ascii {
		look := newLookalikes(len(a.Users), func(i int) string { return a.Users[i].Email })
		for i, u := range a.Users {
			if other := look.check(u.Email); other != "" {
				v.cite(Warning, LookAlike, at(SectionUsers, i, "email"), u.Email, "email %s looks like user %s (the same confusable skeleton, Unicode TR39): check that it is not someone posing as them", quoteName(u.Email), quoteName(other))
			}
		}
	}
	v.userCount()
}

// userEmail checks user i's email (R10) and reports whether it is ASCII.
func (v *validator) userEmail(i int, u User) bool {
	kind, msg, plain := checkEmail(u.Email)
	if msg != "" {
		v.refuse(kind, at(SectionUsers, i, "email"), u.Email, "%s", msg)
	}
	return plain || isASCII(u.Email)
}

// userRest checks user i's display name and roles (R10, R3): what the
// users section checks of one user besides the email and whether it
// repeats or looks like another's.
func (v *validator) userRest(i int, u User) {
	a := v.a
	if n := tooLong(u.Name, MaxUserName); n > 0 {
		v.refuse(UserNameTooLong, at(SectionUsers, i, "name"), u.Email, "user %q has a display name of %d characters; at most %d are allowed", u.Email, n, MaxUserName)
	} else if HasControl(u.Name) {
		v.refuse(NameShape, at(SectionUsers, i, "name"), u.Email, "user %q has a display name that holds control characters", u.Email)
	}
	if len(u.Roles) == 0 {
		v.refuse(UserWithoutRole, at(SectionUsers, i, "roles"), u.Email, "user %q has no role; give them at least one", u.Email)
	}
	// In a list in Normalize order a repeat (ignoring case) follows the
	// name it repeats.
	sorted := len(u.Roles) > 1 && slices.IsSortedFunc(u.Roles, compareFold)
	for j, rn := range u.Roles {
		if sorted && j > 0 && sameLower(u.Roles[j-1], rn) || !sorted && heldBefore(u.Roles, j) {
			v.refuse(RoleHeldTwice, atItem(SectionUsers, i, "roles", j), u.Email, "user %q holds role %q twice", u.Email, rn)
			continue
		}
		b, builtin, custom := v.ref(rn)
		switch {
		case builtin && b.NeedsAUS && !a.AdvancedUserSecurity:
			v.refuse(RoleNeedsAUS, atItem(SectionUsers, i, "roles", j), u.Email, "user %q holds %q, which exists only with Advanced User Security on", u.Email, b.Name)
		case builtin:
		case custom < 0 && strings.HasSuffix(rn, SharedSuffix) && a.Primary != "" && !a.view:
			// A member read alone: which roles its groups share is its
			// primary's to say; its view checks the name (R21).
		case custom < 0 && strings.HasSuffix(rn, SharedSuffix):
			v.refuse(SharedRoleDangling, atItem(SectionUsers, i, "roles", j), u.Email, "user %q holds role %q, which no account group of this account's primary shares with it; unassign it, or share the role in the primary", u.Email, rn)
		case custom < 0:
			v.refuse(NoSuchRole, atItem(SectionUsers, i, "roles", j), u.Email, "user %q holds role %q, which does not exist", u.Email, rn)
		case !a.AdvancedUserSecurity && a.Roles[custom].Shared != nil:
			// Boomi keeps assignments made before (R20); new ones are refused (Assign).
			v.cite(Warning, SharedRoleNeedsAUS, atItem(SectionUsers, i, "roles", j), u.Email, "user %q holds shared role %q, but Advanced User Security is off in this account: Boomi keeps the assignment, and no new one can be made until it is on", u.Email, rn)
		case !a.AdvancedUserSecurity:
			v.refuse(CustomRolesNeedAUS, atItem(SectionUsers, i, "roles", j), u.Email, "user %q holds custom role %q, but with Advanced User Security off only Administrator and Standard User can be assigned", u.Email, rn)
		}
	}
}

// userCount is the users section's warning of more users than Boomi allows (R10).
func (v *validator) userCount() {
	if len(v.a.Users) > MaxUsers {
		v.add(Warning, "R10", at(SectionUsers, -1, ""), "", "the account has %d users; Boomi allows at most %d in one account", len(v.a.Users), MaxUsers)
	}
}

// usersIn validates the users section of an edit that changed the users
// of sp only, from an old state without errors whose emails were all
// ASCII: it checks the users of sp, and whether each email repeats its
// neighbour's, and adds what users adds, when that is only the R10
// warning. Otherwise it adds nothing and reports false: users must run.
func (v *validator) usersIn(sp span) bool {
	a := v.a
	mark := len(v.ps)
	for i := sp.lo; i < sp.newHi; i++ {
		u := a.Users[i]
		if !v.userEmail(i, u) {
			v.ps = v.ps[:mark]
			return false // look-alikes to look for
		}
		v.userRest(i, u)
	}
	lo, hi := sp.around(len(a.Users))
	for i := lo + 1; i < hi && len(v.ps) == mark; i++ {
		if sameLower(a.Users[i-1].Email, a.Users[i].Email) {
			return false
		}
	}
	if len(v.ps) > mark {
		v.ps = v.ps[:mark]
		return false
	}
	v.emailsASCII = true
	v.userCount()
	return true
}

// heldBefore reports whether roles[j] repeats an earlier name, ignoring case.
func heldBefore(roles []string, j int) bool {
	for k := 0; k < j; k++ {
		if sameLower(roles[k], roles[j]) {
			return true
		}
	}
	return false
}

// checkEmail returns the kind and message of what is wrong with email e,
// or "" when nothing is; plain says e took the fast path (printable ASCII).
func checkEmail(e string) (kind Refusal, msg string, plain bool) {
	// Fast path, same answers: printable ASCII with no space, one @, not at
	// either end, short enough, is an email; anything else is looked at
	// closely below.
	if n := len(e); n > 0 && n <= MaxEmail && e[0] != '@' && e[n-1] != '@' {
		ats, plain := 0, true
		for i := 0; i < n && plain; i++ {
			c := e[i]
			plain = c > ' ' && c < 0x7f
			if c == '@' {
				ats++
			}
		}
		if plain && ats == 1 {
			return 0, "", true
		}
	}
	if msg := invisibleIn(e); msg != "" {
		return NameShape, fmt.Sprintf("email %s %s; remove it", quoteName(e), msg), false
	}
	return EmailShape, checkEmailShape(e), false
}

// checkEmailShape is checkEmail's slow path.
func checkEmailShape(e string) string {
	switch {
	case strings.TrimSpace(e) == "":
		return "a user has an empty email"
	case tooLong(e, MaxEmail) > 0:
		return fmt.Sprintf("email %q is %d characters long; at most %d are allowed", shorten(e), tooLong(e, MaxEmail), MaxEmail)
	case HasControl(e):
		return fmt.Sprintf("email %s holds a control character", SafeText(fmt.Sprintf("%q", shorten(e))))
	case strings.IndexFunc(e, unicode.IsSpace) >= 0:
		return fmt.Sprintf("email %s holds a space", SafeText(strconv.Quote(e)))
	case strings.Count(e, "@") != 1 || strings.HasPrefix(e, "@") || strings.HasSuffix(e, "@"):
		return fmt.Sprintf("%q is not an email address (name@domain)", e)
	}
	return ""
}

// account checks the account's own name: it may be empty, but not longer
// than MaxAccountName characters, and it holds no control, invisible or
// direction-changing character (R7, decision: the rule for names).
func (v *validator) account() {
	name := v.a.Name
	loc := at(SectionAccount, -1, "name")
	if n := tooLong(name, MaxAccountName); n > 0 {
		v.refuse(AccountNameShape, loc, "", "the account name is %d characters long; at most %d are allowed", n, MaxAccountName)
		return
	}
	if HasControl(name) {
		v.refuse(AccountNameShape, loc, "", "the account name %s holds a control character; remove it", SafeText(strconv.Quote(name)))
		return
	}
	if msg := invisibleIn(name); msg != "" {
		v.refuse(AccountNameShape, loc, "", "the account name %s %s", SafeText(strconv.Quote(name)), msg)
	}
}

func (v *validator) environments() {
	a := v.a
	seen := map[string]int{}
	look := newLookalikes(len(a.Environments), func(i int) string { return a.Environments[i].Name })
	for i, e := range a.Environments {
		if msg := checkName("environment", e.Name, MaxEnvironmentName); msg != "" {
			v.refuse(NameShape, at(SectionEnvironments, i, "name"), e.Name, "%s", msg)
		}
		if other := look.check(e.Name); other != "" {
			v.cite(Warning, LookAlike, at(SectionEnvironments, i, "name"), e.Name, "environment %s looks like environment %s (the same confusable skeleton, Unicode TR39): rename it so that the two can be told apart", quoteName(e.Name), quoteName(other))
		}
		k := FoldName(e.Name)
		if j, dup := seen[k]; dup {
			v.refuse(DuplicateEnvironment, at(SectionEnvironments, i, "name"), e.Name, "environment %q is defined twice (also environment #%d); names are unique ignoring case", e.Name, j+1)
		} else {
			seen[k] = i
		}
		v.envOwn(i, e)
	}
}

// envOwn checks environment i's classification and Roles with Access.
func (v *validator) envOwn(i int, e Environment) {
	if e.Classification != Production && e.Classification != Test {
		v.refuse(BadClassification, at(SectionEnvironments, i, "classification"), e.Name, "environment %q has classification %q; use \"production\" or \"test\"", e.Name, string(e.Classification))
	}
	// A list sorted as Normalize sorts it has its repeats (ignoring
	// case) side by side; any other list is checked with a map.
	list := e.RolesWithAccess
	sorted := slices.IsSortedFunc(list, compareFold)
	var listed map[string]bool
	if !sorted {
		listed = make(map[string]bool, len(list))
	}
	for j, rn := range list {
		var dup bool
		if sorted {
			dup = j > 0 && SameName(list[j-1], rn)
		} else {
			k := FoldName(rn)
			dup = listed[k]
			listed[k] = true
		}
		if dup {
			v.refuse(ListedTwice, atItem(SectionEnvironments, i, "roles_with_access", j), e.Name, "environment %q lists role %q twice", e.Name, rn)
			continue
		}
		if sh := v.sharedRole(rn); sh != nil {
			v.refuse(SharedRoleListed, atItem(SectionEnvironments, i, "roles_with_access", j), e.Name, "environment %q lists role %q, which %s shares with this account: a shared role cannot be listed on a member's environment; list a role of this account", e.Name, rn, SafeText(sh.Primary))
			continue
		}
		if b, builtin, custom := v.ref(rn); builtin && b.NeedsAUS && !v.a.AdvancedUserSecurity || !builtin && custom < 0 { // !v.find.exists(rn)
			k, why := missingRoleWhy(v.a, rn)
			v.refuse(k, atItem(SectionEnvironments, i, "roles_with_access", j), e.Name, "environment %q lists role %q, %s", e.Name, rn, why)
		}
	}
}

// envsIn validates the environments section of an edit that changed the
// environments of sp in their classification and Roles with Access only
// (the same names in the same places), from prev, a state without errors
// whose roles had the names a's have: as rolesIn.
func (v *validator) envsIn(prev *checked, sp span) bool {
	a, old := v.a, prev.acct
	if sp.oldHi != sp.newHi || len(a.Environments) != len(old.Environments) {
		return false
	}
	for i := sp.lo; i < sp.newHi; i++ {
		if a.Environments[i].Name != old.Environments[i].Name {
			return false
		}
	}
	before := prev.ps[prev.envsStart:prev.envsEnd]
	for _, p := range before {
		if p.Loc.Section == SectionEnvironments && p.Loc.Index >= sp.lo && p.Loc.Index < sp.newHi {
			return false
		}
	}
	mark := len(v.ps)
	for i := sp.lo; i < sp.newHi; i++ {
		v.envOwn(i, a.Environments[i])
	}
	if len(v.ps) > mark {
		v.ps = v.ps[:mark]
		return false
	}
	v.ps = append(v.ps, before...)
	return true
}

// lint adds the warnings that need resolution: R9, R14, R16, R19. With
// prev, the validation of the old state of an edit that changed the spans
// sp, it reuses prev's warnings for each role and environment whose
// warnings cannot have changed (prevLint).
func (v *validator) lint(prev *checked, sp *spans) {
	if v.ps.HasErrors() {
		return // resolution needs a sound account
	}
	a := v.a
	res := v.pre
	if res == nil {
		res = newResolver(a, v.usersSorted)
	}
	v.res = res
	pl := prevLint(prev, res, sp)
	lt := &lintState{start: len(v.ps), roleEnd: make([]int, len(a.Roles)), envEnd: make([]int, len(a.Environments))}
	v.lints = lt
	// Counted by role index: without errors every name resolves, and the
	// resolver's index is by lower-case name, as these counts were.
	lt.heldBy, lt.listedOn = lintCounts(res, pl, prev, sp)
	var moved []bool // the roles whose chain changed (pl only)
	if pl != nil {
		moved = chainsChanged(res, prev.res)
	}
	for i, r := range a.Roles {
		id := res.roleID(r.Name)
		if pl != nil && (i < sp.roles.lo || i >= sp.roles.newHi) && !moved[id] && sameR19(pl, lt, id, res.roles[id].set) {
			v.reuse(prev, pl.start+pl.roleStart(i), pl.start+pl.roleEnd[i], i)
			lt.roleEnd[i] = len(v.ps) - lt.start
			continue
		}
		if r.Shared == nil { // a shared role is linted in its primary
			v.lintRole(res, lt, i, r, id)
		}
		lt.roleEnd[i] = len(v.ps) - lt.start
	}
	var unheld []uint64 // roles whose being held by nobody changed (pl only)
	if pl != nil {
		unheld = make([]uint64, res.words)
		for id := range lt.heldBy {
			if (lt.heldBy[id] == 0) != (pl.heldBy[id] == 0) {
				unheld[id/64] |= 1 << (id % 64)
			}
		}
	}
	for i, e := range a.Environments {
		if pl != nil && (i < sp.envs.lo || i >= sp.envs.newHi) && !holdsAny(res.envs[i].ids, unheld) {
			o := sp.envs.old(i)
			v.reuse(prev, pl.start+pl.envStart(o), pl.start+pl.envEnd[o], i)
			lt.envEnd[i] = len(v.ps) - lt.start
			continue
		}
		for j, rn := range e.RolesWithAccess {
			if id := res.roleID(rn); id >= 0 && lt.heldBy[id] == 0 {
				v.add(Warning, "R19", atItem(SectionEnvironments, i, "roles_with_access", j), e.Name, "environment %q lists role %q, which no user holds: environment-by-environment access does not work as intended", e.Name, res.roles[id].name)
			}
		}
		lt.envEnd[i] = len(v.ps) - lt.start
	}
}

// lintRole adds the warnings of custom role i, r, whose role id is id.
func (v *validator) lintRole(res *Resolver, lt *lintState, i int, r Role, id int32) {
	if red := res.redundantTicks(r); red != 0 {
		for j, p := range r.Privileges {
			if red.Has(p) {
				v.add(Warning, "R9", atItem(SectionRoles, i, "privileges", j), r.Name, "role %q ticks %q, which %s already grants through inheritance; saving drops the tick", r.Name, p, SafeText(r.Inherits))
			}
		}
	}
	set := res.roles[id].set
	if set&perEnvSet == 0 {
		return
	}
	how := res.perEnvFrom(id)
	if !set.Closure().Has(RuntimeManagementRead) {
		v.add(Warning, "R14", at(SectionRoles, i, "privileges"), r.Name, "role %q %s without Runtime Management or Runtime Management Read Access: unless its holders get one of those from another role they see no environment, and these privileges have no effect", r.Name, how)
	}
	if !v.a.AdvancedEnvironmentAccess {
		v.add(Warning, "R16", at(SectionRoles, i, "privileges"), r.Name, "role %q %s, but Advanced Environment Access is off: they do nothing", r.Name, how)
	}
	if lt.heldBy[id] > 0 && lt.listedOn[id] == 0 {
		v.add(Warning, "R19", at(SectionRoles, i, "privileges"), r.Name, "role %q %s and is held by %s but listed on no environment: environment-by-environment access does not work as intended", r.Name, how, counted(lt.heldBy[id], "user"))
	}
}

// lintState is what lint found, kept so that linting an edit can reuse it.
type lintState struct {
	start   int   // lint's warnings are ps[start:]
	roleEnd []int // custom role i's end at ps[start+roleEnd[i]], after role i-1's
	envEnd  []int // then environment i's, after environment i-1's
	// heldBy and listedOn count, per role id, the users who hold the role
	// and the environments that list it. They are never changed once made.
	heldBy, listedOn []int
}

func (lt *lintState) roleStart(i int) int {
	if i == 0 {
		return 0
	}
	return lt.roleEnd[i-1]
}

func (lt *lintState) envStart(i int) int {
	if i == 0 {
		if len(lt.roleEnd) == 0 {
			return 0
		}
		return lt.roleEnd[len(lt.roleEnd)-1]
	}
	return lt.envEnd[i-1]
}

// prevLint returns prev's lint when lint of res, an edit of prev's account
// that changed the spans sp, can reuse it: lint ran on prev, the role ids
// are the same (the same roles in the same places) and so is Advanced
// Environment Access.
func prevLint(prev *checked, res *Resolver, sp *spans) *lintState {
	if prev == nil || prev.lints == nil || prev.res == nil || sp == nil || !sp.roles.ok || !sp.users.ok || !sp.envs.ok ||
		prev.res.ids != res.ids || prev.acct.AdvancedEnvironmentAccess != res.acct.AdvancedEnvironmentAccess {
		return nil
	}
	return prev.lints
}

// lintCounts counts heldBy and listedOn for res, from pl's (with prev and
// the spans of the edit) when there is pl: only the users and
// environments the edit changed are counted again.
func lintCounts(res *Resolver, pl *lintState, prev *checked, sp *spans) (heldBy, listedOn []int) {
	if pl == nil {
		heldBy = make([]int, len(res.roles))
		for _, u := range res.us() {
			for _, id := range u.roles {
				heldBy[id]++
			}
		}
		listedOn = make([]int, len(res.roles))
		for _, e := range res.envs {
			for _, id := range e.ids {
				listedOn[id]++
			}
		}
		return heldBy, listedOn
	}
	old := prev.res
	heldBy = pl.heldBy
	if !sp.users.empty() {
		heldBy = slices.Clone(heldBy)
		for _, u := range old.us()[sp.users.lo:sp.users.oldHi] {
			for _, id := range u.roles {
				heldBy[id]--
			}
		}
		for _, u := range res.us()[sp.users.lo:sp.users.newHi] {
			for _, id := range u.roles {
				heldBy[id]++
			}
		}
	}
	listedOn = pl.listedOn
	if !sp.envs.empty() {
		listedOn = slices.Clone(listedOn)
		for _, e := range old.envs[sp.envs.lo:sp.envs.oldHi] {
			for _, id := range e.ids {
				listedOn[id]--
			}
		}
		for _, e := range res.envs[sp.envs.lo:sp.envs.newHi] {
			for _, id := range e.ids {
				listedOn[id]++
			}
		}
	}
	return heldBy, listedOn
}

// sameR19 reports whether the R19 warning of a role with role id id and
// privileges set is the same in lt as in pl: both absent, or both there
// with the same count of holders.
func sameR19(pl, lt *lintState, id int32, set PrivSet) bool {
	if set&perEnvSet == 0 {
		return true
	}
	was := pl.heldBy[id] > 0 && pl.listedOn[id] == 0
	is := lt.heldBy[id] > 0 && lt.listedOn[id] == 0
	return was == is && (!is || pl.heldBy[id] == lt.heldBy[id])
}

// reuse adds prev's problems ps[from:to], which were of the role or
// environment now at index i.
func (v *validator) reuse(prev *checked, from, to, i int) {
	for _, p := range prev.ps[from:to] {
		p.Loc.Index = i
		v.ps = append(v.ps, p)
	}
}

// chainsChanged returns, per role id of res (with the ids of old), whether
// anything lint asks of the role's chain may differ from old: a role on it
// (the role itself, its parent, theirs...) resolved differently, or the
// chain loops.
func chainsChanged(res, old *Resolver) []bool {
	n := len(res.roles)
	out := make([]bool, n)
	if n == 0 || &res.roles[0] == &old.roles[0] {
		return out // the same roles
	}
	state := make([]uint8, n) // 0 new, 1 on the current path, 2 done
	var path []int
	for i := range n {
		if state[i] == 2 {
			continue
		}
		path = path[:0]
		changed, looped := false, false
		for j := range lineage(i, n, res.parentOf) {
			if state[j] == 2 {
				changed = out[j]
				break
			}
			if state[j] == 1 {
				looped = true
				break
			}
			state[j] = 1
			path = append(path, j)
		}
		for k := len(path) - 1; k >= 0; k-- {
			j := path[k]
			changed = changed || looped || res.roles[j] != old.roles[j]
			out[j], state[j] = changed, 2
		}
	}
	return out
}

// perEnvFrom says how role id comes by the per-environment privileges of
// its set, for the R14, R16 and R19 warnings: "ticks per-environment
// privileges" when its own ticks include one, else "inherits
// per-environment privileges from ROLE", the nearest ancestor that ticks
// one.
func (r *Resolver) perEnvFrom(id int32) string {
	for j := range lineage(int(id), len(r.roles), r.parentOf) {
		if r.roles[j].ticks&perEnvSet == 0 {
			continue
		}
		if j == int(id) {
			return "ticks per-environment privileges"
		}
		return fmt.Sprintf("inherits per-environment privileges from %q", r.roles[j].name)
	}
	return "ticks per-environment privileges" // not reached: the set has one
}

// counted says "1 user", "3 users".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
