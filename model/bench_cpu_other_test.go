//go:build !linux

package model

import "testing"

// benchCPU reports CPU time per op on Linux only; elsewhere it resets the timer.
func benchCPU(b *testing.B) func() {
	b.ResetTimer()
	return func() {}
}
