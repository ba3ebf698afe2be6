package tui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

const (
	tabRoles = iota
	tabUsers
	tabEnvs
	tabPreview
	numTabs
)

var tabNames = [numTabs]string{"Custom Roles", "Users", "Environments", "Preview"}

// Messages between the components and the app.
type (
	switchTabMsg int
	// editMsg asks the app to apply ops to the working copy (as one edit),
	// asking first when question is set or the edit has consequences.
	editMsg struct {
		from     string
		question string
		extra    []string
		ops      []model.Op
	}
	statusMsg struct {
		text  string
		isErr bool
	}
	// quitRequestMsg is an interrupt from outside (SIGINT): quit as ctrl+c does.
	quitRequestMsg struct{}
)

func edit(from, question string, extra []string, ops ...model.Op) tea.Cmd {
	return func() tea.Msg { return editMsg{from: from, question: question, extra: extra, ops: ops} }
}

func status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, isErr: isErr} }
}

type modalKind int

const (
	modalInfo modalKind = iota
	modalConfirmEdit
	modalSave
	modalChanged
	modalDraft
	modalDiscardDrafts
	modalConflict
	modalQuit
	modalHelp
)

type modal struct {
	kind  modalKind
	title string
	lines []string
	keys  []key.Binding
	off   int
	// groups are the keys of the full help (modalHelp), laid out to the
	// width when drawn.
	groups [][]key.Binding
	// room is how many body lines the last drawing showed (paging).
	room int
	// for modalConfirmEdit
	next *model.Working
	edit editMsg
	out  model.Outcome
	diff model.Diff
}

// tabModel is what each tab offers the app.
type tabModel interface {
	update(msg tea.Msg) tea.Cmd
	view(w, h int) string
	refresh() tea.Cmd
	editDone(ok bool, refusal string) bool
	capturing() bool
	help() helpKeys
	click(y int) bool
}

// App is the root model of the terminal UI.
type App struct {
	c       *common
	tab     int
	roles   *rolesTab
	users   *usersTab
	envs    *envsTab
	preview *previewModel
	modal   *modal
	status  string
	isErr   bool
	mouse   bool
	tabX    [numTabs][2]int
	// fileErrors: the file has errors and opened read-only.
	fileErrors bool
	// drafts are the recovery drafts offered at start; rebase is the
	// replay of edits onto a newer file while its conflicts are decided.
	drafts   []Draft
	rebase   *rebaseState
	permWarn string
}

// newApp loads opts.Path through store and builds the UI.
func newApp(opts Options, store Store) (*App, error) {
	sess := &session{path: opts.Path, store: store, shared: opts.shared, draftID: store.NewDraftID()}
	ld, err := store.Load(opts.Path)
	if err != nil {
		return nil, err
	}
	sess.baseID = store.BaseID(ld.Stamp)
	readOnly := opts.ReadOnly
	a := &App{mouse: !opts.NoMouse}
	switch {
	case ld.Missing:
		sess.missing = true
		sess.stamp = ld.Stamp
		sess.setLoaded(model.Demo())
	case ld.Errors:
		readOnly = true
		a.fileErrors = true
		acct := ld.Account
		if acct == nil {
			acct = &model.Account{}
		}
		sess.stamp = ld.Stamp
		sess.setLoaded(acct)
	default:
		sess.stamp = ld.Stamp
		sess.setLoaded(ld.Account)
	}
	sess.problems = ld.Problems
	sess.relaid = ld.Relaid
	c := newCommon(readOnly, opts.ASCII, sess)
	c.width, c.height = 80, 24
	a.c = c
	a.preview = newPreview(c)
	a.roles = newRolesTab(c)
	a.users = newUsersTab(c, a.preview)
	a.envs = newEnvsTab(c)
	a.tab = tabRoles
	if !sess.missing {
		a.permWarn = opts.permWarn
	}
	switch {
	case a.fileErrors:
		a.showProblems()
	case !readOnly:
		a.offerDrafts()
	}
	if a.modal == nil && a.permWarn != "" {
		a.setStatus("Warning: "+a.permWarn, true)
	}
	return a, nil
}

