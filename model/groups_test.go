package model

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// groupFixture is a primary with two groups and two members:
//
//   - Acme Primary (AUS on): roles Cannot View Data (Execute, View
//     Results), Ops (inherits Support, ticks Runtime Management), Private.
//   - EMEA shares Cannot View Data and Ops with members/eu.toml and
//     members/uk.toml; group users g@x.com (Standard User) and both@x.com
//     (Cannot View Data).
//   - APAC shares Ops with members/uk.toml; group user g@x.com (Ops).
//   - EU (AUS on): dana holds Cannot View Data (shared), solo holds only
//     Ops (shared), both@x.com is a direct Administrator; Production lists
//     EU Deployers.
//   - UK (AUS off): old@uk.com holds Ops (shared), made before (a warning).
func groupFixture() *GroupSet {
	p := acctOn([]Role{
		role("Cannot View Data", "", Execute, ViewResults),
		role("Ops", Support, RuntimeManagement),
		role("Private", "", Dashboard),
	}, []User{user("admin@acme.com", Administrator)})
	p.Name = "Acme Primary"
	p.Groups = []AccountGroup{
		{Name: "EMEA", SharedRoles: []string{"Cannot View Data", "Ops"},
			Members: []GroupMember{{File: "members/eu.toml"}, {File: "members/uk.toml"}},
			Users:   []GroupUser{{Email: "g@x.com", Roles: []string{StandardUser}}, {Email: "both@x.com", Roles: []string{"Cannot View Data"}}}},
		{Name: "APAC", SharedRoles: []string{"Ops"},
			Members: []GroupMember{{File: "members/uk.toml"}},
			Users:   []GroupUser{{Email: "g@x.com", Roles: []string{"Ops"}}}},
	}
	eu := acctOn([]Role{role("EU Deployers", "", PackagedComponentDeployment, RuntimeManagement)},
		[]User{user("dana@eu.com", "Cannot View Data (shared)"), user("solo@eu.com", "Ops (shared)"), user("both@x.com", Administrator), user("dep@eu.com", "EU Deployers")},
		Environment{Name: "Production", Classification: Production, RolesWithAccess: []string{"EU Deployers"}}, env("Dev"))
	eu.Name, eu.Primary = "Acme EU", "../primary.toml"
	uk := &Account{Name: "Acme UK", Primary: "../primary.toml",
		Users:        []User{user("lee@uk.com", StandardUser), user("old@uk.com", "Ops (shared)")},
		Environments: []Environment{{Name: "Production", Classification: Production}}}
	return &GroupSet{PrimaryFile: "primary.toml", Primary: p, Members: map[string]*Account{"members/eu.toml": eu, "members/uk.toml": uk}}
}

func mustView(t *testing.T, s *GroupSet, f string) (*Account, *Resolver) {
	t.Helper()
	v, err := s.View(f)
	if err != nil {
		t.Fatal(err)
	}
	return v, NewResolver(v)
}

func userIn(t *testing.T, r *Resolver, email string) int {
	t.Helper()
	u := r.User(email)
	if u < 0 {
		t.Fatalf("no user %s in %s", email, r.Account().Name)
	}
	return u
}

func refusedWith(t *testing.T, err error, k Refusal, subs ...string) {
	t.Helper()
	var ref *Refused
	if !errors.As(err, &ref) {
		t.Fatalf("not refused (want %s): %v", k.Cite(), err)
	}
	if ref.Cite() != k.Cite() || !strings.Contains(err.Error(), "("+k.Cite()+")") {
		t.Errorf("cites (%s), want (%s): %v", ref.Cite(), k.Cite(), err)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("refusal does not say %q: %v", s, err)
		}
	}
}

// groupProblem returns the first problem of kind k (by rule and decision)
// in file whose message holds subs.
func groupProblem(ps Problems, sev Severity, k Refusal, file, subs string) *Problem {
	for i, p := range ps {
		if p.Severity == sev && p.Rule == k.Rule() && p.Decision == k.Decision() && p.File == file && strings.Contains(p.Message, subs) {
			return &ps[i]
		}
	}
	return nil
}

func TestGroupFixtureIsValid(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	if errs := Validate(s.Primary).Errors(); len(errs) > 0 {
		t.Fatalf("primary: %v", errs)
	}
	ps := ValidateGroups(s)
	if errs := ps.Errors(); len(errs) > 0 {
		t.Fatalf("group set: %v", errs)
	}
}

