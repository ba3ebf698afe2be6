package model

import (
	"slices"
	"strings"
	"testing"
)

// danglingAccount has users who hold a role that does not exist (an
// account validation refuses, R5, which the TUI still shows read-only).
func danglingAccount() *Account {
	a := &Account{Name: "Acme", AdvancedUserSecurity: true,
		Roles: []Role{{Name: "Ops", Privileges: []Privilege{Execute}}},
		Users: []User{
			{Email: "dana@x.com", Roles: []string{"Ghost"}},
			{Email: "eve@x.com", Roles: []string{"Ghost", "Ops"}},
			{Email: "fay@x.com", Roles: []string{""}},
			{Email: "gus@x.com", Roles: []string{"Ops"}},
		},
	}
	a.Normalize()
	return a
}

// A dangling role is named wherever the preview says which roles a user
// holds: never a blank, never "holds no role".
func TestPreviewNamesDanglingRoles(t *testing.T) {
	t.Parallel()
	r := NewResolver(danglingAccount())
	tests := []struct {
		user     string
		missing  []string
		heldNone string
	}{
		{"dana@x.com", []string{"Ghost"}, `held by none of: "Ghost" (no such role)`},
		{"eve@x.com", []string{"Ghost"}, `held by none of: Ops, "Ghost" (no such role)`},
		{"fay@x.com", []string{""}, `held by none of: "" (no such role)`},
		{"gus@x.com", nil, "held by none of: Ops"},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			u := r.User(tt.user)
			if got := r.MissingRoles(u); !slices.Equal(got, tt.missing) {
				t.Errorf("MissingRoles = %q, want %q", got, tt.missing)
			}
			pv := r.Preview(u)
			if !slices.Equal(pv.MissingRoles, tt.missing) {
				t.Errorf("Preview.MissingRoles = %q, want %q", pv.MissingRoles, tt.missing)
			}
			if got := r.heldByNone(u); got != tt.heldNone {
				t.Errorf("heldByNone = %q, want %q", got, tt.heldNone)
			}
			for _, p := range pv.Pages {
				if strings.Contains(p.Reason, "holds no role") || strings.Contains(p.Reason, "none of: )") || strings.Contains(p.Reason, "none of: ,") {
					t.Errorf("page %s: reason %q hides the held role", p.Page, p.Reason)
				}
			}
		})
	}
}

// A user who really holds no role (an account validation refuses, R10)
// is still said to hold none.
func TestHeldByNoneWithoutRoles(t *testing.T) {
	t.Parallel()
	a := &Account{Name: "Acme", Users: []User{{Email: "nobody@x.com"}}}
	r := NewResolver(a)
	if got := r.heldByNone(0); got != "the user holds no role" {
		t.Errorf("heldByNone = %q", got)
	}
	if got := r.MissingRoles(0); got != nil {
		t.Errorf("MissingRoles = %q, want nil", got)
	}
}
