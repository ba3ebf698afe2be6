package model

import (
	"fmt"
	"slices"
	"strings"
)

// Edits across a group set (R20-R25). Every edit of a group set goes
// through ApplyGroup (the primary's groups), ApplyPrimary (an edit of the
// primary's account) or ApplyMember (an edit of a member's account): each
// returns the new set, in which only the accounts it changes are new, and
// says for every file what changes for whom.

// GroupOp is one edit of a primary's account groups.
type GroupOp interface {
	Describe() string
	applyGroup(e *groupEdit) ([]string, error)
}

// FileChange is what an edit of a group set does to one account.
type FileChange struct {
	File string // as the primary names it; GroupSet.PrimaryFile for the primary
	// Written: the account's file changes (the primary's groups, a
	// member's users or its link to the primary).
	Written bool
	// Diff is what changes for whom in the account, on its view (R22, R23).
	Diff Diff
	// Account is the account as its file holds it after the edit: what
	// to write when Written.
	Account *Account
	// LostAccess are the users left without any role there (R23): they
	// can no longer sign in to that account.
	LostAccess []string
}

// GroupOutcome is what an applied edit of a group set reports: every
// account it changes, the primary first, then the members in the
// primary's order.
type GroupOutcome struct {
	Changes []FileChange
	Notes   []string
	// Warnings are the problems of the group set the edit introduced.
	Warnings Problems
}

// groupEdit is an edit in progress: the old set, and copies of the
// accounts the edit changes.
type groupEdit struct {
	op      GroupOp
	s       *GroupSet
	p       *Account // the new primary, its groups copied
	members map[string]*Account
	written map[string]bool // member files whose account the edit changed
}

// ApplyGroup runs op on the primary's groups, and on the members' files
// where it takes a shared role away from their users (R23): an un-shared
// role, or a removed member, leaves the users' lists, and a user left
// with no role leaves the account. It refuses an edit that would leave
// the set with a new error (ValidateGroups).
func ApplyGroup(s *GroupSet, op GroupOp) (*GroupSet, GroupOutcome, error) {
	e := &groupEdit{op: op, s: s, p: s.Primary.cloneSections(0), written: map[string]bool{}}
	e.p.Groups = cloneGroups(s.Primary.Groups)
	notes, err := op.applyGroup(e)
	if err != nil {
		return nil, GroupOutcome{}, err
	}
	ns := e.result()
	return finish(s, ns, op.Describe(), notes, true, e.written)
}

// result is the new set: the old one with the edit's accounts replaced,
// and the members' users holding only the shared roles still shared with
// them (R23).
func (e *groupEdit) result() *GroupSet {
	ns := e.s.WithAccounts(e.p, make(map[string]*Account, len(e.s.Members)))
	for f, a := range e.s.Members {
		ns.Members[f] = a
	}
	for f, a := range e.members {
		ns.Members[f] = a
	}
	for f, m := range ns.Members {
		if kept := withShared(ns, f, m); kept != m {
			ns.Members[f] = kept
			e.written[f] = true
		}
	}
	return ns
}

// withShared returns member m (file f) with its users' shared roles
// limited to those the set shares with it, and without the users left
// with no role (R23); m itself when nothing changes.
func withShared(s *GroupSet, f string, m *Account) *Account {
	names, _ := s.sharedWith(f)
	still := func(rn string) bool {
		base, ok := strings.CutSuffix(rn, SharedSuffix)
		return !ok || m.FindRole(rn) >= 0 || slices.ContainsFunc(names, func(n string) bool { return SameName(n, base) })
	}
	var out *Account
	for i, u := range m.Users {
		if !slices.ContainsFunc(u.Roles, func(rn string) bool { return !still(rn) }) {
			continue
		}
		if out == nil {
			out = m.cloneSections(secUsers)
		}
		out.Users[i].Roles = slices.DeleteFunc(out.Users[i].Roles, func(rn string) bool { return !still(rn) })
	}
	if out == nil {
		return m
	}
	out.Users = slices.DeleteFunc(out.Users, func(u User) bool { return len(u.Roles) == 0 })
	return out
}

