package model

import (
	"reflect"
	"testing"
)

// Each holder of a HolderList, formed one at a time in the same buffer
// (as who-can --json writes them), is the holder holderSources describes;
// and every holder formed at once (Holders), the sources of many in one
// chunk, is still the same once all are formed: a holder handed another's
// sources, or sources overwritten by the next holder's, fails here.
func TestWhoCanListHolderByHolder(t *testing.T) {
	t.Parallel()
	formed := 0 // holders whose sources are formed (fromRoles)
	for name, a := range fastAccounts(t) {
		r := NewResolver(a)
		envs := []int{-1}
		for e := 0; e < r.NumEnvironments(); e += max(1, r.NumEnvironments()/3) {
			envs = append(envs, e)
		}
		for _, p := range AllPrivileges() {
			for _, e := range envs {
				l := r.WhoCanList(p, e)
				all := l.Holders()
				if len(all) != l.Len() {
					t.Fatalf("%s: WhoCanList(%s, %d): Holders gives %d, Len %d", name, p, e, len(all), l.Len())
				}
				var buf []Source
				sources := 0 // formed, in all
				for i := range l.Len() {
					var h Holder
					h, buf = l.Holder(i, buf)
					u := int(l.hs[i].user)
					if l.hs[i].code == fromRoles {
						formed++
						sources += len(h.Sources)
					}
					want := r.holder(u, p, e)
					if !sameHolders([]Holder{h}, []Holder{want}) {
						t.Fatalf("%s: WhoCanList(%s, %d).Holder(%d):\n got  %+v\n want %+v", name, p, e, i, h, want)
					}
					if got := l.User(i); got != want.User {
						t.Fatalf("%s: WhoCanList(%s, %d).User(%d) = %q, want %q", name, p, e, i, got, want.User)
					}
					if i%7 == 0 && !sameHolders([]Holder{all[i]}, []Holder{want}) {
						t.Fatalf("%s: WhoCanList(%s, %d).Holders()[%d]:\n got  %+v\n want %+v", name, p, e, i, all[i], want)
					}
				}
				if sources != l.formed {
					t.Fatalf("%s: WhoCanList(%s, %d) formed %d sources, counted %d", name, p, e, sources, l.formed)
				}
			}
		}
	}
	if formed == 0 {
		t.Errorf("fixture: no holder's sources were formed from their roles")
	}
}

// Two holders whose sources are formed from their roles, side by side in
// one chunk, each keep their own: appending to one's does not reach the
// other's, and neither is the other's.
func TestWhoCanListFormedSourcesApart(t *testing.T) {
	a := &Account{AdvancedUserSecurity: true,
		Roles: []Role{role("Builders", "", BuildReadWrite), role("Also Builders", "", BuildReadWrite), role("Third Builders", "", BuildReadWrite)},
		Users: []User{user("a@x.com", "Builders", "Also Builders"), user("b@x.com", "Also Builders", "Third Builders"), user("c@x.com", "Third Builders", "Builders")},
	}
	r := NewResolver(a)
	l := r.WhoCanList(BuildReadWrite, -1)
	for i := range l.Len() {
		if l.hs[i].code != fromRoles {
			t.Fatalf("holder %d: code %d, want fromRoles (the fixture no longer tests formed sources)", i, l.hs[i].code)
		}
	}
	hs := l.Holders()
	want := [][]string{{"Builders", "Also Builders"}, {"Also Builders", "Third Builders"}, {"Third Builders", "Builders"}}
	check := func(when string) {
		t.Helper()
		for i, h := range hs {
			var got []string
			for _, s := range h.Sources {
				got = append(got, s.Role)
			}
			if !reflect.DeepEqual(got, want[i]) {
				t.Fatalf("%s: holder %s has sources %v, want %v", when, h.User, got, want[i])
			}
		}
	}
	check("formed")
	_ = append(hs[0].Sources, Source{Role: "Intruder"})
	check("after appending to the first's")
}
