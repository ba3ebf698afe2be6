package model

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"rolecall/internal/testlong"
)

// newProblemsByMap is newProblems as it was: every problem of before in
// a map, every one of after looked up.
func newProblemsByMap(before, after Problems) Problems {
	old := map[[2]string]bool{}
	for _, p := range before {
		old[[2]string{p.Rule, p.Message}] = true
	}
	var out Problems
	for _, p := range after {
		if !old[[2]string{p.Rule, p.Message}] {
			out = append(out, p)
		}
	}
	return out
}

// TestNewProblemsMatchesMap: comparing the lists' ends first gives what a
// map of before gives, for lists that agree, gain or lose a few problems
// in one place or several, are reordered, repeat a problem, or have
// nothing in common (more than the few looked up without a map).
//
// 1,000 cases in go test ./... (3,000 with ROLECALL_LONG_TESTS=1): each
// broken newProblems tried (the short path looking only past the common
// start, a single new problem dropped, the common start matched by rule
// alone, the common end run past the start) failed by case 31.
func TestNewProblemsMatchesMap(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 9))
	pool := make(Problems, 40)
	for i := range pool {
		pool[i] = Problem{Severity: Warning, Rule: fmt.Sprintf("R%d", 9+i%3*5), Subject: fmt.Sprintf("role %d", i/3),
			Message: fmt.Sprintf("role %q ticks something (%d)", fmt.Sprint(i/3), i%3), Loc: Loc{Section: SectionRoles, Index: i, Item: -1}}
	}
	pick := func(n int) Problems {
		out := make(Problems, n)
		for i := range out {
			out[i] = pool[rng.IntN(len(pool))]
		}
		return out
	}
	for k := range testlong.N(1000, 3000) {
		before := pick(rng.IntN(30))
		after := slices.Clone(before)
		switch k % 6 {
		case 0: // the same
		case 1: // a few inserted in one place
			at := rng.IntN(len(after) + 1)
			after = slices.Insert(after, at, pick(1+rng.IntN(3))...)
		case 2: // a few removed
			if len(after) > 0 {
				at := rng.IntN(len(after))
				after = slices.Delete(after, at, min(len(after), at+1+rng.IntN(3)))
			}
		case 3: // changed in several places
			for range 1 + rng.IntN(12) {
				if len(after) > 0 {
					after[rng.IntN(len(after))] = pool[rng.IntN(len(pool))]
				}
			}
		case 4: // reordered
			rng.Shuffle(len(after), func(i, j int) { after[i], after[j] = after[j], after[i] })
		case 5: // another list
			after = pick(rng.IntN(30))
		}
		// Another place is the same problem (only Loc moved).
		for i := range after {
			after[i].Loc.Index += rng.IntN(2)
		}
		got, want := newProblems(before, after), newProblemsByMap(before, after)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: newProblems\n %v\nwant\n %v", k, got, want)
		}
	}
}

// TestWarningsIn: a list without errors is its own warnings, not copied;
// one with errors gives Warnings.
func TestWarningsIn(t *testing.T) {
	t.Parallel()
	warn := Problems{{Severity: Warning, Rule: "R9", Message: "a"}, {Severity: Warning, Rule: "R19", Message: "b"}}
	if got := warningsIn(warn); !reflect.DeepEqual(got, warn) || &got[0] != &warn[0] {
		t.Errorf("warningsIn of warnings only: %v (copied: %v)", got, len(got) > 0 && &got[0] != &warn[0])
	}
	mixed := Problems{warn[0], {Severity: Error, Rule: "R7", Message: "c"}, warn[1]}
	if got := warningsIn(mixed); !reflect.DeepEqual(got, mixed.Warnings()) {
		t.Errorf("warningsIn with an error: %v, want %v", got, mixed.Warnings())
	}
	if got := warningsIn(nil); got != nil {
		t.Errorf("warningsIn(nil) = %v", got)
	}
}

// TestEnvironmentAtMatchesEnvironment: looking an environment up at a
// place first answers as Environment does, for every name at every place,
// names in another case and missing ones, also when two environments'
// names are equal ignoring case (an invalid account, whose index keeps
// the last).
func TestEnvironmentAtMatchesEnvironment(t *testing.T) {
	t.Parallel()
	for _, dup := range []bool{false, true} {
		a := Synthetic(40, 8, 6, 3)
		if dup {
			a.Environments = append(a.Environments, a.Environments[2])
			a.Environments[len(a.Environments)-1].Name = strings.ToUpper(a.Environments[2].Name)
			a.Environments = append(a.Environments, a.Environments[4])
		}
		r := NewResolver(a)
		names := []string{"no such environment", ""}
		for _, e := range a.Environments {
			names = append(names, e.Name, strings.ToUpper(e.Name), strings.ToLower(e.Name))
		}
		for _, name := range names {
			for i := -1; i <= len(a.Environments); i++ {
				if got, want := r.environmentAt(name, i), r.Environment(name); got != want {
					t.Fatalf("duplicates %v: environmentAt(%q, %d) = %d, Environment: %d", dup, name, i, got, want)
				}
			}
		}
	}
}

// TestCompareUsersInPlaceOrNot: Compare matches old users at their places
// as the email index would: the same diff when the old users are in
// another order (found through the index), with emails that differ only
// in surrounding spaces or case, and users added and edited.
func TestCompareUsersInPlaceOrNot(t *testing.T) {
	t.Parallel()
	a := Synthetic(60, 10, 5, 4)
	a.Users = append(a.Users,
		User{Email: " padded@example.com", Roles: []string{a.Roles[1].Name}},
		User{Email: "padded@example.com ", Roles: []string{a.Roles[2].Name}},
		User{Email: "padded@example.com", Roles: []string{a.Roles[3].Name}})
	a.Normalize()
	n := a.Clone()
	for i := range n.Users {
		switch {
		case strings.TrimSpace(n.Users[i].Email) != n.Users[i].Email:
			n.Users[i].Roles = []string{a.Roles[4].Name}
		case i%7 == 0:
			n.Users[i].Roles = append(n.Users[i].Roles, a.Roles[i%len(a.Roles)].Name)
		}
	}
	n.Users = append(n.Users, User{Email: "new@example.com", Roles: []string{a.Roles[5].Name}})
	n.Normalize()
	newRes := NewResolver(n)
	want := Compare(NewResolver(a), newRes)
	if len(want.Users) < 3 {
		t.Fatalf("want several users changed: %+v", want.Users)
	}
	shuffled := a.Clone()
	slices.Reverse(shuffled.Users)
	if got := Compare(NewResolver(shuffled), newRes); !reflect.DeepEqual(got, want) {
		t.Errorf("old users out of order: %+v\nin order: %+v", got.Users, want.Users)
	}
}
