package model

import (
	"errors"
	"fmt"
	"slices"
)

// Conflict is an edit that could not be replayed onto a newer account:
// another change stands in its way (What was Expected, is now Found, the
// edit would make it Wanted), or the rules refuse it there (Refused).
// Nothing is decided for the admin: Resolve takes their choice.
type Conflict struct {
	Index    int // the edit's place in the list given to Rebase
	Op       Op
	What     string
	Expected string // what the edit expected to find
	Found    string // what another change left there
	Wanted   string // what the edit makes it
	Refused  *Refused
	// again: the places of earlier edits of mine that another change made
	// too, which this edit changes again; keeping mine drops them.
	again []int
	gone  bool // see clash.gone
	// reaimed: the edit aimed at the role another change renamed (see
	// ReplayFrom), which keeping mine applies; nil otherwise.
	reaimed Op
}

// String says the conflict in one line, escaped.
func (c Conflict) String() string {
	if c.Refused != nil {
		return fmt.Sprintf("%s no longer applies: %s (%s)", c.Op.Describe(), SafeText(c.Refused.Message), c.Refused.Cite())
	}
	return fmt.Sprintf("%s: %s was %s when you edited it, and is now %s", c.Op.Describe(), c.What, orNothing(c.Expected), orNothing(c.Found))
}

func orNothing(s string) string {
	if s == "" {
		return `""`
	}
	return SafeText(s)
}

// CanKeepMine reports whether Resolve can keep the admin's value over the
// other change's (see Mine).
func (c Conflict) CanKeepMine() bool { return c.Refused == nil && len(c.mine()) > 0 }

// mine is the conflict's edit re-aimed at what is there now, so that it
// applies over the other change: nil where there is no such edit (the
// thing it edits is gone, or the rules refuse it).
func (c Conflict) mine() []Op {
	if c.reaimed != nil {
		return []Op{c.reaimed}
	}
	if c.gone {
		return nil
	}
	if len(c.again) > 0 {
		return []Op{c.Op} // it applies as it is, once the earlier edits go
	}
	switch o := c.Op.(type) {
	case SetDescription:
		o.From = c.Found
		return []Op{o}
	case SetParent:
		o.From = c.Found
		return []Op{o}
	case SetUserName:
		o.From = c.Found
		return []Op{o}
	case RenameAccount:
		o.From = c.Found
		return []Op{o}
	case RemoveRole:
		o.Was = nil
		return []Op{o}
	case RemoveUser:
		o.Was = nil
		return []Op{o}
	case RemoveEnvironment:
		o.Was = nil
		return []Op{o}
	}
	return nil
}

// Rebased is the result of replaying edits onto a newer account.
type Rebased struct {
	// Ops are the edits replayed: those given, compacted (see Compact).
	// Already and Conflicts index them.
	Ops []Op
	// Working is the newer account with every edit that applied; its Ops
	// are those edits.
	Working *Working
	// Already lists the edits the newer account already has (someone made
	// the same change), by their place in the list given to Rebase.
	Already []int
	// Conflicts lists the edits that were not applied, in order.
	Conflicts []Conflict
}

// Rebase replays ops, in order, onto base (a newer state of the account
// they were made on). An edit whose expectation still holds applies; one
// whose result is there already is skipped (Already); one that another
// change stands in the way of, or that the rules refuse on base, is a
// Conflict and is not applied. Later edits are replayed as if the
// conflicting ones had not been made.
//
// The edits are compacted first, so that only their net effect meets the
// newer account: a description set twice counts as set once, from the
// first value to the last; a tick taken back counts as nothing.
func Rebase(base *Account, ops []Op) Rebased { return Replay(base, Compact(ops)) }

// Replay is Rebase without compacting ops first: for edits already
// compacted, such as the edits of several sessions' drafts, each compacted
// on its own so that one session's edit never merges with another's (they
// meet as a conflict instead), or a list that Rebased.Resolve returned.
func Replay(base *Account, ops []Op) Rebased { return ReplayFrom(nil, base, ops) }

