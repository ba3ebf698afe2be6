package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// filterResultMsg carries the rows matching a filter back to the list that
// asked for them. Filtering runs in a tea.Cmd, off the input path.
type filterResultMsg struct {
	list  string
	seq   int
	query string
	rows  []int
}

// listModel is a cursor over n items, optionally narrowed by a filter. It
// renders only the rows that fit, so its cost does not grow with n.
type listModel struct {
	c      *common
	id     string
	n      int
	rows   []int // items shown, in order; nil when not filtered
	cursor int   // position in the shown rows
	offset int
	height int

	input     textinput.Model
	filtering bool // the filter field has the keyboard
	query     string
	seq       int
	// text returns the searchable text of item i of the current source.
	text func(i int) string
}

func newList(c *common, id string) listModel {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "type to filter"
	l := listModel{c: c, id: id, input: ti, height: 10}
	l.restyle()
	return l
}

// restyle gives the filter field the styles of the background (light or
// dark): called when the background is known.
func (l *listModel) restyle() { l.input.SetStyles(l.c.styles.Input) }

// count is how many rows are shown.
func (l *listModel) count() int {
	if l.rows != nil {
		return len(l.rows)
	}
	return l.n
}

// selected returns the item under the cursor, or -1.
func (l *listModel) selected() int {
	if l.count() == 0 {
		return -1
	}
	if l.rows != nil {
		return l.rows[l.cursor]
	}
	return l.cursor
}

// setSource changes the items (after an edit); it re-runs the filter.
func (l *listModel) setSource(n int, text func(int) string) tea.Cmd {
	l.n, l.text = n, text
	if l.rows != nil {
		kept := l.rows[:0:0]
		for _, r := range l.rows {
			if r < n {
				kept = append(kept, r)
			}
		}
		l.rows = kept
	}
	l.clamp()
	if l.query != "" {
		return l.runFilter(l.query)
	}
	return nil
}

// selectItem puts the cursor on item i when it is shown.
func (l *listModel) selectItem(i int) {
	if l.rows == nil {
		if i >= 0 && i < l.n {
			l.cursor = i
		}
	} else {
		for k, r := range l.rows {
			if r == i {
				l.cursor = k
				break
			}
		}
	}
	l.clamp()
}

