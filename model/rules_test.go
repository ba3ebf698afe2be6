package model

// Table tests for each rule of access-model.md (R0-R19) and for the preview
// of §5. Test names cite the rule ids.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ---------------------------------------------------------------------------
// Helpers.

func role(name, inherits string, ps ...Privilege) Role {
	return Role{Name: name, Inherits: inherits, Privileges: ps}
}

func user(email string, roles ...string) User { return User{Email: email, Roles: roles} }

func env(name string, roles ...string) Environment {
	return Environment{Name: name, Classification: Test, RolesWithAccess: roles}
}

// acctOn is an account with both switches on (R3, R16).
func acctOn(roles []Role, users []User, envs ...Environment) *Account {
	return &Account{Name: "t", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true, Roles: roles, Users: users, Environments: envs}
}

func mustValid(t *testing.T, a *Account) *Resolver {
	t.Helper()
	if errs := Validate(a).Errors(); len(errs) > 0 {
		t.Fatalf("account is not valid: %v", errs)
	}
	return NewResolver(a)
}

// findProblem reports whether ps holds a problem of that severity and rule
// whose message contains every one of subs.
func findProblem(ps Problems, sev Severity, rule string, subs ...string) bool {
	for _, p := range ps {
		if p.Severity != sev || p.Cite() != rule { // "R7, decision" for a decision
			continue
		}
		ok := true
		for _, s := range subs {
			if !strings.Contains(p.Message, s) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func uIdx(t *testing.T, r *Resolver, email string) int {
	t.Helper()
	u := r.User(email)
	if u < 0 {
		t.Fatalf("no user %s", email)
	}
	return u
}

func eIdx(t *testing.T, r *Resolver, name string) int {
	t.Helper()
	e := r.Environment(name)
	if e < 0 {
		t.Fatalf("no environment %s", name)
	}
	return e
}

func sourceStrings(gs []Grant, p Privilege) ([]string, Privilege) {
	for _, g := range gs {
		if g.Privilege == p {
			out := make([]string, len(g.Sources))
			for i, s := range g.Sources {
				out[i] = s.String()
			}
			slices.Sort(out)
			return out, g.ImpliedBy
		}
	}
	return nil, 0
}

// ---------------------------------------------------------------------------
// R0: names, old names.

func TestR0PrivilegeNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		lookup string
		want   Privilege // 0: refused
	}{
		{"current name", "Packaged Component Deployment", PackagedComponentDeployment},
		{"old name Process Deployment", "Process Deployment", PackagedComponentDeployment},
		{"old name Package Management", "Package Management", PackagedComponentManagement},
		{"old name Atom Management", "Atom Management", RuntimeManagement},
		{"old name Atom Management Read Access", "Atom Management Read Access", RuntimeManagementRead},
		{"dialog name of Read Access", "Environment Management - Read access to Environment configuration and administration", EnvironmentRead},
		{"dialog name of Full Access", "Environment Management - Write access to Environment configuration and administration", EnvironmentFull},
		{"any case and surrounding space", "  runtime management read access ", RuntimeManagementRead},
		{"refused: unknown", "Process Deploy", 0},
		{"refused: empty", "", 0},
		{"refused: near miss", "Atom Management Write Access", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := LookupPrivilege(tt.lookup)
			if ok != (tt.want != 0) || p != tt.want {
				t.Errorf("LookupPrivilege(%q) = %v, %v; want %v", tt.lookup, p, ok, tt.want)
			}
			if ok && p.String() == tt.lookup && strings.Contains(tt.name, "old") {
				t.Errorf("R0: %s is still printed under its old name", p)
			}
		})
	}
	// Every row of the spec's table is in the catalog, in the dialog order,
	// with its old name.
	rows := parseSpecPrivilegeTable()
	all := AllPrivileges()
	if len(rows) != len(all) {
		t.Fatalf("catalog has %d privileges, spec %d", len(all), len(rows))
	}
	for i, row := range rows {
		if all[i].String() != row.name {
			t.Errorf("catalog #%d is %q, spec %q", i+1, all[i], row.name)
		}
		if row.old != "" {
			if p, ok := LookupPrivilege(row.old); !ok || p.String() != row.name {
				t.Errorf("R0: old name %q reads as %v, want %s", row.old, p, row.name)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// R1: privileges only add.

func TestR1PrivilegesOnlyAdd(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{role("Empty", ""), role("Runner", "", Execute)}, []User{
		user("a@x.com", Support),
		user("b@x.com", Support, "Empty"),
		user("c@x.com", Support, "Runner"),
		user("d@x.com", Administrator, Support, "Empty"),
	})
	r := mustValid(t, a)
	support := NewResolver(a).Privileges(0)
	tests := []struct {
		name  string
		email string
		want  PrivSet
	}{
		{"R1 a role with no ticks takes nothing away", "b@x.com", support},
		{"R1 a second role adds its privileges", "c@x.com", support.With(Execute)},
		{"R1 Support beside Administrator removes nothing", "d@x.com", NewResolver(acctOn(nil, []User{user("z@x.com", Administrator)})).Privileges(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Privileges(uIdx(t, r, tt.email)); got != tt.want {
				t.Errorf("privileges [%s], want [%s]", privSetKey(got), privSetKey(tt.want))
			}
		})
	}
}

// ---------------------------------------------------------------------------
// R2: built-in roles.

func TestR2BuiltinRoles(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{role("Ops", "", Execute)}, []User{user("a@x.com", Administrator)})
	tests := []struct {
		name    string
		op      Op
		refused string // rule, or "" when it applies
	}{
		{"R2 edit Administrator refused", Tick{Role: Administrator, Privilege: Execute}, "R2"},
		{"R2 edit standard user (any case) refused", SetDescription{Role: "standard user"}, "R2"},
		{"R2 rename Support refused", RenameRole{Role: Support, To: "Helpdesk"}, "R2"},
		{"R2 remove Production Support refused", RemoveRole{Name: ProductionSupport}, "R2"},
		{"R2 add a role named like a built-in refused", AddRole{Name: "Support"}, "R7"},
		{"R2 editing a custom role applies", Tick{Role: "Ops", Privilege: Licensing}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Apply(a, tt.op)
			checkRefusal(t, err, tt.refused)
		})
	}
	// The privileges of each built-in are the spec's columns.
	for _, nb := range naiveBuiltins {
		b, _ := LookupBuiltin(nb.name)
		if privSetKey(b.Privileges) != setKey(nb.privs) {
			t.Errorf("R2: %s has [%s], spec [%s]", nb.name, privSetKey(b.Privileges), setKey(nb.privs))
		}
	}
	// The table's decisions: Standard User has Build Read Access, not Environment Management.
	std, _ := LookupBuiltin(StandardUser)
	if !std.Privileges.Has(BuildRead) || std.Privileges.Has(EnvironmentManagement) {
		t.Errorf("R2 decisions: Standard User Build Read Access=%v (want true), Environment Management=%v (want false)", std.Privileges.Has(BuildRead), std.Privileges.Has(EnvironmentManagement))
	}
}

func ptr[T any](v T) *T { return &v }

func checkRefusal(t *testing.T, err error, rule string, subs ...string) {
	t.Helper()
	if rule == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	var ref *Refused
	if !errors.As(err, &ref) {
		t.Fatalf("not refused with %s: err = %v", rule, err)
	}
	if ref.Cite() != rule {
		t.Errorf("refused under %s, want %s: %v", ref.Cite(), rule, err)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("refusal %q does not mention %q", err.Error(), s)
		}
	}
}

// ---------------------------------------------------------------------------
// R3: Advanced User Security.

func TestR3AdvancedUserSecurity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		aus   bool
		roles []Role
		users []User
		envs  []Environment
		// want is the R3 problem expected ("" none), as severity.
		wantErr, wantWarn bool
	}{
		{"R3 off: Administrator and Standard User assignable", false, nil, []User{user("a@x.com", Administrator, StandardUser)}, nil, false, false},
		{"R3 off: Production Support does not exist", false, nil, []User{user("a@x.com", ProductionSupport)}, nil, true, false},
		{"R3 off: Support does not exist", false, nil, []User{user("a@x.com", "support")}, nil, true, false},
		{"R3 off: custom role cannot be assigned", false, []Role{role("Ops", "", Execute)}, []User{user("a@x.com", "Ops")}, nil, true, true},
		{"R3 off: custom role kept but unassigned warns", false, []Role{role("Ops", "", Execute)}, []User{user("a@x.com", Administrator)}, nil, false, true},
		{"R3 off: custom role cannot inherit Support", false, []Role{role("Ops", Support)}, []User{user("a@x.com", Administrator)}, nil, true, true},
		{"R3 on: all four built-ins and custom roles assignable", true, []Role{role("Ops", Support, Execute)}, []User{user("a@x.com", ProductionSupport, Support, "Ops")}, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Account{AdvancedUserSecurity: tt.aus, Roles: tt.roles, Users: tt.users, Environments: tt.envs}
			ps := Validate(a)
			if got := findProblem(ps, Error, "R3"); got != tt.wantErr {
				t.Errorf("R3 error = %v, want %v: %v", got, tt.wantErr, ps)
			}
			if got := findProblem(ps, Warning, "R3"); got != tt.wantWarn {
				t.Errorf("R3 warning = %v, want %v: %v", got, tt.wantWarn, ps)
			}
		})
	}
	ops := []struct {
		name    string
		aus     bool
		op      Op
		refused string
	}{
		{"R3 off: create a custom role refused", false, AddRole{Name: "New"}, "R3"},
		{"R3 off: edit a custom role refused", false, Tick{Role: "Ops", Privilege: Licensing}, "R3"},
		{"R3 off: assign Support refused", false, Assign{Email: "a@x.com", Role: Support}, "R3"},
		{"R3 on: create a custom role", true, AddRole{Name: "New"}, ""},
		{"R3 on: edit a custom role", true, Tick{Role: "Ops", Privilege: Licensing}, ""},
		{"R3 on: assign Support", true, Assign{Email: "a@x.com", Role: Support}, ""},
	}
	for _, tt := range ops {
		t.Run(tt.name, func(t *testing.T) {
			a := &Account{AdvancedUserSecurity: tt.aus, Roles: []Role{role("Ops", "", Execute)}, Users: []User{user("a@x.com", Administrator)}}
			_, _, err := Apply(a, tt.op)
			checkRefusal(t, err, tt.refused)
		})
	}
	// The resolver knows the two roles only with the switch on.
	for _, aus := range []bool{false, true} {
		a := &Account{AdvancedUserSecurity: aus}
		if got := a.RoleExists(Support); got != aus {
			t.Errorf("R3: AUS=%v RoleExists(Support) = %v", aus, got)
		}
		if _, ok := NewResolver(a).RolePrivileges(ProductionSupport); ok != aus {
			t.Errorf("R3: AUS=%v resolver knows Production Support = %v", aus, ok)
		}
	}
}

