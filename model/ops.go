package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Op is one edit of an account: a delta that changes exactly one field or
// one membership (set a description, tick one privilege, assign one role)
// or adds or removes one whole entity. Apply runs it on a copy: it applies
// whole or not at all. Each Op also knows what it expected to find, so that
// it can be replayed onto a newer file (Rebase): it applies where that still
// holds, and is a Conflict where another change stands in its way.
type Op interface {
	// Describe says what the edit does, in a few words ("add role X").
	Describe() string
	apply(a *Account) (notes []string, err error)
	// expect compares what the edit expected to find with a.
	expect(a *Account) (fit, clash)
	// kind names the edit in its JSON form (MarshalOps).
	kind() string
}

// fit is how an edit meets an account it is replayed onto.
type fit int

const (
	fits      fit = iota // what the edit expected is there: apply it
	holds                // the account already is as the edit makes it
	conflicts            // another change stands in the way: a Conflict
)

// clash says what stands in an edit's way: what, what the edit expected,
// what is there, what the edit would make it.
type clash struct {
	What, Expected, Found, Wanted string
	// gone: what the edit changes is no longer there (removed, or renamed
	// by the other change), so it cannot be kept over it.
	gone bool
}

// insertOrdered inserts x into list where Normalize would put it when list
// is in Normalize order (after the names ordered before or as x's,
// compareFold), so that an account in order stays in order; in a list out
// of order it is somewhere, and Normalize moves it where it belongs: x's
// name is unique ignoring case (the edits adding one refuse a name in
// use), so it has one place in the sorted list whatever its place before.
func insertOrdered[T any](list []T, x T, name func(T) string) []T {
	k := name(x)
	i := sort.Search(len(list), func(i int) bool { return compareFold(name(list[i]), k) > 0 })
	return slices.Insert(list, i, x)
}

// touches says which sections of the account an edit may change, so that
// Working.Apply copies and re-checks only those; an Op without it may change
// anything.
type toucher interface{ touches() section }

func touchesOf(op Op) section {
	if t, ok := op.(toucher); ok {
		return t.touches()
	}
	return secAll
}

func (AddRole) touches() section           { return secRoles }
func (RenameRole) touches() section        { return secAll } // the new name follows the role everywhere
func (SetDescription) touches() section    { return secRoles }
func (SetParent) touches() section         { return secRoles }
func (Tick) touches() section              { return secRoles }
func (Untick) touches() section            { return secRoles }
func (RemoveRole) touches() section        { return secRoles | secEnvs }
func (AddUser) touches() section           { return secUsers }
func (SetUserName) touches() section       { return secUsers }
func (RemoveUser) touches() section        { return secUsers }
func (Assign) touches() section            { return secUsers }
func (Unassign) touches() section          { return secUsers }
func (AddEnvironment) touches() section    { return secEnvs }
func (RemoveEnvironment) touches() section { return secEnvs }
func (Allow) touches() section             { return secEnvs }
func (Disallow) touches() section          { return secEnvs }
func (SetSwitch) touches() section         { return 0 }
func (RenameAccount) touches() section     { return 0 }

// Refused is the error of an edit that was not applied: the rule involved and
// what is wrong. Problems holds the validation errors when the edit would
// have left the account invalid.
// Its rule comes from the table of refusals (refusal.go).
type Refused struct {
	Op       string
	Rule     string
	Decision bool // the rule is one of our decisions: "(R7, decision)"
	Message  string
	Problems Problems
}

func (e *Refused) Error() string {
	return fmt.Sprintf("%s refused: %s (%s)", e.Op, e.Message, e.Cite())
}

// Cite is the rule as texts print it inside their parentheses: "R7", or
// "R7, decision".
func (e *Refused) Cite() string { return cite(e.Rule, e.Decision) }

