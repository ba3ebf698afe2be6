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
	h.expect("[1 Roles]", "Administrator")

	// New role.
	h.keys("n")
	if h.app.roles.form == nil {
		t.Fatal("n did not open the role form")
	}
	h.typeText("Cannot View Data")
	h.keys("tab")
	h.typeText("Runs processes without seeing documents")
	h.keys("tab") // Inherits Role
	h.expect("Does not inherit a role")
	h.keys("tab") // Privileges
	f := h.app.roles.form
	h.pickOption(f, "Execute")
	h.pickOption(f, "View Results")
	h.expect("[x] Execute - execute or retry processes")
	h.keys("enter")
	if h.app.roles.form != nil {
		t.Fatalf("form still open: %s", h.app.roles.form.err)
	}
	h.expect("Cannot View Data", "UNSAVED")

	// Give it to Eve instead of Standard User.
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("e")
	h.keys("tab") // Name -> Roles
	f = h.app.users.form
	h.pickOption(f, model.StandardUser)
	h.pickOption(f, "Cannot View Data")
	h.keys("enter")
	if h.app.users.form != nil {
		t.Fatalf("user form still open: %s", h.app.users.form.err)
	}
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
	if r := h2.app.c.sess.work.FindRole("Cannot View Data"); r < 0 {
		t.Fatal("the role was not saved")
	}
}

