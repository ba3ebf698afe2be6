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
}

// FileProblem is one problem with the line it was found on (0: unknown).
type FileProblem struct {
	Line    int
	Problem model.Problem
}

// ChangedOnDisk is the error of a save refused because someone changed the
// file since it was loaded. Nothing was written.
type ChangedOnDisk struct{ Message string }

func (e *ChangedOnDisk) Error() string { return e.Message }

// Store is what the TUI needs from storage. The real one wraps the storage
// package; tests use an in-memory one.
type Store interface {
	Load(path string) (*Loaded, error)
	// Save writes a over path if the file is still as it was at stamp, and
	// returns the new stamp. It returns *ChangedOnDisk when it is not.
	Save(path string, a *model.Account, stamp any, change model.Diff) (any, error)
	WriteDraft(path string, a *model.Account) error
	ReadDraft(path string) (*model.Account, time.Time, bool, error)
	RemoveDraft(path string) error
}
