package model

// A second, deliberately naive resolver, written straight from the rule text
// of access-model.md (R1-R18): plain maps and slices, no indexes, no
// bitsets, every role looked up by name and every inheritance chain walked
// again on each question. TestDifferential compares it with the real
// Resolver on thousands of random valid accounts.
//
// The random account generator at the end of this file is shared with
// fuzz_test.go and rules_test.go.

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// specPrivilegeTable is §1's table, copied from the spec as printed: name,
// old name, what it governs, then Y in the Administrator, Standard User,
// Production Support and Support columns.
const specPrivilegeTable = `
| API Access | | the Platform API and API tokens | Y | | | |
| API Management - Access | | all of API Management except its dashboard | Y | | | |
| API Management - APIs | | deployed APIs, API lifecycle | Y | | | |
| API Management - Applications | | API applications and subscriptions | Y | | | |
| API Management - Dashboard | | the API Management dashboard only | Y | | | |
| API Management - Gateway | | gateway configuration | Y | Y | | |
| Account Administration | | account settings, the Features page | Y | | | |
| Account Group Management | | account groups and their access | Y | | | |
| Boomi Assure | | Assure data | Y | Y | | Y |
| Branch Create & Modify Access | | creating and updating branches | Y | Y | | |
| Branch Delete Access | | deleting branches | Y | Y | | |
| Build Read Access | | Build page and branches, read only | Y | Y (decision) | | |
| Build Read and Write Access | | Build page: create, edit, save components | Y | Y | | |
| Cloud Management | | Cloud Management page | Y | | | |
| Dashboard | | account and real-time dashboards | Y | | | |
| Developer | | connector SDK, publishing components | Y | Y | Y | Y |
| Environment Management | | all environments: create, edit, Roles with Access | Y | (decision: no) | | |
| Execute | | execute or retry processes | Y | Y | Y | Y |
| Integration Pack | | releasing integration packs | Y | Y | | |
| Licensing | | connection and cloud usage | Y | Y | Y | Y |
| Packaged Component Deployment | Process Deployment | Deployments page: deploy to environments | Y | Y | Y | |
| Packaged Component Management | Package Management | Packaged Components page | Y | Y | | |
| Process Library | | publishing processes | Y | Y | | |
| Runtime Management | Atom Management | Runtime Management page, read and write | Y | Y | Y | |
| Runtime Management Read Access | Atom Management Read Access | Runtime Management page, read only | Y | Y | Y | |
| Scheduling | | process schedules | Y | Y | Y | |
| Trading Partner Management | | trading partners and groups | Y | Y | | |
| User Management | | users and custom roles | Y | | | |
| View Audit Logs | | the audit log | Y | | | |
| View Data | | document data in Process Reporting | Y | Y | Y | Y |
| View Results | | Process Reporting: executions and logs, not data | Y | Y | Y | Y |
| Environment Management Read Access | | per environment, read only; custom roles only | | | | |
| Environment Management Full Access | | per environment, read and write; custom roles only | | | | |
`

// specRow is one parsed row of specPrivilegeTable.
type specRow struct {
	name, old string
	holders   [4]bool // Administrator, Standard User, Production Support, Support
}

var specBuiltinNames = [4]string{"Administrator", "Standard User", "Production Support", "Support"}

func parseSpecPrivilegeTable() []specRow {
	var rows []specRow
	for _, line := range strings.Split(strings.TrimSpace(specPrivilegeTable), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 7 {
			panic(fmt.Sprintf("spec table row %q has %d cells", line, len(cells)))
		}
		r := specRow{name: strings.TrimSpace(cells[0]), old: strings.TrimSpace(cells[1])}
		for i := range 4 {
			// "Y" and "Y (decision)" hold it; "" and "(decision: no)" do not.
			r.holders[i] = strings.HasPrefix(strings.TrimSpace(cells[3+i]), "Y")
		}
		rows = append(rows, r)
	}
	return rows
}

// naivePriv turns a spec name into the model's privilege, failing loudly.
func naivePriv(name string) Privilege {
	for _, p := range AllPrivileges() {
		if p.String() == name {
			return p
		}
	}
	panic("spec privilege " + name + " is not in the catalog")
}

type naiveBuiltin struct {
	name     string
	needsAUS bool // R3: Production Support and Support
	privs    map[Privilege]bool
}

