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
	// shared: a role a primary shares with this member account (R21):
	// locked here, as built-ins are.
	shared *model.SharedFrom
}

type rolesTab struct {
	c       *common
	list    listModel
	items   []roleItem
	holders map[string]int // lower-case role name -> users holding it
	cols    colWidths
}

func newRolesTab(c *common) *rolesTab {
	t := &rolesTab{c: c, list: newList(c, "roles")}
	t.refresh()
	return t
}

func (t *rolesTab) label(int) string { return "Custom Roles" }

func (t *rolesTab) refresh() tea.Cmd {
	a := t.c.sess.work
	t.items = t.items[:0]
	for _, b := range model.Builtins() {
		t.items = append(t.items, roleItem{name: b.Name, builtin: true, avail: a.RoleExists(b.Name), custom: -1})
	}
	for i, r := range a.Roles {
		t.items = append(t.items, roleItem{name: r.Name, custom: i, shared: r.Shared})
	}
	t.holders = map[string]int{}
	for _, u := range a.Users {
		for _, r := range u.Roles {
			t.holders[model.FoldName(r)]++
		}
	}
	items := t.items
	t.list.restyle()
	return t.list.setSource(len(items), func(i int) string {
		it := items[i]
		if it.custom >= 0 {
			r := a.Roles[it.custom]
			return r.Name + " " + r.Description + " " + r.Inherits
		}
		return it.name + " built-in"
	})
}

func (t *rolesTab) typing() bool { return t.list.filtering }

func (t *rolesTab) selectName(name string) {
	for i, it := range t.items {
		if model.SameName(it.name, name) {
			t.list.selectItem(i)
		}
	}
}

// detailHeight is how many lines the role's details take below the list
// (0: beside it, on wide screens): what the list leaves, at least 5.
func (t *rolesTab) detailHeight(w, h int) int {
	if w >= wideWidth {
		return 0
	}
	return max(5, h-2-1-t.list.count())
}

// layout tells the list how many rows it shows (for paging and clicks).
func (t *rolesTab) layout() {
	w, h := t.c.bodySize()
	d := t.detailHeight(w, h)
	t.list.setHeight(h - 2 - d - boolInt(d > 0))
}

func (t *rolesTab) update(msg tea.Msg) tea.Cmd {
	t.layout()
	switch msg := msg.(type) {
	case filterResultMsg:
		t.list.applyResult(msg)
	case tea.KeyPressMsg:
		cmd, _ := t.list.routeKey(msg, t.c.keys)
		return cmd
	}
	return nil
}

func (t *rolesTab) actions() []action {
	k := t.c.keys
	if t.list.filtering {
		return filterActions(k)
	}
	acts := []action{
		do(k.Edit, t.editSelected).editing(),
		do(k.New, func() tea.Cmd { return t.openForm(nil, "") }).editing(),
		do(k.Duplicate, t.duplicate).editing().lesser(),
		do(k.Remove, t.remove).editing(),
		do(k.View, t.viewSelected).lesser(),
		do(k.Filter, t.list.startFilter).lesser(),
	}
	if t.c.readOnly {
		acts = append([]action{do(k.Enter, t.viewSelected).help("enter", "view role")}, acts...)
	}
	return acts
}

func (t *rolesTab) selected() (roleItem, bool) {
	sel := t.list.selected()
	if sel < 0 {
		return roleItem{}, false
	}
	return t.items[sel], true
}

func (t *rolesTab) editSelected() tea.Cmd {
	it, ok := t.selected()
	if !ok {
		return nil
	}
	if it.builtin {
		return status(fmt.Sprintf("%s is a built-in role: it cannot be edited, renamed or removed (%s). Press c to make a custom copy.", it.name, model.BuiltinNotEditable.Cite()), true)
	}
	if it.shared != nil {
		return status(sharedLocked(it), true)
	}
	r := t.c.sess.work.Roles[it.custom]
	return t.openForm(&r, r.Name)
}

