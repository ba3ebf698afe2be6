package boomi

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"rolecall/boomi/boomitest"
	"rolecall/internal/testlong"
	"rolecall/model"
)

// push applies p's calls in order, resolving references from the ids
// earlier creates returned: what the push command does.
func push(t testing.TB, c *Client, p *model.Plan) {
	t.Helper()
	roleIDs, envIDs := map[string]string{}, map[string]string{}
	for _, call := range p.Calls {
		rc, err := IDs{Roles: roleIDs, Envs: envIDs}.Resolve(call)
		if err != nil {
			t.Fatal(err)
		}
		id, err := c.Apply(context.Background(), rc)
		if err != nil && !errors.Is(err, ErrAlreadyDeleted) {
			t.Fatalf("%s: %v", call.Line, err)
		}
		if call.Op == "create" && id == "" {
			t.Fatalf("%s: no id", call.Line)
		}
		switch call.Object + " " + call.Op {
		case "Role create":
			roleIDs[call.Role.Name] = id
		case "Environment create":
			envIDs[call.Environment.Name] = id
		}
	}
}

func TestRoundTrip(t *testing.T) {
	file := model.Demo()
	file.BoomiAccount = "acme-test"
	file.PrivilegeCodes = []model.CodeRow{{Code: "ENV_READ", Privilege: model.EnvironmentRead}, {Code: "ENV_FULL", Privilege: model.EnvironmentFull}}
	s := boomitest.NewServer(t, nil)
	c := newClient(s, nil)
	pulled, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := model.MakePlan(file, pulled)
	if len(p.Blocking) > 0 || len(p.Calls) == 0 {
		t.Fatalf("plan: %d calls, blocking %v", len(p.Calls), p.Blocking)
	}
	push(t, c, p)
	again, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if next := model.MakePlan(file, again); !next.Empty() {
		var lines []string
		for _, call := range next.Calls {
			lines = append(lines, call.Line)
		}
		t.Fatalf("after the push, another plan: %v %v", lines, next.Blocking)
	}
	im := model.Import(again, file, model.Switches{AdvancedUserSecurity: file.AdvancedUserSecurity, AdvancedEnvironmentAccess: file.AdvancedEnvironmentAccess})
	if im.HasErrors() {
		t.Fatalf("import: %v", im.Notes)
	}
	got, want := model.Canonical(im.Account), model.Canonical(file)
	for i := range got.Roles {
		got.Roles[i].ID = ""
	}
	for i := range got.Environments {
		got.Environments[i].ID = ""
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestResolve(t *testing.T) {
	call := model.Call{Op: "create", Object: "EnvironmentRole", RoleRef: "devs", EnvRef: "QA", EnvRole: &model.LiveEnvRole{}, Line: "+ x"}
	got, err := IDs{Roles: map[string]string{"Devs": "r1"}, Envs: map[string]string{"QA": "e1"}}.Resolve(call)
	if err != nil || got.EnvRole.RoleID != "r1" || got.EnvRole.EnvironmentID != "e1" || call.EnvRole.RoleID != "" {
		t.Fatalf("%+v %v (the original must not change)", got.EnvRole, err)
	}
	if _, err := (IDs{}).Resolve(call); err == nil || err.Error() != `+ x: role "devs" has no id: the call that creates it has not run or failed` {
		t.Fatalf("%v", err)
	}
	pc := model.Call{Op: "create", Object: "Role", ParentRef: "Base", Role: &model.LiveRole{Name: "Child"}}
	if got, err := (IDs{Roles: map[string]string{"Base": "r9"}}).Resolve(pc); err != nil || got.Role.ParentID != "r9" || pc.Role.ParentID != "" {
		t.Fatalf("%+v %v", got.Role, err)
	}
}

// bigLive is an account of users users holding one role each, 50 roles
// and 4 environments.
func bigLive(users int) *model.Live {
	l := &model.Live{AccountID: "acme-big", Roles: boomitest.BuiltinRoles()}
	for i := range 50 {
		l.Roles = append(l.Roles, model.LiveRole{ID: fmt.Sprintf("role-%02d", i), AccountID: "acme-big", Name: fmt.Sprintf("Role %02d", i), Codes: []string{"API", "BUILD"}, HasPrivileges: true})
	}
	for i := range 4 {
		l.Environments = append(l.Environments, model.LiveEnvironment{ID: fmt.Sprintf("env-%d", i), Name: fmt.Sprintf("Env %d", i), Classification: "PROD"})
		l.EnvRoles = append(l.EnvRoles, model.LiveEnvRole{ID: fmt.Sprintf("er-%d", i), EnvironmentID: fmt.Sprintf("env-%d", i), RoleID: "role-01"})
	}
	for i := range users {
		l.UserRoles = append(l.UserRoles, model.LiveUserRole{ID: fmt.Sprintf("aur-%05d", i), UserID: fmt.Sprintf("user%05d@acme.example", i), RoleID: fmt.Sprintf("role-%02d", i%50), FirstName: "U", LastName: fmt.Sprint(i)})
	}
	return l
}

func BenchmarkPull10k(b *testing.B) {
	s := boomitest.NewServer(b, bigLive(10000))
	var reqs int
	for b.Loop() {
		c := newClient(s, nil)
		live, err := c.Pull(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(live.UserRoles) != 10000 {
			b.Fatalf("%d links", len(live.UserRoles))
		}
		reqs = c.Requests()
	}
	b.ReportMetric(float64(reqs), "requests/pull")
	if reqs > 120 {
		b.Fatalf("%d requests per pull, over 120", reqs)
	}
}

func TestPull10kRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	// 10,000 users with the long tests, 2,000 otherwise: the requests are
	// a page of 100 users each and a few more (108 for 10,000), whatever
	// the size.
	users := testlong.N(2000, 10000)
	s := boomitest.NewServer(t, bigLive(users))
	c := newClient(s, nil)
	live, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(live.UserRoles) != users {
		t.Fatalf("%d links", len(live.UserRoles))
	}
	if c.Requests() > users/100+20 {
		t.Fatalf("%d requests", c.Requests())
	}
	t.Logf("%d requests", c.Requests())
}
