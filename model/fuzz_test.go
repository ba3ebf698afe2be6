package model

// Fuzz targets. The fuzzer's bytes drive the account generator of
// gen_test.go (one byte per choice; once they run out every choice is 0),
// and what remains drives the edit under test.
//
//	go test ./model/ -run XXX -fuzz FuzzResolver -fuzztime 10m
//	go test ./model/ -run XXX -fuzz FuzzApply -fuzztime 10m

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"rolecall/internal/testlong"
)

func addFuzzSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 1, 3, 2, 1, 4, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte("restricted environments, inherited roles, per-environment privileges"))
	f.Add([]byte{3, 1, 5, 0, 2, 3, 4, 31, 32, 33, 3, 1, 2, 2, 3, 0, 4, 1, 2, 3, 2, 2, 1, 2, 3, 4, 5, 6, 7})
}

// envStates maps environment name -> state for user u.
func envStates(r *Resolver, u int) map[string]EnvState {
	out := map[string]EnvState{}
	for e := range r.NumEnvironments() {
		v := r.EnvView(u, e)
		out[v.Environment] = EnvState{Visible: v.Visible, Access: v.Access, Deploy: v.Deploy, Schedule: v.Schedule}
	}
	return out
}

func accessRank(a Access) int {
	switch a {
	case AccessRead:
		return 1
	case AccessWrite:
		return 2
	}
	return 0
}

// checkSources: every reported source really grants the privilege: the held
// role is one the user holds (and, inside an environment, one that counts
// there); walking Via from it follows real parent links; the last role of
// the chain ticks the privilege (or the privilege that covers it, R4), or is
// a built-in that has it.
func checkSources(t *testing.T, a *Account, r *Resolver, u int, gs []Grant, counting []string, where string) {
	t.Helper()
	n := newOracle(a)
	for _, g := range gs {
		target := g.Privilege
		if g.ImpliedBy != 0 {
			target = g.ImpliedBy
			if !slices.Contains(Covers[g.ImpliedBy], g.Privilege) {
				t.Errorf("%s: %s is said to be implied by %s, which does not cover it (R4)", where, g.Privilege, g.ImpliedBy)
			}
		}
		if len(g.Sources) == 0 {
			t.Errorf("%s: %s has no source (R11)", where, g.Privilege)
		}
		for _, s := range g.Sources {
			if !slices.ContainsFunc(counting, func(h string) bool { return strings.EqualFold(h, s.Role) }) {
				t.Errorf("%s: source %s of %s: %q is not a role that counts (%q)", where, s, g.Privilege, s.Role, counting)
				continue
			}
			cur := s.Role
			for _, v := range s.Via {
				if p := n.parent(cur); !strings.EqualFold(p, v) {
					t.Errorf("%s: source %s of %s: %s inherits %q, not %q", where, s, g.Privilege, cur, p, v)
				}
				cur = v
			}
			want := target
			if s.ImpliedBy != "" {
				sup, ok := LookupPrivilege(s.ImpliedBy)
				if !ok || !slices.Contains(Covers[sup], g.Privilege) {
					t.Errorf("%s: source %s of %s is marked with %q, which does not cover it (R4)", where, s, g.Privilege, s.ImpliedBy)
					continue
				}
				want = sup
			}
			if !n.ticks(cur)[want] {
				t.Errorf("%s: source %s of %s: the last role %s does not grant %s", where, s, g.Privilege, cur, want)
			}
		}
	}
}

// envChanges lists, sorted, "env: before -> after" for each environment
// (lower-cased) where user ou of old and nu of new differ; an environment
// on one side only is hidden on the other.
func envChanges(old *Resolver, ou int, new *Resolver, nu int) []string {
	os, ns := map[string]EnvState{}, map[string]EnvState{}
	for name, s := range envStates(old, ou) {
		os[strings.ToLower(name)] = s
	}
	for name, s := range envStates(new, nu) {
		ns[strings.ToLower(name)] = s
	}
	hidden := EnvState{Access: AccessNone}
	var out []string
	for name, n := range ns {
		o, ok := os[name]
		if !ok {
			o = hidden
		}
		if o != n {
			out = append(out, fmt.Sprintf("%s: %s -> %s", name, o, n))
		}
	}
	for name, o := range os {
		if _, ok := ns[name]; !ok && o != hidden {
			out = append(out, fmt.Sprintf("%s: %s -> %s", name, o, hidden))
		}
	}
	slices.Sort(out)
	return out
}

