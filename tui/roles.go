package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// roleItem is one row of the roles list: a built-in or a custom role.
type roleItem struct {
	name    string
	builtin bool
	avail   bool // a built-in that exists under the account's switches (R3)
	custom  int  // index in the account's roles, -1 for built-ins
}

type rolesTab struct {
	c       *common
	list    listModel
	items   []roleItem
	holders map[string]int // lower-case role name -> users holding it
	form    *form
	editing string // the role the form edits ("" when adding)
	own     map[model.Privilege]bool
	privF   *field
	parentF *field
	cols    colWidths
}

func newRolesTab(c *common) *rolesTab {
	t := &rolesTab{c: c, list: newList(c, "roles")}
	t.refresh()
	return t
}

func (t *rolesTab) refresh() tea.Cmd {
	a := t.c.sess.work
	t.items = t.items[:0]
	for _, b := range model.Builtins() {
		t.items = append(t.items, roleItem{name: b.Name, builtin: true, avail: a.RoleExists(b.Name), custom: -1})
	}
	for i, r := range a.Roles {
		t.items = append(t.items, roleItem{name: r.Name, custom: i})
	}
	t.holders = map[string]int{}
	for _, u := range a.Users {
		for _, r := range u.Roles {
			t.holders[model.FoldName(r)]++
		}
	}
	items := t.items
	return t.list.setSource(len(items), func(i int) string {
		it := items[i]
		if it.custom >= 0 {
			r := a.Roles[it.custom]
			return r.Name + " " + r.Description + " " + r.Inherits
		}
		return it.name + " built-in"
	})
}

func (t *rolesTab) capturing() bool { return t.form != nil || t.list.filtering }

func (t *rolesTab) selectName(name string) {
	for i, it := range t.items {
		if model.SameName(it.name, name) {
			t.list.selectItem(i)
		}
	}
}

func (t *rolesTab) update(msg tea.Msg) tea.Cmd {
	if t.form != nil {
		res, cmd := t.form.update(msg)
		switch res {
		case formCancel:
			t.form = nil
		case formApply:
			return t.applyForm()
		}
		return cmd
	}
	switch msg := msg.(type) {
	case filterResultMsg:
		t.list.applyResult(msg)
	case tea.KeyPressMsg:
		k := t.c.keys
		if cmd, done := t.list.routeKey(msg, k); done {
			return cmd
		}
		sel := t.list.selected()
		switch {
		case key.Matches(msg, k.New):
			return t.openForm(nil, "")
		case sel < 0:
		case key.Matches(msg, k.Edit):
			it := t.items[sel]
			if it.builtin {
				return status(fmt.Sprintf("%s is a built-in role: it cannot be edited, renamed or removed (%s). Press c to make a custom copy.", it.name, model.BuiltinNotEditable.Cite()), true)
			}
			r := t.c.sess.work.Roles[it.custom]
			return t.openForm(&r, r.Name)
		case key.Matches(msg, k.Duplicate):
			it := t.items[sel]
			var r model.Role
			if it.builtin {
				b, _ := model.LookupBuiltin(it.name)
				r = model.Role{Name: it.name, Privileges: b.Privileges.List(), Description: "Copy of the built-in role " + it.name}
			} else {
				r = t.c.sess.work.Roles[it.custom]
				r.Privileges = slices.Clone(r.Privileges)
			}
			r.Name = "Copy of " + r.Name
			return t.openForm(&r, "")
		case key.Matches(msg, k.Remove):
			it := t.items[sel]
			if it.builtin {
				return status(it.name+" is a built-in role and cannot be removed ("+model.BuiltinNotEditable.Cite()+")", true)
			}
			var extra []string
			for _, e := range model.Widenings(t.c.sess.work, it.name) {
				extra = append(extra, "Warning: "+model.BecomesOpen([]string{e}, it.name, true)+".")
			}
			was := t.c.sess.work.Roles[it.custom]
			return edit("roles", "Remove the role "+safe(it.name)+"?", extra, model.RemoveRole{Name: it.name, Was: &was})
		}
	}
	return nil
}

