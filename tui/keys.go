package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the UI, with its help text. Edit keys are disabled
// in read-only mode, which also takes them out of the help.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End            key.Binding
	NextTab, PrevTab, Tab1, Tab2, Tab3, Tab4         key.Binding
	Filter, Help, Back, Quit, ForceQuit, Save, Mouse key.Binding
	Enter                                            key.Binding

	// Lists.
	New, Edit, Duplicate, Remove, Preview, Compare, Drill key.Binding
	// Environments tab.
	ToggleAEA, ToggleAUS key.Binding

	// Forms and dialogs.
	NextField, PrevField, Toggle, Apply, Cancel, Yes, No, Reload, Restore, Discard, Later, KeepMine, TakeTheirs key.Binding
}

func newKeyMap(readOnly, ascii bool) KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	k := KeyMap{
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:  b("pgdn", "page down", "pgdown", "ctrl+d"),
		Home:      b("g/home", "first", "home", "g"),
		End:       b("G/end", "last", "end", "G"),
		NextTab:   b("tab", "next tab", "tab"),
		PrevTab:   b("shift+tab", "previous tab", "shift+tab"),
		Tab1:      b("1", "roles", "1"),
		Tab2:      b("2", "users", "2"),
		Tab3:      b("3", "environments", "3"),
		Tab4:      b("4", "preview", "4"),
		Filter:    b("/", "filter", "/"),
		Help:      b("?", "help", "?"),
		Back:      b("esc", "back", "esc"),
		Quit:      b("q", "quit", "q"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
		Save:      b("ctrl+s", "save", "ctrl+s"),
		Mouse:     b("m", "mouse on/off", "m"),
		Enter:     b("enter", "open", "enter"),

		New:       b("n", "new", "n"),
		Edit:      b("e/enter", "edit", "e", "enter"),
		Duplicate: b("c", "duplicate", "c"),
		Remove:    b("d", "remove", "d", "delete"),
		Preview:   b("p", "preview", "p"),
		Compare:   b("x", "compare", "x"),
		Drill:     b("enter", "explain", "enter"),
		ToggleAEA: b("a", "env access", "a"),
		ToggleAUS: b("u", "user security", "u"),

		NextField:  b("tab", "next field", "tab"),
		PrevField:  b("shift+tab", "previous field", "shift+tab"),
		Toggle:     b("space", "tick", "space"),
		Apply:      b("enter", "apply", "enter"),
		Cancel:     b("esc", "cancel", "esc"),
		Yes:        b("y", "yes", "y"),
		No:         b("n/esc", "no", "n", "esc"),
		Reload:     b("r", "reload and re-apply", "r"),
		Restore:    b("r", "restore", "r"),
		Discard:    b("d", "discard", "d"),
		Later:      b("esc", "decide later", "esc"),
		KeepMine:   b("m", "keep mine", "m"),
		TakeTheirs: b("t", "take theirs", "t"),
	}
	if ascii {
		k.Up.SetHelp("up/k", "up")
		k.Down.SetHelp("down/j", "down")
	}
	if readOnly {
		for _, e := range []*key.Binding{&k.New, &k.Edit, &k.Duplicate, &k.Remove, &k.Save, &k.ToggleAEA, &k.ToggleAUS} {
			e.SetEnabled(false)
		}
	}
	return k
}

// helpKeys are the keys of one screen: short are the essential ones of
// the short help line, always shown; minor follow them when the line has
// room, the first ones first; full is every key, in groups, for ? help.
type helpKeys struct {
	short []key.Binding
	minor []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }
