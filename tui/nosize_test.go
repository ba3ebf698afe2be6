package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// Bubble Tea sends a 0x0 size at start when its output is not a terminal,
// from a goroutine that can run after the terminal has reported its size
// in band, and resizes its renderer to each size it passes on: the app
// keeps the reported size and sends it again (the screen went blank, which
// made TestLoadingScreenCountsIgnoredKeys fail now and then). A 0x0 before
// any size is taken as it comes.
func TestZeroSizeAfterASizeIsIgnored(t *testing.T) {
	t.Parallel()
	app, err := newApp(Options{Path: "demo.toml"}, &memStore{acct: model.Demo()})
	if err != nil {
		t.Fatal(err)
	}
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, cmd := app.Update(tea.WindowSizeMsg{Width: 0, Height: 0})
	// The real size again, for Bubble Tea's renderer, which took the 0x0.
	if cmd == nil {
		t.Fatal("no size sent back after 0x0")
	}
	if m, ok := cmd().(tea.WindowSizeMsg); !ok || m.Width != 80 || m.Height != 24 {
		t.Fatalf("after 80x24 then 0x0 the app sent %#v, want the 80x24 again", m)
	}
	if got := app.View().Content; !strings.Contains(got, "Custom Roles") {
		t.Fatalf("after 80x24 then 0x0 the screen is:\n%s", got)
	}
	// A real size still replaces the last one.
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if lines := strings.Split(app.View().Content, "\n"); len(lines) != 30 {
		t.Errorf("after 100x30 the screen has %d lines", len(lines))
	}
}

// A real resize that lands between the 0x0 and the size sent again wins:
// the renderer took the older size of the echo, so the newer one is sent
// again in turn, and the screen keeps the newer size.
func TestResizeBeforeTheEchoWins(t *testing.T) {
	t.Parallel()
	app, err := newApp(Options{Path: "demo.toml"}, &memStore{acct: model.Demo()})
	if err != nil {
		t.Fatal(err)
	}
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, echo := app.Update(tea.WindowSizeMsg{Width: 0, Height: 0})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30}) // the user resizes
	_, again := app.Update(echo())                        // the echo of 80x24 arrives late
	if again == nil {
		t.Fatal("the late echo of 80x24 was taken: the renderer keeps the older size")
	}
	if m, ok := again().(tea.WindowSizeMsg); !ok || m.Width != 100 || m.Height != 30 {
		t.Fatalf("after a late echo the app sent %#v, want 100x30", m)
	}
	if lines := strings.Split(app.View().Content, "\n"); len(lines) != 30 {
		t.Errorf("after a late echo the screen has %d lines, want 30", len(lines))
	}
	// That answer's own echo is taken quietly.
	if _, cmd := app.Update(again()); cmd != nil {
		t.Error("the echo of the current size asked for another")
	}
}
