//go:build !race

package tui

import (
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// A keypress on the Users tab of a 10,000-user account, Update and View,
// stays within 2 ms at 80x24 and at 200x60 (the median of 400 presses, so
// that a busy machine does not make it flaky). Measuring widths with
// ansi.StringWidth on every cell put 200x60 at 6-10 ms.
func TestUsersKeypressWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	a := bigAccount(10000)
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		app, err := newApp(Options{Path: "big.toml"}, &memStore{acct: a})
		if err != nil {
			t.Fatal(err)
		}
		app.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		app.Update(keyMsg("2"))
		app.View()
		var took []time.Duration
		for i := range 400 {
			k := keyMsg("down")
			if i%200 >= 100 {
				k = keyMsg("up")
			}
			start := time.Now()
			app.Update(k)
			_ = app.View()
			took = append(took, time.Since(start))
		}
		slices.Sort(took)
		if med := took[len(took)/2]; med > 2*time.Millisecond {
			t.Errorf("%dx%d: median keypress %v, budget 2ms", sz[0], sz[1], med)
		} else {
			t.Logf("%dx%d: median keypress %v", sz[0], sz[1], med)
		}
	}
}
