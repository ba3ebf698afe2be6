package storage

import (
	"slices"
	"unicode/utf8"

	"rolecall/model"
)

// Separation-of-duties rules in the file (model/sod.go), one
// [[separation_of_duties]] table each, after [[environments]]:
//
//	[[separation_of_duties]]
//	name = "Build or deploy to production"
//	description = "..."                          (written when not empty)
//	holds = ["Build Read and Write Access"]
//	excludes = ["Packaged Component Deployment"]
//	scope = "environments"                       account | environments
//	classification = "production"                (environments only; written when set)
//	environments = ["Production"]                (environments only; written when set)
//
// Nothing is written when the account has no rule, so a file without
// rules keeps its bytes.

// MaxSoDRules bounds the rules of one file.
const MaxSoDRules = 1000

// sodKeys are the keys of a rule, as the unknown-key message lists them.
var sodKeys = []string{"name", "description", "holds", "excludes", "scope", "classification", "environments"}

// sodRule reads element i of [[separation_of_duties]]. Every element is
// kept (so that the model's problems point at the element they are
// about); an unknown privilege is reported here (R0) and left out.
func (d *decoder) sodRule(a *model.Account, i int, m map[string]any) {
	const sec = model.SectionSoD
	d.unknownKeys(sec, i, m, "name", sodKeys...)
	var r model.SoDRule
	d.str(&r.Name, m["name"], elemKey(sec, i, "name"))
	d.str(&r.Description, m["description"], elemKey(sec, i, "description"))
	var scope, class string
	d.str(&scope, m["scope"], elemKey(sec, i, "scope"))
	d.str(&class, m["classification"], elemKey(sec, i, "classification"))
	r.Scope, r.Classification = model.SoDScope(scope), model.Classification(class)
	r.Environments, _ = d.strings(sec, i, "environments", m["environments"])
	for _, key := range []string{"holds", "excludes"} {
		names, items := d.strings(sec, i, key, m[key])
		var ps []model.Privilege
		var acts []model.SoDAction
		for j, n := range names {
			item := j
			if items != nil {
				item = items[j]
			}
			if a, ok := model.LookupSoDAction(n); ok {
				acts = append(acts, a)
				continue
			}
			p, ok := model.LookupPrivilege(n)
			if !ok {
				d.add(d.pos.line(string(sec), i, key, item), model.Loc{Section: sec, Index: i, Key: key, Item: item}, model.UnknownPrivilege.Rule(), r.Name,
					"separation-of-duties rule %s names unknown privilege %s in %s; use a privilege's current or old name, or \"deploy\" or \"schedule\"", quote(r.Name), quote(n), key)
				continue
			}
			ps = append(ps, p)
		}
		if key == "holds" {
			r.Holds, r.HoldsActions = ps, acts
		} else {
			r.Excludes, r.ExcludesActions = ps, acts
		}
	}
	a.SeparationOfDuties = append(a.SeparationOfDuties, r)
}

// separationOfDuties writes the rules of c (canonical: sorted, sides in
// catalog order).
func (e *encoder) separationOfDuties(rules []model.SoDRule) {
	var names []string
	for _, r := range rules {
		e.b = append(e.b, "\n[[separation_of_duties]]\n"...)
		e.kv("name", r.Name)
		if r.Description != "" {
			e.kv("description", r.Description)
		}
		for _, side := range []struct {
			key  string
			ps   []model.Privilege
			acts []model.SoDAction
		}{{"holds", r.Holds, r.HoldsActions}, {"excludes", r.Excludes, r.ExcludesActions}} {
			names = names[:0]
			for _, p := range side.ps {
				if p.Valid() {
					names = append(names, p.String()) // the current name (R0)
				}
			}
			for _, a := range side.acts {
				names = append(names, string(a))
			}
			e.list(side.key, names)
		}
		e.kv("scope", string(r.Scope))
		if r.Classification != "" {
			e.kv("classification", string(r.Classification))
		}
		if len(r.Environments) > 0 {
			e.list("environments", r.Environments)
		}
	}
}

// sodValidUTF8 reports whether every string of a's rules is valid UTF-8.
func sodValidUTF8(a *model.Account) bool {
	for _, r := range a.SeparationOfDuties {
		if !utf8.ValidString(r.Name) || !utf8.ValidString(r.Description) || !utf8.ValidString(string(r.Scope)) || !utf8.ValidString(string(r.Classification)) {
			return false
		}
		if slices.ContainsFunc(r.Environments, func(s string) bool { return !utf8.ValidString(s) }) {
			return false
		}
	}
	return true
}
