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
	c := &cobra.Command{
		Use:   "init",
		Short: "write a starter account file (the demo, or --empty); never overwrites",
		Long: `init writes a new account file: by default the demo account, which holds
Boomi's documented custom-role scenarios with a few users and environments
(interfaces.md section 4); with --empty, an account with no custom role, user
or environment, and both feature switches on. It never overwrites a file.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			acct := model.Demo()
			what := "the demo account"
			if empty {
				acct = &model.Account{Name: "My account", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true}
				what = "an empty account"
			}
			return a.create(acct, what)
		},
	}
	c.Flags().BoolVar(&empty, "empty", false, "write an empty account instead of the demo")
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
		fmt.Fprintf(a.stdout, "try: rolecall -f %s preview dana@example.com\n", model.SafeText(path))
	}
	return nil
}

func empty(acct *model.Account) bool { return len(acct.Users) == 0 }
