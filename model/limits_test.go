package model

import (
	"fmt"
	"strings"
	"testing"
)

// Issue 8 D: one length limit per field, in characters, enforced as an
// error that names the field, its length and the limit, in files (Validate)
// and in edits (Apply).
func TestFieldLengthLimits(t *testing.T) {
	t.Parallel()
	x := strings.Repeat
	base := func() *Account {
		return acctOn([]Role{role("Ops", "")}, []User{user("ada@example.com", "Ops")}, env("Production"))
	}
	tests := []struct {
		name  string
		edit  func(a *Account)
		rule  string
		want  string // "" when valid
		apply Op     // the same through an edit, when there is one
	}{
		{"description at the limit", func(a *Account) { a.Roles[0].Description = x("é", MaxDescription) }, "", "", SetDescription{Role: "Ops", To: x("é", MaxDescription)}},
		{"description over the limit", func(a *Account) { a.Roles[0].Description = x("d", 10000) },
			"R5", fmt.Sprintf("has a description of 10000 characters; at most %d are allowed", MaxDescription), AddRole{Name: "X", Description: x("d", 10000)}},
		{"description one over, multibyte", func(a *Account) { a.Roles[0].Description = x("é", MaxDescription+1) },
			"R5", "description of 1001 characters", SetDescription{Role: "Ops", To: x("é", MaxDescription+1)}},
		{"display name at the limit", func(a *Account) { a.Users[0].Name = x("ü", MaxUserName) }, "", "", nil},
		{"display name over the limit", func(a *Account) { a.Users[0].Name = x("n", MaxUserName+1) },
			"R10", fmt.Sprintf("has a display name of %d characters; at most %d are allowed", MaxUserName+1, MaxUserName), AddUser{Email: "bo@example.com", Name: x("n", MaxUserName+1), Roles: []string{"Ops"}}},
		// Before, a display name was limited to 4*MaxUserName bytes: 201
		// ASCII characters passed.
		{"display name 201 ASCII characters", func(a *Account) { a.Users[0].Name = x("n", 201) }, "R10", "display name of 201 characters", nil},
		{"email at the limit", func(a *Account) { a.Users[0].Email = x("a", MaxEmail-12) + "@example.com" }, "", "", nil},
		{"email over the limit", func(a *Account) { a.Users[0].Email = x("a", MaxEmail-11) + "@example.com" },
			"R10", fmt.Sprintf("is %d characters long; at most %d are allowed", MaxEmail+1, MaxEmail), AddUser{Email: x("a", MaxEmail-11) + "@example.com", Roles: []string{"Ops"}}},
		// Before, an email was limited in bytes: 254 characters of two
		// bytes each were refused.
		{"multibyte email at the limit", func(a *Account) { a.Users[0].Email = x("é", MaxEmail-12) + "@example.com" }, "", "", nil},
		{"role name over the limit", func(a *Account) { a.Roles = append(a.Roles, role(x("r", MaxRoleName+1), "")) },
			"R7", fmt.Sprintf("role name %q is %d characters long; at most %d are allowed", x("r", 37)+"...", MaxRoleName+1, MaxRoleName), AddRole{Name: x("r", MaxRoleName+1)}},
		{"environment name over the limit", func(a *Account) { a.Environments = append(a.Environments, env(x("e", MaxEnvironmentName+1))) },
			"R7", fmt.Sprintf("is %d characters long; at most %d are allowed", MaxEnvironmentName+1, MaxEnvironmentName), AddEnvironment{Name: x("e", MaxEnvironmentName+1), Classification: Test}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base()
			tt.edit(a)
			ps := Validate(a)
			if tt.want == "" {
				if ps.HasErrors() {
					t.Fatalf("errors: %v", ps.Errors())
				}
			} else if !findProblem(ps, Error, tt.rule, tt.want) {
				t.Errorf("want %s error %q, got %v", tt.rule, tt.want, ps)
			}
			if tt.apply == nil {
				return
			}
			_, _, err := Apply(base(), tt.apply)
			if tt.want == "" {
				checkRefusal(t, err, "")
			} else {
				checkRefusal(t, err, tt.rule, tt.want)
			}
		})
	}
}

// The account's own name has a limit and the rules of names too; names and
// emails take no space but U+0020 (NBSP and U+3000 print as one).
func TestAccountNameAndUnusualSpaces(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		op   Op
		want string // "" : applies
	}{
		{"account name at the limit", RenameAccount{To: strings.Repeat("N", MaxAccountName)}, ""},
		{"account name over the limit", RenameAccount{To: strings.Repeat("N", 70000)}, "the account name is 70000 characters long"},
		{"account name with a bidi override", RenameAccount{To: "Acme\u202eX"}, `"Acme\u202eX" holds a control character`},
		{"account name with an escape", RenameAccount{To: "Acme\x1b[2J"}, "control character"},
		{"empty account name", RenameAccount{To: ""}, ""},
		{"email with NBSP", AddUser{Email: "u\u00a0y@example.com", Roles: []string{Support}}, "other than the ordinary space, U+00A0"},
		{"email with U+3000", AddUser{Email: "u\u3000x@example.com", Roles: []string{Support}}, "other than the ordinary space, U+3000"},
		{"role name with U+3000", AddRole{Name: "Night\u3000Shift"}, "other than the ordinary space, U+3000"},
		{"environment name with NBSP", AddEnvironment{Name: "Pre\u00a0Prod"}, "other than the ordinary space, U+00A0"},
		{"role name with an ordinary space and an accent", AddRole{Name: "Rôle de nuit"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Apply(Demo(), tc.op)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}
