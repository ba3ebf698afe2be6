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
	c     *common
	users []string // emails: the user, and the one compared with
	rows  []pvRow
	// notes say, for each user shown, which roles they hold carry Boomi
	// privilege codes rolecall does not know (model.UnknownCodesNote).
	notes   []string
	key     string
	cursor  int
	offset  int
	height  int
	explain []string // lines of the open explanation, nil when closed
	exOff   int
	// filter narrows the rows to those whose label or state holds it;
	// filtering: the filter field has the keyboard.
	filter    string
	filtering bool
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
	p.rows, p.notes = nil, nil
	if len(idx) == 0 {
		return
	}
	for i, u := range idx {
		if n := unknownCodesNote(p.c.sess.work, res, u); n != "" {
			if len(idx) > 1 {
				n = safe(p.users[i]) + ": " + n
			}
			p.notes = append(p.notes, n)
		}
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
	// The offset counts shown rows (the filter may hide some).
	at := 0
	for k, i := range p.shownRows() {
		if i <= p.cursor {
			at = k
		}
	}
	h := max(p.height, 1)
	if at < p.offset {
		p.offset = at
	}
	if at >= p.offset+h {
		p.offset = at - h + 1
	}
}

// unknownCodesNote is the preview's note on the roles user u holds,
// directly or through inheritance, that carry Boomi privilege codes
// rolecall does not know; "" when none does.
func unknownCodesNote(a *model.Account, res *model.Resolver, u int) string {
	var names []string
	seen := map[string]bool{}
	for _, held := range res.HeldRoles(u) {
		for _, n := range res.RoleChain(held) {
			if k := model.FoldName(n); !seen[k] {
				seen[k] = true
				names = append(names, n)
			}
		}
	}
	return model.UnknownCodesNote(a, names)
}

// maxNoteLines is how many lines each user's note may take at most.
const maxNoteLines = 3

// noteLines are the notes as drawn in w cells: each wrapped, at most
// maxNoteLines lines (the copy, y, has them whole).
func (p *previewModel) noteLines(w int) []string {
	s := p.c.styles
	var out []string
	for _, n := range p.notes {
		ls := wrap("! "+n, w)
		if len(ls) > maxNoteLines {
			ls = ls[:maxNoteLines]
			e := s.G.Ellipsis
			last := p.c.trunc(ls[maxNoteLines-1], w-width(e))
			if !strings.HasSuffix(last, e) {
				last += e
			}
			ls[maxNoteLines-1] = last
		}
		for _, l := range ls {
			out = append(out, s.Warn.Render(l))
		}
	}
	return out
}

// headHeight is how many lines the head (who, and the notes) takes in w
// cells.
func (p *previewModel) headHeight(w int) int { return len(p.users) + len(p.noteLines(w)) }

// bodyHeight is how many rows the list of rows shows in w x h.
func (p *previewModel) bodyHeight(w, h int) int {
	detailH := 3
	if h >= 30 {
		detailH = 5
	}
	return max(h-p.headHeight(w)-detailH-1-boolInt(p.filter != "" || p.filtering), 1)
}

// viewFor draws the preview of users in w x h. It changes nothing: it
// draws a copy, brought to those users if the preview was not.
func (p *previewModel) viewFor(users []string, w, h int, focused bool) string {
	q := *p
	q.setUsers(users...)
	return q.view(w, h, focused)
}

// explaining reports whether an explanation is open.
func (p *previewModel) explaining() bool { return p.explain != nil }

// shownRows are the rows shown: all, or those matching the filter (the
// sections stay, as headings).
func (p *previewModel) shownRows() []int {
	q := strings.ToLower(strings.TrimSpace(p.filter))
	var out []int
	for i, r := range p.rows {
		if q == "" || r.kind == pvSection || p.rowHolds(r, q) {
			out = append(out, i)
		}
	}
	return out
}

// rowHolds reports whether the row's label followed by one user's state
// holds q (lower case), as the row reads on screen.
func (p *previewModel) rowHolds(r pvRow, q string) bool {
	label := strings.ToLower(r.label)
	if strings.Contains(label, q) {
		return true
	}
	for _, c := range r.cells {
		if strings.Contains(label+" "+strings.ToLower(c.short), q) {
			return true
		}
	}
	return false
}

// step moves the cursor d shown rows.
func (p *previewModel) step(d int) {
	rows := p.shownRows()
	if len(rows) == 0 {
		return
	}
	at := 0
	for k, i := range rows {
		if i <= p.cursor {
			at = k
		}
	}
	at = max(min(at+d, len(rows)-1), 0)
	p.cursor = rows[at]
	p.clamp()
}