func (a *App) showProblems() {
	var lines []string
	errs := 0
	for _, p := range a.c.sess.problems {
		switch {
		case p.LeftOutErrors > 0:
			errs += p.LeftOutErrors // the line standing for those not listed
		case p.Problem.Severity == model.Error:
			errs++
		}
		loc := safe(a.c.sess.path)
		if p.Line > 0 {
			loc += ":" + itoa(p.Line)
		}
		rule := ""
		if p.Problem.Rule != "" {
			rule = " (" + p.Problem.Cite() + ")"
		}
		lines = append(lines, loc+": "+p.Problem.Severity.String()+": "+safe(p.Problem.Message)+rule)
	}
	a.modal = &modal{kind: modalInfo, title: fmt.Sprintf("The file has %d %s: it opens read-only and will not be saved over", errs, plural(errs, "error", "errors")),
		lines: append(lines, "Fix the file by hand (rolecall validate lists the same problems), then open it again.")}
}

func (a *App) tabModel(i int) tabModel {
	switch i {
	case tabRoles:
		return a.roles
	case tabUsers:
		return a.users
	case tabEnvs:
		return a.envs
	}
	return nil
}

// Init asks for the background colour; styles start dark until it answers.
func (a *App) Init() tea.Cmd { return tea.RequestBackgroundColor }

func (a *App) setStatus(s string, isErr bool) { a.status, a.isErr = s, isErr }

func (a *App) tooSmall() bool { return a.c.width < minWidth || a.c.height < minHeight }

func (a *App) capturing() bool {
	if t := a.tabModel(a.tab); t != nil {
		return t.capturing()
	}
	return false
}

// Update routes messages: sizes and colours to the context, modal dialogs
// first, then global keys (unless a field has the keyboard), then the tab.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := a.update(msg)
	// The preview follows the Users cursor (rebuilt only when it moved or
	// the working copy changed).
	if a.tab == tabPreview || (a.tab == tabUsers && a.users.wide()) {
		a.preview.setUsers(a.users.previewUsers()...)
	}
	return m, cmd
}

func (a *App) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	c := a.c
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.width, c.height = msg.Width, msg.Height
		return a, nil
	case tea.BackgroundColorMsg:
		c.setDark(msg.IsDark())
		return a, nil
	case filterResultMsg:
		switch msg.list {
		case "roles":
			a.roles.list.applyResult(msg)
		case "users":
			a.users.list.applyResult(msg)
		case "environments":
			a.envs.list.applyResult(msg)
		}
		return a, nil
	case statusMsg:
		a.setStatus(msg.text, msg.isErr)
		return a, nil
	case switchTabMsg:
		a.tab = int(msg)
		return a, nil
	case editMsg:
		return a, a.handleEdit(msg)
	case draftTickMsg:
		a.autosave()
		return a, nil
	case quitRequestMsg:
		return a, a.askQuit()
	case tea.MouseClickMsg:
		return a, a.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		m := msg.Mouse()
		if a.modal != nil || !a.mouse {
			return a, nil
		}
		code := tea.KeyDown
		if m.Button == tea.MouseWheelUp {
			code = tea.KeyUp
		}
		return a, a.routeKey(tea.KeyPressMsg{Code: code})
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	case tea.PasteMsg:
		if t := a.tabModel(a.tab); t != nil && a.modal == nil {
			return a, t.update(msg)
		}
		return a, nil
	}
	// Anything else (cursor blinks, ...) goes to the current tab.
	if t := a.tabModel(a.tab); t != nil {
		return a, t.update(msg)
	}
	return a, nil
}

