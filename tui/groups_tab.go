package tui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
	"rolecall/storage"
)

// groupsTab is Boomi's Account Groups tab of a primary: each group with
// its members, the roles it shares and its group users. d takes a shared
// role or a group user out of a group, after a what-if naming every
// file's change and the users left without access (R23); the files are
// written together (storage.UpdateGroup).
type groupsTab struct {
	c    *common
	list listModel
	rows []groupRow
}

// groupRow is one line of the tab.
type groupRow struct {
	kind  int // rowGroup, rowMember, rowShared, rowUser, rowHead
	group string
	value string // the member's file, the role, the user's email
	text  string
}

const (
	rowGroup = iota
	rowHead
	rowMember
	rowShared
	rowUser
)

func newGroupsTab(c *common) *groupsTab {
	t := &groupsTab{c: c, list: newList(c, "groups")}
	t.refresh()
	return t
}

// label is Boomi's name for the tab, shortened where six tabs must fit.
func (t *groupsTab) label(w int) string {
	if w < 120 {
		return "Groups"
	}
	return "Account Groups"
}
func (t *groupsTab) typing() bool { return t.list.filtering }

func (t *groupsTab) refresh() tea.Cmd {
	g := t.c.sess.group
	t.rows = t.rows[:0]
	if g == nil {
		return t.list.setSource(0, nil)
	}
	set := g.set(t.c.sess.work)
	for _, gr := range set.Primary.Groups {
		t.rows = append(t.rows, groupRow{kind: rowGroup, group: gr.Name, text: "Group " + safe(gr.Name)})
		t.rows = append(t.rows, groupRow{kind: rowHead, group: gr.Name, text: fmt.Sprintf("  Members (%d)", len(gr.Members))})
		for _, m := range gr.Members {
			name := "(not loaded: " + t.c.keys.Problems.Help().Key + " says why)"
			if a := set.Members[m.File]; a != nil {
				name = safe(a.Name)
			}
			t.rows = append(t.rows, groupRow{kind: rowMember, group: gr.Name, value: m.File, text: "    " + name + "  " + safe(m.File)})
		}
		t.rows = append(t.rows, groupRow{kind: rowHead, group: gr.Name, text: fmt.Sprintf("  Shared roles (%d)", len(gr.SharedRoles))})
		for _, rn := range gr.SharedRoles {
			held := 0
			for _, h := range set.SharedHolders(rn) {
				held += len(h.Users)
			}
			t.rows = append(t.rows, groupRow{kind: rowShared, group: gr.Name, value: rn, text: "    " + safe(rn) + "  (" + countText(held, "holder", "holders") + " across the group)"})
		}
		t.rows = append(t.rows, groupRow{kind: rowHead, group: gr.Name, text: fmt.Sprintf("  Group users (%d)", len(gr.Users))})
		for _, u := range gr.Users {
			t.rows = append(t.rows, groupRow{kind: rowUser, group: gr.Name, value: u.Email, text: "    " + safe(u.Email) + "  " + safe(u.Name) + "  " + safe(strings.Join(u.Roles, ", "))})
		}
	}
	rows := t.rows
	return t.list.setSource(len(rows), func(i int) string { return rows[i].group + " " + rows[i].text })
}

func (t *groupsTab) update(msg tea.Msg) tea.Cmd {
	_, h := t.c.bodySize()
	t.list.setHeight(h - 3)
	switch msg := msg.(type) {
	case filterResultMsg:
		t.list.applyResult(msg)
	case tea.KeyPressMsg:
		cmd, _ := t.list.routeKey(msg, t.c.keys)
		return cmd
	}
	return nil
}

func (t *groupsTab) actions() []action {
	k := t.c.keys
	if t.list.filtering {
		return filterActions(k)
	}
	return []action{
		do(k.Remove, t.remove).editing().help("d", "unshare / remove from group"),
		do(key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "share a role")), t.share).editing(),
		do(k.New, t.addUser).editing().help("n", "new group user"),
		do(k.Filter, t.list.startFilter).lesser(),
	}
}

func (t *groupsTab) click(_, y int) tea.Cmd {
	t.list.click(y - 1)
	return nil
}

func (t *groupsTab) view(w, h int) string {
	c := t.c
	s := c.styles
	lines := []string{t.list.filterLine("lines", w)}
	lines = append(lines, t.list.viewIn(h-3, func(i int, sel bool) string {
		r := t.rows[i]
		txt := r.text
		switch r.kind {
		case rowGroup:
			txt = s.Header.Render(txt)
		case rowHead:
			txt = s.Muted.Render(txt)
		}
		return c.row(txt, sel, w)
	})...)
	lines = append(lines, c.rule(w))
	lines = append(lines, s.Muted.Render(c.trunc("Members, shared roles and group users of "+safe(c.sess.work.Name)+"'s account groups. s shares a role, n adds a group user, d un-shares a role or removes a group user.", w)))
	return c.fit(lines, w, h)
}

