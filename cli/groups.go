package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

// The group commands edit a primary's account groups (access-model.md §6).
// An edit that changes several files (un-sharing a role members' users
// hold, removing a member) changes all of them or none, under every file's
// lock (storage.UpdateGroup); the rules are the model's (model.ApplyGroup).

func (a *app) groupCommand() *cobra.Command {
	var dry bool
	wrap := func(c *cobra.Command) *cobra.Command {
		c.Flags().BoolVar(&dry, "dry-run", false, "say what it would change in every file, and write nothing")
		c.Flags().BoolVar(&a.groupJSON, "json", false, "print what it changes as JSON")
		c.Flags().BoolVar(&a.sod.allow, "allow-violation", false, "do it even if a user then breaks a separation-of-duties rule (the audit entry records it)")
		return c
	}
	list := a.groupListCommand()
	add := wrap(&cobra.Command{Use: "add NAME", Short: "add an account group to the primary (R20)", Args: exactArgs("NAME"),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.groupEdit(model.AddGroup{Name: args[0]}, dry)
		}})
	rm := wrap(&cobra.Command{Use: "rm NAME", Short: "remove an account group: its members' users lose its shared roles (R23)", Args: exactArgs("NAME"),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.groupEdit(model.RemoveGroup{Name: args[0]}, dry)
		}})
	share := wrap(&cobra.Command{Use: "share GROUP ROLE", Short: "share a custom role of the primary with the group's members (R20, R21)", Args: exactArgs("GROUP", "ROLE"),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.groupEdit(model.ShareRole{Group: args[0], Role: args[1]}, dry)
		}})
	unshare := wrap(&cobra.Command{Use: "unshare GROUP ROLE", Short: "stop sharing a role: every member's users lose it (R23)", Args: exactArgs("GROUP", "ROLE"),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.groupEdit(model.UnshareRole{Group: args[0], Role: args[1]}, dry)
		}})
	var account string
	addMember := wrap(&cobra.Command{Use: "add-member GROUP FILE", Short: "add a member account (its file, relative to the primary's)", Args: exactArgs("GROUP", "FILE"),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.groupEdit(model.AddMember{Group: args[0], File: filepath.ToSlash(args[1]), BoomiAccount: account}, dry)
		}})
	addMember.Flags().StringVar(&account, "account", "", "the member's Boomi account id")
	rmMember := wrap(&cobra.Command{Use: "rm-member GROUP FILE", Short: "remove a member account: its users lose the group's roles (R23)", Args: exactArgs("GROUP", "FILE"),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.groupEdit(model.RemoveMember{Group: args[0], File: filepath.ToSlash(args[1])}, dry)
		}})
	var roles []string
	var name string
	addUser := wrap(&cobra.Command{Use: "add-user GROUP EMAIL", Short: "give a user roles in every member of the group (R25)", Args: exactArgs("GROUP", "EMAIL"),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(roles) == 0 {
				return usageErr("group add-user needs at least one --role")
			}
			return a.groupEdit(model.AddGroupUser{Group: args[0], Email: args[1], Name: name, Roles: roles}, dry)
		}})
	addUser.Flags().StringArrayVar(&roles, "role", nil, "a role the group gives (built-in, or one it shares); repeat for more")
	addUser.Flags().StringVar(&name, "name", "", "the user's name")
	rmUser := wrap(&cobra.Command{Use: "rm-user GROUP EMAIL", Short: "take a group user out of the group", Args: exactArgs("GROUP", "EMAIL"),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.groupEdit(model.RemoveGroupUser{Group: args[0], Email: args[1]}, dry)
		}})
	return group("group", "account groups: share roles of a primary with member accounts",
		list, add, rm, share, unshare, addMember, rmMember, addUser, rmUser)
}