func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := a.c.keys
	if a.tooSmall() {
		// Nothing but the notice is on screen: no key may act on a dialog
		// or a list the admin cannot see. q quits, keeping unsaved edits
		// as a recovery draft.
		if key.Matches(msg, k.Quit) || key.Matches(msg, k.ForceQuit) {
			return a.quitKeepingDraft()
		}
		return nil
	}
	if key.Matches(msg, k.ForceQuit) {
		if a.modal != nil && a.modal.kind == modalQuit {
			return a.quitKeepingDraft()
		}
		return a.askQuit()
	}
	if a.modal != nil {
		return a.modalKey(msg)
	}
	if a.capturing() {
		return a.routeKey(msg)
	}
	if a.tab == tabPreview && a.preview.explain != nil {
		return a.routeKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return a.askQuit()
	case key.Matches(msg, k.Help):
		a.openHelp()
		return nil
	case key.Matches(msg, k.NextTab):
		a.tab = (a.tab + 1) % numTabs
		return nil
	case key.Matches(msg, k.PrevTab):
		a.tab = (a.tab + numTabs - 1) % numTabs
		return nil
	case key.Matches(msg, k.Tab1):
		a.tab = tabRoles
		return nil
	case key.Matches(msg, k.Tab2):
		a.tab = tabUsers
		return nil
	case key.Matches(msg, k.Tab3):
		a.tab = tabEnvs
		return nil
	case key.Matches(msg, k.Tab4):
		a.tab = tabPreview
		return nil
	case key.Matches(msg, k.Save):
		return a.startSave()
	case key.Matches(msg, k.Mouse):
		a.mouse = !a.mouse
		if a.mouse {
			a.setStatus("Mouse on: click tabs and rows (m turns it off to select text).", false)
		} else {
			a.setStatus("Mouse off: the terminal selects text again (m turns it on).", false)
		}
		return nil
	case a.readOnlyKey(msg):
		if a.fileErrors {
			a.showProblems()
			return nil
		}
		a.setStatus("Read-only: opened with --read-only; nothing can be edited.", true)
		return nil
	}
	return a.routeKey(msg)
}

// readOnlyKey reports whether msg is an edit key that read-only mode turned off.
func (a *App) readOnlyKey(msg tea.KeyPressMsg) bool {
	if !a.c.readOnly {
		return false
	}
	ro := newKeyMap(false, a.c.ascii)
	for _, b := range []key.Binding{ro.New, ro.Duplicate, ro.Remove, ro.Save, ro.ToggleAEA, ro.ToggleAUS} {
		if key.Matches(msg, b) {
			return true
		}
	}
	// e edits; enter still opens the preview explanations.
	return msg.String() == "e" || (msg.String() == "enter" && a.tab != tabPreview && !(a.tab == tabUsers && a.users.paneFocus))
}

// routeKey gives a key to the current tab (or to the preview tab).
func (a *App) routeKey(msg tea.KeyPressMsg) tea.Cmd {
	if a.tab == tabPreview {
		if key.Matches(msg, a.c.keys.Back) && a.preview.explain == nil {
			a.tab = tabUsers
			return nil
		}
		a.preview.setUsers(a.users.previewUsers()...)
		a.preview.update(msg)
		return nil
	}
	return a.tabModel(a.tab).update(msg)
}

func (a *App) askQuit() tea.Cmd {
	if !a.c.sess.dirty() {
		return tea.Quit
	}
	n := len(a.c.sess.ops())
	a.modal = &modal{kind: modalQuit, title: "Quit without saving?",
		lines: []string{fmt.Sprintf("You have %d unsaved %s. %s kept as a recovery draft, which the next start on %s offers back.", n, plural(n, "edit", "edits"), plural(n, "It is", "They are"), safe(a.c.sess.path)),
			"Press n, then ctrl+s to review and save them now."},
		keys: []key.Binding{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "quit, keep a draft")), a.c.keys.No}}
	return nil
}

func (a *App) openHelp() {
	var groups [][]key.Binding
	if a.tab == tabPreview {
		groups = a.preview.help().full
	} else {
		groups = a.tabModel(a.tab).help().full
	}
	k := a.c.keys
	groups = append(groups, []key.Binding{k.NextTab, k.PrevTab, k.Tab1, k.Tab2, k.Tab3, k.Tab4}, []key.Binding{k.Save, k.Mouse, k.Help, k.Back, k.Quit, k.ForceQuit})
	a.modal = &modal{kind: modalHelp, title: "Keys", groups: groups}
}

