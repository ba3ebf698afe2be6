package model

import (
	"fmt"
	"strconv"
	"strings"
)

// EnvView is what one user gets in one environment, with reasons (R12-R18).
// Each answer has its reason in words, the rule ids its steps cite and
// whether one of them is our decision (RULES.md).
type EnvView struct {
	Environment    string `json:"environment"`
	Visible        bool   `json:"visible"`
	Access         Access `json:"access"`
	Deploy         bool   `json:"deploy"`
	Schedule       bool   `json:"schedule"`
	EditExtensions bool   `json:"edit_extensions"`
	// Reason explains visibility, which roles count and access in one
	// line, citing rules.
	Reason   string   `json:"reason"`
	Rules    []string `json:"rules"`
	Decision bool     `json:"decision"`

	DeployReason   string   `json:"deploy_reason"`
	DeployRules    []string `json:"deploy_rules"`
	DeployDecision bool     `json:"deploy_decision"`

	ScheduleReason   string   `json:"schedule_reason"`
	ScheduleRules    []string `json:"schedule_rules"`
	ScheduleDecision bool     `json:"schedule_decision"`

	EditReason   string   `json:"edit_extensions_reason"`
	EditRules    []string `json:"edit_extensions_rules"`
	EditDecision bool     `json:"edit_extensions_decision"`
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return "no role"
	case 1:
		return nameIn(names[0])
	}
	shown := make([]string, len(names))
	for i, n := range names {
		shown[i] = nameIn(n)
	}
	return AndList(shown)
}

// nameIn is a role's or environment's name as a reason writes it: as it is,
// or quoted when it holds what the words around it use (parentheses,
// commas, semicolons, colons, quotes), so that a name such as
// "Ops (R15, decision)" cannot pass for a rule, a decision mark or a
// second name.
func nameIn(s string) string {
	if strings.ContainsAny(s, "();:,\"") {
		return strconv.Quote(s)
	}
	return s
}

func (r *Resolver) names(ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = r.roles[id].name
	}
	return out
}

// EnvView explains environment e for user u.
func (r *Resolver) EnvView(u, e int) EnvView {
	ev := r.eval(u, e)
	return r.envView(u, e, &ev)
}

// envWhys are the reasons of the four answers about one environment.
type envWhys struct {
	main, deploy, schedule, edit Why
}

func (r *Resolver) envView(u, e int, ev *envEval) EnvView { return r.envViewMemo(u, e, ev, nil) }

func (r *Resolver) envViewMemo(u, e int, ev *envEval, m *memo) EnvView {
	w := r.envWhys(u, e, ev, m)
	v := EnvView{Environment: r.envs[e].name, Visible: ev.visible, Access: ev.access, Deploy: ev.deploy, Schedule: ev.schedule, EditExtensions: ev.access == AccessWrite}
	v.Reason, v.Rules, v.Decision = w.main.Text(), w.main.Rules(), w.main.Decision()
	if !ev.visible {
		// The three answers share one reason: the environment is hidden.
		t, rules := w.deploy.Text(), w.deploy.Rules()
		v.DeployReason, v.DeployRules = t, rules
		v.ScheduleReason, v.ScheduleRules = t, rules
		v.EditReason, v.EditRules = t, rules
		return v
	}
	v.DeployReason, v.DeployRules, v.DeployDecision = w.deploy.Text(), w.deploy.Rules(), w.deploy.Decision()
	v.ScheduleReason, v.ScheduleRules, v.ScheduleDecision = w.schedule.Text(), w.schedule.Rules(), w.schedule.Decision()
	v.EditReason, v.EditRules, v.EditDecision = w.edit.Text(), w.edit.Rules(), w.edit.Decision()
	return v
}

// memo holds the words about one user that every environment's reason
// repeats, so that a preview writes them once.
type memo struct {
	held, heldByNone, unreachable string
}

func (r *Resolver) userMemo(u int) *memo {
	held := r.HeldRoles(u)
	m := &memo{held: joinNames(held), heldByNone: r.heldByNone(u)}
	m.unreachable = "hidden: needs Runtime Management or Runtime Management Read Access to reach any environment (" + m.heldByNone + ")"
	return m
}