// remove un-shares the selected role or removes the selected group user,
// after a what-if of every file it changes.
func (t *groupsTab) remove() tea.Cmd {
	c := t.c
	sel := t.list.selected()
	if sel < 0 {
		return nil
	}
	r := t.rows[sel]
	var op model.GroupOp
	switch r.kind {
	case rowShared:
		op = model.UnshareRole{Group: r.group, Role: r.value}
	case rowUser:
		op = model.RemoveGroupUser{Group: r.group, Email: r.value}
	default:
		return status("d un-shares a shared role or removes a group user: move to one.", true)
	}
	return groupEdit(c, op)
}

// groupEdit asks before a change of the primary's groups, naming what it
// changes in every file and who is left without access (R23), then writes
// every file it changes together. The session's own unsaved edits come
// first: they are saved, or undone, before.
func groupEdit(c *common, op model.GroupOp) tea.Cmd {
	s := c.sess
	g := s.group
	if s.dirty() {
		return status("Save your unsaved edits first (ctrl+s): a change of the groups is written to every file it touches at once.", true)
	}
	gs, ok := s.store.(groupSaver)
	if !ok {
		return status("This store cannot write account groups.", true)
	}
	now := g.set(s.work)
	next, out, err := model.ApplyGroup(now, op)
	if err != nil {
		c.push(info(c, "Refused", strings.Split(refusalText(err), "\n")...))
		return nil
	}
	var lines []string
	for _, ch := range out.Changes {
		name := safe(ch.File)
		if ch.File == g.base.PrimaryFile {
			name = safe(g.base.Primary.Name) + " (" + safe(filepath.Base(ch.File)) + ")"
		} else {
			name = safe(g.memberName(ch.File))
		}
		w := "file unchanged"
		if ch.Written {
			w = "file rewritten"
		}
		lines = append(lines, name+": "+w)
		sum := ch.Diff.Summary()
		for _, l := range sum {
			lines = append(lines, "  "+safe(l))
		}
		if len(sum) == 0 {
			lines = append(lines, "  no one's access changes")
		}
	}
	for _, n := range out.Notes {
		lines = append(lines, safe(n))
	}
	for _, w := range out.Warnings {
		lines = append(lines, "Warning ("+w.Cite()+"): "+safe(w.Message))
	}
	// Separation of duties: what the change introduces in each account,
	// by that account's own rules on its view (R22, R25). Writing them
	// asks a second time; the entries of the files written record them.
	viol := flatViolations(model.NewGroupViolations(now, next))
	n := model.CountSites(viol)
	if n > 0 {
		lines = append(lines, fmt.Sprintf("Separation of duties: this introduces %d new %s:", n, plural(n, "violation", "violations")))
		lines = append(lines, violationLines(viol)...)
		lines = append(lines, "Writing them asks you again; the audit trail records them.")
	}
	no := func() tea.Cmd { return status("Not done: nothing changed.", false) }
	write := func() tea.Cmd {
		primary, key := g.base.PrimaryFile, g.key
		return func() tea.Msg {
			err := gs.UpdateGroup(primary, memberPaths(g.base), op)
			return groupSavedMsg{what: op.Describe(), err: err, key: key}
		}
	}
	yes, do := "yes, write the files", write
	if n > 0 {
		yes = "write (asks again: violations)"
		do = func() tea.Cmd {
			c.ask(fmt.Sprintf("Write with %d new %s of separation of duties?", n, plural(n, "violation", "violations")), []string{
				"This change lets users hold what a separation-of-duties rule keeps apart (listed before).",
				"Writing anyway records the violations in the audit trail. No changes nothing.",
			}, "write anyway", write, no)
			return nil
		}
	}
	c.ask(strings.ToUpper(op.Describe()[:1])+op.Describe()[1:]+"? It is written at once", lines, yes, do, no)
	return nil
}

// memberPaths are the member files of set, as paths to open.
func memberPaths(set *model.GroupSet) []string {
	var out []string
	dir := filepath.Dir(set.PrimaryFile)
	for _, f := range set.MemberFiles() {
		if set.Members[f] != nil {
			out = append(out, filepath.Join(dir, filepath.FromSlash(f)))
		}
	}
	return out
}

// groupSavedMsg is a change of the groups written (or not).
type groupSavedMsg struct {
	what string
	err  error
	key  string
}

