package boomi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"rolecall/boomi/boomitest"
	"rolecall/model"
)

const (
	emeaID = "a1b2c3d4-0000-4000-8000-0000000e0ea1"
	cvdID  = "7c1d2e3f-0000-4000-8000-00000000c0d1"
)

// TestReadGroupsJSONAndXML reads a primary with a group EMEA sharing one
// role with two member accounts and one group user, and Boomi's default
// group, from saved JSON and XML responses.
func TestReadGroupsJSONAndXML(t *testing.T) {
	var got []*model.Live
	for _, dir := range []string{"groups-json", "groups-xml"} {
		live, notes, err := ReadResponses([]string{filepath.Join("..", "testdata", "boomi", dir)})
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if len(notes) != 0 {
			t.Errorf("%s: notes %v", dir, notes)
		}
		if live.AccountID != "acme-primary-1" || len(live.AccountGroups) != 2 || len(live.GroupAccounts) != 2 || len(live.GroupUserRoles) != 1 {
			t.Fatalf("%s: account %q, %d groups, %d members, %d group users", dir, live.AccountID, len(live.AccountGroups), len(live.GroupAccounts), len(live.GroupUserRoles))
		}
		emea := live.AccountGroups[slices.IndexFunc(live.AccountGroups, func(g model.LiveAccountGroup) bool { return g.ID == emeaID })]
		want := model.LiveAccountGroup{ID: emeaID, AccountID: "acme-primary-1", Name: "EMEA", AlertLevel: "none", HasResources: true,
			Resources: []model.LiveResource{{ResourceID: cvdID, ResourceName: "Cannot View Data", ObjectType: "Role"}}}
		if !reflect.DeepEqual(emea, want) {
			t.Errorf("%s: the bulk GET's group (with Resources) must replace the query's:\n got %+v\nwant %+v", dir, emea, want)
		}
		if gu := live.GroupUserRoles[0]; gu != (model.LiveGroupUserRole{ID: "gAgur-gina", AccountGroupID: emeaID, UserID: "gina@example.com", RoleID: cvdID, FirstName: "Gina", LastName: "Lopez"}) {
			t.Errorf("%s: %+v", dir, gu)
		}
		got = append(got, live)

		im := model.Import(live, nil, model.Switches{AdvancedUserSecurity: true})
		if im.HasErrors() {
			t.Fatalf("%s: import: %v", dir, im.Notes)
		}
		wantGroups := []model.AccountGroup{{Name: "EMEA", ID: emeaID, SharedRoles: []string{"Cannot View Data"},
			Members: []model.GroupMember{{File: "emea-ops-2ZP.toml", BoomiAccount: "emea-ops-2ZP"}, {File: "emea-sales-7QX.toml", BoomiAccount: "emea-sales-7QX"}},
			Users:   []model.GroupUser{{Email: "gina@example.com", Name: "Gina Lopez", Roles: []string{"Cannot View Data"}}}}}
		if !reflect.DeepEqual(im.Account.Groups, wantGroups) {
			t.Errorf("%s: groups\n got %+v\nwant %+v", dir, im.Account.Groups, wantGroups)
		}
		var notes3 []string
		for _, n := range im.Notes {
			notes3 = append(notes3, n.String())
		}
		text := strings.Join(notes3, "\n")
		for _, w := range []string{
			`warning: AccountGroupAccount gAga-ops: member account "emea-ops-2ZP" of group "EMEA" is expected in "emea-ops-2ZP.toml"`,
			`warning: AccountGroupAccount gAga-sales: member account "emea-sales-7QX" of group "EMEA" is expected in "emea-sales-7QX.toml"`,
			`warning: AccountGroup a1b2c3d4-0000-4000-8000-00000000a11a: group "All Accounts" is Boomi's default group`,
		} {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no note %q in\n%s", dir, w, text)
			}
		}
	}
	if !reflect.DeepEqual(got[0].Sorted(), got[1].Sorted()) {
		t.Fatalf("JSON and XML differ:\n%+v\n%+v", got[0].Sorted(), got[1].Sorted())
	}
	if got[0].Fingerprint() != got[1].Fingerprint() {
		t.Fatal("JSON and XML fingerprints differ")
	}
}

func TestReadGroupsQueryOnly(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "g.json", `{"@type":"QueryResult","numberOfResults":1,"result":[{"@type":"AccountGroup","id":"g1","accountId":"acc","name":"EMEA","defaultGroup":false}]}`)
	write(t, dir, "m.json", `{"@type":"QueryResult","result":[{"accountGroupId":"g1","accountId":"m1"},{"accountGroupId":"g1","userId":"a@x.example","roleId":"r1"}]}`)
	live, notes, err := ReadResponses([]string{dir})
	if err != nil || len(notes) != 0 {
		t.Fatal(err, notes)
	}
	if live.AccountID != "acc" || len(live.AccountGroups) != 1 || live.AccountGroups[0].HasResources || len(live.GroupAccounts) != 1 || len(live.GroupUserRoles) != 1 {
		t.Fatalf("%+v", live)
	}
	im := model.Import(live, nil, model.Switches{})
	if !im.HasErrors() || !strings.Contains(fmt.Sprint(im.Notes), "read by a query only") {
		t.Fatalf("%v", im.Notes)
	}
}

