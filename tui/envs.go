package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

type envsTab struct {
	c       *common
	list    listModel
	form    *form
	editing string // environment whose Roles with Access the form edits; "" adds one
	// seeing counts, per environment, the users who see it; computed once
	// per working copy.
	seeing    []int
	seeingVer int
	cols      colWidths
}

func newEnvsTab(c *common) *envsTab {
	t := &envsTab{c: c, list: newList(c, "environments"), seeingVer: -1}
	t.refresh()
	return t
}

func (t *envsTab) refresh() tea.Cmd {
	a := t.c.sess.work
	return t.list.setSource(len(a.Environments), func(i int) string {
		e := &a.Environments[i]
		return e.Name + " " + string(e.Classification) + " " + strings.Join(e.RolesWithAccess, " ")
	})
}

func (t *envsTab) capturing() bool { return t.form != nil || t.list.filtering }

func (t *envsTab) counts() []int {
	s := t.c.sess
	if t.seeingVer == s.version {
		return t.seeing
	}
	res := s.workRes
	t.seeing = make([]int, res.NumEnvironments())
	for e := range t.seeing {
		t.seeing[e] = res.CountCanSee(e)
	}
	t.seeingVer = s.version
	return t.seeing
}

func (t *envsTab) update(msg tea.Msg) tea.Cmd {
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
	a := t.c.sess.work
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
		case key.Matches(msg, k.ToggleAEA):
			on := !a.AdvancedEnvironmentAccess
			// The dialog says what it does: the edit's note (model.SwitchEffect).
			return edit("envs", "Turn Advanced Environment Access "+onOff(on)+"?", nil, model.SetSwitch{Switch: model.SwitchAdvancedEnvironmentAccess, From: !on, To: on})
		case key.Matches(msg, k.ToggleAUS):
			on := !a.AdvancedUserSecurity
			return edit("envs", "Turn Advanced User Security "+onOff(on)+"?", nil, model.SetSwitch{Switch: model.SwitchAdvancedUserSecurity, From: !on, To: on})
		case key.Matches(msg, k.New):
			return t.openNew()
		case sel < 0:
		case key.Matches(msg, k.Edit):
			return t.openRoles(a.Environments[sel])
		case key.Matches(msg, k.Remove):
			e := a.Environments[sel]
			return edit("envs", "Remove the environment "+safe(e.Name)+"?", nil, model.RemoveEnvironment{Name: e.Name, Was: &e})
		}
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// switchText says what account switch sw does in its state on.
func switchText(sw string, on bool) string {
	state := "Off: "
	if on {
		state = "On: "
	}
	return state + model.SwitchEffect(sw, on) + "."
}

func (t *envsTab) openNew() tea.Cmd {
	c := t.c
	t.editing = ""
	name := newTextField(c, "Name", "", model.MaxEnvironmentName)
	class := &field{kind: pickField, label: "Classification", opts: []option{
		{value: string(model.Test), label: "test", on: true},
		{value: string(model.Production), label: "production"},
	}}
	class.summary = func() string { return class.picked() + "  (fixed once created)" }
	t.form = &form{c: c, title: "New environment (open to every role until you list roles)", fields: []*field{name, class}}
	return t.form.focusCmd()
}

func (t *envsTab) openRoles(e model.Environment) tea.Cmd {
	c := t.c
	t.editing = e.Name
	roles := roleChecklist(c.sess.work, "Roles with Access", e.RolesWithAccess)
	roles.summary = func() string {
		n := len(roles.ticked())
		if n == 0 {
			return "none ticked: " + model.AccessEffect(0)
		}
		return fmt.Sprintf("%d ticked: %s", n, model.AccessEffect(n))
	}
	t.form = &form{c: c, title: "Roles with Access on " + safe(e.Name), fields: []*field{roles}}
	return t.form.focusCmd()
}

func (t *envsTab) applyForm() tea.Cmd {
	f := t.form
	if t.editing == "" {
		return edit("envs", "", nil, model.AddEnvironment{Name: f.fields[0].text(), Classification: model.Classification(f.fields[1].picked())})
	}
	return edit("envs", "", nil, model.AccessEdits(t.c.sess.work, t.editing, f.fields[0].ticked())...)
}