// Outcome is what an applied edit reports beside the new account.
type Outcome struct {
	// Notes are consequences a user must hear about before the edit is kept,
	// such as an environment becoming open to every role (BecomesOpen) or
	// what a switch does (SwitchEffect). They are safe to print (SafeText).
	Notes []string
	// Warnings are lint problems the edit introduced.
	Warnings Problems
	// Widened names the environments the edit opens to every role: they
	// listed roles before and list none after (R8, R12). Front ends ask
	// before keeping such an edit, saying it with WideningNote.
	Widened []string
}

// widened lists the environments restricted in a and open in c.
func widened(a, c *Account) []string {
	if sameList(a.Environments, c.Environments) {
		return nil // the same environments (an edit that does not touch them)
	}
	var restricted map[string]bool
	for _, e := range a.Environments {
		if len(e.RolesWithAccess) > 0 {
			if restricted == nil {
				restricted = map[string]bool{}
			}
			restricted[FoldName(e.Name)] = true
		}
	}
	var out []string
	for _, e := range c.Environments {
		if len(e.RolesWithAccess) == 0 && restricted[FoldName(e.Name)] {
			out = append(out, e.Name)
		}
	}
	return out
}

// Apply runs op on a copy of a and validates the result. On success it
// returns the new account (normalised) and what the edit brings with it; on
// refusal a *Refused error and a nil account, a unchanged.
func Apply(a *Account, op Op) (*Account, Outcome, error) {
	c, _, out, err := applyIndexed(a, op, nil)
	return c, out, err
}

// applyIndexed is Apply. With prev (the Working that a is the account of)
// it copies only the sections op touches, and validation and indexing reuse
// prev's work for the others; prev's problems also stand for a's. It
// returns the validation of the new state, with its resolver.
func applyIndexed(a *Account, op Op, prev *Working) (*Account, checked, Outcome, error) {
	touched := secAll
	var prevChk *checked
	if prev != nil && prev.normalized {
		touched = touchesOf(op)
		prevChk = &prev.chk
	}
	var c *Account
	if touched == secAll {
		c = a.cloneSections(secAll)
	} else {
		c = a.copySections(touched) // the op replaces the lists it changes
	}
	notes, err := op.apply(c)
	if err != nil {
		return nil, checked{}, Outcome{}, err
	}
	for i := range notes {
		notes[i] = SafeText(notes[i])
	}
	var sp *spans
	if touched == secAll {
		c.Normalize()
	} else {
		// The shared sections are in order (prev is normalised), and so
		// is what the edit did not change in the others.
		s := c.normalizeEdited(a, touched)
		sp = &s
	}
	chk := validateFrom(c, true, prevChk, secAll&^touched, sp)
	if errs := chk.ps.Errors(); len(errs) > 0 {
		return nil, checked{}, Outcome{}, &Refused{Op: op.Describe(), Rule: errs[0].Rule, Decision: errs[0].Decision, Message: errs[0].Message, Problems: errs}
	}
	wide := widened(a, c)
	afterWarns := chk.ps // no errors: every problem is a warning
	if len(afterWarns) == 0 {
		return c, chk, Outcome{Notes: notes, Widened: wide}, nil
	}
	var beforeWarns Problems
	if prev != nil {
		beforeWarns = warningsIn(prev.chk.ps)
	} else {
		beforeWarns = warningsIn(Validate(a))
	}
	return c, chk, Outcome{Notes: notes, Warnings: newProblems(beforeWarns, afterWarns), Widened: wide}, nil
}

func checkCustomEditable(a *Account, op Op, name string) (int, error) {
	if b, ok := LookupBuiltin(name); ok {
		return -1, refuse(op, BuiltinNotEditable, "%s is a built-in role; built-in roles cannot be edited, renamed or removed", b.Name)
	}
	if !a.AdvancedUserSecurity {
		return -1, refuse(op, CustomRolesNeedAUS, "custom roles can only be created or edited with Advanced User Security on")
	}
	i := a.FindRole(name)
	if i < 0 {
		return -1, refuseRole(a, op, name)
	}
	if sh := a.Roles[i].Shared; sh != nil {
		return -1, refuse(op, SharedRoleReadOnly, "%s is shared by %s; it can be edited, renamed or removed only there", SafeText(a.Roles[i].Name), SafeText(sh.Primary))
	}
	return i, nil
}