// finish checks the new set (no new error) and says what changes where.
func finish(old, ns *GroupSet, what string, notes []string, primaryWritten bool, written map[string]bool) (*GroupSet, GroupOutcome, error) {
	before, after := ValidateGroups(old), ValidateGroups(ns)
	if errs := newProblems(before.Errors(), after.Errors()); len(errs) > 0 {
		return nil, GroupOutcome{}, &Refused{Op: what, Rule: errs[0].Rule, Decision: errs[0].Decision, Message: errs[0].Message, Problems: errs}
	}
	out := GroupOutcome{Notes: notes, Warnings: newProblems(before.Warnings(), after.Warnings())}
	pd := Compare(NewResolver(old.Primary), NewResolver(ns.Primary))
	if primaryWritten || !pd.Empty() {
		out.Changes = append(out.Changes, FileChange{File: old.PrimaryFile, Written: primaryWritten, Diff: pd, Account: ns.Primary, LostAccess: lostAccess(pd)})
	}
	for _, mi := range GroupImpact(old, ns) {
		if mi.Diff.Empty() && !written[mi.File] {
			continue
		}
		m, _ := ns.member(mi.File)
		out.Changes = append(out.Changes, FileChange{File: mi.File, Written: written[mi.File], Diff: mi.Diff, Account: m, LostAccess: lostAccess(mi.Diff)})
	}
	for _, c := range out.Changes {
		if len(c.LostAccess) > 0 {
			out.Notes = append(out.Notes, SafeText(fmt.Sprintf("%s: %s no longer %s any role, and can no longer sign in to that account (R23)", c.File, AndList(c.LostAccess), holdOrHolds(len(c.LostAccess)))))
		}
	}
	return ns, out, nil
}

func holdOrHolds(n int) string {
	if n == 1 {
		return "holds"
	}
	return "hold"
}

// lostAccess names the users a diff removes from an account.
func lostAccess(d Diff) []string {
	var out []string
	for _, u := range d.Users {
		if u.Removed {
			out = append(out, u.User)
		}
	}
	return out
}

// MemberImpact is what changes for whom in one member account (R22).
type MemberImpact struct {
	File string
	Diff Diff
}

// GroupImpact is the what-if of a group set's edit in every member (R22,
// R23): for each member file of old or new, in the primary's order, the
// diff of its view. A member no group lists any more compares with its
// own account (Own: its users' shared roles gone), one the set no longer
// holds with an empty account of its switches.
func GroupImpact(old, new *GroupSet) []MemberImpact {
	files := old.MemberFiles()
	for _, f := range new.MemberFiles() {
		if !slices.ContainsFunc(files, func(x string) bool { return sameFile(x, f) }) {
			files = append(files, f)
		}
	}
	var out []MemberImpact
	for _, f := range files {
		ov, oerr := old.View(f)
		nv, nerr := new.View(f)
		if oerr != nil && nerr != nil {
			continue
		}
		if oerr != nil {
			ov = emptyLike(nv)
		}
		if nerr != nil {
			if m, _ := new.member(f); m != nil {
				nv = Own(m) // no longer a member: its own account, the shared roles stripped
			} else {
				nv = emptyLike(ov)
			}
		}
		out = append(out, MemberImpact{File: f, Diff: Compare(NewResolver(ov), NewResolver(nv))})
	}
	return out
}

func emptyLike(a *Account) *Account {
	return &Account{Name: a.Name, AdvancedUserSecurity: a.AdvancedUserSecurity, AdvancedEnvironmentAccess: a.AdvancedEnvironmentAccess, Environments: a.Environments}
}

