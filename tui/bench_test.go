package tui

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"rolecall/model"
	"rolecall/storage"
)

// The budgets of the TUI (README, "Figures"): a keypress <= 2 ms at 10,000
// users on every tab, including the first visit to Environments; a filter
// keystroke <= 10 ms off the input path; the first frame <= 100 ms at
// 100,000 users; usable at 10,000 users <= 500 ms and at 100,000 <= 2 s.
// They run on the acceptance generator's account (1,000 roles, 200
// environments at 10,000 users), the kind of file users have.

var (
	acceptOnce sync.Once
	accept10k  *model.Account
)

func acceptance10k() *model.Account {
	acceptOnce.Do(func() { accept10k = model.Synthetic(10000, 1000, 200, 1) })
	return accept10k
}

// benchApp is an app on a at size sz, on the tab reached by keys.
func benchApp(b *testing.B, a *model.Account, sz [2]int, keys ...string) *App {
	b.Helper()
	app, err := newApp(Options{Path: "big.toml"}, &memStore{acct: a})
	if err != nil {
		b.Fatal(err)
	}
	app.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
	for _, k := range keys {
		runAll(app, keyMsg(k))
	}
	app.View()
	return app
}

// runAll gives msg to app and runs the commands it returns, as the
// runtime would, until none is left (timers excepted: none here).
func runAll(app *App, msg tea.Msg) {
	_, cmd := app.Update(msg)
	for depth := 0; cmd != nil && depth < 10; depth++ {
		m := cmd()
		cmd = nil
		switch m := m.(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range m {
				if c != nil {
					runAll(app, c())
				}
			}
		default:
			_, cmd = app.Update(m)
		}
	}
}

// BenchmarkKeypress10k moves the cursor down and up on each tab, and draws.
func BenchmarkKeypress10k(b *testing.B) {
	a := acceptance10k()
	for _, tab := range []struct{ name, key string }{
		{"roles", "1"}, {"users", "2"}, {"environments", "3"}, {"preview", "4"}, {"account", "5"},
	} {
		for _, sz := range [][2]int{{80, 24}, {200, 60}} {
			b.Run(fmt.Sprintf("%s/%dx%d", tab.name, sz[0], sz[1]), func(b *testing.B) {
				app := benchApp(b, a, sz, tab.key)
				down, up := keyMsg("down"), keyMsg("up")
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					k := down
					if i%200 >= 100 {
						k = up
					}
					app.Update(k)
					_ = app.View()
				}
			})
		}
	}
}

// BenchmarkFirstVisitEnvironments is the key that shows Environments on a
// fresh app: the counts are not computed on the input path ("counting..."
// shows), so the keypress is cheap; "counts" is the command that computes
// them, off the input path.
func BenchmarkFirstVisitEnvironments(b *testing.B) {
	a := acceptance10k()
	b.Run("keypress", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			app := benchApp(b, a, [2]int{80, 24})
			b.StartTimer()
			app.Update(keyMsg("3"))
			_ = app.View()
		}
	})
	b.Run("counts", func(b *testing.B) {
		res := model.NewResolver(a)
		for b.Loop() {
			_ = res.CountsCanSee()
		}
	})
}

// BenchmarkRoleForm10k: opening the role editor (every user is a row of
// Assigned to), a character typed in its name, and one in the filter of
// Assigned to.
func BenchmarkRoleForm10k(b *testing.B) {
	a := acceptance10k()
	b.Run("open", func(b *testing.B) {
		app := benchApp(b, a, [2]int{80, 24}, "1")
		for b.Loop() {
			app.Update(keyMsg("n"))
			_ = app.View()
			b.StopTimer()
			app.Update(keyMsg("esc"))
			b.StartTimer()
		}
	})
	b.Run("type-name", func(b *testing.B) {
		app := benchApp(b, a, [2]int{80, 24}, "1", "n")
		typeAndErase(b, app, 'x', false)
	})
	b.Run("to-users", func(b *testing.B) {
		// The key that reaches Assigned to, whose rows (every user) are
		// made then.
		for b.Loop() {
			b.StopTimer()
			app := benchApp(b, a, [2]int{80, 24}, "1", "n", "tab", "tab", "tab")
			b.StartTimer()
			runAll(app, keyMsg("tab"))
			_ = app.View()
		}
	})
	benchTickApply(b, a)
	b.Run("filter-users", func(b *testing.B) {
		app := benchApp(b, a, [2]int{80, 24}, "1", "n", "tab", "tab", "tab", "tab", "/")
		typeAndErase(b, app, '7', false)
	})
}

