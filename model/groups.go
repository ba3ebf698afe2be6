package model

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
)

// Account groups (access-model.md §6, R20-R26): a primary account shares
// some of its custom roles with member accounts, and gives group users
// roles in every member. One account stays one file: the primary's file
// holds its groups; a member's file names its primary.

// SharedSuffix is how a member names a role shared with it: "NAME
// (shared)", as Boomi shows it (R21).
const SharedSuffix = " (shared)"

// AccountGroup is one account group of a primary account (R20).
type AccountGroup struct {
	Name string
	// SharedRoles are custom roles of the primary, by name (their names in
	// the primary, without the suffix).
	SharedRoles []string
	Members     []GroupMember
	Users       []GroupUser
	// ID is the group's id in Boomi, "" when Boomi has not seen it.
	ID string
}

// GroupMember is a member account of a group: its file, by path relative
// to the primary's file, and its Boomi account id when known.
type GroupMember struct {
	File         string
	BoomiAccount string
}

// GroupUser is a user given roles across the whole group (R25). Roles are
// names as the primary knows them: built-in roles, or custom roles of the
// primary that the group shares.
type GroupUser struct {
	Email string
	Name  string
	Roles []string
}

// GroupSet is a primary account with the member accounts its groups list,
// loaded together: what the rules of §6 need to answer for any of them.
type GroupSet struct {
	PrimaryFile string // the primary's file, as opened
	// PrimaryDir is the real directory of the primary's file, absolute
	// and with its links followed, when the caller knows it
	// (storage.NewGroupSet): member files are relative to it, and a member
	// in a sibling directory names the primary back through it
	// ("../acme/acme.toml"), which PrimaryFile as opened ("acme.toml")
	// cannot tell. Empty: PrimaryFile's directory.
	PrimaryDir string
	Primary    *Account
	// Members are the member accounts by GroupMember.File (the path as the
	// primary writes it). A member that could not be loaded is absent. A
	// member an edit took out of every group stays (its file changed) until
	// the set is loaded again; MemberFiles lists the members.
	Members map[string]*Account
}

// SharedFrom marks a role of a member's view as one a primary shares with
// the member (R21): what Source says of where it comes from (R26).
type SharedFrom struct {
	Role    string   // the role's name in the primary, without the suffix
	Primary string   // the primary account's name
	Groups  []string // the groups sharing it with the member, in the primary's order
	// sources are the primary's sources of each privilege the role grants
	// (its chain there), and decided what it holds only by decision (§1).
	sources map[Privilege][]Source
	decided PrivSet
}

// SharedName is the name a member knows a shared role by: "NAME (shared)"
// (R21).
func SharedName(role string) string { return role + SharedSuffix }

// WithAccounts returns a set of the same files with primary and members
// in place of s's accounts.
func (s *GroupSet) WithAccounts(primary *Account, members map[string]*Account) *GroupSet {
	return &GroupSet{PrimaryFile: s.PrimaryFile, PrimaryDir: s.PrimaryDir, Primary: primary, Members: members}
}

// primaryPath is the primary's file, and memberPath member file f (as the
// primary writes it), as cleaned slash paths: absolute when PrimaryDir is
// known, else relative to where the primary was opened from.
func (s *GroupSet) primaryPath() string {
	base := path.Base(cleanFile(s.PrimaryFile))
	if s.PrimaryDir != "" {
		return path.Join(cleanFile(s.PrimaryDir), base)
	}
	return cleanFile(s.PrimaryFile)
}

func (s *GroupSet) memberPath(f string) string {
	if c := cleanFile(f); path.IsAbs(c) {
		return c
	}
	return path.Join(path.Dir(s.primaryPath()), cleanFile(f))
}

// sameFile reports whether two member paths, as a primary writes them,
// name one file: compared as cleaned slash paths.
func sameFile(x, y string) bool { return cleanFile(x) == cleanFile(y) }

func cleanFile(f string) string { return path.Clean(filepath.ToSlash(f)) }

// groupsOf returns the indexes of the primary's groups that list member
// file.
func (s *GroupSet) groupsOf(file string) []int {
	var out []int
	for i, g := range s.Primary.Groups {
		if slices.ContainsFunc(g.Members, func(m GroupMember) bool { return sameFile(m.File, file) }) {
			out = append(out, i)
		}
	}
	return out
}

// member returns the member account of file, as Members holds it under
// any spelling of the path.
func (s *GroupSet) member(file string) (*Account, string) {
	if a, ok := s.Members[file]; ok {
		return a, file
	}
	for f, a := range s.Members {
		if sameFile(f, file) {
			return a, f
		}
	}
	return nil, ""
}

// isPrimary reports whether file names the primary's file ("" too).
func (s *GroupSet) isPrimary(file string) bool {
	return file == "" || file == s.PrimaryFile
}

// MemberFiles returns the member files the groups list, each once, as
// first spelled, in the primary's order.
func (s *GroupSet) MemberFiles() []string {
	var out []string
	for _, g := range s.Primary.Groups {
		for _, m := range g.Members {
			if !slices.ContainsFunc(out, func(f string) bool { return sameFile(f, m.File) }) {
				out = append(out, m.File)
			}
		}
	}
	return out
}

