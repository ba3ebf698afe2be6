package tui

import (
	"strings"
	"testing"

	"rolecall/model"
)

func TestPreviewExplainsPrivilegeChain(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.keys("2")
	h.selectUser("rita@example.com")
	h.keys("4")
	// Find the privilege Execute and explain it.
	h.keys("/")
	h.typeText("Execute from")
	h.keys("enter")
	h.moveTo("Execute", 20)
	h.keys("enter")
	h.expect("Explain: Execute", "Read Only Runtime Management (via Support)", "Read Only Runtime Management → Support")
	h.keys("esc")
	h.expect("[4 Preview]")
	h.expectNot("Explain: Execute")
}

// R4 in the explanation: a role that grants a privilege only through one
// covering it is named with that privilege, not as ticking it.
func TestPreviewExplainsCoveringSource(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 40)
	h.keys("2")
	h.selectUser("kai@example.com")
	h.keys("4", "/")
	h.typeText("Runtime Management Read Access")
	h.keys("enter")
	h.moveTo("Runtime Management Read Access", 20)
	h.keys("enter")
	h.expect("Explain: Runtime Management Read Access",
		"Standard User (built-in) has it",
		"Read-Only Environment Management ticks Runtime Management, which covers it (R4)")
	h.expectNot("covered by Runtime Management")
}

// An environment whose only decision is a deploy by write access alone (an
// open one, so R15 plays no part) says so, and does not blame R15.
func TestPreviewEnvironmentDeployDecision(t *testing.T) {
	a := &model.Account{
		Name: "Small", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Roles:        []model.Role{{Name: "Env Admins", Privileges: []model.Privilege{model.EnvironmentManagement, model.RuntimeManagement}}},
		Users:        []model.User{{Email: "ann@example.com", Roles: []string{"Env Admins"}}},
		Environments: []model.Environment{{Name: "Dev", Classification: model.Test}},
	}
	a.Normalize()
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(200, 60)
	h.keys("2")
	h.selectUser("ann@example.com")
	h.keys("4")
	h.expect("Deploy", "[x] can deploy to Dev through write access alone (R18, decision)")
	h.previewTo("Dev")
	h.expect("Deploy: allowed: write access, without", "Packaged Component Deployment (R18, decision)", "without Scheduling (R18);", "relies on a product decision: see the reasons")
	h.expectNot("product decision: R15")
}

// The preview's Schedule Processes row agrees with the
// environment rows for a Write and Read Environment holder.
func TestPreviewScheduleAgreesWithEnvironments(t *testing.T) {
	h := newHarness(t, Options{}, &memStore{acct: model.Demo()})
	h.size(120, 60)
	h.keys("2")
	h.selectUser("wren@example.com")
	h.keys("4")
	h.expect("As wren@example.com")
	h.expect("Schedule Processes")
	s := h.screen()
	envSched := strings.Contains(s, "schedule")
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Schedule Processes") && strings.Contains(l, "[ ]") && envSched {
			t.Fatalf("Schedule Processes refused beside environments that schedule:\n%s", s)
		}
	}
}

// A user's role that does not exist is named in the preview.
func TestDanglingRoleNamedInPreview(t *testing.T) {
	a := smallAccount()
	a.Users[1].Roles = []string{"Ghost"}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(200, 40)
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("4")
	h.expect(`held by none of: "Ghost" (no such role)`)
}

// Found while testing the fixes of the old main: the preview's header says "roles: none" for
// a user whose only role does not exist.
func TestDanglingRoleNamedInPreviewHeader(t *testing.T) {
	a := smallAccount()
	a.Users[1].Roles = []string{"Ghost"}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(200, 40)
	h.keys("2")
	h.selectUser("eve@example.com")
	h.keys("4")
	h.expect(`As eve@example.com Eve - roles: "Ghost" (no such role)`)
}
