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

func TestRemoveRoleRefusedR8(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.selectRole("Cannot View Data")
	h.keys("d")
	h.expect("Refused (R8)", "held by dana@example.com")
	h.expectNot("UNSAVED")
	h.keys("esc")
	h.expectNot("Refused (R8)")

	// Inherited by another role: refused too, naming it.
	h.selectRole("Read Only Access to Build Page")
	a := model.Demo()
	a.Roles = append(a.Roles, model.Role{Name: "Child", Inherits: "Read Only Access to Build Page"})
	a.Users = append(a.Users, model.User{Email: "zed@example.com", Roles: []string{"Child"}})
	a.Users[1].Roles = []string{model.StandardUser} // bo no longer holds it
	a.Normalize()
	h = newHarness(t, Options{}, &memStore{acct: a})
	h.selectRole("Read Only Access to Build Page")
	h.keys("d")
	h.expect("Refused (R8)", "inherited by Child")
}

func TestRemoveRoleWarnsOfWidening(t *testing.T) {
	a := smallAccount()
	a.Roles = []model.Role{{Name: "Release Managers", Privileges: []model.Privilege{model.RuntimeManagement}}}
	a.Environments[0].RolesWithAccess = []string{"Release Managers"}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.selectRole("Release Managers")
	h.keys("d")
	h.expect("Remove the role Release Managers?", "Production becomes open to every role")
	h.keys("n")
	h.expectNot("UNSAVED")
	h.keys("d", "y")
	h.expect("4 roles", "Done (unsaved): remove role Release Managers")
	h.keys("3")
	h.expect("Production", "open to every role")
}

