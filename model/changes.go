package model

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ChangeGroup is one kind of object an account comparison found changed,
// with one line per change. Lines are plain English and safe to print
// (SafeText): every name in them is escaped.
type ChangeGroup struct {
	Title string   `json:"title"` // "Account", "Roles", "Users" or "Environments"
	Lines []string `json:"lines"`
}

// Changes lists what differs between old and new object by object: the
// account's name and switches, each role, user and environment added,
// removed or changed, field by field. Where Diff says what changes for
// whom, Changes says what changes in the file, so that an edit that changes
// nobody's access (a role nobody holds yet, a description) is still listed.
// Names are matched as the model matches them (SameName); a name whose
// spelling changes only in letter case is listed as renamed. The groups
// come in the order above, only those with lines.
//
// Each side is indexed once by FoldName, so the cost is linear in the size
// of the accounts.
func Changes(old, new *Account) []ChangeGroup {
	var out []ChangeGroup
	add := func(title string, lines []string) {
		if len(lines) > 0 {
			out = append(out, ChangeGroup{Title: title, Lines: lines})
		}
	}
	add("Account", accountChanges(old, new))
	add("Roles", roleChanges(old, new))
	add("Users", userChanges(old, new))
	add("Environments", environmentChanges(old, new))
	return out
}

func accountChanges(old, new *Account) []string {
	var lines []string
	if old.Name != new.Name {
		lines = append(lines, fmt.Sprintf("the account is renamed from %s to %s", quote(old.Name), quote(new.Name)))
	}
	sw := func(title string, was, is bool) {
		if was != is {
			lines = append(lines, fmt.Sprintf("%s turns %s (was %s)", title, onOff(is), onOff(was)))
		}
	}
	sw("Advanced User Security", old.AdvancedUserSecurity, new.AdvancedUserSecurity)
	sw("Advanced Environment Access", old.AdvancedEnvironmentAccess, new.AdvancedEnvironmentAccess)
	return lines
}

// foldIndex maps each name's FoldName to its first position.
func foldIndex(n int, name func(i int) string) map[string]int {
	m := make(map[string]int, n)
	for i := 0; i < n; i++ {
		k := FoldName(name(i))
		if _, dup := m[k]; !dup {
			m[k] = i
		}
	}
	return m
}

func roleChanges(old, new *Account) []string {
	oldIdx := foldIndex(len(old.Roles), func(i int) string { return old.Roles[i].Name })
	newIdx := foldIndex(len(new.Roles), func(i int) string { return new.Roles[i].Name })
	held := heldRoles(new)
	var res *Resolver // built when a role's grants must be known
	nothing := func(r Role) []string {
		if res == nil {
			res = NewResolver(new)
		}
		if !res.GrantsNothing(r) {
			return nil
		}
		return []string{GrantsNothingNote(r)}
	}
	var lines []string
	for _, r := range new.Roles {
		oi, ok := oldIdx[FoldName(r.Name)]
		if !ok {
			line := fmt.Sprintf("role %s is added: %s", quote(r.Name), roleFields(r))
			if !held[FoldName(r.Name)] {
				line += "; nobody holds it yet"
			}
			lines = append(lines, line)
			lines = append(lines, nothing(r)...)
			continue
		}
		o := old.Roles[oi]
		lines = append(lines, fieldChanges(o, r)...)
		if SameName(o.Inherits, r.Inherits) && privSet(o.Privileges) == privSet(r.Privileges) {
			continue
		}
		lines = append(lines, nothing(r)...)
	}
	for _, r := range old.Roles {
		if _, ok := newIdx[FoldName(r.Name)]; !ok {
			lines = append(lines, fmt.Sprintf("role %s is removed", quote(r.Name)))
		}
	}
	return lines
}

// roleFields describes a new role: its parent, its ticks, its description.
func roleFields(r Role) string {
	parts := []string{"inherits no role"}
	if r.Inherits != "" {
		parts[0] = "inherits " + quote(r.Inherits)
	}
	if ps := privSet(r.Privileges); ps != 0 {
		parts = append(parts, "ticks "+privList(ps))
	} else {
		parts = append(parts, "ticks nothing")
	}
	if r.Description != "" {
		parts = append(parts, "described "+quote(r.Description))
	}
	return strings.Join(parts, "; ")
}

