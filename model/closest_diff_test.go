package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"rolecall/internal/testlong"
)

// closestFull is Closest as first written: the full edit-distance table
// for every name. Closest must give what it gives.
func closestFull(s string, known []string) string {
	ls := strings.ToLower(strings.TrimSpace(s))
	if ls == "" || len(ls) > 256 {
		return ""
	}
	best, bestD := "", -1
	limit := max(2, utf8.RuneCountInString(ls)/4)
	for _, k := range known {
		lk := strings.ToLower(k)
		if len(lk) > 256 {
			continue
		}
		ra, rb := []rune(ls), []rune(lk)
		d := limit + 1
		if n := len(ra) - len(rb); n <= limit && -n <= limit {
			prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1)
			for j := range prev {
				prev[j] = j
			}
			for i := 1; i <= len(ra); i++ {
				cur[0] = i
				for j := 1; j <= len(rb); j++ {
					cost := 1
					if ra[i-1] == rb[j-1] {
						cost = 0
					}
					cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
				}
				prev, cur = cur, prev
			}
			d = prev[len(rb)]
		}
		if strings.HasPrefix(lk, ls) || strings.HasPrefix(ls, lk) {
			d = min(d, 1)
		}
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = k, d
		}
	}
	return best
}

// 150 rounds of random names in go test ./... (400 with
// ROLECALL_LONG_TESTS=1): of ten ways of breaking Closest tried (the band's
// edges, ties, the limit counted in bytes, case, exact matches, the row
// cut-off, the 256-byte bound), the seven caught at 400 rounds were all
// caught within 100.
func TestClosestSameAsFullTable(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "c", "A", "B", "é", "É", "K", "\u212a", "ẞ", "ß", "@", ".", " ", "\xff", "日"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for round := range testlong.N(150, 400) {
		var known []string
		for range 1 + r.IntN(40) {
			known = append(known, word(r.IntN(14)))
		}
		if round%50 == 0 {
			known = append(known, strings.Repeat("\u212a", 90)) // 270 bytes, 90 once lower-cased
		}
		for range 20 {
			var s string
			switch r.IntN(4) {
			case 0:
				s = word(r.IntN(14))
			case 1: // a near miss of a known name
				k := []rune(known[r.IntN(len(known))])
				if len(k) > 0 {
					k[r.IntN(len(k))] = 'z'
				}
				s = string(k)
			case 2: // a prefix of one
				k := known[r.IntN(len(known))]
				s = k[:r.IntN(len(k)+1)]
			default:
				s = strings.ToUpper(known[r.IntN(len(known))]) + word(r.IntN(3))
			}
			if got, want := Closest(s, known), closestFull(s, known); got != want {
				t.Fatalf("Closest(%q, %q) = %q, the full table gives %q", s, known, got, want)
			}
		}
	}
}

// A mistyped email on the largest account: 100,000 names compared. It cost
// half a second of CPU with the full table for every name.
func BenchmarkClosest100k(b *testing.B) {
	known := make([]string, 100_000)
	for i := range known {
		known[i] = fmt.Sprintf("ada.abara.%d@example.org", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		if Closest("xada.abara.10073@example.org", known) == "" {
			b.Fatal("no suggestion")
		}
	}
}
