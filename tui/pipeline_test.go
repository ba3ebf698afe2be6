package tui

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"rolecall/model"
	"rolecall/storage"
)

// cvdDescription is the demo role "Cannot View Data"'s description.
func cvdDescription() string {
	a := model.Demo()
	return a.Roles[a.FindRole("Cannot View Data")].Description
}

// editDescription opens role "Cannot View Data" and replaces its
// description with text, through the form.
func editDescription(h *harness, text string) {
	h.t.Helper()
	h.keys("1")
	h.selectRole("Cannot View Data")
	h.keys("e", "tab", "ctrl+u")
	h.typeText(text)
	h.keys("enter")
	h.expect("Done (unsaved): set the description of role \"Cannot View Data\"", "UNSAVED")
}

func roleOf(t *testing.T, a *model.Account, name string) model.Role {
	t.Helper()
	i := a.FindRole(name)
	if i < 0 {
		t.Fatalf("no role %q", name)
	}
	return a.Roles[i]
}

// Issue 8, point 1: after "changed on disk", r replays the edits as
// deltas: editing a description keeps another admin's tick on that role,
// and a display name keeps another admin's assignment. The review lists
// the edits themselves.
func TestReloadKeepsOtherAdminsEdits(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	editDescription(h, "Runs processes, sees no data")
	h.keys("2")
	h.selectUser("dana@example.com")
	h.keys("e", "ctrl+u")
	h.typeText("Dana O.")
	h.keys("enter")
	h.expect("Done (unsaved): set the name of dana@example.com")

	// Meanwhile, from the command line: role edit --add Dashboard, user assign.
	st.touch(func(a *model.Account) {
		i := a.FindRole("Cannot View Data")
		a.Roles[i].Privileges = append(a.Roles[i].Privileges, model.Dashboard)
		u := a.FindUser("dana@example.com")
		a.Users[u].Roles = append(a.Users[u].Roles, model.Support)
	})
	h.keys("ctrl+s", "y")
	h.expect("Not saved: the file changed on disk")
	h.keys("r")
	h.expect("Reloaded: 2 edits applied", "Your 2 edits change the file:", `the description of role "Cannot View Data" changes from`, `the name of dana@example.com changes from "Dana Ortiz" to "Dana O."`)
	h.expectNot("change nobody's access")
	h.keys("y")
	h.expect("Saved ")
	r := roleOf(t, st.acct, "Cannot View Data")
	if r.Description != "Runs processes, sees no data" || !slices.Contains(r.Privileges, model.Dashboard) {
		t.Errorf("role after save: %+v (want my description and their Dashboard)", r)
	}
	u := st.acct.Users[st.acct.FindUser("dana@example.com")]
	if u.Name != "Dana O." || !slices.Contains(u.Roles, model.Support) {
		t.Errorf("user after save: %+v (want my name and their Support)", u)
	}
	// The audit record names every edit.
	rec := st.records[len(st.records)-1]
	if len(rec.Edits) != 2 {
		t.Errorf("audit record edits %q", rec.Edits)
	}
}

// Two admins change the same field: the conflict shows both values and
// the admin chooses; nothing else of theirs is touched.
func TestReloadConflictIsShownAndChosen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key, want string
	}{{"m", "mine"}, {"t", "theirs"}} {
		t.Run(tc.want, func(t *testing.T) {
			st := &memStore{acct: model.Demo()}
			h := newHarness(t, Options{}, st)
			editDescription(h, "mine")
			st.touch(func(a *model.Account) {
				i := a.FindRole("Cannot View Data")
				a.Roles[i].Description = "theirs"
				a.Roles[i].Privileges = append(a.Roles[i].Privileges, model.Dashboard)
			})
			h.keys("ctrl+s", "y", "r")
			h.expect(`Conflict 1 of 1: the description of role "Cannot View Data"`,
				"When you made it, this was: "+cvdDescription()[:20], "Another change made it:      theirs", "Your edit makes it:          mine",
				"m keep mine", "t take theirs")
			h.keys(tc.key)
			if tc.want == "mine" {
				h.expect("Reloaded: 1 edit applied, 1 kept over another change", "Your 1 edit changes the file:")
				h.keys("y")
				h.expect("Saved ")
			} else {
				h.expect("Reloaded: 0 edits applied, 1 dropped for another change")
				h.expectNot("UNSAVED")
			}
			r := roleOf(t, st.acct, "Cannot View Data")
			if r.Description != tc.want || !slices.Contains(r.Privileges, model.Dashboard) {
				t.Errorf("role %+v: want description %q and their Dashboard", r, tc.want)
			}
		})
	}
}

