package model

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// groupLive is a primary "prim" with custom roles CVD (c1) and Ops (c2), a
// group EMEA (g1) sharing CVD with members m-sales and m-ops and giving
// gina CVD and Support, and Boomi's default group.
func groupLive() *Live {
	return &Live{AccountID: "prim",
		Roles: append(builtinLive(),
			LiveRole{ID: "c1", AccountID: "prim", Name: "Cannot View Data", Codes: []string{"EXECUTE"}, HasPrivileges: true},
			LiveRole{ID: "c2", AccountID: "prim", Name: "Ops", Codes: []string{"DASHBOARD"}, HasPrivileges: true}),
		AccountGroups: []LiveAccountGroup{
			{ID: "g1", AccountID: "prim", Name: "EMEA", AlertLevel: "none", HasResources: true,
				Resources: []LiveResource{{ResourceID: "c1", ResourceName: "Cannot View Data", ObjectType: "Role"}, {ResourceID: "ip1", ResourceName: "SAP Pack", ObjectType: "Integration Pack"}}},
			{ID: "all", AccountID: "prim", Name: "All Accounts", DefaultGroup: true, HasResources: true},
		},
		GroupAccounts: []LiveGroupAccount{{ID: "a1", AccountGroupID: "g1", AccountID: "m-sales"}, {ID: "a2", AccountGroupID: "g1", AccountID: "m-ops"}},
		GroupUserRoles: []LiveGroupUserRole{
			{ID: "u1", AccountGroupID: "g1", UserID: "gina@example.com", RoleID: "c1", FirstName: "Gina", LastName: "Lopez"},
			{ID: "u2", AccountGroupID: "g1", UserID: "gina@example.com", RoleID: "b-sup", FirstName: "Gina", LastName: "Lopez"},
		},
	}
}

func noteTexts(ns []ImportNote) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.String())
	}
	return strings.Join(out, "\n")
}

func TestImportGroups(t *testing.T) {
	t.Parallel()
	prev := &Account{Groups: []AccountGroup{{Name: "Old name", Members: []GroupMember{{File: "../sales/sales.toml", BoomiAccount: "m-sales"}}}}}
	im := Import(groupLive(), prev, Switches{AdvancedUserSecurity: true})
	if im.HasErrors() {
		t.Fatalf("%s", noteTexts(im.Notes))
	}
	want := []AccountGroup{{Name: "EMEA", ID: "g1", SharedRoles: []string{"Cannot View Data"},
		Members: []GroupMember{{File: "../sales/sales.toml", BoomiAccount: "m-sales"}, {File: "m-ops.toml", BoomiAccount: "m-ops"}},
		Users:   []GroupUser{{Email: "gina@example.com", Name: "Gina Lopez", Roles: []string{"Cannot View Data", "Support"}}}}}
	if !reflect.DeepEqual(im.Account.Groups, want) {
		t.Fatalf("got  %+v\nwant %+v", im.Account.Groups, want)
	}
	text := noteTexts(im.Notes)
	for _, w := range []string{
		`warning: AccountGroup g1: group "EMEA" shares Integration Pack "SAP Pack": rolecall does not manage it, and keeps it shared`,
		`warning: AccountGroupAccount a2: member account "m-ops" of group "EMEA" is expected in "m-ops.toml"`,
		`warning: AccountGroup all: group "All Accounts" is Boomi's default group`,
	} {
		if !strings.Contains(text, w) {
			t.Errorf("no note %q in\n%s", w, text)
		}
	}
	if strings.Contains(text, "m-sales") {
		t.Errorf("the member with a file in the previous file needs no note:\n%s", text)
	}
}

