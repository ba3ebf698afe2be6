package tui

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// Messages between the components and the app.
type (
	// switchTabMsg shows the tab of that name.
	switchTabMsg string
	// editMsg is an edit for the App's pipeline (common.edit): ops applied
	// to the working copy as one edit, asking first when question is set
	// or the edit has consequences. reply, when set, hears whether the edit
	// was kept (false: refused, with the refusal's text; a declined
	// question is neither).
	editMsg struct {
		question string
		extra    []string
		ops      []model.Op
		reply    func(ok bool, refusal string)
		// asked: the admin saw the edit's consequences and said yes.
		asked bool
	}
	statusMsg struct {
		text  string
		isErr bool
	}
	// quitRequestMsg is an interrupt from outside (SIGINT): quit as ctrl+c does.
	quitRequestMsg struct{}
	// loadedMsg is the file, read off the input path.
	loadedMsg struct {
		ld   *Loaded
		err  error
		sync syncRead
	}
	// loadTickMsg redraws the loading screen.
	loadTickMsg struct{}
)

// edit applies ops to the working copy now, through the App's edit
// pipeline (asking first when question is set or the edit has
// consequences): never later, so that the next key meets its result.
func (c *common) edit(question string, extra []string, ops ...model.Op) tea.Cmd {
	return c.editor(editMsg{question: question, extra: extra, ops: ops})
}

func status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, isErr: isErr} }
}

// logEntry is one message of the session, kept for the message log.
type logEntry struct {
	at    time.Time
	text  string
	isErr bool
}

// App is the root model of the terminal UI: the tabs, the focus stack of
// forms and dialogs, the status line and the message log.
type App struct {
	// echo is the size resendSize sent, until it comes back.
	echo    *[2]int
	c       *common
	opts    Options
	store   Store
	tabs    []tab
	cur     int
	users   *usersTab
	preview *previewModel
	status  string
	isErr   bool
	log     []logEntry
	mouse   bool
	// loading: the file is being read (Run); started is when.
	loading bool
	started time.Time
	ignored int // keys pressed while loading
	// fatal is why the file could not be opened (Run prints it).
	fatal error
	// drafts are the recovery drafts offered at start; rebase is the
	// replay of edits onto a newer file while its conflicts are decided.
	drafts   []Draft
	rebase   *rebaseState
	permWarn string
	// switchFrom is the file the session edited before the account
	// switcher asked for another, while that one is read.
	switchFrom string
	// afterSwitch is what the status line says once it is read, when
	// not that it opened (a change of the groups written).
	afterSwitch string
	// saveAs is the new file save as chose, until its save is written or
	// declined.
	saveAs *saveTarget
	// sync is what rolecall knows of the Boomi account the file is tied
	// to (nil: none), syncErr why its state file cannot be read, syncGen
	// the generation of that read; plan is the last count of unpushed
	// changes, planBusy while one is worked out (sync.go).
	sync     *Sync
	syncErr  string
	syncGen  int
	plan     planResult
	planBusy bool
}

// startApp is an App that has not read its file yet.
func startApp(opts Options, store Store) *App {
	a := &App{opts: opts, store: store, mouse: !opts.NoMouse}
	a.c = &common{isDark: true, ascii: opts.ASCII, readOnly: opts.ReadOnly, width: 80, height: 24}
	a.c.styles = newStyles(true, opts.ASCII)
	a.c.keys = newKeyMap(opts.ASCII)
	a.c.editor = a.handleEdit
	return a
}

// loadingApp is an App that reads its file once it runs (Init), showing
// what it reads meanwhile.
func loadingApp(opts Options, store Store) *App {
	a := startApp(opts, store)
	a.loading, a.started = true, time.Now()
	return a
}

// newApp reads opts.Path through store and builds the UI.
func newApp(opts Options, store Store) (*App, error) {
	a := startApp(opts, store)
	ld, err := store.Load(opts.Path)
	if err != nil {
		return nil, err
	}
	a.finishLoad(ld, readSync(store, opts.Path))
	return a, nil
}

