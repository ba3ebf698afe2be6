package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// helpNotes are the sentences under the keys of the full help.
var helpNotes = []string{
	"esc backs out of any field, filter or dialog and never quits. q quits (it asks first when there are unsaved edits).",
	"Typing in a field or filter never triggers a shortcut. Edits stay unsaved until ctrl+s, which first shows what changes for whom.",
}

// fullHelpLines lays out the full help in w cells: the groups of keys as
// columns side by side while they fit, the next ones below; a description
// too long for its column wraps under itself. Nothing is cut.
func (c *common) fullHelpLines(groups [][]key.Binding, w int) []string {
	s := c.styles
	const gap = 4
	type col struct {
		keyW, descW int
		rows        []key.Binding
	}
	var cols []col
	for _, g := range groups {
		var cl col
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			cl.rows = append(cl.rows, b)
			cl.keyW = max(cl.keyW, width(b.Help().Key))
			cl.descW = max(cl.descW, width(b.Help().Desc))
		}
		if len(cl.rows) > 0 {
			// A column never takes more than the whole width.
			cl.descW = min(cl.descW, max(w-cl.keyW-1, 10))
			cols = append(cols, cl)
		}
	}
	// render draws one column as lines exactly keyW+1+descW wide.
	render := func(cl col) []string {
		var out []string
		for _, b := range cl.rows {
			desc := wrap(b.Help().Desc, cl.descW)
			for i, d := range desc {
				k := ""
				if i == 0 {
					k = b.Help().Key
				}
				out = append(out, s.Help.FullKey.Render(c.pad(k, cl.keyW))+" "+s.Help.FullDesc.Render(c.pad(d, cl.descW)))
			}
		}
		return out
	}
	var lines []string
	for i := 0; i < len(cols); {
		// As many columns as fit on this band.
		j, used := i, 0
		for j < len(cols) {
			cw := cols[j].keyW + 1 + cols[j].descW
			if j > i {
				cw += gap
			}
			if j > i && used+cw > w {
				break
			}
			used += cw
			j++
		}
		if i > 0 {
			lines = append(lines, "")
		}
		blocks := make([][]string, j-i)
		rows := 0
		for k := i; k < j; k++ {
			blocks[k-i] = render(cols[k])
			rows = max(rows, len(blocks[k-i]))
		}
		band := make([]string, rows)
		for r := range band {
			var sb strings.Builder
			for k := i; k < j; k++ {
				if k > i {
					sb.WriteString(strings.Repeat(" ", gap))
				}
				if b := blocks[k-i]; r < len(b) {
					sb.WriteString(b[r])
				} else {
					sb.WriteString(strings.Repeat(" ", cols[k].keyW+1+cols[k].descW))
				}
			}
			band[r] = sb.String()
		}
		for _, l := range band {
			lines = append(lines, strings.TrimRight(l, " "))
		}
		i = j
	}
	lines = append(lines, "")
	for _, n := range helpNotes {
		lines = append(lines, wrap(n, w)...)
	}
	return lines
}

// helpItem is one binding of the short help line. Items of priority 0 are
// essential and always shown whole; the others are added, lowest priority
// number first, while they fit, and dropped whole when they do not.
type helpItem struct {
	b    key.Binding
	prio int
}

// shortHelp draws the short help line in w cells, in the order of items.
func (c *common) shortHelp(items []helpItem, w int) string {
	s := c.styles
	sep := s.G.Sep
	var shown []helpItem
	for _, it := range items {
		if it.b.Enabled() {
			shown = append(shown, it)
		}
	}
	itemW := func(it helpItem) int { return width(it.b.Help().Key) + 1 + width(it.b.Help().Desc) }
	keep := make([]bool, len(shown))
	used := 0
	add := func(i int) {
		if used > 0 {
			used += width(sep)
		}
		used += itemW(shown[i])
		keep[i] = true
	}
	for i, it := range shown {
		if it.prio == 0 {
			add(i)
		}
	}
	for {
		// The next item to try: the lowest priority number not yet kept.
		best := -1
		for i, it := range shown {
			if !keep[i] && it.prio > 0 && (best < 0 || it.prio < shown[best].prio) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		if used+width(sep)+itemW(shown[best]) <= w {
			add(best)
		} else {
			shown[best].prio = -1 // does not fit: dropped whole
		}
	}
	var parts []string
	for i, it := range shown {
		if keep[i] {
			h := it.b.Help()
			parts = append(parts, s.Help.ShortKey.Render(h.Key)+" "+s.Help.ShortDesc.Render(h.Desc))
		}
	}
	return c.trunc(strings.Join(parts, s.Help.ShortSeparator.Render(sep)), w)
}
