package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rolecall/storage"
)

// groupDir copies testdata/groups (a primary, Acme Primary, whose group
// EMEA shares two roles with two members) to a temporary directory.
func groupDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "testdata", "groups")
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".toml") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// groupHarness opens file of a copy of testdata/groups with the storage
// package, at w x h.
func groupHarness(t *testing.T, file string, w, h int, opts Options) (*harness, string) {
	t.Helper()
	dir := groupDir(t)
	opts.Path = filepath.Join(dir, file)
	hh := newHarness(t, opts, fileStore{})
	hh.size(w, h)
	return hh, dir
}

// A member opens with its group: the shared roles listed as "NAME
// (shared)", locked as built-ins are; group users marked and read-only;
// the preview says where a shared role's privileges come from (R26).
func TestGroupMemberView(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		for _, ascii := range []bool{false, true} {
			h, _ := groupHarness(t, "emea-sales.toml", sz[0], sz[1], Options{ASCII: ascii})
			h.expect("account EMEA Sales", "Cannot View Data (shared)", "Release Manager (shared)", "locked: shared (R21)")
			h.selectRole("Cannot View Data (shared)")
			h.keys("e")
			h.expect("! Cannot View Data (shared) is shared by Acme Primary")
			h.keys("L")
			h.expect("is shared by Acme Primary via the", "EMEA group: it can be edited, renamed or removed only there (R21)")
			h.keys("esc", "d")
			h.expect("! Cannot View Data (shared) is shared by Acme Primary")
			h.expectNot("Remove the role")
			h.expectNot("UNSAVED")

			h.tab(2)
			h.expect("dana@example.com", "gina@example.com", "[group] Release Manager (shared)")
			h.selectUser("omar@example.com")
			h.keys("e")
			h.expect("! omar@example.com is a group user here")
			h.keys("L")
			h.expect("omar@example.com is a group user here (via the EMEA group)")
			h.keys("esc")
			h.expectNot("Edit user")
			h.keys("d")
			h.expectNot("Remove the user")

			h.selectUser("dana@example.com")
			h.tab(4)
			h.expect("As dana@example.com")
			h.previewTo("Re-run Document")
			expectFlat(t, h, "Re-run Document: allowed: Execute from Cannot View Data (shared) from Acme Primary via EMEA group (R11)")
			checkWidths(t, h, sz[0])
		}
	}
}

// expectFlat fails unless the screen, its lines joined and its runs of
// spaces made one (a dialog's sides left out), says want: text wrapped
// across lines.
func expectFlat(t *testing.T, h *harness, want string) {
	t.Helper()
	var words []string
	for _, l := range strings.Split(h.screen(), "\n") {
		l = strings.Trim(strings.TrimSpace(l), "|│") // a dialog's sides
		words = append(words, strings.Fields(l)...)
	}
	if flat := strings.Join(words, " "); !strings.Contains(flat, want) {
		t.Fatalf("screen lacks %q:\n%s", want, h.screen())
	}
}

// checkWidths fails when a line of the screen is wider than w.
func checkWidths(t *testing.T, h *harness, w int) {
	t.Helper()
	for _, l := range strings.Split(h.screen(), "\n") {
		if width(l) > w {
			t.Fatalf("line wider than %d: %q", w, l)
		}
	}
}

// A shared role is neither inherited nor listed on Roles with Access in a
// member (R21): the forms do not offer it; users may be given it.
func TestGroupMemberFormsOfferSharedRoles(t *testing.T) {
	t.Parallel()
	h, _ := groupHarness(t, "emea-sales.toml", 200, 60, Options{})
	h.keys("n")
	h.keys("tab", "tab") // Inherits Role
	h.keys("space")
	h.expectNot("Release Manager (shared)")
	h.keys("esc", "esc")
	h.keys("esc")
	h.tab(3)
	h.keys("a")
	h.expectNot("(shared)")
	h.keys("esc")
	h.tab(2)
	h.selectUser("dana@example.com")
	h.keys("e", "tab")
	h.expect("Shared roles (from Acme Primary)", "Release Manager (shared)")
}

