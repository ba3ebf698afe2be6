package tui

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"rolecall/internal/testlong"
	"rolecall/model"
	"rolecall/storage"
)

// The main flow: create "Cannot View Data" (Execute + View
// Results), give it to a user instead of Standard User, see View Document
// refused in the preview, save, reload from disk and see it again.
func TestCannotViewDataFlow(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "acct.toml")
	if _, err := storage.Save(path, smallAccount(), storage.Stamp{}, storage.SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.expect("[1 Custom Roles]", "Administrator")

	// New role.
	h.keys("n")
	h.expect("New custom role")
	h.typeText("Cannot View Data")
	h.keys("tab")
	h.typeText("Runs processes without seeing documents")
	h.keys("tab") // Inherits Role
	h.expect("Does not inherit a role")
	h.keys("tab") // Privileges
	h.tick("Execute")
	h.tick("View Results")
	h.expect("2 ticked", "[x] View Results - Process Reporting")
	h.keys("/")
	h.typeText("execute")
	h.expect("[x] Execute - execute or retry processes")
	h.keys("esc")
	h.keys("enter")
	h.expectNot("New custom role")
	h.expect("Cannot View Data", "UNSAVED")

	// Give it to Eve instead of Standard User.
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("e")
	h.keys("tab") // Name -> Roles
	h.tick(model.StandardUser)
	h.tick("Cannot View Data")
	h.keys("enter")
	h.expectNot("Edit user")
	h.expect("eve@example.com", "Cannot View Data")

	// The preview refuses View Document and says why.
	h.keys("4")
	h.expect("As eve@example.com", "Process Reporting", "View Document", "[ ] needs View Data", "[x] Execute from Cannot View Data")
	h.previewTo("View Document")
	h.expect("View Document: refused: needs View Data (held by none of: Cannot View Data)")

	// Save: the summary says what changes for whom.
	h.keys("ctrl+s")
	h.expect("Save ", "What changes, for whom:", "eve@example.com")
	h.keys("y")
	h.expect("Saved ")
	h.expectNot("UNSAVED")

	// Reload from disk: the same refusal.
	h2 := newHarness(t, Options{Path: path}, fileStore{})
	h2.keys("2")
	h2.selectUser("eve@example.com")
	h2.keys("4")
	h2.previewTo("View Document")
	h2.expect("As eve@example.com", "View Document: refused: needs View Data (held by none of: Cannot View Data)")
	if d, _ := storage.Load(path); d.Account.FindRole("Cannot View Data") < 0 {
		t.Fatal("the role was not saved")
	}
}

func TestMain(m *testing.M) {
	// As a child of the process-level tests (signal_test.go), be the
	// terminal UI on the named file.
	if path := os.Getenv("ROLECALL_TUI_CHILD"); path != "" {
		// The process-level tests may shorten the draft interval, so as
		// not to wait seconds for a draft.
		if d, err := time.ParseDuration(os.Getenv("ROLECALL_TUI_DRAFT_INTERVAL")); err == nil {
			DraftInterval = d
		}
		os.Exit(Run(Options{Path: path, NoCache: os.Getenv("ROLECALL_NO_CACHE") != ""}))
	}
	// At GOGC=400: 2.8 -> 2.2 s of CPU for the package.
	//
	// The tests run in parallel (t.Parallel) but for those that set the
	// environment (t.Setenv), TestSignalKeepsDraft, whose inState sets
	// XDG_STATE_HOME for the whole process, and those that turn the
	// process's load cache off or on (storage.UseCache, Run with NoCache):
	// those run first, alone. The account-group tests open their files
	// with the load cache on, as the product does by default.
	flag.Parse()
	testlong.TuneGC()
	overlapWaits()
	// Each load (a harness's, an account switched to) starts the loading
	// screen's tick, and the harness waits for it: 5 ms, not 100.
	loadTickEvery = 5 * time.Millisecond
	// Keep the real storage's drafts and audit out of the user's home.
	dir, _ := os.MkdirTemp("", "rolecall-tui-test")
	os.Setenv("XDG_STATE_HOME", dir)
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// overlapWaits runs twice as many parallel tests at once as there are
// processors, unless -test.parallel is given. Some of this package's
// tests spend their time waiting rather than computing: the recipes and
// other teatest flows on their program's frames, the signal cases on the
// child processes they start. At the default (one per processor) those
// waits held the two slots while the processors idled: 1.5 s of wall time
// for the package at 2, 1.2 s at 4, for the same CPU time.
func overlapWaits() {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
}

func TestQuitWithUnsavedEditsAsks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("q")
	if !h.quit {
		t.Fatal("q without edits should quit")
	}
	st := &memStore{acct: model.Demo()}
	h = newHarness(t, Options{}, st)
	h.keys("5", "a")
	h.expect("Turn Advanced Environment Access off?")
	h.keys("y")
	h.expect("UNSAVED")
	for _, k := range []string{"q", "ctrl+c"} {
		h.keys(k)
		if h.quit {
			t.Fatalf("%s quit with unsaved edits without asking", k)
		}
		h.expect("Quit without saving?", "You have 1 unsaved edit.", "Quitting keeps them as a recovery draft")
		h.keys("n")
		h.expectNot("Quit without saving?")
	}
	if len(st.drafts) != 0 {
		t.Fatal("a draft was written before any quit or draft interval")
	}
	h.keys("q", "y")
	if !h.quit {
		t.Fatal("y should quit")
	}
	// Quitting keeps the unsaved edit as this session's draft, released so
	// that the next start offers it.
	ds, _ := st.FindDrafts("test.toml")
	if len(ds) != 1 || len(ds[0].Ops) != 1 || ds[0].Ops[0] != (model.SetSwitch{Switch: model.SwitchAdvancedEnvironmentAccess, From: true, To: false}) {
		t.Fatalf("drafts after quitting: %+v", ds)
	}
}

