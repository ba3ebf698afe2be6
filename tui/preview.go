package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

type pvKind int

const (
	pvSection pvKind = iota
	pvPage
	pvAction
	pvEnv
	pvPriv
)

// pvCell is what one user gets on one preview row.
type pvCell struct {
	mark   string // "[x]", "[ ]", "full", ...
	ok     bool
	short  string // one-line state
	detail string // the full reason
}

type pvRow struct {
	kind  pvKind
	label string
	env   int
	priv  model.Privilege
	cells []pvCell // one per user shown (one, or two when comparing)
}

// previewModel shows what a user can see and do, row by row, with the full
// reason of the row under the cursor; enter explains it in full.
type previewModel struct {
	c       *common
	users   []string // emails: the user, and the one compared with
	rows    []pvRow
	key     string
	cursor  int
	offset  int
	height  int
	explain []string // lines of the open explanation, nil when closed
	exOff   int
}

func newPreview(c *common) *previewModel { return &previewModel{c: c} }

// setUsers chooses who is previewed (and compared); rows are rebuilt only
// when the user or the working copy changes.
func (p *previewModel) setUsers(emails ...string) {
	var us []string
	for _, e := range emails {
		if e != "" {
			us = append(us, e)
		}
	}
	k := fmt.Sprint(p.c.sess.version, us)
	if k == p.key {
		return
	}
	same := len(us) == len(p.users) && (len(us) == 0 || us[0] == p.users[0])
	p.users = us
	p.key = k
	p.build()
	if !same {
		p.explain = nil
	}
	p.clamp()
}

func (p *previewModel) build() {
	res := p.c.sess.workRes
	var idx []int
	for _, e := range p.users {
		if u := res.User(e); u >= 0 {
			idx = append(idx, u)
		}
	}
	p.rows = nil
	if len(idx) == 0 {
		return
	}
	pvs := make([]model.Preview, len(idx))
	grants := make([]map[model.Privilege]model.Grant, len(idx))
	var union model.PrivSet
	for i, u := range idx {
		pvs[i] = res.Preview(u)
		grants[i] = map[model.Privilege]model.Grant{}
		for _, g := range res.Grants(u) {
			grants[i][g.Privilege] = g
			union = union.With(g.Privilege)
		}
	}
	cells := func(f func(i int) pvCell) []pvCell {
		out := make([]pvCell, len(idx))
		for i := range idx {
			out[i] = f(i)
		}
		return out
	}
	g := p.c.styles.G
	box := func(ok bool) string {
		if ok {
			return g.On
		}
		return g.Off
	}
	p.rows = append(p.rows, pvRow{kind: pvSection, label: "Pages and actions"})
	for pi, pg := range pvs[0].Pages {
		p.rows = append(p.rows, pvRow{kind: pvPage, label: pg.Page, cells: cells(func(i int) pvCell {
			v := pvs[i].Pages[pi]
			short := string(v.Access)
			if v.Access == model.PageHidden {
				short = safe(v.Reason)
			}
			if v.Banner != "" {
				short += ": " + v.Banner
			}
			return pvCell{mark: string(v.Access), ok: v.Access != model.PageHidden, short: short, detail: safe(v.Reason)}
		})})
		anyVisible := false
		for i := range idx {
			anyVisible = anyVisible || pvs[i].Pages[pi].Access != model.PageHidden
		}
		if !anyVisible {
			continue // the page row says why it is hidden; its actions all are
		}
		for ai, a := range pg.Actions {
			p.rows = append(p.rows, pvRow{kind: pvAction, label: a.Action, cells: cells(func(i int) pvCell {
				v := pvs[i].Pages[pi].Actions[ai]
				return pvCell{mark: box(v.Allowed), ok: v.Allowed, short: safe(v.Because), detail: safe(v.Reason)}
			})})
		}
	}
	p.rows = append(p.rows, pvRow{kind: pvSection, label: "Environments"})
	for ei, e := range pvs[0].Environments {
		p.rows = append(p.rows, pvRow{kind: pvEnv, label: safe(e.Environment), env: ei, cells: cells(func(i int) pvCell {
			v := pvs[i].Environments[ei]
			var short string
			if v.Visible {
				short = "visible, " + string(v.Access)
				if v.Deploy {
					short += ", deploy"
				}
				if v.Schedule {
					short += ", schedule"
				}
				if !v.Deploy && !v.Schedule {
					short += ", no deploy or schedule"
				}
			} else {
				short = v.Reason
			}
			detail := safe(v.Reason) + "\nDeploy: " + safe(v.DeployReason) + "\nSchedule: " + safe(v.ScheduleReason) + "\nEdit extensions: " + safe(v.EditReason)
			if v.Decision || v.DeployDecision || v.ScheduleDecision || v.EditDecision {
				detail += "\n(relies on a product decision: see the reasons marked \"decision\")"
			}
			return pvCell{mark: box(v.Visible), ok: v.Visible, short: safe(short), detail: detail}
		})})
	}
	p.rows = append(p.rows, pvRow{kind: pvSection, label: "Privileges and where they come from"})
	for _, pr := range union.List() {
		p.rows = append(p.rows, pvRow{kind: pvPriv, label: pr.String(), priv: pr, cells: cells(func(i int) pvCell {
			gr, ok := grants[i][pr]
			if !ok {
				return pvCell{mark: g.Off, short: "not held", detail: "not held"}
			}
			src := safe(gr.From())
			return pvCell{mark: g.On, ok: true, short: "from " + src, detail: pr.String() + " from " + src}
		})})
	}
}

