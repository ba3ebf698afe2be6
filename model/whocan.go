package model

import (
	"encoding/json"
	"slices"
	"unsafe"
)

// Holder is one user who holds a privilege, with every source of it.
type Holder struct {
	User    string   `json:"user"`
	Sources []Source `json:"sources"`
	// ImpliedBy is set when the user holds the privilege only through the
	// privilege that covers it (R4).
	ImpliedBy string `json:"implied_by,omitempty"`
}

// WhoCan lists the users who hold p, account-wide when e < 0 or as it counts
// inside environment e (R13-R16), in account order, with their sources:
// WhoCanList's answer, every holder formed. The sources of different
// holders, of different answers, and their Via lists may be the same
// slices, which must not be changed.
func (r *Resolver) WhoCan(p Privilege, e int) []Holder {
	return r.WhoCanList(p, e).Holders()
}

// HolderList is WhoCanList's answer: each holder as their place in the
// account and a code saying where their sources are, formed when the
// holder is asked for (Holder, Holders). A holder whose sources are those
// of p through each of the roles through which p counts for them, nothing
// covering p, keeps no sources at all: they are the roles' own
// (sourceMemo), appended one after the other when formed. It is never
// changed once made, and may be read by several goroutines at once.
type HolderList struct {
	r    *Resolver
	memo *sourceMemo
	e    int
	// sets is the setMemo's sets the codes may refer to (codes 0 to
	// len(sets)-1), found the sets found for this answer alone (codes
	// from len(sets) on).
	sets, found []setSources
	hs          []heldBy // in account order
	formed      int      // the sources of the fromRoles holders, in all
}

// heldBy is one holder of a HolderList: the user's place in the account,
// and the code of their sources (knownHolders' codes, found's, or
// fromRoles). Pointer-free: 8 bytes a holder.
type heldBy struct{ user, code int32 }

// fromRoles is the code of a holder whose sources are formed from the
// roles through which p counts for them (HolderList).
const fromRoles = notHolder + 1

// WhoCanList lists the users who hold p, account-wide when e < 0 or as it
// counts inside environment e (R13-R16), in account order, with their
// sources: those holderSources gives, found once per role (sourceMemo) or
// once per set of roles they come through (setMemo), or else found for
// each holder and kept once (found), or formed from the roles' own when
// asked for (fromRoles).
func (r *Resolver) WhoCanList(p Privilege, e int) *HolderList {
	users := r.us()
	// Each user's account-wide sources, when an earlier question kept
	// them (keepKnown), with this sourceCache's sets: loaded before the
	// sets they refer to (those are added first).
	known := r.known[p].Load()
	if ps := r.srcs.of[p].Load(); known != nil && (ps == nil || known.sets != &ps.sets) {
		known = nil
	}
	if e < 0 && known != nil {
		return r.whoCanKnown(newSourceMemo(r, p), known)
	}
	// Find the holders first, then record each once in a slice of the
	// right size. Account-wide, count them (the check costs next to
	// nothing) and find them again as they are recorded; in an
	// environment, list them (4 bytes each).
	var who []int32
	n := 0
	if e < 0 {
		for u := range users {
			if users[u].eff.Has(p) {
				n++
			}
		}
	} else {
		who = r.appendHoldersIn(who, users, e, p)
		n = len(who)
	}
	if n == 0 {
		return &HolderList{}
	}
	memo := newSourceMemo(r, p)
	// From the second question about p on, keep what is found (a one-off
	// question does not pay for it), every user's account-wide sources
	// first.
	keep := memo.ps.sets.asked.Add(1) > 1
	if keep && known == nil && (e < 0 || !perEnvSet.Has(p)) {
		if known = r.keepKnown(memo); e < 0 && known != nil {
			return r.whoCanKnown(memo, known)
		}
	}
	l := &HolderList{r: r, memo: memo, e: e, hs: make([]heldBy, n)}
	// Holders to whom every role counts here have their account-wide
	// sources, unless p is one of the per-environment privileges.
	open := e >= 0 && len(r.envs[e].ids) == 0
	if perEnvSet.Has(p) {
		known = nil
	}
	f := newSourceFinder(memo, n, keep)
	var all, perEnv []int32 // the roles that count, reused for each holder
	u := int32(-1)
	for i := range l.hs {
		if who != nil {
			u = who[i]
		} else {
			// The next account-wide holder: there are n.
			for u++; !users[u].eff.Has(p); u++ {
			}
		}
		us := &users[u]
		var code int32
		switch {
		case known != nil && (open || us.raw.Has(EnvironmentManagement)):
			code = known.codes[u]
		case e < 0:
			code = f.find(us.roles, us.roles, i)
		case open:
			// Every role counts, none is listed (countingRoles).
			code = f.find(us.roles, directRoles(p, us.roles, nil), i)
		default:
			all, perEnv = r.appendCountingIn(all[:0], perEnv[:0], us, e)
			code = f.find(all, directRoles(p, all, perEnv), i)
		}
		l.hs[i] = heldBy{u, code}
	}
	f.done(r.srcs, nil)
	l.sets, l.found, l.formed = f.kept, f.local, f.formed
	return l
}

