package tui

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"rolecall/model"
	"rolecall/storage"
)

// encodeForRelaid is storage.Encode, which Loaded.Relaid calls (a variable
// for the tests).
var encodeForRelaid = storage.Encode

// fileStore is the Store of the storage package.
type fileStore struct{}

func (fileStore) Load(path string) (*Loaded, error) {
	doc, err := storage.Load(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if err := creatable(path); err != nil {
				return nil, err
			}
			return &Loaded{Missing: true, Stamp: storage.Stamp{}}, nil
		}
		return nil, err
	}
	ld := &Loaded{Account: doc.Account, Stamp: doc.Stamp, Errors: doc.HasErrors()}
	if acct, sum := doc.Account, doc.Stamp.Sum; acct != nil {
		ld.Relaid = sync.OnceValue(func() bool { return sha256.Sum256(encodeForRelaid(acct)) != sum })
	}
	for _, p := range doc.Problems {
		ld.Problems = append(ld.Problems, FileProblem{Line: p.Line, Problem: p.Problem, LeftOutErrors: p.LeftOutErrors})
	}
	if doc.Account != nil && !ld.Errors && (len(doc.Account.Groups) > 0 || doc.Account.Primary != "") {
		loadGroup(path, ld)
	}
	return ld, nil
}

// loadGroup reads the account group of the file at path (a member, or a
// primary with groups) into ld: the member's view as its account, and the
// problems of every file of the group, each with its file. A group that
// cannot be read leaves the account alone, with a warning that says so.
func loadGroup(path string, ld *Loaded) {
	alone := func(why string) {
		ld.Problems = append(ld.Problems, FileProblem{Line: 1, Problem: model.Problem{Severity: model.Warning,
			Message: "its account group is not loaded (" + why + "): shared roles and group users are not shown, and edits are not checked across the group"}})
	}
	set, probs, err := storage.LoadGroup(path)
	if err != nil {
		alone(err.Error())
		return
	}
	ld.Problems = ld.Problems[:0]
	for _, p := range probs {
		fp := FileProblem{Line: p.Line, Problem: p.Problem, LeftOutErrors: p.LeftOutErrors}
		if p.Path != "" && !sameFilePath(p.Path, path) {
			fp.Path = p.Path
		}
		ld.Problems = append(ld.Problems, fp)
	}
	key, ok := storage.GroupKey(set, path)
	switch {
	case !ok:
		return // LoadGroup said why: the primary does not list it
	case key == "" && len(set.Primary.Groups) == 0:
		return
	case key != "":
		v, err := set.View(key)
		if err != nil {
			alone(err.Error())
			return
		}
		ld.Account = v
	}
	ld.Group = &GroupLoaded{Set: set, Key: key}
}

// sameFilePath reports whether two paths name one file.
func sameFilePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func (fileStore) Save(path string, w *model.Working, stamp any) (any, error) {
	st, _ := stamp.(storage.Stamp)
	rec, err := w.Record()
	if err != nil {
		return nil, err
	}
	acct := w.Account()
	member := isView(acct)
	if member {
		acct = model.Own(acct) // a member's file holds its own account
	}
	// The violations of separation of duties the edits introduce were
	// shown, and confirmed twice, before this save: its entry records them.
	vs := saveViolations(path, w)
	allowed := func(string) []model.Violation { return vs }
	ns, err := storage.Save(path, acct, st, storage.SaveOptions{Actor: "tui", Change: rec, AllowedViolations: allowed})
	if err == nil && member {
		// The save locked the member, not its primary: an un-share there
		// meanwhile is said at once, never left to be found later (R21).
		if msg := memberAgainstPrimary(path); msg != "" {
			return ns, &SavedButError{Stamp: ns, Message: "saved " + model.SafeText(path) + "; but its primary changed meanwhile: " + msg}
		}
	}
	var ce *storage.ChangedError
	if errors.As(err, &ce) {
		return nil, &ChangedOnDisk{Message: ce.Error()}
	}
	var se *storage.SavedError
	if errors.As(err, &se) {
		return se.Stamp, &SavedButError{Stamp: se.Stamp, Message: se.Error()}
	}
	if err != nil {
		return nil, err
	}
	return ns, nil
}

