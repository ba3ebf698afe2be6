package model

import (
	"encoding/binary"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Separation of duties. An account file may hold rules that no user may
// hold two kinds of privilege at once: "User Management excludes View
// Audit Logs", "no one holds Build Read and Write Access and Packaged
// Component Deployment in a production environment". Boomi has no such
// thing: the rules are the file's own, kept across every rewrite, and
// checked here, in one place, against what the resolver says a user holds.
//
// What "holds" means (our decision, stated in the README):
//   - a rule of scope account is about the privileges a user holds
//     account-wide: the union of their roles' privileges with R4 applied
//     (R11), as `explain` and `check` without --env answer;
//   - a rule of scope environments is about the privileges that count for
//     a user inside each environment in scope, as `check --env` answers:
//     only in an environment the user sees (R12-R14), through the roles
//     that count there (R15: the listed ones in a restricted environment,
//     all in an open one, all for holders of Environment Management), with
//     the two per-environment privileges counting only through a listed
//     role and only with Advanced Environment Access on (R15, R16), and R4
//     applied. A user who cannot see an environment holds nothing there.
//
// A side holds one privilege or several ("any of"); a user violates a rule
// where they hold at least one privilege of each side.

// SectionSoD is the file's [[separation_of_duties]] rules, as a Loc
// section (Index is the rule's index).
const SectionSoD Section = "separation_of_duties"

// SoDScope says where a rule looks.
type SoDScope string

const (
	// SoDAccount: what a user holds account-wide (R11).
	SoDAccount SoDScope = "account"
	// SoDEnvironments: what counts for a user inside each environment in
	// scope (R15): every environment, those of one classification, or
	// those named.
	SoDEnvironments SoDScope = "environments"
)

// SoDAction is an action of R18 that a side of a rule may name beside its
// privileges: what a user can do in an environment however they are
// allowed it (for deploy: Packaged Component Deployment, or write access
// alone, R17, R18). Only rules of scope environments name them.
type SoDAction string

const (
	SoDDeploy   SoDAction = "deploy"
	SoDSchedule SoDAction = "schedule"
)

// SoDActions are the actions a side may name, in the order they are saved.
var SoDActions = []SoDAction{SoDDeploy, SoDSchedule}

// LookupSoDAction is the action named s (ignoring case), if s names one.
func LookupSoDAction(s string) (SoDAction, bool) {
	for _, a := range SoDActions {
		if strings.EqualFold(strings.TrimSpace(s), string(a)) {
			return a, true
		}
	}
	return "", false
}

// actBits is a set of actions as bits (deploy 1, schedule 2).
func actBits(as []SoDAction) uint8 {
	var b uint8
	for _, a := range as {
		b |= 1 << slices.Index(SoDActions, a)
	}
	return b
}

// SoDRule is one separation-of-duties rule.
type SoDRule struct {
	Name        string
	Description string
	// Holds and Excludes are the two sides: a user may hold privileges of
	// one side or the other, never of both. HoldsActions and
	// ExcludesActions are the actions (SoDAction) on each side, counted
	// as held where the user can do them.
	Holds           []Privilege
	Excludes        []Privilege
	HoldsActions    []SoDAction
	ExcludesActions []SoDAction
	Scope           SoDScope
	// With scope environments, at most one of these narrows it: the
	// environments of that classification, or the environments named.
	// Neither: every environment.
	Classification Classification
	Environments   []string
}

// ScopeText says where the rule looks, in words: "account-wide", "in
// production environments", "in Production and DR", "in every
// environment".
func (r *SoDRule) ScopeText() string {
	switch {
	case r.Scope != SoDEnvironments:
		return "account-wide"
	case r.Classification != "":
		return "in " + string(r.Classification) + " environments"
	case len(r.Environments) > 0:
		shown := make([]string, len(r.Environments))
		for i, e := range r.Environments {
			shown[i] = nameIn(e)
		}
		return "in " + AndList(shown)
	}
	return "in every environment"
}

// Text is the rule in one sentence: `"Name": no one holds A or B together
// with C, account-wide`.
func (r *SoDRule) Text() string {
	return fmt.Sprintf("%s: no one holds %s together with %s, %s", quote(r.Name), sideText(r.Holds, r.HoldsActions, " or "), sideText(r.Excludes, r.ExcludesActions, " or "), r.ScopeText())
}

func sideText(ps []Privilege, acts []SoDAction, sep string) string {
	names := make([]string, 0, len(ps)+len(acts))
	for _, p := range ps {
		names = append(names, p.String())
	}
	for _, a := range acts {
		names = append(names, "the right to "+string(a))
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + sep + names[len(names)-1]
}

// inScope returns the indexes of the environments of a that rule r looks
// at, in account order; nil for an account-wide rule.
func (r *SoDRule) inScope(a *Account) []int {
	if r.Scope != SoDEnvironments {
		return nil
	}
	var named map[string]bool
	if r.Classification == "" && len(r.Environments) > 0 {
		named = make(map[string]bool, len(r.Environments))
		for _, n := range r.Environments {
			named[FoldName(n)] = true
		}
	}
	out := []int{}
	for i, e := range a.Environments {
		switch {
		case r.Classification != "":
			if e.Classification == r.Classification {
				out = append(out, i)
			}
		case named != nil:
			if named[FoldName(e.Name)] {
				out = append(out, i)
			}
		default:
			out = append(out, i)
		}
	}
	return out
}

// separation checks the account's separation-of-duties rules: a name
// (R7's shape, unique ignoring case), two sides that are not empty and
// share no privilege, a known scope, and environments that exist. A side
// privilege that covers one of the other side (R4) is a warning: the rule
// then forbids the covering privilege outright.
func (v *validator) separation() {
	a := v.a
	if len(a.SeparationOfDuties) == 0 {
		return
	}
	// Environments by name, once: a rule may name many (bounded by the
	// file's list limit), and there may be many rules.
	envs := make(map[string]int, len(a.Environments))
	for i, e := range a.Environments {
		if _, ok := envs[FoldName(e.Name)]; !ok {
			envs[FoldName(e.Name)] = i
		}
	}
	seen := map[string]int{}
	look := newLookalikes(len(a.SeparationOfDuties), func(i int) string { return a.SeparationOfDuties[i].Name })
	for i, r := range a.SeparationOfDuties {
		at := func(key string) Loc { return Loc{Section: SectionSoD, Index: i, Key: key, Item: -1} }
		name := r.Name
		if msg := checkName("separation-of-duties rule", r.Name, MaxRoleName); msg != "" {
			v.refuse(SoDRuleShape, at("name"), r.Name, "%s", msg)
		} else if j, dup := seen[FoldName(r.Name)]; dup {
			v.refuse(SoDRuleShape, at("name"), r.Name, "separation-of-duties rules #%d and #%d are both called %s; give each rule its own name", j+1, i+1, quote(r.Name))
		} else {
			seen[FoldName(r.Name)] = i
		}
		// Two rules that look alike in a refusal or an audit entry would
		// be told apart by nobody (R7).
		if other := look.check(r.Name); other != "" {
			v.cite(Warning, LookAlike, at("name"), r.Name, "separation-of-duties rule %s looks like separation-of-duties rule %s (the same confusable skeleton, Unicode TR39): rename it so that the two can be told apart", quoteName(r.Name), quoteName(other))
		}
		if n := tooLong(r.Description, MaxDescription); n > 0 {
			v.refuse(DescriptionTooLong, at("description"), name, "separation-of-duties rule %s has a description of %d characters; at most %d are allowed", quote(name), n, MaxDescription)
		}
		for _, side := range []struct {
			key  string
			ps   []Privilege
			acts []SoDAction
		}{{"holds", r.Holds, r.HoldsActions}, {"excludes", r.Excludes, r.ExcludesActions}} {
			if len(side.ps) == 0 && len(side.acts) == 0 {
				v.refuse(SoDRuleShape, at(side.key), name, "separation-of-duties rule %s has no privilege in %s; name one privilege or several (or \"deploy\" or \"schedule\")", quote(name), side.key)
			}
			if len(side.acts) > 0 && r.Scope == SoDAccount {
				v.refuse(SoDRuleShape, at(side.key), name, "separation-of-duties rule %s names %s in %s, which is done in an environment (R18); use scope = \"environments\"", quote(name), quote(string(side.acts[0])), side.key)
			}
		}
		for _, a := range r.HoldsActions {
			if slices.Contains(r.ExcludesActions, a) {
				v.refuse(SoDRuleShape, at("excludes"), name, "separation-of-duties rule %s has %s on both sides; an action cannot exclude itself", quote(name), quote(string(a)))
			}
		}
		for _, p := range r.Holds {
			if slices.Contains(r.Excludes, p) {
				v.refuse(SoDRuleShape, at("excludes"), name, "separation-of-duties rule %s has %s on both sides; a privilege cannot exclude itself", quote(name), quote(p.String()))
				continue
			}
			for _, q := range r.Excludes {
				if slices.Contains(Covers[p], q) || slices.Contains(Covers[q], p) {
					v.cite(Warning, SoDRuleShape, at("excludes"), name, "separation-of-duties rule %s: %s and %s are on opposite sides, but one covers the other (R4), so no one may hold the covering one at all", quote(name), quote(p.String()), quote(q.String()))
				}
			}
		}
		switch r.Scope {
		case SoDAccount:
			if r.Classification != "" || len(r.Environments) > 0 {
				v.refuse(SoDRuleShape, at("scope"), name, "separation-of-duties rule %s has scope \"account\" but names environments or a classification; use scope = \"environments\", or remove them", quote(name))
			}
		case SoDEnvironments:
			if r.Classification != "" && len(r.Environments) > 0 {
				v.refuse(SoDRuleShape, at("classification"), name, "separation-of-duties rule %s gives both a classification and environments; give one of them (or write two rules)", quote(name))
			}
			if r.Classification != "" && r.Classification != Production && r.Classification != Test {
				v.refuse(SoDRuleShape, at("classification"), name, "separation-of-duties rule %s has classification %s; use \"production\" or \"test\"", quote(name), quote(string(r.Classification)))
			}
			named := make(map[string]bool, len(r.Environments))
			for j, e := range r.Environments {
				loc := Loc{Section: SectionSoD, Index: i, Key: "environments", Item: j}
				if _, ok := envs[FoldName(e)]; !ok {
					v.refuse(NoSuchEnvironment, loc, name, "separation-of-duties rule %s names environment %s, which the account does not have", quote(name), quote(e))
				} else if named[FoldName(e)] {
					v.refuse(SoDRuleShape, loc, name, "separation-of-duties rule %s names environment %s twice; keep it once", quote(name), quote(e))
				}
				named[FoldName(e)] = true
			}
		case "":
			v.refuse(SoDRuleShape, at("scope"), name, "separation-of-duties rule %s has no scope; write scope = \"account\" or scope = \"environments\"", quote(name))
		default:
			v.refuse(SoDRuleShape, at("scope"), name, "separation-of-duties rule %s has scope %s; use \"account\" or \"environments\"", quote(name), quote(string(r.Scope)))
		}
	}
}

// canonicalSoD puts the rules of c in the order they are saved: by name
// ignoring case, each side in catalog order without repeats, the
// environments spelled as the account spells them and sorted; empty lists
// nil. The rules are copied: c's may be shared with another account.
func canonicalSoD(c *Account) {
	if len(c.SeparationOfDuties) == 0 {
		c.SeparationOfDuties = nil
		return
	}
	rs := slices.Clone(c.SeparationOfDuties)
	envs := make(map[string]string, len(c.Environments))
	for _, e := range c.Environments {
		if _, ok := envs[FoldName(e.Name)]; !ok {
			envs[FoldName(e.Name)] = e.Name // the first, as FindEnvironment answers
		}
	}
	for i := range rs {
		r := &rs[i]
		valid := func(ps []Privilege) []Privilege {
			ps = slices.DeleteFunc(slices.Clone(ps), func(p Privilege) bool { return !p.Valid() })
			slices.Sort(ps)
			return nilIfEmpty(slices.Compact(ps))
		}
		r.Holds, r.Excludes = valid(r.Holds), valid(r.Excludes)
		acts := func(as []SoDAction) []SoDAction {
			var out []SoDAction
			for _, a := range SoDActions {
				if slices.Contains(as, a) {
					out = append(out, a)
				}
			}
			return out
		}
		r.HoldsActions, r.ExcludesActions = acts(r.HoldsActions), acts(r.ExcludesActions)
		names := slices.Clone(r.Environments)
		for j, e := range names {
			if n, ok := envs[FoldName(e)]; ok {
				names[j] = n
			}
		}
		slices.SortStableFunc(names, compareFold)
		r.Environments = nilIfEmpty(names)
	}
	slices.SortStableFunc(rs, func(x, y SoDRule) int { return compareFold(x.Name, y.Name) })
	c.SeparationOfDuties = rs
}

// Violation is one user breaking one rule: where (Sites), and through what
// on each side.
type Violation struct {
	Rule  string          `json:"rule"`
	Scope string          `json:"scope"` // the rule's ScopeText
	User  string          `json:"user"`
	Sites []ViolationSite `json:"sites"`
	// File is set by a caller that checks several files (an edit of an
	// account group): the file of the account broken.
	File string `json:"file,omitempty"`
	// environments: the rule's scope is environments (R15 decides what
	// counts; else R11).
	environments bool
}

// ViolationSite is where a user holds both sides of a rule with the same
// provenance: account-wide (Environments nil), or inside the environments
// listed (in account order), where the same roles count. Holds and
// Excludes are the privileges of each side the user holds there, with
// their sources (R11, R4; inside environments, the roles that count
// there, R15). The sources may be shared with other sites and with the
// resolver: they are not to be changed.
type ViolationSite struct {
	Environments []string `json:"environments,omitempty"`
	Holds        []Grant  `json:"holds"`
	Excludes     []Grant  `json:"excludes"`
	// HoldsActions and ExcludesActions are the actions of each side the
	// user can do there, each with the preview's reason (R18); absent
	// when the rule names none.
	HoldsActions    []ActionHeld `json:"holds_actions,omitempty"`
	ExcludesActions []ActionHeld `json:"excludes_actions,omitempty"`
}

// ActionHeld is an action a user can do in an environment, and why (the
// reason EnvView gives, of the first environment of its site).
type ActionHeld struct {
	Action SoDAction `json:"action"`
	Reason string    `json:"reason"`
}

// actionsHeld lists the actions of bits with ev's reasons for them.
func actionsHeld(bits uint8, ev EnvView) []ActionHeld {
	var out []ActionHeld
	for i, a := range SoDActions {
		if bits&(1<<i) == 0 {
			continue
		}
		why := ev.DeployReason
		if a == SoDSchedule {
			why = ev.ScheduleReason
		}
		out = append(out, ActionHeld{Action: a, Reason: why})
	}
	return out
}

// Cite is the rule that decides what a user holds where the violation
// is: "R11, decision" account-wide, "R15, decision" inside environments
// (separation of duties is our product's rule, not Boomi's).
func (v Violation) Cite() string {
	if v.environments {
		return cite("R15", true)
	}
	return cite("R11", true)
}

// Text says one site in words: `rule "Build vs deploy" in Production:
// dana@example.com holds Build Read and Write Access [from Builder (via
// Support)] and also Packaged Component Deployment [from Deployer]`.
func (v Violation) Text(s ViolationSite) string {
	where := "account-wide"
	if len(s.Environments) > 0 {
		shown := make([]string, len(s.Environments))
		for i, e := range s.Environments {
			shown[i] = nameIn(e)
		}
		where = "in " + AndList(shown)
	}
	return fmt.Sprintf("rule %s %s: %s holds %s and also %s", quote(v.Rule), where, SafeText(v.User), siteSide(s.Holds, s.HoldsActions), siteSide(s.Excludes, s.ExcludesActions))
}

// Lines is Text of every site.
func (v Violation) Lines() []string {
	out := make([]string, len(v.Sites))
	for i, s := range v.Sites {
		out[i] = v.Text(s)
	}
	return out
}

// siteSide is one side of a site in words: its privileges with their
// sources, then its actions with their reasons ("can deploy [write: ...
// (R17)]").
func siteSide(gs []Grant, acts []ActionHeld) string {
	parts := make([]string, 0, len(gs)+len(acts))
	for _, g := range gs {
		parts = append(parts, g.Privilege.String()+" [from "+SafeText(g.From())+"]")
	}
	for _, a := range acts {
		parts = append(parts, "can "+string(a.Action)+" ["+SafeText(a.Reason)+"]")
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// sodPlan is a rule made ready for scanning: its sides as sets, and the
// environments it looks at (nil: account-wide).
type sodPlan struct {
	holds, excl PrivSet
	envs        []int
	ok          bool  // a valid rule: an invalid one breaks nothing
	hact, xact  uint8 // the actions of each side (actBits)
}

// sodHit is a place where a user holds both sides of a rule: environment
// env (-1 account-wide), and the privileges and actions of each side held
// there. 24 bytes: ViolationList keeps one per place.
type sodHit struct {
	holds, excl PrivSet
	env         int32
	hact, xact  uint8
}

func (r *Resolver) sodPlans() []sodPlan {
	a := r.acct
	plans := make([]sodPlan, len(a.SeparationOfDuties))
	for i := range a.SeparationOfDuties {
		rl := &a.SeparationOfDuties[i]
		p := sodPlan{holds: SetOf(rl.Holds...), excl: SetOf(rl.Excludes...), hact: actBits(rl.HoldsActions), xact: actBits(rl.ExcludesActions)}
		switch rl.Scope {
		case SoDAccount:
			p.ok = p.hact == 0 && p.xact == 0 // actions are done in an environment (R18)
		case SoDEnvironments:
			p.envs, p.ok = rl.inScope(a), true
		}
		p.ok = p.ok && (p.holds != 0 || p.hact != 0) && (p.excl != 0 || p.xact != 0) && p.holds&p.excl == 0 && p.hact&p.xact == 0
		plans[i] = p
	}
	return plans
}

// sodScanner finds, user by user, where they hold both sides of a rule;
// what each user holds inside each environment is worked out once for
// all the rules.
type sodScanner struct {
	r     *Resolver
	plans []sodPlan
	privs []PrivSet // per environment, for the current user
	acts  []uint8   // the actions they can do there (actBits)
	done  []bool
	// full: a rule names an action, so that the environments are
	// evaluated through R17 and R18, not only for what counts there.
	full bool
	hits []sodHit
}

func (r *Resolver) newSoDScanner() *sodScanner {
	n := len(r.acct.Environments)
	s := &sodScanner{r: r, plans: r.sodPlans(), privs: make([]PrivSet, n), acts: make([]uint8, n), done: make([]bool, n)}
	for _, p := range s.plans {
		s.full = s.full || p.hact|p.xact != 0
	}
	return s
}

// user starts on user u: the environments are worked out again.
func (s *sodScanner) user() { clear(s.done) }

// hitsOf returns where user u (the current one) holds both sides of rule
// i; the slice is reused by the next call.
func (s *sodScanner) hitsOf(i, u int) []sodHit {
	p := &s.plans[i]
	us := &s.r.us()[u]
	s.hits = s.hits[:0]
	// Inside an environment a user holds a subset of what they hold
	// account-wide (R15 only filters; R4 adds only what is covered by
	// what they hold), so that only the users holding both sides
	// account-wide are looked at there.
	// A side of actions can be met without a privilege of it (write
	// access deploys, R18): only a side of privileges alone rules a user
	// out here.
	if !p.ok || (p.hact == 0 && us.eff&p.holds == 0) || (p.xact == 0 && us.eff&p.excl == 0) {
		return nil
	}
	if p.envs == nil {
		return append(s.hits, sodHit{env: -1, holds: us.eff & p.holds, excl: us.eff & p.excl})
	}
	for _, e := range p.envs {
		if !s.done[e] {
			ev := s.r.evalOf(us, e, s.full)
			s.privs[e], s.acts[e], s.done[e] = 0, 0, true
			if ev.visible {
				s.privs[e] = ev.privs
				if ev.deploy {
					s.acts[e] |= actBits([]SoDAction{SoDDeploy})
				}
				if ev.schedule {
					s.acts[e] |= actBits([]SoDAction{SoDSchedule})
				}
			}
		}
		h, x := s.privs[e]&p.holds, s.privs[e]&p.excl
		ha, xa := s.acts[e]&p.hact, s.acts[e]&p.xact
		if (h != 0 || ha != 0) && (x != 0 || xa != 0) {
			s.hits = append(s.hits, sodHit{env: int32(e), holds: h, excl: x, hact: ha, xact: xa})
		}
	}
	return s.hits
}

// violationMaker turns the hits of a user into a violation, with the
// sources of each side; hits with the same privileges held through the
// same roles make one site.
type violationMaker struct {
	r           *Resolver
	memo        [numPrivileges + 1]*sourceMemo
	all, perEnv []int32
	key         []byte
	siteOf      map[string]int
}

func (m *violationMaker) make(i, u int, hits []sodHit) Violation {
	r := m.r
	rl := &r.acct.SeparationOfDuties[i]
	us := &r.us()[u]
	v := Violation{Rule: rl.Name, Scope: rl.ScopeText(), User: us.email, environments: rl.Scope == SoDEnvironments}
	if m.siteOf == nil {
		m.siteOf = map[string]int{}
	}
	clear(m.siteOf)
	for _, h := range hits {
		// The roles that count where the hit is: all held ones
		// account-wide (R11), inside an environment those R15 lets count.
		all, perEnv := us.roles, us.roles
		if e := int(h.env); e >= 0 {
			ev := r.evalOf(us, e, false)
			m.all, m.perEnv = r.appendCountingRoles(m.all[:0], m.perEnv[:0], u, e, &ev)
			all, perEnv = m.all, m.perEnv
		}
		m.key = binary.LittleEndian.AppendUint64(m.key[:0], uint64(h.holds))
		m.key = binary.LittleEndian.AppendUint64(m.key, uint64(h.excl))
		m.key = append(m.key, h.hact, h.xact)
		m.key = binary.LittleEndian.AppendUint32(m.key, uint32(len(all)))
		for _, id := range all {
			m.key = binary.LittleEndian.AppendUint32(m.key, uint32(id))
		}
		for _, id := range perEnv {
			m.key = binary.LittleEndian.AppendUint32(m.key, uint32(id))
		}
		k, seen := m.siteOf[string(m.key)]
		if !seen {
			k = len(v.Sites)
			m.siteOf[string(m.key)] = k
			site := ViolationSite{Holds: m.grants(u, h.holds, all, perEnv), Excludes: m.grants(u, h.excl, all, perEnv)}
			if h.hact|h.xact != 0 {
				ev := r.EnvView(u, int(h.env))
				site.HoldsActions, site.ExcludesActions = actionsHeld(h.hact, ev), actionsHeld(h.xact, ev)
			}
			if h.env >= 0 {
				site.Environments = make([]string, 0, len(hits))
			}
			v.Sites = append(v.Sites, site)
		}
		if h.env >= 0 {
			v.Sites[k].Environments = append(v.Sites[k].Environments, r.acct.Environments[h.env].Name)
		}
	}
	return v
}

// grants is each privilege of set with its sources among the roles that
// count (all; perEnv for the per-environment privileges, R15), as
// holderSources gives them, from the resolver's shared cache of every
// role's sources (memo, filled as needed).
func (m *violationMaker) grants(u int, set PrivSet, all, perEnv []int32) []Grant {
	r := m.r
	out := make([]Grant, 0, set.Len())
	for _, p := range set.List() {
		if m.memo[p] == nil {
			m.memo[p] = newSourceMemo(r, p)
		}
		memo, direct := m.memo[p], directRoles(p, all, perEnv)
		g := Grant{Privilege: p}
		switch n, sole := memo.most(direct, all); {
		case sole >= 0:
			g.Sources, g.ImpliedBy = memo.single(sole) // one role gives it all: its list, shared
		default:
			g.Sources, g.ImpliedBy = appendCoveredSources(make([]Source, 0, n), direct, all, p, memo.sources)
		}
		g.Sources = r.groupSources(u, g.Sources)
		out = append(out, g)
	}
	return out
}

// Violations lists every user who breaks a separation-of-duties rule of
// the account, rule by rule (in the account's order) and user by user,
// each with every place they break it and the provenance of both sides
// there.
func (r *Resolver) Violations() []Violation {
	return r.violationsWhere(nil, nil)
}

// violationsWhere is Violations without, for each rule i and user u, the
// hits that drop(i, u, hits) returns (nil: none), where each goroutine
// gets its own drop from dropper (nil: nothing is dropped). What drop
// returns is done with before drop is called again, which may reuse it.
func (r *Resolver) violationsWhere(skip func(u int) bool, dropper func() func(i, u int, hits []sodHit) []sodHit) []Violation {
	var parts [][][]Violation // per worker, per rule
	r.sodScan(skip, dropper, func(workers, rules int) func(w int) func(i, u int, hits []sodHit) {
		parts = make([][][]Violation, workers)
		return func(w int) func(i, u int, hits []sodHit) {
			m := &violationMaker{r: r}
			parts[w] = make([][]Violation, rules)
			return func(i, u int, hits []sodHit) { parts[w][i] = append(parts[w][i], m.make(i, u, hits)) }
		}
	})
	var out []Violation
	for i := range r.acct.SeparationOfDuties {
		for _, per := range parts {
			out = append(out, per[i]...)
		}
	}
	return out
}

// sodScan finds, for each user not skipped (skip nil: none), every rule
// they break and where, less the hits drop (from dropper, one per
// goroutine) returns. The users are shared out among the processors, a
// run of them to each: start says how many workers there are and how many
// rules, and gives each worker w the keep it calls, on its own goroutine,
// with the hits of each rule i that user u breaks, user by user in
// account order (hits is reused once keep returns). With no rule, start
// is not called.
func (r *Resolver) sodScan(skip func(u int) bool, dropper func() func(i, u int, hits []sodHit) []sodHit,
	start func(workers, rules int) func(w int) func(i, u int, hits []sodHit)) {
	rules := len(r.acct.SeparationOfDuties)
	if rules == 0 {
		return // and no user is indexed for nothing
	}
	users := r.us()
	nproc := min(runtime.GOMAXPROCS(0), max(len(users)/1000, 1))
	keeper := start(nproc, rules)
	var wg sync.WaitGroup
	for w := range nproc {
		from, to := w*len(users)/nproc, (w+1)*len(users)/nproc
		keep := keeper(w)
		wg.Go(func() {
			s := r.newSoDScanner()
			var drop func(i, u int, hits []sodHit) []sodHit
			if dropper != nil {
				drop = dropper()
			}
			for u := from; u < to; u++ {
				if skip != nil && skip(u) {
					continue
				}
				s.user()
				for i := range s.plans {
					hits := s.hitsOf(i, u)
					if len(hits) == 0 {
						continue
					}
					if gone := dropped(drop, i, u, hits); gone != nil {
						hits = slices.DeleteFunc(hits, func(h sodHit) bool { return slices.Contains(gone, h) })
						if len(hits) == 0 {
							continue
						}
					}
					keep(i, u, hits)
				}
			}
		})
	}
	wg.Wait()
}

// ViolationList is Violations before it is put in words: for each rule
// and each user who breaks it, in Violations' order, the places where
// they do (24 bytes a place). Each is made a Violation, with its sources,
// only when asked for (Violation), so that a long list is never held
// whole in words: 100 rules on 10,000 users can break at 2 million
// places. It is read by one goroutine at a time.
type ViolationList struct {
	m     violationMaker
	items []violationAt
	hits  [][]sodHit // per worker of sodScan
}

// violationAt is rule broken by user, at hits[part][from:to].
type violationAt struct{ rule, user, part, from, to int32 }

// ViolationList is Violations, each violation made when asked for.
func (r *Resolver) ViolationList() *ViolationList {
	l := &ViolationList{m: violationMaker{r: r}}
	var items [][][]violationAt // per worker, per rule
	r.sodScan(nil, nil, func(workers, rules int) func(w int) func(i, u int, hits []sodHit) {
		items, l.hits = make([][][]violationAt, workers), make([][]sodHit, workers)
		return func(w int) func(i, u int, hits []sodHit) {
			items[w] = make([][]violationAt, rules)
			return func(i, u int, hits []sodHit) {
				n := int32(len(l.hits[w]))
				l.hits[w] = append(l.hits[w], hits...)
				items[w][i] = append(items[w][i], violationAt{rule: int32(i), user: int32(u), part: int32(w), from: n, to: n + int32(len(hits))})
			}
		}
	})
	for i := range r.acct.SeparationOfDuties {
		for _, per := range items {
			l.items = append(l.items, per[i]...)
		}
	}
	return l
}

// Len is how many violations (a rule and a user) the list holds.
func (l *ViolationList) Len() int { return len(l.items) }

// Sites is how many places (account-wide, or one environment) the
// violations are at: CountSites of them all.
func (l *ViolationList) Sites() int {
	n := 0
	for _, hs := range l.hits {
		n += len(hs)
	}
	return n
}

// Violation is the k-th violation, in Violations' order.
func (l *ViolationList) Violation(k int) Violation {
	it := l.items[k]
	return l.m.make(int(it.rule), int(it.user), l.hits[it.part][it.from:it.to])
}

// dropped is drop(i, u, hits), or nil when drop is nil.
func dropped(drop func(i, u int, hits []sodHit) []sodHit, i, u int, hits []sodHit) []sodHit {
	if drop == nil {
		return nil
	}
	return drop(i, u, hits)
}

// NewViolations lists what after breaks that before did not: the places
// (rule and user, by name ignoring case, and environment) where a user of
// after holds both sides of a rule and did not in before. An edit that
// leaves violations as they were, or ends some, introduces none.
func NewViolations(before, after *Resolver) []Violation {
	return newViolations(before, after, false)
}

// newViolations is NewViolations; with scanAll it looks at every user,
// not only those sodUnchanged leaves (tests compare the two).
func newViolations(before, after *Resolver, scanAll bool) []Violation {
	if len(after.acct.SeparationOfDuties) == 0 {
		return nil
	}
	ruleAt := map[string]int{}
	for i, rl := range before.acct.SeparationOfDuties {
		ruleAt[FoldName(rl.Name)] = i
	}
	// ruleBefore[i] is before's rule of after's rule i, -1 for a new rule.
	ruleBefore := make([]int, len(after.acct.SeparationOfDuties))
	for i, rl := range after.acct.SeparationOfDuties {
		bi, ok := ruleAt[FoldName(rl.Name)]
		ruleBefore[i] = bi
		if !ok {
			ruleBefore[i] = -1
		}
	}
	// place maps a place of after (an environment's index, -1
	// account-wide) to before's, shifted by one: 0 is account-wide, -1
	// a place before does not have.
	place := make([]int, len(after.acct.Environments))
	for e, env := range after.acct.Environments {
		place[e] = -1
		if b := before.Environment(env.Name); b >= 0 {
			place[e] = b + 1
		}
	}
	before.us() // indexed once, before the goroutines ask
	var skip func(u int) bool
	if !scanAll {
		skip = sodUnchanged(before, after)
	}
	return after.violationsWhere(skip, func() func(i, u int, hits []sodHit) []sodHit {
		bs := before.newSoDScanner()
		lastUser := -1
		held := make([]bool, len(before.acct.Environments)+1) // the places of before's hits
		afterUser, bu := -1, -1                               // bu: before's user of after's user afterUser
		var drop []sodHit                                     // reused: the caller is done with it by the next call
		return func(i, u int, hits []sodHit) []sodHit {
			if u != afterUser { // the rules of a user are asked about one after another
				afterUser, bu = u, before.User(after.us()[u].email)
			}
			bi := ruleBefore[i]
			if bi < 0 || bu < 0 {
				return nil // a new rule or a new user: all of it is new
			}
			if bu != lastUser {
				bs.user()
				lastUser = bu
			}
			old := bs.hitsOf(bi, bu)
			for _, o := range old {
				held[o.env+1] = true
			}
			drop = drop[:0]
			for _, h := range hits {
				at := 0
				if h.env >= 0 {
					at = place[int(h.env)]
				}
				if at >= 0 && held[at] {
					drop = append(drop, h)
				}
			}
			for _, o := range old {
				held[o.env+1] = false
			}
			if len(drop) == 0 {
				return nil
			}
			return drop
		}
	})
}

// CountSites is the number of places (account-wide, or one environment)
// of vs.
func CountSites(vs []Violation) int {
	n := 0
	for _, v := range vs {
		for _, s := range v.Sites {
			n += max(len(s.Environments), 1)
		}
	}
	return n
}

// FileViolations is what an edit of an account group introduces in one
// of its files: File is the member's file as the primary names it, ""
// for the primary.
type FileViolations struct {
	File       string
	Violations []Violation
}

// NewGroupViolations lists, file by file (the primary first, then the
// members in file order), the violations an edit of an account group
// introduces in the accounts whose files hold rules: each checked on its
// view before and after (a member's shared roles and group users, R21,
// R25), so that sharing a role or giving a group user a role is caught in
// every member it reaches (R22).
func NewGroupViolations(before, after *GroupSet) []FileViolations {
	var out []FileViolations
	check := func(file string, b, a *Account) {
		if a == nil || len(a.SeparationOfDuties) == 0 {
			return
		}
		av, err := after.View(file)
		if err != nil {
			return // no longer in a group: its own account, unchanged by the edit
		}
		bv, err := before.View(file)
		switch {
		case err == nil:
		case b != nil:
			bv = b // not in a group before: its own account
		default:
			bv = &Account{}
		}
		if vs := NewViolations(NewResolver(bv), NewResolver(av)); len(vs) > 0 {
			out = append(out, FileViolations{File: file, Violations: vs})
		}
	}
	check("", before.Primary, after.Primary)
	files := slices.Sorted(maps.Keys(after.Members))
	for _, f := range files {
		check(f, before.Members[f], after.Members[f])
	}
	return out
}

// sodUnchanged tells which users of after hold, in every place a rule
// looks at, exactly what they held in before, so that NewViolations need
// not look at them: what a user holds account-wide and in each environment
// (R11-R16) depends only on the roles they hold, those roles' privileges
// with their chains' (R5, R6), the environments (their classification and
// Roles with Access) and the account's switches. When the switches, the
// environments or the rules differ, it is nil: every user is looked at.
// A user is unchanged when before has them (by email, ignoring case), they
// hold the same roles, and none of those roles grants other privileges.
// A scripted edit of a user or a role thus costs its users, not the
// account's.
func sodUnchanged(before, after *Resolver) func(u int) bool {
	a, b := after.acct, before.acct
	if a.AdvancedUserSecurity != b.AdvancedUserSecurity || a.AdvancedEnvironmentAccess != b.AdvancedEnvironmentAccess ||
		!slices.EqualFunc(a.Environments, b.Environments, func(x, y Environment) bool {
			return x.Name == y.Name && x.Classification == y.Classification && slices.Equal(x.RolesWithAccess, y.RolesWithAccess)
		}) || !reflect.DeepEqual(a.SeparationOfDuties, b.SeparationOfDuties) {
		return nil
	}
	changed := make([]bool, len(after.roles))
	for id := range after.roles {
		ar := &after.roles[id]
		bid := before.roleID(ar.name)
		changed[id] = bid < 0 || before.roles[bid].set != ar.set || before.roles[bid].looped != ar.looped ||
			before.roles[bid].builtin != ar.builtin || before.roles[bid].shared != ar.shared
	}
	before.us()
	return func(u int) bool {
		bu := before.User(after.us()[u].email)
		if bu < 0 {
			return false
		}
		ar, br := after.us()[u].roles, before.us()[bu].roles
		if len(ar) != len(br) {
			return false
		}
		for _, id := range ar {
			if changed[id] {
				return false
			}
		}
		names := func(r *Resolver, ids []int32) []string {
			out := make([]string, len(ids))
			for i, id := range ids {
				out[i] = FoldName(r.roles[id].name)
			}
			slices.Sort(out)
			return out
		}
		return slices.Equal(names(after, ar), names(before, br))
	}
}
