package tui

import (
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"rolecall/model"
)

// Minimum size of the full layout.
const (
	minWidth  = 80
	minHeight = 24
	// wideWidth is where the Users tab shows the preview beside the list.
	wideWidth = 120
)

// common is the context every component carries: size, styles, keys,
// switches, and the session (the account being edited).
type common struct {
	width, height int
	isDark        bool
	ascii         bool
	readOnly      bool
	styles        Styles
	keys          KeyMap
	sess          *session
}

func newCommon(readOnly, ascii bool, sess *session) *common {
	c := &common{isDark: true, ascii: ascii, readOnly: readOnly, sess: sess}
	c.styles = newStyles(true, ascii)
	c.keys = newKeyMap(readOnly, ascii)
	return c
}

func (c *common) setDark(dark bool) {
	c.isDark = dark
	c.styles = newStyles(dark, c.ascii)
}

// session is the account being edited: what was loaded, the working copy,
// and a resolver for each, rebuilt only when the working copy changes.
type session struct {
	path    string
	store   Store
	stamp   any
	missing bool // the file does not exist yet: save writes it

	loaded    *model.Account
	loadedRes *model.Resolver
	work      *model.Account
	workRes   *model.Resolver
	version   int // bumps on every change of the working copy
	ops       []model.Op
	problems  []FileProblem // problems found when loading

	// shared is read by the signal goroutine (recovery draft).
	shared *sharedState
}

// sharedState is the latest working copy for the signal handler.
type sharedState struct {
	mu    sync.Mutex
	acct  *model.Account
	dirty bool
}

func (s *sharedState) set(a *model.Account, dirty bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.acct, s.dirty = a, dirty
	s.mu.Unlock()
}

func (s *sharedState) get() (*model.Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acct, s.dirty
}

func (s *session) setLoaded(a *model.Account) {
	s.loaded = a
	s.loadedRes = model.NewResolver(a)
	s.work = a
	s.workRes = s.loadedRes
	s.ops = nil
	s.version++
	s.shared.set(a, false)
}

func (s *session) setWork(a *model.Account, op model.Op) {
	s.work = a
	s.workRes = model.NewResolver(a)
	if op != nil {
		s.ops = append(s.ops, op)
	}
	s.version++
	s.shared.set(a, s.dirty())
}

// dirty reports whether the working copy differs from what was loaded.
func (s *session) dirty() bool { return s.work != s.loaded }

// safe neutralises text from the file before it reaches the screen.
func safe(s string) string { return model.SafeText(s) }

// trunc cuts s (which may hold styles) to w cells.
func (c *common) trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, c.styles.G.Ellipsis)
}

// pad cuts or pads s to exactly w cells.
func (c *common) pad(s string, w int) string {
	s = c.trunc(s, w)
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// wrap word-wraps plain text to w cells.
func wrap(s string, w int) []string {
	if w < 10 {
		w = 10
	}
	return strings.Split(ansi.Hardwrap(ansi.Wordwrap(s, w, ""), w, true), "\n")
}

// fit makes a block exactly w wide and h high.
func (c *common) fit(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = c.pad(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return strings.Join(out, "\n")
}

func (c *common) rule(w int) string {
	return c.styles.Muted.Render(strings.Repeat(c.styles.G.Rule, max(w, 0)))
}

// row renders one list row with the cursor mark; the selected row is
// reversed and bold, so it shows without colour too.
func (c *common) row(text string, selected bool, w int) string {
	g := c.styles.G
	if selected {
		return c.styles.Selected.Render(c.pad(g.Cursor+ansi.Strip(text), w))
	}
	return c.pad(g.NoCursor+text, w)
}

func joinH(a, b string, gap int) string {
	return lipgloss.JoinHorizontal(lipgloss.Top, a, strings.Repeat(" ", gap), b)
}
