package storage

import (
	"testing"
	"time"
)

// A held lock is tried again soon at first (a save holds it for tens of
// milliseconds), then every 25 ms.
func TestLockPauseBacksOff(t *testing.T) {
	want := []time.Duration{1, 2, 4, 8, 16, 25, 25, 25}
	for try, w := range want {
		if got := lockPause(try); got != w*time.Millisecond {
			t.Errorf("pause after try %d: %s, want %s", try, got, w*time.Millisecond)
		}
	}
	if got := lockPause(1 << 20); got != 25*time.Millisecond {
		t.Errorf("pause after many tries: %s", got)
	}
}