// fieldChanges lists what changes in a role that is in both accounts.
func fieldChanges(o, r Role) []string {
	var lines []string
	name := quote(r.Name)
	if o.Name != r.Name {
		lines = append(lines, fmt.Sprintf("role %s is renamed %s", quote(o.Name), name))
	}
	if d := textChange("the description of role "+name, o.Description, r.Description); d != "" {
		lines = append(lines, d)
	}
	switch {
	case SameName(o.Inherits, r.Inherits):
	case r.Inherits == "":
		lines = append(lines, fmt.Sprintf("role %s no longer inherits %s", name, quote(o.Inherits)))
	case o.Inherits == "":
		lines = append(lines, fmt.Sprintf("role %s now inherits %s (inherited no role)", name, quote(r.Inherits)))
	default:
		lines = append(lines, fmt.Sprintf("role %s now inherits %s (was %s)", name, quote(r.Inherits), quote(o.Inherits)))
	}
	was, is := privSet(o.Privileges), privSet(r.Privileges)
	if t := is &^ was; t != 0 {
		lines = append(lines, fmt.Sprintf("role %s now ticks %s", name, privList(t)))
	}
	if u := was &^ is; u != 0 {
		lines = append(lines, fmt.Sprintf("role %s no longer ticks %s", name, privList(u)))
	}
	return lines
}

// GrantsNothing reports whether role r, as it stands (or would stand) in
// the account res resolves, grants no privilege: it ticks none, and the
// role it inherits, if any, grants none (R5). No rule of the access model
// makes this a validation warning; front ends say it when a role is made
// or its privileges or parent change (GrantsNothingNote).
func (res *Resolver) GrantsNothing(r Role) bool {
	if len(r.Privileges) > 0 {
		return false
	}
	if r.Inherits == "" {
		return true
	}
	set, ok := res.RolePrivileges(r.Inherits)
	return !ok || set.Len() == 0
}

// GrantsNothingNote says that role r grants nothing, and why.
func GrantsNothingNote(r Role) string {
	return fmt.Sprintf("role %s grants nothing: %s", quote(r.Name), GrantsNothingWhy(r))
}

// GrantsNothingWhy is why role r, which grants nothing, does.
func GrantsNothingWhy(r Role) string {
	if r.Inherits != "" {
		return "no privilege is ticked and " + quote(r.Inherits) + ", which it inherits, grants none"
	}
	return "no privilege is ticked and it inherits none"
}

// heldRoles is the set of role names (FoldName) some user of a holds.
func heldRoles(a *Account) map[string]bool {
	held := map[string]bool{}
	for _, u := range a.Users {
		for _, rn := range u.Roles {
			held[FoldName(rn)] = true
		}
	}
	return held
}

// textChange says how a text field what changes from was to is, or "" when
// it does not. When the two differ only in characters that do not print
// (those SafeText escapes), it names them, since the quoted texts would
// read the same.
func textChange(what, was, is string) string {
	switch {
	case was == is:
		return ""
	case was == "":
		return fmt.Sprintf("%s is set to %s", what, quote(is))
	case is == "":
		return fmt.Sprintf("%s is removed (was %s)", what, quote(was))
	}
	wv, wh := splitHidden(was)
	iv, ih := splitHidden(is)
	if wv != iv {
		return fmt.Sprintf("%s changes from %s to %s", what, quote(was), quote(is))
	}
	lost, gained := runeDiff(wh, ih)
	var parts []string
	if len(lost) > 0 {
		parts = append(parts, "loses "+hiddenList(lost))
	}
	if len(gained) > 0 {
		parts = append(parts, "gains "+hiddenList(gained))
	}
	if len(parts) == 0 { // the same hidden characters, in other places
		return fmt.Sprintf("%s changes from %s to %s", what, quote(was), quote(is))
	}
	return what + " " + strings.Join(parts, " and ")
}

// splitHidden splits s into what prints and the characters that do not
// (those SafeText escapes: controls, bidi controls, invisible characters;
// an invalid byte counts as U+FFFD).
func splitHidden(s string) (string, []rune) {
	var shown strings.Builder
	var hidden []rune
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r) || invisibleRune(r) != "" {
			hidden = append(hidden, r)
		} else {
			shown.WriteRune(r)
		}
		i += n
	}
	return shown.String(), hidden
}