// BenchmarkRoleForm100k: at ten times Boomi's largest account, a tick in
// the role editor and applying it (an edit of the working copy, with its
// checks) stay interactive.
func BenchmarkRoleForm100k(b *testing.B) {
	if testing.Short() {
		b.Skip("100,000 users: not under -short")
	}
	a := model.Synthetic(100000, 3000, 500, 1)
	benchTickApply(b, a)
}

// BenchmarkFirstFrame is what Run draws before the file is read: the
// loading screen, whatever the file's size.
func BenchmarkFirstFrame(b *testing.B) {
	path := syntheticFile(b, 100000)
	for b.Loop() {
		app := loadingApp(Options{Path: path}, fileStore{})
		app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_ = app.View()
	}
}

// BenchmarkUsable reads a file of n users from disk and draws the first
// tab: the time from start to a usable screen, less process start.
func BenchmarkUsable(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			if n > 10000 && testing.Short() {
				b.Skip("100,000 users: not under -short")
			}
			path := syntheticFile(b, n)
			for b.Loop() {
				app, err := newApp(Options{Path: path}, fileStore{})
				if err != nil {
					b.Fatal(err)
				}
				app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
				_ = app.View()
			}
		})
	}
}

var synthFiles sync.Map

// syntheticFile writes the acceptance generator's account of n users once
// per test binary and returns its path.
func syntheticFile(b *testing.B, n int) string {
	b.Helper()
	if p, ok := synthFiles.Load(n); ok {
		return p.(string)
	}
	dir, err := os.MkdirTemp("", "rolecall-bench")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("synthetic-%d.toml", n))
	roles, envs := 1000, 200
	if n > 10000 {
		roles, envs = 3000, 500
	}
	if _, err := storage.Save(path, model.Synthetic(n, roles, envs, 1), storage.Stamp{}, storage.SaveOptions{Actor: "bench"}); err != nil {
		b.Fatal(err)
	}
	synthFiles.Store(n, path)
	return path
}

// BenchmarkProcess starts rolecall's terminal UI as a process in a
// terminal (this test binary as a child, as signal_test.go does) and stops
// the clock when the terminal shows what is awaited: "first-frame", the
// loading notice on a 100,000-user file (process start, the program's
// start, the notice); "usable/N/cold", the Custom Roles tab of an N-user
// file read, decoded, validated and drawn without the load cache (the
// first start on a file); "usable/N/cached", the same from the load cache
// (every start after).
func BenchmarkProcess(b *testing.B) {
	if testing.Short() {
		b.Skip("a process per run: not under -short")
	}
	b.Run("first-frame", func(b *testing.B) { benchProcess(b, syntheticFile(b, 100000), "Reading", nil) })
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("usable/%dk/cold", n/1000), func(b *testing.B) {
			benchProcess(b, syntheticFile(b, n), "Custom Roles", []string{"ROLECALL_NO_CACHE=1"})
		})
		b.Run(fmt.Sprintf("usable/%dk/cached", n/1000), func(b *testing.B) {
			path := syntheticFile(b, n)
			startOnce(b, path, "Custom Roles", b.TempDir(), nil) // the entry is written
			benchProcess(b, path, "Custom Roles", nil)
		})
	}
}

