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
// Holders' sources are those holderSources gives, found once per role
// (sourceMemo) and copied into one backing array: the Via lists of
// different holders may be the same slices, which must not be changed.
func (r *Resolver) WhoCan(p Privilege, e int) []Holder {
	// Find the holders first (4 bytes each), then build each Holder once
	// in a slice of the right size: growing a slice of Holders while
	// scanning 10,000 users costs more than the scan.
	users := r.us()
	var who []int32
	if e < 0 {
		// Count first: an account-wide check costs next to nothing.
		n := 0
		for u := range users {
			if users[u].eff.Has(p) {
				n++
			}
		}
		who = make([]int32, 0, n)
	}
	for u := range users {
		if e < 0 {
			if users[u].eff.Has(p) {
				who = append(who, int32(u))
			}
		} else if ev := r.evalOf(&users[u], e, false); ev.visible && ev.privs.Has(p) { // Check
			who = append(who, int32(u))
		}
	}
	if len(who) == 0 {
		return nil
	}
	out := make([]Holder, len(who))
	memo := newSourceMemo(r, p)
	var chunk []Source      // where holders' sources are kept, a chunk at a time
	var all, perEnv []int32 // the roles that count, reused for each holder
	for i, u := range who {
		direct, counting := users[u].roles, users[u].roles
		if e >= 0 {
			ev := r.evalOf(&users[u], e, false) // what countingRoles asks
			all, perEnv = r.appendCountingRoles(all[:0], perEnv[:0], int(u), e, &ev)
			direct, counting = directRoles(p, all, perEnv), all
		}
		var implied Privilege
		if len(direct) == 1 && len(counting) == 1 && direct[0] == counting[0] {
			// One role: its sources, the same for every holder of it alone.
			out[i].Sources, implied = memo.single(direct[0])
		} else if need, sole := memo.most(direct, counting); sole >= 0 {
			// All from one role, as for a holder of it alone.
			out[i].Sources, implied = memo.single(sole)
		} else if need > 0 {
			// Appended to the chunk in place, which has room for them all.
			if cap(chunk)-len(chunk) < need {
				// Room for the holders left, each needing about as many
				// as this one, up to a chunk: a small account does not pay
				// for a chunk sized for 10,000 users.
				chunk = make([]Source, 0, max(need, min(whoCanChunk, need*(len(who)-i))))
			}
			n := len(chunk)
			chunk, implied = appendCoveredSources(chunk, direct, counting, p, memo.sources)
			if len(chunk) > n { // none: nil, as holderSources gives
				out[i].Sources = chunk[n:len(chunk):len(chunk)]
			}
		}
		out[i].Sources = r.groupSources(int(u), out[i].Sources)
		out[i].User = users[u].email
		if implied != 0 {
			out[i].ImpliedBy = implied.String()
		}
	}
	return out
}

// whoCanChunk is how many sources WhoCan allocates at a time.
const whoCanChunk = 2048

// From says where the holder's privilege comes from, as Grant.From does.
func (h Holder) From() string {
	var implied Privilege
	if h.ImpliedBy != "" {
		implied, _ = LookupPrivilege(h.ImpliedBy)
	}
	return fromText(h.Sources, implied)
}

// ExplainEverywhere answers Explain for p account-wide, then in each
// environment in account order: what the preview's explain shows.
func (r *Resolver) ExplainEverywhere(u int, p Privilege) []Verdict {
	out := make([]Verdict, 0, 1+len(r.envs))
	out = append(out, r.Explain(u, p, -1))
	for e := range r.envs {
		out = append(out, r.Explain(u, p, e))
	}
	return out
}

func (r *Resolver) holder(u int, p Privilege, e int) Holder {
	h := Holder{User: r.user(u).email}
	var implied Privilege
	h.Sources, implied = r.holderSources(u, p, e)
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
	Because     string   `json:"-"` // the reason without the verdict word
	Rules       []string `json:"rules"`
	Decision    bool     `json:"decision"`
	Sources     []Source `json:"sources"`
	ImpliedBy   string   `json:"implied_by,omitempty"`
}