func (l *listModel) clamp() {
	n := l.count()
	if l.cursor >= n {
		l.cursor = n - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
	h := max(l.height, 1)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	if l.offset > max(n-h, 0) {
		l.offset = max(n-h, 0)
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

func (l *listModel) setHeight(h int) {
	l.height = max(h, 1)
	l.clamp()
}

func (l *listModel) move(d int) {
	l.cursor += d
	l.clamp()
}

// routeKey handles the keys every list handles alike: typing into its
// filter, moving, / to start filtering, and esc to clear a kept filter.
// done reports whether msg was one of them.
func (l *listModel) routeKey(msg tea.KeyPressMsg, k KeyMap) (cmd tea.Cmd, done bool) {
	switch {
	case l.filtering:
		return l.updateFilter(msg), true
	case l.updateNav(msg):
		return nil, true
	case key.Matches(msg, k.Filter):
		return l.startFilter(), true
	case key.Matches(msg, k.Back) && l.query != "":
		l.clearFilter()
		return nil, true
	}
	return nil, false
}

// runFilter returns the command that computes the rows matching q.
func (l *listModel) runFilter(q string) tea.Cmd {
	l.seq++
	seq, id, n, text := l.seq, l.id, l.n, l.text
	return func() tea.Msg {
		return filterResultMsg{list: id, seq: seq, query: q, rows: matchRows(q, n, text)}
	}
}

// matchRows keeps the items whose text holds every word of q, ignoring case.
func matchRows(q string, n int, text func(int) string) []int {
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		return nil
	}
	out := []int{}
	for i := 0; i < n; i++ {
		t := strings.ToLower(text(i))
		ok := true
		for _, w := range words {
			if !strings.Contains(t, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// applyResult takes a filter result if it is the latest one for this list.
func (l *listModel) applyResult(m filterResultMsg) bool {
	if m.list != l.id || m.seq != l.seq {
		return false
	}
	cur := l.selected()
	l.query = m.query
	l.rows = m.rows
	l.cursor = 0
	l.offset = 0
	if cur >= 0 {
		l.selectItem(cur)
	}
	l.clamp()
	return true
}

func (l *listModel) clearFilter() {
	cur := l.selected()
	l.seq++ // drop results under way
	l.query = ""
	l.rows = nil
	l.input.SetValue("")
	l.input.Blur()
	l.filtering = false
	if cur >= 0 {
		l.cursor = cur
	}
	l.clamp()
}

// startFilter gives the keyboard to the filter field.
func (l *listModel) startFilter() tea.Cmd {
	l.filtering = true
	l.input.SetValue(l.query)
	l.input.CursorEnd()
	return l.input.Focus()
}

// updateFilter handles a key while the filter field has the keyboard. Every
// key is the filter's: only esc, enter and the arrows mean something else.
func (l *listModel) updateFilter(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		l.clearFilter()
		return nil
	case "enter":
		l.filtering = false
		l.input.Blur()
		// Keys after enter act on the rows the filter shows: a match still
		// under way is done now, so that e or d never acts on a row the
		// filter was about to hide.
		if v := l.input.Value(); strings.TrimSpace(v) != "" && v != l.query {
			l.applyResult(filterResultMsg{list: l.id, seq: l.seq, query: v, rows: matchRows(v, l.n, l.text)})
		}
		return nil
	case "up":
		l.move(-1)
		return nil
	case "down":
		l.move(1)
		return nil
	}
	before := l.input.Value()
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	if v := l.input.Value(); v != before {
		if strings.TrimSpace(v) == "" {
			l.seq++
			l.query, l.rows = "", nil
			l.clamp()
		} else {
			cmd = tea.Batch(cmd, l.runFilter(v))
		}
	}
	return cmd
}

// updateNav handles navigation keys; it reports whether it used the key.
func (l *listModel) updateNav(msg tea.KeyPressMsg) bool {
	k := l.c.keys
	switch {
	case key.Matches(msg, k.Up):
		l.move(-1)
	case key.Matches(msg, k.Down):
		l.move(1)
	case key.Matches(msg, k.PageUp):
		l.move(-l.height)
	case key.Matches(msg, k.PageDown):
		l.move(l.height)
	case key.Matches(msg, k.Home):
		l.cursor = 0
		l.clamp()
	case key.Matches(msg, k.End):
		l.cursor = l.count() - 1
		l.clamp()
	default:
		return false
	}
	return true
}

// filterLine is the line above a list: the filter field, or the applied
// filter, or the count.
func (l *listModel) filterLine(what string, w int) string {
	s := l.c.styles
	switch {
	case l.filtering:
		tail := "enter keeps" + s.G.Sep + "esc clears"
		if l.query != "" {
			tail = itoa(l.count()) + " of " + l.many(what) + s.G.Sep + tail
		}
		l.input.SetWidth(max(w-width(tail)-4, 10))
		return l.c.trunc(l.input.View()+s.Muted.Render("  "+tail), w)
	case l.query != "":
		return l.c.trunc(s.Header.Render("filter: ")+safe(l.query)+s.Muted.Render(" ("+itoa(l.count())+" of "+l.many(what)+"; / change, esc clear)"), w)
	}
	return l.c.trunc(s.Muted.Render(l.many(what)+s.G.Sep+"/ filters"), w)
}

// viewIn renders the rows that fit in h lines with render(item, selected),
// scrolled so that the cursor shows. It changes nothing: the offset kept
// for the next move is the list's own (its height comes from the layout).
func (l *listModel) viewIn(h int, render func(i int, selected bool) string) []string {
	h = max(h, 1)
	off := l.offset
	if l.cursor < off {
		off = l.cursor
	}
	if l.cursor >= off+h {
		off = l.cursor - h + 1
	}
	off = max(min(off, l.count()-h), 0)
	var out []string
	for k := off; k < l.count() && k < off+h; k++ {
		i := k
		if l.rows != nil {
			i = l.rows[k]
		}
		out = append(out, render(i, k == l.cursor))
	}
	if l.count() == 0 {
		if l.query != "" {
			out = append(out, l.c.styles.Muted.Render("  nothing matches the filter"))
		} else if l.c.unreadable {
			out = append(out, l.c.styles.Muted.Render("  (none: the file could not be read; "+l.c.keys.Problems.Help().Key+" lists its problems)"))
		} else {
			out = append(out, l.c.styles.Muted.Render("  (none)"))
		}
	}
	return out
}

// click puts the cursor on the row at y (0: first visible row).
func (l *listModel) click(y int) bool {
	k := l.offset + y
	if y < 0 || k >= l.count() || y >= l.height {
		return false
	}
	l.cursor = k
	l.clamp()
	return true
}

// many is "1 role", "9 roles": how many items there are, what being the
// plural ("roles", "users", "environments").
func (l *listModel) many(what string) string {
	if l.n == 1 {
		return "1 " + strings.TrimSuffix(what, "s")
	}
	return itoa(l.n) + " " + what
}
