package model

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// Working is the edit pipeline: an account as loaded (the base), the edits
// made on it since, in order, and the account they give, kept with its
// resolver and its validation problems. Every edit, from the TUI or the
// command line, goes through Apply; the diff of who gains or loses what
// (Diff) and the audit record (Record) are computed from it once.
//
//	w := model.NewWorking(acct)       // validate and index once
//	next, out, err := w.Apply(op)     // one edit; next.Diff(): base -> now
//
// Apply validates and indexes only the new state: it does not validate the
// old state again and reuses the resolver that validating the new state
// builds. A Working never changes: Apply returns a new one. Do not change
// the account given to NewWorking afterwards.
type Working struct {
	acct *Account
	res  *Resolver
	chk  checked
	// normalized: acct is in Normalize order, so an edit may share the
	// sections it does not touch (Normalize then writes nothing to them).
	normalized bool

	base    *Account
	baseRes *Resolver
	ops     []Op
	diff    *lazyDiff
}

// lazyDiff is Compare(base, now), computed on first use and shared by
// everyone who asks.
type lazyDiff struct {
	once sync.Once
	d    Diff
}

// NewWorking validates and indexes a, as the base of a list of edits.
func NewWorking(a *Account) *Working {
	chk := validateFrom(a, false, nil, 0, nil)
	res := chk.res
	if res == nil {
		res = NewResolver(a)
	}
	return &Working{acct: a, res: res, chk: chk, normalized: isNormalized(a), base: a, baseRes: res, diff: &lazyDiff{}}
}

// isNormalized reports whether Normalize would leave a as it is.
func isNormalized(a *Account) bool {
	if !slices.IsSortedFunc(a.Roles, func(x, y Role) int { return compareFold(x.Name, y.Name) }) ||
		!slices.IsSortedFunc(a.Users, func(x, y User) int { return compareFold(x.Email, y.Email) }) ||
		!slices.IsSortedFunc(a.Environments, func(x, y Environment) int { return compareFold(x.Name, y.Name) }) {
		return false
	}
	for _, r := range a.Roles {
		if !slices.IsSorted(r.Privileges) || len(slices.Compact(slices.Clone(r.Privileges))) != len(r.Privileges) {
			return false
		}
	}
	for _, u := range a.Users {
		if !slices.IsSortedFunc(u.Roles, compareFold) {
			return false
		}
	}
	for _, e := range a.Environments {
		if !slices.IsSortedFunc(e.RolesWithAccess, compareFold) {
			return false
		}
	}
	return true
}

// Account returns the working account.
func (w *Working) Account() *Account { return w.acct }

// Resolver returns the resolver of the working account.
func (w *Working) Resolver() *Resolver { return w.res }

// Problems returns Validate of the working account.
func (w *Working) Problems() Problems { return w.chk.ps }

// Base returns the account the edits were made on, and BaseResolver its
// resolver.
func (w *Working) Base() *Account          { return w.base }
func (w *Working) BaseResolver() *Resolver { return w.baseRes }

// Saved returns the working account as a new base with no edits: what a
// session holds once its edits are saved. Nothing is validated again.
func (w *Working) Saved() *Working {
	return &Working{acct: w.acct, res: w.res, chk: w.chk, normalized: w.normalized, base: w.acct, baseRes: w.res, diff: &lazyDiff{}}
}

// Ops returns the edits made since the base, in order.
func (w *Working) Ops() []Op { return slices.Clip(w.ops) }

// Dirty reports whether any edit was made since the base.
func (w *Working) Dirty() bool { return len(w.ops) > 0 }

// Apply runs ops in order on the working account as one edit: all apply
// or none (a *Refused error and a nil Working). It returns the new Working
// and what the edit brings with it (notes, new warnings, environments it
// opens, all from the state before the edit).
func (w *Working) Apply(ops ...Op) (*Working, Outcome, error) {
	cur := w
	var all Outcome
	for _, op := range ops {
		c, chk, out, err := applyIndexed(cur.acct, op, cur)
		if err != nil {
			return nil, Outcome{}, err
		}
		all.Notes = append(all.Notes, out.Notes...)
		all.Warnings = out.Warnings // one edit: the warnings it brought
		cur = &Working{acct: c, res: chk.res, chk: chk, normalized: true,
			base: w.base, baseRes: w.baseRes, ops: append(slices.Clip(cur.ops), op), diff: &lazyDiff{}}
	}
	switch len(ops) {
	case 0:
		return w, Outcome{}, nil
	case 1:
		all.Widened = widened(w.acct, cur.acct)
	default:
		all.Warnings = newProblems(warningsIn(w.chk.ps), warningsIn(cur.chk.ps))
		all.Widened = widened(w.acct, cur.acct)
		all.Notes = restrictedNotes(w.acct, cur.acct, all.Notes)
	}
	return cur, all, nil
}