// R20: what a group is and holds, and that sharing needs Advanced User
// Security in the primary; a member without it keeps the assignments made
// (warning) and makes no new one (refused).
func TestR20Groups(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	if p := groupProblem(ValidateGroups(s), Warning, SharedRoleNeedsAUS, "members/uk.toml", `"Ops (shared)"`); p == nil {
		t.Error("R20: UK's existing assignment of a shared role without AUS is not a warning")
	} else if p.Loc != (Loc{Section: SectionUsers, Index: 1, Key: "roles", Item: 0}) {
		t.Errorf("R20: warning at %+v, want UK's user #2 roles[0]", p.Loc)
	}
	tests := []struct {
		name string
		edit func(s *GroupSet)
		sev  Severity
		kind Refusal
		file string
		subs string
	}{
		{"group name taken", func(s *GroupSet) { s.Primary.Groups = append(s.Primary.Groups, AccountGroup{Name: "emea"}) }, Error, DuplicateGroup, "primary.toml", "defined twice"},
		{"shares a built-in", func(s *GroupSet) {
			s.Primary.Groups[0].SharedRoles = append(s.Primary.Groups[0].SharedRoles, "support")
		}, Error, NotSharable, "primary.toml", "built-in"},
		{"shares a missing role", func(s *GroupSet) { s.Primary.Groups[1].SharedRoles = []string{"Ghost"} }, Error, NotSharable, "primary.toml", `"Ghost"`},
		{"sharing with AUS off", func(s *GroupSet) { s.Primary.AdvancedUserSecurity = false }, Error, SharingNeedsAUS, "primary.toml", "Advanced User Security is off"},
		{"member names another primary", func(s *GroupSet) { s.Members["members/eu.toml"].Primary = "../other.toml" }, Error, GroupMembership, "members/eu.toml", `"../other.toml"`},
		{"member names no primary", func(s *GroupSet) { s.Members["members/eu.toml"].Primary = "" }, Warning, GroupMembership, "members/eu.toml", `set primary = "../primary.toml"`},
		{"member spelled two ways", func(s *GroupSet) { s.Primary.Groups[1].Members[0].File = "./members/uk.toml" }, Error, GroupMembership, "primary.toml", "spell one file one way"},
		{"primary as its own member", func(s *GroupSet) {
			s.Primary.Groups[1].Members = append(s.Primary.Groups[1].Members, GroupMember{File: "primary.toml"})
		}, Error, GroupMembership, "primary.toml", "own file"},
		{"group user without a role", func(s *GroupSet) { s.Primary.Groups[0].Users[0].Roles = nil }, Error, UserWithoutRole, "primary.toml", "no role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := cloneSet(groupFixture())
			tt.edit(s)
			ps := ValidateGroups(s)
			if groupProblem(ps, tt.sev, tt.kind, tt.file, tt.subs) == nil {
				t.Errorf("no %s %s in %s saying %q; got %v", tt.sev, tt.kind.Cite(), tt.file, tt.subs, ps)
			}
		})
	}
	// Edits: sharing refused without AUS or for what is no custom role;
	// a new assignment of a shared role refused in UK (AUS off), allowed in EU.
	off := cloneSet(groupFixture())
	off.Primary.AdvancedUserSecurity = false
	off.Primary.Groups = nil
	off.Primary.Roles = nil
	off.Primary.Groups = []AccountGroup{{Name: "G"}}
	_, _, err := ApplyGroup(off, ShareRole{Group: "G", Role: "Private"})
	refusedWith(t, err, SharingNeedsAUS, "Advanced User Security off")
	_, _, err = ApplyGroup(groupFixture(), ShareRole{Group: "EMEA", Role: Administrator})
	refusedWith(t, err, NotSharable, "only custom roles")
	_, _, err = ApplyGroup(groupFixture(), AddGroup{Name: "Emea"})
	refusedWith(t, err, DuplicateGroup, "exists already")
	_, _, err = ApplyGroup(groupFixture(), ShareRole{Group: "Nordics", Role: "Ops"})
	refusedWith(t, err, NoSuchGroup, `"Nordics"`)
	_, _, err = ApplyMember(groupFixture(), "members/uk.toml", Assign{Email: "lee@uk.com", Role: "Ops (shared)"})
	refusedWith(t, err, SharedRoleNeedsAUS, "Advanced User Security off")
	_, _, err = ApplyMember(groupFixture(), "members/uk.toml", AddUser{Email: "new@uk.com", Roles: []string{"Ops (shared)"}})
	refusedWith(t, err, SharedRoleNeedsAUS)
	ns, out, err := ApplyMember(groupFixture(), "members/eu.toml", Assign{Email: "dep@eu.com", Role: "Ops (shared)"})
	if err != nil {
		t.Fatalf("R20: assigning a shared role in EU (AUS on): %v", err)
	}
	eu := ns.Members["members/eu.toml"]
	if i := eu.FindUser("dep@eu.com"); i < 0 || !slices.Contains(eu.Users[i].Roles, "Ops (shared)") {
		t.Errorf("R20: dep@eu.com's file roles: %v", eu.Users)
	}
	if slices.ContainsFunc(eu.Roles, func(r Role) bool { return r.Shared != nil }) || eu.FindUser("g@x.com") >= 0 {
		t.Error("R21/R25: a shared role or a group user leaked into the member's own account")
	}
	if len(out.Changes) != 1 || out.Changes[0].File != "members/eu.toml" || !out.Changes[0].Written || out.Changes[0].Account != eu {
		t.Errorf("the outcome names %+v, want EU written", out.Changes)
	}
	// The old set is unchanged.
	if groupFixture().Members["members/eu.toml"].Users[3].Roles[0] != "EU Deployers" {
		t.Fatal("fixture")
	}
}

