package tui

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"rolecall/model"
	"rolecall/storage"
)

// memStore is an in-memory Store. Its stamp is a version number that
// bumps on every write; touch simulates another admin saving. Drafts are
// kept by id; held marks those a running session holds.
type memStore struct {
	acct     *model.Account
	problems []FileProblem
	version  int
	saves    int
	records  []model.Record
	drafts   map[string]Draft
	held     map[string]bool
	ids      int
	removed  int
	// failAfter makes the next save write the file and then fail.
	failAfter string
	// sync and syncErr are what Sync answers; syncReads counts the reads.
	sync      *Sync
	syncErr   error
	syncReads int
}

func (s *memStore) Sync(string) (*Sync, error) {
	s.syncReads++
	return s.sync, s.syncErr
}

func (s *memStore) Load(string) (*Loaded, error) {
	if s.acct == nil && s.problems == nil {
		return &Loaded{Missing: true, Stamp: 0}, nil
	}
	// Whether the file has errors is storage's answer, as in fileStore.
	doc := storage.Doc{Account: s.acct}
	for _, p := range s.problems {
		doc.Problems = append(doc.Problems, storage.FileProblem{Line: p.Line, Problem: p.Problem})
	}
	return &Loaded{Account: s.acct.Clone(), Problems: s.problems, Stamp: s.version, Errors: doc.HasErrors()}, nil
}

func (s *memStore) Save(path string, w *model.Working, stamp any) (any, error) {
	if stamp != s.version {
		return nil, &ChangedOnDisk{Message: path + " changed on disk since it was loaded; nothing was written"}
	}
	rec, err := w.Record()
	if err != nil {
		return nil, err
	}
	s.acct = w.Account().Clone()
	s.version++
	s.saves++
	s.records = append(s.records, rec)
	if s.failAfter != "" {
		msg := s.failAfter
		s.failAfter = ""
		return nil, &SavedButError{Stamp: s.version, Message: "saved " + path + "; " + msg}
	}
	return s.version, nil
}

func (s *memStore) touch(edit func(a *model.Account)) {
	if s.acct == nil {
		s.acct = model.Demo()
	}
	edit(s.acct)
	s.version++
}

func (s *memStore) BaseID(stamp any) string {
	if v, ok := stamp.(int); ok && (v > 0 || s.acct != nil) {
		return "v" + strconv.Itoa(v)
	}
	return ""
}

func (s *memStore) NewDraftID() string {
	s.ids++
	return "session-" + strconv.Itoa(s.ids)
}

func (s *memStore) WriteDraft(_ string, d Draft) error {
	if s.drafts == nil {
		s.drafts, s.held = map[string]Draft{}, map[string]bool{}
	}
	d.Written = time.Now()
	d.Ops = slices.Clone(d.Ops)
	s.drafts[d.ID] = d
	s.held[d.ID] = true
	return nil
}

func (s *memStore) FindDrafts(string) ([]Draft, error) {
	var out []Draft
	for id, d := range s.drafts {
		if !s.held[id] {
			out = append(out, d)
			s.held[id] = true
		}
	}
	slices.SortFunc(out, func(x, y Draft) int { return x.Written.Compare(y.Written) })
	return out, nil
}

func (s *memStore) RemoveDraft(_, id string) error {
	if _, ok := s.drafts[id]; ok {
		s.removed++
	}
	delete(s.drafts, id)
	delete(s.held, id)
	return nil
}

func (s *memStore) ReleaseDraft(_, id string) { delete(s.held, id) }

// leaveDraft puts a draft of an ended session in the store.
func (s *memStore) leaveDraft(base string, ops ...model.Op) {
	if s.drafts == nil {
		s.drafts, s.held = map[string]Draft{}, map[string]bool{}
	}
	s.ids++
	id := "ended-" + strconv.Itoa(s.ids)
	s.drafts[id] = Draft{ID: id, BaseID: base, Ops: ops, Written: time.Now()}
}

