package model

import (
	"fmt"
	"slices"
	"strings"
)

// The edits that change one field of a role, a user or the account. The
// edits that add or remove one entity or one membership are in ops.go.

// RenameRole renames a custom role; the new name follows the role
// everywhere it is named (users, parents, environments).
type RenameRole struct{ Role, To string }

func (o RenameRole) Describe() string {
	return fmt.Sprintf("rename role %s to %s", quote(o.Role), quote(o.To))
}
func (o RenameRole) apply(a *Account) ([]string, error) {
	i, err := checkCustomEditable(a, o, o.Role)
	if err != nil {
		return nil, err
	}
	old := a.Roles[i].Name
	if old == o.To {
		return nil, nil
	}
	if err := checkNotShared(a, o, old); err != nil {
		return nil, err
	}
	if b, ok := LookupBuiltin(o.To); ok {
		return nil, refuse(o, DuplicateRoleName, "%s is the name of a built-in role", b.Name)
	}
	if j := a.FindRole(o.To); j >= 0 && j != i {
		return nil, refuse(o, DuplicateRoleName, "a role called %q exists already (names are unique ignoring case)", a.Roles[j].Name)
	}
	a.Roles[i].Name = o.To
	renameRef(a, old, o.To)
	return nil, nil
}

// SetDescription changes a custom role's description from From to To.
type SetDescription struct{ Role, From, To string }

func (o SetDescription) Describe() string {
	return fmt.Sprintf("set the description of role %s to %s", quote(o.Role), quote(o.To))
}
func (o SetDescription) apply(a *Account) ([]string, error) {
	i, err := checkCustomEditable(a, o, o.Role)
	if err != nil {
		return nil, err
	}
	a.Roles[i].Description = o.To
	return nil, nil
}

// SetParent changes a custom role's Inherits Role from From to To ("": does
// not inherit a role).
type SetParent struct{ Role, From, To string }

func (o SetParent) Describe() string {
	if o.To == "" {
		return fmt.Sprintf("role %s stops inheriting %s", quote(o.Role), quote(o.From))
	}
	return fmt.Sprintf("role %s inherits %s", quote(o.Role), quote(o.To))
}
func (o SetParent) apply(a *Account) ([]string, error) {
	i, err := checkCustomEditable(a, o, o.Role)
	if err != nil {
		return nil, err
	}
	a.Roles[i].Inherits = a.CanonicalRoleName(o.To)
	return nil, nil
}

// Tick ticks one privilege on a custom role.
type Tick struct {
	Role      string
	Privilege Privilege
}

func (o Tick) Describe() string {
	return fmt.Sprintf("tick %s on role %s", o.Privilege, quote(o.Role))
}
func (o Tick) apply(a *Account) ([]string, error) {
	r, err := tickable(a, o, o.Role, o.Privilege)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(r.Privileges, o.Privilege) {
		r.Privileges = append(slices.Clip(r.Privileges), o.Privilege) // a new list (copySections)
	}
	return nil, nil
}

// tickable finds the custom role whose tick of p op changes.
func tickable(a *Account, op Op, role string, p Privilege) (*Role, error) {
	i, err := checkCustomEditable(a, op, role)
	if err != nil {
		return nil, err
	}
	if err := checkPrivileges(op, []Privilege{p}); err != nil {
		return nil, err
	}
	return &a.Roles[i], nil
}

// Untick unticks one privilege of a custom role. An inherited privilege
// cannot be unticked (R5).
type Untick struct {
	Role      string
	Privilege Privilege
}

// InheritedTickRefusal is the refusal of unticking p on role (an editor's
// checkbox locked "from ROLE"), which has p from the role it inherits,
// parent (R5).
func InheritedTickRefusal(role string, p Privilege, parent string) error {
	return inheritedTick(Untick{Role: role, Privilege: p}, p, parent)
}

func inheritedTick(op Op, p Privilege, parent string) error {
	return refuse(op, InheritedTick, "%s is inherited from %s and cannot be unticked; change Inherits Role instead", p, SafeText(parent))
}

