package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"rolecall/model"
)

// An edit of a group changes several files, all or none. Each file is
// replaced atomically (a temporary file renamed over it), but a crash
// between two renames would leave some files new and some old; so the
// renames are written ahead, like git's: UpdateGroup
//
//  1. takes the lock of every file, in one order (by absolute path, links
//     resolved), so that two updates of overlapping files never deadlock;
//  2. finishes an interrupted update first (see RecoverGroup), re-reads
//     every file under the locks and calls the edit;
//  3. writes each new file to a temporary file beside it (".NAME.group-txn-
//     RANDOM"), synced; keeps each previous version as FILE.bak; appends
//     and syncs each file's audit entry (as Save does);
//  4. writes and syncs the record PRIMARY.group-txn.json beside the
//     primary's file (a temporary file renamed into place: it is whole or
//     absent), listing each file, the SHA-256 of its old and new bytes and
//     its temporary file;
//  5. renames each temporary file over its file, syncs the directories,
//     and removes the record.
//
// A crash leaves each file whole (its old or its new bytes). While the
// record is there, the next UpdateGroup, LoadGroup or RecoverGroup of that
// primary finishes the update (rolls it forward: every file holds its old
// or its new bytes and every file still old has its temporary file with
// the new bytes) or, when no file changed and some new bytes are gone,
// removes the record (the update never happened). Anything else (a file
// changed since by hand or by a single-file save, a temporary file gone
// after some files changed) is never decided silently: a *GroupTxnError
// says which file holds which bytes and how to finish, and every update
// of that primary is refused until it is.

// groupTxnSuffix names the record beside the primary's file.
const groupTxnSuffix = ".group-txn.json"

// groupTempTag marks the temporary files of a group update.
const groupTempTag = ".group-txn-"

// groupTxn is the record of a group update under way.
type groupTxn struct {
	Version int       `json:"version"`
	Primary string    `json:"primary"` // the primary's file (links resolved)
	By      string    `json:"by"`      // user@host pid N
	Time    time.Time `json:"time"`
	Files   []txnFile `json:"files"`
}

type txnFile struct {
	Path      string `json:"path"`   // as the caller named it
	Target    string `json:"target"` // absolute, links resolved
	Temp      string `json:"temp"`   // absolute: the new bytes, until renamed
	OldSHA256 string `json:"old_sha256"`
	NewSHA256 string `json:"new_sha256"`
}

// TxnFileState is what one file of an interrupted group update holds.
type TxnFileState struct {
	Path string // the file, as the update named it
	// State is "new" (the update's new bytes), "old" (the bytes it
	// replaced), "changed" (neither: changed since) or "missing".
	State string
	Temp  string // the temporary file with the new bytes
	// TempOK says the temporary file is there and holds the new bytes.
	TempOK bool
}

// GroupRecovery is what RecoverGroup found and did.
type GroupRecovery struct {
	Record string // the record's file
	// RolledForward counts the files put in place now; RolledBack says
	// that no file had changed and the record was removed.
	RolledForward int
	RolledBack    bool
	Files         []TxnFileState // as found, before anything was done
}

// GroupTxnError is an interrupted group update that cannot be finished
// safely: nothing was done, and the record stays until someone decides.
type GroupTxnError struct {
	Record string
	Files  []TxnFileState
	Reason string
}

func (e *GroupTxnError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "an interrupted group update (%s) cannot be finished: %s;", model.SafeText(e.Record), e.Reason)
	for _, f := range e.Files {
		fmt.Fprintf(&b, " %s holds %s", model.SafeText(f.Path), map[string]string{
			"new": "its new bytes", "old": "its old bytes", "changed": "bytes changed since the update began", "missing": "nothing (it is missing)"}[f.State])
		if f.State == "old" {
			if f.TempOK {
				fmt.Fprintf(&b, " (its new bytes are in %s)", model.SafeText(f.Temp))
			} else {
				b.WriteString(" (its new bytes are lost)")
			}
		}
		b.WriteString(";")
	}
	b.WriteString(" to finish, move each temporary file listed over its file, or restore the files that hold new bytes from FILE.bak; then remove the record")
	return b.String()
}