// finishLoad builds the session and the tabs from what was read.
func (a *App) finishLoad(ld *Loaded, sr syncRead) {
	opts, c := a.opts, a.c
	sess := &session{path: opts.Path, store: a.store, shared: opts.shared, draftID: a.store.NewDraftID()}
	sess.baseID = a.store.BaseID(ld.Stamp)
	sess.stamp = ld.Stamp
	switch {
	case ld.Missing:
		sess.missing = true
		sess.setLoaded(model.Demo())
	case ld.Errors:
		c.readOnly = true
		c.fileErrors = true
		acct := ld.Account
		if acct == nil {
			acct = &model.Account{}
			c.unreadable = true
		}
		sess.setLoaded(acct)
	default:
		sess.setLoaded(ld.Account)
	}
	sess.problems = ld.Problems
	sess.relaid = ld.Relaid
	sess.setGroup(ld.Group)
	c.sess = sess
	a.loading = false
	a.preview = newPreview(c)
	a.users = newUsersTab(c, a.preview)
	a.tabs = []tab{newRolesTab(c), a.users, newEnvsTab(c), newPreviewTab(c, a.preview, a.users), newAccountTab(c)}
	if sess.group != nil && !sess.group.member() {
		a.tabs = append(a.tabs, newGroupsTab(c))
	}
	a.cur = 0
	if !sess.missing {
		a.permWarn = opts.permWarn
	}
	switch {
	case c.fileErrors:
		a.showProblems()
	case !c.readOnly:
		a.offerDrafts()
	}
	if n := groupErrors(sess.problems); n > 0 && !c.fileErrors {
		a.setStatus(fmt.Sprintf("The account group has %d %s: %s lists %s.", n, plural(n, "error", "errors"), c.keys.Problems.Help().Key, plural(n, "it", "them")), true)
	}
	if a.permWarn != "" {
		a.setStatus("Warning: "+a.permWarn, true)
	}
	a.setSync(sr)
}

// loadCmd reads the file off the input path.
func (a *App) loadCmd() tea.Cmd {
	store, path := a.store, a.opts.Path
	return func() tea.Msg {
		ld, err := store.Load(path)
		if err != nil {
			return loadedMsg{err: err}
		}
		return loadedMsg{ld: ld, sync: readSync(store, path)}
	}
}

// loadTickEvery is how often the loading screen is redrawn (a variable for
// the tests, which wait for each tick a load starts).
var loadTickEvery = 100 * time.Millisecond

func loadTick() tea.Cmd {
	return tea.Tick(loadTickEvery, func(time.Time) tea.Msg { return loadTickMsg{} })
}

func (a *App) showProblems() {
	c := a.c
	var lines []string
	errs := 0
	for _, p := range c.sess.problems {
		switch {
		case p.LeftOutErrors > 0:
			errs += p.LeftOutErrors // the line standing for those not listed
		case p.Problem.Severity == model.Error:
			errs++
		}
		loc := safe(c.sess.path)
		if p.Path != "" {
			loc = safe(p.Path)
		}
		if p.Line > 0 {
			loc += ":" + itoa(p.Line)
		}
		rule := ""
		if p.Problem.Rule != "" {
			rule = " (" + p.Problem.Cite() + ")"
		}
		lines = append(lines, loc+": "+p.Problem.Severity.String()+": "+safe(p.Problem.Message)+rule)
	}
	title := fmt.Sprintf("The file has %d %s: it opens read-only and will not be saved over", errs, plural(errs, "error", "errors"))
	if !c.fileErrors {
		title = fmt.Sprintf("The file's %d %s (not blocking)", len(lines), plural(len(lines), "warning", "warnings"))
		if c.sess.group != nil || errs > 0 {
			title = fmt.Sprintf("%d %s in the file and its account group (none blocks editing this file)", len(lines), plural(len(lines), "problem", "problems"))
		}
	}
	if c.unreadable {
		lines = append(lines, "Nothing of it could be read: the tabs are empty until it is fixed.")
	} else if c.fileErrors {
		lines = append(lines, "The tabs show what could be read.")
	}
	if c.fileErrors {
		lines = append(lines, "Fix the file by hand (rolecall validate lists the same problems), then open it again. "+c.keys.Problems.Help().Key+" shows this list again.")
	}
	c.push(info(c, title, lines...))
}