// naiveBuiltins are R2's roles, built from the spec table, not the catalog.
var naiveBuiltins = func() []naiveBuiltin {
	out := make([]naiveBuiltin, 4)
	for i, n := range specBuiltinNames {
		out[i] = naiveBuiltin{name: n, needsAUS: i >= 2, privs: map[Privilege]bool{}}
	}
	for _, row := range parseSpecPrivilegeTable() {
		for i := range 4 {
			if row.holders[i] {
				out[i].privs[naivePriv(row.name)] = true
			}
		}
	}
	return out
}()

func naiveIsPerEnv(p Privilege) bool {
	return p == EnvironmentRead || p == EnvironmentFull
}

// naiveCovers is R4 as the rule text says it.
var naiveCovers = map[Privilege][]Privilege{
	BuildReadWrite:        {BuildRead},
	RuntimeManagement:     {RuntimeManagementRead},
	EnvironmentManagement: {EnvironmentRead, EnvironmentFull},
}

func naiveClosure(s map[Privilege]bool) map[Privilege]bool {
	out := map[Privilege]bool{}
	for p := range s {
		out[p] = true
		for _, c := range naiveCovers[p] {
			out[c] = true
		}
	}
	return out
}

type naiveModel struct{ a *Account }

func (n naiveModel) builtin(name string) (naiveBuiltin, bool) {
	for _, b := range naiveBuiltins {
		if strings.EqualFold(b.name, name) {
			if b.needsAUS && !n.a.AdvancedUserSecurity {
				return naiveBuiltin{}, false // R3: it does not exist
			}
			return b, true
		}
	}
	return naiveBuiltin{}, false
}