func (p *previewModel) clamp() {
	if p.cursor >= len(p.rows) {
		p.cursor = len(p.rows) - 1
	}
	if p.cursor < 0 {
		p.cursor = 0
	}
	h := max(p.height, 1)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
}

// update handles keys while the preview has the keyboard; it reports
// whether it used the key.
func (p *previewModel) update(msg tea.KeyPressMsg) bool {
	k := p.c.keys
	if p.explain != nil {
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Drill):
			p.explain = nil
		case key.Matches(msg, k.Up):
			p.exOff = max(p.exOff-1, 0)
		case key.Matches(msg, k.Down):
			p.exOff++
		default:
			return false
		}
		return true
	}
	switch {
	case key.Matches(msg, k.Up):
		p.cursor--
	case key.Matches(msg, k.Down):
		p.cursor++
	case key.Matches(msg, k.PageUp):
		p.cursor -= p.height
	case key.Matches(msg, k.PageDown):
		p.cursor += p.height
	case key.Matches(msg, k.Home):
		p.cursor = 0
	case key.Matches(msg, k.End):
		p.cursor = len(p.rows) - 1
	case key.Matches(msg, k.Drill):
		p.explain = p.explainRow()
		p.exOff = 0
	default:
		return false
	}
	p.clamp()
	return true
}

// explainRow spells out the row under the cursor for each user shown: the
// reason, and for a privilege every source with its chain of roles.
func (p *previewModel) explainRow() []string {
	if p.cursor >= len(p.rows) || len(p.rows) == 0 {
		return nil
	}
	row := p.rows[p.cursor]
	res := p.c.sess.workRes
	var out []string
	for i, email := range p.users {
		u := res.User(email)
		if u < 0 || i >= len(row.cells) && row.kind != pvSection {
			continue
		}
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, "For "+safe(email)+" (holds "+safe(strings.Join(res.HeldRoles(u), ", "))+"):")
		switch row.kind {
		case pvSection:
			out = append(out, sectionHelp(row.label))
		case pvPriv:
			vs := res.ExplainEverywhere(u, row.priv)
			out = append(out, safe(vs[0].Reason))
			for _, s := range vs[0].Sources {
				out = append(out, "  "+safe(s.Detail()))
			}
			for _, ev := range vs[1:] {
				verdict := "no"
				if ev.Allowed {
					verdict = "yes"
				}
				out = append(out, "  in "+safe(*ev.Environment)+": "+verdict+" - "+safe(ev.Because))
			}
			for _, held := range res.HeldRoles(u) {
				if ch := res.RoleChain(held); len(ch) > 1 {
					out = append(out, "  chain: "+safe(strings.Join(ch, " "+p.c.styles.G.Arrow+" ")))
				}
			}
		case pvEnv:
			out = append(out, strings.Split(row.cells[i].detail, "\n")...)
			var names []string
			for _, g := range res.EnvGrants(u, row.env) {
				names = append(names, g.Privilege.String())
			}
			if len(names) > 0 {
				out = append(out, "Privileges that count here: "+strings.Join(names, ", "))
			}
		case pvAction, pvPage:
			out = append(out, row.label+": "+safe(row.cells[i].detail))
		}
	}
	return out
}