// RebaseFrom is Rebase for edits made on orig (the account as it was
// loaded before them): see ReplayFrom.
func RebaseFrom(orig, base *Account, ops []Op) Rebased {
	return ReplayFrom(orig, base, Compact(ops))
}

// ReplayFrom is Replay for edits made on orig. An edit of a role that is
// no longer in base by its name meets a conflict either way; with orig,
// the conflict also says what the role is called now when another change
// renamed it (renamedRole: exactly one role new in base has its
// description, Inherits Role and privileges), and keeping mine applies the
// edit to it: the admin decides, nothing is re-aimed silently. orig may be
// nil: Replay.
func ReplayFrom(orig, base *Account, ops []Op) Rebased {
	w := NewWorking(base)
	r := Rebased{Ops: ops}
	// held: the fields (changeKey) and the added entities (addedKey) where
	// an edit of mine was already in base, another change having made it
	// too, with those edits' places.
	held := map[string][]int{}
	for i, op := range ops {
		f, c := op.expect(w.acct)
		key, ent := changeKey(op), entityKey(op)
		if again := append(slices.Clip(held[key]), held[ent]...); f == fits && len(again) > 0 {
			// Another change made an edit of mine to this field (or added
			// the entity as I did); this one changes it again, over what
			// they made: they may not want it.
			r.Conflicts = append(r.Conflicts, Conflict{Index: i, Op: op, What: "what " + op.Describe() + " changes",
				Expected: "as your earlier edit left it", Found: "the same, made by another change too", Wanted: "changed again by this edit",
				again: again})
			continue
		}
		if f == holds && orig != nil {
			// An undoing edit (untick, unassign, disallow, remove) of a
			// role no longer there by its name holds; but when another
			// change renamed the role, what it undoes is still there.
			if cf, ok := renamedAway(i, op, orig, base, w.acct); ok {
				r.Conflicts = append(r.Conflicts, cf)
				continue
			}
		}
		switch f {
		case holds:
			r.Already = append(r.Already, i)
			for _, k := range []string{key, addedKey(op)} {
				if k != "" {
					held[k] = append(held[k], i)
				}
			}
			continue
		case conflicts:
			cf := Conflict{Index: i, Op: op, What: c.What, Expected: c.Expected, Found: c.Found, Wanted: c.Wanted, gone: c.gone}
			if c.gone {
				goneRole(&cf, orig, base, w.acct)
			}
			r.Conflicts = append(r.Conflicts, cf)
			continue
		}
		next, _, err := w.Apply(op)
		var ref *Refused
		if errors.As(err, &ref) {
			r.Conflicts = append(r.Conflicts, Conflict{Index: i, Op: op, Refused: ref})
			continue
		}
		w = next
	}
	r.Working = w
	return r
}

// addedKey is the entityKey of the entity an addition adds; "" for other
// edits.
func addedKey(op Op) string {
	switch o := op.(type) {
	case AddRole:
		return "role\x00" + foldKey(o.Name)
	case AddUser:
		return "user\x00" + foldKey(o.Email)
	case AddEnvironment:
		return "environment\x00" + foldKey(o.Name)
	}
	return ""
}

// changeKey is fieldKey, and for a switch its name: the thing an edit
// sets, for telling when an edit changes again what another change made.
func changeKey(op Op) string {
	if sw, ok := op.(SetSwitch); ok {
		return "switch\x00" + sw.Switch
	}
	return fieldKey(op)
}

// Resolve returns the rebased edits with the admin's choice for each
// conflict: where keepMine[k] is true (and Conflicts[k].CanKeepMine), the
// edit re-aimed over the other change; otherwise the edit is dropped and
// the other change stands. Replay the result onto the same base to apply
// it.
func (r Rebased) Resolve(keepMine []bool) []Op {
	ops := r.Ops
	repl := make(map[int][]Op, len(r.Conflicts))
	for k, c := range r.Conflicts {
		var mine []Op
		if k < len(keepMine) && keepMine[k] {
			mine = c.mine()
			for _, j := range c.again {
				repl[j] = nil // already in the file: replaying it changes nothing
			}
		}
		repl[c.Index] = mine
	}
	out := make([]Op, 0, len(ops))
	for i, op := range ops {
		if r, ok := repl[i]; ok {
			out = append(out, r...)
			continue
		}
		out = append(out, op)
	}
	return out
}

