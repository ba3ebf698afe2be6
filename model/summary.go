package model

import (
	"fmt"
	"slices"
	"strings"
)

// An Overview is a diff said the way a pull request's plan is: one line per
// change of access, each with every user it happens to, grouped by kind
// (the account's switches, the environments, users added or removed,
// access gained, access lost). The same users gaining several things read
// as one line, as in Diff.Summary; unlike Summary, each line keeps its
// whole list of users, so that a front end can show some and say how many
// it left out. The per-user details are Diff.Users.
type Overview struct {
	Lines []OverviewLine `json:"lines"`
	// Users is how many users something changes for; Gaining and Losing
	// how many of those who stay gain or lose something (one user can do
	// both); Added and Removed how many come and go.
	Users   int `json:"users"`
	Gaining int `json:"gaining"`
	Losing  int `json:"losing"`
	Added   int `json:"added"`
	Removed int `json:"removed"`
}

// OverviewKind is the group an overview line belongs to, in the order they are
// listed.
type OverviewKind string

const (
	OverviewAccount     OverviewKind = "account"
	OverviewEnvironment OverviewKind = "environment"
	OverviewMembership  OverviewKind = "membership" // users added or removed
	OverviewGain        OverviewKind = "gain"
	OverviewLoss        OverviewKind = "loss"
)

var overviewOrder = []OverviewKind{OverviewAccount, OverviewEnvironment, OverviewMembership, OverviewGain, OverviewLoss}

// OverviewLine is one change. Lines about the account or an environment are
// whole in Text; a line about users is "N users" + Verb + What, with
// Users every user it happens to, in the account's order.
type OverviewLine struct {
	Kind OverviewKind `json:"kind"`
	// Sign is "+" for a line that gives access (or adds), "-" for one that
	// takes it away (or removes), "~" for the others.
	Sign  string   `json:"sign"`
	Text  string   `json:"text,omitempty"`
	Verb  string   `json:"verb,omitempty"` // as for several users: "gain", "can now deploy to"
	What  []string `json:"what"`           // privileges or environments
	Users []string `json:"users"`
}

// Sentence is the line in words, its users listed up to max (all of them
// when max < 0), the others counted: "2 users gain Packaged Component
// Deployment: ana@x.com, bo@y.com", "40 users no longer see Test: a, b,
// c and 37 more". Names are passed through SafeText.
func (l OverviewLine) Sentence(max int) string {
	if len(l.Users) == 0 {
		return SafeText(l.Text)
	}
	shown := l.Users
	if max >= 0 && len(shown) > max {
		shown = shown[:max]
	}
	s := l.head() + ": " + strings.Join(shown, ", ")
	if n := len(l.Users) - len(shown); n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return SafeText(s)
}

// Title is the line without its users: "2 users gain Packaged Component
// Deployment", or Text.
func (l OverviewLine) Title() string {
	if len(l.Users) == 0 {
		return SafeText(l.Text)
	}
	return SafeText(l.head())
}

// head is a line about users up to its list of users.
func (l OverviewLine) head() string {
	verb := l.Verb
	subject := fmt.Sprintf("%d users", len(l.Users))
	if len(l.Users) == 1 {
		verb, subject = singular(verb), "1 user"
	}
	s := subject + " " + verb
	if len(l.What) > 0 {
		s += " " + summaryList(l.What)
	}
	return s
}

// accessOrder orders the environment accesses from least to most.
func accessOrder(a Access) int {
	switch a {
	case AccessRead:
		return 1
	case AccessWrite:
		return 2
	}
	return 0
}

