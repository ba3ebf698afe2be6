// Package testlong sizes the randomised, differential and hostile-input
// tests. `go test ./...` runs each of them at a size that keeps the whole
// suite within its budget (a few seconds); ROLECALL_LONG_TESTS=1 runs them
// at full size, as .ci/run does on every change.
package testlong

import (
	"flag"
	"os"
	"runtime/debug"
	"testing"
)

// Var is the environment variable that asks for the long tests.
const Var = "ROLECALL_LONG_TESTS"

// Enabled reports whether the tests run at full size.
func Enabled() bool {
	v := os.Getenv(Var)
	return v != "" && v != "0"
}

// N is quick in an ordinary run and long when the long tests are asked for.
func N(quick, long int) int {
	if Enabled() {
		return long
	}
	return quick
}

// Skip skips t unless the long tests are asked for: for a test whose every
// case is expensive and that another, quicker test covers in part.
func Skip(t testing.TB, why string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("long test (%s): run with %s=1", why, Var)
	}
}

// TuneGC lets the heap grow to five times what is live before the collector
// runs again (GOGC=400) in an ordinary run of a package's tests: their live
// heaps are small, and at the default the runtime collected every few
// megabytes of allocation, a third or more of some packages' CPU time. It
// is left alone when GOGC is set, when benchmarks run (the README's figures
// are at the default), and with the long tests (larger heaps). Call it from
// TestMain, after flag.Parse.
func TuneGC() {
	if _, set := os.LookupEnv("GOGC"); set || Enabled() {
		return
	}
	if b := flag.Lookup("test.bench"); b != nil && b.Value.String() != "" {
		return
	}
	debug.SetGCPercent(400)
}

// Main is a package's TestMain when it needs nothing else: the tests run
// with TuneGC.
func Main(m *testing.M) {
	flag.Parse()
	TuneGC()
	os.Exit(m.Run())
}
