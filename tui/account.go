package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

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

// askSwitch asks before flipping sw, saying what it does and who gains or loses
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
