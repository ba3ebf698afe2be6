package cli

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

// Scripted edits. Each builds one model operation from the account as read
// under the file's lock, and storage applies it, validates, writes
// atomically and records it in the audit log. The CLI checks only what the
// command line names (exit 2 for an unknown name) and asks before a
// widening; every rule is the model's.

// buildFunc makes the operation from the freshly read account.
type buildFunc func(acct *model.Account) (model.Op, error)

// buildOps makes the edits of one command from the freshly read account:
// each changes one field or one membership (model.Op).
type buildOps func(acct *model.Account) ([]model.Op, error)

// edit runs one scripted edit and prints what it changes for whom. An edit
// that would open an environment to every role is refused, whatever the
// edit.
func (a *app) edit(build buildFunc) error { return a.editAllowing(build, false) }

// editAllowing is edit; with allowWidening it keeps an edit that opens
// environments to every role (model.Outcome.Widened, R8, R12).
func (a *app) editAllowing(build buildFunc, allowWidening bool) error {
	return a.editOps(func(acct *model.Account) ([]model.Op, error) {
		op, err := build(acct)
		if err != nil {
			return nil, err
		}
		return []model.Op{op}, nil
	}, allowWidening)
}

// editOps runs the edits of one command through the edit pipeline
// (model.Working) under the file's lock: all apply or none. The pipeline's
// diff is what it prints, and its record is what the audit trail keeps.
func (a *app) editOps(build buildOps, allowWidening bool) error {
	var (
		next *model.Working
		out  model.Outcome
	)
	err := a.update(func(acct *model.Account) (*model.Working, error) {
		if inGroup(acct) {
			return nil, errInGroup // found under the lock: no extra read for the others
		}
		ops, err := build(acct)
		if err != nil {
			return nil, err
		}
		w, oc, err := model.NewWorking(acct).Apply(ops...)
		if err != nil {
			return nil, err
		}
		if err := widening(ops, oc.Widened, allowWidening); err != nil {
			return nil, err
		}
		if err := a.guardViolations(describeAll(ops), "", model.NewViolations(w.BaseResolver(), w.Resolver())); err != nil {
			return nil, err
		}
		next, out = w, oc
		return w, nil
	})
	if errors.Is(err, errInGroup) {
		return a.editInGroup(build, allowWidening)
	}
	if err != nil {
		return a.editError(err)
	}
	a.printEdit(next, out)
	a.printAllowed()
	return nil
}

// errInGroup sends an edit of a file in an account group to editInGroup.
var errInGroup = errors.New("the file is in an account group")