// Len is how many users hold the privilege.
func (l *HolderList) Len() int { return len(l.hs) }

// User is the i-th holder's email (Holder's User), without forming their
// sources.
func (l *HolderList) User(i int) string { return l.r.userList[l.hs[i].user].email }

// Holder returns the i-th holder. The sources formed for it (fromRoles)
// are appended to buf[:0], which is returned for the next call: the
// holder's sources are then valid until buf is used again.
func (l *HolderList) Holder(i int, buf []Source) (Holder, []Source) {
	h, buf := l.appendHolder(i, buf[:0])
	return h, buf
}

// Holders returns every holder, nil when there is none; the sources
// formed for them share one array, of the size find counted.
func (l *HolderList) Holders() []Holder {
	if len(l.hs) == 0 {
		return nil
	}
	out := make([]Holder, len(l.hs))
	var chunk []Source
	if l.formed > 0 {
		chunk = make([]Source, 0, l.formed)
	}
	for i := range out {
		out[i], chunk = l.appendHolder(i, chunk)
	}
	return out
}

// appendHolder returns the i-th holder, the sources formed for it
// appended to chunk (its Sources ends where they end).
func (l *HolderList) appendHolder(i int, chunk []Source) (Holder, []Source) {
	hb := l.hs[i]
	us := &l.r.userList[hb.user]
	var srcs []Source
	var implied Privilege
	switch c := int(hb.code); {
	case c == fromRoles:
		n := len(chunk)
		chunk = l.appendFromRoles(chunk, us)
		srcs = chunk[n:len(chunk):len(chunk)] // never empty: find saw some
	case c >= len(l.sets):
		srcs, implied = l.found[c-len(l.sets)].srcs, l.found[c-len(l.sets)].implied
	default:
		srcs, implied = l.memo.decode(hb.code, l.sets)
	}
	if l.r.hasGroupUsers() {
		srcs = l.r.groupSources(int(hb.user), srcs)
	}
	h := Holder{User: us.email, Sources: srcs}
	if implied != 0 {
		h.ImpliedBy = implied.String()
	}
	return h, chunk
}

// appendFromRoles appends the sources of a fromRoles holder us: those of
// p of each role through which p itself counts for them where the list's
// question was asked, one after the other (directRoles of the roles
// WhoCanList found counting, found again without a list).
func (l *HolderList) appendFromRoles(out []Source, us *ruser) []Source {
	r, e, p, roles := l.r, l.e, l.memo.p, l.memo.ps.roles
	counting := us.roles // account-wide, or open: every role counts
	switch {
	case e >= 0 && len(r.envs[e].ids) > 0:
		// Restricted: the roles that count here, as WhoCanList found them.
		var all, perEnv [64]int32
		a, pe := r.appendCountingIn(all[:0], perEnv[:0], us, e)
		counting = directRoles(p, a, pe)
	case e >= 0 && perEnvSet.Has(p):
		counting = nil // open: none is listed
	}
	for _, h := range counting {
		out = append(out, roles[h]...)
	}
	return out
}

