package cli

import (
	"fmt"
	"strings"
	"testing"

	"rolecall/model"
)

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

// The header's counts read right for one user as for many.
func TestMarkdownHeaderCounts(t *testing.T) {
	old := &model.Account{Name: "A", Users: []model.User{{Email: "a@x.com", Roles: []string{model.StandardUser}}}}
	nw := old.Clone()
	nw.Users[0].Roles = []string{model.Administrator}
	or, nr := model.NewResolver(old), model.NewResolver(nw)
	var b strings.Builder
	writeMarkdown(&b, mdDiff{diff: model.Compare(or, nr), oldRes: or, newRes: nr, old: side{label: "o", acct: old}, new: side{label: "n", acct: nw}})
	if want := "**1 user** changed. Gaining access: 1; losing access: 0; added: 0; removed: 0."; !strings.Contains(b.String(), want) {
		t.Errorf("header: want %q in\n%s", want, b.String())
	}
}

// A comment lists the first mdViolations new violations and counts the
// rest, pointing to where they are all listed.
func TestMarkdownViolationsCapped(t *testing.T) {
	var vs []model.Violation
	for i := range mdViolations + 7 {
		vs = append(vs, model.Violation{Rule: "Apart", User: fmt.Sprintf("u%d@x.com", i), Sites: []model.ViolationSite{{}}})
	}
	var b strings.Builder
	mdDiff{violations: vs}.writeViolations(&b)
	out := b.String()
	if n := strings.Count(out, "\n! "); n != mdViolations {
		t.Errorf("%d violation lines, want %d:\n%s", n, mdViolations, out)
	}
	for _, want := range []string{fmt.Sprintf("**%d new violations of separation of duties**", mdViolations+7), fmt.Sprintf("**%d of %d new violations are shown.**", mdViolations, mdViolations+7)} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
}
