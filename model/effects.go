package model

import (
	"fmt"
	"slices"
	"strings"
)

// The sentences that say what an edit or a setting does to who sees what.
// The edits' notes (Outcome.Notes), the TUI and the CLI all print these,
// so that one consequence is said one way wherever it is shown. Every text
// is safe to print (SafeText) and has no final full stop.

// BecomesOpen says that environments envs become open to every role (R12).
// role, when not "", is the only role they listed, which the edit takes off
// them; removing says the edit removes that role (or a role) altogether, so
// that R8 (removing a role takes it off every environment) is cited too.
//
//	Staging becomes open to every role: Solo was the only role listed on it (R8, R12)
func BecomesOpen(envs []string, role string, removing bool) string {
	rules := "R12"
	if removing {
		rules = "R8, R12"
	}
	verb, it := "becomes", "it"
	if len(envs) > 1 {
		verb, it = "become", "them"
	}
	s := joinAnd(envs) + " " + verb + " open to every role"
	if role != "" {
		s += fmt.Sprintf(": %s was the only role listed on %s", SafeText(role), it)
	}
	return s + " (" + rules + ")"
}

// StopsBeingOpen says that open environment env becomes restricted to the
// holders of role, the first role it lists (R13).
func StopsBeingOpen(env, role string) string {
	return fmt.Sprintf("%s stops being open: only holders of %s (by identity) or of Environment Management will see it (R13)", SafeText(env), SafeText(role))
}

// WideningNote is BecomesOpen for edits ops that open environments envs
// (Outcome.Widened): it names the role when every role the edits take off
// an environment or remove is that one, and cites R8 when one of them
// removes a role.
func WideningNote(ops []Op, envs []string) string {
	var roles []string
	removing := false
	for _, op := range ops {
		switch o := op.(type) {
		case RemoveRole:
			removing = true
			roles = append(roles, o.Name)
		case Disallow:
			roles = append(roles, o.Role)
		}
	}
	role := ""
	if len(roles) > 0 && !slices.ContainsFunc(roles, func(r string) bool { return !SameName(r, roles[0]) }) {
		role = roles[0]
	}
	return BecomesOpen(envs, role, removing)
}

// AccessEffect says what a Roles with Access list of n roles does: none
// opens the environment (R12, R14), any restricts it (R13).
func AccessEffect(n int) string {
	if n == 0 {
		return "open to every user who reaches Runtime Management (R12, R14)"
	}
	return "only holders of these roles (by identity) or of Environment Management see it (R13)"
}

// AccessSummary says who sees environment e, by its Roles with Access.
//
//	Production lists Release Managers: only holders of these roles (by identity) or of Environment Management see it (R13)
func AccessSummary(e Environment) string {
	if !e.Restricted() {
		return SafeText(e.Name) + " lists no role: " + AccessEffect(0)
	}
	return SafeText(e.Name) + " lists " + SafeText(strings.Join(e.RolesWithAccess, ", ")) + ": " + AccessEffect(len(e.RolesWithAccess))
}

// SwitchEffect says what account switch sw (SwitchAdvancedUserSecurity,
// SwitchAdvancedEnvironmentAccess) does when it is on, or off; "" for
// another name.
func SwitchEffect(sw string, on bool) string {
	switch {
	case sw == SwitchAdvancedUserSecurity && on:
		return "Production Support and Support exist, and custom roles can be created, edited and assigned (R3)"
	case sw == SwitchAdvancedUserSecurity:
		return "Production Support and Support do not exist, and custom roles cannot be created, edited or assigned: only Administrator and Standard User can be assigned, so no user may hold any other role (R3)"
	case sw == SwitchAdvancedEnvironmentAccess && on:
		return "Environment Management Read Access and Full Access apply per environment, through the roles each environment lists (R15, R16)"
	case sw == SwitchAdvancedEnvironmentAccess:
		return "Environment Management Read Access and Full Access do nothing; only Environment Management gives write access to environments (R16)"
	}
	return ""
}

// joinAnd lists names, made safe to print: "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	if len(names) == 0 {
		return ""
	}
	safe := make([]string, len(names))
	for i, n := range names {
		safe[i] = SafeText(n)
	}
	return joinNames(safe)
}
