package model

// canSee and envPrivileges read the answers the front ends read: the
// environment's view and the grants that count there.
func canSee(r *Resolver, u, e int) bool { return r.EnvView(u, e).Visible }

func envPrivileges(r *Resolver, u, e int) PrivSet {
	var s PrivSet
	for _, g := range r.EnvGrants(u, e) {
		s = s.With(g.Privilege)
	}
	return s
}

// pageActions lists a page's actions as the preview gives them.
func pageActions(page string) []string {
	a := &Account{Users: []User{{Email: "a@x.com", Roles: []string{Administrator}}}}
	var out []string
	for _, p := range NewResolver(a).Preview(0).Pages {
		if p.Page == page {
			for _, act := range p.Actions {
				out = append(out, act.Action)
			}
		}
	}
	return out
}
