package tui

import (
	"strings"
	"sync"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
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
	sized         bool // a size other than 0x0 was reported
	isDark        bool
	ascii         bool
	readOnly      bool
	// fileErrors: the file has errors and opened read-only; unreadable:
	// nothing of it could be read.
	fileErrors, unreadable bool
	styles                 Styles
	keys                   KeyMap
	sess                   *session
	// stack is the focus stack: the forms and dialogs open, the top one
	// last. It has the keyboard.
	stack []layer
	// editor is the App's edit pipeline (App.handleEdit).
	editor func(editMsg) tea.Cmd
}

// bodySize is the size of the area between the two top lines and the two
// bottom ones, where tabs, forms and dialogs draw.
func (c *common) bodySize() (w, h int) { return c.width, c.height - 4 }

func (c *common) setDark(dark bool) {
	c.isDark = dark
	c.styles = newStyles(dark, c.ascii)
}

// session is the account being edited: the edit pipeline (model.Working:
// what was loaded, the edits since, the working copy), and for the tabs
// the two accounts and their resolvers, which change only with it.
type session struct {
	path    string
	store   Store
	stamp   any
	baseID  string      // Loaded.BaseID of the file the edits were made on
	missing bool        // the file does not exist yet: save writes it
	relaid  func() bool // saving rewrites the file in rolecall's layout (Loaded.Relaid); nil: it does not

	w         *model.Working
	net       []model.Op // model.Compact(w.Ops())
	loaded    *model.Account
	loadedRes *model.Resolver
	work      *model.Account
	workRes   *model.Resolver
	version   int           // bumps on every change of the working copy
	problems  []FileProblem // problems found when loading
	// group is the account group the file belongs to (groups.go), nil
	// for a file in none.
	group *groupCtx

	// pending are the edits of the forms open now, not yet applied: a
	// hang-up keeps them in the draft.
	pending []model.Op

	// draftID is this session's recovery draft; draftVersion the version
	// of the working copy it last wrote there.
	draftID      string
	draftVersion int

	// shared is read by the signal goroutine (recovery draft).
	shared *sharedState
}

// sharedState is this session's draft as the signal handler writes it.
type sharedState struct {
	mu    sync.Mutex
	draft Draft
	dirty bool
	// path is the file the session edits now, when it moved from the one
	// opened (another account of its group): where its draft goes.
	path string
}

// setPath records the file the session edits now.
func (s *sharedState) setPath(p string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.path = p
	s.mu.Unlock()
}

// pathOr is the file the session edits now, def when it never moved.
func (s *sharedState) pathOr(def string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path != "" {
		return s.path
	}
	return def
}

func (s *sharedState) set(d Draft, dirty bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.draft, s.dirty = d, dirty
	s.mu.Unlock()
}

func (s *sharedState) get() (Draft, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.draft, s.dirty
}

// setLoaded starts over from a as loaded: no edits.
func (s *session) setLoaded(a *model.Account) { s.setWorking(model.NewWorking(a)) }

// setWorking makes w the session's pipeline.
func (s *session) setWorking(w *model.Working) {
	s.w = w
	s.net = model.Compact(w.Ops())
	s.loaded, s.loadedRes = w.Base(), w.BaseResolver()
	s.work, s.workRes = w.Account(), w.Resolver()
	s.version++
	s.shared.set(s.draft(), s.dirty() || len(s.pending) > 0)
}

// setPending records the open forms' edits for the recovery draft.
func (s *session) setPending(ops []model.Op) {
	if len(ops) == 0 && len(s.pending) == 0 {
		return
	}
	s.pending = ops
	s.shared.set(s.draft(), s.dirty() || len(s.pending) > 0)
}

// draft is the session's unsaved edits as a recovery draft, with those of
// the forms open now after them.
func (s *session) draft() Draft {
	ops := s.net
	if len(s.pending) > 0 {
		ops = append(append([]model.Op{}, s.net...), s.pending...)
	}
	return Draft{ID: s.draftID, BaseID: s.baseID, Ops: ops}
}

// ops are the edits since the file was loaded, by their net effect
// (model.Compact): a description set twice is one edit, a tick taken back
// none. They are what the review lists, the counts count and the draft
// keeps.
func (s *session) ops() []model.Op { return s.net }

// dirty reports whether there are unsaved edits: edits whose net effect is
// not nothing.
func (s *session) dirty() bool { return len(s.net) > 0 }

// safe neutralises text from the file before it reaches the screen.
func safe(s string) string { return model.SafeText(s) }

