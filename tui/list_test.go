package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// A key after enter acts on the rows the filter shows, even when the match
// (a command, off the input path) has not come back yet: typed fast, e
// used to edit the row the cursor was on before the filter.
func TestListEnterFinishesTheFilter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2")
	// Keys as a fast typist sends them: the filter's command is not run
	// before the next key arrives.
	for _, k := range []tea.Msg{keyMsg("/"), keyMsg("d"), keyMsg("a"), keyMsg("n"), keyMsg("a"), keyMsg("enter"), keyMsg("e")} {
		h.app.Update(k)
	}
	h.expect("Edit user dana@example.com")
}