// bruteDiff lists, by email, the users whose answers differ between old and
// new: added, removed, or with different account-wide privileges or a
// different state in an environment (one on one side only is hidden on the
// other).
func bruteDiff(old, new *Resolver) map[string]string {
	out := map[string]string{}
	for nu := range len(new.us()) {
		email := new.us()[nu].email
		ou := old.User(email)
		if ou < 0 {
			out[email] = "added"
			continue
		}
		if old.Privileges(ou) != new.Privileges(nu) {
			out[email] = "privileges"
			continue
		}
		if ch := envChanges(old, ou, new, nu); len(ch) > 0 {
			out[email] = "environment " + ch[0]
		}
	}
	for ou := range len(old.us()) {
		if new.User(old.us()[ou].email) < 0 {
			out[old.us()[ou].email] = "removed"
		}
	}
	return out
}

// checkCompare checks Compare(old, new) against the brute-force diff: the
// same users, and for each the exact gained/lost privileges and changed
// environment states.
func checkCompare(t *testing.T, old, new *Resolver, what string) {
	t.Helper()
	d := Compare(old, new)
	want := bruteDiff(old, new)
	got := map[string]UserDiff{}
	for _, ud := range d.Users {
		got[ud.User] = ud
	}
	for email, why := range want {
		if _, ok := got[email]; !ok {
			t.Errorf("%s: Compare misses %s (changed: %s)", what, email, why)
		}
	}
	for email, ud := range got {
		if _, ok := want[email]; !ok {
			t.Errorf("%s: Compare reports %s, whose answers did not change: %+v", what, email, ud)
			continue
		}
		if ud.Added || ud.Removed {
			continue
		}
		ou, nu := old.User(email), new.User(email)
		oe, ne := old.Privileges(ou), new.Privileges(nu)
		if g, w := strings.Join(ud.Gained, ", "), strings.Join(privNames((ne&^oe).List()), ", "); g != w {
			t.Errorf("%s: %s gained [%s], want [%s]", what, email, g, w)
		}
		if g, w := strings.Join(ud.Lost, ", "), strings.Join(privNames((oe&^ne).List()), ", "); g != w {
			t.Errorf("%s: %s lost [%s], want [%s]", what, email, g, w)
		}
		wantEnvs := envChanges(old, ou, new, nu)
		var gotEnvs []string
		for _, c := range ud.Envs {
			gotEnvs = append(gotEnvs, fmt.Sprintf("%s: %s -> %s", strings.ToLower(c.Environment), c.Before, c.After))
		}
		slices.Sort(wantEnvs)
		slices.Sort(gotEnvs)
		if !slices.Equal(gotEnvs, wantEnvs) {
			t.Errorf("%s: %s environment changes %q, want %q", what, email, gotEnvs, wantEnvs)
		}
	}
}

func heldIndex(r *Resolver, u int) []string { return r.HeldRoles(u) }

