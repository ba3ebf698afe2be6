package storage

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/google/renameio/v2"

	"rolecall/model"
)

// Stamp identifies the bytes of an account file as they were read. The zero
// Stamp stands for "the file does not exist".
type Stamp struct {
	Exists  bool
	Size    int64
	Sum     [sha256.Size]byte
	ModTime time.Time
	// Clean says these bytes are known to hold an account without errors
	// (Load found none, or Save wrote them), so that Save need not decode
	// them again to refuse saving over a file with errors. Same ignores it.
	Clean bool
}

// Same reports whether s and t stand for the same bytes (or both for no
// file). The modification time is not compared.
func (s Stamp) Same(t Stamp) bool {
	return s.Exists == t.Exists && s.Size == t.Size && s.Sum == t.Sum
}

func stampOf(data []byte, fi fs.FileInfo) Stamp {
	if fi == nil {
		return Stamp{}
	}
	return Stamp{Exists: true, Size: int64(len(data)), Sum: sha256.Sum256(data), ModTime: fi.ModTime()}
}

// Doc is an account file as loaded: the account (nil when the file could not
// be understood at all), every problem found in it with its line, and the
// stamp of the bytes read, to be given back to Save.
type Doc struct {
	Path     string
	Account  *model.Account
	Problems []FileProblem
	Stamp    Stamp
}

// HasErrors reports whether the file may not be saved over: it could not be
// understood, or it has errors. Such a file opens read-only.
func (d *Doc) HasErrors() bool { return d.Account == nil || HasErrors(d.Problems) }

// ReadError is a file that cannot be read at all: missing, a directory, not
// a regular file, unreadable, or larger than MaxFileSize. Err is the cause
// (errors.Is(err, fs.ErrNotExist) tells a missing file).
type ReadError struct {
	Path   string
	Reason string
	Err    error
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("cannot read %s: %s", model.SafeText(e.Path), e.Reason)
}

func (e *ReadError) Unwrap() error { return e.Err }

// errTooLarge is the cause of a ReadError for a file over MaxFileSize.
var errTooLarge = errors.New("file too large")

// readFile reads path, refusing anything but a regular file of at most
// MaxFileSize bytes. A missing file gives a *ReadError wrapping
// fs.ErrNotExist.
func readFile(path string) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, readErr(path, err)
	}
	if fi.IsDir() {
		return nil, nil, &ReadError{Path: path, Reason: "it is a directory; name the account file", Err: fs.ErrInvalid}
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &ReadError{Path: path, Reason: "it is not a regular file", Err: fs.ErrInvalid}
	}
	if fi.Size() > MaxFileSize {
		return nil, nil, tooLarge(path, fi.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, readErr(path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, nil, readErr(path, err)
	}
	if len(data) > MaxFileSize {
		return nil, nil, tooLarge(path, int64(len(data)))
	}
	if fi, err = f.Stat(); err != nil {
		return nil, nil, readErr(path, err)
	}
	return data, fi, nil
}

func tooLarge(path string, size int64) error {
	return &ReadError{Path: path, Err: errTooLarge,
		Reason: fmt.Sprintf("it is %d MiB; rolecall reads account files of at most %d MiB", (size+1<<20-1)>>20, MaxFileSize>>20)}
}

func readErr(path string, err error) error {
	var pe *fs.PathError
	reason := err.Error()
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	if errors.Is(err, fs.ErrNotExist) {
		reason = "no such file"
	}
	return &ReadError{Path: path, Reason: reason, Err: err}
}

// Load reads and decodes the account file at path. The error is a
// *ReadError, and only when the file cannot be read at all; a file that
// reads but has problems gives a Doc with Problems (see Doc.HasErrors).
func Load(path string) (*Doc, error) {
	data, fi, err := readFile(path)
	if err != nil {
		return nil, err
	}
	a, ps := Decode(path, data)
	st := stampOf(data, fi)
	st.Clean = a != nil && !HasErrors(ps)
	return &Doc{Path: path, Account: a, Problems: ps, Stamp: st}, nil
}

// DefaultLockWait is how long Save and Update wait for the lock when
// SaveOptions.Wait is zero.
const DefaultLockWait = 5 * time.Second

// SaveOptions says how to save and what to write in the audit trail.
type SaveOptions struct {
	// Wait is how long to wait for another rolecall's lock; zero means
	// DefaultLockWait, a negative value not at all.
	Wait time.Duration
	// Actor is the front end and what it did: "tui", "cli: role add Ops".
	Actor string
	// Change is recorded as the audit entry's change; it must marshal to
	// JSON. When it is nil and ChangeFunc is set, ChangeFunc(old, new) is
	// recorded instead: old is the account on disk before the save (nil for
	// a new file), new the account as written.
	Change     any
	ChangeFunc func(old, new *model.Account) any
}

// InvalidError refuses to save an account that has validation errors.
type InvalidError struct {
	Path     string
	Problems model.Problems // the errors
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("not saved to %s: %s", model.SafeText(e.Path), e.Problems.Error())
}

// ProblemsError refuses to write over a file that has errors of its own:
// such a file opens only read-only until it is fixed by hand.
type ProblemsError struct {
	Path     string
	Problems []FileProblem // the errors
}

func (e *ProblemsError) Error() string {
	s := e.Problems[0].String()
	if n := len(e.Problems) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s + "; fix the file first (rolecall validate lists every problem)"
}

// ChangedError refuses to save because the file changed on disk since it was
// loaded: another admin saved in between. Nothing was written.
type ChangedError struct {
	Path    string
	Exists  bool      // false when the file was removed
	ModTime time.Time // when it last changed
	Owner   string    // the file's owner: with atomic saves, whoever wrote it last
}

func (e *ChangedError) Error() string {
	if !e.Exists {
		return fmt.Sprintf("%s was removed since it was loaded; nothing was written: save again to write it anew", model.SafeText(e.Path))
	}
	who := ""
	if e.Owner != "" {
		who = " by " + model.SafeText(e.Owner)
	}
	return fmt.Sprintf("%s changed on disk since it was loaded (saved%s at %s); nothing was written: reload it and redo your edits",
		model.SafeText(e.Path), who, e.ModTime.Format("2006-01-02 15:04:05 MST"))
}

// LockedError is a lock that another rolecall held for longer than the wait.
type LockedError struct {
	Lock   string        // the lock file
	Holder string        // who holds it, as it wrote itself in the lock file ("" if unknown)
	Waited time.Duration // how long it waited
}

func (e *LockedError) Error() string {
	who := "another rolecall"
	if e.Holder != "" {
		who += " (" + model.SafeText(e.Holder) + ")"
	}
	return fmt.Sprintf("%s holds the lock %s (waited %s); try again when it is done", who, model.SafeText(e.Lock), e.Waited.Round(time.Millisecond))
}

// resolve follows symlinks in path, even to a target that does not exist
// yet, so that the target is written and the link stays a link.
func resolve(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			if errors.Is(err, fs.ErrNotExist) || err == nil {
				return path, nil
			}
			return "", err
		}
		dst, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dst) {
			dst = filepath.Join(filepath.Dir(path), dst)
		}
		path = dst
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", model.SafeText(path))
}

