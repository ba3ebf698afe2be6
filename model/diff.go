package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// EnvState is the part of an EnvView that a diff compares.
type EnvState struct {
	Visible  bool   `json:"visible"`
	Access   Access `json:"access"`
	Deploy   bool   `json:"deploy"`
	Schedule bool   `json:"schedule"`
}

func (s EnvState) String() string {
	if !s.Visible {
		return "hidden"
	}
	out := string(s.Access)
	if s.Deploy {
		out += "+deploy"
	}
	if s.Schedule {
		out += "+schedule"
	}
	return out
}

// EnvChange is a change of what one user gets in one environment.
type EnvChange struct {
	Environment string   `json:"environment"`
	Before      EnvState `json:"before"`
	After       EnvState `json:"after"`
}

// UserDiff is what changes for one user.
type UserDiff struct {
	User    string      `json:"user"`
	Added   bool        `json:"added,omitempty"`
	Removed bool        `json:"removed,omitempty"`
	Gained  []string    `json:"gained"`
	Lost    []string    `json:"lost"`
	Envs    []EnvChange `json:"environments"`
}

// EnvDiff is a change to an environment itself.
type EnvDiff struct {
	Environment      string   `json:"environment"`
	Added            bool     `json:"added,omitempty"`
	Removed          bool     `json:"removed,omitempty"`
	BecameOpen       bool     `json:"became_open,omitempty"`
	BecameRestricted bool     `json:"became_restricted,omitempty"`
	Allowed          []string `json:"allowed"`
	Disallowed       []string `json:"disallowed"`
	// Classification is set when the environment is in both accounts with
	// different classifications (fixed once created in Boomi, but two files
	// can differ); nil, and absent from JSON, otherwise.
	Classification *ClassificationChange `json:"classification,omitempty"`
}

// ClassificationChange is an environment's classification in the old and
// the new account.
type ClassificationChange struct {
	From Classification `json:"from"`
	To   Classification `json:"to"`
}

// Diff is what changes for whom between two states of an account.
type Diff struct {
	Account      []string   `json:"account"`
	Users        []UserDiff `json:"users"`
	Environments []EnvDiff  `json:"environments"`
}

// Empty reports whether nothing changes for anyone.
func (d *Diff) Empty() bool {
	return len(d.Account) == 0 && len(d.Users) == 0 && len(d.Environments) == 0
}

func envState(ev envEval) EnvState {
	return EnvState{Visible: ev.visible, Access: ev.access, Deploy: ev.deploy, Schedule: ev.schedule}
}

func lowerSet(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = FoldName(n)
	}
	slices.Sort(out)
	return out
}

// hiddenEnv is the state in an environment the user does not see, or that
// does not exist on one side of a diff.
var hiddenEnv = EnvState{Access: AccessNone}

// envPair is one environment in the old and the new account: o < 0 when it
// is added, n < 0 when it is removed.
type envPair struct{ o, n int }

// state is user u's state in environment e of r, hidden when e < 0.
func (envPair) state(r *Resolver, u, e int) EnvState {
	if e < 0 {
		return hiddenEnv
	}
	return envState(r.eval(u, e))
}

// name is the environment's name as the new account spells it, or as the
// old one did when it is removed.
func (p envPair) name(old, new *Resolver) string {
	if p.n < 0 {
		return old.envs[p.o].name
	}
	return new.envs[p.n].name
}