func TestQInFilterDoesNotQuit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	for _, tab := range []string{"1", "2", "3"} {
		h.keys(tab, "/")
		h.typeText("q1234?")
		if h.quit {
			t.Fatalf("q typed in the filter of tab %s quit", tab)
		}
		h.expect("/q1234?")
		h.keys("esc")
	}
	// And in a form's text field.
	h.keys("2", "n")
	h.typeText("q2/?")
	if h.quit {
		t.Fatal("typing in a field quit")
	}
	h.expect("New user", "Email  q2/?")
}

func TestEscNeverQuits(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	seq := [][]string{
		{"esc"}, {"2", "esc", "esc"}, {"3", "esc"}, {"4", "esc"}, {"4", "enter", "esc", "esc"},
		{"1", "n", "esc"}, {"2", "/", "esc"}, {"?", "esc"}, {"1", "d", "esc"}, {"esc", "esc", "esc"},
	}
	for _, s := range seq {
		h.keys(s...)
		if h.quit {
			t.Fatalf("esc quit after %v", s)
		}
	}
	// A form opened, esc backs out of it.
	h.keys("1", "n")
	h.expect("New custom role")
	h.keys("esc")
	h.expectNot("New custom role")
	if h.quit {
		t.Fatal("esc quit")
	}
}

func TestReadOnlyHasNoEditKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{ReadOnly: true}, &memStore{acct: model.Demo()})
	h.expect("READ-ONLY")
	for _, tab := range []string{"1", "2", "3", "5"} {
		h.keys(tab)
		h.expectNot(" new", "remove", "duplicate", "ctrl+s")
		for _, k := range []string{"n", "e", "d", "c", "a", "u"} {
			h.keys(k)
			h.expectNot("New ", "Edit ", "Turn ", "?\n", "Remove ")
			h.keys("esc")
		}
		h.keys("ctrl+s")
		h.expectNot("Save ")
	}
	h.expectNot("UNSAVED")
	// The preview still works.
	h.keys("2", "p")
	h.expect("As ada@example.com")
}

func TestTabKeysSwitchTabs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	for i, k := range []string{"2", "3", "4", "5", "1"} {
		h.keys(k)
		h.expect([]string{"[2 Users]", "[3 Environments]", "[4 Preview]", "[5 Account]", "[1 Custom Roles]"}[i])
	}
	h.keys("tab")
	h.expect("[2 Users]")
	h.keys("tab", "tab", "tab", "tab")
	h.expect("[1 Custom Roles]")
	h.keys("shift+tab")
	h.expect("[5 Account]")
	h.keys("]")
	h.expect("[1 Custom Roles]")
	h.keys("[")
	h.expect("[5 Account]")
	h.keys("l")
	h.expect("[1 Custom Roles]")
	h.keys("h")
	h.expect("[5 Account]")
}

