package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rolecall/model"
	"rolecall/storage"
)

// The main flow: create "Cannot View Data" (Execute + View
// Results), give it to a user instead of Standard User, see View Document
// refused in the preview, save, reload from disk and see it again.
func TestCannotViewDataFlow(t *testing.T) {
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
		os.Exit(Run(Options{Path: path}))
	}
	// Keep the real storage's drafts and audit out of the user's home.
	dir, _ := os.MkdirTemp("", "rolecall-tui-test")
	os.Setenv("XDG_STATE_HOME", dir)
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestQuitWithUnsavedEditsAsks(t *testing.T) {
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