// primaryOf returns the primary's file of the -f file (itself when it is
// no member) and its account as read.
func (a *app) primaryOf() (string, *model.Account, error) {
	path := a.path()
	acct, err := a.open()
	if err != nil {
		return "", nil, err
	}
	if acct.Primary == "" {
		return path, acct, nil
	}
	// A member: its primary as the group's loader finds it (the path
	// checked, no chain of primaries, the primary listing it back).
	set, probs, err := storage.LoadGroup(path)
	if err != nil {
		for _, p := range storage.Errors(probs) {
			fmt.Fprintln(a.stderr, p.String())
		}
		return "", nil, fail(ExitUsage, "%v", err)
	}
	if _, ok := storage.GroupKey(set, path); !ok {
		return "", nil, fail(ExitUsage, "%s is not in the groups of its primary %s: add it there (rolecall group add-member), or remove account.primary from it",
			model.SafeText(path), model.SafeText(set.PrimaryFile))
	}
	return set.PrimaryFile, set.Primary, nil
}

// groupSetOf loads the group of the primary's file p (an account with no
// group yet is a primary of none).
func (a *app) groupSetOf(p string, acct *model.Account) (*model.GroupSet, error) {
	if len(acct.Groups) == 0 {
		return storage.NewGroupSet(p, acct), nil
	}
	g, err := a.loadGroup(p)
	if err != nil {
		return nil, err
	}
	return g.set, nil
}

// memberPath is the path of member file key (as the primary writes it).
func memberPath(primary, key string) string {
	return filepath.Join(filepath.Dir(primary), filepath.FromSlash(key))
}

func (a *app) groupEdit(op model.GroupOp, dry bool) error {
	primary, acct, err := a.primaryOf()
	if err != nil {
		return err
	}
	set, err := a.groupSetOf(primary, acct)
	if err != nil {
		return err
	}
	// The files the edit reads or may write: the primary, every member,
	// and a member being added.
	var others []string
	keys := map[string]string{} // path -> key
	for key := range set.Members {
		p := memberPath(primary, key)
		others = append(others, p)
		keys[p] = key
	}
	if am, ok := op.(model.AddMember); ok {
		// As the primary's file will hold it: refused before it is looked
		// for (an absolute path joined to the primary's directory would
		// name another file).
		if why := storage.GroupPathProblem(am.File); why != "" {
			return usageErr("member file %s %s", model.SafeText(am.File), why)
		}
		p := memberPath(primary, am.File)
		if _, err := os.Lstat(p); err != nil {
			return usageErr("member file %s: %v (create it first, e.g. rolecall -f %s init --empty)", model.SafeText(am.File), errors.Unwrap(err), model.SafeText(p))
		}
		if !slices.Contains(others, p) {
			others = append(others, p)
			keys[p] = am.File
		}
	}
	slices.Sort(others)
	var outcome model.GroupOutcome
	apply := func(accts map[string]*model.Account) (map[string]*model.Account, error) {
		s := set.WithAccounts(accts[primary], map[string]*model.Account{})
		for p, key := range keys {
			if acc, ok := accts[p]; ok {
				if _, member := set.Members[key]; member {
					s.Members[key] = acc
				}
			}
		}
		o := op
		if am, ok := op.(model.AddMember); ok {
			am.Account = accts[memberPath(primary, am.File)]
			o = am
		}
		ns, oc, err := model.ApplyGroup(s, o)
		if err != nil {
			return nil, err
		}
		if err := a.guardGroupViolations(op.Describe(), primary, model.NewGroupViolations(s, ns)); err != nil {
			return nil, err
		}
		outcome = oc
		out := map[string]*model.Account{}
		for _, fc := range oc.Changes {
			if !fc.Written {
				continue
			}
			if fc.File == set.PrimaryFile || fc.File == "" {
				out[primary] = fc.Account
			} else {
				out[memberPath(primary, fc.File)] = fc.Account
			}
		}
		return out, nil
	}
	if dry {
		accts := map[string]*model.Account{primary: set.Primary}
		for p, key := range keys {
			if m, ok := set.Members[key]; ok {
				accts[p] = m
			} else if d, err := storage.Load(p); err == nil && d.Account != nil {
				accts[p] = d.Account
			}
		}
		if _, err := apply(accts); err != nil {
			return a.editError(err)
		}
		if a.groupJSON {
			return a.writeJSON(groupJSON(op, false, outcome))
		}
		fmt.Fprintf(a.stdout, "%s would change (nothing was written):\n", model.SafeText(op.Describe()))
		a.printGroupOutcome(primary, outcome)
		for _, fc := range outcome.Changes {
			p := primary
			if fc.File != set.PrimaryFile && fc.File != "" {
				p = memberPath(primary, fc.File)
			}
			if fc.Written && !inLayout(p) {
				fmt.Fprintf(a.stdout, "  note: %s would be rewritten in rolecall's layout: comments, blank lines and the original order would not be kept\n", model.SafeText(fc.File))
			}
		}
		return nil
	}
	var relaid []string
	_, err = storage.UpdateGroup(primary, others, storage.SaveOptions{Actor: a.actor, AllowedViolations: a.sod.recorded, ChangeFunc: func(_, _ *model.Account) any {
		return map[string]any{"edits": []string{op.Describe()}, "access": groupLines(outcome)}
	}, RelaidFile: func(p string) { relaid = append(relaid, p) }}, apply)
	defer func() {
		w := a.stdout
		if a.groupJSON {
			w = a.stderr // stdout holds the JSON only
		}
		for _, p := range relaid {
			fmt.Fprintf(w, "  note: %s was rewritten in rolecall's layout: comments, blank lines and the original order were not kept\n", model.SafeText(p))
		}
	}()
	if err != nil {
		var ref *model.Refused
		var xe *exitError // a refusal of the CLI's own (guardViolations)
		if errors.As(err, &ref) || errors.As(err, &xe) {
			return a.editError(err)
		}
		var te *storage.GroupTxnError
		if errors.As(err, &te) {
			return fail(ExitDenied, "%v", err)
		}
		return a.storageError(err)
	}
	if a.groupJSON {
		a.printAllowedTo(a.stderr) // stdout holds the JSON only
		return a.writeJSON(groupJSON(op, true, outcome))
	}
	fmt.Fprintf(a.stdout, "%s: done\n", model.SafeText(op.Describe()))
	a.printGroupOutcome(primary, outcome)
	a.printAllowed()
	return nil
}