// Issue 8, point 2: restoring a draft replays its edits onto the file as
// it is now: the saves made after the draft stay, and the dialog says the
// file changed since.
func TestRestoreDraftKeepsNewerSaves(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	st.leaveDraft(st.BaseID(0), model.Tick{Role: "Cannot View Data", Privilege: model.Dashboard})
	// Four edits from the command line after the draft.
	st.touch(func(a *model.Account) {
		a.Roles = append(a.Roles, model.Role{Name: "Night Shift", Inherits: model.Support})
		a.Users = append(a.Users, model.User{Email: "zed@example.com", Roles: []string{model.Support}})
		p := a.FindEnvironment("Production")
		a.Environments[p].RolesWithAccess = append(a.Environments[p].RolesWithAccess, "Night Shift")
		u := a.FindUser("ada@example.com")
		a.Users[u].Roles = append(a.Users[u].Roles, "Night Shift")
		a.Normalize()
	})
	h := newHarness(t, Options{}, st)
	h.expect("Recovery draft found: 1 unsaved edit", "(the file changed since)", `tick Dashboard on role "Cannot View Data"`)
	h.keys("r")
	h.expect("Draft restored: 1 edit applied; the file changed since the draft.", "UNSAVED")
	h.keys("ctrl+s")
	h.expect("Your 1 edit changes the file:", `role "Cannot View Data" now ticks Dashboard`)
	h.keys("y")
	h.expect("Saved ")
	a := st.acct
	if !slices.Contains(roleOf(t, a, "Cannot View Data").Privileges, model.Dashboard) {
		t.Error("the draft's edit is not saved")
	}
	if a.FindRole("Night Shift") < 0 || a.FindUser("zed@example.com") < 0 ||
		!slices.Contains(a.Environments[a.FindEnvironment("Production")].RolesWithAccess, "Night Shift") ||
		!slices.Contains(a.Users[a.FindUser("ada@example.com")].Roles, "Night Shift") {
		t.Errorf("a save made after the draft was reverted: %+v", a)
	}
	if len(st.drafts) != 0 {
		t.Errorf("drafts left after the save that included them: %v", st.drafts)
	}
}

// Issue 8, point 3: two sessions on one file keep two drafts; after both
// drop, the next start offers both; after restoring, a reload keeps the
// restored edits and the quit dialog counts them.
func TestTwoSessionsTwoDrafts(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h1 := newHarness(t, Options{}, st)
	editDescription(h1, "first session")
	h1.msg(draftTickMsg{})
	h2 := newHarness(t, Options{}, st)
	h2.keys("5", "a", "y")
	h2.expect("UNSAVED")
	h2.msg(draftTickMsg{})
	if len(st.drafts) != 2 {
		t.Fatalf("two sessions keep %d drafts", len(st.drafts))
	}
	// Both SSH connections drop: their processes end, their locks go.
	for id := range st.drafts {
		st.ReleaseDraft("", id)
	}
	h3 := newHarness(t, Options{}, st)
	h3.expect("Recovery drafts found: 2 unsaved edits", `set the description of role "Cannot View Data" to "first session"`, "turn Advanced Environment Access off")
	h3.keys("r")
	h3.expect("Drafts restored: 2 edits applied.")
	st.touch(func(a *model.Account) { a.Name = "Renamed elsewhere" })
	h3.keys("ctrl+s", "y")
	h3.expect("Not saved: the file changed on disk", "Your 2 unsaved edits are kept")
	h3.keys("r")
	h3.expect("Reloaded: 2 edits applied")
	h3.keys("n", "q")
	h3.expect("You have 2 unsaved edits.")
}

// Unsaved edits reach the draft at the next draft interval, and only when
// they changed.
func TestAutosaveDraft(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.msg(draftTickMsg{})
	if len(st.drafts) != 0 {
		t.Fatal("a draft was written with nothing unsaved")
	}
	editDescription(h, "kept")
	h.msg(draftTickMsg{})
	if len(st.drafts) != 1 {
		t.Fatalf("%d drafts after an edit and a tick", len(st.drafts))
	}
	for _, d := range st.drafts {
		if len(d.Ops) != 1 || d.BaseID != st.BaseID(0) {
			t.Errorf("draft %+v", d)
		}
	}
	h.keys("ctrl+s", "y")
	if len(st.drafts) != 0 {
		t.Error("the save did not remove the draft it included")
	}
}

