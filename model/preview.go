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
	// PerEnv: decided per environment by R18 (deploy).
	PerEnv bool
}

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
			{"Install Runtime", all(BuildReadWrite, RuntimeManagement)},
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
		Actions: []actionSpec{{"Deploy", need{PerEnv: true}}}},
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
			{"Schedule Processes", all(RuntimeManagement, Scheduling)},
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
	envs := r.EnvViews(u)
	pv := Preview{User: r.users[u].email, Roles: r.HeldRoles(u), Environments: envs, Pages: make([]PageView, 0, len(pages))}
	for _, ps := range pages {
		pv.Pages = append(pv.Pages, r.pageView(u, ps, envs))
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

func (r *Resolver) pageView(u int, ps pageSpec, envs []EnvView) PageView {
	pv := PageView{Page: ps.Name, Access: PageHidden, Actions: make([]ActionView, 0, len(ps.Actions))}
	if p, ok := r.hasAny(u, ps.Full); ok {
		pv.Access = PageFull
		pv.Reason = "full: " + r.grantPhrase(u, p)
	} else if p, ok := r.hasAny(u, ps.ReadOnly); ok {
		pv.Access = PageReadOnly
		pv.Reason = "read-only: " + r.grantPhrase(u, p) + " only"
		pv.Banner = ps.Banner
	} else if to := deployable(envs); ps.Name == PageDeployments && len(to) > 0 {
		// Decision: R18 lets write access deploy without Packaged Component
		// Deployment (Boomi's "Write and Read Environment" scenario deploys
		// with Environment Management Full Access alone), so the page opens
		// for whoever can deploy somewhere; else the preview would call an
		// environment deployable and its only way in hidden.
		pv.Access = PageFull
		pv.Reason = "full: can deploy to " + joinNames(to) + " through write access (R17, R18, decision)"
	} else {
		needs := privNames(append(append([]Privilege{}, ps.Full...), ps.ReadOnly...))
		pv.Reason = fmt.Sprintf("hidden: needs %s (%s)", strings.Join(needs, " or "), r.heldByNone(u))
	}
	for _, a := range ps.Actions {
		pv.Actions = append(pv.Actions, r.actionView(u, pv, a, envs))
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

func (r *Resolver) actionView(u int, pv PageView, a actionSpec, envs []EnvView) ActionView {
	av := ActionView{Action: a.Name}
	eff := r.users[u].eff
	if a.need.PerEnv {
		ok := deployable(envs)
		switch {
		case pv.Access == PageHidden:
			av.Reason = "refused: the " + pv.Page + " page is " + pv.Reason
		case len(ok) == 0:
			av.Reason = "refused: no environment allows deploying (R18); see environments"
		default:
			av.Allowed = true
			av.Reason = "allowed to " + joinNames(ok) + " (R18)"
		}
		return av
	}
	if pv.Access == PageHidden {
		av.Reason = "refused: the " + pv.Page + " page is " + pv.Reason
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
