package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"rolecall/internal/testlong"
)

// genDelta makes an edit of a as a front end would: aimed at an existing
// role, user or environment, knowing each field's value, a removal knowing
// what it removes. Some are refused by the rules; the callers skip those.
func genDelta(c chooser, a *Account) Op {
	role := func() *Role {
		if len(a.Roles) == 0 {
			return nil
		}
		return &a.Roles[c.intn(len(a.Roles))]
	}
	anyRole := func() string {
		if r := role(); r != nil && chance(c, 2, 3) {
			return r.Name
		}
		return []string{Administrator, StandardUser, Support, ProductionSupport}[c.intn(4)]
	}
	texts := []string{"", "one", "two", "three"}
	switch c.intn(14) {
	case 0:
		return AddRole{Name: fmt.Sprintf("New %d", c.intn(3)), Inherits: anyRole(), Privileges: []Privilege{Privilege(1 + c.intn(numPrivileges))}}
	case 1:
		if r := role(); r != nil {
			was := *r
			return RemoveRole{Name: r.Name, Was: &was}
		}
	case 2:
		if r := role(); r != nil {
			return RenameRole{Role: r.Name, To: fmt.Sprintf("Renamed %d", c.intn(3))}
		}
	case 3:
		if r := role(); r != nil {
			return SetDescription{Role: r.Name, From: r.Description, To: texts[c.intn(len(texts))]}
		}
	case 4:
		if r := role(); r != nil {
			return SetParent{Role: r.Name, From: r.Inherits, To: anyRole()}
		}
	case 5, 6:
		if r := role(); r != nil {
			p := Privilege(1 + c.intn(numPrivileges))
			if chance(c, 1, 2) && len(r.Privileges) > 0 {
				return Untick{Role: r.Name, Privilege: r.Privileges[c.intn(len(r.Privileges))]}
			}
			return Tick{Role: r.Name, Privilege: p}
		}
	case 7:
		return AddUser{Email: fmt.Sprintf("new%d@example.com", c.intn(3)), Roles: []string{anyRole()}}
	}
	if len(a.Users) > 0 && chance(c, 1, 2) {
		u := &a.Users[c.intn(len(a.Users))]
		switch c.intn(4) {
		case 0:
			was := *u
			return RemoveUser{Email: u.Email, Was: &was}
		case 1:
			return SetUserName{Email: u.Email, From: u.Name, To: texts[c.intn(len(texts))]}
		case 2:
			return Assign{Email: u.Email, Role: anyRole()}
		default:
			return Unassign{Email: u.Email, Role: u.Roles[c.intn(len(u.Roles))]}
		}
	}
	if len(a.Environments) > 0 && chance(c, 2, 3) {
		e := &a.Environments[c.intn(len(a.Environments))]
		switch c.intn(3) {
		case 0:
			was := *e
			return RemoveEnvironment{Name: e.Name, Was: &was}
		case 1:
			if len(e.RolesWithAccess) > 0 {
				return Disallow{Environment: e.Name, Role: e.RolesWithAccess[c.intn(len(e.RolesWithAccess))]}
			}
		}
		return Allow{Environment: e.Name, Role: anyRole()}
	}
	if chance(c, 1, 2) {
		if chance(c, 1, 2) {
			return SetSwitch{Switch: SwitchAdvancedUserSecurity, From: a.AdvancedUserSecurity, To: !a.AdvancedUserSecurity}
		}
		return SetSwitch{Switch: SwitchAdvancedEnvironmentAccess, From: a.AdvancedEnvironmentAccess, To: !a.AdvancedEnvironmentAccess}
	}
	return RenameAccount{From: a.Name, To: texts[c.intn(len(texts))]}
}