// ApplyPrimary runs op on the primary's account (Apply) with R24 across
// the group: a shared role is neither removed nor renamed while a user of
// a member, or a group user, holds it; the refusal names each account and
// its users. A removal or rename allowed takes the role out of, or renames
// it in, the groups. The outcome lists the impact in each member (R22).
func ApplyPrimary(s *GroupSet, op Op) (*GroupSet, GroupOutcome, error) {
	p := s.Primary
	var role, to string
	switch o := op.(type) {
	case RemoveRole:
		role = o.Name
	case RenameRole:
		role, to = o.Role, o.To
	}
	if i := p.FindRole(role); role != "" && i >= 0 && sharedByAny(p, p.Roles[i].Name) {
		if err := checkR24(s, op, p.Roles[i].Name, to != ""); err != nil {
			return nil, GroupOutcome{}, err
		}
		// Nobody holds it: the groups follow the edit.
		p = p.cloneSections(0)
		p.Groups = cloneGroups(s.Primary.Groups)
		for gi := range p.Groups {
			g := &p.Groups[gi]
			if to == "" {
				g.SharedRoles = slices.DeleteFunc(g.SharedRoles, func(rn string) bool { return SameName(rn, role) })
			} else {
				for j, rn := range g.SharedRoles {
					if SameName(rn, role) {
						g.SharedRoles[j] = to
					}
				}
			}
		}
	}
	np, out, err := Apply(p, op)
	if err != nil {
		return nil, GroupOutcome{}, err
	}
	ns := s.WithAccounts(np, s.Members)
	e := &groupEdit{s: ns, p: np, written: map[string]bool{}}
	ns = e.result()
	ns2, gout, err := finish(s, ns, op.Describe(), out.Notes, true, e.written)
	if err != nil {
		return nil, GroupOutcome{}, err
	}
	gout.Warnings = append(out.Warnings, gout.Warnings...)
	return ns2, gout, nil
}

// ApplyMember runs op on member file's account, on its view (R21, R25:
// shared roles read-only, not listed on its environments nor inherited,
// assigned only with Advanced User Security on; group users edited in
// the primary), and keeps its own account.
func ApplyMember(s *GroupSet, file string, op Op) (*GroupSet, GroupOutcome, error) {
	v, err := s.View(file)
	if err != nil {
		return nil, GroupOutcome{}, err
	}
	nv, out, err := Apply(v, op)
	if err != nil {
		return nil, GroupOutcome{}, err
	}
	_, key := s.member(file)
	ns := s.WithAccounts(s.Primary, make(map[string]*Account, len(s.Members)))
	for f, a := range s.Members {
		ns.Members[f] = a
	}
	ns.Members[key] = Own(nv)
	ns2, gout, err := finish(s, ns, op.Describe(), out.Notes, false, map[string]bool{key: true})
	if err != nil {
		return nil, GroupOutcome{}, err
	}
	gout.Warnings = append(out.Warnings, gout.Warnings...)
	return ns2, gout, nil
}

// sharedByAny reports whether a group of primary p shares role name.
func sharedByAny(p *Account, name string) bool {
	return slices.ContainsFunc(p.Groups, func(g AccountGroup) bool { return g.sharesRole(name) })
}

// checkNotShared refuses removing or renaming role name of a primary
// alone (Apply) while a group shares it: who holds it is known only with
// the members loaded (ApplyPrimary, R24).
func checkNotShared(a *Account, op Op, name string) error {
	for _, g := range a.Groups {
		if g.sharesRole(name) {
			return refuse(op, SharedRoleInUse, "role %s is shared by group %s: remove or rename it with the group's member accounts loaded, so that their users are checked", SafeText(name), SafeText(g.Name))
		}
	}
	return nil
}

// SharedHolder is one account of a group set where users hold a shared
// role (R24).
type SharedHolder struct {
	File  string // the member's file; GroupSet.PrimaryFile for group users
	Users []string
}

// SharedHolders lists who holds role name of the primary anywhere in its
// groups: each member's own users holding SharedName(name), and the group
// users given it (R24). Accounts in the primary's order.
func (s *GroupSet) SharedHolders(name string) []SharedHolder {
	var out []SharedHolder
	for _, f := range s.MemberFiles() {
		m, _ := s.member(f)
		if m == nil {
			continue
		}
		var us []string
		for _, u := range m.Users {
			if slices.ContainsFunc(u.Roles, func(rn string) bool { return SameName(rn, SharedName(name)) }) {
				us = append(us, u.Email)
			}
		}
		if len(us) > 0 {
			out = append(out, SharedHolder{File: f, Users: us})
		}
	}
	var gus []string
	for _, g := range s.Primary.Groups {
		for _, u := range g.Users {
			if slices.ContainsFunc(u.Roles, func(rn string) bool { return SameName(rn, name) }) && !slices.Contains(gus, u.Email) {
				gus = append(gus, u.Email)
			}
		}
	}
	if len(gus) > 0 {
		out = append(out, SharedHolder{File: s.PrimaryFile, Users: gus})
	}
	return out
}