// pushAll applies p's calls as the push command does, with the ids of the
// roles, environments and groups earlier calls created.
func pushAll(t testing.TB, c *Client, p *model.Plan) {
	t.Helper()
	ids := IDs{Roles: map[string]string{}, Envs: map[string]string{}, Groups: map[string]string{}}
	for _, call := range p.Calls {
		rc, err := ids.Resolve(call)
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
			ids.Roles[call.Role.Name] = id
		case "Environment create":
			ids.Envs[call.Environment.Name] = id
		case "AccountGroup create":
			ids.Groups[call.Group.Name] = id
		}
	}
}

func lines(p *model.Plan) []string {
	var out []string
	for _, c := range p.Calls {
		out = append(out, c.Line)
	}
	return out
}

// TestGroupsRoundTrip: a file with a group -> plan -> apply to the fake
// (which has Boomi's default group) -> pull -> empty plan, and the import
// gives the group back; then a change (un-share a role a group user holds,
// drop a member) applies in the plan's order, which the fake enforces.
func TestGroupsRoundTrip(t *testing.T) {
	file := model.Demo()
	file.BoomiAccount = "acme-test"
	file.PrivilegeCodes = []model.CodeRow{{Code: "ENV_READ", Privilege: model.EnvironmentRead}, {Code: "ENV_FULL", Privilege: model.EnvironmentFull}}
	file.Roles = append(file.Roles, model.Role{Name: "EMEA Auditor", Privileges: []model.Privilege{model.Dashboard}})
	file.Groups = []model.AccountGroup{{Name: "EMEA", SharedRoles: []string{"Cannot View Data", "EMEA Auditor"},
		Members: []model.GroupMember{{File: "../emea/sales.toml", BoomiAccount: "emea-sales-7QX"}, {File: "emea-ops-2ZP.toml", BoomiAccount: "emea-ops-2ZP"}},
		Users: []model.GroupUser{{Email: "gina@example.com", Name: "Gina Lopez", Roles: []string{"Cannot View Data", "EMEA Auditor", "Support"}},
			{Email: "hal@example.com", Name: "Hal Berg", Roles: []string{"EMEA Auditor"}}}}}
	start := &model.Live{AccountID: "acme-test", Roles: boomitest.BuiltinRoles(),
		AccountGroups: []model.LiveAccountGroup{{ID: "all-1", Name: "All Accounts", DefaultGroup: true, AlertLevel: "none"}}}
	s := boomitest.NewServer(t, start)
	c := newClient(s, nil)
	pulled, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := model.MakePlan(file, pulled)
	if len(p.Blocking) > 0 {
		t.Fatalf("blocking %v", p.Blocking)
	}
	pushAll(t, c, p)
	again, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if next := model.MakePlan(file, again); !next.Empty() {
		t.Fatalf("after the push, another plan: %v %v", lines(next), next.Blocking)
	}
	im := model.Import(again, file, model.Switches{AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true})
	if im.HasErrors() {
		t.Fatalf("import: %v", im.Notes)
	}
	if len(im.Account.Groups) != 1 || im.Account.Groups[0].ID == "" {
		t.Fatalf("groups %+v", im.Account.Groups)
	}
	g := im.Account.Groups[0]
	g.ID = ""
	want := file.Groups[0]
	slices.SortFunc(want.Members, func(x, y model.GroupMember) int { return strings.Compare(x.File, y.File) })
	if !reflect.DeepEqual(g, want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", g, want)
	}

	// Un-share "EMEA Auditor" (Gina and Hal hold it through the group),
	// drop a member, and delete the role.
	file.Roles = slices.DeleteFunc(file.Roles, func(r model.Role) bool { return r.Name == "EMEA Auditor" })
	file.Groups[0].SharedRoles = []string{"Cannot View Data"}
	file.Groups[0].Members = file.Groups[0].Members[:1]
	file.Groups[0].Users = []model.GroupUser{{Email: "gina@example.com", Name: "Gina Lopez", Roles: []string{"Cannot View Data", "Support"}}}
	p = model.MakePlan(file, again)
	if len(p.Blocking) > 0 {
		t.Fatalf("blocking %v", p.Blocking)
	}
	wantLines := []string{
		`- group "EMEA" user gina@example.com: EMEA Auditor`,
		`- group "EMEA" user hal@example.com: EMEA Auditor`,
		`- group "EMEA": member emea-ops-2ZP`,
		`~ group "EMEA": - share "EMEA Auditor"`,
		`- role "EMEA Auditor"`,
	}
	if !reflect.DeepEqual(lines(p), wantLines) {
		t.Fatalf("plan\n%s\nwant\n%s", strings.Join(lines(p), "\n"), strings.Join(wantLines, "\n"))
	}
	pushAll(t, c, p)
	again, err = c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if next := model.MakePlan(file, again); !next.Empty() {
		t.Fatalf("after the second push, another plan: %v %v", lines(next), next.Blocking)
	}
	// The default group was never touched.
	if d := s.Live().AccountGroups[0]; d.Name != "All Accounts" || !d.DefaultGroup || len(d.Resources) != 0 {
		t.Fatalf("default group %+v", d)
	}
}

