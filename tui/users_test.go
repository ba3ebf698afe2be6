package tui

import (
	"regexp"
	"strings"
	"testing"

	"rolecall/model"
)

func TestFilterNarrowsAndEscClears(t *testing.T) {
	t.Parallel()
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

func TestCompareTwoUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(200, 60)
	h.keys("2")
	h.selectUser("dana@example.com")
	h.keys("x")
	h.selectUser("sam@example.com")
	h.expect("As sam@example.com", "As dana@example.com")
}

// Columns are as wide as what they show: every email on screen is whole
// on the Users tab of a synthetic account, at 80x24 and beside the preview.
func TestUserEmailsShownWhole(t *testing.T) {
	t.Parallel()
	a := model.Synthetic(2000, 200, 40, 1)
	emails := map[string]bool{}
	for _, u := range a.Users {
		emails[u.Email] = true
	}
	at := regexp.MustCompile(`\S*@\S*`)
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		h := newHarness(t, Options{}, &memStore{acct: a})
		h.size(sz[0], sz[1])
		h.keys("2")
		for range 3 {
			s := h.screen()
			// Every row of the list, as drawn: each email on screen is one
			// of the account's, whole and followed by a space.
			rows := 0
			for _, l := range strings.Split(s, "\n") {
				for _, m := range at.FindAllStringIndex(l, -1) {
					e := l[m[0]:m[1]]
					if !emails[e] || !strings.HasPrefix(l[m[1]:]+" ", " ") {
						t.Fatalf("%v: email %q not shown whole:\n%s", sz, e, s)
					}
					rows++
				}
			}
			if rows < sz[1]/2 {
				t.Fatalf("%v: only %d emails on screen:\n%s", sz, rows, s)
			}
			h.keys("pgdown")
		}
	}
}

// While typing a filter the line says how many match.
func TestFilterShowsCountWhileTyping(t *testing.T) {
	t.Parallel()
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

func TestCompareModeExitOnHelpLine(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2", "x", "down")
	lines := strings.Split(h.screen(), "\n")
	help := lines[len(lines)-1]
	if !strings.Contains(help, "esc stop comparing") {
		t.Fatalf("the help line lacks esc stop comparing: %q", help)
	}
	h.keys("esc")
	h.expect("Comparison ended.")
}

// On a wide Users tab a click on the preview never moves the
// list; a click on a form's checkbox ticks it.
func TestClickOnWidePreviewLeavesList(t *testing.T) {
	t.Parallel()
	for _, w := range []int{200, 240, 247, 250, 300} {
		h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
		h.size(w, 40)
		h.keys("2")
		lines := strings.Split(h.screen(), "\n")
		x := -1
		for _, l := range lines {
			if i := strings.Index(l, "As ada@example.com"); i >= 0 {
				x = len([]rune(l[:i]))
			}
		}
		if x < 0 {
			t.Fatalf("%d: no preview beside the list:\n%s", w, h.screen())
		}
		for _, dx := range []int{0, 5} {
			h.msg(clickAt(x+dx, 2+4))
			if !strings.Contains(h.screen(), "As ada@example.com") {
				t.Fatalf("%d columns: a click on the preview at x=%d moved the list:\n%s", w, x+dx, h.screen())
			}
		}
	}
}
