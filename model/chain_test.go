package model

import (
	"slices"
	"testing"
)

// lineage yields a role and its ancestors, nearest first, stops where the
// chain ends, and yields at most n+1 roles when it loops (R6).
func TestLineage(t *testing.T) {
	t.Parallel()
	parents := func(ps ...int) func(int) int { return func(i int) int { return ps[i] } }
	tests := []struct {
		name   string
		start  int
		n      int // roles
		parent func(int) int
		want   []int
	}{
		{"no role", -1, 1, parents(-1), nil},
		{"no parent", 0, 1, parents(-1), []int{0}},
		{"a chain, nearest first", 0, 3, parents(1, 2, -1), []int{0, 1, 2}},
		{"from the middle", 1, 3, parents(1, 2, -1), []int{1, 2}},
		{"a role inheriting itself", 0, 2, parents(0, -1), []int{0, 0, 0}},
		{"a cycle", 0, 3, parents(1, 2, 1), []int{0, 1, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Collect(lineage(tt.start, tt.n, tt.parent))
			if !slices.Equal(got, tt.want) {
				t.Errorf("lineage(%d) = %v, want %v", tt.start, got, tt.want)
			}
		})
	}
	// Stopping early stops the walk.
	for j := range lineage(0, 3, parents(1, 2, -1)) {
		if j != 0 {
			t.Fatalf("lineage went on after break: %d", j)
		}
		break
	}
}
