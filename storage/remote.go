package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"rolecall/model"
)

// The files rolecall keeps beside an account file for Boomi's Platform API
// (boomi-api.md): FILE.boomi.json, what rolecall last saw of the Boomi
// account (the base of "unpushed changes"), and FILE.push.jsonl, the
// journal of a push under way. Neither ever holds a credential.

// RemoteFormat is the format of FILE.boomi.json and of the journal.
const RemoteFormat = 1

// maxRemoteFile bounds what rolecall reads of either file: Boomi's
// largest account (10,000 users with a few roles each, 1,000 roles) takes
// a few MiB.
const maxRemoteFile = 256 << 20

// RemoteState is FILE.boomi.json: Boomi's state as the last pull, import or
// push left it, and the file as that left it.
type RemoteState struct {
	Format   int    `json:"format"`
	Account  string `json:"account"`
	Endpoint string `json:"endpoint,omitempty"` // "" for saved responses
	// Source is what made it: "pull", "import" (saved responses) or "push".
	Source string    `json:"source"`
	At     time.Time `json:"at"`
	// FileSha256 is the hex SHA-256 of the account file that run wrote
	// (or found, when it wrote nothing).
	FileSha256 string      `json:"file_sha256"`
	Live       *model.Live `json:"live"`
}

// StatePath is the name of the state file of the account file path.
func StatePath(path string) string { return path + ".boomi.json" }

// JournalPath is the name of the push journal of the account file path.
func JournalPath(path string) string { return path + ".push.jsonl" }

// LastJournalPath keeps the journal of the last push that finished.
func LastJournalPath(path string) string { return path + ".push.last.jsonl" }

// readSide reads the side file name (no link followed, no FIFO opened),
// at most maxRemoteFile bytes; nil and no error when it does not exist.
func readSide(name string) ([]byte, error) {
	f, err := openSide(name, os.O_RDONLY, 0, nil)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRemoteFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", model.SafeText(name), err)
	}
	if len(data) > maxRemoteFile {
		return nil, fmt.Errorf("%s is over %d MiB; rolecall does not read it", model.SafeText(name), maxRemoteFile>>20)
	}
	return data, nil
}

// ReadState reads the state file of path; nil and no error when there is
// none.
func ReadState(path string) (*RemoteState, error) {
	name := StatePath(path)
	data, err := readSide(name)
	if err != nil || data == nil {
		return nil, err
	}
	var s RemoteState
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v); remove it and pull again", model.SafeText(name), err)
	}
	if s.Format != RemoteFormat {
		return nil, fmt.Errorf("%s has format %d; this rolecall reads format %d", model.SafeText(name), s.Format, RemoteFormat)
	}
	if s.Live == nil {
		return nil, fmt.Errorf("%s holds no Boomi state; remove it and pull again", model.SafeText(name))
	}
	return &s, nil
}

// WriteState replaces the state file of path with s, atomically, with the
// account file's mode (its owner's read and write at least).
func WriteState(path string, s *RemoteState) error {
	s.Format = RemoteFormat
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	like := lstat(path)
	return writeAtomic(StatePath(path), append(data, '\n'), auditMode(like), like)
}

// JournalHeader is the journal's first line: the plan being pushed and
// what it was made from.
type JournalHeader struct {
	Format      int          `json:"format"`
	Account     string       `json:"account"`
	Endpoint    string       `json:"endpoint"`
	Started     time.Time    `json:"started"`
	FileSha256  string       `json:"file_sha256"`
	Fingerprint string       `json:"live_fingerprint"`
	Calls       []model.Call `json:"calls"`
}

// Call states in the journal. A call is recorded Sending before its
// request leaves and Done (with the id Boomi gave) or Failed after its
// answer; Unknown when it was sent and no answer says whether Boomi
// applied it.
const (
	CallSending = "sending"
	CallDone    = "done"
	CallFailed  = "failed"
	CallUnknown = "unknown"
	CallSkipped = "skipped" // found already applied when the push resumed
	// CallSaving (Call -1) says the file the push is about to write, once
	// every call is answered: its File hash.
	CallSaving = "saving"
)

// JournalEvent is one line after the header.
type JournalEvent struct {
	Call  int       `json:"call"` // index into the header's Calls; -1 for a note
	State string    `json:"state"`
	ID    string    `json:"id,omitempty"`
	File  string    `json:"file_sha256,omitempty"` // CallSaving: the file to be written
	Error string    `json:"error,omitempty"`
	At    time.Time `json:"at"`
}