// checkR24 refuses removing (or renaming: our decision, members name it)
// shared role name while anyone in the group holds it, naming each
// account and its users.
func checkR24(s *GroupSet, op Op, name string, rename bool) error {
	hs := s.SharedHolders(name)
	if len(hs) == 0 {
		return nil
	}
	var parts []string
	for _, h := range hs {
		where := "member " + h.File
		if h.File == s.PrimaryFile {
			where = "the groups of " + s.Primary.Name + " (group users)"
		} else if m, _ := s.member(h.File); m != nil && m.Name != "" {
			where = m.Name + " (" + h.File + ")"
		}
		parts = append(parts, where+": "+listSome(h.Users, 5))
	}
	k, verb := SharedRoleInUse, "removed"
	if rename {
		k, verb = SharedRoleRenamed, "renamed"
	}
	return refuse(op, k, "shared role %s cannot be %s while it is held in %s; unassign it there first", SafeText(name), verb, SafeText(strings.Join(parts, "; ")))
}

// cloneGroups copies groups deeply.
func cloneGroups(gs []AccountGroup) []AccountGroup {
	if gs == nil {
		return nil
	}
	out := make([]AccountGroup, len(gs))
	for i, g := range gs {
		g.SharedRoles = slices.Clone(g.SharedRoles)
		g.Members = slices.Clone(g.Members)
		g.Users = slices.Clone(g.Users)
		for j := range g.Users {
			g.Users[j].Roles = slices.Clone(g.Users[j].Roles)
		}
		out[i] = g
	}
	return out
}

// group returns the new primary's group called name, or a refusal.
func (e *groupEdit) group(name string) (*AccountGroup, error) {
	i := slices.IndexFunc(e.p.Groups, func(g AccountGroup) bool { return SameName(g.Name, name) })
	if i < 0 {
		return nil, refuse(e.op, NoSuchGroup, "%s has no group %q", SafeText(e.p.Name), name)
	}
	return &e.p.Groups[i], nil
}

// AddGroup creates an empty account group in the primary (R20).
type AddGroup struct{ Name string }

func (o AddGroup) Describe() string { return "add group " + SafeText(o.Name) }
func (o AddGroup) applyGroup(e *groupEdit) ([]string, error) {
	if msg := checkName("group", o.Name, MaxRoleName); msg != "" {
		return nil, refuse(o, NameShape, "%s", msg)
	}
	if g, err := e.group(o.Name); err == nil {
		return nil, refuse(o, DuplicateGroup, "a group called %q exists already (names are unique in the primary, ignoring case)", g.Name)
	}
	e.p.Groups = append(e.p.Groups, AccountGroup{Name: o.Name})
	return nil, nil
}

// RemoveGroup removes an account group: its members lose the roles it
// alone shared with them, and its group users their roles there (R23).
type RemoveGroup struct{ Name string }

func (o RemoveGroup) Describe() string { return "remove group " + SafeText(o.Name) }
func (o RemoveGroup) applyGroup(e *groupEdit) ([]string, error) {
	g, err := e.group(o.Name)
	if err != nil {
		return nil, err
	}
	members := g.Members
	e.p.Groups = slices.DeleteFunc(e.p.Groups, func(x AccountGroup) bool { return SameName(x.Name, o.Name) })
	for _, m := range members {
		e.leave(m.File)
	}
	return nil, nil
}

// leave unlinks member file from the primary when no group lists it any
// more: its link to the primary is cleared and it leaves the set.
func (e *groupEdit) leave(file string) {
	for _, g := range e.p.Groups {
		if slices.ContainsFunc(g.Members, func(m GroupMember) bool { return sameFile(m.File, file) }) {
			return
		}
	}
	m, key := e.s.member(file)
	if m == nil {
		return
	}
	c := m.cloneSections(0)
	c.Primary = ""
	if e.members == nil {
		e.members = map[string]*Account{}
	}
	// Its users keep no shared role (R23): result strips them, none
	// being shared with it now. It stays in Members, listed by no group.
	e.members[key] = c
	e.written[key] = true
}