// FuzzResolver checks invariants of the rules on random valid accounts.
//
// The reference resolver (oracle_test.go) must agree on every question. Then
// invariants that hold, and why:
//   - Adding a role to a user never removes an account-wide privilege (R1:
//     privileges only add; R11: a union), never hides an environment
//     (R12-R14: reach, Environment Management and "holds a listed role" are
//     all monotone in the held roles), never shrinks the privileges that
//     count in an environment (R15: a new role either is listed there and
//     joins the counting roles, or brings Environment Management and makes
//     all roles count, or changes nothing there), and never takes a visible
//     environment back to access none.
//   - Adding a role that does not grant Environment Management Read Access
//     keeps access, deploy, schedule and edit extensions monotone too.
//   - It changes nothing for the other users.
//   - Removing a role never adds an account-wide privilege or visibility.
//   - A restricted environment is visible only to users who reach Runtime
//     Management (R14) and hold a listed role by identity or Environment
//     Management (R13).
//   - Every reported source really grants the privilege (R11).
//   - Compare of identical accounts is empty; Compare reports exactly the
//     users whose answers changed.
//
// Excluded, because the rules make them false:
//   - "write" access is NOT monotone: adding a role that the environment
//     lists and that brings Environment Management Read Access turns write
//     (from Full Access) into read: the most restrictive wins (R17). Deploy,
//     schedule and edit extensions follow write (R18), so they are not
//     monotone either: Read Access also cancels deploy through Packaged
//     Component Deployment.
//   - Editing an environment's Roles with Access is not monotone for
//     anyone: listing a first role on an open environment restricts it
//     (R12, R13), and in a restricted environment only listed roles count
//     (R15), so it is not tested here as a monotone edit.
func FuzzResolver(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &byteChooser{b: data}
		a := genAccount(c, genOptions{})
		if errs := Validate(a).Errors(); len(errs) > 0 {
			t.Fatalf("generator made an invalid account: %v\n%s", errs, describeAccount(a))
		}
		r := NewResolver(a)
		n := newOracle(a)

		// The oracle of oracle_test.go agrees on every question.
		d := &diffCounter{t: t}
		compareWithOracle(d, a)
		d.report()
		// Explain answers as Check does, and says so first.
		for u := range a.Users {
			for e := -1; e < len(a.Environments); e++ {
				for _, p := range AllPrivileges() {
					v := r.Explain(u, p, e)
					word := "denied"
					if v.Allowed {
						word = "allowed"
					}
					if v.Allowed != r.Check(u, p, e) || !strings.HasPrefix(v.Reason, word) {
						t.Errorf("Explain(%s, %s, %d) = %v %q; Check %v", a.Users[u].Email, p, e, v.Allowed, v.Reason, r.Check(u, p, e))
					}
				}
			}
		}

		for u := range a.Users {
			held := heldIndex(r, u)
			checkSources(t, a, r, u, r.Grants(u), held, "Grants("+a.Users[u].Email+")")
			var listed PrivSet
			for _, g := range r.Grants(u) {
				listed = listed.With(g.Privilege)
			}
			if listed != r.Privileges(u) {
				t.Errorf("Grants(%s) lists [%s], Privileges has [%s]", a.Users[u].Email, privSetKey(listed), privSetKey(r.Privileges(u)))
			}
			for e, env := range a.Environments {
				if !canSee(r, u, e) {
					if envPrivileges(r, u, e) != 0 || r.EnvView(u, e).Access != AccessNone {
						t.Errorf("R17: invisible environment %s gives %s privileges or access", env.Name, a.Users[u].Email)
					}
					continue
				}
				all := r.Privileges(u)
				if !all.Has(RuntimeManagementRead) {
					t.Errorf("R14: %s sees %s without reaching Runtime Management", a.Users[u].Email, env.Name)
				}
				holdsListed := slices.ContainsFunc(held, func(h string) bool { return n.listed(env, h) })
				if env.Restricted() && !holdsListed && !all.Has(EnvironmentManagement) {
					t.Errorf("R13: %s sees restricted %s (lists %q) holding only %q", a.Users[u].Email, env.Name, env.RolesWithAccess, held)
				}
				counting := held
				if env.Restricted() && !all.Has(EnvironmentManagement) {
					counting = slices.DeleteFunc(slices.Clone(held), func(h string) bool { return !n.listed(env, h) })
				}
				checkSources(t, a, r, u, r.EnvGrants(u, e), counting, "EnvGrants("+a.Users[u].Email+", "+env.Name+")")
			}
		}

		// Compare of identical accounts is empty.
		if d := Compare(r, NewResolver(a.Clone())); !d.Empty() {
			t.Errorf("Compare of an account with its clone is not empty: %+v", d)
		}

		if len(a.Users) == 0 {
			return
		}
		u := c.intn(len(a.Users))
		email := a.Users[u].Email

		// Add a role the user does not hold.
		var candidates []string
		for _, b := range Builtins() {
			if !b.NeedsAUS || a.AdvancedUserSecurity {
				candidates = append(candidates, b.Name)
			}
		}
		if a.AdvancedUserSecurity {
			for _, cr := range a.Roles {
				candidates = append(candidates, cr.Name)
			}
		}
		candidates = slices.DeleteFunc(candidates, func(rn string) bool {
			return slices.ContainsFunc(a.Users[u].Roles, func(h string) bool { return strings.EqualFold(h, rn) })
		})
		if len(candidates) > 0 {
			role := candidates[c.intn(len(candidates))]
			b, _, err := Apply(a, Assign{Email: email, Role: role})
			if err != nil {
				t.Fatalf("Assign %s to %s refused: %v", role, email, err)
			}
			r2 := NewResolver(b)
			addedSet, _ := r2.RolePrivileges(role)
			bringsRead := addedSet.Has(EnvironmentRead)
			for ou := range a.Users {
				nu := r2.User(a.Users[ou].Email)
				before, after := envStates(r, ou), envStates(r2, nu)
				if ou != u {
					if r.Privileges(ou) != r2.Privileges(nu) || !reflect.DeepEqual(before, after) {
						t.Errorf("assigning %s to %s changed %s's answers", role, email, a.Users[ou].Email)
					}
					continue
				}
				if old, new := r.Privileges(ou), r2.Privileges(nu); old&^new != 0 {
					t.Errorf("R1: assigning %s to %s removed [%s]", role, email, privSetKey(old&^new))
				}
				for e := range a.Environments {
					ne := r2.Environment(a.Environments[e].Name)
					name := a.Environments[e].Name
					o, nw := before[name], after[name]
					if o.Visible && !nw.Visible {
						t.Errorf("R13: assigning %s to %s hides %s", role, email, name)
					}
					if old, new := envPrivileges(r, ou, e), envPrivileges(r2, nu, ne); old&^new != 0 {
						t.Errorf("R15: assigning %s to %s removes [%s] in %s", role, email, privSetKey(old&^new), name)
					}
					if o.Visible && nw.Access == AccessNone {
						t.Errorf("R17: assigning %s to %s takes %s to access none", role, email, name)
					}
					if !bringsRead {
						if accessRank(nw.Access) < accessRank(o.Access) || o.Deploy && !nw.Deploy || o.Schedule && !nw.Schedule {
							t.Errorf("R17/R18: assigning %s (no Environment Management Read Access) to %s: %s goes from %s to %s", role, email, name, o, nw)
						}
					}
				}
			}
			checkCompare(t, r, r2, "assign "+role+" to "+email)
		}

		// Remove a role from a user who holds two or more.
		if hr := a.Users[u].Roles; len(hr) >= 2 {
			role := hr[c.intn(len(hr))]
			b, _, err := Apply(a, Unassign{Email: email, Role: role})
			if err != nil {
				t.Fatalf("Unassign %s from %s refused: %v", role, email, err)
			}
			r2 := NewResolver(b)
			nu := r2.User(email)
			if old, new := r.Privileges(u), r2.Privileges(nu); new&^old != 0 {
				t.Errorf("R1: unassigning %s from %s added [%s]", role, email, privSetKey(new&^old))
			}
			before, after := envStates(r, u), envStates(r2, nu)
			for name, st := range after {
				if st.Visible && !before[name].Visible {
					t.Errorf("R13: unassigning %s from %s makes %s visible", role, email, name)
				}
			}
			checkCompare(t, r, r2, "unassign "+role+" from "+email)
		}

		// Any random edit: Compare reports exactly the users whose answers changed.
		op := genOp(c, a)
		if b, _, err := Apply(a, op); err == nil {
			checkCompare(t, r, NewResolver(b), op.Describe())
		}
	})
}

