package model

import (
	"runtime"
	"slices"
	"strconv"
	"sync"
)

// The access review report (rolecall report): every user's roles, every
// privilege they hold with where it comes from, and every environment they
// see with access, deploy and schedule and the reasons, assembled from the
// resolver's own answers (Grants, EnvView) and nothing else: no rule is
// decided here. The cli writes it as CSV, Markdown or HTML.

// Review is the data of an access review of one account. What it says
// about each user is formed when asked for (EachUser, EachSeer), a few
// users ahead of the caller on every processor, and not kept: at 10,000
// users and 200 environments the whole review is hundreds of megabytes of
// reasons, most of a report's time was spent holding them, and a report
// writes each user once.
type Review struct {
	Account string
	// Privileges are the matrix's columns: the whole catalog in dialog
	// order, held by someone or not, so that an empty column is evidence
	// too.
	Privileges []Privilege
	// Holders counts, for each privilege of Privileges, the users who hold
	// it account-wide.
	Holders []int
	// Environments are those the report covers: all of the account's, in
	// its order, or the one asked for.
	Environments []ReviewEnv
	// Roles summarises each custom role (account order), then each
	// built-in role someone holds or a custom role inherits.
	Roles []ReviewRole

	r    *Resolver
	envs []int // the account's index of each covered environment
	// rep is, for each user, the first user holding the same roles, whose
	// answers they share (the user itself when there is none before; a
	// group user of a member's view is asked about alone, since their
	// sources name groups). later counts, for a user who is their own rep,
	// the users after them who share their answers.
	rep, later []int32
}

// ReviewEnv is one environment the report covers.
type ReviewEnv struct {
	Name           string
	Classification Classification
	// Lists are the environment's Roles with Access, as the file spells
	// them; empty when it is open to every role (R12).
	Lists []string
	// Seeing counts the users who see it.
	Seeing int
}

// ReviewUser is one user's access.
type ReviewUser struct {
	Email string
	Name  string
	// Roles are the roles the user holds, as the account spells them.
	Roles []string
	// RoleGroups, for a group user of a member's view, are the groups that
	// give each role (R25); nil otherwise.
	RoleGroups map[string][]string
	// Grants are the account-wide privileges with all their sources (R11,
	// R4), in catalog order (when asked for: ReviewGrants).
	Grants []Grant
	// Envs are the covered environments the user sees (hidden ones are not
	// listed: they give no access to review), each with its index in
	// Review.Environments (when asked for: ReviewEnvs).
	Envs []ReviewEnvView
}

// ReviewEnvView is what a user gets in one environment they see.
type ReviewEnvView struct {
	Env int // index in Review.Environments
	EnvView
}

// ReviewRole summarises one role.
type ReviewRole struct {
	Name        string
	BuiltIn     bool
	Description string
	// Chain is the role and the roles it inherits, nearest first (R6).
	Chain []string
	// Ticks are the privileges the role ticks itself (a built-in role: all
	// of its privileges); Inherited those its ancestors add (R5, R6).
	Ticks, Inherited []Privilege
	// Holders counts the users holding the role directly.
	Holders int
	// ListedIn are the environments whose Roles with Access list it.
	ListedIn []string
}

// ReviewAll is the env argument of NewReview for every environment.
const ReviewAll = -1

// NewReview prepares the access review of the resolver's account: every
// user, and the environment env (its index) or all of them (ReviewAll).
// It counts the holders of each privilege and the users seeing each
// environment; what each user holds and sees, with the reasons, is formed
// by EachUser and EachSeer. Users holding the same roles get the same
// answers, so each set of roles is asked about once.
func NewReview(r *Resolver, env int) *Review {
	a := r.acct
	rv := &Review{Account: a.Name, Privileges: AllPrivileges(), r: r}
	if env == ReviewAll {
		for e := range r.envs {
			rv.envs = append(rv.envs, e)
		}
	} else if env >= 0 && env < len(r.envs) {
		rv.envs = []int{env}
	}
	for _, e := range rv.envs {
		ae := &a.Environments[e]
		rv.Environments = append(rv.Environments, ReviewEnv{Name: ae.Name, Classification: ae.Classification, Lists: ae.RolesWithAccess})
	}

	// Every user is asked about, many times each: index them all at once
	// (user would otherwise index one at a time, again at each question).
	r.us()
	reps := rv.shareAnswers()

	rv.Holders = make([]int, len(rv.Privileges))
	for _, u := range reps {
		for _, p := range r.user(int(u)).eff.List() {
			rv.Holders[p-1] += 1 + int(rv.later[u])
		}
	}
	parallel(len(rv.envs), func(k int) {
		seeing := 0
		for _, u := range reps {
			if ev := r.evalOf(r.user(int(u)), rv.envs[k], false); ev.visible {
				seeing += 1 + int(rv.later[u])
			}
		}
		rv.Environments[k].Seeing = seeing
	})
	rv.Roles = r.reviewRoles()
	return rv
}