// harness drives an App through Update, running the commands it returns
// the way the Bubble Tea runtime would (quit is recorded, not obeyed).
type harness struct {
	t    *testing.T
	app  *App
	quit bool
}

func newHarness(t *testing.T, opts Options, st Store) *harness {
	t.Helper()
	if opts.Path == "" {
		opts.Path = "test.toml"
	}
	app, err := newApp(opts, st)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, app: app}
	h.size(80, 24)
	return h
}

func (h *harness) size(w, hh int) { h.msg(tea.WindowSizeMsg{Width: w, Height: hh}) }

func (h *harness) msg(m tea.Msg) {
	_, cmd := h.app.Update(m)
	h.run(cmd, 0)
}

func (h *harness) run(cmd tea.Cmd, depth int) {
	if cmd == nil || depth > 10 {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var m tea.Msg
	select {
	case m = <-ch:
	case <-time.After(2 * time.Second):
		// A timer (the loading notice's tick and the like): not part of
		// the flow. Work off the input path (a save, a diff) answers well
		// within this even on a loaded machine.
		return
	}
	switch m := m.(type) {
	case nil:
	case tea.QuitMsg:
		h.quit = true
	case tea.BatchMsg:
		for _, c := range m {
			h.run(c, depth+1)
		}
	default:
		_, next := h.app.Update(m)
		h.run(next, depth+1)
	}
}

// keys sends each key: a name such as "enter", "esc", "ctrl+s", "space",
// "shift+tab", "up", "down", or a single character.
func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		h.msg(keyMsg(k))
	}
}