func (o Untick) Describe() string {
	return fmt.Sprintf("untick %s on role %s", o.Privilege, quote(o.Role))
}
func (o Untick) apply(a *Account) ([]string, error) {
	r, err := tickable(a, o, o.Role, o.Privilege)
	if err != nil {
		return nil, err
	}
	p := o.Privilege
	if !slices.Contains(r.Privileges, p) {
		if r.Inherits != "" {
			if set, ok := NewResolver(a).RolePrivileges(r.Inherits); ok && set.Has(p) {
				return nil, inheritedTick(o, p, r.Inherits)
			}
		}
		return nil, refuse(o, NotTicked, "role %q does not tick %s", r.Name, p)
	}
	r.Privileges = slices.DeleteFunc(slices.Clone(r.Privileges), func(q Privilege) bool { return q == p }) // a new list (copySections)
	return nil, nil
}

// SetUserName changes a user's display name from From to To.
type SetUserName struct{ Email, From, To string }

func (o SetUserName) Describe() string {
	return fmt.Sprintf("set the name of %s to %s", SafeText(o.Email), quote(o.To))
}
func (o SetUserName) apply(a *Account) ([]string, error) {
	u, err := findUser(a, o, o.Email)
	if err != nil {
		return nil, err
	}
	u.Name = o.To
	return nil, nil
}

// The account switches SetSwitch turns.
const (
	SwitchAdvancedUserSecurity      = "advanced_user_security"      // R3
	SwitchAdvancedEnvironmentAccess = "advanced_environment_access" // R16
)

// SetSwitch turns one account switch on or off.
type SetSwitch struct {
	Switch   string // SwitchAdvancedUserSecurity or SwitchAdvancedEnvironmentAccess
	From, To bool
}

func (o SetSwitch) Describe() string {
	return fmt.Sprintf("turn %s %s", switchTitle(o.Switch), onOff(o.To))
}

func switchTitle(s string) string {
	switch s {
	case SwitchAdvancedUserSecurity:
		return "Advanced User Security"
	case SwitchAdvancedEnvironmentAccess:
		return "Advanced Environment Access"
	}
	return SafeText(s)
}

func (o SetSwitch) field(a *Account) *bool {
	switch o.Switch {
	case SwitchAdvancedUserSecurity:
		return &a.AdvancedUserSecurity
	case SwitchAdvancedEnvironmentAccess:
		return &a.AdvancedEnvironmentAccess
	}
	return nil
}

func (o SetSwitch) apply(a *Account) ([]string, error) {
	f := o.field(a)
	if f == nil {
		return nil, refuse(o, NoSuchSwitch, "there is no account switch %q", o.Switch)
	}
	if *f == o.To {
		return nil, nil
	}
	*f = o.To
	return []string{SwitchEffect(o.Switch, o.To)}, nil
}

// RenameAccount changes the account's name from From to To.
type RenameAccount struct{ From, To string }

func (o RenameAccount) Describe() string { return "rename the account to " + quote(o.To) }
func (o RenameAccount) apply(a *Account) ([]string, error) {
	a.Name = o.To
	return nil, nil
}

// quote is a name as edits print it: escaped and in quotes.
func quote(s string) string { return `"` + SafeText(s) + `"` }

// ---- what each edit expects to find ----

func roleGone(name string) (fit, clash) {
	return conflicts, clash{What: "role " + quote(name), Expected: "exists", Found: "removed or renamed", gone: true}
}

func (o AddRole) expect(a *Account) (fit, clash) {
	if b, ok := LookupBuiltin(o.Name); ok {
		return conflicts, clash{What: "role " + quote(o.Name), Expected: "no such role", Found: "the built-in role " + b.Name, Wanted: describeRole(Role{Name: o.Name, Description: o.Description, Inherits: o.Inherits, Privileges: o.Privileges})}
	}
	i := a.FindRole(o.Name)
	if i < 0 {
		return fits, clash{}
	}
	mine := Role{Name: o.Name, Description: o.Description, Inherits: o.Inherits, Privileges: o.Privileges}
	if sameRole(a.Roles[i], mine) {
		return holds, clash{}
	}
	return conflicts, clash{What: "role " + quote(o.Name), Expected: "no such role", Found: describeRole(a.Roles[i]), Wanted: describeRole(mine)}
}