// ShareRole shares a custom role of the primary with a group's members
// (R20, R21).
type ShareRole struct{ Group, Role string }

func (o ShareRole) Describe() string {
	return "share role " + SafeText(o.Role) + " with group " + SafeText(o.Group)
}
func (o ShareRole) applyGroup(e *groupEdit) ([]string, error) {
	g, err := e.group(o.Group)
	if err != nil {
		return nil, err
	}
	if !e.p.AdvancedUserSecurity {
		return nil, refuse(o, SharingNeedsAUS, "%s has Advanced User Security off: it cannot share custom roles", SafeText(e.p.Name))
	}
	i := e.p.FindRole(o.Role)
	if i < 0 {
		return nil, refuse(o, NotSharable, "%q is not a custom role of %s; only custom roles of the primary are shared", o.Role, SafeText(e.p.Name))
	}
	if g.sharesRole(o.Role) {
		return nil, refuse(o, NotSharable, "group %s shares %s already", SafeText(g.Name), SafeText(e.p.Roles[i].Name))
	}
	g.SharedRoles = append(g.SharedRoles, e.p.Roles[i].Name)
	return nil, nil
}

// UnshareRole stops sharing a role with a group's members: their users
// who held it through the group lose it, and the group's users their
// grant of it (R23).
type UnshareRole struct{ Group, Role string }

func (o UnshareRole) Describe() string {
	return "unshare role " + SafeText(o.Role) + " from group " + SafeText(o.Group)
}
func (o UnshareRole) applyGroup(e *groupEdit) ([]string, error) {
	g, err := e.group(o.Group)
	if err != nil {
		return nil, err
	}
	if !g.sharesRole(o.Role) {
		return nil, refuse(o, NotSharable, "group %s does not share %q", SafeText(g.Name), o.Role)
	}
	g.SharedRoles = slices.DeleteFunc(g.SharedRoles, func(rn string) bool { return SameName(rn, o.Role) })
	var notes []string
	for j := range g.Users {
		u := &g.Users[j]
		u.Roles = slices.DeleteFunc(u.Roles, func(rn string) bool { return SameName(rn, o.Role) })
	}
	left := slices.DeleteFunc(slices.Clone(g.Users), func(u GroupUser) bool { return len(u.Roles) == 0 })
	if len(left) < len(g.Users) {
		var gone []string
		for _, u := range g.Users {
			if len(u.Roles) == 0 {
				gone = append(gone, u.Email)
			}
		}
		leave := "leave"
		if len(gone) == 1 {
			leave = "leaves"
		}
		notes = append(notes, fmt.Sprintf("%s no longer %s any role in group %s, and %s it (R23)", AndList(gone), holdOrHolds(len(gone)), g.Name, leave))
		g.Users = left
	}
	return notes, nil
}

// AddMember adds member account Account, in file File (relative to the
// primary's), to a group (R20). A file that names no primary is made to
// name this one; one that names another is refused.
type AddMember struct {
	Group, File string
	// BoomiAccount is the member's Boomi account id; "" takes the one its
	// file names (boomi_account), if any.
	BoomiAccount string `json:",omitempty"`
	// Account is the member's account when the set does not hold it yet.
	Account *Account `json:",omitempty"`
}

func (o AddMember) Describe() string {
	return "add member " + SafeText(o.File) + " to group " + SafeText(o.Group)
}
func (o AddMember) applyGroup(e *groupEdit) ([]string, error) {
	g, err := e.group(o.Group)
	if err != nil {
		return nil, err
	}
	for _, x := range e.p.Groups {
		for _, m := range x.Members {
			if sameFile(m.File, o.File) && m.File != o.File {
				return nil, refuse(o, GroupMembership, "group %s lists that file as %q; spell one file one way", SafeText(x.Name), m.File)
			}
		}
	}
	if slices.ContainsFunc(g.Members, func(m GroupMember) bool { return sameFile(m.File, o.File) }) {
		return nil, refuse(o, GroupMembership, "group %s lists %q already", SafeText(g.Name), o.File)
	}
	m, key := e.s.member(o.File)
	if m == nil {
		m, key = o.Account, o.File
	}
	if m == nil {
		return nil, refuse(o, GroupMembership, "member %q is not loaded", o.File)
	}
	if m.Primary != "" && !e.s.namesPrimary(o.File, m.Primary) {
		return nil, refuse(o, GroupMembership, "%s names %q as its primary, not %s", SafeText(o.File), m.Primary, SafeText(e.s.PrimaryFile))
	}
	id := o.BoomiAccount
	if id == "" {
		id = m.BoomiAccount
	}
	g.Members = append(g.Members, GroupMember{File: o.File, BoomiAccount: id})
	if e.members == nil {
		e.members = map[string]*Account{}
	}
	if m.Primary == "" {
		c := m.cloneSections(0)
		c.Primary = e.s.relPrimary(o.File)
		m = c
		e.written[key] = true
	}
	e.members[key] = m
	return nil, nil
}