// cloneSet copies a set deeply enough for a test to edit it.
func cloneSet(s *GroupSet) *GroupSet {
	c := &GroupSet{PrimaryFile: s.PrimaryFile, Primary: s.Primary.Clone(), Members: map[string]*Account{}}
	c.Primary.Groups = cloneGroups(s.Primary.Groups)
	for f, m := range s.Members {
		c.Members[f] = m.Clone()
	}
	return c
}

// R21: a shared role appears as NAME (shared) with the primary's
// privileges, its chain there included; it is assignable, but not listed
// on a member environment, not inherited, not edited there.
func TestR21SharedRoleInMember(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	v, r := mustView(t, s, "members/eu.toml")
	i := v.FindRole("Ops (shared)")
	if i < 0 || v.Roles[i].Shared == nil {
		t.Fatalf("R21: EU's view has no read-only Ops (shared): %v", v.Roles)
	}
	got, _ := r.RolePrivileges("Ops (shared)")
	want, _ := NewResolver(s.Primary).RolePrivileges("Ops")
	if got != want || !got.Has(ViewData) || !got.Has(RuntimeManagement) {
		t.Errorf("R21: Ops (shared) grants %v, the primary's Ops %v (Support's included)", got.List(), want.List())
	}
	if v.FindRole("Private (shared)") >= 0 || v.FindRole("Ops") >= 0 {
		t.Error("R21: the view holds a role not shared, or a shared one without its suffix")
	}
	if _, err := s.View("members/nowhere.toml"); err == nil {
		t.Error("a view of a file no group lists")
	}
	tests := []struct {
		op   Op
		kind Refusal
		subs string
	}{
		{Allow{Environment: "Production", Role: "Ops (shared)"}, SharedRoleListed, "cannot be listed"},
		{AddEnvironment{Name: "QA", Roles: []string{"Cannot View Data (shared)"}}, SharedRoleListed, "cannot be listed"},
		{AddRole{Name: "EU Ops", Inherits: "Ops (shared)"}, SharedRoleInherited, "not in this account's role list"},
		{SetParent{Role: "EU Deployers", To: "Ops (shared)"}, SharedRoleInherited, "inherit a role of this account"},
		{Tick{Role: "Ops (shared)", Privilege: Dashboard}, SharedRoleReadOnly, "shared by Acme Primary"},
		{RenameRole{Role: "Ops (shared)", To: "X"}, SharedRoleReadOnly, "only there"},
		{RemoveRole{Name: "Cannot View Data (shared)"}, SharedRoleReadOnly, "only there"},
	}
	for _, tt := range tests {
		t.Run(tt.op.Describe(), func(t *testing.T) {
			_, _, err := ApplyMember(s, "members/eu.toml", tt.op)
			refusedWith(t, err, tt.kind, tt.subs)
		})
	}
	// The same state in a file: errors of the member's, where they are.
	bad := cloneSet(s)
	eu := bad.Members["members/eu.toml"]
	eu.Environments[0].RolesWithAccess = append(eu.Environments[0].RolesWithAccess, "Ops (shared)")
	eu.Roles = append(eu.Roles, role("Heir", "Cannot View Data (shared)"))
	eu.Users = append(eu.Users, user("ghost@eu.com", "Private (shared)"))
	ps := ValidateGroups(bad)
	if p := groupProblem(ps, Error, SharedRoleListed, "members/eu.toml", "Ops (shared)"); p == nil || p.Loc.Section != SectionEnvironments || p.Loc.Index != 0 {
		t.Errorf("R21: a member environment listing a shared role: %v", ps)
	}
	if p := groupProblem(ps, Error, SharedRoleInherited, "members/eu.toml", "Heir"); p == nil || p.Loc != (Loc{Section: SectionRoles, Index: 1, Key: "inherits", Item: -1}) {
		t.Errorf("R21: a member role inheriting a shared role: %v", ps)
	}
	if groupProblem(ps, Error, SharedRoleDangling, "members/eu.toml", `"Private (shared)"`) == nil {
		t.Errorf("R21: a user holding a role no group shares with the member: %v", ps)
	}
	// A member's own role of a shared role's name.
	clash := cloneSet(s)
	clash.Members["members/eu.toml"].Roles = append(clash.Members["members/eu.toml"].Roles, role("Ops (shared)", ""))
	if groupProblem(ValidateGroups(clash), Error, SharedRoleReadOnly, "members/eu.toml", "rename it") == nil {
		t.Error("R21: a member role named as a shared role")
	}
}

