package tui

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// Saving, replaying edits onto a newer file, and recovery drafts. Every
// edit of the session is in its model.Working; the review before saving,
// the audit record and the draft all come from it.

// draftTickMsg comes every few seconds (Run sends it): time to keep the
// unsaved edits in this session's recovery draft.
type draftTickMsg struct{}

// startSave shows what the edits are and what they change for whom.
func (a *App) startSave() tea.Cmd {
	s := a.c.sess
	if a.c.readOnly {
		a.setStatus("Read-only: nothing is saved.", true)
		return nil
	}
	to := a.target()
	if !s.dirty() && !to.missing {
		a.setStatus("Nothing to save: no unsaved edits.", false)
		return nil
	}
	// Every edit was validated as it was made (model.Working): the working
	// copy has no errors, only warnings.
	probs := s.w.Problems()
	var lines []string
	if to.missing {
		lines = append(lines, safe(to.path)+" does not exist yet: saving writes this account to it.")
	}
	if a.saveAs != nil {
		lines = append(lines, "The session moves to "+safe(to.path)+" once it is saved; "+safe(s.path)+" stays as it is.")
	}
	if !to.missing && s.relaid != nil && s.relaid() {
		lines = append(lines, "Saving also rewrites the file in rolecall's own layout: entries sorted, old privilege names renamed (R0), redundant ticks dropped (R9), comments and blank lines not kept. git diff will show more than your edits.")
	}
	// What the file will say differently: the model's comparison of the
	// account as loaded with the one saved, every change, grouped.
	if n := len(s.ops()); n > 0 {
		lines = append(lines, fmt.Sprintf("Your %d %s the file:", n, plural(n, "edit changes", "edits change")))
		for _, g := range s.w.Changes() {
			lines = append(lines, "  "+g.Title)
			for _, l := range g.Lines {
				lines = append(lines, "    "+l)
			}
		}
	}
	diff := s.w.Diff()
	sum := diff.Summary()
	switch {
	case len(sum) > 0:
		lines = append(lines, "What changes, for whom:")
		for _, l := range sum {
			lines = append(lines, "  "+safe(l))
		}
	case s.dirty():
		lines = append(lines, "No one's access changes.")
	}
	lines = append(lines, s.groupSaveLines()...)
	// Separation of duties: the violations the pending edits introduce
	// (the model's NewViolations, from the file as loaded). Saving with
	// them asks a second time, and the audit entry records them.
	// A primary's edits are checked in every member they reach (R22).
	viol := s.newViolations()
	if n := model.CountSites(viol); n > 0 {
		lines = append(lines, fmt.Sprintf("Separation of duties: your edits introduce %d new %s:", n, plural(n, "violation", "violations")))
		lines = append(lines, violationLines(viol)...)
		lines = append(lines, "Saving them asks you again; the audit trail records them.")
	}
	if ws := probs.Warnings(); len(ws) > 0 {
		lines = append(lines, fmt.Sprintf("%d %s (not blocking):", len(ws), plural(len(ws), "warning", "warnings")))
		for _, w := range ws {
			lines = append(lines, "  "+w.Cite()+": "+safe(w.Message))
		}
	}
	notSaved := func() tea.Cmd {
		a.saveAs = nil // a save as not confirmed leaves the session where it was
		a.setStatus("Not saved: your edits are kept.", false)
		return nil
	}
	yes, save := "save", func() tea.Cmd { return a.doSave() }
	if n := model.CountSites(viol); n > 0 {
		yes = "save (asks again: violations)"
		save = func() tea.Cmd {
			a.c.ask(fmt.Sprintf("Save with %d new %s of separation of duties?", n, plural(n, "violation", "violations")), []string{
				"Your edits let users hold what a separation-of-duties rule of the file keeps apart (listed in the summary before).",
				"Saving anyway records the violations in the audit trail. No keeps your edits unsaved: change the roles first.",
			}, "save anyway", func() tea.Cmd { return a.doSave() }, notSaved)
			return nil
		}
	}
	a.c.ask("Save "+safe(to.path)+"?", lines, yes, save, notSaved)
	return nil
}

// saveTarget is where a save writes: the session's own file, or the new
// file save as chose. The session moves there only once that save is
// written.
type saveTarget struct {
	path    string
	stamp   any
	missing bool
}