// A save that wrote the file and failed after says so, and the next save
// does not take the session's own write for someone else's.
func TestSavedButFailedAfter(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo(), failAfter: "the audit entry was not written: disk full"}
	h := newHarness(t, Options{}, st)
	editDescription(h, "one")
	h.keys("ctrl+s", "y")
	h.expect("Saved, with a warning", "the audit entry was not written: disk full")
	h.expectNot("Not saved")
	h.keys("esc")
	h.expectNot("UNSAVED")
	editDescription(h, "two")
	h.keys("ctrl+s", "y")
	h.expect("Saved ")
	if !strings.Contains(roleOf(t, st.acct, "Cannot View Data").Description, "two") || st.saves != 2 {
		t.Errorf("second save: %d saves", st.saves)
	}
}

// A hand-edited file (here: a comment) is rewritten in rolecall's layout
// by any save: the review says so before saving; a file rolecall wrote
// does not get the note.
func TestSaveSaysItRelaysAHandEditedFile(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "acct.toml")
	if _, err := storage.Save(path, model.Demo(), storage.Stamp{}, storage.SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	editDescription(h, "tidy")
	h.keys("ctrl+s")
	h.expect("Your 1 edit changes the file:")
	h.expectNot("rewrites the file")
	h.keys("n")

	data, _ := os.ReadFile(path)
	os.WriteFile(path, append([]byte("# kept by hand\n"), data...), 0o600)
	h = newHarness(t, Options{Path: path}, fileStore{})
	editDescription(h, "tidy")
	h.keys("ctrl+s")
	h.expect("Saving also rewrites the file in rolecall's own layout", "not kept. git diff will show more than your edits")
}

// Two sessions' drafts that set the same field meet as a conflict, never
// as one silently replacing the other.
func TestRestoreTwoDraftsOfOneField(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	base := st.BaseID(0)
	st.leaveDraft(base, model.SetUserName{Email: "dana@example.com", From: "Dana Ortiz", To: "Dana P1"})
	st.leaveDraft(base, model.SetUserName{Email: "dana@example.com", From: "Dana Ortiz", To: "Dana P2"})
	h := newHarness(t, Options{}, st)
	h.expect("Recovery drafts found: 2 unsaved edits")
	h.keys("r")
	h.expect("Conflict 1 of 1: the name of dana@example.com", "Another change made it:      Dana P1", "Your edit makes it:          Dana P2")
	h.keys("m")
	h.expect("Drafts restored: 2 edits applied, 1 kept over another change.")
	h.keys("ctrl+s", "y")
	if u := st.acct.Users[st.acct.FindUser("dana@example.com")]; u.Name != "Dana P2" {
		t.Errorf("name %q after keeping the second draft's", u.Name)
	}
}

// An edit of a role another admin removed cannot be kept: m is not offered
// and does nothing; esc backs out and changes nothing.
func TestConflictOnRemovedRole(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	editDescription(h, "mine")
	st.touch(func(a *model.Account) {
		i := a.FindRole("Cannot View Data")
		a.Roles = append(a.Roles[:i], a.Roles[i+1:]...) // removed from the command line
		u := a.FindUser("dana@example.com")
		a.Users[u].Roles = []string{model.StandardUser}
	})
	h.keys("ctrl+s", "y", "r")
	h.expect(`Conflict 1 of 1: role "Cannot View Data"`, "removed or renamed", "t take theirs", "esc cancel")
	h.expectNot("m keep mine")
	h.keys("m")
	h.expect(`Conflict 1 of 1: role "Cannot View Data"`)
	h.keys("esc")
	h.expect("Not reloaded: your edits are kept", "UNSAVED")
	if st.saves != 0 {
		t.Error("something was saved")
	}
}

// An edit of a role another admin renamed names the role it became (the
// model tells it from the file as the edit was made on it), and m keeps the
// edit, on the renamed role.
func TestConflictOnRenamedRole(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	editDescription(h, "mine")
	st.touch(func(a *model.Account) {
		i := a.FindRole("Cannot View Data")
		a.Roles[i].Name = "CVD" // renamed from the command line
		u := a.FindUser("dana@example.com")
		a.Users[u].Roles = []string{"CVD"}
	})
	h.keys("ctrl+s", "y", "r")
	h.expect(`Conflict 1 of 1: role "Cannot View Data"`, `renamed to "CVD" by another change`, "m keep mine")
	h.keys("m")
	h.expect("Reloaded: 1 edit applied, 1 kept over another change", "Save test.toml?")
	h.keys("y")
	if st.saves != 1 {
		t.Fatal("not saved")
	}
	if r := st.acct.Roles[st.acct.FindRole("CVD")]; r.Description != "mine" {
		t.Errorf("the renamed role's description is %q", r.Description)
	}
}

