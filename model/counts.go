package model

import "math/bits"

// How many users see each environment, for the environments list, without
// evaluating every (user, environment) pair.
//
// Visibility (R12-R14, as eval decides it) depends on three things only:
// whether the user reaches Runtime Management (R14, after R4), whether they
// hold Environment Management (R13), and which held roles, by identity, the
// environment lists (R13). Neither the Advanced Environment Access switch
// nor what the roles grant inside an environment (R15-R18) plays a part.
// So a user who reaches Runtime Management without Environment Management
// sees the open environments and exactly the restricted ones that list one
// of their roles: the union, over their roles, of the restricted
// environments each role is listed on. CountsCanSee builds that set per
// role once and counts each user from it.

// CountsCanSee counts, for every environment in account order, the users
// who see it (R12-R14): the same answers as CountCanSee for each one, in one
// pass over the users. The slice is the caller's.
func (r *Resolver) CountsCanSee() []int {
	counts := make([]int, len(r.envs))
	if len(r.envs) == 0 {
		return counts
	}
	words := (len(r.envs) + 63) / 64
	// listedOn[id*words:] is the set of restricted environments that list
	// role id (an environment is restricted when it lists a role that
	// exists, as eval has it).
	listedOn := make([]uint64, len(r.roles)*words)
	for e := range r.envs {
		for _, id := range r.envs[e].ids {
			listedOn[int(id)*words+e/64] |= 1 << (e % 64)
		}
	}
	seen := make([]uint64, words)
	reach, em := 0, 0 // users who reach Runtime Management; of those, holders of Environment Management
	for u := range r.users {
		us := &r.users[u]
		if !us.eff.Has(RuntimeManagementRead) { // R14 (R4: Runtime Management covers it)
			continue
		}
		reach++
		if us.raw.Has(EnvironmentManagement) { // R13: every environment
			em++
			continue
		}
		switch len(us.roles) {
		case 0:
			continue
		case 1:
			copy(seen, listedOn[int(us.roles[0])*words:][:words])
		default:
			clear(seen)
			for _, id := range us.roles {
				for w, x := range listedOn[int(id)*words:][:words] {
					seen[w] |= x
				}
			}
		}
		for w, x := range seen {
			for x != 0 {
				counts[w*64+bits.TrailingZeros64(x)]++
				x &= x - 1
			}
		}
	}
	for e := range r.envs {
		if len(r.envs[e].ids) == 0 {
			counts[e] = reach // R12: open to everyone who reaches the page
		} else {
			counts[e] += em
		}
	}
	return counts
}

// CountCanSee counts the users who see environment e (R12-R14). The first
// call counts every environment (CountsCanSee) and keeps the answers, so
// that asking about each environment in turn costs one pass over the users.
func (r *Resolver) CountCanSee(e int) int {
	counts := r.seeing.Load()
	if counts == nil {
		// Two callers at once may both count; the answers are the same.
		c := r.CountsCanSee()
		counts = &c
		r.seeing.Store(counts)
	}
	return (*counts)[e]
}
