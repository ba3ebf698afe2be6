package tui

import (
	"strings"
	"testing"

	"rolecall/model"
)

func TestRefusalInsideFormKeepsIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("n")
	h.typeText("Support") // a built-in's name: R7
	h.keys("enter")
	h.expect("New custom role", "Refused (R7)")
	// Unticking a user's last role is refused with R10.
	h.keys("esc", "y", "2", "e", "tab")
	h.tick(model.Administrator)
	h.keys("enter")
	h.expect("Edit user", "Refused (R10)")
}

// Enter in the open Inherits Role list picks the highlighted
// parent and keeps the form open; tab picks it and moves on; a role that
// grants nothing is pointed out.
func TestInheritsEnterAndTabPickHighlighted(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"enter", "tab"} {
		st := &memStore{acct: smallAccount()}
		h := newHarness(t, Options{}, st)
		h.keys("n")
		h.typeText("Kid")
		h.keys("tab", "tab") // Inherits Role
		h.expect("Does not inherit a role")
		h.keys("space", "down", k)
		h.expect("New custom role")
		h.expectNot("Does not inherit a role v]")
		if st.saves != 0 {
			t.Fatalf("%s in the list saved", k)
		}
		h.expectNot("UNSAVED")
		if k == "enter" {
			h.expect(" v]") // the list closed; enter on the field now applies the form
		}
		h.keys("enter")
		h.expectNot("New custom role")
		h.saveAll()
		r := st.acct.FindRole("Kid")
		if r < 0 || st.acct.Roles[r].Inherits == "" {
			t.Fatalf("%s: the highlighted parent was not kept: %+v", k, st.acct.Roles)
		}
	}
}

// Esc on a changed form asks before discarding; esc in the open
// Inherits list closes only the list.
func TestEscInFormAsksAndClosesOnlyTheList(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: smallAccount()})
	h.keys("n")
	h.typeText("Kid")
	h.keys("tab", "tab", "space")
	h.expect("Inherits Role • type to filter", " ^]")
	h.keys("esc")
	h.expect("New custom role", "Kid", " v]")
	h.expectNot(" ^]", "Discard your changes")
	h.keys("esc")
	h.expect("Discard your changes to this form?")
	h.keys("n")
	h.expect("New custom role", "Kid")
	h.keys("esc", "esc")
	h.expect("New custom role", "Kid")
	h.keys("esc", "y")
	h.expectNot("New custom role", "UNSAVED")
}

// At 80x24 every label of a form keeps a gap before its value.
func TestFormLabelsKeepAGapAt80x24(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	for _, open := range [][]string{{"1", "n"}, {"3", "e"}, {"3", "n"}, {"2", "n"}} {
		h.keys(open...)
		s := h.screen()
		for _, l := range strings.Split(s, "\n") {
			for _, bad := range []string{"Classificationt", "Classificationp", "Classificationd", "…none", "Ac…"} {
				if strings.Contains(l, bad) {
					t.Fatalf("%v: a label runs into its value: %q\n%s", open, l, s)
				}
			}
		}
		for _, lab := range []string{"Classification", "Roles with Access", "Inherits Role", "Description"} {
			for _, l := range strings.Split(s, "\n") {
				if i := strings.Index(l, lab); i >= 0 && strings.HasPrefix(strings.TrimLeft(l, " >"), lab) {
					rest := l[i+len(lab):]
					if rest != "" && !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, ":") {
						t.Fatalf("%v: label %q runs into %q", open, lab, rest)
					}
				}
			}
		}
		h.keys("esc")
		if strings.Contains(h.screen(), "Discard your changes") {
			h.keys("y")
		}
	}
}

func TestClickTicksFormCheckbox(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: smallAccount()})
	h.keys("n")
	h.typeText("Clicked")
	h.field("Privileges")
	for y, l := range strings.Split(h.screen(), "\n") {
		if i := strings.Index(l, "[ ] "); i >= 0 && y > 2 {
			label := strings.TrimSpace(l[i+4:])
			h.msg(clickAt(i+1, y))
			h.expect("1 ticked", "[x] "+label)
			return
		}
	}
	t.Fatalf("no checkbox on screen:\n%s", h.screen())
}

// While a text field has the keys, the list under the fields is the one
// tab reaches next (not the last one); a checklist with nothing in it says
// where to make some; the privileges' summary names the ticked ones (the
// two per-environment privileges read alike in the list).
func TestFormListsAndSummaries(t *testing.T) {
	t.Parallel()
	a := &model.Account{Name: "Empty", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Users: []model.User{{Email: "ann@example.com", Roles: []string{model.Administrator}}}}
	a.Normalize()
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.keys("n")
	h.expect("Inherits Role • tab here to choose")
	h.expectNot("Listed on • ")
	h.keys("tab", "tab", "tab")
	h.keys("/")
	h.typeText("write access to env")
	h.keys("enter", "space")
	h.expect("1 ticked, 0 inherited (locked): Environment Management Full", "Access")
	h.keys("tab", "tab")
	h.expect("Listed on • ", "(none yet: add environments on 3 Environments)")
	h.expectNot("nothing matches the filter")
}