func TestInheritsPickerOffersNoCycle(t *testing.T) {
	a := smallAccount()
	a.Roles = []model.Role{
		{Name: "A", Privileges: []model.Privilege{model.Execute}},
		{Name: "B", Inherits: "A"},
		{Name: "C", Inherits: "B"},
		{Name: "D"},
	}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(80, 60)
	// options are the rows of the open Inherits Role list.
	options := func() []string {
		var out []string
		for _, l := range strings.Split(h.screen(), "\n") {
			l = strings.TrimLeft(strings.TrimSpace(l), "> ")
			if strings.HasPrefix(l, "( ) ") || strings.HasPrefix(l, "(*) ") {
				out = append(out, strings.TrimSpace(l[4:]))
			}
		}
		return out
	}
	h.selectRole("A")
	h.keys("e", "tab", "tab", "enter")
	got := strings.Join(options(), "|")
	if !strings.HasPrefix(got, "Does not inherit a role|") {
		t.Fatalf("none is not first: %s", got)
	}
	for _, bad := range []string{"|A|", "|B|", "|C|"} {
		if strings.Contains(got+"|", bad) {
			t.Fatalf("editing A offers %s (a cycle): %s", bad, got)
		}
	}
	if !strings.Contains(got, "|D") || !strings.Contains(got, "|Support") {
		t.Fatalf("editing A should offer D and Support: %s", got)
	}
	h.expect("Does not inherit a role", "(*)")
	h.keys("esc", "esc")
	h.selectRole("C")
	h.keys("e", "tab", "tab", "enter")
	got = strings.Join(options(), "|") + "|"
	if !strings.Contains(got, "|A|") || !strings.Contains(got, "|B|") || strings.Contains(got, "|C|") {
		t.Fatalf("editing C should offer A and B, not C: %s", got)
	}
	// Inherited privileges are ticked, locked, and say where they come from.
	h.keys("esc", "tab")
	h.expect("[x] Execute - execute or retry processes  from A")
	h.typeText("Execute")
	h.keys("enter", "space")
	h.expect("cannot be unticked here")
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

func TestFilterNarrowsAndEscClears(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2", "/")
	h.typeText("oren")
	h.expect("oren@example.com")
	h.expectNot("ada@example.com")
	h.keys("enter")
	h.expect("filter: oren", "1 of 9")
	h.keys("esc")
	h.expect("ada@example.com", "oren@example.com")
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

func TestSaveRefusedWhenFileChangedKeepsEdits(t *testing.T) {
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("5", "a", "y")
	st.touch(func(a *model.Account) { a.Name = "Changed elsewhere" })
	h.keys("ctrl+s", "y")
	h.expect("Not saved: the file changed on disk", "changed on disk since it was loaded", "Your 1 unsaved edit is kept")
	if st.saves != 0 {
		t.Fatal("the file was written")
	}
	h.keys("r")
	// Reloaded and re-applied: the save summary is back, on the new file.
	h.expect("Save ", "Advanced Environment Access turns off")
	h.keys("y")
	if st.saves != 1 || st.acct.AdvancedEnvironmentAccess || st.acct.Name != "Changed elsewhere" {
		t.Fatalf("save after reload: saves %d, %+v", st.saves, st.acct.Name)
	}
}

func TestDraftDiscard(t *testing.T) {
	st := &memStore{acct: model.Demo()}
	st.leaveDraft("v0", model.RenameAccount{From: model.Demo().Name, To: "From the draft"})
	h := newHarness(t, Options{}, st)
	h.expect("Recovery draft found: 1 unsaved edit", `rename the account to "From the draft"`)
	h.keys("d")
	h.expect("Discard 1 unsaved edit for good?")
	h.keys("n")
	h.expect("Recovery draft found: 1 unsaved edit")
	if len(st.drafts) != 1 {
		t.Fatal("n discarded the draft")
	}
	h.keys("d", "y")
	if len(st.drafts) != 0 {
		t.Fatal("discard kept the draft")
	}
	h.expectNot("UNSAVED")
	h.expect("Recovery draft discarded")
}

func TestFileWithErrorsOpensReadOnly(t *testing.T) {
	st := &memStore{acct: model.Demo(), problems: []FileProblem{{Line: 12, Problem: model.Problem{Severity: model.Error, Rule: "R6", Message: "role \"X\" inherits \"Y\", which does not exist"}}}}
	h := newHarness(t, Options{}, st)
	h.expect("READ-ONLY", "The file has 1 error", "test.toml:12: error: role \"X\" inherits \"Y\", which does not exist (R6)")
	h.keys("esc", "ctrl+s", "n")
	h.expectNot("New custom role", "Save ")
	if st.saves != 0 {
		t.Fatal("a file with errors was saved")
	}
	// Its problems show again on a key.
	h.expect("HAS ERRORS: ! lists them")
	h.keys("!")
	h.expect("test.toml:12: error:")
}

func TestMissingFileOpensDemoAndSavesIt(t *testing.T) {
	st := &memStore{}
	h := newHarness(t, Options{}, st)
	h.expect("demo account, written on first save", "Cannot View Data")
	h.keys("ctrl+s")
	h.expect("does not exist yet")
	h.keys("y")
	if st.saves != 1 || st.acct.FindRole("Cannot View Data") < 0 {
		t.Fatal("the demo was not written")
	}
}

func TestRefusalInsideFormKeepsIt(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("n")
	h.typeText("Support") // a built-in's name: R7
	h.keys("enter")
	h.expect("New custom role", "Refused (R7)")
	// Unticking a user's last role is refused with R10.
	h.keys("esc", "y", "2", "e", "tab")
	h.tick(model.Administrator)
	h.keys("enter")
	h.expect("Edit user", "Refused (R10)")
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

func TestCompareTwoUsers(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(200, 60)
	h.keys("2")
	h.selectUser("dana@example.com")
	h.keys("x")
	h.selectUser("sam@example.com")
	h.expect("As sam@example.com", "As dana@example.com")
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

func TestPreviewExplainsPrivilegeChain(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2")
	h.selectUser("rita@example.com")
	h.keys("4")
	// Find the privilege Execute and explain it.
	h.keys("/")
	h.typeText("Execute from")
	h.keys("enter")
	h.moveTo("Execute", 20)
	h.keys("enter")
	h.expect("Explain: Execute", "Read Only Runtime Management (via Support)", "Read Only Runtime Management → Support")
	h.keys("esc")
	h.expect("[4 Preview]")
	h.expectNot("Explain: Execute")
}

func TestEnvironmentsTabRolesWithAccess(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("3")
	h.expect("Development", "open to every role", "7 of 9", "Advanced Environment Access on")
	h.keys("enter")
	h.tick("Support")
	h.keys("enter")
	h.expect("Restrict Development to Support?", "Development stops being open")
	h.keys("y")
	h.expect("restricted: 1 role")
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

func TestEditRoleShowsItsTicks(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.selectRole("Read-Only Environment Management")
	h.keys("e", "tab", "tab", "tab")
	h.expect("2 ticked, 6 inherited (locked)")
	h.typeText("Read access to Environment")
	h.expect("[x] Environment Management - Read access to Environment configuration")
	// Applying unchanged changes nothing (the first enter keeps the filter).
	h.keys("enter", "enter")
	h.expect("Nothing changed.")
	h.expectNot("UNSAVED")
}

// R4 in the explanation: a role that grants a privilege only through one
// covering it is named with that privilege, not as ticking it.
func TestPreviewExplainsCoveringSource(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 40)
	h.keys("2")
	h.selectUser("kai@example.com")
	h.keys("4", "/")
	h.typeText("Runtime Management Read Access")
	h.keys("enter")
	h.moveTo("Runtime Management Read Access", 20)
	h.keys("enter")
	h.expect("Explain: Runtime Management Read Access",
		"Standard User (built-in) has it",
		"Read-Only Environment Management ticks Runtime Management, which covers it (R4)")
	h.expectNot("covered by Runtime Management")
}

// The switches' dialogs and the environments' footer say what the model
// says (model.SwitchEffect, model.AccessSummary), for both switches, on
// and off. A dialog is narrower than the screen: its text is looked for
// up to where it may wrap.
func TestSwitchAndAccessTextsComeFromTheModel(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(220, 50)
	h.keys("3")
	h.expect(model.AccessSummary(model.Demo().Environments[0]))
	h.keys("5", "a")
	h.expect("Turn Advanced Environment Access off?", head(model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, false)))
	h.keys("y")
	h.expect("Now: " + model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, false))
	h.keys("a")
	h.expect("Turn Advanced Environment Access on?", head(model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, true)))
	h.keys("n")
	// The demo's users hold Support: turning AUS off is refused, under R3.
	h.keys("u")
	h.expect("Refused (R3)")

	a := &model.Account{AdvancedUserSecurity: true, Users: []model.User{{Email: "ada@example.com", Roles: []string{model.Administrator}}}}
	h = newHarness(t, Options{}, &memStore{acct: a})
	h.size(220, 50)
	h.keys("5", "u")
	h.expect("Turn Advanced User Security off?", head(model.SwitchEffect(model.SwitchAdvancedUserSecurity, false)))
	h.keys("y")
	h.expect("Now: " + model.SwitchEffect(model.SwitchAdvancedUserSecurity, false))
	h.keys("u")
	h.expect("Turn Advanced User Security on?", head(model.SwitchEffect(model.SwitchAdvancedUserSecurity, true)))
}

func head(s string) string { return s[:min(len(s), 60)] }
