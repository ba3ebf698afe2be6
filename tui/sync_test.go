package tui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"rolecall/model"
	"rolecall/storage"
)

// pulledAt is when the tests' state files say they were made.
var pulledAt = time.Date(2026, 11, 27, 21, 40, 12, 0, time.UTC)

// at is t as the info line shows it: local time, to the minute.
func at(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// boomiDemo is the demo account with a code for every privilege, and
// Boomi's state matching it: a pull's state file.
func boomiDemo(t *testing.T) (*model.Account, *Sync) {
	t.Helper()
	a := withCodes(model.Demo())
	return a, &Sync{Account: "acme-1", Source: "pull", At: pulledAt, Live: liveOf(t, a)}
}

// infoLine is the second line of the screen: the file and its Boomi state.
func (h *harness) infoLine() string { return strings.Split(h.screen(), "\n")[1] }

func (h *harness) expectInfo(want string) {
	h.t.Helper()
	if l := h.infoLine(); !strings.Contains(l, want) {
		h.t.Fatalf("the info line lacks %q: %q\n%s", want, l, h.screen())
	}
}

// The status follows the edits (the unsaved ones count: they are what a
// push would send once saved), and the state is read again after a save.
func TestSyncStatusFollowsEdits(t *testing.T) {
	t.Parallel()
	a, sy := boomiDemo(t)
	st := &memStore{acct: a, sync: sy}
	h := newHarness(t, Options{}, st)
	h.expectInfo("Boomi acme-1 · in sync")
	h.size(200, 60)
	h.expectInfo("file test.toml • account Acme Integration (demo) • Boomi acme-1 · pulled " + at(pulledAt) + " · in sync")

	// Tick a privilege on a role: one Role update to push.
	h.keys("1")
	h.selectRole("Cannot View Data")
	h.keys("e")
	h.field("Privileges")
	h.tick("Build Read Access")
	h.keys("enter")
	h.expect("UNSAVED")
	h.expectInfo("Boomi acme-1 · pulled " + at(pulledAt) + " · 1 unpushed change")
	// At 80x24 it is said short.
	h.size(80, 24)
	h.expectInfo("• Boomi: 1 unpushed")

	// A second edit: two calls (the role update, and a user's new role).
	h.keys("2")
	h.selectUser("sam@example.com")
	h.keys("e", "tab")
	h.tick("Cannot View Data")
	h.keys("enter")
	h.expectInfo("Boomi: 2 unpushed")
	h.size(120, 40)
	h.expectInfo("Boomi acme-1 · pulled " + at(pulledAt) + " · 2 unpushed changes")

	// Taken back, the edit counts no more.
	h.keys("e", "tab")
	h.tick("Cannot View Data")
	h.keys("enter")
	h.expectInfo("Boomi acme-1 · pulled " + at(pulledAt) + " · 1 unpushed change")

	// Saved: the file now differs from Boomi all the same.
	reads := st.syncReads
	h.saveAll()
	h.expect("Saved ")
	h.expectNot("UNSAVED")
	if st.syncReads == reads {
		t.Fatal("the state was not read again after the save")
	}
	h.expectInfo("1 unpushed change")

	// Another terminal pushes; the next save reads the new state.
	pushedAt := pulledAt.Add(26 * time.Hour)
	want := st.acct.Clone()
	want.Roles[want.FindRole("Cannot View Data")].Privileges = append(want.Roles[want.FindRole("Cannot View Data")].Privileges, model.ViewData)
	st.sync = &Sync{Account: "acme-1", Source: "push", At: pushedAt, Live: liveOf(t, want)}
	h.keys("1")
	h.selectRole("Cannot View Data")
	h.keys("e")
	h.field("Privileges")
	h.tick("View Data")
	h.keys("enter")
	h.expectInfo("Boomi acme-1 · pulled " + at(pulledAt) + " · 1 unpushed change") // the old state until the save
	h.saveAll()
	h.expect("Saved ")
	h.size(200, 60)
	h.expectInfo("Boomi acme-1 · pushed " + at(pushedAt) + " · in sync")
}

// A file tied to no Boomi account says nothing of Boomi.
func TestSyncStatusNone(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		h.size(sz[0], sz[1])
		if l := h.infoLine(); strings.Contains(l, "Boomi") {
			t.Fatalf("%v: %q", sz, l)
		}
	}
}

