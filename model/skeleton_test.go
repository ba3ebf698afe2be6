package model

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"rolecall/internal/testlong"
)

// rolecall's skeleton, from its static table, is the confusables module's
// Skeleton, which builds a map at start: on every rune, alone and around
// other runes, and on many strings.

func TestSkeletonEveryRune(t *testing.T) {
	t.Parallel()
	for _, r := range testRunes() {
		for _, s := range []string{string(r), "a" + string(r) + "\u0301"} {
			if got, want := skeleton(s), confusables.Skeleton(s); got != want {
				t.Fatalf("skeleton(%+q) = %+q, confusables.Skeleton: %+q", s, got, want)
			}
		}
	}
}

// testRunes is the runes the every-rune tests try: every valid rune with
// ROLECALL_LONG_TESTS=1 (1.1 million), and otherwise about 35,000 of them:
// every rune the random strings draw from (ASCII, each key of the skeleton
// and folding tables and the runes of its value, each rune NFD changes or
// that combines, Hangul), each key's neighbours on either side (so every
// boundary of the tables' ranges, where a wrong binary search or an
// off-by-one generator would show), every rune with another case
// (unicode.SimpleFold), every rune below U+0800, the edges of the UTF-8
// lengths, of the surrogates and of the planes, and every 97th rune.
func testRunes() []rune {
	if testlong.Enabled() {
		var all []rune
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if utf8.ValidRune(r) {
				all = append(all, r)
			}
		}
		return all
	}
	return quickRunes()
}

var quickRunes = sync.OnceValue(func() []rune {
	// A bit per rune: read out in order, without a map of 35,000 entries
	// to sort.
	var set [(unicode.MaxRune + 1) / 64]uint64
	add := func(r rune) {
		if utf8.ValidRune(r) {
			set[r/64] |= 1 << (r % 64)
		}
	}
	for _, s := range namePool().runes {
		for _, r := range s {
			add(r)
		}
	}
	for _, keys := range [][]rune{skelKeys[:], foldKeys[:]} {
		for _, k := range keys {
			add(k - 1)
			add(k + 1)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r < 0x800 || r%97 == 0 || unicode.SimpleFold(r) != r {
			add(r)
		}
	}
	for _, r := range []rune{0x7ff, 0x800, 0xd7ff, 0xe000, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x1ffff, 0x20000, 0xeffff, 0xf0000, 0x10fffe, unicode.MaxRune} {
		add(r)
	}
	var out []rune
	for i, w := range set {
		for ; w != 0; w &= w - 1 {
			out = append(out, rune(i*64+bits.TrailingZeros64(w)))
		}
	}
	return out
})

func TestNameTablesSorted(t *testing.T) {
	t.Parallel()
	for _, tab := range []struct {
		name string
		keys []rune
		ends []uint16
		data string
	}{{"skel", skelKeys[:], skelEnds[:], skelData}, {"fold", foldKeys[:], foldEnds[:], foldData}} {
		if !slices.IsSorted(tab.keys) {
			t.Errorf("%sKeys is not sorted: the binary search would miss", tab.name)
		}
		for i := 1; i < len(tab.ends); i++ {
			if tab.ends[i] <= tab.ends[i-1] {
				t.Fatalf("%sEnds[%d] = %d after %d", tab.name, i, tab.ends[i], tab.ends[i-1])
			}
		}
		if int(tab.ends[len(tab.ends)-1]) != len(tab.data) {
			t.Errorf("%sEnds ends at %d, %sData has %d bytes", tab.name, tab.ends[len(tab.ends)-1], tab.name, len(tab.data))
		}
	}
}

func TestSkeletonStrings(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "Administrator", "Adm1nistrator", "Pr\u043eduction", "paypal", "pAypal", "rn", "m", "%",
		"\u0301", "\u0301\u0301a", "a\u0323\u0301", "a\u0301\u0323", // marks first, and out of canonical order
		"\u1e0b\u0323", "d\u0307\u0323", "d\u0323\u0307", // ḍ̇: precomposed, decomposed, reordered
		"\u00d0\u0323", "\u0110\u0301\u0323", // prototypes ending in a mark (D + U+0335), followed by marks
		"\uac00\u11a8", "\u1100\u1161\u11a8", // Hangul syllable and its jamo
		"\u212b", "\u00c5", "A\u030a", // angstrom sign, A-ring
		"\ufb01", "\u017f", "\u0131", "\u0130", // ligature, long s, dotless and dotted i
		"\U0001d400\U0001d7ce", "\U000102a8", // mathematical bold, astral prototypes
		"\xff", "a\xffb", "\xe2\x80", "\u0301\xff\u0323", "\xc3\xa9\xff\u0335", // invalid UTF-8
		"\ufffd", "a\ufffd\u0301",
		strings.Repeat("\u0301", 100), strings.Repeat("\u0430\u0301\u0323", 50), // long runs of marks
		"\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\u05e9\u05dc\u05d5\u05dd", "\u0928\u092e\u0938\u094d\u0924\u0947", // scripts
		"\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7", // Greek capitals like Latin
	} {
		if got, want := skeleton(s), confusables.Skeleton(s); got != want {
			t.Errorf("skeleton(%+q) = %+q, confusables.Skeleton: %+q", s, got, want)
		}
	}
}

