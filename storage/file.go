package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"rolecall/internal/hugeheap"
	"strconv"
	"strings"
	"syscall"
	"time"

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
	// SomeUsers: the account holds only the users LoadUsers was asked
	// for. Such a Doc answers questions about them and is never saved.
	SomeUsers bool
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
	f, fi, err := openFile(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return readOpen(path, f, fi)
}

// openFile opens the account file at path for reading, once stat says it
// is a regular file of at most MaxFileSize bytes (so that a FIFO is never
// opened). fi is the stat of the file opened.
func openFile(path string) (*os.File, fs.FileInfo, error) {
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
	if fi, err = f.Stat(); err != nil {
		f.Close()
		return nil, nil, readErr(path, err)
	}
	if !fi.Mode().IsRegular() { // replaced between the stat and the open
		f.Close()
		return nil, nil, &ReadError{Path: path, Reason: "it is not a regular file", Err: fs.ErrInvalid}
	}
	return f, fi, nil
}

// readOpen reads the file f, opened by openFile with stat fi, and returns
// its bytes with its stat after the read.
func readOpen(path string, f *os.File, fi fs.FileInfo) ([]byte, fs.FileInfo, error) {
	// Sized from stat: io.ReadAll would grow its buffer by doubling, some
	// twenty copies for a 13 MB file of 100,000 users. ReadFrom still grows
	// it if the file grew since.
	hugeheap.Expect(fi.Size() * (decodeHeapFactor + 1)) // the bytes, then Decode
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return nil, nil, readErr(path, err)
	}
	data := buf.Bytes()
	if len(data) > MaxFileSize {
		return nil, nil, tooLarge(path, int64(len(data)))
	}
	fi, err := f.Stat()
	if err != nil {
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
	if errors.Is(err, syscall.ELOOP) {
		reason = loopReason
	}
	return &ReadError{Path: path, Reason: reason, Err: err}
}

const loopReason = "no such file: its symbolic links go round in a loop"

// errDangling is the cause of the *ReadError of a symbolic link whose
// target does not exist. It is not fs.ErrNotExist: the path exists (as a
// link), and saving there would create the file at the link's target.
var errDangling = errors.New("dangling symbolic link")

// linkTrouble returns the *ReadError of path when it is a symbolic link
// whose target does not exist or whose links go round in a loop, and nil
// otherwise.
func linkTrouble(path string) error {
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	target, err := resolve(path)
	if err != nil {
		var re *ReadError
		if errors.As(err, &re) {
			return err
		}
		return nil
	}
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		return missing(path, target)
	}
	return nil
}

// Load reads and decodes the account file at path. The error is a
// *ReadError, and only when the file cannot be read at all; a file that
// reads but has problems gives a Doc with Problems (see Doc.HasErrors).
// A symbolic link whose target does not exist, or whose links go round in
// a loop, is a *ReadError that says so, not a missing file.
//
// Through the load cache, the bytes of a file read before are not decoded
// again.
func Load(path string) (*Doc, error) { return LoadUsers(path, nil) }

// LoadUsers is Load for questions about some users: when the account comes
// from the load cache, it holds only the users whose email keep accepts
// (in the file's order, the rest of the account whole) and the Doc says
// so (SomeUsers), which spares building 10,000 users to answer about one.
// A load that decodes the file gives every user. keep nil is Load.
func LoadUsers(path string, keep func(email string) bool) (*Doc, error) {
	f, fi, err := openFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ELOOP) {
			if lerr := linkTrouble(path); lerr != nil {
				return nil, lerr
			}
		}
		return nil, err
	}
	defer f.Close()
	parsed, wait := prefetch(path, fi.Size(), keep)
	if st, ok := parsed(); ok && st.size == fi.Size() {
		// Most likely a hit: hash the file through a small buffer instead
		// of reading it whole, since the bytes are needed only on a miss.
		// (Each page of a buffer as large as the file is a page fault; on
		// some virtual machines that costs more than reading and hashing
		// the page.)
		if doc, ok := loadHit(path, f, wait); ok {
			return doc, nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			wait().close()
			return nil, readErr(path, err)
		}
	}
	data, fi, err := readOpen(path, f, fi)
	var st Stamp
	if err == nil {
		st = stampOf(data, fi)
	}
	l := wait()
	defer l.close()
	if err != nil {
		return nil, err
	}
	a, ps := l.decode(path, data, st.Sum)
	st.Clean = a != nil && !HasErrors(ps)
	return &Doc{Path: path, Account: a, Problems: ps, Stamp: st, SomeUsers: l != nil && l.some}, nil
}