// Init starts reading the file (Run) and asks for the background colour;
// styles start dark until it answers.
func (a *App) Init() tea.Cmd {
	if a.loading {
		return tea.Batch(tea.RequestBackgroundColor, a.loadCmd(), loadTick())
	}
	return tea.RequestBackgroundColor
}

func (a *App) setStatus(s string, isErr bool) {
	a.status, a.isErr = s, isErr
	if s != "" {
		a.log = append(a.log, logEntry{at: time.Now(), text: s, isErr: isErr})
	}
}

// logOnly keeps a message in the log without the status line (it is on
// screen already, in a dialog or a form).
func (a *App) logOnly(s string, isErr bool) {
	a.log = append(a.log, logEntry{at: time.Now(), text: s, isErr: isErr})
}

func (a *App) tooSmall() bool { return a.c.width < minWidth || a.c.height < minHeight }

func (a *App) tab() tab { return a.tabs[a.cur] }

// Update routes messages: sizes and colours to the context, keys to the
// top of the focus stack, else the global keys, else the tab.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.update(msg)
	if a.c.sess != nil {
		a.c.sess.setPending(a.pending())
		if t, ok := a.tab().(asker); ok {
			cmd = tea.Batch(cmd, t.ask())
		}
		cmd = tea.Batch(cmd, a.planCmd())
	}
	return a, cmd
}

// pending are the edits the open forms would make, kept in the recovery
// draft with the unsaved ones: a hang-up loses no form.
func (a *App) pending() []model.Op {
	var out []model.Op
	for _, l := range a.c.stack {
		if f, ok := l.(*form); ok {
			out = append(out, f.pendingOps()...)
		}
	}
	return out
}

// resendSize sends the size the app has again, for Bubble Tea's renderer
// (see update), and remembers it as the echo to expect.
func (a *App) resendSize() tea.Cmd {
	size := [2]int{a.c.width, a.c.height}
	a.echo = &size
	return func() tea.Msg { return tea.WindowSizeMsg{Width: size[0], Height: size[1]} }
}

