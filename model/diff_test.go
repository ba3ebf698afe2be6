package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// diffEnvs lists a user's environment changes as "env: before -> after",
// in the order Compare gives them.
func diffEnvs(ud UserDiff) []string {
	var out []string
	for _, c := range ud.Envs {
		out = append(out, fmt.Sprintf("%s: %s -> %s", c.Environment, c.Before, c.After))
	}
	return out
}

func diffUser(d Diff, email string) (UserDiff, bool) {
	for _, ud := range d.Users {
		if ud.User == email {
			return ud, true
		}
	}
	return UserDiff{}, false
}

func diffEnv(d Diff, name string) (EnvDiff, bool) {
	for _, ed := range d.Environments {
		if ed.Environment == name {
			return ed, true
		}
	}
	return EnvDiff{}, false
}

func hasLine(lines []string, want string) bool { return slices.Contains(lines, want) }

// seenBy returns, in user order, the state of environment name for every
// user of r who sees it.
func seenBy(r *Resolver, name string) map[string]EnvState {
	e := r.Environment(name)
	out := map[string]EnvState{}
	for u := range len(r.Account().Users) {
		if ev := r.eval(u, e); ev.visible {
			out[r.us()[u].email] = envState(ev)
		}
	}
	return out
}

var hiddenState = EnvState{Access: AccessNone}

// A removed user lists every environment they saw, each going to hidden:
// the mirror of an added user, who lists every environment they get.
func TestDiffRemovedUserListsEnvironments(t *testing.T) {
	t.Parallel()
	a := Demo()
	b := a.Clone()
	b.Users = slices.DeleteFunc(b.Users, func(u User) bool { return u.Email == "wren@example.com" })
	old := NewResolver(a)
	d := Compare(old, NewResolver(b))
	ud, ok := diffUser(d, "wren@example.com")
	if !ok || !ud.Removed {
		t.Fatalf("wren is not reported removed: %+v", d.Users)
	}
	var want []string
	for e := range old.NumEnvironments() {
		if ev := old.eval(old.User("wren@example.com"), e); ev.visible {
			want = append(want, fmt.Sprintf("%s: %s -> hidden", old.envs[e].name, envState(ev)))
		}
	}
	if len(want) != 3 {
		t.Fatalf("fixture: wren sees %q, want all three environments", want)
	}
	if got := diffEnvs(ud); !slices.Equal(got, want) {
		t.Errorf("removed wren's environments %q, want %q", got, want)
	}
	for _, c := range ud.Envs {
		if c.After != hiddenState {
			t.Errorf("removed wren keeps %s in %s, want hidden", c.After, c.Environment)
		}
	}

	// And the other way: adding wren back lists the same environments.
	d = Compare(NewResolver(b), old)
	ud, _ = diffUser(d, "wren@example.com")
	if !ud.Added || len(ud.Envs) != 3 {
		t.Errorf("added wren: %+v", ud)
	}
}

