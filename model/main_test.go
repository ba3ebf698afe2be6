package model

import (
	"testing"

	"rolecall/internal/testlong"
)

// TestMain runs the tests at GOGC=400 (testlong.TuneGC): at the default the
// collector was some 40% of the package's CPU time (4.1 s -> 2.5 s of CPU
// for go test ./model; peak resident memory 25 MB -> 50 MB).
//
// The tests run in parallel (t.Parallel), but for those that measure the
// process's allocations or heap (AllocsPerRun, testcost.Allocated,
// ReadMemStats) or bound a wall time: those run first, alone, as
// another test's allocations would count in theirs.
func TestMain(m *testing.M) { testlong.Main(m) }
