package model

import "iter"

// lineage is the one walk of an inheritance chain (R5, R6): it yields start,
// then start's parent, that role's parent and so on, nearest first, as
// parent gives them, and stops at a role whose parent is -1 (it inherits
// nothing, or a role that does not exist). start -1 yields nothing.
//
// n is the number of roles the indexes range over. The walk follows at most
// n parent links, so it yields at most n+1 roles: an acyclic chain has at
// most n, so a walk that yields n+1 has looped (a cycle or a role inheriting
// itself, errors under R6), and a cycle cannot make a walk run forever.
// Walks that stop at the first repeat need not count.
//
// Every walk up a chain goes through it: validation's cycle check, the
// resolver's sets, chains and sources, the editor's candidates and labels.
func lineage(start, n int, parent func(int) int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for steps := 0; start >= 0; steps++ {
			if !yield(start) || steps == n {
				return
			}
			start = parent(start)
		}
	}
}
