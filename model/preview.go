package model

import (
	"fmt"
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
	// NoEnvRead refuses the action while the user holds Environment
	// Management Read Access with Advanced Environment Access on (seed rule).
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

// PageActions returns the action names of a page, in order.
func PageActions(page string) []string {
	for _, p := range pages {
		if p.Name == page {
			out := make([]string, len(p.Actions))
			for i, a := range p.Actions {
				out[i] = a.Name
			}
			return out
		}
	}
	return nil
}

// ActionView is one action on a page, allowed or not, with its reason.
type ActionView struct {
	Action  string `json:"action"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason"`
}

// PageView is one page as a user sees it.
type PageView struct {
	Page    string       `json:"page"`
	Access  PageAccess   `json:"access"`
	Reason  string       `json:"reason"`
	Banner  string       `json:"banner,omitempty"`
	Actions []ActionView `json:"actions"`
}

// Preview is everything a user sees: pages, actions and environments.
type Preview struct {
	User         string     `json:"user"`
	Roles        []string   `json:"roles"`
	Pages        []PageView `json:"pages"`
	Environments []EnvView  `json:"environments"`
}

func privNames(ps []Privilege) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func (r *Resolver) heldByNone(u int) string {
	return "held by none of: " + strings.Join(r.HeldRoles(u), ", ")
}

// Preview computes what user u sees (access-model.md §5).
func (r *Resolver) Preview(u int) Preview {
	envs, evals := r.envViews(u)
	pv := Preview{User: r.users[u].email, Roles: r.HeldRoles(u), Environments: envs, Pages: make([]PageView, 0, len(pages))}
	for _, ps := range pages {
		pv.Pages = append(pv.Pages, r.pageView(u, ps, envs, evals))
	}
	return pv
}

func (r *Resolver) hasAny(u int, ps []Privilege) (Privilege, bool) {
	for _, p := range ps {
		if r.users[u].eff.Has(p) {
			return p, true
		}
	}
	return 0, false
}

func (r *Resolver) pageView(u int, ps pageSpec, envs []EnvView, evals []envEval) PageView {
	pv := PageView{Page: ps.Name, Access: PageHidden, Actions: make([]ActionView, 0, len(ps.Actions))}
	if p, ok := r.hasAny(u, ps.Full); ok {
		pv.Access = PageFull
		pv.Reason = "full: " + r.grantPhrase(u, p)
	} else if p, ok := r.hasAny(u, ps.ReadOnly); ok {
		pv.Access = PageReadOnly
		pv.Reason = "read-only: " + r.grantPhrase(u, p) + " only"
		pv.Banner = ps.Banner
	} else if to := deployable(envs); ps.Name == PageDeployments && len(to) > 0 {
		// Decision (§5's Deployments row): R18 lets write access deploy
		// without Packaged Component Deployment (Boomi's "Write and Read
		// Environment" scenario deploys with Environment Management Full
		// Access alone), so the page opens for whoever can deploy
		// somewhere; else the preview would call an environment deployable
		// and its only way in hidden.
		pv.Access = PageFull
		pv.Reason = "full: can deploy to " + joinNames(to) + " through write access (R17, R18, decision)"
	} else {
		needs := privNames(append(append([]Privilege{}, ps.Full...), ps.ReadOnly...))
		pv.Reason = fmt.Sprintf("hidden: needs %s (%s)", strings.Join(needs, " or "), r.heldByNone(u))
		if ps.Name == PageDeployments {
			pv.Reason += ", or an environment R18 lets the user deploy to"
		}
	}
	for _, a := range ps.Actions {
		pv.Actions = append(pv.Actions, r.actionView(u, pv, a, envs, evals))
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

// grantPhrase says where a privilege comes from, briefly: "View Results from Support (via ...)".
func (r *Resolver) grantPhrase(u int, p Privilege) string {
	srcs, _ := r.coveredSources(r.users[u].roles, r.users[u].raw, p)
	from := make([]string, len(srcs))
	for i, s := range srcs {
		from[i] = s.String()
	}
	return fmt.Sprintf("%s from %s", p, strings.Join(from, ", "))
}

func (r *Resolver) actionView(u int, pv PageView, a actionSpec, envs []EnvView, evals []envEval) ActionView {
	av := ActionView{Action: a.Name}
	eff := r.users[u].eff
	if pv.Access == PageHidden {
		av.Reason = "refused: the " + pv.Page + " page is " + pv.Reason
		return av
	}
	if a.need.PerEnv != notPerEnv {
		av.Allowed, av.Reason = r.perEnvAnswer(u, a.need.PerEnv, envs, evals)
		return av
	}
	var missing []string
	for _, p := range a.need.All {
		if !eff.Has(p) {
			missing = append(missing, p.String())
		}
	}
	if len(a.need.Any) > 0 {
		if _, ok := r.hasAny(u, a.need.Any); !ok {
			missing = append(missing, strings.Join(privNames(a.need.Any), " or "))
		}
	}
	switch {
	case len(missing) > 0:
		av.Reason = fmt.Sprintf("needs %s (%s)", strings.Join(missing, " and "), r.heldByNone(u))
	case a.need.AUS && !r.acct.AdvancedUserSecurity:
		av.Reason = "needs Advanced User Security on the account (R3)"
	case a.need.NoEnvRead && r.acct.AdvancedEnvironmentAccess && r.users[u].raw.Has(EnvironmentRead) && !r.users[u].raw.Has(EnvironmentManagement):
		srcs := r.sources(r.users[u].roles, EnvironmentRead)
		from := make([]string, len(srcs))
		for i, s := range srcs {
			from[i] = s.String()
		}
		av.Reason = fmt.Sprintf("refused: Environment Management Read Access (from %s) makes test extensions read-only (R16, seed rule)", strings.Join(from, ", "))
	default:
		av.Allowed = true
		names := append(privNames(a.need.All), privNames(a.need.Any)...)
		if len(a.need.Any) > 0 {
			p, _ := r.hasAny(u, a.need.Any)
			names = append(privNames(a.need.All), p.String())
		}
		av.Reason = "allowed: " + strings.Join(names, " + ")
	}
	return av
}

// perEnvAnswer answers a §5 action that R18 decides per environment: it is
// allowed when R18 allows it in at least one environment, and the reason
// names those environments, or says why there are none. It reads the same
// evaluations as the environments list, so the two never disagree.
func (r *Resolver) perEnvAnswer(u int, what perEnvAction, envs []EnvView, evals []envEval) (bool, string) {
	prep, gerund, need := "to", "deploying", []Privilege{PackagedComponentDeployment}
	if what == perEnvSchedule {
		prep, gerund, need = "in", "scheduling", []Privilege{Scheduling, RuntimeManagement}
	}
	var where, alone []string
	for e, ev := range evals {
		ok := ev.deploy
		if what == perEnvSchedule {
			ok = ev.schedule
		}
		if !ok {
			continue
		}
		where = append(where, envs[e].Environment)
		if what == perEnvDeploy && deployByWriteAlone(ev) {
			alone = append(alone, envs[e].Environment)
		}
	}
	switch {
	case len(where) > 0 && len(alone) == 0:
		return true, "allowed " + prep + " " + joinNames(where) + " (R18)"
	case len(where) > 0 && len(alone) == len(where):
		return true, "allowed " + prep + " " + joinNames(where) + " through write access (R18, decision)"
	case len(where) > 0:
		return true, "allowed " + prep + " " + joinNames(where) + "; to " + joinNames(alone) + " through write access alone (R18, decision)"
	}
	// Nowhere. Without write access anywhere, R18 needs the privileges;
	// say first which ones the user lacks altogether.
	var missing []string
	for _, p := range need {
		if !r.users[u].eff.Has(p) {
			missing = append(missing, p.String())
		}
	}
	if len(missing) > 0 {
		return false, fmt.Sprintf("refused: needs %s (%s), or write access to an environment (R18)", strings.Join(missing, " and "), r.heldByNone(u))
	}
	if len(envs) == 0 {
		return false, "refused: the account has no environment (R18)"
	}
	var why []string
	for e, v := range envs {
		if !v.Visible {
			continue
		}
		if len(why) == maxNamedEnvs {
			why = append(why, fmt.Sprintf("and %d more (see environments)", countVisible(envs[e:])))
			break
		}
		reason := v.DeployReason
		if what == perEnvSchedule {
			reason = v.ScheduleReason
		}
		why = append(why, v.Environment+": "+strings.TrimPrefix(reason, "refused: "))
	}
	if len(why) == 0 {
		if !evals[0].reach {
			return false, "refused: no environment is visible without Runtime Management or Runtime Management Read Access (R14, R18)"
		}
		return false, "refused: no environment is visible: each lists only roles this user does not hold (R13, R18)"
	}
	return false, "refused: no environment allows " + gerund + " (R18). " + strings.Join(why, ". ")
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
