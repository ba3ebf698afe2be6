package model

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Classification of an environment; fixed once the environment exists.
type Classification string

const (
	Production Classification = "production"
	Test       Classification = "test"
)

// MaxUsers is the largest account Boomi allows (R10).
const MaxUsers = 10000

// Account is one Boomi account as held in one file. Built-in roles are not
// stored in it; they come from the catalog (R2).
type Account struct {
	Name                      string
	AdvancedUserSecurity      bool // R3
	AdvancedEnvironmentAccess bool // R16
	// BoomiAccount is the account's id in Boomi's Platform API
	// (boomi-api.md), "" when the file has never been tied to one.
	BoomiAccount string
	// PrivilegeCodes are the rows the file adds to the code table (Codes):
	// Boomi's codes that rolecall's table does not know, or maps otherwise.
	PrivilegeCodes []CodeRow
	Roles          []Role
	Users          []User
	Environments   []Environment
	// Groups are the account groups of a primary account (R20), nil for
	// an account that is no primary.
	Groups []AccountGroup
	// SeparationOfDuties are the file's own rules of who may not hold
	// what together (sod.go); Boomi has none, so pulls keep them.
	SeparationOfDuties []SoDRule
	// Primary is, in a member account, the primary's file by path
	// relative to this file's directory ("" for an account that names no
	// primary): what a member's file is opened with (groups.go).
	Primary string

	// view is set on a member's view (GroupSet.View), which holds the
	// roles its groups share; a member read alone does not, and leaves
	// the check of its shared role names to its view (R21).
	view bool
}

// Role is a custom role (R5).
type Role struct {
	Name        string
	Description string
	Inherits    string // "" means: does not inherit a role
	Privileges  []Privilege
	// ID is the role's id in Boomi, "" for a role Boomi has not seen yet:
	// it ties the role to Boomi's across renames (plan, push, drift).
	ID string
	// Codes are Boomi privilege codes on the role that the code table does
	// not know: kept as they came, written back unchanged, and governing
	// nothing in the preview (which says so).
	Codes []string
	// Shared is set only on the roles of a member's view (GroupSet.View)
	// that a primary shares with it, never in a file: the role is read-only
	// there and its privileges are the primary's (R21).
	Shared *SharedFrom
}

// User is one user of the account (R10).
type User struct {
	Email string
	Name  string
	Roles []string
	// Groups is set only on the group users of a member's view
	// (GroupSet.View), never in a file: for each role in Roles, the groups
	// that give it to the user there (R25).
	Groups map[string][]string
}

// Environment is one environment with its Roles with Access (R12, R13).
type Environment struct {
	Name            string
	Classification  Classification
	RolesWithAccess []string
	// ID is the environment's id in Boomi, "" for one Boomi has not seen.
	ID string
}

// Restricted reports whether the environment lists any role (R12, R13).
func (e *Environment) Restricted() bool { return len(e.RolesWithAccess) > 0 }

// Clone returns a deep copy of a. The copies of the inner lists (a role's
// privileges, a user's roles, an environment's roles) share one backing
// array per kind, each capped at its length, so that appending to one
// reallocates it instead of touching its neighbour; nil lists stay nil.
func (a *Account) Clone() *Account { return a.cloneSections(secAll) }

// section names parts of an account, for copying and re-checking only what
// an edit changes.
type section uint8

const (
	secRoles section = 1 << iota
	secUsers
	secEnvs
	secAll = secRoles | secUsers | secEnvs
)

// cloneSections copies a, deeply for the sections in s; the others share
// a's slices, so the copy must not change them.
func (a *Account) cloneSections(s section) *Account {
	c := *a
	if s&secRoles != 0 {
		c.Roles = make([]Role, len(a.Roles))
		n := 0
		for _, r := range a.Roles {
			n += len(r.Privileges)
		}
		privs := make([]Privilege, 0, n)
		for i, r := range a.Roles {
			r.Privileges, privs = cloneInto(r.Privileges, privs)
			c.Roles[i] = r
		}
	}
	if s&secUsers != 0 {
		c.Users = make([]User, len(a.Users))
		n := 0
		for _, u := range a.Users {
			n += len(u.Roles)
		}
		names := make([]string, 0, n)
		for i, u := range a.Users {
			u.Roles, names = cloneInto(u.Roles, names)
			c.Users[i] = u
		}
	}
	if s&secEnvs != 0 {
		c.Environments = make([]Environment, len(a.Environments))
		n := 0
		for _, e := range a.Environments {
			n += len(e.RolesWithAccess)
		}
		names := make([]string, 0, n)
		for i, e := range a.Environments {
			e.RolesWithAccess, names = cloneInto(e.RolesWithAccess, names)
			c.Environments[i] = e
		}
	}
	return &c
}

// cloneInto copies s to the end of buf (which has room for it) and returns
// the copy, capped at its length, and buf extended; as slices.Clone, a nil
// s gives nil and an empty one an empty one.
func cloneInto[T any](s, buf []T) ([]T, []T) {
	if s == nil {
		return nil, buf
	}
	if len(s) == 0 {
		return s[:0:0], buf
	}
	start := len(buf)
	buf = append(buf, s...)
	return buf[start:len(buf):len(buf)], buf
}

