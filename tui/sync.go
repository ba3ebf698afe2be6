package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// The Boomi account a file is tied to: rolecall pull, import and push
// leave a state file beside the account file (Boomi's state as they left
// it). The info line says which account, when, and how many API calls
// would make Boomi match the file with the unsaved edits (model.MakePlan);
// or that the state cannot be read, or that a push was interrupted.
//
// The state is read off the input path, with the file: at start, after
// every save and on a reload (a push from another terminal changes it).
// MakePlan takes some 170 ms at 10,000 users, so the count is worked out
// off the input path too, one plan at a time: after each change of the
// working copy a plan is asked for (App.planCmd), and its answer carries
// the version of the working copy and the generation of the state it was
// made from. A count made from an older version shows, marked, until the
// newer one comes.

// syncRead is the state as read from the store.
type syncRead struct {
	s   *Sync
	err error
}

// readSync reads the state of the file at path.
func readSync(store Store, path string) syncRead {
	s, err := store.Sync(path)
	return syncRead{s: s, err: err}
}

// planMsg is the count of a plan made off the input path from version ver
// of the working copy against the state of generation gen.
type planMsg struct {
	gen, ver int
	calls    int
	blocking []string
}

// planResult is the last count that came back.
type planResult struct {
	done     bool
	gen, ver int
	calls    int
	blocking []string
}

// setSync makes r what the App knows of the Boomi account. A state file
// that cannot be read is a warning on the info line, and in full on the
// status line and in the messages (once per text).
func (a *App) setSync(r syncRead) {
	a.sync = r.s
	a.syncGen++
	was := a.syncErr
	a.syncErr = ""
	if r.err != nil {
		a.syncErr = safe(r.err.Error())
		if a.syncErr != was {
			a.setStatus("Warning: the Boomi state cannot be read: "+a.syncErr, true)
		}
	}
}

// planCmd asks for a count of unpushed changes when the one shown is not
// of the working copy and the state now, and none is being worked out.
func (a *App) planCmd() tea.Cmd {
	s := a.c.sess
	if s == nil || a.sync == nil || a.sync.Live == nil || a.c.fileErrors || a.planBusy || a.planFresh() {
		return nil
	}
	a.planBusy = true
	gen, ver, acct, live := a.syncGen, s.version, s.work, a.sync.Live
	return func() tea.Msg {
		p := model.MakePlan(acct, live)
		return planMsg{gen: gen, ver: ver, calls: len(p.Calls), blocking: p.Blocking}
	}
}

// planFresh reports whether the count shown is of the working copy and
// the state now.
func (a *App) planFresh() bool {
	p := a.plan
	return p.done && p.gen == a.syncGen && p.ver == a.c.sess.version
}

func (a *App) gotPlan(m planMsg) {
	a.planBusy = false
	a.plan = planResult{done: true, gen: m.gen, ver: m.ver, calls: m.calls, blocking: m.blocking}
}

// syncPart is one part of the sync status, long and short, in its style.
type syncPart struct {
	long, short string
	style       func(...string) string
}

// syncTexts are the ways to say the sync status, longest first; nil when
// the file is tied to no Boomi account.
func (a *App) syncTexts() []string {
	c := a.c
	st := c.styles
	sy := a.sync
	if sy == nil && a.syncErr == "" {
		return nil
	}
	dot := st.G.Dot
	muted, bad := st.Muted.Render, st.StatusError.Render
	var head, when string
	var state, intr *syncPart
	switch {
	case sy != nil && sy.Live != nil:
		head = "Boomi"
		if sy.Account != "" {
			head += " " + safe(sy.Account)
		}
		when = sourceVerb(sy.Source) + " " + sy.At.Local().Format("2006-01-02 15:04")
		state = a.planState()
	case a.syncErr != "":
		head = "! Boomi"
		state = &syncPart{long: "state unreadable: " + a.syncErr, short: "state unreadable", style: bad}
	default:
		head = "Boomi"
	}
	if sy != nil && sy.Interrupted {
		intr = &syncPart{long: "push interrupted: run rolecall push", short: "push interrupted", style: bad}
	}
	short := "Boomi"
	if a.syncErr != "" && (sy == nil || sy.Live == nil) {
		short = "! Boomi"
	}
	parts := func(long bool) []string {
		var out []string
		for _, p := range []*syncPart{state, intr} {
			switch {
			case p == nil:
			case long:
				out = append(out, p.style(p.long))
			default:
				out = append(out, p.style(p.short))
			}
		}
		return out
	}
	long := func(withWhen bool) string {
		out := muted(head)
		if withWhen && when != "" {
			out += muted(dot + when)
		}
		for _, p := range parts(true) {
			out += muted(dot) + p
		}
		return out
	}
	abbrev := func(ps []string) string {
		if len(ps) == 0 {
			return muted(short)
		}
		out := muted(short + ": ")
		for i, p := range ps {
			if i > 0 {
				out += muted(dot)
			}
			out += p
		}
		return out
	}
	out := []string{long(true), long(false), abbrev(parts(false))}
	if intr != nil && state != nil {
		// The shortest says what matters most.
		out = append(out, abbrev([]string{bad(intr.short)}))
	}
	return out
}

// planState is the count of unpushed changes as far as it is known; nil
// when there is none to show (the file has errors).
func (a *App) planState() *syncPart {
	c := a.c
	st := c.styles
	if c.fileErrors {
		return nil
	}
	p := a.plan
	if !p.done {
		return &syncPart{long: "counting changes" + st.G.Ellipsis, short: "counting" + st.G.Ellipsis, style: st.Muted.Render}
	}
	var part syncPart
	switch {
	case len(p.blocking) > 0:
		n := len(p.blocking)
		part = syncPart{long: fmt.Sprintf("cannot push: %d %s", n, plural(n, "problem", "problems")), short: "cannot push", style: st.StatusError.Render}
	case p.calls > 0:
		part = syncPart{long: fmt.Sprintf("%d unpushed %s", p.calls, plural(p.calls, "change", "changes")), short: fmt.Sprintf("%d unpushed", p.calls), style: st.Warn.Render}
	default:
		part = syncPart{long: "in sync", short: "in sync", style: st.Muted.Render}
	}
	if !a.planFresh() {
		// Of an older working copy: the newer count is on its way.
		part.long += st.G.Ellipsis
		part.short += st.G.Ellipsis
	}
	return &part
}

// sourceVerb is what the run that wrote the state did.
func sourceVerb(source string) string {
	switch source {
	case "pull":
		return "pulled"
	case "import":
		return "imported"
	case "push":
		return "pushed"
	}
	return "read"
}
