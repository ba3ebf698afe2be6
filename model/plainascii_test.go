package model

import (
	"strings"
	"testing"
)

// PlainASCII passes only what SafeText leaves as it is, cell by cell, and
// HasControl passes: every byte alone and inside text, and the characters
// SafeText rewrites.
func TestPlainASCII(t *testing.T) {
	cells := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\t' })
	}
	var inputs []string
	for b := 0; b < 256; b++ {
		c := string([]byte{byte(b)})
		inputs = append(inputs, c, "name\t"+c+"x\nnext")
	}
	inputs = append(inputs, "", "\n\t", "ok\tcell\nline ~ end\n", "\u202e", "\u200b", "é")
	// Every byte at every place of the first three words, and of a tail,
	// beside newlines and tabs: PlainASCII looks at eight bytes at once.
	const line = "0123456\n89\tbcdef~ hijklmnopqrs"
	for b := 0; b < 256; b++ {
		for at := range len(line) {
			inputs = append(inputs, line[:at]+string([]byte{byte(b)})+line[at+1:])
		}
	}
	for _, s := range inputs {
		plain := true
		for _, c := range cells(s) {
			if SafeText(c) != c || HasControl(c) {
				plain = false
			}
		}
		got := PlainASCII(s)
		if got && !plain {
			t.Errorf("PlainASCII(%q) passes text SafeText rewrites", s)
		}
		ascii := true
		for i := 0; i < len(s); i++ {
			ascii = ascii && (s[i] >= ' ' && s[i] <= '~' || s[i] == '\n' || s[i] == '\t')
		}
		if got != ascii {
			t.Errorf("PlainASCII(%q) = %v, want %v", s, got, ascii)
		}
	}
}
