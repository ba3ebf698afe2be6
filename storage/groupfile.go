package storage

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"rolecall/model"
)

// Account groups in the file (access-model.md §6). The primary's file holds
// its groups, as three flat arrays of tables after [[environments]], so
// that git diff shows exactly a change:
//
//	[[account_groups]]      name, shared_roles, boomi_id (written when not empty)
//	[[group_members]]       group, file, boomi_account (written when not empty)
//	[[group_users]]         group, email, name, roles
//
// A member's file names its primary in [account] primary. Each key is
// written only when the account has groups (or a primary), so a file
// without them keeps its bytes.
//
// Paths (primary, a member's file) are relative to the directory of the
// file that holds them, with forward slashes, at most MaxGroupPath bytes,
// without control characters: an absolute path is an error, so that a
// repository of account files can be moved or cloned anywhere and still
// hold together.

// Limits on the groups of one file; beyond them the file is refused, as
// for roles and users.
const (
	MaxAccountGroups = 1000  // [[account_groups]]
	MaxGroupMembers  = 5000  // [[group_members]], all groups together
	MaxGroupUsers    = 20000 // [[group_users]], all groups together
	// MaxGroupPath bounds primary and a member's file, in bytes.
	MaxGroupPath = 4096
)

// The file's sections of groups, as Loc sections (their Index is the
// element's index in the file).
const (
	SectionAccountGroups model.Section = "account_groups"
	SectionGroupMembers  model.Section = "group_members"
	SectionGroupUsers    model.Section = "group_users"
)

// groupRule is the rule the problems of groups cite.
const groupRule = "R20"

// GroupPathProblem says what is wrong with p as a path written in a
// primary (a member's file) or in a member (its primary), or "".
func GroupPathProblem(p string) string { return checkGroupPath(p) }

// checkGroupPath says what is wrong with a path written in primary or in a
// member's file, or "".
func checkGroupPath(p string) string {
	switch {
	case p == "":
		return "is empty; name the file, relative to this one"
	case len(p) > MaxGroupPath:
		return fmt.Sprintf("is %d bytes long; rolecall reads paths of at most %d", len(p), MaxGroupPath)
	case !utf8.ValidString(p):
		return "is not valid UTF-8"
	}
	for _, r := range p {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
			return "holds a control character"
		}
	}
	switch {
	case strings.ContainsRune(p, '\\'):
		return "holds a backslash; write paths with forward slashes (a/b.toml)"
	case strings.HasPrefix(p, "/") || len(p) >= 2 && p[1] == ':':
		return "is absolute; write it relative to this file's directory, so that the files can move together"
	case strings.HasSuffix(p, "/"):
		return "ends with a slash; name the account file"
	}
	if b := path.Base(p); b == "." || b == ".." {
		return "names a directory; name the account file"
	}
	return ""
}

// groupIdx maps the groups of a decoded account to their elements in the
// file: groups[g] is the [[account_groups]] element of group g,
// members[g][j] the [[group_members]] element of its member j, users[g][j]
// the [[group_users]] element of its user j. A nil *groupIdx means the file
// is Encode's: the elements in the account's order.
type groupIdx struct {
	groups         []int
	members, users [][]int
}

func (x *groupIdx) group(a *model.Account, g int) int {
	if x == nil {
		return g
	}
	return x.groups[g]
}

func (x *groupIdx) member(a *model.Account, g, j int) int {
	if x == nil {
		n := 0
		for _, gr := range a.Groups[:g] {
			n += len(gr.Members)
		}
		return n + j
	}
	return x.members[g][j]
}

func (x *groupIdx) user(a *model.Account, g, j int) int {
	if x == nil {
		n := 0
		for _, gr := range a.Groups[:g] {
			n += len(gr.Users)
		}
		return n + j
	}
	return x.users[g][j]
}

