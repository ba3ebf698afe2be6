package model

import (
	"reflect"
	"testing"

	"rolecall/internal/testlong"
)

// NewViolations looks only at the users an edit can change
// (sodUnchanged); over many kinds of edit on a messy account with rules
// of every scope, it must find exactly what a scan of every user finds.
//
// 40 of benchEditOps's edits and seven chosen ones, on 300 users, 40 roles
// and 10 environments, in go test ./... (80 edits on 600 users, 80 roles
// and 20 environments with ROLECALL_LONG_TESTS=1): a shortcut that
// ignores a change of a role's privileges, of an environment's Roles with
// Access, of how many roles a user holds, or a user it cannot find fails
// at both sizes (tried by breaking sodUnchanged; the full scan is most of
// the cost, which the smaller account halves).
func TestNewViolationsShortcutMatchesFullScan(t *testing.T) {
	t.Parallel()
	a := Messy(testlong.N(300, 600), testlong.N(40, 80), testlong.N(10, 20), 3, MessyOptions{})
	a.SeparationOfDuties = sodBenchRules()
	a.Normalize()
	if ps := Validate(a).Errors(); len(ps) > 0 {
		t.Fatal(ps[0])
	}
	res := NewResolver(a)
	ops := benchEditOps(a, res, testlong.N(40, 80))
	ops = append(ops,
		Assign{Email: a.Users[1].Email, Role: Administrator},
		Tick{Role: a.Roles[2].Name, Privilege: PackagedComponentDeployment},
		Tick{Role: a.Roles[5].Name, Privilege: UserManagement},
		Untick{Role: a.Roles[5].Name, Privilege: ViewAuditLogs},
		Allow{Environment: a.Environments[0].Name, Role: a.Roles[7].Name},
		SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, To: !a.AdvancedEnvironmentAccess},
		AddUser{Email: "new@x.com", Roles: []string{a.Roles[3].Name, a.Roles[9].Name}},
	)
	w := NewWorking(a)
	checked, shortcut := 0, 0
	for _, op := range ops {
		next, _, err := w.Apply(op)
		if err != nil {
			continue
		}
		before, after := w.Resolver(), next.Resolver()
		if sodUnchanged(before, after) != nil {
			shortcut++
		}
		got, want := NewViolations(before, after), newViolations(before, after, true)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: with the shortcut %d new sites, scanning everyone %d", op.Describe(), CountSites(got), CountSites(want))
		}
		checked++
	}
	if minChecked, minShortcut := testlong.N(25, 50), testlong.N(12, 20); checked < minChecked || shortcut < minShortcut {
		t.Fatalf("fixture: %d edits checked, %d of them with the shortcut; want at least %d and %d", checked, shortcut, minChecked, minShortcut)
	}
}
