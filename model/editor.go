package model

// Answers the role editor needs, so that no front end derives them itself.

// InheritCandidates lists the roles that role may inherit (R6): the
// built-in roles that exist under the account's switches (R3), then the
// custom roles, leaving out role itself and every role whose chain passes
// through it, since choosing one would make a cycle. role "" (a new role)
// may inherit any role.
func InheritCandidates(a *Account, role string) []string {
	var out []string
	for _, b := range builtins {
		if !b.NeedsAUS || a.AdvancedUserSecurity {
			out = append(out, b.Name)
		}
	}
	find := newRoleFinder(a)
	for i, r := range a.Roles {
		if role != "" && reaches(find, i, role) {
			continue
		}
		out = append(out, r.Name)
	}
	return out
}

// reaches reports whether custom role i's chain passes through role (i
// itself included), or loops already (R6): choosing i as role's parent
// would make a cycle, or keep one.
func reaches(find *roleFinder, i int, role string) bool {
	n := len(find.a.Roles)
	steps := 0
	for j := range lineage(i, n, find.parent) {
		if SameName(find.a.Roles[j].Name, role) {
			return true
		}
		steps++
	}
	return steps > n // a cycle already: never offer it
}

func foldKey(s string) string { return FoldName(s) }

// InheritedFrom says, for every privilege a role inheriting parent gets
// from it (R5, before R4), which role of parent's chain grants it: the
// farthest ancestor whose own ticks (or built-in privileges) include it,
// which is what the editor labels "from ROLE" beside a locked tick. These
// are exactly the ticks that would be redundant (R9) beside parent: a
// privilege parent only covers under R4 (Runtime Management Read Access
// beside Runtime Management) is not locked, since it may be ticked and is
// kept (R9, decision). It is empty when parent is "" or does not exist.
func (r *Resolver) InheritedFrom(parent string) map[Privilege]string {
	id := r.roleID(parent)
	if id < 0 {
		return nil
	}
	out := map[Privilege]string{}
	for j := range lineage(int(id), len(r.roles), r.parentOf) {
		for _, p := range r.roles[j].ticks.List() {
			out[p] = r.roles[j].name // farther ancestors overwrite nearer ones
		}
	}
	return out
}
