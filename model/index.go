package model

import (
	"strings"
	"unicode/utf8"
)

// roleFinder answers Account.FindRole and Account.RoleExists in constant
// time: a map from each name's key (FoldName, which SameName compares)
// to the first role with it gives exactly FindRole's answer.
type roleFinder struct {
	a     *Account
	exact map[string]int32 // name as a role spells it -> FindRole of it
	fold  map[string]int32 // FoldName -> first role with it
}

func newRoleFinder(a *Account) *roleFinder {
	f := &roleFinder{a: a}
	f.exact = make(map[string]int32, len(a.Roles))
	f.fold = make(map[string]int32, len(a.Roles))
	for i, r := range a.Roles {
		k := FoldName(r.Name)
		first, ok := f.fold[k]
		if !ok {
			first = int32(i)
			f.fold[k] = first
		}
		if _, ok := f.exact[r.Name]; !ok {
			f.exact[r.Name] = first
		}
	}
	return f
}

// find returns a.FindRole(name).
func (f *roleFinder) find(name string) int {
	if i, ok := f.exact[name]; ok {
		return int(i)
	}
	if i, ok := f.fold[FoldName(name)]; ok {
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
