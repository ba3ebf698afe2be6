package model

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Access tests: expectations an administrator keeps beside the account
// ("dana can deploy to Production", "only these two may hold User
// Management"), checked against the resolver in one pass. This file holds
// their shape, the binding of their names to the account, and their
// evaluation; storage reads them from a file, the CLI prints the results.
// Every answer is the resolver's: a check asks the same function the
// preview, check and who-can ask, and a failure carries the reason and the
// sources that function wrote.

// CheckKind is what one check asks.
type CheckKind uint8

const (
	CheckPrivilege CheckKind = iota + 1 // holds a privilege (account-wide or in an environment)
	CheckPage                           // a page opens hidden, read-only or full
	CheckAction                         // an action on a page is allowed
	CheckSees                           // an environment is visible
	CheckAccess                         // configuration access to an environment is none, read or write
	CheckDeploys                        // may deploy to an environment (R18)
	CheckSchedules                      // may schedule in an environment (R18)
)

// Check is one question about a user and the answer expected.
type Check struct {
	Kind      CheckKind
	Privilege Privilege // CheckPrivilege
	Env       string    // the environment, as written ("" account-wide for CheckPrivilege)
	Page      string    // CheckPage, CheckAction (may be "" for an action: found by its name)
	Action    string    // CheckAction
	Want      bool      // CheckPrivilege, CheckAction, CheckSees, CheckDeploys, CheckSchedules
	Opens     PageAccess
	Access    Access
	// Key is the key of the file that holds the check ("can", "deploys"),
	// for problems to point at.
	Key string
}

// Expectation is one [[expect]] (a user and checks about them) or one
// [[only]] (a check and the exact set of users it holds for).
type Expectation struct {
	Name   string // given by the file, or "" (then Title makes one)
	Index  int    // position among the file's expectations of its kind
	Only   bool
	User   string   // [[expect]]
	Who    []string // [[only]]: every user the check must hold for, and no other
	Checks []Check  // [[expect]]: one or more; [[only]]: exactly one
}

// ExpectProblem is an expectation that cannot be run: a name the account
// does not have, a check that does not fit. Key and Item say where (Item
// is the position in `who`, else -1).
type ExpectProblem struct {
	Only    bool
	Index   int
	Key     string
	Item    int
	Message string
}

// ExpectFailure is one check that did not hold: what was expected and what
// is (Summary), then the reason and the sources, one a line (Details).
type ExpectFailure struct {
	Summary string   `json:"summary"`
	Details []string `json:"details"`
	// Added and Missing are an [[only]]'s users who pass the check without
	// being listed, and those listed who do not: both lists in every
	// [[only]] failure (empty, never absent), neither in an [[expect]]'s.
	Added   []string `json:"added,omitzero"`
	Missing []string `json:"missing,omitzero"`
}

// ExpectResult is the outcome of one expectation.
type ExpectResult struct {
	Name     string          `json:"name"`
	Only     bool            `json:"only"`
	Index    int             `json:"-"`
	Passed   bool            `json:"passed"`
	Failures []ExpectFailure `json:"failures"`
}

// MaxExplained bounds how many users of one [[only]] failure are
// explained with their reasons; every one is still named.
const MaxExplained = 10

// MaxNamed bounds how many more users of one [[only]] failure its details
// name; Added and Missing hold every one.
const MaxNamed = 50

// What a check's answer can be, as the file writes it.
var (
	pageAccesses = []PageAccess{PageHidden, PageReadOnly, PageFull}
	accesses     = []Access{AccessNone, AccessRead, AccessWrite}
)

// ParsePageAccess reads "hidden", "read-only" or "full", ignoring case.
func ParsePageAccess(s string) (PageAccess, bool) {
	for _, a := range pageAccesses {
		if strings.EqualFold(strings.TrimSpace(s), string(a)) {
			return a, true
		}
	}
	return "", false
}

// ParseAccess reads "none", "read" or "write", ignoring case.
func ParseAccess(s string) (Access, bool) {
	for _, a := range accesses {
		if strings.EqualFold(strings.TrimSpace(s), string(a)) {
			return a, true
		}
	}
	return "", false
}