// editInGroup is editOps for a file in an account group. The commands name
// things as the file's view shows them (a member's "NAME (shared)"); the
// group's rules decide first, one edit at a time (model.ApplyPrimary: R24,
// R22; model.ApplyMember: R20, R21, R25); the pipeline on the view gives
// what changes for whom and the audit record; the file gets the account
// the group's rules leave it (a member's own, never its view). Only this
// file is written: an edit of a primary reaches its members through their
// views, which the output lists (R22).
func (a *app) editInGroup(build buildOps, allowWidening bool) error {
	g, err := a.loadGroup(a.path()) // before any lock: it may finish an interrupted group update
	if err != nil {
		return err
	}
	primary := g.set.PrimaryFile
	// The files read under their locks: a member and its primary (so that
	// an un-share cannot slip between the read and the write), or a
	// primary and all its members (R24 looks at every one).
	self := primary
	var others []string
	if g.key != "" {
		self = memberPath(primary, g.key)
		others = []string{self}
	} else {
		for key := range g.set.Members {
			others = append(others, memberPath(primary, key))
		}
	}
	var (
		next   *model.Working
		out    model.Outcome
		impact []model.FileChange
		relaid []string
	)
	_, err = storage.UpdateGroup(primary, others, storage.SaveOptions{
		Actor:             a.actor,
		AllowedViolations: a.sod.recorded,
		ChangeFunc: func(_, _ *model.Account) any {
			rec, err := next.Record()
			if err != nil {
				return map[string]string{"error": err.Error()}
			}
			return rec
		},
		RelaidFile: func(p string) { relaid = append(relaid, p) },
	}, func(accts map[string]*model.Account) (map[string]*model.Account, error) {
		set := g.set.WithAccounts(accts[primary], maps.Clone(g.set.Members))
		for key := range set.Members {
			if acc, ok := accts[memberPath(primary, key)]; ok {
				set.Members[key] = acc
			}
		}
		view, err := set.View(g.key)
		if err != nil {
			return nil, err
		}
		ops, err := build(view)
		if err != nil {
			return nil, err
		}
		s := set
		impact = impact[:0]
		for _, op := range ops {
			var oc model.GroupOutcome
			if g.key == "" {
				s, oc, err = model.ApplyPrimary(s, op)
			} else {
				s, oc, err = model.ApplyMember(s, g.key, op)
			}
			if err != nil {
				return nil, err
			}
			impact = append(impact, oc.Changes...)
		}
		// The pipeline gives what changes for whom in this file and the
		// audit record: on a member's view; on the primary without its
		// groups, which the group's rules above have dealt with.
		base := view
		if g.key == "" {
			c := *view
			c.Groups = nil
			base = &c
		}
		w, oc, err := model.NewWorking(base).Apply(ops...)
		if err != nil {
			return nil, err
		}
		if err := widening(ops, oc.Widened, allowWidening); err != nil {
			return nil, err
		}
		// Separation of duties in every file the edit reaches through the
		// views: this one, and a primary's members (R22).
		if err := a.guardGroupViolations(describeAll(ops), primary, model.NewGroupViolations(set, s)); err != nil {
			return nil, err
		}
		next, out = w, oc
		if g.key == "" {
			return map[string]*model.Account{primary: s.Primary}, nil
		}
		return map[string]*model.Account{self: s.Members[g.key]}, nil
	})
	var se *storage.SavedError
	if err != nil && !errors.As(err, &se) {
		var ref *model.Refused
		var xe *exitError
		if errors.As(err, &ref) || errors.As(err, &xe) {
			return a.editError(err)
		}
		return a.storageError(err)
	}
	if se != nil {
		fmt.Fprintln(a.stderr, "rolecall: warning: "+model.SafeText(se.Error()))
	}
	a.printEdit(next, out)
	a.printAllowed()
	for _, p := range relaid {
		fmt.Fprintf(a.stdout, "  note: %s was rewritten in rolecall's layout: comments, blank lines and the original order were not kept\n", model.SafeText(p))
	}
	for _, fc := range impact {
		if fc.File == g.key || fc.File == primary {
			continue
		}
		sum := fc.Diff.Summary()
		if len(sum) == 0 {
			continue
		}
		fmt.Fprintf(a.stdout, "  in member %s, through its view:\n", model.SafeText(fc.File))
		for _, l := range sum {
			fmt.Fprintf(a.stdout, "    %s\n", model.SafeText(l))
		}
	}
	return nil
}

func describeAll(ops []model.Op) string {
	var ds []string
	for _, op := range ops {
		ds = append(ds, op.Describe())
	}
	return strings.Join(ds, "; ")
}

func (a *app) printEdit(w *model.Working, out model.Outcome) {
	if !w.Dirty() {
		fmt.Fprintf(a.stdout, "nothing to change: %s is so already\n", model.SafeText(a.path()))
		return
	}
	d := w.Diff()
	fmt.Fprintf(a.stdout, "%s: done, saved to %s\n", model.SafeText(describeAll(w.Ops())), model.SafeText(a.path()))
	for _, n := range out.Notes {
		fmt.Fprintf(a.stdout, "  note: %s\n", model.SafeText(n))
	}
	sum := d.Summary()
	if len(sum) == 0 {
		fmt.Fprintln(a.stdout, "  nothing changes for anyone's access")
	}
	for _, l := range sum {
		fmt.Fprintf(a.stdout, "  %s\n", model.SafeText(l))
	}
	for _, w := range out.Warnings {
		fmt.Fprintf(a.stdout, "  warning: %s (%s)\n", model.SafeText(w.Message), w.Cite())
	}
}

// editError turns a refusal into exit 1 with its rule, and passes the CLI's
// own errors (unknown names, exit 2) through.
func (a *app) editError(err error) error {
	var xe *exitError
	if errors.As(err, &xe) {
		return xe
	}
	var ref *model.Refused
	if errors.As(err, &ref) {
		lines := []string{ref.Error() + "; nothing was changed"}
		for i, p := range ref.Problems {
			if i == 0 {
				continue // the first is the message above
			}
			lines = append(lines, fmt.Sprintf("  also: %s (%s)", p.Message, p.Cite()))
		}
		return &exitError{code: ExitDenied, lines: lines}
	}
	return a.storageError(err)
}

// widening refuses edits ops that would open environments envs to every
// role unless --allow-widening was given; the model says what they do
// (model.WideningNote).
func widening(ops []model.Op, envs []string, allow bool) error {
	if len(envs) == 0 || allow {
		return nil
	}
	return &exitError{code: ExitDenied, lines: []string{
		fmt.Sprintf("%s refused: %s; nothing was changed", model.SafeText(describeAll(ops)), model.WideningNote(ops, envs)),
		"re-run with --allow-widening to do it anyway, or allow another role on it first (rolecall env allow ENV ROLE)",
	}}
}

