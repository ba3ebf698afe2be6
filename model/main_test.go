package model

import (
	"flag"
	"os"
	"runtime/debug"
	"testing"

	"rolecall/internal/testlong"
)

// TestMain lets the heap grow to five times what is live before the
// collector runs again (GOGC=400) in an ordinary run of the tests. Their
// live heap is small (peak resident memory 25 MB), and at the default the
// runtime collected every few megabytes of allocation: some 40% of the
// package's CPU time (4.1 s -> 2.5 s of CPU for go test ./model, the peak
// resident memory 25 MB -> 50 MB). Left as it is when GOGC is set, when
// benchmarks run (their figures in the README are at the default) and
// with ROLECALL_LONG_TESTS=1 (10,000-user accounts, a larger heap).
func TestMain(m *testing.M) {
	flag.Parse()
	if _, set := os.LookupEnv("GOGC"); !set && !testlong.Enabled() {
		if b := flag.Lookup("test.bench"); b == nil || b.Value.String() == "" {
			debug.SetGCPercent(400)
		}
	}
	os.Exit(m.Run())
}