// groupTxnHook, when set, runs at the steps of a group update, with the
// file concerned: "locked" after each lock taken (path is the file locked),
// "temps" once every temporary file is written (before FILE.bak, the audit
// entries and the record), "record" once the record is synced (path is the
// record), "renamed" after each rename (i is the file, path its target).
// Tests stop, slow or watch a process there.
var groupTxnHook func(step string, i int, path string)

// validateGroup checks a group as an update would leave it, by the model's
// rules of §6 (R20-R26): the primary with the members it lists that the
// update holds. Every front end checks its edit first; this is the last
// word before anything is written. A variable for tests.
var validateGroup = model.ValidateGroups

// groupFile is one file of a group update.
type groupFile struct {
	path, target, abs string
}

// resolveGroupFiles resolves the files of an update, refusing what Save
// refuses (a link whose target is missing) and one file named twice.
func resolveGroupFiles(paths []string) ([]groupFile, error) {
	var out []groupFile
	for _, p := range paths {
		target, err := resolve(p)
		if err != nil {
			return nil, err
		}
		if lstat(target) == nil {
			return nil, missing(p, target)
		}
		abs, err := filepath.Abs(target)
		if err != nil {
			return nil, err
		}
		for _, o := range out {
			if o.abs == abs || sameFile(o.target, target) {
				return nil, fmt.Errorf("%s and %s are one file; name each file of a group update once", model.SafeText(o.path), model.SafeText(p))
			}
		}
		out = append(out, groupFile{path: p, target: target, abs: abs})
	}
	return out, nil
}

// lockAll takes the locks of the files at the absolute paths abs, in
// sorted order, each once; on failure it releases those it took.
func lockAll(abs []string, wait time.Duration) ([]*fileLock, error) {
	abs = slices.Clone(abs)
	slices.Sort(abs)
	abs = slices.Compact(abs)
	var ls []*fileLock
	for _, a := range abs {
		l, err := lock(a, lstat(a), wait)
		if err != nil {
			unlockAll(ls)
			return nil, err
		}
		ls = append(ls, l)
		if groupTxnHook != nil {
			groupTxnHook("locked", len(ls)-1, a)
		}
	}
	return ls, nil
}

func unlockAll(ls []*fileLock) {
	for i := len(ls) - 1; i >= 0; i-- {
		ls[i].Unlock()
	}
}

// readTxn reads the record at name; nil when there is none. A record that
// is a link, not a regular file, or not a record is an error.
func readTxn(name string) (*groupTxn, error) {
	f, err := openSide(name, os.O_RDONLY, 0, nil)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, 16<<20)); err != nil {
		return nil, err
	}
	var t groupTxn
	if err := json.Unmarshal(buf.Bytes(), &t); err != nil || t.Version != 1 || len(t.Files) == 0 {
		return nil, fmt.Errorf("%s is not a group update record rolecall wrote (%v); look at it, and remove it once the files it names are as they should be", model.SafeText(name), err)
	}
	for _, tf := range t.Files {
		if !filepath.IsAbs(tf.Target) || !filepath.IsAbs(tf.Temp) || filepath.Dir(tf.Temp) != filepath.Dir(tf.Target) || !strings.Contains(filepath.Base(tf.Temp), groupTempTag) {
			return nil, fmt.Errorf("%s names files rolecall would not have written (%s); look at it, and remove it once the files it names are as they should be", model.SafeText(name), model.SafeText(tf.Temp))
		}
	}
	// A record is a file anyone who may write beside the primary can
	// forge: it is followed only to the primary and to the member files
	// the primary lists, before or after the update.
	allowed := txnAllowed(name, &t)
	for _, tf := range t.Files {
		if !slices.ContainsFunc(allowed, func(a string) bool { return a == tf.Target || sameFile(a, tf.Target) }) {
			return nil, fmt.Errorf("%s names %s, which is neither its primary nor a member file the primary lists; it was not followed: look at it, and remove it once the files it names are as they should be", model.SafeText(name), model.SafeText(tf.Target))
		}
	}
	return &t, nil
}

