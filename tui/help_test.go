package tui

import (
	"regexp"
	"strings"
	"testing"

	"rolecall/model"
)

// helpScreens opens ? on the current screen and returns every screen of it,
// scrolling down one line at a time to the end.
func helpScreens(t *testing.T, h *harness) []string {
	t.Helper()
	h.keys("?")
	if !strings.Contains(h.screen(), "Keys") {
		t.Fatalf("? did not open the help:\n%s", h.screen())
	}
	var out []string
	for range 200 {
		s := h.screen()
		out = append(out, s)
		if !strings.Contains(s, "-- lines ") || strings.Contains(s, "the end;") {
			return out
		}
		h.keys("j")
	}
	t.Fatalf("the help never reaches its end:\n%s", out[len(out)-1])
	return nil
}

// boxInterior returns the lines inside the box of a screen.
func boxInterior(s string, ascii bool) []string {
	side := "│"
	if ascii {
		side = "|"
	}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, side) && strings.HasSuffix(l, side) && len(l) > 2*len(side) {
			out = append(out, strings.TrimSpace(l[len(side):len(l)-len(side)]))
		}
	}
	return out
}

var helpStates = map[string][]string{
	"roles":        {"1"},
	"users":        {"2"},
	"users-pane":   {"2", "p"},
	"environments": {"3"},
	"preview":      {"4"},
	"account":      {"5"},
}

// essentials are the keys each screen's short help line must keep whole at
// 80 columns (with ? help and q quit, and ctrl+s when there are edits).
var essentials = map[string][]string{
	"roles":        {"e/enter edit", "n new", "d remove"},
	"users":        {"e/enter edit", "n new", "d remove", "p preview"},
	"users-pane":   {"enter explain", "u pick user"},
	"environments": {"e/enter roles with access", "n new", "d remove"},
	"preview":      {"enter explain", "u pick user"},
	"account":      {"a env access", "u user security", "e rename"},
}

// globalKeys are keys every tab's full help lists.
var globalKeys = []string{"ctrl+s save", "? help", "q quit", "L messages", "S save as", "m mouse on/off", "1 custom roles", "5 account", "ctrl+c quit"}

func TestFullHelpShowsEverythingUncut(t *testing.T) {
	t.Parallel()
	for name, keys := range helpStates {
		for i, sz := range [][2]int{{80, 24}, {100, 30}, {120, 40}} {
			for _, ascii := range asciiModes(i + len(name)) { // both at 80x24 across the states
				h := newHarness(t, Options{ASCII: ascii}, &memStore{acct: model.Demo()})
				h.size(sz[0], sz[1])
				h.keys(keys...)
				short := strings.Split(h.screen(), "\n")
				shortLine := short[len(short)-1]
				screens := helpScreens(t, h)
				ell := "…"
				sep := " • "
				if ascii {
					ell, sep = "~", " | "
				}
				var all []string
				for _, s := range screens {
					in := boxInterior(s, ascii)
					if len(in) == 0 {
						t.Fatalf("%s %v: no box:\n%s", name, sz, s)
					}
					for _, l := range in {
						if strings.Contains(l, ell) {
							t.Fatalf("%s %v ascii=%v: help line cut: %q\n%s", name, sz, ascii, l, s)
						}
					}
					all = append(all, in...)
				}
				// Every key of the short line, and every global key, is in
				// the full help, whole.
				want := append([]string{}, globalKeys...)
				for _, part := range strings.Split(strings.TrimSpace(shortLine), sep) {
					if part != "" && !strings.HasSuffix(part, ell) {
						want = append(want, part)
					}
				}
				for _, item := range want {
					k, d, _ := strings.Cut(item, " ")
					re := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(k) + `\s+` + regexp.QuoteMeta(d) + `(\s|$)`)
					found := false
					for _, l := range all {
						found = found || re.MatchString(l)
					}
					if !found {
						t.Fatalf("%s %v ascii=%v: %q not shown whole in the help:\n%s", name, sz, ascii, item, strings.Join(screens, "\n=====\n"))
					}
				}
				for _, note := range helpNotes {
					found := false
					for _, s := range screens {
						joined := strings.Join(strings.Fields(strings.Join(boxInterior(s, ascii), " ")), " ")
						found = found || strings.Contains(joined, note)
					}
					if !found {
						t.Fatalf("%s %v ascii=%v: %q never readable in full:\n%s", name, sz, ascii, note, strings.Join(screens, "\n=====\n"))
					}
				}
				// Taller than the screen: it says so, and home goes back.
				if len(screens) > 1 && !strings.Contains(screens[0], "more below") {
					t.Fatalf("%s %v: scrolling not announced:\n%s", name, sz, screens[0])
				}
				h.keys("pgup", "pgup", "pgup", "home")
				if len(screens) > 1 && !strings.Contains(h.screen(), "-- lines 1-") {
					t.Fatalf("%s %v: home does not go back to the top:\n%s", name, sz, h.screen())
				}
				h.keys("esc")
				h.expectNot("Keys")
			}
		}
	}
}

// The short help line keeps the essential keys of each screen whole at 80
// columns, ctrl+s among them when there are unsaved edits, and drops the
// others whole.
func TestShortHelpKeepsEssentialsAt80(t *testing.T) {
	t.Parallel()
	for name, keys := range helpStates {
		for _, dirty := range []bool{false, true} {
			for _, ascii := range []bool{false, true} {
				h := newHarness(t, Options{ASCII: ascii}, &memStore{acct: model.Demo()})
				h.size(80, 24)
				if dirty {
					h.keys("5", "a", "y")
					h.expect("UNSAVED")
				}
				h.keys(keys...)
				lines := strings.Split(h.screen(), "\n")
				last := lines[len(lines)-1]
				must := append([]string{"? help", "q quit"}, essentials[name]...)
				if dirty {
					must = append(must, "ctrl+s save")
				}
				for _, item := range must {
					if !strings.Contains(last, item) {
						t.Errorf("%s dirty=%v ascii=%v: %q missing from the help line %q", name, dirty, ascii, item, last)
					}
				}
				if strings.Contains(last, "…") || strings.Contains(last, "~") {
					t.Errorf("%s dirty=%v ascii=%v: help line cut: %q", name, dirty, ascii, last)
				}
			}
		}
	}
}

// The notes under the keys are said once, and a form's help lists the keys
// of the form, not the lists' vim keys (k is text in a field).
func TestHelpNotesOnceAndFormKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(250, 80)
	h.keys("?")
	joined := strings.Join(strings.Fields(strings.Join(boxInterior(h.screen(), false), " ")), " ")
	if n := strings.Count(joined, "esc backs out of any field"); n != 1 {
		t.Fatalf("the notes are said %d times:\n%s", n, h.screen())
	}
	h.keys("esc", "n", "f1")
	h.expect("Keys", "apply", "previous field")
	if in := strings.Join(boxInterior(h.screen(), false), "\n"); strings.Contains(in, "↑/k") {
		t.Fatalf("a form's help lists the lists' keys:\n%s", in)
	}
}
