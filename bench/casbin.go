// Package bench compares rolecall's resolver with Casbin (RBAC with
// domains) on the same generated account. It is a module of its own so
// that Casbin never becomes a dependency of rolecall.
//
// # How the account becomes a Casbin policy
//
// The environment is the domain. The request is (user, domain, privilege):
//
//	[request_definition]  r = sub, dom, obj
//	[policy_definition]   p = sub, dom, obj
//	[role_definition]     g = _, _, _     (user -> role, role -> parent role, per domain)
//	                      g2 = _, _        (privilege -> privilege it covers, R4)
//	[matchers]            m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && (r.obj == p.obj || g2(p.obj, r.obj))
//
// with KeyMatch as g's domain matching function, and these rules:
//
//	p, ROLE, *, PRIV                 a role ticks a privilege (built-in roles: all of theirs)
//	g, ROLE, PARENT, *               Inherits Role, in every domain (R5, R6; transitive in Casbin)
//	g2, Build Read and Write Access, Build Read Access   ... the supersessions of R4
//	g, USER, ROLE, account           the user holds the role (account-wide answers, R11)
//	g, USER, ROLE, open/*            ... and it counts in every open environment (R12, R15)
//	g, USER, ROLE, restricted/ENV    ... and it counts in ENV, which lists it (R13, R15)
//	g, USER, ROLE, *                 ... and it counts everywhere: the user holds Environment Management (R13, R15)
//	p, ROLE, restricted/ENV, PRIV    a per-environment privilege ROLE grants (ticked or inherited)
//	                                 counts in ENV, which lists ROLE (R15, R16 on)
//	p, ROLE, account, PRIV           ... and account-wide
//
// An environment's domain is "open/NAME" when its Roles with Access is
// empty and "restricted/NAME" otherwise.
//
// # What Casbin's model can and cannot express
//
// Casbin expresses: users holding roles, transitive role inheritance, roles
// granting privileges, one privilege covering another (R4, a second role
// hierarchy), and grants that hold only in some domains (KeyMatch patterns).
//
// It cannot express, so the compiler above decides it while writing the
// policy, and the policy must be rewritten whenever any of it changes:
//   - R13 "holds a listed role by identity": Casbin's g is transitive, so
//     a rule "ENV lists ROLE" cannot be joined with "USER holds ROLE" without
//     also matching users who hold a role inheriting ROLE. The compiler
//     writes one g rule per (user, listed role they hold, environment).
//   - R15 per-environment role filtering (only listed roles count in a
//     restricted environment, all roles in an open one): a matcher sees one
//     p rule at a time and cannot ask "does the environment list any role?";
//     the open/restricted split is encoded in the domain's name.
//   - The Environment Management override (holders see everything with all
//     their roles): a condition on the user's other privileges; the compiler
//     gives such users the "*" domain.
//   - R14 (no Runtime Management at all: no environment is visible): a
//     negative condition over all the user's roles; the compiler writes no
//     environment rules for such users.
//   - R16 (Advanced Environment Access off: per-environment privileges do
//     nothing) and "per-environment privileges only through a listed role":
//     the compiler writes those p rules only per listed environment.
//   - R17-R18 (read or write access, "most restrictive wins", deploy and
//     schedule refused by Read Access): these need negation ("Read Access
//     and no ...") and priorities between grants; Casbin's deny effects can
//     approximate them but not per source role. They are not compared.
//   - Provenance (which role and inheritance chain grants a privilege, R11)
//     and near-miss reasons: Casbin answers yes or no.
//
// So the comparison covers Check(user, privilege, environment) and
// Check(user, privilege, account-wide); on those the two must agree.
package bench

import (
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	cmodel "github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/util"

	"rolecall/model"
)

// CasbinModel is the Casbin model text (RBAC with domains, see the package comment).
const CasbinModel = `
[request_definition]
r = sub, dom, obj

[policy_definition]
p = sub, dom, obj

[role_definition]
g = _, _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && (r.obj == p.obj || g2(p.obj, r.obj))
`

// AccountDomain is the domain of account-wide questions.
const AccountDomain = "account"

// Domain returns the Casbin domain of environment e of a.
func Domain(e model.Environment) string {
	if e.Restricted() {
		return "restricted/" + e.Name
	}
	return "open/" + e.Name
}

// Policy is the account written as Casbin rules.
type Policy struct {
	P  [][]string // sub, dom, obj
	G  [][]string // user or role, role, domain
	G2 [][]string // privilege, covered privilege
}

