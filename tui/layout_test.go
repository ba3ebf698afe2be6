package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"rolecall/internal/testlong"
	"rolecall/model"
)

var sizes = [][2]int{{80, 24}, {81, 25}, {100, 30}, {119, 40}, {120, 40}, {160, 50}, {200, 60}, {250, 80}}

// asciiModes are the renderings (--ascii or not) a sweep over sizes checks
// at its i-th size: both with the long tests; otherwise one, alternating,
// which halves the sweep and still shows every screen at every size, and
// each screen in both renderings at some size.
func asciiModes(i int) []bool {
	if testlong.Enabled() {
		return []bool{false, true}
	}
	return []bool{i%2 == 1}
}

// states puts the app in each screen worth checking.
var states = map[string][]string{
	"roles":        {"1"},
	"users":        {"2"},
	"users-pane":   {"2", "p"},
	"environments": {"3"},
	"preview":      {"4"},
	"explain":      {"4", "enter"},
	"role-form":    {"1", "n", "tab", "tab", "tab"},
	"picker":       {"1", "n", "tab", "tab"},
	"user-form":    {"2", "e", "tab"},
	"env-form":     {"3", "enter"},
	"help":         {"?"},
	"refusal":      {"1", "d"},
	"filter":       {"2", "/", "a"},
	"save":         {"5", "a", "y", "ctrl+s"},
	"account":      {"5"},
	"dropdown":     {"1", "n", "tab", "tab", "space"},
	"user-picker":  {"4", "u"},
	"messages":     {"1", "d", "esc", "L"},
	"discard":      {"1", "n", "x", "esc"},
	"new-env":      {"3", "n"},
}

func checkScreen(t *testing.T, name string, h *harness, w, hh int) {
	t.Helper()
	raw := h.app.View().Content
	plain := ansi.Strip(raw)
	lines := strings.Split(plain, "\n")
	if len(lines) > hh {
		t.Fatalf("%s at %dx%d: %d lines", name, w, hh, len(lines))
	}
	for i, l := range strings.Split(raw, "\n") {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("%s at %dx%d: line %d is %d wide: %q", name, w, hh, i, n, ansi.Strip(l))
		}
	}
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" || !strings.Contains(last, "esc") && !strings.Contains(last, "help") {
		t.Fatalf("%s at %dx%d: no help line at the bottom: %q\n%s", name, w, hh, last, plain)
	}
}

func TestLayoutEveryTabEverySize(t *testing.T) {
	t.Parallel()
	for name, keys := range states {
		for i, sz := range sizes {
			for _, ascii := range asciiModes(i) {
				h := newHarness(t, Options{ASCII: ascii}, &memStore{acct: model.Demo()})
				h.size(sz[0], sz[1])
				h.keys(keys...)
				checkScreen(t, name, h, sz[0], sz[1])
				if ascii {
					for i, b := range []byte(h.app.View().Content) {
						if b > 0x7e && b != 0x1b || b < 0x20 && b != '\n' && b != 0x1b {
							t.Fatalf("%s at %v with --ascii: byte %#x at %d in %q", name, sz, b, i, ansi.Strip(h.app.View().Content))
						}
					}
				}
			}
		}
	}
}

// Below the minimum the notice is read whole: wrapped, never cut (it was
// cut at 80 columns before, and q there opened a dialog nobody saw).
func TestBelowMinimumNoticeIsWhole(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{60, 20}, {79, 24}, {80, 23}, {20, 5}} {
		h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
		h.keys("5", "a", "y") // an unsaved edit: q must still quit, keeping it
		h.size(sz[0], sz[1])
		s := h.screen()
		var words []string
		for _, l := range strings.Split(s, "\n") {
			if ansi.StringWidth(l) > sz[0] {
				t.Fatalf("%v: a line wider than the terminal: %q", sz, l)
			}
			words = append(words, strings.Fields(l)...)
		}
		all := strings.Join(words, " ")
		want := "rolecall needs at least 80x24; this terminal is " + fmt.Sprintf("%dx%d", sz[0], sz[1]) + ". Enlarge it, or press q to quit (unsaved edits are kept as a draft)."
		if sz[0] < 30 {
			want = fmt.Sprintf("Needs 80x24, is %dx%d. q quits.", sz[0], sz[1])
		}
		if all != want {
			t.Fatalf("%v: notice %q, want %q", sz, all, want)
		}
		h.keys("q")
		if !h.quit {
			t.Fatalf("%v: q does not quit below the minimum", sz)
		}
	}
	// Growing back restores the layout.
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(60, 20)
	h.size(80, 24)
	h.expect("[1 Custom Roles]", "Administrator")
}