// memberAgainstPrimary checks member file path with its primary as it is
// on disk now: the first error of its view and how many more, or "".
func memberAgainstPrimary(path string) string {
	set, _, err := storage.LoadGroup(path)
	if err != nil {
		return model.SafeText(err.Error())
	}
	key, ok := storage.GroupKey(set, path)
	if !ok {
		return "the primary no longer lists this account"
	}
	view, err := set.View(key)
	if err != nil {
		return model.SafeText(err.Error())
	}
	errs := model.Validate(view).Errors()
	switch len(errs) {
	case 0:
		return ""
	case 1:
		return errs[0].String()
	}
	return fmt.Sprintf("%s (and %d more)", errs[0].String(), len(errs)-1)
}

func (fileStore) BaseID(stamp any) string {
	st, _ := stamp.(storage.Stamp)
	return storage.BaseOf(st)
}

func (fileStore) NewDraftID() string { return storage.NewDraftID() }

func (fileStore) WriteDraft(path string, d Draft) error {
	raw, err := model.MarshalOps(d.Ops)
	if err != nil {
		return err
	}
	return storage.WriteDraft(path, storage.Draft{ID: d.ID, BaseSHA256: d.BaseID, Ops: raw})
}

func (fileStore) FindDrafts(path string) ([]Draft, error) {
	ds, err := storage.FindDrafts(path)
	out := make([]Draft, 0, len(ds))
	for _, d := range ds {
		ops, _ := d.Edits() // FindDrafts read them once already
		out = append(out, Draft{ID: d.ID, BaseID: d.BaseSHA256, Ops: ops, Written: d.Written})
	}
	return out, err
}

func (fileStore) RemoveDraft(path, id string) error { return storage.RemoveDraft(path, id) }

func (fileStore) ReleaseDraft(path, id string) { storage.ReleaseDraft(path, id) }

func (fileStore) Sync(path string) (*Sync, error) {
	st, err := storage.ReadState(path)
	_, jerr := os.Lstat(storage.JournalPath(path))
	interrupted := jerr == nil
	if st == nil && !interrupted {
		return nil, err
	}
	s := &Sync{Interrupted: interrupted}
	if st != nil {
		s.Account, s.Source, s.At, s.Live = st.Account, st.Source, st.At, st.Live
	}
	return s, err
}

// permissionWarning says when the file is readable or writable by others.
func permissionWarning(path string) string { return storage.Permissions(path) }

// creatable refuses a file that does not exist in a directory that does
// not exist either: nothing made there could ever be saved.
func creatable(path string) error {
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil // there, or unreadable: Load says which
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("cannot open %s: the directory %s does not exist, so the account could not be saved there; create the directory first, or name a file in one that exists", path, dir)
	}
	return nil
}

// saveViolations are the separation-of-duties violations a save of w over
// path introduces, as its audit entry records them: in its own account
// (a member's on its view), and for a primary in every member, each on
// its view as on disk now (R22, R25), with the member's File.
func saveViolations(path string, w *model.Working) []model.Violation {
	own := func() []model.Violation { return model.NewViolations(w.BaseResolver(), w.Resolver()) }
	acct, base := w.Account(), w.Base()
	if acct.Primary != "" || len(acct.Groups)+len(base.Groups) == 0 {
		return own()
	}
	set, _, err := storage.LoadGroup(path)
	if err != nil || set == nil || len(set.Members) == 0 {
		return own() // a new file, or no member to reach
	}
	before := set.WithAccounts(base, set.Members)
	after := set.WithAccounts(acct, set.Members)
	return flatViolations(model.NewGroupViolations(before, after))
}
