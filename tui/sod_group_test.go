package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sodGroupHarness opens file of a copy of testdata/groups whose member
// EMEA Ops has two separation-of-duties rules of its own: kai and omar
// (a group user) already break "Run or deploy"; no one breaks "Results
// or audit".
func sodGroupHarness(t *testing.T, file string) (*harness, string) {
	t.Helper()
	dir := groupDir(t)
	f, err := os.OpenFile(filepath.Join(dir, "emea-ops.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`
[[separation_of_duties]]
name = "Results or audit"
holds = ["View Results"]
excludes = ["View Audit Logs"]
scope = "account"

[[separation_of_duties]]
name = "Run or deploy"
holds = ["Execute"]
excludes = ["Packaged Component Deployment"]
scope = "account"
`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	h := newHarness(t, Options{Path: filepath.Join(dir, file)}, fileStore{})
	h.size(200, 60)
	return h, dir
}

// A primary's edit of a shared role that gives a member's users both
// sides of the member's rule: the save summary lists those violations
// with the member's file, saving asks again, and the primary's audit
// entry records them with that file (as the command line refuses them).
func TestGroupPrimarySaveViolations(t *testing.T) {
	t.Parallel()
	h, dir := sodGroupHarness(t, "acme.toml")
	h.selectRole("Cannot View Data")
	h.keys("e", "tab", "tab", "tab")
	h.tick("View Audit Logs")
	h.keys("enter")
	h.keys("y")
	h.keys("ctrl+s")
	h.expect("Separation of duties: your edits introduce 2 new violations:",
		`in emea-ops.toml: rule "Results or audit" account-wide: kai@example.com holds View Results`,
		`in emea-ops.toml: rule "Results or audit" account-wide: gina@example.com holds View Results`,
		"save (asks again: violations)")
	h.expectNot(`rule "Run or deploy"`)
	h.keys("y")
	h.expect("Save with 2 new violations of separation of duties?")
	h.keys("y")
	h.expect("Saved ")
	trail, err := os.ReadFile(filepath.Join(dir, "acme.toml.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(trail), `"allowed_violations":[{"rule":"Results or audit"`) || !strings.Contains(string(trail), `"file":"emea-ops.toml"`) {
		t.Errorf("the primary's audit entry lacks the member's violations:\n%s", trail)
	}
}

// A group user added in the Account Groups tab who breaks a member's rule
// there: the what-if lists it, writing asks again, and the entries record
// it; no at the second question writes nothing.
func TestGroupTabViolations(t *testing.T) {
	t.Parallel()
	h, dir := sodGroupHarness(t, "acme.toml")
	before, _ := os.ReadFile(filepath.Join(dir, "acme.toml"))
	add := func() {
		h.tab(6)
		h.keys("n")
		h.expect("New group user of EMEA")
		h.typeText("nia@example.com")
		h.keys("tab")
		h.typeText("Nia Park")
		h.keys("tab")
		h.tick("Release Manager")
		h.keys("enter")
		h.expect("Add group user nia@example.com to group EMEA?",
			"Separation of duties: this introduces 1 new violation:",
			`in emea-ops.toml: rule "Run or deploy" account-wide: nia@example.com holds Execute`,
			"write (asks again: violations)")
		h.expectNot("omar@example.com holds")
		h.keys("y")
		h.expect("Write with 1 new violation of separation of duties?")
	}
	add()
	h.keys("n")
	h.expect("Not done: nothing changed.")
	if after, _ := os.ReadFile(filepath.Join(dir, "acme.toml")); string(after) != string(before) {
		t.Fatal("no at the second question wrote the primary")
	}
	add()
	h.keys("y")
	h.expect("Written: add group user nia@example.com")
	trail, err := os.ReadFile(filepath.Join(dir, "acme.toml.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(trail), `"allowed_violations":[{"rule":"Run or deploy","scope":"account-wide","user":"nia@example.com"`) {
		t.Errorf("the primary's audit entry lacks the violation:\n%s", trail)
	}
}