func (n naiveModel) custom(name string) (Role, bool) {
	for _, r := range n.a.Roles {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Role{}, false
}

// canonical returns the role's name as the account spells it, or "" when
// there is no such role.
func (n naiveModel) canonical(name string) string {
	if b, ok := n.builtin(name); ok {
		return b.name
	}
	if r, ok := n.custom(name); ok {
		return r.Name
	}
	return ""
}

// ticks is what a role grants by itself: a built-in its whole column (R2),
// a custom role its ticks (R5).
func (n naiveModel) ticks(name string) map[Privilege]bool {
	if b, ok := n.builtin(name); ok {
		return b.privs
	}
	out := map[Privilege]bool{}
	if r, ok := n.custom(name); ok {
		for _, p := range r.Privileges {
			out[p] = true
		}
	}
	return out
}

func (n naiveModel) parent(name string) string {
	if _, ok := n.builtin(name); ok {
		return ""
	}
	if r, ok := n.custom(name); ok {
		return r.Inherits
	}
	return ""
}

// chain is the role followed by its ancestors, nearest first (R5, R6),
// canonical names.
func (n naiveModel) chain(name string) []string {
	var out []string
	cur := n.canonical(name)
	for cur != "" && len(out) <= len(n.a.Roles)+4 {
		out = append(out, cur)
		p := n.parent(cur)
		if p == "" {
			break
		}
		cur = n.canonical(p)
	}
	return out
}

// rolePrivileges is a role's privileges: its parent's plus its ticks (R5).
func (n naiveModel) rolePrivileges(name string) map[Privilege]bool {
	out := map[Privilege]bool{}
	for _, r := range n.chain(name) {
		for p := range n.ticks(r) {
			out[p] = true
		}
	}
	return out
}

// held is the roles user u holds, canonical names.
func (n naiveModel) held(u User) []string {
	var out []string
	for _, rn := range u.Roles {
		if c := n.canonical(rn); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func (n naiveModel) rawOf(roles []string) map[Privilege]bool {
	out := map[Privilege]bool{}
	for _, r := range roles {
		for p := range n.rolePrivileges(r) {
			out[p] = true
		}
	}
	return out
}

// accountWide is R11 with R4: union of the held roles' privileges, closed.
func (n naiveModel) accountWide(u User) map[Privilege]bool {
	return naiveClosure(n.rawOf(n.held(u)))
}

func (n naiveModel) listed(e Environment, role string) bool {
	for _, rn := range e.RolesWithAccess {
		if strings.EqualFold(rn, role) {
			return true
		}
	}
	return false
}

type naiveEnv struct {
	visible    bool
	hasEM      bool
	restricted bool
	counting   []string // R15: the held roles that count here
	envRead    bool     // Environment Management Read Access applies here
	privs      map[Privilege]bool
	access     Access
	deploy     bool
	schedule   bool
	edit       bool
}

// env answers R12-R18 for user u in environment e.
func (n naiveModel) env(u User, e Environment) naiveEnv {
	out := naiveEnv{access: AccessNone, privs: map[Privilege]bool{}}
	all := n.accountWide(u)
	out.hasEM = all[EnvironmentManagement]
	out.restricted = len(e.RolesWithAccess) > 0
	// R14: reaching Runtime Management needs one of these two.
	if !all[RuntimeManagement] && !all[RuntimeManagementRead] {
		return out
	}
	var listedHeld []string
	for _, r := range n.held(u) {
		if n.listed(e, r) { // by identity: an ancestor being listed does not count (R13)
			listedHeld = append(listedHeld, r)
		}
	}
	// R12, R13
	if out.restricted && len(listedHeld) == 0 && !out.hasEM {
		return out
	}
	out.visible = true
	// R15
	if out.hasEM || !out.restricted {
		out.counting = n.held(u)
	} else {
		out.counting = listedHeld
	}
	privs := map[Privilege]bool{}
	for p := range n.rawOf(out.counting) {
		if !naiveIsPerEnv(p) {
			privs[p] = true
		}
	}
	// R15, R16: the per-environment privileges count only through a listed
	// role, only with Advanced Environment Access on.
	envFull := false
	if n.a.AdvancedEnvironmentAccess {
		for _, r := range listedHeld {
			rp := n.rolePrivileges(r)
			if rp[EnvironmentRead] {
				out.envRead = true
				privs[EnvironmentRead] = true
			}
			if rp[EnvironmentFull] {
				envFull = true
				privs[EnvironmentFull] = true
			}
		}
	}
	// R4: Environment Management covers both, in every environment.
	out.privs = naiveClosure(privs)
	// R17
	switch {
	case out.hasEM:
		out.access = AccessWrite
	case envFull && !out.envRead:
		out.access = AccessWrite
	default:
		out.access = AccessRead
	}
	// R18
	write := out.access == AccessWrite
	out.deploy = write || (out.privs[PackagedComponentDeployment] && !out.envRead)
	out.schedule = write || (out.privs[Scheduling] && out.privs[RuntimeManagement] && !out.envRead)
	out.edit = write
	return out
}

// sources is R11: for each held role, the chain down to each role that ticks p.
func (n naiveModel) sources(held []string, p Privilege) []Source {
	var out []Source
	for _, h := range held {
		ch := n.chain(h)
		for k, r := range ch {
			if n.ticks(r)[p] {
				out = append(out, Source{Role: ch[0], Via: slices.Clone(ch[1 : k+1])})
			}
		}
	}
	return out
}

// grantsOf lists the privileges in eff with their sources among roles:
// the privilege's own sources when raw holds it, and those of the
// privilege covering it (R4).
func (n naiveModel) grantsOf(roles []string, raw, eff map[Privilege]bool) []Grant {
	var out []Grant
	for _, p := range AllPrivileges() {
		if !eff[p] {
			continue
		}
		g := Grant{Privilege: p}
		if raw[p] {
			g.Sources = n.sources(roles, p)
		}
		// R11 with R4: a role that grants a privilege covering p grants p
		// too, and is one of its sources, marked with that privilege.
		for sup, covered := range naiveCovers {
			if raw[sup] && slices.Contains(covered, p) {
				if !raw[p] {
					g.ImpliedBy = sup
				}
				direct := n.sources(roles, p)
				if !raw[p] {
					direct = nil
				}
				for _, src := range n.sources(roles, sup) {
					same := false
					for _, d := range direct {
						same = same || d.Role == src.Role && slices.Equal(d.Via, src.Via)
					}
					if !same {
						src.ImpliedBy = sup.String()
						g.Sources = append(g.Sources, src)
					}
				}
			}
		}
		out = append(out, g)
	}
	return out
}

func (n naiveModel) grants(u User) []Grant {
	h := n.held(u)
	return n.grantsOf(h, n.rawOf(h), n.accountWide(u))
}

// envGrants: the privileges that count in e with the sources that count
// there. A per-environment tick counts only through a listed role with
// Advanced Environment Access on and without Environment Management (R15,
// R16); otherwise the per-environment privileges come from Environment
// Management (R4).
func (n naiveModel) envGrants(u User, e Environment) []Grant {
	ev := n.env(u, e)
	if !ev.visible {
		return nil
	}
	raw := map[Privilege]bool{}
	for p := range n.rawOf(ev.counting) {
		if naiveIsPerEnv(p) && !(n.a.AdvancedEnvironmentAccess && ev.restricted && !ev.hasEM) {
			continue
		}
		raw[p] = true
	}
	return n.grantsOf(ev.counting, raw, ev.privs)
}

// naivePages is §5's table as requirements: the privileges that open a page
// fully, those that open it read-only, and what each action needs.
type naiveAction struct {
	name string
	all  []Privilege // all of these
	any  []Privilege // and one of these, when set
	aus  bool        // Advanced User Security on (R3)
	// noEnvRead: not Environment Management Read Access under R16 (seed
	// rule); Environment Management, which covers it (R4), is not meant.
	noEnvRead bool
	// perEnv: "deploy" or "schedule", allowed when R18 allows it in at
	// least one environment (the same answer as the environments list).
	perEnv string
}

var naivePages = []struct {
	name           string
	full, readOnly []Privilege
	actions        []naiveAction
}{
	{"Build", []Privilege{BuildReadWrite}, []Privilege{BuildRead}, []naiveAction{
		{name: "Create Component", all: []Privilege{BuildReadWrite}},
		{name: "Save", all: []Privilege{BuildReadWrite}},
		{name: "Manage Folders", all: []Privilege{BuildReadWrite}},
		{name: "Move to Another Folder", all: []Privilege{BuildReadWrite}},
		{name: "Import", all: []Privilege{BuildReadWrite}},
		{name: "Run Test Mode", all: []Privilege{BuildReadWrite}},
		{name: "Generate Certificates", all: []Privilege{BuildReadWrite}},
		{name: "Copy Component", any: []Privilege{BuildRead, BuildReadWrite}},
		{name: "Edit Test Extensions", all: []Privilege{BuildReadWrite}, noEnvRead: true},
		// "Runtime Management + either Build privilege"
		{name: "Install Runtime", all: []Privilege{RuntimeManagement}, any: []Privilege{BuildRead, BuildReadWrite}},
		{name: "Upload Custom Library", all: []Privilege{BuildReadWrite, Developer}},
	}},
	{"Branch Management", []Privilege{BuildRead, BuildReadWrite}, nil, []naiveAction{
		{name: "Create Branch", all: []Privilege{BranchCreateModify}},
		{name: "Delete Branch", all: []Privilege{BranchDelete}},
	}},
	{"Packaged Components", []Privilege{PackagedComponentManagement}, nil, []naiveAction{{name: "Create Packaged Component", all: []Privilege{PackagedComponentManagement}}}},
	{"Deployments", []Privilege{PackagedComponentDeployment}, nil, []naiveAction{{name: "Deploy", perEnv: "deploy"}}},
	{"Process Reporting", []Privilege{ViewResults}, nil, []naiveAction{
		{name: "View Document", all: []Privilege{ViewData}},
		{name: "View Document Errors", all: []Privilege{ViewData}},
		{name: "Run Document in Test Mode", all: []Privilege{ViewData}},
		{name: "Re-run Document", all: []Privilege{Execute}},
		{name: "Execute Process", all: []Privilege{Execute}},
		{name: "Download Process Logs", all: []Privilege{ViewResults}},
	}},
	{"Runtime Management", []Privilege{RuntimeManagement}, []Privilege{RuntimeManagementRead}, []naiveAction{
		{name: "Save Settings", all: []Privilege{RuntimeManagement}},
		{name: "Delete", all: []Privilege{RuntimeManagement}},
		{name: "Restart", all: []Privilege{RuntimeManagement}},
		{name: "Download Runtime Logs", all: []Privilege{RuntimeManagement}},
		{name: "Search and View", any: []Privilege{RuntimeManagement, RuntimeManagementRead}},
		{name: "Schedule Processes", perEnv: "schedule"},
		{name: "Create Environment", all: []Privilege{RuntimeManagement, EnvironmentManagement}},
		{name: "Edit Roles with Access", all: []Privilege{RuntimeManagement, EnvironmentManagement}},
	}},
	{"Cloud Management", []Privilege{CloudManagement}, nil, nil},
	{"Dashboard", []Privilege{Dashboard}, nil, nil},
	{"Audit Logs", []Privilege{ViewAuditLogs}, nil, nil},
	{"User Management", []Privilege{UserManagement}, nil, []naiveAction{{name: "Edit Custom Roles", all: []Privilege{UserManagement}, aus: true}}},
	{"Account Features", []Privilege{AccountAdministration}, nil, nil},
	{"Account Groups", []Privilege{AccountGroupManagement}, nil, nil},
	{"Licensing", []Privilege{Licensing}, nil, nil},
	{"Process Library", []Privilege{ProcessLibrary}, nil, nil},
	{"Integration Packs", []Privilege{IntegrationPack}, nil, nil},
	{"Trading Partners", []Privilege{TradingPartnerManagement}, nil, nil},
	{"API Management", []Privilege{APIMAccess}, []Privilege{APIMDashboard}, nil},
}

// preview gives, per page, "access: action=allowed ..." for user u (§5).
// An action on a hidden page is refused.
func (n naiveModel) preview(u User) []string {
	all := n.accountWide(u)
	raw := n.rawOf(n.held(u))
	anyOf := func(ps []Privilege) bool {
		for _, p := range ps {
			if all[p] {
				return true
			}
		}
		return false
	}
	where := n.perEnvWhere(u)
	deployable := len(where["deploy"]) > 0
	var out []string
	for _, pg := range naivePages {
		access := PageHidden
		if anyOf(pg.full) {
			access = PageFull
		} else if anyOf(pg.readOnly) {
			access = PageReadOnly
		} else if pg.name == "Deployments" && deployable {
			// §5: "Packaged Component Deployment, or R18 lets the user
			// deploy to at least one environment (decision)".
			access = PageFull
		}
		line := pg.name + " " + string(access) + ":"
		for _, ac := range pg.actions {
			ok := access != PageHidden
			for _, p := range ac.all {
				ok = ok && all[p]
			}
			if len(ac.any) > 0 {
				ok = ok && anyOf(ac.any)
			}
			if ac.aus {
				ok = ok && n.a.AdvancedUserSecurity
			}
			if ac.noEnvRead && n.a.AdvancedEnvironmentAccess && raw[EnvironmentRead] && !all[EnvironmentManagement] {
				ok = false
			}
			if ac.perEnv != "" {
				ok = ok && len(where[ac.perEnv]) > 0
			}
			line += fmt.Sprintf(" %s=%v", ac.name, ok)
		}
		out = append(out, line)
	}
	return out
}

// perEnvWhere names, for "deploy" and "schedule", the environments where
// R18 allows it, and under "deploy alone" those where write access alone
// allows deploying: Packaged Component Deployment does not count there, so
// the answer rests on the Deployments row's decision.
func (n naiveModel) perEnvWhere(u User) map[string][]string {
	out := map[string][]string{}
	for _, e := range n.a.Environments {
		ev := n.env(u, e)
		if ev.deploy {
			out["deploy"] = append(out["deploy"], e.Name)
			if !ev.privs[PackagedComponentDeployment] {
				out["deploy alone"] = append(out["deploy alone"], e.Name)
			}
		}
		if ev.schedule {
			out["schedule"] = append(out["schedule"], e.Name)
		}
	}
	return out
}

// checkPerEnvReasons: an allowed Deploy or Schedule Processes names exactly
// the environments where R18 allows it, and a deploy through write access
// alone says "decision" (the spec's intro); a refusal gives a reason.
func checkPerEnvReasons(d *diffCounter, a *Account, n naiveModel, u User, pv Preview) {
	d.t.Helper()
	where := n.perEnvWhere(u)
	for _, pg := range pv.Pages {
		for _, ac := range pg.Actions {
			what := map[string]string{"Deploy": "deploy", "Schedule Processes": "schedule"}[ac.Action]
			if what == "" {
				continue
			}
			if !ac.Allowed {
				d.check(strings.HasPrefix(ac.Reason, "refused: ") && len(ac.Reason) > len("refused: "), a, "%s %s refused without a reason: %q", u.Email, ac.Action, ac.Reason)
				continue
			}
			for _, e := range a.Environments {
				named := strings.Contains(ac.Reason, e.Name)
				allowed := slices.Contains(where[what], e.Name)
				d.check(named == allowed, a, "%s %s: reason %q names %s = %v, R18 allows it there = %v", u.Email, ac.Action, ac.Reason, e.Name, named, allowed)
			}
			if what == "deploy" {
				decision := strings.Contains(ac.Reason, "decision")
				d.check(decision == (len(where["deploy alone"]) > 0), a, "%s Deploy: reason %q says decision = %v; deploys by write access alone to %q", u.Email, ac.Reason, decision, where["deploy alone"])
			}
		}
	}
}

func previewKey(pv Preview) []string {
	var out []string
	for _, pg := range pv.Pages {
		line := pg.Page + " " + string(pg.Access) + ":"
		for _, ac := range pg.Actions {
			line += fmt.Sprintf(" %s=%v", ac.Action, ac.Allowed)
		}
		out = append(out, line)
	}
	return out
}

func grantKey(g Grant) string {
	srcs := make([]string, len(g.Sources))
	for i, s := range g.Sources {
		srcs[i] = s.String()
	}
	slices.Sort(srcs)
	imp := ""
	if g.ImpliedBy != 0 {
		imp = " implied by " + g.ImpliedBy.String()
	}
	return g.Privilege.String() + imp + " <- [" + strings.Join(srcs, "; ") + "]"
}

func grantKeys(gs []Grant) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = grantKey(g)
	}
	return out
}

func setKey(s map[Privilege]bool) string {
	var names []string
	for _, p := range AllPrivileges() {
		if s[p] {
			names = append(names, p.String())
		}
	}
	return strings.Join(names, ", ")
}

func privSetKey(s PrivSet) string {
	return strings.Join(privNames(s.List()), ", ")
}

// diffCounter counts the questions asked and reports disagreements, at most
// a few per account.
type diffCounter struct {
	t         *testing.T
	questions int
	disagree  int
	shown     int
}

func (d *diffCounter) check(same bool, a *Account, format string, args ...any) {
	d.t.Helper()
	d.questions++
	if same {
		return
	}
	d.disagree++
	if d.shown < 10 {
		d.shown++
		d.t.Errorf("%s\naccount: %s", fmt.Sprintf(format, args...), describeAccount(a))
	}
}

// compareWithNaive asks both resolvers every (user, privilege, environment)
// and (user, environment) question about a, the sources of every grant, and
// every page and action of every user's preview.
// withEnvGrants also compares EnvGrants.
func compareWithNaive(d *diffCounter, a *Account, withEnvGrants bool) {
	d.t.Helper()
	r := NewResolver(a)
	n := naiveModel{a}
	// The naive answers, computed once per user and per (user, environment).
	alls := make([]map[Privilege]bool, len(a.Users))
	envs := make([][]naiveEnv, len(a.Users))
	for ui, u := range a.Users {
		alls[ui] = n.accountWide(u)
		envs[ui] = make([]naiveEnv, len(a.Environments))
		for ei, e := range a.Environments {
			envs[ui][ei] = n.env(u, e)
		}
	}
	for ui, u := range a.Users {
		all := alls[ui]
		for _, p := range AllPrivileges() {
			d.check(r.Check(ui, p, -1) == all[p], a, "Check(%s, %s, account-wide) = %v, naive %v", u.Email, p, r.Check(ui, p, -1), all[p])
		}
		d.check(privSetKey(r.Privileges(ui)) == setKey(all), a, "Privileges(%s) = [%s], naive [%s]", u.Email, privSetKey(r.Privileges(ui)), setKey(all))
		got, want := grantKeys(r.Grants(ui)), grantKeys(n.grants(u))
		d.check(slices.Equal(got, want), a, "Grants(%s):\n got  %q\n want %q", u.Email, got, want)
		pv := r.Preview(ui)
		gotPv, wantPv := previewKey(pv), n.preview(u)
		d.check(slices.Equal(gotPv, wantPv), a, "Preview(%s):\n got  %q\n want %q", u.Email, gotPv, wantPv)
		checkPerEnvReasons(d, a, n, u, pv)
		for ei, e := range a.Environments {
			ne := envs[ui][ei]
			for _, p := range AllPrivileges() {
				d.check(r.Check(ui, p, ei) == ne.privs[p], a, "Check(%s, %s, %s) = %v, naive %v", u.Email, p, e.Name, r.Check(ui, p, ei), ne.privs[p])
			}
			d.check(canSee(r, ui, ei) == ne.visible, a, "CanSee(%s, %s) = %v, naive %v", u.Email, e.Name, canSee(r, ui, ei), ne.visible)
			d.check(privSetKey(envPrivileges(r, ui, ei)) == setKey(ne.privs), a, "EnvPrivileges(%s, %s) = [%s], naive [%s]", u.Email, e.Name, privSetKey(envPrivileges(r, ui, ei)), setKey(ne.privs))
			v := r.EnvView(ui, ei)
			want := fmt.Sprintf("visible=%v access=%s deploy=%v schedule=%v edit=%v", ne.visible, ne.access, ne.deploy, ne.schedule, ne.edit)
			got := fmt.Sprintf("visible=%v access=%s deploy=%v schedule=%v edit=%v", v.Visible, v.Access, v.Deploy, v.Schedule, v.EditExtensions)
			d.check(got == want, a, "EnvView(%s, %s):\n got  %s\n want %s", u.Email, e.Name, got, want)
			if withEnvGrants {
				got, want := grantKeys(r.EnvGrants(ui, ei)), grantKeys(n.envGrants(u, e))
				d.check(slices.Equal(got, want), a, "EnvGrants(%s, %s):\n got  %q\n want %q", u.Email, e.Name, got, want)
			}
		}
	}
	// WhoCan: the same users, in account order, with the naive sources.
	naiveGrants := map[[2]int][]Grant{}
	for e := -1; e < len(a.Environments); e++ {
		for _, p := range AllPrivileges() {
			var want []string
			for ui, u := range a.Users {
				if e < 0 && alls[ui][p] || e >= 0 && envs[ui][e].privs[p] {
					want = append(want, u.Email)
				}
			}
			var got []string
			for _, h := range r.WhoCan(p, e) {
				got = append(got, h.User)
				// The holder's sources are those of the naive grant of p.
				ui := r.User(h.User)
				key := [2]int{ui, e}
				gs, ok := naiveGrants[key]
				if !ok {
					if e < 0 {
						gs = n.grants(a.Users[ui])
					} else {
						gs = n.envGrants(a.Users[ui], a.Environments[e])
					}
					naiveGrants[key] = gs
				}
				wantKey := "no naive grant"
				for _, g := range gs {
					if g.Privilege == p {
						wantKey = grantKey(g)
					}
				}
				imp, _ := LookupPrivilege(h.ImpliedBy)
				gotKey := grantKey(Grant{Privilege: p, Sources: h.Sources, ImpliedBy: imp})
				d.check(gotKey == wantKey, a, "WhoCan(%s, env %d) holder %s:\n got  %s\n want %s", p, e, h.User, gotKey, wantKey)
			}
			d.check(slices.Equal(got, want), a, "WhoCan(%s, env %d) = %v, naive %v", p, e, got, want)
		}
	}
}

// TestNaiveBuiltinsMatchCatalog: the spec's table (parsed above) and the
// catalog's built-in roles agree (R2); the differential would otherwise
// only find it indirectly.
func TestNaiveBuiltinsMatchCatalog(t *testing.T) {
	for i, nb := range naiveBuiltins {
		b, ok := LookupBuiltin(nb.name)
		if !ok {
			t.Fatalf("R2: built-in %q missing from the catalog", nb.name)
		}
		if b.NeedsAUS != nb.needsAUS {
			t.Errorf("R3: %s NeedsAUS = %v, spec says %v", nb.name, b.NeedsAUS, nb.needsAUS)
		}
		if got, want := privSetKey(b.Privileges), setKey(nb.privs); got != want {
			t.Errorf("R2: %s (column %d) privileges\n got  [%s]\n want [%s]", nb.name, i, got, want)
		}
	}
}

// TestDifferential compares the Resolver with naiveModel on random valid
// accounts: every (user, privilege, environment), every (user,
// environment), every user's grants with their sources, and WhoCan.
func TestDifferential(t *testing.T) {
	accounts := 2000
	if testing.Short() {
		accounts = 500
	}
	rng := rand.New(rand.NewPCG(20260822, 1))
	d := &diffCounter{t: t}
	for i := range accounts {
		a := genAccount(randChooser{rng}, genOptions{})
		if errs := Validate(a).Errors(); len(errs) > 0 {
			t.Fatalf("account %d: the generator made an invalid account: %v\n%s", i, errs, describeAccount(a))
		}
		compareWithNaive(d, a, true)
		if d.disagree > 50 {
			t.Fatalf("stopping after %d disagreements", d.disagree)
		}
	}
	t.Logf("compared %d accounts, %d questions, %d disagreements", accounts, d.questions, d.disagree)
}

// ---------------------------------------------------------------------------
// Random valid accounts.

// chooser makes the generator's choices: a seeded math/rand/v2 source in
// the differential test, the fuzzer's bytes in fuzz_test.go.
type chooser interface {
	intn(n int) int // in [0, n); 0 when n <= 1
}

type randChooser struct{ r *rand.Rand }

func (c randChooser) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return c.r.IntN(n)
}