// sharedLocked says why a shared role cannot be edited or removed here.
func sharedLocked(it roleItem) string {
	return safe(it.name) + " is shared " + sharedThrough(it.shared) + ": it can be edited, renamed or removed only there (" + model.SharedRoleReadOnly.Cite() + "). Press c to make a custom copy."
}

// sharedThrough says where a shared role comes from: "by Acme Primary
// via the EMEA group".
func sharedThrough(sh *model.SharedFrom) string {
	out := "by " + safe(sh.Primary)
	if len(sh.Groups) > 0 {
		gs := make([]string, len(sh.Groups))
		for i, g := range sh.Groups {
			gs[i] = safe(g)
		}
		out += " via the " + model.AndList(gs) + " " + plural(len(gs), "group", "groups")
	}
	return out
}

func (t *rolesTab) duplicate() tea.Cmd {
	it, ok := t.selected()
	if !ok {
		return nil
	}
	var r model.Role
	if it.builtin {
		b, _ := model.LookupBuiltin(it.name)
		r = model.Role{Name: it.name, Privileges: b.Privileges.List(), Description: "Copy of the built-in role " + it.name}
	} else {
		r = t.c.sess.work.Roles[it.custom]
		r.Privileges = slices.Clone(r.Privileges)
		if r.Shared != nil {
			// A copy is the member's own role: the primary's privileges,
			// its chain there flattened into ticks.
			r.Name, r.Inherits, r.Shared = r.Shared.Role, "", nil
			r.Description = "Copy of " + it.name
		}
	}
	r.Name = "Copy of " + r.Name
	return t.openForm(&r, "")
}

func (t *rolesTab) remove() tea.Cmd {
	it, ok := t.selected()
	if !ok {
		return nil
	}
	if it.builtin {
		return status(it.name+" is a built-in role and cannot be removed ("+model.BuiltinNotEditable.Cite()+")", true)
	}
	if it.shared != nil {
		return status(sharedLocked(it), true)
	}
	var extra []string
	for _, e := range model.Widenings(t.c.sess.work, it.name) {
		extra = append(extra, "Warning: "+model.BecomesOpen([]string{e}, it.name, true)+".")
	}
	was := t.c.sess.work.Roles[it.custom]
	return t.c.edit("Remove the role "+safe(it.name)+"?", extra, model.RemoveRole{Name: it.name, Was: &was})
}

// viewSelected shows everything about the selected role, however long.
func (t *rolesTab) viewSelected() tea.Cmd {
	it, ok := t.selected()
	if !ok {
		return nil
	}
	t.c.push(info(t.c, "Role "+safe(it.name), t.detailLines(1000)...))
	return nil
}