func (a *App) update(msg tea.Msg) tea.Cmd {
	c := a.c
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// 0x0 is no size: Bubble Tea sends it at start when the output is
		// not a terminal (an SSH session or a pipe that reports its size
		// in band, mode 2048), from a goroutine that may run after the
		// terminal's own report, and resizes its renderer to it before
		// the model sees it. After a real size, the real size is sent
		// again, which puts the renderer back; taken as it came, the
		// screen stayed blank until the next resize.
		//
		// The size sent again (the echo) comes back as any size does, and
		// a real resize may land before it: then the renderer took the
		// echo's older size, so the newer one is sent again in turn.
		size := [2]int{msg.Width, msg.Height}
		if size == [2]int{} && c.sized {
			return a.resendSize()
		}
		if a.echo != nil && *a.echo == size {
			a.echo = nil
			if size != [2]int{c.width, c.height} {
				return a.resendSize()
			}
			return nil
		}
		c.sized = c.sized || size != [2]int{}
		c.width, c.height = msg.Width, msg.Height
		return nil
	case tea.BackgroundColorMsg:
		c.setDark(msg.IsDark())
		for _, t := range a.tabs {
			t.refresh()
		}
		return nil
	case loadedMsg:
		if a.switchFrom != "" {
			a.switched(msg)
			return a.refreshAll()
		}
		if msg.err != nil {
			a.fatal = msg.err
			return tea.Quit
		}
		a.finishLoad(msg.ld, msg.sync)
		cmd := a.refreshAll()
		relaid, large := c.sess.relaid, largeAccount(c.sess.work)
		if relaid != nil || large {
			// Off the input path and after the account shows: whether
			// saving rewrites the file's layout, which only a save review
			// asks (it encodes the account), and, after a large file,
			// giving back to the system what decoding it left as garbage
			// rather than keeping it resident.
			cmd = tea.Batch(cmd, func() tea.Msg {
				if relaid != nil {
					relaid()
				}
				if large {
					releaseMemory()
				}
				return nil
			})
		}
		return cmd
	case loadTickMsg:
		if a.loading {
			return loadTick()
		}
		return nil
	}
	if a.loading {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			if k.String() == "ctrl+c" || k.String() == "q" {
				return tea.Quit
			}
			a.ignored++
		}
		if _, ok := msg.(quitRequestMsg); ok {
			return tea.Quit
		}
		return nil
	}
	switch msg := msg.(type) {
	case statusMsg:
		a.setStatus(msg.text, msg.isErr)
		return nil
	case switchTabMsg:
		a.show(string(msg))
		return nil
	case draftTickMsg:
		a.autosave()
		return nil
	case savedMsg:
		return a.afterSave(msg)
	case groupSavedMsg:
		return a.groupSaved(msg)
	case reloadedMsg:
		return a.rebaseOnto(msg)
	case planMsg:
		a.gotPlan(msg)
		return nil
	case quitRequestMsg:
		return a.askQuit()
	case showProblemsMsg:
		a.showProblems()
		return nil
	case openHelpMsg:
		a.openHelp()
		return nil
	case tea.MouseClickMsg:
		return a.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		m := msg.Mouse()
		if !a.mouse || a.tooSmall() {
			return nil
		}
		code := tea.KeyDown
		if m.Button == tea.MouseWheelUp {
			code = tea.KeyUp
		}
		return a.handleKey(tea.KeyPressMsg{Code: code})
	case tea.KeyPressMsg:
		return a.handleKey(msg)
	case tea.PasteMsg:
		if l := c.top(); l != nil {
			return l.update(msg)
		}
		return a.tab().update(msg)
	}
	// Anything else (results routed by id, cursor blinks) goes to the
	// tabs and the open layers: each takes what is addressed to it.
	var cmds []tea.Cmd
	for _, t := range a.tabs {
		cmds = append(cmds, t.update(msg))
	}
	for _, l := range slices.Clone(c.stack) {
		cmds = append(cmds, l.update(msg))
	}
	return tea.Batch(cmds...)
}

// show makes the tab called name current.
func (a *App) show(name string) {
	for i, t := range a.tabs {
		if t.label(1000) == name {
			a.goTab(i)
		}
	}
}

// goTab shows tab i (modulo the number of tabs). A message about the tab
// left behind goes from the status line (the log keeps it).
func (a *App) goTab(i int) {
	i %= len(a.tabs)
	if i != a.cur {
		a.status, a.isErr = "", false
	}
	a.cur = i
}

// globals are the keys that work on every tab when no form or dialog is
// open and no field has the keyboard.
func (a *App) globals() []action {
	k := a.c.keys
	acts := []action{
		do(k.Save, a.startSave).editing(),
		do(k.NextTab, func() tea.Cmd { a.goTab(a.cur + 1); return nil }).lesser(),
		do(k.PrevTab, func() tea.Cmd { a.goTab(a.cur + len(a.tabs) - 1); return nil }).fullOnly(),
		do(k.Help, func() tea.Cmd { a.openHelp(); return nil }),
		do(k.Quit, a.askQuit),
		do(k.Log, func() tea.Cmd { a.openLog(); return nil }).lesser(),
		do(k.Mouse, a.toggleMouse).fullOnly(),
		do(k.SaveAs, a.openSaveAs).editing().fullOnly(),
	}
	if a.c.sess.group != nil {
		acts = append(acts, do(k.Accounts, a.pickAccount).lesser())
	}
	if a.c.fileErrors || len(a.c.sess.problems) > 0 {
		acts = append(acts, do(k.Problems, func() tea.Cmd { a.showProblems(); return nil }).lesser())
	}
	for i, t := range a.tabs {
		i := i
		b := key.NewBinding(key.WithKeys(itoa(i+1)), key.WithHelp(itoa(i+1), strings.ToLower(t.label(1000))))
		acts = append(acts, do(b, func() tea.Cmd { a.goTab(i); return nil }).fullOnly())
	}
	return acts
}

