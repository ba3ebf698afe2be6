package model

import (
	"runtime"
	"testing"
)

// TestWhoCanSmallAccountAllocatesLittle: a holder with two roles that both
// give the privilege needs its own sources; in an account of three users
// that must not cost a chunk of room sized for 10,000 (it made the random
// differential test spend most of its time clearing memory).
func TestWhoCanSmallAccountAllocatesLittle(t *testing.T) {
	a := &Account{AdvancedUserSecurity: true,
		Roles: []Role{role("Builders", "", BuildReadWrite), role("Also Builders", "", BuildReadWrite)},
		Users: []User{user("a@x.com", "Builders", "Also Builders"), user("b@x.com", "Builders"), user("c@x.com", StandardUser)},
	}
	r := NewResolver(a)
	if hs := r.WhoCan(BuildReadWrite, -1); len(hs) != 3 || len(hs[0].Sources) != 2 {
		t.Fatalf("WhoCan = %+v, want 3 holders, the first with 2 sources", hs)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 20
	for range runs {
		r.WhoCan(BuildReadWrite, -1)
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > 8<<10 {
		t.Errorf("WhoCan on 3 users allocates %d bytes a call, want at most 8 KiB", per)
	}
}