// typeText types s one character at a time.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.msg(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	}
	if strings.HasPrefix(k, "ctrl+") {
		return tea.KeyPressMsg{Code: rune(k[5]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen is the plain text on screen.
func (h *harness) screen() string { return ansi.Strip(h.app.View().Content) }

func (h *harness) expect(want ...string) {
	h.t.Helper()
	s := h.screen()
	for _, w := range want {
		if !strings.Contains(s, w) {
			h.t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

func (h *harness) expectNot(not ...string) {
	h.t.Helper()
	s := h.screen()
	for _, w := range not {
		if strings.Contains(s, w) {
			h.t.Fatalf("screen shows %q:\n%s", w, s)
		}
	}
}

// selectedLines are the lines on screen that carry the cursor mark.
func (h *harness) selectedLines() []string {
	var out []string
	for _, l := range strings.Split(h.screen(), "\n") {
		t := strings.TrimLeft(l, " │|")
		if strings.HasPrefix(t, "> ") {
			out = append(out, strings.TrimSpace(strings.TrimPrefix(t, "> ")))
		}
	}
	return out
}

// onRow reports whether a selected line starts with text followed by a
// gap, the end of the line, or (for list rows) a column.
func (h *harness) onRow(text string) bool {
	for _, l := range h.selectedLines() {
		if rowMatches(l, text) {
			return true
		}
	}
	return false
}

// rowMatches reports whether l, a line of a list with its cursor mark
// taken off, is the row that starts with text (see onRow).
func rowMatches(l, text string) bool {
	l = strings.TrimPrefix(l, "[built-in] ")
	// A column follows after two spaces at least; an email is followed by
	// its user's name after one.
	return l == text || strings.HasPrefix(l, text+"  ") || strings.Contains(text, "@") && strings.HasPrefix(l, text+" ")
}

// jumpTo looks at the screen once and, when it shows the row that starts
// with text in the same column as the one selected, presses down or up as
// many times as the rows between them. It reports whether it pressed; the
// caller checks where that led (another pane may show the same text).
func (h *harness) jumpTo(text string) bool {
	sel, tgt, col := -1, -1, -1
	lines := strings.Split(h.screen(), "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " │|")
		if strings.HasPrefix(t, "> ") && sel < 0 {
			sel, col = i, len(l)-len(t)
		}
	}
	if sel < 0 {
		return false
	}
	for i, l := range lines {
		if i == sel || len(l) < col+2 || strings.TrimLeft(l[:col], " │|") != "" {
			continue
		}
		if t := l[col:]; strings.HasPrefix(t, "  ") && rowMatches(strings.TrimSpace(t), text) {
			if tgt < 0 || abs(i-sel) < abs(tgt-sel) {
				tgt = i
			}
		}
	}
	if tgt < 0 {
		return false
	}
	key := "down"
	if tgt < sel {
		key = "up"
	}
	for range abs(tgt - sel) {
		h.keys(key)
	}
	return true
}

func abs(n int) int { return max(n, -n) }

// moveTo presses down (then up) until the selected row starts with text:
// straight there when the row is on screen, else one row at a time.
func (h *harness) moveTo(text string, limit int) {
	h.t.Helper()
	if h.onRow(text) || h.jumpTo(text) && h.onRow(text) {
		return
	}
	for range limit + 1 {
		if h.onRow(text) {
			return
		}
		h.keys("down")
	}
	for range limit + 1 {
		if h.onRow(text) {
			return
		}
		h.keys("up")
	}
	h.t.Fatalf("no row %q:\n%s", text, h.screen())
}

// tab shows tab n (1-5) by its number key.
func (h *harness) tab(n int) { h.keys(strconv.Itoa(n)) }

// selectUser moves the Users list to email.
func (h *harness) selectUser(email string) {
	h.t.Helper()
	h.moveTo(email, 200)
}

func (h *harness) selectRole(name string) {
	h.t.Helper()
	h.moveTo(name, 200)
}

// tick finds the option whose label starts with label in the focused
// checklist of the open form (typing filters it), ticks it with space and
// clears the filter.
func (h *harness) tick(label string) {
	h.t.Helper()
	h.keys("/")
	h.typeText(label)
	h.keys("enter")
	found := false
	for range 40 {
		for _, l := range h.selectedLines() {
			if i := strings.Index(l, "] "); i >= 0 && i <= 4 {
				rest := l[i+2:]
				if rest == label || strings.HasPrefix(rest, label+" ") {
					found = true
				}
			}
		}
		if found {
			break
		}
		h.keys("down")
	}
	if !found {
		h.t.Fatalf("no option %q:\n%s", label, h.screen())
	}
	h.keys("space", "esc")
}

// pickIn opens the focused dropdown, filters it to label, and picks the
// first match.
func (h *harness) pickIn(label string) {
	h.t.Helper()
	h.keys("space", "/")
	h.typeText(label)
	h.keys("enter")
}

// field moves the open form's focus with tab to the field labelled label.
func (h *harness) field(label string) {
	h.t.Helper()
	for range 12 {
		for _, l := range h.selectedLines() {
			if strings.HasPrefix(l, label+" ") || l == label {
				return
			}
		}
		h.keys("tab")
	}
	h.t.Fatalf("no field %q:\n%s", label, h.screen())
}

// smallAccount has no custom role: tests create them.
func smallAccount() *model.Account {
	a := &model.Account{
		Name: "Small", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Users: []model.User{
			{Email: "ann@example.com", Name: "Ann", Roles: []string{model.Administrator}},
			{Email: "eve@example.com", Name: "Eve", Roles: []string{model.StandardUser}},
		},
		Environments: []model.Environment{{Name: "Production", Classification: model.Production}},
	}
	a.Normalize()
	return a
}

func clickAt(x, y int) tea.MouseClickMsg {
	return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft}
}

// previewTo moves the preview cursor to the row labelled label.
func (h *harness) previewTo(label string) {
	h.t.Helper()
	h.moveTo(label, 120)
}

// saveAll saves through the review (ctrl+s, y).
func (h *harness) saveAll() {
	h.t.Helper()
	h.keys("ctrl+s")
	h.expect("Save ")
	h.keys("y")
}