// An interrupted push says so, at every width: the shortest form keeps it.
func TestSyncStatusInterrupted(t *testing.T) {
	t.Parallel()
	a, sy := boomiDemo(t)
	sy.Interrupted = true
	h := newHarness(t, Options{}, &memStore{acct: a, sync: sy})
	h.size(200, 60)
	h.expectInfo("Boomi acme-1 · pulled " + at(pulledAt) + " · in sync · push interrupted: run rolecall push")
	h.size(80, 24)
	h.expectInfo("• Boomi: push interrupted")
	// A journal without a state file.
	h = newHarness(t, Options{}, &memStore{acct: a, sync: &Sync{Interrupted: true}})
	h.expectInfo("• Boomi: push interrupted")
	h.size(200, 60)
	h.expectInfo("• Boomi · push interrupted: run rolecall push")
}

// A plan that cannot be pushed says how many problems stand in the way.
func TestSyncStatusBlocking(t *testing.T) {
	t.Parallel()
	_, sy := boomiDemo(t)
	// The file without the codes of the privileges Boomi documents none
	// for: they cannot be pushed.
	a := model.Demo()
	n := len(model.MakePlan(a, sy.Live).Blocking)
	if n == 0 {
		t.Fatal("the test expects blocking problems")
	}
	h := newHarness(t, Options{}, &memStore{acct: a, sync: sy})
	h.size(200, 60)
	h.expectInfo(fmt.Sprintf("Boomi acme-1 · pulled %s · cannot push: %d problems", at(pulledAt), n))
	h.size(80, 24)
	h.expectInfo("Boomi: cannot push")
}

// A state file that cannot be read is a one-line warning, its full text
// in the messages; the rest works.
func TestSyncStatusUnreadable(t *testing.T) {
	t.Parallel()
	msg := "test.toml.boomi.json is damaged (unexpected end of JSON input); remove it and pull again"
	h := newHarness(t, Options{}, &memStore{acct: model.Demo(), syncErr: errors.New(msg)})
	h.expectInfo("• ! Boomi: state unreadable")
	h.size(200, 60)
	h.expectInfo("! Boomi · state unreadable: " + msg)
	h.expect("! Warning: the Boomi state cannot be read: test.toml.boomi.json")
	h.keys("L")
	h.expect(msg)
	h.keys("esc", "2")
	h.expect("ada@example.com")
}

