package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// countsMsg carries, per environment, how many users see it, computed off
// the input path for one version of the working copy.
type countsMsg struct {
	version int
	seeing  []int
}

type envsTab struct {
	c    *common
	list listModel
	// seeing counts, per environment, the users who see it, for the
	// working copy's version seeingVer; asked is the version asked for.
	seeing           []int
	seeingVer, asked int
	cols             colWidths
}

func newEnvsTab(c *common) *envsTab {
	t := &envsTab{c: c, list: newList(c, "environments"), seeingVer: -1, asked: -1}
	t.refresh()
	return t
}

func (t *envsTab) label(int) string { return "Environments" }

func (t *envsTab) refresh() tea.Cmd {
	a := t.c.sess.work
	t.list.restyle()
	return t.list.setSource(len(a.Environments), func(i int) string {
		e := &a.Environments[i]
		return e.Name + " " + string(e.Classification) + " " + strings.Join(e.RolesWithAccess, " ")
	})
}

// ask counts who sees each environment while the tab shows.
func (t *envsTab) ask() tea.Cmd { return t.countCmd() }

// countCmd counts who sees each environment, off the input path, once per
// version of the working copy.
func (t *envsTab) countCmd() tea.Cmd {
	s := t.c.sess
	if t.asked == s.version {
		return nil
	}
	t.asked = s.version
	ver, res := s.version, s.workRes
	return func() tea.Msg { return countsMsg{version: ver, seeing: res.CountsCanSee()} }
}

func (t *envsTab) typing() bool { return t.list.filtering }

func (t *envsTab) layout() {
	_, h := t.c.bodySize()
	t.list.setHeight(h - 2 - len(t.footLines(t.c.width, h)))
}

func (t *envsTab) update(msg tea.Msg) tea.Cmd {
	t.layout()
	switch msg := msg.(type) {
	case countsMsg:
		if msg.version == t.c.sess.version {
			t.seeing, t.seeingVer = msg.seeing, msg.version
		}
	case filterResultMsg:
		t.list.applyResult(msg)
	case tea.KeyPressMsg:
		cmd, _ := t.list.routeKey(msg, t.c.keys)
		return cmd
	}
	return nil
}

func (t *envsTab) actions() []action {
	k := t.c.keys
	if t.list.filtering {
		return filterActions(k)
	}
	return []action{
		do(k.Edit, t.editSelected).editing().help("e/enter", "roles with access"),
		do(k.New, t.openNew).editing(),
		do(k.Remove, t.remove).editing(),
		do(k.View, t.viewSelected).lesser(),
		do(k.Filter, t.list.startFilter).lesser(),
		// The switch that decides what Roles with Access mean is here too,
		// as on the Account tab (Boomi's Features page).
		do(k.ToggleAEA, func() tea.Cmd { return askSwitch(t.c, model.SwitchAdvancedEnvironmentAccess) }).editing().lesser(),
	}
}

func (t *envsTab) selected() (model.Environment, bool) {
	i := t.list.selected()
	if i < 0 {
		return model.Environment{}, false
	}
	return t.c.sess.work.Environments[i], true
}

// seers are the users who see environment e, and how many.
func (t *envsTab) seers(e int) []string {
	res := t.c.sess.workRes
	var out []string
	for u, usr := range t.c.sess.work.Users {
		if res.EnvView(u, e).Visible {
			out = append(out, usr.Email)
		}
	}
	return out
}

func (t *envsTab) remove() tea.Cmd {
	e, ok := t.selected()
	if !ok {
		return nil
	}
	who := t.seers(t.list.selected())
	n := len(t.c.sess.work.Users)
	body := []string{fmt.Sprintf("%d of %d %s see %s and lose it:", len(who), n, plural(n, "user", "users"), safe(e.Name))}
	for _, w := range who {
		body = append(body, "  "+safe(w))
	}
	if len(who) == 0 {
		body = []string{"No user sees " + safe(e.Name) + ": nobody loses anything."}
	}
	if e.Restricted() {
		body = append(body, "Its Roles with Access: "+safe(strings.Join(e.RolesWithAccess, ", "))+".")
	}
	return t.c.edit("Remove the environment "+safe(e.Name)+"?", body, model.RemoveEnvironment{Name: e.Name, Was: &e})
}

func (t *envsTab) viewSelected() tea.Cmd {
	e, ok := t.selected()
	if !ok {
		return nil
	}
	who := t.seers(t.list.selected())
	lines := []string{"Classification: " + string(e.Classification), model.AccessSummary(e) + ".",
		fmt.Sprintf("Seen by %d of %d users:", len(who), len(t.c.sess.work.Users))}
	for _, w := range who {
		lines = append(lines, "  "+safe(w))
	}
	t.c.push(info(t.c, "Environment "+safe(e.Name), lines...))
	return nil
}

// rolesField is the Roles with Access checklist, with what its ticks mean.
func rolesField(a *model.Account, ticked []string) *field {
	f := roleChecklistOf(a, "roles", "Roles with Access", ticked, false)
	f.summary = func() string {
		n := len(f.ticked())
		if n == 0 {
			return "none ticked: " + model.AccessEffect(0)
		}
		return fmt.Sprintf("%d ticked: %s", n, model.AccessEffect(n))
	}
	return f
}