// groupProblems are the errors of a's group keys that storage checks: a
// path that is not relative and clean (checkGroupPath), an id of Boomi's
// that is not (checkBoomiID), a group without a name or with the name of
// another. Their Locs are file indexes (see groupIdx). The rules of §6
// that need the accounts (shared roles that exist, members that share
// them) are the model's.
func groupProblems(a *model.Account, x *groupIdx) []model.Problem {
	var ps []model.Problem
	bad := func(loc model.Loc, rule, subject, format string, args ...any) {
		ps = append(ps, model.Problem{Severity: model.Error, Rule: rule, Loc: loc, Subject: subject, Message: fmt.Sprintf(format, args...)})
	}
	if a.Primary != "" {
		if why := checkGroupPath(a.Primary); why != "" {
			bad(model.Loc{Section: model.SectionAccount, Index: -1, Key: "primary", Item: -1}, "", "", "account.primary %s", why)
		}
	}
	for g, gr := range a.Groups {
		gi := x.group(a, g)
		if gr.Name == "" {
			bad(elemKey(SectionAccountGroups, gi, "name"), groupRule, "", "account_groups #%d has no name; give the group its name", gi+1)
		} else if j := slices.IndexFunc(a.Groups[:g], func(o model.AccountGroup) bool { return model.SameName(o.Name, gr.Name) }); j >= 0 {
			bad(elemKey(SectionAccountGroups, gi, "name"), groupRule, gr.Name, "account group %s is defined twice (also account_groups #%d); group names are unique in an account", quote(gr.Name), x.group(a, j)+1)
		}
		if why := checkBoomiID(gr.ID); why != "" {
			bad(elemKey(SectionAccountGroups, gi, "boomi_id"), boomiRule, gr.Name, "account group %s boomi_id %s", quote(gr.Name), why)
		}
		for j, m := range gr.Members {
			mi := x.member(a, g, j)
			if why := checkGroupPath(m.File); why != "" {
				bad(elemKey(SectionGroupMembers, mi, "file"), "", gr.Name, "group_members #%d file %s", mi+1, why)
			}
			if why := checkBoomiID(m.BoomiAccount); why != "" {
				bad(elemKey(SectionGroupMembers, mi, "boomi_account"), boomiRule, gr.Name, "group_members #%d boomi_account %s", mi+1, why)
			}
		}
	}
	return ps
}

// groupsLoseOnDecode reports whether Decode(Encode(a)) would not give a's
// groups back: two groups of one name (Decode keeps the first, and gives
// it every member and user of that name).
func groupsLoseOnDecode(a *model.Account) bool {
	for g, gr := range a.Groups {
		if slices.ContainsFunc(a.Groups[:g], func(o model.AccountGroup) bool { return model.SameName(o.Name, gr.Name) }) {
			return true
		}
	}
	return false
}

// groupsValidUTF8 reports whether every string of a's groups is valid
// UTF-8.
func groupsValidUTF8(a *model.Account) bool {
	ok := func(ss ...string) bool {
		for _, s := range ss {
			if !utf8.ValidString(s) {
				return false
			}
		}
		return true
	}
	if !ok(a.Primary) {
		return false
	}
	for _, g := range a.Groups {
		if !ok(g.Name, g.ID) || !ok(g.SharedRoles...) {
			return false
		}
		for _, m := range g.Members {
			if !ok(m.File, m.BoomiAccount) {
				return false
			}
		}
		for _, u := range g.Users {
			if !ok(u.Email, u.Name) || !ok(u.Roles...) {
				return false
			}
		}
	}
	return true
}

