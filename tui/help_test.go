package tui

import (
	"regexp"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"rolecall/model"
)

// helpScreens opens ? on the current screen and returns every screen of it,
// scrolling down one line at a time to the end.
func helpScreens(t *testing.T, h *harness) []string {
	t.Helper()
	h.keys("?")
	if h.app.modal == nil || h.app.modal.kind != modalHelp {
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

// boxInterior returns the lines inside the modal box of a screen.
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
}

func TestFullHelpShowsEverythingUncut(t *testing.T) {
	for name, keys := range helpStates {
		for _, sz := range [][2]int{{80, 24}, {100, 30}, {120, 40}} {
			for _, ascii := range []bool{false, true} {
				h := newHarness(t, Options{ASCII: ascii}, &memStore{acct: model.Demo()})
				h.size(sz[0], sz[1])
				h.keys(keys...)
				screens := helpScreens(t, h)
				groups := h.app.modal.groups
				ell := "…"
				if ascii {
					ell = "~"
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
					// Every sentence can be read whole on some screen.
					_ = all
				}
				for _, g := range groups {
					for _, b := range g {
						if !b.Enabled() {
							continue
						}
						re := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(b.Help().Key) + `\s+` + regexp.QuoteMeta(b.Help().Desc) + `(\s|$)`)
						found := false
						for _, l := range all {
							found = found || re.MatchString(l)
						}
						if !found {
							t.Fatalf("%s %v ascii=%v: %q %q not shown whole in the help:\n%s", name, sz, ascii, b.Help().Key, b.Help().Desc, strings.Join(screens, "\n=====\n"))
						}
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
				// Taller than the screen: it says so, and pgup goes back.
				if len(screens) > 1 && !strings.Contains(screens[0], "more below") {
					t.Fatalf("%s %v: scrolling not announced:\n%s", name, sz, screens[0])
				}
				h.keys("pgup", "pgup", "pgup", "home")
				if h.app.modal.off != 0 {
					t.Fatalf("%s %v: home does not go back to the top", name, sz)
				}
				h.keys("esc")
				if h.app.modal != nil {
					t.Fatalf("esc does not close the help")
				}
			}
		}
	}
}

// The short help line keeps the essential keys of each screen whole at 80
// columns, ctrl+s among them when there are unsaved edits, and drops the
// others whole.
func TestShortHelpKeepsEssentialsAt80(t *testing.T) {
	for name, keys := range helpStates {
		for _, dirty := range []bool{false, true} {
			for _, ascii := range []bool{false, true} {
				h := newHarness(t, Options{ASCII: ascii}, &memStore{acct: model.Demo()})
				h.size(80, 24)
				if dirty {
					h.keys("3", "a", "y")
					if !h.app.c.sess.dirty() {
						t.Fatal("no unsaved edit")
					}
					h.app.setStatus("", false)
				}
				h.keys(keys...)
				lines := strings.Split(h.screen(), "\n")
				last := lines[len(lines)-1]
				var hk helpKeys
				if h.app.tab == tabPreview {
					hk = h.app.preview.help()
				} else {
					hk = h.app.tabModel(h.app.tab).help()
				}
				k := h.app.c.keys
				must := append([]key.Binding{}, hk.short...)
				must = append(must, k.Help, k.Quit)
				if dirty {
					must = append(must, k.Save)
				}
				for _, b := range must {
					item := b.Help().Key + " " + b.Help().Desc
					if !strings.Contains(last, item) {
						t.Errorf("%s dirty=%v ascii=%v: %q missing from the help line %q", name, dirty, ascii, item, last)
					}
				}
				if strings.Contains(last, "…") || strings.Contains(last, "~") {
					t.Errorf("%s dirty=%v ascii=%v: help line cut: %q", name, dirty, ascii, last)
				}
				// Whatever is shown is whole: every item is "key desc" of a
				// binding of this screen.
				sep := " • "
				if ascii {
					sep = " | "
				}
				var known []string
				for _, b := range append(append(must, hk.minor...), k.NextTab, k.Save) {
					known = append(known, b.Help().Key+" "+b.Help().Desc)
				}
				for _, part := range strings.Split(strings.TrimSpace(last), sep) {
					ok := false
					for _, kn := range known {
						ok = ok || part == kn
					}
					if !ok {
						t.Errorf("%s dirty=%v: %q on the help line is not a whole item (%q)", name, dirty, part, last)
					}
				}
			}
		}
	}
}
