package cli

import "testing"

// Names go into Markdown as code spans that nothing in them can end early,
// and text is backslash-escaped.
func TestMarkdownEscaping(t *testing.T) {
	for _, tc := range []struct {
		in    string
		table bool
		want  string
	}{
		{"ana@x.com", false, "`ana@x.com`"},
		{"a`b", false, "``a`b``"},
		{"a``b`", false, "``` a``b` ```"},
		{"`lead", false, "`` `lead ``"},
		{"QA | EU", true, "`QA \\| EU`"},
		{"QA | EU", false, "`QA | EU`"},
		{"</details><script>", false, "`</details><script>`"},
		{"line\nbreak", false, "`line\\x0abreak`"},
		{"", false, `\"\"`},
		{"  ", false, `\"  \"`},
	} {
		if got := codeSpan(tc.in, tc.table); got != tc.want {
			t.Errorf("codeSpan(%q, %v) = %q, want %q", tc.in, tc.table, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"read+deploy":        `read\+deploy`,
		"*x* _y_ [l](u) <b>": `\*x\* \_y\_ \[l\]\(u\) \<b\>`,
		"@team #1 a|b":       `\@team \#1 a\|b`,
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
}