// openForm opens the role editor on r (nil: a new, empty role); editing is
// the name of the role being edited, "" when the form adds a role.
func (t *rolesTab) openForm(r *model.Role, editing string) tea.Cmd {
	c := t.c
	if r == nil {
		r = &model.Role{}
	}
	t.editing = editing
	title := "New custom role"
	if editing != "" {
		title = "Edit role " + safe(editing)
	} else if r.Name != "" {
		title = "Duplicate: new custom role"
	}
	name := newTextField(c, "Name", r.Name, model.MaxRoleName)
	desc := newTextField(c, "Description", r.Description, model.MaxDescription)

	// Inherits Role: none first; roles that would make a cycle are not offered.
	parent := &field{kind: pickField, label: "Inherits Role"}
	parent.opts = append(parent.opts, option{value: "", label: "Does not inherit a role", on: r.Inherits == ""})
	for _, cand := range model.InheritCandidates(c.sess.work, editing) {
		parent.opts = append(parent.opts, option{value: cand, label: safe(cand), on: model.SameName(cand, r.Inherits)})
	}
	for i, o := range parent.opts {
		if o.on {
			parent.cursor = i
		}
	}
	parent.summary = func() string {
		if v := parent.picked(); v != "" {
			return safe(v)
		}
		return "Does not inherit a role"
	}

	privs := &field{kind: checkField, label: "Privileges"}
	t.own = map[model.Privilege]bool{}
	for _, p := range r.Privileges {
		t.own[p] = true
	}
	for _, grp := range privilegeGroups() {
		for _, p := range grp.privs {
			info := p.Info()
			privs.opts = append(privs.opts, option{value: info.Name, label: info.Name + " - " + info.Short, group: grp.name, on: t.own[p]})
		}
	}
	privs.summary = func() string {
		own, inh := 0, 0
		for _, o := range privs.opts {
			switch {
			case o.locked:
				inh++
			case o.on:
				own++
			}
		}
		return fmt.Sprintf("%d ticked, %d inherited (locked)  - tab here, space ticks", own, inh)
	}
	t.privF, t.parentF = privs, parent
	t.form = &form{c: c, title: title, fields: []*field{name, desc, parent, privs}}
	t.form.onChange = t.syncLocks
	t.syncLocks()
	return t.form.focusCmd()
}

// syncLocks ticks and locks the privileges the chosen parent grants (R5),
// labelled with the role they come from.
func (t *rolesTab) syncLocks() {
	res := t.c.sess.workRes
	for _, o := range t.privF.opts {
		if !o.locked {
			p, _ := model.LookupPrivilege(o.value)
			t.own[p] = o.on
		}
	}
	from := res.InheritedFrom(t.parentF.picked())
	for i := range t.privF.opts {
		o := &t.privF.opts[i]
		p, _ := model.LookupPrivilege(o.value)
		if role, ok := from[p]; ok {
			o.on, o.locked = true, true
			o.note = "from " + safe(role)
		} else {
			o.on, o.locked, o.note = t.own[p], false, ""
		}
	}
}

// roleChecklist is a checklist of a's roles (the built-ins that exist under
// its switches, then the custom ones), with those named in ticked ticked.
func roleChecklist(a *model.Account, label string, ticked []string) *field {
	f := &field{kind: checkField, label: label}
	add := func(name, group string) {
		f.opts = append(f.opts, option{value: name, label: safe(name), group: group,
			on: slices.ContainsFunc(ticked, func(r string) bool { return model.SameName(r, name) })})
	}
	for _, b := range model.Builtins() {
		if a.RoleExists(b.Name) {
			add(b.Name, "Built-in roles")
		}
	}
	for _, r := range a.Roles {
		add(r.Name, "Custom roles")
	}
	return f
}

type privGroup struct {
	name  string
	privs []model.Privilege
}

// privilegeGroups groups the catalog by the page each privilege governs, in
// preview order, with the others last.
func privilegeGroups() []privGroup {
	byPage := map[string][]model.Privilege{}
	for _, p := range model.AllPrivileges() {
		byPage[p.Info().Page] = append(byPage[p.Info().Page], p)
	}
	var out []privGroup
	for _, pg := range model.Pages() {
		if ps := byPage[pg]; len(ps) > 0 {
			out = append(out, privGroup{name: pg, privs: ps})
		}
	}
	if ps := byPage[""]; len(ps) > 0 {
		out = append(out, privGroup{name: "Other (no page of its own)", privs: ps})
	}
	return out
}

func (t *rolesTab) applyForm() tea.Cmd {
	f := t.form
	name := f.fields[0].text()
	desc := f.fields[1].text()
	parent := t.parentF.picked()
	var ticks []model.Privilege
	for _, v := range t.privF.ticked() {
		p, _ := model.LookupPrivilege(v)
		ticks = append(ticks, p)
	}
	if t.editing == "" {
		return edit("roles", "", nil, model.AddRole{Name: name, Description: desc, Inherits: parent, Privileges: ticks})
	}
	ops := model.RoleEdits(t.c.sess.work, t.editing, model.Role{Name: name, Description: desc, Inherits: parent, Privileges: ticks})
	return edit("roles", "", nil, ops...)
}

func (t *rolesTab) editDone(ok bool, refusal string) bool {
	if t.form == nil {
		return false
	}
	if ok {
		name := t.form.fields[0].text()
		t.form = nil
		t.selectName(name)
		return true
	}
	t.form.err = refusal
	return true
}

