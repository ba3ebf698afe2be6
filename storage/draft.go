package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rolecall/model"
)

// DraftPath returns where the recovery draft of the account file is kept:
// $XDG_STATE_HOME/rolecall/ (default ~/.local/state/rolecall/), under a name
// made of a hash of the file's absolute path and its base name.
func DraftPath(file string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	base := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // unset, or relative: the spec says ignore it
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no place for a recovery draft: %w", err)
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
	return filepath.Join(base, "rolecall", hex.EncodeToString(sum[:8])+"-"+name+".draft"), nil
}

// WriteDraft keeps a as the recovery draft of file (Encode's text, mode
// 0600, directories 0700, written atomically). The account may have
// validation errors: a draft holds edits in progress.
func WriteDraft(file string, a *model.Account) error {
	p, err := DraftPath(file)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return writeAtomic(p, Encode(a), 0o600, nil)
}

// ReadDraft returns the recovery draft of file and when it was written; ok
// is false when there is none.
func ReadDraft(file string) (a *model.Account, written time.Time, ok bool, err error) {
	p, err := DraftPath(file)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	data, fi, err := readFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, err
	}
	a, ps := Decode(p, data)
	if a == nil {
		msg := "it is empty"
		if len(ps) > 0 {
			msg = ps[0].String()
		}
		return nil, time.Time{}, false, fmt.Errorf("the recovery draft %s is unreadable: %s", model.SafeText(p), msg)
	}
	return a, fi.ModTime(), true, nil
}

// RemoveDraft removes the recovery draft of file, if there is one.
func RemoveDraft(file string) error {
	p, err := DraftPath(file)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
