package cli

import (
	"fmt"
	"strings"

	"rolecall/model"
)

// Looking up the names given on the command line. An unknown name is a usage
// error (exit 2) that names the file and the rule (the model's table of
// refusals), and suggests the closest known name when one is close enough.

func (a *app) unknown(what, name string, k model.Refusal, known []string) error {
	msg := fmt.Sprintf("no %s %s in %s (%s)", what, quote(name), a.path(), k.Cite())
	if s := model.Closest(name, known); s != "" {
		msg += fmt.Sprintf("; did you mean %s?", quote(s))
	}
	return fail(ExitUsage, "%s", msg)
}

// quote is %q with the control characters SafeText would rewrite made visible.
func quote(s string) string { return model.SafeText(fmt.Sprintf("%q", s)) }

func userEmails(acct *model.Account) []string {
	out := make([]string, len(acct.Users))
	for i, u := range acct.Users {
		out[i] = u.Email
	}
	return out
}

func roleNames(acct *model.Account) []string {
	var out []string
	for _, b := range model.Builtins() {
		if !b.NeedsAUS || acct.AdvancedUserSecurity {
			out = append(out, b.Name)
		}
	}
	for _, r := range acct.Roles {
		out = append(out, r.Name)
	}
	return out
}

func envNames(acct *model.Account) []string {
	out := make([]string, len(acct.Environments))
	for i, e := range acct.Environments {
		out[i] = e.Name
	}
	return out
}

func privilegeNames() []string {
	var out []string
	for _, p := range model.AllPrivileges() {
		out = append(out, p.String())
		out = append(out, p.Info().OldNames...)
	}
	return out
}

// needUser returns the canonical email of the user called email.
func (a *app) needUser(acct *model.Account, email string) (string, error) {
	i := acct.FindUser(strings.TrimSpace(email))
	if i < 0 {
		return "", a.unknown("user", email, model.NoSuchUser, userEmails(acct))
	}
	return acct.Users[i].Email, nil
}

// needRole returns the role's name as the account spells it.
func (a *app) needRole(acct *model.Account, name string) (string, error) {
	if !acct.RoleExists(name) {
		if k := model.MissingRole(acct, name); k == model.RoleNeedsAUS {
			b, _ := model.LookupBuiltin(name)
			return "", fail(ExitUsage, "role %s exists only with Advanced User Security on, and it is off in %s (%s)", quote(b.Name), a.path(), k.Cite())
		}
		return "", a.unknown("role", name, model.NoSuchRole, roleNames(acct))
	}
	return acct.CanonicalRoleName(name), nil
}

func (a *app) needEnv(acct *model.Account, name string) (string, error) {
	i := acct.FindEnvironment(strings.TrimSpace(name))
	if i < 0 {
		return "", a.unknown("environment", name, model.NoSuchEnvironment, envNames(acct))
	}
	return acct.Environments[i].Name, nil
}

// parsePrivilege accepts current and old names, ignoring case (R0).
func parsePrivilege(name string) (model.Privilege, error) {
	p, ok := model.LookupPrivilege(name)
	if ok {
		return p, nil
	}
	msg := fmt.Sprintf("no privilege %s (%s)", quote(name), model.UnknownPrivilege.Cite())
	if s := model.Closest(name, privilegeNames()); s != "" {
		msg += fmt.Sprintf("; did you mean %s?", quote(s))
	} else {
		msg += "; 'rolecall check --help' lists the privilege names"
	}
	return 0, fail(ExitUsage, "%s", msg)
}

func parsePrivileges(names []string) ([]model.Privilege, error) {
	var out []model.Privilege
	for _, n := range names {
		for _, part := range splitList(n) {
			p, err := parsePrivilege(part)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// splitList lets a repeated flag also take a comma-separated list, except
// where a privilege name itself holds a comma (none does today).
func splitList(s string) []string {
	if _, ok := model.LookupPrivilege(s); ok {
		return []string{s}
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