func (t *envsTab) editDone(ok bool, refusal string) bool {
	if t.form == nil {
		return false
	}
	if ok {
		t.form = nil
		return true
	}
	t.form.err = refusal
	return true
}

func (t *envsTab) view(w, h int) string {
	if t.form != nil {
		return t.form.view(w, h)
	}
	c := t.c
	s := c.styles
	a := c.sess.work
	// The account switches and the selected environment's list, below.
	var foot []string
	foot = append(foot, c.rule(w))
	sel := t.list.selected()
	if sel >= 0 {
		foot = append(foot, wrap(model.AccessSummary(a.Environments[sel])+".", w)...)
	}
	sw := func(name string, on bool, k key.Binding, text string) []string {
		state := "[ ] off"
		if on {
			state = "[x] on "
		}
		head := s.Key.Render(name+" "+state) + s.Muted.Render("  ("+k.Help().Key+" toggles)")
		if c.readOnly {
			head = s.Key.Render(name + " " + state)
		}
		if h < 30 {
			// Short screens: the switch and its key only; the dialog
			// that toggles it says what it changes.
			return []string{c.trunc(head, w)}
		}
		return append([]string{c.trunc(head, w)}, wrap(text, w-2)...)
	}
	foot = append(foot, sw("Advanced Environment Access", a.AdvancedEnvironmentAccess, c.keys.ToggleAEA, switchText(model.SwitchAdvancedEnvironmentAccess, a.AdvancedEnvironmentAccess))...)
	foot = append(foot, sw("Advanced User Security", a.AdvancedUserSecurity, c.keys.ToggleAUS, switchText(model.SwitchAdvancedUserSecurity, a.AdvancedUserSecurity))...)
	if len(foot) > h/2 {
		foot = foot[:h/2]
	}
	t.list.setHeight(h - 2 - len(foot))
	lines := []string{t.list.filterLine("environments", w)}
	// The name column is as wide as the longest name on screen, up to what
	// the other columns leave.
	cw := t.cols.get(c.sess.version, len(a.Environments), 1, func(i int, out []int) {
		out[0] = width(safe(a.Environments[i].Name)) + 1
	})
	nameW := min(max(cw[0], 16), max(w-50, 16), 50)
	lines = append(lines, s.Muted.Render(c.trunc("  "+c.pad("Environment", nameW)+" "+c.pad("Class", 11)+" "+c.pad("Access", 21)+" Users who see it", w)))
	counts := t.counts()
	lines = append(lines, t.list.view(w, func(i int, selRow bool) string {
		e := &a.Environments[i]
		acc := "open to every role"
		if e.Restricted() {
			acc = fmt.Sprintf("restricted: %d %s", len(e.RolesWithAccess), plural(len(e.RolesWithAccess), "role", "roles"))
		}
		n := 0
		if i < len(counts) {
			n = counts[i]
		}
		txt := c.pad(safe(e.Name), nameW) + " " + c.pad(string(e.Classification), 11) + " " + c.pad(acc, 21) + " " + fmt.Sprintf("%d of %d", n, len(a.Users))
		return c.row(txt, selRow, w)
	})...)
	return c.fit(lines, w, h-len(foot)) + "\n" + c.fit(foot, w, len(foot))
}

func (t *envsTab) click(y int) bool { return t.form == nil && t.list.click(y-2) }

func (t *envsTab) help() helpKeys {
	if t.form != nil {
		return t.form.help()
	}
	k := t.c.keys
	if t.list.filtering {
		return filterHelp(k)
	}
	edit := k.Edit
	edit.SetHelp("e/enter", "roles with access")
	// a and u are also written beside each switch below the list.
	short := []key.Binding{edit, k.New, k.Remove}
	return helpKeys{short: short, minor: []key.Binding{k.ToggleAEA, k.ToggleAUS, k.Filter}, full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {edit, k.New, k.Remove, k.Filter}, {k.ToggleAEA, k.ToggleAUS}}}
}
