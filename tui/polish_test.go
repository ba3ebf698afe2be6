package tui

import (
	"strings"
	"testing"

	"rolecall/model"
)

// Columns are as wide as what they show: every email on screen is whole
// on the Users tab of a synthetic account, at 80x24 and beside the preview.
func TestUserEmailsShownWhole(t *testing.T) {
	a := model.Synthetic(2000, 200, 40, 1)
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		h := newHarness(t, Options{}, &memStore{acct: a})
		h.size(sz[0], sz[1])
		h.keys("2")
		for range 3 {
			s := h.screen()
			l := &h.app.users.list
			for k := l.offset; k < l.offset+l.height && k < l.count(); k++ {
				e := a.Users[k].Email
				if !strings.Contains(s, e+" ") {
					t.Fatalf("%v: email %s not shown whole:\n%s", sz, e, s)
				}
			}
			h.keys("pgdown")
		}
	}
}

// Beside the list (120 columns and up) the role's description wraps to the
// pane: the last privilege of Administrator shows.
func TestRoleDetailWrapsToItsPane(t *testing.T) {
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

// At 80x24 the Environments tab keeps most of its height for the list: the
// switches take a line each (their dialogs explain them).
func TestEnvironmentsListRoomAt80x24(t *testing.T) {
	a := model.Synthetic(200, 20, 40, 1)
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.keys("3")
	for _, e := range a.Environments[:12] {
		h.expect(e.Name + " ")
	}
	h.expect("Advanced Environment Access on", "Advanced User Security on", "5 Account")
	h.keys("5")
	h.expect("[x] Advanced Environment Access", "Now: Environment Management Read Access")
}

// While typing a filter the line says how many match.
func TestFilterShowsCountWhileTyping(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: bigAccount(10000)})
	h.keys("2", "/")
	h.typeText("user0424")
	h.expect("10 of 10000 users")
	h.typeText("q")
	if h.quit {
		t.Fatal("q in the filter quit")
	}
	h.expect("0 of 10000 users", "nothing matches the filter")
}

// Beside the description (120 columns) role names keep their room before
// Inherits does.
func TestRoleNamesBeforeInherits(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 40)
	h.keys("1")
	h.expect("[built-in] Production Support ", "Read-Only Environment Management ")
}
