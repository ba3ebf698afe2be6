package model

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
	acct     *Account
	res      *Resolver
	problems Problems
}

// NewWorking validates and indexes a.
func NewWorking(a *Account) *Working {
	ps, res := validateIndexed(a, false)
	if res == nil {
		res = NewResolver(a)
	}
	return &Working{acct: a, res: res, problems: ps}
}

// Account returns the working account.
func (w *Working) Account() *Account { return w.acct }

// Resolver returns the resolver of the working account.
func (w *Working) Resolver() *Resolver { return w.res }

// Problems returns Validate of the working account.
func (w *Working) Problems() Problems { return w.problems }

// Apply runs op as Apply(w.Account(), op) does, with the same result and
// outcome, and also returns the working copy of the new state and the diff
// from w to it (Compare). On refusal it returns a *Refused error and a nil
// Working.
func (w *Working) Apply(op Op) (*Working, Outcome, Diff, error) {
	c, res, ps, out, err := applyIndexed(w.acct, op, func() Problems { return w.problems })
	if err != nil {
		return nil, Outcome{}, Diff{}, err
	}
	next := &Working{acct: c, res: res, problems: ps}
	return next, out, Compare(w.res, res), nil
}