// byteChooser reads one byte per choice; once the bytes run out every
// choice is 0, which always yields a small valid account.
type byteChooser struct {
	b []byte
	i int
}

func (c *byteChooser) intn(n int) int {
	if n <= 1 || c.i >= len(c.b) {
		return 0
	}
	v := int(c.b[c.i])
	c.i++
	return v % n
}

func chance(c chooser, num, den int) bool { return c.intn(den) < num }

// genOptions tunes the generator.
type genOptions struct {
	// exoticCase spells some references with case-folding variants that
	// strings.EqualFold accepts but strings.ToLower does not map together
	// (ſ for s), and with space around built-in names. Validation refuses
	// those (see TestR6R10R13ReferenceSpelling), so the accounts it makes
	// are not always valid; the committed tests leave it off.
	exoticCase bool
}

var customNamePool = []string{"Release Managers", "Ops", "Read Only", "Deployers", "Env Writers", "Auditors", "Schedulers", "Écrivains", "Runtime Readers", "Build Team"}

// interesting privileges are picked more often than the rest.
var interestingPrivs = []Privilege{RuntimeManagement, RuntimeManagementRead, EnvironmentManagement, EnvironmentRead, EnvironmentFull,
	PackagedComponentDeployment, Scheduling, BuildRead, BuildReadWrite}