// restrictedNotes makes the notes of one edit that restricts an open
// environment to several roles say so once, naming them all: each Allow
// notes only the role it adds.
func restrictedNotes(before, after *Account, notes []string) []string {
	for _, e := range after.Environments {
		if len(e.RolesWithAccess) < 2 {
			continue
		}
		if i := before.FindEnvironment(e.Name); i < 0 || len(before.Environments[i].RolesWithAccess) > 0 {
			continue
		}
		prefix := SafeText(e.Name) + " stops being open:"
		whole := SafeText(StopsBeingOpen(e.Name, joinNames(e.RolesWithAccess)))
		kept := notes[:0:0]
		done := false
		for _, n := range notes {
			if !strings.HasPrefix(n, prefix) {
				kept = append(kept, n)
				continue
			}
			if !done {
				kept = append(kept, whole)
				done = true
			}
		}
		notes = kept
	}
	return notes
}

// newProblems lists the problems of after that are not in before (the
// same rule and message), in after's order.
func newProblems(before, after Problems) Problems {
	if len(after) == 0 {
		return nil
	}
	// Most edits leave the warnings as they were, or add or drop a few in
	// one place: the lists then agree at both ends, and only the problems
	// of after between those ends can be new.
	pre := 0
	for pre < len(before) && pre < len(after) && sameProblem(before[pre], after[pre]) {
		pre++
	}
	suf := 0
	for suf < len(before)-pre && suf < len(after)-pre && sameProblem(before[len(before)-1-suf], after[len(after)-1-suf]) {
		suf++
	}
	mid := after[pre : len(after)-suf]
	if len(mid) == 0 {
		return nil
	}
	var out Problems
	if len(mid) <= 8 {
		// A few: look each up in before, without a map.
		for _, p := range mid {
			if !slices.ContainsFunc(before, func(q Problem) bool { return sameProblem(p, q) }) {
				out = append(out, p)
			}
		}
		return out
	}
	type key struct{ rule, msg string }
	old := make(map[key]bool, len(before))
	for _, p := range before {
		old[key{p.Rule, p.Message}] = true
	}
	for _, p := range mid {
		if !old[key{p.Rule, p.Message}] {
			out = append(out, p)
		}
	}
	return out
}

// sameProblem reports whether p and q are the same finding for
// newProblems: the same rule and message.
func sameProblem(p, q Problem) bool { return p.Rule == q.Rule && p.Message == q.Message }

// warningsIn is ps.Warnings() for reading only: ps itself when it has no
// errors (the state of every edit), without copying.
func warningsIn(ps Problems) Problems {
	if !slices.ContainsFunc(ps, func(p Problem) bool { return p.Severity != Warning }) {
		return ps
	}
	return ps.Warnings()
}

// Diff is what the edits change for whom: Compare from the base to the
// working account. It is computed once.
func (w *Working) Diff() Diff {
	w.diff.once.Do(func() { w.diff.d = Compare(w.baseRes, w.res) })
	return w.diff.d
}

// Rebase replays the edits onto base, a newer state of the account (see
// Rebase).
func (w *Working) Rebase(base *Account) Rebased { return RebaseFrom(w.base, base, w.ops) }

// Record is what the audit trail keeps of a save: every edit in words and
// as JSON, and what it changes for whom. Lists are never nil.
type Record struct {
	Edits  []string          `json:"edits"`
	Access []string          `json:"access"`
	Ops    []json.RawMessage `json:"ops"`
}

// Record returns the audit record of the edits, by their net effect
// (Compact: a field set twice is recorded once, from the first value to
// the last).
func (w *Working) Record() (Record, error) {
	net := Compact(w.ops)
	r := Record{Edits: make([]string, 0, len(net)), Access: []string{}}
	for _, op := range net {
		r.Edits = append(r.Edits, op.Describe())
	}
	ops, err := MarshalOps(net)
	if err != nil {
		return Record{}, err
	}
	r.Ops = ops
	d := w.Diff()
	r.Access = append(r.Access, d.Summary()...)
	return r, nil
}