// ---- role ----

func (a *app) roleCommand() *cobra.Command {
	return a.allowViolationFlag(group("role", "add, edit or remove a custom role",
		a.roleAddCommand(), a.roleEditCommand(), a.roleRmCommand()))
}

func (a *app) roleAddCommand() *cobra.Command {
	var inherits, desc string
	var privs []string
	c := &cobra.Command{
		Use:   "add NAME",
		Short: "create a custom role",
		Long: `role add creates a custom role (R5) with the privileges given by --privilege
(repeat it, or give a comma-separated list; old names are accepted, R0) and,
with --inherits, a parent role whose privileges it gets as well (R6).
Custom roles need Advanced User Security on (R3).`,
		Example: `  rolecall role add "Release Managers" --inherits Support --privilege "Runtime Management" --privilege "Environment Management Full Access"`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ps, err := parsePrivileges(privs)
			if err != nil {
				return err
			}
			return a.edit(func(acct *model.Account) (model.Op, error) {
				op := model.AddRole{Name: args[0], Description: desc, Privileges: ps}
				if inherits != "" {
					if op.Inherits, err = a.needRole(acct, inherits); err != nil {
						return nil, err
					}
				}
				return op, nil
			})
		},
	}
	f := c.Flags()
	f.StringVar(&inherits, "inherits", "", "inherit `ROLE`'s privileges (R5, R6)")
	f.StringArrayVarP(&privs, "privilege", "p", nil, "tick privilege `P` (repeatable)")
	f.StringVar(&desc, "description", "", "what the role is for")
	return c
}

func (a *app) roleEditCommand() *cobra.Command {
	var rename, inherits, desc string
	var noInherit bool
	var add, remove []string
	c := &cobra.Command{
		Use:   "edit NAME",
		Short: "rename a custom role, change its parent, tick or untick privileges",
		Long: `role edit changes a custom role. A rename follows the role everywhere it is
named: users, other roles' parents, environments' Roles with Access. Inherited
privileges cannot be unticked (R5): change --inherits instead.`,
		Example: `  rolecall role edit "Cannot View Data" --add Dashboard --remove Execute
  rolecall role edit "Read Only Runtime Management" --no-inherit`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			if noInherit && fl.Changed("inherits") {
				return usageErr("give --inherits ROLE or --no-inherit, not both")
			}
			if !fl.Changed("rename") && !fl.Changed("inherits") && !noInherit && !fl.Changed("description") && len(add)+len(remove) == 0 {
				return usageErr("role edit needs something to change: --rename, --inherits, --no-inherit, --description, --add or --remove")
			}
			addP, err := parsePrivileges(add)
			if err != nil {
				return err
			}
			remP, err := parsePrivileges(remove)
			if err != nil {
				return err
			}
			return a.editOps(func(acct *model.Account) ([]model.Op, error) {
				name, err := a.needRole(acct, args[0])
				if err != nil {
					return nil, err
				}
				var r model.Role // a built-in: the model refuses the edits (R2)
				if i := acct.FindRole(name); i >= 0 {
					r = acct.Roles[i]
				}
				var ops []model.Op
				if fl.Changed("description") {
					ops = append(ops, model.SetDescription{Role: name, From: r.Description, To: desc})
				}
				if noInherit {
					ops = append(ops, model.SetParent{Role: name, From: r.Inherits, To: ""})
				} else if fl.Changed("inherits") {
					parent, err := a.needRole(acct, inherits)
					if err != nil {
						return nil, err
					}
					ops = append(ops, model.SetParent{Role: name, From: r.Inherits, To: parent})
				}
				for _, p := range addP {
					ops = append(ops, model.Tick{Role: name, Privilege: p})
				}
				for _, p := range remP {
					ops = append(ops, model.Untick{Role: name, Privilege: p})
				}
				if fl.Changed("rename") {
					ops = append(ops, model.RenameRole{Role: name, To: rename})
				}
				return ops, nil
			}, false)
		},
	}
	f := c.Flags()
	f.StringVar(&rename, "rename", "", "new name `NEW` (followed everywhere the role is named)")
	f.StringVar(&inherits, "inherits", "", "inherit `ROLE` instead")
	f.BoolVar(&noInherit, "no-inherit", false, "stop inheriting a role")
	f.StringVar(&desc, "description", "", "new description")
	f.StringArrayVar(&add, "add", nil, "tick privilege `P` (repeatable)")
	f.StringArrayVar(&remove, "remove", nil, "untick privilege `P` (repeatable)")
	return c
}