// ---------------------------------------------------------------------------
// R4: supersession.

func TestR4Supersession(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{
		role("Builder", "", BuildReadWrite),
		role("Runtime", "", RuntimeManagement),
		role("Reader", "", BuildRead, RuntimeManagementRead),
		role("EnvAdmin", "", EnvironmentManagement, RuntimeManagement),
		role("EnvFull", "", EnvironmentFull, RuntimeManagementRead),
	}, []User{
		user("b@x.com", "Builder"), user("r@x.com", "Runtime"), user("rd@x.com", "Reader"),
		user("em@x.com", "EnvAdmin"), user("ef@x.com", "EnvFull"),
	}, env("Open"), env("Prod", "EnvFull"), env("Locked", "Reader"))
	r := mustValid(t, a)
	tests := []struct {
		name      string
		email     string
		p         Privilege
		want      bool
		impliedBy Privilege
	}{
		{"R4 Build Read and Write Access covers Build Read Access", "b@x.com", BuildRead, true, BuildReadWrite},
		{"R4 Runtime Management covers its Read Access", "r@x.com", RuntimeManagementRead, true, RuntimeManagement},
		{"R4 Environment Management covers Read Access", "em@x.com", EnvironmentRead, true, EnvironmentManagement},
		{"R4 Environment Management covers Full Access", "em@x.com", EnvironmentFull, true, EnvironmentManagement},
		{"R4 refused: Build Read Access does not cover Read and Write", "rd@x.com", BuildReadWrite, false, 0},
		{"R4 refused: Runtime Management Read Access does not cover Runtime Management", "rd@x.com", RuntimeManagement, false, 0},
		{"R4 refused: Full Access does not give Environment Management", "ef@x.com", EnvironmentManagement, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := uIdx(t, r, tt.email)
			if got := r.Check(u, tt.p, -1); got != tt.want {
				t.Fatalf("Check = %v, want %v", got, tt.want)
			}
			if !tt.want {
				return
			}
			srcs, imp := sourceStrings(r.Grants(u), tt.p)
			if imp != tt.impliedBy || len(srcs) == 0 {
				t.Errorf("grant implied by %v with sources %v; want implied by %v", imp, srcs, tt.impliedBy)
			}
		})
	}
	// Environment Management: both per-environment privileges in every
	// environment, write everywhere, including one that lists none of its roles.
	u := uIdx(t, r, "em@x.com")
	for e := range r.NumEnvironments() {
		v := r.EnvView(u, e)
		if !v.Visible || v.Access != AccessWrite || !r.Check(u, EnvironmentRead, e) || !r.Check(u, EnvironmentFull, e) {
			t.Errorf("R4: Environment Management in %s: %+v, Read=%v Full=%v", v.Environment, v, r.Check(u, EnvironmentRead, e), r.Check(u, EnvironmentFull, e))
		}
	}
}

// ---------------------------------------------------------------------------
// R5: custom roles.

func TestR5CustomRole(t *testing.T) {
	t.Parallel()
	base := func() *Account {
		return acctOn([]Role{role("Parent", "", Execute, ViewResults), role("Child", "Parent", Licensing)}, []User{user("a@x.com", "Child")})
	}
	r := mustValid(t, base())
	set, _ := r.RolePrivileges("Child")
	if set != SetOf(Execute, ViewResults, Licensing) {
		t.Errorf("R5: Child = parent's privileges plus its ticks; got [%s]", privSetKey(set))
	}
	tests := []struct {
		name    string
		op      Op
		refused string
		subs    []string
	}{
		{"R5 unticking an inherited privilege refused", Untick{Role: "Child", Privilege: Execute}, "R5", []string{"inherited from Parent"}},
		{"R5 unticking its own tick applies", Untick{Role: "Child", Privilege: Licensing}, "", nil},
		{"R5 unticking what it does not tick refused", Untick{Role: "Child", Privilege: Dashboard}, "R5", nil},
		{"R0 unknown privilege refused", AddRole{Name: "Bad", Privileges: []Privilege{0}}, "R0", nil},
		{"R5 does not inherit a role", AddRole{Name: "Alone", Description: "no parent", Privileges: []Privilege{Execute}}, "", nil},
		{"R5 change Inherits Role to none", SetParent{Role: "Child", From: "Parent", To: ""}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Apply(base(), tt.op)
			checkRefusal(t, err, tt.refused, tt.subs...)
		})
	}
}

// ---------------------------------------------------------------------------
// R6: inheritance.

func TestR6Inheritance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		roles []Role
		err   string // substring of the R6 error, "" when valid
	}{
		{"R6 inherits a built-in", []Role{role("A", Support)}, ""},
		{"R6 inherits a custom role", []Role{role("A", "B"), role("B", "", Execute)}, ""},
		{"R6 chain of depth 5", []Role{role("L1", "L2"), role("L2", "L3"), role("L3", "L4"), role("L4", "L5"), role("L5", ProductionSupport)}, ""},
		{"R6 self-inheritance refused", []Role{role("A", "A")}, "inherits itself"},
		{"R6 self-inheritance in another case refused", []Role{role("Ops", "OPS")}, "inherits itself"},
		{"R6 two-role cycle refused", []Role{role("A", "B"), role("B", "A")}, "inheritance cycle"},
		{"R6 three-role cycle refused", []Role{role("A", "B"), role("B", "C"), role("C", "A")}, "inheritance cycle"},
		{"R6 dangling parent refused", []Role{role("A", "Ghost")}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Validate(acctOn(tt.roles, nil))
			if tt.err == "" {
				if ps.HasErrors() {
					t.Fatalf("errors: %v", ps)
				}
				return
			}
			if !findProblem(ps, Error, "R6", tt.err) {
				t.Errorf("want R6 error %q, got %v", tt.err, ps)
			}
		})
	}
	// Chains of any depth resolve transitively.
	a := acctOn([]Role{role("L1", "L2", Dashboard), role("L2", "L3"), role("L3", "L4"), role("L4", "L5"), role("L5", ProductionSupport, Licensing)}, nil)
	r := mustValid(t, a)
	set, _ := r.RolePrivileges("L1")
	for _, p := range []Privilege{Dashboard, Licensing, Scheduling} {
		if !set.Has(p) {
			t.Errorf("R6: L1 lacks %s from its chain", p)
		}
	}
	if got := strings.Join(r.RoleChain("L1"), " -> "); got != "L1 -> L2 -> L3 -> L4 -> L5 -> Production Support" {
		t.Errorf("R6 chain %s", got)
	}
	// An edit that makes a cycle is refused.
	_, _, err := Apply(acctOn([]Role{role("A", "B"), role("B", "")}, nil), SetParent{Role: "B", To: "a"})
	checkRefusal(t, err, "R6", "cycle")
}

// ---------------------------------------------------------------------------
// R7: role names.