// actions are the preview's keys where it has the keyboard.
func (p *previewModel) actions() []action {
	k := p.c.keys
	if p.filtering {
		return []action{
			do(key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")), func() tea.Cmd { p.filtering = false; return nil }),
			do(key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")), func() tea.Cmd { p.filter, p.filtering = "", false; return nil }),
		}
	}
	if p.explain != nil {
		return []action{
			do(k.Up, func() tea.Cmd { p.exOff = max(p.exOff-1, 0); return nil }),
			do(k.Down, func() tea.Cmd { p.exOff++; return nil }),
			do(k.Copy, p.copyText),
			do(key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc", "close")), func() tea.Cmd { p.explain = nil; return nil }),
		}
	}
	acts := []action{
		do(k.Drill, func() tea.Cmd { p.explain = p.explainRow(); p.exOff = 0; return nil }),
		do(k.Up, func() tea.Cmd { p.step(-1); return nil }).lesser(),
		do(k.Down, func() tea.Cmd { p.step(1); return nil }).lesser(),
		do(k.PageUp, func() tea.Cmd { p.step(-p.height); return nil }).fullOnly(),
		do(k.PageDown, func() tea.Cmd { p.step(p.height); return nil }).fullOnly(),
		do(k.Home, func() tea.Cmd { p.step(-len(p.rows)); return nil }).fullOnly(),
		do(k.End, func() tea.Cmd { p.step(len(p.rows)); return nil }).fullOnly(),
		do(k.Filter, func() tea.Cmd { p.filtering = true; return nil }).lesser(),
		do(k.Copy, p.copyText).lesser(),
	}
	if p.filter != "" {
		acts = append(acts, do(key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")), func() tea.Cmd { p.filter = ""; return nil }))
	}
	return acts
}

// filterKey edits the filter while it has the keyboard.
func (p *previewModel) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := p.c.dispatch(msg, p.actions()); ok {
		return cmd
	}
	switch msg.String() {
	case "backspace":
		if r := []rune(p.filter); len(r) > 0 {
			p.filter = string(r[:len(r)-1])
		}
	case "up":
		p.step(-1)
	case "down":
		p.step(1)
	default:
		if msg.Text != "" {
			p.filter += msg.Text
		}
	}
	if rows := p.shownRows(); len(rows) > 0 && !containsInt(rows, p.cursor) {
		p.cursor = rows[0]
	}
	p.clamp()
	return nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// text is the preview (or the open explanation) as plain text.
func (p *previewModel) text() string {
	res := p.c.sess.workRes
	var b strings.Builder
	for _, e := range p.users {
		u := res.User(e)
		if u < 0 {
			continue
		}
		fmt.Fprintf(&b, "As %s, holding %s\n", e, heldText(res, u))
	}
	for _, n := range p.notes {
		b.WriteString("Note: " + n + "\n")
	}
	if p.explain != nil {
		b.WriteString("Explain: " + p.rows[p.cursor].label + "\n")
		for _, l := range p.explain {
			b.WriteString(l + "\n")
		}
		return b.String()
	}
	for _, r := range p.rows {
		if r.kind == pvSection {
			b.WriteString("\n" + r.label + "\n")
			continue
		}
		line := r.label
		for _, c := range r.cells {
			line += "\t" + c.mark + " " + c.short
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// copyText puts the preview or the explanation on the clipboard with OSC
// 52, which works over SSH where the terminal supports it.
func (p *previewModel) copyText() tea.Cmd {
	if len(p.rows) == 0 {
		return status("Nothing to copy: no user chosen.", true)
	}
	t := p.text()
	what := "the preview"
	if p.explain != nil {
		what = "the explanation"
	}
	return tea.Batch(tea.SetClipboard(t), status(fmt.Sprintf("Copied %s (%d lines) to the clipboard with OSC 52.", what, strings.Count(t, "\n")), false))
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
		out = append(out, "For "+safe(email)+" (holds "+heldText(res, u)+"):")
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
		return c.fit([]string{s.Muted.Render("No user chosen: u picks one (or move to one on the Users tab).")}, w, h)
	}
	for _, e := range p.users {
		u := res.User(e)
		name := ""
		if u >= 0 {
			name = safe(c.sess.work.Users[u].Name)
		}
		head = append(head, c.trunc(s.Header.Render("As "+safe(e))+" "+name+s.Muted.Render(" - roles: ")+heldText(res, u), w))
	}
	head = append(head, p.noteLines(w)...)
	if p.explain != nil {
		lines := append([]string{}, head...)
		lines = append(lines, s.Header.Render("Explain: "+p.rows[p.cursor].label)+s.Muted.Render("  (enter/esc close)"))
		var body []string
		for _, l := range p.explain {
			body = append(body, wrap(l, w-2)...)
		}
		room := h - len(lines)
		p.exOff = min(p.exOff, max(len(body)-room, 0)) // on the copy viewFor draws
		lines = append(lines, body[min(p.exOff, len(body)):]...)
		return c.fit(lines, w, h)
	}
	detailH := 3
	if h >= 30 {
		detailH = 5
	}
	p.height = p.bodyHeight(w, h) // on the copy viewFor draws
	p.clamp()
	lines := append([]string{}, head...)
	if p.filter != "" || p.filtering {
		cur := ""
		if p.filtering {
			cur = "_"
		}
		lines = append(lines, c.trunc(s.Header.Render("filter: ")+safe(p.filter)+cur+s.Muted.Render("  (enter keeps, esc clears)"), w))
	}
	shown := p.shownRows()
	n := len(p.users)
	// The label column is as wide as the longest label, up to two fifths
	// of the width (a quarter when comparing).
	longest := 0
	for _, r := range p.rows {
		if r.kind != pvSection {
			longest = max(longest, width(r.label)+2+boolInt(r.kind == pvAction)*2)
		}
	}
	labelW := min(longest+1, max(w*2/5, 26))
	if n > 1 {
		labelW = min(longest+1, max(w/4, 20))
	}
	cellW := (w - labelW - 2) / n
	for j := p.offset; j < len(shown) && j < p.offset+p.height; j++ {
		k := shown[j]
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

// heldText names the roles user u holds, and those of their list that do
// not exist, as such: never a blank.
func heldText(res *model.Resolver, u int) string {
	names := res.HeldRoles(u)
	for _, m := range res.MissingRoles(u) {
		names = append(names, model.DanglingRole(m))
	}
	return nameList(names)
}

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
	w, h := t.c.bodySize()
	t.p.height = t.p.bodyHeight(w, h)
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
	w, _ := t.c.bodySize()
	at := y - t.p.headHeight(w) - boolInt(t.p.filter != "" || t.p.filtering)
	shown := t.p.shownRows()
	if k := t.p.offset + at; at >= 0 && at < t.p.height && k < len(shown) {
		t.p.cursor = shown[k]
	}
	return nil
}
