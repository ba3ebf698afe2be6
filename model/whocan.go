package model

// Holder is one user who holds a privilege, with every source of it.
type Holder struct {
	User    string   `json:"user"`
	Sources []Source `json:"sources"`
	// ImpliedBy is set when the user holds the privilege only through the
	// privilege that covers it (R4).
	ImpliedBy string `json:"implied_by,omitempty"`
}

// WhoCan lists the users who hold p, account-wide when e < 0 or as it counts
// inside environment e (R13-R16), in account order, with their sources.
func (r *Resolver) WhoCan(p Privilege, e int) []Holder {
	// Find the holders first (4 bytes each), then build each Holder once
	// in a slice of the right size: growing a slice of Holders while
	// scanning 10,000 users costs more than the scan.
	var who []int32
	for u := range r.users {
		if r.Check(u, p, e) {
			who = append(who, int32(u))
		}
	}
	if len(who) == 0 {
		return nil
	}
	out := make([]Holder, len(who))
	for i, u := range who {
		out[i] = r.holder(int(u), p, e)
	}
	return out
}

// CountWhoCan counts the users who hold p (as WhoCan) without building sources.
func (r *Resolver) CountWhoCan(p Privilege, e int) int {
	n := 0
	for u := range r.users {
		if r.Check(u, p, e) {
			n++
		}
	}
	return n
}

func (r *Resolver) holder(u int, p Privilege, e int) Holder {
	roles, raw := r.counting(u, e)
	h := Holder{User: r.users[u].email}
	var implied Privilege
	h.Sources, implied = r.coveredSources(roles, raw, p)
	if implied != 0 {
		h.ImpliedBy = implied.String()
	}
	return h
}

// Verdict answers "may this user use this privilege (here)?" with the reason.
type Verdict struct {
	User        string   `json:"user"`
	Privilege   string   `json:"privilege"`
	Environment *string  `json:"environment"`
	Allowed     bool     `json:"allowed"`
	Reason      string   `json:"reason"`
	Sources     []Source `json:"sources"`
	ImpliedBy   string   `json:"implied_by,omitempty"`
}

// Explain answers Check with its reason and sources.
func (r *Resolver) Explain(u int, p Privilege, e int) Verdict {
	v := Verdict{User: r.users[u].email, Privilege: p.String(), Allowed: r.Check(u, p, e)}
	held := r.HeldRoles(u)
	if e >= 0 {
		name := r.envs[e].name
		v.Environment = &name
	}
	if v.Allowed {
		h := r.holder(u, p, e)
		v.Sources, v.ImpliedBy = h.Sources, h.ImpliedBy
		v.Reason = "allowed: " + r.grantPhraseFrom(p, h)
		if e >= 0 {
			v.Reason += "; " + r.EnvView(u, e).Reason
		}
		return v
	}
	switch {
	case e < 0:
		v.Reason = "denied: needs " + p.String() + " (" + r.heldByNone(u) + ")"
		if p.Info().PerEnvironment {
			v.Reason += "; it is a per-environment privilege (R15)"
		}
	default:
		ev := r.eval(u, e)
		view := r.EnvView(u, e)
		switch {
		case !ev.visible:
			v.Reason = "denied: " + view.Reason
		case p.Info().PerEnvironment && !r.acct.AdvancedEnvironmentAccess && r.users[u].raw.Has(p):
			v.Reason = "denied: " + p.String() + " does nothing while Advanced Environment Access is off (R16)"
		case p.Info().PerEnvironment && r.users[u].raw.Has(p):
			v.Reason = "denied: " + p.String() + " counts only through a role " + r.envs[e].name + " lists, and none of " + joinNames(held) + " that ticks it is listed (R15)"
		case r.users[u].eff.Has(p):
			v.Reason = "denied: " + p.String() + " is held, but only through roles that do not count in " + r.envs[e].name + "; " + view.Reason + " (R15, decision)"
		default:
			v.Reason = "denied: needs " + p.String() + " (" + r.heldByNone(u) + ")"
		}
		// The privilege is missing, but the action it usually gates may be
		// allowed all the same (R18): say so rather than mislead.
		if ev := r.eval(u, e); ev.visible && ev.access == AccessWrite {
			switch p {
			case PackagedComponentDeployment:
				// Packaged Component Deployment does not count here, so
				// this is a deploy by write access alone: a decision (§5).
				v.Reason += "; deploying to " + r.envs[e].name + " is allowed all the same: write access there (R17, R18, decision)"
			case Scheduling:
				v.Reason += "; scheduling in " + r.envs[e].name + " is allowed all the same: write access there (R17, R18)"
			}
		}
	}
	return v
}

func (r *Resolver) grantPhraseFrom(p Privilege, h Holder) string {
	s := p.String() + " from "
	for i, src := range h.Sources {
		if i > 0 {
			s += ", "
		}
		s += src.String() // a source through a covering privilege says so (R4)
	}
	return s
}
