package model

import (
	"math/bits"
	"strings"
	"sync"
)

// Privilege identifies one entry of the privilege catalog. The zero value is
// not a privilege; use the constants or LookupPrivilege.
type Privilege uint8

// The catalog, in the order Boomi's role dialog lists it (access-model.md §1).
const (
	APIAccess Privilege = iota + 1
	APIMAccess
	APIMAPIs
	APIMApplications
	APIMDashboard
	APIMGateway
	AccountAdministration
	AccountGroupManagement
	BoomiAssure
	BranchCreateModify
	BranchDelete
	BuildRead
	BuildReadWrite
	CloudManagement
	Dashboard
	Developer
	EnvironmentManagement
	Execute
	IntegrationPack
	Licensing
	PackagedComponentDeployment
	PackagedComponentManagement
	ProcessLibrary
	RuntimeManagement
	RuntimeManagementRead
	Scheduling
	TradingPartnerManagement
	UserManagement
	ViewAuditLogs
	ViewData
	ViewResults
	EnvironmentRead
	EnvironmentFull

	numPrivileges = int(EnvironmentFull)
)

// PrivilegeInfo describes one catalog entry.
type PrivilegeInfo struct {
	Name     string   // current name (R0)
	OldNames []string // names accepted when reading, rewritten on save (R0)
	Short    string   // the short text shown beside the name
	Page     string   // the preview page it governs ("" when it governs no page of its own)
	// PerEnvironment is true for the two privileges that apply per
	// environment and only in custom roles (R15, R16).
	PerEnvironment bool
}

var catalog = [...]PrivilegeInfo{
	APIAccess:                   {Name: "API Access", Short: "use the Platform API and API tokens"},
	APIMAccess:                  {Name: "API Management - Access", Short: "all of API Management except its dashboard", Page: PageAPIManagement},
	APIMAPIs:                    {Name: "API Management - APIs", Short: "deployed APIs and the API lifecycle", Page: PageAPIManagement},
	APIMApplications:            {Name: "API Management - Applications", Short: "API applications and subscriptions", Page: PageAPIManagement},
	APIMDashboard:               {Name: "API Management - Dashboard", Short: "the API Management dashboard only", Page: PageAPIManagement},
	APIMGateway:                 {Name: "API Management - Gateway", Short: "gateway configuration", Page: PageAPIManagement},
	AccountAdministration:       {Name: "Account Administration", Short: "account settings and the Features page", Page: PageAccountFeatures},
	AccountGroupManagement:      {Name: "Account Group Management", Short: "account groups and their access", Page: PageAccountGroups},
	BoomiAssure:                 {Name: "Boomi Assure", Short: "Assure data"},
	BranchCreateModify:          {Name: "Branch Create & Modify Access", Short: "create and update branches", Page: PageBranches},
	BranchDelete:                {Name: "Branch Delete Access", Short: "delete branches", Page: PageBranches},
	BuildRead:                   {Name: "Build Read Access", Short: "Build page and branches, read only", Page: PageBuild},
	BuildReadWrite:              {Name: "Build Read and Write Access", Short: "Build page: create, edit and save components", Page: PageBuild},
	CloudManagement:             {Name: "Cloud Management", Short: "the Cloud Management page", Page: PageCloud},
	Dashboard:                   {Name: "Dashboard", Short: "account and real-time dashboards", Page: PageDashboard},
	Developer:                   {Name: "Developer", Short: "connector SDK and publishing components"},
	EnvironmentManagement:       {Name: "Environment Management", Short: "all environments: create, edit, Roles with Access", Page: PageRuntime},
	Execute:                     {Name: "Execute", Short: "execute or retry processes", Page: PageReporting},
	IntegrationPack:             {Name: "Integration Pack", Short: "release integration packs", Page: PageIntegrationPacks},
	Licensing:                   {Name: "Licensing", Short: "connection and cloud usage", Page: PageLicensing},
	PackagedComponentDeployment: {Name: "Packaged Component Deployment", OldNames: []string{"Process Deployment"}, Short: "Deployments page: deploy to environments", Page: PageDeployments},
	PackagedComponentManagement: {Name: "Packaged Component Management", OldNames: []string{"Package Management"}, Short: "the Packaged Components page", Page: PagePackaged},
	ProcessLibrary:              {Name: "Process Library", Short: "publish processes", Page: PageProcessLibrary},
	RuntimeManagement:           {Name: "Runtime Management", OldNames: []string{"Atom Management"}, Short: "Runtime Management page, read and write", Page: PageRuntime},
	RuntimeManagementRead:       {Name: "Runtime Management Read Access", OldNames: []string{"Atom Management Read Access"}, Short: "Runtime Management page, read only", Page: PageRuntime},
	Scheduling:                  {Name: "Scheduling", Short: "process schedules", Page: PageRuntime},
	TradingPartnerManagement:    {Name: "Trading Partner Management", Short: "trading partners and groups", Page: PageTradingPartners},
	UserManagement:              {Name: "User Management", Short: "users and custom roles", Page: PageUsers},
	ViewAuditLogs:               {Name: "View Audit Logs", Short: "the audit log", Page: PageAuditLogs},
	ViewData:                    {Name: "View Data", Short: "document data in Process Reporting", Page: PageReporting},
	ViewResults:                 {Name: "View Results", Short: "Process Reporting: executions and logs, not data", Page: PageReporting},
	EnvironmentRead: {Name: "Environment Management Read Access", Short: "per environment, read only",
		OldNames: []string{"Environment Management - Read access to Environment configuration and administration"}, Page: PageRuntime, PerEnvironment: true},
	EnvironmentFull: {Name: "Environment Management Full Access", Short: "per environment, read and write",
		OldNames: []string{"Environment Management - Write access to Environment configuration and administration"}, Page: PageRuntime, PerEnvironment: true},
}