// runeDiff returns the runes of was missing from is and those of is missing
// from was, counting repeats, each in order.
func runeDiff(was, is []rune) (lost, gained []rune) {
	count := map[rune]int{}
	for _, r := range is {
		count[r]++
	}
	for _, r := range was {
		if count[r] > 0 {
			count[r]--
		} else {
			lost = append(lost, r)
		}
	}
	count = map[rune]int{}
	for _, r := range was {
		count[r]++
	}
	for _, r := range is {
		if count[r] > 0 {
			count[r]--
		} else {
			gained = append(gained, r)
		}
	}
	return lost, gained
}

// hiddenList names characters that do not print: "the invisible character
// U+202E", "the invisible characters U+202E and U+200B".
func hiddenList(rs []rune) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = fmt.Sprintf("U+%04X", r)
	}
	if len(rs) == 1 {
		return "the invisible character " + names[0]
	}
	return "the invisible characters " + AndList(names)
}

func userChanges(old, new *Account) []string {
	oldIdx := foldIndex(len(old.Users), func(i int) string { return old.Users[i].Email })
	newIdx := foldIndex(len(new.Users), func(i int) string { return new.Users[i].Email })
	var lines []string
	// Roles assigned and unassigned are grouped by role: "role "X" is
	// assigned to a and b".
	assigned, unassigned := newGrouping(), newGrouping()
	for _, u := range new.Users {
		oi, ok := oldIdx[FoldName(u.Email)]
		if !ok {
			line := fmt.Sprintf("user %s is added with %s", userName(u), roleList(u.Roles))
			lines = append(lines, line)
			continue
		}
		o := old.Users[oi]
		if o.Email != u.Email {
			lines = append(lines, fmt.Sprintf("user %s is now spelled %s", SafeText(o.Email), SafeText(u.Email)))
		}
		if d := textChange("the name of "+SafeText(u.Email), o.Name, u.Name); d != "" {
			lines = append(lines, d)
		}
		if slices.Equal(o.Roles, u.Roles) {
			continue
		}
		for _, rn := range u.Roles {
			if !slices.ContainsFunc(o.Roles, func(h string) bool { return SameName(h, rn) }) {
				assigned.add(rn, u.Email)
			}
		}
		for _, rn := range o.Roles {
			if !slices.ContainsFunc(u.Roles, func(h string) bool { return SameName(h, rn) }) {
				unassigned.add(rn, u.Email)
			}
		}
	}
	lines = append(lines, assigned.lines("is assigned to")...)
	lines = append(lines, unassigned.lines("is unassigned from")...)
	for _, u := range old.Users {
		if _, ok := newIdx[FoldName(u.Email)]; !ok {
			lines = append(lines, fmt.Sprintf("user %s is removed", userName(u)))
		}
	}
	return lines
}

// userName is a user as a change line names them: the email, and the
// display name when there is one.
func userName(u User) string {
	if u.Name == "" {
		return SafeText(u.Email)
	}
	return SafeText(u.Email) + " (" + quote(u.Name) + ")"
}

