package model

import (
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:generate go run ../internal/tools/gennames -skeleton skeleton_table.go -fold fold_table.go

// skeleton is the confusable skeleton of s (Unicode TR39): s in NFD, each
// rune replaced by its prototype from confusables.txt, and NFD again. Two
// strings that look alike have the same skeleton. Its data is static
// (skeleton_table.go), so rolecall builds no table when it starts.
func skeleton(s string) string {
	if isASCII(s) {
		return skeletonASCII(s)
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	changed := false
	for i, r := range d {
		v, ok := skeletonRune(r)
		switch {
		case ok && !changed:
			changed = true
			b.Grow(len(d) + len(v))
			writeRunes(&b, d[:i])
			b.WriteString(v)
		case ok:
			b.WriteString(v)
		case changed:
			b.WriteRune(r) // an invalid byte is written as U+FFFD, as range reads it
		}
	}
	if !changed {
		if utf8.ValidString(d) {
			return d // no rune has a prototype: d is its skeleton
		}
		writeRunes(&b, d)
	}
	return norm.NFD.String(b.String())
}

// writeRunes writes s rune by rune, an invalid byte as U+FFFD.
func writeRunes(b *strings.Builder, s string) {
	if utf8.ValidString(s) {
		b.WriteString(s)
		return
	}
	for _, r := range s {
		b.WriteRune(r)
	}
}

// skeletonASCII is skeleton for an ASCII string: NFD leaves it as it is,
// and the prototypes of ASCII characters need no NFD after them (the
// generator checks).
func skeletonASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if v := skelASCII[s[i]]; len(v) != 1 || v[0] != s[i] {
			var b strings.Builder
			b.Grow(len(s) + 8)
			b.WriteString(s[:i])
			for j := i; j < len(s); j++ {
				b.WriteString(skelASCII[s[j]])
			}
			return b.String()
		}
	}
	return s
}

// skeletonRune returns the prototype of r, a rune that is its own NFD, and
// whether it has one other than itself.
func skeletonRune(r rune) (string, bool) {
	if r < utf8.RuneSelf {
		v := skelASCII[r]
		return v, len(v) != 1 || rune(v[0]) != r
	}
	i, ok := slices.BinarySearch(skelKeys[:], r)
	if !ok {
		return "", false
	}
	start := 0
	if i > 0 {
		start = int(skelEnds[i-1])
	}
	return skelData[start:skelEnds[i]], true
}

// foldCase is the full Unicode case folding of s (CaseFolding.txt,
// statuses C and F: "ß" folds to "ss"), rune by rune from a static table
// (fold_table.go); an invalid byte is kept as it is. It is what
// golang.org/x/text/cases.Fold computes, whose package sets up language
// tables when rolecall starts.
func foldCase(s string) string {
	if isASCII(s) {
		return lowerASCII(s)
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		v, ok := foldRune(r)
		switch {
		case ok && !changed:
			changed = true
			b.Grow(len(s) + len(v))
			b.WriteString(s[:i])
			b.WriteString(v)
		case ok:
			b.WriteString(v)
		case changed:
			b.WriteString(s[i : i+n]) // an invalid byte too, as it is
		}
		i += n
	}
	if !changed {
		return s
	}
	return b.String()
}

// foldRune returns the folding of r and whether it is other than r.
func foldRune(r rune) (string, bool) {
	i, ok := slices.BinarySearch(foldKeys[:], r)
	if !ok {
		return "", false
	}
	start := 0
	if i > 0 {
		start = int(foldEnds[i-1])
	}
	return foldData[start:foldEnds[i]], true
}
