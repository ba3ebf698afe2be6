package model

import (
	"strings"
	"unicode/utf8"
)

// roleFinder is the one index of an account's custom roles by name: it
// answers Account.FindRole (the first role whose key, roleKey, is the
// name's) and Account.RoleExists in constant time. Validation, the editor
// and Canonical look roles up through it; the Resolver, which indexes the
// built-in roles too, fills its maps with the same function (indexName).
type roleFinder struct {
	a     *Account
	exact map[string]int32 // name as a role spells it -> FindRole of it
	fold  map[string]int32 // roleKey -> first role with it
}

func newRoleFinder(a *Account) *roleFinder {
	f := &roleFinder{a: a}
	f.exact = make(map[string]int32, len(a.Roles))
	f.fold = make(map[string]int32, len(a.Roles))
	for i, r := range a.Roles {
		indexName(f.fold, f.exact, r.Name, int32(i))
	}
	return f
}

// with returns the finder of a, whose custom roles have the names of f's,
// in the same order: it shares f's indexes.
func (f *roleFinder) with(a *Account) *roleFinder {
	return &roleFinder{a: a, exact: f.exact, fold: f.fold}
}

// sameRoleNames reports whether x and y name their roles alike, in the same
// order (exactly, not ignoring case): then every index of roles by name is
// the same for both.
func sameRoleNames(x, y []Role) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].Name != y[i].Name {
			return false
		}
	}
	return true
}

// roleKey is the key roles are indexed by: FoldName, the key SameName
// compares (R7).
func roleKey(name string) string { return FoldName(name) }

// indexName indexes name as id in fold (by roleKey) and exact (as spelled),
// unless a name with the same key is indexed already: then the first keeps
// the key, name's spelling is mapped to it, and indexName returns false.
// Looking a name up (lookupName) then gives the first indexed name with its
// key, FindRole's answer.
func indexName(fold, exact map[string]int32, name string, id int32) bool {
	k := roleKey(name)
	if first, dup := fold[k]; dup {
		if _, ok := exact[name]; !ok {
			exact[name] = first
		}
		return false
	}
	fold[k] = id
	exact[name] = id
	return true
}

// lookupName returns what indexName indexed under name's key, without
// computing the key when name is spelled as an indexed name is.
func lookupName(fold, exact map[string]int32, name string) (int32, bool) {
	if id, ok := exact[name]; ok {
		return id, true
	}
	id, ok := fold[roleKey(name)]
	return id, ok
}

// find returns a.FindRole(name).
func (f *roleFinder) find(name string) int {
	if i, ok := lookupName(f.fold, f.exact, name); ok {
		return int(i)
	}
	return -1
}

// exists returns a.RoleExists(name).
func (f *roleFinder) exists(name string) bool {
	if b, ok := LookupBuiltin(name); ok {
		return !b.NeedsAUS || f.a.AdvancedUserSecurity
	}
	return f.find(name) >= 0
}

// canonical returns a.CanonicalRoleName(name).
func (f *roleFinder) canonical(name string) string {
	if b, ok := LookupBuiltin(name); ok {
		return b.Name
	}
	if i := f.find(name); i >= 0 {
		return f.a.Roles[i].Name
	}
	return name
}

// parent returns the index of the custom role that custom role i inherits,
// or -1 when it inherits none, a built-in role, or a role that does not
// exist: the parent function of lineage over a's custom roles.
func (f *roleFinder) parent(i int) int {
	if f.a.Roles[i].Inherits == "" {
		return -1
	}
	return f.find(f.a.Roles[i].Inherits)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases an ASCII string, without allocating when it is
// lower-case already.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// SameName is the one comparison of names in rolecall: role, user and
// environment names are equal when their keys (FoldName: lower-case,
// canonically equivalent spellings alike, as in NFC) are equal, with no
// trimming and no further folding, so that validation, the resolver's
// indexes and every edit agree on what a name refers to (R7, R10). It does
// not allocate when both names are ASCII.
func SameName(x, y string) bool { return sameLower(x, y) }

// sameLower reports whether FoldName(x) == FoldName(y), without
// allocating when both are ASCII.
func sameLower(x, y string) bool {
	// As compareFold: byte by byte while both are ASCII, then the keys of
	// the rests (FoldName keeps ASCII bytes in place, and an ASCII byte
	// never combines with what follows it in NFD).
	n := min(len(x), len(y))
	for i := 0; i < n; i++ {
		a, b := x[i], y[i]
		if a >= utf8.RuneSelf || b >= utf8.RuneSelf {
			return FoldName(x[i:]) == FoldName(y[i:])
		}
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return len(x) == len(y)
}
