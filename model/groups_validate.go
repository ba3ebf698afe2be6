package model

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// ValidateGroups returns the problems of a group set (R20, R21, R25): the
// checks of the primary's groups (File: s.PrimaryFile), and each member's
// validation in its group (File: the member's file as the primary writes
// it), made on its view (GroupSet.View), so that its users' shared roles
// resolve: a shared role on a member environment or inherited by a
// member's role is an error (R21), held where Advanced User Security is
// off a warning (R20), and "NAME (shared)" held where no group shares it
// an error (R21). The primary's own validation is Validate's.
//
// Decisions (R20, Boomi has no files): a member's file names its primary
// back (Account.Primary); naming none is a warning (opened alone, its
// shared roles do not resolve), naming another file an error. A member
// file is spelled one way in every group of the primary: two spellings of
// one file are an error, as is one Boomi account under two files.
func ValidateGroups(s *GroupSet) Problems {
	g := groupCheck{s: s}
	g.primary()
	for _, f := range s.MemberFiles() {
		g.member(f)
	}
	return g.ps
}

type groupCheck struct {
	s  *GroupSet
	ps Problems
}

func (g *groupCheck) cite(sev Severity, k Refusal, file string, loc Loc, subject, format string, args ...any) {
	g.ps = append(g.ps, Problem{File: file, Severity: sev, Rule: k.Rule(), Decision: k.Decision(), Loc: loc, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// primary checks the primary's groups (R20, R25).
func (g *groupCheck) primary() {
	p, pf := g.s.Primary, g.s.PrimaryFile
	seen := map[string]int{}
	spelled := map[string]string{} // cleaned member path -> first spelling
	ids := map[string]string{}     // Boomi account id -> member file
	for gi, gr := range p.Groups {
		loc := func(key string, item int) Loc { return Loc{Section: SectionGroups, Index: gi, Key: key, Item: item} }
		if msg := checkName("group", gr.Name, MaxRoleName); msg != "" {
			g.cite(Error, NameShape, pf, loc("name", -1), gr.Name, "%s", msg)
		}
		if j, dup := seen[FoldName(gr.Name)]; dup {
			g.cite(Error, DuplicateGroup, pf, loc("name", -1), gr.Name, "group %q is defined twice (also group #%d); group names are unique in the primary", gr.Name, j+1)
		} else {
			seen[FoldName(gr.Name)] = gi
		}
		if len(gr.SharedRoles) > 0 && !p.AdvancedUserSecurity {
			g.cite(Error, SharingNeedsAUS, pf, loc("shared_roles", -1), gr.Name, "group %q shares roles, but Advanced User Security is off in %s; turn it on or share none", gr.Name, SafeText(p.Name))
		}
		for j, rn := range gr.SharedRoles {
			switch {
			case slices.IndexFunc(gr.SharedRoles, func(x string) bool { return SameName(x, rn) }) < j:
				g.cite(Error, NotSharable, pf, loc("shared_roles", j), gr.Name, "group %q shares role %q twice", gr.Name, rn)
			case p.FindRole(rn) < 0:
				what := "which is not a role of " + SafeText(p.Name)
				if b, ok := LookupBuiltin(rn); ok {
					what = "a built-in role (every account has the built-in roles)"
					rn = b.Name
				}
				g.cite(Error, NotSharable, pf, loc("shared_roles", j), gr.Name, "group %q shares %q, %s; only custom roles of the primary are shared", gr.Name, rn, what)
			}
		}
		for j, m := range gr.Members {
			c := cleanFile(m.File)
			switch first, ok := spelled[c]; {
			case c == cleanFile(path.Base(cleanFile(pf))) || sameFile(m.File, pf):
				g.cite(Error, GroupMembership, pf, loc("members", j), gr.Name, "group %q lists the primary's own file %q as a member", gr.Name, m.File)
			case slices.IndexFunc(gr.Members, func(x GroupMember) bool { return sameFile(x.File, m.File) }) < j:
				g.cite(Error, GroupMembership, pf, loc("members", j), gr.Name, "group %q lists member %q twice", gr.Name, m.File)
			case ok && first != m.File:
				g.cite(Error, GroupMembership, pf, loc("members", j), gr.Name, "group %q lists member %q, which another group spells %q; spell one file one way", gr.Name, m.File, first)
			case !ok:
				spelled[c] = m.File
			}
			if m.BoomiAccount != "" {
				if f, ok := ids[m.BoomiAccount]; ok && !sameFile(f, m.File) {
					g.cite(Error, GroupMembership, pf, loc("members", j), gr.Name, "group %q lists %q with Boomi account %q, which %q has too", gr.Name, m.File, m.BoomiAccount, f)
				} else {
					ids[m.BoomiAccount] = m.File
				}
			}
			if a, _ := g.s.member(m.File); a == nil {
				g.cite(Warning, GroupMembership, pf, loc("members", j), gr.Name, "member %q of group %q is not loaded: nothing in it is checked", m.File, gr.Name)
			}
		}
		for j, u := range gr.Users {
			if k, msg, _ := checkEmail(u.Email); msg != "" {
				g.cite(Error, k, pf, loc("users", j), u.Email, "group %q: %s", gr.Name, msg)
			}
			if slices.IndexFunc(gr.Users, func(x GroupUser) bool { return SameName(x.Email, u.Email) }) < j {
				g.cite(Error, DuplicateUser, pf, loc("users", j), u.Email, "group %q lists user %q twice", gr.Name, u.Email)
			}
			if len(u.Roles) == 0 {
				g.cite(Error, UserWithoutRole, pf, loc("users", j), u.Email, "group user %q of group %q has no role; give them at least one", u.Email, gr.Name)
			}
			for _, rn := range u.Roles {
				if _, ok := LookupBuiltin(rn); ok {
					continue
				}
				if !gr.sharesRole(rn) || p.FindRole(rn) < 0 {
					g.cite(Error, GroupUserNotHere, pf, loc("users", j), u.Email, "group user %q of group %q holds %q, which is neither a built-in role nor a role the group shares; share it or give another", u.Email, gr.Name, rn)
				}
			}
		}
	}
}

// member checks member file f in its group: its file's link to the
// primary, and its validation on its view.
func (g *groupCheck) member(f string) {
	s := g.s
	m, _ := s.member(f)
	if m == nil {
		return
	}
	acct := at(SectionAccount, -1, "primary")
	switch {
	case m.Primary == "":
		g.cite(Warning, GroupMembership, f, acct, "", "%s is a member of %s but its file names no primary: opened alone, its shared roles do not resolve; set primary = %q", SafeText(m.Name), SafeText(s.Primary.Name), s.relPrimary(f))
	case !s.namesPrimary(f, m.Primary):
		g.cite(Error, GroupMembership, f, acct, "", "%s is a member of %s (%s), but its file names %q as its primary; from where it is, the primary is %q", SafeText(m.Name), SafeText(s.Primary.Name), s.PrimaryFile, m.Primary, s.relPrimary(f))
	}
	view, err := s.View(f)
	if err != nil {
		return
	}
	ownUsers := len(m.Users)
	for _, p := range Validate(view) {
		p.File = f
		if p.Loc.Section == SectionUsers && p.Loc.Index >= ownUsers {
			// A group user's problem in this member: the group's, in the primary.
			u := view.Users[p.Loc.Index]
			p.File, p.Loc = s.PrimaryFile, g.groupUserLoc(u)
			p.Message = "in member " + f + ": " + p.Message
		}
		g.ps = append(g.ps, p)
	}
	for gi, gr := range s.Primary.Groups {
		if !slices.Contains(s.groupsOf(f), gi) {
			continue
		}
		for j, u := range gr.Users {
			for _, rn := range u.Roles {
				if b, ok := LookupBuiltin(rn); ok && b.NeedsAUS && !m.AdvancedUserSecurity {
					g.cite(Warning, RoleNeedsAUS, s.PrimaryFile, Loc{Section: SectionGroups, Index: gi, Key: "users", Item: j}, u.Email, "group user %q of group %q holds %s, which member %s does not have (Advanced User Security off there): it gives nothing there", u.Email, gr.Name, b.Name, f)
				}
			}
		}
	}
}

// groupUserLoc is where the primary lists group user u (of a view): the
// first group giving them a role.
func (g *groupCheck) groupUserLoc(u User) Loc {
	for gi, gr := range g.s.Primary.Groups {
		if j := slices.IndexFunc(gr.Users, func(x GroupUser) bool { return SameName(x.Email, u.Email) }); j >= 0 {
			return Loc{Section: SectionGroups, Index: gi, Key: "users", Item: j}
		}
	}
	return Loc{Section: SectionGroups, Index: -1, Item: -1}
}

// namesPrimary reports whether primary, as member file f names it
// (relative to its own directory), is the primary's file; member files are
// relative to the primary's directory.
func (s *GroupSet) namesPrimary(f, primary string) bool {
	named := cleanFile(primary)
	if !path.IsAbs(named) {
		named = path.Join(path.Dir(s.memberPath(f)), named)
	}
	return named == s.primaryPath()
}

// relPrimary is the primary's file as member file f would name it: the
// way from f's directory to it. Where that way climbs out of a directory
// whose name is not known (the primary opened by a relative path and no
// PrimaryDir), it is the primary's file as opened, which only a member
// in the same directory reads the same way.
func (s *GroupSet) relPrimary(f string) string {
	from := strings.Split(path.Dir(s.memberPath(f)), "/")
	to := strings.Split(s.primaryPath(), "/")
	n := 0
	for n < len(from) && n < len(to)-1 && from[n] == to[n] {
		n++
	}
	var way []string
	for _, d := range from[n:] {
		switch d {
		case ".":
		case "..":
			return cleanFile(s.PrimaryFile)
		default:
			way = append(way, "..")
		}
	}
	return path.Join(append(way, to[n:]...)...)
}
