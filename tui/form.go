package tui

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

type fieldKind int

const (
	textField  fieldKind = iota
	pickField            // one of the options (radio)
	checkField           // any of the options (checkboxes)
)

// option is one choice of a pick or check field.
type option struct {
	value string
	label string // shown after the box
	note  string // shown muted after the label ("from Support")
	group string // a heading shown before the first option of each group
	on    bool
	// locked options cannot change (inherited privileges, R5).
	locked bool
}

type field struct {
	kind  fieldKind
	label string
	input textinput.Model
	// loaded is the value the text field was opened with, and shown what
	// the input made of it (tabs and newlines become spaces): while the
	// input still shows that, the field's value is loaded, unchanged.
	loaded, shown string
	opts          []option
	cursor        int
	summary       func() string // one-line summary when the field is not open
}

// inputBound is how many characters a text input takes at most.
const inputBound = 1 << 16

// newTextField is a text input holding value, for a field of at most limit
// characters (a model.Max* constant). Neither what is loaded nor what is
// typed or pasted is cut at the limit: the input takes it, and the model
// refuses a value over the limit, saying its length and the limit, when
// the form is applied. The input's own bound, inputBound, is far above
// every limit and the file's longest string, so a value it cuts is refused
// all the same.
func newTextField(c *common, label, value string, limit int) *field {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = max(inputBound, limit, utf8.RuneCountInString(value))
	st := textinput.DefaultStyles(c.isDark)
	st.Cursor.Blink = false
	ti.SetStyles(st)
	ti.SetValue(value)
	return &field{kind: textField, label: label, input: ti, loaded: value, shown: ti.Value()}
}

// text returns a text field's value: what was typed, or the value it was
// loaded with, exactly, when the input still shows that.
func (f *field) text() string {
	if v := f.input.Value(); v != f.shown {
		return v
	}
	return f.loaded
}

// picked returns the value of the picked option of a pick field.
func (f *field) picked() string {
	for _, o := range f.opts {
		if o.on {
			return o.value
		}
	}
	return ""
}

// ticked returns the values of the ticked, unlocked options.
func (f *field) ticked() []string {
	var out []string
	for _, o := range f.opts {
		if o.on && !o.locked {
			out = append(out, o.value)
		}
	}
	return out
}

// form is a modal editor made of fields. Enter applies it, esc cancels.
// While a text field has the keyboard every printable key is text.
type form struct {
	c      *common
	title  string
	fields []*field
	focus  int
	err    string
	// onChange runs after any option changes (to recompute locks).
	onChange func()
}

func (f *form) focusCmd() tea.Cmd {
	var cmd tea.Cmd
	for i, fl := range f.fields {
		if fl.kind != textField {
			continue
		}
		if i == f.focus {
			cmd = fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
	return cmd
}

func (f *form) cur() *field { return f.fields[f.focus] }

// formResult is what a key did to a form.
type formResult int

const (
	formNone formResult = iota
	formApply
	formCancel
)

func (f *form) update(msg tea.Msg) (formResult, tea.Cmd) {
	k := f.c.keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Cancel):
			return formCancel, nil
		case key.Matches(msg, k.Apply):
			return formApply, nil
		case key.Matches(msg, k.NextField):
			f.focus = (f.focus + 1) % len(f.fields)
			return formNone, f.focusCmd()
		case key.Matches(msg, k.PrevField):
			f.focus = (f.focus + len(f.fields) - 1) % len(f.fields)
			return formNone, f.focusCmd()
		}
		fl := f.cur()
		if fl.kind == textField {
			var cmd tea.Cmd
			fl.input, cmd = fl.input.Update(msg)
			f.err = ""
			return formNone, cmd
		}
		switch {
		case key.Matches(msg, k.Up):
			fl.cursor = max(fl.cursor-1, 0)
		case key.Matches(msg, k.Down):
			fl.cursor = min(fl.cursor+1, len(fl.opts)-1)
		case key.Matches(msg, k.PageUp):
			fl.cursor = max(fl.cursor-10, 0)
		case key.Matches(msg, k.PageDown):
			fl.cursor = min(fl.cursor+10, len(fl.opts)-1)
		case key.Matches(msg, k.Home):
			fl.cursor = 0
		case key.Matches(msg, k.End):
			fl.cursor = len(fl.opts) - 1
		case key.Matches(msg, k.Toggle):
			f.toggle(fl)
		}
	case tea.PasteMsg:
		if fl := f.cur(); fl.kind == textField {
			var cmd tea.Cmd
			fl.input, cmd = fl.input.Update(msg)
			return formNone, cmd
		}
	}
	return formNone, nil
}