func TestImportGroupsNotes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(l *Live)
		note   string
		error  bool
	}{
		{"query only", func(l *Live) { l.AccountGroups[0].HasResources, l.AccountGroups[0].Resources = false, nil },
			`error: AccountGroup g1: group "EMEA" was read by a query only`, true},
		{"shares a role not listed", func(l *Live) {
			l.AccountGroups[0].Resources = append(l.AccountGroups[0].Resources, LiveResource{ResourceID: "zz", ResourceName: "Ghost", ObjectType: "Role"})
		}, `error: AccountGroup g1: group "EMEA" shares role "Ghost" (id "zz"), which is not among this account's custom roles`, true},
		{"shares a built-in role", func(l *Live) {
			l.AccountGroups[0].Resources = append(l.AccountGroups[0].Resources, LiveResource{ResourceID: "b-sup", ResourceName: "Support", ObjectType: "Role"})
		}, `error: AccountGroup g1: group "EMEA" shares role "Support"`, true},
		{"member of an unknown group", func(l *Live) {
			l.GroupAccounts = append(l.GroupAccounts, LiveGroupAccount{ID: "a9", AccountGroupID: "g9", AccountID: "x"})
		}, `error: AccountGroupAccount a9: names group id "g9", which the responses do not list`, true},
		{"group user with an unknown role", func(l *Live) {
			l.GroupUserRoles = append(l.GroupUserRoles, LiveGroupUserRole{ID: "u9", AccountGroupID: "g1", UserID: "x@example.com", RoleID: "r9"})
		}, `error: AccountGroupUserRole u9: group "EMEA" gives "x@example.com" a role with id "r9"`, true},
		{"member id that is no file name", func(l *Live) {
			l.GroupAccounts = append(l.GroupAccounts, LiveGroupAccount{ID: "a9", AccountGroupID: "g1", AccountID: "../etc/passwd"})
		}, `error: AccountGroupAccount a9: member account "../etc/passwd" of group "EMEA" has no file in the previous file, and its id cannot be a file name`, true},
		{"group of another account", func(l *Live) {
			l.AccountGroups = append(l.AccountGroups, LiveAccountGroup{ID: "g7", AccountID: "other", Name: "APAC", HasResources: true})
			l.GroupAccounts = append(l.GroupAccounts, LiveGroupAccount{ID: "a7", AccountGroupID: "g7", AccountID: "x"})
		}, `warning: AccountGroup g7: group "APAC" belongs to account "other", not this one`, false},
		{"default group that gives access", func(l *Live) {
			l.AccountGroups[1].Resources = []LiveResource{{ResourceID: "c2", ResourceName: "Ops", ObjectType: "Role"}}
			l.GroupUserRoles = append(l.GroupUserRoles, LiveGroupUserRole{ID: "u8", AccountGroupID: "all", UserID: "x@example.com", RoleID: "c2"})
		}, `it shares 1 resource(s) ("Ops") and gives 1 user(s) roles, access that rolecall does not show`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := groupLive()
			c.change(l)
			im := Import(l, nil, Switches{AdvancedUserSecurity: true})
			text := noteTexts(im.Notes)
			if !strings.Contains(text, c.note) || im.HasErrors() != c.error {
				t.Fatalf("want note %q (error %v) in\n%s", c.note, c.error, text)
			}
		})
	}
}

func TestLiveGroupsSortedAndFingerprint(t *testing.T) {
	t.Parallel()
	l := groupLive()
	r := groupLive()
	slices.Reverse(r.AccountGroups)
	slices.Reverse(r.GroupAccounts)
	slices.Reverse(r.GroupUserRoles)
	slices.Reverse(r.AccountGroups[1].Resources)
	if !reflect.DeepEqual(l.Sorted(), r.Sorted()) || l.Fingerprint() != r.Fingerprint() {
		t.Fatal("order changes Sorted or Fingerprint")
	}
	r.GroupUserRoles[0].RoleID = "c2"
	if l.Fingerprint() == r.Fingerprint() {
		t.Fatal("a group user's role is not in the fingerprint")
	}
	// No groups: the digest is as before groups were read.
	bare := &Live{AccountID: "prim", Roles: builtinLive()}
	withNil := &Live{AccountID: "prim", Roles: builtinLive(), AccountGroups: []LiveAccountGroup{}}
	if bare.Fingerprint() != withNil.Fingerprint() {
		t.Fatal("an empty group list changes the fingerprint")
	}
}

// groupFile is the file that matches groupLive.
func groupFile() *Account {
	return &Account{Name: "Prim", AdvancedUserSecurity: true, BoomiAccount: "prim",
		Roles: []Role{{Name: "Cannot View Data", ID: "c1", Privileges: []Privilege{Execute}}, {Name: "Ops", ID: "c2", Privileges: []Privilege{Dashboard}}},
		Groups: []AccountGroup{{Name: "EMEA", ID: "g1", SharedRoles: []string{"Cannot View Data"},
			Members: []GroupMember{{File: "sales.toml", BoomiAccount: "m-sales"}, {File: "ops.toml", BoomiAccount: "m-ops"}},
			Users:   []GroupUser{{Email: "gina@example.com", Name: "Gina Lopez", Roles: []string{"Cannot View Data", "Support"}}}}}}
}

func callLines(p *Plan) []string {
	out := []string{}
	for _, c := range p.Calls {
		out = append(out, c.Line)
	}
	return out
}