// checkAssignable refuses a new assignment of a shared role in an account
// without Advanced User Security (R20: Boomi keeps those made before).
func checkAssignable(a *Account, op Op, name string) error {
	if i := a.FindRole(name); i >= 0 && a.Roles[i].Shared != nil && !a.AdvancedUserSecurity {
		return refuse(op, SharedRoleNeedsAUS, "%s is shared by %s, and this account has Advanced User Security off: it cannot assign shared roles", SafeText(a.Roles[i].Name), SafeText(a.Roles[i].Shared.Primary))
	}
	return nil
}

func checkPrivileges(op Op, ps []Privilege) error {
	for _, p := range ps {
		if !p.Valid() {
			return refuse(op, UnknownPrivilege, "unknown privilege")
		}
	}
	return nil
}

// AddRole creates a custom role (R3, R5-R7).
type AddRole struct {
	Name, Description, Inherits string
	Privileges                  []Privilege `json:",omitempty"`
}

func (o AddRole) Describe() string { return "add role " + SafeText(o.Name) }
func (o AddRole) apply(a *Account) ([]string, error) {
	if !a.AdvancedUserSecurity {
		return nil, refuse(o, CustomRolesNeedAUS, "custom roles can only be created with Advanced User Security on")
	}
	if b, ok := LookupBuiltin(o.Name); ok {
		return nil, refuse(o, DuplicateRoleName, "%s is the name of a built-in role", b.Name)
	}
	if a.FindRole(o.Name) >= 0 {
		return nil, refuse(o, DuplicateRoleName, "a role called %q exists already (names are unique ignoring case)", a.Roles[a.FindRole(o.Name)].Name)
	}
	if err := checkPrivileges(o, o.Privileges); err != nil {
		return nil, err
	}
	a.Roles = insertOrdered(a.Roles, Role{Name: o.Name, Description: o.Description, Inherits: a.CanonicalRoleName(o.Inherits), Privileges: slices.Clone(o.Privileges)},
		func(r Role) string { return r.Name })
	return nil, nil
}

func renameRef(a *Account, old, nn string) {
	for k := range a.Roles {
		if SameName(a.Roles[k].Inherits, old) {
			a.Roles[k].Inherits = nn
		}
	}
	for k := range a.Users {
		for j, rn := range a.Users[k].Roles {
			if SameName(rn, old) {
				a.Users[k].Roles[j] = nn
			}
		}
	}
	for k := range a.Environments {
		for j, rn := range a.Environments[k].RolesWithAccess {
			if SameName(rn, old) {
				a.Environments[k].RolesWithAccess[j] = nn
			}
		}
	}
}

// RemoveRole removes a custom role that nobody holds and no role inherits
// (R8). It takes the role off every environment's Roles with Access and notes
// each environment this opens to every role.
type RemoveRole struct {
	Name string
	// Was is the role as the admin saw it when removing it; replayed onto
	// a file where the role is no longer so, the removal is a Conflict.
	// Nil: any state of the role.
	Was *Role `json:",omitempty"`
}

func (o RemoveRole) Describe() string { return "remove role " + SafeText(o.Name) }
func (o RemoveRole) apply(a *Account) ([]string, error) {
	i, err := checkCustomEditable(a, o, o.Name)
	if err != nil {
		return nil, err
	}
	name := a.Roles[i].Name
	if err := checkNotShared(a, o, name); err != nil {
		return nil, err
	}
	var holders, heirs []string
	for _, u := range a.Users {
		if slices.ContainsFunc(u.Roles, func(rn string) bool { return SameName(rn, name) }) {
			holders = append(holders, u.Email)
		}
	}
	for _, r := range a.Roles {
		if SameName(r.Inherits, name) {
			heirs = append(heirs, r.Name)
		}
	}
	if len(holders)+len(heirs) > 0 {
		var why []string
		if len(holders) > 0 {
			why = append(why, fmt.Sprintf("held by %s", listSome(holders, 5)))
		}
		if len(heirs) > 0 {
			why = append(why, fmt.Sprintf("inherited by %s", listSome(heirs, 5)))
		}
		return nil, refuse(o, RoleInUse, "role %q is %s; %s first", name, strings.Join(why, " and "), inUseAdvice(len(holders) > 0, len(heirs)))
	}
	a.Roles = slices.Delete(a.Roles, i, i+1)
	return disallowEverywhere(a, name), nil
}

