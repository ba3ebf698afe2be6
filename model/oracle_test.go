package model

// A reference resolver (the oracle), written from the rule text of
// access-model.md §1-§5 and the contract RULES.md, and from nothing of the
// production resolver: plain maps and slices, every role looked up by name
// (SameName) and every inheritance chain walked again on each question.
// The built-in roles and the §5 page table come from the spec itself
// (oracle_spec_test.go). TestDifferential compares the Resolver with it on
// thousands of random valid accounts (gen_test.go), answer by answer and
// reason by reason (rule ids and decision flags, oracle_adapt_test.go).

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"rolecall/internal/testlong"
)

// oracleCovers is R4: "Build Read and Write Access covers Build Read
// Access; Runtime Management covers Runtime Management Read Access;
// Environment Management covers both per-environment privileges, in every
// environment."
var oracleCovers = map[Privilege][]Privilege{
	BuildReadWrite:        {BuildRead},
	RuntimeManagement:     {RuntimeManagementRead},
	EnvironmentManagement: {EnvironmentRead, EnvironmentFull},
}

// coverOf is the privilege covering p under R4, or 0.
func coverOf(p Privilege) Privilege {
	for sup, cs := range oracleCovers {
		if slices.Contains(cs, p) {
			return sup
		}
	}
	return 0
}

func closure(s map[Privilege]bool) map[Privilege]bool {
	out := map[Privilege]bool{}
	for p := range s {
		out[p] = true
		for _, c := range oracleCovers[p] {
			out[c] = true
		}
	}
	return out
}

// oracle answers questions about one account.
type oracle struct {
	a    *Account
	spec *oracleSpec
	// chains keeps chain's answers, by the name asked about: the account
	// is not changed while an oracle answers about it, and the
	// differential tests ask for the same chains thousands of times.
	chains map[string][]string
}

func newOracle(a *Account) *oracle {
	return &oracle{a: a, spec: theSpec(), chains: map[string][]string{}}
}

// builtin is the built-in role called name, if the account has it (R2, R3).
func (o *oracle) builtin(name string) *oracleBuiltin {
	b := o.spec.builtin(name)
	if b == nil || b.needsAUS && !o.a.AdvancedUserSecurity {
		return nil
	}
	return b
}

func (o *oracle) custom(name string) *Role {
	for i := range o.a.Roles {
		if SameName(o.a.Roles[i].Name, name) {
			return &o.a.Roles[i]
		}
	}
	return nil
}

// canonical is the role's name as the account spells it; "" when there is
// no such role.
func (o *oracle) canonical(name string) string {
	if b := o.builtin(name); b != nil {
		return b.name
	}
	if r := o.custom(name); r != nil {
		return r.Name
	}
	return ""
}

// ticks is what a role grants by itself: a built-in its §1 column (R2),
// a custom role its ticked privileges (R5).
func (o *oracle) ticks(name string) map[Privilege]bool {
	if b := o.builtin(name); b != nil {
		return b.privs
	}
	out := map[Privilege]bool{}
	if r := o.custom(name); r != nil {
		for _, p := range r.Privileges {
			out[p] = true
		}
	}
	return out
}

// parent is the role name inherits, "" for none (R5); built-ins inherit nothing.
func (o *oracle) parent(name string) string {
	if o.builtin(name) != nil {
		return ""
	}
	if r := o.custom(name); r != nil {
		return r.Inherits
	}
	return ""
}

// chain is the role then its ancestors, nearest first, canonical names
// (R5, R6). Valid accounts have no cycle; the walk stops at one anyway.
func (o *oracle) chain(name string) []string {
	if c, ok := o.chains[name]; ok {
		return c
	}
	c := slices.Clip(o.walkChain(name)) // callers only read it
	o.chains[name] = c
	return c
}

func (o *oracle) walkChain(name string) []string {
	var out []string
	for cur := o.canonical(name); cur != ""; cur = o.canonical(o.parent(cur)) {
		if slices.ContainsFunc(out, func(s string) bool { return SameName(s, cur) }) {
			break
		}
		out = append(out, cur)
	}
	return out
}

// rolePrivileges is a role's privileges: its parent's plus its ticks (R5).
func (o *oracle) rolePrivileges(name string) map[Privilege]bool {
	out := map[Privilege]bool{}
	for _, r := range o.chain(name) {
		for p := range o.ticks(r) {
			out[p] = true
		}
	}
	return out
}