// MarshalJSON writes the list as the list of its holders, every list in
// it that is nil written [], as the CLI writes its answers.
func (l *HolderList) MarshalJSON() ([]byte, error) {
	out := l.Holders()
	if out == nil {
		out = []Holder{}
	}
	for i := range out {
		if out[i].Sources == nil {
			out[i].Sources = []Source{}
		}
		cloned := false
		for k, s := range out[i].Sources {
			if s.Via == nil {
				if !cloned {
					out[i].Sources, cloned = slices.Clone(out[i].Sources), true // shared: not changed
				}
				out[i].Sources[k].Via = []string{}
			}
		}
	}
	return json.Marshal(out)
}

// keepKnown finds every user's account-wide sources of the memo's
// privilege and keeps them (Resolver.known), with the sets they refer to;
// it returns nil, keeping nothing, when the sourceCache's limit does not
// allow them all.
func (r *Resolver) keepKnown(memo *sourceMemo) *knownHolders {
	users := r.us()
	p := memo.p
	k := &knownHolders{sets: &memo.ps.sets, codes: make([]int32, len(users))}
	for u := range users {
		if users[u].eff.Has(p) {
			k.n++
		}
	}
	f := newSourceFinder(memo, k.n, true)
	for u := range users {
		code := int32(notHolder)
		if users[u].eff.Has(p) {
			// A set found now has a code of f.local's until placed.
			code = f.find(users[u].roles, users[u].roles, u)
		}
		k.codes[u] = code
	}
	if !f.done(r.srcs, func(u int, at int32) { k.codes[u] = at }) {
		return nil
	}
	r.known[p].Store(k)
	return k
}

// whoCanKnown is WhoCanList(p, -1) from the holders of p kept (keepKnown).
func (r *Resolver) whoCanKnown(memo *sourceMemo, k *knownHolders) *HolderList {
	if k.n == 0 {
		return &HolderList{} // as WhoCanList gives
	}
	sets := &memo.ps.sets
	sets.mu.RLock()
	kept := sets.sets // never changed, only added to
	sets.mu.RUnlock()
	l := &HolderList{r: r, memo: memo, e: -1, sets: kept, hs: make([]heldBy, 0, k.n)}
	for u, code := range k.codes {
		if code != notHolder {
			l.hs = append(l.hs, heldBy{int32(u), code})
		}
	}
	return l
}

// sourceFinder finds holders' sources of one privilege (find), holding
// its setMemo's lock for reading until done.
type sourceFinder struct {
	memo  *sourceMemo
	sets  *setMemo
	kept  []setSources // sets.sets when the finder was made
	keep  bool         // keep the sets found (done)
	found setsFound
	look  bool // sets may be kept or known: find their keys
	key   []byte
	chunk []Source // where found sources are kept, a chunk at a time
	// local is the sources found for holders, code len(kept)+i.
	local  []setSources
	formed int // the sources of the fromRoles holders, in all
	left   int // holders left to find, a hint
}

func newSourceFinder(memo *sourceMemo, holders int, keep bool) *sourceFinder {
	f := &sourceFinder{memo: memo, sets: &memo.ps.sets, keep: keep, left: holders}
	f.sets.mu.RLock()
	f.kept = f.sets.sets
	f.look = keep || len(f.kept) > 0
	return f
}

