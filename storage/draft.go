package storage

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"rolecall/model"
)

// Recovery drafts keep a TUI session's unsaved edits: not a copy of the
// account, but the edits themselves (model.MarshalOps) and the hash of the
// file they were made on, so that restoring replays them onto the file as
// it is now (model.Rebase) and says what changed since.
//
// Each session has a draft of its own, FILE-HASH-NAME.ID.draft under
// $XDG_STATE_HOME/rolecall/, and holds a lock on ID.draft.lock beside it
// while it runs, so that two sessions on one file never share a draft and
// a draft is offered back only once its session has ended (a kill -9
// releases the lock too).

// Draft is one session's unsaved edits of an account file.
type Draft struct {
	ID         string            `json:"id"`
	File       string            `json:"file"`        // the account file, absolute
	BaseSHA256 string            `json:"base_sha256"` // the file the edits were made on; "" when it did not exist
	Written    time.Time         `json:"written"`
	User       string            `json:"user"`
	Host       string            `json:"host"`
	PID        int               `json:"pid"`
	Ops        []json.RawMessage `json:"ops"`
}

// Edits returns the draft's edits.
func (d *Draft) Edits() ([]model.Op, error) { return model.UnmarshalOps(d.Ops) }

// BaseOf is the BaseSHA256 of a draft made on the file whose stamp is st.
func BaseOf(st Stamp) string {
	if !st.Exists {
		return ""
	}
	return hex.EncodeToString(st.Sum[:])
}

// NewDraftID returns an id for a new session's draft: the process id and
// random digits, so that no two sessions share one.
func NewDraftID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%d-%s", os.Getpid(), hex.EncodeToString(b[:]))
}

// draftDir returns $XDG_STATE_HOME/rolecall (default ~/.local/state/rolecall)
// and the prefix of the drafts of file in it.
func draftDir(file string) (dir, prefix string, err error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", "", err
	}
	base := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // unset, or relative: the spec says ignore it
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "", fmt.Errorf("no place for a recovery draft: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	sum := sha256.Sum256([]byte(abs))
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, filepath.Base(abs))
	if len(name) > 64 {
		name = name[:64]
	}
	return filepath.Join(base, "rolecall"), hex.EncodeToString(sum[:8]) + "-" + name + ".", nil
}

// DraftPath returns where the draft id of the account file is kept.
func DraftPath(file, id string) (string, error) {
	if !validDraftID(id) {
		return "", fmt.Errorf("bad draft id %q", model.SafeText(id))
	}
	dir, prefix, err := draftDir(file)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, prefix+id+".draft"), nil
}

func validDraftID(id string) bool {
	return id != "" && len(id) <= 64 && strings.Trim(id, "0123456789abcdef-") == ""
}

// heldDrafts are the draft locks this process holds, by draft path.
var heldDrafts = struct {
	sync.Mutex
	m map[string]*os.File
}{m: map[string]*os.File{}}

// claim takes the lock of the draft at p without waiting, unless this
// process holds it already. It reports false when another process holds it.
// A lock file removed (see removeOrphanLock) between its open and the
// flock is opened again: the lock held is always the file at p.lock.
func claim(p string) (bool, error) {
	heldDrafts.Lock()
	defer heldDrafts.Unlock()
	if _, ok := heldDrafts.m[p]; ok {
		return true, nil
	}
	for range 10 {
		f, err := openSide(p+".lock", os.O_RDWR|os.O_CREATE, 0o600, nil)
		if err != nil {
			return false, err
		}
		if afterDraftLockOpen != nil {
			afterDraftLockOpen(p)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return false, nil
			}
			return false, err
		}
		if !stillNamed(f, p+".lock") {
			f.Close() // removed (or replaced) before the flock: not the lock
			continue
		}
		heldDrafts.m[p] = f
		return true, nil
	}
	return false, fmt.Errorf("its lock %s keeps being removed", model.SafeText(p+".lock"))
}

// afterDraftLockOpen, when set, runs in claim between the lock file's open
// and its flock: tests remove the file there.
var afterDraftLockOpen func(p string)

// stillNamed reports whether the open file f is the file at name.
func stillNamed(f *os.File, name string) bool {
	var st syscall.Stat_t
	if syscall.Fstat(int(f.Fd()), &st) != nil {
		return false
	}
	fi, err := os.Lstat(name)
	if err != nil {
		return false
	}
	at, ok := fi.Sys().(*syscall.Stat_t)
	return ok && at.Dev == st.Dev && at.Ino == st.Ino
}