// handleEdit applies an edit to a copy of the working copy: a refusal is
// shown with its rule; consequences are confirmed before the edit is kept.
func (a *App) handleEdit(m editMsg) tea.Cmd {
	s := a.c.sess
	if a.c.readOnly {
		a.setStatus("Read-only: nothing can be edited.", true)
		return nil
	}
	if len(m.ops) == 0 {
		if t := a.tabModel(tabIndex(m.from)); t != nil {
			t.editDone(true, "")
		}
		a.setStatus("Nothing changed.", false)
		return a.refreshAll()
	}
	next, out, err := s.w.Apply(m.ops...)
	if err != nil {
		text := refusalText(err)
		if t := a.tabModel(tabIndex(m.from)); t != nil && t.editDone(false, text) {
			return nil
		}
		a.modal = &modal{kind: modalInfo, title: "Refused", lines: strings.Split(text, "\n")}
		return nil
	}
	if m.question != "" || len(out.Notes) > 0 {
		title := m.question
		if title == "" {
			title = "This edit has consequences: keep it?"
		}
		var lines []string
		lines = append(lines, m.extra...)
		if len(m.extra) == 0 {
			for _, n := range out.Notes {
				lines = append(lines, safe(n))
			}
		}
		for _, w := range out.Warnings {
			lines = append(lines, "Warning ("+w.Cite()+"): "+safe(w.Message))
		}
		a.modal = &modal{kind: modalConfirmEdit, title: title, lines: lines, next: next, edit: m, out: out,
			keys: []key.Binding{a.c.keys.Yes, a.c.keys.No}}
		return nil
	}
	return a.commit(next, m, out)
}

func refusalText(err error) string {
	var r *model.Refused
	if errors.As(err, &r) {
		text := "Refused (" + r.Cite() + "): " + safe(r.Message)
		for i, p := range r.Problems {
			if i == 0 {
				continue
			}
			text += "\n" + p.Cite() + ": " + safe(p.Message)
		}
		return text
	}
	return "Refused: " + safe(err.Error())
}

func tabIndex(from string) int {
	switch from {
	case "roles":
		return tabRoles
	case "users":
		return tabUsers
	case "envs":
		return tabEnvs
	}
	return -1
}

func (a *App) commit(next *model.Working, m editMsg, out model.Outcome) tea.Cmd {
	s := a.c.sess
	s.setWorking(next)
	var descr []string
	for _, op := range m.ops {
		descr = append(descr, op.Describe())
	}
	text := "Done (unsaved): " + strings.Join(descr, ", ")
	if len(out.Warnings) > 0 {
		text += fmt.Sprintf("; warning (%s): %s", out.Warnings[0].Cite(), safe(out.Warnings[0].Message))
	}
	a.setStatus(text, false)
	if t := a.tabModel(tabIndex(m.from)); t != nil {
		t.editDone(true, "")
	}
	return a.refreshAll()
}

func (a *App) refreshAll() tea.Cmd {
	return tea.Batch(a.roles.refresh(), a.users.refresh(), a.envs.refresh())
}

func (a *App) modalKey(msg tea.KeyPressMsg) tea.Cmd {
	m := a.modal
	k := a.c.keys
	str := msg.String()
	switch {
	case key.Matches(msg, k.Up):
		m.off = max(m.off-1, 0)
		return nil
	case key.Matches(msg, k.Down):
		m.off++
		return nil
	case key.Matches(msg, k.PageUp):
		m.off = max(m.off-max(m.room-1, 1), 0)
		return nil
	case key.Matches(msg, k.PageDown):
		m.off += max(m.room-1, 1)
		return nil
	case key.Matches(msg, k.Home) && m.kind != modalDraft:
		m.off = 0
		return nil
	case key.Matches(msg, k.End) && m.kind != modalDraft:
		m.off = 1 << 30
		return nil
	}
	switch m.kind {
	case modalInfo, modalHelp:
		if str == "esc" || str == "enter" || str == "q" || str == "?" || str == "space" {
			a.modal = nil
		}
	case modalConfirmEdit:
		switch str {
		case "y":
			a.modal = nil
			return a.commit(m.next, m.edit, m.out)
		case "n", "esc":
			a.modal = nil
			a.setStatus("Not done: nothing changed.", false)
		}
	case modalSave:
		switch str {
		case "y":
			a.modal = nil
			a.doSave()
		case "n", "esc":
			a.modal = nil
			a.setStatus("Not saved: your edits are kept.", false)
		}
	case modalChanged:
		switch str {
		case "r":
			return a.reloadAndRebase()
		case "esc":
			a.modal = nil
			a.setStatus("Not saved: your edits are kept (the file changed on disk).", true)
		}
	case modalQuit:
		switch str {
		case "y":
			return a.quitKeepingDraft()
		case "n", "esc":
			a.modal = nil
		}
	case modalDraft:
		switch str {
		case "r":
			return a.restoreDrafts()
		case "d":
			a.confirmDiscardDrafts()
		case "esc":
			a.laterDrafts()
		}
	case modalDiscardDrafts:
		switch str {
		case "y":
			a.discardDrafts()
		case "n", "esc":
			a.showDrafts()
		}
	case modalConflict:
		switch str {
		case "esc":
			a.abandonRebase()
		case "m":
			if a.rebase.current().CanKeepMine() {
				return a.decideConflict(true)
			}
		case "t":
			return a.decideConflict(false)
		}
	}
	return nil
}