// cloneGroups returns a deep copy of gs (nil stays nil).
func cloneGroups(gs []model.AccountGroup) []model.AccountGroup {
	if gs == nil {
		return nil
	}
	out := make([]model.AccountGroup, len(gs))
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

// cloneAccount is a.Clone() with its groups copied too (model's Clone
// shares them).
func cloneAccount(a *model.Account) *model.Account {
	c := a.Clone()
	c.Groups = cloneGroups(a.Groups)
	return c
}

// compareFold orders names as the model shows them: ignoring case, then
// by their exact spelling.
func compareFold(x, y string) int {
	if c := strings.Compare(model.FoldName(x), model.FoldName(y)); c != 0 {
		return c
	}
	return strings.Compare(x, y)
}

// canonicalGroups sets c.Groups to a copy of gs as it is saved: groups by
// name, each group's members by file, users by email (names ignoring case,
// as roles and users are), role names spelled as c spells them and sorted
// as a user's roles are; empty lists nil. c is canonical but for its
// groups.
func canonicalGroups(c *model.Account, gs []model.AccountGroup) {
	if len(gs) == 0 {
		c.Groups = nil
		return
	}
	out := cloneGroups(gs)
	spell := func(names []string) []string {
		for i, n := range names {
			names[i] = c.CanonicalRoleName(n)
		}
		slices.SortFunc(names, compareFold)
		return nilIfEmpty(names)
	}
	for i := range out {
		g := &out[i]
		g.SharedRoles = spell(g.SharedRoles)
		slices.SortStableFunc(g.Members, func(x, y model.GroupMember) int { return strings.Compare(x.File, y.File) })
		slices.SortStableFunc(g.Users, func(x, y model.GroupUser) int { return compareFold(x.Email, y.Email) })
		for j := range g.Users {
			g.Users[j].Roles = spell(g.Users[j].Roles)
		}
		g.Members, g.Users = nilIfEmpty(g.Members), nilIfEmpty(g.Users)
	}
	slices.SortStableFunc(out, func(x, y model.AccountGroup) int { return compareFold(x.Name, y.Name) })
	c.Groups = out
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// groups writes a's groups (see the top of this file): every group, then
// every member, then every user, each in a's order.
func (e *encoder) groups(c *model.Account) {
	for _, g := range c.Groups {
		e.b = append(e.b, "\n[[account_groups]]\n"...)
		e.kv("name", g.Name)
		e.list("shared_roles", g.SharedRoles)
		if g.ID != "" {
			e.kv("boomi_id", g.ID)
		}
	}
	for _, g := range c.Groups {
		for _, m := range g.Members {
			e.b = append(e.b, "\n[[group_members]]\n"...)
			e.kv("group", g.Name)
			e.kv("file", m.File)
			if m.BoomiAccount != "" {
				e.kv("boomi_account", m.BoomiAccount)
			}
		}
	}
	for _, g := range c.Groups {
		for _, u := range g.Users {
			e.b = append(e.b, "\n[[group_users]]\n"...)
			e.kv("group", g.Name)
			e.kv("email", u.Email)
			e.kv("name", u.Name)
			e.list("roles", u.Roles)
		}
	}
}

// accountGroup decodes [[account_groups]] element i. A second group of one
// name is an error, and is left out (its members and users go to the
// first).
func (d *decoder) accountGroup(a *model.Account, i int, m map[string]any) {
	const sec = SectionAccountGroups
	d.unknownKeys(sec, i, m, "name", "name", "shared_roles", "boomi_id")
	var g model.AccountGroup
	d.str(&g.Name, m["name"], elemKey(sec, i, "name"))
	g.SharedRoles, _ = d.strings(sec, i, "shared_roles", m["shared_roles"])
	d.str(&g.ID, m["boomi_id"], elemKey(sec, i, "boomi_id"))
	if j := d.findGroup(a, g.Name); j >= 0 {
		d.add(d.pos.line(string(sec), i, "name", -1), elemKey(sec, i, "name"), groupRule, g.Name,
			"account group %s is defined twice (also account_groups #%d); group names are unique in an account: merge the two",
			quote(g.Name), d.groups.groups[j]+1)
		return
	}
	a.Groups = append(a.Groups, g)
	d.groups.groups = append(d.groups.groups, i)
	d.groups.members = append(d.groups.members, nil)
	d.groups.users = append(d.groups.users, nil)
}

func (d *decoder) findGroup(a *model.Account, name string) int {
	return slices.IndexFunc(a.Groups, func(g model.AccountGroup) bool { return model.SameName(g.Name, name) })
}

// groupOf finds the group that element i of sec names in its key group; a
// group no [[account_groups]] defines is an error, and -1.
func (d *decoder) groupOf(a *model.Account, sec model.Section, i int, m map[string]any) int {
	var name string
	loc := elemKey(sec, i, "group")
	if _, ok := m["group"]; !ok {
		d.add(d.pos.line(string(sec), i, "", -1), loc, "", "", "%s #%d has no group; add group = \"NAME\" of one of the [[account_groups]]", sec, i+1)
		return -1
	}
	if !d.strOK(&name, m["group"], loc) {
		return -1
	}
	g := d.findGroup(a, name)
	if g < 0 {
		d.add(d.locLine(loc), loc, groupRule, name, "%s #%d names group %s, which no [[account_groups]] defines; define the group or fix the name", sec, i+1, quote(name))
	}
	return g
}

// strOK is str, reporting whether v was a string.
func (d *decoder) strOK(dst *string, v any, loc model.Loc) bool {
	n := len(d.probs)
	d.str(dst, v, loc)
	return len(d.probs) == n
}

func (d *decoder) groupMember(a *model.Account, i int, m map[string]any) {
	const sec = SectionGroupMembers
	d.unknownKeys(sec, i, m, "file", "group", "file", "boomi_account")
	var gm model.GroupMember
	d.str(&gm.File, m["file"], elemKey(sec, i, "file"))
	d.str(&gm.BoomiAccount, m["boomi_account"], elemKey(sec, i, "boomi_account"))
	if g := d.groupOf(a, sec, i, m); g >= 0 {
		a.Groups[g].Members = append(a.Groups[g].Members, gm)
		d.groups.members[g] = append(d.groups.members[g], i)
	}
}

func (d *decoder) groupUser(a *model.Account, i int, m map[string]any) {
	const sec = SectionGroupUsers
	d.unknownKeys(sec, i, m, "email", "group", "email", "name", "roles")
	var u model.GroupUser
	d.str(&u.Email, m["email"], elemKey(sec, i, "email"))
	d.str(&u.Name, m["name"], elemKey(sec, i, "name"))
	u.Roles, _ = d.strings(sec, i, "roles", m["roles"])
	if g := d.groupOf(a, sec, i, m); g >= 0 {
		a.Groups[g].Users = append(a.Groups[g].Users, u)
		d.groups.users[g] = append(d.groups.users[g], i)
	}
}

// groupLimits reports too many groups, members or group users in a.
func groupLimits(a *model.Account) (groups, members, users int) {
	groups = len(a.Groups)
	for _, g := range a.Groups {
		members += len(g.Members)
		users += len(g.Users)
	}
	return
}