// envWhys writes the reasons from the branches eval took (m may be nil).
func (r *Resolver) envWhys(u, e int, ev *envEval, m *memo) envWhys {
	if m == nil && !ev.visible {
		m = r.userMemo(u)
	}
	env := &r.envs[e]
	var w envWhys
	// R12-R14, then R15.
	switch ev.visBy {
	case visUnreachable:
		w.main.add(step("R14", m.unreachable))
	case visNotListed:
		w.main.add(step("R13", "hidden: "+r.nearMiss(u, e, m)))
	case visEM:
		w.main.add(step("R13", "visible: holds Environment Management"), step("R15", "all of the user's roles count here"))
	case visOpen:
		w.main.add(step("R12", "visible: open to every role"), step("R15", "all of the user's roles count here"))
	case visListed:
		all, _ := r.countingRoles(u, e, ev)
		names := r.names(all)
		// "only the listed roles count" is a decision (R15) only where it
		// leaves something out: eval recorded whether it did.
		w.main.add(step("R13", "visible: holds "+joinNames(names)+", listed here"))
		if ev.filtered {
			w.main.add(decided("R15", "only "+pluralRoles(names)+" count here"))
		} else {
			w.main.add(step("R15", "only "+pluralRoles(names)+" count here, which is everything the user holds"))
		}
	}
	if !ev.visible {
		hidden := because(Step{Rule: w.main.Steps[0].Rule, Text: "refused: " + env.words().shown + " is not visible"})
		w.deploy, w.schedule, w.edit = hidden, hidden, hidden
		return w
	}
	_, perEnv := r.countingRoles(u, e, ev)
	acc := r.accessSteps(u, e, ev, perEnv)
	w.main.add(acc...)

	write := ev.access == AccessWrite
	// R18: deploy and schedule.
	w.deploy = r.actWhy(u, e, ev, perEnv, ev.deploy, ev.deployLack, deployNeeds, PackagedComponentDeployment)
	w.schedule = r.actWhy(u, e, ev, perEnv, ev.schedule, ev.scheduleLack, scheduleNeeds, Scheduling)
	// R18: edit extensions.
	if write {
		w.edit = because(step("R18", "allowed: write access"))
	} else {
		w.edit = because(step("R18", "refused: needs write access"), stepIf("R17", ev.accBy.readByDecision(), "access to "+env.words().shown+" is read"))
	}
	return w
}

// accessSteps are R17's steps, from the branch eval took.
func (r *Resolver) accessSteps(u, e int, ev *envEval, perEnv []int32) []Step {
	env := &r.envs[e]
	through := func(p Privilege) string {
		var names []string
		for _, id := range perEnv {
			if r.roles[id].set.Has(p) {
				names = append(names, r.roles[id].name)
			}
		}
		return joinNames(names)
	}
	switch ev.accBy {
	case accEM:
		return []Step{step("R17", "write: Environment Management, with Runtime Management")}
	case accEMNoRM:
		return []Step{decided("R17", "read: Environment Management, but not Runtime Management itself, and environments are edited on the Runtime Management page")}
	case accFull:
		return []Step{step("R17", "write: Environment Management Full Access through "+through(EnvironmentFull)+", listed here, with Runtime Management")}
	case accFullNoRM:
		return []Step{decided("R17", "read: Environment Management Full Access through "+through(EnvironmentFull)+", listed here, but not Runtime Management itself, which Full Access cannot stand in for")}
	case accBoth:
		return []Step{step("R17", "read: Environment Management Read Access (through "+through(EnvironmentRead)+") and Full Access (through "+through(EnvironmentFull)+") both apply; the most restrictive wins")}
	case accRead:
		return []Step{step("R17", "read: Environment Management Read Access through "+through(EnvironmentRead)+", listed here")}
	case accOffFull:
		return []Step{step("R16", "Environment Management Full Access does nothing while Advanced Environment Access is off"), step("R17", "read: needs Environment Management")}
	case accFullUnlisted:
		holders := joinNames(r.names(r.holdersOf(u, EnvironmentFull)))
		why := "Environment Management Full Access (from " + holders + ") counts only through a role the environment lists, and " + env.words().shown + " is open"
		if ev.restricted {
			why = "Environment Management Full Access is held only through " + holders + ", which " + env.words().shown + " does not list (it lists only " + env.words().list + ")"
		}
		return []Step{step("R15", why), step("R17", "read: needs Environment Management, or Full Access through a listed role")}
	}
	if !r.acct.AdvancedEnvironmentAccess {
		return []Step{step("R17", "read: needs Environment Management (Advanced Environment Access is off)")}
	}
	return []Step{step("R17", "read: needs Environment Management, or Environment Management Full Access through a listed role")}
}