func TestMakePlanGroups(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		file     func(a *Account)
		live     func(l *Live)
		lines    []string
		blocking string
		note     string
	}{
		{name: "in step", lines: []string{}},
		{name: "a new group with a new role, a member and a user", file: func(a *Account) {
			a.Roles = append(a.Roles, Role{Name: "Auditor", Privileges: []Privilege{Dashboard}})
			a.Groups = append(a.Groups, AccountGroup{Name: "APAC", SharedRoles: []string{"Auditor", "Ops"},
				Members: []GroupMember{{File: "sg.toml", BoomiAccount: "m-sg"}},
				Users:   []GroupUser{{Email: "ivy@example.com", Name: "Ivy Tan", Roles: []string{"Auditor"}}}})
		}, lines: []string{
			`+ role "Auditor": Dashboard`,
			`+ group "APAC": share "Auditor", "Ops"`,
			`+ group "APAC": member m-sg`,
			`+ group "APAC" user ivy@example.com: Auditor`,
		}},
		{name: "share, member and user added to a group", file: func(a *Account) {
			g := &a.Groups[0]
			g.SharedRoles = append(g.SharedRoles, "Ops")
			g.Members = append(g.Members, GroupMember{File: "de.toml", BoomiAccount: "m-de"})
			g.Users = append(g.Users, GroupUser{Email: "hal@example.com", Roles: []string{"Ops"}})
		}, lines: []string{
			`~ group "EMEA": + share "Ops"`,
			`+ group "EMEA": member m-de`,
			`+ group "EMEA" user hal@example.com: Ops`,
		}},
		{name: "a shared role deleted: its group users first, then un-shared, then deleted", file: func(a *Account) {
			a.Roles = a.Roles[1:]
			g := &a.Groups[0]
			g.SharedRoles = nil
			g.Members = g.Members[:1]
			g.Users[0].Roles = []string{"Support"}
		}, lines: []string{
			`- group "EMEA" user gina@example.com: Cannot View Data`,
			`- group "EMEA": member m-ops`,
			`~ group "EMEA": - share "Cannot View Data"`,
			`- role "Cannot View Data"`,
		}},
		{name: "renamed, matched by id", file: func(a *Account) { a.Groups[0].Name = "Europe" },
			lines: []string{`~ group "Europe": renamed from "EMEA"`}},
		{name: "matched by name when the file has no id", file: func(a *Account) { a.Groups[0].ID = "" }, lines: []string{}},
		{name: "an id Boomi no longer has", file: func(a *Account) { a.Groups[0].ID = "gone" }}, // checked below
		{name: "a member with no Boomi account", file: func(a *Account) {
			a.Groups[0].Members = append(a.Groups[0].Members, GroupMember{File: "new.toml"})
		}, blocking: `group "EMEA": member "new.toml" has no Boomi account id, so it cannot be pushed`},
		{name: "a group role neither built-in nor shared", file: func(a *Account) {
			a.Groups[0].Users[0].Roles = append(a.Groups[0].Users[0].Roles, "Ops")
		}, blocking: `group "EMEA" gives gina@example.com role "Ops", which is neither built-in nor shared by the group`},
		{name: "sharing a role the file does not have", file: func(a *Account) { a.Groups[0].SharedRoles = append(a.Groups[0].SharedRoles, "Ghost") },
			blocking: `group "EMEA" shares "Ghost", which is not a custom role of the file`},
		{name: "the default group's name", file: func(a *Account) { a.Groups = append(a.Groups, AccountGroup{Name: "all accounts"}) },
			blocking: `group "all accounts" has the name of Boomi's default group`},
		{name: "a group only in Boomi is left alone", file: func(a *Account) { a.Groups = nil },
			lines: []string{}, note: `group "EMEA" is in Boomi but not in the file: Boomi's API cannot delete an account group`},
		{name: "a role shared by a group the file does not manage", file: func(a *Account) { a.Groups = nil; a.Roles = a.Roles[1:] },
			blocking: `role "Cannot View Data" is shared by Boomi's group "EMEA", which the file does not manage`},
		{name: "a group user's name differs", file: func(a *Account) { a.Groups[0].Users[0].Name = "Gina L." },
			lines: []string{}, note: `group "EMEA": gina@example.com is named "Gina L." in the file and "Gina Lopez" in Boomi`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file, l := groupFile(), groupLive()
			if c.file != nil {
				c.file(file)
			}
			if c.live != nil {
				c.live(l)
			}
			p := MakePlan(file, l)
			if c.name == "an id Boomi no longer has" {
				// Created again, with its members and user.
				if len(p.Blocking) != 0 || !strings.Contains(strings.Join(p.Notes, "\n"), `group "EMEA" carries Boomi id "gone", which Boomi no longer has`) || len(p.Calls) == 0 || p.Calls[0].Line != `+ group "EMEA": share "Cannot View Data"` {
					t.Fatalf("%v %v %v", callLines(p), p.Blocking, p.Notes)
				}
				return
			}
			if c.blocking != "" {
				if !strings.Contains(strings.Join(p.Blocking, "\n"), c.blocking) {
					t.Fatalf("want blocking %q, got %v", c.blocking, p.Blocking)
				}
				return
			}
			if len(p.Blocking) != 0 {
				t.Fatalf("blocking %v", p.Blocking)
			}
			if !reflect.DeepEqual(callLines(p), c.lines) {
				t.Fatalf("plan\n%s\nwant\n%s", strings.Join(callLines(p), "\n"), strings.Join(c.lines, "\n"))
			}
			if c.note != "" && !strings.Contains(strings.Join(p.Notes, "\n"), c.note) {
				t.Fatalf("want note %q in %v", c.note, p.Notes)
			}
		})
	}
}

