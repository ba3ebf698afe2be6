package tui

import (
	"testing"

	"rolecall/model"
)

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
