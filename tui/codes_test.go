package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"rolecall/model"
)

// codesDemo is the demo account where Cannot View Data carries two Boomi
// privilege codes rolecall does not know, and Night Ops inherits it (Pat
// holds Night Ops).
func codesDemo() *model.Account {
	a := model.Demo()
	i := a.FindRole("Cannot View Data")
	a.Roles[i].Codes = []string{"LEGACY_REPORTS", "X_AUDIT"}
	a.Roles = append(a.Roles, model.Role{Name: "Night Ops", Inherits: "Cannot View Data", Privileges: []model.Privilege{model.ViewAuditLogs}})
	u := a.FindUser("pat@example.com")
	a.Users[u].Roles = append(a.Users[u].Roles, "Night Ops")
	a.Normalize()
	return a
}

// joined is the screen's words joined by single spaces: text wrapped over
// lines reads whole.
func (h *harness) joined() string { return strings.Join(strings.Fields(h.screen()), " ") }

func (h *harness) expectJoined(want ...string) {
	h.t.Helper()
	j := h.joined()
	for _, w := range want {
		if !strings.Contains(j, strings.Join(strings.Fields(w), " ")) {
			h.t.Fatalf("screen lacks %q:\n%s", w, h.screen())
		}
	}
}

// A role's codes rolecall does not know are listed in its details and in
// its editor, locked: a tick answers why, an edit of the role keeps them,
// and so does the save.
func TestUnknownCodesLocked(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: codesDemo()}
	h := newHarness(t, Options{}, st)
	h.selectRole("Cannot View Data")
	h.expectJoined("Also carries unknown to rolecall (LEGACY_REPORTS) and unknown to rolecall (X_AUDIT): kept and written back unchanged; they govern nothing in the preview.")

	h.keys("e")
	h.field("Privileges")
	h.expectJoined("2 ticked, 0 inherited (locked): Execute and View Results; 2 unknown codes (kept)")
	h.keys("/")
	h.typeText("legacy")
	h.keys("enter")
	h.expect("Boomi privilege codes unknown to rolecall", "[x] unknown to rolecall (LEGACY_REPORTS)  kept")
	if !h.onRow("[x] unknown to rolecall (LEGACY_REPORTS)") {
		t.Fatalf("the cursor is not on the code:\n%s", h.screen())
	}
	h.keys("space")
	h.expectJoined("unknown to rolecall (LEGACY_REPORTS) is a Boomi privilege code rolecall does not know: it stays on the role and is written back unchanged, so it can be neither ticked nor removed here")
	h.expect("[x] unknown to rolecall (LEGACY_REPORTS)")
	h.expectNot("[ ] unknown to rolecall")
	h.keys("esc") // the filter

	// An edit of the role keeps them.
	h.tick("View Data")
	h.keys("enter")
	h.expectNot("Edit role")
	h.expect("UNSAVED")
	h.expectJoined("Also carries unknown to rolecall (LEGACY_REPORTS) and unknown to rolecall (X_AUDIT)")
	h.saveAll()
	h.expect("Saved ")
	r := st.acct.Roles[st.acct.FindRole("Cannot View Data")]
	if !slices.Equal(r.Codes, []string{"LEGACY_REPORTS", "X_AUDIT"}) || !slices.Contains(r.Privileges, model.ViewData) {
		t.Fatalf("saved role: %+v", r)
	}

	// A copy cannot carry them, and says so.
	h.selectRole("Cannot View Data")
	h.keys("c")
	h.expect("Duplicate: new custom role")
	h.expectJoined("Not copied: unknown to rolecall (LEGACY_REPORTS) and unknown to rolecall (X_AUDIT).")
	h.field("Privileges")
	h.expectNot("unknown to rolecall (LEGACY_REPORTS)  kept")
}

// The preview of a user holding such a role, directly or through
// inheritance, says the codes govern nothing there; of one who does not,
// nothing.
func TestUnknownCodesPreviewNote(t *testing.T) {
	t.Parallel()
	note := `! "Cannot View Data" carries unknown to rolecall (LEGACY_REPORTS) and unknown to rolecall (X_AUDIT); rolecall does not know what Boomi grants for them, so they govern nothing in this preview`
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		h := newHarness(t, Options{}, &memStore{acct: codesDemo()})
		h.size(sz[0], sz[1])
		h.keys("2")
		for _, email := range []string{"dana@example.com", "pat@example.com"} {
			h.selectUser(email)
			h.keys("4")
			h.expect("As " + email)
			h.expectJoined(note)
			checkScreen(t, fmt.Sprint("preview ", email), h, sz[0], sz[1])
			h.keys("esc")
		}
		h.selectUser("sam@example.com")
		h.keys("4")
		h.expect("As sam@example.com")
		h.expectNot("unknown to rolecall")
		h.keys("esc")
		if sz[0] >= wideWidth {
			// Beside the Users list too.
			h.selectUser("dana@example.com")
			h.expectJoined("govern nothing in this preview")
			checkScreen(t, "users", h, sz[0], sz[1])
		}
	}
}