// removeOrphanLock removes the lock file of the draft at p when the draft
// is gone and no process holds the lock: it takes the flock first and
// removes the file while holding it, so that a session that opened the
// file meanwhile finds (see claim) that its lock is no longer the one at
// p.lock. A lock this process holds, or another process holds, stays.
func removeOrphanLock(p string) {
	heldDrafts.Lock()
	defer heldDrafts.Unlock()
	if _, ok := heldDrafts.m[p]; ok {
		return
	}
	f, err := openSide(p+".lock", os.O_RDONLY, 0, nil)
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return // held by a live session (or not ours to take)
	}
	if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
		return // the draft is there: its lock is not stale
	}
	if stillNamed(f, p+".lock") {
		os.Remove(p + ".lock")
	}
}

// removeOrphanLocks removes the lock files in the draft directory dir
// whose drafts are gone and which no process holds (see removeOrphanLock).
func removeOrphanLocks(dir string, ents []os.DirEntry) {
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".draft.lock")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if i := strings.LastIndexByte(name, '.'); i < 0 || !validDraftID(name[i+1:]) {
			continue
		}
		removeOrphanLock(filepath.Join(dir, name+".draft"))
	}
}

// release gives up the lock of the draft at p, removing the lock file first
// when remove is set.
func release(p string, remove bool) {
	heldDrafts.Lock()
	defer heldDrafts.Unlock()
	if f, ok := heldDrafts.m[p]; ok {
		if remove {
			os.Remove(p + ".lock")
		}
		f.Close()
		delete(heldDrafts.m, p)
	}
}

// WriteDraft keeps d as the recovery draft d.ID of file: written atomically,
// mode 0600, its directory 0700. The session's lock on it is taken on the
// first write and held until RemoveDraft or ReleaseDraft (or the process
// ends).
func WriteDraft(file string, d Draft) error {
	p, err := DraftPath(file, d.ID)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	if ok, err := claim(p); err != nil || !ok {
		if err == nil {
			err = errors.New("another session holds it")
		}
		return fmt.Errorf("cannot lock the recovery draft %s: %w", model.SafeText(p), err)
	}
	abs, _ := filepath.Abs(file)
	host, _ := os.Hostname()
	d.File, d.Written, d.User, d.Host, d.PID = abs, time.Now().UTC().Truncate(time.Second), actingUser(), host, os.Getpid()
	if d.Ops == nil {
		d.Ops = []json.RawMessage{}
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(p, append(data, '\n'), 0o600, nil)
}

// FindDrafts returns the recovery drafts of file left by sessions that have
// ended, oldest first, and claims each (its lock is held by this process),
// so that no other session offers it at the same time. Lock files left in
// the directory without their drafts, which no process holds, are removed. A draft that cannot
// be read is reported in the error and left where it is.
func FindDrafts(file string) ([]Draft, error) {
	dir, prefix, err := draftDir(file)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	removeOrphanLocks(dir, ents)
	var out []Draft
	var bad []string
	for _, e := range ents {
		id, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		if id, ok = strings.CutSuffix(id, ".draft"); !ok || !validDraftID(id) || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		heldDrafts.Lock()
		_, ours := heldDrafts.m[p]
		heldDrafts.Unlock()
		if ours {
			continue // a session of this process: it is not over
		}
		if ok, err := claim(p); err != nil || !ok {
			continue // its session still runs (or its lock is not ours to take)
		}
		d, err := readDraft(p)
		if err != nil {
			release(p, false)
			bad = append(bad, err.Error())
			continue
		}
		d.ID = id
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Written.Before(out[j].Written) })
	if len(bad) > 0 {
		return out, errors.New(strings.Join(bad, "; "))
	}
	return out, nil
}

func readDraft(p string) (Draft, error) {
	data, _, err := readFile(p)
	if err != nil {
		return Draft{}, err
	}
	var d Draft
	if err := json.Unmarshal(data, &d); err != nil {
		return Draft{}, fmt.Errorf("the recovery draft %s is unreadable: %s", model.SafeText(p), model.SafeText(err.Error()))
	}
	if _, err := d.Edits(); err != nil {
		return Draft{}, fmt.Errorf("the recovery draft %s is unreadable: %s", model.SafeText(p), model.SafeText(err.Error()))
	}
	return d, nil
}

// RemoveDraft removes the recovery draft id of file, if there is one, and
// gives up its lock; its lock file is removed too, unless another process
// holds it.
func RemoveDraft(file, id string) error {
	p, err := DraftPath(file, id)
	if err != nil {
		return err
	}
	err = os.Remove(p)
	release(p, true)
	removeOrphanLock(p) // a session that has ended left it
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ReleaseDraft gives up this process's lock on the draft id of file and
// keeps the draft, so that the next session offers it.
func ReleaseDraft(file, id string) {
	if p, err := DraftPath(file, id); err == nil {
		release(p, false)
	}
}