// Journal is the push journal of one account file, open for appending.
type Journal struct {
	Path   string
	Header JournalHeader
	Events []JournalEvent
	f      *os.File
}

// CreateJournal starts the journal of path with h. It refuses when a
// journal exists: an interrupted push must be resumed or settled first.
func CreateJournal(path string, h JournalHeader) (*Journal, error) {
	name := JournalPath(path)
	if _, err := os.Lstat(name); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s exists: a push was interrupted; run rolecall push again to resume it", model.SafeText(name))
	}
	like := lstat(path)
	f, err := openSide(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, auditMode(like), like)
	if err != nil {
		return nil, err
	}
	h.Format = RemoteFormat
	j := &Journal{Path: name, Header: h, f: f}
	if err := j.writeLine(h); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// OpenJournal reads the journal of path and opens it for appending; nil
// and no error when there is none. A last line cut short (a crash while
// it was written) is left out.
func OpenJournal(path string) (*Journal, error) {
	name := JournalPath(path)
	data, err := readSide(name)
	if err != nil || data == nil {
		return nil, err
	}
	j := &Journal{Path: name}
	lines := bytes.Split(data, []byte("\n"))
	whole := len(data) // the bytes up to the end of the last whole line
	first := true
	for n, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if first {
			if err := json.Unmarshal(line, &j.Header); err != nil || j.Header.Format != RemoteFormat {
				return nil, fmt.Errorf("%s:1: not a push journal rolecall can read (%v); it was left as it is", model.SafeText(name), err)
			}
			first = false
			continue
		}
		var e JournalEvent
		if err := json.Unmarshal(line, &e); err != nil {
			if n == len(lines)-1 {
				whole -= len(line) // the torn last line of a crash: no newline after it
				break
			}
			return nil, fmt.Errorf("%s:%d: damaged line (%v); it was left as it is", model.SafeText(name), n+1, err)
		}
		if e.Call < -1 || e.Call >= len(j.Header.Calls) {
			return nil, fmt.Errorf("%s:%d: call %d is not in the plan", model.SafeText(name), n+1, e.Call)
		}
		j.Events = append(j.Events, e)
	}
	if first {
		return nil, fmt.Errorf("%s is empty; remove it", model.SafeText(name))
	}
	f, err := openSide(name, os.O_WRONLY|os.O_APPEND, 0, nil)
	if err != nil {
		return nil, err
	}
	if whole < len(data) {
		if err := f.Truncate(int64(whole)); err != nil {
			f.Close()
			return nil, fmt.Errorf("cutting the torn last line of %s: %w", model.SafeText(name), err)
		}
	}
	j.f = f
	return j, nil
}

func (j *Journal) writeLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing the push journal %s: %w", model.SafeText(j.Path), err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("syncing the push journal %s: %w", model.SafeText(j.Path), err)
	}
	return nil
}

// Record appends e, synced before it returns.
func (j *Journal) Record(e JournalEvent) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC().Truncate(time.Second)
	}
	if err := j.writeLine(e); err != nil {
		return err
	}
	j.Events = append(j.Events, e)
	return nil
}

// States returns each call's last recorded state ("" for a call never
// started) and the id a create was given.
func (j *Journal) States() (states []string, ids []string) {
	states = make([]string, len(j.Header.Calls))
	ids = make([]string, len(j.Header.Calls))
	for _, e := range j.Events {
		if e.Call < 0 {
			continue
		}
		states[e.Call] = e.State
		if e.ID != "" {
			ids[e.Call] = e.ID
		}
	}
	return states, ids
}

// Saving returns the hash of the file the push was about to write when it
// last said so (CallSaving), or "".
func (j *Journal) Saving() string {
	sum := ""
	for _, e := range j.Events {
		if e.Call == -1 && e.State == CallSaving {
			sum = e.File
		}
	}
	return sum
}

// Close closes the journal, which stays.
func (j *Journal) Close() error { return j.f.Close() }

// Finish closes the journal of a push that ended and keeps it as
// FILE.push.last.jsonl, replacing the one before.
func (j *Journal) Finish(path string) error {
	j.f.Close()
	return os.Rename(j.Path, LastJournalPath(path))
}