func TestR7RoleNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		names []string
		err   string // substring of the R7 error, "" when valid
	}{
		{"R7 ordinary name", []string{"Release Managers"}, ""},
		{"R7 non-ASCII name", []string{"Écrivains"}, ""},
		{"R7 100 characters", []string{strings.Repeat("x", 100)}, ""},
		{"R7 100 multibyte characters", []string{strings.Repeat("é", 100)}, ""},
		{"R7 101 characters refused", []string{strings.Repeat("x", 101)}, "at most 100"},
		{"R7 empty refused", []string{""}, "empty"},
		{"R7 escape character refused", []string{"Ops\x1b[2J"}, "control character"},
		{"R7 tab refused", []string{"Ops\tTeam"}, "control character"},
		{"R7 bidi override refused", []string{"Ops\u202eevil"}, "direction-changing character U+202E"},
		{"R7 leading space refused", []string{" Ops"}, "space"},
		{"R7 trailing space refused", []string{"Ops "}, "space"},
		{"R7 name of a built-in refused", []string{"Administrator"}, "built-in"},
		{"R7 name of a built-in in another case refused", []string{"production support"}, "built-in"},
		{"R7 duplicate ignoring case refused", []string{"Ops", "OPS"}, "unique ignoring case"},
		{"R7 different names", []string{"Ops", "Ops 2"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var roles []Role
			for _, n := range tt.names {
				roles = append(roles, role(n, ""))
			}
			ps := Validate(acctOn(roles, nil))
			if tt.err == "" {
				if ps.HasErrors() {
					t.Fatalf("errors: %v", ps)
				}
				return
			}
			if !findProblem(ps, Error, "R7", tt.err) {
				t.Errorf("want R7 error %q, got %v", tt.err, ps)
			}
		})
	}
	ops := []struct {
		name    string
		op      Op
		refused string
	}{
		{"R7 add a duplicate in another case refused", AddRole{Name: "ops"}, "R7"},
		{"R7 rename onto another role in another case refused", RenameRole{Role: "Deploy", To: "OPS"}, "R7"},
		{"R7 rename to a built-in refused", RenameRole{Role: "Deploy", To: "SUPPORT"}, "R7"},
		{"R7 rename with a trailing space refused", RenameRole{Role: "Deploy", To: "Deploy "}, "R7"},
		{"R7 rename changing only case applies", RenameRole{Role: "Deploy", To: "DEPLOY"}, ""},
	}
	for _, tt := range ops {
		t.Run(tt.name, func(t *testing.T) {
			a := acctOn([]Role{role("Ops", ""), role("Deploy", "")}, []User{user("a@x.com", "Deploy")})
			b, _, err := Apply(a, tt.op)
			checkRefusal(t, err, tt.refused)
			if err == nil && b.Users[0].Roles[0] != "DEPLOY" {
				t.Errorf("rename does not follow the role to its holder: %q", b.Users[0].Roles)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// R8: removing a role.

func TestR8RemoveRole(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{
		role("Held", "", Execute), role("Parent", "", Execute), role("Heir", "Parent"),
		role("Both", "", Execute), role("BothHeir", "Both"), role("Free", "", Execute), role("Lonely", "", Execute),
	}, []User{user("kai@x.com", "Held", "Heir"), user("lee@x.com", "Held", "Both"), user("sam@x.com", StandardUser)},
		env("Shared", "Free", StandardUser), env("Solo", "Lonely"))
	mustValid(t, a)
	tests := []struct {
		name     string
		role     string
		refused  bool
		mentions []string
	}{
		{"R8 held role refused, naming the holders", "Held", true, []string{"kai@x.com", "lee@x.com", "held by"}},
		{"R8 inherited role refused, naming the heirs", "Parent", true, []string{"Heir", "inherited by"}},
		{"R8 held and inherited refused, naming both", "Both", true, []string{"lee@x.com", "BothHeir"}},
		{"R8 role nobody holds or inherits removed", "Free", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, out, err := Apply(a, RemoveRole{Name: tt.role})
			if tt.refused {
				checkRefusal(t, err, "R8", tt.mentions...)
				return
			}
			checkRefusal(t, err, "")
			if b.FindRole(tt.role) >= 0 {
				t.Errorf("role still there")
			}
			for _, e := range b.Environments {
				if slices.ContainsFunc(e.RolesWithAccess, func(rn string) bool { return strings.EqualFold(rn, tt.role) }) {
					t.Errorf("R8: %s still lists %s", e.Name, tt.role)
				}
			}
			if len(out.Notes) != 0 {
				t.Errorf("R8: Shared still lists Standard User, nothing widens; notes %q", out.Notes)
			}
		})
	}
	// The widening: Solo lists only Lonely. The warning comes before the
	// edit (Widenings) and with it (a note); after it Solo is open and
	// Standard User sees it.
	if got := Widenings(a, "lonely"); !slices.Equal(got, []string{"Solo"}) {
		t.Errorf("R8 Widenings = %q, want [Solo]", got)
	}
	if got := Widenings(a, "Free"); len(got) != 0 {
		t.Errorf("R8 Widenings(Free) = %q, want none", got)
	}
	r := NewResolver(a)
	if canSee(r, uIdx(t, r, "sam@x.com"), eIdx(t, r, "Solo")) {
		t.Fatalf("Standard User sees Solo before the removal")
	}
	b, out, err := Apply(a, RemoveRole{Name: "Lonely"})
	checkRefusal(t, err, "")
	if len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "Solo becomes open to every role") {
		t.Errorf("R8 widening note missing: %q", out.Notes)
	}
	if !slices.Equal(out.Widened, []string{"Solo"}) {
		t.Errorf("R8 Outcome.Widened = %q, want [Solo]", out.Widened)
	}
	// Taking the last role off by hand widens too (R12); taking one of two does not.
	if _, out, err := Apply(a, Disallow{Environment: "solo", Role: "LONELY"}); err != nil || !slices.Equal(out.Widened, []string{"Solo"}) {
		t.Errorf("R12 Disallow of the last role: widened %q, err %v", out.Widened, err)
	}
	if _, out, err := Apply(a, Disallow{Environment: "Shared", Role: "Free"}); err != nil || len(out.Widened) != 0 {
		t.Errorf("R12 Disallow of one of two roles: widened %q, err %v", out.Widened, err)
	}
	r2 := NewResolver(b)
	if !canSee(r2, uIdx(t, r2, "sam@x.com"), eIdx(t, r2, "Solo")) {
		t.Errorf("R12: Solo is open after the removal but Standard User does not see it")
	}
	d := Compare(r, r2)
	if len(d.Environments) != 1 || !d.Environments[0].BecameOpen {
		t.Errorf("R8: Compare does not report Solo becoming open: %+v", d.Environments)
	}
}

// ---------------------------------------------------------------------------
// R9: redundant ticks.

func TestR9RedundantTick(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		roles []Role
		warn  string // substring of the R9 warning, "" for none
	}{
		{"R9 tick the parent grants", []Role{role("P", "", Execute), role("C", "P", Execute)}, "already grants"},
		{"R9 tick a built-in parent grants", []Role{role("C", Support, ViewData)}, "already grants"},
		{"R9 tick a grandparent grants", []Role{role("G", "", Licensing), role("P", "G"), role("C", "P", Licensing)}, "already grants"},
		{"R9 tick a built-in parent grants (Standard User's Build Read Access, decision)", []Role{role("C", StandardUser, BuildRead)}, "already grants"},
		{"R9 tick the parent only covers (R4) is kept", []Role{role("P", "", RuntimeManagement), role("C", "P", RuntimeManagementRead)}, ""},
		{"R9 tick a grandparent only covers (R4) is kept", []Role{role("G", "", BuildReadWrite), role("P", "G"), role("C", "P", BuildRead)}, ""},
		{"R9 per-environment tick beside inherited Environment Management is kept", []Role{role("C", Administrator, EnvironmentRead)}, ""},
		{"R9 same tick twice", []Role{role("C", "", Execute, Execute)}, "twice"},
		{"R9 new tick is not redundant", []Role{role("P", "", Execute), role("C", "P", Licensing)}, ""},
		{"R9 no parent, no redundancy", []Role{role("C", "", Execute)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Validate(acctOn(tt.roles, nil))
			if ps.HasErrors() {
				t.Fatalf("R9: a redundant tick is allowed, got errors %v", ps)
			}
			got := findProblem(ps, Warning, "R9", tt.warn)
			if tt.warn == "" {
				got = findProblem(ps, Warning, "R9")
				if got {
					t.Errorf("unexpected R9 warning: %v", ps)
				}
				return
			}
			if !got {
				t.Errorf("want R9 warning %q, got %v", tt.warn, ps)
			}
		})
	}
}

// R9: saving drops exactly the ticks validation calls redundant, and keeps
// a repeated tick once.
func TestR9SaveDropsWhatLintWarns(t *testing.T) {
	t.Parallel()
	for _, roles := range [][]Role{
		{role("P", "", Execute, RuntimeManagement), role("C", "P", Execute, RuntimeManagementRead, Licensing)},
		{role("G", "", BuildReadWrite, Licensing), role("P", "G", BuildRead), role("C", "P", Licensing, BuildRead, BuildReadWrite)},
		{role("C", StandardUser, BuildRead, Execute, Execute, APIAccess)},
		{role("C", Administrator, EnvironmentRead, EnvironmentFull, RuntimeManagementRead)},
	} {
		a := acctOn(roles, nil)
		warned := map[string]PrivSet{}
		for _, p := range Validate(a) {
			if p.Rule == "R9" && strings.Contains(p.Message, "already grants") {
				warned[p.Subject] = warned[p.Subject].With(roles[p.Loc.Index].Privileges[p.Loc.Item])
			}
		}
		c := Canonical(a)
		for _, r := range roles {
			kept := c.Roles[c.FindRole(r.Name)].Privileges
			if dropped := SetOf(r.Privileges...) &^ SetOf(kept...); dropped != warned[r.Name] || len(kept) != len(SetOf(kept...).List()) {
				t.Errorf("%s %v: validation warns about [%s], saving drops [%s] (keeps %v)", r.Name, r.Privileges, privSetKey(warned[r.Name]), privSetKey(dropped), kept)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// R10: users.

func TestR10Users(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		users []User
		sev   Severity
		want  string // substring of the R10 problem, "" for none
	}{
		{"R10 user with one role", []User{user("a@x.com", Administrator)}, Error, ""},
		{"R10 user with no role refused", []User{user("a@x.com")}, Error, "has no role"},
		{"R10 duplicate email ignoring case refused", []User{user("a@x.com", Administrator), user("A@X.COM", Support)}, Error, "listed twice"},
		{"R10 role held twice refused", []User{user("a@x.com", Support, "SUPPORT")}, Error, "twice"},
		{"R10 not an email refused", []User{user("nobody", Support)}, Error, "not an email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Validate(acctOn(nil, tt.users))
			if tt.want == "" {
				if len(ps) > 0 {
					t.Errorf("problems: %v", ps)
				}
				return
			}
			if !findProblem(ps, tt.sev, "R10", tt.want) {
				t.Errorf("want R10 %v %q, got %v", tt.sev, tt.want, ps)
			}
		})
	}
	many := func(n int) []User {
		us := make([]User, n)
		for i := range us {
			us[i] = user(fmt.Sprintf("u%d@x.com", i), StandardUser)
		}
		return us
	}
	for _, n := range []int{MaxUsers, MaxUsers + 1} {
		t.Run(fmt.Sprintf("R10 %d users", n), func(t *testing.T) {
			ps := Validate(acctOn(nil, many(n)))
			if ps.HasErrors() {
				t.Fatalf("errors: %v", ps.Errors()[:1])
			}
			if got, want := findProblem(ps, Warning, "R10", "at most 10000"), n > 10000; got != want {
				t.Errorf("warning = %v, want %v", got, want)
			}
		})
	}
	ops := []struct {
		name    string
		op      Op
		refused string
	}{
		{"R10 add a user with no role refused", AddUser{Email: "b@x.com"}, "R10"},
		{"R10 add a user whose email exists in another case refused", AddUser{Email: "A@x.com", Roles: []string{Support}}, "R10"},
		{"R10 take a user's last role refused", Unassign{Email: "a@x.com", Role: StandardUser}, "R10"},
		{"R10 unassign a role the user does not hold refused", Unassign{Email: "a@x.com", Role: "Ops"}, "R10"},
		{"R10 add a user with a role", AddUser{Email: "b@x.com", Roles: []string{"support"}}, ""},
	}
	for _, tt := range ops {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Apply(acctOn(nil, []User{user("a@x.com", StandardUser)}), tt.op)
			checkRefusal(t, err, tt.refused)
		})
	}
}

