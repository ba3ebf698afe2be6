package tui

import (
	"time"

	"rolecall/model"
)

// Loaded is an account as read from its file.
type Loaded struct {
	Account *model.Account
	// Problems found while reading, each already phrased with its file line
	// ("rolecall.toml:12: ..."). Errors among them make the file read-only.
	Problems []FileProblem
	// Stamp identifies the file's state when it was read; Save refuses when
	// the file changed since.
	Stamp any
	// Missing is true when the file does not exist yet.
	Missing bool
	// Errors is true when the file may not be saved over: it could not be
	// understood (Account is nil) or has errors (storage's Doc.HasErrors).
	// Such a file opens read-only.
	Errors bool
	// Relaid reports whether saving, even with no edit, would change the
	// file's bytes: it is not in rolecall's own layout (hand-edited, with
	// comments, old privilege names, another order). It is asked only when
	// a save is reviewed, and works it out the first time (encoding the
	// account: at 100,000 users, a good part of loading the file); nil
	// when it is never so.
	Relaid func() bool
	// Group is the account group the file belongs to, when it is a member
	// of one or a primary with groups (groups.go); nil otherwise. For a
	// member, Account is then its view (model.GroupSet.View): its own
	// account with the shared roles and the group users.
	Group *GroupLoaded
}

// Draft is one session's unsaved edits, kept so that an ended session's
// work is offered back: the edits themselves and the file they were made
// on (BaseID), never a copy of the account.
type Draft struct {
	ID      string
	BaseID  string
	Ops     []model.Op
	Written time.Time
}

// FileProblem is one problem with the line it was found on (0: unknown).
type FileProblem struct {
	// Path is the file the problem is in when it is not the one opened
	// (another file of its account group); "" for the file opened.
	Path    string
	Line    int
	Problem model.Problem
	// LeftOutErrors: on the line that stands for the problems not listed,
	// how many errors it hides.
	LeftOutErrors int
}

// ChangedOnDisk is the error of a save refused because someone changed the
// file since it was loaded. Nothing was written.
type ChangedOnDisk struct{ Message string }

func (e *ChangedOnDisk) Error() string { return e.Message }

// Store is what the TUI needs from storage. The real one wraps the storage
// package; tests use an in-memory one.
type Store interface {
	Load(path string) (*Loaded, error)
	// Save writes w's account over path if the file is still as it was at
	// stamp, with w's record in the audit trail, and returns the new stamp.
	// It returns *ChangedOnDisk when the file changed, and *SavedButError
	// when the file was written but a later step failed.
	Save(path string, w *model.Working, stamp any) (any, error)
	// BaseID names the file's bytes at stamp (a hash), as recovery drafts
	// record them; "" for a file that does not exist.
	BaseID(stamp any) string
	// NewDraftID names this session's draft; no two sessions share one.
	NewDraftID() string
	// WriteDraft keeps d as the draft d.ID of path; the session holds it
	// until RemoveDraft or ReleaseDraft.
	WriteDraft(path string, d Draft) error
	// FindDrafts returns the drafts of path left by sessions that ended,
	// oldest first, claimed by this session.
	FindDrafts(path string) ([]Draft, error)
	RemoveDraft(path, id string) error
	ReleaseDraft(path, id string)
	// Sync reads what rolecall knows of the Boomi account path is tied
	// to; nil and no error when it is tied to none. When the state file
	// cannot be read it returns the error, and a Sync all the same when a
	// push journal says a push was interrupted.
	Sync(path string) (*Sync, error)
}

// Sync is what rolecall knows of the Boomi account a file is tied to: the
// state file (FILE.boomi.json) that pull, import and push leave beside
// it, and whether a push was interrupted (FILE.push.jsonl exists).
type Sync struct {
	Account string // Boomi's account id
	// Source is what wrote the state: "pull", "import" or "push".
	Source string
	At     time.Time
	// Live is Boomi's state then: what the file's changes are counted
	// against. nil when there is no state file (only a journal).
	Live *model.Live
	// Interrupted: a push journal exists; rolecall push resumes it.
	Interrupted bool
}

// SavedButError is a save that wrote the file but failed after: the file
// is saved (Stamp is its new stamp), and Message says what did not happen.
type SavedButError struct {
	Stamp   any
	Message string
}

func (e *SavedButError) Error() string { return e.Message }
