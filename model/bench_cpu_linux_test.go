//go:build linux

package model

import (
	"runtime"
	"syscall"
	"testing"
)

// benchCPU reports, besides ns/op (wall clock), the CPU time the
// benchmark's own thread spent per op ("cpu-ns/op"): on a shared, busy
// machine wall time also counts time waiting for a core, CPU time does
// not (work on other threads, such as most of the GC, is left out).
// Call it after setup; it resets the timer. Call the returned func at the
// end of the benchmark.
func benchCPU(b *testing.B) func() {
	runtime.LockOSThread()
	start := threadCPU()
	b.ResetTimer()
	return func() {
		b.StopTimer()
		d := threadCPU() - start
		runtime.UnlockOSThread()
		b.ReportMetric(float64(d)/float64(b.N), "cpu-ns/op")
	}
}

func threadCPU() int64 {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