func (a *App) toggleMouse() tea.Cmd {
	a.mouse = !a.mouse
	if a.mouse {
		a.setStatus("Mouse on: click tabs, rows and boxes (m turns it off to select text).", false)
	} else {
		a.setStatus("Mouse off: the terminal selects text again (m turns it on).", false)
	}
	return nil
}

func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	c := a.c
	k := c.keys
	if a.tooSmall() {
		// Nothing but the notice is on screen: no key may act on a dialog
		// or a list the admin cannot see. q quits, keeping unsaved edits
		// (and open forms) as a recovery draft.
		if key.Matches(msg, k.Quit) || key.Matches(msg, k.ForceQuit) {
			return a.quitKeepingDraft()
		}
		return nil
	}
	if key.Matches(msg, k.ForceQuit) {
		if d, ok := c.top().(*dialog); ok && d.title == quitTitle {
			return a.quitKeepingDraft()
		}
		return a.askQuit()
	}
	if l := c.top(); l != nil {
		return l.update(msg)
	}
	if a.tab().typing() {
		return a.tab().update(msg)
	}
	if cmd, ok := c.dispatch(msg, a.tab().actions()); ok {
		return cmd
	}
	if cmd, ok := c.dispatch(msg, a.globals()); ok {
		return cmd
	}
	return a.tab().update(msg)
}

const quitTitle = "Quit without saving?"

func (a *App) askQuit() tea.Cmd {
	s := a.c.sess
	pend := a.pending()
	if !s.dirty() && len(pend) == 0 {
		return tea.Quit
	}
	n := len(s.ops())
	var body []string
	if n > 0 {
		body = append(body, fmt.Sprintf("You have %d unsaved %s.", n, plural(n, "edit", "edits")))
	}
	if len(pend) > 0 {
		body = append(body, "A form is open with changes not yet applied.")
	}
	body = append(body, "Quitting keeps them as a recovery draft, which the next start on "+safe(s.path)+" offers back.",
		"n goes back; then ctrl+s reviews and saves.")
	a.c.push(newDialog(a.c, quitTitle, body,
		choice("y", "quit, keep a draft", a.quitKeepingDraft),
		choice("n", "go back", nil)))
	return nil
}

func (a *App) openHelp() {
	c := a.c
	var acts []action
	if l := c.top(); l != nil {
		acts = l.actions()
	} else {
		acts = append(a.tab().actions(), a.globals()...)
	}
	acts = c.offered(acts)
	var groups [][]key.Binding
	var g []key.Binding
	for _, x := range acts {
		g = append(g, x.b)
		if len(g) == 6 {
			groups = append(groups, g)
			g = nil
		}
	}
	if len(g) > 0 {
		groups = append(groups, g)
	}
	if c.top() == nil {
		// Lists move with these; a form or dialog lists its own.
		groups = append(groups, []key.Binding{c.keys.Up, c.keys.Down, c.keys.PageUp, c.keys.PageDown, c.keys.Home, c.keys.End})
	}
	groups = append(groups, []key.Binding{c.keys.ForceQuit})
	d := info(c, "Keys") // the notes under the keys come with them (fullHelpLines)
	d.groups = groups
	d.closeKeys = append(d.closeKeys, "?")
	c.push(d)
}

// openLog shows every message of the session in full, newest last.
func (a *App) openLog() {
	var lines []string
	for _, e := range a.log {
		mark := "  "
		if e.isErr {
			mark = "! "
		}
		lines = append(lines, e.at.Format("15:04:05")+" "+mark+e.text)
	}
	if len(lines) == 0 {
		lines = []string{"No messages yet."}
	}
	d := info(a.c, fmt.Sprintf("Messages (%d)", len(a.log)), lines...)
	d.off = 1 << 30 // newest last, in view
	a.c.push(d)
}

