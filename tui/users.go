package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
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
	form      *form
	editing   string // email of the user the form edits ("" when adding)
	lastW     int
	cols      colWidths
}

func newUsersTab(c *common, pv *previewModel) *usersTab {
	t := &usersTab{c: c, list: newList(c, "users"), preview: pv}
	t.refresh()
	return t
}

func (t *usersTab) refresh() tea.Cmd {
	a := t.c.sess.work
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

func (t *usersTab) capturing() bool { return t.form != nil || t.list.filtering }

func (t *usersTab) wide() bool { return t.c.width >= wideWidth }

func (t *usersTab) update(msg tea.Msg) tea.Cmd {
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
		if t.list.filtering {
			return t.list.updateFilter(msg)
		}
		k := t.c.keys
		if t.paneFocus {
			if key.Matches(msg, k.Back) && t.preview.explain == nil {
				t.paneFocus = false
				return nil
			}
			if t.preview.update(msg) {
				return nil
			}
		}
		if cmd, done := t.list.routeKey(msg, k); done {
			return cmd
		}
		email := t.selectedEmail()
		switch {
		case key.Matches(msg, k.Back) && t.compare != "":
			t.compare = ""
		case key.Matches(msg, k.New):
			return t.openForm(nil)
		case email == "":
		case key.Matches(msg, k.Edit):
			u := t.c.sess.work.Users[t.list.selected()]
			return t.openForm(&u)
		case key.Matches(msg, k.Remove):
			u := t.c.sess.work.Users[t.list.selected()]
			return edit("users", "Remove the user "+safe(email)+"?", []string{"They lose every privilege and every environment."}, model.RemoveUser{Email: email, Was: &u})
		case key.Matches(msg, k.Preview):
			if t.wide() {
				t.paneFocus = true
				return nil
			}
			return func() tea.Msg { return switchTabMsg(tabPreview) }
		case key.Matches(msg, k.Compare):
			if t.compare == "" || !model.SameName(t.compare, email) {
				t.compare = email
				return status("Comparing with "+safe(email)+": move to another user; the preview shows both (esc stops).", false)
			}
			t.compare = ""
		}
	}
	return nil
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
	if u != nil {
		title = "Edit user " + safe(u.Email)
		t.editing = u.Email
	} else {
		u = &model.User{}
		t.editing = ""
	}
	var fields []*field
	if t.editing == "" {
		fields = append(fields, newTextField(c, "Email", "", model.MaxEmail))
	}
	fields = append(fields, newTextField(c, "Name", u.Name, model.MaxUserName))
	roles := roleChecklist(c.sess.work, "Roles", u.Roles)
	roles.summary = func() string {
		n := len(roles.ticked())
		return fmt.Sprintf("%d ticked  - tab here, space ticks", n)
	}
	fields = append(fields, roles)
	t.form = &form{c: c, title: title, fields: fields}
	return t.form.focusCmd()
}

func (t *usersTab) applyForm() tea.Cmd {
	f := t.form
	roles := f.fields[len(f.fields)-1].ticked()
	name := f.fields[len(f.fields)-2].text()
	if t.editing == "" {
		email := f.fields[0].text()
		return edit("users", "", nil, model.AddUser{Email: email, Name: name, Roles: roles})
	}
	return edit("users", "", nil, model.UserEdits(t.c.sess.work, t.editing, model.User{Email: t.editing, Name: name, Roles: roles})...)
}

func (t *usersTab) editDone(ok bool, refusal string) bool {
	if t.form == nil {
		return false
	}
	if ok {
		email := t.editing
		if email == "" {
			email = t.form.fields[0].text()
		}
		t.form = nil
		if i := t.c.sess.work.FindUser(email); i >= 0 {
			t.list.selectItem(i)
		}
		return true
	}
	t.form.err = refusal
	return true
}

func (t *usersTab) view(w, h int) string {
	if t.form != nil {
		return t.form.view(w, h)
	}
	c := t.c
	s := c.styles
	listW := w
	if t.wide() {
		listW = min(w*9/20, 110)
	} else {
		t.paneFocus = false
	}
	t.list.setHeight(h - 2)
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
	focusList := !t.paneFocus
	lines = append(lines, t.list.view(listW, func(i int, sel bool) string {
		u := &a.Users[i]
		mark := ""
		if t.compare != "" && model.SameName(u.Email, t.compare) {
			mark = "(compare) "
		}
		txt := c.pad(safe(u.Email), emailW) + " " + c.pad(safe(u.Name), nameW) + " " + mark + safe(strings.Join(u.Roles, ", "))
		return c.row(txt, sel && focusList, listW)
	})...)
	body := c.fit(lines, listW, h)
	if !t.wide() {
		return body
	}
	t.preview.setUsers(t.previewUsers()...)
	pw := w - listW - 1
	return joinH(body, t.preview.view(pw, h, t.paneFocus), 1)
}

func (t *usersTab) click(y int) bool { return t.form == nil && t.list.click(y-2) }

func (t *usersTab) help() helpKeys {
	if t.form != nil {
		return t.form.help()
	}
	k := t.c.keys
	if t.list.filtering {
		return filterHelp(k)
	}
	if t.paneFocus {
		return t.preview.help()
	}
	short := []key.Binding{k.Edit, k.New, k.Remove, k.Preview}
	return helpKeys{short: short, minor: []key.Binding{k.Compare, k.Filter}, full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.New, k.Edit, k.Remove, k.Filter}, {k.Preview, k.Compare}}}
}