// TestPullGroupsRequests: an account with only Boomi's default group costs
// three requests more than one with no group; each further group one bulk
// GET (per 100) and two queries.
func TestPullGroupsRequests(t *testing.T) {
	count := func(l *model.Live) int {
		s := boomitest.NewServer(t, l)
		c := newClient(s, nil)
		if _, err := c.Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		return c.Requests()
	}
	none := count(&model.Live{AccountID: "acme-test", Roles: boomitest.BuiltinRoles()})
	def := count(&model.Live{AccountID: "acme-test", Roles: boomitest.BuiltinRoles(),
		AccountGroups: []model.LiveAccountGroup{{ID: "all", Name: "All Accounts", DefaultGroup: true}}})
	two := count(&model.Live{AccountID: "acme-test", Roles: boomitest.BuiltinRoles(),
		AccountGroups: []model.LiveAccountGroup{{ID: "all", Name: "All Accounts", DefaultGroup: true}, {ID: "g1", Name: "EMEA"}}})
	if def-none != 2 || two-def != 2 {
		t.Fatalf("requests: no group %d, default group %d, and one more %d", none, def, two)
	}
}

func TestResolveGroups(t *testing.T) {
	ids := IDs{Roles: map[string]string{"New Role": "r9"}, Groups: map[string]string{"EMEA": "g9"}}
	gc := model.Call{Op: "create", Object: "AccountGroup", Line: "+ group",
		Group: &model.LiveAccountGroup{Name: "EMEA", Resources: []model.LiveResource{{ResourceID: "r1", ResourceName: "Old", ObjectType: "Role"}, {ResourceName: "new role", ObjectType: "Role"}}}}
	got, err := ids.Resolve(gc)
	if err != nil || got.Group.Resources[1].ResourceID != "r9" || gc.Group.Resources[1].ResourceID != "" {
		t.Fatalf("%+v %v (the original must not change)", got.Group, err)
	}
	uc := model.Call{Op: "create", Object: "AccountGroupUserRole", GroupRef: "emea", RoleRef: "New Role", Line: "+ u", GroupUserRole: &model.LiveGroupUserRole{UserID: "a@x"}}
	if got, err := ids.Resolve(uc); err != nil || got.GroupUserRole.AccountGroupID != "g9" || got.GroupUserRole.RoleID != "r9" {
		t.Fatalf("%+v %v", got.GroupUserRole, err)
	}
	// Without group ids, Resolve says so.
	mc := model.Call{Op: "create", Object: "AccountGroupAccount", GroupRef: "EMEA", Line: "+ m", GroupAccount: &model.LiveGroupAccount{AccountID: "m1"}}
	if _, err := (IDs{}).Resolve(mc); err == nil || err.Error() != `+ m: group "EMEA" has no id: the call that creates it has not run or failed` {
		t.Fatalf("%v", err)
	}
	// Apply refuses an unresolved call without a request.
	s := boomitest.NewServer(t, nil)
	c := newClient(s, nil)
	if _, err := c.Apply(context.Background(), gc); err == nil || !strings.Contains(err.Error(), `"new role" has no id yet`) || c.Requests() != 0 {
		t.Fatalf("%v", err)
	}
}

// TestFakeGroupsXMLMatchesJSON: the fake's group answers parse alike in
// XML and JSON, and a query returns no Resources where a get does.
func TestFakeGroupsXMLMatchesJSON(t *testing.T) {
	live, _, err := ReadResponses([]string{filepath.Join("..", "testdata", "boomi", "groups-json")})
	if err != nil {
		t.Fatal(err)
	}
	s := boomitest.NewServer(t, live)
	for _, xmlOut := range []bool{false, true} {
		c := newClient(s, nil)
		if xmlOut {
			c.HTTP = xmlTransport(s)
		}
		got, err := c.Pull(context.Background())
		if err != nil {
			t.Fatal(xmlOut, err)
		}
		if !reflect.DeepEqual(got.Sorted(), live.Sorted()) {
			t.Fatalf("xml %v: pulled\n%+v\nwant\n%+v", xmlOut, got.Sorted(), live.Sorted())
		}
	}
	a := newAccumulator()
	body, err := newClient(s, nil).do(context.Background(), request{method: "POST", path: "/AccountGroup/query", body: []byte{}, idempotent: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseDoc(body)
	if err != nil || a.add("q", d) != nil {
		t.Fatal(err)
	}
	for _, g := range a.live.AccountGroups {
		if g.HasResources || g.Resources != nil {
			t.Fatalf("a query returned Resources: %+v", g)
		}
	}
}

// xmlTransport is the fake's client asking for XML answers.
func xmlTransport(s *boomitest.Server) *http.Client {
	base := s.Client()
	return &http.Client{Transport: acceptXML{base.Transport}, Timeout: base.Timeout}
}

type acceptXML struct{ rt http.RoundTripper }

func (a acceptXML) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept", "application/xml")
	return a.rt.RoundTrip(r)
}
