package model

import (
	"os"
	"testing"
)

// randomCases is how many random cases a randomised test runs: n by
// default, long with ROLECALL_LONG_TESTS=1 (as many as it ran before the
// default run was cut down to fit its time), short under -short.
func randomCases(n, long, short int) int {
	switch {
	case os.Getenv("ROLECALL_LONG_TESTS") == "1":
		return long
	case testing.Short():
		return short
	}
	return n
}

// canSee and envPrivileges read the answers the front ends read: the
// environment's view and the grants that count there.
func canSee(r *Resolver, u, e int) bool { return r.EnvView(u, e).Visible }

func envPrivileges(r *Resolver, u, e int) PrivSet {
	var s PrivSet
	for _, g := range r.EnvGrants(u, e) {
		s = s.With(g.Privilege)
	}
	return s
}

// pageActions lists a page's actions as the preview gives them.
func pageActions(page string) []string {
	a := &Account{Users: []User{{Email: "a@x.com", Roles: []string{Administrator}}}}
	var out []string
	for _, p := range NewResolver(a).Preview(0).Pages {
		if p.Page == page {
			for _, act := range p.Actions {
				out = append(out, act.Action)
			}
		}
	}
	return out
}