// Explain answers Check with its reason and sources.
func (r *Resolver) Explain(u int, p Privilege, e int) Verdict {
	v := Verdict{User: r.user(u).email, Privilege: p.String()}
	var w Why
	if e < 0 {
		w = r.explainAccountWide(u, p, &v)
	} else {
		name := r.envs[e].name
		v.Environment = &name
		w = r.explainIn(u, p, e, &v)
	}
	v.Because, v.Rules, v.Decision = w.Text(), w.Rules(), w.Decision()
	v.Reason = "denied: " + v.Because
	if v.Allowed {
		v.Reason = "allowed: " + v.Because
	}
	return v
}

func (r *Resolver) explainAccountWide(u int, p Privilege, v *Verdict) Why {
	if r.user(u).eff.Has(p) {
		v.Allowed = true
		return r.allowedWhy(u, p, -1, v)
	}
	w := because(r.lacking(u, p.String(), []Privilege{p}))
	if p.Info().PerEnvironment {
		w.add(step("R15", "it is a per-environment privilege, which counts only through a role an environment lists"))
	}
	return w
}

func (r *Resolver) allowedWhy(u int, p Privilege, e int, v *Verdict) Why {
	held := r.user(u).eff
	if e >= 0 {
		held = r.eval(u, e).privs
	}
	var implied Privilege
	v.Sources, implied = r.holderSources(u, p, e)
	if implied != 0 {
		v.ImpliedBy = implied.String()
	}
	return because(grantWhy(p, v.Sources, implied, held)...)
}

func (r *Resolver) explainIn(u int, p Privilege, e int, v *Verdict) Why {
	ev := r.eval(u, e)
	env := r.envWhys(u, e, &ev, nil)
	if ev.visible && ev.privs.Has(p) {
		v.Allowed = true
		w := r.allowedWhy(u, p, e, v)
		w.add(env.main.Steps...)
		// The privilege counts here, but the action it usually gates may
		// be refused all the same (R18): say so rather than mislead.
		name := r.envs[e].words().shown
		var all Why
		switch {
		case p == PackagedComponentDeployment && !ev.deploy:
			all = env.deploy
			w.add(Step{Note: true, Text: "deploying to " + name + " is refused all the same"})
		case p == Scheduling && !ev.schedule:
			all = env.schedule
			w.add(Step{Note: true, Text: "scheduling in " + name + " is refused all the same"})
		}
		for _, s := range all.Steps {
			s.Note = true
			w.add(s)
		}
		return w
	}
	us := r.user(u)
	name := r.envs[e].words().shown
	var w Why
	switch {
	case !ev.visible:
		w = env.main
	case p.Info().PerEnvironment && !r.acct.AdvancedEnvironmentAccess && us.raw.Has(p):
		w = because(step("R16", p.String()+" does nothing while Advanced Environment Access is off"))
	case p.Info().PerEnvironment && us.raw.Has(p):
		holders := joinNames(r.names(r.holdersOf(u, p)))
		if ev.restricted {
			w = because(step("R15", p.String()+" counts only through a role "+name+" lists; it is held through "+holders+", and "+name+" lists only "+r.envs[e].words().list))
		} else {
			w = because(step("R15", p.String()+" counts only through a role the environment lists; it is held through "+holders+", and "+name+" is open"))
		}
	case us.eff.Has(p):
		why := p.String() + " is held only through " + joinNames(r.names(r.holdersOf(u, p))) + ", which " + name + " does not list (it lists only " + r.envs[e].words().list + ")"
		if p == RuntimeManagement {
			why += "; R17 still counts it account-wide for write access"
		}
		w = because(decided("R15", why))
		w.add(env.main.Steps...)
	default:
		w = because(r.lacking(u, p.String(), []Privilege{p}))
	}
	// The privilege does not count here, but the action it usually gates
	// may be allowed all the same (R18): say so rather than mislead.
	if ev.visible && ev.access == AccessWrite {
		switch p {
		case PackagedComponentDeployment:
			dec := note("R18", "deploying to "+name+" is allowed all the same, by write access alone")
			dec.Decision = true // the note's own mark (§5's Deployments row); the answer's flag stays its own
			w.add(dec)
		case Scheduling:
			w.add(note("R18", "scheduling in "+name+" is allowed all the same, by write access"))
		}
	}
	return w
}