// TestR6R10R13ReferenceSpelling: a reference to a role matches it ignoring
// case, but only exactly that: a spelling the resolver would not find
// (surrounding space, a case-folding variant such as ſ for s) is refused by
// validation, never accepted and then ignored (which made an environment
// listing only " Administrator" open to every role, and Validate panic on
// such a parent).
func TestR6R10R13ReferenceSpelling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    *Account
		rule string // "" valid
	}{
		{"R10 user holds a role in another case", acctOn([]Role{role("Ops", "", Execute)}, []User{user("a@x.com", "OPS")}), ""},
		{"R5 refused: user holds a built-in with a leading space (no such role)", acctOn(nil, []User{user("a@x.com", " Administrator")}), "R5"},
		{"R5 refused: user holds a fold variant (ſ) (no such role)", acctOn([]Role{role("Ops", "", Execute)}, []User{user("a@x.com", "Opſ")}), "R5"},
		{"R13 environment lists a built-in in another case", acctOn(nil, []User{user("a@x.com", Administrator)}, env("Prod", "administrator")), ""},
		{"R5 refused: environment lists a built-in with a leading space (no such role)", acctOn(nil, []User{user("a@x.com", Administrator)}, env("Prod", " Administrator")), "R5"},
		{"R6 refused: parent with a leading space", acctOn([]Role{role("C", " Administrator")}, nil), "R6"},
		{"R6 refused: parent as a fold variant (ſ)", acctOn([]Role{role("Ops", ""), role("C", "Opſ")}, nil), "R6"},
		{"R6 refused: built-in parent as a fold variant (ſ)", acctOn([]Role{role("C", "Standard Uſer")}, nil), "R6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps Problems
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("Validate panics: %v", p)
					}
				}()
				ps = Validate(tt.a)
			}()
			if tt.rule == "" {
				if ps.HasErrors() {
					t.Fatalf("errors: %v", ps)
				}
				// Valid: the resolver finds the role.
				r := NewResolver(tt.a)
				for u := range tt.a.Users {
					if r.Privileges(u) == 0 {
						t.Errorf("user %s gets nothing from %q", tt.a.Users[u].Email, tt.a.Users[u].Roles)
					}
				}
				return
			}
			if !findProblem(ps, Error, tt.rule, "does not exist") {
				t.Errorf("want %s error, got %v", tt.rule, ps)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// R11: sources.

func TestR11Sources(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{
		role("Parent", "", Execute),
		role("Child", "Parent", Execute), // direct and inherited
		role("Mid", Support),
		role("Leaf", "Mid"),
		role("Reader", "", BuildRead),
		role("Writer", "", BuildReadWrite),
	}, []User{
		user("both@x.com", "Child"),
		user("three@x.com", "Parent", "Child"),
		user("chain@x.com", "Leaf"),
		user("builtin@x.com", StandardUser, "Leaf"),
		user("cover@x.com", "Reader", "Writer"),
		user("writer@x.com", "Writer"),
	})
	r := mustValid(t, a)
	tests := []struct {
		name  string
		email string
		p     Privilege
		want  []string
	}{
		{"R11 granted directly and through inheritance lists both", "both@x.com", Execute, []string{"Child", "Child (via Parent)"}},
		{"R11 each held role that grants it", "three@x.com", Execute, []string{"Child", "Child (via Parent)", "Parent"}},
		{"R11 only inherited chains: the whole chain", "chain@x.com", ViewData, []string{"Leaf (via Mid -> Support)"}},
		{"R11 a built-in and a chain", "builtin@x.com", ViewResults, []string{"Leaf (via Mid -> Support)", "Standard User"}},
		{"R11 covered privilege ticked by the same role: listed once", "builtin@x.com", RuntimeManagementRead, []string{"Standard User"}},
		{"R11 R4 a role granting only the covering privilege is a source too", "cover@x.com", BuildRead, []string{"Reader", "Writer through Build Read and Write Access"}},
		{"R11 R4 held only through the covering privilege", "writer@x.com", BuildRead, []string{"Writer through Build Read and Write Access"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := sourceStrings(r.Grants(uIdx(t, r, tt.email)), tt.p)
			if !slices.Equal(got, tt.want) {
				t.Errorf("sources %q, want %q", got, tt.want)
			}
		})
	}
	// WhoCan gives the same sources.
	holders := r.WhoCan(Execute, -1)
	if len(holders) != 4 || len(holders[0].Sources) != 2 {
		t.Errorf("R11 WhoCan(Execute): %+v", holders)
	}
	// A user holding nothing that grants it has no grant.
	if got, _ := sourceStrings(r.Grants(uIdx(t, r, "both@x.com")), Dashboard); got != nil {
		t.Errorf("R11: Dashboard sources %q for a user without it", got)
	}
}

// ---------------------------------------------------------------------------
// R12-R14: visibility.

func TestR12R13R14Visibility(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{
		role("Release Managers", "", RuntimeManagement, PackagedComponentDeployment),
		role("Junior Release", "Release Managers"),
		role("Runtime Readers", "", RuntimeManagementRead),
		role("Env Admins", "", EnvironmentManagement, RuntimeManagementRead),
		role("EM Only", "", EnvironmentManagement),
		role("Blind Listed", "", EnvironmentFull, Execute),
	}, []User{
		user("rel@x.com", "Release Managers"),
		user("jr@x.com", "Junior Release"),
		user("rr@x.com", "Runtime Readers"),
		user("em@x.com", "Env Admins"),
		user("emonly@x.com", "EM Only"),
		user("blind@x.com", "Blind Listed"),
		user("ps@x.com", ProductionSupport),
		user("std@x.com", StandardUser),
		user("sup@x.com", Support),
	},
		env("Development"),
		Environment{Name: "Production", Classification: Production, RolesWithAccess: []string{"Release Managers"}},
		env("Hotfix", ProductionSupport),
		env("Blind", "Blind Listed", "EM Only"),
	)
	r := mustValid(t, a)
	tests := []struct {
		name   string
		email  string
		env    string
		want   bool
		reason string // substring of EnvView.Reason
	}{
		{"R12 open environment: Runtime Management", "rel@x.com", "Development", true, "open to every role (R12)"},
		{"R12 open environment: Runtime Management Read Access suffices", "rr@x.com", "Development", true, "R12"},
		{"R13 listed role held", "rel@x.com", "Production", true, "listed here (R13)"},
		{"R13 refused: inheriting a listed role does not count", "jr@x.com", "Production", false, "Junior Release inherits Release Managers, but inheriting a listed role does not count"},
		{"R13 refused: near miss spelled out", "rr@x.com", "Production", false, "holds Runtime Readers; Production lists only Release Managers"},
		{"R13 Environment Management sees what it is not listed on", "em@x.com", "Production", true, "Environment Management (R13)"},
		{"R13 restricted environment listing a built-in: holder sees it", "ps@x.com", "Hotfix", true, "holds Production Support"},
		{"R13 refused: restricted environment listing a built-in, other built-in", "std@x.com", "Hotfix", false, "Hotfix lists only Production Support"},
		{"R14 refused: no Runtime Management, open environment", "sup@x.com", "Development", false, "needs Runtime Management or Runtime Management Read Access"},
		{"R14 refused: Environment Management without Runtime Management", "emonly@x.com", "Blind", false, "(R14)"},
		{"R14 refused: listed role without Runtime Management", "blind@x.com", "Blind", false, "(R14)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, e := uIdx(t, r, tt.email), eIdx(t, r, tt.env)
			v := r.EnvView(u, e)
			if v.Visible != tt.want {
				t.Fatalf("visible = %v, want %v (%s)", v.Visible, tt.want, v.Reason)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", v.Reason, tt.reason)
			}
			if !tt.want && (v.Access != AccessNone || v.Deploy || v.Schedule || v.EditExtensions) {
				t.Errorf("hidden environment gives %+v", v)
			}
		})
	}
	// R14: with neither Runtime privilege, nothing is visible at all.
	for _, email := range []string{"sup@x.com", "emonly@x.com", "blind@x.com"} {
		u := uIdx(t, r, email)
		for e := range r.NumEnvironments() {
			if canSee(r, u, e) {
				t.Errorf("R14: %s sees environment %d", email, e)
			}
		}
	}
	// R14 lint: a role ticking per-environment privileges without either.
	ps := Validate(a)
	if !findProblem(ps, Warning, "R14", "Blind Listed") {
		t.Errorf("R14 warning for Blind Listed missing: %v", ps)
	}
	if findProblem(ps, Warning, "R14", "Env Admins") {
		t.Errorf("R14 warning for Env Admins, which has Runtime Management Read Access: %v", ps)
	}
}

