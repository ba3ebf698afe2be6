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

// Review is the data of an access review of one account.
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
	Users        []ReviewUser
	// Roles summarises each custom role (account order), then each
	// built-in role someone holds or a custom role inherits.
	Roles []ReviewRole
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
	// R4), in catalog order.
	Grants []Grant
	// Envs are the covered environments the user sees (hidden ones are not
	// listed: they give no access to review), each with its index in
	// Review.Environments.
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

// NewReview assembles the access review of the resolver's account: every
// user, and the environment env (its index) or all of them (ReviewAll).
// Users holding the same roles get the same answers, so each set of roles
// is asked about once; the sets are asked about on every processor.
func NewReview(r *Resolver, env int) *Review {
	a := r.acct
	rv := &Review{Account: a.Name, Privileges: AllPrivileges()}
	var envs []int
	if env == ReviewAll {
		for e := range r.envs {
			envs = append(envs, e)
		}
	} else if env >= 0 && env < len(r.envs) {
		envs = []int{env}
	}
	for _, e := range envs {
		ae := &a.Environments[e]
		rv.Environments = append(rv.Environments, ReviewEnv{Name: ae.Name, Classification: ae.Classification, Lists: ae.RolesWithAccess})
	}

	n := len(a.Users)
	rv.Users = make([]ReviewUser, n)
	// Group the users by the roles they hold; a group user of a member's
	// view (R25) is asked about alone, since their sources name groups.
	rep := make([]int, n) // the user whose answers user u shares
	var todo []int
	bySet := make(map[string]int, n)
	var key []byte
	for u := range n {
		rep[u] = u
		if a.Users[u].Groups != nil {
			todo = append(todo, u)
			continue
		}
		key = roleSetKey(key[:0], r.user(u).roles)
		if first, ok := bySet[string(key)]; ok {
			rep[u] = first
			continue
		}
		bySet[string(key)] = u
		todo = append(todo, u)
	}
	work := func(u int) {
		ru := &rv.Users[u]
		ru.Grants = r.Grants(u)
		var m *memo
		for i, e := range envs {
			ev := r.eval(u, e)
			if !ev.visible {
				continue
			}
			if m == nil {
				m = r.userMemo(u)
			}
			ru.Envs = append(ru.Envs, ReviewEnvView{Env: i, EnvView: r.envViewMemo(u, e, &ev, m)})
		}
	}
	parallel(len(todo), func(i int) { work(todo[i]) })

	rv.Holders = make([]int, len(rv.Privileges))
	for u := range n {
		au := &a.Users[u]
		ru := &rv.Users[u]
		if f := rep[u]; f != u {
			ru.Grants, ru.Envs = rv.Users[f].Grants, rv.Users[f].Envs
		}
		ru.Email, ru.Name, ru.Roles, ru.RoleGroups = au.Email, au.Name, r.HeldRoles(u), au.Groups
		for _, g := range ru.Grants {
			rv.Holders[g.Privilege-1]++
		}
		for _, v := range ru.Envs {
			rv.Environments[v.Env].Seeing++
		}
	}
	rv.Roles = r.reviewRoles()
	return rv
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
