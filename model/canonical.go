package model

import (
	"slices"
	"strings"
)

// Canonical returns a copy of a as it is saved, the rules of saving applied
// in one place (storage writes what it returns):
//
//   - roles named like a built-in role are left out (R2: built-in roles are
//     not stored, and cannot be redefined);
//   - unknown privileges are left out; the others are values, written
//     under their current names (R0);
//   - every role reference (a parent, a user's roles, an environment's
//     Roles with Access) is spelled as the role is (CanonicalRoleName);
//     a reference to no role is left as it is;
//   - the account is sorted as it is shown (Normalize), which keeps each
//     privilege once per role (R9: a repeat is a warning, saving keeps one);
//   - ticks that the parent role already grants are dropped (R9,
//     redundantTicks), but not a tick the parent only covers under R4
//     (decision); roles whose chain loops are left alone;
//   - empty lists are nil.
//
// a is not changed. Canonical(Canonical(a)) equals Canonical(a).
func Canonical(a *Account) *Account {
	c := a.Clone()
	c.Roles = slices.DeleteFunc(c.Roles, func(r Role) bool {
		_, builtin := LookupBuiltin(r.Name)
		return builtin
	})
	for i := range c.Roles {
		c.Roles[i].Privileges = slices.DeleteFunc(c.Roles[i].Privileges, func(p Privilege) bool { return !p.Valid() })
	}
	canonicalRefs(c)
	c.Normalize()
	dropRedundant(c)
	for i := range c.Roles {
		c.Roles[i].Privileges = nilIfEmpty(c.Roles[i].Privileges)
		c.Roles[i].Codes = nilIfEmpty(c.Roles[i].Codes)
	}
	c.PrivilegeCodes = nilIfEmpty(slices.Clone(c.PrivilegeCodes))
	slices.SortStableFunc(c.PrivilegeCodes, func(x, y CodeRow) int { return strings.Compare(x.Code, y.Code) })
	for i := range c.Users {
		c.Users[i].Roles = nilIfEmpty(c.Users[i].Roles)
	}
	for i := range c.Environments {
		c.Environments[i].RolesWithAccess = nilIfEmpty(c.Environments[i].RolesWithAccess)
	}
	canonicalSoD(c)
	c.Roles = nilIfEmpty(c.Roles)
	c.Users = nilIfEmpty(c.Users)
	c.Environments = nilIfEmpty(c.Environments)
	return c
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// canonicalRefs spells every role reference of a as CanonicalRoleName
// does: a built-in role's name, or the first custom role with the same
// name ignoring case (roleFinder).
func canonicalRefs(a *Account) {
	find := newRoleFinder(a)
	for i := range a.Roles {
		if a.Roles[i].Inherits != "" {
			a.Roles[i].Inherits = find.canonical(a.Roles[i].Inherits)
		}
	}
	for i := range a.Users {
		for j, rn := range a.Users[i].Roles {
			a.Users[i].Roles[j] = find.canonical(rn)
		}
	}
	for i := range a.Environments {
		for j, rn := range a.Environments[i].RolesWithAccess {
			a.Environments[i].RolesWithAccess[j] = find.canonical(rn)
		}
	}
}

// dropRedundant removes from each role of a the ticks R9 calls redundant
// (redundantTicks).
func dropRedundant(a *Account) {
	var res *Resolver
	for i := range a.Roles {
		r := &a.Roles[i]
		if r.Inherits == "" || len(r.Privileges) == 0 {
			continue
		}
		if res == nil {
			res = &Resolver{acct: a} // only roles are asked about
			res.buildRoles(nil)
		}
		if red := res.redundantTicks(*r); red != 0 {
			r.Privileges = slices.DeleteFunc(r.Privileges, red.Has)
		}
	}
}

// redundantTicks returns the ticks of custom role r that R9 calls
// redundant: those its parent role already grants, inheritance included
// and R4 not applied. A tick the parent only covers under R4 (Runtime
// Management Read Access beside an inherited Runtime Management) is not
// redundant: Boomi's dialog allows both, and it is kept (R9, decision).
// Validation warns about exactly these ticks and saving (Canonical) drops
// exactly these, so that the warning and the file cannot disagree; the
// editor locks the same privileges as inherited (InheritedFrom). Nothing
// is redundant when r inherits nothing, itself, a role that does not
// exist, or a role whose chain loops (R6: what it grants is not defined).
func (res *Resolver) redundantTicks(r Role) PrivSet {
	if r.Inherits == "" || SameName(r.Inherits, r.Name) {
		return 0
	}
	p := res.roleID(r.Inherits)
	if p < 0 || res.roles[p].looped {
		return 0
	}
	return SetOf(r.Privileges...) & res.roles[p].set
}