// roleList is "role "A"" or "roles "A" and "B"".
func roleList(names []string) string {
	if len(names) == 0 {
		return "no role"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	if len(q) == 1 {
		return "role " + q[0]
	}
	return "roles " + AndList(q)
}

// grouping collects users under role names (by FoldName), in the order
// the roles first appear.
type grouping struct {
	order []string            // keys in first-seen order
	shown map[string]string   // key -> the name as first spelled
	users map[string][]string // key -> emails
}

func newGrouping() *grouping {
	return &grouping{shown: map[string]string{}, users: map[string][]string{}}
}

func (g *grouping) add(role, email string) {
	k := FoldName(role)
	if _, ok := g.shown[k]; !ok {
		g.order = append(g.order, k)
		g.shown[k] = role
	}
	g.users[k] = append(g.users[k], email)
}

// lines says "role "X" VERB a and b", or with more than two users
// "role "X" VERB 3 users: a, b and c". Every user is listed.
func (g *grouping) lines(verb string) []string {
	var out []string
	for _, k := range g.order {
		emails := g.users[k]
		safe := make([]string, len(emails))
		for i, e := range emails {
			safe[i] = SafeText(e)
		}
		who := AndList(safe)
		if len(emails) > 2 {
			who = counted(len(emails), "user") + ": " + who
		}
		out = append(out, fmt.Sprintf("role %s %s %s", quote(g.shown[k]), verb, who))
	}
	return out
}

func environmentChanges(old, new *Account) []string {
	oldIdx := foldIndex(len(old.Environments), func(i int) string { return old.Environments[i].Name })
	newIdx := foldIndex(len(new.Environments), func(i int) string { return new.Environments[i].Name })
	var lines []string
	for _, e := range new.Environments {
		oi, ok := oldIdx[FoldName(e.Name)]
		if !ok {
			access := "open to every role"
			if len(e.RolesWithAccess) > 0 {
				access = "Roles with Access: " + quotedList(e.RolesWithAccess)
			}
			lines = append(lines, fmt.Sprintf("environment %s is added: %s; %s", quote(e.Name), e.Classification, access))
			continue
		}
		o := old.Environments[oi]
		name := quote(e.Name)
		if o.Name != e.Name {
			lines = append(lines, fmt.Sprintf("environment %s is renamed %s", quote(o.Name), name))
		}
		if o.Classification != e.Classification {
			lines = append(lines, fmt.Sprintf("environment %s is now %s (was %s)", name, e.Classification, o.Classification))
		}
		var listed, unlisted []string
		for _, rn := range e.RolesWithAccess {
			if !slices.ContainsFunc(o.RolesWithAccess, func(h string) bool { return SameName(h, rn) }) {
				listed = append(listed, rn)
			}
		}
		for _, rn := range o.RolesWithAccess {
			if !slices.ContainsFunc(e.RolesWithAccess, func(h string) bool { return SameName(h, rn) }) {
				unlisted = append(unlisted, rn)
			}
		}
		if len(listed) > 0 {
			line := fmt.Sprintf("environment %s now lists %s", name, quotedList(listed))
			if len(o.RolesWithAccess) == 0 {
				line += ": it was open to every role and is now restricted (R13)"
			}
			lines = append(lines, line)
		}
		if len(unlisted) > 0 {
			line := fmt.Sprintf("environment %s no longer lists %s", name, quotedList(unlisted))
			if len(e.RolesWithAccess) == 0 {
				line += ": it is now open to every role (R12)"
			}
			lines = append(lines, line)
		}
	}
	for _, e := range old.Environments {
		if _, ok := newIdx[FoldName(e.Name)]; !ok {
			lines = append(lines, fmt.Sprintf("environment %s is removed", quote(e.Name)))
		}
	}
	return lines
}

// quotedList is names quoted (quote) and listed: ""A", "B" and "C"".
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return AndList(q)
}

// privList lists the privileges of s in catalog order: "A, B and C".
func privList(s PrivSet) string {
	return AndList(privNames(s.List()))
}

// AndList lists items as English does: "a", "a and b", "a, b and c".
func AndList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Changes is Changes(base, account) for the edits made since the base, with
// the roles they rename said as renamed ("role "A" is renamed to "B"")
// rather than removed and added, and their holders and listings not said
// again: roles have no identity in the file, but the edits know.
func (w *Working) Changes() []ChangeGroup {
	var renames []RenameRole
	for _, op := range Compact(w.ops) {
		if r, ok := op.(RenameRole); ok {
			renames = append(renames, r)
		}
	}
	if len(renames) == 0 {
		return Changes(w.base, w.acct)
	}
	// The base with only the renames made: what else changed is compared
	// from there.
	renamed := w.base.Clone()
	var lines []string
	for _, r := range renames {
		from := renamed.CanonicalRoleName(r.Role)
		if _, err := r.apply(renamed); err != nil {
			return Changes(w.base, w.acct)
		}
		lines = append(lines, fmt.Sprintf("role %s is renamed to %s", quote(from), quote(r.To)))
	}
	renamed.Normalize()
	out := Changes(renamed, w.acct)
	for i, g := range out {
		if g.Title == "Roles" {
			out[i].Lines = append(lines, g.Lines...)
			return out
		}
	}
	// No other change of roles: the Roles group holds the renames alone,
	// after the account's.
	roles := ChangeGroup{Title: "Roles", Lines: lines}
	if len(out) > 0 && out[0].Title == "Account" {
		return append(out[:1], append([]ChangeGroup{roles}, out[1:]...)...)
	}
	return append([]ChangeGroup{roles}, out...)
}