// sharedWith returns the roles the groups share with member file, by
// their canonical names in the primary, each with the groups sharing it,
// in the primary's order of groups and shared roles. Names that are not
// custom roles of the primary are left out (ValidateGroups reports them).
func (s *GroupSet) sharedWith(file string) (names []string, groups map[string][]string) {
	p := s.Primary
	groups = map[string][]string{}
	for _, gi := range s.groupsOf(file) {
		g := p.Groups[gi]
		for _, rn := range g.SharedRoles {
			i := p.FindRole(rn)
			if i < 0 {
				continue
			}
			n := p.Roles[i].Name
			if _, ok := groups[n]; !ok {
				names = append(names, n)
			}
			if !slices.Contains(groups[n], g.Name) {
				groups[n] = append(groups[n], g.Name)
			}
		}
	}
	return names, groups
}

// sharesRole reports whether group g shares role name (SameName).
func (g *AccountGroup) sharesRole(name string) bool {
	return slices.ContainsFunc(g.SharedRoles, func(rn string) bool { return SameName(rn, name) })
}

// View returns the account that answers for member file (R21, R25, R26):
// the member's own roles, users and environments and its switches, plus
// each role a group listing it shares, as a read-only role named
// SharedName(NAME) whose ticks are the primary's privileges of that role,
// its chain there included (Role.Shared says so), plus the group users of
// those groups who are not the member's own users (a user listed among
// them is governed there by the direct roles only, R25), each with the
// union of the groups' roles that exist there (User.Groups says which
// group gives which). For the primary's file (or "") it is the primary.
//
// The view is for resolving and validating (NewResolver, Validate, the
// preview, who-can, diff); the member's file holds its own account only
// (Own), never the view.
func (s *GroupSet) View(file string) (*Account, error) {
	if s.isPrimary(file) {
		return s.Primary, nil
	}
	m, _ := s.member(file)
	if m == nil {
		return nil, fmt.Errorf("%s: no member account of that file is loaded", file)
	}
	gis := s.groupsOf(file)
	if len(gis) == 0 {
		return nil, fmt.Errorf("%s: no group of %s lists that file (R20)", file, nameIn(s.Primary.Name))
	}
	v := *m
	v.view = true
	v.Roles = slices.Clip(m.Roles)
	v.Users = slices.Clip(m.Users)
	v.Groups = nil
	names, groups := s.sharedWith(file)
	if len(names) > 0 {
		pr := NewResolver(s.Primary)
		for _, n := range names {
			v.Roles = append(v.Roles, sharedRole(pr, s.Primary, n, groups[n]))
		}
	}
	v.Users = append(v.Users, s.groupUsers(m, gis)...)
	return &v, nil
}

// sharedRole is role name of the primary as member views hold it (R21).
func sharedRole(pr *Resolver, p *Account, name string, groups []string) Role {
	src := p.Roles[p.FindRole(name)]
	set, _ := pr.RolePrivileges(name)
	id := pr.roleID(name)
	sh := &SharedFrom{Role: name, Primary: p.Name, Groups: groups, sources: map[Privilege][]Source{}}
	for _, q := range set.List() {
		srcs := pr.roleSources(id, q)
		sh.sources[q] = srcs
		if decidedGrant(srcs) {
			sh.decided = sh.decided.With(q)
		}
	}
	return Role{Name: SharedName(name), Description: src.Description, Privileges: set.List(), Shared: sh}
}

// groupUsers returns the group users of the groups gis in member m,
// leaving out those among m's own users (R25): each with the union of
// the groups' roles that exist in m, a built-in under m's switches (R3,
// R26) or a role the giving group shares (as SharedName), and which
// groups give each. A user left with no role there is left out.
func (s *GroupSet) groupUsers(m *Account, gis []int) []User {
	var out []User
	for _, gi := range gis {
		g := &s.Primary.Groups[gi]
		for _, gu := range g.Users {
			if m.FindUser(gu.Email) >= 0 {
				continue // direct access takes precedence (R25)
			}
			k := slices.IndexFunc(out, func(u User) bool { return SameName(u.Email, gu.Email) })
			for _, rn := range gu.Roles {
				vn, ok := groupRoleIn(s.Primary, g, m, rn)
				if !ok {
					continue
				}
				if k < 0 {
					out = append(out, User{Email: gu.Email, Name: gu.Name, Groups: map[string][]string{}})
					k = len(out) - 1
				}
				u := &out[k]
				if !slices.Contains(u.Roles, vn) {
					u.Roles = append(u.Roles, vn)
				}
				if !slices.Contains(u.Groups[vn], g.Name) {
					u.Groups[vn] = append(u.Groups[vn], g.Name)
				}
			}
		}
	}
	return out
}

// groupRoleIn is the name in member m of role rn given by group g to its
// users: a built-in existing under m's switches, or SharedName of a role
// g shares; ok is false when it is neither (ValidateGroups says why).
func groupRoleIn(p *Account, g *AccountGroup, m *Account, rn string) (string, bool) {
	if b, ok := LookupBuiltin(rn); ok {
		return b.Name, !b.NeedsAUS || m.AdvancedUserSecurity
	}
	if i := p.FindRole(rn); i >= 0 && g.sharesRole(rn) {
		return SharedName(p.Roles[i].Name), true
	}
	return "", false
}

// Own returns the account a view stands for, as its file holds it: the
// view's roles without the shared ones, its users without the group
// users. Shared roles held by the member's own users stay in their lists
// (by name, SharedName).
func Own(view *Account) *Account {
	o := *view
	o.view = false
	o.Roles = slices.DeleteFunc(slices.Clone(view.Roles), func(r Role) bool { return r.Shared != nil })
	o.Users = slices.DeleteFunc(slices.Clone(view.Users), func(u User) bool { return u.Groups != nil })
	return &o
}