// R22: an edit of a shared role in the primary reaches every member, and
// the what-if lists the impact in each.
func TestR22EditReachesMembers(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	ns, out, err := ApplyPrimary(s, Tick{Role: "Cannot View Data", Privilege: ViewData})
	if err != nil {
		t.Fatal(err)
	}
	_, r := mustView(t, ns, "members/eu.toml")
	if !r.Check(userIn(t, r, "dana@eu.com"), ViewData, -1) {
		t.Error("R22: dana (EU) does not get View Data at once")
	}
	var eu *FileChange
	for i := range out.Changes {
		if out.Changes[i].File == "members/eu.toml" {
			eu = &out.Changes[i]
		}
	}
	if eu == nil || eu.Written {
		t.Fatalf("R22: the what-if has no EU impact, or writes EU's file: %+v", out.Changes)
	}
	if len(eu.Diff.Users) != 1 || eu.Diff.Users[0].User != "dana@eu.com" || !slices.Contains(eu.Diff.Users[0].Gained, "View Data") {
		t.Errorf("R22: EU's impact %+v, want dana gaining View Data", eu.Diff.Users)
	}
	// UK shares it too, but only the group users hold it there: both@x.com via EMEA.
	im := GroupImpact(s, ns)
	if len(im) != 2 || im[1].File != "members/uk.toml" || len(im[1].Diff.Users) != 1 || im[1].Diff.Users[0].User != "both@x.com" {
		t.Errorf("R22: UK's impact %+v, want both@x.com (a group user)", im)
	}
	// Passing the other way: an edit of a role not shared reaches no member.
	_, out, err = ApplyPrimary(s, Tick{Role: "Private", Privilege: ViewData})
	if err != nil || len(out.Changes) != 1 || out.Changes[0].File != "primary.toml" {
		t.Errorf("R22: an edit of an unshared role changes %+v (%v)", out.Changes, err)
	}
}