func (a *app) roleRmCommand() *cobra.Command {
	var allow bool
	c := &cobra.Command{
		Use:     "rm NAME",
		Aliases: []string{"remove"},
		Short:   "remove a custom role nobody holds or inherits",
		Long: `role rm removes a custom role. It is refused while a user holds the role or
another role inherits it (R8); the refusal names them. The role is taken off
every environment's Roles with Access; if that leaves an environment with no
role it becomes open to every role (R12), so that needs --allow-widening.`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.editAllowing(func(acct *model.Account) (model.Op, error) {
				name, err := a.needRole(acct, args[0])
				if err != nil {
					return nil, err
				}
				op := model.RemoveRole{Name: name}
				if i := acct.FindRole(name); i >= 0 {
					op.Was = &acct.Roles[i] // so that the audit trail says what went
				}
				return op, nil
			}, allow)
		},
	}
	c.Flags().BoolVar(&allow, "allow-widening", false, "remove it even if an environment becomes open to every role")
	return c
}

// ---- user ----

func (a *app) userCommand() *cobra.Command {
	return a.allowViolationFlag(group("user", "add or remove a user, assign or unassign a role",
		a.userAddCommand(), a.userAssignCommand(), a.userUnassignCommand(), a.userRmCommand()))
}

func (a *app) userAddCommand() *cobra.Command {
	var roles []string
	var name string
	c := &cobra.Command{
		Use:     "add EMAIL --role ROLE...",
		Short:   "add a user with one or more roles",
		Example: `  rolecall user add lee@example.com --role "Cannot View Data" --name "Lee Park"`,
		Args:    exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(roles) == 0 {
				return usageErr("user add needs at least one --role ROLE (a user with no role is an error, %s)", model.UserWithoutRole.Cite())
			}
			return a.edit(func(acct *model.Account) (model.Op, error) {
				op := model.AddUser{Email: args[0], Name: name}
				for _, r := range roles {
					for _, part := range strings.Split(r, ",") {
						if part = strings.TrimSpace(part); part == "" {
							continue
						}
						rn, err := a.needRole(acct, part)
						if err != nil {
							return nil, err
						}
						op.Roles = append(op.Roles, rn)
					}
				}
				return op, nil
			})
		},
	}
	c.Flags().StringArrayVarP(&roles, "role", "r", nil, "give the user `ROLE` (repeatable)")
	c.Flags().StringVar(&name, "name", "", "display name")
	return c
}

func (a *app) userAssignCommand() *cobra.Command {
	return a.withRoleCommand("assign EMAIL ROLE", "give a user one more role", "EMAIL", a.needUser,
		func(email, role string) model.Op { return model.Assign{Email: email, Role: role} })
}

func (a *app) userUnassignCommand() *cobra.Command {
	return a.withRoleCommand("unassign EMAIL ROLE", "take a role from a user (not their last one, R10)", "EMAIL", a.needUser,
		func(email, role string) model.Op { return model.Unassign{Email: email, Role: role} })
}

// withRoleCommand makes a command that names a user or an environment
// (checked by need) and a role, and applies the one edit op builds of them.
func (a *app) withRoleCommand(use, short, what string, need func(*model.Account, string) (string, error), op func(name, role string) model.Op) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(what, "ROLE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.edit(func(acct *model.Account) (model.Op, error) {
				name, err := need(acct, args[0])
				if err != nil {
					return nil, err
				}
				role, err := a.needRole(acct, args[1])
				if err != nil {
					return nil, err
				}
				return op(name, role), nil
			})
		},
	}
}

func (a *app) userRmCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "rm EMAIL",
		Aliases: []string{"remove"},
		Short:   "remove a user",
		Args:    exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.edit(func(acct *model.Account) (model.Op, error) {
				email, err := a.needUser(acct, args[0])
				if err != nil {
					return nil, err
				}
				op := model.RemoveUser{Email: email}
				if i := acct.FindUser(email); i >= 0 {
					op.Was = &acct.Users[i] // so that the audit trail says what went
				}
				return op, nil
			})
		},
	}
}

// ---- env ----

func (a *app) envCommand() *cobra.Command {
	return a.allowViolationFlag(group("env", "add or remove an environment, allow or disallow a role on it",
		a.envAddCommand(), a.envAllowCommand(), a.envDisallowCommand(), a.envRmCommand()))
}