// openForm opens the role editor on r (nil: a new, empty role); editing is
// the name of the role being edited, "" when the form adds a role. It works
// as Boomi's Add Role dialog, and also assigns the role to users and lists
// it on environments.
func (t *rolesTab) openForm(r *model.Role, editing string) tea.Cmd {
	c := t.c
	if r == nil {
		r = &model.Role{}
	}
	a := c.sess.work
	title := "New custom role"
	if editing != "" {
		title = "Edit role " + safe(editing)
	} else if r.Name != "" {
		title = "Duplicate: new custom role"
	}
	name := newTextField(c, "name", "Name", r.Name, model.MaxRoleName)
	desc := newTextField(c, "desc", "Description", r.Description, model.MaxDescription)

	// Inherits Role: none first; roles that would make a cycle are not offered.
	popts := []option{{value: "", label: "Does not inherit a role", on: r.Inherits == ""}}
	for _, cand := range model.InheritCandidates(a, editing) {
		if i := a.FindRole(cand); i >= 0 && a.Roles[i].Shared != nil {
			continue // a shared role is not inherited in a member (R21)
		}
		popts = append(popts, option{value: cand, label: safe(cand), on: model.SameName(cand, r.Inherits)})
	}
	parent := newListField(pickField, "parent", "Inherits Role", popts)
	parent.summary = func() string {
		if v := parent.picked(); v != "" {
			return safe(v)
		}
		return "Does not inherit a role"
	}

	own := map[model.Privilege]bool{}
	for _, p := range r.Privileges {
		own[p] = true
	}
	var pops []option
	for _, p := range model.AllPrivileges() {
		info := p.Info()
		o := option{value: info.Name, label: info.Name + " - " + info.Short, group: "Privileges", on: own[p]}
		if info.PerEnvironment && len(info.OldNames) > 0 {
			// Boomi's dialog prints these two by their long names.
			o.label, o.group = info.OldNames[0], "Additional Available Privileges (per environment)"
		}
		pops = append(pops, o)
	}
	if editing != "" {
		// Boomi privilege codes rolecall does not know: shown, locked,
		// written back as they are.
		for _, code := range r.Codes {
			pops = append(pops, option{value: code, label: model.UnknownCodeText(code), group: "Boomi privilege codes unknown to rolecall (kept as they are)",
				on: true, locked: true, note: "kept", why: unknownCodeWhy(code)})
		}
	}
	privs := newListField(checkField, "privs", "Privileges", pops)
	privs.summary = func() string {
		var own []string
		inh, codes := 0, 0
		for _, o := range privs.opts {
			switch {
			case o.why != "":
				codes++
			case o.locked:
				inh++
			case o.on:
				own = append(own, o.value)
			}
		}
		// Which ones, by name: the two per-environment privileges read
		// alike in the list.
		sum := fmt.Sprintf("%d ticked, %d inherited (locked)", len(own), inh)
		if len(own) > 0 {
			sum += ": " + model.AndList(own)
		}
		if codes > 0 {
			sum += fmt.Sprintf("; %d unknown %s (kept)", codes, plural(codes, "code", "codes"))
		}
		return sum
	}

	// Assigned to: every user, those holding the role ticked.
	// Every user is a row of Assigned to: made when the field first has
	// the keys, so that opening the form costs nothing per user.
	users := newListField(checkField, "users", "Assigned to", nil)
	users.lazy = func() []option {
		uops := make([]option, len(a.Users))
		for i, u := range a.Users {
			held := editing != "" && slices.ContainsFunc(u.Roles, func(n string) bool { return model.SameName(n, editing) })
			uops[i] = option{value: u.Email, label: u.Email, note: u.Name, on: held, raw: true}
		}
		return uops
	}
	if editing != "" {
		users.lazyTicked = t.holders[model.FoldName(editing)]
	}
	users.empty = ": add users on 2 Users"
	users.summary = func() string {
		n := users.tickedCount()
		return itoa(n) + " " + plural(n, "user holds it", "users hold it")
	}

	var eops []option
	for _, e := range a.Environments {
		listed := editing != "" && slices.ContainsFunc(e.RolesWithAccess, func(n string) bool { return model.SameName(n, editing) })
		note := "open to every role now"
		if e.Restricted() {
			note = "restricted now"
		}
		eops = append(eops, option{value: e.Name, label: safe(e.Name), note: note, on: listed})
	}
	envs := newListField(checkField, "envs", "Listed on", eops)
	envs.empty = ": add environments on 3 Environments"
	envs.summary = func() string {
		t := envs.ticked()
		if len(t) == 0 {
			return "no environment's Roles with Access"
		}
		return "the Roles with Access of " + nameList(t)
	}

	f := &form{c: c, title: title, fields: []*field{name, desc, parent, privs, users, envs}}
	sync := func() { t.syncLocks(parent, privs, own) }
	f.onChange = sync
	sync()
	f.notes = func() []string {
		var ticks []model.Privilege
		for _, v := range privs.ticked() {
			p, _ := model.LookupPrivilege(v)
			ticks = append(ticks, p)
		}
		var notes []string
		if editing == "" && len(r.Codes) > 0 {
			notes = append(notes, "Not copied: "+codeList(r.Codes)+". rolecall does not know what they grant, so a new role cannot carry them; add them in Boomi if the copy needs them.")
		}
		nr := model.Role{Inherits: parent.picked(), Privileges: ticks}
		if !c.sess.workRes.GrantsNothing(nr) {
			return notes
		}
		return append(notes, "This role grants nothing: "+model.GrantsNothingWhy(nr)+". Tick a privilege or pick an Inherits Role that grants some.")
	}
	f.ops = func() []model.Op { return t.formOps(f, editing) }
	f.onDone = func() { t.selectName(f.get("name").text()) }
	return f.open()
}