// fieldKey names the one field or membership an edit sets, for Compact;
// "" for an edit that adds, removes or renames a whole entity.
func fieldKey(op Op) string {
	switch o := op.(type) {
	case SetDescription:
		return "description\x00" + foldKey(o.Role)
	case SetParent:
		return "parent\x00" + foldKey(o.Role)
	case SetUserName:
		return "user name\x00" + foldKey(o.Email)
	case RenameAccount:
		return "account name"
	case Tick:
		return fmt.Sprintf("tick\x00%s\x00%d", foldKey(o.Role), o.Privilege)
	case Untick:
		return fmt.Sprintf("tick\x00%s\x00%d", foldKey(o.Role), o.Privilege)
	case Assign:
		return "assign\x00" + foldKey(o.Email) + "\x00" + foldKey(o.Role)
	case Unassign:
		return "assign\x00" + foldKey(o.Email) + "\x00" + foldKey(o.Role)
	case Allow:
		return "allow\x00" + foldKey(o.Environment) + "\x00" + foldKey(o.Role)
	case Disallow:
		return "allow\x00" + foldKey(o.Environment) + "\x00" + foldKey(o.Role)
	}
	return ""
}

// merge is the net effect of edit x followed by edit y of the same field:
// one edit from x's starting value to y's result, or nil when y takes
// back what x did.
func merge(x, y Op) Op {
	switch a := x.(type) {
	case SetDescription:
		b := y.(SetDescription)
		a.To = b.To
		return unlessSame(a, a.From == a.To)
	case SetParent:
		b := y.(SetParent)
		a.To = b.To
		return unlessSame(a, SameName(a.From, a.To))
	case SetUserName:
		b := y.(SetUserName)
		a.To = b.To
		return unlessSame(a, a.From == a.To)
	case RenameAccount:
		b := y.(RenameAccount)
		a.To = b.To
		return unlessSame(a, a.From == a.To)
	case SetSwitch:
		b := y.(SetSwitch)
		a.To = b.To
		return unlessSame(a, a.From == a.To)
	}
	if x.kind() == y.kind() {
		return y // the same toggle twice: the second was refused or changed nothing
	}
	return nil // a toggle and its opposite
}

func unlessSame(op Op, same bool) Op {
	if same {
		return nil
	}
	return op
}

// Compact returns the net effect of ops: edits of one field merged into
// the first's place (a description set twice: once, from the first value
// to the last), a toggle and its opposite (tick, untick) dropped. An edit
// that adds, removes or renames an entity, or turns a switch, is a
// barrier: nothing merges across it (switch edits one after another
// merge).
func Compact(ops []Op) []Op {
	out := make([]Op, 0, len(ops))
	at := map[string]int{}    // a field's edit in out, by fieldKey
	added := map[string]int{} // an entity added in out, by entityKey
	barrier := func() {
		clear(at)
		clear(added)
	}
	for _, op := range ops {
		if sw, ok := op.(SetSwitch); ok {
			// A switch changes what every other edit may do (R3): it
			// merges only with the switch edit right before it, and
			// nothing merges across it.
			barrier()
			if n := len(out); n > 0 {
				if prev, ok := out[n-1].(SetSwitch); ok && prev.Switch == sw.Switch {
					if m := merge(prev, sw); m != nil {
						out[n-1] = m
					} else {
						out = out[:n-1]
					}
					continue
				}
			}
			out = append(out, op)
			continue
		}
		// An edit of an entity added since the last barrier becomes part
		// of the addition: what is replayed is the entity as the admin
		// left it, which meets another admin's addition of the same name
		// as a whole.
		if j, ok := added[entityKey(op)]; ok && entityKey(op) != "" {
			out[j] = fold(out[j], op)
			continue
		}
		if k := addedKey(op); k != "" {
			barrier() // an edit after it may need it: only it absorbs edits
			added[k] = len(out)
			out = append(out, op)
			continue
		}
		k := fieldKey(op)
		if k == "" {
			barrier()
			out = append(out, op)
			continue
		}
		j, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, op)
			continue
		}
		m := merge(out[j], op)
		out[j] = m
		if m == nil {
			delete(at, k)
		}
	}
	return slices.DeleteFunc(out, func(op Op) bool { return op == nil })
}

