package model

// The differential oracle extended to account groups: a reference of
// R20-R26 written from the text of access-model.md §6, on top of the
// account oracle (oracle_test.go), and from nothing of groups*.go: every
// question walks the primary's groups again by name.
//
//   - R21 "In a member account a shared role appears as NAME (shared) ...
//     its privileges are the primary's, including its inheritance chain in
//     the primary": a member user's "NAME (shared)" grants the primary's
//     rolePrivileges(NAME), when a group listing the member shares NAME.
//   - R25 "A group user gets the group's roles in every member account ...
//     the union of those groups' roles there ... A user who also has direct
//     access ... is governed there by the direct roles only."
//   - R26 "Everything else applies per account": a built-in a group gives
//     counts under the member's switches (R3); the member's own roles are
//     the member's. "The preview ... names, for each privilege, the shared
//     role, the primary and the group it comes through."

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"rolecall/internal/testlong"
)

// groupOracle answers for one member of a group set.
type groupOracle struct {
	s    *GroupSet
	file string
}

// listsMember: group g lists the member (R20's member accounts).
func (o *groupOracle) listsMember(g AccountGroup) bool {
	for _, m := range g.Members {
		if m.File == o.file {
			return true
		}
	}
	return false
}

// sharingGroups are the groups listing the member that share role name.
func (o *groupOracle) sharingGroups(name string) []string {
	var out []string
	for _, g := range o.s.Primary.Groups {
		if !o.listsMember(g) {
			continue
		}
		for _, rn := range g.SharedRoles {
			if SameName(rn, name) {
				out = append(out, g.Name)
				break
			}
		}
	}
	return out
}

// heldRole is one role a user holds in the member, with where it comes from.
type heldRole struct {
	name    string
	privs   map[Privilege]bool
	primary string   // the primary's name for a shared role (R26)
	groups  []string // the groups it comes through (R25, R26)
}

// roleIn is role name in the member: NAME (shared) of a role shared with
// it (R21), else the member's own role or built-in (R26); ok false when
// it names nothing there.
func (o *groupOracle) roleIn(name string) (heldRole, bool) {
	member := newOracle(o.s.Members[o.file])
	primary := newOracle(o.s.Primary)
	if base, ok := strings.CutSuffix(name, " (shared)"); ok && member.canonical(name) == "" {
		gs := o.sharingGroups(base)
		if len(gs) == 0 || primary.custom(base) == nil {
			return heldRole{}, false
		}
		return heldRole{name: primary.custom(base).Name + " (shared)", privs: primary.rolePrivileges(base), primary: o.s.Primary.Name, groups: gs}, true
	}
	if c := member.canonical(name); c != "" {
		return heldRole{name: c, privs: member.rolePrivileges(c)}, true
	}
	return heldRole{}, false
}

// users returns every user of the member with the roles they hold there.
func (o *groupOracle) users() map[string][]heldRole {
	out := map[string][]heldRole{}
	m := o.s.Members[o.file]
	direct := map[string]bool{}
	for _, u := range m.Users {
		direct[strings.ToLower(u.Email)] = true
		for _, rn := range u.Roles {
			if h, ok := o.roleIn(rn); ok {
				out[strings.ToLower(u.Email)] = append(out[strings.ToLower(u.Email)], h)
			}
		}
	}
	for _, g := range o.s.Primary.Groups {
		if !o.listsMember(g) {
			continue
		}
		for _, gu := range g.Users {
			k := strings.ToLower(gu.Email)
			if direct[k] {
				continue // direct roles only (R25)
			}
			for _, rn := range gu.Roles {
				var h heldRole
				if b := newOracle(m).builtin(rn); b != nil {
					h = heldRole{name: b.name, privs: b.privs}
				} else if slices.ContainsFunc(g.SharedRoles, func(x string) bool { return SameName(x, rn) }) {
					p := newOracle(o.s.Primary)
					h = heldRole{name: p.custom(rn).Name + " (shared)", privs: p.rolePrivileges(rn), primary: o.s.Primary.Name}
				} else {
					continue // the member has no such role (R26)
				}
				i := slices.IndexFunc(out[k], func(x heldRole) bool { return x.name == h.name })
				if i < 0 {
					out[k] = append(out[k], h)
					i = len(out[k]) - 1
				}
				out[k][i].groups = append(out[k][i].groups, g.Name) // the union, with each group (R25)
			}
		}
	}
	return out
}