// loadHit hashes the file f, opened by Load, and returns its Doc when the
// load cache has its account and problems. ok is false otherwise (a miss,
// a bad entry, a file that grew past MaxFileSize or could not be read):
// the caller then reads the file from its start; wait's lookup is closed
// only when ok.
func loadHit(path string, f *os.File, wait func() *cacheLookup) (*Doc, bool) {
	h := sha256.New()
	buf := make([]byte, 64<<10)
	n, err := io.CopyBuffer(h, io.LimitReader(onlyReader{f}, MaxFileSize+1), buf)
	if err != nil || n > MaxFileSize {
		return nil, false
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, false
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	l := wait()
	a, ps, ok := l.hit(sum, n)
	if !ok {
		return nil, false
	}
	l.close()
	st := Stamp{Exists: true, Size: n, Sum: sum, ModTime: fi.ModTime()}
	st.Clean = a != nil && !HasErrors(ps)
	return &Doc{Path: path, Account: a, Problems: ps, Stamp: st, SomeUsers: l.some}, true
}

// onlyReader hides a reader's other methods, so that io.Copy uses the
// buffer it is given rather than WriterTo or ReaderFrom.
type onlyReader struct{ io.Reader }

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
	// Relaid, when set, is called by Update (under the lock, before
	// writing) when the file on disk is not in rolecall's layout (its
	// bytes are not what Encode makes of its account): the save rewrites
	// it, dropping comments, blank lines and the original order.
	Relaid func()
	// RelaidFile is Relaid for UpdateGroup, once for each file it writes
	// that is not in rolecall's layout.
	RelaidFile func(path string)
	// AllowedViolations, when set, gives the separation-of-duties
	// violations the save of the file at path (as the caller named it)
	// introduces and that its actor allowed: the audit entry records them.
	AllowedViolations func(path string) []model.Violation
}