// LookupPage returns the index of the preview page called name (ignoring
// case), or -1.
func LookupPage(name string) int {
	return slices.IndexFunc(pages, func(p pageSpec) bool { return SameName(p.Name, strings.TrimSpace(name)) })
}

// lookupAction finds an action by name: on page pg, or, when pg < 0, on
// the one page that has it. It returns the page and the action, or says
// why there is none.
func lookupAction(pg int, name string) (int, int, string) {
	name = strings.TrimSpace(name)
	find := func(p int) int {
		return slices.IndexFunc(pages[p].Actions, func(a actionSpec) bool { return SameName(a.Name, name) })
	}
	if pg >= 0 {
		if a := find(pg); a >= 0 {
			return pg, a, ""
		}
		var names []string
		for _, a := range pages[pg].Actions {
			names = append(names, a.Name)
		}
		if len(names) == 0 {
			return -1, -1, fmt.Sprintf("the %s page has no actions; use opens = \"full\" to test the page", pages[pg].Name)
		}
		return -1, -1, fmt.Sprintf("no action %q on the %s page%s; its actions: %s", name, pages[pg].Name, Suggest(name, names), strings.Join(names, ", "))
	}
	var where []int
	var all []string
	for p := range pages {
		if find(p) >= 0 {
			where = append(where, p)
		}
		for _, a := range pages[p].Actions {
			all = append(all, a.Name)
		}
	}
	switch len(where) {
	case 1:
		return where[0], find(where[0]), ""
	case 0:
		return -1, -1, fmt.Sprintf("no action %q on any page%s ('rolecall preview USER' lists them under their pages)", name, Suggest(name, all))
	}
	var names []string
	for _, p := range where {
		names = append(names, pages[p].Name)
	}
	return -1, -1, fmt.Sprintf("action %q is on several pages (%s): say which with page = \"...\"", name, strings.Join(names, ", "))
}