// target is where the next save writes.
func (a *App) target() saveTarget {
	if a.saveAs != nil {
		return *a.saveAs
	}
	s := a.c.sess
	return saveTarget{path: s.path, stamp: s.stamp, missing: s.missing}
}

// savedMsg is the end of a save, run off the input path (a 100,000-user
// file takes most of a second to write), for the busy notice with its id.
type savedMsg struct {
	id    int
	to    saveTarget
	as    bool // a save as
	stamp any
	err   error
	// sync is the Boomi state beside the file written, read again after
	// the save (a push from another terminal may have changed it).
	sync syncRead
}

// saveIDs numbers saves and reloads, whose results come back by id. A
// counter of the package, atomic: two programs in one process (the tests)
// take numbers at once.
var saveIDs atomic.Int64

// doSave writes the working copy with its audit record, off the input
// path; a notice says so meanwhile, and keys wait (they are counted, not
// acted on: nothing may change the copy being written).
func (a *App) doSave() tea.Cmd {
	s := a.c.sess
	id := int(saveIDs.Add(1))
	to, as := a.target(), a.saveAs != nil
	a.saveAs = nil
	a.c.push(&busy{c: a.c, id: id, title: "Saving " + safe(to.path) + "..."})
	store, w := s.store, s.w
	large := largeAccount(s.work)
	return func() tea.Msg {
		st, err := store.Save(to.path, w, to.stamp)
		if large {
			// Encoding, reading back and caching a large file leave
			// garbage several times the account's size: given back to
			// the system here, while keys wait anyway, instead of kept
			// resident (at 100,000 users, 137-191 MB after a save
			// against 44 MB after the load).
			releaseMemory()
		}
		return savedMsg{id: id, to: to, as: as, stamp: st, err: err, sync: readSync(store, to.path)}
	}
}

// largeAccount says when a load or a save leaves enough garbage to give
// back to the system at once.
func largeAccount(a *model.Account) bool { return len(a.Users) > 5000 }

// releaseMemory gives the heap's free memory back to the system (a
// variable for the tests).
var releaseMemory = debug.FreeOSMemory

// closeBusy takes the busy notice with that id off the stack.
func (a *App) closeBusy(id int) {
	for _, l := range a.c.stack {
		if b, ok := l.(*busy); ok && b.id == id {
			a.c.close(b)
			return
		}
	}
}

// afterSave closes the busy notice of save m and says how it went.
func (a *App) afterSave(m savedMsg) tea.Cmd {
	a.closeBusy(m.id)
	s := a.c.sess
	stamp, err := m.stamp, m.err
	var (
		changed *ChangedOnDisk
		partial *SavedButError
	)
	if m.as && err == nil || m.as && errors.As(err, &partial) {
		// Written to the new file: the session moves there; the draft
		// kept beside the old file goes (the save holds its edits).
		_ = s.store.RemoveDraft(s.path, s.draftID)
		s.path = m.to.path
	}
	if s.path == m.to.path {
		a.setSync(m.sync)
	}
	switch {
	case m.as && err != nil && !errors.As(err, &partial):
		a.setStatus("Not saved to "+safe(m.to.path)+": "+safe(err.Error()), true)
		a.c.push(newDialog(a.c, "Not saved to "+safe(m.to.path), []string{safe(err.Error()), "The session stays on " + safe(s.path) + " with your edits unsaved. S tries another file; esc goes back."},
			choice("S", "save as", a.openSaveAs)))
	case errors.As(err, &changed):
		n := len(s.ops())
		d := newDialog(a.c, "Not saved: the file changed on disk",
			[]string{safe(changed.Message), fmt.Sprintf("Your %d unsaved %s kept.", n, plural(n, "edit is", "edits are")),
				"r reloads the file and replays your edits onto it, each where it applies; an edit that meets another change of the same thing is shown to you with both values, and you choose. Then you review and save again.",
				"S saves your account to another file instead; esc keeps editing."},
			choice("r", "reload and re-apply", a.reloadAndRebase), choice("S", "save as", a.openSaveAs))
		d.onClose = func() tea.Cmd {
			a.setStatus("Not saved: your edits are kept (the file changed on disk).", true)
			return nil
		}
		a.c.push(d)
	case errors.As(err, &partial):
		// The file is written: never mistake that write for someone else's.
		a.saved(partial.Stamp)
		a.c.push(info(a.c, "Saved, with a warning", safe(partial.Message)))
	case err != nil:
		a.setStatus(notSaved(err), true)
		a.c.push(newDialog(a.c, "Not saved", []string{strings.TrimPrefix(notSaved(err), "Not saved: "), "Your edits are kept. S saves them to another file; esc goes back (quitting keeps them as a recovery draft)."},
			choice("S", "save as", a.openSaveAs)))
	default:
		if msg := a.saved(stamp); msg != "" {
			a.setStatus("Saved "+safe(s.path)+"; "+msg, true)
			return nil
		}
		a.setStatus("Saved "+safe(s.path)+".", false)
	}
	return nil
}

