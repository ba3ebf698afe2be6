package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unsafeRune reports whether r must never reach a terminal as it is: C0 and C1
// controls, DEL, and the bidirectional embedding, override and isolate marks
// that can make text read differently from what it is.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == utf8.RuneError:
		return true
	}
	return false
}

// HasControl reports whether s holds a character that SafeText would rewrite,
// or is not valid UTF-8.
func HasControl(s string) bool {
	// Fast path for ASCII: only C0 controls and DEL are unsafe there.
	i := 0
	for ; i < len(s) && s[i] < utf8.RuneSelf; i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	if i == len(s) {
		return false
	}
	s = s[i:] // a rune boundary: everything before it was ASCII and safe
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unsafeRune(r) {
			return true
		}
	}
	return false
}

// PlainASCII reports whether s is printable ASCII, newlines and tabs:
// text that SafeText leaves as it is in every line and tab-separated cell
// of it, and HasControl passes. It is one pass over s, for a front end to
// take before it looks at a long output cell by cell.
func PlainASCII(s string) bool {
	// Eight bytes at a time (an answer of megabytes is checked as it is
	// written). Once no byte is above 0x7f, adding 0x60 or 0x7f to each
	// byte carries into none of the others, so each test below is exact
	// for every byte: below ' ', a newline, a tab, DEL.
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&highs != 0 {
			return false
		}
		low := ^(w + 0x60*ones) & highs
		newline := ^((w ^ 0x0a*ones) + 0x7f*ones) & highs
		tab := ^((w ^ 0x09*ones) + 0x7f*ones) & highs
		del := ^((w ^ 0x7f*ones) + 0x7f*ones) & highs
		if low&^newline&^tab|del != 0 {
			return false
		}
	}
	return plainBytes(s[i:])
}

// plainBytes is PlainASCII a byte at a time.
func plainBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c-' ' > '~'-' ' && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}

// SafeText returns s with every control character, escape sequence
// introducer, bidirectional control, invisible (default-ignorable)
// character and invalid byte written as a visible escape (\x1b, \u202e,
// \u200b), so that text from a file can be printed to a terminal without
// acting on it or hiding part of it (R7). Ordinary text is returned
// unchanged.
func SafeText(s string) string {
	if !HasControl(s) && !hasInvisible(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r), invisibleRune(r) != "":
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// hasInvisible reports whether s holds an invisible or direction-changing
// character (invisibleRune).
func hasInvisible(s string) bool {
	if isASCII(s) {
		return false
	}
	for _, r := range s {
		if invisibleRune(r) != "" {
			return true
		}
	}
	return false
}

// checkName applies R7's shape rules (and the same ones to user and
// environment names): length in runes, no invisible or direction-changing
// characters, no control characters, no space at either end. It returns ""
// when the name is fine.
func checkName(what, name string, max int) string {
	switch n := utf8.RuneCountInString(name); {
	case strings.TrimSpace(name) == "":
		return what + " name is empty"
	case n > max:
		return fmt.Sprintf("%s name %q is %d characters long; at most %d are allowed", what, shorten(name), n, max)
	case invisibleIn(name) != "":
		return fmt.Sprintf("%s name %s %s; remove it", what, SafeText(fmt.Sprintf("%q", shorten(name))), invisibleIn(name))
	case HasControl(name):
		return fmt.Sprintf("%s name %s holds a control character; remove it", what, SafeText(fmt.Sprintf("%q", shorten(name))))
	case strings.TrimFunc(name, unicode.IsSpace) != name:
		return fmt.Sprintf("%s name %q starts or ends with a space", what, name)
	}
	return ""
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:37]) + "..."
}