// Suggest is "; did you mean X?" for the known name nearest to s, or "".
func Suggest(s string, known []string) string {
	best := Closest(s, known)
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// Closest is the known name nearest to s, ignoring case: one that s is a
// prefix of (or the other way round), or within a small edit distance (a
// quarter of its length, at least 2); "" when none is close. Names longer
// than 256 bytes are never compared: the cost stays bounded on hostile
// input.
func Closest(s string, known []string) string {
	ls := strings.ToLower(strings.TrimSpace(s))
	if ls == "" || len(ls) > 256 {
		return ""
	}
	ra := []rune(ls)
	best, bestD := "", -1
	limit := max(2, len(ra)/4)
	var ed editor
	for _, k := range known {
		lk := toLower(k)
		if len(lk) > 256 {
			continue
		}
		// The first of the nearest wins: a later name counts only when it
		// is nearer, so the limit shrinks to one less than the best yet.
		bound := limit
		if bestD >= 0 {
			bound = bestD - 1
		}
		if bound < 0 {
			break // an exact match: nothing is nearer
		}
		var d int
		if strings.HasPrefix(lk, ls) || strings.HasPrefix(ls, lk) {
			d = 1
			if lk == ls {
				d = 0
			}
		} else {
			d = ed.distance(ra, lk, bound)
		}
		if d <= bound {
			best, bestD = k, d
		}
	}
	return best
}

// toLower is strings.ToLower(s), without allocating when s is ASCII with
// no capital letter.
func toLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// editor computes edit distances, reusing its buffers from one to the
// next.
type editor struct {
	rb        []rune
	prev, cur []int
}

// distance is the Levenshtein distance between a and b in runes, or
// limit+1 when it is more than limit: only the cells within limit of the
// diagonal are computed, and it stops as soon as a whole row is over the
// limit. It gives what the full table gives whenever that is at most limit.
func (e *editor) distance(a []rune, b string, limit int) int {
	n := utf8.RuneCountInString(b)
	if d := len(a) - n; d > limit || -d > limit {
		return limit + 1
	}
	e.rb = e.rb[:0]
	for _, r := range b {
		e.rb = append(e.rb, r)
	}
	rb := e.rb
	if cap(e.prev) < n+1 {
		e.prev, e.cur = make([]int, n+1), make([]int, n+1)
	}
	prev, cur := e.prev[:n+1], e.cur[:n+1]
	over := limit + 1
	for j := range prev {
		prev[j] = min(j, over)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(n, i+limit)
		if lo > 1 {
			cur[lo-1] = over
		} else {
			cur[0] = min(i, over)
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, over)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi < n {
			cur[hi+1] = over
		}
		if rowMin >= over {
			return over
		}
		prev, cur = cur, prev
	}
	return min(prev[n], over)
}

// Title is the expectation's name: the one the file gives, else what it
// asks, in words ("dana@example.com can deploy to Production").
func (x *Expectation) Title() string {
	if x.Name != "" {
		return x.Name
	}
	var parts []string
	for _, c := range x.Checks {
		parts = append(parts, c.Phrase())
	}
	if x.Only && len(x.Who) == 0 && len(x.Checks) == 1 {
		return "nobody " + x.Checks[0].Phrase()
	}
	if x.Only && len(x.Checks) == 1 && len(x.Who) != 1 {
		return "only " + whoText(x.Who) + " " + x.Checks[0].phraseMany()
	}
	if x.Only {
		return "only " + whoText(x.Who) + " " + strings.Join(parts, ", ")
	}
	return x.User + " " + strings.Join(parts, ", ")
}

func whoText(who []string) string {
	switch len(who) {
	case 0:
		return "nobody"
	case 1, 2, 3:
		return AndList(who)
	}
	return fmt.Sprintf("%s and %d more", strings.Join(who[:2], ", "), len(who)-2)
}

// Phrase says the check as a sentence's predicate: "can Build Read Access
// in Production", "cannot deploy to Production", "opens Build read-only".
func (c Check) Phrase() string {
	return c.phrase(c.Want, c.Opens, c.Access)
}

// phraseMany is Phrase with several users as its subject ("open", "have").
func (c Check) phraseMany() string {
	switch c.Kind {
	case CheckPage:
		return pageWords(c.Page, c.Opens, false)
	case CheckAccess:
		return "have " + accessWords(c.Access) + " access to " + c.Env
	}
	return c.Phrase()
}

// pageWords is a page's access as a phrase says it, for one user (one) or
// several: "opens Build read-only", "open Build fully", "cannot open
// Audit Logs (hidden)".
func pageWords(page string, opens PageAccess, one bool) string {
	verb := "open"
	if one {
		verb = "opens"
	}
	switch opens {
	case PageHidden:
		return "cannot open " + page + " (hidden)"
	case PageFull:
		return verb + " " + page + " fully"
	}
	return verb + " " + page + " " + string(opens)
}

// accessWords is an access as a phrase says it: "no access", never
// "none access".
func accessWords(a Access) string {
	if a == AccessNone {
		return "no"
	}
	return string(a)
}

func (c Check) phrase(want bool, opens PageAccess, acc Access) string {
	can := "can"
	if !want {
		can = "cannot"
	}
	switch c.Kind {
	case CheckPrivilege:
		s := can + " hold " + c.Privilege.String()
		if c.Env != "" {
			s += " in " + c.Env
		}
		return s
	case CheckPage:
		return pageWords(c.Page, opens, true)
	case CheckAction:
		return can + " do " + c.Action + " on " + c.Page
	case CheckSees:
		return can + " see " + c.Env
	case CheckAccess:
		return "has " + accessWords(acc) + " access to " + c.Env
	case CheckDeploys:
		return can + " deploy to " + c.Env
	case CheckSchedules:
		return can + " schedule in " + c.Env
	}
	return "?"
}

// ExpectSuite is a set of expectations bound to an account's resolver:
// every name found, ready to run.
type ExpectSuite struct {
	r     *Resolver
	xs    []Expectation
	bound []boundExp
	// sets: users grouped by the roles they hold (a user's answers
	// depend on nothing else), for the [[only]] checks, which ask every
	// user; made when one first does.
	setOf    []int32          // user -> set
	setRep   []int32          // set -> a user holding it
	setPages []*pageDecisions // set -> its pages, once decided
	listed   []bool           // runOnly's scratch: the users of its who
	evals    []envEval        // pages' scratch
	envs     []EnvView
	previews map[int]*Preview // the previews failures were explained with
	pageMem  map[pageKey]*pageDecisions
}

type boundExp struct {
	u      int   // [[expect]]'s user
	who    []int // [[only]]'s users
	checks []boundCheck
}

type boundCheck struct {
	Check
	e      int // environment index, or -1
	pg, ac int // page and action indexes, or -1
}

// pageDecisions are the pages and actions of one set of roles, decided by
// the preview's functions: Access per page, Allowed per action.
type pageDecisions struct {
	access  []PageAccess
	allowed [][]bool
}

// Bind finds the names of xs in the resolver's account: users,
// environments, pages, actions. It returns the suite, and every name that
// is not there (the suite is nil then).
func Bind(r *Resolver, xs []Expectation) (*ExpectSuite, []ExpectProblem) {
	users := r.us() // index the users: every user is looked up
	s := &ExpectSuite{r: r, xs: xs, bound: make([]boundExp, len(xs))}
	lookups := 0
	for i := range xs {
		lookups += len(xs[i].Who) + 1
	}
	userOf := r.User
	if lookups > 64 {
		// Many names ([[only]]s list hundreds): one map, as r.User
		// answers (ignoring case; the last user of an email).
		byName := make(map[string]int, len(users))
		for u := range users {
			byName[FoldName(users[u].email)] = u
		}
		userOf = func(email string) int {
			if u, ok := byName[FoldName(email)]; ok {
				return u
			}
			return -1
		}
	}
	var probs []ExpectProblem
	var emails, envNames []string // for suggestions, made when first needed
	var seenAt, seenIn []int32    // the users of an [[only]]'s who so far
	knownEmails := func() []string {
		if emails == nil {
			for _, u := range r.acct.Users {
				emails = append(emails, u.Email)
			}
		}
		return emails
	}
	knownEnvs := func() []string {
		if envNames == nil {
			for _, e := range r.acct.Environments {
				envNames = append(envNames, e.Name)
			}
		}
		return envNames
	}
	for i := range xs {
		x := &xs[i]
		b := &s.bound[i]
		bad := func(key string, item int, format string, args ...any) {
			probs = append(probs, ExpectProblem{Only: x.Only, Index: x.Index, Key: key, Item: item, Message: fmt.Sprintf(format, args...)})
		}
		if x.Only {
			// seenAt[u] is 1 + the item of who that named u in this
			// [[only]] (the i-th: seenIn[u] == i+1), else stale.
			if seenAt == nil {
				seenAt, seenIn = make([]int32, len(users)), make([]int32, len(users))
			}
			b.who = make([]int, 0, len(x.Who))
			for j, email := range x.Who {
				u := userOf(strings.TrimSpace(email))
				if u < 0 {
					bad("who", j, "no user %q in the account (%s)%s", email, NoSuchUser.Cite(), Suggest(email, knownEmails()))
					continue
				}
				if seenIn[u] == int32(i+1) {
					bad("who", j, "%q is listed twice in who (also item %d); list each user once", email, seenAt[u])
					continue
				}
				seenIn[u], seenAt[u] = int32(i+1), int32(j+1)
				b.who = append(b.who, u)
			}
		} else {
			b.u = userOf(strings.TrimSpace(x.User))
			if b.u < 0 {
				bad("user", -1, "no user %q in the account (%s)%s", x.User, NoSuchUser.Cite(), Suggest(x.User, knownEmails()))
			}
		}
		badEnv, badPage := false, false
		for _, c := range x.Checks {
			bc := boundCheck{Check: c, e: -1, pg: -1, ac: -1}
			if c.Env != "" {
				bc.e = r.Environment(strings.TrimSpace(c.Env))
				if bc.e < 0 {
					if !badEnv { // one env, one problem, however many checks use it
						bad("env", -1, "no environment %q in the account (%s)%s", c.Env, NoSuchEnvironment.Cite(), Suggest(c.Env, knownEnvs()))
					}
					badEnv = true
					continue
				}
				bc.Env = r.envs[bc.e].name
			}
			switch c.Kind {
			case CheckPage:
				if bc.pg = LookupPage(c.Page); bc.pg < 0 {
					if !badPage {
						bad("page", -1, "no page %q%s; the pages: %s", c.Page, Suggest(c.Page, Pages()), strings.Join(Pages(), ", "))
					}
					badPage = true
					continue
				}
				bc.Page = pages[bc.pg].Name
			case CheckAction:
				pg := -1
				if c.Page != "" {
					if pg = LookupPage(c.Page); pg < 0 {
						if !badPage {
							bad("page", -1, "no page %q%s; the pages: %s", c.Page, Suggest(c.Page, Pages()), strings.Join(Pages(), ", "))
						}
						badPage = true
						continue
					}
				}
				var why string
				if bc.pg, bc.ac, why = lookupAction(pg, c.Action); why != "" {
					bad(c.Key, -1, "%s", why)
					continue
				}
				bc.Page, bc.Action = pages[bc.pg].Name, pages[bc.pg].Actions[bc.ac].Name
			}
			b.checks = append(b.checks, bc)
		}
		// The checks as bound, with the names as the account spells them.
		x.Checks = x.Checks[:0]
		for _, bc := range b.checks {
			x.Checks = append(x.Checks, bc.Check)
		}
		if !x.Only && b.u >= 0 {
			x.User = r.user(b.u).email
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return s, nil
}

// Run evaluates every expectation, in order.
func (s *ExpectSuite) Run() []ExpectResult {
	out := make([]ExpectResult, len(s.xs))
	for i := range s.xs {
		x := &s.xs[i]
		res := ExpectResult{Name: x.Title(), Only: x.Only, Index: x.Index, Failures: []ExpectFailure{}}
		b := &s.bound[i]
		if x.Only {
			if f, ok := s.runOnly(b.who, &b.checks[0]); !ok {
				res.Failures = append(res.Failures, f)
			}
		} else {
			for j := range b.checks {
				if f, ok := s.runOne(b.u, &b.checks[j]); !ok {
					res.Failures = append(res.Failures, f)
				}
			}
		}
		res.Passed = len(res.Failures) == 0
		out[i] = res
	}
	return out
}

// holds answers check c for user u with the model's decision, without
// its reason: what Check, the environments list and the preview decide.
func (s *ExpectSuite) holds(u int, c *boundCheck) bool {
	r := s.r
	switch c.Kind {
	case CheckPrivilege:
		return r.Check(u, c.Privilege, c.e) == c.Want
	case CheckPage:
		return s.pages(u).access[c.pg] == c.Opens
	case CheckAction:
		return s.pages(u).allowed[c.pg][c.ac] == c.Want
	}
	ev := r.evalOf(r.user(u), c.e, true)
	switch c.Kind {
	case CheckSees:
		return ev.visible == c.Want
	case CheckAccess:
		return ev.access == c.Access
	case CheckDeploys:
		return ev.deploy == c.Want
	case CheckSchedules:
		return ev.schedule == c.Want
	}
	return false
}

// pages decides every page and action for user u by the preview's
// pageView, fed the environments' decisions without their reasons. What
// pageView decides rests on the user's privileges (raw and with R4) and
// on whether some environment lets them deploy, lets them schedule, or
// applies Environment Management Read Access to them (R18, R16): users
// alike in those are decided once (TestExpectAgreesWithPreview holds the
// shortcut to the preview's answers).
func (s *ExpectSuite) pages(u int) *pageDecisions {
	s.groupUsers()
	set := s.setOf[u]
	if d := s.setPages[set]; d != nil {
		return d
	}
	r := s.r
	rep := int(s.setRep[set])
	us := r.user(rep)
	// The evaluations are scratch, kept for the next set: pageView reads
	// them and keeps nothing of them.
	if s.evals == nil {
		s.evals = make([]envEval, len(r.envs))
		s.envs = make([]EnvView, len(r.envs))
	}
	evals, envs := s.evals, s.envs
	key := pageKey{raw: us.raw, eff: us.eff}
	// evalOf decides reach (R14) from the user alone: a user who reaches
	// no environment sees none, and every environment's answer is no.
	if len(r.envs) > 0 && r.evalOf(us, 0, false).reach {
		key.reach = true
		for e := range r.envs {
			ev := r.evalOf(us, e, true)
			evals[e] = ev
			key.deploy = key.deploy || ev.deploy
			key.schedule = key.schedule || ev.schedule
			key.envRead = key.envRead || ev.envRead
		}
	}
	if d, ok := s.pageMem[key]; ok {
		s.setPages[set] = d
		return d
	}
	if !key.reach {
		for e := range r.envs {
			evals[e] = r.evalOf(us, e, true)
		}
	}
	for e := range r.envs {
		ev := &evals[e]
		envs[e] = EnvView{Environment: r.envs[e].name, Visible: ev.visible, Access: ev.access, Deploy: ev.deploy, Schedule: ev.schedule, EditExtensions: ev.access == AccessWrite}
	}
	d := &pageDecisions{access: make([]PageAccess, len(pages)), allowed: make([][]bool, len(pages))}
	held := holdMemo{}
	for p, ps := range pages {
		pv := r.pageView(rep, ps, envs, evals, held)
		d.access[p] = pv.Access
		d.allowed[p] = make([]bool, len(pv.Actions))
		for a, av := range pv.Actions {
			d.allowed[p][a] = av.Allowed
		}
	}
	s.pageMem[key] = d
	s.setPages[set] = d
	return d
}

// pageKey is what the pages and actions of a user rest on (see pages).
type pageKey struct {
	raw, eff                         PrivSet
	reach, deploy, schedule, envRead bool
}

// groupUsers groups the users by the roles they hold (in the order they
// hold them: two orders of one set are two groups, which costs a little
// and is never wrong).
func (s *ExpectSuite) groupUsers() {
	if s.setOf != nil {
		return
	}
	users := s.r.us()
	s.setOf = make([]int32, len(users))
	s.pageMem = map[pageKey]*pageDecisions{}
	idx := make(map[string]int32, 64)
	var key []byte
	for u := range users {
		key = key[:0]
		for _, id := range users[u].roles {
			key = append(key, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
		}
		set, ok := idx[string(key)]
		if !ok {
			set = int32(len(s.setRep))
			idx[string(key)] = set
			s.setRep = append(s.setRep, int32(u))
		}
		s.setOf[u] = set
	}
	s.setPages = make([]*pageDecisions, len(s.setRep))
}

// runOne checks c for user u; on failure it says what is, and why.
func (s *ExpectSuite) runOne(u int, c *boundCheck) (ExpectFailure, bool) {
	if s.holds(u, c) {
		return ExpectFailure{}, true
	}
	email := s.r.user(u).email
	got, details := s.explain(u, c)
	return ExpectFailure{
		Summary: fmt.Sprintf("expected %s %s, but %s %s", email, c.Phrase(), email, got),
		Details: details,
	}, false
}

// explain is what user u gets for the question of c, as a predicate
// ("cannot deploy to Production"), and the model's reason and sources,
// one a line.
func (s *ExpectSuite) explain(u int, c *boundCheck) (string, []string) {
	r := s.r
	switch c.Kind {
	case CheckPrivilege:
		v := r.Explain(u, c.Privilege, c.e)
		lines := []string{"why: " + v.Reason}
		for _, src := range v.Sources {
			lines = append(lines, "from: "+src.Detail())
		}
		return c.phrase(v.Allowed, "", ""), lines
	case CheckPage, CheckAction:
		pv := s.previews[u]
		if pv == nil {
			p := r.Preview(u)
			pv = &p
			if s.previews == nil {
				s.previews = map[int]*Preview{}
			}
			s.previews[u] = pv
		}
		page := pv.Pages[c.pg]
		if c.Kind == CheckPage {
			lines := []string{"why: " + page.Reason}
			if page.Banner != "" && page.Access == PageReadOnly {
				lines = append(lines, "banner: "+page.Banner)
			}
			return c.phrase(false, page.Access, ""), lines
		}
		av := page.Actions[c.ac]
		return c.phrase(av.Allowed, "", ""), []string{"why: " + av.Reason}
	}
	v := r.EnvView(u, c.e)
	switch c.Kind {
	case CheckSees:
		return c.phrase(v.Visible, "", ""), []string{"why: " + v.Reason}
	case CheckAccess:
		return c.phrase(false, "", v.Access), []string{"why: " + v.Reason}
	case CheckDeploys:
		return c.phrase(v.Deploy, "", ""), []string{"why: " + v.DeployReason, "environment: " + v.Reason}
	case CheckSchedules:
		return c.phrase(v.Schedule, "", ""), []string{"why: " + v.ScheduleReason, "environment: " + v.Reason}
	}
	return "?", nil
}

// runOnly checks that c holds for exactly the users who: it fails naming
// every user added (holds without being listed) and missing (listed, does
// not hold), and explains the first MaxExplained of them.
func (s *ExpectSuite) runOnly(who []int, c *boundCheck) (ExpectFailure, bool) {
	r := s.r
	users := r.us()
	if s.listed == nil {
		s.listed = make([]bool, len(users))
	}
	listed := s.listed // all false between calls
	for _, u := range who {
		listed[u] = true
	}
	defer func() {
		for _, u := range who {
			listed[u] = false
		}
	}()
	var added, missing []int
	if c.Kind == CheckPrivilege && c.e < 0 {
		// Account-wide: Check answers at once, without allocating.
		for u := range users {
			if r.Check(u, c.Privilege, -1) == c.Want {
				if !listed[u] {
					added = append(added, u)
				}
			} else if listed[u] {
				missing = append(missing, u)
			}
		}
	} else {
		// Every other answer depends on the user's roles alone: decide
		// once per set of roles.
		s.groupUsers()
		dec := make([]int8, len(s.setRep)) // 0 unknown, 1 holds, 2 does not
		for u := range users {
			set := s.setOf[u]
			if dec[set] == 0 {
				dec[set] = 2
				if s.holds(int(s.setRep[set]), c) {
					dec[set] = 1
				}
			}
			if dec[set] == 1 {
				if !listed[u] {
					added = append(added, u)
				}
			} else if listed[u] {
				missing = append(missing, u)
			}
		}
	}
	if len(added) == 0 && len(missing) == 0 {
		return ExpectFailure{}, true
	}
	want := len(who)
	what := c.Phrase()
	if want != 1 {
		what = c.phraseMany()
	}
	f := ExpectFailure{Summary: fmt.Sprintf("expected exactly %s who %s; %d added, %d missing",
		pluralUsers(want), what, len(added), len(missing)), Added: []string{}, Missing: []string{}}
	explained := 0
	for _, group := range []struct {
		mark  string
		users []int
		dst   *[]string
	}{{"+", added, &f.Added}, {"-", missing, &f.Missing}} {
		for _, u := range group.users {
			email := users[u].email
			*group.dst = append(*group.dst, email)
			if explained >= MaxExplained {
				continue
			}
			explained++
			got, lines := s.explain(u, c)
			role := "not listed"
			if group.mark == "-" {
				role = "listed"
			}
			f.Details = append(f.Details, fmt.Sprintf("%s %s (%s) %s", group.mark, email, role, got))
			for _, l := range lines {
				f.Details = append(f.Details, "    "+l)
			}
		}
	}
	if n := len(added) + len(missing); n > explained {
		others := append(slices.Clone(f.Added), f.Missing...)[explained:]
		line := fmt.Sprintf("reasons are given for the first %d of %d users; the others: ", explained, n)
		if len(others) > MaxNamed {
			line += strings.Join(others[:MaxNamed], ", ") + fmt.Sprintf(" and %d more (the JSON and JUnit outputs list every one)", len(others)-MaxNamed)
		} else {
			line += strings.Join(others, ", ")
		}
		f.Details = append(f.Details, line)
	}
	return f, false
}

func pluralUsers(n int) string {
	if n == 1 {
		return "1 user"
	}
	return fmt.Sprintf("%d users", n)
}