// R23: un-sharing and removing a member take the role away; a user left
// with no role loses access to that account, named before it happens.
func TestR23UnshareTakesTheRoleAway(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	ns, out, err := ApplyGroup(s, UnshareRole{Group: "EMEA", Role: "Ops"})
	if err != nil {
		t.Fatal(err)
	}
	eu := ns.Members["members/eu.toml"]
	if eu.FindUser("solo@eu.com") >= 0 {
		t.Errorf("R23: solo@eu.com, left with no role, is still in EU's file: %v", eu.Users)
	}
	if i := eu.FindUser("dana@eu.com"); i < 0 {
		t.Error("R23: dana (Cannot View Data, still shared) left EU")
	}
	// UK: APAC still shares Ops; old@uk.com keeps it.
	if uk := ns.Members["members/uk.toml"]; uk != s.Members["members/uk.toml"] {
		t.Error("R23: UK's account replaced though APAC still shares Ops with it")
	}
	var euc *FileChange
	for i := range out.Changes {
		if out.Changes[i].File == "members/eu.toml" {
			euc = &out.Changes[i]
		}
	}
	if euc == nil || !euc.Written || !slices.Equal(euc.LostAccess, []string{"solo@eu.com"}) {
		t.Fatalf("R23: EU's change %+v, want written, solo@eu.com losing access", euc)
	}
	if !slices.ContainsFunc(out.Notes, func(n string) bool {
		return strings.Contains(n, "solo@eu.com no longer holds any role") && strings.Contains(n, "(R23)")
	}) {
		t.Errorf("R23: the notes do not name solo@eu.com: %q", out.Notes)
	}
	if errs := ValidateGroups(ns).Errors(); len(errs) > 0 {
		t.Errorf("R23: the set after un-sharing has errors: %v", errs)
	}
	// Un-sharing Ops from APAC too: old@uk.com and the group user g@x.com's Ops there.
	ns2, out2, err := ApplyGroup(ns, UnshareRole{Group: "APAC", Role: "Ops"})
	if err != nil {
		t.Fatal(err)
	}
	if ns2.Members["members/uk.toml"].FindUser("old@uk.com") >= 0 {
		t.Error("R23: old@uk.com kept Ops (shared) with no group sharing it")
	}
	if len(ns2.Primary.Groups[1].Users) != 0 {
		t.Errorf("R23: APAC's group user kept only an unshared role: %v", ns2.Primary.Groups[1].Users)
	}
	var lost []string
	for _, c := range out2.Changes {
		lost = append(lost, c.LostAccess...)
	}
	if !slices.Contains(lost, "old@uk.com") {
		t.Errorf("R23: old@uk.com not named: %+v", out2.Changes)
	}
	// Removing UK from both groups: its file no longer names the primary, and its users lose the shared roles.
	ns3, out3, err := ApplyGroup(s, RemoveMember{Group: "APAC", File: "members/uk.toml"})
	if err != nil {
		t.Fatal(err)
	}
	if ns3.Members["members/uk.toml"].Primary == "" {
		t.Error("R23: UK is still in EMEA, yet its link to the primary was cleared")
	}
	_ = out3
	ns4, out4, err := ApplyGroup(ns3, RemoveMember{Group: "EMEA", File: "members/uk.toml"})
	if err != nil {
		t.Fatal(err)
	}
	uk := ns4.Members["members/uk.toml"]
	if uk.Primary != "" || uk.FindUser("old@uk.com") >= 0 || uk.FindUser("lee@uk.com") < 0 {
		t.Errorf("R23: UK after leaving every group: primary %q, users %v", uk.Primary, uk.Users)
	}
	lost = nil
	for _, c := range out4.Changes {
		if c.File == "members/uk.toml" {
			lost = c.LostAccess
		}
	}
	if !slices.Contains(lost, "old@uk.com") || !slices.Contains(lost, "g@x.com") {
		t.Errorf("R23: leaving UK names %v, want old@uk.com and the group user g@x.com", lost)
	}
}

// R24: a shared role is neither removed nor renamed while held anywhere in
// the group; the refusal names the accounts and the users.
func TestR24SharedRoleInUse(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	_, _, err := ApplyPrimary(s, RemoveRole{Name: "Ops"})
	refusedWith(t, err, SharedRoleInUse, "Acme EU (members/eu.toml): solo@eu.com", "Acme UK (members/uk.toml): old@uk.com", "(group users): g@x.com")
	_, _, err = ApplyPrimary(s, RenameRole{Role: "Cannot View Data", To: "No Data"})
	refusedWith(t, err, SharedRoleRenamed, "Acme EU (members/eu.toml): dana@eu.com", "both@x.com")
	// The primary alone (Apply) cannot see the members: refused too.
	_, _, err = Apply(s.Primary, RemoveRole{Name: "Ops"})
	refusedWith(t, err, SharedRoleInUse, "group EMEA")
	// Passing: a role not shared; a shared role nobody holds (it leaves the groups).
	if _, _, err := ApplyPrimary(s, RemoveRole{Name: "Private"}); err != nil {
		t.Errorf("R24: removing an unshared role: %v", err)
	}
	free := cloneSet(s)
	free.Primary.Roles = append(free.Primary.Roles, role("Spare", ""))
	free.Primary.Groups[0].SharedRoles = append(free.Primary.Groups[0].SharedRoles, "Spare")
	ns, _, err := ApplyPrimary(free, RenameRole{Role: "Spare", To: "Extra"})
	if err != nil || !slices.Contains(ns.Primary.Groups[0].SharedRoles, "Extra") {
		t.Fatalf("R24: renaming a shared role nobody holds: %v", err)
	}
	ns, _, err = ApplyPrimary(ns, RemoveRole{Name: "Extra"})
	if err != nil || slices.Contains(ns.Primary.Groups[0].SharedRoles, "Extra") {
		t.Errorf("R24: removing a shared role nobody holds: %v, groups %v", err, ns.Primary.Groups[0].SharedRoles)
	}
}

