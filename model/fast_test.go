package model

// Differential tests of the optimised paths against the unoptimised ones
// they replace, at real scale, on the accounts users have (Messy, with and
// without dangling names) and on Synthetic ones.

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
)

var (
	fastAcctMu sync.Mutex
	fastAccts  = map[string]*Account{}
)

// fastAccounts returns the accounts the differential tests run on: Messy
// at 10,000 users (3,000 under -short) with and without dangling names,
// and Synthetic at the same size; each is generated once.
func fastAccounts(t *testing.T) map[string]*Account {
	t.Helper()
	users, roles, envs := 10000, 1000, 200
	if testing.Short() {
		users, roles, envs = 3000, 300, 60
	}
	fastAcctMu.Lock()
	defer fastAcctMu.Unlock()
	if len(fastAccts) == 0 {
		fastAccts["messy"] = Messy(users, roles, envs, 1, MessyOptions{})
		fastAccts["messy-dangling"] = Messy(users, roles, envs, 2, MessyOptions{Dangling: true})
		fastAccts["synthetic"] = Synthetic(users, roles, envs, 1)
	}
	return fastAccts
}

// whoCanSlow is WhoCan as it was before sourceMemo: holder, one user at a
// time, with the sources found as they were (slowCoveredSources).
func whoCanSlow(r *Resolver, p Privilege, e int) []Holder {
	var out []Holder
	for u := range r.users {
		if !r.Check(u, p, e) {
			continue
		}
		h := Holder{User: r.users[u].email}
		var implied Privilege
		if e < 0 {
			h.Sources, implied = slowCoveredSources(r, r.users[u].roles, r.users[u].roles, p)
		} else {
			ev := r.eval(u, e)
			all, perEnv := r.countingRoles(u, e, &ev)
			h.Sources, implied = slowCoveredSources(r, directRoles(p, all, perEnv), all, p)
		}
		if implied != 0 {
			h.ImpliedBy = implied.String()
		}
		out = append(out, h)
	}
	return out
}

// slowCoveredSources and slowSources are coveredSources and sources as they
// were before appendCoveredSources and sourceMemo.
func slowCoveredSources(r *Resolver, direct, all []int32, p Privilege) (srcs []Source, implied Privilege) {
	srcs = slowSources(r, direct, p)
	for _, sup := range coverers[p] {
		found := slowSources(r, all, sup)
		if len(found) > 0 && len(srcs) == 0 && implied == 0 {
			implied = sup
		}
		ndirect := len(srcs)
		for _, s := range found {
			if slices.ContainsFunc(srcs[:ndirect], func(d Source) bool { return d.Role == s.Role && slices.Equal(d.Via, s.Via) }) {
				continue // that role and chain grant p itself already
			}
			s.ImpliedBy, s.decided = sup.String(), false
			srcs = append(srcs, s)
		}
	}
	return srcs, implied
}

func slowSources(r *Resolver, roles []int32, p Privilege) []Source {
	var out []Source
	for _, h := range roles {
		if !r.cyclic && !r.roles[h].set.Has(p) {
			continue
		}
		var via []string
		for id := range lineage(int(h), len(r.roles), r.parentOf) {
			if id != int(h) {
				via = append(via, r.roles[id].name)
			}
			if r.roles[id].ticks.Has(p) {
				out = append(out, Source{Role: r.roles[h].name, Via: append([]string{}, via...), decided: r.roles[id].decided.Has(p), builtin: r.roles[id].builtin})
			}
		}
	}
	return out
}

// WhoCan gives, holder by holder, what it gave before sourceMemo (sources,
// their chains, their hidden marks), for every privilege, account-wide and
// in environments of every kind; and so does holder (Explain's sources).
func TestWhoCanSameAsHolder(t *testing.T) {
	for name, a := range fastAccounts(t) {
		r := NewResolver(a)
		envs := []int{-1}
		for e := 0; e < r.NumEnvironments(); e += max(1, r.NumEnvironments()/8) {
			envs = append(envs, e)
		}
		for _, p := range AllPrivileges() {
			for _, e := range envs {
				got, want := r.WhoCan(p, e), whoCanSlow(r, p, e)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: WhoCan(%s, %d) differs from the slow path:\n%s", name, p, e, firstDiff(got, want))
				}
				for i := 0; i < len(want); i += 97 {
					u := r.User(want[i].User)
					if h := r.holder(u, p, e); !reflect.DeepEqual(h, want[i]) {
						t.Fatalf("%s: holder(%s, %s, %d):\n got  %+v\n want %+v", name, want[i].User, p, e, h, want[i])
					}
				}
			}
		}
	}
}

func firstDiff(got, want []Holder) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("holder %d:\n got  %.600s\n want %.600s", i, fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", want[i]))
		}
	}
	return fmt.Sprintf("%d holders, want %d", len(got), len(want))
}
