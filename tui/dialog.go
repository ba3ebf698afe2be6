package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// dialog is a box of text with choices: each choice is a key with its help
// and what it does. Choosing closes the dialog, then runs the choice; esc
// runs onClose (nil: just close). Long bodies scroll.
type dialog struct {
	c       *common
	title   string
	body    []string
	choices []action
	// onClose runs when esc closes the dialog; nil closes it only.
	onClose func() tea.Cmd
	// closeKeys also close the dialog as esc does (info boxes: enter, q, ?).
	closeKeys []string
	// onResult takes a result computed off the input path for this dialog
	// (routed by its id); it reports whether the message was its.
	onResult func(msg tea.Msg) bool
	// groups, when set, are key groups drawn before the body (help).
	groups [][]key.Binding
	off    int
}

// newDialog is a dialog with choices.
func newDialog(c *common, title string, body []string, choices ...action) *dialog {
	return &dialog{c: c, title: title, body: body, choices: choices}
}

// info is a dialog that only informs: esc, enter, space or q close it.
func info(c *common, title string, body ...string) *dialog {
	d := newDialog(c, title, body)
	d.closeKeys = []string{"enter", "q", "space"}
	return d
}

// choice is a dialog choice on key k ("y") with its help.
func choice(k, desc string, run func() tea.Cmd) action {
	return do(key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)), run)
}

// ask pushes a yes/no question: y runs yes, n or esc runs no (nil: nothing).
func (c *common) ask(title string, body []string, yesDesc string, yes, no func() tea.Cmd) *dialog {
	d := newDialog(c, title, body,
		choice("y", yesDesc, yes),
		do(key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")), no))
	d.onClose = no
	c.push(d)
	return d
}

// escChoice reports whether a choice answers esc itself.
func (d *dialog) escChoice() bool {
	for _, ch := range d.choices {
		for _, k := range ch.b.Keys() {
			if k == "esc" {
				return true
			}
		}
	}
	return false
}

func (d *dialog) actions() []action {
	k := d.c.keys
	var out []action
	out = append(out, d.choices...)
	closeHelp := "close"
	if len(d.choices) > 0 {
		closeHelp = "cancel"
	}
	switch {
	case d.escChoice():
	case len(d.closeKeys) > 0:
		out = append(out, do(key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/enter", closeHelp)), nil))
	default:
		out = append(out, do(key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", closeHelp)), nil))
	}
	out = append(out, do(k.Down, nil).lesser(), do(k.Up, nil).lesser(), do(k.PageDown, nil).lesser())
	return out
}

func (d *dialog) update(msg tea.Msg) tea.Cmd {
	m, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if d.onResult != nil {
			d.onResult(msg)
		}
		return nil
	}
	k := d.c.keys
	w, h := d.c.bodySize()
	body, room, _ := d.layout(w, h)
	page := max(room-1, 1)
	moved := true
	switch {
	case key.Matches(m, k.Up):
		d.off--
	case key.Matches(m, k.Down):
		d.off++
	case key.Matches(m, k.PageUp):
		d.off -= page
	case key.Matches(m, k.PageDown):
		d.off += page
	case key.Matches(m, k.Home):
		d.off = 0
	case key.Matches(m, k.End):
		d.off = len(body)
	default:
		moved = false
	}
	if moved {
		d.off = max(min(d.off, len(body)-room), 0)
		return nil
	}
	for _, ch := range d.choices {
		if key.Matches(m, ch.b) {
			if ch.edits && d.c.readOnly {
				return d.c.readOnlyRefusal()
			}
			d.c.close(d)
			if ch.run == nil {
				return nil
			}
			return ch.run()
		}
	}
	s := m.String()
	close := s == "esc"
	for _, ck := range d.closeKeys {
		close = close || s == ck
	}
	if close {
		d.c.close(d)
		if d.onClose != nil {
			return d.onClose()
		}
	}
	return nil
}

// lines is the dialog's body wrapped to w.
func (d *dialog) lines(w int) []string {
	var body []string
	if d.groups != nil {
		body = d.c.fullHelpLines(d.groups, w)
	}
	for _, l := range d.body {
		body = append(body, wrapIndent(l, w)...)
	}
	return body
}

// layout measures the dialog drawn in w x h: its wrapped body, how many
// body lines show, and the first one shown.
func (d *dialog) layout(w, h int) (body []string, room, off int) {
	inner := min(w-2, 100) - 4
	body = d.lines(inner)
	// Border, title, a blank line, and the keys with a blank line above.
	room = h - 3 - len(wrap(d.title, inner))
	if len(d.choices) > 0 {
		room -= 1 + len(d.keyLines(d.keyHelp(), inner))
	}
	room = max(room, 2)
	if n := len(body); n > room {
		room-- // the line that says where we are
		off = max(min(d.off, n-room), 0)
	}
	return body, room, off
}

// keyHelp is the choices' keys as drawn.
func (d *dialog) keyHelp() []string {
	s := d.c.styles
	var keys []string
	for _, b := range d.choices {
		keys = append(keys, s.Key.Render(b.b.Help().Key)+" "+b.b.Help().Desc)
	}
	if len(d.choices) > 0 && !d.escChoice() {
		keys = append(keys, s.Key.Render("esc")+" cancel")
	}
	return keys
}

func (d *dialog) view(w, h int) string {
	c := d.c
	s := c.styles
	bw := min(w-2, 100)
	inner := bw - 4
	body, room, off := d.layout(w, h)
	title := wrap(d.title, inner)
	if n := len(body); n > room {
		// Taller than the screen: one line says where we are and how to
		// scroll.
		body = body[off : off+room]
		k := c.keys
		more := k.Down.Help().Key + " or pgdn: more below"
		if off+room >= n {
			more = "the end; " + k.Up.Help().Key + " or pgup: back up"
		} else if off > 0 {
			more = k.Up.Help().Key + " " + k.Down.Help().Key + " pgup pgdn scroll"
		}
		body = append(body, s.Muted.Render(c.trunc(fmt.Sprintf("-- lines %d-%d of %d; %s --", off+1, off+room, n, more), inner)))
	}
	keys := d.keyHelp()
	var content []string
	for _, l := range title {
		content = append(content, s.ModalTitle.Render(l))
	}
	content = append(content, "")
	for _, l := range body {
		content = append(content, c.pad(l, inner))
	}
	if len(keys) > 0 {
		content = append(content, "")
		content = append(content, d.keyLines(keys, inner)...)
	}
	return s.Modal.Width(bw).Render(strings.Join(content, "\n"))
}

// keyLines lays the choices out over as many lines as they need.
func (d *dialog) keyLines(keys []string, w int) []string {
	var out []string
	line := ""
	for _, k := range keys {
		switch {
		case line == "":
			line = k
		case width(line)+3+width(k) <= w:
			line += "   " + k
		default:
			out = append(out, line)
			line = k
		}
	}
	if line != "" {
		out = append(out, d.c.trunc(line, w))
	}
	return out
}