// groupSaver is a Store that writes a change of a primary's groups to
// every file it touches at once.
type groupSaver interface {
	UpdateGroup(primary string, members []string, op model.GroupOp) error
}

// UpdateGroup applies op to the group as on disk, under every file's
// lock, and writes the files it changes together (storage.UpdateGroup).
func (fileStore) UpdateGroup(primary string, members []string, op model.GroupOp) error {
	// The violations the change introduces, as found under the locks:
	// confirmed before, recorded in every entry written.
	var allowed []model.Violation
	_, err := storage.UpdateGroup(primary, members, storage.SaveOptions{Actor: "tui: " + op.Describe(), Change: op.Describe(),
		AllowedViolations: func(string) []model.Violation { return allowed }},
		func(in map[string]*model.Account) (map[string]*model.Account, error) {
			set := storage.NewGroupSet(primary, in[primary])
			dir := filepath.Dir(primary)
			byFile := map[string]string{}
			for _, f := range set.MemberFiles() {
				p := filepath.Join(dir, filepath.FromSlash(f))
				if a := in[p]; a != nil {
					set.Members[f] = a
					byFile[f] = p
				}
			}
			next, out, err := model.ApplyGroup(set, op)
			if err != nil {
				return nil, err
			}
			allowed = flatViolations(model.NewGroupViolations(set, next))
			res := map[string]*model.Account{}
			for _, ch := range out.Changes {
				if !ch.Written {
					continue
				}
				if ch.File == primary {
					res[primary] = ch.Account
				} else if p, ok := byFile[ch.File]; ok {
					res[p] = ch.Account
				}
			}
			return res, nil
		})
	return err
}

// groupSaved says how a change of the groups went; once written, the
// account is read again, as are its members.
func (a *App) groupSaved(m groupSavedMsg) tea.Cmd {
	if m.err != nil {
		a.setStatus("Not written: "+safe(m.what)+": "+safe(m.err.Error()), true)
		return nil
	}
	cmd := a.openOther(a.opts.Path)
	a.afterSwitch = "Written: " + safe(m.what) + "; every file it changes is saved."
	return cmd
}

// groupOf is the group of the selected row ("" when none).
func (t *groupsTab) groupOf() string {
	if sel := t.list.selected(); sel >= 0 {
		return t.rows[sel].group
	}
	return ""
}

// share offers the primary's custom roles the selected group does not
// share yet.
func (t *groupsTab) share() tea.Cmd {
	c := t.c
	gname := t.groupOf()
	if gname == "" {
		return nil
	}
	p := c.sess.work
	var opts []option
	for _, gr := range p.Groups {
		if gr.Name != gname {
			continue
		}
		for _, r := range p.Roles {
			if !slices.ContainsFunc(gr.SharedRoles, func(n string) bool { return model.SameName(n, r.Name) }) {
				opts = append(opts, option{value: r.Name, label: safe(r.Name)})
			}
		}
	}
	if len(opts) == 0 {
		return status("Group "+safe(gname)+" shares every custom role of "+safe(p.Name)+" already.", false)
	}
	fl := newListField(pickField, "role", "Role", opts)
	fl.open = true
	c.push(&picker{c: c, title: "Share which role with group " + safe(gname) + "?", f: fl, onPick: func(role string) tea.Cmd {
		return groupEdit(c, model.ShareRole{Group: gname, Role: role})
	}})
	return nil
}

// addUser opens the form of a new group user of the selected group: an
// email, a name, and roles among the built-ins and the roles it shares.
func (t *groupsTab) addUser() tea.Cmd {
	c := t.c
	gname := t.groupOf()
	if gname == "" {
		return nil
	}
	p := c.sess.work
	var opts []option
	for _, b := range model.Builtins() {
		if p.RoleExists(b.Name) {
			opts = append(opts, option{value: b.Name, label: safe(b.Name), group: "Built-in roles"})
		}
	}
	for _, gr := range p.Groups {
		if gr.Name == gname {
			for _, rn := range gr.SharedRoles {
				opts = append(opts, option{value: rn, label: safe(rn), group: "Roles the group shares"})
			}
		}
	}
	email := newTextField(c, "email", "Email", "", model.MaxEmail)
	name := newTextField(c, "name", "Name", "", model.MaxUserName)
	roles := newListField(checkField, "roles", "Roles", opts)
	f := &form{c: c, title: "New group user of " + safe(gname), fields: []*field{email, name, roles}}
	f.submit = func() tea.Cmd {
		c.close(f)
		return groupEdit(c, model.AddGroupUser{Group: gname, Email: email.text(), Name: name.text(), Roles: roles.ticked()})
	}
	return f.open()
}