// An edit taken back is no edit: nothing is unsaved, nothing is counted,
// and a draft written before it goes at the next draft interval.
func TestEditTakenBackIsNothing(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	editDescription(h, "x")
	editDescription(h, "y")
	h.msg(draftTickMsg{})
	h.keys("ctrl+s")
	h.expect("Your 1 edit changes the file:", `set the description of role "Cannot View Data" to "y"`)
	h.keys("n")
	if len(st.drafts) != 1 {
		t.Fatalf("%d drafts", len(st.drafts))
	}
	h.selectRole("Cannot View Data")
	h.keys("e", "tab", "ctrl+u")
	h.typeText(cvdDescription())
	h.keys("enter")
	h.expectNot("UNSAVED")
	h.keys("q")
	if !h.quit {
		t.Error("q asked, with no net edit")
	}
	h.msg(draftTickMsg{})
	if len(st.drafts) != 0 {
		t.Error("a draft still offers an edit that was taken back")
	}
}

func TestSaveRefusedWhenFileChangedKeepsEdits(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("5", "a", "y")
	st.touch(func(a *model.Account) { a.Name = "Changed elsewhere" })
	h.keys("ctrl+s", "y")
	h.expect("Not saved: the file changed on disk", "changed on disk since it was loaded", "Your 1 unsaved edit is kept")
	if st.saves != 0 {
		t.Fatal("the file was written")
	}
	h.keys("r")
	// Reloaded and re-applied: the save summary is back, on the new file.
	h.expect("Save ", "Advanced Environment Access turns off")
	h.keys("y")
	if st.saves != 1 || st.acct.AdvancedEnvironmentAccess || st.acct.Name != "Changed elsewhere" {
		t.Fatalf("save after reload: saves %d, %+v", st.saves, st.acct.Name)
	}
}

func TestDraftDiscard(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	st.leaveDraft("v0", model.RenameAccount{From: model.Demo().Name, To: "From the draft"})
	h := newHarness(t, Options{}, st)
	h.expect("Recovery draft found: 1 unsaved edit", `rename the account to "From the draft"`)
	h.keys("d")
	h.expect("Discard 1 unsaved edit for good?")
	h.keys("n")
	h.expect("Recovery draft found: 1 unsaved edit")
	if len(st.drafts) != 1 {
		t.Fatal("n discarded the draft")
	}
	h.keys("d", "y")
	if len(st.drafts) != 0 {
		t.Fatal("discard kept the draft")
	}
	h.expectNot("UNSAVED")
	h.expect("Recovery draft discarded")
}

func TestFileWithErrorsOpensReadOnly(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo(), problems: []FileProblem{{Line: 12, Problem: model.Problem{Severity: model.Error, Rule: "R6", Message: "role \"X\" inherits \"Y\", which does not exist"}}}}
	h := newHarness(t, Options{}, st)
	h.expect("READ-ONLY", "The file has 1 error", "test.toml:12: error: role \"X\" inherits \"Y\", which does not exist (R6)")
	h.keys("esc", "ctrl+s", "n")
	h.expectNot("New custom role", "Save ")
	if st.saves != 0 {
		t.Fatal("a file with errors was saved")
	}
	// Its problems show again on a key.
	h.expect("HAS ERRORS: ! lists them")
	h.keys("!")
	h.expect("test.toml:12: error:")
}

func TestMissingFileOpensDemoAndSavesIt(t *testing.T) {
	t.Parallel()
	st := &memStore{}
	h := newHarness(t, Options{}, st)
	h.expect("demo account, written on first save", "Cannot View Data")
	h.keys("ctrl+s")
	h.expect("does not exist yet")
	h.keys("y")
	if st.saves != 1 || st.acct.FindRole("Cannot View Data") < 0 {
		t.Fatal("the demo was not written")
	}
}