func (f *form) toggle(fl *field) {
	if fl.cursor < 0 || fl.cursor >= len(fl.opts) {
		return
	}
	o := &fl.opts[fl.cursor]
	if o.locked {
		f.err = strings.TrimSpace(o.label) + " is " + o.note + " and cannot be unticked here; change Inherits Role instead (" + model.InheritedTick.Cite() + ")"
		return
	}
	f.err = ""
	if fl.kind == pickField {
		for i := range fl.opts {
			fl.opts[i].on = i == fl.cursor
		}
	} else {
		o.on = !o.on
	}
	if f.onChange != nil {
		f.onChange()
	}
}

// openField is the list field shown in full: the focused one, else the last.
func (f *form) openField() int {
	if f.cur().kind != textField {
		return f.focus
	}
	for i := len(f.fields) - 1; i >= 0; i-- {
		if f.fields[i].kind != textField {
			return i
		}
	}
	return -1
}

func (f *form) view(w, h int) string {
	c := f.c
	s := c.styles
	g := s.G
	lines := []string{s.Header.Render(f.title)}
	labelW := 14
	open := f.openField()
	for i, fl := range f.fields {
		mark := g.NoCursor
		if i == f.focus {
			mark = g.Cursor
		}
		lab := c.pad(fl.label, labelW)
		if i == f.focus {
			lab = s.Key.Render(lab)
		}
		switch {
		case fl.kind == textField:
			fl.input.SetWidth(max(w-labelW-4, 10))
			lines = append(lines, c.trunc(mark+lab+fl.input.View(), w))
		case i != open:
			sum := ""
			if fl.summary != nil {
				sum = fl.summary()
			}
			lines = append(lines, c.trunc(mark+lab+sum, w))
		default:
			sum := ""
			if fl.summary != nil {
				sum = fl.summary()
			}
			lines = append(lines, c.trunc(mark+lab+sum, w))
		}
	}
	if f.err != "" {
		for _, l := range wrap(f.err, w-2) {
			lines = append(lines, s.StatusError.Render(c.trunc(l, w)))
		}
	}
	if open >= 0 {
		rest := h - len(lines) - 1
		lines = append(lines, c.rule(w))
		lines = append(lines, f.optionLines(f.fields[open], open == f.focus, w, rest)...)
	}
	return c.fit(lines, w, h)
}

// optionLines renders the options of fl (with group headings) in h lines,
// scrolled so that the cursor shows.
func (f *form) optionLines(fl *field, focused bool, w, h int) []string {
	c := f.c
	s := c.styles
	g := s.G
	var all []string
	curLine := 0
	group := "\x00"
	for i, o := range fl.opts {
		if o.group != group {
			group = o.group
			if group != "" {
				all = append(all, s.Header.Render(c.trunc("  "+group, w)))
			}
		}
		box := g.Off
		switch {
		case fl.kind == pickField && o.on:
			box = g.Radio
		case fl.kind == pickField:
			box = g.NoRadio
		case o.locked:
			box = g.Locked
			if o.on {
				box = "[x]"
			}
		case o.on:
			box = g.On
		}
		text := box + " " + o.label
		if o.note != "" {
			text += "  " + o.note
		}
		sel := focused && i == fl.cursor
		if sel {
			curLine = len(all)
			all = append(all, c.row(text, true, w))
		} else if o.locked {
			all = append(all, s.Locked.Render(c.row(text, false, w)))
		} else {
			all = append(all, c.row(text, false, w))
		}
	}
	if h <= 0 {
		return nil
	}
	start := 0
	if curLine >= h {
		start = curLine - h + 1
	}
	end := min(start+h, len(all))
	return all[start:end]
}

func (f *form) help() helpKeys {
	k := f.c.keys
	short := []key.Binding{k.NextField, k.Apply, k.Cancel}
	if f.cur().kind != textField {
		short = []key.Binding{k.NextField, k.Up, k.Down, k.Toggle, k.Apply, k.Cancel}
	}
	return helpKeys{short: short, full: [][]key.Binding{short}}
}