func (o RemoveRole) expect(a *Account) (fit, clash) {
	i := a.FindRole(o.Name)
	if i < 0 {
		return holds, clash{}
	}
	if o.Was != nil && !sameRole(a.Roles[i], *o.Was) {
		return conflicts, clash{What: "role " + quote(o.Name), Expected: describeRole(*o.Was), Found: describeRole(a.Roles[i]), Wanted: "removed"}
	}
	return fits, clash{}
}

func (o RenameRole) expect(a *Account) (fit, clash) {
	i, j := a.FindRole(o.Role), a.FindRole(o.To)
	switch {
	case i >= 0 && (j < 0 || j == i):
		return fits, clash{}
	case i < 0 && j >= 0 && a.Roles[j].Name == o.To:
		return holds, clash{}
	case i < 0:
		return roleGone(o.Role)
	}
	return conflicts, clash{What: "the name " + quote(o.To), Expected: "free", Found: "taken by another role", Wanted: "role " + quote(o.Role) + " renamed to it"}
}

// setExpect is the expectation of an edit that sets one text field from
// from to to, where found is the field's value now.
func setExpect(what, from, to, found string, same func(x, y string) bool) (fit, clash) {
	switch {
	case same(found, to):
		return holds, clash{}
	case same(found, from):
		return fits, clash{}
	}
	return conflicts, clash{What: what, Expected: from, Found: found, Wanted: to}
}

func exactly(x, y string) bool { return x == y }

func (o SetDescription) expect(a *Account) (fit, clash) {
	i := a.FindRole(o.Role)
	if i < 0 {
		return roleGone(o.Role)
	}
	return setExpect("the description of role "+quote(o.Role), o.From, o.To, a.Roles[i].Description, exactly)
}

func (o SetParent) expect(a *Account) (fit, clash) {
	i := a.FindRole(o.Role)
	if i < 0 {
		return roleGone(o.Role)
	}
	return setExpect("the Inherits Role of role "+quote(o.Role), o.From, o.To, a.Roles[i].Inherits, SameName)
}

func (o Tick) expect(a *Account) (fit, clash) {
	i := a.FindRole(o.Role)
	if i < 0 {
		return roleGone(o.Role)
	}
	if slices.Contains(a.Roles[i].Privileges, o.Privilege) {
		return holds, clash{}
	}
	return fits, clash{}
}

func (o Untick) expect(a *Account) (fit, clash) {
	i := a.FindRole(o.Role)
	if i < 0 || !slices.Contains(a.Roles[i].Privileges, o.Privilege) {
		return holds, clash{}
	}
	return fits, clash{}
}

func userGone(email string) (fit, clash) {
	return conflicts, clash{What: "user " + SafeText(email), Expected: "exists", Found: "removed", gone: true}
}

func (o AddUser) expect(a *Account) (fit, clash) {
	i := a.FindUser(o.Email)
	if i < 0 {
		return fits, clash{}
	}
	mine := User{Email: o.Email, Name: o.Name, Roles: o.Roles}
	if sameUser(a.Users[i], mine) {
		return holds, clash{}
	}
	return conflicts, clash{What: "user " + SafeText(o.Email), Expected: "no such user", Found: describeUser(a.Users[i]), Wanted: describeUser(mine)}
}

func (o RemoveUser) expect(a *Account) (fit, clash) {
	i := a.FindUser(o.Email)
	if i < 0 {
		return holds, clash{}
	}
	if o.Was != nil && !sameUser(a.Users[i], *o.Was) {
		return conflicts, clash{What: "user " + SafeText(o.Email), Expected: describeUser(*o.Was), Found: describeUser(a.Users[i]), Wanted: "removed"}
	}
	return fits, clash{}
}

func (o SetUserName) expect(a *Account) (fit, clash) {
	i := a.FindUser(o.Email)
	if i < 0 {
		return userGone(o.Email)
	}
	return setExpect("the name of "+SafeText(o.Email), o.From, o.To, a.Users[i].Name, exactly)
}