// ---------------------------------------------------------------------------
// Random edit operations.

// opNames are the names an op may use: the account's own (in any case),
// built-ins (including those that need Advanced User Security), and names
// that break R7 or do not exist.
func opNames(c chooser, a *Account) string {
	var pool []string
	for _, r := range a.Roles {
		pool = append(pool, r.Name)
	}
	for _, b := range Builtins() {
		pool = append(pool, b.Name)
	}
	for _, u := range a.Users {
		pool = append(pool, u.Email)
	}
	for _, e := range a.Environments {
		pool = append(pool, e.Name)
	}
	junk := []string{"", " ", "New Role", "new role", "Lead ", " Lead", "bell\x07", "esc\x1b[31m", "rtl\u202e", strings.Repeat("r", 100), strings.Repeat("r", 101),
		"ADMINISTRATOR", "new@example.com", "NEW@example.com", "not-an-email", "Prod", "a@b@c"}
	if chance(c, 1, 3) || len(pool) == 0 {
		return junk[c.intn(len(junk))]
	}
	return spell(c, pool[c.intn(len(pool))], genOptions{})
}

func opPrivs(c chooser) []Privilege {
	var out []Privilege
	for range c.intn(4) {
		switch c.intn(8) {
		case 0:
			out = append(out, Privilege(c.intn(40))) // sometimes not a privilege at all
		default:
			out = append(out, Privilege(1+c.intn(numPrivileges)))
		}
	}
	return out
}

func opNameList(c chooser, a *Account) []string {
	var out []string
	for range c.intn(4) {
		out = append(out, opNames(c, a))
	}
	return out
}

func optStr(c chooser, a *Account) *string {
	if chance(c, 1, 2) {
		return nil
	}
	s := opNames(c, a)
	return &s
}

func optBool(c chooser) *bool {
	if chance(c, 1, 3) {
		return nil
	}
	b := chance(c, 1, 2)
	return &b
}

