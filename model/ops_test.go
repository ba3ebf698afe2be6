package model

import (
	"slices"
	"strings"
	"testing"
)

// R8, R12: every edit that empties a restricted environment's list reports
// it in Outcome.Widened, whichever edit it is.
func TestApplyReportsWidening(t *testing.T) {
	tests := []struct {
		name string
		op   Op
		want []string
	}{
		{"R8 remove the only listed role", RemoveRole{Name: "Lonely"}, []string{"Staging"}},
		{"R12 disallow the last role", Disallow{Environment: "Staging", Role: "Lonely"}, []string{"Staging"}},
		{"R13 disallow one of two keeps it restricted", Disallow{Environment: "Production", Role: "Write and Read Environment"}, nil},
		{"allow restricts, never widens", Allow{Environment: "Development", Role: Support}, nil},
		{"unrelated edit", AddUser{Email: "new@example.com", Roles: []string{Support}}, nil},
	}
	base := Demo()
	base.Roles = append(base.Roles, Role{Name: "Lonely", Privileges: []Privilege{RuntimeManagement}})
	base.Environments = append(base.Environments, Environment{Name: "Staging", Classification: Test, RolesWithAccess: []string{"Lonely"}})
	base.Normalize()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out, err := Apply(base, tt.op)
			if err != nil {
				t.Fatalf("Apply(%s): %v", tt.op.Describe(), err)
			}
			if !slices.Equal(out.Widened, tt.want) {
				t.Errorf("Widened = %q, want %q", out.Widened, tt.want)
			}
		})
	}
}

// Names with control characters appear in refusals escaped once, as Go
// quoting writes them, never raw and never doubly escaped.
func TestRefusalQuotesNamesOnce(t *testing.T) {
	_, _, err := Apply(Demo(), Assign{Email: "ada@example.com", Role: "Ops\x1b[31m"})
	if err == nil {
		t.Fatal("assigning a role that does not exist was applied")
	}
	msg := err.Error()
	if strings.ContainsRune(msg, 0x1b) {
		t.Errorf("raw ESC in %q", msg)
	}
	if !strings.Contains(msg, `"Ops\x1b[31m"`) {
		t.Errorf("refusal %q does not quote the name once as \"Ops\\x1b[31m\"", msg)
	}
}