// Info returns the catalog entry of p.
func (p Privilege) Info() PrivilegeInfo {
	if !p.Valid() {
		return PrivilegeInfo{}
	}
	return catalog[p]
}

// Name returns the current name of p (R0).
func (p Privilege) String() string { return p.Info().Name }

// Valid reports whether p is a catalog entry.
func (p Privilege) Valid() bool { return p >= 1 && int(p) <= numPrivileges }

// AllPrivileges returns the catalog in dialog order.
func AllPrivileges() []Privilege {
	out := make([]Privilege, numPrivileges)
	for i := range out {
		out[i] = Privilege(i + 1)
	}
	return out
}

var privByName = sync.OnceValue(func() map[string]Privilege {
	m := make(map[string]Privilege)
	for p := Privilege(1); int(p) <= numPrivileges; p++ {
		m[strings.ToLower(catalog[p].Name)] = p
		for _, old := range catalog[p].OldNames {
			m[strings.ToLower(old)] = p
		}
	}
	return m
})

// LookupPrivilege finds a privilege by its current or old name, ignoring case
// and surrounding space (R0).
func LookupPrivilege(name string) (Privilege, bool) {
	p, ok := privByName()[strings.ToLower(strings.TrimSpace(name))]
	return p, ok
}

// PrivSet is a set of privileges, one bit each.
type PrivSet uint64

// SetOf returns the set holding ps.
func SetOf(ps ...Privilege) PrivSet {
	var s PrivSet
	for _, p := range ps {
		s = s.With(p)
	}
	return s
}

func (s PrivSet) Has(p Privilege) bool        { return s&(1<<p) != 0 }
func (s PrivSet) With(p Privilege) PrivSet    { return s | 1<<p }
func (s PrivSet) Without(p Privilege) PrivSet { return s &^ (1 << p) }
func (s PrivSet) Len() int                    { return bits.OnesCount64(uint64(s)) }

// List returns the members of s in catalog order.
func (s PrivSet) List() []Privilege {
	out := make([]Privilege, 0, s.Len())
	for v := uint64(s); v != 0; v &= v - 1 {
		out = append(out, Privilege(bits.TrailingZeros64(v)))
	}
	return out
}

// perEnvSet holds the two per-environment privileges.
const perEnvSet = PrivSet(1<<EnvironmentRead | 1<<EnvironmentFull)

// Covers lists the supersessions of R4: the key covers each listed privilege.
var Covers = map[Privilege][]Privilege{
	BuildReadWrite:        {BuildRead},
	RuntimeManagement:     {RuntimeManagementRead},
	EnvironmentManagement: {EnvironmentRead, EnvironmentFull},
}