// txnAllowed are the files a record at name may touch: its primary, and
// the member files the primary's groups list in its bytes now or in the
// new bytes the record holds for it.
func txnAllowed(name string, t *groupTxn) []string {
	primary := strings.TrimSuffix(name, groupTxnSuffix)
	out := []string{primary}
	add := func(data []byte) {
		a, _ := Decode(primary, data)
		if a == nil {
			return
		}
		for _, g := range a.Groups {
			for _, m := range g.Members {
				if p, why := groupRef(primary, m.File); why == "" {
					if abs, err := filepath.Abs(p); err == nil {
						out = append(out, abs)
					}
					if real, err := filepath.EvalSymlinks(p); err == nil {
						out = append(out, real)
					}
				}
			}
		}
	}
	if data, _, err := readFile(primary); err == nil {
		add(data)
	}
	for _, tf := range t.Files {
		if tf.Target == primary || sameFile(tf.Target, primary) {
			if data, _, err := readFile(tf.Temp); err == nil {
				add(data)
			}
		}
	}
	return out
}

// txnTargets are the files of a record, absolute.
func txnTargets(t *groupTxn) []string {
	var out []string
	for _, f := range t.Files {
		out = append(out, f.Target)
	}
	return out
}

// inspect says what each file of t holds now.
func inspect(t *groupTxn) []TxnFileState {
	var out []TxnFileState
	for _, f := range t.Files {
		s := TxnFileState{Path: f.Path, Temp: f.Temp}
		data, _, err := readFile(f.Target)
		switch {
		case err != nil:
			s.State = "missing"
		case hashHex(data) == f.NewSHA256:
			s.State = "new"
		case hashHex(data) == f.OldSHA256:
			s.State = "old"
		default:
			s.State = "changed"
		}
		if tmp, _, err := readFile(f.Temp); err == nil && hashHex(tmp) == f.NewSHA256 {
			if fi, err := os.Lstat(f.Temp); err == nil && fi.Mode().IsRegular() {
				s.TempOK = true
			}
		}
		out = append(out, s)
	}
	return out
}

// finishTxn finishes the update of the record t at name, whose files'
// locks are held (see the top of this file).
func finishTxn(name string, t *groupTxn) (*GroupRecovery, error) {
	st := inspect(t)
	rec := &GroupRecovery{Record: name, Files: st}
	forward, nothingNew := true, true
	for _, s := range st {
		switch s.State {
		case "new":
			nothingNew = false
		case "old":
			if !s.TempOK {
				forward = false
			}
		default:
			forward, nothingNew = false, false
		}
	}
	switch {
	case forward:
		dirs := map[string]bool{}
		for i, s := range st {
			if s.State != "old" {
				continue
			}
			if err := os.Rename(t.Files[i].Temp, t.Files[i].Target); err != nil {
				return rec, &GroupTxnError{Record: name, Files: inspect(t), Reason: fmt.Sprintf("rolling forward failed: %v", err)}
			}
			rec.RolledForward++
			dirs[filepath.Dir(t.Files[i].Target)] = true
		}
		for d := range dirs {
			_ = syncDir(d)
		}
	case nothingNew:
		rec.RolledBack = true
	default:
		reason := "some files changed since the update began"
		if !slices.ContainsFunc(st, func(s TxnFileState) bool { return s.State == "changed" || s.State == "missing" }) {
			reason = "some files hold new bytes, and the new bytes of others are gone"
		}
		return rec, &GroupTxnError{Record: name, Files: st, Reason: reason}
	}
	for _, f := range t.Files {
		if fi, err := os.Lstat(f.Temp); err == nil && fi.Mode().IsRegular() {
			os.Remove(f.Temp)
		}
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rec, err
	}
	return rec, syncDir(filepath.Dir(name))
}

// RecoverGroup finishes an interrupted group update of the primary at path
// (see UpdateGroup): under the locks of every file its record names, it
// rolls the update forward when it can, or removes the record when no file
// changed and the new bytes are gone. It returns nil, nil when there is no
// record, and a *GroupTxnError (nothing done) when the update can be
// neither finished nor undone safely.
func RecoverGroup(path string, opts SaveOptions) (*GroupRecovery, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, err
	}
	name := target + groupTxnSuffix
	for range 3 {
		t, err := readTxn(name)
		if err != nil || t == nil {
			return nil, err
		}
		abs, err := filepath.Abs(target)
		if err != nil {
			return nil, err
		}
		ls, err := lockAll(append(txnTargets(t), abs), opts.Wait)
		if err != nil {
			return nil, err
		}
		t2, err := readTxn(name)
		if err != nil || t2 == nil {
			unlockAll(ls)
			return nil, err
		}
		if !slices.Equal(txnTargets(t), txnTargets(t2)) {
			unlockAll(ls)
			continue // another update's record: lock its files
		}
		rec, err := finishTxn(name, t2)
		unlockAll(ls)
		return rec, err
	}
	return nil, fmt.Errorf("the group update record %s keeps changing; try again", model.SafeText(name))
}

