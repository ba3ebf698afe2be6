package tui

import (
	"strings"
	"testing"

	"rolecall/model"
)

// A question answers y, n and esc: only y does it.
func TestDialogAnswersYesNoEsc(t *testing.T) {
	t.Parallel()
	st := &memStore{acct: model.Demo()}
	h := newHarness(t, Options{}, st)
	h.keys("5")
	for _, no := range []string{"esc", "n"} {
		h.keys("a")
		h.expect("Turn Advanced Environment Access off?", "y yes, do it", "n/esc no")
		h.keys(no)
		h.expectNot("Turn Advanced Environment Access off?", "UNSAVED")
	}
	// Other keys do nothing while it asks: no tab switch behind it.
	h.keys("a", "2", "q")
	h.expect("Turn Advanced Environment Access off?", "[5 Account]")
	if h.quit {
		t.Fatal("q behind a question quit")
	}
	h.keys("y")
	h.expect("UNSAVED", "Now: ")
}

// A dialog longer than the screen scrolls; its keys stay in view.
func TestLongDialogScrollsAndKeepsItsKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("?")
	first := h.screen()
	h.expect("Keys", "close")
	h.keys("pgdown")
	if h.screen() == first {
		t.Fatalf("pgdown did not scroll the help:\n%s", first)
	}
	h.expect("close")
	h.keys("end")
	h.expect("close")
	h.keys("esc")
	h.expectNot("Keys\n")
	if strings.Contains(h.screen(), "esc/enter close") {
		t.Fatalf("esc did not close the help:\n%s", h.screen())
	}
}
