package tui

import (
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// width must agree with ansi.StringWidth on everything: it is only a
// faster way to the same number.
func TestWidthAgreesWithAnsi(t *testing.T) {
	t.Parallel()
	st := lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(lipgloss.Color("#5A3FC0"))
	cases := []string{
		"", "plain", "[x] Execute from Cannot View Data", st.Render("styled text"), st.Render("…") + "─•→",
		"tab\there", "ctl\x07", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\x1b[", "\x1b[31", "\x1bM",
		"é", "e\u0301", "日本語", "●\ufe0f", "→\u200d→", "a\u2028b", "\u2026\u0301", "🙂", "\x7f",
		string([]byte{0xff, 'a'}),
	}
	for r := rune(0x2000); r < 0x2700; r++ {
		cases = append(cases, string(r), "a"+string(r)+"b")
	}
	for _, s := range cases {
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Errorf("width(%q) = %d, ansi.StringWidth = %d", s, got, want)
		}
	}
}

func FuzzWidth(f *testing.F) {
	f.Add("a…b")
	f.Add("\x1b[1mX\x1b[0m")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("width(%q) = %d, ansi.StringWidth = %d", s, got, want)
		}
	})
}