// recoverIfNeeded is RecoverGroup when a record is there.
func recoverIfNeeded(primary string) (*GroupRecovery, error) {
	target, err := resolve(primary)
	if err != nil {
		return nil, nil
	}
	if _, err := os.Lstat(target + groupTxnSuffix); err != nil {
		return nil, nil
	}
	return RecoverGroup(primary, SaveOptions{})
}

// UpdateGroup applies an edit of several account files at once, all or
// none: primary is the group's primary file (its record lives beside it),
// others the other files the edit reads or changes (members, or files
// about to become members); each must exist. It takes every file's lock in
// one fixed order (see the top of this file; opts.Wait for each), finishes
// an interrupted update of this primary (*GroupTxnError when it cannot),
// reads every file (a file with errors is a *ProblemsError) and calls edit
// with a copy of each account, by the path as given. edit returns the
// accounts to write, by the same paths; a path it leaves out is left as it
// is. Each is validated as Save validates (*InvalidError), the group as a
// whole by the model's rules (validateGroup), and each must read back
// (*UnreadableError). Then the files that change are written together
// (one alone is written as Save writes it), each with its backup and its
// audit entry (opts.Actor, opts.Change or opts.ChangeFunc per file).
//
// It returns every file's account as now on disk (Canonical). An error
// before the renames leaves every file as it was; one during them is a
// *GroupTxnError, and the record lets the next call finish.
func UpdateGroup(primary string, others []string, opts SaveOptions, edit func(map[string]*model.Account) (map[string]*model.Account, error)) (map[string]*model.Account, error) {
	files, err := resolveGroupFiles(append([]string{primary}, others...))
	if err != nil {
		return nil, err
	}
	recName := files[0].target + groupTxnSuffix
	var ls []*fileLock
	for attempt := 0; ; attempt++ {
		abs := make([]string, 0, len(files))
		for _, f := range files {
			abs = append(abs, f.abs)
		}
		t, err := readTxn(recName)
		if err != nil {
			return nil, err
		}
		if t != nil {
			abs = append(abs, txnTargets(t)...)
		}
		if ls, err = lockAll(abs, opts.Wait); err != nil {
			return nil, err
		}
		t2, err := readTxn(recName)
		if err != nil {
			unlockAll(ls)
			return nil, err
		}
		if t2 == nil {
			break
		}
		if t != nil && slices.Equal(txnTargets(t), txnTargets(t2)) {
			if _, err := finishTxn(recName, t2); err != nil {
				unlockAll(ls)
				return nil, err
			}
			break
		}
		unlockAll(ls)
		if attempt == 3 {
			return nil, fmt.Errorf("the group update record %s keeps changing; try again", model.SafeText(recName))
		}
	}
	defer unlockAll(ls)
	return updateLocked(files, recName, opts, edit)
}

// groupWrite is one file of an update as read and as it will be written.
type groupWrite struct {
	groupFile
	cur      []byte
	fi       fs.FileInfo
	old, c   *model.Account
	data     []byte
	scan     *scanner
	temp     string
	auditOut *auditAppend
}

