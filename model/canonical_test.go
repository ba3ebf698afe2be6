package model

import (
	"reflect"
	"testing"
)

// Canonical applies the rules of saving (R2, R0, R9) and Normalize's order.
func TestCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   *Account
		want *Account
	}{
		{
			name: "empty lists are nil",
			in:   &Account{Name: "t", Roles: []Role{}, Users: []User{{Email: "a@x.com", Roles: []string{}}}, Environments: []Environment{}},
			want: &Account{Name: "t", Users: []User{{Email: "a@x.com"}}},
		},
		{
			name: "R2: a role named like a built-in role is left out",
			in:   &Account{Roles: []Role{{Name: "administrator", Privileges: []Privilege{Execute}}, {Name: "Ops"}}},
			want: &Account{Roles: []Role{{Name: "Ops"}}},
		},
		{
			name: "unknown privileges are left out",
			in:   &Account{Roles: []Role{{Name: "Ops", Privileges: []Privilege{0, Execute, Privilege(numPrivileges + 1)}}}},
			want: &Account{Roles: []Role{{Name: "Ops", Privileges: []Privilege{Execute}}}},
		},
		{
			name: "references are spelled as the role is; a reference to no role is kept",
			in: &Account{
				Roles:        []Role{{Name: "Ops", Inherits: "SUPPORT"}, {Name: "Sub", Inherits: "ops"}, {Name: "Lost", Inherits: "Nowhere"}},
				Users:        []User{{Email: "a@x.com", Roles: []string{"OPS", "standard user"}}},
				Environments: []Environment{{Name: "Prod", Classification: Production, RolesWithAccess: []string{"sub", "Ghost"}}},
			},
			want: &Account{
				Roles:        []Role{{Name: "Lost", Inherits: "Nowhere"}, {Name: "Ops", Inherits: Support}, {Name: "Sub", Inherits: "Ops"}},
				Users:        []User{{Email: "a@x.com", Roles: []string{"Ops", StandardUser}}},
				Environments: []Environment{{Name: "Prod", Classification: Production, RolesWithAccess: []string{"Ghost", "Sub"}}},
			},
		},
		{
			name: "sorted as shown, each privilege once (R9: a repeat is kept once)",
			in: &Account{
				Roles: []Role{{Name: "b", Privileges: []Privilege{ViewData, Execute, ViewData}}, {Name: "A"}},
				Users: []User{{Email: "z@x.com", Roles: []string{"b", "A"}}, {Email: "a@x.com", Roles: []string{"A"}}},
			},
			want: &Account{
				Roles: []Role{{Name: "A"}, {Name: "b", Privileges: []Privilege{Execute, ViewData}}},
				Users: []User{{Email: "a@x.com", Roles: []string{"A"}}, {Email: "z@x.com", Roles: []string{"A", "b"}}},
			},
		},
		{
			name: "R9: a tick the parent grants, through its own chain too, is dropped",
			in: &Account{AdvancedUserSecurity: true, Roles: []Role{
				{Name: "G", Privileges: []Privilege{Licensing}},
				{Name: "P", Inherits: "G", Privileges: []Privilege{Execute}},
				{Name: "C", Inherits: "P", Privileges: []Privilege{Execute, Licensing, APIAccess}},
				{Name: "S", Inherits: Support, Privileges: []Privilege{ViewData, Dashboard}},
			}},
			want: &Account{AdvancedUserSecurity: true, Roles: []Role{
				{Name: "C", Inherits: "P", Privileges: []Privilege{APIAccess}},
				{Name: "G", Privileges: []Privilege{Licensing}},
				{Name: "P", Inherits: "G", Privileges: []Privilege{Execute}},
				{Name: "S", Inherits: Support, Privileges: []Privilege{Dashboard}},
			}},
		},
		{
			name: "R9 (decision): a tick the parent only covers under R4 is kept",
			in: &Account{Roles: []Role{
				{Name: "P", Privileges: []Privilege{BuildReadWrite, RuntimeManagement}},
				{Name: "C", Inherits: "P", Privileges: []Privilege{BuildRead, RuntimeManagementRead}},
				{Name: "E", Inherits: Administrator, Privileges: []Privilege{EnvironmentRead}},
			}},
			want: &Account{Roles: []Role{
				{Name: "C", Inherits: "P", Privileges: []Privilege{BuildRead, RuntimeManagementRead}},
				{Name: "E", Inherits: Administrator, Privileges: []Privilege{EnvironmentRead}},
				{Name: "P", Privileges: []Privilege{BuildReadWrite, RuntimeManagement}},
			}},
		},
		{
			name: "R6: ticks in or below a cycle, or of a role inheriting itself, are kept",
			in: &Account{Roles: []Role{
				{Name: "A", Inherits: "B", Privileges: []Privilege{Execute}},
				{Name: "B", Inherits: "A", Privileges: []Privilege{Execute}},
				{Name: "C", Inherits: "A", Privileges: []Privilege{Execute}},
				{Name: "D", Inherits: "d", Privileges: []Privilege{Execute}},
			}},
			want: &Account{Roles: []Role{
				{Name: "A", Inherits: "B", Privileges: []Privilege{Execute}},
				{Name: "B", Inherits: "A", Privileges: []Privilege{Execute}},
				{Name: "C", Inherits: "A", Privileges: []Privilege{Execute}},
				{Name: "D", Inherits: "D", Privileges: []Privilege{Execute}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.in.Clone()
			got := Canonical(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Canonical =\n %+v\nwant\n %+v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.in.Clone(), before) {
				t.Errorf("Canonical changed its argument: %+v", tt.in)
			}
			if again := Canonical(got); !reflect.DeepEqual(again, got) {
				t.Errorf("Canonical is not idempotent:\n %+v\nthen\n %+v", got, again)
			}
		})
	}
}