// Closure applies R4 to s: it adds every privilege covered by one in s.
func (s PrivSet) Closure() PrivSet {
	if s.Has(BuildReadWrite) {
		s = s.With(BuildRead)
	}
	if s.Has(RuntimeManagement) {
		s = s.With(RuntimeManagementRead)
	}
	if s.Has(EnvironmentManagement) {
		s |= perEnvSet
	}
	return s
}

// CoveredBy returns the privilege in s that covers p under R4, or 0.
func (s PrivSet) CoveredBy(p Privilege) Privilege {
	for sup, covered := range Covers {
		if !s.Has(sup) {
			continue
		}
		for _, c := range covered {
			if c == p {
				return sup
			}
		}
	}
	return 0
}

// Built-in role names (R2).
const (
	Administrator      = "Administrator"
	StandardUser       = "Standard User"
	ProductionSupport  = "Production Support"
	Support            = "Support"
	numBuiltins        = 4
	adminPrivilegesEnd = ViewResults
)

// BuiltinRole describes one of the four built-in roles.
type BuiltinRole struct {
	Name       string
	Privileges PrivSet
	// NeedsAUS is true for the roles that exist only with Advanced User
	// Security on (R3).
	NeedsAUS bool
	// Decided holds the privileges whose holding, or not, by this role is
	// one of our decisions (§1's cells marked "(decision)"): an answer
	// that rests on one says so.
	Decided PrivSet
}

var builtins = func() [numBuiltins]BuiltinRole {
	var admin PrivSet
	for p := Privilege(1); p <= adminPrivilegesEnd; p++ {
		admin = admin.With(p)
	}
	std := SetOf(APIMGateway, BoomiAssure, BranchCreateModify, BranchDelete, BuildRead, BuildReadWrite,
		Developer, Execute, IntegrationPack, Licensing, PackagedComponentDeployment, PackagedComponentManagement,
		ProcessLibrary, RuntimeManagement, RuntimeManagementRead, Scheduling, TradingPartnerManagement, ViewData, ViewResults)
	prodSup := SetOf(Developer, Execute, Licensing, PackagedComponentDeployment, RuntimeManagement,
		RuntimeManagementRead, Scheduling, ViewData, ViewResults)
	support := SetOf(BoomiAssure, Developer, Execute, Licensing, ViewData, ViewResults)
	return [numBuiltins]BuiltinRole{
		{Name: Administrator, Privileges: admin},
		// Boomi's table and its notes disagree on Build Read Access; its
		// table and its text on Environment Management (§1).
		{Name: StandardUser, Privileges: std, Decided: SetOf(BuildRead, EnvironmentManagement)},
		{Name: ProductionSupport, Privileges: prodSup, NeedsAUS: true},
		{Name: Support, Privileges: support, NeedsAUS: true},
	}
}()

// Builtins returns the four built-in roles (R2), whether or not the account
// has Advanced User Security.
func Builtins() []BuiltinRole { return builtins[:] }

// LookupBuiltin finds a built-in role by name, ignoring case (SameName).
func LookupBuiltin(name string) (BuiltinRole, bool) {
	for i := range builtins {
		if builtins[i].Name == name {
			return builtins[i], true
		}
	}
	// Lower-casing keeps an ASCII name's length: it can match only a
	// built-in name as long (all four are ASCII).
	ascii := isASCII(name)
	if ascii && len(name) != len(Administrator) && len(name) != len(StandardUser) &&
		len(name) != len(ProductionSupport) && len(name) != len(Support) {
		return BuiltinRole{}, false
	}
	if !ascii {
		// Its key, once, against theirs (SameName: the keys equal).
		k := FoldName(name)
		for i, b := range builtins {
			if builtinKeys[i] == k {
				return b, true
			}
		}
		return BuiltinRole{}, false
	}
	for _, b := range builtins {
		if SameName(b.Name, name) {
			return b, true
		}
	}
	return BuiltinRole{}, false
}

// builtinKeys are the built-in roles' names' keys (FoldName).
var builtinKeys = func() (keys [numBuiltins]string) {
	for i, b := range builtins {
		keys[i] = FoldName(b.Name)
	}
	return keys
}()