func updateLocked(files []groupFile, recName string, opts SaveOptions, edit func(map[string]*model.Account) (map[string]*model.Account, error)) (map[string]*model.Account, error) {
	ws := make([]*groupWrite, len(files))
	in := map[string]*model.Account{}
	for i, f := range files {
		cur, fi, err := readFile(f.target)
		if err != nil {
			if re, ok := err.(*ReadError); ok {
				re.Path = f.path
			}
			return nil, err
		}
		old, ps, _ := decodeCurrent(f.path, cur)
		if errs := Errors(ps); len(errs) > 0 || old == nil {
			return nil, &ProblemsError{Path: f.path, Problems: errs}
		}
		ws[i] = &groupWrite{groupFile: f, cur: cur, fi: fi, old: old}
		in[f.path] = cloneAccount(old)
	}
	out, err := edit(in)
	if err != nil {
		return nil, err
	}
	for p, a := range out {
		if !slices.ContainsFunc(files, func(f groupFile) bool { return f.path == p }) {
			return nil, fmt.Errorf("the edit gave an account for %s, which the update does not hold", model.SafeText(p))
		}
		if a == nil {
			return nil, fmt.Errorf("the edit gave no account for %s", model.SafeText(p))
		}
	}
	result := map[string]*model.Account{}
	var changed []*groupWrite
	for _, w := range ws {
		a, ok := out[w.path]
		if !ok {
			// A file the edit leaves out keeps its bytes, whatever their
			// layout: it is read, never rewritten.
			w.c = Canonical(w.old)
			result[w.path] = w.c
			continue
		}
		if errs := saveErrors(a); len(errs) > 0 {
			return nil, &InvalidError{Path: w.path, Problems: errs}
		}
		w.c = Canonical(a)
		w.data = encodeCanonical(w.c)
		s, refused := readBack(w.path, w.data)
		if refused != nil {
			return nil, &UnreadableError{Path: w.path, Problem: *refused}
		}
		w.scan = s
		result[w.path] = w.c
		if !bytes.Equal(w.cur, w.data) {
			changed = append(changed, w)
			if opts.RelaidFile != nil && !bytes.Equal(w.cur, encodeCanonical(Canonical(w.old))) {
				opts.RelaidFile(w.path) // comments, blank lines and order are not kept
			}
		}
	}
	if errs := validateGroup(groupSetOf(ws)).Errors(); len(errs) > 0 {
		return nil, &InvalidError{Path: files[0].path, Problems: errs}
	}
	switch len(changed) {
	case 0:
		return result, nil
	case 1:
		w := changed[0]
		_, err := commit(w.target, w.path, w.cur, w.fi, w.old, w.c, w.data, opts)
		var se *SavedError
		if err != nil && !errors.As(err, &se) {
			return nil, err
		}
		return result, err
	}
	if err := writeGroup(changed, recName, opts); err != nil {
		var te *GroupTxnError
		if errors.As(err, &te) {
			return nil, err
		}
		return nil, fmt.Errorf("not saved: %w", err)
	}
	return result, nil
}

// groupSetOf is the group as ws would leave it: the primary (ws[0]) and
// the members it lists that ws hold.
func groupSetOf(ws []*groupWrite) *model.GroupSet {
	p := ws[0]
	set := NewGroupSet(p.path, p.c)
	for _, g := range p.c.Groups {
		for _, m := range g.Members {
			mp, why := groupRef(p.path, m.File)
			if why != "" {
				continue
			}
			abs, err := filepath.Abs(mp)
			if err != nil {
				continue
			}
			for _, w := range ws[1:] {
				if w.abs == abs || filepath.Clean(w.path) == filepath.Clean(mp) || sameFile(w.target, mp) {
					set.Members[m.File] = w.c
				}
			}
		}
	}
	return set
}

