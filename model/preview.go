package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Page names of the preview (access-model.md §5). They are a contract: the
// CLI prints them and tests query them.
const (
	PageBuild            = "Build"
	PageBranches         = "Branch Management"
	PagePackaged         = "Packaged Components"
	PageDeployments      = "Deployments"
	PageReporting        = "Process Reporting"
	PageRuntime          = "Runtime Management"
	PageCloud            = "Cloud Management"
	PageDashboard        = "Dashboard"
	PageAuditLogs        = "Audit Logs"
	PageUsers            = "User Management"
	PageAccountFeatures  = "Account Features"
	PageAccountGroups    = "Account Groups"
	PageLicensing        = "Licensing"
	PageProcessLibrary   = "Process Library"
	PageIntegrationPacks = "Integration Packs"
	PageTradingPartners  = "Trading Partners"
	PageAPIManagement    = "API Management"
)

// PageAccess is how a page opens for a user.
type PageAccess string

const (
	PageHidden   PageAccess = "hidden"
	PageReadOnly PageAccess = "read-only"
	PageFull     PageAccess = "full"
)

// need is what an action requires: all of All, and one of Any when set.
type need struct {
	All []Privilege
	Any []Privilege
	AUS bool // Advanced User Security on (R3)
	// NoEnvRead refuses the action while Environment Management Read
	// Access applies to the user in some environment (seed rule, R16), as
	// the environments list finds it.
	NoEnvRead bool
	// PerEnv: allowed when R18 allows it in at least one environment, the
	// same answer as the environments list gives (§5).
	PerEnv perEnvAction
}

// perEnvAction is an action of §5 that R18 decides per environment.
type perEnvAction int

const (
	notPerEnv perEnvAction = iota
	perEnvDeploy
	perEnvSchedule
)

type actionSpec struct {
	Name string
	need need
}

type pageSpec struct {
	Name     string
	Full     []Privilege // any of these: full
	ReadOnly []Privilege // else any of these: read-only
	Banner   string      // shown when read-only
	Actions  []actionSpec
}

func all(ps ...Privilege) need { return need{All: ps} }
func anyOf(ps ...Privilege) need {
	return need{Any: ps}
}

