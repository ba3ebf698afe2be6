package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

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
who (OS user, sudo user, host), through which front end and command, and what
changed for whom. Newest first.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := a.path()
			if _, err := os.Stat(path); err != nil {
				return fail(ExitUsage, "cannot read %s: no such file (its audit trail is %s.audit.jsonl)", model.SafeText(path), model.SafeText(path))
			}
			entries, err := storage.ReadAudit(path)
			if err != nil {
				return fail(ExitUsage, "cannot read the audit trail of %s: %v", model.SafeText(path), err)
			}
			if limit > 0 && len(entries) > limit {
				entries = entries[:limit]
			}
			if asJSON {
				return a.writeJSON(entries)
			}
			a.printLog(path, entries)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the entries as JSON")
	c.Flags().IntVarP(&limit, "number", "n", 0, "show only the newest `N` entries")
	return c
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
		who := e.User
		if e.SudoUserClaimed != "" {
			who = e.SudoUserClaimed + " (as " + e.User + ")"
		}
		if e.Host != "" {
			who += "@" + e.Host
		}
		fmt.Fprintf(a.stdout, "%s  %s  %s\n", e.Time.Local().Format("2006-01-02 15:04:05"), model.SafeText(who), model.SafeText(e.Frontend))
		for _, l := range changeLines(e.Change) {
			fmt.Fprintf(a.stdout, "    %s\n", model.SafeText(l))
		}
	}
}

// changeLines turns an entry's change into lines: the summary when it has
// one (the CLI's and the TUI's diffs do), else its JSON.
func changeLines(raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var withSummary struct {
		Summary *[]string `json:"summary"`
	}
	if json.Unmarshal(raw, &withSummary) == nil && withSummary.Summary != nil {
		if len(*withSummary.Summary) == 0 {
			return []string{"nothing changes for anyone's access"}
		}
		return *withSummary.Summary
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil {
		var out []string
		for k, v := range m {
			out = append(out, k+": "+v)
		}
		return out
	}
	s := string(raw)
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return []string{strings.TrimSpace(s)}
}
