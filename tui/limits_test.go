package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
	"rolecall/storage"
)

// Issue 8 D: the TUI never changes a value it loaded without a word. A
// role with a long but valid description (at the limit, with a newline and
// a tab, which a one-line input shows as spaces) keeps it exactly when
// another field of the role is edited and saved.
func TestEditKeepsLongDescription(t *testing.T) {
	t.Parallel()
	desc := "Deploys to production.\n\tAsk the release manager first. "
	desc += strings.Repeat("é", model.MaxDescription-len([]rune(desc)))
	a := smallAccount()
	a.Roles = append(a.Roles, model.Role{Name: "Docs", Description: desc, Privileges: []model.Privilege{model.ViewResults}})
	path := filepath.Join(t.TempDir(), "acct.toml")
	if _, err := storage.Save(path, a, storage.Stamp{}, storage.SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.selectRole("Docs")
	h.keys("e")
	h.expect("Edit role Docs")
	h.keys("tab", "tab", "tab", "space", "enter") // tick the first privilege
	h.expect("UNSAVED")
	h.keys("ctrl+s")
	h.expect("Save ")
	h.keys("y")
	h.expect("Saved ")

	d, err := storage.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r := d.Account.Roles[d.Account.FindRole("Docs")]
	if len(r.Privileges) != 2 {
		t.Errorf("the privilege was not ticked: %v", r.Privileges)
	}
	if r.Description != desc {
		t.Errorf("the description changed:\n%q\nwas\n%q", r.Description, desc)
	}
}

// A value longer than its limit is not cut to fit the input: applying the
// form is refused with the limit, and nothing changes.
func TestOverLongDescriptionNotCut(t *testing.T) {
	t.Parallel()
	a := model.Demo()
	i := a.FindRole("Cannot View Data")
	a.Roles[i].Description = strings.Repeat("d", model.MaxDescription+1)
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.selectRole("Cannot View Data")
	h.keys("e", "tab", "tab", "tab", "space", "enter")
	h.expect("Refused (R5)", "description of 1001 characters; at", "most 1000 are allowed")
	h.expectNot("UNSAVED")
}

// A file holding an over-long value opens read-only, with the problem.
func TestOverLongDescriptionFileReadOnly(t *testing.T) {
	t.Parallel()
	a := smallAccount()
	path := filepath.Join(t.TempDir(), "acct.toml")
	if _, err := storage.Save(path, a, storage.Stamp{}, storage.SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, []byte("\n[[roles]]\nname = \"Docs\"\ndescription = \""+strings.Repeat("d", 10000)+"\"\n")...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.size(200, 40)
	h.expect("READ-ONLY")
	h.keys("e")
	h.expectNot("Edit role")
}

// Typing or pasting past a field's limit is not cut to fit: the form is
// refused with the length typed and the limit.
func TestTypingPastTheLimitIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("n")
	h.msg(tea.PasteMsg{Content: strings.Repeat("r", 2000)})
	h.keys("enter")
	h.expect("Refused (R7)", "is 2000", "characters long; at most 100 are allowed")
	h.expectNot("UNSAVED")
	h = newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("1")
	h.selectRole("Cannot View Data")
	h.keys("e", "tab", "ctrl+u")
	h.typeText(strings.Repeat("q", model.MaxDescription+2))
	h.keys("enter")
	h.expect("description of 1002 characters")
	h.expectNot("UNSAVED")
}

// A file with more errors than are listed says how many it has, not how
// many lines were listed.
func TestManyErrorsAreCounted(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("format = 1\n[account]\nname = \"Messy\"\nadvanced_user_security = true\n")
	for i := range 1500 {
		b.WriteString("\n[[users]]\nemail = \"u" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + "@example.com\"\nroles = [\"No Such Role " + strings.Repeat("z", i%7) + "\"]\n")
	}
	path := filepath.Join(t.TempDir(), "acct.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := storage.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range d.Problems {
		if p.LeftOutErrors > 0 {
			n += p.LeftOutErrors
		} else if p.Severity == model.Error {
			n++
		}
	}
	if n <= storage.MaxProblems {
		t.Fatalf("the file has only %d errors", n)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.expect(fmt.Sprintf("The file has %d errors", n))
}
