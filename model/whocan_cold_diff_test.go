package model

// Differential test of who-can's first question about a privilege (what
// rolecall who-can asks, on a resolver that has found nothing yet) against
// the plain computation, question by question, and against the questions
// after it.

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"rolecall/internal/testlong"
)

// Every question asked first (a fresh sourceCache before each: every
// role's sources found anew, nothing kept), then again twice (keeping what
// is found, then answered from it): the plain answer each time, on the
// memo tests' accounts, small random ones and a group's member views, in
// account order of privileges of every kind and environments of every
// kind.
func TestWhoCanColdSameAsReference(t *testing.T) {
	accts := whoCanMemoAccounts(t)
	for i := range 30 {
		accts[fmt.Sprintf("random-%d", i)] = genAccount(randChooser{rand.New(rand.NewPCG(uint64(i), 23))}, genOptions{})
	}
	s := groupFixture()
	for _, f := range s.MemberFiles() {
		v, _ := mustView(t, s, f)
		accts["view-"+f] = v
	}
	for name, a := range accts {
		r := NewResolver(a)
		qs := whoCanQuestions(r, rand.New(rand.NewPCG(8, 8)))
		if len(r.us()) >= 50 {
			qs = qs[:len(qs)*testlong.N(1, 3)/3] // quick: a third, shuffled
		}
		for e := 0; e < r.NumEnvironments() && len(r.us()) < 50; e++ {
			// And every environment of a small account.
			qs = append(qs, [2]int{int(ViewResults), e}, [2]int{int(PackagedComponentDeployment), e}, [2]int{int(EnvironmentRead), e})
		}
		for _, q := range qs {
			p, e := Privilege(q[0]), q[1]
			want := whoCanReference(r, p, e)
			r.srcs = &sourceCache{} // forget what earlier questions found
			for ask := range 3 {
				if got := r.WhoCan(p, e); !sameHolders(got, want) {
					t.Fatalf("%s: WhoCan(%s, %d), question %d about it:\n%s", name, p, e, ask+1, firstDiff(got, want))
				}
				if ask == 0 {
					// A first question keeps nothing (a one-off command
					// does not pay for it); one with no holder finds no
					// sources at all.
					if ps := r.srcs.of[p].Load(); ps != nil && len(ps.sets.sets) != 0 || r.srcs.held.Load() != 0 {
						t.Fatalf("%s: the first question about %s in %d kept sets", name, p, e)
					}
				}
			}
		}
	}
}