// An edit of a member saves its own account (model.Own): a user given a
// shared role is written with it; the shared roles and group users stay in
// the primary.
func TestGroupMemberEditSaves(t *testing.T) {
	t.Parallel()
	h, dir := groupHarness(t, "emea-sales.toml", 200, 60, Options{})
	h.tab(2)
	h.selectUser("dana@example.com")
	h.keys("e", "tab")
	h.tick("Release Manager (shared)")
	h.keys("enter")
	h.expect("dana@example.com", "Cannot View Data (shared), Release Manager (shared)")
	h.keys("ctrl+s")
	h.expect("Only EMEA Sales's own account is written")
	h.keys("y")
	h.expect("Saved ")
	doc, err := storage.Load(filepath.Join(dir, "emea-sales.toml"))
	if err != nil || doc.HasErrors() {
		t.Fatalf("saved member: %v %v", err, doc.Problems)
	}
	if len(doc.Account.Roles) != 0 || doc.Account.FindUser("omar@example.com") >= 0 {
		t.Fatalf("the view was written: roles %v, users %v", doc.Account.Roles, doc.Account.Users)
	}
	u := doc.Account.Users[doc.Account.FindUser("dana@example.com")]
	if !slices.Contains(u.Roles, "Release Manager (shared)") {
		t.Fatalf("dana's roles: %v", u.Roles)
	}
	// The session goes on on the view.
	h.expect("[group] Release Manager (shared)")
}

// The primary's edits are checked across the group: a shared role held in
// a member is not removed (R24, naming the account and the user); an edit
// of a shared role says what changes in each member before it is kept and
// in the save review (R22).
func TestGroupPrimaryEdits(t *testing.T) {
	t.Parallel()
	h, dir := groupHarness(t, "acme.toml", 200, 60, Options{})
	h.expect("account Acme Primary", "Cannot View Data")
	h.selectRole("Cannot View Data")
	h.keys("d")
	h.expect("Refused (R24): shared role Cannot View Data cannot be removed while it is held in EMEA Ops", "EMEA Sales (emea-sales.toml): dana@example.com")
	h.keys("esc")

	// A rename of it is refused in the form, naming who holds it.
	h.selectRole("Cannot View Data")
	h.keys("e")
	h.typeText(" X")
	h.keys("enter")
	expectFlat(t, h, "Refused (R24, decision): shared role Cannot View Data cannot be renamed while it is held in EMEA Ops (emea-ops.toml): kai@example.com")
	h.keys("esc", "y")
	h.expectNot("Edit role")

	h.selectRole("Cannot View Data")
	h.keys("e", "tab", "tab", "tab")
	h.tick("View Data")
	h.keys("enter")
	h.expect("In member EMEA Sales (emea-sales.toml):", "dana@example.com")
	h.keys("y")
	h.keys("ctrl+s")
	h.expect("What changes in the member accounts (R22):", "In member EMEA Sales (emea-sales.toml):")
	h.keys("y")
	h.expect("Saved ")
	b, _ := os.ReadFile(filepath.Join(dir, "acme.toml"))
	if !strings.Contains(string(b), `"View Data"`) {
		t.Fatalf("primary not saved:\n%s", b)
	}
}

// A member the primary lists but that cannot be read is a problem of the
// group, listed with its file; the primary opens all the same.
func TestGroupProblemsListed(t *testing.T) {
	t.Parallel()
	dir := groupDir(t)
	if err := os.Remove(filepath.Join(dir, "emea-ops.toml")); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: filepath.Join(dir, "acme.toml")}, fileStore{})
	h.expect("The account group has 1 error: ! lists it.")
	h.keys("!")
	h.expect("2 problems in the file and its account group", "emea-ops.toml", "cannot be read", "emea-sales.toml:22: warning")
}

// A file in no group opens as it always did.
func TestNoGroupUnchanged(t *testing.T) {
	t.Parallel()
	dir := groupDir(t)
	h := newHarness(t, Options{Path: filepath.Join(dir, "solo.toml")}, fileStore{})
	h.expect("new: demo account", "5 Account")
	h.expectNot("6 Groups", "6 Account Groups")
	h.keys("?")
	h.expectNot("switch account")
}

