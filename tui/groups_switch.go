package tui

import (
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// The account switcher (A): the primary and the members of the file's
// account group, any of which opens in the same session.

// groupAccount is one account of the group as the switcher lists it.
type groupAccount struct {
	path  string // the file, as the session opens it
	label string
	here  bool // the account the session edits now
}

// groupAccounts lists the primary, then each member in the primary's order.
func (s *session) groupAccounts() []groupAccount {
	g := s.group
	set := g.base
	dir := filepath.Dir(set.PrimaryFile)
	out := []groupAccount{{path: set.PrimaryFile, label: safe(set.Primary.Name) + "  " + safe(filepath.Base(set.PrimaryFile)) + "  (primary)", here: !g.member()}}
	for _, f := range set.MemberFiles() {
		name := "(not loaded)"
		if m := set.Members[f]; m != nil {
			name = safe(m.Name)
		}
		var groups []string
		for _, gr := range set.Primary.Groups {
			for _, m := range gr.Members {
				if m.File == f {
					groups = append(groups, safe(gr.Name))
				}
			}
		}
		label := name + "  " + safe(f) + "  (member of " + model.AndList(groups) + ")"
		out = append(out, groupAccount{path: filepath.Join(dir, filepath.FromSlash(f)), label: label, here: f == g.key})
	}
	return out
}

// pickAccount opens the switcher.
func (a *App) pickAccount() tea.Cmd {
	s := a.c.sess
	if s.group == nil {
		return nil
	}
	accts := s.groupAccounts()
	opts := make([]option, len(accts))
	cur := 0
	for i, ac := range accts {
		label := ac.label
		if ac.here {
			label += "  - open now"
			cur = i
		}
		opts[i] = option{value: ac.path, label: label}
	}
	fl := newListField(pickField, "account", "Account", opts)
	fl.open = true
	fl.cursor = cur
	a.c.push(&picker{c: a.c, title: "Open which account of the group? Type to filter", f: fl, onPick: func(path string) tea.Cmd {
		for _, ac := range accts {
			if ac.path == path && ac.here {
				a.setStatus("That account is open already.", false)
				return nil
			}
		}
		return a.switchTo(path)
	}})
	return nil
}

// switchTo opens path in this session; with unsaved edits it asks first,
// as quitting does, and keeps them as a recovery draft of this file.
func (a *App) switchTo(path string) tea.Cmd {
	s := a.c.sess
	if !s.dirty() && len(a.pending()) == 0 {
		_ = s.store.RemoveDraft(s.path, s.draftID)
		return a.openOther(path)
	}
	n := len(s.ops())
	body := []string{
		"You have " + itoa(n) + " unsaved " + plural(n, "edit", "edits") + " in " + safe(s.path) + ".",
		"Switching keeps them as a recovery draft, which opening " + safe(s.path) + " again offers back.",
		"n goes back; then ctrl+s reviews and saves.",
	}
	a.c.push(newDialog(a.c, "Switch account without saving?", body,
		choice("y", "switch, keep a draft", func() tea.Cmd {
			if err := a.writeDraft(); err != nil {
				a.setStatus("Not switched: the recovery draft could not be written: "+safe(err.Error()), true)
				return nil
			}
			s.store.ReleaseDraft(s.path, s.draftID)
			return a.openOther(path)
		}),
		choice("n", "go back", nil)))
	return nil
}

// openOther reads path as the session's file, as the start reads the
// first: the loading notice, then the account with its tabs.
func (a *App) openOther(path string) tea.Cmd {
	a.switchFrom = a.opts.Path
	a.opts.Path = path
	a.c.stack = nil
	a.saveAs, a.rebase, a.drafts = nil, nil, nil
	a.loading, a.started, a.ignored = true, time.Now(), 0
	return tea.Batch(a.loadCmd(), loadTick())
}

// switched finishes a switch of account with what was read: the new
// session, or, when the file cannot be opened, the one before, as it was.
func (a *App) switched(m loadedMsg) {
	from := a.switchFrom
	a.switchFrom = ""
	a.loading = false
	if m.err != nil {
		to := a.opts.Path
		a.opts.Path = from
		a.setStatus("Not switched: "+safe(to)+" cannot be opened: "+safe(m.err.Error()), true)
		return
	}
	a.opts.permWarn = ""
	if _, ok := a.store.(fileStore); ok {
		a.opts.permWarn = permissionWarning(a.opts.Path)
	}
	a.opts.shared.setPath(a.opts.Path)
	c := a.c
	c.readOnly, c.fileErrors, c.unreadable = a.opts.ReadOnly, false, false
	a.status, a.isErr = "", false
	cur := a.cur
	a.finishLoad(m.ld, m.sync)
	if a.afterSwitch != "" && cur < len(a.tabs) {
		a.cur = cur // the same file read again: the same tab
	}
	switch {
	case a.afterSwitch != "":
		a.setStatus(a.afterSwitch, false)
		a.afterSwitch = ""
	case a.status == "":
		a.setStatus("Opened "+safe(c.sess.work.Name)+" ("+safe(a.opts.Path)+"); A switches back.", false)
	}
}