// saved starts over from what was written at stamp; the save included
// every unsaved edit, so this session's draft goes. It returns what went
// wrong removing it, if anything.
func (a *App) saved(stamp any) string {
	s := a.c.sess
	s.stamp, s.baseID, s.missing, s.relaid = stamp, s.store.BaseID(stamp), false, nil
	s.setWorking(s.w.Saved())
	s.draftVersion = s.version
	if err := s.store.RemoveDraft(s.path, s.draftID); err != nil {
		return "the old recovery draft could not be removed: " + safe(err.Error())
	}
	return ""
}

// rebaseState is a replay of edits onto a newer file while the admin
// decides its conflicts, one at a time.
type rebaseState struct {
	ld   *Loaded // the newer file
	base *model.Account
	// orig is the file as the edits were made on it (nil for drafts):
	// with it the model tells a role the other change renamed.
	orig    *model.Account
	r       model.Rebased
	keep    []bool // the choice for each conflict of r so far
	kept    int    // conflicts decided for the admin's edit, over all rounds
	dropped int
	already int
	// restoring: the drafts being restored (else: a reload before saving)
	restoring []Draft
}

func (rs *rebaseState) current() model.Conflict { return rs.r.Conflicts[len(rs.keep)] }

// reloadAndRebase reads the file again and replays the edits onto it.
func (a *App) reloadAndRebase() tea.Cmd {
	s := a.c.sess
	id := int(saveIDs.Add(1))
	a.c.push(&busy{c: a.c, id: id, title: "Reading " + safe(s.path) + " again..."})
	store, path := s.store, s.path
	return func() tea.Msg {
		ld, err := store.Load(path)
		return reloadedMsg{id: id, ld: ld, err: err, sync: readSync(store, path)}
	}
}

// reloadedMsg is the file read again (off the input path) for a replay of
// the edits, for the busy notice with its id.
type reloadedMsg struct {
	id   int
	ld   *Loaded
	err  error
	sync syncRead // the Boomi state beside it, read again
}

// rebaseOnto replays the edits onto the file read again.
func (a *App) rebaseOnto(m reloadedMsg) tea.Cmd {
	a.closeBusy(m.id)
	s := a.c.sess
	ld, err := m.ld, m.err
	if err != nil {
		a.c.push(info(a.c, "Cannot reload", safe(err.Error()), "Your edits are kept."))
		return nil
	}
	a.setSync(m.sync)
	if !ld.Missing && ld.Errors {
		a.c.push(info(a.c, "Cannot reload: the file on disk has errors", "Your edits are kept; fix the file first (rolecall validate lists its problems), or save them to another file (S)."))
		return nil
	}
	base := ld.Account
	if ld.Missing {
		base = model.Demo()
	}
	rs := &rebaseState{ld: ld, base: base, orig: s.loaded}
	rs.r = model.RebaseFrom(rs.orig, base, s.ops())
	rs.already = len(rs.r.Already)
	return a.stepRebase(rs)
}

// stepRebase shows the next conflict, or, when all are decided, applies
// the choices and finishes.
func (a *App) stepRebase(rs *rebaseState) tea.Cmd {
	a.rebase = rs
	if len(rs.keep) < len(rs.r.Conflicts) {
		a.showConflict()
		return nil
	}
	if len(rs.r.Conflicts) > 0 {
		// Replay again with the choices made: an edit kept over another
		// change now expects what is there.
		rs.r = model.ReplayFrom(rs.orig, rs.base, rs.r.Resolve(rs.keep))
		rs.keep = nil
		return a.stepRebase(rs)
	}
	return a.finishRebase()
}

