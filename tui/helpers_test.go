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
	case <-time.After(200 * time.Millisecond):
		return // a timer (cursor blink and the like): not part of the flow
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

// pickOption moves the focused list field of the open form to the option
// whose value is v and presses space.
func (h *harness) pickOption(f *form, v string) {
	h.t.Helper()
	fl := f.cur()
	for i, o := range fl.opts {
		if o.value == v {
			for fl.cursor < i {
				h.keys("down")
			}
			for fl.cursor > i {
				h.keys("up")
			}
			h.keys("space")
			return
		}
	}
	h.t.Fatalf("no option %q in %s", v, fl.label)
}

// selectUser moves the Users list to email.
func (h *harness) selectUser(email string) {
	h.t.Helper()
	for range len(h.app.c.sess.work.Users) + 1 {
		if strings.EqualFold(h.app.users.selectedEmail(), email) {
			return
		}
		h.keys("down")
	}
	h.t.Fatalf("user %s not found", email)
}

func (h *harness) selectRole(name string) {
	h.t.Helper()
	for range len(h.app.roles.items) + 1 {
		if i := h.app.roles.list.selected(); i >= 0 && h.app.roles.items[i].name == name {
			return
		}
		h.keys("down")
	}
	h.t.Fatalf("role %s not found", name)
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

// previewTo moves the preview cursor to the first row labelled label.
func (h *harness) previewTo(label string) {
	h.t.Helper()
	p := h.app.preview
	for i, r := range p.rows {
		if strings.TrimSpace(r.label) == label {
			for p.cursor < i {
				h.keys("down")
			}
			for p.cursor > i {
				h.keys("up")
			}
			return
		}
	}
	h.t.Fatalf("no preview row %q", label)
}

// selectRoleOptionView moves the open form's list cursor to value (no tick).
func (h *harness) selectRoleOptionView(v string) {
	h.t.Helper()
	fl := h.app.roles.form.cur()
	for i, o := range fl.opts {
		if o.value == v {
			for fl.cursor < i {
				h.keys("down")
			}
			return
		}
	}
	h.t.Fatalf("no option %q", v)
}
