package storage

import (
	"testing"

	"rolecall/internal/testcost"
	"rolecall/internal/testlong"
	"rolecall/model"
)

// The buffer Encode writes into is made large enough at once: growing it
// step by step allocated (and touched: each page a page fault) 4.7 times
// the file's size for the synthetic account and 5.4 for the messy one; now
// 1.25 and 1.38.
//
// Growing step by step costs several times the size at any size: the
// synthetic account is 3,000 users and 300 roles in a quick run (450 KB,
// 1.37 times, as the messy one's 1.38), 10,000 and 1,000 with
// ROLECALL_LONG_TESTS=1 (1.5 MB, building which was most of this test's
// time).
func TestEncodeMakesItsBufferOnce(t *testing.T) {
	users, roles, envs := 3000, 300, 60
	if testlong.Enabled() {
		users, roles, envs = 10000, 1000, 200
	}
	for name, a := range map[string]*model.Account{
		"synthetic": model.Synthetic(users, roles, envs, 7),
		"messy":     model.Messy(3000, 300, 60, 7, model.MessyOptions{Dangling: true}),
	} {
		c := Canonical(a)
		var out []byte
		n := testcost.Allocated(func() { out = encodeCanonical(c) })
		t.Logf("%s: %d bytes written, %d allocated (%.2f times)", name, len(out), n, float64(n)/float64(len(out)))
		if n > uint64(len(out))*3/2 {
			t.Errorf("%s: encoding %d bytes allocated %d (%.1f times)", name, len(out), n, float64(n)/float64(len(out)))
		}
	}
}
