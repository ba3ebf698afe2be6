package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"rolecall/model"
	"rolecall/storage"
)

// doc is an account file as read: the account (nil when the file cannot be
// understood at all) and every problem with its line.
type doc struct {
	path     string
	acct     *model.Account
	problems []storage.FileProblem
}

// load reads path. A file that cannot be read at all (missing, a directory,
// unreadable, too large) is a usage error, exit 2.
func (a *app) load(path string) (*doc, error) {
	d, _, err := a.loadUsers(path, nil)
	return d, err
}

// loadUsers is load through storage.LoadUsers: some tells that the account
// holds only the users keep accepts.
func (a *app) loadUsers(path string, keep func(email string) bool) (d *doc, some bool, err error) {
	sd, err := storage.LoadUsers(path, keep)
	if err != nil {
		return nil, false, readError(err)
	}
	return &doc{path: path, acct: sd.Account, problems: sd.Problems}, sd.SomeUsers, nil
}

// readError is exit 2 for a file that cannot be read, with a hint when it
// is missing.
func readError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fail(ExitUsage, "%v (create one with 'rolecall init', or name one with -f FILE or $ROLECALL_FILE)", err)
	}
	return fail(ExitUsage, "%v", err)
}

// open reads the -f file for a command that needs a sound account: a file
// with errors is exit 2, its errors printed as FILE:LINE: lines on stderr.
func (a *app) open() (*model.Account, error) { return a.openFile(a.path()) }

func (a *app) openFile(path string) (*model.Account, error) {
	d, err := a.load(path)
	if err != nil {
		return nil, err
	}
	return a.sound(d)
}

// sound is d's account when d's file has no errors; otherwise it prints
// them and fails with exit 2.
func (a *app) sound(d *doc) (*model.Account, error) {
	path := d.path
	errs := storage.Errors(d.problems)
	if len(errs) == 0 && d.acct != nil {
		return d.acct, nil
	}
	for _, p := range errs {
		fmt.Fprintln(a.stderr, p.String())
	}
	return nil, fail(ExitUsage, "%s has %s; fix them first (rolecall validate -f %s lists them with their lines)",
		model.SafeText(path), plural(max(storage.ErrorCount(errs), 1), "error"), model.SafeText(path))
}

// update runs edit on the -f file under its lock (storage.Update): re-read,
// apply through the edit pipeline, validate, record the pipeline's record
// (every edit, what it changes for whom) in the audit trail with the command
// line as the actor, and write atomically. A failure after the file was
// written (*storage.SavedError) is printed as a warning, and the edit is
// done: the file holds it.
func (a *app) update(edit func(*model.Account) (*model.Working, error)) error {
	return a.updateSaving(func(acct *model.Account) (*model.Working, *model.Account, error) {
		w, err := edit(acct)
		if err != nil {
			return nil, nil, err
		}
		return w, w.Account(), nil
	})
}

// updateSaving is update where the edit also says what to save: for a
// file in an account group, its own account, which the pipeline's view
// (and its record) does not hold alone.
func (a *app) updateSaving(edit func(*model.Account) (*model.Working, *model.Account, error)) error {
	var w *model.Working
	relaid := false
	_, err := storage.Update(a.path(), storage.SaveOptions{
		Actor:             a.actor,
		Relaid:            func() { relaid = true },
		AllowedViolations: a.sod.recorded,
		ChangeFunc: func(_, _ *model.Account) any {
			rec, err := w.Record()
			if err != nil {
				return map[string]string{"error": err.Error()}
			}
			return rec
		},
	}, func(acct *model.Account) (*model.Account, error) {
		next, save, err := edit(acct)
		if err != nil {
			return nil, err
		}
		w = next
		return save, nil
	})
	var se *storage.SavedError
	if relaid && (err == nil || errors.As(err, &se)) {
		fmt.Fprintf(a.stdout, "  note: %s was rewritten in rolecall's layout: comments, blank lines and the original order were not kept\n", model.SafeText(a.path()))
	}
	if errors.As(err, &se) {
		fmt.Fprintln(a.stderr, "rolecall: warning: "+model.SafeText(se.Error()))
		return nil
	}
	return err
}

// storageError maps storage's errors to exit codes and one-line messages:
// a file that cannot be read or has errors is exit 2 (its errors listed as
// FILE:LINE: lines); a lock held too long, a file changed underneath, or an
// account storage refuses is a refused edit, exit 1.
func (a *app) storageError(err error) error {
	var (
		re *storage.ReadError
		pe *storage.ProblemsError
		ie *storage.InvalidError
		le *storage.LockedError
		ce *storage.ChangedError
	)
	switch {
	case errors.As(err, &re):
		return readError(err)
	case errors.As(err, &pe):
		for _, p := range pe.Problems {
			fmt.Fprintln(a.stderr, p.String())
		}
		return fail(ExitUsage, "%s has %s; nothing was changed (rolecall validate -f %s lists them with their lines)",
			model.SafeText(a.path()), plural(max(len(pe.Problems), 1), "error"), model.SafeText(a.path()))
	case errors.As(err, &ie):
		lines := []string{fmt.Sprintf("edit refused: %s; nothing was changed", ie.Problems.Error())}
		for _, p := range ie.Problems[1:] {
			lines = append(lines, fmt.Sprintf("  also: %s (%s)", p.Message, p.Cite()))
		}
		return &exitError{code: ExitDenied, lines: lines}
	case errors.As(err, &le), errors.As(err, &ce):
		return fail(ExitDenied, "%v", err)
	}
	return fail(ExitDenied, "%v", err)
}