// namePool is the runes that matter, as strings: ASCII, the tables' keys
// and the runes of their values, combining marks, runes that decompose,
// Hangul, astral runes; and, apart, invalid bytes. It is built once: it
// looks at every rune.
var namePool = sync.OnceValue(func() (pool struct{ runes, bytes []string }) {
	add := func(r rune) { pool.runes = append(pool.runes, string(r)) }
	for r := rune(0); r < utf8.RuneSelf; r++ {
		add(r)
	}
	addTable := func(keys []rune, ends []uint16, data string) {
		for i, r := range keys {
			add(r)
			start := 0
			if i > 0 {
				start = int(ends[i-1])
			}
			for _, p := range data[start:ends[i]] {
				add(p)
			}
		}
	}
	addTable(skelKeys[:], skelEnds[:], skelData)
	addTable(foldKeys[:], foldEnds[:], foldData)
	var buf [utf8.UTFMax]byte
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		// NFD changes r or r combines. Properties has no decomposition
		// for Hangul syllables, which NFD decomposes by algorithm.
		p := norm.NFD.Properties(utf8.AppendRune(buf[:0], r))
		if p.CCC() != 0 || len(p.Decomposition()) > 0 || r >= 0xac00 && r <= 0xd7a3 {
			add(r)
		}
	}
	for _, r := range []rune{0xac00, 0xd7a3, 0x1100, 0x1161, 0x11a8, 0x1f600, 0x10ffff, 0xfffd} {
		add(r)
	}
	pool.bytes = []string{"\xff", "\x80", "\xe2\x80", "\xf0\x9f"}
	return pool
})

// randomNames gives check random strings of up to 11 entries of
// namePool. First, strings that between them hold every entry of the pool
// once, each among random others (every rune that matters is tried in
// some context); then random strings: 200,000 with ROLECALL_LONG_TESTS=1,
// 20,000 under -short, and otherwise 2,000.
func randomNames(t *testing.T, check func(s string)) {
	np := namePool()
	pool := slices.Concat(np.runes, np.bytes)
	n := testlong.N(2000, 200000)
	if testing.Short() {
		n = min(n, 20000)
	}
	var b strings.Builder
	cover := rand.New(rand.NewPCG(7, 40)) // its own source: the random strings after are those of before
	for next := 0; next < len(pool); {
		b.Reset()
		for k := range 1 + cover.IntN(11) {
			if k%2 == 0 && next < len(pool) {
				b.WriteString(pool[next])
				next++
			} else {
				b.WriteString(pool[cover.IntN(len(pool))])
			}
		}
		check(b.String())
		if t.Failed() {
			return
		}
	}
	rng := rand.New(rand.NewPCG(7, 39))
	for range n {
		b.Reset()
		for range rng.IntN(12) {
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		check(b.String())
		if t.Failed() {
			return
		}
	}
}

func TestSkeletonRandomStrings(t *testing.T) {
	t.Parallel()
	randomNames(t, func(s string) {
		if got, want := skeleton(s), confusables.Skeleton(s); got != want {
			t.Fatalf("skeleton(%+q) = %+q, confusables.Skeleton: %+q", s, got, want)
		}
	})
}

// foldCase, from its static table, is x/text's cases.Fold, whose package
// sets up language tables at start.
func TestFoldEveryRune(t *testing.T) {
	t.Parallel()
	fold := cases.Fold()
	for _, r := range testRunes() {
		for _, s := range []string{string(r), "A" + string(r) + "\u0301\xff"} {
			if got, want := foldCase(s), fold.String(s); got != want {
				t.Fatalf("foldCase(%+q) = %+q, cases.Fold: %+q", s, got, want)
			}
		}
	}
}

func TestFoldRandomStrings(t *testing.T) {
	t.Parallel()
	fold := cases.Fold()
	randomNames(t, func(s string) {
		if got, want := foldCase(s), fold.String(s); got != want {
			t.Fatalf("foldCase(%+q) = %+q, cases.Fold: %+q", s, got, want)
		}
	})
}

// lookalikeKey is what it was with the two modules.
func TestLookalikeKeyAsWithModules(t *testing.T) {
	t.Parallel()
	fold := cases.Fold()
	was := func(s string) string { return fold.String(confusables.Skeleton(fold.String(s))) }
	for _, s := range []string{"Administrator", "Adminiſtrator", "ADM1N", "Pr\u043eduction", "STRASSE", "stra\u00dfe", "\u0130stanbul", "%"} {
		if got, want := lookalikeKey(s), was(s); got != want {
			t.Errorf("lookalikeKey(%+q) = %+q, with the modules %+q", s, got, want)
		}
	}
	randomNames(t, func(s string) {
		if got, want := lookalikeKey(s), was(s); got != want {
			t.Fatalf("lookalikeKey(%+q) = %+q, with the modules %+q", s, got, want)
		}
	})
}

// An ASCII name's skeleton and folding allocate nothing when no character
// of it changes, nor does folding a non-ASCII name that folds to itself.
func TestSkeletonASCIIAllocates(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = skeleton("support") }); n != 0 {
		t.Errorf("skeleton of an ASCII name that maps to itself: %v allocations", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = foldCase("r\u00f4le 7") }); n != 0 {
		t.Errorf("folding of a name that folds to itself: %v allocations", n)
	}
}

func BenchmarkSkeleton(b *testing.B) {
	for _, s := range []string{"Production Support", "Pr\u043eduction Supp\u043ert", "R\u00f4le 4999"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				_ = skeleton(s)
			}
		})
		b.Run(s+"/confusables", func(b *testing.B) {
			for b.Loop() {
				_ = confusables.Skeleton(s)
			}
		})
	}
}

func BenchmarkLookalikeKey(b *testing.B) {
	fold := cases.Fold()
	for _, s := range []string{"Production Support", "Pr\u043eduction Supp\u043ert", "R\u00f4le 4999"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				_ = lookalikeKey(s)
			}
		})
		b.Run(s+"/modules", func(b *testing.B) {
			for b.Loop() {
				_ = fold.String(confusables.Skeleton(fold.String(s)))
			}
		})
	}
}
