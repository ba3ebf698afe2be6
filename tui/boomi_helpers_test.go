package tui

import (
	"fmt"
	"testing"

	"rolecall/model"
)

// liveRoles are Boomi's four built-in roles as getAssignableRoles lists
// them.
func liveRoles() []model.LiveRole {
	return []model.LiveRole{
		{ID: "b-admin", AccountID: model.BuiltinAccountID, Name: model.Administrator},
		{ID: "b-std", AccountID: model.BuiltinAccountID, Name: model.StandardUser},
		{ID: "b-ps", AccountID: model.BuiltinAccountID, Name: model.ProductionSupport},
		{ID: "b-sup", AccountID: model.BuiltinAccountID, Name: model.Support},
	}
}

// withCodes gives a (changed in place) a code for every privilege rolecall's
// table has none for, so that a plan never blocks on one.
func withCodes(a *model.Account) *model.Account {
	codes := model.CodeTable(a)
	for i, p := range model.AllPrivileges() {
		if _, ok := codes.Code(p); !ok {
			a.PrivilegeCodes = append(a.PrivilegeCodes, model.CodeRow{Code: fmt.Sprintf("TEST_CODE_%d", i), Privilege: p, Source: model.SourceFile})
		}
	}
	return a
}

// liveOf is Boomi's state once a is pushed to an account with only the
// built-in roles: the plan from nothing, applied as Boomi would (new
// objects get ids n1, n2, ...). It fails the test unless a plan made
// against the result is empty.
func liveOf(t testing.TB, a *model.Account) *model.Live {
	t.Helper()
	l := &model.Live{AccountID: "acme-1", Roles: liveRoles()}
	p := model.MakePlan(a, l)
	if len(p.Blocking) > 0 {
		t.Fatalf("blocking: %v", p.Blocking)
	}
	n := 0
	roleIDs, envIDs := map[string]string{}, map[string]string{}
	fill := func(id *string, ref string, ids map[string]string) {
		if ref != "" {
			got, ok := ids[ref]
			if !ok {
				t.Fatalf("a call refers to %q before it is created", ref)
			}
			*id = got
		}
	}
	for _, call := range p.Calls {
		n++
		id := fmt.Sprintf("n%d", n)
		switch call.Object + " " + call.Op {
		case "Role create":
			r := *call.Role
			r.ID, r.HasPrivileges = id, true
			fill(&r.ParentID, call.ParentRef, roleIDs)
			roleIDs[r.Name] = id
			l.Roles = append(l.Roles, r)
		case "Environment create":
			e := *call.Environment
			e.ID = id
			envIDs[e.Name] = id
			l.Environments = append(l.Environments, e)
		case "AccountUserRole create":
			ur := *call.UserRole
			ur.ID = id
			fill(&ur.RoleID, call.RoleRef, roleIDs)
			l.UserRoles = append(l.UserRoles, ur)
		case "EnvironmentRole create":
			er := *call.EnvRole
			er.ID = id
			fill(&er.RoleID, call.RoleRef, roleIDs)
			fill(&er.EnvironmentID, call.EnvRef, envIDs)
			l.EnvRoles = append(l.EnvRoles, er)
		default:
			t.Fatalf("unexpected call %s %s", call.Op, call.Object)
		}
	}
	if again := model.MakePlan(a, l); !again.Empty() {
		var lines []string
		for _, c := range again.Calls {
			lines = append(lines, c.Line)
		}
		t.Fatalf("Boomi's state made for the test does not match the account: %v %v", lines, again.Blocking)
	}
	return l
}