// entityKey names the role, user or environment a field edit changes
// (the key its addition is kept under in Compact); "" for other edits.
func entityKey(op Op) string {
	switch o := op.(type) {
	case SetDescription:
		return "role\x00" + foldKey(o.Role)
	case SetParent:
		return "role\x00" + foldKey(o.Role)
	case Tick:
		return "role\x00" + foldKey(o.Role)
	case Untick:
		return "role\x00" + foldKey(o.Role)
	case SetUserName:
		return "user\x00" + foldKey(o.Email)
	case Assign:
		return "user\x00" + foldKey(o.Email)
	case Unassign:
		return "user\x00" + foldKey(o.Email)
	case Allow:
		return "environment\x00" + foldKey(o.Environment)
	case Disallow:
		return "environment\x00" + foldKey(o.Environment)
	}
	return ""
}

// fold applies the field edit op to the addition add (of the same entity).
func fold(add, op Op) Op {
	without := func(names []string, n string) []string {
		return slices.DeleteFunc(slices.Clone(names), func(x string) bool { return SameName(x, n) })
	}
	with := func(names []string, n string) []string {
		if slices.ContainsFunc(names, func(x string) bool { return SameName(x, n) }) {
			return names
		}
		return append(slices.Clip(names), n)
	}
	switch a := add.(type) {
	case AddRole:
		switch o := op.(type) {
		case SetDescription:
			a.Description = o.To
		case SetParent:
			a.Inherits = o.To
		case Tick:
			if !slices.Contains(a.Privileges, o.Privilege) {
				a.Privileges = append(slices.Clip(a.Privileges), o.Privilege)
			}
		case Untick:
			a.Privileges = slices.DeleteFunc(slices.Clone(a.Privileges), func(p Privilege) bool { return p == o.Privilege })
		}
		return a
	case AddUser:
		switch o := op.(type) {
		case SetUserName:
			a.Name = o.To
		case Assign:
			a.Roles = with(a.Roles, o.Role)
		case Unassign:
			a.Roles = without(a.Roles, o.Role)
		}
		return a
	case AddEnvironment:
		switch o := op.(type) {
		case Allow:
			a.Roles = with(a.Roles, o.Role)
		case Disallow:
			a.Roles = without(a.Roles, o.Role)
		}
		return a
	}
	return add
}

// goneRole completes conflict c of an edit whose role is no longer in the
// account by its name: a rename says what it renames to (Wanted), and,
// when orig is known and renamedRole finds what the role is called now in
// base, Found names it and keeping mine re-aims the edit at it.
func goneRole(c *Conflict, orig, base, now *Account) {
	role := ""
	switch o := c.Op.(type) {
	case RenameRole:
		role = o.Role
		c.Wanted = "renamed to " + quote(o.To)
	case SetDescription:
		role = o.Role
	case SetParent:
		role = o.Role
	case Tick:
		role = o.Role
	case Assign:
		role = o.Role
	case Allow:
		role = o.Role
	}
	if role == "" || c.What != "role "+quote(role) || orig == nil {
		return
	}
	to := renamedRole(orig, base, role)
	j := now.FindRole(to)
	if to == "" || j < 0 {
		return
	}
	var re Op
	switch o := c.Op.(type) {
	case RenameRole:
		o.Role = to
		re = o
	case SetDescription:
		o.Role, o.From = to, now.Roles[j].Description
		re = o
		c.Wanted = "role " + quote(to) + " described as " + quote(o.To)
	case SetParent:
		o.Role, o.From = to, now.Roles[j].Inherits
		re = o
		c.Wanted = "role " + quote(to) + " inheriting " + orNothing(o.To)
	case Tick:
		o.Role = to
		re = o
		c.Wanted = "role " + quote(to) + " with " + o.Privilege.String() + " ticked"
	case Assign:
		o.Role = to
		re = o
		c.Wanted = "role " + quote(to) + " assigned to " + SafeText(o.Email)
	case Allow:
		o.Role = to
		re = o
		c.Wanted = "role " + quote(to) + " allowed on " + SafeText(o.Environment)
	}
	c.Found = "renamed to " + quote(to) + " by another change"
	c.gone, c.reaimed = false, re
}

