package storage

import (
	"testing"

	"rolecall/internal/testlong"
)

// memDir returns a new directory in memory (tmpfs, /dev/shm), removed when
// t ends, or t.TempDir() where there is none. TestConcurrentAdminsLoseNothing
// uses it: what it checks is that no edit is lost between processes, which
// a sync to disk has no part in, and on the project's VM each save's syncs
// to disk made it wait more than it worked (1.4 s -> 0.4 s wall, 0.6 ->
// 0.35 s of CPU). With Update's lock released before the update it still
// failed in 10 runs of 10 on tmpfs. Not for every process test: on tmpfs
// TestConcurrentUpdates caught that defect in 14 runs of 20 (20 of 20 on
// disk), TestConcurrentGroupUpdates an unsorted lock order in none of 12
// (4 of 12 on disk): their contention needs the longer saves.
func memDir(t testing.TB) string {
	t.Helper()
	return testlong.MemDir(t, "rolecall-storage-test")
}
