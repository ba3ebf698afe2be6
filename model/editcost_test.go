package model

import (
	"testing"

	"rolecall/internal/testcost"
)

// TestWorkingEditAllocations bounds what an edit and its diff allocate on
// the Messy account (over a thousand warnings at 10,000 users): the new
// account's lists the edit replaces and the resolver's users it indexes
// again, not copies of the warnings to compare them, nor a problem list
// grown one warning at a time (which cost 240 bytes per user per edit at
// 10,000 users, against about 100).
func TestWorkingEditAllocations(t *testing.T) {
	a := fastAccounts(t)["messy"]
	ops := benchEditOps(a, NewResolver(a), 30)
	w := NewWorking(a)
	for _, op := range ops { // first use of every lazy index
		next, _, err := w.Apply(op)
		if err != nil {
			t.Fatalf("%s: %v", op.Describe(), err)
		}
		next.Diff()
	}
	bytes := testcost.Allocated(func() {
		for _, op := range ops {
			next, _, _ := w.Apply(op)
			next.Diff()
		}
	})
	perUser := float64(bytes) / float64(len(ops)) / float64(len(a.Users))
	t.Logf("%d users, %d warnings: %.0f bytes per edit, %.1f per user", len(a.Users), len(w.Problems()), float64(bytes)/float64(len(ops)), perUser)
	if perUser > 150 {
		t.Errorf("an edit and its diff allocate %.1f bytes per user, want at most 150", perUser)
	}
}