// Compare returns what changes from old to new. Only the users and
// environments an edit can touch are re-evaluated: a user whose roles and
// role privileges are unchanged is compared only in environments whose Roles
// with Access changed and in the environments added or removed, unless an
// account switch changed. Added and removed users list every environment
// they get or had (from or to hidden); users who keep their place list each
// added environment they see and each removed one they saw.
func Compare(old, new *Resolver) Diff {
	var d Diff
	oa, na := old.acct, new.acct
	switches := false
	if oa.AdvancedUserSecurity != na.AdvancedUserSecurity {
		d.Account = append(d.Account, fmt.Sprintf("Advanced User Security turns %s", onOff(na.AdvancedUserSecurity)))
		switches = true
	}
	if oa.AdvancedEnvironmentAccess != na.AdvancedEnvironmentAccess {
		d.Account = append(d.Account, fmt.Sprintf("Advanced Environment Access turns %s", onOff(na.AdvancedEnvironmentAccess)))
		switches = true
	}
	if oa.Name != na.Name {
		d.Account = append(d.Account, fmt.Sprintf("account renamed from %q to %q", oa.Name, na.Name))
	}
	d.Account = append(d.Account, codeChanges(oa, na)...)

	// changedID[id]: new role id's privileges changed, or its name is new.
	changedID := make([]bool, len(new.roles))
	if old.ids == new.ids {
		// The same names with the same ids: none appeared or went.
		for id := range new.roles {
			changedID[id] = new.roles[id].set != old.roles[id].set
		}
	} else {
		// Roles whose privileges changed, appeared or went (by name).
		changedRole := map[string]bool{}
		for k, id := range old.roleIdx {
			nid, ok := new.roleIdx[k]
			if !ok || new.roles[nid].set != old.roles[id].set {
				changedRole[k] = true
			}
		}
		for k := range new.roleIdx {
			if _, ok := old.roleIdx[k]; !ok {
				changedRole[k] = true
			}
		}
		for id := range new.roles {
			changedID[id] = changedRole[FoldName(new.roles[id].name)]
		}
	}

	// Environments: list changes, and which to re-evaluate for every user.
	// An added or removed environment changes what everyone who sees it (or
	// saw it) gets, so it is re-evaluated for every user like one whose Roles
	// with Access changed; that is rare, and the common edits stay cheap.
	var pairs []envPair       // every environment: the new ones in order, then the removed
	var changedEnvs []envPair // those re-evaluated for every user
	// changedBits[k]: when not nil, only users holding a role whose bit is
	// set can see changedEnvs[k] change (listedChange)
	var changedBits [][]uint64
	for i, e := range na.Environments {
		oi := old.environmentAt(e.Name, i)
		if oi < 0 {
			d.Environments = append(d.Environments, EnvDiff{Environment: e.Name, Added: true, Allowed: slices.Clone(e.RolesWithAccess)})
			pairs = append(pairs, envPair{-1, i})
			changedEnvs = append(changedEnvs, envPair{-1, i})
			changedBits = append(changedBits, nil)
			continue
		}
		oe := oa.Environments[oi]
		p := envPair{oi, i}
		pairs = append(pairs, p)
		var class *ClassificationChange
		if oe.Classification != e.Classification {
			class = &ClassificationChange{From: oe.Classification, To: e.Classification}
		}
		same := slices.Equal(oe.RolesWithAccess, e.RolesWithAccess) // the same spelling in the same order
		var ol, nl []string
		if !same {
			ol, nl = lowerSet(oe.RolesWithAccess), lowerSet(e.RolesWithAccess)
			same = slices.Equal(ol, nl)
		}
		if same {
			if class != nil {
				d.Environments = append(d.Environments, EnvDiff{Environment: e.Name, Classification: class})
			}
			continue
		}
		changedEnvs = append(changedEnvs, p)
		changedBits = append(changedBits, listedChange(old, oi, new, i))
		ed := EnvDiff{Environment: e.Name, BecameOpen: len(nl) == 0, BecameRestricted: len(ol) == 0, Classification: class}
		for _, rn := range e.RolesWithAccess {
			if !slices.Contains(ol, FoldName(rn)) {
				ed.Allowed = append(ed.Allowed, rn)
			}
		}
		for _, rn := range oe.RolesWithAccess {
			if !slices.Contains(nl, FoldName(rn)) {
				ed.Disallowed = append(ed.Disallowed, rn)
			}
		}
		d.Environments = append(d.Environments, ed)
	}
	for oi, e := range oa.Environments {
		if new.environmentAt(e.Name, oi) < 0 {
			d.Environments = append(d.Environments, EnvDiff{Environment: e.Name, Removed: true})
			pairs = append(pairs, envPair{oi, -1})
			changedEnvs = append(changedEnvs, envPair{oi, -1})
			changedBits = append(changedBits, nil)
		}
	}

	ousers, nusers := old.us(), new.us()
	// Users usually keep their positions (or shift by the users added or
	// removed before them): try the position first, then the index.
	uniqueOld := old.usersUnique
	// With unique emails on both sides, an old user is gone exactly when no
	// new user was matched to it.
	var matched []bool
	if old.usersUnique && new.usersUnique {
		matched = make([]bool, len(ousers))
	}
	off := 0
	for nu := range nusers {
		email := nusers[nu].email
		ou := -1
		if c := nu + off; uniqueOld && c >= 0 && c < len(ousers) && ousers[c].email == email {
			// With unique emails, the one old user whose email equals
			// email ignoring case (old.User's answer) is this one.
			ou = c
		} else {
			ou = old.User(email)
			if ou >= 0 {
				off = ou - nu
			}
		}
		if ou < 0 {
			ud := UserDiff{User: email, Added: true, Gained: privNames(nusers[nu].eff.List())}
			for e := range new.envs {
				if ev := new.eval(nu, e); ev.visible {
					ud.Envs = append(ud.Envs, EnvChange{Environment: new.envs[e].name, Before: hiddenEnv, After: envState(ev)})
				}
			}
			d.Users = append(d.Users, ud)
			continue
		}
		if matched != nil {
			matched[ou] = true
		}
		dirty := switches || ousers[ou].raw != nusers[nu].raw ||
			!sameHeldRoles(old, ou, new, nu)
		if !dirty {
			for _, id := range nusers[nu].roles {
				if changedID[id] {
					dirty = true
					break
				}
			}
		}
		ud := UserDiff{User: email}
		if dirty {
			oe, ne := ousers[ou].eff, nusers[nu].eff
			ud.Gained = privNames((ne &^ oe).List())
			ud.Lost = privNames((oe &^ ne).List())
		}
		envs := changedEnvs
		if dirty {
			envs = pairs
		}
		for k, p := range envs {
			if !dirty && changedBits[k] != nil && !holdsAny(nusers[nu].roles, changedBits[k]) {
				continue // nothing this user holds changed there
			}
			b, a := p.state(old, ou, p.o), p.state(new, nu, p.n)
			if b != a {
				ud.Envs = append(ud.Envs, EnvChange{Environment: p.name(old, new), Before: b, After: a})
			}
		}
		if len(ud.Gained)+len(ud.Lost)+len(ud.Envs) > 0 {
			d.Users = append(d.Users, ud)
		}
	}
	for ou := range ousers {
		if gone := (matched != nil && !matched[ou]) || (matched == nil && new.User(ousers[ou].email) < 0); gone {
			ud := UserDiff{User: ousers[ou].email, Removed: true, Lost: privNames(ousers[ou].eff.List())}
			for e := range old.envs {
				if ev := old.eval(ou, e); ev.visible {
					ud.Envs = append(ud.Envs, EnvChange{Environment: old.envs[e].name, Before: envState(ev), After: hiddenEnv})
				}
			}
			d.Users = append(d.Users, ud)
		}
	}
	return d
}

