package model

// Tests of what the first who-can question about a privilege builds: every
// role's sources of it (everyRoleSources, privSources), against the plain
// walk of each role's chain (roleSources).

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// coldSourceAccounts: the who-can memo tests' accounts, Synthetic, random
// small ones, a group's member views (shared roles), and accounts whose
// chains are long or loop (R6, invalid, which a resolver still answers).
func coldSourceAccounts(t *testing.T) map[string]*Account {
	t.Helper()
	out := whoCanMemoAccounts(t)
	out["synthetic"] = Synthetic(500, 80, 10, 4)
	for i := range 40 {
		out[fmt.Sprintf("random-%d", i)] = genAccount(randChooser{rand.New(rand.NewPCG(uint64(i), 11))}, genOptions{})
	}
	s := groupFixture()
	for _, f := range s.MemberFiles() {
		v, _ := mustView(t, s, f)
		out["view-"+f] = v
	}
	deep := &Account{AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Roles: []Role{
			role("A", "", BuildRead, Execute),
			role("B", "A"),
			role("C", "B", Execute, ViewResults),
			role("D", "C", BuildReadWrite),
			role("E", "D"),
			role("F", Support, ViewResults),
		},
		Users: []User{user("a@x.com", "E", "F"), user("b@x.com", "C")},
	}
	out["deep"] = deep
	loop := deep.Clone()
	loop.Roles[0].Inherits = "E" // A -> E -> D -> C -> B -> A
	loop.Roles = append(loop.Roles, role("G", "B", RuntimeManagement))
	out["loop"] = loop
	return out
}

// everyRoleSources gives each role what roleSources gives it, capped, nil
// for none, an empty (not nil) Via for a role that ticks it itself.
func TestEveryRoleSourcesSameAsRoleSources(t *testing.T) {
	for name, a := range coldSourceAccounts(t) {
		r := NewResolver(a)
		if name == "loop" && !r.cyclic {
			t.Fatalf("loop: the account's chains do not loop")
		}
		for _, p := range AllPrivileges() {
			got := r.everyRoleSources(p)
			if len(got) != len(r.roles) {
				t.Fatalf("%s: everyRoleSources(%s) has %d roles, want %d", name, p, len(got), len(r.roles))
			}
			for h := range r.roles {
				want := slices.Clip(r.roleSources(int32(h), p))
				if !reflect.DeepEqual(got[h], want) || cap(got[h]) != len(got[h]) {
					t.Fatalf("%s: %s through %s:\n got  %+v (cap %d)\n want %+v", name, p, r.roles[h].name, got[h], cap(got[h]), want)
				}
			}
		}
	}
}

// privSources' sources of a holder of one role alone are coveredSources'
// for that role, whether or not they share the role's own list.
func TestPrivSourcesOneSameAsCovered(t *testing.T) {
	for name, a := range coldSourceAccounts(t) {
		r := NewResolver(a)
		for _, p := range AllPrivileges() {
			ps := r.privSources(p)
			for h := range r.roles {
				hs := []int32{int32(h)}
				want, wantBy := r.coveredSources(hs, hs, p)
				if !reflect.DeepEqual(ps.one[h], slices.Clip(want)) || ps.oneBy[h] != wantBy || cap(ps.one[h]) != len(ps.one[h]) {
					t.Fatalf("%s: %s for a holder of %s alone:\n got  %+v by %v\n want %+v by %v", name, p, r.roles[h].name, ps.one[h], ps.oneBy[h], want, wantBy)
				}
			}
		}
	}
}
