package tui

import (
	"testing"

	"rolecall/model"
)

// The switches' dialogs and the environments' footer say what the model
// says (model.SwitchEffect, model.AccessSummary), for both switches, on
// and off. A dialog is narrower than the screen: its text is looked for
// up to where it may wrap.
func TestSwitchAndAccessTextsComeFromTheModel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(220, 50)
	h.keys("3")
	h.expect(model.AccessSummary(model.Demo().Environments[0]))
	h.keys("5", "a")
	h.expect("Turn Advanced Environment Access off?", head(model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, false)))
	h.keys("y")
	h.expect("Now: " + model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, false))
	h.keys("a")
	h.expect("Turn Advanced Environment Access on?", head(model.SwitchEffect(model.SwitchAdvancedEnvironmentAccess, true)))
	h.keys("n")
	// The demo's users hold Support: turning AUS off is refused, under R3.
	h.keys("u")
	h.expect("Refused (R3)")

	a := &model.Account{AdvancedUserSecurity: true, Users: []model.User{{Email: "ada@example.com", Roles: []string{model.Administrator}}}}
	h = newHarness(t, Options{}, &memStore{acct: a})
	h.size(220, 50)
	h.keys("5", "u")
	h.expect("Turn Advanced User Security off?", head(model.SwitchEffect(model.SwitchAdvancedUserSecurity, false)))
	h.keys("y")
	h.expect("Now: " + model.SwitchEffect(model.SwitchAdvancedUserSecurity, false))
	h.keys("u")
	h.expect("Turn Advanced User Security on?", head(model.SwitchEffect(model.SwitchAdvancedUserSecurity, true)))
}

func head(s string) string { return s[:min(len(s), 60)] }

// Turning a switch over opens its dialog at once; who gains or loses what
// is worked out off the input path and comes back to that dialog (by id):
// at 10,000 users the diff takes milliseconds, more than a keypress may.
func TestSwitchWhatIfComesBackToItsDialog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(100, 40)
	h.keys("5")
	_, cmd := h.app.Update(keyMsg("a"))
	h.expect("Turn Advanced Environment Access off?", "Working out who gains or loses what...")
	h.expectNot("wren@example.com")
	// A key meanwhile still reaches the dialog: it scrolls, nothing else.
	h.keys("down")
	h.run(cmd, 0)
	h.expect("Turn Advanced Environment Access off?", "What changes, for whom:", "wren@example.com can no longer deploy to Production")
	h.expectNot("Working out who gains or loses what...")
	h.keys("y")
	h.expect("UNSAVED", "[ ] Advanced Environment Access")
}