// spell writes a reference to a role the way a file might: any case.
func spell(c chooser, name string, o genOptions) string {
	switch c.intn(6) {
	case 1:
		return strings.ToLower(name)
	case 2:
		return strings.ToUpper(name)
	case 3:
		if o.exoticCase {
			if _, ok := LookupBuiltin(name); ok && chance(c, 1, 2) {
				return " " + name
			}
			return strings.ReplaceAll(name, "s", "ſ")
		}
	}
	return name
}

// genAccount builds a random account that is valid by construction.
func genAccount(c chooser, o genOptions) *Account {
	a := &Account{
		Name:                      "random",
		AdvancedUserSecurity:      !chance(c, 1, 4),
		AdvancedEnvironmentAccess: chance(c, 1, 2),
	}
	builtinNames := []string{Administrator, StandardUser}
	if a.AdvancedUserSecurity {
		builtinNames = append(builtinNames, ProductionSupport, Support)
	}
	// Custom roles, each inheriting nothing, a built-in, or an earlier
	// custom role (so there is no cycle); the order is shuffled after.
	nCustom := c.intn(6)
	if !a.AdvancedUserSecurity {
		nCustom = c.intn(3)
	}
	pool := slices.Clone(customNamePool)
	var customs []string
	for i := range nCustom {
		k := c.intn(len(pool))
		name := pool[k]
		pool = slices.Delete(pool, k, k+1)
		r := Role{Name: name}
		switch x := c.intn(4); {
		case x == 1:
			r.Inherits = spell(c, builtinNames[c.intn(len(builtinNames))], o)
		case x >= 2 && i > 0:
			r.Inherits = spell(c, customs[c.intn(len(customs))], o)
		}
		for range c.intn(5) {
			if chance(c, 2, 3) {
				r.Privileges = append(r.Privileges, interestingPrivs[c.intn(len(interestingPrivs))])
			} else {
				r.Privileges = append(r.Privileges, Privilege(1+c.intn(numPrivileges)))
			}
		}
		customs = append(customs, name)
		a.Roles = append(a.Roles, r)
	}
	for i := len(a.Roles) - 1; i > 0; i-- {
		j := c.intn(i + 1)
		a.Roles[i], a.Roles[j] = a.Roles[j], a.Roles[i]
	}
	assignable := slices.Clone(builtinNames)
	if a.AdvancedUserSecurity {
		assignable = append(assignable, customs...)
	}
	allRoles := append(slices.Clone(builtinNames), customs...)
	pick := func(from []string, n int) []string {
		from = slices.Clone(from)
		var out []string
		for range n {
			if len(from) == 0 {
				break
			}
			k := c.intn(len(from))
			out = append(out, spell(c, from[k], o))
			from = slices.Delete(from, k, k+1)
		}
		return out
	}
	nUsers := 1 + c.intn(5)
	for i := range nUsers {
		a.Users = append(a.Users, User{Email: fmt.Sprintf("user%d@example.com", i), Roles: pick(assignable, 1+c.intn(3))})
	}
	nEnvs := c.intn(5)
	for i := range nEnvs {
		e := Environment{Name: fmt.Sprintf("Env%d", i), Classification: Test}
		if chance(c, 1, 2) {
			e.Classification = Production
		}
		if !chance(c, 1, 3) {
			e.RolesWithAccess = pick(allRoles, 1+c.intn(3))
		}
		a.Environments = append(a.Environments, e)
	}
	return a
}

// describeAccount prints an account compactly for failure messages.
func describeAccount(a *Account) string {
	var b strings.Builder
	fmt.Fprintf(&b, "AUS=%v AEA=%v", a.AdvancedUserSecurity, a.AdvancedEnvironmentAccess)
	for _, r := range a.Roles {
		fmt.Fprintf(&b, "\n  role %q inherits %q ticks [%s]", r.Name, r.Inherits, strings.Join(privNames(r.Privileges), ", "))
	}
	for _, u := range a.Users {
		fmt.Fprintf(&b, "\n  user %s holds %q", u.Email, u.Roles)
	}
	for _, e := range a.Environments {
		fmt.Fprintf(&b, "\n  env %s lists %q", e.Name, e.RolesWithAccess)
	}
	return b.String()
}