func TestUnsafeNamesAreNeutralised(t *testing.T) {
	t.Parallel()
	a := smallAccount()
	a.Roles = []model.Role{{Name: "Evil\x1b[2Jrole", Description: "bell\x07"}}
	a.Users[0].Name = "Ann\x1b]0;pwned\x07"
	for _, tab := range []string{"1", "2", "3", "4"} {
		h := newHarness(t, Options{}, &memStore{acct: a})
		h.size(200, 60)
		h.keys(tab)
		raw := h.app.View().Content // the raw frame, escapes and all
		if strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x07") || strings.Contains(raw, "\x1b]0;") {
			t.Fatalf("tab %s wrote a control sequence from the file", tab)
		}
	}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.expect(`Evil\x1b[2Jrole`)
}

func TestMouseClicksTabsAndRows(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	x := strings.Index(h.screen(), "3 Environments")
	h.msg(clickAt(x+1, 0))
	h.expect("[3 Environments]")
	h.msg(clickAt(5, 2+2+1)) // second row of the list
	if !h.onRow("Production") {
		t.Fatalf("a click on the second row did not select it:\n%s", h.screen())
	}
	h.keys("m")
	h.msg(clickAt(strings.Index(h.screen(), "1 Custom Roles")+1, 0))
	h.expect("[3 Environments]")
	h = newHarness(t, Options{NoMouse: true}, &memStore{acct: model.Demo()})
	if h.app.View().MouseMode != 0 {
		t.Fatal("--no-mouse left the mouse on")
	}
}

// Below the minimum size only the notice shows: no key acts on a dialog
// the admin cannot see; q quits and keeps the unsaved edits as a draft.
func TestTooSmallKeysDoNotActUnseen(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	editDescription(h, "mine")
	h.keys("ctrl+s")
	h.expect("Save test.toml?")
	h.size(60, 20)
	h.expect("rolecall needs at least 80x24")
	h.keys("y")
	if st.saves != 0 {
		t.Fatal("y saved through a dialog nobody could see")
	}
	h.keys("q")
	if !h.quit {
		t.Fatal("q did not quit below the minimum size")
	}
	if ds, _ := st.FindDrafts(""); len(ds) != 1 {
		t.Errorf("quitting below the minimum size kept %d drafts", len(ds))
	}
}

// Ctrl+c in a form asks; a second ctrl+c quits keeping a draft
// of the unsaved edits and the open form's pending edit.
func TestCtrlCInFormAsksThenKeepsDraft(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("5", "a", "y")
	h.expect("UNSAVED")
	h.keys("1", "n")
	h.typeText("Pending Role")
	h.keys("ctrl+c")
	if h.quit {
		t.Fatal("ctrl+c in a form quit at once")
	}
	h.expect("Quit without saving?", "A form is open with changes not yet applied.")
	h.keys("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c on the quit dialog did not quit")
	}
	if len(st.drafts) != 1 {
		t.Fatalf("%d drafts, want 1", len(st.drafts))
	}
	for _, d := range st.drafts {
		var sw, add bool
		for _, op := range d.Ops {
			switch op := op.(type) {
			case model.SetSwitch:
				sw = true
			case model.AddRole:
				add = op.Name == "Pending Role"
			}
		}
		if !sw || !add {
			t.Fatalf("the draft lacks the unsaved edit (%v) or the form's (%v): %+v", sw, add, d.Ops)
		}
	}
}

// A message cut at 80 columns says L reads it all, and L shows
// it whole; compare mode's way out is on the help line; below the minimum
// size the notice is whole and q quits.
func TestLongMessageReadInLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2", "/")
	h.typeText("ada")
	h.keys("enter", "e")
	h.keys("tab")
	h.tick("Read Only Access to Build Page")
	h.tick("Read-Only Environment Management")
	h.tick("Write and Read Environment")
	h.keys("enter")
	h.expect("(L: read all)")
	h.keys("esc", "L")
	h.expect("Messages (1)", "ada@example.com, assign Write and Read Environment to", "ada@example.com")
}

func TestBelowMinimumNoticeWholeAndQQuits(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("5", "a", "y")
	h.size(60, 20)
	if got := strings.Join(strings.Fields(h.screen()), " "); !strings.Contains(got, "rolecall needs at least 80x24; this terminal is 60x20. Enlarge it, or press q to quit (unsaved edits are kept as a draft).") {
		t.Fatalf("the notice is not whole: %q", got)
	}
	h.keys("q")
	if !h.quit {
		t.Fatal("q below the minimum size did not quit")
	}
	if len(st.drafts) != 1 {
		t.Fatalf("%d drafts after q below the minimum, want 1", len(st.drafts))
	}
}

