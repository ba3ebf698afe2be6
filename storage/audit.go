package storage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"rolecall/model"
)

// AuditEntry is one line of the audit trail FILE.audit.jsonl: one save. The
// trail is made with the account file's read and write bits and at least
// 0600 (see auditMode), owned like the account file. An entry is written ahead: it is
// appended and synced before the new file is put in place, so a crash in
// between leaves an entry whose file never landed (Landed tells).
type AuditEntry struct {
	Time time.Time `json:"time"` // RFC 3339, to the second
	// User is the user of the process's real uid, UID that uid (entries
	// written before rolecall recorded it have none).
	User string `json:"user"`
	UID  *int   `json:"uid,omitempty"`
	// SudoUserClaimed is $SUDO_USER as the process found it, escaped
	// (model.SafeText): a claim, which any process can make.
	SudoUserClaimed string `json:"sudo_user_claimed,omitempty"`
	Host            string `json:"host"`
	Frontend        string `json:"frontend"` // SaveOptions.Actor: "tui", "cli: role add Ops"
	// Sha256 is the hex SHA-256 of the file this save wrote, BeforeSha256
	// that of the file it replaced ("" for a new file). Entries written
	// before rolecall recorded them have neither.
	Sha256       string `json:"sha256,omitempty"`
	BeforeSha256 string `json:"before_sha256"`
	// Change is SaveOptions.Change as JSON, every null in it made [] (in a
	// change, null only ever stands for an empty list).
	Change json.RawMessage `json:"change,omitempty"`
	// AllowedViolations are the separation-of-duties violations the save
	// introduced and its actor allowed (--allow-violation, or confirmed in
	// the TUI): each rule, user and place with both sides' provenance
	// (model.Violation as JSON). Absent when it introduced none.
	AllowedViolations json.RawMessage `json:"allowed_violations,omitempty"`
	// Landed is set by ReadAudit: false when the save never put its file
	// in place (it was killed between the entry and the rename). Entries
	// without a hash were written after their rename and count as landed.
	Landed bool `json:"-"`
	// ChangedAfter is set by ReadAudit on an entry not shown to have
	// landed: the file was changed outside rolecall (by hand, by git)
	// after it, since the next save (or the file now) starts from neither
	// the file this save wrote nor the one it replaced. Whether this
	// save's file landed then cannot be told; it was not shown cut off.
	ChangedAfter bool `json:"-"`
}

// Who is the entry's user and host, as "user@host".
func (e AuditEntry) Who() string {
	if e.Host == "" {
		return e.User
	}
	return e.User + "@" + e.Host
}

// AuditPath returns the audit trail's file for the account file path.
func AuditPath(path string) (string, error) {
	target, err := resolve(path)
	if err != nil {
		return "", err
	}
	return target + ".audit.jsonl", nil
}

// actingUser names the user of the process's real uid: looked up from the
// uid itself, never from $USER, and "uid N" when the uid has no name.
func actingUser() string {
	uid := os.Getuid()
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.Username != "" {
		return model.SafeText(u.Username)
	}
	return fmt.Sprintf("uid %d", uid)
}

// auditLine makes the audit entry of a save that replaces before (existed
// false: no file) with after, as one JSON line without its newline.
func auditLine(actor string, change any, allowed []model.Violation, before []byte, existed bool, after []byte) ([]byte, error) {
	host, _ := os.Hostname()
	uid := os.Getuid()
	e := AuditEntry{
		Time:            time.Now().Truncate(time.Second),
		User:            actingUser(),
		UID:             &uid,
		SudoUserClaimed: model.SafeText(os.Getenv("SUDO_USER")),
		Host:            host,
		Frontend:        actor,
		Sha256:          hashHex(after),
	}
	if len(allowed) > 0 {
		v, err := json.Marshal(allowed)
		if err != nil {
			return nil, fmt.Errorf("cannot record the violations allowed: %w", err)
		}
		e.AllowedViolations = v
	}
	if existed {
		e.BeforeSha256 = hashHex(before)
	}
	if change != nil {
		c, err := json.Marshal(change)
		if err == nil {
			c, err = emptyLists(c)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot record the change: %w", err)
		}
		e.Change = c
	}
	return json.Marshal(e)
}

func hashHex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// emptyLists rewrites the JSON value raw with every null made []: the
// changes recorded hold lists, and a script reading the trail can iterate
// them without a nil check.
func emptyLists(raw json.RawMessage) (json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(nullToEmpty(v))
}

func nullToEmpty(v any) any {
	switch v := v.(type) {
	case nil:
		return []any{}
	case map[string]any:
		for k, x := range v {
			v[k] = nullToEmpty(x)
		}
	case []any:
		for i, x := range v {
			v[i] = nullToEmpty(x)
		}
	}
	return v
}

// auditAppend is an entry appended to the trail and synced, before the
// rename it stands for: undo takes it back if the rename does not happen.
type auditAppend struct {
	f    *os.File
	size int64 // the trail's size before the entry
}

