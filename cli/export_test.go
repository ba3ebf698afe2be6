package cli

import "time"

// SetPushLockWait sets how long push waits for another rolecall's lock on
// the file (0: storage.DefaultLockWait) and returns the wait it replaces.
func SetPushLockWait(d time.Duration) time.Duration {
	old := pushLockWait
	pushLockWait = d
	return old
}

// RecordGCPercent makes the collector's pace, as oneOffGC and writingGC
// set it, recorded instead of set, and returns the values set so far and
// what puts the real setting back. Not for parallel tests.
func RecordGCPercent() (set func() []int, restore func()) {
	old := setGCPercent
	var got []int
	setGCPercent = func(p int) int { got = append(got, p); return 100 }
	return func() []int { return got }, func() { setGCPercent = old }
}