func (o SaveOptions) allowed(path string) []model.Violation {
	if o.AllowedViolations == nil {
		return nil
	}
	return o.AllowedViolations(path)
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
// loaded: another admin saved in between. Nothing was written. Who changed
// it comes from the audit trail (the entry that wrote these bytes) or else
// from the lock file (the last rolecall that held it); never from the
// file's owner, which a save by root or by another user need not change.
type ChangedError struct {
	Path    string
	Exists  bool      // false when the file was removed
	ModTime time.Time // when it last changed
	// By and At are the user (user@host) and time of the audit entry that
	// wrote the bytes now on disk; "" when no entry did.
	By string
	At time.Time
	// Holder is the last rolecall that held the lock, as it wrote itself
	// there; used when no audit entry names the bytes.
	Holder string
}

func (e *ChangedError) Error() string {
	if !e.Exists {
		return fmt.Sprintf("%s was removed since it was loaded; nothing was written: save again to write it anew", model.SafeText(e.Path))
	}
	var how string
	switch {
	case e.By != "":
		how = fmt.Sprintf("saved by %s at %s", model.SafeText(e.By), e.At.Local().Format("2006-01-02 15:04:05 MST"))
	case e.Holder != "":
		how = fmt.Sprintf("at %s; no audit entry records these bytes; the last rolecall to lock it was %s",
			e.ModTime.Format("2006-01-02 15:04:05 MST"), model.SafeText(e.Holder))
	default:
		how = fmt.Sprintf("at %s; no audit entry records these bytes", e.ModTime.Format("2006-01-02 15:04:05 MST"))
	}
	return fmt.Sprintf("%s changed on disk since it was loaded (%s); nothing was written",
		model.SafeText(e.Path), how)
}

// changedError says who changed target, now at st: the newest audit entry
// that wrote these bytes, else the previous lock holder.
func changedError(path, target string, st Stamp, fi fs.FileInfo, holder string) *ChangedError {
	ce := &ChangedError{Path: path, Exists: st.Exists}
	if fi == nil {
		return ce
	}
	ce.ModTime = fi.ModTime()
	es, _, _ := readAuditFile(target + ".audit.jsonl")
	sum := hex.EncodeToString(st.Sum[:])
	for _, e := range es {
		if e.Sha256 == sum {
			ce.By, ce.At = e.Who(), e.Time
			return ce
		}
	}
	ce.Holder = holder
	return ce
}

// LockedError is a lock that another rolecall held for longer than the wait.
type LockedError struct {
	Lock   string        // the lock file
	Holder string        // who holds it, as it wrote itself in the lock file ("" if unknown)
	Waited time.Duration // how long it waited
	// Stale says that Holder names a process of this host that has ended:
	// the line is an earlier rolecall's, and the lock is held by a process
	// that wrote no line (another program).
	Stale bool
}

func (e *LockedError) Error() string {
	if e.Stale {
		return fmt.Sprintf("the lock %s is held by a process that did not write its name (the last rolecall to hold it was %s; waited %s); try again when it is done",
			model.SafeText(e.Lock), model.SafeText(e.Holder), e.Waited.Round(time.Millisecond))
	}
	who := "another rolecall"
	if e.Holder != "" {
		who += " (" + model.SafeText(e.Holder) + ")"
	}
	return fmt.Sprintf("%s holds the lock %s (waited %s); try again when it is done", who, model.SafeText(e.Lock), e.Waited.Round(time.Millisecond))
}

// resolve follows symlinks in path, so that the target is written and the
// link stays a link. It returns the last name, which may not exist (Save
// and Update refuse a link whose target does not). Links that go round in
// a loop are a *ReadError.
func resolve(path string) (string, error) {
	orig := path
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
	return "", &ReadError{Path: orig, Reason: "no such file: its symbolic links go round in a loop", Err: syscall.ELOOP}
}

// fileLock is FILE.lock held: flock(2) on a descriptor that openSide
// opened. gofrs/flock opens the lock by name, following a symbolic link and
// blocking on a FIFO, and takes no descriptor of ours; so the lock is taken
// here with flock(2) itself, which interlocks with gofrs/flock and with
// earlier rolecalls.
type fileLock struct {
	f *os.File
	// prev is the holder line found in the lock file: the last rolecall
	// that held it ("" if none wrote one).
	prev string
}

// Unlock releases the lock (closing the descriptor releases the flock).
func (l *fileLock) Unlock() { l.f.Close() }

// lock takes the advisory lock FILE.lock next to target, waiting at most
// wait (see SaveOptions.Wait). like is the account file (nil when there is
// none): a new lock file takes its owner and group.
func lock(target string, like fs.FileInfo, wait time.Duration) (*fileLock, error) {
	if wait == 0 {
		wait = DefaultLockWait
	}
	path := target + ".lock"
	f, err := openSide(path, os.O_RDWR|os.O_CREATE, lockMode(like), like)
	if errors.Is(err, fs.ErrPermission) {
		first := err
		f, err = openSide(path, os.O_RDONLY, 0, nil) // flock needs no write access
		if errors.Is(err, fs.ErrNotExist) {
			// No lock file, and none may be made: the directory is not
			// writable. Say that, not that the file is missing.
			err = first
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", model.SafeText(path), err)
	}
	start := time.Now()
	for try := 0; ; try++ {
		ok, err := tryFlock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock %s: %w", model.SafeText(path), err)
		}
		if ok {
			l := &fileLock{f: f, prev: holder(f)}
			writeHolder(f)
			return l, nil
		}
		if time.Since(start) >= wait {
			defer f.Close()
			h := holder(f)
			return nil, &LockedError{Lock: path, Holder: h, Waited: time.Since(start), Stale: endedHere(h)}
		}
		time.Sleep(min(lockPause(try), max(wait-time.Since(start), time.Millisecond)))
	}
}

// lockPause is how long lock sleeps after its try'th try (from 0) found
// the lock held: 1 ms, doubled after each try up to 25 ms. A lock held for
// a save (tens of milliseconds) is taken within a few milliseconds of its
// release, and one held for long costs 40 tries a second.
func lockPause(try int) time.Duration {
	if try >= 5 {
		return 25 * time.Millisecond
	}
	return time.Millisecond << try
}

// holder reads the holder line from the open lock file f.
func holder(f *os.File) string {
	b := make([]byte, 200)
	n, _ := f.ReadAt(b, 0)
	line, _, _ := bytes.Cut(b[:n], []byte{'\n'})
	return string(bytes.TrimSpace(line))
}

// endedHere reports whether the holder line h (see writeHolder) names a
// process of this host that is no longer running.
func endedHere(h string) bool {
	who, rest, ok := strings.Cut(h, " pid ")
	at := strings.LastIndexByte(who, '@')
	if !ok || at < 0 {
		return false
	}
	host, _ := os.Hostname()
	if who[at+1:] != model.SafeText(host) {
		return false
	}
	num, _, _ := strings.Cut(rest, " ")
	pid, err := strconv.Atoi(num)
	if err != nil || pid <= 0 {
		return false
	}
	return !pidAlive(pid)
}

// writeHolder writes who holds the lock into f, which is the lock file
// itself (a regular file that openSide opened without following a link), so
// that cutting it to the line's length truncates nothing else. A lock file
// opened read-only keeps its old line. The line only informs: failing to
// write it does not fail the save.
func writeHolder(f *os.File) {
	host, _ := os.Hostname()
	line := fmt.Appendf(nil, "%s@%s pid %d since %s\n", actingUser(), model.SafeText(host), os.Getpid(), time.Now().Format(time.RFC3339))
	if _, err := f.WriteAt(line, 0); err == nil {
		_ = f.Truncate(int64(len(line)))
	} else {
		// A line half written over the old one (a full disk) would name
		// neither holder: leave none.
		_ = f.Truncate(0)
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
// Then it keeps the previous version as FILE.bak, appends the audit entry to
// FILE.audit.jsonl and syncs it, and only then puts the new file in place
// atomically with the file's mode and owner (0600 for a new file). A
// symlinked path stays a link: its target is written. Saving what is
// already on disk writes nothing. A symbolic link whose target does not
// exist is refused (*ReadError) before anything is made. It returns the stamp of the file as now
// on disk. An error that comes after the new file is in place is a
// *SavedError carrying that same stamp: the file is saved.
func Save(path string, a *model.Account, loaded Stamp, opts SaveOptions) (Stamp, error) {
	target, err := resolve(path)
	if err != nil {
		return Stamp{}, err
	}
	if target != path {
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			// A dangling link: making its target would put the account
			// (and its lock and trail) wherever the link points.
			return Stamp{}, missing(path, target)
		}
	}
	if errs := saveErrors(a); len(errs) > 0 {
		return Stamp{}, &InvalidError{Path: path, Problems: errs}
	}
	fl, err := lock(target, lstat(target), opts.Wait)
	if err != nil {
		return Stamp{}, err
	}
	defer fl.Unlock()

	cur, fi, err := current(target)
	if err != nil {
		return Stamp{}, err
	}
	if st := stampOf(cur, fi); !st.Same(loaded) {
		return Stamp{}, changedError(path, target, st, fi, fl.prev)
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
	c := Canonical(a)
	return commit(target, path, cur, fi, old, c, encodeCanonical(c), opts)
}

// saveErrors are the errors that keep a from being saved: model.Validate's,
// and those a load of its file would report of its Boomi keys
// (valueProblems, boomiProblems) and of its groups (groupProblems).
func saveErrors(a *model.Account) model.Problems {
	ps := model.Problems(valueProblems(a))
	ps = append(ps, boomiProblems(a)...)
	ps = append(ps, groupProblems(a, nil)...)
	return append(ps, model.Validate(a)...).Errors()
}

// lstat returns the file information of name, or nil.
func lstat(name string) fs.FileInfo {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil
	}
	return fi
}

// Update applies a scripted edit under the lock: it takes FILE.lock
// (waiting at most opts.Wait), reads the file (a missing file is a
// *ReadError; a file with errors a *ProblemsError), calls edit with a copy
// of the account, validates the result (*InvalidError) and writes it as Save
// does. An error from edit is returned as it is. Nothing is written when
// any step fails, or when the edit changes nothing. It returns the account as
// written (see Canonical), also along with a *SavedError (the edit is saved,
// but something after failed).
func Update(path string, opts SaveOptions, edit func(*model.Account) (*model.Account, error)) (*model.Account, error) {
	h, err := Hold(path, opts.Wait)
	if err != nil {
		return nil, err
	}
	defer h.Release()
	return h.Update(opts, edit)
}

// Held is the lock of an account file, held across several steps: a push
// holds it from reading its journal to writing the ids it learnt, so that
// no other rolecall saves, pushes or abandons that push meanwhile.
type Held struct {
	path, target string
	fl           *fileLock
}

// Hold takes the lock of the account file at path, waiting as
// SaveOptions.Wait says (a *LockedError names who holds it).
func Hold(path string, wait time.Duration) (*Held, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, err
	}
	fi := lstat(target)
	if fi == nil {
		return nil, missing(path, target)
	}
	fl, err := lock(target, fi, wait)
	if err != nil {
		return nil, err
	}
	return &Held{path: path, target: target, fl: fl}, nil
}

// Release gives the lock back.
func (h *Held) Release() { h.fl.Unlock() }

// Update is storage.Update under the lock h holds (opts.Wait is not used).
func (h *Held) Update(opts SaveOptions, edit func(*model.Account) (*model.Account, error)) (*model.Account, error) {
	path, target := h.path, h.target
	cur, fi, err := readFile(target)
	if err != nil {
		if re, ok := err.(*ReadError); ok {
			re.Path = path
		}
		return nil, err
	}
	l := lookupCache(path, int64(len(cur)))
	defer l.close()
	old, ps, canonical, store := decodeCurrentLater(l, path, cur)
	// A cold read writes the entry of the file as it is only if nothing is
	// saved over it (a refused edit, a file with errors): a save writes
	// the entry of what it saved, under the same name.
	saved := false
	defer func() {
		if !saved {
			store()
		}
	}()
	if errs := Errors(ps); len(errs) > 0 || old == nil {
		return nil, &ProblemsError{Path: path, Problems: errs}
	}
	a, err := edit(cloneAccount(old))
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, errors.New("the edit gave no account")
	}
	if errs := saveErrors(a); len(errs) > 0 {
		return nil, &InvalidError{Path: path, Problems: errs}
	}
	c := Canonical(a)
	data := encodeCanonical(c)
	if opts.Relaid != nil && !canonical && !bytes.Equal(cur, data) && !bytes.Equal(cur, Encode(old)) {
		opts.Relaid()
	}
	if _, err := commit(target, path, cur, fi, old, c, data, opts); err != nil {
		var se *SavedError
		if errors.As(err, &se) {
			saved = true
			return c, err
		}
		return nil, err
	}
	saved = true
	return c, nil
}