// unknownCodeWhy is what a tick of a Boomi privilege code rolecall does
// not know answers.
func unknownCodeWhy(code string) string {
	return model.UnknownCodeText(code) + " is a Boomi privilege code rolecall does not know: it stays on the role and is written back unchanged, so it can be neither ticked nor removed here (change it in Boomi, then pull)."
}

// codeList names the codes as unknown to rolecall.
func codeList(codes []string) string {
	var cs []string
	for _, code := range codes {
		cs = append(cs, model.UnknownCodeText(code))
	}
	return model.AndList(cs)
}

// formOps are the edits the role form makes as it stands.
func (t *rolesTab) formOps(f *form, editing string) []model.Op {
	a := t.c.sess.work
	name := f.get("name").text()
	desc := f.get("desc").text()
	parent := f.get("parent").picked()
	var ticks []model.Privilege
	for _, v := range f.get("privs").ticked() {
		p, _ := model.LookupPrivilege(v)
		ticks = append(ticks, p)
	}
	var ops []model.Op
	if editing == "" {
		ops = append(ops, model.AddRole{Name: name, Description: desc, Inherits: parent, Privileges: ticks})
	} else {
		ops = append(ops, model.RoleEdits(a, editing, model.Role{Name: name, Description: desc, Inherits: parent, Privileges: ticks})...)
	}
	// Only the rows ticked or unticked since the form opened make edits
	// (a bool each: the form of a 100,000-user account stays cheap).
	for _, o := range f.get("users").opts {
		switch {
		case o.on && !o.was:
			ops = append(ops, model.Assign{Email: o.value, Role: name})
		case !o.on && o.was:
			ops = append(ops, model.Unassign{Email: o.value, Role: name})
		}
	}
	for _, o := range f.get("envs").opts {
		switch {
		case o.on && !o.was:
			ops = append(ops, model.Allow{Environment: o.value, Role: name})
		case !o.on && o.was:
			ops = append(ops, model.Disallow{Environment: o.value, Role: name})
		}
	}
	return ops
}

// countText is "1 user", "3 users".
func countText(n int, one, many string) string { return itoa(n) + " " + plural(n, one, many) }

// syncLocks ticks and locks the privileges the chosen parent grants (R5),
// labelled with the role they come from; own keeps the admin's own ticks.
func (t *rolesTab) syncLocks(parent, privs *field, own map[model.Privilege]bool) {
	res := t.c.sess.workRes
	for _, o := range privs.opts {
		if !o.locked {
			p, _ := model.LookupPrivilege(o.value)
			own[p] = o.on
		}
	}
	from := res.InheritedFrom(parent.picked())
	for i := range privs.opts {
		o := &privs.opts[i]
		if o.why != "" {
			continue // a code rolecall does not know: locked for good
		}
		p, _ := model.LookupPrivilege(o.value)
		if role, ok := from[p]; ok {
			o.on, o.locked, o.from = true, true, role
			o.note = "from " + safe(role)
		} else {
			o.on, o.locked, o.note, o.from = own[p], false, "", ""
		}
	}
}

// roleChecklist is a checklist of a's roles (the built-ins that exist under
// its switches, then the custom ones, then those a primary shares with it),
// with those named in ticked ticked.
func roleChecklist(a *model.Account, name, label string, ticked []string) *field {
	return roleChecklistOf(a, name, label, ticked, true)
}