func benchProcess(b *testing.B, path, want string, env []string) {
	state := b.TempDir()
	for b.Loop() {
		startOnce(b, path, want, state, env)
	}
}

// startOnce starts the TUI on path in a terminal, waits until it shows
// want, and kills it (the clock stopped meanwhile).
func startOnce(b *testing.B, path, want, state string, env []string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "ROLECALL_TUI_CHILD="+path, "XDG_STATE_HOME="+state, "TERM=xterm-256color"), env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		b.Fatal(err)
	}
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for !bytes.Contains(seen.Bytes(), []byte(want)) {
		n, err := tty.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			b.Fatalf("never showed %q: %v\n%q", want, err, seen.String())
		}
	}
	b.StopTimer()
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	tty.Close()
	b.StartTimer()
}

// benchTickApply: a tick on the privileges of the last role in the role
// editor, and applying the editor with one tick made.
func benchTickApply(b *testing.B, a *model.Account) {
	b.Run("tick", func(b *testing.B) {
		app := benchApp(b, a, [2]int{80, 24}, "1", "G", "e", "tab", "tab", "tab")
		for b.Loop() {
			runAll(app, keyMsg("space"))
			_ = app.View()
		}
	})
	b.Run("apply", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			app := benchApp(b, a, [2]int{80, 24}, "1", "G", "e", "tab", "tab", "tab", "space")
			b.StartTimer()
			runAll(app, keyMsg("enter"))
			_ = app.View()
		}
	})
}

// typeAndErase types c and erases it, in turn, into what has the keys,
// drawing after each key; with commands, the commands each key returns
// (a filter's matching) are run and their results taken too.
func typeAndErase(b *testing.B, app *App, c rune, commands bool) {
	typed := tea.KeyPressMsg{Code: c, Text: string(c)}
	back := tea.KeyPressMsg{Code: tea.KeyBackspace}
	for i := 0; b.Loop(); i++ {
		k := typed
		if i%2 == 1 {
			k = back
		}
		if commands {
			runAll(app, k)
		} else {
			app.Update(k)
		}
		_ = app.View()
	}
}

// BenchmarkSyncStatus10k: a file tied to a Boomi account at 10,000 users.
// "plan" is model.MakePlan, the count of unpushed changes (some 170 ms:
// too slow for the input path, so the TUI runs it in a command);
// "keypress" a cursor move with the status shown (no plan is made: the
// count is of this working copy already); "edit" the key that applies an
// edit, the plan asked for but not run (the runtime runs it off the
// input path).
func BenchmarkSyncStatus10k(b *testing.B) {
	a := withCodes(acceptance10k().Clone())
	live := liveOf(b, a)
	sy := &Sync{Account: "acme-1", Source: "pull", Live: live}
	app := func(b *testing.B, keys ...string) *App {
		app, err := newApp(Options{Path: "big.toml"}, &memStore{acct: a, sync: sy})
		if err != nil {
			b.Fatal(err)
		}
		runAll(app, tea.WindowSizeMsg{Width: 80, Height: 24})
		for _, k := range keys {
			runAll(app, keyMsg(k))
		}
		if !strings.Contains(ansi.Strip(app.View().Content), "in sync") {
			b.Fatalf("no status:\n%s", ansi.Strip(app.View().Content))
		}
		return app
	}
	b.Run("plan", func(b *testing.B) {
		for b.Loop() {
			_ = model.MakePlan(a, live)
		}
	})
	b.Run("keypress", func(b *testing.B) {
		app := app(b, "2")
		down, up := keyMsg("down"), keyMsg("up")
		for i := 0; b.Loop(); i++ {
			k := down
			if i%200 >= 100 {
				k = up
			}
			app.Update(k)
			_ = app.View()
		}
	})
	b.Run("edit", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			app := app(b, "1", "G", "e", "tab", "tab", "tab", "space")
			b.StartTimer()
			app.Update(keyMsg("enter"))
			_ = app.View()
		}
	})
}