// listedChange returns, for environment o of old and n of new (the same
// environment, its Roles with Access changed), the roles whose listing
// changed as a bitset over role ids, when that says whose state there can
// change: for a user whose roles and what they grant are the same in old
// and new (and with the same switches), only the environment's
// restrictedness and the listing of the roles they hold count (eval). Nil
// when any user's may: the role ids differ, or the environment became open
// or restricted.
func listedChange(old *Resolver, o int, new *Resolver, n int) []uint64 {
	oe, ne := &old.envs[o], &new.envs[n]
	if old.ids != new.ids || (len(oe.ids) > 0) != (len(ne.ids) > 0) {
		return nil
	}
	bits := make([]uint64, len(ne.listed))
	for w := range bits {
		bits[w] = oe.listed[w] ^ ne.listed[w]
	}
	return bits
}

// holdsAny reports whether one of roles has its bit set in bits.
func holdsAny(roles []int32, bits []uint64) bool {
	for _, id := range roles {
		if bits[id/64]&(1<<(id%64)) != 0 {
			return true
		}
	}
	return false
}

// sameHeldRoles reports whether old user ou and new user nu hold the same
// role names ignoring case and order (lowerSet of each, compared).
func sameHeldRoles(old *Resolver, ou int, new *Resolver, nu int) bool {
	or, nr := old.userList[ou].roles, new.userList[nu].roles
	if len(or) != len(nr) {
		return false
	}
	if old.ids == new.ids && (len(or) == 0 || &or[0] == &nr[0]) {
		// The same role ids (a user the edit did not touch), and the same
		// role names behind each id.
		return true
	}
	same := true
	for i := range or {
		if old.roles[or[i]].name != new.roles[nr[i]].name {
			same = false
			break
		}
	}
	if same {
		return true
	}
	return slices.Equal(lowerSet(old.HeldRoles(ou)), lowerSet(new.HeldRoles(nu)))
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Summary says in a few lines what changes for whom: the lines of
// Overview, in its order, each with its users named when there are one or
// two ("pat@example.com gains Boomi Assure, Developer and View Data") and
// counted when there are more ("3 users no longer see Test and
// Production"); every change is still said. Lines are safe to print:
// control characters in names are escaped (SafeText).
func (d *Diff) Summary() []string {
	o := d.Overview()
	out := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		if len(l.Users) == 0 {
			out[i] = SafeText(l.Text)
			continue
		}
		subject, verb := fmt.Sprintf("%d users", len(l.Users)), l.Verb
		if len(l.Users) <= 2 {
			subject = strings.Join(l.Users, " and ")
		}
		if len(l.Users) == 1 {
			verb = singular(verb)
		}
		line := subject + " " + verb
		if len(l.What) > 0 {
			line += " " + summaryList(l.What)
		}
		out[i] = SafeText(line)
	}
	return out
}