// genEdits makes up to n edits of a, one after another, each on the state
// the previous ones left, keeping only those the rules accept: what one
// admin's session would hold.
func genEdits(c chooser, w *Working, n int) (*Working, []Op) {
	for range n {
		op := genDelta(c, w.Account())
		if f, _ := op.expect(w.Account()); f == holds {
			continue // changes nothing
		}
		if next, _, err := w.Apply(op); err == nil {
			w = next
		}
	}
	return w, w.Ops()
}

// FuzzRebase: two admins edit the same account; mine are replayed onto
// theirs. Whatever the edits:
//   - every edit of mine is accounted for: applied, already there, or a
//     conflict, and the result has no validation errors;
//   - nothing of theirs is silently undone: each of their edits still holds
//     in the result, unless one of mine was reported as a conflict or one
//     of mine renamed or removed (knowing its state) what they edited;
//   - when my edits apply, one after another, onto theirs with no edit
//     finding something other than it expected, Rebase gives the same
//     account as applying them;
//   - two edits of the same field to different values always conflict.
func FuzzRebase(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &byteChooser{b: data}
		checkRebase(t, c)
	})
}

// TestRebaseRandom runs FuzzRebase's checks on generated cases: 1500 with
// ROLECALL_LONG_TESTS=1; in go test ./... 300, each of the generators'
// choices (accounts, 1 to 6 edits of every kind on either side, the same
// field edited on both) still made many times; 200 under -short.
func TestRebaseRandom(t *testing.T) {
	t.Parallel()
	n := testlong.N(300, 1500)
	if testing.Short() {
		n = 200
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range n {
		checkRebase(t, randChooser{rng})
	}
}

func checkRebase(t *testing.T, c chooser) {
	t.Helper()
	a := genAccount(c, genOptions{})
	if Validate(a).HasErrors() {
		return
	}
	tw, theirs := genEdits(c, NewWorking(a), 1+c.intn(6))
	// Sometimes the same field, to different values, on both sides: my
	// first edit, and theirs last.
	mw := NewWorking(a)
	injected := false
	if len(a.Roles) > 0 && chance(c, 1, 4) {
		r := a.Roles[c.intn(len(a.Roles))]
		tw2, _, err1 := tw.Apply(SetDescription{Role: r.Name, From: r.Description, To: r.Description + " theirs"})
		mw2, _, err2 := mw.Apply(SetDescription{Role: r.Name, From: r.Description, To: r.Description + " mine"})
		if err1 == nil && err2 == nil && tw.Account().FindRole(r.Name) >= 0 && tw.Account().Roles[tw.Account().FindRole(r.Name)].Description == r.Description {
			tw, theirs, mw = tw2, tw2.Ops(), mw2
			injected = true
		}
	}
	_, mine := genEdits(c, mw, 1+c.intn(6))
	T := tw.Account()
	r := Rebase(T, mine)
	got := r.Working.Account()
	if errs := r.Working.Problems().Errors(); len(errs) > 0 {
		t.Fatalf("rebased account has errors: %v", errs)
	}
	if n := len(r.Already) + len(r.Conflicts) + len(r.Working.Ops()); n != len(r.Ops) {
		t.Fatalf("%d edits, %d accounted for (already %v, conflicts %d, applied %d)", len(r.Ops), n, r.Already, len(r.Conflicts), len(r.Working.Ops()))
	}
	// Compacting keeps the net effect: on the base they were made on, the
	// compacted edits give what the edits give.
	if mw, _, err := NewWorking(a).Apply(mine...); err == nil {
		cw, _, err := NewWorking(a).Apply(r.Ops...)
		if err != nil {
			t.Fatalf("compacted edits %v are refused on their base, where %v apply: %v", describeAll(r.Ops), describeAll(mine), err)
		}
		if normKey(cw.Account()) != normKey(mw.Account()) {
			t.Fatalf("compacted edits %v differ from %v on their base\n%s\n%s", describeAll(r.Ops), describeAll(mine), accountKey(cw.Account()), accountKey(mw.Account()))
		}
	}
	conflicted := map[int]bool{}
	for _, cf := range r.Conflicts {
		conflicted[cf.Index] = true
		if cf.String() == "" {
			t.Fatal("a conflict with no text")
		}
	}
	// The same field to different values conflicts.
	if injected && len(r.Ops) > 0 {
		// Mine may have set it again later (merged into one edit), or back
		// to where it was (no edit at all).
		if sd, ok := r.Ops[0].(SetDescription); ok && SameName(sd.Role, mine[0].(SetDescription).Role) && !conflicted[0] {
			t.Fatalf("%s: the file has another value; no conflict reported", r.Ops[0].Describe())
		}
	}
	// Nothing of theirs silently undone.
	mineTouchWhole := false
	for i, op := range mine {
		switch op.(type) {
		case RenameRole, RemoveRole, RemoveUser, RemoveEnvironment, SetParent:
			if !conflicted[i] {
				mineTouchWhole = true
			}
		}
	}
	if len(r.Conflicts) == 0 && !mineTouchWhole {
		for _, op := range theirs {
			// Only their net effect counts: a tick they took back is not
			// theirs to keep.
			if f, _ := op.expect(T); f != holds {
				continue
			}
			if f, _ := op.expect(a); f == holds {
				continue // the base was so already: no net change of theirs
			}
			if !stillHolds(op, got) && !undoneByMine(op, mine) {
				t.Fatalf("their edit %q was undone by rebasing mine %v", op.Describe(), describeAll(mine))
			}
		}
	}
	// Clean replays equal applying.
	if len(r.Conflicts) == 0 && len(r.Already) == 0 {
		w, _, err := NewWorking(T).Apply(r.Ops...)
		if err != nil {
			t.Fatalf("rebase applied every edit, applying them is refused: %v", err)
		}
		if accountKey(w.Account()) != accountKey(got) {
			t.Fatalf("rebase and apply differ")
		}
	}
}

// undoneByMine: my edit set the same toggle back on purpose (I unticked
// what I found ticked, and they had ticked it too).
func undoneByMine(theirs Op, mine []Op) bool {
	for _, m := range mine {
		switch t := theirs.(type) {
		case Tick:
			if u, ok := m.(Untick); ok && SameName(u.Role, t.Role) && u.Privilege == t.Privilege {
				return true
			}
		case Untick:
			if u, ok := m.(Tick); ok && SameName(u.Role, t.Role) && u.Privilege == t.Privilege {
				return true
			}
		case Assign:
			if u, ok := m.(Unassign); ok && SameName(u.Email, t.Email) && SameName(u.Role, t.Role) {
				return true
			}
		case Unassign:
			if u, ok := m.(Assign); ok && SameName(u.Email, t.Email) && SameName(u.Role, t.Role) {
				return true
			}
		case Allow:
			if u, ok := m.(Disallow); ok && SameName(u.Environment, t.Environment) && SameName(u.Role, t.Role) {
				return true
			}
		case Disallow:
			if u, ok := m.(Allow); ok && SameName(u.Environment, t.Environment) && SameName(u.Role, t.Role) {
				return true
			}
		case SetSwitch:
			if u, ok := m.(SetSwitch); ok && u.Switch == t.Switch {
				return true
			}
		}
	}
	return false
}

func describeAll(ops []Op) []string {
	var out []string
	for _, op := range ops {
		out = append(out, op.Describe())
	}
	return out
}

// normKey is accountKey of a normalised copy, ignoring case.
func normKey(a *Account) string {
	c := a.Clone()
	c.Normalize()
	return strings.ToLower(accountKey(c))
}

// stillHolds reports whether their edit's effect is in a: for a rename,
// that the new name is there (someone may reuse the old one).
func stillHolds(op Op, a *Account) bool {
	if rn, ok := op.(RenameRole); ok {
		return a.FindRole(rn.To) >= 0
	}
	f, _ := op.expect(a)
	return f == holds
}