func (a *App) showConflict() {
	rs := a.rebase
	c := rs.current()
	n := len(rs.r.Conflicts)
	title := fmt.Sprintf("Conflict %d of %d: %s", len(rs.keep)+1, n, c.What)
	lines := []string{"Your edit: " + c.Op.Describe()}
	theirs := choice("t", "take theirs", func() tea.Cmd { return a.decideConflict(false) })
	choices := []action{theirs}
	if c.Refused != nil {
		title = fmt.Sprintf("Conflict %d of %d: your edit no longer applies", len(rs.keep)+1, n)
		lines = append(lines, fmt.Sprintf("The file as it is now refuses it (%s): %s", c.Refused.Cite(), safe(c.Refused.Message)),
			"t drops your edit; the file stays as the other change left it.")
	} else {
		lines = append(lines,
			"When you made it, this was: "+orNone(c.Expected),
			"Another change made it:      "+orNone(c.Found),
			"Your edit makes it:          "+orNone(c.Wanted))
		if c.CanKeepMine() {
			lines = append(lines, "m keeps your edit over the other change; t takes theirs and drops your edit.")
			choices = []action{choice("m", "keep mine", func() tea.Cmd { return a.decideConflict(true) }), theirs}
		} else {
			lines = append(lines, "Your edit cannot be kept over this change: t drops it (you may redo it by hand afterwards); esc stops, changing nothing.")
		}
	}
	d := newDialog(a.c, title, lines, choices...)
	d.onClose = func() tea.Cmd { a.abandonRebase(); return nil }
	a.c.push(d)
}

func orNone(s string) string {
	if s == "" {
		return "(empty)"
	}
	return safe(s)
}

// abandonRebase backs out of deciding conflicts: nothing changes, the
// edits stay on the copy they were made on (a reload), or the drafts stay
// for later (a restore).
func (a *App) abandonRebase() {
	rs := a.rebase
	a.rebase = nil
	if rs.restoring != nil {
		for _, d := range rs.restoring {
			a.c.sess.store.ReleaseDraft(a.c.sess.path, d.ID)
		}
		a.setStatus("Not restored: the recovery drafts are kept; the next start offers them again.", false)
		return
	}
	a.setStatus("Not reloaded: your edits are kept on the copy you loaded; ctrl+s tries again.", false)
}

func (a *App) decideConflict(mine bool) tea.Cmd {
	rs := a.rebase
	rs.keep = append(rs.keep, mine)
	if mine {
		rs.kept++
	} else {
		rs.dropped++
	}
	return a.stepRebase(rs)
}

// finishRebase makes the replayed edits the session's: onto the newer
// file, as unsaved edits.
func (a *App) finishRebase() tea.Cmd {
	s := a.c.sess
	rs := a.rebase
	a.rebase = nil
	s.stamp, s.baseID, s.missing, s.relaid = rs.ld.Stamp, s.store.BaseID(rs.ld.Stamp), rs.ld.Missing, rs.ld.Relaid
	s.problems = rs.ld.Problems
	s.setGroup(rs.ld.Group)
	s.setWorking(rs.r.Working)
	applied := len(rs.r.Working.Ops())
	var parts []string
	parts = append(parts, fmt.Sprintf("%d %s applied", applied, plural(applied, "edit", "edits")))
	if rs.already > 0 {
		parts = append(parts, fmt.Sprintf("%d already in the file", rs.already))
	}
	if rs.kept > 0 {
		parts = append(parts, fmt.Sprintf("%d kept over another change", rs.kept))
	}
	if rs.dropped > 0 {
		parts = append(parts, fmt.Sprintf("%d dropped for another change", rs.dropped))
	}
	cmd := a.refreshAll()
	if rs.restoring == nil {
		if !s.dirty() {
			a.setStatus("Reloaded: "+strings.Join(parts, ", ")+"; nothing is left to save.", false)
			return cmd
		}
		a.setStatus("Reloaded: "+strings.Join(parts, ", ")+".", false)
		return tea.Batch(cmd, a.startSave())
	}
	// Restored drafts: their edits are this session's now, kept in its
	// own draft; once that is written the old drafts go.
	msg := plural(len(rs.restoring), "Draft", "Drafts") + " restored: " + strings.Join(parts, ", ")
	for _, d := range rs.restoring {
		if d.BaseID != s.baseID {
			msg += "; the file changed since the draft"
			break
		}
	}
	msg += "."
	if err := a.writeDraft(); err != nil {
		a.setStatus(msg+" The restored edits could not be kept in this session's draft ("+safe(err.Error())+"); the old drafts stay until you save.", true)
		return cmd
	}
	for _, d := range rs.restoring {
		if err := s.store.RemoveDraft(s.path, d.ID); err != nil {
			a.setStatus(msg+" An old draft could not be removed: "+safe(err.Error()), true)
			return cmd
		}
	}
	a.setStatus(msg, false)
	return cmd
}