// R12, R14, R18: a new open environment is seen by every user who reaches
// Runtime Management; each of them gets an EnvChange from hidden, with
// what they may do there, and the summary counts them.
func TestDiffAddedEnvironment(t *testing.T) {
	t.Parallel()
	a := Demo()
	b := a.Clone()
	b.Environments = append(b.Environments,
		Environment{Name: "Staging", Classification: Test},
		Environment{Name: "Vault", Classification: Production, RolesWithAccess: []string{"Write and Read Environment"}})
	// One existing user changes otherwise too (re-evaluated everywhere),
	// and one user is new.
	b.Users[slices.IndexFunc(b.Users, func(u User) bool { return u.Email == "bo@example.com" })].Roles = []string{"Read Only Runtime Management"}
	b.Users = append(b.Users, User{Email: "new@example.com", Roles: []string{"Write and Read Environment"}})
	b.Normalize()
	old, nw := NewResolver(a), NewResolver(b)
	d := Compare(old, nw)

	for _, env := range []string{"Staging", "Vault"} {
		ed, ok := diffEnv(d, env)
		if !ok || !ed.Added {
			t.Errorf("%s is not reported added: %+v", env, d.Environments)
		}
		see := seenBy(nw, env)
		if len(see) < 2 {
			t.Fatalf("fixture: %s is seen by %v", env, see)
		}
		existing := 0
		for email, st := range see {
			ud, ok := diffUser(d, email)
			if !ok {
				t.Errorf("%s sees new %s but is not in the diff", email, env)
				continue
			}
			want := fmt.Sprintf("%s: hidden -> %s", env, st)
			if !slices.Contains(diffEnvs(ud), want) {
				t.Errorf("%s: environments %q, want %q among them", email, diffEnvs(ud), want)
			}
			if !ud.Added {
				existing++
			}
		}
		for _, ud := range d.Users {
			for _, c := range ud.Envs {
				if c.Environment == env && (c.Before != hiddenState || !c.After.Visible) {
					t.Errorf("%s in new %s: %s -> %s, want hidden -> visible", ud.User, env, c.Before, c.After)
				}
			}
		}
		if env == "Staging" && existing <= 2 {
			t.Fatalf("fixture: %d existing users see %s", existing, env)
		}
		// Added users are counted in "is added", not here.
		if line := fmt.Sprintf("%d users now see %s", existing, env); existing > 2 && !hasLine(d.Summary(), line) {
			t.Errorf("summary %q lacks %q", d.Summary(), line)
		}
	}
	// Staging is open and someone may deploy to it (R18): the EnvChanges
	// checked above carry that in their after state.
	deploy := 0
	for _, st := range seenBy(nw, "Staging") {
		if st.Deploy {
			deploy++
		}
	}
	if deploy == 0 {
		t.Errorf("fixture: nobody may deploy to Staging")
	}
}

// A removed environment: each user who saw it gets an EnvChange to hidden.
func TestDiffRemovedEnvironment(t *testing.T) {
	t.Parallel()
	a := Demo()
	b := a.Clone()
	b.Environments = slices.DeleteFunc(b.Environments, func(e Environment) bool { return e.Name == "Development" })
	old := NewResolver(a)
	d := Compare(old, NewResolver(b))
	if ed, ok := diffEnv(d, "Development"); !ok || !ed.Removed {
		t.Errorf("Development is not reported removed: %+v", d.Environments)
	}
	see := seenBy(old, "Development")
	if len(see) != 7 {
		t.Fatalf("fixture: Development is seen by %d users", len(see))
	}
	for email, st := range see {
		ud, ok := diffUser(d, email)
		if !ok {
			t.Errorf("%s saw Development but is not in the diff", email)
			continue
		}
		if got, want := diffEnvs(ud), []string{"Development: " + st.String() + " -> hidden"}; !slices.Equal(got, want) {
			t.Errorf("%s: environments %q, want %q", email, got, want)
		}
	}
	if len(d.Users) != len(see) {
		t.Errorf("%d users in the diff, want the %d who saw Development", len(d.Users), len(see))
	}
	if sum := d.Summary(); !hasLine(sum, "7 users no longer see Development") {
		t.Errorf("summary %q lacks the users who no longer see Development", sum)
	}
}

