package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// builtinLive lists Boomi's four built-in roles as getAssignableRoles does.
func builtinLive() []LiveRole {
	return []LiveRole{
		{ID: "b-admin", AccountID: BuiltinAccountID, Name: Administrator},
		{ID: "b-std", AccountID: BuiltinAccountID, Name: StandardUser},
		{ID: "b-ps", AccountID: BuiltinAccountID, Name: ProductionSupport},
		{ID: "b-sup", AccountID: BuiltinAccountID, Name: Support},
	}
}

// applyCalls does to l what Boomi would do with p's calls, giving new
// objects ids n1, n2, ...: the test's stand-in for push.
func applyCalls(t *testing.T, l *Live, p *Plan) *Live {
	t.Helper()
	c := l.Sorted()
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
			c.Roles = append(c.Roles, r)
		case "Role update":
			r := *call.Role
			fill(&r.ParentID, call.ParentRef, roleIDs)
			i := slices.IndexFunc(c.Roles, func(x LiveRole) bool { return x.ID == call.ID })
			if i < 0 {
				t.Fatalf("update of missing role %s", call.ID)
			}
			c.Roles[i] = r
		case "Role delete":
			c.Roles = slices.DeleteFunc(c.Roles, func(x LiveRole) bool { return x.ID == call.ID })
		case "Environment create":
			e := *call.Environment
			e.ID = id
			envIDs[e.Name] = id
			c.Environments = append(c.Environments, e)
		case "Environment update":
			i := slices.IndexFunc(c.Environments, func(x LiveEnvironment) bool { return x.ID == call.ID })
			c.Environments[i].Name = call.Environment.Name
		case "AccountUserRole create":
			ur := *call.UserRole
			ur.ID = id
			fill(&ur.RoleID, call.RoleRef, roleIDs)
			c.UserRoles = append(c.UserRoles, ur)
		case "AccountUserRole delete":
			if call.ID == "" {
				t.Fatalf("%s: no link id", call.Line)
			}
			c.UserRoles = slices.DeleteFunc(c.UserRoles, func(x LiveUserRole) bool { return x.ID == call.ID })
		case "EnvironmentRole create":
			er := *call.EnvRole
			er.ID = id
			fill(&er.RoleID, call.RoleRef, roleIDs)
			fill(&er.EnvironmentID, call.EnvRef, envIDs)
			c.EnvRoles = append(c.EnvRoles, er)
		case "EnvironmentRole delete":
			if call.ID == "" {
				t.Fatalf("%s: no link id", call.Line)
			}
			c.EnvRoles = slices.DeleteFunc(c.EnvRoles, func(x LiveEnvRole) bool { return x.ID == call.ID })
		default:
			t.Fatalf("unexpected call %s %s", call.Op, call.Object)
		}
	}
	return c
}

// demoWithCodes is the demo account with codes for the privileges it ticks
// that have none in rolecall's table.
func demoWithCodes() *Account {
	a := Demo()
	a.BoomiAccount = "acme-1"
	a.PrivilegeCodes = []CodeRow{{Code: "ENV_READ", Privilege: EnvironmentRead}, {Code: "ENV_FULL", Privilege: EnvironmentFull}}
	return a
}

func lines(p *Plan) []string {
	var out []string
	for _, c := range p.Calls {
		out = append(out, c.Line)
	}
	return out
}

