package model

import "slices"

// Working is an account being edited, kept with its resolver and its
// validation problems so that each edit validates and indexes only the new
// state: Apply on a Working does not validate the old state again, reuses
// the resolver that validating the new state builds, and diffs the two.
//
//	w := model.NewWorking(acct)          // validate and index once
//	next, out, diff, err := w.Apply(op)  // one edit: new state + who gains or loses what
//
// A Working never changes: Apply returns a new one. Do not change the
// account given to NewWorking afterwards.
type Working struct {
	acct *Account
	res  *Resolver
	chk  checked
	// normalized: acct is in Normalize order, so an edit may share the
	// sections it does not touch (Normalize then writes nothing to them).
	normalized bool
}

// NewWorking validates and indexes a.
func NewWorking(a *Account) *Working {
	chk := validateFrom(a, false, nil, 0)
	res := chk.res
	if res == nil {
		res = NewResolver(a)
	}
	return &Working{acct: a, res: res, chk: chk, normalized: isNormalized(a)}
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

// Apply runs op as Apply(w.Account(), op) does, with the same result and
// outcome, and also returns the working copy of the new state and the diff
// from w to it (Compare). On refusal it returns a *Refused error and a nil
// Working.
func (w *Working) Apply(op Op) (*Working, Outcome, Diff, error) {
	c, chk, out, err := applyIndexed(w.acct, op, w)
	if err != nil {
		return nil, Outcome{}, Diff{}, err
	}
	next := &Working{acct: c, res: chk.res, chk: chk, normalized: true}
	return next, out, Compare(w.res, chk.res), nil
}
