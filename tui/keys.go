package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the UI, with its help text. Whether a key edits
// the account (and so is off in read-only mode) is said by the action that
// uses it (component.go).
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End            key.Binding
	NextTab, PrevTab                                 key.Binding
	Filter, Help, Back, Quit, ForceQuit, Save, Mouse key.Binding
	Enter, Log, SaveAs, Problems, Copy, Pick         key.Binding
	// Accounts switches to another account of the file's account group.
	Accounts key.Binding
	// ArrowUp and ArrowDown move in lists that filter as one types (j and
	// k are text there).
	ArrowUp, ArrowDown key.Binding

	// Lists.
	New, Edit, Duplicate, Remove, Preview, Compare, Drill, View key.Binding
	// Environments tab.
	ToggleAEA, ToggleAUS key.Binding

	// Forms and dialogs.
	NextField, PrevField, Toggle, Apply, Cancel, Yes, No, Reload, Restore, Discard, Later, KeepMine, TakeTheirs key.Binding
}

func newKeyMap(ascii bool) KeyMap {
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
		NextTab:   b("tab/]", "next tab", "tab", "]", "l"),
		PrevTab:   b("shift+tab/[", "previous tab", "shift+tab", "[", "h"),
		Filter:    b("/", "filter", "/"),
		Help:      b("?", "help", "?"),
		Back:      b("esc", "back", "esc"),
		Quit:      b("q", "quit", "q"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
		Save:      b("ctrl+s", "save", "ctrl+s"),
		Mouse:     b("m", "mouse on/off", "m"),
		Enter:     b("enter", "open", "enter"),
		Log:       b("L", "messages", "L"),
		SaveAs:    b("S", "save as", "S"),
		Problems:  b("!", "file problems", "!"),
		Copy:      b("y", "copy as text", "y"),
		Pick:      b("u", "pick user", "u"),
		Accounts:  b("A", "switch account", "A"),
		ArrowUp:   b("↑", "up", "up"),
		ArrowDown: b("↓", "down", "down"),

		New:       b("n", "new", "n"),
		Edit:      b("e/enter", "edit", "e", "enter"),
		Duplicate: b("c", "duplicate", "c"),
		Remove:    b("d", "remove", "d", "delete"),
		Preview:   b("p", "preview", "p"),
		Compare:   b("x", "compare", "x"),
		Drill:     b("enter", "explain", "enter"),
		View:      b("v", "view in full", "v"),
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
		k.ArrowUp.SetHelp("up", "up")
		k.ArrowDown.SetHelp("down", "down")
		k.Up.SetHelp("up/k", "up")
		k.Down.SetHelp("down/j", "down")
	}
	return k
}