func (o Assign) expect(a *Account) (fit, clash) {
	i := a.FindUser(o.Email)
	if i < 0 {
		return userGone(o.Email)
	}
	if slices.ContainsFunc(a.Users[i].Roles, func(rn string) bool { return SameName(rn, o.Role) }) {
		return holds, clash{}
	}
	if !a.RoleExists(o.Role) {
		return roleGone(o.Role)
	}
	return fits, clash{}
}

func (o Unassign) expect(a *Account) (fit, clash) {
	i := a.FindUser(o.Email)
	if i < 0 || !slices.ContainsFunc(a.Users[i].Roles, func(rn string) bool { return SameName(rn, o.Role) }) {
		return holds, clash{}
	}
	return fits, clash{}
}

func envGone(name string) (fit, clash) {
	return conflicts, clash{What: "environment " + quote(name), Expected: "exists", Found: "removed or renamed", gone: true}
}

func (o AddEnvironment) expect(a *Account) (fit, clash) {
	i := a.FindEnvironment(o.Name)
	if i < 0 {
		return fits, clash{}
	}
	mine := Environment{Name: o.Name, Classification: o.Classification, RolesWithAccess: o.Roles}
	if mine.Classification == "" {
		mine.Classification = Test
	}
	if sameEnv(a.Environments[i], mine) {
		return holds, clash{}
	}
	return conflicts, clash{What: "environment " + quote(o.Name), Expected: "no such environment", Found: describeEnv(a.Environments[i]), Wanted: describeEnv(mine)}
}

func (o RemoveEnvironment) expect(a *Account) (fit, clash) {
	i := a.FindEnvironment(o.Name)
	if i < 0 {
		return holds, clash{}
	}
	if o.Was != nil && !sameEnv(a.Environments[i], *o.Was) {
		return conflicts, clash{What: "environment " + quote(o.Name), Expected: describeEnv(*o.Was), Found: describeEnv(a.Environments[i]), Wanted: "removed"}
	}
	return fits, clash{}
}

func (o Allow) expect(a *Account) (fit, clash) {
	i := a.FindEnvironment(o.Environment)
	if i < 0 {
		return envGone(o.Environment)
	}
	if slices.ContainsFunc(a.Environments[i].RolesWithAccess, func(rn string) bool { return SameName(rn, o.Role) }) {
		return holds, clash{}
	}
	if !a.RoleExists(o.Role) {
		return roleGone(o.Role)
	}
	return fits, clash{}
}

func (o Disallow) expect(a *Account) (fit, clash) {
	i := a.FindEnvironment(o.Environment)
	if i < 0 || !slices.ContainsFunc(a.Environments[i].RolesWithAccess, func(rn string) bool { return SameName(rn, o.Role) }) {
		return holds, clash{}
	}
	return fits, clash{}
}

func (o SetSwitch) expect(a *Account) (fit, clash) {
	if f := o.field(a); f != nil && *f == o.To {
		return holds, clash{}
	}
	return fits, clash{}
}

func (o RenameAccount) expect(a *Account) (fit, clash) {
	return setExpect("the account's name", o.From, o.To, a.Name, exactly)
}

// ---- comparing and describing whole entities ----

func sameRole(x, y Role) bool {
	return SameName(x.Name, y.Name) && x.Description == y.Description && SameName(x.Inherits, y.Inherits) &&
		privSet(x.Privileges) == privSet(y.Privileges)
}

func privSet(ps []Privilege) PrivSet {
	var s PrivSet
	for _, p := range ps {
		s = s.With(p)
	}
	return s
}

func sameNames(x, y []string) bool { return slices.Equal(lowerSet(x), lowerSet(y)) }

func sameUser(x, y User) bool {
	return SameName(x.Email, y.Email) && x.Name == y.Name && sameNames(x.Roles, y.Roles)
}

func sameEnv(x, y Environment) bool {
	return SameName(x.Name, y.Name) && x.Classification == y.Classification && sameNames(x.RolesWithAccess, y.RolesWithAccess)
}

func describeRole(r Role) string {
	parent := "inherits no role"
	if r.Inherits != "" {
		parent = "inherits " + quote(r.Inherits)
	}
	ticks := "ticks nothing"
	if len(r.Privileges) > 0 {
		var names []string
		for _, p := range privSet(r.Privileges).List() {
			names = append(names, p.String())
		}
		ticks = "ticks " + strings.Join(names, ", ")
	}
	s := "a role that " + parent + " and " + ticks
	if r.Description != "" {
		s += ", described " + quote(r.Description)
	}
	return s
}

func describeUser(u User) string {
	s := "a user holding " + listNames(u.Roles)
	if u.Name != "" {
		s += ", named " + quote(u.Name)
	}
	return s
}

func describeEnv(e Environment) string {
	s := "a " + string(e.Classification) + " environment"
	if len(e.RolesWithAccess) == 0 {
		return s + " open to every role"
	}
	return s + " listing " + listNames(e.RolesWithAccess)
}

func listNames(names []string) string {
	if len(names) == 0 {
		return "no role"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// ---- the edits that take an entity to the state a form shows ----

// RoleEdits returns the edits that turn custom role name into want, one
// field each: its description, its Inherits Role, each tick and untick, and
// last its name. want.Privileges are the ticks the role should have.
func RoleEdits(a *Account, name string, want Role) []Op {
	i := a.FindRole(name)
	if i < 0 {
		return nil
	}
	r := a.Roles[i]
	var ops []Op
	if r.Description != want.Description {
		ops = append(ops, SetDescription{Role: r.Name, From: r.Description, To: want.Description})
	}
	if !SameName(r.Inherits, want.Inherits) {
		ops = append(ops, SetParent{Role: r.Name, From: r.Inherits, To: want.Inherits})
	}
	have, wantSet := privSet(r.Privileges), privSet(want.Privileges)
	for _, p := range (wantSet &^ have).List() {
		ops = append(ops, Tick{Role: r.Name, Privilege: p})
	}
	for _, p := range (have &^ wantSet).List() {
		ops = append(ops, Untick{Role: r.Name, Privilege: p})
	}
	if want.Name != "" && want.Name != r.Name {
		ops = append(ops, RenameRole{Role: r.Name, To: want.Name})
	}
	return ops
}

// UserEdits returns the edits that give user email the display name and
// roles of want: the name, then each role assigned, then each unassigned
// (so that the user always holds one).
func UserEdits(a *Account, email string, want User) []Op {
	i := a.FindUser(email)
	if i < 0 {
		return nil
	}
	u := a.Users[i]
	var ops []Op
	if u.Name != want.Name {
		ops = append(ops, SetUserName{Email: u.Email, From: u.Name, To: want.Name})
	}
	for _, rn := range want.Roles {
		if !slices.ContainsFunc(u.Roles, func(h string) bool { return SameName(h, rn) }) {
			ops = append(ops, Assign{Email: u.Email, Role: rn})
		}
	}
	for _, rn := range u.Roles {
		if !slices.ContainsFunc(want.Roles, func(w string) bool { return SameName(w, rn) }) {
			ops = append(ops, Unassign{Email: u.Email, Role: rn})
		}
	}
	return ops
}

// AccessEdits returns the edits that make environment env's Roles with
// Access list exactly roles: each role allowed, then each disallowed (so
// that a list being replaced never passes through empty, which would open
// the environment to every role, R12).
func AccessEdits(a *Account, env string, roles []string) []Op {
	i := a.FindEnvironment(env)
	if i < 0 {
		return nil
	}
	e := a.Environments[i]
	var ops []Op
	for _, rn := range roles {
		if !slices.ContainsFunc(e.RolesWithAccess, func(h string) bool { return SameName(h, rn) }) {
			ops = append(ops, Allow{Environment: e.Name, Role: rn})
		}
	}
	for _, rn := range e.RolesWithAccess {
		if !slices.ContainsFunc(roles, func(w string) bool { return SameName(w, rn) }) {
			ops = append(ops, Disallow{Environment: e.Name, Role: rn})
		}
	}
	return ops
}
