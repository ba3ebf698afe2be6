package testcost

import (
	"testing"
	"time"
)

var sink []byte

func TestAllocatedAndCPU(t *testing.T) {
	if n := Allocated(func() { sink = make([]byte, 1<<20) }); n < 1<<20 || n > 2<<20 {
		t.Errorf("a 1 MiB slice: %d bytes allocated", n)
	}
	start := CPU()
	for deadline := time.Now().Add(30 * time.Millisecond); time.Now().Before(deadline); {
	}
	if d := CPU() - start; d <= 0 {
		t.Errorf("30 ms of spinning used %s of CPU", d)
	}
}