// reviewKeep bounds how many users' answers are kept at once for the
// later users holding the same roles (sharing): a user whose set of roles
// comes back only after that many others are kept is asked about again
// instead. Real accounts have few sets of roles, each held by many users;
// this bounds what a report holds when the sets are many and their
// holders far apart. A variable for the tests.
var reviewKeep = 1024

// shareAnswers sets rep and later: in account order, a user shares the
// answers of the first user before them holding the same roles whose
// answers are kept, and is their own rep otherwise; a rep's answers are
// kept, until the last user holding the same roles, while fewer than
// reviewKeep are. A group user of a member's view is asked about alone,
// since their sources name groups. It returns the reps.
func (rv *Review) shareAnswers() []int32 {
	r, users := rv.r, rv.r.acct.Users
	n := len(users)
	rv.rep, rv.later = make([]int32, n), make([]int32, n)
	keys := make([]string, n) // each user's set of roles ("" for a group user)
	last := make(map[string]int32, n)
	var key []byte
	for u := range n {
		if users[u].Groups == nil {
			key = roleSetKey(key[:0], r.user(u).roles)
			if k, ok := last[string(key)]; ok {
				keys[u] = keys[k] // one string per set
			} else {
				keys[u] = string(key)
			}
			last[keys[u]] = int32(u)
		}
	}
	kept := make(map[string]int32) // a set's rep whose answers are kept
	var reps []int32
	for u := range n {
		k := keys[u]
		f, ok := kept[k]
		switch {
		case k == "":
			f = int32(u)
		case ok:
			rv.later[f]++
		default:
			f = int32(u)
			if last[k] > int32(u) && len(kept) < reviewKeep {
				kept[k] = f
			}
		}
		rv.rep[u] = f
		if f == int32(u) {
			reps = append(reps, f)
		}
		if ok && last[k] == int32(u) {
			delete(kept, k) // the last user holding them
		}
	}
	return reps
}

// Users is the number of users the review covers: all of the account's.
func (rv *Review) Users() int { return len(rv.rep) }

// Who is user u's email and name.
func (rv *Review) Who(u int) (email, name string) {
	au := &rv.r.acct.Users[u]
	return au.Email, au.Name
}

// ReviewPart is what EachUser forms of each user besides who they are and
// the roles they hold.
type ReviewPart uint8

const (
	ReviewGrants ReviewPart = 1 << iota // ReviewUser.Grants
	ReviewEnvs                          // ReviewUser.Envs
)

// EachUser calls fn with each user's entry, in account order, holding
// parts, and stops at the first error fn returns, which it returns. An
// entry, and what it holds, may be shared with other users holding the
// same roles: fn must not change it.
func (rv *Review) EachUser(parts ReviewPart, fn func(u int, ru *ReviewUser) error) error {
	r := rv.r
	form := func(u int, ru *ReviewUser) {
		if int(rv.rep[u]) != u {
			return // shares its rep's answers (use)
		}
		if parts&ReviewGrants != 0 {
			ru.Grants = r.Grants(u)
		}
		if parts&ReviewEnvs != 0 {
			for k, e := range rv.envs {
				if ev := r.eval(u, e); ev.visible {
					ru.Envs = append(ru.Envs, ReviewEnvView{Env: k, EnvView: r.envViewMemo(u, e, &ev, nil)})
				}
			}
		}
	}
	shared := sharing[ReviewUser]{rv: rv}
	return inOrder(rv.Users(), 64, form, func(u int, ru *ReviewUser) error {
		shared.pass(u, ru)
		au := &r.acct.Users[u]
		ru.Email, ru.Name, ru.Roles, ru.RoleGroups = au.Email, au.Name, r.HeldRoles(u), au.Groups
		return fn(u, ru)
	})
}

// EachSeer calls fn, in account order, with each user who sees the
// covered environment k (an index in Environments) and their view of it,
// and stops at the first error fn returns, which it returns. A view may be
// shared with other users holding the same roles: fn must not change it.
func (rv *Review) EachSeer(k int, fn func(u int, v *EnvView) error) error {
	r, e := rv.r, rv.envs[k]
	form := func(u int, v **EnvView) {
		if int(rv.rep[u]) != u {
			return
		}
		if ev := r.eval(u, e); ev.visible {
			view := r.envViewMemo(u, e, &ev, nil)
			*v = &view
		}
	}
	shared := sharing[*EnvView]{rv: rv}
	// Most users see few environments: a batch is mostly a quick "hidden".
	return inOrder(rv.Users(), 512, form, func(u int, v **EnvView) error {
		shared.pass(u, v)
		if *v == nil {
			return nil
		}
		return fn(u, *v)
	})
}

