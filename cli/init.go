package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

func (a *app) initCommand() *cobra.Command {
	var empty bool
	var synthetic, roles, envs, rules int
	var seed int64
	c := &cobra.Command{
		Use:   "init",
		Short: "write a starter account file (the demo, or --empty); never overwrites",
		Long: `init writes a new account file: by default the demo account, which holds
Boomi's documented custom-role scenarios with a few users and environments
(interfaces.md section 4); with --empty, an account with no custom role, user
or environment, and both feature switches on; with --synthetic N, a generated
account of N users for demos and load tests, with --sod-rules K random
separation-of-duties rules if asked (the same N, --roles, --envs, --sod-rules
and --seed always give the same file). It never overwrites a file.`,
		Example: `  rolecall init
  rolecall init --empty -f acme.toml
  rolecall init --synthetic 10000 -f big.toml     # 1,000 roles, 200 environments
  rolecall init --synthetic 10000 --sod-rules 100 -f rules.toml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			acct := model.Demo()
			what := "the demo account"
			switch {
			case empty && synthetic > 0:
				return fail(ExitUsage, "init takes --empty or --synthetic, not both")
			case cmd.Flags().Changed("synthetic") && synthetic <= 0:
				return fail(ExitUsage, "--synthetic takes a number of users above 0")
			case cmd.Flags().Changed("sod-rules") && synthetic <= 0:
				return fail(ExitUsage, "--sod-rules goes with --synthetic N")
			case rules < 0 || rules > storage.MaxSoDRules:
				return fail(ExitUsage, "--sod-rules takes 0 to %d rules (a file holds at most %d)", storage.MaxSoDRules, storage.MaxSoDRules)
			case empty:
				acct = &model.Account{Name: "My account", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true}
				what = "an empty account"
			case synthetic > 0:
				if roles <= 0 {
					roles = min(max(synthetic/10, 10), 3000)
				}
				if envs <= 0 {
					envs = min(max(synthetic/50, 3), 500)
				}
				acct = model.Synthetic(synthetic, roles, envs, seed)
				acct.SeparationOfDuties = model.SyntheticRules(acct, rules, seed)
				what = fmt.Sprintf("a synthetic account (seed %d)", seed)
				if rules > 0 {
					what = fmt.Sprintf("a synthetic account with %s (seed %d)", plural(len(acct.SeparationOfDuties), "separation-of-duties rule"), seed)
				}
			}
			return a.create(acct, what)
		},
	}
	c.Flags().BoolVar(&empty, "empty", false, "write an empty account instead of the demo")
	c.Flags().IntVar(&synthetic, "synthetic", 0, "write a generated account with `N` users instead of the demo")
	c.Flags().IntVar(&roles, "roles", 0, "custom roles of a --synthetic account (default N/10, at most 3000)")
	c.Flags().IntVar(&envs, "envs", 0, "environments of a --synthetic account (default N/50, at most 500)")
	c.Flags().IntVar(&rules, "sod-rules", 0, "random separation-of-duties rules of a --synthetic account (at most 1000)")
	c.Flags().Int64Var(&seed, "seed", 1, "seed of a --synthetic account")
	return c
}

// create writes acct to the -f file, which must not exist yet.
func (a *app) create(acct *model.Account, what string) error {
	path := a.path()
	exists := func() error {
		return fail(ExitDenied, "%s exists already; init never overwrites a file (remove it first, or use -f NEWFILE)", model.SafeText(path))
	}
	if _, err := os.Lstat(path); err == nil {
		return exists()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail(ExitUsage, "cannot write %s: %v", model.SafeText(path), err)
	}
	_, err := storage.Save(path, acct, storage.Stamp{}, storage.SaveOptions{
		Actor:  a.actor,
		Change: map[string]string{"created": what},
	})
	var ce *storage.ChangedError
	switch {
	case errors.As(err, &ce):
		return exists()
	case err != nil:
		return fail(ExitUsage, "cannot write %s: %v", model.SafeText(path), err)
	}
	fmt.Fprintf(a.stdout, "wrote %s to %s (%s, %s, %s)\n", what, model.SafeText(path),
		plural(len(acct.Roles), "custom role"), plural(len(acct.Users), "user"), plural(len(acct.Environments), "environment"))
	if !empty(acct) {
		who := "dana@example.com"
		if acct.FindUser(who) < 0 {
			who = acct.Users[0].Email
		}
		fmt.Fprintf(a.stdout, "try: rolecall -f %s preview %s\n", model.SafeText(path), model.SafeText(who))
	}
	return nil
}

func empty(acct *model.Account) bool { return len(acct.Users) == 0 }