// sideMode is the mode of the files made next to target (FILE.lock,
// FILE.audit.jsonl): 0600, widened to target's read and write bits so that
// the admins who share a group-writable account file can also lock it and
// append to its trail.
func sideMode(target string) fs.FileMode {
	if fi, err := os.Stat(target); err == nil {
		return fi.Mode().Perm()&0o666 | 0o600
	}
	return 0o600
}

// lock takes the advisory lock FILE.lock next to target, waiting at most
// wait (see SaveOptions.Wait).
func lock(target string, wait time.Duration) (*flock.Flock, error) {
	if wait == 0 {
		wait = DefaultLockWait
	}
	path := target + ".lock"
	fl := flock.New(path, flock.SetPermissions(sideMode(target)))
	start := time.Now()
	for {
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("cannot lock %s: %w", model.SafeText(path), err)
		}
		if ok {
			host, _ := os.Hostname()
			_ = os.WriteFile(path, fmt.Appendf(nil, "%s@%s pid %d since %s\n", currentUser(), host, os.Getpid(), time.Now().Format(time.RFC3339)), 0o600)
			return fl, nil
		}
		if time.Since(start) >= wait {
			holder, _ := os.ReadFile(path)
			if len(holder) > 200 {
				holder = holder[:200]
			}
			return nil, &LockedError{Lock: path, Holder: string(bytes.TrimSpace(holder)), Waited: time.Since(start)}
		}
		time.Sleep(min(25*time.Millisecond, max(wait-time.Since(start), time.Millisecond)))
	}
}