// handleEdit applies an edit to a copy of the working copy: a refusal is
// shown with its rule; consequences are confirmed before the edit is kept.
func (a *App) handleEdit(m editMsg) tea.Cmd {
	c := a.c
	s := c.sess
	if c.readOnly {
		a.setStatus("Read-only: nothing can be edited.", true)
		return nil
	}
	if len(m.ops) == 0 {
		if m.reply != nil {
			m.reply(true, "")
		}
		a.setStatus("Nothing changed.", false)
		return a.refreshAll()
	}
	gout, err := s.checkGroup(m.ops)
	var next *model.Working
	var out model.Outcome
	if err == nil {
		next, out, err = s.w.Apply(m.ops...)
	}
	if err != nil {
		text := refusalText(err)
		a.logOnly(strings.ReplaceAll(text, "\n", "; "), true)
		if m.reply != nil {
			m.reply(false, text)
			return nil
		}
		c.push(info(c, "Refused", strings.Split(text, "\n")...))
		return nil
	}
	out.Notes = append(out.Notes, gout...)
	if !m.asked && (m.question != "" || len(out.Notes) > 0) {
		title := m.question
		if title == "" {
			title = "This edit has consequences: keep it?"
		}
		var lines []string
		lines = append(lines, m.extra...)
		for _, n := range out.Notes {
			lines = append(lines, safe(n))
		}
		for _, w := range out.Warnings {
			lines = append(lines, "Warning ("+w.Cite()+"): "+safe(w.Message))
		}
		d := c.ask(title, append(lines, working), "yes, do it",
			func() tea.Cmd { return a.commit(next, m, out) },
			func() tea.Cmd { a.setStatus("Not done: nothing changed.", false); return nil })
		return whatIf(d, s.workRes, next.Resolver())
	}
	return a.commit(next, m, out)
}

// working stands in a dialog for who gains or loses what while it is
// worked out.
const working = "Working out who gains or loses what..."

// whatIfIDs numbers what-if questions, whose answers come back by id
// (atomic, as saveIDs).
var whatIfIDs atomic.Int64

// whatIfMsg is who gains or loses what if an edit is kept, worked out off
// the input path for the dialog with that id.
type whatIfMsg struct {
	id    int
	body  []string // replaces the dialog's body when set
	lines []string // follow the body
}

// whatIf works out, off the input path, who gains or loses what going from
// before to after (the model's diff), for dialog d: the line "working"
// of its body gives way to the answer.
func whatIf(d *dialog, before, after *model.Resolver) tea.Cmd {
	return whatIfOf(d, func() ([]string, *model.Resolver, *model.Resolver) { return nil, before, after })
}

