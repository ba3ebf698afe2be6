package tui

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"rolecall/model"
)

func TestStateIsNotColourAlone(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2")
	h.selectUser("dana@example.com")
	h.keys("4")
	s := h.screen()
	for _, w := range []string{"> Pages and actions", "[ ] needs View Data", "[x] Execute from Cannot View Data", "hidden:", "full"} {
		if !strings.Contains(s, w) {
			t.Fatalf("missing %q in\n%s", w, s)
		}
	}
	h.keys("1")
	h.expect("[built-in] Administrator", "> [built-in] Administrator")
	_ = fmt.Sprint()
}

// On a light background the filter field's prompt and cursor
// are not drawn in white (colour 7), as bubbles' textinput.DefaultStyles
// draws them whatever the background.
func TestLightBackgroundRestylesFilter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.msg(tea.BackgroundColorMsg{Color: color.White})
	h.keys("2", "/")
	h.typeText("ad")
	raw := strings.Split(h.app.View().Content, "\n")
	for i, l := range strings.Split(h.screen(), "\n") {
		if !strings.Contains(l, "/ad") {
			continue
		}
		line := raw[i]
		head := line[:strings.Index(line, "ad")]
		cursor := line[strings.Index(line, "ad"):]
		if strings.Contains(head, "[37m") || strings.Contains(cursor, ";37m") || strings.Contains(cursor, "[37m") {
			t.Fatalf("the filter's prompt or cursor is white on a light background: %q", line)
		}
		return
	}
	t.Fatalf("no filter line:\n%s", h.screen())
}

// In 16 colours the help line's separators are not black on a
// dark background.
func TestSeparatorsVisibleIn16Colours(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.msg(tea.BackgroundColorMsg{Color: color.Black})
	lines := strings.Split(h.app.View().Content, "\n")
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ANSI}
	if _, err := w.WriteString(lines[len(lines)-1]); err != nil {
		t.Fatal(err)
	}
	help := buf.String()
	i := strings.Index(help, "•")
	if i < 0 {
		t.Fatalf("no separator: %q", help)
	}
	sgr := help[:i]
	sgr = sgr[strings.LastIndex(sgr, "\x1b["):]
	if strings.HasPrefix(sgr, "\x1b[30m") || strings.Contains(sgr, ";30m") || strings.Contains(sgr, "[30;") {
		t.Fatalf("the separator is black in 16 colours: %q", sgr)
	}
}
