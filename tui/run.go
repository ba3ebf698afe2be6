package tui

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"rolecall/storage"
)

// Options are what the command line hands to the terminal UI.
type Options struct {
	Path     string // the account file
	ReadOnly bool   // --read-only: no way to edit
	ASCII    bool   // --ascii: draw with ASCII only
	NoMouse  bool   // --no-mouse: start with the mouse off
	NoCache  bool   // --no-cache: the storage's load cache is neither read nor written

	// Store replaces the storage package (tests); nil uses it.
	Store Store
	// Input and Output replace the terminal (tests); nil uses it.
	Input  io.Reader
	Output io.Writer

	shared   *sharedState
	permWarn string
}

// DraftInterval is how often unsaved edits are written to the recovery
// draft while they change.
var DraftInterval = 2 * time.Second

// Run opens the terminal UI on opts.Path and returns the exit code: 0 when
// the user quits, 2 when the file cannot be opened (as the command line's
// codes say of an unreadable file), 1 when the terminal fails, 128+signal
// when SIGHUP or SIGTERM ended it (unsaved edits are then kept as a
// recovery draft).
func Run(opts Options) int {
	if opts.NoCache {
		storage.UseCache(false)
	}
	if opts.Store == nil {
		opts.Store = fileStore{}
		opts.permWarn = permissionWarning(opts.Path)
		// A file that cannot be made (its directory is missing) is said
		// before the terminal is taken, with or without one.
		if err := creatable(opts.Path); err != nil {
			fmt.Fprintln(os.Stderr, "rolecall:", safe(err.Error()))
			return 2
		}
	}
	opts.shared = &sharedState{}
	// The first frame comes at once; the file is read off the input path
	// (App.Init), with a notice of what is read and for how long.
	app := loadingApp(opts, opts.Store)
	popts := []tea.ProgramOption{tea.WithoutSignalHandler()}
	if os.Getenv("NO_COLOR") != "" {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	p := tea.NewProgram(app, popts...)

	// Bubble Tea does not handle SIGHUP; we handle it, SIGTERM and SIGINT
	// ourselves. On a hang-up or terminate the latest working copy is kept
	// as a recovery draft, written from here (the terminal may be gone).
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	code := make(chan int, 1)
	done := make(chan struct{})
	defer close(done)
	// Every few seconds the unsaved edits go to the recovery draft, so that
	// even a kill -9 loses seconds of work at most.
	tick := time.NewTicker(DraftInterval)
	defer tick.Stop()
	go func() {
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.Send(draftTickMsg{})
			case sig := <-sigs:
				if sig == syscall.SIGINT {
					p.Send(quitRequestMsg{})
					continue
				}
				path := opts.shared.pathOr(opts.Path) // the account switcher moves it
				if d, dirty := opts.shared.get(); dirty {
					if err := opts.Store.WriteDraft(path, d); err != nil {
						fmt.Fprintln(os.Stderr, "rolecall: the recovery draft could not be written:", safe(err.Error()))
					}
				} else if d.ID != "" {
					// Nothing unsaved (any more): no draft may offer old edits.
					_ = opts.Store.RemoveDraft(path, d.ID)
				}
				code <- 128 + int(sig.(syscall.Signal))
				if sig == syscall.SIGHUP {
					p.Kill()
				} else {
					p.Quit()
				}
				// The draft is written: if the program is busy (a long
				// edit) and does not end soon, end the process, rather
				// than leave it running with nobody at the terminal.
				go func() {
					time.Sleep(3 * time.Second)
					os.Exit(128 + int(sig.(syscall.Signal)))
				}()
				return
			}
		}
	}()
	_, err := p.Run()
	select {
	case c := <-code:
		return c
	default:
	}
	if app.fatal != nil {
		fmt.Fprintln(os.Stderr, "rolecall:", safe(app.fatal.Error()))
		return 2
	}
	if err != nil && err != tea.ErrProgramKilled {
		fmt.Fprintln(os.Stderr, "rolecall:", err)
		return 1
	}
	return 0
}