// blockingLoad is a store whose Load waits until release is closed.
type blockingLoad struct {
	*memStore
	release chan struct{}
}

func (s blockingLoad) Load(path string) (*Loaded, error) {
	<-s.release
	return s.memStore.Load(path)
}

// syncBuffer is a bytes.Buffer safe to write and read at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(s.b.String())
}

// While the file is read the first frame says so, keys typed
// meanwhile are counted as ignored, and the tabs come when it is read.
func TestLoadingScreenCountsIgnoredKeys(t *testing.T) {
	t.Parallel()
	st := blockingLoad{&memStore{acct: model.Demo()}, make(chan struct{})}
	in, keys := io.Pipe()
	out := &syncBuffer{}
	code := make(chan int, 1)
	go func() { code <- Run(Options{Path: "slow.toml", Store: st, Input: in, Output: out}) }()
	// waitFor waits until the output shows what, or one of the others.
	waitFor := func(what string, or ...string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			got := out.String()
			for _, w := range append([]string{what}, or...) {
				if strings.Contains(got, w) {
					return
				}
			}
		}
		close(st.release)
		out.mu.Lock()
		raw := out.b.String()
		out.mu.Unlock()
		t.Fatalf("never showed %q:\n%q", what, tail(raw, 2000))
	}
	// The terminal's size, reported in band (mode 2048): a pipe has none.
	go io.WriteString(keys, "\x1b[48;24;80;0;0t")
	waitFor("Reading slow.toml")
	// One key: once "1 key ignored." is drawn it has been counted, so the
	// release cannot let it reach the loaded app (with three, the count
	// could be drawn at one while the others were still on their way, and
	// reached the tabs: "a" opened a form that took the "q"). Counting
	// each of several keys is TestLoadingCountsEachKey's.
	io.WriteString(keys, "a")
	waitFor("1 key ignored")
	close(st.release)
	waitFor("Custom Roles")
	io.WriteString(keys, "q")
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit code %d", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("q did not quit: %q", tail(out.String(), 600))
	}
	keys.Close()
}

// Found while testing the fixes of the old main: the message log wraps at a hyphen
// and leaves the hyphen alone on a line ("assign Read", "-", "Only
// Environment Management").
func TestLogWrapKeepsHyphenatedWords(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2", "e", "tab")
	h.tick("Read Only Access to Build Page")
	h.tick("Read-Only Environment Management")
	h.tick("Write and Read Environment")
	h.keys("enter")
	h.size(200, 40)
	h.keys("L")
	h.expect("Messages (1)")
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.Trim(l, " │|") == "-" {
			t.Fatalf("a hyphen alone on a line of the log:\n%s", h.screen())
		}
	}
}

// A file in a directory that does not exist is refused before the terminal
// is taken (with no terminal at all, too), with the code of an unreadable
// file.
func TestRunRefusesMissingDirectoryBeforeTheTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodir", "acct.toml")
	if code := Run(Options{Path: path}); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
}

// --no-cache turns the storage's load cache off before anything is read.
func TestRunNoCache(t *testing.T) {
	defer storage.UseCache(true)
	path := filepath.Join(t.TempDir(), "nodir", "acct.toml")
	Run(Options{Path: path})
	if !storage.CacheEnabled() {
		t.Fatal("cache off without NoCache")
	}
	Run(Options{Path: path, NoCache: true})
	if storage.CacheEnabled() {
		t.Fatal("cache on with NoCache")
	}
}

// Each key pressed while the file is read is counted on the loading
// screen, and none acts once the account shows.
func TestLoadingCountsEachKey(t *testing.T) {
	t.Parallel()
	h := &harness{t: t, app: loadingApp(Options{Path: "slow.toml"}, &memStore{acct: model.Demo()})}
	h.size(80, 24)
	h.expect("Reading slow.toml", "Keys are ignored until the account is read")
	h.keys("n", "d", "2")
	h.expect("3 keys ignored.")
	h.run(h.app.Init(), 0)
	h.expect("[1 Custom Roles]", "Administrator")
	h.expectNot("New custom role", "UNSAVED")
}