// TestMakePlanGroupBodies checks what the calls send: a create names new
// roles by ResourceName for Resolve; an update sends the whole group,
// keeping the resources rolecall does not manage and the alert level.
func TestMakePlanGroupBodies(t *testing.T) {
	t.Parallel()
	file, l := groupFile(), groupLive()
	file.Roles = append(file.Roles, Role{Name: "Auditor", Privileges: []Privilege{Dashboard}})
	file.Groups[0].SharedRoles = []string{"Ops"}
	file.Groups[0].Users[0].Roles = []string{"Support"}
	file.Groups = append(file.Groups, AccountGroup{Name: "APAC", SharedRoles: []string{"Auditor"}, Users: []GroupUser{{Email: "ivy@example.com", Roles: []string{"Auditor"}}}})
	p := MakePlan(file, l)
	if len(p.Blocking) != 0 {
		t.Fatal(p.Blocking)
	}
	at := func(line string) Call {
		i := slices.IndexFunc(p.Calls, func(c Call) bool { return c.Line == line })
		if i < 0 {
			t.Fatalf("no call %q in\n%s", line, strings.Join(callLines(p), "\n"))
		}
		return p.Calls[i]
	}
	create := at(`+ group "APAC": share "Auditor"`)
	if create.Group.AccountID != "prim" || !reflect.DeepEqual(create.Group.Resources, []LiveResource{{ResourceName: "Auditor", ObjectType: "Role"}}) {
		t.Errorf("create %+v", create.Group)
	}
	user := at(`+ group "APAC" user ivy@example.com: Auditor`)
	if user.GroupRef != "APAC" || user.RoleRef != "Auditor" || user.GroupUserRole.AccountGroupID != "" {
		t.Errorf("user %+v %+v", user, user.GroupUserRole)
	}
	upd := at(`~ group "EMEA": + share "Ops", - share "Cannot View Data"`)
	want := &LiveAccountGroup{ID: "g1", AccountID: "prim", Name: "EMEA", AlertLevel: "none", HasResources: true,
		Resources: []LiveResource{{ResourceID: "ip1", ResourceName: "SAP Pack", ObjectType: "Integration Pack"}, {ResourceID: "c2", ResourceName: "Ops", ObjectType: "Role"}}}
	if !reflect.DeepEqual(upd.Group, want) || upd.Method() != "POST" || upd.Path() != "/AccountGroup/g1" || !reflect.DeepEqual(upd.Changes, []string{`+ share "Ops"`, `- share "Cannot View Data"`}) {
		t.Errorf("update %+v %s %s %v", upd.Group, upd.Method(), upd.Path(), upd.Changes)
	}
	del := at(`- group "EMEA" user gina@example.com: Cannot View Data`)
	if del.Method() != "DELETE" || del.Path() != "/AccountGroupUserRole/u1" {
		t.Errorf("delete %s %s", del.Method(), del.Path())
	}
	// Order: role created, group created, group user removed, group
	// updated, group user added.
	pos := func(line string) int { return slices.Index(callLines(p), line) }
	order := []string{`+ role "Auditor": Dashboard`, `+ group "APAC": share "Auditor"`, `- group "EMEA" user gina@example.com: Cannot View Data`,
		`~ group "EMEA": + share "Ops", - share "Cannot View Data"`, `+ group "APAC" user ivy@example.com: Auditor`}
	for i := 1; i < len(order); i++ {
		if pos(order[i-1]) > pos(order[i]) {
			t.Errorf("%q comes after %q:\n%s", order[i-1], order[i], strings.Join(callLines(p), "\n"))
		}
	}
}

// TestMakePlanNoGroupsUnchanged: a Live with no groups plans as before
// (no GroupIDs map, no calls, the same fingerprint).
func TestMakePlanNoGroupsUnchanged(t *testing.T) {
	t.Parallel()
	file := groupFile()
	file.Groups = nil
	l := groupLive()
	l.AccountGroups, l.GroupAccounts, l.GroupUserRoles = nil, nil, nil
	p := MakePlan(file, l)
	if !p.Empty() || p.GroupIDs != nil || len(p.Notes) != 0 {
		t.Fatalf("%v %v %v %v", callLines(p), p.Blocking, p.Notes, p.GroupIDs)
	}
}