// held is the roles user u holds that exist, canonical names, once each.
func (o *oracle) held(u User) []string {
	var out []string
	for _, n := range u.Roles {
		c := o.canonical(n)
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// listed: the environment lists the role by identity (R13).
func (o *oracle) listed(e Environment, role string) bool {
	return slices.ContainsFunc(e.RolesWithAccess, func(n string) bool { return SameName(n, role) })
}

// grant is one privilege with its sources (R11).
type grant struct {
	sources   []Source
	impliedBy Privilege // the covering privilege, when held only by it (R4)
}

// grantOf lists the sources of p over roles (RULES.md "Sources"): every
// role whose chain ticks p (direct(role) says whether its ticks of p count
// there), one source per chain position, then every role whose chain ticks
// the privilege covering p, unless that role and chain already gave a
// source.
func (o *oracle) grantOf(p Privilege, roles []string, direct func(role string) bool) grant {
	var g grant
	type key struct{ role, via string }
	seen := map[key]bool{}
	if direct != nil {
		for _, h := range roles {
			if !direct(h) {
				continue
			}
			ch := o.chain(h)
			for k, r := range ch {
				if o.ticks(r)[p] {
					g.sources = append(g.sources, Source{Role: ch[0], Via: slices.Clone(ch[1 : k+1])})
					seen[key{ch[0], strings.Join(ch[1:k+1], ">")}] = true
				}
			}
		}
	}
	direct0 := len(g.sources)
	if sup := coverOf(p); sup != 0 {
		for _, h := range roles {
			ch := o.chain(h)
			for k, r := range ch {
				if o.ticks(r)[sup] && !seen[key{ch[0], strings.Join(ch[1:k+1], ">")}] {
					g.sources = append(g.sources, Source{Role: ch[0], Via: slices.Clone(ch[1 : k+1]), ImpliedBy: sup.String()})
				}
			}
		}
		if direct0 == 0 && len(g.sources) > 0 {
			g.impliedBy = sup
		}
	}
	return g
}

// decidedBy: every source of p is a built-in role whose holding of it (or
// of the privilege covering it, for an implied source) is marked
// (decision) in §1, and no privilege held where the question is asked
// covers it (RULES.md: "it changes nothing, since Build Read and Write
// Access supersedes it").
func (o *oracle) decidedBy(p Privilege, g grant, held map[Privilege]bool) bool {
	if len(g.sources) == 0 {
		return false
	}
	for sup, cs := range oracleCovers {
		if held[sup] && slices.Contains(cs, p) {
			return false
		}
	}
	for _, s := range g.sources {
		last := s.Role
		if len(s.Via) > 0 {
			last = s.Via[len(s.Via)-1]
		}
		b := o.builtin(last)
		q := p
		if s.ImpliedBy != "" {
			q = specPrivilege(s.ImpliedBy)
		}
		if b == nil || !b.decidedYes[q] {
			return false
		}
	}
	return true
}

// oUser is everything the oracle says about one user.
type oUser struct {
	u      User
	held   []string
	raw    map[Privilege]bool // union of the held roles' privileges (R11)
	eff    map[Privilege]bool // with R4
	grants map[Privilege]grant
	envs   []oEnv
}

// answer is a yes/no with its rule ids and decision flag.
type answer struct {
	ok       bool
	rules    []string
	decision bool
}

func rules(ids ...string) []string { return ids }

// oEnv is one environment for one user (R12-R18).
type oEnv struct {
	reach, hasEM, restricted, visible bool
	listedHeld, counting              []string
	envRead, envFull                  bool // through a listed role, AEA on (R15, R16)
	filtered                          bool // R15 left out something an unlisted held role grants
	readByEnvRead                     bool // R17's "Read Access through a listed role" row applied
	privs                             map[Privilege]bool
	grants                            map[Privilege]grant
	access                            Access
	accessDecision                    bool // read by an R17 decision (no Runtime Management)
	view                              answer
	deploy, schedule, edit            answer
	deployWriteAlone                  bool // allowed by write access alone (§5 Deployments decision)
}

func (o *oracle) user(u User) *oUser {
	ou := &oUser{u: u, held: o.held(u), raw: map[Privilege]bool{}, grants: map[Privilege]grant{}}
	for _, h := range ou.held {
		for p := range o.rolePrivileges(h) {
			ou.raw[p] = true
		}
	}
	ou.eff = closure(ou.raw)
	all := func(string) bool { return true }
	for p := range ou.eff {
		ou.grants[p] = o.grantOf(p, ou.held, all)
	}
	for _, e := range o.a.Environments {
		ou.envs = append(ou.envs, o.env(ou, e))
	}
	return ou
}

func (o *oracle) env(ou *oUser, e Environment) oEnv {
	aea := o.a.AdvancedEnvironmentAccess
	ev := oEnv{access: AccessNone, privs: map[Privilege]bool{}, grants: map[Privilege]grant{}}
	ev.reach = ou.eff[RuntimeManagement] || ou.eff[RuntimeManagementRead] // R14
	ev.hasEM = ou.eff[EnvironmentManagement]
	ev.restricted = len(e.RolesWithAccess) > 0
	for _, h := range ou.held {
		if ev.restricted && o.listed(e, h) {
			ev.listedHeld = append(ev.listedHeld, h)
		}
	}
	switch {
	case !ev.reach:
		ev.view = answer{rules: rules("R14")}
	case ev.restricted && len(ev.listedHeld) == 0 && !ev.hasEM:
		ev.view = answer{rules: rules("R13")}
	default:
		ev.visible = true
	}
	if !ev.visible {
		ev.deploy, ev.schedule, ev.edit = ev.view, ev.view, ev.view
		return ev
	}
	// R15: the roles that count here.
	if ev.hasEM || !ev.restricted {
		ev.counting = ou.held
	} else {
		ev.counting = ev.listedHeld
	}
	privs := map[Privilege]bool{}
	for _, h := range ev.counting {
		for p := range o.rolePrivileges(h) {
			if !o.spec.isPerEnv(p) {
				privs[p] = true
			}
		}
	}
	// R15, R16: the per-environment privileges, only through a listed
	// role, only with Advanced Environment Access on.
	if aea {
		for _, h := range ev.listedHeld {
			rp := o.rolePrivileges(h)
			ev.envRead = ev.envRead || rp[EnvironmentRead]
			ev.envFull = ev.envFull || rp[EnvironmentFull]
		}
		if ev.envRead {
			privs[EnvironmentRead] = true
		}
		if ev.envFull {
			privs[EnvironmentFull] = true
		}
	}
	// R15 decides only when it leaves out something: a held role the
	// environment does not list grants what the listed ones do not.
	if ev.restricted && !ev.hasEM {
		for _, h := range ou.held {
			for p := range o.rolePrivileges(h) {
				if !o.spec.isPerEnv(p) && !privs[p] {
					ev.filtered = true
				}
			}
		}
	}
	ev.privs = closure(privs) // R4: Environment Management covers both, everywhere
	listed := func(h string) bool { return slices.Contains(ev.listedHeld, h) }
	for p := range ev.privs {
		direct := func(string) bool { return true }
		if o.spec.isPerEnv(p) {
			direct = func(h string) bool { return aea && listed(h) }
		}
		ev.grants[p] = o.grantOf(p, ev.counting, direct)
	}

	// R17.
	rm := ou.eff[RuntimeManagement] // account-wide, not filtered by R15
	var acc answer
	switch {
	case ev.hasEM, aea && ev.envFull && !ev.envRead:
		ev.access = AccessRead
		if rm {
			ev.access = AccessWrite
		}
		ev.accessDecision = !rm
		acc = answer{rules: rules("R17"), decision: !rm}
	case aea && ev.envRead:
		ev.access, ev.readByEnvRead = AccessRead, true
		acc = answer{rules: rules("R17")}
	case !aea && ou.eff[EnvironmentFull]:
		ev.access, acc = AccessRead, answer{rules: rules("R16", "R17")}
	case aea && ou.eff[EnvironmentFull]:
		ev.access, acc = AccessRead, answer{rules: rules("R15", "R17")}
	default:
		ev.access, acc = AccessRead, answer{rules: rules("R17")}
	}
	switch {
	case ev.hasEM:
		ev.view = answer{ok: true, rules: append(rules("R13", "R15"), acc.rules...), decision: acc.decision}
	case !ev.restricted:
		ev.view = answer{ok: true, rules: append(rules("R12", "R15"), acc.rules...), decision: acc.decision}
	default:
		ev.view = answer{ok: true, rules: append(rules("R13", "R15"), acc.rules...), decision: ev.filtered || acc.decision}
	}

	// R18.
	act := func(deploy bool, needs ...Privilege) (answer, bool) {
		counts, heldElsewhere, allElsewhere := true, false, true
		for _, p := range needs {
			counts = counts && ev.privs[p]
			heldElsewhere = heldElsewhere || ou.eff[p] && !ev.privs[p]
			allElsewhere = allElsewhere && (ev.privs[p] || ou.eff[p])
		}
		switch {
		case ev.access == AccessWrite:
			// Deploying by write access alone is the §5 decision;
			// scheduling so is R18 as written (RULES.md).
			return answer{ok: true, rules: rules("R18"), decision: !counts && deploy}, !counts
		case counts && !ev.readByEnvRead:
			return answer{ok: true, rules: rules("R18")}, false
		}
		// R15 alone decides when all that is lacking is held elsewhere
		// and Read Access does not refuse it anyway (RULES.md).
		a := answer{rules: rules("R18"), decision: ev.accessDecision || !counts && allElsewhere && !ev.readByEnvRead}
		if ev.readByEnvRead || ev.accessDecision {
			a.rules = append(a.rules, "R17")
		}
		if heldElsewhere {
			a.rules = append(a.rules, "R15")
		}
		return a, false
	}
	ev.deploy, ev.deployWriteAlone = act(true, PackagedComponentDeployment)
	ev.schedule, _ = act(false, Scheduling, RuntimeManagement)
	if ev.access == AccessWrite {
		ev.edit = answer{ok: true, rules: rules("R18")}
	} else {
		ev.edit = answer{rules: rules("R17", "R18"), decision: ev.accessDecision}
	}
	return ev
}

// decidedMissing: p is not held and a held built-in role lacks it by a
// cell marked (decision) (RULES.md).
func (o *oracle) decidedMissing(ou *oUser, p Privilege) bool {
	if ou.eff[p] {
		return false
	}
	for _, h := range ou.held {
		for _, c := range o.chain(h) {
			if b := o.builtin(c); b != nil && b.decidedNo[p] {
				return true
			}
		}
	}
	return false
}

// through answers "allowed through privilege p": R11, R4 when p is held
// only by being covered, decision when p is decided.
func (o *oracle) through(ou *oUser, ps ...Privilege) answer {
	a := answer{ok: true, rules: rules("R11")}
	for _, p := range ps {
		if !ou.raw[p] {
			a.rules = append(a.rules, "R4")
		}
		a.decision = a.decision || o.decidedBy(p, ou.grants[p], ou.eff)
	}
	return a
}

// oPage is a page of the preview with its actions.
type oPage struct {
	name    string
	access  PageAccess
	answer  answer
	via     Privilege // the privilege it opens through, 0 for R18
	actions []oAction
}

type oAction struct {
	name   string
	answer answer
}

func (o *oracle) verbEnv(ev *oEnv, verb string) answer {
	if verb == "deploy" {
		return ev.deploy
	}
	return ev.schedule
}

// r18Somewhere answers Deploy and Schedule Processes (§5, RULES.md).
func (o *oracle) r18Somewhere(ou *oUser, verb string) answer {
	var allowing []int
	for i := range ou.envs {
		if o.verbEnv(&ou.envs[i], verb).ok {
			allowing = append(allowing, i)
		}
	}
	if len(allowing) > 0 {
		alone := verb == "deploy"
		for _, i := range allowing {
			alone = alone && ou.envs[i].deployWriteAlone
		}
		return answer{ok: true, rules: rules("R18"), decision: alone}
	}
	needs := []Privilege{PackagedComponentDeployment} // R18: deploy
	if verb == "schedule" {
		needs = []Privilege{Scheduling, RuntimeManagement} // "Scheduling plus Runtime Management"
	}
	for _, p := range needs {
		if !ou.eff[p] {
			return withReadByDecision(ou, answer{rules: rules("R18")})
		}
	}
	if len(ou.envs) == 0 {
		return answer{rules: rules("R18")}
	}
	a := answer{rules: rules("R18")}
	visible := slices.ContainsFunc(ou.envs, func(ev oEnv) bool { return ev.visible })
	for i := range ou.envs {
		ev := &ou.envs[i]
		switch {
		case !visible:
			a.rules = append(a.rules, ev.view.rules...)
		case ev.visible:
			r := o.verbEnv(ev, verb)
			a.rules = append(a.rules, r.rules...)
			a.decision = a.decision || r.decision
		}
	}
	return a
}

// withReadByDecision adds R17 and its decision to a refusal that write
// access would have allowed, when some visible environment's access is read
// only because write needs Runtime Management itself (RULES.md).
func withReadByDecision(ou *oUser, a answer) answer {
	for _, ev := range ou.envs {
		if ev.visible && ev.access == AccessRead && ev.accessDecision {
			a.rules = append(a.rules, "R17")
			a.decision = true
			break
		}
	}
	return a
}

func (o *oracle) preview(ou *oUser) []oPage {
	var out []oPage
	for _, sp := range o.spec.pages {
		pg := oPage{name: sp.name, access: PageHidden}
		// The privilege a page relies on: of those in its row, the first
		// the user holds itself, else the first held by being covered
		// (RULES.md).
		first := func(ps []Privilege) Privilege {
			for _, p := range ps {
				if ou.raw[p] {
					return p
				}
			}
			for _, p := range ps {
				if ou.eff[p] {
					return p
				}
			}
			return 0
		}
		switch {
		case first(sp.full) != 0:
			pg.access, pg.via = PageFull, first(sp.full)
			pg.answer = o.through(ou, pg.via)
		case sp.fullPerEnv != "" && o.r18Somewhere(ou, sp.fullPerEnv).ok:
			pg.access = PageFull
			pg.answer = answer{ok: true, rules: rules("R18"), decision: sp.fullPerEnvDecision}
		case first(sp.readOnly) != 0:
			pg.access, pg.via = PageReadOnly, first(sp.readOnly)
			pg.answer = o.through(ou, pg.via)
		default:
			pg.answer = answer{rules: rules("R11")}
			if sp.fullPerEnv != "" {
				pg.answer.rules = append(pg.answer.rules, "R18")
				pg.answer = withReadByDecision(ou, pg.answer)
			}
			for _, p := range append(slices.Clone(sp.full), sp.readOnly...) {
				pg.answer.decision = pg.answer.decision || o.decidedMissing(ou, p)
			}
		}
		for _, sa := range sp.actions {
			pg.actions = append(pg.actions, oAction{name: sa.name, answer: o.action(ou, &pg, sa)})
		}
		out = append(out, pg)
	}
	return out
}

func (o *oracle) action(ou *oUser, pg *oPage, sa specAction) answer {
	if pg.access == PageHidden {
		return answer{rules: pg.answer.rules, decision: pg.answer.decision}
	}
	n := sa.need
	switch {
	case n == nil && pg.via != 0: // no need stated: the page's own
		return o.through(ou, pg.via)
	case n == nil:
		return pg.answer
	case n.perEnv != "":
		return o.r18Somewhere(ou, n.perEnv)
	}
	var missing, relies []Privilege
	for _, p := range n.all {
		if ou.eff[p] {
			relies = append(relies, p)
		} else {
			missing = append(missing, p)
		}
	}
	if len(n.any) > 0 {
		// Of "either", the answer relies on one the user holds itself
		// when there is one (Build Read and Write Access, not the Build
		// Read Access it covers), else on one held by being covered.
		i := slices.IndexFunc(n.any, func(p Privilege) bool { return ou.raw[p] })
		if i < 0 {
			i = slices.IndexFunc(n.any, func(p Privilege) bool { return ou.eff[p] })
		}
		if i < 0 {
			missing = append(missing, n.any...)
		} else {
			relies = append(relies, n.any[i])
		}
	}
	if len(missing) > 0 {
		a := answer{rules: rules("R11")}
		for _, p := range missing {
			a.decision = a.decision || o.decidedMissing(ou, p)
		}
		return a
	}
	if n.aus && !o.a.AdvancedUserSecurity {
		return answer{rules: rules("R3")}
	}
	// "not Environment Management Read Access under R16": where it
	// applies, in some environment (R14, R15, R16).
	if p := n.notUnderR16; p == EnvironmentRead && slices.ContainsFunc(ou.envs, func(ev oEnv) bool { return ev.readByEnvRead }) {
		return answer{rules: rules("R16")}
	}
	return o.through(ou, relies...)
}

// explain is Explain's verdict: account-wide when e < 0 (RULES.md `check`).
func (o *oracle) explain(ou *oUser, p Privilege, e int) answer {
	if e < 0 {
		if ou.eff[p] {
			return o.through(ou, p)
		}
		a := answer{rules: rules("R11"), decision: o.decidedMissing(ou, p)}
		if o.spec.isPerEnv(p) {
			a.rules = append(a.rules, "R15")
		}
		return a
	}
	ev := &ou.envs[e]
	if ev.privs[p] {
		g := ev.grants[p]
		a := answer{ok: true, rules: append(rules("R11"), ev.view.rules...), decision: o.decidedBy(p, g, ev.privs) || ev.view.decision}
		if g.impliedBy != 0 {
			a.rules = append(a.rules, "R4")
		}
		// A note: the action the privilege gates is refused all the same.
		switch {
		case p == PackagedComponentDeployment && !ev.deploy.ok:
			a.rules = append(a.rules, ev.deploy.rules...)
		case p == Scheduling && !ev.schedule.ok:
			a.rules = append(a.rules, ev.schedule.rules...)
		}
		return a
	}
	var a answer
	switch {
	case !ev.visible:
		return answer{rules: ev.view.rules}
	case o.spec.isPerEnv(p) && ou.eff[p] && !o.a.AdvancedEnvironmentAccess:
		a = answer{rules: rules("R16")}
	case o.spec.isPerEnv(p) && ou.eff[p]:
		a = answer{rules: rules("R15")}
	case ou.eff[p]:
		a = answer{rules: append(rules("R15"), ev.view.rules...), decision: true}
	default:
		a = answer{rules: rules("R11"), decision: o.decidedMissing(ou, p)}
	}
	if (p == PackagedComponentDeployment || p == Scheduling) && ev.access == AccessWrite {
		a.rules = append(a.rules, "R18") // a note: allowed all the same
	}
	return a
}

// ---------------------------------------------------------------------------
// The comparison.

// ruleSet is a set of rule ids, sorted, each once.
func ruleSet(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func answerKey(rs []string, decision bool) string {
	return fmt.Sprintf("%s decision=%v", strings.Join(ruleSet(rs), ","), decision)
}

func sourceKey(s Source) string {
	k := s.Role
	if len(s.Via) > 0 {
		k += " via " + strings.Join(s.Via, " > ")
	}
	if s.ImpliedBy != "" {
		k += " (implied by " + s.ImpliedBy + ")"
	}
	return k
}

func grantKey(p Privilege, sources []Source, impliedBy Privilege) string {
	keys := make([]string, len(sources))
	for i, s := range sources {
		keys[i] = sourceKey(s)
	}
	slices.Sort(keys)
	imp := ""
	if impliedBy != 0 {
		imp = " implied by " + impliedBy.String()
	}
	return p.String() + imp + " <- [" + strings.Join(keys, "; ") + "]"
}

func prodGrantKeys(gs []Grant) []string {
	var out []string
	for _, g := range gs {
		out = append(out, grantKey(g.Privilege, g.Sources, g.ImpliedBy))
	}
	slices.Sort(out)
	return out
}

func oracleGrantKeys(gs map[Privilege]grant) []string {
	var out []string
	for p, g := range gs {
		out = append(out, grantKey(p, g.sources, g.impliedBy))
	}
	slices.Sort(out)
	return out
}

// diffCounter counts the questions asked and collects disagreements by
// kind, keeping the first example of each.
type diffCounter struct {
	t         testing.TB
	questions int
	disagree  int
	kinds     map[string]*diffKind
	order     []string
	account   *Account // the account being compared
	accountNo int
}

type diffKind struct {
	count     int
	example   string
	account   *Account
	accountNo int // in TestDifferential's sequence
}

// check records a disagreement of this kind when !same.
func (d *diffCounter) check(same bool, kind, format string, args ...any) {
	d.questions++
	if same {
		return
	}
	d.disagree++
	if d.kinds == nil {
		d.kinds = map[string]*diffKind{}
	}
	k, ok := d.kinds[kind]
	if !ok {
		k = &diffKind{example: fmt.Sprintf(format, args...), account: d.account, accountNo: d.accountNo}
		d.kinds[kind] = k
		d.order = append(d.order, kind)
	}
	k.count++
}

// report fails the test once per kind of disagreement, with its first
// example, minimised when that is cheap.
func (d *diffCounter) report() {
	d.t.Helper()
	for _, kind := range d.order {
		k := d.kinds[kind]
		small, example := minimise(k.account, kind)
		if example == "" {
			small, example = k.account, k.example
		}
		d.t.Errorf("oracle disagrees [%s] %d times; first example (account #%d):\n%s\naccount: %s\nminimised: %s\n%s",
			kind, k.count, k.accountNo, k.example, describeAccount(k.account), describeAccount(small), example)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// compareWithOracle asks the Resolver and the oracle every question the
// brief lists about account a, recording disagreements in d.
func compareWithOracle(d *diffCounter, a *Account) {
	r := NewResolver(a)
	o := newOracle(a)
	d.account = a
	us := make([]*oUser, len(a.Users))
	for ui, u := range a.Users {
		us[ui] = o.user(u)
	}
	for ui, u := range a.Users {
		ou := us[ui]
		who := u.Email
		// Grants (R11, R4).
		got, want := prodGrantKeys(r.Grants(ui)), oracleGrantKeys(ou.grants)
		d.check(slices.Equal(got, want), "Grants", "Grants(%s):\n got  %q\n want %q", who, got, want)
		// Pages and actions (§5).
		pv := r.Preview(ui)
		var gotPages []string
		for _, pg := range pv.Pages {
			gotPages = append(gotPages, pg.Page)
		}
		var wantPages []string
		for _, op := range o.preview(ou) {
			wantPages = append(wantPages, op.name)
			i := slices.IndexFunc(pv.Pages, func(p PageView) bool { return p.Page == op.name })
			if i < 0 {
				continue
			}
			pg := pv.Pages[i]
			d.check(pg.Access == op.access, "page access: "+op.name, "%s page %s: %s, oracle %s (reason %q)", who, op.name, pg.Access, op.access, pg.Reason)
			if rs, dec := prodPageRules(pg); rs != nil {
				g, w := answerKey(rs, dec), answerKey(op.answer.rules, op.answer.decision)
				d.check(g == w, "page rules: "+op.name, "%s page %s (%s): %s, oracle %s (reason %q)", who, op.name, pg.Access, g, w, pg.Reason)
			}
			var gotActs, wantActs []string
			for _, ac := range pg.Actions {
				gotActs = append(gotActs, ac.Action)
			}
			for _, oa := range op.actions {
				wantActs = append(wantActs, oa.name)
				j := slices.IndexFunc(pg.Actions, func(ac ActionView) bool { return ac.Action == oa.name })
				if j < 0 {
					continue
				}
				ac := pg.Actions[j]
				d.check(ac.Allowed == oa.answer.ok, "action allowed: "+oa.name, "%s %s/%s allowed %v, oracle %v (reason %q)", who, op.name, oa.name, ac.Allowed, oa.answer.ok, ac.Reason)
				if rs, dec := prodActionRules(ac); rs != nil {
					g, w := answerKey(rs, dec), answerKey(oa.answer.rules, oa.answer.decision)
					d.check(g == w, "action rules: "+oa.name, "%s %s/%s (allowed %v): %s, oracle %s (reason %q)", who, op.name, oa.name, ac.Allowed, g, w, ac.Reason)
				}
			}
			d.check(slices.Equal(gotActs, wantActs), "actions of "+op.name, "%s page %s actions %q, spec %q", who, op.name, gotActs, wantActs)
		}
		d.check(slices.Equal(gotPages, wantPages), "pages", "%s pages %q, spec %q", who, gotPages, wantPages)
		// Environments (R12-R18).
		for ei, e := range a.Environments {
			ev := &ou.envs[ei]
			v := r.EnvView(ui, ei)
			where := who + " in " + e.Name
			d.check(v.Visible == ev.visible, "env visible", "%s: visible %v, oracle %v (%s)", where, v.Visible, ev.visible, v.Reason)
			d.check(v.Access == ev.access, "env access", "%s: access %s, oracle %s (%s)", where, v.Access, ev.access, v.Reason)
			d.check(v.Deploy == ev.deploy.ok, "env deploy", "%s: deploy %v, oracle %v (%s)", where, v.Deploy, ev.deploy.ok, v.DeployReason)
			d.check(v.Schedule == ev.schedule.ok, "env schedule", "%s: schedule %v, oracle %v (%s)", where, v.Schedule, ev.schedule.ok, v.ScheduleReason)
			d.check(v.EditExtensions == ev.edit.ok, "env edit extensions", "%s: edit extensions %v, oracle %v (%s)", where, v.EditExtensions, ev.edit.ok, v.EditReason)
			for _, c := range []struct {
				kind   string
				adapt  func(EnvView) ([]string, bool)
				want   answer
				reason string
			}{
				{"env rules", prodEnvRules, ev.view, v.Reason},
				{"env deploy rules", prodDeployRules, ev.deploy, v.DeployReason},
				{"env schedule rules", prodScheduleRules, ev.schedule, v.ScheduleReason},
				{"env edit extensions rules", prodEditRules, ev.edit, v.EditReason},
			} {
				if rs, dec := c.adapt(v); rs != nil {
					g, w := answerKey(rs, dec), answerKey(c.want.rules, c.want.decision)
					d.check(g == w, c.kind, "%s (%s): %s, oracle %s (reason %q)", where, c.kind, g, w, c.reason)
				}
			}
			got, want := prodGrantKeys(r.EnvGrants(ui, ei)), oracleGrantKeys(ev.grants)
			d.check(slices.Equal(got, want), "EnvGrants", "EnvGrants(%s):\n got  %q\n want %q", where, got, want)
		}
		// Explain (RULES.md `check`), account-wide and per environment.
		for e := -1; e < len(a.Environments); e++ {
			where := "account-wide"
			if e >= 0 {
				where = "in " + a.Environments[e].Name
			}
			for _, p := range AllPrivileges() {
				v := r.Explain(ui, p, e)
				w := o.explain(ou, p, e)
				d.check(r.Check(ui, p, e) == w.ok, "Check", "Check(%s, %s, %s) = %v, oracle %v", who, p, where, r.Check(ui, p, e), w.ok)
				d.check(v.Allowed == w.ok, "Explain allowed", "Explain(%s, %s, %s) allowed %v, oracle %v (%q)", who, p, where, v.Allowed, w.ok, v.Reason)
				if rs, dec := prodVerdictRules(v); rs != nil {
					g, wk := answerKey(rs, dec), answerKey(w.rules, w.decision)
					d.check(g == wk, "Explain rules", "Explain(%s, %s, %s) (allowed %v): %s, oracle %s (%q)", who, p, where, v.Allowed, g, wk, v.Reason)
				}
			}
		}
	}
	// WhoCan, account-wide and per environment.
	for e := -1; e < len(a.Environments); e++ {
		for _, p := range AllPrivileges() {
			var got, want []string
			for _, h := range r.WhoCan(p, e) {
				imp := Privilege(0)
				if h.ImpliedBy != "" {
					imp = specPrivilege(h.ImpliedBy)
				}
				got = append(got, h.User+": "+grantKey(p, h.Sources, imp))
			}
			for ui, u := range a.Users {
				gs := us[ui].grants
				if e >= 0 {
					gs = us[ui].envs[e].grants
				}
				if g, ok := gs[p]; ok {
					want = append(want, u.Email+": "+grantKey(p, g.sources, g.impliedBy))
				}
			}
			d.check(slices.Equal(got, want), "WhoCan", "WhoCan(%s, env %d):\n got  %q\n want %q", p, e, got, want)
		}
	}
}

// kindsOf lists the kinds of disagreement on a.
func kindsOf(a *Account) *diffCounter {
	d := &diffCounter{}
	compareWithOracle(d, a)
	return d
}

// minimise shrinks a while the disagreement of this kind remains: it
// drops users, environments, roles, ticks, held and listed roles, and
// inheritance, keeping the account valid. It returns the smaller account
// and its example ("" when a no longer disagrees, which cannot happen for
// a deterministic resolver).
func minimise(a *Account, kind string) (*Account, string) {
	still := func(b *Account) (string, bool) {
		if len(Validate(b).Errors()) > 0 {
			return "", false
		}
		d := kindsOf(b)
		if k, ok := d.kinds[kind]; ok {
			return k.example, true
		}
		return "", false
	}
	cur := a.Clone()
	example, ok := still(cur)
	if !ok {
		return a, ""
	}
	for tries := 0; tries < 200; tries++ {
		var cands []*Account
		for i := range cur.Users {
			b := cur.Clone()
			b.Users = slices.Delete(b.Users, i, i+1)
			cands = append(cands, b)
			for j := range cur.Users[i].Roles {
				if len(cur.Users[i].Roles) > 1 {
					b := cur.Clone()
					b.Users[i].Roles = slices.Delete(b.Users[i].Roles, j, j+1)
					cands = append(cands, b)
				}
			}
		}
		for i := range cur.Environments {
			b := cur.Clone()
			b.Environments = slices.Delete(b.Environments, i, i+1)
			cands = append(cands, b)
			for j := range cur.Environments[i].RolesWithAccess {
				b := cur.Clone()
				b.Environments[i].RolesWithAccess = slices.Delete(b.Environments[i].RolesWithAccess, j, j+1)
				cands = append(cands, b)
			}
		}
		for i := range cur.Roles {
			b := cur.Clone()
			b.Roles = slices.Delete(b.Roles, i, i+1)
			cands = append(cands, b)
			if cur.Roles[i].Inherits != "" {
				b := cur.Clone()
				b.Roles[i].Inherits = ""
				cands = append(cands, b)
			}
			for j := range cur.Roles[i].Privileges {
				b := cur.Clone()
				b.Roles[i].Privileges = slices.Delete(b.Roles[i].Privileges, j, j+1)
				cands = append(cands, b)
			}
		}
		if cur.AdvancedEnvironmentAccess {
			b := cur.Clone()
			b.AdvancedEnvironmentAccess = false
			cands = append(cands, b)
		}
		progress := false
		for _, b := range cands {
			if ex, ok := still(b); ok {
				cur, example, progress = b, ex, true
				break
			}
		}
		if !progress {
			break
		}
	}
	return cur, example
}

// TestNaiveBuiltinsMatchCatalog: the spec's §1 columns and the catalog's
// built-in roles agree (R2, R3).
func TestNaiveBuiltinsMatchCatalog(t *testing.T) {
	t.Parallel()
	for _, nb := range naiveBuiltins {
		b, ok := LookupBuiltin(nb.name)
		if !ok {
			t.Fatalf("R2: built-in %q missing from the catalog", nb.name)
		}
		if b.NeedsAUS != nb.needsAUS {
			t.Errorf("R3: %s NeedsAUS = %v, spec says %v", nb.name, b.NeedsAUS, nb.needsAUS)
		}
		if got, want := privSetKey(b.Privileges), setKey(nb.privs); got != want {
			t.Errorf("R2: %s privileges\n got  [%s]\n want [%s]", nb.name, got, want)
		}
	}
}

// TestDifferential compares the Resolver with the oracle on random valid
// accounts: every page and action, every environment's answers, grants
// and their sources account-wide and per environment, WhoCan and
// Explain, with the rule ids and decision flag of each answer.
//
// 100 accounts in go test ./... (2000 with ROLECALL_LONG_TESTS=1): of 19
// broken resolvers tried (visibility, access, R15-R18, sources, reasons),
// each of the 15 it caught at 2000 it caught by account #65.
func TestDifferential(t *testing.T) {
	t.Parallel()
	accounts := testlong.N(100, 2000)
	start := time.Now()
	rng := rand.New(rand.NewPCG(20260822, 1))
	d := &diffCounter{t: t}
	for i := range accounts {
		a := genAccount(randChooser{rng}, genOptions{})
		if errs := Validate(a).Errors(); len(errs) > 0 {
			t.Fatalf("account %d: the generator made an invalid account: %v\n%s", i, errs, describeAccount(a))
		}
		d.accountNo = i
		compareWithOracle(d, a)
	}
	t.Logf("compared %d accounts, %d questions, %d disagreements in %d kinds, %v", accounts, d.questions, d.disagree, len(d.order), time.Since(start).Round(time.Millisecond))
	d.report()
}

// TestOracleWorkedExamples pins the oracle itself to RULES.md on cases
// worked out by hand, so that a slip in it cannot pass as a production bug.
func TestOracleWorkedExamples(t *testing.T) {
	t.Parallel()
	on := &Account{AdvancedUserSecurity: true, AdvancedEnvironmentAccess: false,
		Roles: []Role{
			role("Env Admins", "", EnvironmentManagement, RuntimeManagementRead),
			role("Writers", "", EnvironmentManagement, RuntimeManagement),
		},
		Users:        []User{user("std@x.com", StandardUser), user("emnorm@x.com", "Env Admins"), user("writer@x.com", "Writers"), user("ext@x.com", "Writers", StandardUser)},
		Environments: []Environment{env("Dev")},
	}
	aea := &Account{AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Roles: []Role{
			role("Releasers", "", EnvironmentFull, RuntimeManagement, PackagedComponentDeployment),
			role("Readers", "", EnvironmentRead, RuntimeManagement, PackagedComponentDeployment, BuildReadWrite),
		},
		Users:        []User{user("rel@x.com", "Releasers"), user("rd@x.com", "Readers"), user("out@x.com", StandardUser)},
		Environments: []Environment{env("Prod", "Releasers", "Readers")},
	}
	off := aea.Clone()
	off.AdvancedEnvironmentAccess, off.AdvancedUserSecurity = false, false
	off.Users = []User{user("rd@x.com", "Readers", Administrator)}
	off.Roles = off.Roles[1:]
	off.Environments = []Environment{env("Prod", "Readers")}

	type ask func(o *oracle, ou *oUser) answer
	page := func(name string) ask {
		return func(o *oracle, ou *oUser) answer {
			for _, p := range o.preview(ou) {
				if p.name == name {
					return answer{ok: p.access != PageHidden, rules: p.answer.rules, decision: p.answer.decision}
				}
			}
			panic(name)
		}
	}
	action := func(pg, name string) ask {
		return func(o *oracle, ou *oUser) answer {
			for _, p := range o.preview(ou) {
				for _, a := range p.actions {
					if p.name == pg && a.name == name {
						return a.answer
					}
				}
			}
			panic(name)
		}
	}
	envAns := func(what string) ask {
		return func(o *oracle, ou *oUser) answer {
			ev := ou.envs[0]
			return map[string]answer{"view": ev.view, "deploy": ev.deploy, "schedule": ev.schedule, "edit": ev.edit}[what]
		}
	}
	access := func(o *oracle, ou *oUser) answer {
		return answer{ok: ou.envs[0].access == AccessWrite, rules: ou.envs[0].view.rules}
	}
	explain := func(p Privilege, e int) ask {
		return func(o *oracle, ou *oUser) answer { return o.explain(ou, p, e) }
	}
	tests := []struct {
		a    *Account
		user string
		what string
		ask  ask
		want string // allowed, rules, decision
	}{
		{on, "std@x.com", "Build page", page("Build"), "true R11 decision=false"},
		{on, "std@x.com", "Branch Management through Build Read Access: decided, but Build Read and Write Access covers it, so no decision", page("Branch Management"), "true R11 decision=false"},
		{on, "std@x.com", "Create Environment refused (spec intro)", action("Runtime Management", "Create Environment"), "false R11 decision=true"},
		{on, "std@x.com", "open environment", envAns("view"), "true R12,R15,R17 decision=false"},
		{on, "std@x.com", "deploy through Packaged Component Deployment", envAns("deploy"), "true R18 decision=false"},
		{on, "std@x.com", "edit extensions on read", envAns("edit"), "false R17,R18 decision=false"},
		{on, "std@x.com", "Environment Management missing by decision", explain(EnvironmentManagement, -1), "false R11 decision=true"},
		{on, "std@x.com", "Build Read Access held by decision, covered by Build Read and Write Access: no decision", explain(BuildRead, -1), "true R11 decision=false"},
		{on, "emnorm@x.com", "R17: Environment Management without Runtime Management is read (the EM row comes first, open or not)", envAns("view"), "true R13,R15,R17 decision=true"},
		{on, "emnorm@x.com", "read by decision, so no deploy", envAns("deploy"), "false R17,R18 decision=true"},
		{on, "emnorm@x.com", "read by decision, so no edit", envAns("edit"), "false R17,R18 decision=true"},
		{on, "emnorm@x.com", "Deploy: Packaged Component Deployment held by no role, and write access, which would allow it, needs Runtime Management", action("Deployments", "Deploy"), "false R11,R17,R18 decision=true"},
		{on, "emnorm@x.com", "Deployments hidden: write access would open it, and needs Runtime Management (R17 decision)", page("Deployments"), "false R11,R17,R18 decision=true"},
		{on, "writer@x.com", "write with Environment Management and Runtime Management", access, "true R13,R15,R17 decision=false"},
		{on, "writer@x.com", "deploy by write access alone", envAns("deploy"), "true R18 decision=true"},
		{on, "writer@x.com", "Deployments full by R18", page("Deployments"), "true R18 decision=true"},
		{on, "writer@x.com", "Deploy by write access alone everywhere", action("Deployments", "Deploy"), "true R18 decision=true"},
		{on, "writer@x.com", "Packaged Component Deployment denied where write (deploying allowed all the same: a note)", explain(PackagedComponentDeployment, 0), "false R11,R18 decision=false"},
		{on, "emnorm@x.com", "Schedule Processes refused: Scheduling held by no role, and write access needs Runtime Management", action("Runtime Management", "Schedule Processes"), "false R17,R18 decision=true"},
		{on, "ext@x.com", "Deploy with Packaged Component Deployment counting", action("Deployments", "Deploy"), "true R18 decision=false"},
		{on, "ext@x.com", "per-environment privilege by R4 in an open environment", explain(EnvironmentFull, 0), "true R11,R13,R15,R17,R4 decision=false"},
		{aea, "rel@x.com", "Full Access through a listed role", access, "true R13,R15,R17 decision=false"},
		{aea, "rel@x.com", "only the listed roles count, and they are all rel holds: R15 decides nothing", envAns("view"), "true R13,R15,R17 decision=false"},
		{aea, "rd@x.com", "Read Access through a listed role refuses deploy", envAns("deploy"), "false R17,R18 decision=false"},
		{aea, "rd@x.com", "Edit Test Extensions refused by Read Access", action("Build", "Edit Test Extensions"), "false R16 decision=false"},
		{aea, "rd@x.com", "Deploy refused in the one visible environment", action("Deployments", "Deploy"), "false R17,R18 decision=false"},
		{aea, "out@x.com", "restricted, no listed role", envAns("view"), "false R13 decision=false"},
		{aea, "out@x.com", "Execute in an environment not seen", explain(Execute, 0), "false R13 decision=false"},
		{aea, "out@x.com", "Deploy refused, nothing visible", action("Deployments", "Deploy"), "false R13,R18 decision=false"},
		{aea, "rel@x.com", "Read Access not held", explain(EnvironmentRead, 0), "false R11 decision=false"},
		{aea, "rel@x.com", "per-environment privilege denied account-wide", explain(EnvironmentRead, -1), "false R11,R15 decision=false"},
		{off, "rd@x.com", "per-environment privilege held, AEA off", explain(EnvironmentFull, 0), "true R11,R13,R15,R17,R4 decision=false"},
		{off, "rd@x.com", "Edit Custom Roles with Advanced User Security off", action("User Management", "Edit Custom Roles"), "false R3 decision=false"},
	}
	for _, tt := range tests {
		o := newOracle(tt.a)
		ou := o.user(tt.a.Users[tt.a.FindUser(tt.user)])
		a := tt.ask(o, ou)
		if got := fmt.Sprintf("%v %s", a.ok, answerKey(a.rules, a.decision)); got != tt.want {
			t.Errorf("%s, %s: %s, want %s", tt.user, tt.what, got, tt.want)
		}
	}
}