// decodeCurrent decodes cur, the bytes of the account file at path,
// through the load cache. canonical reports that they are known to be what
// Encode makes of their account (the load cache knows it of the files
// rolecall saved).
func decodeCurrent(path string, cur []byte) (a *model.Account, ps []FileProblem, canonical bool) {
	l := lookupCache(path, int64(len(cur)))
	defer l.close()
	a, ps, canonical, store := decodeCurrentLater(l, path, cur)
	store()
	return a, ps, canonical
}

// decodeCurrentLater is decodeCurrent through l, which the caller closes,
// writing the entry of a miss only when store is called.
func decodeCurrentLater(l *cacheLookup, path string, cur []byte) (a *model.Account, ps []FileProblem, canonical bool, store func()) {
	sum := sha256.Sum256(cur)
	a, ps, store = l.decodeLater(path, cur, sum)
	return a, ps, l != nil && l.body != nil && l.state.sum == sum && l.state.canonical, store
}

// UnreadableError refuses to save an account whose file rolecall would
// not read back: more users, custom roles, environments, list items or
// values than a file may hold (see MaxUsersInFile), or more than
// MaxFileSize bytes. Nothing was written.
type UnreadableError struct {
	Path    string
	Problem FileProblem // what a load of the file would say
}

func (e *UnreadableError) Error() string {
	return fmt.Sprintf("not saved to %s: rolecall could not read the file back: %s", model.SafeText(e.Path), e.Problem.Message)
}

