package tui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"rolecall/model"
)

// e2e runs the app in a real Bubble Tea program at 80x24.
type e2e struct {
	t  *testing.T
	tm *teatest.TestModel
}

func newE2E(t *testing.T, opts Options, st Store) *e2e {
	t.Helper()
	opts.Path = "demo.toml"
	app, err := newApp(opts, st)
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return &e2e{t: t, tm: tm}
}

func (e *e2e) key(ks ...string) {
	for _, k := range ks {
		e.tm.Send(keyMsg(k))
	}
}

// wait reads the output until the plain text shows want.
func (e *e2e) wait(want string) {
	e.t.Helper()
	teatest.WaitFor(e.t, e.tm.Output(), func(b []byte) bool {
		return bytes.Contains([]byte(ansi.Strip(string(b))), []byte(want))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func (e *e2e) final() string {
	m := e.tm.FinalModel(e.t, teatest.WithFinalTimeout(5*time.Second))
	out := ansi.Strip(m.(*App).View().Content)
	// Trailing spaces are padding; drop them so the golden files read well.
	lines := strings.Split(out, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestE2ERemoveRefusedThenQuit(t *testing.T) {
	t.Parallel()
	e := newE2E(t, Options{}, &memStore{acct: model.Demo()})
	e.wait("Administrator")
	e.key("j", "j", "j", "j", "d")
	e.wait("Refused")
	e.key("esc", "q")
	golden.RequireEqual(t, []byte(e.final()))
}

func TestE2EPreviewFollowsUser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, Options{}, &memStore{acct: model.Demo()})
	e.wait("Administrator")
	e.key("2", "j", "j", "4")
	e.wait("dana@example.com")
	e.key("j", "j", "j", "j", "j", "j")
	e.wait("View Document:")
	e.key("q")
	golden.RequireEqual(t, []byte(e.final()))
}

func TestE2EQuitAsksWithUnsavedEdits(t *testing.T) {
	t.Parallel()
	e := newE2E(t, Options{ASCII: true}, &memStore{acct: model.Demo()})
	e.wait("Administrator")
	e.key("5", "a")
	e.wait("Turn Advanced")
	e.key("y", "q")
	e.wait("Quit without saving")
	e.key("y")
	out := e.final()
	if !strings.Contains(out, "UNSAVED") {
		t.Fatalf("the last screen should still mark the unsaved edit:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out))
}

var _ = io.Discard