// inUseAdvice says what to do before a role in use can be removed (R8):
// unassign it from its holders, change the Inherits Role of its heirs, or
// both: "that role's" for one heir, "those roles'" for several.
func inUseAdvice(held bool, heirs int) string {
	whose := "those roles'"
	if heirs == 1 {
		whose = "that role's"
	}
	switch {
	case held && heirs > 0:
		return "unassign it and change " + whose + " Inherits Role"
	case heirs > 0:
		return "change " + whose + " Inherits Role"
	}
	return "unassign it"
}

// Widenings lists the environments that removing role name would open to
// every role (R8, R12), so that a front end can warn before it happens.
func Widenings(a *Account, name string) []string {
	var out []string
	for _, e := range a.Environments {
		if len(e.RolesWithAccess) > 0 && !slices.ContainsFunc(e.RolesWithAccess, func(rn string) bool { return !SameName(rn, name) }) {
			out = append(out, e.Name)
		}
	}
	return out
}

func disallowEverywhere(a *Account, name string) []string {
	var notes []string
	for k := range a.Environments {
		e := &a.Environments[k]
		before := len(e.RolesWithAccess)
		if slices.ContainsFunc(e.RolesWithAccess, func(rn string) bool { return SameName(rn, name) }) {
			// A new list (copySections).
			e.RolesWithAccess = slices.DeleteFunc(slices.Clone(e.RolesWithAccess), func(rn string) bool { return SameName(rn, name) })
		}
		if before > 0 && len(e.RolesWithAccess) == 0 {
			notes = append(notes, BecomesOpen([]string{e.Name}, name, true))
		}
	}
	return notes
}

func listSome(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:max], ", "), len(names)-max)
}

// AddUser adds a user with at least one role (R10).
type AddUser struct {
	Email, Name string
	Roles       []string `json:",omitempty"`
}

func (o AddUser) Describe() string { return "add user " + SafeText(o.Email) }
func (o AddUser) apply(a *Account) ([]string, error) {
	var notes []string
	if i := a.FindUser(o.Email); i >= 0 && a.Users[i].Groups != nil {
		// A group user given direct access: the direct roles govern (R25).
		notes = append(notes, fmt.Sprintf("%s is a group user here; with direct access only the direct roles count in this account (R25)", o.Email))
		a.Users = slices.Delete(slices.Clone(a.Users), i, i+1)
	}
	if a.FindUser(o.Email) >= 0 {
		return nil, refuse(o, DuplicateUser, "a user with email %q exists already", o.Email)
	}
	if len(o.Roles) == 0 {
		return nil, refuse(o, UserWithoutRole, "a user needs at least one role")
	}
	u := User{Email: o.Email, Name: o.Name}
	for _, rn := range o.Roles {
		if !a.RoleExists(rn) {
			return nil, refuseRole(a, o, rn)
		}
		if err := checkAssignable(a, o, rn); err != nil {
			return nil, err
		}
		u.Roles = append(u.Roles, a.CanonicalRoleName(rn))
	}
	a.Users = insertOrdered(a.Users, u, func(u User) string { return u.Email })
	return notes, nil
}

func findUser(a *Account, op Op, email string) (*User, error) {
	i := a.FindUser(email)
	if i < 0 {
		return nil, refuse(op, NoSuchUser, "there is no user %q", email)
	}
	if err := checkOwnUser(a, op, i); err != nil {
		return nil, err
	}
	return &a.Users[i], nil
}