// R25: group users get the group's roles in every member, the union
// across groups; direct roles take precedence.
func TestR25GroupUsers(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	tests := []struct {
		file, email string
		roles       []string
	}{
		{"members/eu.toml", "g@x.com", []string{StandardUser}},
		{"members/uk.toml", "g@x.com", []string{StandardUser, "Ops (shared)"}}, // EMEA and APAC
		{"members/eu.toml", "both@x.com", []string{Administrator}},             // direct only
		{"members/uk.toml", "both@x.com", []string{"Cannot View Data (shared)"}},
	}
	for _, tt := range tests {
		_, r := mustView(t, s, tt.file)
		u := userIn(t, r, tt.email)
		if got := r.HeldRoles(u); !slices.Equal(got, tt.roles) {
			t.Errorf("R25: %s in %s holds %v, want %v", tt.email, tt.file, got, tt.roles)
		}
	}
	_, r := mustView(t, s, "members/uk.toml")
	x := r.ExplainUser(userIn(t, r, "g@x.com"))
	if !slices.Equal(x.RoleGroups["Ops (shared)"], []string{"APAC"}) || !slices.Equal(x.RoleGroups[StandardUser], []string{"EMEA"}) {
		t.Errorf("R25: explain's role_groups %v", x.RoleGroups)
	}
	// Edited in the primary only; direct access may be given in the member.
	_, _, err := ApplyMember(s, "members/eu.toml", Assign{Email: "g@x.com", Role: "EU Deployers"})
	refusedWith(t, err, GroupUserNotHere, "group user", "EMEA")
	_, _, err = ApplyMember(s, "members/eu.toml", RemoveUser{Email: "g@x.com"})
	refusedWith(t, err, GroupUserNotHere)
	ns, out, err := ApplyMember(s, "members/eu.toml", AddUser{Email: "g@x.com", Roles: []string{"EU Deployers"}})
	if err != nil || !slices.ContainsFunc(out.Notes, func(n string) bool { return strings.Contains(n, "(R25)") }) {
		t.Fatalf("R25: direct access for a group user: %v %q", err, out.Notes)
	}
	_, r = mustView(t, ns, "members/eu.toml")
	if got := r.HeldRoles(userIn(t, r, "g@x.com")); !slices.Equal(got, []string{"EU Deployers"}) {
		t.Errorf("R25: with direct access g@x.com holds %v", got)
	}
	_, _, err = ApplyGroup(s, AddGroupUser{Group: "APAC", Email: "n@x.com", Roles: []string{"Cannot View Data"}})
	refusedWith(t, err, GroupUserNotHere, "neither a built-in role nor a role group APAC shares")
	ns, out, err = ApplyGroup(s, AddGroupUser{Group: "APAC", Email: "n@x.com", Roles: []string{ProductionSupport}})
	if err != nil {
		t.Fatal(err)
	}
	// UK has AUS off: Production Support does not exist there (R3, R26): a warning, and nothing there.
	if groupProblem(out.Warnings, Warning, RoleNeedsAUS, "primary.toml", "members/uk.toml") == nil {
		t.Errorf("R25/R26: no warning of a group role UK does not have: %v", out.Warnings)
	}
	if _, r := mustView(t, ns, "members/uk.toml"); r.User("n@x.com") >= 0 {
		t.Error("R26: n@x.com holds Production Support in UK, which has AUS off")
	}
}

// R26: the preview of a user in a member names the shared role, the
// primary and the group; a group user's sources name the group.
func TestR26Provenance(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	_, r := mustView(t, s, "members/eu.toml")
	u := userIn(t, r, "dana@eu.com")
	v := r.Explain(u, Execute, -1)
	if !v.Allowed || !strings.Contains(v.Reason, "Execute from Cannot View Data (shared) from Acme Primary via EMEA group (R11)") {
		t.Errorf("R26: %s", v.Reason)
	}
	if len(v.Sources) != 1 || v.Sources[0].Primary != "Acme Primary" || !slices.Equal(v.Sources[0].Groups, []string{"EMEA"}) {
		t.Errorf("R26: sources %+v", v.Sources)
	}
	b, _ := json.Marshal(v.Sources[0])
	if string(b) != `{"role":"Cannot View Data (shared)","via":[],"primary":"Acme Primary","groups":["EMEA"]}` {
		t.Errorf("R26: source JSON %s", b)
	}
	// The chain in the primary: Ops (shared) has View Data from Support.
	_, ur := mustView(t, s, "members/uk.toml")
	g := userIn(t, ur, "g@x.com")
	got := ur.Explain(g, ViewData, -1).Reason
	if !strings.Contains(got, "Ops (shared) (via Support) from Acme Primary via APAC group") {
		t.Errorf("R26: group user's source through a shared role: %s", got)
	}
	if got := ur.Explain(g, BuildReadWrite, -1).Reason; !strings.Contains(got, "Standard User via EMEA group") {
		t.Errorf("R26: group user's built-in role: %s", got)
	}
	// The preview says it too, and a role of the account's own does not.
	pv := r.Preview(u)
	found := false
	for _, p := range pv.Pages {
		for _, a := range p.Actions {
			if a.Action == "Execute Process" && strings.Contains(a.Reason, "from Acme Primary via EMEA group") {
				found = true
			}
		}
	}
	if !found {
		t.Error("R26: the preview's Execute Process does not name the primary and group")
	}
	if got := r.Explain(userIn(t, r, "dep@eu.com"), RuntimeManagement, -1).Reason; strings.Contains(got, "from Acme") || strings.Contains(got, "group") {
		t.Errorf("R26: an own role's source names a group: %s", got)
	}
	// Each member's own environments and switches decide there: Production
	// in EU lists only EU Deployers, so dana does not see it.
	if r.EnvView(u, r.Environment("Production")).Visible {
		t.Error("R26: a shared role saw a restricted member environment")
	}
}