// roleChecklistOf is roleChecklist, leaving out the shared roles unless
// withShared (a member's environments cannot list them, R21).
func roleChecklistOf(a *model.Account, name, label string, ticked []string, withShared bool) *field {
	var opts []option
	add := func(name, group string) {
		opts = append(opts, option{value: name, label: safe(name), group: group,
			on: slices.ContainsFunc(ticked, func(r string) bool { return model.SameName(r, name) })})
	}
	for _, b := range model.Builtins() {
		if a.RoleExists(b.Name) {
			add(b.Name, "Built-in roles")
		}
	}
	for _, r := range a.Roles {
		if r.Shared == nil {
			add(r.Name, "Custom roles")
		}
	}
	if withShared {
		for _, r := range a.Roles {
			if r.Shared != nil {
				add(r.Name, "Shared roles (from "+safe(r.Shared.Primary)+")")
			}
		}
	}
	return newListField(checkField, name, label, opts)
}

func (t *rolesTab) view(w, h int) string {
	c := t.c
	s := c.styles
	detailW, listW := 0, w
	if w >= wideWidth {
		detailW = w * 2 / 5
		listW = w - detailW - 1
	}
	detailH := t.detailHeight(w, h)
	listH := h - 2 - detailH - boolInt(detailH > 0)
	lines := []string{t.list.filterLine("roles", listW)}
	if c.unreadable {
		// Only the built-ins, which every account has: say why.
		lines[0] = s.StatusError.Render(c.trunc("Built-in roles only: the file could not be read; "+c.keys.Problems.Help().Key+" lists its problems.", listW))
	}
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
		if it.shared != nil {
			out[1] = width(sharedInh) + 1
		}
	})
	nameW := min(max(cw[0], 20), max(rest-12, 20), 50)
	inhW := min(max(cw[1], 12), max(rest-nameW, 12), 50)
	lines = append(lines, s.Muted.Render(c.trunc("  "+c.pad("Role", nameW)+" "+c.pad("Inherits", inhW)+" Ticked In all Users", listW)))
	lines = append(lines, t.list.viewIn(listH, func(i int, sel bool) string {
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
			switch {
			case it.shared != nil:
				inh = sharedInh
			case r.Inherits != "":
				inh = safe(r.Inherits)
			}
			set, _ := res.RolePrivileges(r.Name)
			ticked, all = itoa(len(r.Privileges)), itoa(set.Closure().Len())
		}
		hold := t.holders[model.FoldName(it.name)]
		txt := c.pad(name, nameW) + " " + c.pad(inh, inhW) + " " + c.pad(ticked, 6) + " " + c.pad(all, 6) + " " + itoa(hold)
		row := c.row(txt, sel, listW)
		if (it.builtin || it.shared != nil) && !sel {
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
		detail = append(detail[:detailH-1], s.Muted.Render(c.trunc(fmt.Sprintf("... %d more %s: %s shows the role in full", more, plural(more, "line", "lines"), c.keys.View.Help().Key), w)))
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
	} else if it.shared != nil {
		head += s.Muted.Render("  shared " + sharedThrough(it.shared) + ", cannot be edited here (" + model.SharedRoleReadOnly.Cite() + ")")
	} else if d := c.sess.work.Roles[it.custom].Description; d != "" {
		head += "  " + safe(d)
	}
	out = append(out, c.trunc(head, w))
	if it.shared != nil {
		if d := c.sess.work.Roles[it.custom].Description; d != "" {
			out = append(out, wrap(safe(d), w)...)
		}
	}
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
	if !it.builtin {
		if codes := c.sess.work.Roles[it.custom].Codes; len(codes) > 0 {
			out = append(out, wrap("Also carries "+codeList(codes)+": kept and written back unchanged; they govern nothing in the preview.", w)...)
		}
	}
	return out
}

func (t *rolesTab) click(_, y int) tea.Cmd {
	t.layout()
	t.list.click(y - 2)
	return nil
}

// filterActions are the keys while a list's filter field has the keyboard.
func filterActions(k KeyMap) []action {
	return []action{
		do(key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")), nil),
		do(key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")), nil),
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sharedInh is what the Inherits column says of a shared role.
var sharedInh = "locked: shared (" + model.SharedRoleReadOnly.Cite() + ")"

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func itoa(n int) string { return fmt.Sprint(n) }