// groupFile is the account group the -f file belongs to, loaded whole: the
// set, which account of it the file is (key "" for the primary), and the
// file's view (model.GroupSet.View: a member with the roles its groups
// share and its group users).
type groupFile struct {
	set  *model.GroupSet
	key  string
	view *model.Account
}

// inGroup reports whether acct, as read from its file, belongs to an
// account group: a primary with groups, or a member naming its primary.
func inGroup(acct *model.Account) bool { return acct.Primary != "" || len(acct.Groups) > 0 }

// loadGroup loads the group of the file at path (which must be in one),
// and its view. A group that cannot be loaded, or a view with errors
// (R20, R21), is exit 2 with each problem on stderr.
func (a *app) loadGroup(path string) (*groupFile, error) {
	set, probs, err := storage.LoadGroup(path)
	if err != nil {
		for _, p := range storage.Errors(probs) {
			fmt.Fprintln(a.stderr, p.String())
		}
		return nil, fail(ExitUsage, "%v", err)
	}
	if err := pendingGroupUpdate(set.PrimaryFile); err != nil {
		return nil, fail(ExitDenied, "%v", err)
	}
	key, ok := storage.GroupKey(set, path)
	if !ok {
		return nil, fail(ExitUsage, "%s is not in the groups of its primary %s: add it there (rolecall group add-member), or remove account.primary from it",
			model.SafeText(path), model.SafeText(set.PrimaryFile))
	}
	view, err := set.View(key)
	if err != nil {
		return nil, fail(ExitUsage, "%v", err)
	}
	var errs model.Problems
	for _, p := range model.ValidateGroups(set).Errors() {
		if p.File == key || key == "" {
			errs = append(errs, p)
		}
	}
	if key != "" {
		errs = append(errs, model.Validate(view).Errors()...)
	}
	for _, p := range errs {
		where := model.SafeText(path)
		if p.File != "" && p.File != key {
			where = model.SafeText(p.File)
		}
		fmt.Fprintf(a.stderr, "%s: %s\n", where, model.SafeText(p.String()))
	}
	if len(errs) > 0 {
		return nil, fail(ExitUsage, "%s has %s with its account group (listed above); fix them first", model.SafeText(path), plural(len(errs), "error"))
	}
	return &groupFile{set: set, key: key, view: view}, nil
}

// groupProblems are the problems of the file at path with its account
// group: what loading the group says, the group's rules about this file,
// and its view's (a member's shared role names, R21).
// known are the file's own problems, which are not repeated; failed says
// why the group could not be loaded or the file is not in it.
func (a *app) groupProblems(path string, known []storage.FileProblem) (out model.Problems, failed []string) {
	set, probs, err := storage.LoadGroup(path)
	seen := map[string]bool{}
	for _, p := range known {
		seen[p.Message] = true
	}
	add := func(p model.Problem) {
		if !seen[p.Message] {
			seen[p.Message] = true
			out = append(out, p)
		}
	}
	for _, p := range probs {
		if sameFile(p.Path, path) && !strings.Contains(p.Message, "interrupted group update") {
			add(p.Problem) // an interrupted update is told whole below
		}
	}
	if err != nil {
		return out, []string{err.Error()}
	}
	if err := pendingGroupUpdate(set.PrimaryFile); err != nil {
		failed = append(failed, err.Error())
	}
	key, ok := storage.GroupKey(set, path)
	if !ok {
		return out, []string{"the file is not in the groups of its primary " + set.PrimaryFile + ": add it there (rolecall group add-member), or remove account.primary from it"}
	}
	for _, p := range model.ValidateGroups(set) {
		switch {
		case p.File == key || key == "" && (p.File == "" || p.File == set.PrimaryFile):
			add(p)
		case key == "" && p.Severity == model.Error:
			// The primary's validate names the errors it causes in its
			// members (a held shared role renamed by hand: R24, R21).
			p.Message = "in member " + p.File + ": " + p.Message
			add(p)
		}
	}
	if key != "" {
		if view, err := set.View(key); err == nil {
			// What the file alone cannot tell: its shared role names.
			own := map[string]bool{}
			for _, p := range model.Validate(model.Own(view)) {
				own[p.Message] = true
			}
			for _, p := range model.Validate(view) {
				if !own[p.Message] {
					add(p)
				}
			}
		}
	}
	return out, failed
}

// sameFile reports whether paths a and b name one file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// pendingGroupUpdate is the whole story of an interrupted group update
// of primary that cannot be finished (which files hold what, and how to
// finish), nil when there is none: LoadGroup finishes the others, and
// lists this one as a problem in one line.
func pendingGroupUpdate(primary string) error {
	_, err := storage.RecoverGroup(primary, storage.SaveOptions{})
	var te *storage.GroupTxnError
	if errors.As(err, &te) {
		return err
	}
	return nil
}

// openView reads the -f file for a question about access: the file's
// account, or, for a file in an account group, its view (a member's
// shared roles and group users resolved from its primary, R21, R25).
func (a *app) openView() (*model.Account, error) {
	acct, err := a.open()
	if err != nil {
		return nil, err
	}
	return a.groupView(acct)
}

// groupView is the -f file's account acct, or its group view when it is in an
// account group.
func (a *app) groupView(acct *model.Account) (*model.Account, error) {
	if !inGroup(acct) {
		return acct, nil
	}
	g, err := a.loadGroup(a.path())
	if err != nil {
		return nil, err
	}
	return g.view, nil
}
