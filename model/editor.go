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
	byName := make(map[string]int, len(a.Roles))
	for i, r := range a.Roles {
		byName[foldKey(r.Name)] = i
	}
	reaches := func(from string) bool { // does from's chain pass through role?
		for steps := 0; steps <= len(a.Roles); steps++ {
			if SameName(from, role) {
				return true
			}
			i, ok := byName[foldKey(from)]
			if !ok || a.Roles[i].Inherits == "" {
				return false
			}
			from = a.Roles[i].Inherits
		}
		return true // a cycle already: never offer it
	}
	for _, r := range a.Roles {
		if role != "" && reaches(r.Name) {
			continue
		}
		out = append(out, r.Name)
	}
	return out
}

func foldKey(s string) string { return FoldName(s) }

// InheritedFrom says, for every privilege a role inheriting parent would get
// from it (R4 applied), which role of parent's chain grants it: the farthest
// ancestor whose own ticks (or built-in privileges) include it, which is what
// the editor labels "from ROLE" beside a locked tick (R5). It is empty when
// parent is "" or does not exist.
func (r *Resolver) InheritedFrom(parent string) map[Privilege]string {
	id := r.roleID(parent)
	if id < 0 {
		return nil
	}
	out := map[Privilege]string{}
	for steps := 0; id >= 0 && steps <= len(r.roles); steps++ {
		for _, p := range r.roles[id].ticks.Closure().List() {
			out[p] = r.roles[id].name // farther ancestors overwrite nearer ones
		}
		id = r.roles[id].parent
	}
	return out
}

// CountCanSee counts the users who see environment e (R12-R14).
func (r *Resolver) CountCanSee(e int) int {
	n := 0
	for u := range r.users {
		if r.eval(u, e).visible {
			n++
		}
	}
	return n
}