func (a *app) envAddCommand() *cobra.Command {
	var class string
	c := &cobra.Command{
		Use:   "add NAME",
		Short: "add an environment, open to every role until a role is allowed on it",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl := model.Classification(strings.ToLower(strings.TrimSpace(class)))
			if cl != model.Production && cl != model.Test {
				return usageErr("--classification is production or test, not %s", quote(class))
			}
			return a.edit(func(acct *model.Account) (model.Op, error) {
				return model.AddEnvironment{Name: args[0], Classification: cl}, nil
			})
		},
	}
	c.Flags().StringVar(&class, "classification", "test", "production or test (fixed once created)")
	return c
}

func (a *app) envAllowCommand() *cobra.Command {
	return a.withRoleCommand("allow ENV ROLE", "add ROLE to ENV's Roles with Access (the first one restricts it, R13)", "ENV", a.needEnv,
		func(env, role string) model.Op { return model.Allow{Environment: env, Role: role} })
}

func (a *app) envDisallowCommand() *cobra.Command {
	var allow bool
	c := &cobra.Command{
		Use:   "disallow ENV ROLE",
		Short: "take ROLE off ENV's Roles with Access (the last one opens it, R12)",
		Args:  exactArgs("ENV", "ROLE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.editAllowing(func(acct *model.Account) (model.Op, error) {
				env, err := a.needEnv(acct, args[0])
				if err != nil {
					return nil, err
				}
				role, err := a.needRole(acct, args[1])
				if err != nil {
					return nil, err
				}
				return model.Disallow{Environment: env, Role: role}, nil
			}, allow)
		},
	}
	c.Flags().BoolVar(&allow, "allow-widening", false, "disallow it even if the environment becomes open to every role")
	return c
}

func (a *app) envRmCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "rm ENV",
		Aliases: []string{"remove"},
		Short:   "remove an environment",
		Args:    exactArgs("ENV"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.edit(func(acct *model.Account) (model.Op, error) {
				env, err := a.needEnv(acct, args[0])
				if err != nil {
					return nil, err
				}
				op := model.RemoveEnvironment{Name: env}
				if i := acct.FindEnvironment(env); i >= 0 {
					op.Was = &acct.Environments[i] // so that the audit trail says what went
				}
				return op, nil
			})
		},
	}
}

// ---- account ----

func (a *app) accountCommand() *cobra.Command {
	set := a.accountSetCommand()
	return a.allowViolationFlag(group("account", "change the account's name or feature switches", set))
}

func (a *app) accountSetCommand() *cobra.Command {
	var aus, aea, name string
	c := &cobra.Command{
		Use:   "set",
		Short: "switch Advanced User Security (R3) or Advanced Environment Access (R16), or rename",
		Example: `  rolecall account set --advanced-environment-access=false
  rolecall account set --name "Acme Integration"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := cmd.Flags()
			type change struct {
				flag, val, sw string
			}
			var switches []model.SetSwitch
			for _, c := range []change{{"advanced-user-security", aus, model.SwitchAdvancedUserSecurity}, {"advanced-environment-access", aea, model.SwitchAdvancedEnvironmentAccess}} {
				if !fl.Changed(c.flag) {
					continue
				}
				b, err := strconv.ParseBool(c.val)
				if err != nil {
					return usageErr("--%s takes true or false, not %s", c.flag, quote(c.val))
				}
				switches = append(switches, model.SetSwitch{Switch: c.sw, To: b})
			}
			if len(switches) == 0 && !fl.Changed("name") {
				return usageErr("account set needs --advanced-user-security=BOOL, --advanced-environment-access=BOOL or --name TEXT")
			}
			return a.editOps(func(acct *model.Account) ([]model.Op, error) {
				var ops []model.Op
				if fl.Changed("name") && name != acct.Name {
					ops = append(ops, model.RenameAccount{From: acct.Name, To: name})
				}
				for _, sw := range switches {
					cur := acct.AdvancedUserSecurity
					if sw.Switch == model.SwitchAdvancedEnvironmentAccess {
						cur = acct.AdvancedEnvironmentAccess
					}
					if cur != sw.To {
						sw.From = cur
						ops = append(ops, sw)
					}
				}
				return ops, nil
			}, false)
		},
	}
	f := c.Flags()
	f.StringVar(&aus, "advanced-user-security", "", "`true` or false: Support/Production Support roles and custom roles (R3)")
	f.StringVar(&aea, "advanced-environment-access", "", "`true` or false: enforce per-environment Read/Full Access (R16)")
	f.StringVar(&name, "name", "", "the account's name")
	f.Lookup("advanced-user-security").NoOptDefVal = "true"
	f.Lookup("advanced-environment-access").NoOptDefVal = "true"
	return c
}