// RemoveMember takes a member out of a group: its users lose the roles
// that group alone shared with them, and the group users their roles
// there (R23). A member no group lists any more leaves the set, its file
// no longer naming the primary.
type RemoveMember struct{ Group, File string }

func (o RemoveMember) Describe() string {
	return "remove member " + SafeText(o.File) + " from group " + SafeText(o.Group)
}
func (o RemoveMember) applyGroup(e *groupEdit) ([]string, error) {
	g, err := e.group(o.Group)
	if err != nil {
		return nil, err
	}
	j := slices.IndexFunc(g.Members, func(m GroupMember) bool { return sameFile(m.File, o.File) })
	if j < 0 {
		return nil, refuse(o, GroupMembership, "group %s does not list %q", SafeText(g.Name), o.File)
	}
	g.Members = slices.Delete(g.Members, j, j+1)
	e.leave(o.File)
	return nil, nil
}

// AddGroupUser gives a user roles in every member of a group (R25):
// built-in roles, or roles the group shares.
type AddGroupUser struct {
	Group, Email, Name string
	Roles              []string `json:",omitempty"`
}

func (o AddGroupUser) Describe() string {
	return "add group user " + SafeText(o.Email) + " to group " + SafeText(o.Group)
}
func (o AddGroupUser) applyGroup(e *groupEdit) ([]string, error) {
	g, err := e.group(o.Group)
	if err != nil {
		return nil, err
	}
	if k, msg, _ := checkEmail(o.Email); msg != "" {
		return nil, refuse(o, k, "%s", msg)
	}
	if slices.ContainsFunc(g.Users, func(u GroupUser) bool { return SameName(u.Email, o.Email) }) {
		return nil, refuse(o, DuplicateUser, "group %s has user %q already", SafeText(g.Name), o.Email)
	}
	if len(o.Roles) == 0 {
		return nil, refuse(o, UserWithoutRole, "a group user needs at least one role")
	}
	u := GroupUser{Email: o.Email, Name: o.Name}
	for _, rn := range o.Roles {
		if b, ok := LookupBuiltin(rn); ok {
			u.Roles = append(u.Roles, b.Name)
			continue
		}
		if !g.sharesRole(rn) || e.p.FindRole(rn) < 0 {
			return nil, refuse(o, GroupUserNotHere, "%q is neither a built-in role nor a role group %s shares", rn, SafeText(g.Name))
		}
		u.Roles = append(u.Roles, e.p.Roles[e.p.FindRole(rn)].Name)
	}
	g.Users = append(g.Users, u)
	return nil, nil
}

// RemoveGroupUser takes a group user out of a group: they lose its roles
// in every member where they have no direct access (R23, R25).
type RemoveGroupUser struct{ Group, Email string }

func (o RemoveGroupUser) Describe() string {
	return "remove group user " + SafeText(o.Email) + " from group " + SafeText(o.Group)
}
func (o RemoveGroupUser) applyGroup(e *groupEdit) ([]string, error) {
	g, err := e.group(o.Group)
	if err != nil {
		return nil, err
	}
	j := slices.IndexFunc(g.Users, func(u GroupUser) bool { return SameName(u.Email, o.Email) })
	if j < 0 {
		return nil, refuse(o, NoSuchUser, "group %s has no user %q", SafeText(g.Name), o.Email)
	}
	g.Users = slices.Delete(g.Users, j, j+1)
	return nil, nil
}