// renamedRole is the name in base of role name of orig when another
// change renamed it: the one role of base whose name orig does not have
// and whose description, Inherits Role and privileges are those of name
// in orig; among several such, the one whose holders (of the users in
// both accounts) are name's; "" when there is none, or no one role.
func renamedRole(orig, base *Account, name string) string {
	oi := orig.FindRole(name)
	if oi < 0 || base.FindRole(name) >= 0 {
		return ""
	}
	was := orig.Roles[oi]
	var found []string
	for _, r := range base.Roles {
		if orig.FindRole(r.Name) < 0 && r.Description == was.Description && SameName(r.Inherits, was.Inherits) &&
			privSet(r.Privileges) == privSet(was.Privileges) {
			found = append(found, r.Name)
		}
	}
	if len(found) > 1 {
		want := holdersIn(orig, base, orig, name)
		found = slices.DeleteFunc(found, func(n string) bool { return !slices.Equal(holdersIn(orig, base, base, n), want) })
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// holdersIn lists, in orig's order, the users of both orig and base who
// hold role name in a (orig or base).
func holdersIn(orig, base, a *Account, name string) []string {
	var out []string
	for _, u := range orig.Users {
		if base.FindUser(u.Email) < 0 {
			continue
		}
		au := a.Users[a.FindUser(u.Email)]
		if slices.ContainsFunc(au.Roles, func(rn string) bool { return SameName(rn, name) }) {
			out = append(out, FoldName(u.Email))
		}
	}
	return out
}

// renamedAway is the conflict of undoing edit op (untick, unassign,
// disallow, remove role), which holds on now because its role is no
// longer there by its name, when renamedRole finds the role under another
// name in base and what op undoes is still there on it: keeping mine
// applies op to it.
func renamedAway(i int, op Op, orig, base, now *Account) (Conflict, bool) {
	var role string
	switch o := op.(type) {
	case Untick:
		role = o.Role
	case Unassign:
		role = o.Role
	case Disallow:
		role = o.Role
	case RemoveRole:
		role = o.Name
	default:
		return Conflict{}, false
	}
	if now.FindRole(role) >= 0 {
		return Conflict{}, false
	}
	to := renamedRole(orig, base, role)
	j := now.FindRole(to)
	if to == "" || j < 0 {
		return Conflict{}, false
	}
	holds := func(names []string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return SameName(n, to) })
	}
	var re Op
	var wanted string
	switch o := op.(type) {
	case Untick:
		if !slices.Contains(now.Roles[j].Privileges, o.Privilege) {
			return Conflict{}, false
		}
		re, wanted = Untick{Role: to, Privilege: o.Privilege}, "role "+quote(to)+" with "+o.Privilege.String()+" unticked"
	case Unassign:
		u := now.FindUser(o.Email)
		if u < 0 || !holds(now.Users[u].Roles) {
			return Conflict{}, false
		}
		re, wanted = Unassign{Email: o.Email, Role: to}, "role "+quote(to)+" unassigned from "+SafeText(o.Email)
	case Disallow:
		e := now.FindEnvironment(o.Environment)
		if e < 0 || !holds(now.Environments[e].RolesWithAccess) {
			return Conflict{}, false
		}
		re, wanted = Disallow{Environment: o.Environment, Role: to}, "role "+quote(to)+" disallowed on "+SafeText(o.Environment)
	case RemoveRole:
		re, wanted = RemoveRole{Name: to}, "role "+quote(to)+" removed"
	}
	return Conflict{Index: i, Op: op, What: "role " + quote(role), Expected: "exists",
		Found: "renamed to " + quote(to) + " by another change", Wanted: wanted, reaimed: re}, true
}
