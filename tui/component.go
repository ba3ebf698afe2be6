package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// The UI is made of components that share a common context:
//
//   - tabs, in a slice (App.tabs): the tab bar, the number keys, help and
//     routing all follow from it, so adding a tab touches one place;
//   - layers on a focus stack (common.stack): forms and dialogs. The top
//     layer gets every key; each declares its keys with their help.
//
// A component's keys are actions: a binding, its help, whether it edits the
// account (turned off in one place in read-only mode) and what it does.

// action is one key a component offers.
type action struct {
	b key.Binding
	// edits: the action changes the account. In read-only mode it is not
	// offered and its key says why instead (common.dispatch).
	edits bool
	// minor: shown on the short help line only when there is room.
	minor bool
	// hidden: in the full help (?) only.
	hidden bool
	run    func() tea.Cmd
}

// do is an action with its binding and what it does.
func do(b key.Binding, run func() tea.Cmd) action { return action{b: b, run: run} }

// editing marks an action as one that changes the account.
func (a action) editing() action { a.edits = true; return a }

// lesser marks an action as shown on the short help line only when there
// is room.
func (a action) lesser() action { a.minor = true; return a }

// fullOnly keeps an action out of the short help line.
func (a action) fullOnly() action { a.hidden = true; return a }

// help renames an action's key help.
func (a action) help(keys, desc string) action {
	a.b = key.NewBinding(key.WithKeys(a.b.Keys()...), key.WithHelp(keys, desc))
	return a
}

// dispatch runs the first action whose key msg is. An editing action in
// read-only mode answers why nothing happens. ok reports whether msg was
// one of the actions' keys.
func (c *common) dispatch(msg tea.KeyPressMsg, acts []action) (cmd tea.Cmd, ok bool) {
	for _, a := range acts {
		if !key.Matches(msg, a.b) {
			continue
		}
		if a.edits && c.readOnly {
			return c.readOnlyRefusal(), true
		}
		if a.run == nil {
			return nil, true
		}
		return a.run(), true
	}
	return nil, false
}

// readOnlyRefusal says why an edit key does nothing.
func (c *common) readOnlyRefusal() tea.Cmd {
	if c.fileErrors {
		return func() tea.Msg { return showProblemsMsg{} }
	}
	return status("Read-only: opened with --read-only; nothing can be edited.", true)
}

// offered are the actions to show in help: the editing ones go in
// read-only mode.
func (c *common) offered(acts []action) []action {
	out := make([]action, 0, len(acts))
	for _, a := range acts {
		if a.edits && c.readOnly {
			continue
		}
		out = append(out, a)
	}
	return out
}

// layer is a form or a dialog on the focus stack.
type layer interface {
	// update gets every message while the layer is on top.
	update(msg tea.Msg) tea.Cmd
	// view draws the layer in w x h; it never changes state.
	view(w, h int) string
	// actions are the layer's keys, for help.
	actions() []action
}

// tab is one tab of the App.
type tab interface {
	// label is the tab's name at width w.
	label(w int) string
	// update gets keys (when no layer is open) and the results it asked for.
	update(msg tea.Msg) tea.Cmd
	// view draws the tab in w x h; it never changes state.
	view(w, h int) string
	// actions are the tab's keys now, for dispatch and help.
	actions() []action
	// refresh follows a change of the working copy.
	refresh() tea.Cmd
	// typing reports whether a text field of the tab has the keyboard (its
	// filter): then every printable key is text, not a command.
	typing() bool
	// click handles a left click at x, y of the tab's area.
	click(x, y int) tea.Cmd
}

// asker is a tab that wants results computed off the input path while it
// shows (counts): ask returns the command, or nil when it has them.
type asker interface{ ask() tea.Cmd }

// push opens l on top of the focus stack.
func (c *common) push(l layer) { c.stack = append(c.stack, l) }

// close takes l, and anything opened on top of it, off the stack.
func (c *common) close(l layer) {
	for i, x := range c.stack {
		if x == l {
			c.stack = c.stack[:i]
			return
		}
	}
}

// top is the layer that has the keyboard, or nil.
func (c *common) top() layer {
	if len(c.stack) == 0 {
		return nil
	}
	return c.stack[len(c.stack)-1]
}

// showProblemsMsg asks the App to show the file's problems again.
type showProblemsMsg struct{}
