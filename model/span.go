package model

import "slices"

// span says which elements of one section (roles, users or environments)
// an edit changed: the old account's [lo, oldHi) became the new one's
// [lo, newHi), and the elements before lo and from oldHi (newHi) on are
// the same elements in the same order. ok is false when nothing is known:
// then everything may have changed.
type span struct {
	lo, oldHi, newHi int
	ok               bool
}

// all is the span of a section of which nothing is known to be the same.
func spanAll(oldLen, newLen int) span { return span{oldHi: oldLen, newHi: newLen} }

// empty reports whether the span changed nothing.
func (s span) empty() bool { return s.ok && s.lo == s.oldHi && s.lo == s.newHi }

// newLo and newHi bound the changed elements in the new section, widened
// by one on each side (the neighbours whose order or uniqueness the change
// may affect) and clipped to n.
func (s span) around(n int) (lo, hi int) { return max(s.lo-1, 0), min(s.newHi+1, n) }

// old returns the index in the old section of the new section's element
// i, which is outside the span.
func (s span) old(i int) int {
	if i < s.lo {
		return i
	}
	return i - s.newHi + s.oldHi
}

// changedSpan compares old and new, the same section before and after an
// edit that replaced the elements it changed (copySections): an element
// is the same when same says so.
func changedSpan[T any](old, new []T, same func(x, y *T) bool) span {
	n := min(len(old), len(new))
	lo := 0
	for lo < n && same(&old[lo], &new[lo]) {
		lo++
	}
	suf := 0
	for suf < n-lo && same(&old[len(old)-1-suf], &new[len(new)-1-suf]) {
		suf++
	}
	return span{lo: lo, oldHi: len(old) - suf, newHi: len(new) - suf, ok: true}
}

// sameList reports whether x and y are the same list: the same elements in
// the same storage (an edit replaces a list it changes; copySections).
func sameList[T any](x, y []T) bool {
	return len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
}

func sameUserAs(x, y *User) bool {
	return x.Email == y.Email && x.Name == y.Name && sameList(x.Roles, y.Roles)
}

func sameRoleAs(x, y *Role) bool {
	return x.Name == y.Name && x.Description == y.Description && x.Inherits == y.Inherits && sameList(x.Privileges, y.Privileges)
}

func sameEnvAs(x, y *Environment) bool {
	return x.Name == y.Name && x.Classification == y.Classification && sameList(x.RolesWithAccess, y.RolesWithAccess)
}

// spans are the changed spans of the three sections.
type spans struct{ roles, users, envs span }

// copySections copies a, sharing every list inside it: the lists of the
// sections in s (the roles, users, environments themselves) are copies,
// their elements' lists (privileges, held roles, Roles with Access) are
// a's. An edit given the copy must replace such a list to change it, never
// change it in place (the ops whose touches is not secAll do so).
func (a *Account) copySections(s section) *Account {
	c := *a
	if s&secRoles != 0 {
		c.Roles = slices.Clone(a.Roles)
	}
	if s&secUsers != 0 {
		c.Users = slices.Clone(a.Users)
	}
	if s&secEnvs != 0 {
		c.Environments = slices.Clone(a.Environments)
	}
	return &c
}

// normalizeEdited is normalizeSections(s) for c, an edit of a (which is in
// Normalize order) made on copySections(s): it puts in order only what the
// edit changed, when that is enough, and returns the changed spans.
func (c *Account) normalizeEdited(a *Account, s section) spans {
	var sp spans
	if s&secRoles != 0 {
		sp.roles = changedSpan(a.Roles, c.Roles, sameRoleAs)
		if !normalizeSpan(c.Roles, sp.roles, func(x, y Role) int { return compareFold(x.Name, y.Name) }, func(r *Role) {
			if !slices.IsSorted(r.Privileges) {
				slices.Sort(r.Privileges)
			}
			if d := slices.Compact(r.Privileges); len(d) != len(r.Privileges) {
				r.Privileges = d
			}
		}) {
			c.normalizeSections(secRoles)
			sp.roles = changedSpan(a.Roles, c.Roles, sameRoleAs)
		}
	}
	if s&secUsers != 0 {
		sp.users = changedSpan(a.Users, c.Users, sameUserAs)
		if !normalizeSpan(c.Users, sp.users, func(x, y User) int { return compareFold(x.Email, y.Email) }, func(u *User) {
			if !slices.IsSortedFunc(u.Roles, compareFold) {
				slices.SortFunc(u.Roles, compareFold)
			}
		}) {
			c.normalizeSections(secUsers)
			sp.users = changedSpan(a.Users, c.Users, sameUserAs)
		}
	}
	if s&secEnvs != 0 {
		sp.envs = changedSpan(a.Environments, c.Environments, sameEnvAs)
		if !normalizeSpan(c.Environments, sp.envs, func(x, y Environment) int { return compareFold(x.Name, y.Name) }, func(e *Environment) {
			if !slices.IsSortedFunc(e.RolesWithAccess, compareFold) {
				slices.SortFunc(e.RolesWithAccess, compareFold)
			}
		}) {
			c.normalizeSections(secEnvs)
			sp.envs = changedSpan(a.Environments, c.Environments, sameEnvAs)
		}
	}
	unchanged := span{ok: true}
	if s&secRoles == 0 {
		sp.roles = unchanged
	}
	if s&secUsers == 0 {
		sp.users = unchanged
	}
	if s&secEnvs == 0 {
		sp.envs = unchanged
	}
	return sp
}

// normalizeSpan puts the elements of list in sp in order as Normalize
// does (fix puts one element's own list in order) and reports whether the
// list is then in order, which it checks only around sp: outside sp it is
// the old list, in order. On false it has put nothing in order.
func normalizeSpan[T any](list []T, sp span, cmp func(x, y T) int, fix func(*T)) bool {
	lo, hi := sp.around(len(list))
	for i := lo + 1; i < hi; i++ {
		if cmp(list[i-1], list[i]) > 0 {
			return false
		}
	}
	for i := sp.lo; i < sp.newHi; i++ {
		fix(&list[i])
	}
	return true
}