func (a *App) handleClick(m tea.Mouse) tea.Cmd {
	if !a.mouse || a.modal != nil || a.tooSmall() || m.Button != tea.MouseLeft {
		return nil
	}
	if m.Y == 0 {
		for i, r := range a.tabX {
			if m.X >= r[0] && m.X < r[1] && !a.capturing() {
				a.tab = i
			}
		}
		return nil
	}
	if t := a.tabModel(a.tab); t != nil && m.Y >= 2 {
		if a.tab == tabUsers && a.users.wide() && m.X > a.c.width*9/20 {
			a.users.paneFocus = true
			return nil
		}
		if a.tab == tabUsers {
			a.users.paneFocus = false
		}
		t.click(m.Y - 2)
	}
	return nil
}

// View draws the title, the tab, the status line and the help line.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "rolecall"
	if a.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

func (a *App) render() string {
	c := a.c
	w, h := c.width, c.height
	if a.tooSmall() {
		return c.trunc(fmt.Sprintf("rolecall needs at least %dx%d; this terminal is %dx%d. Enlarge it, or press q to quit (unsaved edits are kept as a draft).", minWidth, minHeight, w, h), w)
	}
	s := c.styles
	bodyH := h - 4
	lines := []string{a.titleLine(w), a.infoLine(w)}
	var body string
	switch {
	case a.modal != nil:
		body = a.modalView(w, bodyH)
	case a.tab == tabPreview:
		a.preview.setUsers(a.users.previewUsers()...)
		body = a.preview.view(w, bodyH, true)
	default:
		body = a.tabModel(a.tab).view(w, bodyH)
	}
	lines = append(lines, strings.Split(c.fit(strings.Split(body, "\n"), w, bodyH), "\n")...)
	st := a.status
	switch {
	case st != "" && a.isErr:
		st = s.StatusError.Render("! " + st)
	case st != "":
		st = s.Status.Render(st)
	case c.sess.dirty():
		n := len(c.sess.ops())
		st = s.Warn.Render(fmt.Sprintf("%d unsaved %s: ctrl+s reviews what changes for whom, then saves.", n, plural(n, "edit", "edits")))
	}
	lines = append(lines, c.trunc(st, w))
	lines = append(lines, c.trunc(a.helpLine(w), w))
	for i, l := range lines {
		lines[i] = c.trunc(l, w)
	}
	return strings.Join(lines, "\n")
}

func (a *App) titleLine(w int) string {
	c := a.c
	s := c.styles
	out := s.Title.Render("rolecall") + " "
	x := width(out)
	for i, n := range tabNames {
		label := fmt.Sprintf(" %d %s ", i+1, n)
		if w < 100 && i == tabRoles {
			label = fmt.Sprintf(" %d Roles ", i+1)
		}
		if i == a.tab {
			label = s.TabActive.Render("[" + strings.TrimSpace(label) + "]")
		} else {
			label = s.TabInactive.Render(label)
		}
		lw := width(label)
		a.tabX[i] = [2]int{x, x + lw}
		out += label
		x += lw
	}
	var marks []string
	if c.sess.dirty() {
		marks = append(marks, s.Marker.Render(s.G.Unsaved))
	}
	if c.readOnly {
		marks = append(marks, s.Marker.Render("READ-ONLY"))
	}
	right := strings.Join(marks, " ")
	gap := w - width(out) - width(right)
	if gap < 1 {
		return c.trunc(out, w-width(right)-1) + " " + right
	}
	return out + strings.Repeat(" ", gap) + right
}