// The account switcher (A) lists the primary and its members and opens
// the one chosen in the same session; with unsaved edits it asks first and
// keeps them as a draft, which opening that account again offers back.
func TestGroupAccountSwitcher(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		h, _ := groupHarness(t, "emea-sales.toml", sz[0], sz[1], Options{ASCII: true})
		h.keys("?")
		h.expect("A switch account")
		h.keys("esc")
		h.keys("A")
		h.expect("Open which account of the group?", "Acme Primary  acme.toml  (primary)", "EMEA Ops  emea-ops.toml  (member of EMEA)", "EMEA Sales  emea-sales.toml  (member of EMEA)  - open now")
		checkWidths(t, h, sz[0])
		h.typeText("Acme")
		h.keys("enter")
		h.expect("Opened Acme Primary", "6 ")
		h.expectNot("(shared)")

		// An edit, then a switch: asked first, kept as a draft.
		h.selectRole("Cannot View Data")
		h.keys("e", "tab")
		h.typeText(" X")
		h.keys("enter")
		h.expect("UNSAVED")
		h.keys("A")
		h.typeText("Ops")
		h.keys("enter")
		h.expect("Switch account without saving?", "You have 1 unsaved edit")
		h.keys("n")
		h.expect("UNSAVED")
		h.expectNot("Switch account")
		h.keys("A")
		h.typeText("Ops")
		h.keys("enter", "y")
		h.expect("Opened EMEA Ops", "Cannot View Data (shared)")
		h.expectNot("UNSAVED")
		h.keys("A")
		h.typeText("Acme")
		h.keys("enter")
		h.expect("Recovery draft found: 1 unsaved edit")
		h.keys("r")
		h.expect("UNSAVED")
		if sz[0] < 120 {
			h.expect("6 Gro") // at 80 columns the sixth tab's label gives way to the mark
		} else {
			h.expect("6 Account Groups")
		}
	}
}

// A primary with groups has an Account Groups tab: each group with its
// members, shared roles and group users. Removing a group user says what
// changes in every file and who can no longer sign in (R23), then writes
// the files together.
func TestGroupAccountGroupsTab(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		h, dir := groupHarness(t, "acme.toml", sz[0], sz[1], Options{ASCII: true})
		if sz[0] < 120 {
			h.expect("6 Groups")
		} else {
			h.expect("6 Account Groups")
		}
		h.tab(6)
		h.expect("Group EMEA", "Members (2)", "EMEA Ops  emea-ops.toml", "EMEA Sales  emea-sales.toml",
			"Shared roles (2)", "Cannot View Data  (3 holders across the group)", "Group users (2)", "omar@example.com  Omar Haddad  Release Manager")
		checkWidths(t, h, sz[0])
		h.moveTo("omar@example.com", 20)
		h.keys("d")
		expectFlat(t, h, "Acme Primary (acme.toml): file rewritten")
		h.expect("EMEA Ops (emea-ops.toml): file unchanged", "omar@example.com is removed")
		expectFlat(t, h, "emea-sales.toml: omar@example.com no longer holds any role, and can no longer sign in to that account (R23)")
		h.keys("y")
		h.expect("Written: remove group user omar@example.com", "Group users (1)")
		h.expectNot("omar@example.com  Omar Haddad")
		b, _ := os.ReadFile(filepath.Join(dir, "acme.toml"))
		if strings.Contains(string(b), "omar") {
			t.Fatalf("omar still in the primary:\n%s", b)
		}
	}
	// A member has no such tab.
	h, _ := groupHarness(t, "emea-ops.toml", 80, 24, Options{})
	h.expectNot("Account Groups")
}

// Un-sharing a role held in members: the what-if names the files
// rewritten, who loses what there and who is left with no role (R23); then
// every file is written together.
func TestGroupUnshareWhatIf(t *testing.T) {
	t.Parallel()
	h, dir := groupHarness(t, "acme.toml", 200, 60, Options{})
	h.tab(6)
	h.moveTo("Cannot View Data", 20)
	h.keys("d")
	h.expect("Unshare role Cannot View Data from group EMEA?", "EMEA Ops (emea-ops.toml): file rewritten", "EMEA Sales (emea-sales.toml): file rewritten",
		"dana@example.com is removed")
	expectFlat(t, h, "emea-sales.toml: dana@example.com no longer holds any role, and can no longer sign in to that account (R23)")
	h.keys("y")
	h.expect("Written: unshare role Cannot View Data", "Shared roles (1)")
	sales, _ := os.ReadFile(filepath.Join(dir, "emea-sales.toml"))
	ops, _ := os.ReadFile(filepath.Join(dir, "emea-ops.toml"))
	if strings.Contains(string(sales), "dana") || strings.Contains(string(ops), "Cannot View Data") {
		t.Fatalf("members not rewritten:\n%s\n%s", sales, ops)
	}
}