// appendAudit appends line to the trail of target and syncs it. like is the
// account file (nil: none yet), whose owner a new trail takes; the
// directory of a new trail is synced too. A line torn
// by an earlier crash is ended first, so that it stays on its own. On
// failure the trail is cut back to its size before: no torn line is left.
func appendAudit(target string, like fs.FileInfo, line []byte) (*auditAppend, error) {
	f, err := openSide(target+".audit.jsonl", os.O_RDWR|os.O_APPEND|os.O_CREATE, auditMode(like), like)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	a := &auditAppend{f: f, size: fi.Size()}
	if a.size > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, a.size-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if err == nil && a.size == 0 {
		err = syncDir(filepath.Dir(target)) // a new trail: its name must last too
	}
	if err != nil {
		a.undo()
		return nil, err
	}
	return a, nil
}

// undo cuts the trail back to its size before the entry.
func (a *auditAppend) undo() {
	_ = a.f.Truncate(a.size)
	_ = a.f.Sync()
	a.f.Close()
}

func (a *auditAppend) close() { a.f.Close() }

// ReadAudit returns the audit trail of the account file path, newest entry
// first, each marked Landed or not against the file now on disk. A missing
// trail gives no entries and no error; lines that are not entries (one torn
// by a crash) are skipped. A trail that is a symbolic link or not a regular
// file is refused.
func ReadAudit(path string) ([]AuditEntry, error) {
	es, _, err := ReadAuditCounting(path)
	return es, err
}

// ReadAuditCounting is ReadAudit, and also says how many lines of the
// trail are not entries (torn by a crash, or written by hand), which
// ReadAudit passes over.
func ReadAuditCounting(path string) (entries []AuditEntry, unreadable int, err error) {
	target, err := resolve(path)
	if err != nil {
		return nil, 0, err
	}
	es, bad, err := readAuditFile(target + ".audit.jsonl")
	if err != nil {
		return nil, 0, err
	}
	cur := ""
	if data, _, err := readFile(target); err == nil {
		cur = hashHex(data)
	}
	markLanded(es, cur)
	return es, bad, nil
}

// markLanded marks the entries (newest first) whose file landed: the file
// now on disk has its hash (cur), or a later save replaced a file with it.
// An entry that did not land is cut off when the next save (or the file
// now) still starts from the file it would have replaced; otherwise the
// file was changed outside rolecall after it (ChangedAfter).
func markLanded(es []AuditEntry, cur string) {
	replaced := map[string]bool{}
	next := cur
	for i := range es {
		e := &es[i]
		e.Landed = e.Sha256 == "" || e.Sha256 == cur || replaced[e.Sha256]
		e.ChangedAfter = !e.Landed && next != e.BeforeSha256
		if e.Sha256 != "" && e.BeforeSha256 != "" {
			replaced[e.BeforeSha256] = true
		}
		if e.Sha256 != "" {
			next = e.BeforeSha256
		}
	}
}

// readAuditFile reads the trail name, newest entry first, and counts the
// lines that are not entries (blank lines aside).
func readAuditFile(name string) ([]AuditEntry, int, error) {
	f, err := openSide(name, os.O_RDONLY, 0, nil)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var out []AuditEntry
	bad := 0
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if line = bytes.TrimSpace(line); len(line) > 0 {
			if e, ok := parseEntry(line); ok {
				out = append(out, e)
			} else {
				bad++
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
	}
	slices.Reverse(out)
	return out, bad, nil
}

// parseEntry decodes one line of the trail; ok is false for a line that is
// not an entry. Entries of earlier rolecalls recorded $SUDO_USER as
// "sudo_user", unescaped: it is read as the claim it is.
func parseEntry(line []byte) (AuditEntry, bool) {
	var e struct {
		AuditEntry
		SudoUser string `json:"sudo_user"`
	}
	if len(line) == 0 || json.Unmarshal(line, &e) != nil || e.Time.IsZero() {
		return AuditEntry{}, false
	}
	if e.SudoUserClaimed == "" {
		e.SudoUserClaimed = e.SudoUser
	}
	e.SudoUserClaimed = model.SafeText(e.SudoUserClaimed)
	if len(e.Change) > 0 {
		if c, err := emptyLists(e.Change); err == nil {
			e.Change = c
		}
	}
	return e.AuditEntry, true
}

// Record appends to the audit trail of path an entry for something done
// to the account that left its file as it was (a push changes Boomi, and
// the file only when it learns new ids): the file's hash is its before and
// its after. The file must exist.
func Record(path, actor string, change any) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	cur, fi, err := readFile(target)
	if err != nil {
		return err
	}
	line, err := auditLine(actor, change, nil, cur, true, cur)
	if err != nil {
		return err
	}
	a, err := appendAudit(target, fi, line)
	if err != nil {
		return fmt.Errorf("the audit entry could not be written: %w", err)
	}
	a.close()
	return nil
}