// writeGroup writes the files of ws (two or more) all or none (see the top
// of this file). The locks are held.
func writeGroup(ws []*groupWrite, recName string, opts SaveOptions) (err error) {
	defer func() {
		if err == nil {
			return
		}
		var te *GroupTxnError
		if errors.As(err, &te) {
			return // the renames began: the record stays
		}
		for _, w := range ws {
			if w.temp != "" {
				os.Remove(w.temp)
			}
			if w.auditOut != nil {
				w.auditOut.undo()
				w.auditOut = nil
			}
		}
	}()
	dirs := map[string]bool{}
	for _, w := range ws {
		removeStale(w.target)
		removeStaleGroupTemps(w.target)
		if w.temp, err = writeTemp(w.target, w.data, w.fi.Mode().Perm(), w.fi); err != nil {
			return err
		}
		dirs[filepath.Dir(w.target)] = true
	}
	if groupTxnHook != nil {
		groupTxnHook("temps", -1, "")
	}
	for _, w := range ws {
		if err := replace(w.target+".bak", w.cur, w.fi.Mode().Perm(), w.fi); err != nil {
			return fmt.Errorf("cannot keep the previous version of %s: %w", model.SafeText(w.path), err)
		}
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	for _, w := range ws {
		change := opts.Change
		if change == nil && opts.ChangeFunc != nil {
			change = opts.ChangeFunc(w.old, w.c)
		}
		line, err := auditLine(opts.Actor, change, opts.allowed(w.path), w.cur, true, w.data)
		if err != nil {
			return fmt.Errorf("the audit entry of %s could not be written: %w", model.SafeText(w.path), err)
		}
		if w.auditOut, err = appendAudit(w.target, w.fi, line); err != nil {
			return fmt.Errorf("the audit entry of %s could not be written: %w", model.SafeText(w.path), err)
		}
	}
	host, _ := os.Hostname()
	t := &groupTxn{Version: 1, Primary: ws[0].abs, Time: time.Now().UTC().Truncate(time.Second),
		By: fmt.Sprintf("%s@%s pid %d", actingUser(), model.SafeText(host), os.Getpid())}
	for _, w := range ws {
		tmp, err := filepath.Abs(w.temp)
		if err != nil {
			return err
		}
		t.Files = append(t.Files, txnFile{Path: w.path, Target: w.abs, Temp: tmp, OldSHA256: hashHex(w.cur), NewSHA256: hashHex(w.data)})
	}
	if err := writeTxn(recName, t, ws[0].fi); err != nil {
		return fmt.Errorf("cannot write the group update record: %w", err)
	}
	if groupTxnHook != nil {
		groupTxnHook("record", -1, recName)
	}
	for i, w := range ws {
		if err := os.Rename(w.temp, w.target); err != nil {
			return &GroupTxnError{Record: recName, Files: inspect(t), Reason: fmt.Sprintf("renaming %s failed: %v; the next update of this group finishes it", model.SafeText(w.path), err)}
		}
		w.temp = ""
		if groupTxnHook != nil {
			groupTxnHook("renamed", i, w.target)
		}
	}
	for d := range dirs {
		_ = syncDir(d)
	}
	for _, w := range ws {
		w.auditOut.close()
		w.auditOut = nil
		nfi, err := os.Stat(w.target)
		if err == nil {
			st := stampOf(w.data, nfi)
			cacheSaved(w.path, w.data, st.Sum, w.c, w.scan)
		}
	}
	if err := os.Remove(recName); err != nil {
		return &GroupTxnError{Record: recName, Files: inspect(t), Reason: fmt.Sprintf("every file is saved, but the record could not be removed: %v", err)}
	}
	return syncDir(filepath.Dir(recName))
}

// writeTemp writes data to a new temporary file beside target, named
// ".NAME.group-txn-RANDOM" (removeStale leaves it), made without following
// a link, with mode and like's owner, synced. It returns its name.
func writeTemp(target string, data []byte, mode fs.FileMode, like fs.FileInfo) (string, error) {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	name := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+groupTempTag+hex.EncodeToString(rnd[:]))
	fd, err := syscall.Open(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, uint32(mode))
	if err != nil {
		return "", &fs.PathError{Op: "create", Path: model.SafeText(name), Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	_ = f.Chmod(mode)
	if like != nil {
		keepOwner(f, like)
	}
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// writeTxn writes the record t to name: a temporary file, synced, renamed
// over name (which is replaced, never followed), then the directory
// synced. The record is whole or absent. Like the audit trail, it may be
// read by whoever may read the primary's file (like), whose owner it takes.
func writeTxn(name string, t *groupTxn, like fs.FileInfo) error {
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if _, err := os.Lstat(name); err == nil {
		return fmt.Errorf("%s is there already", model.SafeText(name))
	}
	return writeAtomic(name, data, auditMode(like), like)
}

// removeStaleGroupTemps removes the temporary files of group updates
// killed before their record (".NAME.group-txn-RANDOM") next to target,
// once older than staleAge. The lock of target is held, and this primary's
// record was finished; a temporary file that another primary's unfinished
// record still names is older than staleAge only when that update has
// waited that long, and its recovery then reports it, never guesses.
func removeStaleGroupTemps(target string) {
	dir, prefix := filepath.Dir(target), "."+filepath.Base(target)+groupTempTag
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
