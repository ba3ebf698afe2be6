// Package testcost measures what a piece of code costs, for tests that
// bound it: CPU time, which unlike wall time does not grow while a process
// waits for a core on a busy machine, and bytes allocated.
package testcost

import (
	"runtime"
)

// Allocated is the number of bytes f allocates. Two collections come
// first, so that sync.Pool's cached objects (the JSON encoder's, say) are
// gone and f pays for what it uses.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
