package model

import (
	"reflect"
	"slices"
)

// canSee and envPrivileges read the answers the front ends read: the
// environment's view and the grants that count there.
func canSee(r *Resolver, u, e int) bool { return r.EnvView(u, e).Visible }

func envPrivileges(r *Resolver, u, e int) PrivSet {
	var s PrivSet
	for _, g := range r.EnvGrants(u, e) {
		s = s.With(g.Privilege)
	}
	return s
}

// pageActions lists a page's actions as the preview gives them.
func pageActions(page string) []string {
	a := &Account{Users: []User{{Email: "a@x.com", Roles: []string{Administrator}}}}
	var out []string
	for _, p := range NewResolver(a).Preview(0).Pages {
		if p.Page == page {
			for _, act := range p.Actions {
				out = append(out, act.Action)
			}
		}
	}
	return out
}

// sameAccount is reflect.DeepEqual(x, y) for accounts, with the roles,
// users and environments compared field by field: DeepEqual keeps a map
// of every list it has been through, most of the cost of comparing
// accounts of hundreds of users state after state. The smaller sections
// (codes, groups, rules, a role's sharing, a user's group roles) are
// DeepEqual's; should Account, Role, User or Environment gain a field
// this does not know, it is DeepEqual.
func sameAccount(x, y *Account) bool {
	if reflect.TypeFor[Account]().NumField() != 11 || reflect.TypeFor[Role]().NumField() != 7 ||
		reflect.TypeFor[User]().NumField() != 4 || reflect.TypeFor[Environment]().NumField() != 4 {
		return reflect.DeepEqual(x, y)
	}
	if x == nil || y == nil {
		return x == y
	}
	if x.Name != y.Name || x.AdvancedUserSecurity != y.AdvancedUserSecurity || x.AdvancedEnvironmentAccess != y.AdvancedEnvironmentAccess ||
		x.BoomiAccount != y.BoomiAccount || x.Primary != y.Primary || x.view != y.view ||
		!reflect.DeepEqual(x.PrivilegeCodes, y.PrivilegeCodes) || !reflect.DeepEqual(x.Groups, y.Groups) ||
		!reflect.DeepEqual(x.SeparationOfDuties, y.SeparationOfDuties) {
		return false
	}
	roles := func(a, b Role) bool {
		return a.Name == b.Name && a.Description == b.Description && a.Inherits == b.Inherits && sameSlice(a.Privileges, b.Privileges) &&
			a.ID == b.ID && sameSlice(a.Codes, b.Codes) && (a.Shared == nil) == (b.Shared == nil) && (a.Shared == nil || reflect.DeepEqual(a.Shared, b.Shared))
	}
	users := func(a, b User) bool {
		return a.Email == b.Email && a.Name == b.Name && sameSlice(a.Roles, b.Roles) &&
			(a.Groups == nil) == (b.Groups == nil) && (a.Groups == nil || reflect.DeepEqual(a.Groups, b.Groups))
	}
	envs := func(a, b Environment) bool {
		return a.Name == b.Name && a.Classification == b.Classification && sameSlice(a.RolesWithAccess, b.RolesWithAccess) && a.ID == b.ID
	}
	return sameSliceFunc(x.Roles, y.Roles, roles) && sameSliceFunc(x.Users, y.Users, users) && sameSliceFunc(x.Environments, y.Environments, envs)
}

// sameSlice and sameSliceFunc are slices.Equal and slices.EqualFunc where,
// as for DeepEqual, a nil list is not an empty one.
func sameSlice[T comparable](x, y []T) bool { return (x == nil) == (y == nil) && slices.Equal(x, y) }

func sameSliceFunc[T any](x, y []T, eq func(a, b T) bool) bool {
	return (x == nil) == (y == nil) && slices.EqualFunc(x, y, eq)
}
