package tui

import (
	"fmt"
	"strings"
	"testing"

	"rolecall/model"
)

func TestStateIsNotColourAlone(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2")
	h.selectUser("dana@example.com")
	h.keys("4")
	s := h.screen()
	for _, w := range []string{"> Pages and actions", "[ ] needs View Data", "[x] Execute from Cannot View Data", "hidden:", "full"} {
		if !strings.Contains(s, w) {
			t.Fatalf("missing %q in\n%s", w, s)
		}
	}
	h.keys("1")
	h.expect("[built-in] Administrator", "> [built-in] Administrator")
	_ = fmt.Sprint()
}