// hashUsers is FNV-1a of a verb and a list of user indices.
func hashUsers(verb string, users []int) uint64 {
	h := uint64(14695981039346656037)
	mix := func(b byte) {
		h ^= uint64(b)
		h *= 1099511628211
	}
	for i := 0; i < len(verb); i++ {
		mix(verb[i])
	}
	for _, u := range users {
		for s := 0; s < 64; s += 8 {
			mix(byte(u >> s))
		}
	}
	return h
}

// summaryList is the privileges or environments of one summary line: a single
// name as it is, several as "A, B and C", each quoted when it holds " and "
// or list punctuation (nameIn), so that "Build Read and Write Access" reads
// as one name among several.
func summaryList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	shown := make([]string, len(names))
	for i, n := range names {
		shown[i] = nameIn(n)
		if shown[i] == n && strings.Contains(n, " and ") {
			shown[i] = strconv.Quote(n)
		}
	}
	return AndList(shown)
}

func canCannot(b bool) string {
	if b {
		return "can now"
	}
	return "can no longer"
}

func singular(verb string) string {
	for _, p := range [][2]string{{"lose", "loses"}, {"gain", "gains"}, {"no longer see", "no longer sees"}, {"now see", "now sees"}, {"get ", "gets "}, {"are ", "is "}} {
		if strings.HasPrefix(verb, p[0]) {
			return p[1] + strings.TrimPrefix(verb, p[0])
		}
	}
	return verb
}

// codeChanges says which roles gain or lose Boomi privilege codes rolecall
// does not know (Role.Codes). Those codes decide nothing in rolecall's
// answers, so no user's line shows them; but they are access in Boomi,
// and a diff that changes them is never "no change".
func codeChanges(oa, na *Account) []string {
	codes := func(a *Account) map[string][]string {
		var m map[string][]string
		for _, r := range a.Roles {
			if len(r.Codes) > 0 {
				if m == nil {
					m = map[string][]string{}
				}
				m[FoldName(r.Name)] = append(m[FoldName(r.Name)], r.Codes...)
			}
		}
		return m
	}
	om, nm := codes(oa), codes(na)
	if om == nil && nm == nil {
		return nil
	}
	var out []string
	say := func(name, verb string, cs []string) {
		if len(cs) == 0 {
			return
		}
		noun := "codes"
		if len(cs) == 1 {
			noun = "code"
		}
		out = append(out, fmt.Sprintf("role %q %s the Boomi privilege %s %s, which rolecall does not know: what that changes for its holders is not shown here", name, verb, noun, AndList(cs)))
	}
	minus := func(a, b []string) []string {
		var out []string
		for _, c := range a {
			if !slices.ContainsFunc(b, func(x string) bool { return strings.EqualFold(x, c) }) {
				out = append(out, c)
			}
		}
		return out
	}
	for _, r := range na.Roles {
		k := FoldName(r.Name)
		say(r.Name, "now carries", minus(nm[k], om[k]))
		say(r.Name, "no longer carries", minus(om[k], nm[k]))
	}
	kept := make(map[string]bool, len(na.Roles))
	for _, r := range na.Roles {
		kept[FoldName(r.Name)] = true
	}
	for _, r := range oa.Roles {
		if k := FoldName(r.Name); !kept[k] {
			say(r.Name, "is removed, and with it", om[k])
		}
	}
	return out
}
