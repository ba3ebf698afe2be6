package tui

import (
	"fmt"
	"slices"

	"rolecall/model"
)

// Account groups (access-model.md §6): a file that is a member of a group,
// or a primary with groups, opens with its group. A member is edited on
// its view (the shared roles "NAME (shared)", read-only, and the group
// users, edited in the primary) and saved as its own account
// (model.Own); a primary's edits are checked across the group (R24) and
// say what changes in each member (R22).

// GroupLoaded is the account group of an opened file.
type GroupLoaded struct {
	Set *model.GroupSet
	// Key is the opened file's key in Set.Members, "" for the primary.
	Key string
}

// groupCtx is the session's account group: the set as loaded and which
// of its accounts the session edits.
type groupCtx struct {
	base *model.GroupSet
	key  string // "" for the primary
}

func (g *groupCtx) member() bool { return g.key != "" }

// set is the group set with the session's working copy in place of the
// account it edits: what the group rules check an edit against.
func (g *groupCtx) set(work *model.Account) *model.GroupSet {
	ns := g.base.WithAccounts(g.base.Primary, g.base.Members)
	if !g.member() {
		ns.Primary = work
		return ns
	}
	ns.Members = make(map[string]*model.Account, len(g.base.Members))
	for f, a := range g.base.Members {
		ns.Members[f] = a
	}
	ns.Members[g.key] = model.Own(work)
	return ns
}

// isView reports whether a is a member's view: it holds shared roles or
// group users, which its file does not (model.Own).
func isView(a *model.Account) bool {
	return slices.ContainsFunc(a.Roles, func(r model.Role) bool { return r.Shared != nil }) ||
		slices.ContainsFunc(a.Users, func(u model.User) bool { return u.Groups != nil })
}

// setGroup makes g the session's account group (nil: none).
func (s *session) setGroup(g *GroupLoaded) {
	if g == nil {
		s.group = nil
		return
	}
	s.group = &groupCtx{base: g.Set, key: g.Key}
}

// checkGroup runs ops through the group's rules (model.ApplyMember for a
// member: R20, R21, R25; model.ApplyPrimary for a primary: R24), one
// after the other, from the working copy: a refusal is the edit's. For a
// primary it returns what the edits change in each member (R22, R23), as
// lines for the question before they are kept; nothing for a member, whose
// own what-if says it all, or a session with no group.
func (s *session) checkGroup(ops []model.Op) ([]string, error) {
	g := s.group
	if g == nil {
		return nil, nil
	}
	before := g.set(s.work)
	set := before
	for _, op := range ops {
		var err error
		if g.member() {
			set, _, err = model.ApplyMember(set, g.key, op)
		} else {
			prev := set.Primary
			set, _, err = model.ApplyPrimary(set, op)
			if err == nil {
				err = sharedUnheld(prev, op)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if g.member() {
		return nil, nil
	}
	return g.impactLines(before, set), nil
}

// impactLines say what going from old to new changes in each member whose
// access changes (R22), and who is left with no role there (R23).
func (g *groupCtx) impactLines(old, new *model.GroupSet) []string {
	var out []string
	for _, mi := range model.GroupImpact(old, new) {
		sum := mi.Diff.Summary()
		if len(sum) == 0 {
			continue
		}
		out = append(out, "In member "+g.memberName(mi.File)+":")
		for _, l := range sum {
			out = append(out, "  "+l)
		}
	}
	return out
}

// memberName names member file as the screen shows it: "EMEA Sales
// (emea-sales.toml)".
func (g *groupCtx) memberName(file string) string {
	if m := g.base.Members[file]; m != nil {
		return m.Name + " (" + file + ")"
	}
	return file
}

// groupSaveLines are what the save review adds for a file of a group: for
// a primary, what the edits change in each member (R22); for a member,
// that only its own account is written.
func (s *session) groupSaveLines() []string {
	g := s.group
	if g == nil || !s.dirty() {
		return nil
	}
	if g.member() {
		return []string{"Only " + safe(s.work.Name) + "'s own account is written: its shared roles and group users come from " + safe(g.base.Primary.Name) + " (" + safe(g.base.PrimaryFile) + ") and are edited there."}
	}
	lines := g.impactLines(g.set(s.loaded), g.set(s.work))
	if len(lines) == 0 {
		return []string{"No one's access changes in the group's member accounts."}
	}
	out := []string{"What changes in the member accounts (R22):"}
	for _, l := range lines {
		out = append(out, "  "+safe(l))
	}
	return out
}

// groupErrors counts the errors among problems of a file that opens for
// editing: they are its account group's (another file, a member that
// cannot be read).
func groupErrors(ps []FileProblem) int {
	n := 0
	for _, p := range ps {
		if p.Problem.Severity == model.Error {
			n++
		}
	}
	return n
}

// sharedUnheld refuses removing or renaming a role of the primary that a
// group shares once ApplyPrimary allowed it (no one holds it, R24): it
// would take the role out of the groups too, but the session's edits are
// the primary's account only, so the group is changed first, on its own
// (the Account Groups tab).
func sharedUnheld(p *model.Account, op model.Op) error {
	var role, verb string
	switch o := op.(type) {
	case model.RemoveRole:
		role, verb = o.Name, "remove"
	case model.RenameRole:
		role, verb = o.Role, "rename"
	default:
		return nil
	}
	for _, gr := range p.Groups {
		if slices.ContainsFunc(gr.SharedRoles, func(n string) bool { return model.SameName(n, role) }) {
			return fmt.Errorf("%s is shared by group %s, though no one holds it: un-share it first (Account Groups tab, d), then %s it", safe(role), safe(gr.Name), verb)
		}
	}
	return nil
}

// newViolations are the separation-of-duties violations the session's
// pending edits introduce: in its own account (a member's on its view),
// and for a primary in every member its edits reach too, each checked by
// that member's own rules on its view (R22, R25; File names the member).
// The save summary lists them and the save's audit entry records them.
func (s *session) newViolations() []model.Violation {
	g := s.group
	if g == nil || g.member() {
		return model.NewViolations(s.w.BaseResolver(), s.w.Resolver())
	}
	return flatViolations(model.NewGroupViolations(g.set(s.loaded), g.set(s.work)))
}

// flatViolations is fvs as one list, each violation with its file ("" for
// the primary's own).
func flatViolations(fvs []model.FileViolations) []model.Violation {
	var out []model.Violation
	for _, fv := range fvs {
		for _, v := range fv.Violations {
			v.File = fv.File
			out = append(out, v)
		}
	}
	return out
}

// violationLines are vs in words for a question, one line per site, a
// member's with its file.
func violationLines(vs []model.Violation) []string {
	var out []string
	for _, v := range vs {
		in := ""
		if v.File != "" {
			in = "in " + safe(v.File) + ": "
		}
		for _, l := range v.Lines() {
			out = append(out, "  "+in+safe(l)+" ("+v.Cite()+")")
		}
	}
	return out
}
