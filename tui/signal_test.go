package tui

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"rolecall/model"
	"rolecall/storage"
)

// The process-level tests below start the test binary as the terminal UI
// (TestMain in flows_test.go does that when ROLECALL_TUI_CHILD names a
// file), drive it through a real pseudo-terminal and send it signals.

// An SSH drop (SIGHUP) or SIGTERM with unsaved edits keeps them as a
// recovery draft, mode 0600, and the process ends with 128+signal; without
// unsaved edits no draft is written.
func TestSignalKeepsDraft(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test")
	}
	tests := []struct {
		name   string
		sig    syscall.Signal
		keys   []step // typed before the signal, each waiting for its effect
		draft  bool
		status int
		// tick: the child writes its draft every 100 ms (DraftInterval),
		// and the signal comes once it has; else the child writes none
		// before the signal (an interval of an hour), so that the draft
		// found is the one written on the signal.
		tick bool
		// form: the draft holds the open form's pending AddRole, not the removal.
		form bool
	}{
		{"SIGHUP with an unsaved removal", syscall.SIGHUP, removeAda, true, 129, false, false},
		{"SIGTERM with an unsaved removal", syscall.SIGTERM, removeAda, true, 143, false, false},
		{"SIGHUP with nothing unsaved", syscall.SIGHUP, removeAda[:1], false, 129, false, false},
		// kill -9 cannot be caught: the draft written every DraftInterval
		// while edits are unsaved is what is left.
		{"SIGKILL after the periodic draft of an unsaved removal", syscall.SIGKILL, removeAda, true, -1, true, false},
		// A form open with a change, nothing applied: the hang-up keeps the
		// form's edit.
		{"SIGHUP with a form open", syscall.SIGHUP, newRoleTyped, true, 129, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// At once: each case is mostly waiting for its child. The
			// child is given its state directory; this process reads the
			// drafts there under stateMu (inState).
			t.Parallel()
			dir := t.TempDir()
			state := filepath.Join(dir, "state")
			path := filepath.Join(dir, "rolecall.toml") // missing: the demo account opens

			interval := time.Hour
			if tt.tick {
				interval = 100 * time.Millisecond
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "ROLECALL_TUI_CHILD="+path, "XDG_STATE_HOME="+state, "NO_COLOR=1", "TERM=xterm-256color",
				"ROLECALL_TUI_DRAFT_INTERVAL="+interval.String())
			tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
			if err != nil {
				t.Fatal(err)
			}
			defer tty.Close()
			var mu sync.Mutex
			var screen bytes.Buffer
			go func() {
				buf := make([]byte, 4096)
				for {
					n, err := tty.Read(buf)
					mu.Lock()
					screen.Write(buf[:n])
					mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
			seen := func(what string) bool {
				mu.Lock()
				defer mu.Unlock()
				return strings.Contains(screen.String(), what)
			}
			// press types key until the screen shows want: a key typed
			// before the program has put the terminal in raw mode waits in
			// the line discipline, so the first one may need typing again.
			press := func(st step) {
				t.Helper()
				deadline := time.Now().Add(20 * time.Second)
				for time.Now().Before(deadline) {
					if _, err := io.WriteString(tty, st.key); err != nil {
						t.Fatal(err)
					}
					for again := time.Now().Add(time.Second); time.Now().Before(again); time.Sleep(20 * time.Millisecond) {
						if seen(st.want) {
							return
						}
					}
					if !st.retry {
						break
					}
				}
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("after %q the screen never showed %q; it showed:\n%q", st.key, st.want, tail(screen.String(), 1500))
			}
			waitFor := func(what string) {
				t.Helper()
				deadline := time.Now().Add(15 * time.Second)
				for time.Now().Before(deadline) {
					mu.Lock()
					ok := strings.Contains(screen.String(), what)
					mu.Unlock()
					if ok {
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("the screen never showed %q; it showed:\n%q", what, tail(screen.String(), 1500))
			}
			waitFor("Roles")
			for _, st := range tt.keys {
				press(st)
			}
			if tt.tick {
				waitForDraft(t, state)
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != tt.status {
				t.Fatalf("exit = %v, want status %d", err, tt.status)
			}
			var ds []storage.Draft
			var draftPath string
			inState(state, func() {
				if ds, err = storage.FindDrafts(path); err == nil && len(ds) == 1 {
					draftPath, _ = storage.DraftPath(path, ds[0].ID)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.draft {
				if len(ds) != 0 {
					t.Fatalf("a draft was written with nothing unsaved: %+v", ds)
				}
				return
			}
			if len(ds) != 1 {
				t.Fatalf("%d recovery drafts, want 1", len(ds))
			}
			if fi, err := os.Stat(draftPath); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("draft %v, want mode 0600", err)
			}
			ops, err := ds[0].Edits()
			if err != nil || len(ops) != 1 {
				t.Fatalf("draft edits %v, %v", ops, err)
			}
			if tt.form {
				if add, ok := ops[0].(model.AddRole); !ok || add.Name != "Hangup Role" {
					t.Errorf("the draft does not hold the open form's new role: %v", ops[0].Describe())
				}
				return
			}
			if rm, ok := ops[0].(model.RemoveUser); !ok || rm.Email != "ada@example.com" || rm.Was == nil {
				t.Errorf("the draft does not hold the unsaved removal of ada@example.com: %v", ops[0].Describe())
			}
			if _, err := os.Stat(path); err == nil {
				t.Errorf("the account file was written; only the draft should be")
			}
		})
	}
}

// stateMu serialises inState, which sets XDG_STATE_HOME process-wide.
var stateMu sync.Mutex

// inState runs f with XDG_STATE_HOME set to state (for storage's drafts),
// then puts it back.
func inState(state string, f func()) {
	stateMu.Lock()
	defer stateMu.Unlock()
	old := os.Getenv("XDG_STATE_HOME")
	os.Setenv("XDG_STATE_HOME", state)
	defer os.Setenv("XDG_STATE_HOME", old)
	f()
}

// waitForDraft waits until a recovery draft is on disk under the state
// directory.
func waitForDraft(t *testing.T, state string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		found := false
		filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && strings.HasSuffix(p, ".draft") {
				found = true
			}
			return nil
		})
		if found {
			return
		}
	}
	t.Fatal("no recovery draft was written while the edit was unsaved")
}

type step struct {
	key, want string
	retry     bool // the key may be typed again until want shows
}

// removeAda goes to the Users tab and removes the first user, unsaved.
var removeAda = []step{
	{key: "2", want: "[2 Users]", retry: true},
	{key: "d", want: "Remove the user ada@example.com?"},
	{key: "y", want: "UNSAVED"},
}

// newRoleTyped opens the new role form and types a name, applying nothing.
var newRoleTyped = []step{
	{key: "n", want: "New custom role", retry: true},
	// Pasted, so that the name reaches the screen in one frame (typed, the
	// renderer may write it a few letters at a time).
	{key: "\x1b[200~Hangup Role\x1b[201~", want: "Hangup Role"},
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// A file others may write is pointed out on the status line at start
// (Run fills permWarn from storage.Permissions).
func TestPermissionWarningShown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{permWarn: "acct.toml is writable by others (mode 0666)"}, &memStore{acct: model.Demo()})
	h.expect("Warning: acct.toml is writable by others (mode 0666)")
	h = newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.expectNot("writable by others")
}