// checkOwnUser refuses editing user i when it is a group user of a
// member's view: its roles come from the groups, edited in the primary
// (R25).
func checkOwnUser(a *Account, op Op, i int) error {
	if u := a.Users[i]; u.Groups != nil {
		return refuse(op, GroupUserNotHere, "%s is a group user here (%s); edit the group in the primary, or add the user to give direct access", SafeText(u.Email), groupsOfUser(u))
	}
	return nil
}

// groupsOfUser names the groups a group user's roles come from.
func groupsOfUser(u User) string {
	var gs []string
	for _, rn := range u.Roles {
		for _, g := range u.Groups[rn] {
			if !slices.Contains(gs, g) {
				gs = append(gs, g)
			}
		}
	}
	return "via " + joinAnd(gs)
}

// RemoveUser removes a user.
type RemoveUser struct {
	Email string
	Was   *User `json:",omitempty"` // as RemoveRole.Was
}

func (o RemoveUser) Describe() string { return "remove user " + SafeText(o.Email) }
func (o RemoveUser) apply(a *Account) ([]string, error) {
	i := a.FindUser(o.Email)
	if i < 0 {
		return nil, refuse(o, NoSuchUser, "there is no user %q", o.Email)
	}
	if err := checkOwnUser(a, o, i); err != nil {
		return nil, err
	}
	a.Users = slices.Delete(a.Users, i, i+1)
	return nil, nil
}

// Assign gives a user one more role (R10, R3).
type Assign struct{ Email, Role string }

func (o Assign) Describe() string { return "assign " + SafeText(o.Role) + " to " + SafeText(o.Email) }
func (o Assign) apply(a *Account) ([]string, error) {
	u, err := findUser(a, o, o.Email)
	if err != nil {
		return nil, err
	}
	if !a.RoleExists(o.Role) {
		return nil, refuseRole(a, o, o.Role)
	}
	if err := checkAssignable(a, o, o.Role); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(u.Roles, func(rn string) bool { return SameName(rn, o.Role) }) {
		return nil, refuse(o, RoleHeldTwice, "%s holds %s already", SafeText(u.Email), SafeText(a.CanonicalRoleName(o.Role)))
	}
	u.Roles = append(slices.Clip(u.Roles), a.CanonicalRoleName(o.Role)) // a new list (copySections)
	return nil, nil
}

// Unassign takes a role from a user; the last role cannot be taken (R10).
type Unassign struct{ Email, Role string }

func (o Unassign) Describe() string {
	return "unassign " + SafeText(o.Role) + " from " + SafeText(o.Email)
}
func (o Unassign) apply(a *Account) ([]string, error) {
	u, err := findUser(a, o, o.Email)
	if err != nil {
		return nil, err
	}
	j := slices.IndexFunc(u.Roles, func(rn string) bool { return SameName(rn, o.Role) })
	if j < 0 {
		return nil, refuse(o, RoleNotHeld, "%s does not hold %s", SafeText(u.Email), SafeText(o.Role))
	}
	if len(u.Roles) == 1 {
		return nil, refuse(o, UserWithoutRole, "%s is the only role of %s; a user needs at least one (remove the user instead)", SafeText(u.Roles[0]), SafeText(u.Email))
	}
	u.Roles = slices.Delete(slices.Clone(u.Roles), j, j+1) // a new list (copySections)
	return nil, nil
}

// AddEnvironment creates an environment, open to every role.
type AddEnvironment struct {
	Name           string
	Classification Classification
	Roles          []string `json:",omitempty"`
}