func (t *rolesTab) view(w, h int) string {
	if t.form != nil {
		return t.form.view(w, h)
	}
	c := t.c
	s := c.styles
	detailW, listW := 0, w
	if w >= wideWidth {
		detailW = w * 2 / 5
		listW = w - detailW - 1
	}
	detailH := 0
	if detailW == 0 {
		detailH = 5
	}
	t.list.setHeight(h - 2 - detailH - boolInt(detailH > 0))
	lines := []string{t.list.filterLine("roles", listW)}
	res := c.sess.workRes
	a := c.sess.work
	// Name and Inherits share what the three number columns leave; each
	// is as wide as the longest it shows.
	rest := listW - 2 - 1 - 1 - 21
	cw := t.cols.get(c.sess.version, len(t.items), 2, func(i int, out []int) {
		it := t.items[i]
		if it.builtin {
			out[0], out[1] = width("[built-in] "+it.name)+1, 20
			return
		}
		out[0], out[1] = width(safe(it.name))+1, width(safe(a.Roles[it.custom].Inherits))+1
	})
	nameW := min(max(cw[0], 20), max(rest-12, 20), 50)
	inhW := min(max(cw[1], 12), max(rest-nameW, 12), 50)
	lines = append(lines, s.Muted.Render(c.trunc("  "+c.pad("Role", nameW)+" "+c.pad("Inherits", inhW)+" Ticked In all Users", listW)))
	lines = append(lines, t.list.view(listW, func(i int, sel bool) string {
		it := t.items[i]
		var inh, ticked, all string
		name := safe(it.name)
		if it.builtin {
			b, _ := model.LookupBuiltin(it.name)
			name = "[built-in] " + name
			inh = "locked (" + model.BuiltinNotEditable.Cite() + ")"
			ticked, all = "-", itoa(b.Privileges.Len())
			if !it.avail {
				inh = "off: needs AUS (" + model.RoleNeedsAUS.Cite() + ")"
			}
		} else {
			r := a.Roles[it.custom]
			inh = "-"
			if r.Inherits != "" {
				inh = safe(r.Inherits)
			}
			set, _ := res.RolePrivileges(r.Name)
			ticked, all = itoa(len(r.Privileges)), itoa(set.Closure().Len())
		}
		hold := t.holders[model.FoldName(it.name)]
		txt := c.pad(name, nameW) + " " + c.pad(inh, inhW) + " " + c.pad(ticked, 6) + " " + c.pad(all, 6) + " " + itoa(hold)
		row := c.row(txt, sel, listW)
		if it.builtin && !sel {
			row = s.Locked.Render(row)
		}
		return row
	})...)
	body := c.fit(lines, listW, h-detailH-boolInt(detailH > 0))
	detailAt := w
	if detailW > 0 {
		detailAt = detailW
	}
	detail := t.detailLines(detailAt)
	if detailW > 0 {
		return joinH(body, c.fit(detail, detailW, h), 1)
	}
	if len(detail) > detailH {
		// Say what does not fit rather than cut it silently.
		more := len(detail) - detailH + 1
		detail = append(detail[:detailH-1], s.Muted.Render(c.trunc(fmt.Sprintf("... %d more %s (all shown at %d+ columns)", more, plural(more, "line", "lines"), wideWidth), w)))
	}
	return body + "\n" + c.rule(w) + "\n" + c.fit(detail, w, detailH)
}

// detailLines describes the selected role.
func (t *rolesTab) detailLines(w int) []string {
	c := t.c
	s := c.styles
	sel := t.list.selected()
	if sel < 0 {
		return nil
	}
	it := t.items[sel]
	res := c.sess.workRes
	var out []string
	set, _ := res.RolePrivileges(it.name)
	head := s.Header.Render(safe(it.name))
	if it.builtin {
		head += s.Muted.Render("  built-in, cannot be edited (" + model.BuiltinNotEditable.Cite() + ")")
	} else if d := c.sess.work.Roles[it.custom].Description; d != "" {
		head += "  " + safe(d)
	}
	out = append(out, c.trunc(head, w))
	if ch := res.RoleChain(it.name); len(ch) > 1 {
		out = append(out, c.trunc("Chain: "+safe(strings.Join(ch, " "+s.G.Arrow+" ")), w))
	}
	var envs []string
	for _, e := range c.sess.work.Environments {
		if slices.ContainsFunc(e.RolesWithAccess, func(n string) bool { return model.SameName(n, it.name) }) {
			envs = append(envs, safe(e.Name))
		}
	}
	if len(envs) > 0 {
		out = append(out, c.trunc("Listed on: "+strings.Join(envs, ", "), w))
	}
	names := make([]string, 0, set.Len())
	for _, p := range set.List() {
		names = append(names, p.String())
	}
	if len(names) == 0 {
		names = []string{"none"}
	}
	out = append(out, wrap("Grants: "+strings.Join(names, ", "), w)...)
	return out
}

func (t *rolesTab) click(y int) bool { return t.form == nil && t.list.click(y-2) }

func (t *rolesTab) help() helpKeys {
	if t.form != nil {
		return t.form.help()
	}
	k := t.c.keys
	if t.list.filtering {
		return filterHelp(k)
	}
	short := []key.Binding{k.Edit, k.New, k.Duplicate, k.Remove}
	return helpKeys{short: short, minor: []key.Binding{k.Filter}, full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.New, k.Edit, k.Duplicate, k.Remove, k.Filter}}}
}

func filterHelp(k KeyMap) helpKeys {
	b := []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
	return helpKeys{short: b, full: [][]key.Binding{b}}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func itoa(n int) string { return fmt.Sprint(n) }
