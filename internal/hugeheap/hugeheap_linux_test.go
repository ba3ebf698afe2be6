package hugeheap

import (
	"syscall"
	"testing"
)

// Under an address-space limit (ulimit -v) the reservation counts in
// full: a 63 MiB file of comments made `check` die "out of memory" under
// ulimit -v 2.6 GB, which it answers without the reservation.
func TestProbeUnderAddressSpaceLimit(t *testing.T) {
	var was syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &was); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &was); err != nil {
			t.Fatal(err)
		}
	}()
	// Far above what the test uses, but a limit.
	lim := syscall.Rlimit{Cur: min(was.Max, 1<<46), Max: was.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
		t.Fatal(err)
	}
	if got := probe(); got.page != 0 {
		t.Errorf("under RLIMIT_AS %d, probe gives huge pages of %d bytes; want none", lim.Cur, got.page)
	}
}
