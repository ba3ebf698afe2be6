package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// R7: names of roles and environments and users' emails may not hold
// invisible or direction-changing characters, are compared as Unicode
// canonical equivalents (NFC), and a name that looks like another one (the
// same confusable skeleton, Unicode TR39) is a warning.

// invisibleRune says what r is when a name may not hold it: "invisible"
// for a default-ignorable code point (U+200B, U+2060, U+3164, U+FEFF, U+00AD,
// variation selectors, tags, ...), "direction-changing" for a bidi control
// (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C); "" otherwise.
// ASCII is never either.
func invisibleRune(r rune) string {
	switch {
	case r < utf8.RuneSelf:
		return ""
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return "direction-changing"
	case defaultIgnorable(r):
		return "invisible"
	}
	return ""
}

// defaultIgnorable is Unicode's derived property Default_Ignorable_Code_Point:
// Other_Default_Ignorable_Code_Point, format characters (Cf) and variation
// selectors, less white space, the interlinear annotation characters
// U+FFF9-U+FFFB, the Egyptian hieroglyph format controls and the prepended
// concatenation marks (which are visible).
func defaultIgnorable(r rune) bool {
	switch {
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r), unicode.Is(unicode.Variation_Selector, r):
		return true
	case !unicode.Is(unicode.Cf, r), unicode.IsSpace(r), unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false
	case r >= 0xfff9 && r <= 0xfffb, r >= 0x13430 && r <= 0x1343f:
		return false
	}
	return true
}

// invisibleIn returns a message naming the first invisible or
// direction-changing character of name ("" when there is none), for
// "role name %q contains ...".
func invisibleIn(name string) string {
	if isASCII(name) {
		return ""
	}
	for _, r := range name {
		if what := invisibleRune(r); what != "" {
			article := "a"
			if strings.HasPrefix(what, "i") {
				article = "an"
			}
			return fmt.Sprintf("contains %s %s character U+%04X", article, what, r)
		}
		if r != ' ' && unicode.IsSpace(r) {
			// NBSP, U+3000 and the like print as a space but are not one
			// (decision): only U+0020 separates words in a name.
			return fmt.Sprintf("contains a space character other than the ordinary space, U+%04X", r)
		}
	}
	return ""
}

// FoldName is the key under which names are equal for SameName: the name
// lower-cased (strings.ToLower) and canonically decomposed, so that
// canonically equivalent spellings ("é" as one code point or as "e" and a
// combining accent) are the same name. The key is NFD rather than NFC: it
// gives the same equality, and keeps every ASCII byte where it was, so that
// comparing names can go byte by byte while they are ASCII. An ASCII name's
// key is its lower-case form.
func FoldName(s string) string {
	if isASCII(s) {
		return lowerASCII(s)
	}
	return strings.ToLower(norm.NFD.String(s))
}

// lookalikeKey returns the key under which two names look alike: the TR39
// skeleton of the case-folded name, case-folded again. Folding first makes
// "Adminiſtrator" (long s, which the skeleton maps to f) look like
// "Administrator"; folding after makes a capital prototype ("0" maps to
// "O") match a small letter.
func lookalikeKey(s string) string {
	return foldCase(skeleton(foldCase(s)))
}

// lookalikeKeyCased is the key of the name as written: the skeleton
// first, then folded. A capital letter whose small letter looks like
// nothing Latin (Cyrillic В, Н, М, Т: в is a small capital B) passes
// for its Latin capital only as written: "Вuilders" looks like
// "Builders", though "вuilders" does not look like "builders".
func lookalikeKeyCased(s string) string {
	return foldCase(skeleton(s))
}

// lookalikes finds names of one kind (roles, environments or emails) that
// look like another name of that kind, in one pass with a map from
// skeleton to the first name with it. Only pairs where one of the names
// holds a non-ASCII character are reported (decision): ASCII-only look-
// alikes (l and I, rn and m, 0 and O) are what admins type every day, and
// an account of only ASCII names is not looked at further, which keeps
// validation of large accounts as fast as it was.
type lookalikes struct {
	first map[string]string // lookalikeKey -> the first name with it
	on    bool
}

// newLookalikes returns a finder for names, given all of them up front as
// n calls of name(i); reserved are names that exist already (built-in
// roles), looked at first.
func newLookalikes(n int, name func(i int) string, reserved ...string) *lookalikes {
	l := &lookalikes{}
	for i := 0; i < n && !l.on; i++ {
		l.on = !isASCII(name(i))
	}
	if l.on {
		l.first = make(map[string]string, n+len(reserved))
		for _, r := range reserved {
			l.check(r)
		}
	}
	return l
}

// check returns the earlier name that name looks like but is not the same
// as (SameName), or ""; it remembers name for the names after it.
func (l *lookalikes) check(name string) string {
	if !l.on {
		return ""
	}
	found := ""
	for _, k := range [2]string{lookalikeKey(name), lookalikeKeyCased(name)} {
		other, ok := l.first[k]
		if !ok {
			l.first[k] = name
			continue
		}
		if found == "" && !SameName(other, name) && !(isASCII(other) && isASCII(name)) {
			found = other
		}
	}
	return found
}

// quoteName quotes a name for a message with every non-ASCII character
// escaped ("Pr\u043eduction"), so that a look-alike or invisible character
// shows as what it is.
func quoteName(s string) string { return fmt.Sprintf("%+q", shorten(s)) }

// builtinNames returns the names of the built-in roles.
func builtinNames() []string {
	out := make([]string, len(builtins))
	for i, b := range builtins {
		out[i] = b.Name
	}
	return out
}