// groupFileJSON is one file of a group edit's JSON.
type groupFileJSON struct {
	File       string   `json:"file"`
	Written    bool     `json:"written"`
	Summary    []string `json:"summary"`
	LostAccess []string `json:"lost_access"`
}

// groupJSON is a group edit as JSON: the edit, whether it was written, and
// for every file whether it is written, what changes for whom there, and
// who is left without any role (R23), then the model's notes.
func groupJSON(op model.GroupOp, written bool, oc model.GroupOutcome) any {
	files := []groupFileJSON{}
	for _, fc := range oc.Changes {
		files = append(files, groupFileJSON{File: fc.File, Written: fc.Written, Summary: fc.Diff.Summary(), LostAccess: fc.LostAccess})
	}
	return struct {
		Edit    string          `json:"edit"`
		Written bool            `json:"written"`
		Files   []groupFileJSON `json:"files"`
		Notes   []string        `json:"notes"`
	}{op.Describe(), written, files, oc.Notes}
}

// inLayout reports whether the file at p holds the bytes rolecall would
// write for its account (an edit keeps them; otherwise it re-lays them).
func inLayout(p string) bool {
	data, err := os.ReadFile(p)
	if err != nil {
		return true
	}
	acct, _ := storage.Decode(p, data)
	return acct == nil || string(storage.Encode(acct)) == string(data)
}

