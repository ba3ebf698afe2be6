package model

// Demo returns the demo account (interfaces.md §4): Boomi's documented
// custom-role scenarios as ready roles, a few users holding them, an open
// Development environment, and Test and Production restricted to some of
// them, with Advanced User Security and Advanced Environment Access on.
func Demo() *Account {
	a := &Account{
		Name:                      "Acme Integration (demo)",
		AdvancedUserSecurity:      true,
		AdvancedEnvironmentAccess: true,
		Roles: []Role{
			{Name: "Cannot View Data", Description: "Runs and re-runs processes without seeing document data",
				Privileges: []Privilege{Execute, ViewResults}},
			{Name: "Read Only Access to Build Page", Description: "Opens the Build page read-only: no Save",
				Privileges: []Privilege{BuildRead}},
			{Name: "Read Only Runtime Management", Description: "Runtime Management without Save, Delete or Restart",
				Inherits: Support, Privileges: []Privilege{RuntimeManagementRead}},
			{Name: "Read-Only Environment Management", Description: "Read access to the environments that list it; no Test Extensions edits",
				Inherits: Support, Privileges: []Privilege{EnvironmentRead, RuntimeManagement}},
			{Name: "Write and Read Environment", Description: "Edit, deploy and schedule on the environments that list it",
				Inherits: Support, Privileges: []Privilege{EnvironmentFull, RuntimeManagement}},
		},
		Users: []User{
			{Email: "ada@example.com", Name: "Ada Admin", Roles: []string{Administrator}},
			{Email: "bo@example.com", Name: "Bo Reviewer", Roles: []string{"Read Only Access to Build Page"}},
			{Email: "dana@example.com", Name: "Dana Ortiz", Roles: []string{"Cannot View Data"}},
			{Email: "kai@example.com", Name: "Kai Builder", Roles: []string{StandardUser, "Read-Only Environment Management"}},
			{Email: "oren@example.com", Name: "Oren Auditor", Roles: []string{"Read-Only Environment Management"}},
			{Email: "pat@example.com", Name: "Pat Oncall", Roles: []string{ProductionSupport}},
			{Email: "rita@example.com", Name: "Rita Runtime", Roles: []string{"Read Only Runtime Management"}},
			{Email: "sam@example.com", Name: "Sam Developer", Roles: []string{StandardUser}},
			{Email: "wren@example.com", Name: "Wren Release", Roles: []string{"Write and Read Environment"}},
		},
		Environments: []Environment{
			{Name: "Development", Classification: Test},
			{Name: "Production", Classification: Production, RolesWithAccess: []string{ProductionSupport, "Write and Read Environment"}},
			{Name: "Test", Classification: Test, RolesWithAccess: []string{"Read-Only Environment Management", "Write and Read Environment"}},
		},
	}
	a.Normalize()
	return a
}
