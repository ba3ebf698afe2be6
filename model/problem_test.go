package model

import "testing"

// A problem's text cites its rule in parentheses, and nothing where it
// has none (a problem of the file's form, such as a path written wrong).
func TestProblemCitesItsRuleOnly(t *testing.T) {
	for _, tc := range []struct {
		p          Problem
		str, errTx string
	}{
		{Problem{Severity: Error, Rule: "R7", Message: "bad name"}, "error: bad name (R7)", "bad name (R7)"},
		{Problem{Severity: Error, Rule: "R20", Decision: true, Message: "no primary"}, "error: no primary (R20, decision)", "no primary (R20, decision)"},
		{Problem{Severity: Error, Message: "file is absolute"}, "error: file is absolute", "file is absolute"},
		{Problem{Severity: Warning, Message: "unused"}, "warning: unused", "unused"},
	} {
		if got := tc.p.String(); got != tc.str {
			t.Errorf("String() = %q, want %q", got, tc.str)
		}
		if got := (Problems{tc.p}).Error(); got != tc.errTx {
			t.Errorf("Error() = %q, want %q", got, tc.errTx)
		}
	}
	if got := (Problems{{Severity: Error, Message: "a"}, {Severity: Error, Rule: "R1", Message: "b"}}).Error(); got != "a (and 1 more)" {
		t.Errorf("two problems: %q", got)
	}
}