func TestPlanRoundTrip(t *testing.T) {
	t.Parallel()
	file := demoWithCodes()
	empty := &Live{AccountID: "acme-1", Roles: builtinLive()}
	p := MakePlan(file, empty)
	if len(p.Blocking) > 0 {
		t.Fatalf("blocking: %v", p.Blocking)
	}
	// Roles before the links that name them; parents before children.
	firstLink := slices.IndexFunc(p.Calls, func(c Call) bool { return c.Object != "Role" && c.Object != "Environment" })
	for i, c := range p.Calls {
		if c.Object == "Role" && i > firstLink {
			t.Errorf("role call %q after a link call", c.Line)
		}
	}
	live := applyCalls(t, empty, p)
	again := MakePlan(file, live)
	if !again.Empty() {
		t.Fatalf("after applying the plan, another plan: %v %v", lines(again), again.Blocking)
	}
	im := Import(live, file, Switches{true, true})
	if im.HasErrors() {
		t.Fatalf("import: %v", im.Notes)
	}
	got, want := Canonical(im.Account), Canonical(file)
	for i := range got.Roles {
		if got.Roles[i].ID == "" {
			t.Errorf("imported role %q has no id", got.Roles[i].Name)
		}
		got.Roles[i].ID = ""
	}
	for i := range got.Environments {
		got.Environments[i].ID = ""
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestPlanEdits(t *testing.T) {
	t.Parallel()
	file := demoWithCodes()
	base := applyCalls(t, &Live{AccountID: "acme-1", Roles: builtinLive()}, MakePlan(file, &Live{AccountID: "acme-1", Roles: builtinLive()}))
	im := Import(base, file, Switches{true, true})
	pulled := im.Account // carries ids now

	rename := pulled.Clone()
	rename.Roles[rename.FindRole("Cannot View Data")].Name = "No Data"
	renameRef(rename, "Cannot View Data", "No Data")

	tick := pulled.Clone()
	i := tick.FindRole("Cannot View Data")
	tick.Roles[i].Privileges = append(slices.Clone(tick.Roles[i].Privileges), Dashboard)

	unassign := pulled.Clone()
	unassign.Users = slices.DeleteFunc(slices.Clone(unassign.Users), func(u User) bool { return u.Email == "dana@example.com" })

	remove := pulled.Clone()
	remove.Roles = slices.DeleteFunc(slices.Clone(remove.Roles), func(r Role) bool { return r.Name == "Read Only Access to Build Page" })
	remove.Users = slices.DeleteFunc(slices.Clone(remove.Users), func(u User) bool { return u.Email == "bo@example.com" })

	newRole := pulled.Clone()
	newRole.Roles = append(slices.Clone(newRole.Roles), Role{Name: "Read Only Build", Inherits: "Read Only Access to Build Page", Privileges: []Privilege{Dashboard}})
	j := newRole.FindUser("dana@example.com")
	newRole.Users = slices.Clone(newRole.Users)
	newRole.Users[j].Roles = append(slices.Clone(newRole.Users[j].Roles), "Read Only Build")

	unknown := pulled.Clone()
	unknown.Roles = slices.Clone(unknown.Roles)
	k := unknown.FindRole("Cannot View Data")
	unknown.Roles[k].Codes = []string{"PERSIST_PROCESS_PROPERTY"}

	tests := []struct {
		name string
		file *Account
		want []string
	}{
		{"nothing", pulled, nil},
		{"rename keeps the role and its holders", rename, []string{`~ role "No Data": renamed from "Cannot View Data"`}},
		{"tick", tick, []string{`~ role "Cannot View Data": + Dashboard`}},
		{"user removed", unassign, []string{`- dana@example.com: Cannot View Data`}},
		{"links before the role", remove, []string{`- bo@example.com: Read Only Access to Build Page`, `- role "Read Only Access to Build Page"`}},
		{"new child role, then its holder", newRole, []string{`+ role "Read Only Build" inherits "Read Only Access to Build Page": Dashboard`, `+ dana@example.com: Read Only Build`}},
		{"unknown code", unknown, []string{`~ role "Cannot View Data": + unknown to rolecall (PERSIST_PROCESS_PROPERTY)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := MakePlan(tc.file, base)
			if len(p.Blocking) > 0 {
				t.Fatalf("blocking: %v", p.Blocking)
			}
			if got := lines(p); !slices.Equal(got, tc.want) {
				t.Fatalf("plan:\n got %q\nwant %q", got, tc.want)
			}
			after := applyCalls(t, base, p)
			if again := MakePlan(tc.file, after); !again.Empty() {
				t.Fatalf("plan after push: %q", lines(again))
			}
			// A renamed role keeps its id, and so its holders.
			if tc.name == "rename keeps the role and its holders" {
				for _, c := range p.Calls {
					if c.Object != "Role" || c.Op != "update" {
						t.Fatalf("rename made %s %s", c.Op, c.Object)
					}
				}
			}
		})
	}
}

func TestPlanBlocks(t *testing.T) {
	t.Parallel()
	empty := &Live{AccountID: "acme-1", Roles: builtinLive()}
	noCode := Demo() // ticks Environment Management Read/Full Access: no public code
	p := MakePlan(noCode, empty)
	if !slices.ContainsFunc(p.Blocking, func(s string) bool {
		return strings.Contains(s, "Environment Management Read Access") && strings.Contains(s, "[privilege_codes]")
	}) {
		t.Errorf("no refusal for a privilege without code: %v", p.Blocking)
	}
	other := demoWithCodes()
	other.BoomiAccount = "other"
	if p := MakePlan(other, empty); len(p.Blocking) != 1 || !strings.Contains(p.Blocking[0], `"other"`) {
		t.Errorf("another account's file: %v", p.Blocking)
	}
	class := demoWithCodes()
	live := applyCalls(t, empty, MakePlan(class, empty))
	class.Environments = slices.Clone(class.Environments)
	class.Environments[class.FindEnvironment("Production")].Classification = Test
	if p := MakePlan(class, live); !slices.ContainsFunc(p.Blocking, func(s string) bool { return strings.Contains(s, "classification") }) {
		t.Errorf("classification change not refused: %v", p.Blocking)
	}
}

func TestImportNotes(t *testing.T) {
	t.Parallel()
	l := &Live{AccountID: "acme-1",
		Roles: append(builtinLive(),
			LiveRole{ID: "r1", AccountID: "acme-1", Name: "Ops", ParentID: "b-sup", Codes: []string{"EXECUTE", "PERSIST_PROCESS_PROPERTY", "EXECUTE"}, HasPrivileges: true},
			LiveRole{ID: "r2", AccountID: "acme-1", Name: "Listed Only"},
			LiveRole{ID: "r3", AccountID: "primary-9", Name: "Shared", HasPrivileges: true},
			LiveRole{ID: "b-x", AccountID: BuiltinAccountID, Name: "Partner Admin"},
		),
		UserRoles: []LiveUserRole{
			{ID: "u1", UserID: "dana@example.com", RoleID: "r1", FirstName: "Dana", LastName: "Ortiz"},
			{ID: "u2", UserID: "DANA@example.com", RoleID: "b-std"},
			{ID: "u3", UserID: "eve@example.com", RoleID: "gone"},
		},
		Environments: []LiveEnvironment{{ID: "e1", Name: "Prod", Classification: "PROD"}, {ID: "e2", Name: "Old"}},
		EnvRoles:     []LiveEnvRole{{ID: "x1", EnvironmentID: "e1", RoleID: "r1"}, {ID: "x2", EnvironmentID: "e9", RoleID: "r1"}},
	}
	im := Import(l, nil, Switches{AdvancedUserSecurity: true})
	var msgs []string
	for _, n := range im.Notes {
		msgs = append(msgs, n.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		`error: Role b-x: built-in role "Partner Admin" is not in rolecall's catalog`,
		`warning: Role r1: role "Ops" lists privilege code "EXECUTE" twice`,
		`warning: Role r1: role "Ops" carries unknown to rolecall (PERSIST_PROCESS_PROPERTY)`,
		`error: Role r2: role "Listed Only" comes only from getAssignableRoles`,
		`error: Role r3: role "Shared" belongs to account "primary-9"`,
		`error: AccountUserRole u3: user "eve@example.com" holds a role with id "gone"`,
		`warning: Environment: 1 environment(s) came without a classification`,
		`error: EnvironmentRole x2: a Roles with Access entry names environment id "e9"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing note %q in\n%s", want, all)
		}
	}
	a := im.Account
	ops := a.Roles[a.FindRole("Ops")]
	if ops.Inherits != Support || !slices.Equal(ops.Privileges, []Privilege{Execute}) || !slices.Equal(ops.Codes, []string{"PERSIST_PROCESS_PROPERTY"}) || ops.ID != "r1" {
		t.Errorf("Ops imported as %+v", ops)
	}
	u := a.Users[a.FindUser("dana@example.com")]
	if u.Name != "Dana Ortiz" || len(u.Roles) != 2 {
		t.Errorf("dana imported as %+v", u)
	}
	if a.FindUser("eve@example.com") >= 0 {
		t.Errorf("eve has no role that maps, and was imported")
	}
	if a.Name != "acme-1" || a.BoomiAccount != "acme-1" || !a.AdvancedUserSecurity || a.AdvancedEnvironmentAccess {
		t.Errorf("account %q %q %v %v", a.Name, a.BoomiAccount, a.AdvancedUserSecurity, a.AdvancedEnvironmentAccess)
	}
}

func TestCodeTable(t *testing.T) {
	t.Parallel()
	a := &Account{PrivilegeCodes: []CodeRow{{Code: "VIEW_DATA", Privilege: BuildRead}, {Code: "ENV_READ", Privilege: EnvironmentRead}}}
	c := CodeTable(a)
	tests := []struct {
		code string
		want Privilege
		ok   bool
	}{
		{"EXECUTE", Execute, true},
		{"ATOM_MANAGEMENT", RuntimeManagement, true},
		{"VIEW_DATA", BuildRead, true}, // the file wins
		{"ENV_READ", EnvironmentRead, true},
		{"PERSIST_PROCESS_PROPERTY", 0, false},
		{"execute", 0, false},
	}
	for _, tc := range tests {
		got, ok := c.Privilege(tc.code)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Privilege(%q) = %v %v, want %v %v", tc.code, got, ok, tc.want, tc.ok)
		}
	}
	if row, _ := c.Code(BuildRead); row.Code != "VIEW_DATA" || row.Source != SourceFile {
		t.Errorf("Code(Build Read Access) = %+v, want the file's row", row)
	}
	if row, _ := c.Code(ViewData); row.Code != "" {
		t.Errorf("Code(View Data) = %+v: the file took VIEW_DATA for another privilege", row)
	}
	if row, _ := c.Code(Execute); row.Code != "EXECUTE" || row.Source != SourceBoomi {
		t.Errorf("Code(Execute) = %+v", row)
	}
	if _, ok := c.Code(APIMGateway); ok {
		t.Errorf("API Management - Gateway has a code")
	}
	for _, tc := range []struct{ code, want string }{
		{"EXECUTE", ""}, {"", "empty"}, {"ex", "A-Z"}, {strings.Repeat("A", 65), "at most"},
	} {
		if got := CheckCode(tc.code); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("CheckCode(%q) = %q", tc.code, got)
		}
	}
}

// allCodes gives every catalog privilege a code, for accounts that tick
// privileges without a public one.
func allCodes(a *Account) {
	c := CodeTable(a)
	for _, p := range AllPrivileges() {
		if _, ok := c.Code(p); !ok {
			a.PrivilegeCodes = append(a.PrivilegeCodes, CodeRow{Code: fmt.Sprintf("P%d", p), Privilege: p})
		}
	}
}

func BenchmarkMakePlan(b *testing.B) {
	a := Synthetic(10000, 1000, 200, 1)
	a.BoomiAccount = "acme-1"
	allCodes(a)
	t := &testing.T{}
	empty := &Live{AccountID: "acme-1", Roles: builtinLive()}
	live := applyCalls(t, empty, MakePlan(a, empty))
	im := Import(live, a, Switches{a.AdvancedUserSecurity, a.AdvancedEnvironmentAccess})
	file := im.Account
	b.ResetTimer()
	for b.Loop() {
		p := MakePlan(file, live)
		if !p.Empty() {
			b.Fatalf("plan of a pulled file: %d calls, %v", len(p.Calls), p.Blocking)
		}
	}
}

// An update sends what the admin changed: ticks Boomi's role has that the
// file dropped as redundant (its parent grants them) stay ticked in Boomi.
func TestPlanKeepsRedundantTicks(t *testing.T) {
	t.Parallel()
	live := &Live{AccountID: "acme-1", Roles: append(builtinLive(),
		LiveRole{ID: "r1", AccountID: "acme-1", Name: "Developers", ParentID: "b-std", Codes: []string{"BUILD", "API", "EXECUTE"}, HasPrivileges: true})}
	im := Import(live, nil, Switches{AdvancedUserSecurity: true})
	// Validation says the file leaves the ticks out (R9); the import
	// keeps them on the account it returns.
	if ps := Validate(im.Account).Warnings(); !strings.Contains(fmt.Sprint(ps), "saving drops the tick (R9)") {
		t.Errorf("no R9 warning for the ticks the file leaves out: %v", ps)
	}
	file := Canonical(im.Account)
	if got := file.Roles[0].Privileges; !slices.Equal(got, []Privilege{APIAccess}) {
		t.Fatalf("imported Developers ticks %v, want only API Access (R9)", got)
	}
	if p := MakePlan(file, live); !p.Empty() {
		t.Fatalf("a pulled file plans %q", lines(p))
	}
	file.Roles[0].Privileges = []Privilege{APIAccess, Dashboard}
	p := MakePlan(file, live)
	if got := lines(p); !slices.Equal(got, []string{`~ role "Developers": + Dashboard`}) {
		t.Fatalf("plan %q", got)
	}
	if got := p.Calls[0].Role.Codes; !slices.Equal(got, []string{"API", "DASHBOARD", "BUILD", "EXECUTE"}) {
		t.Errorf("update sends codes %q, want the redundant BUILD and EXECUTE kept", got)
	}
	// Without the parent that grants them, they go: the file says the role
	// no longer has them.
	file.Roles[0].Inherits = ""
	p = MakePlan(file, live)
	if got := p.Calls[0].Role.Codes; !slices.Equal(got, []string{"API", "DASHBOARD"}) {
		t.Errorf("update without the parent sends %q", got)
	}
	if got := lines(p); !slices.Equal(got, []string{`~ role "Developers": inherits no role, + Dashboard, - Build Read and Write Access, - Execute`}) {
		t.Errorf("the line does not say every tick the call removes: %q", got)
	}
}

func TestGuessSwitches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		roles []LiveRole
		aus   bool
		why   string
	}{
		{"built-in roles only", builtinLive(), false, "no custom roles"},
		{"a custom role", append(builtinLive(), LiveRole{ID: "r1", AccountID: "acme-1", Name: "Ops"}), true, "(R3)"},
		{"only another account's shared role", append(builtinLive(), LiveRole{ID: "r1", AccountID: "primary", Name: "Shared"}), false, "no custom roles"},
	} {
		sw, why, aea := GuessSwitches(&Live{AccountID: "acme-1", Roles: tc.roles})
		if sw.AdvancedUserSecurity != tc.aus || !strings.Contains(why, tc.why) || sw.AdvancedEnvironmentAccess || aea == "" {
			t.Errorf("%s: %+v %q %q", tc.name, sw, why, aea)
		}
	}
}

// A member account pulled from Boomi: the roles its groups share come from
// another account, and its file names them "NAME (shared)" (R21); a push
// assigns them by their ids.
func TestImportAndPlanMember(t *testing.T) {
	t.Parallel()
	live := &Live{AccountID: "emea-1", Roles: append(builtinLive(),
		LiveRole{ID: "s1", AccountID: "primary-1", Name: "Cannot View Data"}),
		UserRoles: []LiveUserRole{{ID: "u1", UserID: "dana@example.com", RoleID: "s1", FirstName: "Dana", LastName: "Ortiz"}}}
	prev := &Account{Name: "EMEA Sales", AdvancedUserSecurity: true, Primary: "acme.toml"}
	im := Import(live, prev, Switches{AdvancedUserSecurity: true})
	if im.HasErrors() {
		t.Fatalf("import of a member: %v", im.Notes)
	}
	a := im.Account
	if a.Primary != "acme.toml" || len(a.Roles) != 0 {
		t.Fatalf("member imported as %+v", a)
	}
	if u := a.Users[a.FindUser("dana@example.com")]; !slices.Equal(u.Roles, []string{"Cannot View Data (shared)"}) {
		t.Fatalf("dana holds %q", u.Roles)
	}
	if p := MakePlan(a, live); !p.Empty() {
		t.Fatalf("a pulled member plans %q %v", lines(p), p.Blocking)
	}
	b := a.Clone()
	b.Users = append(slices.Clone(b.Users), User{Email: "eve@example.com", Name: "Eve Ng", Roles: []string{"Cannot View Data (shared)"}})
	p := MakePlan(b, live)
	if len(p.Calls) != 1 || p.Calls[0].UserRole.RoleID != "s1" || p.Calls[0].RoleRef != "" {
		t.Fatalf("assigning a shared role plans %q %+v", lines(p), p.Calls)
	}
	// The file of an account that is no member cannot map them.
	if im := Import(live, &Account{Name: "x"}, Switches{}); !im.HasErrors() {
		t.Fatalf("a shared role was mapped for a file that names no primary")
	}
}

func TestAtRisk(t *testing.T) {
	t.Parallel()
	empty := &Live{AccountID: "acme-1", Roles: builtinLive()}
	base := applyCalls(t, empty, MakePlan(demoWithCodes(), empty))
	pulled := Import(base, demoWithCodes(), Switches{true, true}).Account
	ticked := pulled.Clone()
	ticked.Roles = slices.Clone(ticked.Roles)
	i := ticked.FindRole("Cannot View Data")
	ticked.Roles[i].Privileges = append(slices.Clone(ticked.Roles[i].Privileges), Dashboard)
	pushed := applyCalls(t, base, MakePlan(ticked, base))
	// Someone else changes the same role in Boomi.
	other := base.Sorted()
	for j := range other.Roles {
		if other.Roles[j].Name == "Cannot View Data" {
			other.Roles[j].Codes = append(slices.Clone(other.Roles[j].Codes), "VIEW_AUDIT_LOGS")
		}
	}
	tests := []struct {
		name       string
		file       *Account
		base, live *Live
		want       []string
	}{
		{"no local change", pulled, base, base, nil},
		{"a local tick", ticked, base, base, []string{`~ role "Cannot View Data": + Dashboard`}},
		{"a local tick Boomi has now (pushed, state not recorded)", ticked, base, pushed, nil},
		{"a local tick on a role changed in Boomi too", ticked, base, other, []string{`~ role "Cannot View Data": + Dashboard`}},
		{"no base: what the file has and Boomi has not", ticked, nil, empty, nil},
	}
	for _, tc := range tests {
		var got []string
		for _, c := range AtRisk(tc.file, tc.base, tc.live) {
			got = append(got, c.Line)
		}
		if tc.name == "no base: what the file has and Boomi has not" {
			if len(got) == 0 || slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, "- ") }) {
				t.Errorf("%s: %q", tc.name, got)
			}
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