var pages = []pageSpec{
	{Name: PageBuild, Full: []Privilege{BuildReadWrite}, ReadOnly: []Privilege{BuildRead},
		Banner: "every component opens with a read-only banner",
		Actions: []actionSpec{
			{"Create Component", all(BuildReadWrite)},
			{"Save", all(BuildReadWrite)},
			{"Manage Folders", all(BuildReadWrite)},
			{"Move to Another Folder", all(BuildReadWrite)},
			{"Import", all(BuildReadWrite)},
			{"Run Test Mode", all(BuildReadWrite)},
			{"Generate Certificates", all(BuildReadWrite)},
			{"Copy Component", anyOf(BuildRead, BuildReadWrite)},
			{"Edit Test Extensions", need{All: []Privilege{BuildReadWrite}, NoEnvRead: true}},
			// Boomi lets Build Read Access install a runtime when Runtime
			// Management is held too.
			{"Install Runtime", need{All: []Privilege{RuntimeManagement}, Any: []Privilege{BuildReadWrite, BuildRead}}},
			{"Upload Custom Library", all(BuildReadWrite, Developer)},
		}},
	{Name: PageBranches, Full: []Privilege{BuildRead, BuildReadWrite},
		Actions: []actionSpec{
			{"Create Branch", all(BranchCreateModify)},
			{"Delete Branch", all(BranchDelete)},
		}},
	{Name: PagePackaged, Full: []Privilege{PackagedComponentManagement},
		Actions: []actionSpec{{"Create Packaged Component", all(PackagedComponentManagement)}}},
	{Name: PageDeployments, Full: []Privilege{PackagedComponentDeployment},
		Actions: []actionSpec{{"Deploy", need{PerEnv: perEnvDeploy}}}},
	{Name: PageReporting, Full: []Privilege{ViewResults},
		Actions: []actionSpec{
			{"View Document", all(ViewData)},
			{"View Document Errors", all(ViewData)},
			{"Run Document in Test Mode", all(ViewData)},
			{"Re-run Document", all(Execute)},
			{"Execute Process", all(Execute)},
			{"Download Process Logs", all(ViewResults)},
		}},
	{Name: PageRuntime, Full: []Privilege{RuntimeManagement}, ReadOnly: []Privilege{RuntimeManagementRead},
		Banner: "no Save, Delete or Restart",
		Actions: []actionSpec{
			{"Save Settings", all(RuntimeManagement)},
			{"Delete", all(RuntimeManagement)},
			{"Restart", all(RuntimeManagement)},
			{"Download Runtime Logs", all(RuntimeManagement)},
			{"Search and View", anyOf(RuntimeManagement, RuntimeManagementRead)},
			{"Schedule Processes", need{PerEnv: perEnvSchedule}},
			{"Create Environment", all(RuntimeManagement, EnvironmentManagement)},
			{"Edit Roles with Access", all(RuntimeManagement, EnvironmentManagement)},
		}},
	{Name: PageCloud, Full: []Privilege{CloudManagement}},
	{Name: PageDashboard, Full: []Privilege{Dashboard}},
	{Name: PageAuditLogs, Full: []Privilege{ViewAuditLogs}},
	{Name: PageUsers, Full: []Privilege{UserManagement},
		Actions: []actionSpec{{"Edit Custom Roles", need{All: []Privilege{UserManagement}, AUS: true}}}},
	{Name: PageAccountFeatures, Full: []Privilege{AccountAdministration}},
	{Name: PageAccountGroups, Full: []Privilege{AccountGroupManagement}},
	{Name: PageLicensing, Full: []Privilege{Licensing}},
	{Name: PageProcessLibrary, Full: []Privilege{ProcessLibrary}},
	{Name: PageIntegrationPacks, Full: []Privilege{IntegrationPack}},
	{Name: PageTradingPartners, Full: []Privilege{TradingPartnerManagement}},
	{Name: PageAPIManagement, Full: []Privilege{APIMAccess}, ReadOnly: []Privilege{APIMDashboard},
		Banner: "the dashboard alone"},
}

// Pages returns the page names in preview order.
func Pages() []string {
	out := make([]string, len(pages))
	for i, p := range pages {
		out[i] = p.Name
	}
	return out
}

// ActionView is one action on a page, allowed or not, with its reason.
type ActionView struct {
	Action  string `json:"action"`
	Allowed bool   `json:"allowed"`
	// Reason is the verdict and its reason ("allowed: ..."); Because is
	// the reason alone, for a front end that shows the verdict beside it.
	Reason   string   `json:"reason"`
	Because  string   `json:"-"`
	Rules    []string `json:"rules"`
	Decision bool     `json:"decision"`
}

// PageView is one page as a user sees it.
type PageView struct {
	Page     string       `json:"page"`
	Access   PageAccess   `json:"access"`
	Reason   string       `json:"reason"`
	Because  string       `json:"-"` // as ActionView.Because
	Rules    []string     `json:"rules"`
	Decision bool         `json:"decision"`
	Banner   string       `json:"banner,omitempty"`
	Actions  []ActionView `json:"actions"`
}

// Preview is everything a user sees: pages, actions and environments.
type Preview struct {
	User  string   `json:"user"`
	Roles []string `json:"roles"`
	// MissingRoles are the names in the user's list of roles that name no
	// role (MissingRoles): only in an account validation refuses.
	MissingRoles []string   `json:"missing_roles,omitempty"`
	Pages        []PageView `json:"pages"`
	Environments []EnvView  `json:"environments"`
	// UnknownCodes says which of the user's roles (held, or inherited by
	// one held) carry Boomi privilege codes rolecall does not know, which
	// govern nothing here; "" when none does.
	UnknownCodes string `json:"unknown_codes,omitempty"`
}