func TestRemoveRoleRefusedR8(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.selectRole("Cannot View Data")
	h.keys("d")
	h.expect("Refused (R8)", "held by dana@example.com")
	if h.app.c.sess.dirty() {
		t.Fatal("a refused removal changed the working copy")
	}
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
	if h.app.c.sess.dirty() {
		t.Fatal("n still removed the role")
	}
	h.keys("d", "y")
	if h.app.c.sess.work.FindRole("Release Managers") >= 0 {
		t.Fatal("y did not remove the role")
	}
	if h.app.c.sess.work.Environments[0].Restricted() {
		t.Fatal("Production should be open now")
	}
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
	options := func() []string {
		var out []string
		for _, o := range h.app.roles.parentF.opts {
			out = append(out, o.label)
		}
		return out
	}
	h.selectRole("A")
	h.keys("e", "tab", "tab")
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
	h.keys("esc")
	h.selectRole("C")
	h.keys("e", "tab", "tab")
	got = strings.Join(options(), "|") + "|"
	if !strings.Contains(got, "|A|") || !strings.Contains(got, "|B|") || strings.Contains(got, "|C|") {
		t.Fatalf("editing C should offer A and B, not C: %s", got)
	}
	// Inherited privileges are ticked, locked, and say where they come from.
	h.keys("tab")
	h.expect("[x] Execute - execute or retry processes  from A")
	h.pickOption(h.app.roles.form, "Execute")
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
	h.keys("3", "a")
	h.expect("Turn Advanced Environment Access off?")
	h.keys("y")
	h.expect("UNSAVED")
	for _, k := range []string{"q", "ctrl+c"} {
		h.keys(k)
		if h.quit {
			t.Fatalf("%s quit with unsaved edits without asking", k)
		}
		h.expect("Quit without saving?", "You have 1 unsaved edit. It is kept as a recovery draft")
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
	if h.quit || h.app.tab != tabUsers || h.app.users.form.fields[0].input.Value() != "q2/?" {
		t.Fatalf("typing in a field fired a shortcut: tab %d quit %v", h.app.tab, h.quit)
	}
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
	if h.app.roles.form == nil {
		t.Fatal("no form")
	}
	h.keys("esc")
	if h.app.roles.form != nil || h.quit {
		t.Fatal("esc did not close the form, or quit")
	}
}

func TestReadOnlyHasNoEditKeys(t *testing.T) {
	h := newHarness(t, Options{ReadOnly: true}, &memStore{acct: model.Demo()})
	h.expect("READ-ONLY")
	for _, tab := range []string{"1", "2", "3"} {
		h.keys(tab)
		h.expectNot(" new", "remove", "duplicate", "ctrl+s")
		for _, k := range []string{"n", "e", "enter", "d", "c", "a", "u"} {
			h.keys(k)
			if h.app.capturing() || (h.app.modal != nil && h.app.modal.kind == modalConfirmEdit) {
				t.Fatalf("%s opened an editor in read-only mode on tab %s", k, tab)
			}
		}
		h.keys("ctrl+s")
		if h.app.modal != nil && h.app.modal.kind == modalSave {
			t.Fatal("ctrl+s offered to save in read-only mode")
		}
	}
	if h.app.c.sess.dirty() {
		t.Fatal("read-only mode changed the account")
	}
	// The preview still works.
	h.keys("2", "p")
	h.expect("As ada@example.com")
}

func TestTabKeysSwitchTabs(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	for i, k := range []string{"2", "3", "4", "1"} {
		h.keys(k)
		want := []int{tabUsers, tabEnvs, tabPreview, tabRoles}[i]
		if h.app.tab != want {
			t.Fatalf("%s: tab %d, want %d", k, h.app.tab, want)
		}
	}
	h.expect("[1 Roles]")
	h.keys("tab")
	h.expect("[2 Users]")
	h.keys("tab", "tab", "tab")
	h.expect("[1 Roles]")
	h.keys("shift+tab")
	h.expect("[4 Preview]")
}

func TestSaveRefusedWhenFileChangedKeepsEdits(t *testing.T) {
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("3", "a", "y")
	st.touch(func(a *model.Account) { a.Name = "Changed elsewhere" })
	h.keys("ctrl+s", "y")
	h.expect("Not saved: the file changed on disk", "changed on disk since it was loaded", "Your 1 unsaved edit is kept")
	if !h.app.c.sess.dirty() || st.saves != 0 {
		t.Fatal("the edits were lost or the file was written")
	}
	h.keys("r")
	// Reloaded and re-applied: the save summary is back, on the new file.
	h.expect("Save ", "Advanced Environment Access turns off")
	if h.app.c.sess.work.Name != "Changed elsewhere" || h.app.c.sess.work.AdvancedEnvironmentAccess {
		t.Fatal("reload did not re-apply the edit on the new file")
	}
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
	if len(st.drafts) != 0 || h.app.c.sess.dirty() {
		t.Fatal("discard kept the draft or restored it")
	}
	h.expect("Recovery draft discarded")
}

func TestFileWithErrorsOpensReadOnly(t *testing.T) {
	st := &memStore{acct: model.Demo(), problems: []FileProblem{{Line: 12, Problem: model.Problem{Severity: model.Error, Rule: "R6", Message: "role \"X\" inherits \"Y\", which does not exist"}}}}
	h := newHarness(t, Options{}, st)
	h.expect("READ-ONLY", "The file has 1 error", "test.toml:12: error: role \"X\" inherits \"Y\", which does not exist (R6)")
	h.keys("esc", "ctrl+s", "n")
	if st.saves != 0 || h.app.roles.form != nil {
		t.Fatal("a file with errors was editable")
	}
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
	if h.app.roles.form == nil {
		t.Fatal("a refused form closed")
	}
	h.expect("Refused (R7)")
	// Unticking a user's last role is refused with R10.
	h.keys("esc", "2", "e", "tab")
	h.pickOption(h.app.users.form, model.Administrator)
	h.keys("enter")
	h.expect("Refused (R10)")
}

func TestUnsafeNamesAreNeutralised(t *testing.T) {
	a := smallAccount()
	a.Roles = []model.Role{{Name: "Evil\x1b[2Jrole", Description: "bell\x07"}}
	a.Users[0].Name = "Ann\x1b]0;pwned\x07"
	for _, tab := range []string{"1", "2", "3", "4"} {
		h := newHarness(t, Options{}, &memStore{acct: a})
		h.size(200, 60)
		h.keys(tab)
		raw := h.app.View().Content
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
	h.app.View()
	x := h.app.tabX[tabEnvs][0] + 1
	h.msg(clickAt(x, 0))
	if h.app.tab != tabEnvs {
		t.Fatalf("click on the tab: tab %d", h.app.tab)
	}
	h.msg(clickAt(5, 2+2+1)) // second row of the list
	if h.app.envs.list.selected() != 1 {
		t.Fatalf("click on a row selected %d", h.app.envs.list.selected())
	}
	h.keys("m")
	h.msg(clickAt(h.app.tabX[tabRoles][0]+1, 0))
	if h.app.tab != tabEnvs {
		t.Fatal("a click with the mouse off switched tabs")
	}
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
	// Walk to the privilege Execute and explain it.
	p := h.app.preview
	for i := range p.rows {
		if p.rows[i].kind == pvPriv && p.rows[i].priv == model.Execute {
			for p.cursor < i {
				h.keys("down")
			}
		}
	}
	h.keys("enter")
	h.expect("Explain: Execute", "Read Only Runtime Management (via Support)", "Read Only Runtime Management → Support")
	h.keys("esc")
	if h.app.tab != tabPreview || p.explain != nil {
		t.Fatal("esc should close the explanation first")
	}
}

func TestEnvironmentsTabRolesWithAccess(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("3")
	h.expect("Development", "open to every role", "7 of 9", "Advanced Environment Access [x] on")
	h.keys("enter")
	h.pickOption(h.app.envs.form, "Support")
	h.keys("enter")
	h.expect("Development stops being open")
	h.keys("y")
	if !h.app.c.sess.work.Environments[0].Restricted() {
		t.Fatal("Development was not restricted")
	}
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
	h.selectRoleOptionView("Environment Management Read Access")
	h.expect("[x] Environment Management Read Access - per environment, read only")
	// Applying unchanged keeps the ticks.
	h.keys("enter")
	r := h.app.c.sess.work.Roles[h.app.c.sess.work.FindRole("Read-Only Environment Management")]
	if len(r.Privileges) != 2 {
		t.Fatalf("ticks after an unchanged edit: %v", r.Privileges)
	}
}

// R4 in the explanation: a role that grants a privilege only through one
// covering it is named with that privilege, not as ticking it.
func TestPreviewExplainsCoveringSource(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 40)
	h.keys("2")
	h.selectUser("kai@example.com")
	h.keys("4")
	p := h.app.preview
	for i := range p.rows {
		if p.rows[i].kind == pvPriv && p.rows[i].priv == model.RuntimeManagementRead {
			for p.cursor < i {
				h.keys("down")
			}
		}
	}
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
	h.keys("a")
	h.expect("Turn Advanced Environment Access off?", head(model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, false)))
	h.keys("y")
	h.expect("Off: " + model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, false))
	h.keys("a")
	h.expect("Turn Advanced Environment Access on?", head(model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, true)))
	h.keys("n")
	// The demo's users hold Support: turning AUS off is refused, under R3.
	h.keys("u")
	h.expect("Refused (R3)")

	a := &model.Account{AdvancedUserSecurity: true, Users: []model.User{{Email: "ada@example.com", Roles: []string{model.Administrator}}}}
	h = newHarness(t, Options{}, &memStore{acct: a})
	h.size(220, 50)
	h.keys("3", "u")
	h.expect("Turn Advanced User Security off?", head(model.SwitchEffect(model.SwitchAdvancedUserSecurity, false)))
	h.keys("y")
	h.expect("Off: " + model.SwitchEffect(model.SwitchAdvancedUserSecurity, false))
	h.keys("u")
	h.expect("Turn Advanced User Security on?", head(model.SwitchEffect(model.SwitchAdvancedUserSecurity, true)))
}

func head(s string) string { return s[:min(len(s), 60)] }