// TestR12EnvironmentShape: an environment has a unique name (1 to 80
// characters) and a classification, production or test (§4).
func TestR12EnvironmentShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		envs []Environment
		err  string // substring of the R12 error, "" when valid
	}{
		{"R12 80 characters", []Environment{env(strings.Repeat("e", 80))}, ""},
		{"R12 81 characters refused", []Environment{env(strings.Repeat("e", 81))}, "at most 80"},
		{"R12 empty name refused", []Environment{env("")}, "empty"},
		{"R12 duplicate ignoring case refused", []Environment{env("Prod"), env("PROD")}, "defined twice"},
		{"R12 unknown classification refused", []Environment{{Name: "Prod", Classification: "staging"}}, "classification"},
		{"R12 production", []Environment{{Name: "Prod", Classification: Production}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Validate(acctOn(nil, nil, tt.envs...))
			if tt.err == "" {
				if ps.HasErrors() {
					t.Fatalf("errors: %v", ps)
				}
				return
			}
			// §4 gives these no rule id of their own: R12 or the name
			// rules of R7 are both fair citations.
			if !findProblem(ps, Error, "R12", tt.err) && !findProblem(ps, Error, "R7", tt.err) {
				t.Errorf("want R12 (or R7) error %q, got %v", tt.err, ps)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// R15: which roles count in an environment.

func TestR15CountingRoles(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{
		role("Viewer", "", RuntimeManagementRead),
		role("Deployer", "", PackagedComponentDeployment),
		role("Writer", "", EnvironmentFull, RuntimeManagement),
		role("EnvAdmin", "", EnvironmentManagement, RuntimeManagement),
	}, []User{
		user("vd@x.com", "Viewer", "Deployer"),
		user("w@x.com", "Writer"),
		user("adm@x.com", "Viewer", "Deployer", "EnvAdmin"),
		user("wv@x.com", "Writer", "Viewer"),
	}, env("Open"), env("Restricted", "Viewer"), env("Writers", "Writer"), env("ViewersOnly", "Viewer"))
	r := mustValid(t, a)
	tests := []struct {
		name   string
		email  string
		env    string
		p      Privilege
		want   bool
		access Access
	}{
		{"R15 open environment: all roles count", "vd@x.com", "Open", PackagedComponentDeployment, true, AccessRead},
		{"R15 refused: restricted: an unlisted role does not count", "vd@x.com", "Restricted", PackagedComponentDeployment, false, AccessRead},
		{"R15 restricted: the listed role counts", "vd@x.com", "Restricted", RuntimeManagementRead, true, AccessRead},
		{"R15 Environment Management: all roles count everywhere", "adm@x.com", "Restricted", PackagedComponentDeployment, true, AccessWrite},
		{"R15 per-environment privilege through a listed role", "w@x.com", "Writers", EnvironmentFull, true, AccessWrite},
		{"R15 refused: per-environment privilege in an open environment does nothing", "w@x.com", "Open", EnvironmentFull, false, AccessRead},
		{"R15 refused: per-environment privilege through an unlisted role", "wv@x.com", "ViewersOnly", EnvironmentFull, false, AccessRead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, e := uIdx(t, r, tt.email), eIdx(t, r, tt.env)
			if got := r.Check(u, tt.p, e); got != tt.want {
				t.Errorf("Check(%s in %s) = %v, want %v", tt.p, tt.env, got, tt.want)
			}
			if v := r.EnvView(u, e); v.Access != tt.access {
				t.Errorf("access %s, want %s (%s)", v.Access, tt.access, v.Reason)
			}
			if !r.Check(u, tt.p, -1) && tt.p != EnvironmentFull {
				t.Errorf("%s not held account-wide", tt.p)
			}
		})
	}
	// Decision flag in a restricted environment's view.
	if v := r.EnvView(uIdx(t, r, "vd@x.com"), eIdx(t, r, "Restricted")); !v.Decision || !strings.Contains(v.Reason, "decision") {
		t.Errorf("R15 is a decision and the view must say so: %+v", v)
	}
}

// ---------------------------------------------------------------------------
// R16: Advanced Environment Access.

func TestR16AdvancedEnvironmentAccess(t *testing.T) {
	t.Parallel()
	for _, aea := range []bool{false, true} {
		t.Run(fmt.Sprintf("R16 switch %v", aea), func(t *testing.T) {
			a := acctOn([]Role{role("Writer", "", EnvironmentFull, RuntimeManagement), role("Reader", "", EnvironmentRead, RuntimeManagement, PackagedComponentDeployment)},
				[]User{user("w@x.com", "Writer"), user("r@x.com", "Reader")}, env("Prod", "Writer", "Reader"))
			a.AdvancedEnvironmentAccess = aea
			r := mustValid(t, a)
			w, rd, e := uIdx(t, r, "w@x.com"), uIdx(t, r, "r@x.com"), eIdx(t, r, "Prod")
			wantW := AccessRead
			if aea {
				wantW = AccessWrite
			}
			if v := r.EnvView(w, e); v.Access != wantW {
				t.Errorf("Full Access through a listed role: %s, want %s (%s)", v.Access, wantW, v.Reason)
			}
			if got := r.Check(w, EnvironmentFull, e); got != aea {
				t.Errorf("Full Access counts in Prod = %v, want %v", got, aea)
			}
			// Read Access cancels deploy through Packaged Component Deployment only when on.
			if v := r.EnvView(rd, e); v.Deploy == aea {
				t.Errorf("Read Access holder deploy = %v with the switch %v (%s)", v.Deploy, aea, v.DeployReason)
			}
			ps := Validate(a)
			if got := findProblem(ps, Warning, "R16", "Writer"); got == aea {
				t.Errorf("R16 warning = %v with the switch %v: %v", got, aea, ps)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// R17: configuration access.

func TestR17Access(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{
		role("Full", "", EnvironmentFull, RuntimeManagement),
		role("Read", "", EnvironmentRead, RuntimeManagementRead),
		role("FullRead", "", EnvironmentFull, EnvironmentRead, RuntimeManagementRead),
		role("Plain", "", RuntimeManagement),
	}, []User{
		user("f@x.com", "Full"), user("fr@x.com", "FullRead"), user("f+r@x.com", "Full", "Read"),
		user("p@x.com", "Plain"), user("adm@x.com", Administrator),
	}, env("OnlyFull", "Full"), env("Both", "Full", "Read", "FullRead"), env("FullAndPlain", "Full", "Plain"), env("Open"))
	r := mustValid(t, a)
	tests := []struct {
		name  string
		email string
		env   string
		want  Access
	}{
		{"R17 Full Access through a listed role: write", "f@x.com", "OnlyFull", AccessWrite},
		{"R17 refused: Read and Full in one role: read", "fr@x.com", "Both", AccessRead},
		{"R17 refused: Read and Full through two listed roles: read", "f+r@x.com", "Both", AccessRead},
		{"R17 Read Access through an unlisted role does not apply: write", "f+r@x.com", "OnlyFull", AccessWrite},
		{"R17 refused: no per-environment privilege: read", "p@x.com", "FullAndPlain", AccessRead},
		{"R17 Environment Management: write everywhere", "adm@x.com", "Both", AccessWrite},
		{"R17 Environment Management in an open environment: write", "adm@x.com", "Open", AccessWrite},
		{"R17 refused: invisible: none", "p@x.com", "OnlyFull", AccessNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := r.EnvView(uIdx(t, r, tt.email), eIdx(t, r, tt.env))
			if v.Access != tt.want {
				t.Errorf("access %s, want %s (%s)", v.Access, tt.want, v.Reason)
			}
			if tt.want == AccessRead && strings.Contains(tt.name, "Read and Full") && !strings.Contains(v.Reason, "most restrictive") {
				t.Errorf("reason should say the most restrictive wins: %s", v.Reason)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// R18: acting on an environment.

func TestR18Actions(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{
		role("Deployer", "", PackagedComponentDeployment, RuntimeManagementRead),
		role("DeployRead", "", PackagedComponentDeployment, RuntimeManagementRead, EnvironmentRead),
		role("Writer", "", EnvironmentFull, RuntimeManagement),
		role("Scheduler", "", Scheduling, RuntimeManagement),
		role("SchedReadOnly", "", Scheduling, RuntimeManagementRead),
		role("SchedRead", "", Scheduling, RuntimeManagement, EnvironmentRead),
		role("Viewer", "", RuntimeManagementRead),
	}, []User{
		user("d@x.com", "Deployer"), user("dr@x.com", "DeployRead"), user("w@x.com", "Writer"),
		user("s@x.com", "Scheduler"), user("sro@x.com", "SchedReadOnly"), user("sr@x.com", "SchedRead"),
		user("vd@x.com", "Viewer", "Deployer"), user("adm@x.com", Administrator),
	}, env("Prod", "Deployer", "DeployRead", "Writer", "Scheduler", "SchedReadOnly", "SchedRead"), env("ViewOnly", "Viewer"), env("Open"))
	r := mustValid(t, a)
	tests := []struct {
		name                   string
		email, env             string
		deploy, schedule, edit bool
	}{
		{"R18 deploy through Packaged Component Deployment in a read environment", "d@x.com", "Prod", true, false, false},
		{"R18 refused: deploy made read by Environment Management Read Access", "dr@x.com", "Prod", false, false, false},
		{"R18 write access deploys, schedules and edits extensions", "w@x.com", "Prod", true, true, true},
		{"R18 schedule: Scheduling plus Runtime Management", "s@x.com", "Prod", false, true, false},
		{"R18 refused: Scheduling with Runtime Management Read Access only", "sro@x.com", "Prod", false, false, false},
		{"R18 refused: schedule made read by Read Access", "sr@x.com", "Prod", false, false, false},
		{"R18 refused: Packaged Component Deployment through an unlisted role", "vd@x.com", "ViewOnly", false, false, false},
		{"R18 open environment: Packaged Component Deployment counts", "vd@x.com", "Open", true, false, false},
		{"R18 Environment Management: all three", "adm@x.com", "ViewOnly", true, true, true},
		{"R18 refused: invisible environment", "s@x.com", "ViewOnly", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := r.EnvView(uIdx(t, r, tt.email), eIdx(t, r, tt.env))
			if v.Deploy != tt.deploy || v.Schedule != tt.schedule || v.EditExtensions != tt.edit {
				t.Errorf("deploy=%v schedule=%v edit=%v, want %v %v %v\n%s\n%s\n%s\n%s", v.Deploy, v.Schedule, v.EditExtensions, tt.deploy, tt.schedule, tt.edit,
					v.Reason, v.DeployReason, v.ScheduleReason, v.EditReason)
			}
			for _, rs := range []struct {
				ok     bool
				reason string
			}{{v.Deploy, v.DeployReason}, {v.Schedule, v.ScheduleReason}, {v.EditExtensions, v.EditReason}} {
				if rs.ok != strings.HasPrefix(rs.reason, "allowed") {
					t.Errorf("reason %q disagrees with %v", rs.reason, rs.ok)
				}
			}
		})
	}
	// Changing Roles with Access and creating environments: Environment
	// Management plus Runtime Management (the preview's actions).
	for _, tt := range []struct {
		email string
		want  bool
	}{{"adm@x.com", true}, {"s@x.com", false}} {
		u := uIdx(t, r, tt.email)
		if got := previewAction(r.Preview(u), PageRuntime, "Edit Roles with Access").Allowed; got != tt.want {
			t.Errorf("R18 Edit Roles with Access for %s = %v, want %v", tt.email, got, tt.want)
		}
	}
}

// ---------------------------------------------------------------------------
// R19: lint.

func TestR19Lint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		roles []Role
		users []User
		envs  []Environment
		want  string // substring of the R19 warning, "" for none
	}{
		{"R19 listed role held by nobody", []Role{role("Ghosts", "", RuntimeManagement)}, []User{user("a@x.com", Administrator)}, []Environment{env("Prod", "Ghosts")},
			"lists role \"Ghosts\", which no user holds: environment-by-environment access does not work as intended"},
		{"R19 listed built-in held by nobody", nil, []User{user("a@x.com", Administrator)}, []Environment{env("Prod", "support")}, "lists role \"Support\", which no user holds"},
		{"R19 held per-environment role listed nowhere", []Role{role("Writers", "", EnvironmentFull, RuntimeManagement)}, []User{user("a@x.com", "Writers")}, []Environment{env("Prod")},
			"listed on no environment: environment-by-environment access does not work as intended"},
		{"R19 inherited per-environment privilege listed nowhere", []Role{role("Writers", "", EnvironmentFull, RuntimeManagement), role("Sub", "Writers")}, []User{user("a@x.com", "Sub")}, []Environment{env("Prod", "Writers")},
			"role \"Sub\" inherits per-environment privileges from \"Writers\" and is held by 1 user but listed on no environment"},
		{"R19 held and listed: no warning", []Role{role("Writers", "", EnvironmentFull, RuntimeManagement)}, []User{user("a@x.com", "Writers")}, []Environment{env("Prod", "Writers")}, ""},
		{"R19 held, listed nowhere, no per-environment privilege: no warning", []Role{role("Ops", "", RuntimeManagement)}, []User{user("a@x.com", "Ops")}, []Environment{env("Prod")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Validate(acctOn(tt.roles, tt.users, tt.envs...))
			if ps.HasErrors() {
				t.Fatalf("errors: %v", ps)
			}
			if tt.want == "" {
				if findProblem(ps, Warning, "R19") {
					t.Errorf("unexpected R19 warning: %v", ps)
				}
				return
			}
			if !findProblem(ps, Warning, "R19", tt.want) {
				t.Errorf("want R19 warning %q, got %v", tt.want, ps)
			}
		})
	}
}

// R14, R16, R19: a role's per-environment privileges are "ticked" when its
// own ticks include one, and "inherited from" the nearest ancestor that
// ticks one otherwise.
func TestPerEnvLintSaysTicksOrInherits(t *testing.T) {
	t.Parallel()
	roles := []Role{
		role("Writers", "", EnvironmentFull),
		role("Mid", "Writers", Execute),
		role("Sub", "Mid"),
		role("Own", "Writers", EnvironmentRead),
	}
	users := []User{user("a@x.com", "Sub", "Own")}
	a := acctOn(roles, users, env("Prod", "Writers"))
	a.AdvancedEnvironmentAccess = false
	ps := Validate(a)
	for _, rule := range []string{"R14", "R16", "R19"} {
		if !findProblem(ps, Warning, rule, `role "Sub" inherits per-environment privileges from "Writers"`) {
			t.Errorf("%s: no warning that Sub inherits per-environment privileges from Writers: %v", rule, ps)
		}
		if !findProblem(ps, Warning, rule, `role "Own" ticks per-environment privileges`) {
			t.Errorf("%s: no warning that Own ticks per-environment privileges: %v", rule, ps)
		}
		if findProblem(ps, Warning, rule, `role "Sub" ticks`) || findProblem(ps, Warning, rule, `role "Mid" ticks`) {
			t.Errorf("%s: a role that only inherits per-environment privileges is said to tick them: %v", rule, ps)
		}
	}
	if !findProblem(ps, Warning, "R14", `role "Writers" ticks per-environment privileges without Runtime Management`) {
		t.Errorf("R14: no warning that Writers ticks per-environment privileges: %v", ps)
	}
}

// ---------------------------------------------------------------------------
// §5: the preview.

// TestPreviewNamesMatchSpec: page and action names exactly as the spec
// spells them, in its order (§5, parsed from testdata/access-model.md by
// oracle_spec_test.go; TestSpecCopyIsVerbatim keeps that copy current).
func TestPreviewNamesMatchSpec(t *testing.T) {
	t.Parallel()
	spec := theSpec().pages
	var names []string
	for _, p := range spec {
		names = append(names, p.name)
	}
	if got := Pages(); !slices.Equal(got, names) {
		t.Errorf("§5 Pages() = %q\nspec %q", got, names)
	}
	for _, p := range spec {
		var actions []string
		for _, a := range p.actions {
			actions = append(actions, a.name)
		}
		if got := pageActions(p.name); !slices.Equal(got, actions) && !(len(got) == 0 && len(actions) == 0) {
			t.Errorf("§5 %s actions = %q\nspec %q", p.name, got, actions)
		}
	}
}

func previewPage(pv Preview, page string) PageView {
	for _, p := range pv.Pages {
		if p.Page == page {
			return p
		}
	}
	return PageView{Page: "missing " + page}
}

func previewAction(pv Preview, page, action string) ActionView {
	for _, a := range previewPage(pv, page).Actions {
		if a.Action == action {
			return a
		}
	}
	return ActionView{Action: "missing " + action}
}

func previewFor(t *testing.T, aus, aea bool, holds []string, ticks []Privilege) Preview {
	t.Helper()
	var roles []Role
	if ticks != nil {
		roles = []Role{role("Custom", "", ticks...)}
		holds = append(holds, "Custom")
	}
	a := &Account{AdvancedUserSecurity: aus, AdvancedEnvironmentAccess: aea, Roles: roles, Users: []User{user("u@x.com", holds...)}, Environments: []Environment{env("Dev")}}
	r := mustValid(t, a)
	return r.Preview(0)
}

func TestPreviewPageAccess(t *testing.T) {
	t.Parallel()
	type c struct {
		ticks []Privilege
		want  PageAccess
	}
	none := []Privilege{APIAccess} // governs no page
	cases := map[string][]c{
		PageBuild:            {{[]Privilege{BuildReadWrite}, PageFull}, {[]Privilege{BuildRead}, PageReadOnly}, {none, PageHidden}},
		PageBranches:         {{[]Privilege{BuildRead}, PageFull}, {[]Privilege{BuildReadWrite}, PageFull}, {[]Privilege{BranchCreateModify}, PageHidden}},
		PagePackaged:         {{[]Privilege{PackagedComponentManagement}, PageFull}, {none, PageHidden}},
		PageDeployments:      {{[]Privilege{PackagedComponentDeployment}, PageFull}, {none, PageHidden}},
		PageReporting:        {{[]Privilege{ViewResults}, PageFull}, {[]Privilege{ViewData}, PageHidden}},
		PageRuntime:          {{[]Privilege{RuntimeManagement}, PageFull}, {[]Privilege{RuntimeManagementRead}, PageReadOnly}, {[]Privilege{Scheduling}, PageHidden}},
		PageCloud:            {{[]Privilege{CloudManagement}, PageFull}, {none, PageHidden}},
		PageDashboard:        {{[]Privilege{Dashboard}, PageFull}, {none, PageHidden}},
		PageAuditLogs:        {{[]Privilege{ViewAuditLogs}, PageFull}, {none, PageHidden}},
		PageUsers:            {{[]Privilege{UserManagement}, PageFull}, {none, PageHidden}},
		PageAccountFeatures:  {{[]Privilege{AccountAdministration}, PageFull}, {none, PageHidden}},
		PageAccountGroups:    {{[]Privilege{AccountGroupManagement}, PageFull}, {none, PageHidden}},
		PageLicensing:        {{[]Privilege{Licensing}, PageFull}, {none, PageHidden}},
		PageProcessLibrary:   {{[]Privilege{ProcessLibrary}, PageFull}, {none, PageHidden}},
		PageIntegrationPacks: {{[]Privilege{IntegrationPack}, PageFull}, {none, PageHidden}},
		PageTradingPartners:  {{[]Privilege{TradingPartnerManagement}, PageFull}, {none, PageHidden}},
		PageAPIManagement:    {{[]Privilege{APIMAccess}, PageFull}, {[]Privilege{APIMDashboard}, PageReadOnly}, {[]Privilege{APIMGateway}, PageHidden}},
	}
	for _, page := range Pages() {
		cs, ok := cases[page]
		if !ok {
			t.Errorf("§5: no case for page %s", page)
			continue
		}
		for _, tt := range cs {
			t.Run(fmt.Sprintf("%s %s with %s", page, tt.want, strings.Join(privNames(tt.ticks), "+")), func(t *testing.T) {
				pv := previewPage(previewFor(t, true, true, nil, tt.ticks), page)
				if pv.Access != tt.want {
					t.Errorf("access %s, want %s (%s)", pv.Access, tt.want, pv.Reason)
				}
				if !strings.HasPrefix(pv.Reason, string(tt.want)) {
					t.Errorf("reason %q does not start with %s", pv.Reason, tt.want)
				}
				if tt.want == PageReadOnly && pv.Banner == "" {
					t.Errorf("read-only page without its banner")
				}
			})
		}
	}
}

func TestPreviewActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		aus, aea     bool
		holds        []string
		ticks        []Privilege
		page, action string
		want         bool
		reason       string // substring of the reason
	}{
		{"Build Create Component with Read and Write", true, true, nil, []Privilege{BuildReadWrite}, PageBuild, "Create Component", true, ""},
		{"Build Save refused with Build Read Access", true, true, nil, []Privilege{BuildRead}, PageBuild, "Save", false, "Build Read and Write Access"},
		{"Build Copy Component with Build Read Access", true, true, nil, []Privilege{BuildRead}, PageBuild, "Copy Component", true, ""},
		{"Build Edit Test Extensions", true, true, nil, []Privilege{BuildReadWrite}, PageBuild, "Edit Test Extensions", true, ""},
		{"Build Edit Test Extensions with Read Access that applies nowhere (no environment lists the role, R15)", true, true, nil, []Privilege{BuildReadWrite, EnvironmentRead, RuntimeManagementRead}, PageBuild, "Edit Test Extensions", true, ""},
		{"Build Edit Test Extensions with Read Access but no Runtime Management at all (R14)", true, true, nil, []Privilege{BuildReadWrite, EnvironmentRead}, PageBuild, "Edit Test Extensions", true, ""},
		{"Build Edit Test Extensions with Read Access but R16 off", true, false, nil, []Privilege{BuildReadWrite, EnvironmentRead}, PageBuild, "Edit Test Extensions", true, ""},
		{"Build Install Runtime", true, true, nil, []Privilege{BuildReadWrite, RuntimeManagement}, PageBuild, "Install Runtime", true, ""},
		{"Build Install Runtime with Build Read Access and Runtime Management", true, true, nil, []Privilege{BuildRead, RuntimeManagement}, PageBuild, "Install Runtime", true, "Runtime Management from Custom (R11); Build Read Access from Custom (R11)"},
		{"Build Install Runtime refused with Runtime Read only", true, true, nil, []Privilege{BuildReadWrite, RuntimeManagementRead}, PageBuild, "Install Runtime", false, "Runtime Management"},
		{"Build Upload Custom Library", true, true, nil, []Privilege{BuildReadWrite, Developer}, PageBuild, "Upload Custom Library", true, ""},
		{"Build Upload Custom Library refused without Developer", true, true, nil, []Privilege{BuildReadWrite}, PageBuild, "Upload Custom Library", false, "Developer"},
		{"Branch Create Branch", true, true, nil, []Privilege{BuildRead, BranchCreateModify}, PageBranches, "Create Branch", true, ""},
		{"Branch Delete Branch refused", true, true, nil, []Privilege{BuildRead, BranchCreateModify}, PageBranches, "Delete Branch", false, "Branch Delete Access"},
		{"Packaged Create Packaged Component", true, true, nil, []Privilege{PackagedComponentManagement}, PagePackaged, "Create Packaged Component", true, ""},
		{"Deployments Deploy to a visible environment", true, true, nil, []Privilege{PackagedComponentDeployment, RuntimeManagementRead}, PageDeployments, "Deploy", true, "Dev"},
		{"Deployments Deploy refused without any visible environment (R14)", true, true, nil, []Privilege{PackagedComponentDeployment}, PageDeployments, "Deploy", false, "R18"},
		{"Reporting View Document", true, true, nil, []Privilege{ViewResults, ViewData}, PageReporting, "View Document", true, ""},
		{"Reporting View Document Errors refused without View Data", true, true, nil, []Privilege{ViewResults}, PageReporting, "View Document Errors", false, "View Data"},
		{"Reporting Run Document in Test Mode", true, true, nil, []Privilege{ViewResults, ViewData}, PageReporting, "Run Document in Test Mode", true, ""},
		{"Reporting Re-run Document", true, true, nil, []Privilege{ViewResults, Execute}, PageReporting, "Re-run Document", true, ""},
		{"Reporting Execute Process refused without Execute", true, true, nil, []Privilege{ViewResults}, PageReporting, "Execute Process", false, "Execute"},
		{"Reporting Download Process Logs", true, true, nil, []Privilege{ViewResults}, PageReporting, "Download Process Logs", true, ""},
		{"Runtime Save Settings", true, true, nil, []Privilege{RuntimeManagement}, PageRuntime, "Save Settings", true, ""},
		{"Runtime Delete refused read-only", true, true, nil, []Privilege{RuntimeManagementRead}, PageRuntime, "Delete", false, "Runtime Management"},
		{"Runtime Restart refused read-only", true, true, nil, []Privilege{RuntimeManagementRead}, PageRuntime, "Restart", false, "Runtime Management"},
		{"Runtime Download Runtime Logs", true, true, nil, []Privilege{RuntimeManagement}, PageRuntime, "Download Runtime Logs", true, ""},
		{"Runtime Search and View read-only", true, true, nil, []Privilege{RuntimeManagementRead}, PageRuntime, "Search and View", true, ""},
		{"Runtime Schedule Processes", true, true, nil, []Privilege{RuntimeManagement, Scheduling}, PageRuntime, "Schedule Processes", true, ""},
		{"Runtime Schedule Processes refused without Scheduling", true, true, nil, []Privilege{RuntimeManagement}, PageRuntime, "Schedule Processes", false, "Scheduling"},
		{"Runtime Create Environment", true, true, nil, []Privilege{RuntimeManagement, EnvironmentManagement}, PageRuntime, "Create Environment", true, ""},
		{"Runtime Create Environment refused without Environment Management", true, true, nil, []Privilege{RuntimeManagement}, PageRuntime, "Create Environment", false, "Environment Management"},
		{"Runtime Edit Roles with Access refused with Runtime Read only", true, true, nil, []Privilege{RuntimeManagementRead, EnvironmentManagement}, PageRuntime, "Edit Roles with Access", false, "Runtime Management"},
		{"Users Edit Custom Roles with R3 on", true, true, []string{Administrator}, nil, PageUsers, "Edit Custom Roles", true, ""},
		{"Users Edit Custom Roles refused with R3 off", false, true, []string{Administrator}, nil, PageUsers, "Edit Custom Roles", false, "R3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			av := previewAction(previewFor(t, tt.aus, tt.aea, slices.Clone(tt.holds), tt.ticks), tt.page, tt.action)
			if av.Action != tt.action {
				t.Fatalf("no action %q on %s", tt.action, tt.page)
			}
			if av.Allowed != tt.want {
				t.Errorf("allowed = %v, want %v (%s)", av.Allowed, tt.want, av.Reason)
			}
			if !strings.Contains(av.Reason, tt.reason) || av.Reason == "" {
				t.Errorf("reason %q does not contain %q", av.Reason, tt.reason)
			}
		})
	}
}

// TestPreviewPerEnvironmentActions: Deploy and Schedule Processes are
// allowed when R18 allows them in at least one environment, the same answer
// as the environments list gives, and the reason names where, or says why
// nowhere (§5). A deploy by write access alone says it rests on a decision.
func TestPreviewPerEnvironmentActions(t *testing.T) {
	t.Parallel()
	demo := NewResolver(Demo())
	a := acctOn([]Role{
		role("Ops", "", RuntimeManagement),
		role("Sched", "", Scheduling),
		role("SchedRead", "", Scheduling, RuntimeManagement, EnvironmentRead),
		role("Deployer", "", PackagedComponentDeployment, RuntimeManagementRead),
		role("DeployRead", "", PackagedComponentDeployment, RuntimeManagementRead, EnvironmentRead),
		role("Writer", "", EnvironmentFull, RuntimeManagement),
	}, []User{
		user("unlisted@x.com", "Ops", "Sched"), user("sr@x.com", "SchedRead"), user("dr@x.com", "DeployRead"),
		user("mixed@x.com", "Deployer", "Writer"), user("nowhere@x.com", "Sched", "Deployer"),
	}, env("Prod", "Ops", "SchedRead", "DeployRead", "Writer"), env("Stage", "SchedRead", "DeployRead", "Deployer"), env("Vault", "Writer"))
	// Every environment is restricted to roles the user does not hold.
	b := acctOn([]Role{role("Ops", "", RuntimeManagement, Scheduling), role("Others", "", RuntimeManagement)},
		[]User{user("o@x.com", "Ops"), user("p@x.com", "Others")}, env("Prod", "Others"))
	// Five environments, none of which allows scheduling: the reason names
	// three and counts the rest.
	many := acctOn([]Role{role("SchedRead", "", Scheduling, RuntimeManagement, EnvironmentRead)}, []User{user("sr@x.com", "SchedRead")},
		env("E1", "SchedRead"), env("E2", "SchedRead"), env("E3", "SchedRead"), env("E4", "SchedRead"), env("E5", "SchedRead"))
	// No environment at all.
	c := acctOn(nil, []User{user("s@x.com", StandardUser)})
	tests := []struct {
		name         string
		r            *Resolver
		email        string
		page, action string
		want         bool
		reason       []string // substrings of the reason
		not          []string // substrings the reason must not hold
	}{
		{"Write and Read Environment schedules where it writes", demo, "wren@example.com", PageRuntime, "Schedule Processes", true,
			[]string{"Production and Test", "(R18)"}, []string{"Development", "needs Scheduling"}},
		{"Write and Read Environment deploys where it writes, a decision", demo, "wren@example.com", PageDeployments, "Deploy", true,
			[]string{"Production and Test", "write access", "(R18, decision)"}, []string{"Development"}},
		{"Packaged Component Deployment counting: no decision", demo, "pat@example.com", PageDeployments, "Deploy", true,
			[]string{"Development and Production (R18)"}, []string{"decision", "Test"}},
		{"Deploy through the privilege in one environment and write access alone in another", mustValid(t, a), "mixed@x.com", PageDeployments, "Deploy", true,
			[]string{"can deploy to Prod, Stage and Vault", "to Prod and Vault through write access alone (R18)"}, nil},
		{"Schedule refused: Scheduling held only through a role Prod does not list", mustValid(t, a), "unlisted@x.com", PageRuntime, "Schedule Processes", false,
			[]string{"no environment allows scheduling (R18)", "Prod: needs write access or Scheduling here", "Scheduling is held only through Sched, which Prod does not list (it lists only Ops, SchedRead, DeployRead and Writer) (R15, decision)"}, nil},
		{"Schedule refused: Read Access makes every listing environment read", mustValid(t, a), "sr@x.com", PageRuntime, "Schedule Processes", false,
			[]string{"through SchedRead makes Prod read-only (R17)", "through SchedRead makes Stage read-only (R17)"}, []string{"Vault"}},
		{"Schedule refused: Scheduling without Runtime Management", mustValid(t, a), "nowhere@x.com", PageRuntime, "Schedule Processes", false,
			[]string{"needs Runtime Management (held by none of: Sched, Deployer), or write access to an environment (R18)"}, nil},
		{"Deploy refused: Read Access makes every listing environment read", mustValid(t, a), "dr@x.com", PageDeployments, "Deploy", false,
			[]string{"no environment allows deploying (R18)", "through DeployRead makes Prod read-only (R17)", "through DeployRead makes Stage read-only (R17)"}, []string{"Vault"}},
		{"Schedule refused: no environment visible", mustValid(t, b), "o@x.com", PageRuntime, "Schedule Processes", false,
			[]string{"no environment is visible", "(R13)", "no environment allows scheduling (R18)"}, nil},
		{"Schedule refused in five environments: three named, the rest counted", mustValid(t, many), "sr@x.com", PageRuntime, "Schedule Processes", false,
			[]string{"E1: ", "E3: ", "and 2 more (see environments)"}, []string{"E4", "E5"}},
		{"Schedule refused: the account has no environment", mustValid(t, c), "s@x.com", PageRuntime, "Schedule Processes", false,
			[]string{"no environment (R18)"}, nil},
		{"Deployments hidden: the reason names both ways in", mustValid(t, a), "unlisted@x.com", PageDeployments, "Deploy", false,
			[]string{"needs Packaged Component Deployment", "nor does R18 let the user deploy to any environment (R18)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pv := tt.r.Preview(uIdx(t, tt.r, tt.email))
			av := previewAction(pv, tt.page, tt.action)
			if av.Allowed != tt.want {
				t.Errorf("allowed = %v, want %v (%s)", av.Allowed, tt.want, av.Reason)
			}
			for _, sub := range tt.reason {
				if !strings.Contains(av.Reason, sub) {
					t.Errorf("reason %q does not contain %q", av.Reason, sub)
				}
			}
			for _, sub := range tt.not {
				if strings.Contains(av.Reason, sub) {
					t.Errorf("reason %q contains %q", av.Reason, sub)
				}
			}
			// The same answer as the environments list (§5).
			var where []string
			for _, v := range pv.Environments {
				if tt.action == "Deploy" && v.Deploy || tt.action == "Schedule Processes" && v.Schedule {
					where = append(where, v.Environment)
				}
			}
			if (len(where) > 0) != av.Allowed {
				t.Errorf("the environments allow it in %q, the action says allowed=%v", where, av.Allowed)
			}
		})
	}
	// The environments list: a deploy by write access alone says so in its
	// text and its JSON (the spec's intro), one through the privilege does not.
	for _, tt := range []struct {
		r          *Resolver
		email, env string
		decision   bool
	}{{demo, "wren@example.com", "Production", true}, {mustValid(t, a), "mixed@x.com", "Stage", false}, {mustValid(t, a), "mixed@x.com", "Vault", true}} {
		v := tt.r.EnvView(uIdx(t, tt.r, tt.email), eIdx(t, tt.r, tt.env))
		if !v.Deploy || strings.Contains(v.DeployReason, "decision") != tt.decision || v.DeployDecision != tt.decision {
			t.Errorf("%s in %s: deploy=%v decision=%v %q; want a deploy, decision %v", tt.email, tt.env, v.Deploy, v.DeployDecision, v.DeployReason, tt.decision)
		}
	}
}

// TestR18ExplainDeployDecision: explaining a missing Packaged Component
// Deployment where write access deploys all the same names the decision
// the deploy rests on (the spec's intro); scheduling rests on none.
func TestR18ExplainDeployDecision(t *testing.T) {
	t.Parallel()
	r := NewResolver(Demo())
	u, e := uIdx(t, r, "wren@example.com"), eIdx(t, r, "Production")
	for _, tt := range []struct {
		p    Privilege
		want string
	}{
		{PackagedComponentDeployment, "deploying to Production is allowed all the same, by write access alone (R18, decision)"},
		{Scheduling, "scheduling in Production is allowed all the same, by write access (R18)"},
	} {
		if v := r.Explain(u, tt.p, e); v.Allowed || !strings.Contains(v.Reason, tt.want) {
			t.Errorf("Explain(wren, %s, Production) = %v %q, want denied with %q", tt.p, v.Allowed, v.Reason, tt.want)
		}
	}
}

// TestPreviewHiddenEnvironment: a restricted environment the user cannot
// see appears in the preview, hidden, with the near miss (§5, R13).
func TestPreviewHiddenEnvironment(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{role("Release Managers", "", RuntimeManagement), role("Runtime Readers", "", RuntimeManagementRead)},
		[]User{user("rr@x.com", "Runtime Readers"), user("rm@x.com", "Release Managers")},
		Environment{Name: "Production", Classification: Production, RolesWithAccess: []string{"Release Managers"}})
	r := mustValid(t, a)
	pv := r.Preview(uIdx(t, r, "rr@x.com"))
	if len(pv.Environments) != 1 || pv.Environments[0].Visible || pv.Environments[0].Access != AccessNone {
		t.Fatalf("preview environments %+v", pv.Environments)
	}
	if want := "holds Runtime Readers; Production lists only Release Managers"; !strings.Contains(pv.Environments[0].Reason, want) {
		t.Errorf("near miss %q does not contain %q", pv.Environments[0].Reason, want)
	}
	if pv := r.Preview(uIdx(t, r, "rm@x.com")); !pv.Environments[0].Visible {
		t.Errorf("Release Managers holder does not see Production")
	}
}

// The seed rule refuses Edit Test Extensions where Environment Management
// Read Access applies: through a role an environment lists, for a user who
// reaches environments (R14, R15, R16). Where it applies nowhere it has no
// effect, and refuses nothing.
func TestEditTestExtensionsReadAccessApplies(t *testing.T) {
	t.Parallel()
	a := acctOn([]Role{role("Builder RO", "", BuildReadWrite, EnvironmentRead, RuntimeManagementRead)},
		[]User{user("b@x.com", "Builder RO")}, env("Dev"), env("Test", "Builder RO"))
	r := mustValid(t, a)
	av := previewAction(r.Preview(0), PageBuild, "Edit Test Extensions")
	if av.Allowed || !strings.Contains(av.Reason, "applies in Test and makes test extensions read-only (seed rule) (R16)") {
		t.Errorf("listed on Test: %+v", av)
	}
	a.Environments[1].RolesWithAccess = nil
	r = mustValid(t, a)
	if av := previewAction(r.Preview(0), PageBuild, "Edit Test Extensions"); !av.Allowed {
		t.Errorf("listed nowhere: %+v", av)
	}
}

// A name that holds what reasons use around names (parentheses, commas,
// semicolons, colons) is quoted, so that it cannot pass for a rule, a
// decision mark or a second name (R7 allows such names).
func TestReasonsQuoteNamesThatLookLikeMarks(t *testing.T) {
	t.Parallel()
	forged := "Ops (R15, decision); allowed: write"
	a := acctOn([]Role{role(forged, "", RuntimeManagementRead), role("Other", "", RuntimeManagementRead)},
		[]User{user("f@x.com", forged), user("o@x.com", "Other")}, env("Locked", "Other"), env("Mine", forged))
	r := mustValid(t, a)
	u := uIdx(t, r, "f@x.com")
	pv := r.Preview(u)
	var texts []string
	for _, p := range pv.Pages {
		texts = append(texts, p.Reason)
		for _, act := range p.Actions {
			texts = append(texts, act.Reason)
		}
	}
	for _, e := range pv.Environments {
		texts = append(texts, e.Reason, e.DeployReason, e.ScheduleReason, e.EditReason)
	}
	for _, g := range r.Grants(u) {
		texts = append(texts, g.From())
	}
	texts = append(texts, r.Explain(u, Dashboard, -1).Reason, r.Explain(uIdx(t, r, "o@x.com"), RuntimeManagementRead, eIdx(t, r, "Locked")).Reason)
	quoted := strconv.Quote(forged)
	named := 0
	for _, s := range texts {
		if strings.Contains(s, forged) {
			named++
			if strings.Contains(strings.ReplaceAll(s, quoted, ""), forged) {
				t.Errorf("the name is not quoted in %q", s)
			}
		}
	}
	if named == 0 {
		t.Fatal("no reason names the role")
	}
	// The environment that lists the role: R15 decides nothing there, and
	// no unquoted "decision" appears.
	v := r.EnvView(u, eIdx(t, r, "Mine"))
	if v.Decision || strings.Contains(strings.ReplaceAll(v.Reason, quoted, ""), "decision") {
		t.Errorf("Mine: decision=%v %q", v.Decision, v.Reason)
	}
}
