package model

import (
	"reflect"
	"testing"
)

// NewViolations looks only at the users an edit can change
// (sodUnchanged); over many kinds of edit on a messy account with rules
// of every scope, it must find exactly what a scan of every user finds.
func TestNewViolationsShortcutMatchesFullScan(t *testing.T) {
	t.Parallel()
	a := Messy(600, 80, 20, 3, MessyOptions{})
	a.SeparationOfDuties = sodBenchRules()
	a.Normalize()
	if ps := Validate(a).Errors(); len(ps) > 0 {
		t.Fatal(ps[0])
	}
	res := NewResolver(a)
	ops := benchEditOps(a, res, 80)
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
	if checked < 50 || shortcut < 20 {
		t.Fatalf("fixture: %d edits checked, %d of them with the shortcut; want at least 50 and 20", checked, shortcut)
	}
}