// unknownCodes is Preview.UnknownCodes of user u.
func (r *Resolver) unknownCodes(u int) string {
	if !slices.ContainsFunc(r.acct.Roles, func(x Role) bool { return len(x.Codes) > 0 }) {
		return ""
	}
	var names []string
	for _, h := range r.HeldRoles(u) {
		for _, n := range r.RoleChain(h) {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return UnknownCodesNote(r.acct, names)
}

func privNames(ps []Privilege) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// heldByNone says that none of user u's roles grants what is missing,
// naming each role, those that do not exist too ("Ghost" (no such role)),
// so that the list is never blank.
func (r *Resolver) heldByNone(u int) string {
	held := r.HeldRoles(u)
	missing := r.MissingRoles(u)
	if len(held)+len(missing) == 0 {
		return "the user holds no role"
	}
	names := make([]string, 0, len(held)+len(missing))
	for _, n := range held {
		names = append(names, nameIn(n))
	}
	for _, n := range missing {
		names = append(names, DanglingRole(n))
	}
	return "held by none of: " + strings.Join(names, ", ")
}

// MissingRoles returns the names in user u's list of roles that name no
// role of the account, as the file spells them (an account with them is
// refused by validation, R5, but may be shown read-only): HeldRoles leaves
// them out. Nil when there are none.
func (r *Resolver) MissingRoles(u int) []string {
	au := r.userAt(u)
	if au == nil || len(au.Roles) == len(r.user(u).roles) {
		return nil // every name resolved to a role
	}
	var out []string
	for _, rn := range au.Roles {
		if _, ok := r.lookupRole(rn); !ok {
			out = append(out, rn)
		}
	}
	return out
}

// DanglingRole is how a name that refers to no role is shown beside the
// names of roles: quoted, so that an empty or odd name shows as one, and
// marked: "Ghost" (no such role).
func DanglingRole(name string) string { return strconv.Quote(name) + " (no such role)" }

// Preview computes what user u sees (access-model.md §5).
func (r *Resolver) Preview(u int) Preview {
	envs, evals := r.envViews(u)
	pv := Preview{User: r.user(u).email, Roles: r.HeldRoles(u), MissingRoles: r.MissingRoles(u), Environments: envs, Pages: make([]PageView, 0, len(pages)),
		UnknownCodes: r.unknownCodes(u)}
	held := holdMemo{} // pages and actions rest on the same privileges
	for _, ps := range pages {
		pv.Pages = append(pv.Pages, r.pageView(u, ps, envs, evals, held))
	}
	return pv
}

// hasAny returns the privilege of ps an answer relies on: the first the
// user holds itself, else the first held by being covered (R4), so that
// Build Read and Write Access, not the Build Read Access it covers, opens
// a page that either opens.
func (r *Resolver) hasAny(u int, ps []Privilege) (Privilege, bool) {
	for _, p := range ps {
		if r.user(u).raw.Has(p) {
			return p, true
		}
	}
	for _, p := range ps {
		if r.user(u).eff.Has(p) {
			return p, true
		}
	}
	return 0, false
}

// holding is the steps of an answer that rests on user u holding p
// account-wide (R11, R4), kept in held for the user's other answers (the
// steps are copied into each answer's Why, never changed in place).
func (r *Resolver) holding(u int, p Privilege, held holdMemo) []Step {
	if steps, ok := held[p]; ok {
		return steps
	}
	srcs, implied := r.holderSources(u, p, -1)
	steps := grantWhy(p, srcs, implied, r.user(u).eff)
	held[p] = steps
	return steps
}

// holdMemo keeps the steps of holding, per privilege, for one user.
type holdMemo map[Privilege][]Step

// lacking is the step of an answer refused because user u lacks the
// privileges in need (R11), a decision when a built-in role they hold lacks
// one by decision.
func (r *Resolver) lacking(u int, what string, need []Privilege) Step {
	dec := false
	for _, p := range need {
		dec = dec || r.missingByDecision(u, p)
	}
	return stepIf("R11", dec, "needs "+what+" ("+r.heldByNone(u)+")")
}

func (r *Resolver) pageView(u int, ps pageSpec, envs []EnvView, evals []envEval, held holdMemo) PageView {
	pv := PageView{Page: ps.Name, Access: PageHidden, Actions: make([]ActionView, 0, len(ps.Actions))}
	var w Why
	var verdict string
	if p, ok := r.hasAny(u, ps.Full); ok {
		pv.Access, verdict = PageFull, "full"
		w.add(r.holding(u, p, held)...)
	} else if p, ok := r.hasAny(u, ps.ReadOnly); ok {
		pv.Access, verdict = PageReadOnly, "read-only"
		w.add(r.holding(u, p, held)...)
		w.Steps[0].Text += " only"
		pv.Banner = ps.Banner
	} else if to := deployable(envs); ps.Name == PageDeployments && len(to) > 0 {
		// §5's Deployments row (decision): R18 lets write access deploy
		// without Packaged Component Deployment (Boomi's "Write and Read
		// Environment" scenario), so the page opens for whoever can deploy
		// somewhere.
		pv.Access, verdict = PageFull, "full"
		w.add(decided("R18", "can deploy to "+joinNames(to)+" through write access, without "+PackagedComponentDeployment.String()))
	} else {
		verdict = "hidden"
		need := append(append([]Privilege{}, ps.Full...), ps.ReadOnly...)
		w.add(r.lacking(u, strings.Join(privNames(need), " or "), need))
		if ps.Name == PageDeployments {
			w.add(step("R18", "nor does R18 let the user deploy to any environment"))
			w.add(readByDecision(envs, evals)...)
		}
	}
	pv.Because, pv.Rules, pv.Decision = w.Text(), w.Rules(), w.Decision()
	pv.Reason = verdict + ": " + pv.Because
	for _, a := range ps.Actions {
		pv.Actions = append(pv.Actions, r.actionView(u, pv, a, w, envs, evals, held))
	}
	return pv
}

// deployable names the environments whose view allows deploying (R18).
func deployable(envs []EnvView) []string {
	var out []string
	for _, e := range envs {
		if e.Deploy {
			out = append(out, e.Environment)
		}
	}
	return out
}

func (r *Resolver) actionView(u int, pv PageView, a actionSpec, page Why, envs []EnvView, evals []envEval, held holdMemo) ActionView {
	av := ActionView{Action: a.Name}
	w := r.actionWhy(u, pv, a, page, envs, evals, &av.Allowed, held)
	av.Because, av.Rules, av.Decision = w.Text(), w.Rules(), w.Decision()
	if av.Allowed {
		av.Reason = "allowed: " + av.Because
	} else {
		av.Reason = "refused: " + av.Because
	}
	return av
}

func (r *Resolver) actionWhy(u int, pv PageView, a actionSpec, page Why, envs []EnvView, evals []envEval, allowed *bool, held holdMemo) Why {
	eff := r.user(u).eff
	if pv.Access == PageHidden {
		w := Why{Steps: append([]Step{}, page.Steps...)}
		w.Steps[0].Text = "the " + pv.Page + " page is hidden: " + w.Steps[0].Text
		return w
	}
	if a.need.PerEnv != notPerEnv {
		return r.perEnvWhy(u, a.need.PerEnv, envs, evals, allowed)
	}
	var missing []string
	var missed []Privilege
	for _, p := range a.need.All {
		if !eff.Has(p) {
			missing = append(missing, p.String())
			missed = append(missed, p)
		}
	}
	if len(a.need.Any) > 0 {
		if _, ok := r.hasAny(u, a.need.Any); !ok {
			missing = append(missing, strings.Join(privNames(a.need.Any), " or "))
			missed = append(missed, a.need.Any...)
		}
	}
	switch {
	case len(missing) > 0:
		return because(r.lacking(u, strings.Join(missing, " and "), missed))
	case a.need.AUS && !r.acct.AdvancedUserSecurity:
		return because(step("R3", "needs Advanced User Security on the account"))
	case a.need.NoEnvRead && len(readIn(envs, evals)) > 0:
		// Read Access blocks test extensions only where it applies: in
		// an environment that lists a role ticking it (R15, R16), for a
		// user who reaches environments at all (R14).
		srcs := r.sources(r.user(u).roles, EnvironmentRead)
		return because(step("R16", "Environment Management Read Access (from "+fromText(srcs, 0)+") applies in "+joinNames(readIn(envs, evals))+" and makes test extensions read-only (seed rule)"))
	}
	*allowed = true
	relied := slices.Clone(a.need.All)
	if len(a.need.Any) > 0 {
		p, _ := r.hasAny(u, a.need.Any)
		relied = append(relied, p)
	}
	var w Why
	for _, p := range relied {
		w.add(r.holding(u, p, held)...)
	}
	return w
}

// perEnvWhy answers a §5 action that R18 decides per environment: it is
// allowed when R18 allows it in at least one environment, and the reason
// names those environments, or says why there are none. It reads the same
// evaluations as the environments list, so the two never disagree.
func (r *Resolver) perEnvWhy(u int, what perEnvAction, envs []EnvView, evals []envEval, allowed *bool) Why {
	verb, gerund, need := "can deploy to", "deploying", deployNeeds
	if what == perEnvSchedule {
		verb, gerund, need = "can schedule in", "scheduling", scheduleNeeds
	}
	var where, alone []string
	for e := range evals {
		ev := &evals[e]
		ok := ev.deploy
		if what == perEnvSchedule {
			ok = ev.schedule
		}
		if !ok {
			continue
		}
		where = append(where, envs[e].Environment)
		if what == perEnvDeploy && ev.access == AccessWrite && !ev.privs.Has(PackagedComponentDeployment) {
			alone = append(alone, envs[e].Environment)
		}
	}
	if len(where) > 0 {
		*allowed = true
		switch {
		case len(alone) == 0:
			return because(step("R18", verb+" "+joinNames(where)))
		case len(alone) == len(where):
			return because(decided("R18", verb+" "+joinNames(where)+" through write access alone"))
		}
		return because(step("R18", verb+" "+joinNames(where)+"; to "+joinNames(alone)+" through write access alone"))
	}
	// Nowhere. Without write access anywhere, R18 needs the privileges;
	// say first which ones the user lacks altogether.
	if lack := need &^ r.user(u).eff; lack != 0 {
		w := because(step("R18", "needs "+joinPrivs(lack.List())+" ("+r.heldByNone(u)+"), or write access to an environment"))
		w.add(readByDecision(envs, evals)...)
		return w
	}
	if len(envs) == 0 {
		return because(step("R18", "the account has no environment"))
	}
	w := because(step("R18", "no environment allows "+gerund))
	named := 0
	for _, v := range envs {
		if !v.Visible {
			continue
		}
		why, rules, dec := v.DeployReason, v.DeployRules, v.DeployDecision
		if what == perEnvSchedule {
			why, rules, dec = v.ScheduleReason, v.ScheduleRules, v.ScheduleDecision
		}
		// The words of at most maxNamedEnvs environments; the rules of
		// every one, which the environments list spells out.
		switch {
		case named < maxNamedEnvs:
			w.add(Step{Text: nameIn(v.Environment) + ": " + strings.TrimPrefix(why, "refused: ")})
		case named == maxNamedEnvs:
			w.add(Step{Text: fmt.Sprintf("and %d more (see environments)", countVisible(envs)-maxNamedEnvs)})
		}
		named++
		for _, rule := range rules {
			w.add(Step{Rule: rule, Decision: dec})
		}
	}
	if named == 0 {
		if !evals[0].reach {
			w.add(step("R14", "no environment is visible without Runtime Management or Runtime Management Read Access"))
		} else {
			w.add(step("R13", "no environment is visible: each lists only roles this user does not hold"))
		}
	}
	return w
}

// readIn names the environments where Environment Management Read Access
// applies (R15, R16, R17), as eval found them.
func readIn(envs []EnvView, evals []envEval) []string {
	var out []string
	for e := range evals {
		if evals[e].envRead {
			out = append(out, envs[e].Environment)
		}
	}
	return out
}

// readByDecision is the step of a refusal that write access would have
// allowed, in the environments where access is read only because write
// needs Runtime Management itself (R17, decision).
func readByDecision(envs []EnvView, evals []envEval) []Step {
	var where []string
	for e := range evals {
		if evals[e].visible && evals[e].accBy.readByDecision() {
			where = append(where, envs[e].Environment)
		}
	}
	if len(where) == 0 {
		return nil
	}
	return []Step{decided("R17", "access to "+joinNames(where)+" is read: write access, which would allow it, needs Runtime Management itself")}
}

// maxNamedEnvs bounds how many environments a refusal names.
const maxNamedEnvs = 3

func countVisible(envs []EnvView) int {
	n := 0
	for _, v := range envs {
		if v.Visible {
			n++
		}
	}
	return n
}
