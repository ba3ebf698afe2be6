package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"rolecall/model"
)

// Separation of duties on the command line: an edit that introduces a
// violation of the file's rules (model.NewViolations) is refused, unless
// --allow-violation is given; then the audit entry records the violations
// allowed. Edits that keep or end violations go through.

// sodState is what one command knows of separation of duties.
type sodState struct {
	allow bool // --allow-violation
	// allowed are the violations the edit introduced, by file as the
	// save names it ("" for the one file of a plain edit).
	allowed map[string][]model.Violation
}

// recorded is the audit entry's AllowedViolations (storage.SaveOptions):
// every violation the edit was allowed, whichever file it is in, so that
// one in a member whose file the edit does not write (a group user is the
// primary's) is recorded in the entries of the files it does write.
func (s *sodState) recorded(string) []model.Violation {
	var out []model.Violation
	for _, file := range slices.Sorted(maps.Keys(s.allowed)) {
		for _, v := range s.allowed[file] {
			v.File = file
			out = append(out, v)
		}
	}
	return out
}

// allowViolationFlag adds --allow-violation to every edit command under c.
func (a *app) allowViolationFlag(c *cobra.Command) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Flags().Lookup("allow-violation") == nil {
			sub.Flags().BoolVar(&a.sod.allow, "allow-violation", false, "do it even if a user then breaks a separation-of-duties rule (the audit entry records it)")
		}
	}
	return c
}

// guardGroupViolations is guardViolations for each file of an account
// group an edit reaches (the primary's file, or a member's beside it).
func (a *app) guardGroupViolations(what, primary string, fvs []model.FileViolations) error {
	for _, fv := range fvs {
		p := primary
		if fv.File != "" {
			p = memberPath(primary, fv.File)
		}
		if err := a.guardViolations(what, p, fv.Violations); err != nil {
			return err
		}
	}
	return nil
}

// guardViolations refuses the edits described by what when they introduce
// violations (vs, in file; "" for the -f file), unless --allow-violation
// was given: then they are kept for the audit entry.
func (a *app) guardViolations(what, file string, vs []model.Violation) error {
	if len(vs) == 0 {
		return nil
	}
	if a.sod.allow {
		if a.sod.allowed == nil {
			a.sod.allowed = map[string][]model.Violation{}
		}
		a.sod.allowed[file] = vs
		return nil
	}
	where := ""
	if file != "" {
		where = " in " + model.SafeText(file)
	}
	lines := []string{fmt.Sprintf("%s refused: it would break separation of duties%s (%s); nothing was changed",
		model.SafeText(what), where, plural(model.CountSites(vs), "new violation"))}
	for _, v := range vs {
		for _, l := range v.Lines() {
			lines = append(lines, fmt.Sprintf("  %s (%s)", model.SafeText(l), v.Cite()))
		}
	}
	lines = append(lines, "re-run with --allow-violation to do it anyway (the audit entry records the violations allowed), or change the roles so that no one holds both sides")
	return &exitError{code: ExitDenied, lines: lines}
}

// printAllowed says which violations an edit was allowed to introduce.
func (a *app) printAllowed() { a.printAllowedTo(a.stdout) }

func (a *app) printAllowedTo(w io.Writer) {
	files := slices.Sorted(maps.Keys(a.sod.allowed))
	for _, file := range files {
		vs := a.sod.allowed[file]
		where := ""
		if file != "" {
			where = " in " + model.SafeText(file)
		}
		fmt.Fprintf(w, "  warning: allowed (--allow-violation, recorded in the audit trail)%s: %s of separation of duties\n", where, plural(model.CountSites(vs), "new violation"))
		for _, v := range vs {
			for _, l := range v.Lines() {
				fmt.Fprintf(w, "    %s (%s)\n", model.SafeText(l), v.Cite())
			}
		}
	}
}

// allowedLines is an audit entry's allowed violations (as JSON) in words,
// for log: one line per rule, user and place, with the privileges of
// each side (the entry holds their sources too).
func allowedLines(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var vs []struct {
		Rule, User string
		File       string // a member's file, for a violation there
		Sites      []struct {
			Environments    []string
			Holds, Excludes []struct{ Privilege string }
			HoldsActions    []struct{ Action string } `json:"holds_actions"`
			ExcludesActions []struct{ Action string } `json:"excludes_actions"`
		}
	}
	if err := json.Unmarshal(raw, &vs); err != nil {
		return []string{"    allowed violations of separation of duties: not readable (" + model.SafeText(err.Error()) + ")"}
	}
	names := func(gs []struct{ Privilege string }, as []struct{ Action string }) string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Privilege)
		}
		for _, a := range as {
			out = append(out, "can "+a.Action)
		}
		return strings.Join(out, ", ")
	}
	out := []string{"    allowed violations of separation of duties:"}
	for _, v := range vs {
		file := ""
		if v.File != "" {
			file = " in " + v.File // the rule and the user are that member's
		}
		for _, s := range v.Sites {
			where := "account-wide"
			if len(s.Environments) > 0 {
				where = "in " + strings.Join(s.Environments, ", ")
			}
			out = append(out, model.SafeText(fmt.Sprintf("      rule %q%s %s: %s holds %s and also %s", v.Rule, file, where, v.User, names(s.Holds, s.HoldsActions), names(s.Excludes, s.ExcludesActions))))
		}
	}
	return out
}