// checkWorking: Working.Apply gives what Apply gives (same refusal, same
// account, same outcome), its diff is Compare of the two states, and the
// resolver it keeps answers as a fresh one does.
func checkWorking(t *testing.T, w *Working, a *Account, op Op, b *Account, out Outcome, err error) {
	t.Helper()
	if got, want := fmt.Sprint(w.Problems()), fmt.Sprint(Validate(a)); got != want {
		t.Fatalf("Working.Problems() = %s\nValidate = %s", got, want)
	}
	kept := accountKey(w.Account())
	wb, wout, werr := w.Apply(op)
	if accountKey(w.Account()) != kept {
		t.Fatalf("%s: Working.Apply changed the working account it was applied to (it shares the sections the edit does not touch)", op.Describe())
	}
	if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
		t.Fatalf("%s: Apply err %v, Working.Apply err %v", op.Describe(), err, werr)
	}
	if err != nil {
		return
	}
	if accountKey(wb.Account()) != accountKey(b) {
		t.Fatalf("%s: Working.Apply and Apply give different accounts", op.Describe())
	}
	if got, want := fmt.Sprintf("%q %q %v", wout.Notes, wout.Widened, wout.Warnings), fmt.Sprintf("%q %q %v", out.Notes, out.Widened, out.Warnings); got != want {
		t.Errorf("%s: Working.Apply outcome %s, Apply %s", op.Describe(), got, want)
	}
	// The working diff is from the base, which earlier edits may have
	// left behind: compare it with the base, not with a.
	if got, want := fmt.Sprintf("%+v", wb.Diff()), fmt.Sprintf("%+v", Compare(NewResolver(w.Base()), NewResolver(b))); got != want {
		t.Errorf("%s: Working.Apply diff\n%s\nCompare\n%s", op.Describe(), got, want)
	}
	wr, fr := wb.Resolver(), NewResolver(b)
	for u := range b.Users {
		if wr.Privileges(u) != fr.Privileges(u) || !reflect.DeepEqual(envStates(wr, u), envStates(fr, u)) {
			t.Errorf("%s: Working's resolver disagrees with a fresh one for %s", op.Describe(), b.Users[u].Email)
		}
	}
}

// accountKey prints every field of a, so that two accounts are equal when
// their keys are (nil and empty slices print alike; Clone makes the latter).
func accountKey(a *Account) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q AUS=%v AEA=%v\n", a.Name, a.AdvancedUserSecurity, a.AdvancedEnvironmentAccess)
	for _, r := range a.Roles {
		fmt.Fprintf(&b, "role %q %q %q %v\n", r.Name, r.Description, r.Inherits, []Privilege(r.Privileges))
	}
	for _, u := range a.Users {
		fmt.Fprintf(&b, "user %q %q %q\n", u.Email, u.Name, []string(u.Roles))
	}
	for _, e := range a.Environments {
		fmt.Fprintf(&b, "env %q %q %q\n", e.Name, e.Classification, []string(e.RolesWithAccess))
	}
	return b.String()
}

// genOp builds a random edit with random arguments.
func genOp(c chooser, a *Account) Op {
	switch c.intn(17) {
	case 0:
		return AddRole{Name: opNames(c, a), Description: opNames(c, a), Inherits: opNames(c, a), Privileges: opPrivs(c)}
	case 1:
		return RenameRole{Role: opNames(c, a), To: opNames(c, a)}
	case 2:
		return RemoveRole{Name: opNames(c, a)}
	case 3:
		return AddUser{Email: opNames(c, a), Name: opNames(c, a), Roles: opNameList(c, a)}
	case 4:
		return SetUserName{Email: opNames(c, a), From: opNames(c, a), To: opNames(c, a)}
	case 5:
		return RemoveUser{Email: opNames(c, a)}
	case 6:
		return Assign{Email: opNames(c, a), Role: opNames(c, a)}
	case 7:
		return Unassign{Email: opNames(c, a), Role: opNames(c, a)}
	case 8:
		cl := []Classification{"", Test, Production, "staging"}[c.intn(4)]
		return AddEnvironment{Name: opNames(c, a), Classification: cl, Roles: opNameList(c, a)}
	case 9:
		return RemoveEnvironment{Name: opNames(c, a)}
	case 10:
		return Allow{Environment: opNames(c, a), Role: opNames(c, a)}
	case 11:
		return Disallow{Environment: opNames(c, a), Role: opNames(c, a)}
	case 12:
		return SetDescription{Role: opNames(c, a), From: opNames(c, a), To: opNames(c, a)}
	case 13:
		return SetParent{Role: opNames(c, a), From: opNames(c, a), To: opNames(c, a)}
	case 14:
		return Tick{Role: opNames(c, a), Privilege: Privilege(c.intn(40))}
	case 15:
		return Untick{Role: opNames(c, a), Privilege: Privilege(c.intn(40))}
	default:
		if chance(c, 1, 3) {
			return RenameAccount{From: opNames(c, a), To: opNames(c, a)}
		}
		return SetSwitch{Switch: []string{SwitchAdvancedUserSecurity, SwitchAdvancedEnvironmentAccess, "other"}[c.intn(3)], To: chance(c, 1, 2)}
	}
}