// offerDrafts asks about the recovery drafts that ended sessions left.
func (a *App) offerDrafts() {
	s := a.c.sess
	ds, err := s.store.FindDrafts(s.path)
	if err != nil {
		a.setStatus("A recovery draft cannot be read: "+safe(err.Error()), true)
	}
	if len(ds) == 0 {
		return
	}
	a.drafts = ds
	a.showDrafts()
}

// showDrafts is the dialog about the drafts found (a.drafts).
func (a *App) showDrafts() {
	s := a.c.sess
	ds := a.drafts
	n := 0
	var lines []string
	intro := fmt.Sprintf("Unsaved edits of %s were kept when %s ended without saving:", safe(s.path), plural(len(ds), "a session", "sessions"))
	lines = append(lines, intro)
	for _, d := range ds {
		n += len(d.Ops)
		line := fmt.Sprintf("  %s: %d %s", d.Written.Local().Format("2006-01-02 15:04"), len(d.Ops), plural(len(d.Ops), "edit", "edits"))
		if d.BaseID != s.baseID {
			line += " (the file changed since)"
		}
		lines = append(lines, line)
		for _, op := range d.Ops {
			lines = append(lines, "    "+op.Describe())
		}
	}
	lines = append(lines, "r restores them as unsaved edits, replayed onto the file as it is now (an edit that meets another change of the same thing is shown to you); d discards them; esc decides later (they are offered again next time).")
	d := newDialog(a.c, fmt.Sprintf("Recovery %s found: %d unsaved %s", plural(len(ds), "draft", "drafts"), n, plural(n, "edit", "edits")), lines,
		choice("r", "restore", a.restoreDrafts).editing(),
		choice("d", "discard", func() tea.Cmd { a.confirmDiscardDrafts(); return nil }).editing())
	d.onClose = func() tea.Cmd { a.laterDrafts(); return nil }
	a.c.push(d)
}

func (a *App) restoreDrafts() tea.Cmd {
	s := a.c.sess
	// Each draft is one session's: compacted on its own, so that two
	// sessions' edits of one field meet as a conflict.
	var ops []model.Op
	for _, d := range a.drafts {
		ops = append(ops, model.Compact(d.Ops)...)
	}
	rs := &rebaseState{ld: &Loaded{Account: s.loaded, Stamp: s.stamp, Missing: s.missing, Problems: s.problems, Relaid: s.relaid, Errors: a.c.fileErrors}, base: s.loaded, restoring: a.drafts}
	a.drafts = nil
	rs.r = model.Replay(rs.base, ops)
	rs.already = len(rs.r.Already)
	return a.stepRebase(rs)
}

// confirmDiscardDrafts asks before the drafts' edits are gone for good.
func (a *App) confirmDiscardDrafts() {
	n := 0
	for _, d := range a.drafts {
		n += len(d.Ops)
	}
	a.c.ask(fmt.Sprintf("Discard %d unsaved %s for good?", n, plural(n, "edit", "edits")),
		[]string{"They cannot be recovered afterwards. n goes back to restoring them."}, "discard them",
		func() tea.Cmd { a.discardDrafts(); return nil },
		func() tea.Cmd { a.showDrafts(); return nil })
}

func (a *App) discardDrafts() {
	s := a.c.sess
	for _, d := range a.drafts {
		if err := s.store.RemoveDraft(s.path, d.ID); err != nil {
			a.setStatus("A draft could not be removed: "+safe(err.Error()), true)
			a.drafts = nil
			return
		}
	}
	a.setStatus(fmt.Sprintf("Recovery %s discarded.", plural(len(a.drafts), "draft", "drafts")), false)
	a.drafts = nil
}