// current reads the file under the lock and decodes it. A missing file is
// not an error: data is nil and fi is nil.
func current(target string) (data []byte, fi fs.FileInfo, err error) {
	data, fi, err = readFile(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	return data, fi, err
}

// Save writes a to path. It refuses an account with validation errors
// (*InvalidError), takes the lock FILE.lock (*LockedError after
// opts.Wait), re-reads the file and refuses if its bytes are not the ones
// loaded (*ChangedError) or if it has errors of its own (*ProblemsError).
// Then it keeps the previous version as FILE.bak, writes the new one
// atomically with the file's mode (0600 for a new file) and appends an entry
// to the audit trail FILE.audit.jsonl. A symlinked path stays a link: its
// target is written. Saving what is already on disk writes nothing. It
// returns the stamp of the file as now on disk.
func Save(path string, a *model.Account, loaded Stamp, opts SaveOptions) (Stamp, error) {
	target, err := resolve(path)
	if err != nil {
		return Stamp{}, err
	}
	if errs := model.Validate(a).Errors(); len(errs) > 0 {
		return Stamp{}, &InvalidError{Path: path, Problems: errs}
	}
	fl, err := lock(target, opts.Wait)
	if err != nil {
		return Stamp{}, err
	}
	defer fl.Unlock()

	cur, fi, err := current(target)
	if err != nil {
		return Stamp{}, err
	}
	if st := stampOf(cur, fi); !st.Same(loaded) {
		ce := &ChangedError{Path: path, Exists: st.Exists}
		if fi != nil {
			ce.ModTime, ce.Owner = fi.ModTime(), owner(fi)
		}
		return Stamp{}, ce
	}
	var old *model.Account
	// The bytes on disk are the ones loaded; decode them only when they are
	// not known to be clean, or when the audit wants the old account.
	if fi != nil && (!loaded.Clean || (opts.Change == nil && opts.ChangeFunc != nil)) {
		var ps []FileProblem
		old, ps = Decode(path, cur)
		if errs := Errors(ps); len(errs) > 0 || old == nil {
			return Stamp{}, &ProblemsError{Path: path, Problems: errs}
		}
	}
	return commit(target, path, cur, fi, old, a, opts)
}

// Update applies a scripted edit under the lock: it takes FILE.lock
// (waiting at most opts.Wait), reads the file (a missing file is a
// *ReadError; a file with errors a *ProblemsError), calls edit with a copy
// of the account, validates the result (*InvalidError) and writes it as Save
// does. An error from edit is returned as it is. Nothing is written when
// any step fails, or when the edit changes nothing. It returns the account as
// written (see Canonical).
func Update(path string, opts SaveOptions, edit func(*model.Account) (*model.Account, error)) (*model.Account, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, err
	}
	fl, err := lock(target, opts.Wait)
	if err != nil {
		return nil, err
	}
	defer fl.Unlock()

	cur, fi, err := readFile(target)
	if err != nil {
		if re, ok := err.(*ReadError); ok {
			re.Path = path
		}
		return nil, err
	}
	old, ps := Decode(path, cur)
	if errs := Errors(ps); len(errs) > 0 || old == nil {
		return nil, &ProblemsError{Path: path, Problems: errs}
	}
	a, err := edit(old.Clone())
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, errors.New("the edit gave no account")
	}
	if errs := model.Validate(a).Errors(); len(errs) > 0 {
		return nil, &InvalidError{Path: path, Problems: errs}
	}
	if _, err := commit(target, path, cur, fi, old, a, opts); err != nil {
		return nil, err
	}
	return Canonical(a), nil
}

// commit writes a over target, whose current bytes are cur (fi nil: no
// file), with the backup and the audit entry. The lock is held.
func commit(target, path string, cur []byte, fi fs.FileInfo, old, a *model.Account, opts SaveOptions) (Stamp, error) {
	data := Encode(a)
	if fi != nil && bytes.Equal(cur, data) {
		st := stampOf(cur, fi)
		st.Clean = true // a was validated, and these are its bytes
		return st, nil
	}
	removeStale(target)
	mode := fs.FileMode(0o600)
	if fi != nil {
		mode = fi.Mode().Perm()
		if err := writeAtomic(target+".bak", cur, mode, fi); err != nil {
			return Stamp{}, fmt.Errorf("not saved: cannot keep the previous version: %w", err)
		}
	}
	if err := writeAtomic(target, data, mode, fi); err != nil {
		return Stamp{}, fmt.Errorf("not saved: %w", err)
	}
	nfi, err := os.Stat(target)
	if err != nil {
		return Stamp{}, err
	}
	change := opts.Change
	if change == nil && opts.ChangeFunc != nil {
		change = opts.ChangeFunc(old, Canonical(a))
	}
	st := stampOf(data, nfi)
	st.Clean = true // a was validated before it was written
	if err := appendAudit(target, opts.Actor, change); err != nil {
		return st, fmt.Errorf("saved %s, but the audit trail was not written: %w", model.SafeText(path), err)
	}
	return st, nil
}

// writeAtomic replaces name with data: a temporary file in the same
// directory, written, given mode (and like's owner, where allowed), synced
// and renamed; then the directory is synced.
func writeAtomic(name string, data []byte, mode fs.FileMode, like fs.FileInfo) error {
	dir := filepath.Dir(name)
	pf, err := renameio.NewPendingFile(name, renameio.WithTempDir(dir), renameio.WithStaticPermissions(mode))
	if err != nil {
		return err
	}
	defer pf.Cleanup()
	if like != nil {
		keepOwner(pf.File, like)
	}
	if _, err := pf.Write(data); err != nil {
		return err
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return err
	}
	return syncDir(dir)
}

// removeStale removes temporary files that a save killed half-way left
// next to target (".NAME123", ".NAME.bak123"). Only old ones are removed:
// ours are made under the lock and live for milliseconds.
func removeStale(target string) {
	dir, base := filepath.Dir(target), "."+filepath.Base(target)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), base)
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, ".bak")
		if rest == "" || strings.Trim(rest, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// staleAge is the age after which a temporary file is known to be left over.
var staleAge = 10 * time.Minute

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // some file systems cannot sync a directory; the rename is done
	return nil
}
