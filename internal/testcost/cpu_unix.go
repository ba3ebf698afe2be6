//go:build unix

package testcost

import (
	"syscall"
	"time"
)

// CPU is the CPU time the process has used so far (user and system, all
// threads, not children).
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
