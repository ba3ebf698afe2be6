package storage

import (
	"os"
	"path/filepath"
	"testing"

	"rolecall/model"
)

// goodAccount is a realistic account without validation errors: custom
// roles inheriting built-ins and each other, users, and environments with
// Roles with Access.
func goodAccount() *model.Account {
	return &model.Account{
		Name:                      "Acme Integration",
		AdvancedUserSecurity:      true,
		AdvancedEnvironmentAccess: true,
		Roles: []model.Role{
			{Name: "Write and Read Environment", Inherits: model.Support,
				Privileges: []model.Privilege{model.EnvironmentFull, model.RuntimeManagement}},
			{Name: "Cannot View Data", Description: "Runs processes without seeing documents",
				Privileges: []model.Privilege{model.ViewResults, model.Execute}},
			{Name: "Read-Only Environment Management", Inherits: model.Support,
				Privileges: []model.Privilege{model.EnvironmentRead, model.RuntimeManagement}},
			{Name: "Release Managers", Description: "Deploy and schedule", Inherits: "Write and Read Environment",
				Privileges: []model.Privilege{model.PackagedComponentDeployment, model.Scheduling}},
		},
		Users: []model.User{
			{Email: "sam@example.com", Name: "Sam", Roles: []string{"Release Managers"}},
			{Email: "dana@example.com", Name: "Dana Ortiz", Roles: []string{"Cannot View Data"}},
			{Email: "lee@example.com", Roles: []string{"Read-Only Environment Management", model.Support}},
			{Email: "wren@example.com", Roles: []string{"Write and Read Environment"}},
			{Email: "admin@example.com", Name: "Ada Admin", Roles: []string{model.Administrator}},
		},
		Environments: []model.Environment{
			{Name: "Production", Classification: model.Production, RolesWithAccess: []string{"Release Managers", "Read-Only Environment Management"}},
			{Name: "Development", Classification: model.Test},
			{Name: "Test", Classification: model.Test, RolesWithAccess: []string{"Write and Read Environment", "Read-Only Environment Management"}},
		},
	}
}

func mustValid(t *testing.T, a *model.Account) {
	t.Helper()
	if errs := model.Validate(a).Errors(); len(errs) > 0 {
		t.Fatalf("account has errors: %v", errs)
	}
}

// writeFile writes data to name in a new temporary directory, returning
// the path.
func writeFile(t *testing.T, name string, data []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
