package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// previewTab shows what a user sees: the one chosen on the Users tab, or
// picked here by email or name.
type previewTab struct {
	c     *common
	p     *previewModel
	users *usersTab
}

func newPreviewTab(c *common, p *previewModel, users *usersTab) *previewTab {
	return &previewTab{c: c, p: p, users: users}
}

func (t *previewTab) label(int) string { return "Preview" }
func (t *previewTab) refresh() tea.Cmd { return nil }
func (t *previewTab) typing() bool     { return t.p.filtering }

// sync brings the preview to the Users tab's choice and sizes it.
func (t *previewTab) sync() {
	t.p.setUsers(t.users.previewUsers()...)
	_, h := t.c.bodySize()
	t.p.height = t.p.bodyHeight(h)
	t.p.clamp()
}

func (t *previewTab) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	t.sync()
	if t.p.filtering {
		return t.p.filterKey(k)
	}
	return nil
}

func (t *previewTab) actions() []action {
	t.sync()
	acts := t.p.actions()
	if !t.p.explaining() && !t.p.filtering {
		acts = append(acts, do(t.c.keys.Pick, t.pick))
		if t.p.filter == "" {
			acts = append(acts, do(t.c.keys.Back, func() tea.Cmd { return func() tea.Msg { return switchTabMsg("Users") } }).help("esc", "users").lesser())
		}
	}
	return acts
}

// pick opens a picker of users, filtered by email or name as one types.
func (t *previewTab) pick() tea.Cmd {
	a := t.c.sess.work
	opts := make([]option, len(a.Users))
	for i, u := range a.Users {
		label := safe(u.Email)
		if u.Name != "" {
			label += "  " + safe(u.Name)
		}
		opts[i] = option{value: u.Email, label: label}
	}
	fl := newListField(pickField, "user", "User", opts)
	fl.open = true
	if i := t.users.list.selected(); i >= 0 {
		fl.cursor = i
	}
	t.c.push(&picker{c: t.c, title: "Preview as which user? Type to filter by email or name", f: fl, onPick: func(email string) tea.Cmd {
		t.users.compare = ""
		t.users.selectEmail(email)
		return nil
	}})
	return nil
}

func (t *previewTab) view(w, h int) string {
	return t.p.viewFor(t.users.previewUsers(), w, h, true)
}

func (t *previewTab) click(_, y int) tea.Cmd {
	t.sync()
	at := y - len(t.p.users) - boolInt(t.p.filter != "" || t.p.filtering)
	shown := t.p.shownRows()
	if k := t.p.offset + at; at >= 0 && at < t.p.height && k < len(shown) {
		t.p.cursor = shown[k]
	}
	return nil
}

// picker is a dropdown on its own: type to filter, enter picks, esc closes.
type picker struct {
	c      *common
	title  string
	f      *field
	onPick func(value string) tea.Cmd
}

func (p *picker) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch k.String() {
	case "esc":
		if p.f.filter != "" {
			p.f.setFilter("")
			return nil
		}
		p.c.close(p)
		return nil
	case "enter", "tab":
		if !p.f.cursorShown() {
			return nil
		}
		p.c.close(p)
		return p.onPick(p.f.opts[p.f.cursor].value)
	}
	listKey(p.f, k)
	return nil
}

func (p *picker) view(w, h int) string {
	c := p.c
	fm := &form{c: c}
	lines := []string{c.styles.Header.Render(c.trunc(p.title, w)), fm.filterLine(p.f, true, w)}
	lines = append(lines, fm.optionLines(p.f, true, w, h-2)...)
	return c.fit(lines, w, h)
}

func (p *picker) actions() []action {
	k := p.c.keys
	return []action{do(k.Enter, nil).help("enter", "pick"), do(k.Cancel, nil).help("esc", "close"), do(k.Down, nil).lesser(), do(k.Up, nil).lesser()}
}

// accountTab is Boomi's Features page: the account's name and its two
// switches, each saying what it changes for whom before it is applied.
type accountTab struct{ c *common }

func newAccountTab(c *common) *accountTab { return &accountTab{c: c} }

func (t *accountTab) label(int) string       { return "Account" }
func (t *accountTab) refresh() tea.Cmd       { return nil }
func (t *accountTab) typing() bool           { return false }
func (t *accountTab) update(tea.Msg) tea.Cmd { return nil }
func (t *accountTab) click(_, _ int) tea.Cmd { return nil }

