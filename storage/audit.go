package storage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"slices"
	"time"
)

// AuditEntry is one line of the audit trail FILE.audit.jsonl: one saved
// change. The trail is made with mode 0600 (plus the account file's own read
// and write bits when it is shared with a group).
type AuditEntry struct {
	Time     time.Time       `json:"time"`                // RFC 3339, to the second
	User     string          `json:"user"`                // the OS user who saved
	SudoUser string          `json:"sudo_user,omitempty"` // $SUDO_USER, when set
	Host     string          `json:"host"`
	Frontend string          `json:"frontend"`         // SaveOptions.Actor: "tui", "cli: role add Ops"
	Change   json.RawMessage `json:"change,omitempty"` // SaveOptions.Change as JSON
}

// AuditPath returns the audit trail's file for the account file path.
func AuditPath(path string) (string, error) {
	target, err := resolve(path)
	if err != nil {
		return "", err
	}
	return target + ".audit.jsonl", nil
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}

// appendAudit appends one entry for a save of target and syncs it. A line
// torn by an earlier crash is ended first, so that it stays on its own.
func appendAudit(target, actor string, change any) error {
	host, _ := os.Hostname()
	e := AuditEntry{
		Time:     time.Now().Truncate(time.Second),
		User:     currentUser(),
		SudoUser: os.Getenv("SUDO_USER"),
		Host:     host,
		Frontend: actor,
	}
	if change != nil {
		c, err := json.Marshal(change)
		if err != nil {
			return fmt.Errorf("cannot record the change: %w", err)
		}
		e.Change = c
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(target+".audit.jsonl", os.O_RDWR|os.O_APPEND|os.O_CREATE, sideMode(target))
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

// ReadAudit returns the audit trail of the account file path, newest entry
// first. A missing trail gives no entries and no error; lines that are not
// entries (one torn by a crash) are skipped.
func ReadAudit(path string) ([]AuditEntry, error) {
	name, err := AuditPath(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []AuditEntry
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if line = bytes.TrimSpace(line); len(line) > 0 {
			var e AuditEntry
			if json.Unmarshal(line, &e) == nil && !e.Time.IsZero() {
				out = append(out, e)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	slices.Reverse(out)
	return out, nil
}
