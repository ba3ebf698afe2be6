package model

import (
	"slices"
	"strings"
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
	Roles                     []Role
	Users                     []User
	Environments              []Environment
}

// Role is a custom role (R5).
type Role struct {
	Name        string
	Description string
	Inherits    string // "" means: does not inherit a role
	Privileges  []Privilege
}

// User is one user of the account (R10).
type User struct {
	Email string
	Name  string
	Roles []string
}

// Environment is one environment with its Roles with Access (R12, R13).
type Environment struct {
	Name            string
	Classification  Classification
	RolesWithAccess []string
}

// Restricted reports whether the environment lists any role (R12, R13).
func (e *Environment) Restricted() bool { return len(e.RolesWithAccess) > 0 }

// Clone returns a deep copy of a.
func (a *Account) Clone() *Account {
	c := *a
	c.Roles = make([]Role, len(a.Roles))
	for i, r := range a.Roles {
		r.Privileges = slices.Clone(r.Privileges)
		c.Roles[i] = r
	}
	c.Users = make([]User, len(a.Users))
	for i, u := range a.Users {
		u.Roles = slices.Clone(u.Roles)
		c.Users[i] = u
	}
	c.Environments = make([]Environment, len(a.Environments))
	for i, e := range a.Environments {
		e.RolesWithAccess = slices.Clone(e.RolesWithAccess)
		c.Environments[i] = e
	}
	return &c
}

// FindRole returns the index of the custom role called name (ignoring case), or -1.
func (a *Account) FindRole(name string) int {
	return slices.IndexFunc(a.Roles, func(r Role) bool { return strings.EqualFold(r.Name, name) })
}

// FindUser returns the index of the user with that email (ignoring case), or -1.
func (a *Account) FindUser(email string) int {
	return slices.IndexFunc(a.Users, func(u User) bool { return strings.EqualFold(u.Email, email) })
}

// FindEnvironment returns the index of the environment called name (ignoring case), or -1.
func (a *Account) FindEnvironment(name string) int {
	return slices.IndexFunc(a.Environments, func(e Environment) bool { return strings.EqualFold(e.Name, name) })
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

// Normalize puts the account in the order it is shown and saved: roles, users
// and environments sorted by name (ignoring case), each role's privileges in
// catalog order without repeats, each user's and environment's role names
// sorted. It does not drop redundant ticks (see DropRedundantTicks).
func (a *Account) Normalize() {
	byFold := func(x, y string) int {
		if c := strings.Compare(strings.ToLower(x), strings.ToLower(y)); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	}
	slices.SortStableFunc(a.Roles, func(x, y Role) int { return byFold(x.Name, y.Name) })
	slices.SortStableFunc(a.Users, func(x, y User) int { return byFold(x.Email, y.Email) })
	slices.SortStableFunc(a.Environments, func(x, y Environment) int { return byFold(x.Name, y.Name) })
	for i := range a.Roles {
		slices.Sort(a.Roles[i].Privileges)
		a.Roles[i].Privileges = slices.Compact(a.Roles[i].Privileges)
	}
	for i := range a.Users {
		slices.SortFunc(a.Users[i].Roles, byFold)
	}
	for i := range a.Environments {
		slices.SortFunc(a.Environments[i].RolesWithAccess, byFold)
	}
}
