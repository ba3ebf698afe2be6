//go:build !unix

package boomi

import "time"

// processCPU stands in for the process's CPU time where it is not read:
// wall time, which also counts waiting for a core.
func processCPU() time.Duration { return time.Duration(time.Now().UnixNano()) }