// Overview groups d's changes into lines (see Overview). Every change in d is on
// some line: each user's gains, losses and environment changes; users
// added or removed are on one line each way (what they get or had is in
// their details).
func (d *Diff) Overview() Overview {
	var p Overview
	for _, a := range d.Account {
		p.Lines = append(p.Lines, OverviewLine{Kind: OverviewAccount, Sign: "~", Text: a})
	}
	env := func(sign, format string, args ...any) {
		p.Lines = append(p.Lines, OverviewLine{Kind: OverviewEnvironment, Sign: sign, Text: fmt.Sprintf(format, args...)})
	}
	for _, e := range d.Environments {
		if c := e.Classification; c != nil {
			env("~", "%s is now %s (was %s)", e.Environment, c.To, c.From)
		}
		switch {
		case e.Added:
			if len(e.Allowed) > 0 {
				env("+", "environment %s is added, restricted to %s (R13)", e.Environment, joinNames(e.Allowed))
			} else {
				env("+", "environment %s is added, open to every role (R12)", e.Environment)
			}
		case e.Removed:
			env("-", "environment %s is removed", e.Environment)
		case e.BecameOpen:
			env("+", "%s becomes open to every role (R12)", e.Environment)
		case e.BecameRestricted:
			env("-", "%s becomes restricted to %s (R13)", e.Environment, joinNames(e.Allowed))
		default:
			if len(e.Allowed) > 0 {
				env("+", "%s now lists %s in its Roles with Access", e.Environment, joinNames(e.Allowed))
			}
			if len(e.Disallowed) > 0 {
				env("-", "%s no longer lists %s in its Roles with Access", e.Environment, joinNames(e.Disallowed))
			}
		}
	}

	type key struct {
		sign, verb, what string
	}
	who := map[key][]int{}
	var order []key
	note := func(k key, u int) {
		if _, ok := who[k]; !ok {
			order = append(order, k)
		}
		who[k] = append(who[k], u)
	}
	for i, u := range d.Users {
		switch {
		case u.Added:
			p.Added++
			note(key{"+", "are added", ""}, i)
			continue
		case u.Removed:
			p.Removed++
			note(key{"-", "are removed", ""}, i)
			continue
		}
		gains, losses := len(u.Gained) > 0, len(u.Lost) > 0
		for _, g := range u.Gained {
			note(key{"+", "gain", g}, i)
		}
		for _, l := range u.Lost {
			note(key{"-", "lose", l}, i)
		}
		for _, c := range u.Envs {
			b, a := c.Before, c.After
			switch {
			case !b.Visible && a.Visible:
				note(key{"+", "now see", c.Environment}, i)
				gains = true
			case b.Visible && !a.Visible:
				note(key{"-", "no longer see", c.Environment}, i)
				losses = true
			}
			// Coming into view or going out of it, the access said is the
			// one beyond reading (seeing is said above), and deploy and
			// schedule are said too: they are what matters in production.
			switch {
			case b.Access == a.Access:
			case !b.Visible && a.Access == AccessWrite:
				note(key{"+", "get write access in", c.Environment}, i)
			case !a.Visible && b.Access == AccessWrite:
				note(key{"-", "lose write access in", c.Environment}, i)
			case b.Visible && a.Visible:
				sign := "+"
				if accessOrder(a.Access) < accessOrder(b.Access) {
					sign = "-"
				}
				note(key{sign, fmt.Sprintf("get %s access instead of %s in", a.Access, b.Access), c.Environment}, i)
				gains, losses = gains || sign == "+", losses || sign == "-"
			}
			for _, x := range []struct {
				before, after bool
				what          string
			}{{b.Deploy, a.Deploy, "deploy to"}, {b.Schedule, a.Schedule, "schedule in"}} {
				if x.before != x.after {
					sign := "+"
					if !x.after {
						sign = "-"
					}
					note(key{sign, canCannot(x.after) + " " + x.what, c.Environment}, i)
					gains, losses = gains || x.after, losses || !x.after
				}
			}
		}
		if gains {
			p.Gaining++
		}
		if losses {
			p.Losing++
		}
	}
	p.Users = len(d.Users)

	// Keys with the same verb and the same users make one line. Candidates
	// are found by a hash of the users, confirmed by comparing them.
	type group struct {
		line  OverviewLine
		users []int
	}
	var groups []*group
	byHash := map[uint64][]*group{}
	for _, k := range order {
		users := who[k]
		h := hashUsers(k.sign+k.verb, users)
		var g *group
		for _, c := range byHash[h] {
			if c.line.Sign == k.sign && c.line.Verb == k.verb && slices.Equal(c.users, users) {
				g = c
				break
			}
		}
		if g == nil {
			kind := OverviewGain
			switch {
			case k.verb == "are added" || k.verb == "are removed":
				kind = OverviewMembership
			case k.sign == "-":
				kind = OverviewLoss
			}
			g = &group{line: OverviewLine{Kind: kind, Sign: k.sign, Verb: k.verb, What: []string{}}, users: users}
			groups = append(groups, g)
			byHash[h] = append(byHash[h], g)
		}
		if k.what != "" {
			g.line.What = append(g.line.What, k.what)
		}
	}
	rank := func(k OverviewKind) int { return slices.Index(overviewOrder, k) }
	slices.SortStableFunc(groups, func(a, b *group) int {
		if c := rank(a.line.Kind) - rank(b.line.Kind); c != 0 {
			return c
		}
		return len(b.users) - len(a.users)
	})
	for _, g := range groups {
		g.line.Users = make([]string, len(g.users))
		for i, u := range g.users {
			g.line.Users[i] = d.Users[u].User
		}
		p.Lines = append(p.Lines, g.line)
	}
	for i := range p.Lines {
		if p.Lines[i].What == nil {
			p.Lines[i].What = []string{}
		}
		if p.Lines[i].Users == nil {
			p.Lines[i].Users = []string{}
		}
	}
	return p
}