// who-can across the group, and who can deploy to Production in any member.
func TestGroupWhoCan(t *testing.T) {
	t.Parallel()
	s := groupFixture()
	got := s.WhoCan(PackagedComponentDeployment, "Production")
	var lines []string
	for _, a := range got {
		for _, h := range a.Holders {
			lines = append(lines, a.File+" "+h.User+" "+h.From())
		}
	}
	// UK's Production is open: Standard User deploys there (R12, R18),
	// the group user's through EMEA.
	want := []string{
		"members/eu.toml both@x.com Administrator",
		"members/eu.toml dep@eu.com EU Deployers",
		"members/uk.toml lee@uk.com Standard User",
		"members/uk.toml g@x.com Standard User via EMEA group",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("who can deploy to Production:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// Account-wide, View Results: through shared roles and group users in every member.
	lines = nil
	for _, a := range s.WhoCan(ViewResults, "") {
		for _, h := range a.Holders {
			lines = append(lines, a.File+" "+h.User+" "+h.From())
		}
	}
	for _, w := range []string{
		"members/eu.toml dana@eu.com Cannot View Data (shared) from Acme Primary via EMEA group",
		"members/uk.toml g@x.com Standard User via EMEA group, Ops (shared) (via Support) from Acme Primary via APAC group",
	} {
		if !slices.Contains(lines, w) {
			t.Errorf("who can View Results lacks %q:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}

// Every refusal kind of §6 is cited by a refused group edit or a group
// check above, with its table's rule.
var groupRefusalKinds = []Refusal{SharedRoleReadOnly, SharedRoleListed, SharedRoleInherited, SharedRoleNeedsAUS, SharedRoleDangling,
	SharedRoleInUse, SharedRoleRenamed, GroupUserNotHere, SharingNeedsAUS, NotSharable, DuplicateGroup, NoSuchGroup, GroupMembership}

// A member's own account, taken back from its view, validates as its file
// does alone: its shared role names are its view's to check (R21).
func TestOwnIsNoView(t *testing.T) {
	t.Parallel()
	m := &Account{Name: "M", AdvancedUserSecurity: true, Primary: "p.toml",
		Users: []User{{Email: "a@x.com", Roles: []string{"Ops (shared)"}}}}
	p := &Account{Name: "P", AdvancedUserSecurity: true, Roles: []Role{{Name: "Ops", Privileges: []Privilege{Execute}}},
		Groups: []AccountGroup{{Name: "G", SharedRoles: []string{"Ops"}, Members: []GroupMember{{File: "m.toml"}}}}}
	s := &GroupSet{PrimaryFile: "p.toml", Primary: p, Members: map[string]*Account{"m.toml": m}}
	v, err := s.View("m.toml")
	if err != nil {
		t.Fatal(err)
	}
	if errs := Validate(Own(v)).Errors(); len(errs) > 0 {
		t.Fatalf("the own account of a valid member has errors: %v", errs)
	}
	alone := &Account{Name: "M", AdvancedUserSecurity: true, Users: []User{{Email: "a@x.com", Roles: []string{"Ops (shared)"}}}}
	if errs := Validate(alone).Errors(); len(errs) == 0 {
		t.Fatalf("a \"(shared)\" name in an account that names no primary is not an error")
	}
}

// A member's file may lie anywhere relative to the primary's: in a
// subdirectory, a sibling directory, above it, or by an absolute path. Its
// primary is then named back the way from its own directory, which needs
// the primary's directory by name where the way climbs out of it
// (PrimaryDir). Both checks (R20's decision, ValidateGroups) and the
// primary that AddMember writes into a member naming none follow it.
func TestMemberFilesElsewhere(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		primaryFile, dir string // the set's PrimaryFile and PrimaryDir
		member, names    string // the member's file as the primary writes it; its primary as it names it
		ok               bool   // names is the primary
		written          string // what AddMember writes for a member naming none
	}{
		{"same directory", "acme.toml", "", "emea.toml", "acme.toml", true, "acme.toml"},
		{"subdirectory", "acme.toml", "", "members/emea.toml", "../acme.toml", true, "../acme.toml"},
		{"subdirectory, opened from elsewhere", "corp/acme.toml", "", "members/emea.toml", "../acme.toml", true, "../acme.toml"},
		{"sibling directory", "acme.toml", "/srv/roles/acme", "../emea/emea.toml", "../acme/acme.toml", true, "../acme/acme.toml"},
		{"sibling directory, opened by its path", "acme/acme.toml", "", "../emea/emea.toml", "../acme/acme.toml", true, "../acme/acme.toml"},
		{"sibling directory, absolute", "/srv/roles/acme/acme.toml", "/srv/roles/acme", "../emea/emea.toml", "../acme/acme.toml", true, "../acme/acme.toml"},
		{"two levels apart", "acme.toml", "/srv/roles/acme", "../../eu/emea/emea.toml", "../../roles/acme/acme.toml", true, "../../roles/acme/acme.toml"},
		{"above the primary", "acme.toml", "/srv/roles/acme", "../emea.toml", "acme/acme.toml", true, "acme/acme.toml"},
		{"the primary by its absolute path", "acme.toml", "/srv/roles/acme", "../emea/emea.toml", "/srv/roles/acme/acme.toml", true, "../acme/acme.toml"},
		{"sibling directory naming another primary", "acme.toml", "/srv/roles/acme", "../emea/emea.toml", "../other/acme.toml", false, "../acme/acme.toml"},
		{"sibling directory naming a file of the same name beside it", "acme.toml", "/srv/roles/acme", "../emea/emea.toml", "acme.toml", false, "../acme/acme.toml"},
		{"a same-directory name from a subdirectory", "acme.toml", "", "members/emea.toml", "acme.toml", false, "../acme.toml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := acctOn([]Role{role("Cannot View Data", "", Execute)}, nil)
			p.Name = "Acme Primary"
			p.Groups = []AccountGroup{{Name: "EMEA", SharedRoles: []string{"Cannot View Data"}, Members: []GroupMember{{File: tc.member}}}}
			m := acctOn(nil, []User{user("dana@eu.com", "Cannot View Data (shared)")})
			m.Name, m.Primary = "Acme EU", tc.names
			s := &GroupSet{PrimaryFile: tc.primaryFile, PrimaryDir: tc.dir, Primary: p, Members: map[string]*Account{tc.member: m}}
			prob := groupProblem(ValidateGroups(s), Error, GroupMembership, tc.member, "as its primary")
			if tc.ok && prob != nil {
				t.Errorf("%q is refused as the primary of %q: %s", tc.names, tc.member, prob.Message)
			}
			if !tc.ok && prob == nil {
				t.Errorf("%q is taken as the primary of %q", tc.names, tc.member)
			}

			// Adding the member to a group that does not list it yet.
			bare := &GroupSet{PrimaryFile: tc.primaryFile, PrimaryDir: tc.dir, Primary: p.cloneSections(0), Members: map[string]*Account{}}
			bare.Primary.Groups = []AccountGroup{{Name: "EMEA", SharedRoles: []string{"Cannot View Data"}}}
			add := m.cloneSections(0)
			add.Primary = tc.names
			_, _, err := ApplyGroup(bare, AddMember{Group: "EMEA", File: tc.member, Account: add})
			if tc.ok != (err == nil) {
				t.Errorf("AddMember of a member naming %q: %v", tc.names, err)
			}
			add = m.cloneSections(0)
			add.Primary = ""
			ns, _, err := ApplyGroup(bare, AddMember{Group: "EMEA", File: tc.member, Account: add})
			if err != nil {
				t.Fatalf("AddMember of a member naming no primary: %v", err)
			}
			if got, _ := ns.member(tc.member); got == nil || got.Primary != tc.written {
				t.Fatalf("AddMember wrote primary %q, want %q", got.Primary, tc.written)
			}
		})
	}
}
