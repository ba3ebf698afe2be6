package cli

import (
	"testing"

	"rolecall/internal/testlong"
)

// MemDir is a new directory, removed when t ends, for account files whose
// saves a test makes on its way to what it checks: in memory (tmpfs,
// /dev/shm, where there is one) in an ordinary run, on disk (t.TempDir)
// with ROLECALL_LONG_TESTS=1, so that .ci/run keeps every save on disk.
//
// Each save syncs the file, its backup, the audit trail and the directory,
// and a push syncs its journal at each call: some 1,500 syncs in this
// package's tests. On this project's VM a sync to disk takes 0.5 to 7 ms,
// more when other processes write, and the in-process runs hold procMu
// meanwhile, so a run waiting on the disk holds up every other: about
// half the package's wall time. On tmpfs the product makes the same calls
// (the same files, renames and syncs) and they return at once; what the
// tests check is what the files hold, never that a sync reached the disk.
//
// Not for a report written into the directory: rolecall writes no report
// under /dev (storage.SystemPath).
func MemDir(t testing.TB) string {
	t.Helper()
	if testlong.Enabled() {
		return t.TempDir()
	}
	return testlong.MemDir(t, "rolecall-cli-test")
}