func (a *App) infoLine(w int) string {
	c := a.c
	s := c.styles
	sess := c.sess
	file := safe(sess.path)
	if sess.missing {
		file += " (new: demo account, written on first save)"
	}
	info := "file " + file + s.G.Sep + "account " + safe(sess.work.Name)
	if a.fileErrors {
		info += s.G.Sep + "file has errors"
	}
	if !a.mouse {
		info += s.G.Sep + "mouse off"
	}
	return s.Muted.Render(c.trunc(info, w))
}

func (a *App) helpLine(w int) string {
	k := a.c.keys
	var hk helpKeys
	tail := false // the global keys (save, next tab, help, quit) follow
	switch {
	case a.modal != nil:
		hk.short = a.modal.keys
		if a.modal.kind == modalInfo || a.modal.kind == modalHelp {
			hk.short = []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/enter", "close"))}
			hk.minor = []key.Binding{k.Up, k.Down, k.PageDown}
		}
	case a.tab == tabPreview:
		hk = a.preview.help()
		tail = a.preview.explain == nil
	default:
		hk = a.tabModel(a.tab).help()
		tail = !a.capturing()
	}
	var items []helpItem
	for _, b := range hk.short {
		items = append(items, helpItem{b: b})
	}
	dirty := a.c.sess.dirty()
	if tail {
		// ctrl+s is essential while there is something to save; otherwise
		// it is the first to give way.
		prio := 0
		if !dirty {
			prio = 100
		}
		items = append(items, helpItem{b: k.Save, prio: prio})
	}
	for i, b := range hk.minor {
		items = append(items, helpItem{b: b, prio: 1 + i})
	}
	if tail {
		items = append(items, helpItem{b: k.NextTab, prio: 50}, helpItem{b: k.Help}, helpItem{b: k.Quit})
	}
	return a.c.shortHelp(items, w)
}

func (a *App) modalView(w, h int) string {
	c := a.c
	s := c.styles
	m := a.modal
	bw := min(w-2, 100)
	inner := bw - 4
	var body []string
	if m.kind == modalHelp {
		body = c.fullHelpLines(m.groups, inner)
	}
	for _, l := range m.lines {
		body = append(body, wrapIndent(l, inner)...)
	}
	title := wrap(m.title, inner)
	// Border, title, a blank line, and the keys with a blank line above.
	room := h - 3 - len(title)
	if len(m.keys) > 0 {
		room -= 2
	}
	room = max(room, 2)
	if n := len(body); n > room {
		// Taller than the screen: one line says where we are and how to
		// scroll.
		room--
		m.off = min(m.off, n-room)
		body = body[m.off : m.off+room]
		k := c.keys
		more := k.Down.Help().Key + " or pgdn: more below"
		if m.off+room >= n {
			more = "the end; " + k.Up.Help().Key + " or pgup: back up"
		} else if m.off > 0 {
			more = k.Up.Help().Key + " " + k.Down.Help().Key + " pgup pgdn scroll"
		}
		body = append(body, s.Muted.Render(c.trunc(fmt.Sprintf("-- lines %d-%d of %d; %s --", m.off+1, m.off+room, n, more), inner)))
	} else {
		m.off = 0
	}
	m.room = room
	var keys []string
	for _, b := range m.keys {
		keys = append(keys, s.Key.Render(b.Help().Key)+" "+b.Help().Desc)
	}
	var content []string
	for _, l := range title {
		content = append(content, s.ModalTitle.Render(l))
	}
	content = append(content, "")
	for _, l := range body {
		content = append(content, c.pad(l, inner))
	}
	if len(keys) > 0 {
		content = append(content, "", c.trunc(strings.Join(keys, "   "), inner))
	}
	box := s.Modal.Width(bw).Render(strings.Join(content, "\n"))
	return box
}
