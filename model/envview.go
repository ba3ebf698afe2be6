package model

import (
	"fmt"
	"strings"
)

// EnvView is what one user gets in one environment, with reasons (R12-R18).
type EnvView struct {
	Environment    string `json:"environment"`
	Visible        bool   `json:"visible"`
	Access         Access `json:"access"`
	Deploy         bool   `json:"deploy"`
	Schedule       bool   `json:"schedule"`
	EditExtensions bool   `json:"edit_extensions"`
	// Reason explains visibility and access in one line, citing rules.
	Reason         string `json:"reason"`
	DeployReason   string `json:"deploy_reason"`
	ScheduleReason string `json:"schedule_reason"`
	EditReason     string `json:"edit_extensions_reason"`
	// Decision is true when the answer relies on one of our product's
	// decisions where Boomi's documentation is silent: only the listed
	// roles count (R15), or a deploy allowed by write access alone (R18,
	// the Deployments row of §5).
	Decision bool `json:"decision"`
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return "no role"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func (r *Resolver) names(ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = r.roles[id].name
	}
	return out
}

// EnvView explains environment e for user u.
func (r *Resolver) EnvView(u, e int) EnvView { return r.envView(u, e, r.eval(u, e)) }

// deployByWriteAlone: R18 allows deploying through write access while
// Packaged Component Deployment does not count there, which is our
// decision (§5's Deployments row, after Boomi's "Write and Read
// Environment" scenario).
func deployByWriteAlone(ev envEval) bool {
	return ev.deploy && !ev.privs.Has(PackagedComponentDeployment)
}

func (r *Resolver) envView(u, e int, ev envEval) EnvView {
	env := &r.envs[e]
	held := r.HeldRoles(u)
	v := EnvView{Environment: env.name, Visible: ev.visible, Access: ev.access, Deploy: ev.deploy, Schedule: ev.schedule, EditExtensions: ev.access == AccessWrite}
	if !ev.visible {
		v.Access = AccessNone
		if !ev.reach {
			v.Reason = fmt.Sprintf("hidden: needs Runtime Management or Runtime Management Read Access to reach any environment (held by none of: %s) (R14)", strings.Join(held, ", "))
		} else {
			v.Reason = "hidden: " + r.nearMiss(u, e) + " (R13)"
		}
		why := "not visible"
		v.DeployReason, v.ScheduleReason, v.EditReason = why, why, why
		return v
	}
	var parts []string
	switch {
	case ev.hasEM:
		parts = append(parts, "visible: holds Environment Management (R13); all roles count here (R15)")
	case !ev.restricted:
		parts = append(parts, "visible: open to every role (R12)")
	default:
		listedHeld := r.names(r.countingRoles(u, e, ev))
		parts = append(parts, fmt.Sprintf("visible: holds %s, listed here (R13); only %s count here (R15, decision)", joinNames(listedHeld), pluralRoles(listedHeld)))
		v.Decision = true
	}
	switch {
	case ev.hasEM:
		parts = append(parts, "write: Environment Management (R17)")
	case ev.envRead && ev.envFull:
		parts = append(parts, "read: Environment Management Read Access and Full Access both apply; the most restrictive wins (R17)")
	case ev.envRead:
		parts = append(parts, "read: Environment Management Read Access through a listed role (R17)")
	case ev.envFull:
		parts = append(parts, "write: Environment Management Full Access through a listed role (R17)")
	default:
		parts = append(parts, "read: "+r.noWriteReason(u, e, ev)+" (R17)")
	}
	v.Reason = strings.Join(parts, "; ")

	write := ev.access == AccessWrite
	switch {
	case write:
		v.DeployReason = "allowed: write access (R18)"
		if deployByWriteAlone(ev) {
			v.DeployReason = "allowed: write access, without Packaged Component Deployment (R18, decision)"
			v.Decision = true
		}
		v.ScheduleReason = "allowed: write access (R18)"
	default:
		v.DeployReason = r.actionReason(u, e, ev, "deploy", ev.deploy, PackagedComponentDeployment)
		v.ScheduleReason = r.actionReason(u, e, ev, "schedule", ev.schedule, Scheduling, RuntimeManagement)
	}
	if write {
		v.EditReason = "allowed: write access (R18)"
	} else {
		v.EditReason = "refused: needs write access; this environment is read (R18)"
	}
	return v
}

func pluralRoles(names []string) string {
	if len(names) == 1 {
		return "that role's privileges"
	}
	return "those roles' privileges"
}

func (r *Resolver) noWriteReason(u, e int, ev envEval) string {
	if !r.acct.AdvancedEnvironmentAccess {
		if r.users[u].raw.Has(EnvironmentFull) {
			return "Environment Management Full Access does nothing while Advanced Environment Access is off (R16)"
		}
		return "needs Environment Management (Advanced Environment Access is off, R16)"
	}
	if r.users[u].raw.Has(EnvironmentFull) {
		if !ev.restricted {
			return "Environment Management Full Access counts only through a role the environment lists, and this one is open; R15"
		}
		return "Environment Management Full Access is held only through roles this environment does not list; R15"
	}
	return "needs Environment Management, or Environment Management Full Access through a listed role"
}

func (r *Resolver) actionReason(u, e int, ev envEval, what string, ok bool, need ...Privilege) string {
	if ok {
		names := make([]string, len(need))
		for i, p := range need {
			names[i] = p.String()
		}
		verb := " counts"
		if len(names) > 1 {
			verb = " count"
		}
		return "allowed: " + strings.Join(names, " and ") + verb + " here (R18)"
	}
	if ev.envRead {
		return "refused: Environment Management Read Access through a listed role makes this environment read-only (R17, R18)"
	}
	var missing []string
	for _, p := range need {
		if !ev.privs.Has(p) {
			missing = append(missing, p.String())
		}
	}
	msg := fmt.Sprintf("refused: needs write access or %s here", strings.Join(missing, " and "))
	for _, p := range need {
		if !ev.privs.Has(p) && r.users[u].eff.Has(p) {
			// Held, but not through a role that counts here (R15).
			msg += fmt.Sprintf("; %s is held only through roles this environment does not list (R15, decision)", p)
			break
		}
	}
	return msg + " (R18)"
}

// nearMiss explains why a user who can reach Runtime Management does not see
// a restricted environment: what they hold, what it lists, and any role
// that inherits a listed one (which does not count, R13).
func (r *Resolver) nearMiss(u, e int) string {
	env := &r.envs[e]
	held := r.HeldRoles(u)
	msg := fmt.Sprintf("holds %s; %s lists only %s", joinNames(held), env.name, joinNames(r.names(env.ids)))
	for _, id := range r.users[u].roles {
		anc := r.roles[id].parent
		for steps := 0; anc >= 0 && steps < len(r.roles); steps++ {
			if r.listed(e, anc) {
				msg += fmt.Sprintf("; %s inherits %s, but inheriting a listed role does not count", r.roles[id].name, r.roles[anc].name)
				break
			}
			anc = r.roles[anc].parent
		}
	}
	return msg
}

// EnvViews explains every environment for user u, in account order.
func (r *Resolver) EnvViews(u int) []EnvView {
	out, _ := r.envViews(u)
	return out
}

// envViews is EnvViews with the evaluations behind the views.
func (r *Resolver) envViews(u int) ([]EnvView, []envEval) {
	views := make([]EnvView, len(r.envs))
	evals := make([]envEval, len(r.envs))
	for e := range r.envs {
		evals[e] = r.eval(u, e)
		views[e] = r.envView(u, e, evals[e])
	}
	return views, evals
}
