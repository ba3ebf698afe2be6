package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rolecall/model"
)

func TestRemoveRoleRefusedR8(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	h.keys("e", "tab", "tab", "space")
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
	h.keys("e", "tab", "tab", "space")
	got = strings.Join(options(), "|") + "|"
	if !strings.Contains(got, "|A|") || !strings.Contains(got, "|B|") || strings.Contains(got, "|C|") {
		t.Fatalf("editing C should offer A and B, not C: %s", got)
	}
	// Inherited privileges are ticked, locked, and say where they come from.
	h.keys("esc", "tab")
	h.expect("[x] Execute - execute or retry processes  from A")
	h.typeText("Execute")
	h.keys("enter", "space")
	h.expect("Refused (R5): Execute is inherited from A and cannot be unticked; change", "Inherits Role instead")
}

func TestEditRoleShowsItsTicks(t *testing.T) {
	t.Parallel()
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

// Beside the list (120 columns and up) the role's description wraps to the
// pane: the last privilege of Administrator shows.
func TestRoleDetailWrapsToItsPane(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{120, 40}, {200, 60}} {
		h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
		h.size(sz[0], sz[1])
		h.keys("1")
		h.selectRole(model.Administrator)
		h.expect("View Results")
		for _, l := range strings.Split(h.screen(), "\n")[2:] {
			if w := sz[0] * 2 / 5; len([]rune(l)) > w && strings.Contains(string([]rune(l)[len([]rune(l))-w:]), "…") {
				t.Fatalf("%v: the detail pane is cut: %q", sz, l)
			}
		}
	}
	// Narrow: what does not fit is announced, not cut silently.
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("1")
	h.selectRole(model.Administrator)
	h.expect("more lines: v shows the role in full")
	h.keys("v")
	h.expect("Role Administrator", "Grants: ", "View Audit Logs", "Results")
}

// Beside the description (120 columns) role names keep their room before
// Inherits does.
func TestRoleNamesBeforeInherits(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 40)
	h.keys("1")
	h.expect("[built-in] Production Support ", "Read-Only Environment Management ")
}

func TestRoleThatGrantsNothingIsPointedOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: smallAccount()})
	h.keys("n")
	h.typeText("Empty")
	h.expect("grants nothing")
	h.keys("enter")
	h.keys("ctrl+s")
	h.expect(`"Empty" grants nothing`)
}

// A role held by users but inherited by none is refused
// without talking of Inherits Role.
func TestRoleRemovalRefusalOnlyNamesHolders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.selectRole("Cannot View Data")
	h.keys("d")
	h.expect("Refused (R8)", "dana@example.com")
	h.expectNot("Inherits Role first")
}

// A description with U+202E is never written raw, and survives
// an edit of the role's privileges byte for byte.
func TestBidiDescriptionKeptAndNeverRaw(t *testing.T) {
	t.Parallel()
	a := smallAccount()
	desc := "left\u202Eright"
	a.Roles = []model.Role{{Name: "Tricky", Description: desc, Privileges: []model.Privilege{model.Execute}}}
	st := &memStore{acct: a}
	h := newHarness(t, Options{}, st)
	h.selectRole("Tricky")
	for _, k := range []string{"v", "esc", "e"} {
		h.keys(k)
		if strings.ContainsRune(h.app.View().Content, '\u202E') {
			t.Fatalf("after %s U+202E is written raw to the terminal", k)
		}
	}
	h.expect("Edit")
	h.field("Privileges")
	h.tick("View Results")
	h.keys("enter")
	h.keys("ctrl+s")
	h.expectNot("description")
	h.keys("y")
	if st.saves != 1 {
		t.Fatal("not saved")
	}
	r := st.acct.Roles[st.acct.FindRole("Tricky")]
	if r.Description != desc {
		t.Fatalf("description rewritten: %q, want %q", r.Description, desc)
	}
}

// Found while testing the fixes of the old main: on a file that could not be read at all the
// Roles tab lists the four built-in roles as if the account were empty and
// says nothing of the file (the Users and Environments tabs do).
func TestBrokenTOMLRolesTabSaysSo(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "acct.toml")
	if err := os.WriteFile(path, []byte("name = \"Acme\"\n[[roles]\nname = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.keys("esc", "1")
	h.expect("the file could not be read")
}
