package model

// AccountHolders is who holds a privilege in one account of a group set.
type AccountHolders struct {
	File    string   `json:"file"`
	Account string   `json:"account"`
	Holders []Holder `json:"users"`
}

// WhoCan answers who-can across a group set (R26: each account by its own
// rules, on its view): the primary first, then each member in the
// primary's order, account-wide when env is "", else in each account's
// environment of that name (accounts without one are left out), listing
// only accounts where someone holds p. Sources through a shared role or a
// group user's role say the primary and the group (Source).
func (s *GroupSet) WhoCan(p Privilege, env string) []AccountHolders {
	var out []AccountHolders
	for _, f := range append([]string{s.PrimaryFile}, s.MemberFiles()...) {
		v, err := s.View(f)
		if err != nil {
			continue
		}
		r := NewResolver(v)
		e := -1
		if env != "" {
			if e = r.Environment(env); e < 0 {
				continue
			}
		}
		if hs := r.WhoCan(p, e); len(hs) > 0 {
			out = append(out, AccountHolders{File: f, Account: v.Name, Holders: hs})
		}
	}
	return out
}
