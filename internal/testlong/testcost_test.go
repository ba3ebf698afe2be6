package testlong

// testcost's own test lives here, so that `go test ./...` links one test
// binary for the two small helper packages instead of two.

import (
	"testing"
	"time"

	"rolecall/internal/testcost"
)

var costSink []byte

func TestAllocatedAndCPU(t *testing.T) {
	if n := testcost.Allocated(func() { costSink = make([]byte, 1<<20) }); n < 1<<20 || n > 2<<20 {
		t.Errorf("a 1 MiB slice: %d bytes allocated", n)
	}
	start := testcost.CPU()
	for deadline := time.Now().Add(30 * time.Millisecond); time.Now().Before(deadline); {
	}
	if d := testcost.CPU() - start; d <= 0 {
		t.Errorf("30 ms of spinning used %s of CPU", d)
	}
}