// groupLines is an outcome in words, file by file: for the audit entry.
func groupLines(oc model.GroupOutcome) []string {
	var out []string
	for _, fc := range oc.Changes {
		for _, l := range fc.Diff.Summary() {
			out = append(out, fc.File+": "+l)
		}
		for _, u := range fc.LostAccess {
			out = append(out, fc.File+": "+u+" loses access to the account: no role is left")
		}
	}
	return append(out, oc.Notes...)
}

// printGroupOutcome says, for every file, whether it is written and what
// changes for whom there, and who is left without any role (R23).
func (a *app) printGroupOutcome(primary string, oc model.GroupOutcome) {
	for _, fc := range oc.Changes {
		state := "its view changes (the file is not written)"
		if fc.Written {
			state = "written"
		}
		fmt.Fprintf(a.stdout, "  %s: %s\n", model.SafeText(fc.File), state)
		sum := fc.Diff.Summary()
		if len(sum) == 0 && len(fc.LostAccess) == 0 {
			fmt.Fprintln(a.stdout, "    nothing changes for anyone's access")
		}
		for _, l := range sum {
			fmt.Fprintf(a.stdout, "    %s\n", model.SafeText(l))
		}
		for _, u := range fc.LostAccess {
			fmt.Fprintf(a.stdout, "    %s loses access to this account: no role is left\n", model.SafeText(u))
		}
	}
	for _, n := range oc.Notes {
		fmt.Fprintf(a.stdout, "  note: %s\n", model.SafeText(n))
	}
	for _, w := range oc.Warnings {
		fmt.Fprintf(a.stdout, "  warning: %s (%s)\n", model.SafeText(w.Message), w.Cite())
	}
}

func (a *app) groupListCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "the account groups of the file's primary: members, shared roles, group users",
		Args:  noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			primary, acct, err := a.primaryOf()
			if err != nil {
				return err
			}
			if asJSON {
				type member struct {
					File         string `json:"file"`
					BoomiAccount string `json:"boomi_account"`
				}
				type user struct {
					Email string   `json:"email"`
					Name  string   `json:"name"`
					Roles []string `json:"roles"`
				}
				type grp struct {
					Name        string   `json:"name"`
					SharedRoles []string `json:"shared_roles"`
					Members     []member `json:"members"`
					Users       []user   `json:"users"`
				}
				out := struct {
					Primary string `json:"primary"`
					Groups  []grp  `json:"groups"`
				}{Primary: primary, Groups: []grp{}}
				for _, g := range acct.Groups {
					x := grp{Name: g.Name, SharedRoles: g.SharedRoles, Members: []member{}, Users: []user{}}
					for _, m := range g.Members {
						x.Members = append(x.Members, member{m.File, m.BoomiAccount})
					}
					for _, u := range g.Users {
						x.Users = append(x.Users, user{u.Email, u.Name, u.Roles})
					}
					out.Groups = append(out.Groups, x)
				}
				return a.writeJSON(out)
			}
			if len(acct.Groups) == 0 {
				fmt.Fprintf(a.stdout, "%s has no account group\n", model.SafeText(primary))
				return nil
			}
			fmt.Fprintf(a.stdout, "account groups of %s (%s):\n", model.SafeText(acct.Name), model.SafeText(primary))
			for _, g := range acct.Groups {
				fmt.Fprintf(a.stdout, "\n%s\n", model.SafeText(g.Name))
				fmt.Fprintf(a.stdout, "  shares:  %s\n", model.SafeText(orNone(strings.Join(g.SharedRoles, ", "))))
				for _, m := range g.Members {
					id := ""
					if m.BoomiAccount != "" {
						id = " (Boomi account " + m.BoomiAccount + ")"
					}
					fmt.Fprintf(a.stdout, "  member:  %s%s\n", model.SafeText(m.File), model.SafeText(id))
				}
				for _, u := range g.Users {
					fmt.Fprintf(a.stdout, "  user:    %s: %s\n", model.SafeText(u.Email), model.SafeText(strings.Join(u.Roles, ", ")))
				}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return c
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