// holdersOf returns the roles user u holds whose chain grants p.
func (r *Resolver) holdersOf(u int, p Privilege) []int32 {
	var out []int32
	for _, id := range r.user(u).roles {
		if r.roles[id].set.Has(p) {
			out = append(out, id)
		}
	}
	return out
}

// actWhy writes the reason of R18's deploy or schedule answer in a visible
// environment from what eval decided: allowed by write access (alone, when
// the privilege does not count here: decision), allowed by the privileges,
// or refused with everything that stood in the way.
func (r *Resolver) actWhy(u, e int, ev *envEval, perEnv []int32, ok bool, lack, needs PrivSet, main Privilege) Why {
	env := &r.envs[e]
	switch {
	case ok && ev.access == AccessWrite:
		if !ev.privs.Has(main) {
			// Deploying by write access alone is our decision (§5's
			// Deployments row); scheduling that way is R18 as written.
			return because(stepIf("R18", main == PackagedComponentDeployment, "allowed: write access, without "+main.String()))
		}
		return because(step("R18", "allowed: write access"))
	case ok:
		return because(step("R18", "allowed: "+joinPrivs(needs.List())+" "+countVerb(needs)+" here"))
	}
	var w Why
	if lack != 0 {
		w.add(step("R18", "refused: needs write access or "+joinPrivs(lack.List())+" here"))
	} else {
		w.add(step("R18", "refused: needs write access, or "+joinPrivs(needs.List())+" here without Environment Management Read Access"))
	}
	// R15 decides the refusal when everything lacking is held elsewhere
	// and Read Access does not refuse it anyway.
	eff := r.user(u).eff
	r15decides := lack != 0 && lack&^eff == 0 && !ev.envRead
	for _, p := range (lack & eff).List() {
		w.add(stepIf("R15", r15decides, p.String()+" is held only through "+joinNames(r.names(r.holdersOf(u, p)))+", which "+env.words().shown+" does not list (it lists only "+env.words().list+")"))
	}
	if ev.envRead {
		var names []string
		for _, id := range perEnv {
			if r.roles[id].set.Has(EnvironmentRead) {
				names = append(names, r.roles[id].name)
			}
		}
		w.add(step("R17", "Environment Management Read Access through "+joinNames(names)+" makes "+env.words().shown+" read-only"))
	} else if ev.accBy.readByDecision() {
		w.add(decided("R17", "access to "+env.words().shown+" is read: write needs Runtime Management itself"))
	}
	return w
}

func joinPrivs(ps []Privilege) string { return strings.Join(privNames(ps), " and ") }

func countVerb(s PrivSet) string {
	if s.Len() > 1 {
		return "count"
	}
	return "counts"
}

func pluralRoles(names []string) string {
	if len(names) == 1 {
		return "that role's privileges"
	}
	return "those roles' privileges"
}

// nearMiss explains why a user who can reach Runtime Management does not see
// a restricted environment: what they hold, what it lists, and any role
// that inherits a listed one (which does not count, R13).
func (r *Resolver) nearMiss(u, e int, m *memo) string {
	env := &r.envs[e]
	msg := "holds " + m.held + "; " + env.words().shown + " lists only " + env.words().list
	for _, id := range r.user(u).roles {
		for anc := range lineage(int(id), len(r.roles), r.parentOf) {
			if anc != int(id) && r.listed(e, int32(anc)) {
				msg += fmt.Sprintf("; %s inherits %s, but inheriting a listed role does not count", nameIn(r.roles[id].name), nameIn(r.roles[anc].name))
				break
			}
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
	var m *memo
	for e := range r.envs {
		evals[e] = r.eval(u, e)
		if m == nil && !evals[e].visible {
			m = r.userMemo(u)
		}
		views[e] = r.envViewMemo(u, e, &evals[e], m)
	}
	return views, evals
}