// Compile writes a's access rules as a Casbin policy (package comment).
// a must be valid (model.Validate without errors).
func Compile(a *model.Account) Policy {
	var pol Policy
	res := model.NewResolver(a)
	perEnv := model.SetOf(model.EnvironmentRead, model.EnvironmentFull)

	type roleInfo struct {
		name  string
		ticks model.PrivSet
	}
	var roles []roleInfo
	for _, b := range model.Builtins() {
		if b.NeedsAUS && !a.AdvancedUserSecurity {
			continue
		}
		roles = append(roles, roleInfo{b.Name, b.Privileges})
	}
	for _, r := range a.Roles {
		roles = append(roles, roleInfo{r.Name, model.SetOf(r.Privileges...)})
		if r.Inherits != "" {
			pol.G = append(pol.G, []string{r.Name, a.CanonicalRoleName(r.Inherits), "*"})
		}
	}
	for _, r := range roles {
		for _, p := range r.ticks.List() {
			dom := "*"
			if perEnv.Has(p) {
				dom = AccountDomain // per environment only where listed, below
			}
			pol.P = append(pol.P, []string{r.name, dom, p.String()})
		}
	}
	for sup, covered := range model.Covers {
		for _, c := range covered {
			pol.G2 = append(pol.G2, []string{sup.String(), c.String()})
		}
	}

	// Which restricted environments list each role (by lower-case name).
	listedOn := map[string][]string{}
	for _, e := range a.Environments {
		for _, rn := range e.RolesWithAccess {
			k := strings.ToLower(rn)
			listedOn[k] = append(listedOn[k], Domain(e))
		}
		if !a.AdvancedEnvironmentAccess {
			continue
		}
		for _, rn := range e.RolesWithAccess {
			set, _ := res.RolePrivileges(rn)
			for _, p := range (set & perEnv).List() {
				pol.P = append(pol.P, []string{a.CanonicalRoleName(rn), Domain(e), p.String()})
			}
		}
	}

	// Casbin keeps a role manager per domain and, for a domain that only
	// patterns ("*", "open/*") cover, builds a new one on every g() call by
	// copying every link of every matching pattern (hundreds of ms per
	// check here). One placeholder link per environment makes each domain
	// concrete, built once at load; "anchor" is nobody's role.
	for _, e := range a.Environments {
		pol.G = append(pol.G, []string{"anchor", "anchor role", Domain(e)})
	}
	pol.G = append(pol.G, []string{"anchor", "anchor role", AccountDomain})

	for u, user := range a.Users {
		eff := res.Privileges(u)
		reach := eff.Has(model.RuntimeManagementRead) // R14
		hasEM := eff.Has(model.EnvironmentManagement)
		for _, rn := range res.HeldRoles(u) {
			pol.G = append(pol.G, []string{user.Email, rn, AccountDomain})
			switch {
			case !reach:
			case hasEM:
				pol.G = append(pol.G, []string{user.Email, rn, "*"})
			default:
				pol.G = append(pol.G, []string{user.Email, rn, "open/*"})
				for _, dom := range listedOn[strings.ToLower(rn)] {
					pol.G = append(pol.G, []string{user.Email, rn, dom})
				}
			}
		}
	}
	return pol
}

// NewEnforcer builds a Casbin enforcer holding pol.
func NewEnforcer(pol Policy) (*casbin.Enforcer, error) {
	m, err := cmodel.NewModelFromString(CasbinModel)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, err
	}
	if err := load(e, pol); err != nil {
		return nil, err
	}
	return e, nil
}

// NewCachedEnforcer builds Casbin's cached enforcer holding pol.
func NewCachedEnforcer(pol Policy) (*casbin.CachedEnforcer, error) {
	m, err := cmodel.NewModelFromString(CasbinModel)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewCachedEnforcer(m)
	if err != nil {
		return nil, err
	}
	if err := load(e.Enforcer, pol); err != nil {
		return nil, err
	}
	return e, nil
}

func load(e *casbin.Enforcer, pol Policy) error {
	e.AddNamedDomainMatchingFunc("g", "KeyMatch", util.KeyMatch)
	e.EnableAutoBuildRoleLinks(false)
	// A batch with a rule already present is refused whole: add each once.
	if _, err := e.AddPolicies(unique(pol.P)); err != nil {
		return fmt.Errorf("p rules: %w", err)
	}
	if _, err := e.AddNamedGroupingPolicies("g", unique(pol.G)); err != nil {
		return fmt.Errorf("g rules: %w", err)
	}
	if _, err := e.AddNamedGroupingPolicies("g2", unique(pol.G2)); err != nil {
		return fmt.Errorf("g2 rules: %w", err)
	}
	e.EnableAutoBuildRoleLinks(true)
	return e.BuildRoleLinks()
}

func unique(rules [][]string) [][]string {
	seen := make(map[string]bool, len(rules))
	out := rules[:0:0]
	for _, r := range rules {
		k := strings.Join(r, "\x00")
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}