func (a *App) laterDrafts() {
	s := a.c.sess
	for _, d := range a.drafts {
		s.store.ReleaseDraft(s.path, d.ID)
	}
	a.setStatus("The recovery drafts are kept; the next start offers them again.", false)
	a.drafts = nil
}

// writeDraft keeps the unsaved edits in this session's draft now.
func (a *App) writeDraft() error {
	s := a.c.sess
	if err := s.store.WriteDraft(s.path, s.draft()); err != nil {
		return err
	}
	s.draftVersion = s.version
	return nil
}

// autosave keeps the unsaved edits in the draft when they changed since
// it was last written, so that even a kill loses seconds at most.
func (a *App) autosave() {
	s := a.c.sess
	if a.c.readOnly || s.draftVersion == s.version {
		return
	}
	if !s.dirty() {
		// The edits came to nothing (an edit taken back): a draft written
		// before must not offer them back.
		if err := s.store.RemoveDraft(s.path, s.draftID); err != nil {
			a.setStatus("An outdated recovery draft could not be removed: "+safe(err.Error()), true)
			return
		}
		s.draftVersion = s.version
		return
	}
	if err := a.writeDraft(); err != nil {
		a.setStatus("Your unsaved edits could not be kept in the recovery draft: "+safe(err.Error()), true)
	}
}

// quitKeepingDraft writes the unsaved edits to the draft and quits; if the
// draft cannot be written, it says so and stays.
func (a *App) quitKeepingDraft() tea.Cmd {
	s := a.c.sess
	if s.dirty() || len(s.pending) > 0 {
		if err := a.writeDraft(); err != nil {
			a.c.push(newDialog(a.c, "Not quitting: your edits could not be kept",
				[]string{"The recovery draft could not be written: " + safe(err.Error()), "Save them (ctrl+s), save them to another file (S), or fix the problem and quit again. q on this dialog quits all the same, losing them."},
				choice("S", "save as", a.openSaveAs), choice("q", "quit, losing them", func() tea.Cmd { return tea.Quit })))
			return nil
		}
		s.store.ReleaseDraft(s.path, s.draftID)
	}
	return tea.Quit
}

// openSaveAs asks for another file to save the account to: a new file,
// never one that exists.
func (a *App) openSaveAs() tea.Cmd {
	c := a.c
	s := c.sess
	path := newTextField(c, "path", "Save to", s.path, 4096)
	f := &form{c: c, title: "Save the account to another file (a new one)", fields: []*field{path}}
	f.notes = func() []string {
		return []string{"The file must not exist yet; its directory must. Your edits stay unsaved until you confirm the review that follows."}
	}
	f.submit = func() tea.Cmd {
		p := path.text()
		ld, err := a.store.Load(p)
		switch {
		case err != nil:
			f.err = "Cannot save there: " + safe(err.Error())
			return nil
		case !ld.Missing:
			f.err = safe(p) + " exists: saving there would replace another file. Choose a new name."
			return nil
		}
		a.saveAs = &saveTarget{path: p, stamp: ld.Stamp, missing: true}
		c.close(f)
		return a.startSave()
	}
	return f.open()
}

// busy is a notice on the focus stack while something the session depends
// on runs off the input path (a save): keys are counted, not acted on.
type busy struct {
	c       *common
	id      int
	title   string
	ignored int
}

func (b *busy) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		b.ignored++
	}
	return nil
}

func (b *busy) view(w, h int) string {
	lines := []string{b.title, "", "Keys wait until it is done."}
	if b.ignored > 0 {
		lines = append(lines, fmt.Sprintf("%d %s ignored.", b.ignored, plural(b.ignored, "key", "keys")))
	}
	return newDialog(b.c, b.title, lines[2:]).view(w, h)
}

func (b *busy) actions() []action { return nil }

// notSaved is the status line of a save that failed: err's text, said
// once ("Not saved: ...") even when err already says it.
func notSaved(err error) string {
	msg := safe(err.Error())
	if strings.HasPrefix(strings.ToLower(msg), "not saved") {
		return strings.ToUpper(msg[:1]) + msg[1:]
	}
	return "Not saved: " + msg
}