// When the audit entry cannot be written, the TUI says "Not saved", and
// the file on disk is indeed unchanged.
func TestAuditFailureIsNotSaved(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	p := filepath.Join(t.TempDir(), "rolecall.toml")
	if err := os.WriteFile(p, storage.Encode(model.Demo()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(p+".audit.jsonl", 0o700); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	h := newHarness(t, Options{Path: p}, fileStore{})
	h.keys("5", "a", "y", "ctrl+s", "y")
	h.expect("Not saved", "the audit entry could not be", "Your edits are kept.")
	if after, _ := os.ReadFile(p); string(after) != string(before) {
		t.Fatal("the file was written without its audit entry")
	}
}

// The save review lists the roles added, in grammar.
func TestSaveReviewListsRolesInGrammar(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 50)
	for _, n := range []string{"R1", "R2", "R3", "R4", "R5"} {
		h.keys("n")
		h.typeText(n)
		h.keys("enter")
	}
	h.keys("ctrl+s")
	h.expect("Roles", `role "R1" is added`, `role "R5" is added`, "nobody holds it yet")
	h.expectNot("change nobody's access")
}

// A new role given to users and listed on an environment is
// reviewed as a role, not as an environment or users "added".
func TestSaveReviewOfRoleGivenAndListed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 60)
	h.keys("n")
	h.typeText("Ops")
	h.field("Privileges")
	h.tick("Execute")
	h.field("Assigned to")
	h.tick("ada@example.com")
	h.field("Listed on")
	h.tick("Production")
	h.keys("enter")
	h.expectNot("New custom role")
	h.keys("ctrl+s")
	t.Log(h.screen())
	h.expect("Roles", `role "Ops" is added`)
	h.expectNot("environment Production is added", "users is added", "1 users", "1 environments", "change nobody's access")
}

func TestSaveReviewUserGrammar(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 50)
	h.keys("2")
	h.selectUser("ada@example.com")
	h.keys("d", "y")
	h.selectUser("sam@example.com")
	h.keys("d", "y")
	h.keys("ctrl+s")
	h.expect("ada@example.com and sam@example.com are removed")
	h.expectNot("sam@example.com is removed", "1 users", "1 environments")
}

// A file in a directory that does not exist is refused at once,
// saying why; a failed save offers save as, and quitting keeps a draft.
func TestFileInMissingDirectoryRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nodir", "acct.toml")
	_, err := fileStore{}.Load(path)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Load of a file in a missing directory: %v", err)
	}
	if _, err := newApp(Options{Path: path}, fileStore{}); err == nil {
		t.Fatal("the app opened a file in a missing directory")
	}
}

// failingSave is a store whose saves fail.
type failingSave struct{ *memStore }

func (failingSave) Save(string, *model.Working, any) (any, error) {
	return nil, errors.New("disk full")
}

func TestFailedSaveOffersSaveAsAndKeepsDraft(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, failingSave{st})
	h.keys("5", "a", "y")
	h.saveAll()
	h.expect("Not saved", "disk full", "S save as")
	h.keys("S")
	h.expect("Save the account to another file")
	h.keys("esc")
	if strings.Contains(h.screen(), "Discard your changes") {
		h.keys("y")
	}
	h.expectNot("Save the account to another file")
	h.keys("esc", "q")
	h.expect("Quit without saving?")
	h.keys("y")
	if !h.quit || len(st.drafts) != 1 {
		t.Fatalf("quit %v with %d drafts after a failed save", h.quit, len(st.drafts))
	}
}