// find returns the code of the sources of a holder for whom the roles
// counting count, and direct those through which p itself counts (as
// holderSources finds them): a place in f.kept, noSources, a singleCode,
// fromRoles when the sources are direct's own, one role's after the
// other, and they are not to be kept, or else len(f.kept)+i for the
// sources found now, f.local[i]. holder is passed to done's placed for
// sets found now.
func (f *sourceFinder) find(counting, direct []int32, holder int) int32 {
	f.left--
	m := f.memo
	if len(direct) == 1 && len(counting) == 1 && direct[0] == counting[0] {
		// One role: its sources, the same for every holder of it alone.
		return singleCode(direct[0])
	}
	need, sole := m.most(direct, counting)
	switch {
	case sole >= 0:
		// All from one role, as for a holder of it alone.
		return singleCode(sole)
	case need == 0:
		return noSources
	}
	if f.look {
		f.key = m.setKey(f.key[:0], direct, counting)
		if at, ok := f.sets.index[string(f.key)]; ok {
			// Holders of the same roles had them found already.
			return at
		}
	}
	if len(m.sups) == 0 && !f.keep {
		// Nothing covers p: the sources of direct, as
		// appendCoveredSources appends them, formed when asked for.
		f.formed += need
		return fromRoles
	}
	// Appended to the chunk in place, which has room for them all.
	if cap(f.chunk)-len(f.chunk) < need {
		// Room for the holders left, each needing about as many as this
		// one, up to a chunk: a small account does not pay for a chunk
		// sized for 10,000 users.
		f.chunk = make([]Source, 0, max(need, min(whoCanChunk, need*(f.left+1))))
	}
	n := len(f.chunk)
	var s setSources
	if len(m.sups) == 0 {
		for _, h := range direct {
			f.chunk = append(f.chunk, m.ps.roles[h]...)
		}
	} else {
		f.chunk, s.implied = appendCoveredSources(f.chunk, direct, counting, m.p, m.sources)
	}
	if len(f.chunk) > n { // none: nil, as holderSources gives
		s.srcs = f.chunk[n:len(f.chunk):len(f.chunk)]
	}
	if f.keep {
		f.found.add(f.key, holder, s)
	}
	f.local = append(f.local, s)
	return int32(len(f.kept) + len(f.local) - 1)
}

// done releases the setMemo and keeps the sets found, as setsFound.keep
// does (placed may be nil).
func (f *sourceFinder) done(c *sourceCache, placed func(holder int, at int32)) bool {
	f.sets.mu.RUnlock()
	if placed == nil {
		placed = func(int, int32) {}
	}
	return f.found.keep(c, f.sets, placed)
}

// appendHoldersIn appends to who the users who hold p in environment e:
// those for whom Check(u, p, e) holds, in account order.
func (r *Resolver) appendHoldersIn(who []int32, users []ruser, e int, p Privilege) []int32 {
	if perEnvSet.Has(p) {
		for u := range users {
			if r.holdsIn(&users[u], e, p) {
				who = append(who, int32(u))
			}
		}
		return who
	}
	// Any other privilege counts here when it is held (account-wide) and
	// the environment is visible (R14: Runtime Management Read Access
	// held), through any role when the environment is open or with
	// Environment Management, else through a listed role that grants it
	// (R13, R15): the closure of a union being the union of the closures,
	// and none of perEnvSet covering anything else, holdsIn's answer.
	both := PrivSet(0).With(p).With(RuntimeManagementRead)
	env := &r.envs[e]
	var here []uint64 // the listed roles that grant p
	if len(env.ids) > 0 {
		here = make([]uint64, len(env.listed))
		for _, id := range env.ids {
			if r.roles[id].set.Closure().Has(p) {
				here[id/64] |= 1 << (id % 64)
			}
		}
	}
	for u := range users {
		us := &users[u]
		if us.eff&both != both {
			continue
		}
		if here != nil && !us.raw.Has(EnvironmentManagement) && !anyIn(here, us.roles) {
			continue
		}
		who = append(who, int32(u))
	}
	return who
}

// anyIn reports whether the bitset over role ids set has any of ids.
func anyIn(set []uint64, ids []int32) bool {
	for _, id := range ids {
		if set[id/64]&(1<<(id%64)) != 0 {
			return true
		}
	}
	return false
}

