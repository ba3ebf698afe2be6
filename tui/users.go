package tui

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

type usersTab struct {
	c       *common
	list    listModel
	preview *previewModel
	// paneFocus: the preview beside the list has the keyboard (wide layout).
	paneFocus bool
	compare   string // email of the user pinned for comparison
	cols      colWidths
}

func newUsersTab(c *common, pv *previewModel) *usersTab {
	t := &usersTab{c: c, list: newList(c, "users"), preview: pv}
	t.refresh()
	return t
}

func (t *usersTab) label(int) string { return "Users" }

func (t *usersTab) refresh() tea.Cmd {
	a := t.c.sess.work
	t.list.restyle()
	return t.list.setSource(len(a.Users), func(i int) string {
		u := &a.Users[i]
		return u.Email + " " + u.Name + " " + strings.Join(u.Roles, " ")
	})
}

// selectedEmail is the user under the cursor, or "".
func (t *usersTab) selectedEmail() string {
	if i := t.list.selected(); i >= 0 && i < len(t.c.sess.work.Users) {
		return t.c.sess.work.Users[i].Email
	}
	return ""
}

// selectEmail puts the cursor on the user with that email.
func (t *usersTab) selectEmail(email string) {
	if i := t.c.sess.work.FindUser(email); i >= 0 {
		t.list.selectItem(i)
	}
}

func (t *usersTab) typing() bool { return t.list.filtering }

func (t *usersTab) wide() bool { return t.c.width >= wideWidth }

// paneHasKeys: the preview beside the list has the keyboard.
func (t *usersTab) paneHasKeys() bool { return t.paneFocus && t.wide() }

// layout tells the list how many rows it shows (for paging and clicks).
func (t *usersTab) layout() {
	_, h := t.c.bodySize()
	t.list.setHeight(h - 2)
}

func (t *usersTab) update(msg tea.Msg) tea.Cmd {
	t.layout()
	switch msg := msg.(type) {
	case filterResultMsg:
		t.list.applyResult(msg)
	case tea.KeyPressMsg:
		if t.list.filtering {
			return t.list.updateFilter(msg)
		}
		if t.paneHasKeys() {
			t.preview.setUsers(t.previewUsers()...)
			if cmd, ok := t.c.dispatch(msg, t.preview.actions()); ok {
				return cmd
			}
			return nil
		}
		cmd, _ := t.list.routeKey(msg, t.c.keys)
		return cmd
	}
	return nil
}

func (t *usersTab) actions() []action {
	k := t.c.keys
	if t.list.filtering {
		return filterActions(k)
	}
	if t.paneHasKeys() {
		t.preview.setUsers(t.previewUsers()...)
		acts := t.preview.actions()
		if !t.preview.explaining() {
			acts = append(acts, do(k.Back, func() tea.Cmd { t.paneFocus = false; return nil }).help("esc", "back to the list"))
		}
		return acts
	}
	acts := []action{
		do(k.Edit, t.editSelected).editing(),
		do(k.New, func() tea.Cmd { return t.openForm(nil) }).editing(),
		do(k.Remove, t.remove).editing(),
		do(k.Preview, t.openPreview),
		do(k.Compare, t.toggleCompare).lesser(),
		do(k.Filter, t.list.startFilter).lesser(),
	}
	if t.compare != "" {
		acts = append([]action{do(k.Back, func() tea.Cmd { t.compare = ""; return status("Comparison ended.", false) }).help("esc", "stop comparing")}, acts...)
	}
	return acts
}

func (t *usersTab) editSelected() tea.Cmd {
	i := t.list.selected()
	if i < 0 {
		return nil
	}
	u := t.c.sess.work.Users[i]
	if u.Groups != nil {
		return status(t.groupUserLocked(u), true)
	}
	return t.openForm(&u)
}

// groupUserLocked says why a group user cannot be edited in a member.
func (t *usersTab) groupUserLocked(u model.User) string {
	where := "the primary"
	if g := t.c.sess.group; g != nil {
		where = safe(g.base.Primary.Name) + " (" + safe(g.base.PrimaryFile) + ")"
	}
	return safe(u.Email) + " is a group user here (" + groupsText(u) + "): edit the group in " + where + ", or add the user here (n) to give direct access, which then governs alone (" + model.GroupUserNotHere.Cite() + ")."
}

// groupsText names the groups a group user's roles come through: "via
// the EMEA group".
func groupsText(u model.User) string {
	var gs []string
	for _, rn := range u.Roles {
		for _, g := range u.Groups[rn] {
			if !slices.Contains(gs, safe(g)) {
				gs = append(gs, safe(g))
			}
		}
	}
	return "via the " + model.AndList(gs) + " " + plural(len(gs), "group", "groups")
}