func (t *accountTab) actions() []action {
	k := t.c.keys
	return []action{
		do(k.ToggleAEA, func() tea.Cmd { return askSwitch(t.c, model.SwitchAdvancedEnvironmentAccess) }).editing(),
		do(k.ToggleAUS, func() tea.Cmd { return askSwitch(t.c, model.SwitchAdvancedUserSecurity) }).editing(),
		do(k.Edit, t.rename).editing().help("e", "rename"),
	}
}

// toggle is the edit that flips switch sw.
func toggle(c *common, sw string) model.Op {
	a := c.sess.work
	on := a.AdvancedUserSecurity
	if sw == model.SwitchAdvancedEnvironmentAccess {
		on = a.AdvancedEnvironmentAccess
	}
	return model.SetSwitch{Switch: sw, From: on, To: !on}
}

// ask asks before flipping sw, saying what it does and who gains or loses
// what (the model's diff of the edit). The dialog opens at once; the diff
// at 10,000 users takes milliseconds, so it is worked out off the input
// path and comes back to the dialog by its id.
func askSwitch(c *common, sw string) tea.Cmd {
	op := toggle(c, sw).(model.SetSwitch)
	s := c.sess
	name := "Advanced User Security"
	if sw == model.SwitchAdvancedEnvironmentAccess {
		name = "Advanced Environment Access"
	}
	body := []string{model.SwitchEffect(sw, op.To) + "."}
	d := newDialog(c, "Turn "+name+" "+onOff(op.To)+"?", body,
		choice("y", "yes, do it", func() tea.Cmd {
			return c.editor(editMsg{ops: []model.Op{op}, asked: true})
		}).editing(),
		do(key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")), func() tea.Cmd { return status("Not done: nothing changed.", false) }))
	c.push(d)
	d.body = append(d.body, working)
	// Applying the switch to 10,000 users takes milliseconds too: it is
	// done off the input path with the diff. The edit's notes say what the
	// switch does (model.SwitchEffect): they replace the line above.
	w := s.w
	return whatIfOf(d, func() ([]string, *model.Resolver, *model.Resolver) {
		next, out, err := w.Apply(op)
		if err != nil {
			return []string{refusalText(err)}, nil, nil
		}
		var notes []string
		for _, n := range out.Notes {
			notes = append(notes, safe(n))
		}
		if len(notes) == 0 {
			notes = body
		}
		return notes, w.Resolver(), next.Resolver()
	})
}

func (t *accountTab) rename() tea.Cmd {
	c := t.c
	name := newTextField(c, "name", "Account name", c.sess.work.Name, model.MaxAccountName)
	f := &form{c: c, title: "Rename the account", fields: []*field{name}}
	f.ops = func() []model.Op {
		if name.text() == c.sess.work.Name {
			return nil
		}
		return []model.Op{model.RenameAccount{From: c.sess.work.Name, To: name.text()}}
	}
	return f.open()
}

func (t *accountTab) view(w, h int) string {
	c := t.c
	s := c.styles
	a := c.sess.work
	k := c.keys
	lines := []string{s.Header.Render("Account"), "  Name: " + safe(a.Name), fmt.Sprintf("  %s, %s, %s",
		countText(len(a.Users), "user", "users"), countText(len(a.Roles), "custom role", "custom roles"), countText(len(a.Environments), "environment", "environments")), ""}
	sw := func(name string, on bool, key string, sw string) {
		box := s.G.Off
		if on {
			box = s.G.On
		}
		head := s.Key.Render(box + " " + name)
		if !c.readOnly {
			head += s.Muted.Render("  (" + key + " turns it " + onOff(!on) + ")")
		}
		lines = append(lines, c.trunc(head, w))
		for _, l := range wrap("Now: "+model.SwitchEffect(sw, on)+".", w-4) {
			lines = append(lines, "    "+l)
		}
		for _, l := range wrap("Turned "+onOff(!on)+": "+model.SwitchEffect(sw, !on)+".", w-4) {
			lines = append(lines, s.Muted.Render("    "+l))
		}
		lines = append(lines, "")
	}
	lines = append(lines, s.Header.Render("Features"))
	sw("Advanced User Security", a.AdvancedUserSecurity, k.ToggleAUS.Help().Key, model.SwitchAdvancedUserSecurity)
	sw("Advanced Environment Access", a.AdvancedEnvironmentAccess, k.ToggleAEA.Help().Key, model.SwitchAdvancedEnvironmentAccess)
	return c.fit(lines, w, h)
}