// genGroupSet makes a random group set: a primary with custom roles and
// Advanced User Security on, members, groups sharing some of its roles
// with some members, group users, and member users holding shared roles.
func genGroupSet(c chooser) *GroupSet {
	p := genAccount(c, genOptions{})
	p.AdvancedUserSecurity = true
	p.Name = "Primary"
	s := &GroupSet{PrimaryFile: "p.toml", Primary: p, Members: map[string]*Account{}}
	var files []string
	for i := range 1 + c.intn(3) {
		m := genAccount(c, genOptions{})
		f := fmt.Sprintf("m%d.toml", i)
		m.Name, m.Primary = fmt.Sprintf("Member %d", i), "p.toml"
		s.Members[f] = m
		files = append(files, f)
	}
	customs := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		customs[i] = r.Name
	}
	for gi := range 1 + c.intn(3) {
		g := AccountGroup{Name: fmt.Sprintf("G%d", gi)}
		for _, rn := range customs {
			if chance(c, 1, 2) {
				g.SharedRoles = append(g.SharedRoles, rn)
			}
		}
		for _, f := range files {
			if chance(c, 2, 3) {
				g.Members = append(g.Members, GroupMember{File: f})
			}
		}
		givable := append([]string{Administrator, StandardUser, Support}, g.SharedRoles...)
		for ui := range c.intn(4) {
			u := GroupUser{Email: fmt.Sprintf("user%d@example.com", ui+2*c.intn(2))}
			for range 1 + c.intn(2) {
				if rn := givable[c.intn(len(givable))]; !slices.Contains(u.Roles, rn) {
					u.Roles = append(u.Roles, rn)
				}
			}
			g.Users = append(g.Users, u)
		}
		p.Groups = append(p.Groups, g)
	}
	// Member users holding roles shared with them.
	for _, f := range files {
		m := s.Members[f]
		for _, g := range p.Groups {
			if !slices.ContainsFunc(g.Members, func(x GroupMember) bool { return x.File == f }) {
				continue
			}
			for _, rn := range g.SharedRoles {
				if len(m.Users) > 0 && chance(c, 1, 2) {
					u := &m.Users[c.intn(len(m.Users))]
					if !slices.Contains(u.Roles, rn+SharedSuffix) {
						u.Roles = append(u.Roles, rn+SharedSuffix)
					}
				}
			}
		}
	}
	return s
}

func heldKey(roles []heldRole) map[Privilege][]string {
	out := map[Privilege][]string{}
	all := map[Privilege]bool{}
	for _, h := range roles {
		for p := range h.privs {
			all[p] = true
			out[p] = append(out[p], h.name+"|"+h.primary+"|"+strings.Join(h.groups, ","))
		}
	}
	for p := range closure(all) {
		if _, ok := out[p]; !ok {
			out[p] = nil // held only by being covered (R4)
		}
	}
	return out
}

// TestDifferentialGroups compares group views and their resolvers with
// the group oracle on random group sets: 80 sets in go test ./... (each of
// genGroupSet's choices, 1 to 3 members, 1 to 3 groups, 0 to 3 group
// users, made many times over), 1500 with ROLECALL_LONG_TESTS=1.
func TestDifferentialGroups(t *testing.T) {
	t.Parallel()
	sets := testlong.N(80, 1500)
	rng := rand.New(rand.NewPCG(20261127, 6))
	compared, skipped, users := 0, 0, 0
	for i := range sets {
		s := genGroupSet(randChooser{rng})
		if errs := ValidateGroups(s).Errors(); len(errs) > 0 || Validate(s.Primary).HasErrors() {
			skipped++ // e.g. a group user's Support in a member: fine; a member's own errors: not a group set to compare
			continue
		}
		compared++
		for _, f := range s.MemberFiles() {
			o := &groupOracle{s: s, file: f}
			want := o.users()
			v, err := s.View(f)
			if err != nil {
				t.Fatalf("set %d: %v", i, err)
			}
			r := NewResolver(v)
			var gotEmails, wantEmails []string
			for k := range want {
				wantEmails = append(wantEmails, k)
			}
			for _, u := range v.Users {
				gotEmails = append(gotEmails, strings.ToLower(u.Email))
			}
			sort.Strings(gotEmails)
			sort.Strings(wantEmails)
			if !slices.Equal(gotEmails, wantEmails) {
				t.Fatalf("set %d, %s: users %v, oracle %v\n%s", i, f, gotEmails, wantEmails, describeSet(s))
			}
			for u := range v.Users {
				users++
				w := heldKey(want[strings.ToLower(v.Users[u].Email)])
				got := map[Privilege][]string{}
				for _, g := range r.Grants(u) {
					got[g.Privilege] = nil
					for _, src := range g.Sources {
						if src.ImpliedBy != "" {
							continue
						}
						k := src.Role + "|" + src.Primary + "|" + strings.Join(src.Groups, ",")
						if !slices.Contains(got[g.Privilege], k) {
							got[g.Privilege] = append(got[g.Privilege], k)
						}
					}
				}
				for p := range w {
					sort.Strings(w[p])
					w[p] = slices.Compact(w[p])
				}
				for p := range got {
					sort.Strings(got[p])
				}
				if fmt.Sprint(got) != fmt.Sprint(w) {
					t.Fatalf("set %d, %s, %s:\n got %v\nwant %v\n%s", i, f, v.Users[u].Email, got, w, describeSet(s))
				}
			}
		}
	}
	if compared < sets/3 {
		t.Errorf("only %d of %d random group sets were valid", compared, sets)
	}
	t.Logf("compared %d group sets (%d skipped as invalid), %d member users", compared, skipped, users)
}

func describeSet(s *GroupSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "primary:\n%s\ngroups: %+v\n", describeAccount(s.Primary), s.Primary.Groups)
	for _, f := range s.MemberFiles() {
		fmt.Fprintf(&b, "%s:\n%s\n", f, describeAccount(s.Members[f]))
	}
	return b.String()
}