// FuzzApply runs a random edit on a random valid account: Apply never
// panics, never changes its input (refused or not), refuses with a
// *Refused, and an applied edit yields an account with no validation
// errors. Removing a role notes every environment it opens (R8).
func FuzzApply(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &byteChooser{b: data}
		a := genAccount(c, genOptions{})
		if errs := Validate(a).Errors(); len(errs) > 0 {
			t.Fatalf("generator made an invalid account: %v", errs)
		}
		w := NewWorking(a)
		for step := 0; step < 3; step++ {
			op := genOp(c, a)
			before := accountKey(a.Clone())
			b, out, err := Apply(a, op)
			if accountKey(a) != before {
				t.Fatalf("%s changed its input account (err=%v)", op.Describe(), err)
			}
			checkWorking(t, w, a, op, b, out, err)
			if err == nil {
				w, _, _ = w.Apply(op)
			}
			if err != nil {
				var ref *Refused
				if !errors.As(err, &ref) {
					t.Fatalf("%s: refusal is %T, not *Refused: %v", op.Describe(), err, err)
				}
				if b != nil {
					t.Fatalf("%s: refused but returned an account", op.Describe())
				}
				if ref.Rule == "" || ref.Message == "" {
					t.Errorf("%s: refusal without rule or message: %+v", op.Describe(), ref)
				}
				continue
			}
			if errs := Validate(b).Errors(); len(errs) > 0 {
				t.Fatalf("%s applied but left errors: %v\n%s", op.Describe(), errs, describeAccount(b))
			}
			if rr, ok := op.(RemoveRole); ok {
				for _, w := range Widenings(a, rr.Name) {
					if !slices.ContainsFunc(out.Notes, func(n string) bool { return strings.Contains(n, w) }) {
						t.Errorf("R8: removing %s opens %s but the notes %q do not say so", rr.Name, w, out.Notes)
					}
				}
			}
			a = b
		}
	})
}

// TestCompareRandomEdits is the deterministic companion of FuzzResolver's
// Compare check: random valid accounts, random edits plus a flip of each
// account switch, and Compare against the brute-force diff each time.
//
// 80 accounts in go test ./... (1500 with ROLECALL_LONG_TESTS=1): each
// broken Compare it caught at 1500 (users kept clean across a switch,
// environment lists changed, added environments) it caught by account 52.
func TestCompareRandomEdits(t *testing.T) {
	t.Parallel()
	accounts := testlong.N(80, 1500)
	rng := rand.New(rand.NewPCG(99, 1))
	c := randChooser{rng}
	applied := 0
	for range accounts {
		a := genAccount(c, genOptions{})
		r := NewResolver(a)
		ops := []Op{genOp(c, a), genOp(c, a), genOp(c, a),
			SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, To: !a.AdvancedEnvironmentAccess},
			SetSwitch{Switch: SwitchAdvancedUserSecurity, To: !a.AdvancedUserSecurity}}
		if len(a.Environments) > 0 {
			e := a.Environments[c.intn(len(a.Environments))]
			ops = append(ops, Allow{Environment: e.Name, Role: []string{Administrator, StandardUser, ProductionSupport}[c.intn(3)]})
			if len(e.RolesWithAccess) > 0 {
				ops = append(ops, Disallow{Environment: e.Name, Role: e.RolesWithAccess[c.intn(len(e.RolesWithAccess))]})
			}
		}
		for _, op := range ops {
			b, _, err := Apply(a, op)
			if err != nil {
				continue
			}
			applied++
			checkCompare(t, r, NewResolver(b), op.Describe()+"\n"+describeAccount(a))
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d accounts, %d applied edits compared", accounts, applied)
}