func (t *envsTab) openNew() tea.Cmd {
	c := t.c
	name := newTextField(c, "name", "Name", "", model.MaxEnvironmentName)
	class := newListField(pickField, "class", "Classification", []option{
		{value: string(model.Test), label: "test", on: true},
		{value: string(model.Production), label: "production"},
	})
	class.summary = func() string { return class.picked() + " (fixed once created)" }
	roles := rolesField(c.sess.work, nil)
	f := &form{c: c, title: "New environment", fields: []*field{name, class, roles}}
	f.ops = func() []model.Op {
		return []model.Op{model.AddEnvironment{Name: name.text(), Classification: model.Classification(class.picked()), Roles: roles.ticked()}}
	}
	f.onDone = func() {
		if i := c.sess.work.FindEnvironment(name.text()); i >= 0 {
			t.list.selectItem(i)
		}
	}
	return f.open()
}

func (t *envsTab) editSelected() tea.Cmd {
	e, ok := t.selected()
	if !ok {
		return nil
	}
	c := t.c
	roles := rolesField(c.sess.work, e.RolesWithAccess)
	f := &form{c: c, title: "Roles with Access on " + safe(e.Name), fields: []*field{roles}}
	f.ops = func() []model.Op { return model.AccessEdits(c.sess.work, e.Name, roles.ticked()) }
	f.question = func() (string, []string) {
		ticked := roles.ticked()
		if len(ticked) > 0 && !e.Restricted() {
			return "Restrict " + safe(e.Name) + " to " + nameList(ticked) + "?", nil
		}
		return "", nil
	}
	return f.open()
}

// nameList is "A", "A and B", "A, B and C" (model.AndList), each name
// made safe; "none" for none.
func nameList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = safe(n)
	}
	return model.AndList(out)
}

// footLines are the selected environment's access and the account
// switches, below the list.
func (t *envsTab) footLines(w, h int) []string {
	c := t.c
	s := c.styles
	a := c.sess.work
	foot := []string{c.rule(w)}
	if e, ok := t.selected(); ok {
		foot = append(foot, wrap(model.AccessSummary(e)+".", w)...)
	}
	sw := fmt.Sprintf("Advanced Environment Access %s (%s turns it %s)%sAdvanced User Security %s (5 Account)",
		onOff(a.AdvancedEnvironmentAccess), c.keys.ToggleAEA.Help().Key, onOff(!a.AdvancedEnvironmentAccess), s.G.Sep, onOff(a.AdvancedUserSecurity))
	if c.readOnly {
		sw = fmt.Sprintf("Advanced Environment Access %s%sAdvanced User Security %s (5 Account)",
			onOff(a.AdvancedEnvironmentAccess), s.G.Sep, onOff(a.AdvancedUserSecurity))
	}
	foot = append(foot, wrap(sw, w)...)
	if len(foot) > h/2 {
		foot = foot[:h/2]
	}
	return foot
}

func (t *envsTab) view(w, h int) string {
	c := t.c
	s := c.styles
	a := c.sess.work
	foot := t.footLines(w, h)
	for i := range foot[1:] {
		foot[i+1] = s.Muted.Render(foot[i+1])
	}
	lines := []string{t.list.filterLine("environments", w)}
	// The name column is as wide as the longest name, up to what the other
	// columns leave.
	cw := t.cols.get(c.sess.version, len(a.Environments), 1, func(i int, out []int) {
		out[0] = width(safe(a.Environments[i].Name)) + 1
	})
	// The count ("9999 of 10000") keeps its room; the name takes what is left.
	cntW := max(width(fmt.Sprintf("%d of %d", len(a.Users), len(a.Users))), width("Seen by"))
	nameW := min(max(cw[0], 12), max(w-2-1-11-1-21-1-cntW, 12), 50)
	lines = append(lines, s.Muted.Render(c.trunc("  "+c.pad("Environment", nameW)+" "+c.pad("Class", 11)+" "+c.pad("Access", 21)+" Seen by", w)))
	counted := t.seeingVer == c.sess.version
	lines = append(lines, t.list.viewIn(h-2-len(foot), func(i int, selRow bool) string {
		e := &a.Environments[i]
		acc := "open to every role"
		if e.Restricted() {
			acc = fmt.Sprintf("restricted: %d %s", len(e.RolesWithAccess), plural(len(e.RolesWithAccess), "role", "roles"))
		}
		n := "counting..."
		if counted && i < len(t.seeing) {
			n = fmt.Sprintf("%d of %d", t.seeing[i], len(a.Users))
		}
		txt := c.pad(safe(e.Name), nameW) + " " + c.pad(string(e.Classification), 11) + " " + c.pad(acc, 21) + " " + n
		return c.row(txt, selRow, w)
	})...)
	return c.fit(lines, w, h-len(foot)) + "\n" + c.fit(foot, w, len(foot))
}

func (t *envsTab) click(_, y int) tea.Cmd {
	t.layout()
	t.list.click(y - 2)
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