// holdsIn is Check(u, p, e) for user us and e >= 0: evalOf's visible and
// privs, and nothing else, found with as little as may be.
func (r *Resolver) holdsIn(us *ruser, e int, p Privilege) bool {
	// What counts here is some of what counts account-wide (privs is the
	// closure of part of raw), and nothing is visible without R14.
	if !us.eff.Has(p) || !us.eff.Has(RuntimeManagementRead) {
		return false
	}
	if len(r.envs[e].ids) == 0 {
		// Open (R12): every role counts, the per-environment privileges
		// through none (only a listed role counts for them).
		return (us.raw &^ perEnvSet).Closure().Has(p)
	}
	// Restricted: the listed roles count, or all of them with Environment
	// Management (R13, R15), the per-environment privileges through the
	// listed ones with Advanced Environment Access (R16).
	var listed PrivSet
	held := false
	for _, id := range us.roles {
		if r.listed(e, id) {
			held = true
			listed |= r.roles[id].set
		}
	}
	counting := listed
	if us.raw.Has(EnvironmentManagement) {
		counting = us.raw
	} else if !held {
		return false // not visible (R13)
	}
	var perEnv PrivSet
	if r.acct.AdvancedEnvironmentAccess {
		perEnv = listed & perEnvSet
	}
	return (counting&^perEnvSet | perEnv).Closure().Has(p)
}

// appendCountingIn is appendCountingRoles for user us, to whom the
// restricted environment e is visible, without their envEval.
func (r *Resolver) appendCountingIn(all, perEnv []int32, us *ruser, e int) ([]int32, []int32) {
	hasEM := us.raw.Has(EnvironmentManagement)
	aea := r.acct.AdvancedEnvironmentAccess
	for _, id := range us.roles {
		listed := r.listed(e, id)
		if hasEM || listed { // countsHere
			all = append(all, id)
		}
		if listed && aea { // perEnvCounts
			perEnv = append(perEnv, id)
		}
	}
	return all, perEnv
}

// whoCanChunk is how many sources WhoCan allocates at a time: 32 KB, the
// largest small allocation (a larger one is cleared, and given back to the
// system, on its own), which wastes little of the last chunk of an answer.
const whoCanChunk = 32 << 10 / int(unsafe.Sizeof(Source{}))

// From says where the holder's privilege comes from, as Grant.From does.
func (h Holder) From() string {
	var implied Privilege
	if h.ImpliedBy != "" {
		implied, _ = LookupPrivilege(h.ImpliedBy)
	}
	return fromText(h.Sources, implied)
}

// ExplainEverywhere answers Explain for p account-wide, then in each
// environment in account order: what the preview's explain shows.
func (r *Resolver) ExplainEverywhere(u int, p Privilege) []Verdict {
	out := make([]Verdict, 0, 1+len(r.envs))
	out = append(out, r.Explain(u, p, -1))
	for e := range r.envs {
		out = append(out, r.Explain(u, p, e))
	}
	return out
}

func (r *Resolver) holder(u int, p Privilege, e int) Holder {
	h := Holder{User: r.user(u).email}
	var implied Privilege
	h.Sources, implied = r.holderSources(u, p, e)
	if implied != 0 {
		h.ImpliedBy = implied.String()
	}
	return h
}

// Verdict answers "may this user use this privilege (here)?" with the reason.
type Verdict struct {
	User        string   `json:"user"`
	Privilege   string   `json:"privilege"`
	Environment *string  `json:"environment"`
	Allowed     bool     `json:"allowed"`
	Reason      string   `json:"reason"`
	Because     string   `json:"-"` // the reason without the verdict word
	Rules       []string `json:"rules"`
	Decision    bool     `json:"decision"`
	Sources     []Source `json:"sources"`
	ImpliedBy   string   `json:"implied_by,omitempty"`
}

// Explain answers Check with its reason and sources.
func (r *Resolver) Explain(u int, p Privilege, e int) Verdict {
	v := Verdict{User: r.user(u).email, Privilege: p.String()}
	var w Why
	if e < 0 {
		w = r.explainAccountWide(u, p, &v)
	} else {
		name := r.envs[e].name
		v.Environment = &name
		w = r.explainIn(u, p, e, &v)
	}
	v.Because, v.Rules, v.Decision = w.Text(), w.Rules(), w.Decision()
	v.Reason = "denied: " + v.Because
	if v.Allowed {
		v.Reason = "allowed: " + v.Because
	}
	return v
}

