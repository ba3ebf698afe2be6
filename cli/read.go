package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

// The read commands: validate, check, explain, preview, who-can (diff is
// in diff.go).

func (a *app) validateCommand() *cobra.Command {
	var strict bool
	c := &cobra.Command{
		Use:   "validate",
		Short: "list the file's errors (and, with --strict, warnings) as FILE:LINE: text",
		Long: `validate reads the account file and lists its problems, one a line:

  FILE:LINE: error: text (R7)

Users who break the file's separation-of-duties rules are listed after the
problems, one line per rule, user and place, with both sides' provenance:

  FILE: violation: rule "NAME" in ENV: USER holds A [from ROLE] and also B [from ROLE] (R15, decision)

Exit 0 when there is nothing to report, 1 when the file has errors (or, with
--strict, warnings) or violations, 2 when the file cannot be read at all.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := a.load(a.path())
			if err != nil {
				return err
			}
			return a.validate(d, strict)
		},
	}
	c.Flags().BoolVar(&strict, "strict", false, "also report warnings (lint) and fail on them")
	return c
}

func (a *app) validate(d *doc, strict bool) error {
	var errs, warns int
	// Who may edit is the file system's call: say so when anyone can, with
	// or without --strict (it counts as a warning there).
	if perm := storage.Permissions(d.path); perm != "" {
		warns++
		fmt.Fprintf(a.stdout, "%s: warning: %s\n", model.SafeText(d.path), model.SafeText(perm))
	}
	for _, p := range d.problems {
		if n := p.LeftOutErrors + p.LeftOutWarnings; n > 0 {
			// The line standing for the problems not listed counts them all.
			errs += p.LeftOutErrors
			warns += p.LeftOutWarnings
			if p.LeftOutErrors > 0 || strict {
				fmt.Fprintln(a.stdout, p.String())
			}
			continue
		}
		if p.Severity == model.Warning {
			warns++
			if !strict {
				continue
			}
		} else {
			errs++
		}
		fmt.Fprintln(a.stdout, p.String())
	}
	// A file in an account group is checked with its group too (R20,
	// R21): its view, and the group's rules about it.
	if d.acct != nil && !storage.HasErrors(d.problems) && inGroup(d.acct) {
		ps, failed := a.groupProblems(d.path, d.problems)
		for _, f := range failed {
			errs++
			fmt.Fprintf(a.stdout, "%s: error: %s\n", model.SafeText(d.path), model.SafeText(f))
		}
		for _, p := range ps {
			if p.Severity == model.Warning {
				warns++
				if !strict {
					continue
				}
			} else {
				errs++
			}
			fmt.Fprintf(a.stdout, "%s: %s\n", model.SafeText(d.path), model.SafeText(p.String()))
		}
	}
	// Separation of duties: a class of its own, after the problems. A
	// violation makes validate fail, but not the file: it opens for
	// editing, so that an edit can end it.
	// They are counted as edits count them (model.CountSites: a rule, a
	// user and a place, account-wide or one environment); a line groups
	// the environments where the sources are the same.
	viol := 0
	if d.acct != nil && errs == 0 {
		// Each violation put in words as it is written, and passed on:
		// a hundred rules on 10,000 users print some 100 MB.
		vl := model.NewResolver(a.sodAccount(d)).ViolationList()
		viol = vl.Sites()
		if viol > 0 {
			writingGC(a.env)
		}
		out := a.pieces()
		path := model.SafeText(d.path)
		for k := range vl.Len() {
			v := vl.Violation(k)
			for _, s := range v.Sites {
				out.buf = fmt.Appendf(out.buf, "%s: violation: %s (%s)\n", path, model.SafeText(v.Text(s)), v.Cite())
				out.piece()
			}
		}
		out.end()
	}
	switch {
	case errs > 0 || (strict && warns > 0) || viol > 0:
		msg := countProblems(errs, warns, strict)
		if viol > 0 {
			msg += fmt.Sprintf("; %s of separation of duties", plural(viol, "violation"))
		}
		fmt.Fprintf(a.stderr, "rolecall: %s: %s\n", model.SafeText(d.path), msg)
		return silent(ExitDenied)
	case warns > 0:
		fmt.Fprintf(a.stdout, "%s: no errors; %s (run with --strict to list them)\n", model.SafeText(d.path), plural(warns, "warning"))
	case d.acct == nil:
		fmt.Fprintf(a.stderr, "rolecall: %s: cannot be read as an account\n", model.SafeText(d.path))
		return silent(ExitDenied)
	default:
		n := d.acct
		rules := ""
		if k := len(n.SeparationOfDuties); k > 0 {
			rules = fmt.Sprintf(", %s kept", plural(k, "separation-of-duties rule"))
		}
		fmt.Fprintf(a.stdout, "%s: ok (%s, %s, %s%s)\n", model.SafeText(d.path),
			plural(len(n.Roles), "custom role"), plural(len(n.Users), "user"), plural(len(n.Environments), "environment"), rules)
	}
	return nil
}

// sodAccount is the account whose users a file's separation-of-duties
// rules are checked on: the file's, or, for a member of an account group,
// its view (the roles its groups share and its group users, R21, R25).
func (a *app) sodAccount(d *doc) *model.Account {
	if !inGroup(d.acct) || d.acct.Primary == "" {
		return d.acct
	}
	set, _, err := storage.LoadGroup(d.path)
	if err != nil {
		return d.acct // the group's problems are listed above
	}
	key, ok := storage.GroupKey(set, d.path)
	if !ok {
		return d.acct
	}
	view, err := set.View(key)
	if err != nil {
		return d.acct
	}
	return view
}

func countProblems(errs, warns int, strict bool) string {
	s := plural(errs, "error")
	if strict {
		s += ", " + plural(warns, "warning")
	} else if warns > 0 {
		s += fmt.Sprintf(" (and %s: see --strict)", plural(warns, "warning"))
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func (a *app) checkCommand() *cobra.Command {
	var envName string
	var asJSON bool
	c := &cobra.Command{
		Use:   "check USER PRIVILEGE",
		Short: "is USER allowed PRIVILEGE (account-wide, or in --env ENV), and why",
		Long: `check answers whether USER (an email) holds PRIVILEGE, account-wide or, with
--env, as it counts inside that environment (R13-R16), with the reason and every
role it comes from. Privileges are matched ignoring case, old names too
("Atom Management" is Runtime Management, R0).

Exit 0 allowed, 1 denied, 2 unknown user, privilege or environment.

Privileges:
`, // + privilegeHelp(), when help is shown (withLateLong)
		Args: exactArgs("USER", "PRIVILEGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			acct, res, u, err := a.openUser(args[0])
			if err != nil {
				return err
			}
			p, err := parsePrivilege(args[1])
			if err != nil {
				return err
			}
			e := -1
			if cmd.Flags().Changed("env") {
				if e, err = a.envIndex(res, acct, envName); err != nil {
					return err
				}
			}
			v := res.Explain(u, p, e)
			if asJSON {
				if err := a.writeJSON(v); err != nil {
					return err
				}
			} else {
				a.printVerdict(v)
			}
			if !v.Allowed {
				return silent(ExitDenied)
			}
			return nil
		},
	}
	c.Flags().StringVar(&envName, "env", "", "answer inside environment `ENV`")
	c.Flags().BoolVar(&asJSON, "json", false, "print the verdict as JSON")
	withLateLong(c, privilegeHelp)
	return c
}

// privilegeHelp lists the catalog, one privilege a line, old names beside.
func privilegeHelp() string {
	var b strings.Builder
	for _, p := range model.AllPrivileges() {
		info := p.Info()
		fmt.Fprintf(&b, "  %-36s %s", info.Name, info.Short)
		if len(info.OldNames) > 0 && len(info.OldNames[0]) < 40 {
			fmt.Fprintf(&b, " (was %s)", strings.Join(info.OldNames, ", "))
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (a *app) printVerdict(v model.Verdict) {
	where := "account-wide"
	if v.Environment != nil {
		where = "in " + model.SafeText(*v.Environment)
	}
	verdict := "DENIED"
	if v.Allowed {
		verdict = "ALLOWED"
	}
	fmt.Fprintf(a.stdout, "%s: %s %s %s\n", verdict, model.SafeText(v.User), model.SafeText(v.Privilege), where)
	fmt.Fprintf(a.stdout, "  why: %s\n", model.SafeText(v.Because))
	for _, s := range v.Sources {
		fmt.Fprintf(a.stdout, "  from: %s\n", model.SafeText(s.Detail()))
	}
}

// userIndex and envIndex find names in a resolver, with exit 2 and a
// suggestion when there is no such user or environment.
// openUser opens the account file, indexes it and finds the user named on
// the command line (exit 2 for a file with errors or an unknown user).
//
// From the load cache only the users with that email (model.SameName) are
// built: what rolecall answers about a user depends on no other user.
// storage gives every user when none has that email (the answer then
// suggests the nearest); a file with errors has them all listed either
// way, and a file in an account group is answered from its group's view.
func (a *app) openUser(email string) (*model.Account, *model.Resolver, int, error) {
	path := a.path()
	d, some, err := a.loadUsers(path, func(e string) bool { return model.SameName(e, email) })
	if err != nil {
		return nil, nil, -1, err
	}
	if some && d.acct != nil && !storage.HasErrors(d.problems) && !inGroup(d.acct) {
		res := model.NewResolver(d.acct)
		if u := res.User(email); u >= 0 {
			return d.acct, res, u, nil
		}
		// Not found among those kept: never so, but then read whole.
		if d, err = a.load(path); err != nil {
			return nil, nil, -1, err
		}
	}
	acct, err := a.sound(d)
	if err == nil {
		acct, err = a.groupView(acct)
	}
	if err != nil {
		return nil, nil, -1, err
	}
	res := model.NewResolver(acct)
	u, err := a.userIndex(res, acct, email)
	return acct, res, u, err
}

func (a *app) userIndex(res *model.Resolver, acct *model.Account, email string) (int, error) {
	if u := res.User(email); u >= 0 {
		return u, nil
	}
	return -1, a.unknown("user", email, model.NoSuchUser, userEmails(acct))
}

func (a *app) envIndex(res *model.Resolver, acct *model.Account, name string) (int, error) {
	if e := res.Environment(name); e >= 0 {
		return e, nil
	}
	return -1, a.unknown("environment", name, model.NoSuchEnvironment, envNames(acct))
}

func (a *app) explainCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "explain USER",
		Short: "USER's effective privileges with every source, and each environment",
		Long: `explain lists every privilege USER holds account-wide (R11) with each role it
comes from and the inheritance chain through which it does, then every
environment: visible or not, access, deploy, schedule and edit, with reasons.`,
		Args: exactArgs("USER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, res, u, err := a.openUser(args[0])
			if err != nil {
				return err
			}
			x := res.ExplainUser(u)
			if asJSON {
				return a.writeJSON(x)
			}
			a.printExplain(x, res.MissingRoles(u))
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return c
}

// userHeader prints the user and the roles they hold, then the names in
// their list that name no role (missing), each marked as such.
func (a *app) userHeader(email, name string, roles, missing []string) {
	head := model.SafeText(email)
	if name != "" {
		head += " (" + model.SafeText(name) + ")"
	}
	fmt.Fprintln(a.stdout, head)
	shown := slices.Clone(roles)
	for _, m := range missing {
		shown = append(shown, model.DanglingRole(m))
	}
	fmt.Fprintf(a.stdout, "roles: %s\n", safeJoin(shown))
}

func safeJoin(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = model.SafeText(n)
	}
	return strings.Join(out, ", ")
}

func (a *app) printExplain(x model.Explanation, missing []string) {
	a.userHeader(x.User, x.Name, x.Roles, missing)
	fmt.Fprintf(a.stdout, "\nprivileges (%d):\n", len(x.Privileges))
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	for _, g := range x.Privileges {
		fmt.Fprintf(tw, "  %s\t%s\n", model.SafeText(g.Privilege.String()), model.SafeText(g.From()))
	}
	tw.Flush()
	a.printEnvironments(x.Environments)
}

func (a *app) printEnvironments(envs []model.EnvView) {
	fmt.Fprintf(a.stdout, "\nenvironments (%d):\n", len(envs))
	if len(envs) == 0 {
		fmt.Fprintln(a.stdout, "  none in this account")
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ENVIRONMENT\tVISIBLE\tACCESS\tDEPLOY\tSCHEDULE\tEDIT EXTENSIONS")
	for _, e := range envs {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", model.SafeText(e.Environment), yesNo(e.Visible), e.Access,
			yesNo(e.Deploy), yesNo(e.Schedule), yesNo(e.EditExtensions))
	}
	tw.Flush()
	for _, e := range envs {
		fmt.Fprintf(a.stdout, "\n  %s\n", model.SafeText(e.Environment))
		fmt.Fprintf(a.stdout, "    %s\n", model.SafeText(e.Reason))
		if e.Visible {
			fmt.Fprintf(a.stdout, "    deploy: %s\n", model.SafeText(e.DeployReason))
			fmt.Fprintf(a.stdout, "    schedule: %s\n", model.SafeText(e.ScheduleReason))
			fmt.Fprintf(a.stdout, "    edit extensions: %s\n", model.SafeText(e.EditReason))
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (a *app) previewCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "preview USER",
		Short: "pages, actions and environments as USER sees them",
		Long: `preview shows every page as hidden, read-only or full, each action on it as
[allowed] or [refused] with the reason, and each environment with visible,
access, deploy, schedule and edit extensions (access-model.md section 5).
Hidden pages are listed without their actions; --json has everything.`,
		Args: exactArgs("USER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			acct, res, u, err := a.openUser(args[0])
			if err != nil {
				return err
			}
			pv := res.Preview(u)
			if asJSON {
				return a.writeJSON(pv)
			}
			a.printPreview(pv, acct.Users[u].Name)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return c
}

func (a *app) printPreview(pv model.Preview, name string) {
	a.userHeader(pv.User, name, pv.Roles, pv.MissingRoles)
	if pv.UnknownCodes != "" {
		fmt.Fprintln(a.stdout, "note: "+model.SafeText(pv.UnknownCodes))
	}
	fmt.Fprintln(a.stdout, "\npages:")
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	for _, p := range pv.Pages {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", model.SafeText(p.Page), p.Access, model.SafeText(p.Because))
	}
	tw.Flush()
	for _, p := range pv.Pages {
		if p.Access == model.PageHidden || (len(p.Actions) == 0 && p.Banner == "") {
			continue
		}
		fmt.Fprintf(a.stdout, "\n  %s (%s)\n", model.SafeText(p.Page), p.Access)
		if p.Banner != "" {
			fmt.Fprintf(a.stdout, "    banner: %s\n", model.SafeText(p.Banner))
		}
		writeActions(a.stdout, p.Actions)
	}
	a.printEnvironments(pv.Environments)
}

func writeActions(w io.Writer, acts []model.ActionView) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, act := range acts {
		tag := "[refused]"
		if act.Allowed {
			tag = "[allowed]"
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\n", tag, model.SafeText(act.Action), model.SafeText(act.Because))
	}
	tw.Flush()
}

// whoCanJSON is the documented shape of `who-can --json`: Users is
// written as the list of model.Holder it gives.
type whoCanJSON struct {
	Privilege   string        `json:"privilege"`
	Environment *string       `json:"environment"`
	Users       *holderStream `json:"users"`
}

// holderStream gives a model.HolderList's holders one at a time
// (elemList), each formed in the same memory, which streamJSON writes
// before asking for the next: the answer's holders are never all formed
// at once. Written whole, it is the list of them (HolderList.MarshalJSON).
type holderStream struct {
	list *model.HolderList
	h    model.Holder
	buf  []model.Source
}

func (s *holderStream) Len() int { return s.list.Len() }

func (s *holderStream) Elem(i int) any {
	s.h, s.buf = s.list.Holder(i, s.buf)
	return &s.h
}

func (s *holderStream) MarshalJSON() ([]byte, error) { return s.list.MarshalJSON() }

func (a *app) whoCanCommand() *cobra.Command {
	var envName string
	var across bool
	var asJSON bool
	c := &cobra.Command{
		Use:   "who-can PRIVILEGE",
		Short: "every user who holds PRIVILEGE (account-wide, or in --env ENV), with sources",
		Args:  exactArgs("PRIVILEGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if across {
				return a.whoCanAcross(args[0], envName, asJSON)
			}
			acct, err := a.openView()
			if err != nil {
				return err
			}
			res := model.NewResolver(acct)
			p, err := parsePrivilege(args[0])
			if err != nil {
				return err
			}
			w := whoCanJSON{Privilege: p.String()}
			e := -1
			if cmd.Flags().Changed("env") {
				if e, err = a.envIndex(res, acct, envName); err != nil {
					return err
				}
				name := acct.Environments[e].Name
				w.Environment = &name
			}
			w.Users = &holderStream{list: res.WhoCanList(p, e)}
			if asJSON {
				return a.writeJSON(w)
			}
			a.printWhoCan(w)
			return nil
		},
	}
	c.Flags().StringVar(&envName, "env", "", "as the privilege counts inside environment `ENV`")
	c.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	c.Flags().BoolVar(&across, "group", false, "in every account of the file's account groups: the primary and each member (R26)")
	return c
}

// whoCanAcross is who-can --group: who holds privilege in each account of
// the file's account group, each by its own rules (R26).
func (a *app) whoCanAcross(privilege, env string, asJSON bool) error {
	acct, err := a.open()
	if err != nil {
		return err
	}
	if !inGroup(acct) {
		return usageErr("%s is in no account group; --group asks across one", model.SafeText(a.path()))
	}
	g, err := a.loadGroup(a.path())
	if err != nil {
		return err
	}
	p, err := parsePrivilege(privilege)
	if err != nil {
		return err
	}
	out := struct {
		Privilege   string                 `json:"privilege"`
		Environment *string                `json:"environment"`
		Accounts    []model.AccountHolders `json:"accounts"`
	}{Privilege: p.String(), Accounts: g.set.WhoCan(p, env)}
	if env != "" {
		out.Environment = &env
	}
	if asJSON {
		return a.writeJSON(out)
	}
	where := "account-wide"
	if env != "" {
		where = "in environments named " + model.SafeText(env)
	}
	n := 0
	for _, acc := range out.Accounts {
		n += len(acc.Holders)
	}
	fmt.Fprintf(a.stdout, "%s %s, across the account group of %s: %s in %s\n", model.SafeText(out.Privilege), where,
		model.SafeText(g.set.Primary.Name), plural(n, "user"), plural(len(out.Accounts), "account"))
	for _, acc := range out.Accounts {
		fmt.Fprintf(a.stdout, "\n%s (%s)\n", model.SafeText(acc.Account), model.SafeText(acc.File))
		hs := acc.Holders
		a.holderTable(len(hs), func(i int) string { return model.SafeText(hs[i].User) }, func(i int) string { return model.SafeText(hs[i].From()) })
	}
	return nil
}

func (a *app) printWhoCan(w whoCanJSON) {
	where := "account-wide"
	if w.Environment != nil {
		where = "in " + model.SafeText(*w.Environment)
	}
	fmt.Fprintf(a.stdout, "%s %s: %s\n", model.SafeText(w.Privilege), where, plural(w.Users.Len(), "user"))
	a.holderTable(w.Users.Len(), func(i int) string { return model.SafeText(w.Users.list.User(i)) },
		func(i int) string { return model.SafeText(w.Users.Elem(i).(*model.Holder).From()) })
}