// A file with a syntax error says so, lists its problems with
// line numbers on !, and the lists say the file could not be read.
func TestBrokenTOMLSaysSo(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "acct.toml")
	if err := os.WriteFile(path, []byte("name = \"Acme\"\n[[roles]\nname = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.expect("READ-ONLY", "The file has 1 error")
	if !regexp.MustCompile(`acct\.toml:\d+: error: TOML syntax`).MatchString(h.screen()) {
		t.Fatalf("the problem lacks its line:\n%s", h.screen())
	}
	h.keys("esc")
	h.expect("HAS ERRORS")
	h.keys("!")
	h.expect("The file has 1 error", "TOML syntax")
	h.keys("esc")
	for _, tab := range []string{"2", "3"} {
		h.keys(tab)
		h.expect("the file could not be read")
	}
}

// The changed-on-disk dialog offers save as and says one thing
// about reloading.
func TestChangedOnDiskOffersSaveAs(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.size(120, 40)
	h.keys("5", "a", "y")
	st.touch(func(a *model.Account) { a.Name = "Elsewhere" })
	h.saveAll()
	h.expect("Not saved: the file changed on disk", "S save as")
	h.expectNot("reload it and redo your edits")
	h.keys("S")
	h.expect("Save the account to another file")
}

// A save runs off the input path: a notice shows meanwhile, keys wait
// (counted, never acting on the copy being written), and the notice goes
// when the save answers.
func TestSaveRunsOffTheInputPath(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("5", "a", "y", "ctrl+s")
	h.expect("Save test.toml?")
	_, cmd := h.app.Update(keyMsg("y"))
	h.expect("Saving test.toml...", "Keys wait until it is done.")
	if st.saves != 0 {
		t.Fatal("saved on the input path")
	}
	for _, k := range []string{"u", "d", "1"} {
		h.app.Update(keyMsg(k))
	}
	h.expect("3 keys ignored.")
	h.run(cmd, 0)
	h.expectNot("Saving test.toml...")
	h.expect("Saved test.toml.", "[5 Account]")
	if st.saves != 1 || st.acct.AdvancedEnvironmentAccess || !st.acct.AdvancedUserSecurity {
		t.Fatalf("saves %d, account %+v", st.saves, st.acct)
	}
}

// Reading the file again to replay the edits runs off the input path too.
func TestReloadRunsOffTheInputPath(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("5", "a", "y")
	st.touch(func(a *model.Account) { a.Name = "Changed elsewhere" })
	h.keys("ctrl+s", "y")
	h.expect("Not saved: the file changed on disk")
	_, cmd := h.app.Update(keyMsg("r"))
	h.expect("Reading test.toml again...")
	h.run(cmd, 0)
	h.expectNot("Reading test.toml again...")
	h.expect("Reloaded: 1 edit applied", "Save test.toml?")
}

// Save as moves the session to the new file only once that file is
// written: declining its review leaves everything where it was.
func TestSaveAsMovesOnlyOnceSaved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.toml")
	if _, err := storage.Save(path, model.Demo(), storage.Stamp{}, storage.SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "b.toml")
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.size(120, 40)
	h.keys("5", "a", "y", "S", "ctrl+u")
	h.typeText(other)
	h.keys("enter")
	h.expect("Save "+other+"?", "The session moves to "+other+" once it is saved")
	h.keys("esc")
	h.expect("file " + path + " • account")
	h.keys("ctrl+s")
	h.expect("Save " + path + "?")
	h.expectNot("moves to")
	h.keys("esc", "S", "ctrl+u")
	h.typeText(other)
	h.keys("enter", "y")
	h.expect("Saved "+other+".", "file "+other+" • account")
	if _, err := os.Stat(other); err != nil {
		t.Fatal(err)
	}
	if d, _ := storage.Load(path); !d.Account.AdvancedEnvironmentAccess {
		t.Fatal("save as wrote over the first file")
	}
}

// Whether a save rewrites the file's layout is worked out once, and not
// while the file is loaded: it encodes the whole account, a good part of
// loading a 100,000-user file, and only a save review asks it.
func TestRelaidNotWorkedOutOnLoad(t *testing.T) {
	encodes := 0
	old := encodeForRelaid
	defer func() { encodeForRelaid = old }()
	encodeForRelaid = func(a *model.Account) []byte { encodes++; return old(a) }
	path := filepath.Join(t.TempDir(), "acct.toml")
	data := append([]byte("# kept by hand\n"), storage.Encode(model.Demo())...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ld, err := fileStore{}.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if encodes != 0 {
		t.Fatalf("loading encoded the account %d times", encodes)
	}
	if !ld.Relaid() || !ld.Relaid() || encodes != 1 {
		t.Errorf("a hand-edited file: Relaid %v, the account encoded %d times (want true, once)", ld.Relaid(), encodes)
	}
}

// A save of a large account gives the memory its encoding left back to
// the system, as a load does; a small one does not pay for it.
func TestLargeSaveReleasesMemory(t *testing.T) {
	old := releaseMemory
	defer func() { releaseMemory = old }()
	released := 0
	releaseMemory = func() { released++ }
	for _, tc := range []struct {
		name  string
		acct  *model.Account
		saves int // releases by the save
	}{
		{"the demo", model.Demo(), 0},
		{"6,000 users", model.Synthetic(6000, 100, 10, 2), 1},
	} {
		st := &memStore{acct: tc.acct}
		h := newHarness(t, Options{}, st)
		before := released
		h.keys("2", "e", "ctrl+u")
		h.typeText("Renamed")
		h.keys("enter")
		h.expect("Done (unsaved)")
		h.keys("ctrl+s", "y")
		h.expect("Saved ")
		if st.saves != 1 {
			t.Fatalf("%s: %d saves", tc.name, st.saves)
		}
		if got := released - before; got != tc.saves {
			t.Errorf("%s: memory released %d times by the save, want %d", tc.name, got, tc.saves)
		}
	}
}
