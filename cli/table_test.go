package cli

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

// tableWith writes rows with holderTable after head, through an app's
// output as a command does, and returns what reached the terminal.
func tableWith(head string, rows [][2]string) string {
	var out, errb, real bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, outBuf: &out, errBuf: &errb, realOut: &real, realErr: io.Discard}
	out.WriteString(head)
	a.holderTable(len(rows), func(i int) string { return rows[i][0] }, func(i int) string { return rows[i][1] })
	a.flush()
	return real.String()
}

// tabwriterTable is what text/tabwriter made of the same rows, written
// whole through writeSafe as a command's output was.
func tabwriterTable(head string, rows [][2]string) string {
	var b bytes.Buffer
	b.WriteString(head)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\n", r[0], r[1])
	}
	tw.Flush()
	var real bytes.Buffer
	writeSafe(&real, b.Bytes())
	return real.String()
}

// holderTable lays a table out as text/tabwriter did, byte for byte:
// widths counted in runes (accented, combining, wide and emoji
// characters), empty cells, one row, none.
func TestHolderTableAsTabwriter(t *testing.T) {
	cells := []string{"", "a", "ada@example.com", "zoë.ünal@example.de", "e\u0301@x.io", "日本語@例え.jp", "🙂@emoji.example",
		strings.Repeat("long.name.", 12) + "@example.org", "Standard User", "Ops (via Base -> Standard User)"}
	r := rand.New(rand.NewPCG(3, 9))
	for n := range 40 {
		rows := make([][2]string, n)
		for i := range rows {
			rows[i] = [2]string{cells[r.IntN(len(cells))], cells[r.IntN(len(cells))]}
		}
		if got, want := tableWith("head: n users\n", rows), tabwriterTable("head: n users\n", rows); got != want {
			t.Fatalf("%d rows %q:\ngot\n%s\nwant (tabwriter)\n%s", n, rows, got, want)
		}
	}
}

// A long table is passed on as it is written: what is held at once stays
// near streamFlush, not the table's size.
func TestHolderTableFlushes(t *testing.T) {
	var out, errb bytes.Buffer
	real := &maxWriter{}
	a := &app{stdout: &out, stderr: &errb, outBuf: &out, errBuf: &errb, realOut: real, realErr: io.Discard}
	n := 40000
	a.holderTable(n, func(i int) string { return fmt.Sprintf("user%d@example.org", i) }, func(int) string { return "Standard User" })
	a.flush()
	passedOn(t, real, &out, 1<<20)
}

// writeSafe escapes the invisible characters of an output (U+200B) when
// any of it holds a control character (U+0085, U+202E): a table passed on
// in pieces is escaped as the whole output was, wherever the two are,
// the text before the table included.
func TestHolderTableEscapesAsWhole(t *testing.T) {
	for _, c := range []struct{ head, early, late string }{
		{"plain\n", "zero\u200bwidth", "next\u0085line"},
		{"plain\n", "zero\u200bwidth", "right\u202eleft"},
		{"plain\n", "plain", "next\u0085line"},
		{"plain\n", "next\u0085line", "zero\u200bwidth"},
		{"head\u0085\n", "zero\u200bwidth", "plain"},
		{"head \u200b\n", "plain", "next\u0085line"},
	} {
		rows := make([][2]string, 9000) // some 340 KB: several pieces
		for i := range rows {
			rows[i] = [2]string{fmt.Sprintf("user%d@example.org", i), "Standard User"}
		}
		rows[1][0], rows[8990][1] = c.early, c.late
		whole := tabwriterTable(c.head, rows)
		if len(whole) < 4*streamFlush {
			t.Fatalf("the table is %d bytes; want several pieces", len(whole))
		}
		if got := tableWith(c.head, rows); got != whole {
			i := 0
			for i < len(whole) && i < len(got) && whole[i] == got[i] {
				i++
			}
			t.Errorf("%q, %q then %q: differs at byte %d: whole %.40q, in pieces %.40q", c.head, c.early, c.late, i, whole[i:], got[i:])
		}
	}
}