// Two files can differ in an environment's classification: the diff says
// so, in JSON and in the summary, even when nothing else changes.
func TestDiffClassification(t *testing.T) {
	t.Parallel()
	a := Demo()
	b := a.Clone()
	b.Environments[slices.IndexFunc(b.Environments, func(e Environment) bool { return e.Name == "Test" })].Classification = Production
	d := Compare(NewResolver(a), NewResolver(b))
	ed, ok := diffEnv(d, "Test")
	if !ok || ed.Classification == nil || ed.Classification.From != Test || ed.Classification.To != Production {
		t.Fatalf("Test's classification change is not reported: %+v", d.Environments)
	}
	if len(ed.Allowed)+len(ed.Disallowed) != 0 || ed.BecameOpen || ed.BecameRestricted {
		t.Errorf("classification change reports more: %+v", ed)
	}
	if len(d.Users) != 0 {
		t.Errorf("classification changes no one's access (R12-R18), diff has %+v", d.Users)
	}
	if d.Empty() {
		t.Errorf("diff with a classification change is Empty")
	}
	if sum := d.Summary(); !slices.Equal(sum, []string{"Test is now production (was test)"}) {
		t.Errorf("summary %q", sum)
	}
	js, err := json.Marshal(ed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"classification":{"from":"test","to":"production"}`) {
		t.Errorf("JSON %s", js)
	}
	// Unchanged classification: no key at all.
	js, _ = json.Marshal(EnvDiff{Environment: "X"})
	if strings.Contains(string(js), "classification") {
		t.Errorf("JSON without a change %s", js)
	}

	// A classification change together with a Roles with Access change.
	i := slices.IndexFunc(b.Environments, func(e Environment) bool { return e.Name == "Production" })
	b.Environments[i].Classification = Test
	b.Environments[i].RolesWithAccess = []string{ProductionSupport}
	d = Compare(NewResolver(a), NewResolver(b))
	sum := d.Summary()
	for _, l := range []string{"Production is now test (was production)", "Production no longer lists Write and Read Environment in its Roles with Access", "Test is now production (was test)"} {
		if !hasLine(sum, l) {
			t.Errorf("summary %q lacks %q", sum, l)
		}
	}
}

// Summary grammar: one user takes a singular verb, two named users and a
// count take a plural one.
func TestDiffSummaryGrammar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		users []UserDiff
		want  []string
	}{
		{[]UserDiff{{User: "ada@x", Removed: true}}, []string{"ada@x is removed"}},
		{[]UserDiff{{User: "ada@x", Removed: true}, {User: "cli@x", Removed: true}}, []string{"ada@x and cli@x are removed"}},
		{[]UserDiff{{User: "a@x", Added: true}, {User: "b@x", Added: true}, {User: "c@x", Added: true}}, []string{"3 users are added"}},
		{[]UserDiff{{User: "a@x", Added: true}, {User: "b@x", Added: true}}, []string{"a@x and b@x are added"}},
		{[]UserDiff{{User: "a@x", Lost: []string{"Execute"}}}, []string{"a@x loses Execute"}},
		{[]UserDiff{{User: "a@x", Lost: []string{"Execute"}}, {User: "b@x", Lost: []string{"Execute"}}}, []string{"a@x and b@x lose Execute"}},
		{[]UserDiff{{User: "a@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessRead, Deploy: true}}}}},
			[]string{"a@x can now deploy to E"}},
		{[]UserDiff{{User: "a@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessWrite}}}},
			{User: "b@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessWrite}}}}},
			[]string{"a@x and b@x get write access instead of read in E"}},
		{[]UserDiff{{User: "a@x", Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessWrite}}}}},
			[]string{"a@x gets write access instead of read in E"}},
	}
	for _, tc := range tests {
		d := Diff{Users: tc.users}
		if got := d.Summary(); !slices.Equal(got, tc.want) {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
	// Removed users' environments do not make "no longer see" lines: the
	// removal says it.
	d := Diff{Users: []UserDiff{{User: "a@x", Removed: true, Envs: []EnvChange{{Environment: "E", Before: EnvState{Visible: true, Access: AccessRead}, After: hiddenState}}}}}
	if got := d.Summary(); !slices.Equal(got, []string{"a@x is removed"}) {
		t.Errorf("Summary() = %q", got)
	}
}

// Summary grouping: the same users gaining, losing or newly seeing several
// things read as one line; different users, or a different verb, keep
// their own lines; the largest effects come first.
func TestDiffSummaryGrouping(t *testing.T) {
	t.Parallel()
	seen := func(env string) EnvChange {
		return EnvChange{Environment: env, Before: hiddenState, After: EnvState{Visible: true, Access: AccessRead}}
	}
	gone := func(env string) EnvChange {
		return EnvChange{Environment: env, Before: EnvState{Visible: true, Access: AccessRead}, After: hiddenState}
	}
	tests := []struct {
		name  string
		users []UserDiff
		want  []string
	}{
		{"one user, several gains",
			[]UserDiff{{User: "pat@example.com", Gained: []string{"Boomi Assure", "Developer", "Licensing", "View Data"}}},
			[]string{"pat@example.com gains Boomi Assure, Developer, Licensing and View Data"}},
		{"the same three users lose two",
			[]UserDiff{{User: "a@x", Lost: []string{"A", "B"}}, {User: "b@x", Lost: []string{"A", "B"}}, {User: "c@x", Lost: []string{"A", "B"}}},
			[]string{"3 users lose A and B"}},
		{"gains and losses apart, gains first (Overview's order)",
			[]UserDiff{{User: "a@x", Gained: []string{"A", "B"}, Lost: []string{"C", "D"}}},
			[]string{"a@x gains A and B", "a@x loses C and D"}},
		{"different users: separate lines, largest first",
			[]UserDiff{{User: "a@x", Lost: []string{"A"}}, {User: "b@x", Lost: []string{"A", "B"}}, {User: "c@x", Lost: []string{"A", "B"}}},
			[]string{"3 users lose A", "b@x and c@x lose B"}},
		{"same count, different users",
			[]UserDiff{{User: "a@x", Gained: []string{"A"}}, {User: "b@x", Gained: []string{"B"}}},
			[]string{"a@x gains A", "b@x gains B"}},
		{"a name holding \"and\" is quoted in a list",
			[]UserDiff{{User: "a@x", Gained: []string{"Build Read and Write Access", "Execute"}}},
			[]string{`a@x gains "Build Read and Write Access" and Execute`}},
		{"a name holding \"and\" alone is not quoted",
			[]UserDiff{{User: "a@x", Gained: []string{"Build Read and Write Access"}}},
			[]string{"a@x gains Build Read and Write Access"}},
		{"environments",
			[]UserDiff{{User: "kai@example.com", Envs: []EnvChange{gone("Test"), gone("Production"), seen("Staging")}},
				{User: "oren@example.com", Envs: []EnvChange{gone("Test"), gone("Production")}}},
			[]string{"kai@example.com now sees Staging", "kai@example.com and oren@example.com no longer see Test and Production"}},
		{"environment names with commas are quoted in a list",
			[]UserDiff{{User: "a@x", Envs: []EnvChange{seen("Prod, EU"), seen("Test")}}},
			[]string{`a@x now sees "Prod, EU" and Test`}},
		{"deploy in several environments",
			[]UserDiff{{User: "a@x", Envs: []EnvChange{
				{Environment: "Test", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessRead, Deploy: true}},
				{Environment: "Production", Before: EnvState{Visible: true, Access: AccessRead}, After: EnvState{Visible: true, Access: AccessRead, Deploy: true}}}}},
			[]string{"a@x can now deploy to Test and Production"}},
		{"added and removed users stay apart from the rest",
			[]UserDiff{{User: "a@x", Added: true, Gained: []string{"A"}}, {User: "b@x", Removed: true, Lost: []string{"A"}}, {User: "c@x", Gained: []string{"A"}}},
			[]string{"a@x is added", "b@x is removed", "c@x gains A"}},
	}
	for _, tc := range tests {
		d := Diff{Users: tc.users}
		if got := d.Summary(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Summary() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Grouping never drops a change: on real diffs of the demo account, every
// privilege a user gains or loses is named in a line that names the user
// or counts the users.
func TestDiffSummaryKeepsEveryChange(t *testing.T) {
	t.Parallel()
	a := Demo()
	b := a.Clone()
	b.Environments = slices.DeleteFunc(b.Environments, func(e Environment) bool { return e.Name == "Development" })
	b.Users = b.Users[:len(b.Users)-1]
	for i := range b.Roles {
		b.Roles[i].Privileges = nil
		break
	}
	d := Compare(NewResolver(a), NewResolver(b))
	sum := d.Summary()
	if len(d.Users) == 0 {
		t.Fatal("fixture: nobody changes")
	}
	for _, u := range d.Users {
		if u.Added || u.Removed {
			continue
		}
		for _, p := range append(slices.Clone(u.Lost), u.Gained...) {
			found := false
			for _, l := range sum {
				if strings.Contains(l, p) && (strings.Contains(l, u.User) || strings.Contains(l, " users ")) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: %s is in no line of %q", u.User, p, sum)
			}
		}
	}
}

// Summary grammar of environment lines: one environment per line, a
// singular verb, lists of roles as "A, B and C".
func TestDiffSummaryEnvironmentGrammar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  EnvDiff
		want []string
	}{
		{EnvDiff{Environment: "P", Added: true}, []string{"environment P is added, open to every role (R12)"}},
		{EnvDiff{Environment: "P", Added: true, Allowed: []string{"A", "B"}}, []string{"environment P is added, restricted to A and B (R13)"}},
		{EnvDiff{Environment: "P", Removed: true}, []string{"environment P is removed"}},
		{EnvDiff{Environment: "P", BecameOpen: true, Disallowed: []string{"A"}}, []string{"P becomes open to every role (R12)"}},
		{EnvDiff{Environment: "P", BecameRestricted: true, Allowed: []string{"A", "B", "C"}}, []string{"P becomes restricted to A, B and C (R13)"}},
		{EnvDiff{Environment: "P", Allowed: []string{"A"}, Disallowed: []string{"B", "C"}}, []string{"P now lists A in its Roles with Access", "P no longer lists B and C in its Roles with Access"}},
		{EnvDiff{Environment: "P", Classification: &ClassificationChange{From: Test, To: Production}}, []string{"P is now production (was test)"}},
	}
	for _, tc := range tests {
		d := Diff{Environments: []EnvDiff{tc.env}}
		if got := d.Summary(); !slices.Equal(got, tc.want) {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
}

// An environment coming into view, or going out of it, says what went with
// seeing it: write access, deploy, schedule. "now sees Production" alone
// hid that the user can deploy there.
func TestDiffSummaryVisibilityCarriesRights(t *testing.T) {
	t.Parallel()
	hidden := EnvState{Access: AccessNone}
	tests := []struct {
		name          string
		before, after EnvState
		want          []string
	}{
		{"sees, read only", hidden, EnvState{Visible: true, Access: AccessRead}, []string{"u@x.com now sees P"}},
		{"sees and deploys", hidden, EnvState{Visible: true, Access: AccessRead, Deploy: true},
			[]string{"u@x.com now sees P", "u@x.com can now deploy to P"}},
		{"sees with write, deploy and schedule", hidden, EnvState{Visible: true, Access: AccessWrite, Deploy: true, Schedule: true},
			[]string{"u@x.com now sees P", "u@x.com gets write access in P", "u@x.com can now deploy to P", "u@x.com can now schedule in P"}},
		{"no longer sees, had deploy", EnvState{Visible: true, Access: AccessWrite, Deploy: true}, hidden,
			[]string{"u@x.com no longer sees P", "u@x.com loses write access in P", "u@x.com can no longer deploy to P"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Diff{Users: []UserDiff{{User: "u@x.com", Envs: []EnvChange{{Environment: "P", Before: tc.before, After: tc.after}}}}}
			if got := d.Summary(); !slices.Equal(got, tc.want) {
				t.Errorf("Summary() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDiffUnknownCodes: a change to the Boomi codes rolecall does not know
// changes no answer of rolecall's, but it is access in Boomi: the diff is
// not empty and says which role gains or loses which code.
func TestDiffUnknownCodes(t *testing.T) {
	t.Parallel()
	old := &Account{Name: "C", AdvancedUserSecurity: true, Roles: []Role{
		{Name: "Exec", Privileges: []Privilege{Execute}, Codes: []string{"KEEP"}},
		{Name: "Gone", Codes: []string{"OLD_CODE"}},
		{Name: "Plain", Privileges: []Privilege{Execute}},
	}, Users: []User{{Email: "a@x.com", Roles: []string{"Exec"}}}}
	nw := old.Clone()
	nw.Roles[0].Codes = []string{"KEEP", "NEW_CODE"}
	nw.Roles = slices.Delete(nw.Roles, 1, 2)
	d := Compare(NewResolver(old), NewResolver(nw))
	if d.Empty() {
		t.Fatal("a change of codes is an empty diff")
	}
	want := []string{
		`role "Exec" now carries the Boomi privilege code NEW_CODE, which rolecall does not know: what that changes for its holders is not shown here`,
		`role "Gone" is removed, and with it the Boomi privilege code OLD_CODE, which rolecall does not know: what that changes for its holders is not shown here`,
	}
	if !slices.Equal(d.Account, want) {
		t.Errorf("account lines %q, want %q", d.Account, want)
	}
	if same := Compare(NewResolver(old), NewResolver(old.Clone())); !same.Empty() {
		t.Errorf("an unchanged account: %+v", same)
	}
}