func (r *Resolver) explainAccountWide(u int, p Privilege, v *Verdict) Why {
	if r.user(u).eff.Has(p) {
		v.Allowed = true
		return r.allowedWhy(u, p, -1, v)
	}
	w := because(r.lacking(u, p.String(), []Privilege{p}))
	if p.Info().PerEnvironment {
		w.add(step("R15", "it is a per-environment privilege, which counts only through a role an environment lists"))
	}
	return w
}

func (r *Resolver) allowedWhy(u int, p Privilege, e int, v *Verdict) Why {
	held := r.user(u).eff
	if e >= 0 {
		held = r.eval(u, e).privs
	}
	var implied Privilege
	v.Sources, implied = r.holderSources(u, p, e)
	if implied != 0 {
		v.ImpliedBy = implied.String()
	}
	return because(grantWhy(p, v.Sources, implied, held)...)
}

func (r *Resolver) explainIn(u int, p Privilege, e int, v *Verdict) Why {
	ev := r.eval(u, e)
	env := r.envWhys(u, e, &ev, nil)
	if ev.visible && ev.privs.Has(p) {
		v.Allowed = true
		w := r.allowedWhy(u, p, e, v)
		w.add(env.main.Steps...)
		// The privilege counts here, but the action it usually gates may
		// be refused all the same (R18): say so rather than mislead.
		name := r.envs[e].words().shown
		var all Why
		switch {
		case p == PackagedComponentDeployment && !ev.deploy:
			all = env.deploy
			w.add(Step{Note: true, Text: "deploying to " + name + " is refused all the same"})
		case p == Scheduling && !ev.schedule:
			all = env.schedule
			w.add(Step{Note: true, Text: "scheduling in " + name + " is refused all the same"})
		}
		for _, s := range all.Steps {
			s.Note = true
			w.add(s)
		}
		return w
	}
	us := r.user(u)
	name := r.envs[e].words().shown
	var w Why
	switch {
	case !ev.visible:
		w = env.main
	case p.Info().PerEnvironment && !r.acct.AdvancedEnvironmentAccess && us.raw.Has(p):
		w = because(step("R16", p.String()+" does nothing while Advanced Environment Access is off"))
	case p.Info().PerEnvironment && us.raw.Has(p):
		holders := joinNames(r.names(r.holdersOf(u, p)))
		if ev.restricted {
			w = because(step("R15", p.String()+" counts only through a role "+name+" lists; it is held through "+holders+", and "+name+" lists only "+r.envs[e].words().list))
		} else {
			w = because(step("R15", p.String()+" counts only through a role the environment lists; it is held through "+holders+", and "+name+" is open"))
		}
	case us.eff.Has(p):
		why := p.String() + " is held only through " + joinNames(r.names(r.holdersOf(u, p))) + ", which " + name + " does not list (it lists only " + r.envs[e].words().list + ")"
		if p == RuntimeManagement {
			why += "; R17 still counts it account-wide for write access"
		}
		w = because(decided("R15", why))
		w.add(env.main.Steps...)
	default:
		w = because(r.lacking(u, p.String(), []Privilege{p}))
	}
	// The privilege does not count here, but the action it usually gates
	// may be allowed all the same (R18): say so rather than mislead.
	if ev.visible && ev.access == AccessWrite {
		switch p {
		case PackagedComponentDeployment:
			dec := note("R18", "deploying to "+name+" is allowed all the same, by write access alone")
			dec.Decision = true // the note's own mark (§5's Deployments row); the answer's flag stays its own
			w.add(dec)
		case Scheduling:
			w.add(note("R18", "scheduling in "+name+" is allowed all the same, by write access"))
		}
	}
	return w
}