// FindRole returns the index of the first custom role called name (SameName),
// or -1: one look-up by scanning; roleFinder answers the same from an index.
func (a *Account) FindRole(name string) int {
	return slices.IndexFunc(a.Roles, func(r Role) bool { return SameName(r.Name, name) })
}

// FindUser returns the index of the user with that email (ignoring case), or -1.
func (a *Account) FindUser(email string) int {
	return slices.IndexFunc(a.Users, func(u User) bool { return SameName(u.Email, email) })
}

// FindEnvironment returns the index of the environment called name (ignoring case), or -1.
func (a *Account) FindEnvironment(name string) int {
	return slices.IndexFunc(a.Environments, func(e Environment) bool { return SameName(e.Name, name) })
}

// RoleExists reports whether name is a role of this account: a custom role, or
// a built-in role available under its switches (R2, R3).
func (a *Account) RoleExists(name string) bool {
	if b, ok := LookupBuiltin(name); ok {
		return !b.NeedsAUS || a.AdvancedUserSecurity
	}
	return a.FindRole(name) >= 0
}

// CanonicalRoleName returns the role's name as the account spells it, or
// name unchanged when there is no such role.
func (a *Account) CanonicalRoleName(name string) string {
	if b, ok := LookupBuiltin(name); ok {
		return b.Name
	}
	if i := a.FindRole(name); i >= 0 {
		return a.Roles[i].Name
	}
	return name
}

// Normalize writes nothing to a list already in that order, so that an
// account whose sections are shared with another (Working) can be
// normalised when the shared sections are.
//
// Normalize puts the account in the order it is shown and saved: roles, users
// and environments sorted by name (ignoring case), each role's privileges in
// catalog order without repeats, each user's and environment's role names
// sorted. It does not drop redundant ticks (R9): Canonical does, when the
// account is saved.
//
// Slices already in order are left as they are (checking is linear and
// does not allocate), so normalising a normalised account is cheap.
func (a *Account) Normalize() { a.normalizeSections(secAll) }

// normalizeSections is Normalize for the sections in s only: the others
// are left as they are (Working: an edit's copy shares the sections it does
// not touch, which are in order already).
func (a *Account) normalizeSections(s section) {
	byFold := compareFold
	roleCmp := func(x, y Role) int { return byFold(x.Name, y.Name) }
	userCmp := func(x, y User) int { return byFold(x.Email, y.Email) }
	envCmp := func(x, y Environment) int { return byFold(x.Name, y.Name) }
	if s&secRoles != 0 && !slices.IsSortedFunc(a.Roles, roleCmp) {
		slices.SortStableFunc(a.Roles, roleCmp)
	}
	if s&secUsers != 0 && !slices.IsSortedFunc(a.Users, userCmp) {
		slices.SortStableFunc(a.Users, userCmp)
	}
	if s&secEnvs != 0 && !slices.IsSortedFunc(a.Environments, envCmp) {
		slices.SortStableFunc(a.Environments, envCmp)
	}
	if s&secRoles != 0 {
		for i := range a.Roles {
			if !slices.IsSorted(a.Roles[i].Privileges) {
				slices.Sort(a.Roles[i].Privileges)
			}
			if c := slices.Compact(a.Roles[i].Privileges); len(c) != len(a.Roles[i].Privileges) {
				a.Roles[i].Privileges = c
			}
		}
	}
	// Equal elements of these lists are identical strings, so skipping an
	// unstable sort of a sorted list changes nothing.
	if s&secUsers != 0 {
		for i := range a.Users {
			if !slices.IsSortedFunc(a.Users[i].Roles, byFold) {
				slices.SortFunc(a.Users[i].Roles, byFold)
			}
		}
	}
	if s&secEnvs != 0 {
		for i := range a.Environments {
			if !slices.IsSortedFunc(a.Environments[i].RolesWithAccess, byFold) {
				slices.SortFunc(a.Environments[i].RolesWithAccess, byFold)
			}
		}
	}
}

// compareFold orders names ignoring case (by their keys, FoldName), then
// by their exact spelling. It does not allocate for ASCII names.
func compareFold(x, y string) int {
	if c := compareLower(x, y); c != 0 {
		return c
	}
	return strings.Compare(x, y)
}

// compareLower is strings.Compare(FoldName(x), FoldName(y)), without
// allocating for ASCII names.
func compareLower(x, y string) int {
	// strings.ToLower maps rune by rune, so an ASCII prefix lower-cases
	// byte by byte: compare that way until the first non-ASCII byte, and
	// from there (a rune boundary in both) compare the lower-cased rests.
	n := min(len(x), len(y))
	for i := 0; i < n; i++ {
		a, b := x[i], y[i]
		if a >= utf8.RuneSelf || b >= utf8.RuneSelf {
			return strings.Compare(FoldName(x[i:]), FoldName(y[i:]))
		}
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(x) < len(y):
		return -1
	case len(x) > len(y):
		return 1
	}
	return 0
}
