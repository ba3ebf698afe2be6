package cli

import "time"

// SetPushLockWait sets how long push waits for another rolecall's lock on
// the file (0: storage.DefaultLockWait) and returns the wait it replaces.
func SetPushLockWait(d time.Duration) time.Duration {
	old := pushLockWait
	pushLockWait = d
	return old
}