func sectionHelp(label string) string {
	switch label {
	case "Environments":
		return "Each environment: visible or hidden (R12-R14), configuration access (R17), deploy and schedule (R18). Enter on one for its reasons and the privileges that count there."
	case "Pages and actions":
		return "Each page opens full, read-only or hidden; each action is allowed or refused with the missing privilege."
	}
	return "Every privilege the user holds, with the role that grants it and the chain of inherited roles (R11)."
}

// view renders the preview in w x h.
func (p *previewModel) view(w, h int, focused bool) string {
	c := p.c
	s := c.styles
	res := c.sess.workRes
	var head []string
	if len(p.users) == 0 || len(p.rows) == 0 {
		return c.fit([]string{s.Muted.Render("No user chosen: pick one on the Users tab (2).")}, w, h)
	}
	for _, e := range p.users {
		u := res.User(e)
		name := ""
		if u >= 0 {
			name = safe(c.sess.work.Users[u].Name)
		}
		head = append(head, c.trunc(s.Header.Render("As "+safe(e))+" "+name+s.Muted.Render(" - roles: ")+safe(strings.Join(res.HeldRoles(u), ", ")), w))
	}
	if p.explain != nil {
		lines := append([]string{}, head...)
		lines = append(lines, s.Header.Render("Explain: "+p.rows[p.cursor].label)+s.Muted.Render("  (enter/esc close)"))
		var body []string
		for _, l := range p.explain {
			body = append(body, wrap(l, w-2)...)
		}
		room := h - len(lines)
		p.exOff = min(p.exOff, max(len(body)-room, 0))
		lines = append(lines, body[min(p.exOff, len(body)):]...)
		return c.fit(lines, w, h)
	}
	detailH := 3
	if h >= 30 {
		detailH = 5
	}
	listH := h - len(head) - detailH - 1
	p.height = max(listH, 1)
	p.clamp()
	lines := append([]string{}, head...)
	n := len(p.users)
	labelW := min(30, w/3)
	if n > 1 {
		labelW = min(26, w/4)
	}
	cellW := (w - labelW - 2) / n
	for k := p.offset; k < len(p.rows) && k < p.offset+p.height; k++ {
		r := p.rows[k]
		sel := focused && k == p.cursor
		var label string
		switch r.kind {
		case pvSection:
			txt := c.trunc(r.label, w-2)
			if sel {
				lines = append(lines, c.row(txt, true, w))
			} else {
				lines = append(lines, "  "+s.Header.Render(txt))
			}
			continue
		case pvAction:
			label = "  " + r.label
		default:
			label = r.label
		}
		text := c.pad(label, labelW-1) + " "
		for i, cell := range r.cells {
			t := cell.mark + " " + cell.short
			if r.kind == pvPage {
				t = cell.short
			}
			if r.kind == pvPriv {
				t = cell.mark + " " + strings.TrimPrefix(cell.short, "from ")
			}
			seg := c.pad(t, cellW-1)
			if i < n-1 {
				seg += " "
			}
			if !sel && !cell.ok {
				seg = s.Muted.Render(seg)
			}
			text += seg
		}
		if sel {
			lines = append(lines, c.row(text, true, w))
		} else {
			lines = append(lines, c.row(text, false, w))
		}
	}
	for len(lines) < h-detailH-1 {
		lines = append(lines, "")
	}
	lines = append(lines, c.rule(w))
	if p.cursor < len(p.rows) {
		r := p.rows[p.cursor]
		var d []string
		for i, cell := range r.cells {
			prefix := ""
			if n > 1 {
				prefix = safe(p.users[i]) + ": "
			}
			d = append(d, wrap(prefix+r.label+": "+strings.ReplaceAll(cell.detail, "\n", "; "), w-1)...)
		}
		if r.kind == pvSection {
			d = wrap(sectionHelp(r.label), w-1)
		}
		if len(d) > detailH {
			d = append(d[:detailH-1], s.Muted.Render("... enter explains in full"))
		}
		lines = append(lines, d...)
	}
	return c.fit(lines, w, h)
}

func (p *previewModel) help() helpKeys {
	k := p.c.keys
	if p.explain != nil {
		return helpKeys{short: []key.Binding{k.Up, k.Down, k.Back}, full: [][]key.Binding{{k.Up, k.Down, k.Back}}}
	}
	short := []key.Binding{k.Drill, k.Back}
	return helpKeys{short: short, minor: []key.Binding{k.Up, k.Down}, full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Drill, k.Back}}}
}
