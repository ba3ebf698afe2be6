package tui

import (
	"testing"

	"rolecall/model"
)

func TestRefusalInsideFormKeepsIt(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("n")
	h.typeText("Support") // a built-in's name: R7
	h.keys("enter")
	h.expect("New custom role", "Refused (R7)")
	// Unticking a user's last role is refused with R10.
	h.keys("esc", "y", "2", "e", "tab")
	h.tick(model.Administrator)
	h.keys("enter")
	h.expect("Edit user", "Refused (R10)")
}
