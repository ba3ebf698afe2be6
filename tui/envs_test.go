package tui

import (
	"regexp"
	"strings"
	"testing"

	"rolecall/model"
)

func TestEnvironmentsTabRolesWithAccess(t *testing.T) {
	t.Parallel()
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

// At 80x24 the Environments tab keeps most of its height for the list: the
// switches take a line each (their dialogs explain them).
func TestEnvironmentsListRoomAt80x24(t *testing.T) {
	t.Parallel()
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

// Restricting an environment to two roles names both.
func TestRestrictEnvironmentNamesEveryRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("3")
	h.moveTo("Development", 20)
	h.keys("enter")
	h.tick("Support")
	h.tick("Cannot View Data")
	h.keys("enter")
	h.expect("Restrict Development to Support and Cannot View Data?")
}

// The remove-environment dialog says who sees it.
func TestRemoveEnvironmentDialogSaysWhoSeesIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("3")
	h.moveTo("Development", 20)
	h.keys("d")
	h.expect("Remove", "Development", "7 of 9")
}

// Found while testing the fixes of the old main: the note under that title, from
// model.StopsBeingOpen, still names only the first role ticked ("only
// holders of Support (by identity) or of Environment Management").
func TestRestrictEnvironmentNoteNamesEveryRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("3")
	h.moveTo("Development", 20)
	h.keys("enter")
	h.tick("Support")
	h.tick("Cannot View Data")
	h.keys("enter")
	h.expect("Development stops being open")
	body := strings.Join(strings.Fields(strings.NewReplacer("│", " ", "|", " ").Replace(h.screen())), " ")
	i := strings.Index(body, "only holders of")
	if i < 0 || !strings.Contains(body[i:min(len(body), i+120)], "Cannot View Data") {
		t.Fatalf("the note names only one of the two roles: %s", body[max(i, 0):min(len(body), max(i, 0)+160)])
	}
}

// The Environments tab keeps the switch that decides what Roles with
// Access mean (interfaces.md §3): a opens the same dialog as on the
// Account tab; read-only, the footer offers no key.
func TestEnvironmentsTabTurnsAdvancedEnvironmentAccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("3")
	h.expect("Advanced Environment Access on (a turns it off)")
	h.keys("a")
	h.expect("Turn Advanced Environment Access off?", "What changes, for whom:")
	h.keys("y")
	h.expect("UNSAVED", "Advanced Environment Access off (a turns it on)")
	h = newHarness(t, Options{ReadOnly: true}, &memStore{acct: model.Demo()})
	h.keys("3")
	h.expect("Advanced Environment Access on")
	h.expectNot("a turns it")
	h.keys("a")
	h.expectNot("Turn Advanced")
}

// The question before an edit with consequences says who gains or loses
// what (worked out off the input path): restricting Development names the
// users who stop seeing it.
func TestRestrictQuestionSaysWhoLoses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 40)
	h.keys("3", "enter")
	h.tick(model.Administrator)
	_, cmd := h.app.Update(keyMsg("enter"))
	h.expect("Restrict Development to Administrator?", "Working out who gains or loses what...")
	h.run(cmd, 0)
	h.expect("What changes, for whom:", "users no longer see Development")
	h.expectNot("Working out")
}

// At 80 columns the count of who sees each environment keeps its room
// ("9999 of 10000"), the name gives way; one environment is "1
// environment".
func TestEnvironmentCountsWholeAt80(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: bigAccount(10000)})
	h.keys("3")
	h.expect("12 environments", "Seen by")
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, "> "), "Env ") && !strings.Contains(l, "lists") && !regexp.MustCompile(`\d+ of 10000\s*$`).MatchString(l) {
			t.Fatalf("a count is cut: %q", l)
		}
	}
	a := smallAccount()
	h = newHarness(t, Options{}, &memStore{acct: a})
	h.keys("3")
	h.expect("1 environment • / filters")
}