// missing is the *ReadError of an account file that does not exist: path
// (fs.ErrNotExist), or the target of the symbolic link path (errDangling).
func missing(path, target string) error {
	if target != path {
		return &ReadError{Path: path, Err: errDangling,
			Reason: fmt.Sprintf("no such file (it is a symbolic link to %s, which does not exist)", model.SafeText(target))}
	}
	return &ReadError{Path: path, Reason: "no such file", Err: fs.ErrNotExist}
}

// SavedError is a failure after the new file was put in place: the file is
// saved (Stamp is its stamp, to be kept as the loaded one), but what follows
// the rename did not all go through.
type SavedError struct {
	Path  string
	Stamp Stamp
	Err   error
}

func (e *SavedError) Error() string {
	return fmt.Sprintf("saved %s; but %v", model.SafeText(e.Path), e.Err)
}

func (e *SavedError) Unwrap() error { return e.Err }

// beforeRename, when set, runs between the audit entry and the rename:
// tests stop a process there to kill it.
var beforeRename func()

// afterRename runs once the new file is in place: it syncs the directory.
// Tests replace it to fail there.
var afterRename = syncDir

// commit writes a over target, whose current bytes are cur (fi nil: no
// file), with the backup and the audit entry. The lock is held. The entry
// is written ahead: appended and synced before the rename, naming the new
// bytes' hash, so that a crash can leave an entry whose file never landed
// (ReadAudit tells those) but never a landed change without its entry.
func commit(target, path string, cur []byte, fi fs.FileInfo, old, c *model.Account, data []byte, opts SaveOptions) (Stamp, error) {
	s, refused := readBack(path, data)
	if refused != nil {
		return Stamp{}, &UnreadableError{Path: path, Problem: *refused}
	}
	if fi != nil && bytes.Equal(cur, data) {
		st := stampOf(cur, fi)
		st.Clean = true // a was validated, and these are its bytes
		return st, nil
	}
	removeStale(target)
	mode := fs.FileMode(0o600)
	if fi != nil {
		mode = fi.Mode().Perm()
		// The directory is synced once, after the new file's rename.
		if err := replace(target+".bak", cur, mode, fi); err != nil {
			return Stamp{}, fmt.Errorf("not saved: cannot keep the previous version: %w", err)
		}
	}
	change := opts.Change
	if change == nil && opts.ChangeFunc != nil {
		change = opts.ChangeFunc(old, c)
	}
	line, err := auditLine(opts.Actor, change, opts.allowed(path), cur, fi != nil, data)
	if err != nil {
		return Stamp{}, fmt.Errorf("not saved: the audit entry could not be written: %w", err)
	}
	pf, err := pending(target, data, mode, fi)
	if err != nil {
		return Stamp{}, fmt.Errorf("not saved: %w", err)
	}
	defer pf.Cleanup()
	nfi, err := pf.Stat() // the rename keeps the modification time
	if err != nil {
		return Stamp{}, fmt.Errorf("not saved: %w", err)
	}
	entry, err := appendAudit(target, fi, line)
	if err != nil {
		return Stamp{}, fmt.Errorf("not saved: the audit entry could not be written: %w", err)
	}
	if beforeRename != nil {
		beforeRename()
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		entry.undo()
		return Stamp{}, fmt.Errorf("not saved: %w", err)
	}
	entry.close()
	st := stampOf(data, nfi)
	st.Clean = true // a was validated before it was written
	cacheSaved(path, data, st.Sum, c, s)
	if err := afterRename(filepath.Dir(target)); err != nil {
		return st, &SavedError{Path: path, Stamp: st, Err: fmt.Errorf("the change may not survive a crash of the machine: %w", err)}
	}
	return st, nil
}