func (o AddEnvironment) Describe() string { return "add environment " + SafeText(o.Name) }
func (o AddEnvironment) apply(a *Account) ([]string, error) {
	if j := a.FindEnvironment(o.Name); j >= 0 {
		return nil, refuse(o, DuplicateEnvironment, "an environment called %q exists already", a.Environments[j].Name)
	}
	c := o.Classification
	if c == "" {
		c = Test
	}
	e := Environment{Name: o.Name, Classification: c}
	for _, rn := range o.Roles {
		e.RolesWithAccess = append(e.RolesWithAccess, a.CanonicalRoleName(rn))
	}
	a.Environments = insertOrdered(a.Environments, e, func(e Environment) string { return e.Name })
	return nil, nil
}

// RemoveEnvironment removes an environment.
type RemoveEnvironment struct {
	Name string
	Was  *Environment `json:",omitempty"` // as RemoveRole.Was
}

func (o RemoveEnvironment) Describe() string { return "remove environment " + SafeText(o.Name) }
func (o RemoveEnvironment) apply(a *Account) ([]string, error) {
	i := a.FindEnvironment(o.Name)
	if i < 0 {
		return nil, refuse(o, NoSuchEnvironment, "there is no environment %q", o.Name)
	}
	for _, r := range a.SeparationOfDuties {
		if slices.ContainsFunc(r.Environments, func(e string) bool { return SameName(e, a.Environments[i].Name) }) {
			return nil, refuse(o, NoSuchEnvironment, "separation-of-duties rule %s names environment %s; take it out of the rule's environments first, since a rule cannot name an environment the account lacks",
				quote(r.Name), quote(a.Environments[i].Name))
		}
	}
	a.Environments = slices.Delete(a.Environments, i, i+1)
	return nil, nil
}

func findEnv(a *Account, op Op, name string) (*Environment, error) {
	i := a.FindEnvironment(name)
	if i < 0 {
		return nil, refuse(op, NoSuchEnvironment, "there is no environment %q", name)
	}
	return &a.Environments[i], nil
}

// Allow adds a role to an environment's Roles with Access (R13). Allowing
// the first role restricts an open environment.
type Allow struct{ Environment, Role string }

func (o Allow) Describe() string {
	return "allow " + SafeText(o.Role) + " on " + SafeText(o.Environment)
}
func (o Allow) apply(a *Account) ([]string, error) {
	e, err := findEnv(a, o, o.Environment)
	if err != nil {
		return nil, err
	}
	if !a.RoleExists(o.Role) {
		return nil, refuseRole(a, o, o.Role)
	}
	if slices.ContainsFunc(e.RolesWithAccess, func(rn string) bool { return SameName(rn, o.Role) }) {
		return nil, refuse(o, ListedTwice, "%s lists %s already", SafeText(e.Name), SafeText(a.CanonicalRoleName(o.Role)))
	}
	var notes []string
	if len(e.RolesWithAccess) == 0 {
		notes = append(notes, StopsBeingOpen(e.Name, a.CanonicalRoleName(o.Role)))
	}
	e.RolesWithAccess = append(slices.Clip(e.RolesWithAccess), a.CanonicalRoleName(o.Role)) // a new list (copySections)
	return notes, nil
}

// Disallow takes a role off an environment's Roles with Access; taking the
// last one opens the environment to every role (R12), which it notes.
type Disallow struct{ Environment, Role string }

func (o Disallow) Describe() string {
	return "disallow " + SafeText(o.Role) + " on " + SafeText(o.Environment)
}
func (o Disallow) apply(a *Account) ([]string, error) {
	e, err := findEnv(a, o, o.Environment)
	if err != nil {
		return nil, err
	}
	j := slices.IndexFunc(e.RolesWithAccess, func(rn string) bool { return SameName(rn, o.Role) })
	if j < 0 {
		return nil, refuse(o, RoleNotListed, "%s does not list %s", SafeText(e.Name), SafeText(o.Role))
	}
	listed := e.RolesWithAccess[j]
	e.RolesWithAccess = slices.Delete(slices.Clone(e.RolesWithAccess), j, j+1) // a new list (copySections)
	if len(e.RolesWithAccess) == 0 {
		return []string{BecomesOpen([]string{e.Name}, listed, false)}, nil
	}
	return nil, nil
}
