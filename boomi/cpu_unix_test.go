//go:build unix

package boomi

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used so far (user and
// system, all threads). Unlike wall time it does not grow while the
// process waits for a core on a busy machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
