package cli

import (
	"strings"
	"testing"

	"rolecall/model"
)

// hasControl's and plainText's first look (model.PlainASCII) answers as
// looking at each cell does, for every byte and for the characters
// SafeText rewrites that are not controls.
func TestPrintableASCIIShortcutAnswersAsCells(t *testing.T) {
	var inputs []string
	for b := 0; b < 256; b++ {
		c := string([]byte{byte(b)})
		inputs = append(inputs, c, "name\t"+c+"x\nnext line", strings.Repeat("plain text, ", 50)+c)
	}
	for _, r := range []string{"\u0085", "\u009b", "\u200b", "\u202e", "\u2028", "\ufeff", "é", "名前", "\xff\xfe", "\U0001F600"} {
		inputs = append(inputs, r, "cell\t"+r+"\n", "a\n"+r)
	}
	inputs = append(inputs, "", "\n", "\t\t\n", "ok\tcell\nline ~ end\n")
	for _, s := range inputs {
		if got, want := hasControl(s), anyCell(s, model.HasControl); got != want {
			t.Errorf("hasControl(%q) = %v, cells say %v", s, got, want)
		}
		want := !anyCell(s, func(c string) bool { return model.SafeText(c) != c })
		if got := plainText(s); got != want {
			t.Errorf("plainText(%q) = %v, cells say %v", s, got, want)
		}
	}
}

// BenchmarkWriteSafeClean: writeSafe's look at a clean answer of 400 KB
// (an indented preview at 10,000 users), the usual case.
func BenchmarkWriteSafeClean(b *testing.B) {
	line := `    "Privilege": "Build Read Access",` + "\n"
	s := []byte(strings.Repeat(line, 400<<10/len(line)))
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if err := writeSafe(discard{}, s); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