// width is the number of cells s (which may hold styles) takes. Most of
// what the UI draws is ASCII with SGR sequences: that is counted here
// byte by byte; anything else goes to ansi.StringWidth, which segments
// grapheme clusters and costs some twenty times more.
func width(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 0x20 && b < 0x7f:
			n++
		case b == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// SGR, the only sequence the UI writes: parameter bytes, then
			// 'm'. Anything else is measured by ansi.StringWidth.
			j := i + 2
			for j < len(s) && s[j] >= 0x30 && s[j] < 0x40 {
				j++
			}
			if j >= len(s) || s[j] != 'm' {
				return ansi.StringWidth(s)
			}
			i = j
		case b >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !oneCell(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size - 1
		default:
			return ansi.StringWidth(s)
		}
	}
	return n
}

// oneCell reports whether r is one of the symbols the UI draws that take
// one cell and never join a grapheme cluster with what precedes them:
// punctuation such as …, • and ·, arrows, box drawing, geometric shapes.
// A rune after them that could join them (a variation selector, say) is
// not in these ranges and sends the whole string to ansi.StringWidth.
func oneCell(r rune) bool {
	switch {
	case r == 0xb7: // middle dot
		return true
	case r >= 0x2010 && r <= 0x2027: // dashes, quotes, bullet, ellipsis
		return true
	case r >= 0x2190 && r <= 0x21ff: // arrows
		return true
	case r >= 0x2500 && r <= 0x25ff: // box drawing, blocks, shapes
		return r != 0x25fd && r != 0x25fe // these two are emoji, two cells
	}
	return false
}

// trunc cuts s (which may hold styles) to w cells.
func (c *common) trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, c.styles.G.Ellipsis)
}

// pad cuts or pads s to exactly w cells.
func (c *common) pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := width(s)
	if n > w {
		s = ansi.Truncate(s, w, c.styles.G.Ellipsis)
		n = width(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// wrap word-wraps plain text to w cells, breaking lines at spaces only (a
// hyphenated name such as Read-Only stays whole); a word longer than a line
// is cut across lines.
func wrap(s string, w int) []string {
	if w < 10 {
		w = 10
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lw := "", 0
		for _, word := range strings.Split(para, " ") {
			ww := width(word)
			switch {
			case lw > 0 && lw+1+ww <= w:
				line, lw = line+" "+word, lw+1+ww
				continue
			case lw > 0 || line != "":
				out = append(out, line)
			}
			line, lw = word, ww
			for lw > w {
				parts := strings.SplitN(ansi.Hardwrap(line, w, true), "\n", 2)
				out = append(out, parts[0])
				line = parts[1]
				lw = width(line)
			}
		}
		out = append(out, line)
	}
	return out
}

// wrapIndent word-wraps s to w cells; continuation lines keep the indent
// s starts with, so an indented list item stays one item.
func wrapIndent(s string, w int) []string {
	body := strings.TrimLeft(s, " ")
	ind := len(s) - len(body)
	if ind == 0 || ind > w/2 {
		return wrap(s, w)
	}
	lines := wrap(body, w-ind)
	for i := range lines {
		lines[i] = strings.Repeat(" ", ind) + lines[i]
	}
	return lines
}

// colWidths remembers the widest value of a few columns over a whole list,
// computed once per version of the working copy, so that columns fit what
// they show and do not move while scrolling.
type colWidths struct {
	ver int
	w   []int
}

// get returns the widths for version ver, measuring n items with f (which
// returns one width per column) when the version changed.
func (cw *colWidths) get(ver, n, cols int, f func(i int, out []int)) []int {
	if cw.w != nil && cw.ver == ver {
		return cw.w
	}
	cw.ver, cw.w = ver, make([]int, cols)
	row := make([]int, cols)
	for i := range n {
		f(i, row)
		for k, v := range row {
			cw.w[k] = max(cw.w[k], v)
		}
	}
	return cw.w
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

// joinH puts block b gap cells to the right of block a. Both come from fit,
// so every line of a is already as wide as the block: the lines are joined
// as they are, without measuring them again.
func joinH(a, b string, gap int) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	aw := 0
	if len(al) > 0 {
		aw = width(al[0])
	}
	sp := strings.Repeat(" ", gap)
	var sb strings.Builder
	for i := range max(len(al), len(bl)) {
		if i > 0 {
			sb.WriteByte('\n')
		}
		if i < len(al) {
			sb.WriteString(al[i])
		} else {
			sb.WriteString(strings.Repeat(" ", aw))
		}
		if i < len(bl) {
			sb.WriteString(sp)
			sb.WriteString(bl[i])
		}
	}
	return sb.String()
}