// s shares a role the group does not share yet (none here: it shares
// both); n adds a group user, after the what-if of each member.
func TestGroupShareAndAddUser(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		h, dir := groupHarness(t, "acme.toml", sz[0], sz[1], Options{})
		h.tab(6)
		h.keys("s")
		h.expect("Group EMEA shares every custom role of Acme Primary")
		h.keys("n")
		h.expect("New group user of EMEA")
		h.typeText("nia@example.com")
		h.keys("tab")
		h.typeText("Nia Park")
		h.keys("tab")
		h.tick("Release Manager")
		h.keys("enter")
		h.expect("Add group user nia@example.com to group EMEA?", "EMEA Ops (emea-ops.toml): file unchanged")
		expectFlat(t, h, "nia@example.com is added")
		h.keys("y")
		h.expect("Written: add group user nia@example.com", "Group users (3)")
		b, _ := os.ReadFile(filepath.Join(dir, "acme.toml"))
		if !strings.Contains(string(b), "nia@example.com") {
			t.Fatalf("nia not in the primary:\n%s", b)
		}
	}
}

// A shared role no one holds is removed in two steps: un-shared (Account
// Groups tab), then removed; removing it at once says so.
func TestGroupRemoveUnheldSharedRole(t *testing.T) {
	t.Parallel()
	h, _ := groupHarness(t, "acme.toml", 200, 60, Options{})
	h.tab(6)
	h.moveTo("omar@example.com", 20)
	h.keys("d", "y")
	h.expect("Written: remove group user omar@example.com")
	h.tab(1)
	h.selectRole("Release Manager")
	h.keys("d")
	expectFlat(t, h, "Release Manager is shared by group EMEA, though no one holds it: un-share it first (Account Groups tab, d), then remove it")
	h.keys("esc")
	h.tab(6)
	h.moveTo("Release Manager", 20)
	h.keys("d", "y")
	h.expect("Written: unshare role Release Manager", "Shared roles (1)")
	h.tab(1)
	h.selectRole("Release Manager")
	h.keys("d")
	h.expect("Remove the role Release Manager?")
	h.keys("y")
	h.expect("UNSAVED")
}

// Every tab of a primary with groups and of a member fits every size.
func TestGroupLayoutSizes(t *testing.T) {
	t.Parallel()
	for i, file := range []string{"acme.toml", "emea-sales.toml"} {
		for _, ascii := range asciiModes(i) { // a primary plain, a member in ASCII
			h, _ := groupHarness(t, file, 80, 24, Options{ASCII: ascii})
			for _, sz := range [][2]int{{80, 24}, {100, 30}, {119, 40}, {120, 40}, {200, 60}, {250, 80}} {
				h.size(sz[0], sz[1])
				for tab := 1; tab <= 6; tab++ {
					h.tab(tab)
					checkWidths(t, h, sz[0])
					if n := len(strings.Split(h.screen(), "\n")); n != sz[1] {
						t.Fatalf("%s %v tab %d: %d lines", file, sz, tab, n)
					}
				}
				h.keys("A")
				checkWidths(t, h, sz[0])
				h.keys("esc")
			}
		}
	}
}

// A member's save locks the member, not its primary: when the primary
// stops sharing a role meanwhile, the save says so at once (R21).
func TestGroupMemberSaveAfterPrimaryUnshared(t *testing.T) {
	t.Parallel()
	h, dir := groupHarness(t, "emea-sales.toml", 200, 60, Options{})
	h.tab(2)
	h.selectUser("dana@example.com")
	h.keys("e", "tab")
	h.tick("Release Manager (shared)")
	h.keys("enter")
	// Another admin stops sharing Release Manager in the primary.
	p := filepath.Join(dir, "acme.toml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), `shared_roles = ["Cannot View Data", "Release Manager"]`, `shared_roles = ["Cannot View Data"]`, 1)
	s = s[:strings.LastIndex(s, "\n[[group_users]]")] + "\n" // omar held it as a group user
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("ctrl+s")
	h.keys("y")
	// The message wraps with the temporary path's length: single words.
	h.expect("Saved, with a warning", "meanwhile:", "dana@example.com", "(R21)")
}
