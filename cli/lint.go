package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"rolecall/model"
)

// lintJSON is the documented shape of `lint --json`: model.Lint and the
// number of findings (the administrators are not counted).
type lintJSON struct {
	model.Lint
	Findings int `json:"findings"`
}

func (a *app) lintCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "lint",
		Short: "roles to merge or remove, roles redundant for a user, and the effective administrators",
		Long: `lint looks for what a tidy account does without:

  merge candidates   custom roles whose effective privileges are identical
  grants nothing     custom roles that grant no privilege
  unused             custom roles no user holds, no environment lists, no
                     account group shares and no role in use inherits
  redundant roles    a role a user holds that another of their roles covers,
                     where taking it away changes nothing for them,
                     account-wide or in any environment

and lists the effective administrators: the holders of User Management, who
can give themselves any role, each with where they get it.

Exit 0 when there is no finding, 1 when there is one (the administrators are
a list to review and do not count), 2 when the file cannot be read or has
errors. validate --strict reports the rules' warnings (R9, R14, R16, R19).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			acct, err := a.openView()
			if err != nil {
				return err
			}
			l := model.NewResolver(acct).Lint()
			n := l.Findings()
			if asJSON {
				if err := a.writeJSON(lintJSON{Lint: l, Findings: n}); err != nil {
					return err
				}
			} else {
				a.printLint(l)
			}
			if n > 0 {
				return silent(ExitDenied)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	return c
}

func (a *app) printLint(l model.Lint) {
	section := func(title string, n int) bool {
		if n == 0 {
			return false
		}
		fmt.Fprintf(a.stdout, "%s (%d):\n", title, n)
		return true
	}
	if section("merge candidates", len(l.Merge)) {
		for _, m := range l.Merge {
			fmt.Fprintf(a.stdout, "  %s\n", model.SafeText(m.Why))
		}
	}
	if section("grants nothing", len(l.GrantsNothing)) {
		for _, f := range l.GrantsNothing {
			fmt.Fprintf(a.stdout, "  %s\n", model.SafeText(f.Why))
		}
	}
	if section("unused", len(l.Unused)) {
		for _, f := range l.Unused {
			fmt.Fprintf(a.stdout, "  %s\n", model.SafeText(f.Why))
		}
	}
	if section("redundant roles", len(l.Redundant)) {
		for _, r := range l.Redundant {
			fmt.Fprintf(a.stdout, "  %s: %s is covered by %s: %s\n", model.SafeText(r.User), model.SafeText(r.Role), model.SafeText(r.CoveredBy), model.SafeText(r.Why))
		}
	}
	fmt.Fprintf(a.stdout, "administrators (%d), who hold User Management and can give themselves any role:\n", len(l.Administrators))
	hs := l.Administrators
	a.holderTable(len(hs), func(i int) string { return model.SafeText(hs[i].User) }, func(i int) string { return model.SafeText(hs[i].From()) })
	if n := l.Findings(); n > 0 {
		fmt.Fprintf(a.stdout, "%s: %d merge candidates, %d granting nothing, %d unused, %d redundant roles\n",
			plural(n, "finding"), len(l.Merge), len(l.GrantsNothing), len(l.Unused), len(l.Redundant))
	} else {
		fmt.Fprintln(a.stdout, "no finding")
	}
}