// pending makes the temporary file that will replace name: in the same
// directory, holding data, with mode (and like's owner, where allowed),
// synced, not yet renamed.
func pending(name string, data []byte, mode fs.FileMode, like fs.FileInfo) (*renameio.PendingFile, error) {
	pf, err := renameio.NewPendingFile(name, renameio.WithTempDir(filepath.Dir(name)), renameio.WithStaticPermissions(mode))
	if err != nil {
		return nil, err
	}
	if like != nil {
		keepOwner(pf.File, like)
	}
	// err is the function's: a failed write (a full disk) must not leave a
	// short file to be renamed into place.
	if _, err = pf.Write(data); err == nil {
		err = pf.Sync()
	}
	if err != nil {
		pf.Cleanup()
		return nil, err
	}
	return pf, nil
}

// writeAtomic replaces name with data (see replace), then syncs the
// directory.
func writeAtomic(name string, data []byte, mode fs.FileMode, like fs.FileInfo) error {
	if err := replace(name, data, mode, like); err != nil {
		return err
	}
	return syncDir(filepath.Dir(name))
}

// replace replaces name with data: a temporary file in the same directory
// (see pending) renamed over it, so that a symbolic link at name is
// replaced, never followed.
func replace(name string, data []byte, mode fs.FileMode, like fs.FileInfo) error {
	pf, err := pending(name, data, mode, like)
	if err != nil {
		return err
	}
	defer pf.Cleanup()
	return pf.CloseAtomicallyReplace()
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
		return fmt.Errorf("cannot sync its directory: %w", err)
	}
	defer d.Close()
	_ = d.Sync() // some file systems cannot sync a directory; the rename is done
	return nil
}
