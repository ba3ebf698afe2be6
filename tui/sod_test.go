package tui

import (
	"testing"

	"rolecall/model"
)

// The save summary lists the separation-of-duties violations the pending
// edits introduce, with both sides' provenance; saving them needs a
// second confirmation, and "no" there keeps the edits unsaved.
func TestSaveSummaryViolations(t *testing.T) {
	t.Parallel()
	a := smallAccount()
	a.SeparationOfDuties = []model.SoDRule{{Name: "Admins are not auditors", Holds: []model.Privilege{model.UserManagement},
		Excludes: []model.Privilege{model.ViewAuditLogs}, Scope: model.SoDAccount}}
	st := &memStore{acct: a}
	h := newHarness(t, Options{}, st)
	h.size(200, 60)

	// Eve becomes an Administrator: a new violation (Ann's is old).
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("e")
	h.keys("tab") // Name -> Roles
	h.tick(model.Administrator)
	h.keys("enter")
	h.expect("UNSAVED")

	h.keys("ctrl+s")
	h.expect("Save ", "Separation of duties: your edits introduce 1 new violation:",
		`rule "Admins are not auditors" account-wide: eve@example.com holds User Management [from`,
		`Administrator] and also View Audit Logs [from Administrator] (R11, decision)`,
		"save (asks again: violations)")
	h.expectNot("ann@example.com holds")
	h.keys("y")
	h.expect("Save with 1 new violation of separation of duties?", "save anyway")
	if st.saves != 0 {
		t.Fatal("saved before the second confirmation")
	}
	h.keys("n")
	h.expect("Not saved: your edits are kept.", "UNSAVED")
	if st.saves != 0 {
		t.Fatal("saved after no")
	}

	h.keys("ctrl+s")
	h.keys("y")
	h.expect("Save with 1 new violation")
	h.keys("y")
	h.expect("Saved ")
	if st.saves != 1 {
		t.Fatalf("%d saves after the second yes, want 1", st.saves)
	}

	// An edit that introduces none saves at once, as before.
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("e")
	h.keys("tab")
	h.tick(model.StandardUser)
	h.keys("enter")
	h.keys("ctrl+s")
	h.expectNot("Separation of duties:")
	h.expect("Save ")
	h.keys("y")
	h.expect("Saved ")
	if st.saves != 2 {
		t.Fatalf("%d saves, want 2", st.saves)
	}
}