// whatIfOf is whatIf where the states to compare are themselves worked out
// off the input path: work returns lines that replace the body (nil keeps
// it) and the two states (nil: nothing to compare).
func whatIfOf(d *dialog, work func() (lines []string, before, after *model.Resolver)) tea.Cmd {
	id := int(whatIfIDs.Add(1))
	d.onResult = func(msg tea.Msg) bool {
		m, ok := msg.(whatIfMsg)
		if !ok || m.id != id {
			return false
		}
		body := d.body
		if m.body != nil {
			body = m.body
		}
		body = slices.DeleteFunc(slices.Clone(body), func(l string) bool { return l == working })
		d.body = append(body, m.lines...)
		return true
	}
	return func() tea.Msg {
		body, before, after := work()
		if before == nil {
			return whatIfMsg{id: id, body: body}
		}
		diff := model.Compare(before, after)
		sum := diff.Summary()
		if len(sum) == 0 {
			return whatIfMsg{id: id, body: body, lines: []string{"No one's access changes."}}
		}
		lines := []string{"What changes, for whom:"}
		for _, l := range sum {
			lines = append(lines, "  "+l)
		}
		return whatIfMsg{id: id, body: body, lines: lines}
	}
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

func (a *App) commit(next *model.Working, m editMsg, out model.Outcome) tea.Cmd {
	s := a.c.sess
	s.setWorking(next)
	var descr []string
	for _, op := range m.ops {
		descr = append(descr, op.Describe())
	}
	text := "Done (unsaved): " + strings.Join(descr, ", ")
	for _, w := range out.Warnings {
		text += fmt.Sprintf("; warning (%s): %s", w.Cite(), safe(w.Message))
	}
	a.setStatus(text, false)
	// The tabs follow the new working copy first, so that the reply can
	// select what the edit made.
	cmd := a.refreshAll()
	if m.reply != nil {
		m.reply(true, "")
	}
	return cmd
}

func (a *App) refreshAll() tea.Cmd {
	var cmds []tea.Cmd
	for _, t := range a.tabs {
		cmds = append(cmds, t.refresh())
	}
	return tea.Batch(cmds...)
}

// tabSpans are the cells each tab's label takes on the title line.
func (a *App) tabSpans(w int) (spans [][2]int, title bool) {
	labels := make([]string, len(a.tabs))
	total := 0
	for i, t := range a.tabs {
		labels[i] = fmt.Sprintf(" %d %s ", i+1, t.label(w))
		total += width(labels[i])
	}
	title = total+width("rolecall ")+width(a.marks()) < w
	x := 0
	if title {
		x = width("rolecall ")
	}
	for _, l := range labels {
		spans = append(spans, [2]int{x, x + width(l)})
		x += width(l)
	}
	return spans, title
}

func (a *App) handleClick(m tea.Mouse) tea.Cmd {
	c := a.c
	if !a.mouse || a.tooSmall() || m.Button != tea.MouseLeft {
		return nil
	}
	if l := c.top(); l != nil {
		if f, ok := l.(*form); ok && m.Y >= 2 {
			_, bodyH := c.bodySize()
			return f.click(m.Y-2, bodyH)
		}
		return nil
	}
	if m.Y == 0 {
		spans, _ := a.tabSpans(c.width)
		for i, r := range spans {
			if m.X >= r[0] && m.X < r[1] && !a.tab().typing() {
				a.goTab(i)
			}
		}
		return nil
	}
	if m.Y >= 2 {
		return a.tab().click(m.X, m.Y-2)
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
	if a.loading {
		return a.loadingView(w, h)
	}
	if a.tooSmall() {
		// The whole notice, wrapped; on a very small terminal a shorter one,
		// never cut.
		lines := wrap(fmt.Sprintf("rolecall needs at least %dx%d; this terminal is %dx%d. Enlarge it, or press q to quit (unsaved edits are kept as a draft).", minWidth, minHeight, w, h), max(w, 10))
		if len(lines) > h || w < 10 {
			lines = wrap(fmt.Sprintf("Needs %dx%d, is %dx%d. q quits.", minWidth, minHeight, w, h), max(w, 10))
		}
		return c.fit(lines, w, h)
	}
	s := c.styles
	bodyW, bodyH := c.bodySize()
	lines := []string{a.titleLine(w), a.infoLine(w)}
	var body string
	if l := c.top(); l != nil {
		body = l.view(bodyW, bodyH)
	} else {
		body = a.tab().view(bodyW, bodyH)
	}
	lines = append(lines, strings.Split(c.fit(strings.Split(body, "\n"), w, bodyH), "\n")...)
	st := a.status
	more := " " + s.Muted.Render("("+c.keys.Log.Help().Key+": read all)")
	switch {
	case st != "" && a.isErr:
		st = "! " + st
		if width(st) > w {
			st = c.trunc(st, w-width(more)) + more
		}
		st = s.StatusError.Render(st)
	case st != "":
		if width(st) > w {
			st = c.trunc(st, w-width(more)) + more
		}
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

// loadingView is the first frame: what is being read, for how long, and
// what happens to keys meanwhile.
func (a *App) loadingView(w, h int) string {
	c := a.c
	s := c.styles
	size := ""
	if fi, err := os.Lstat(a.opts.Path); err == nil && fi.Mode().IsRegular() {
		size = fmt.Sprintf(" (%.1f MB)", float64(fi.Size())/1e6)
	}
	el := time.Since(a.started).Truncate(100 * time.Millisecond)
	spin := []string{"|", "/", "-", "\\"}[int(el/(100*time.Millisecond))%4]
	lines := []string{
		s.Title.Render("rolecall"),
		"",
		spin + " Reading " + safe(a.opts.Path) + size + ": " + el.String(),
		"",
		s.Muted.Render("Keys are ignored until the account is read; q or ctrl+c quits."),
	}
	if a.ignored > 0 {
		lines = append(lines, s.Warn.Render(fmt.Sprintf("%d %s ignored.", a.ignored, plural(a.ignored, "key", "keys"))))
	}
	var out []string
	for _, l := range lines {
		out = append(out, wrap(l, max(w, 10))...)
	}
	return c.fit(out, w, h)
}

// marks are the UNSAVED and READ-ONLY marks of the title line.
func (a *App) marks() string {
	c := a.c
	s := c.styles
	var marks []string
	if c.sess != nil && c.sess.dirty() {
		marks = append(marks, s.Marker.Render(s.G.Unsaved))
	}
	if c.readOnly {
		marks = append(marks, s.Marker.Render("READ-ONLY"))
	}
	return strings.Join(marks, " ")
}

func (a *App) titleLine(w int) string {
	c := a.c
	s := c.styles
	// The same layout as tabSpans, which clicks use.
	_, title := a.tabSpans(w)
	out := ""
	if title {
		out = s.Title.Render("rolecall") + " "
	}
	for i, t := range a.tabs {
		label := fmt.Sprintf(" %d %s ", i+1, t.label(w))
		if i == a.cur {
			label = s.TabActive.Render("[" + strings.TrimSpace(label) + "]")
		} else {
			label = s.TabInactive.Render(label)
		}
		out += label
	}
	right := a.marks()
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
	if c.fileErrors {
		info = "file " + file + s.G.Sep + "HAS ERRORS: " + c.keys.Problems.Help().Key + " lists them"
	}
	if !a.mouse {
		info += s.G.Sep + "mouse off"
	}
	// The Boomi account the file is tied to, as long as fits; at its
	// shortest it stays whole and the file's name gives way.
	texts := a.syncTexts()
	if len(texts) == 0 {
		return s.Muted.Render(c.trunc(info, w))
	}
	sep := width(s.G.Sep)
	for _, t := range texts {
		if width(info)+sep+width(t) <= w {
			return s.Muted.Render(info+s.G.Sep) + t
		}
	}
	t := texts[len(texts)-1]
	return s.Muted.Render(c.trunc(info, w-sep-width(t))+s.G.Sep) + c.trunc(t, w)
}

func (a *App) helpLine(w int) string {
	c := a.c
	var acts []action
	if l := c.top(); l != nil {
		acts = l.actions()
	} else {
		acts = a.tab().actions()
		if !a.tab().typing() {
			acts = append(acts, a.globals()...)
		}
	}
	acts = c.offered(acts)
	var items []helpItem
	minor := 1
	for _, x := range acts {
		switch {
		case x.hidden:
		case sameKeys(x.b, c.keys.Save) && !c.sess.dirty():
			// ctrl+s is essential while there is something to save;
			// otherwise it is the first to give way.
			items = append(items, helpItem{b: x.b, prio: 100})
		case x.minor:
			items = append(items, helpItem{b: x.b, prio: minor})
			minor++
		default:
			items = append(items, helpItem{b: x.b})
		}
	}
	return c.shortHelp(items, w)
}

// sameKeys reports whether two bindings answer the same keys.
func sameKeys(a, b key.Binding) bool { return slices.Equal(a.Keys(), b.Keys()) }