func (t *usersTab) remove() tea.Cmd {
	i := t.list.selected()
	if i < 0 {
		return nil
	}
	u := t.c.sess.work.Users[i]
	if u.Groups != nil {
		return status(t.groupUserLocked(u), true)
	}
	return t.c.edit("Remove the user "+safe(u.Email)+"?", []string{"They lose every privilege and every environment."}, model.RemoveUser{Email: u.Email, Was: &u})
}

func (t *usersTab) openPreview() tea.Cmd {
	if t.wide() {
		t.paneFocus = true
		return nil
	}
	return func() tea.Msg { return switchTabMsg("Preview") }
}

func (t *usersTab) toggleCompare() tea.Cmd {
	email := t.selectedEmail()
	if email == "" {
		return nil
	}
	if t.compare == "" || !model.SameName(t.compare, email) {
		t.compare = email
		return status("Comparing with "+safe(email)+": move to another user; the preview shows both. esc stops.", false)
	}
	t.compare = ""
	return status("Comparison ended.", false)
}

// previewUsers is who the preview shows: the selected user, and the pinned
// one when comparing.
func (t *usersTab) previewUsers() []string {
	sel := t.selectedEmail()
	if t.compare != "" && !model.SameName(t.compare, sel) && t.c.sess.workRes.User(t.compare) >= 0 {
		return []string{sel, t.compare}
	}
	return []string{sel}
}

func (t *usersTab) openForm(u *model.User) tea.Cmd {
	c := t.c
	title := "New user"
	editing := ""
	if u != nil {
		title = "Edit user " + safe(u.Email)
		editing = u.Email
	} else {
		u = &model.User{}
	}
	var fields []*field
	if editing == "" {
		fields = append(fields, newTextField(c, "email", "Email", "", model.MaxEmail))
	}
	fields = append(fields, newTextField(c, "name", "Name", u.Name, model.MaxUserName))
	roles := roleChecklist(c.sess.work, "roles", "Roles", u.Roles)
	roles.summary = func() string {
		t := roles.ticked()
		if len(t) == 0 {
			return "no role ticked (a user needs one)"
		}
		return countText(len(t), "role", "roles") + " ticked: " + nameList(t)
	}
	fields = append(fields, roles)
	f := &form{c: c, title: title, fields: fields}
	f.ops = func() []model.Op {
		name, rs := f.get("name").text(), f.get("roles").ticked()
		if editing == "" {
			return []model.Op{model.AddUser{Email: f.get("email").text(), Name: name, Roles: rs}}
		}
		return model.UserEdits(c.sess.work, editing, model.User{Email: editing, Name: name, Roles: rs})
	}
	f.onDone = func() {
		email := editing
		if email == "" {
			email = f.get("email").text()
		}
		t.selectEmail(email)
	}
	return f.open()
}

func (t *usersTab) view(w, h int) string {
	c := t.c
	s := c.styles
	listW := w
	if t.wide() {
		listW = min(w*9/20, 110)
	}
	lines := []string{t.list.filterLine("users", listW)}
	a := c.sess.work
	// Email and name are as wide as the longest in the account, the roles
	// take the rest. An email is who the user is: it gives way last (the
	// roles keep 8 cells; the preview header has them all).
	cw := t.cols.get(c.sess.version, len(a.Users), 2, func(i int, out []int) {
		out[0], out[1] = width(safe(a.Users[i].Email))+1, width(safe(a.Users[i].Name))+1
	})
	nameW := min(max(cw[1], 5), max(listW/5, 12), 24)
	emailW := min(max(cw[0], 12), max(listW-2-nameW-1-8, 20))
	lines = append(lines, s.Muted.Render(c.trunc("  "+c.pad("Email", emailW)+" "+c.pad("Name", nameW)+" Roles", listW)))
	focusList := !t.paneHasKeys()
	lines = append(lines, t.list.viewIn(h-2, func(i int, sel bool) string {
		u := &a.Users[i]
		mark := ""
		if t.compare != "" && model.SameName(u.Email, t.compare) {
			mark = "(compare) "
		}
		if u.Groups != nil {
			mark += "[group] "
		}
		roles := "(no role)"
		if len(u.Roles) > 0 {
			roles = safe(strings.Join(u.Roles, ", "))
		}
		txt := c.pad(safe(u.Email), emailW) + " " + c.pad(safe(u.Name), nameW) + " " + mark + roles
		if u.Groups != nil && !(sel && focusList) {
			return s.Locked.Render(c.row(txt, false, listW)) // read-only here (R25)
		}
		return c.row(txt, sel && focusList, listW)
	})...)
	body := c.fit(lines, listW, h)
	if !t.wide() {
		return body
	}
	pw := w - listW - 1
	return joinH(body, t.preview.viewFor(t.previewUsers(), pw, h, t.paneHasKeys()), 1)
}

func (t *usersTab) click(x, y int) tea.Cmd {
	if t.wide() && x > min(t.c.width*9/20, 110) {
		t.paneFocus = true
		return nil
	}
	t.paneFocus = false
	t.layout()
	t.list.click(y - 2)
	return nil
}