// sharing hands the answers of a user who is their own rep to the later
// users holding the same roles, in account order, keeping them only until
// the last of those users.
type sharing[T any] struct {
	rv   *Review
	kept map[int32]*keptAnswer[T]
}

type keptAnswer[T any] struct {
	v    T
	left int32
}

// pass gives user u, formed when u is a rep, the answers of its rep
// otherwise.
func (s *sharing[T]) pass(u int, v *T) {
	f := s.rv.rep[u]
	if int(f) == u {
		if n := s.rv.later[u]; n > 0 {
			if s.kept == nil {
				s.kept = map[int32]*keptAnswer[T]{}
			}
			s.kept[f] = &keptAnswer[T]{v: *v, left: n}
		}
		return
	}
	k := s.kept[f]
	*v = k.v
	if k.left--; k.left == 0 {
		delete(s.kept, f)
	}
}

// inOrder calls use(i, v) for i from 0 to n-1, in order, on the calling
// goroutine, each v made by form(i, v) from its zero value on another:
// forming runs on every processor, in batches of batch, at most a few
// batches ahead of use. It stops at the first error use returns, and
// returns it once no form is running.
func inOrder[T any](n, batch int, form func(i int, v *T), use func(i int, v *T) error) error {
	workers := min(runtime.GOMAXPROCS(0), (n+batch-1)/batch)
	if workers <= 1 {
		for i := range n {
			var v T
			form(i, &v)
			if err := use(i, &v); err != nil {
				return err
			}
		}
		return nil
	}
	type job struct {
		start int
		vs    []T
		done  chan struct{}
	}
	order := make(chan *job, 2*workers) // use's queue: how far forming may run ahead
	work := make(chan *job, workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(stop)
	wg.Add(1 + workers)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(order)
		for s := 0; s < n; s += batch {
			j := &job{start: s, vs: make([]T, min(batch, n-s)), done: make(chan struct{})}
			select {
			case order <- j:
			case <-stop:
				return
			}
			select {
			case work <- j:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			defer wg.Done()
			for j := range work {
				for k := range j.vs {
					form(j.start+k, &j.vs[k])
				}
				close(j.done)
			}
		}()
	}
	for j := range order {
		<-j.done
		for k := range j.vs {
			if err := use(j.start+k, &j.vs[k]); err != nil {
				return err
			}
		}
		j.vs = nil
	}
	return nil
}

// roleSetKey appends the sorted role ids to b, as the key of a set of
// held roles.
func roleSetKey(b []byte, ids []int32) []byte {
	s := slices.Clone(ids)
	slices.Sort(s)
	for _, id := range slices.Compact(s) {
		b = strconv.AppendInt(b, int64(id), 36)
		b = append(b, ',')
	}
	return b
}

// parallel runs fn(0..n-1) on every processor, and returns when all have
// run.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				j := i
				i += 64
				next.Unlock()
				if j >= n {
					return
				}
				for k := j; k < min(j+64, n); k++ {
					fn(k)
				}
			}
		}()
	}
	wg.Wait()
}

// reviewRoles summarises the custom roles, then the built-in roles held
// or inherited.
func (r *Resolver) reviewRoles() []ReviewRole {
	a := r.acct
	holders := make([]int, len(r.roles))
	for u := range a.Users {
		for _, id := range r.user(u).roles {
			holders[id]++
		}
	}
	listed := make([][]string, len(r.roles))
	for e := range r.envs {
		for _, id := range r.envs[e].ids {
			listed[id] = append(listed[id], r.envs[e].name)
		}
	}
	inherited := make([]bool, len(r.roles))
	for id := range r.roles {
		if p := r.roles[id].parent; p >= 0 {
			inherited[p] = true
		}
	}
	descr := make(map[string]string, len(a.Roles))
	for _, ro := range a.Roles {
		descr[ro.Name] = ro.Description
	}
	var custom, builtin []ReviewRole
	for id := range r.roles {
		rr := &r.roles[id]
		if rr.builtin && holders[id] == 0 && !inherited[id] && len(listed[id]) == 0 {
			continue
		}
		s := ReviewRole{Name: rr.name, BuiltIn: rr.builtin, Description: descr[rr.name], Holders: holders[id], ListedIn: listed[id],
			Ticks: rr.ticks.List(), Inherited: (rr.set &^ rr.ticks).List()}
		for c := range lineage(id, len(r.roles), r.parentOf) {
			s.Chain = append(s.Chain, r.roles[c].name)
		}
		if rr.builtin {
			builtin = append(builtin, s)
		} else {
			custom = append(custom, s)
		}
	}
	return append(custom, builtin...)
}
