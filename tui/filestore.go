package tui

import (
	"errors"
	"io/fs"
	"time"

	"rolecall/model"
	"rolecall/storage"
)

// fileStore is the Store of the storage package.
type fileStore struct{}

func (fileStore) Load(path string) (*Loaded, error) {
	doc, err := storage.Load(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &Loaded{Missing: true, Stamp: storage.Stamp{}}, nil
		}
		return nil, err
	}
	ld := &Loaded{Account: doc.Account, Stamp: doc.Stamp}
	for _, p := range doc.Problems {
		ld.Problems = append(ld.Problems, FileProblem{Line: p.Line, Problem: p.Problem})
	}
	return ld, nil
}

// SavedWithWarning is the error of a save that went through (the file holds
// the edits; the stamp returned with it is the new file's) but something
// after the write failed: Message says what.
type SavedWithWarning struct{ Message string }

func (e *SavedWithWarning) Error() string { return e.Message }

func (fileStore) Save(path string, a *model.Account, stamp any, change model.Diff) (any, error) {
	st, _ := stamp.(storage.Stamp)
	ns, err := storage.Save(path, a, st, storage.SaveOptions{Actor: "tui", Change: change})
	var ce *storage.ChangedError
	if errors.As(err, &ce) {
		return nil, &ChangedOnDisk{Message: ce.Error()}
	}
	var se *storage.SavedError
	if errors.As(err, &se) {
		return se.Stamp, &SavedWithWarning{Message: se.Error()}
	}
	if err != nil {
		return nil, err
	}
	return ns, nil
}

func (fileStore) WriteDraft(path string, a *model.Account) error { return storage.WriteDraft(path, a) }

func (fileStore) ReadDraft(path string) (*model.Account, time.Time, bool, error) {
	return storage.ReadDraft(path)
}

func (fileStore) RemoveDraft(path string) error { return storage.RemoveDraft(path) }

// permissionWarning says when the file is readable or writable by others.
func permissionWarning(path string) string { return storage.Permissions(path) }
