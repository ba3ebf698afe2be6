package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

func (a *app) logCommand() *cobra.Command {
	var asJSON bool
	var limit int
	c := &cobra.Command{
		Use:   "log",
		Short: "the audit trail of the file's saved changes, newest first",
		Long: `log prints the audit trail FILE.audit.jsonl that every save appends to: when,
who (OS user and uid, the sudo user it claims, host), through which front end
and command, and what changed for whom. Newest first. An entry is written
before its file: one whose file never landed (the save was cut off) is marked, and
so is one after which the file was changed outside rolecall (by hand, by git).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := a.path()
			if _, err := os.Stat(path); err != nil {
				if _, lerr := storage.Load(path); lerr != nil && !errors.Is(lerr, fs.ErrNotExist) {
					return readError(lerr) // a dangling link, a loop: say which
				}
				return fail(ExitUsage, "cannot read %s: no such file (its audit trail is %s.audit.jsonl)", model.SafeText(path), model.SafeText(path))
			}
			entries, bad, err := storage.ReadAuditCounting(path)
			if err != nil {
				return fail(ExitUsage, "cannot read the audit trail of %s: %v", model.SafeText(path), err)
			}
			if bad > 0 {
				// Never pass over part of the trail without a word.
				fmt.Fprintf(a.stderr, "rolecall: warning: %s of %s.audit.jsonl %s not an entry (torn by a crash, or written by hand); it is not shown\n",
					plural(bad, "line"), model.SafeText(path), map[bool]string{true: "is", false: "are"}[bad == 1])
			}
			if limit > 0 && len(entries) > limit {
				entries = entries[:limit]
			}
			if asJSON {
				return a.writeJSON(logJSON(entries))
			}
			a.printLog(path, entries)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the entries as JSON")
	c.Flags().IntVarP(&limit, "number", "n", 0, "show only the newest `N` entries")
	return c
}

// logEntry is an audit entry as log --json prints it.
type logEntry struct {
	Time            time.Time       `json:"time"`
	User            string          `json:"user"`
	UID             *int            `json:"uid"` // null in entries of rolecalls that did not record it
	SudoUserClaimed string          `json:"sudo_user_claimed,omitempty"`
	Host            string          `json:"host"`
	Frontend        string          `json:"frontend"`
	Sha256          string          `json:"sha256"`
	BeforeSha256    string          `json:"before_sha256"`
	Landed          bool            `json:"landed"`
	ChangedOutside  bool            `json:"changed_outside_after"`
	Change          json.RawMessage `json:"change,omitempty"`
	// AllowedViolations: the separation-of-duties violations the save was
	// allowed to introduce (model.Violation), when there were any.
	AllowedViolations json.RawMessage `json:"allowed_violations,omitempty"`
}

func logJSON(entries []storage.AuditEntry) []logEntry {
	out := make([]logEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, logEntry{Time: e.Time, User: e.User, UID: e.UID, SudoUserClaimed: e.SudoUserClaimed,
			Host: e.Host, Frontend: e.Frontend, Sha256: e.Sha256, BeforeSha256: e.BeforeSha256, Landed: e.Landed, ChangedOutside: e.ChangedAfter, Change: e.Change, AllowedViolations: e.AllowedViolations})
	}
	return out
}

func (a *app) printLog(path string, entries []storage.AuditEntry) {
	if len(entries) == 0 {
		fmt.Fprintf(a.stdout, "%s: no saved changes recorded yet\n", model.SafeText(path))
		return
	}
	for i, e := range entries {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		fmt.Fprintf(a.stdout, "%s  %s  %s\n", e.Time.Local().Format("2006-01-02 15:04:05"), whoSaved(e), model.SafeText(e.Frontend))
		switch {
		case !e.Landed && e.ChangedAfter:
			fmt.Fprintln(a.stdout, "  then changed outside rolecall (by hand, by git): the next save, or the file now, starts from another file, so whether this one landed cannot be told")
		case !e.Landed:
			fmt.Fprintln(a.stdout, "  never landed: the save was cut off before its file was written")
		}
		for _, l := range changeLines(e.Change) {
			fmt.Fprintln(a.stdout, l)
		}
		for _, l := range allowedLines(e.AllowedViolations) {
			fmt.Fprintln(a.stdout, l)
		}
	}
}

// whoSaved is the entry's user, uid, host and claimed sudo user, escaped.
func whoSaved(e storage.AuditEntry) string {
	who := model.SafeText(e.Who())
	if e.UID != nil {
		who += fmt.Sprintf(" (uid %d)", *e.UID)
	}
	if e.SudoUserClaimed != "" {
		who += ", claims sudo user " + model.SafeText(e.SudoUserClaimed)
	}
	return who
}

// changeLines turns an entry's change into indented, escaped lines, whole:
// the edits and then, further in, what they do to access; for the older
// records, the summary; for anything else, each field and its value.
func changeLines(raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var rec struct {
		Edits   []string  `json:"edits"`
		Access  []string  `json:"access"`
		Summary *[]string `json:"summary"`
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return []string{"    " + model.SafeText(string(raw))}
	}
	_, hasEdits := fields["edits"]
	if json.Unmarshal(raw, &rec) == nil && hasEdits {
		return editLines(rec.Edits, rec.Access)
	}
	if rec.Summary != nil {
		if len(*rec.Summary) == 0 {
			return []string{"    nothing changes for anyone's access"}
		}
		return indent("    ", *rec.Summary)
	}
	return fieldLines(fields)
}

// editLines prints the edits, then what they do to access.
func editLines(edits, access []string) []string {
	out := indent("    ", edits)
	if len(edits) == 0 {
		out = []string{"    (no edits recorded)"}
	}
	return append(out, indent("      ", access)...)
}

func indent(in string, lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, in+model.SafeText(l))
	}
	return out
}

// fieldLines prints a change of an unknown shape: each field with its
// value, in full.
func fieldLines(fields map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		v := string(fields[k])
		var s string
		if json.Unmarshal(fields[k], &s) == nil {
			v = s
		}
		out = append(out, "    "+model.SafeText(k)+": "+model.SafeText(strings.TrimSpace(v)))
	}
	return out
}