// The state files as storage writes them beside a real file: read at
// start and after every save (a journal appearing meanwhile shows then).
func TestSyncStatusFromFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "acct.toml")
	a := smallAccount()
	// Roles whose privileges all have Boomi codes: the file format on this
	// branch keeps no [privilege_codes] and no role ids (roles are matched
	// by name).
	a.Roles = []model.Role{{Name: "Builders", Privileges: []model.Privilege{model.BuildReadWrite, model.Execute}}}
	a.Users[1].Roles = []string{model.StandardUser, "Builders"}
	a.Normalize()
	if _, err := storage.Save(path, a, storage.Stamp{}, storage.SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := storage.WriteState(path, &storage.RemoteState{Account: "acme-1", Source: "import", At: pulledAt, Live: liveOf(t, a)}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{Path: path}, fileStore{})
	h.size(200, 60)
	h.expectInfo("Boomi acme-1 · imported " + at(pulledAt) + " · in sync")

	h.keys("2")
	h.selectUser("ann@example.com")
	h.keys("e", "tab")
	h.tick("Builders")
	h.keys("enter")
	h.expectInfo("· 1 unpushed change")

	// A push from another terminal stops half way: its journal stays.
	if err := os.WriteFile(storage.JournalPath(path), []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.expectNot("interrupted") // read with the file, not on every key
	h.saveAll()
	h.expect("Saved ")
	h.expectInfo("· 1 unpushed change · push interrupted: run rolecall push")

	// A damaged state file: a warning, never a crash.
	if err := os.WriteFile(storage.StatePath(path), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	h = newHarness(t, Options{Path: path}, fileStore{})
	h.size(200, 60)
	h.expectInfo("! Boomi: state unreadable · push interrupted")
	h.expect("! Warning: the Boomi state cannot be read: " + path)
}

// The status fits every size, with --ascii in ASCII only, and says its
// state in words (NO_COLOR leaves no colour to say it).
func TestSyncStatusLayout(t *testing.T) {
	t.Parallel()
	_, sy := boomiDemo(t)
	sy.Interrupted = true
	sy.Account = "acme-integration-production-1234567890"
	for i, sz := range append([][2]int{{80, 24}}, sizes...) {
		for _, ascii := range asciiModes(i) {
			for _, keys := range [][]string{{"1"}, {"2"}, {"4"}, {"5"}, {"?"}, {"1", "e"}} {
				h := newHarness(t, Options{ASCII: ascii}, &memStore{acct: model.Demo(), sync: sy})
				h.size(sz[0], sz[1])
				h.keys(keys...)
				name := fmt.Sprintf("%v ascii=%v", keys, ascii)
				checkScreen(t, name, h, sz[0], sz[1])
				info := h.infoLine()
				if !strings.Contains(info, "Boomi") || !strings.Contains(info, "cannot push") && !strings.Contains(info, "push interrupted") {
					t.Fatalf("%s at %v: %q", name, sz, info)
				}
				if ascii {
					for i, b := range []byte(h.app.View().Content) {
						if b > 0x7e && b != 0x1b || b < 0x20 && b != '\n' && b != 0x1b {
							t.Fatalf("%s at %v: byte %#x at %d in %q", name, sz, b, i, info)
						}
					}
				}
			}
		}
	}
}

// With NO_COLOR (the Ascii profile Run picks) the states read the same,
// and the ones that stop a push stay bold, as the status line's errors do.
func TestSyncStatusNoColor(t *testing.T) {
	t.Parallel()
	_, sy := boomiDemo(t)
	sy.Interrupted = true
	h := newHarness(t, Options{}, &memStore{acct: model.Demo(), sync: sy})
	h.size(200, 60)
	raw := strings.Split(h.app.View().Content, "\n")[1]
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.Ascii}
	if _, err := w.WriteString(raw); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"cannot push", "push interrupted: run rolecall push"} {
		i := strings.Index(out, want)
		if i < 0 {
			t.Fatalf("no %q in %q", want, ansi.Strip(out))
		}
		sgr := out[:i]
		sgr = sgr[strings.LastIndex(sgr, "\x1b["):]
		if !strings.HasPrefix(sgr, "\x1b[1m") && !strings.HasPrefix(sgr, "\x1b[1;") {
			t.Fatalf("%q is not bold without colour: %q", want, sgr)
		}
	}
	if strings.Contains(out, "\x1b[3") || strings.Contains(out, ";3") && strings.Contains(out, "8;") {
		t.Fatalf("colour under NO_COLOR: %q", out)
	}
}

// In a running program the count comes back from its command: an edit
// shows as unpushed, and quitting with it asks first.
func TestE2ESyncStatus(t *testing.T) {
	t.Parallel()
	a, sy := boomiDemo(t)
	e := newE2E(t, Options{}, &memStore{acct: a, sync: sy})
	e.wait("in sync")
	e.key("2", "j", "d")
	e.wait("Remove")
	e.key("y")
	e.wait("1 unpushed") // the renderer writes only the cells that change
	e.key("q")
	e.wait("Quit without saving")
	e.key("y")
	if out := e.final(); !strings.Contains(out, "Boomi: 1 unpushed") {
		t.Fatalf("the last screen:\n%s", out)
	}
}
