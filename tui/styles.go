package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Glyphs are the few symbols the UI draws; --ascii swaps them for ASCII.
type Glyphs struct {
	Cursor   string // before the selected row
	NoCursor string
	On, Off  string // checkbox
	Locked   string // checkbox that cannot change
	Radio    string // picked option
	NoRadio  string
	Ellipsis string
	Sep      string // between help items
	Dot      string // between the parts of one status (the Boomi sync)
	Rule     string // horizontal rule character
	Border   lipgloss.Border
	Unsaved  string
	Arrow    string
	Yes, No  string
}

// Styles holds every style of the UI. It is built in one place, newStyles,
// from the background (light or dark) and the --ascii switch.
type Styles struct {
	G Glyphs

	Title       lipgloss.Style
	TabActive   lipgloss.Style
	TabInactive lipgloss.Style
	Marker      lipgloss.Style // UNSAVED, READ-ONLY
	Header      lipgloss.Style // column headers, section titles
	Selected    lipgloss.Style // the row under the cursor
	Muted       lipgloss.Style
	Locked      lipgloss.Style
	Good        lipgloss.Style // allowed
	Bad         lipgloss.Style // refused
	Warn        lipgloss.Style
	Key         lipgloss.Style
	Modal       lipgloss.Style
	ModalTitle  lipgloss.Style
	Status      lipgloss.Style
	StatusError lipgloss.Style
	Help        help.Styles
	// Input is the style of text fields and filters: bubbles' defaults
	// draw the prompt and cursor in colour 7, white on a light background.
	Input textinput.Styles
}

func newStyles(isDark, ascii bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B7A6FF"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
	good := ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#6BD58A"))
	bad := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80"))
	warn := ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#FFD166"))

	g := Glyphs{
		Cursor: "> ", NoCursor: "  ", On: "[x]", Off: "[ ]", Locked: "[=]",
		Radio: "(*)", NoRadio: "( )", Ellipsis: "…", Sep: " • ", Dot: " · ", Rule: "─",
		Border: lipgloss.RoundedBorder(), Unsaved: "● UNSAVED", Arrow: "→", Yes: "yes", No: "no",
	}
	if ascii {
		g.Ellipsis, g.Sep, g.Dot, g.Rule, g.Border, g.Unsaved, g.Arrow = "~", " | ", " - ", "-", lipgloss.ASCIIBorder(), "* UNSAVED", "->"
	}

	s := Styles{G: g}
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.TabActive = lipgloss.NewStyle().Bold(true).Reverse(true)
	s.TabInactive = lipgloss.NewStyle().Foreground(muted)
	s.Marker = lipgloss.NewStyle().Bold(true).Reverse(true)
	s.Header = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Selected = lipgloss.NewStyle().Bold(true).Reverse(true)
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Locked = lipgloss.NewStyle().Foreground(muted).Faint(true)
	s.Good = lipgloss.NewStyle().Foreground(good)
	s.Bad = lipgloss.NewStyle().Foreground(bad).Bold(true)
	s.Warn = lipgloss.NewStyle().Foreground(warn)
	s.Key = lipgloss.NewStyle().Bold(true)
	s.Modal = lipgloss.NewStyle().Border(g.Border).BorderForeground(accent).Padding(0, 1)
	s.ModalTitle = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Status = lipgloss.NewStyle().Foreground(muted)
	s.StatusError = lipgloss.NewStyle().Foreground(bad).Bold(true)
	// The help line in the palette's own colours: bubbles' defaults are
	// greys (#3C3C3C, #4A4A4A on dark) that 16 colours turn into black on
	// black. Keys are bold in the terminal's own colour; the rest is muted,
	// which stays visible in 16 colours on both backgrounds.
	key := lipgloss.NewStyle().Bold(true)
	s.Help = help.Styles{
		ShortKey: key, FullKey: key,
		ShortDesc: s.Muted, FullDesc: s.Muted,
		ShortSeparator: s.Muted, FullSeparator: s.Muted, Ellipsis: s.Muted,
	}
	in := textinput.DefaultStyles(isDark)
	in.Focused.Prompt = lipgloss.NewStyle().Bold(true)
	in.Focused.Placeholder = s.Muted
	in.Blurred.Prompt = s.Muted
	in.Blurred.Placeholder = s.Muted
	in.Blurred.Text = lipgloss.NewStyle()
	in.Cursor.Color = accent
	in.Cursor.Blink = false
	s.Input = in
	return s
}
