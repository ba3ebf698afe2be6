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
// role once and counts each user from it; users with one role that any
// environment lists (and others no environment lists) are counted per
// role: six in ten of those who reach Runtime Management in the 10,000-user
// account Synthetic makes.

// CountsCanSee counts, for every environment in account order, the users
// who see it (R12-R14): the same answers as CountCanSee for each one, in one
// pass over the users. The slice is the caller's.
func (r *Resolver) CountsCanSee() []int {
	counts := make([]int, len(r.envs))
	if len(r.envs) == 0 {
		return counts
	}
	words := (len(r.envs) + 63) / 64
	// listedOn[id*words:][:words] is the set of restricted environments
	// that list role id (an environment is restricted when it lists a role
	// that exists, as eval has it); somewhere[id] says it is not empty.
	listedOn := make([]uint64, len(r.roles)*words)
	somewhere := make([]bool, len(r.roles))
	for e := range r.envs {
		for _, id := range r.envs[e].ids {
			listedOn[int(id)*words+e/64] |= 1 << (e % 64)
			somewhere[id] = true
		}
	}
	// byRole[id]: users whose only role listed anywhere is id. They see
	// the same environments, which are added once per role at the end.
	byRole := make([]int, len(r.roles))
	seen := make([]uint64, words)
	reach, em := 0, 0 // users who reach Runtime Management; of those, holders of Environment Management
	users := r.us()
	for u := range users {
		us := &users[u]
		if !us.eff.Has(RuntimeManagementRead) { // R14 (R4: Runtime Management covers it)
			continue
		}
		reach++
		if us.raw.Has(EnvironmentManagement) { // R13: every environment
			em++
			continue
		}
		one, many := int32(-1), false
		for _, id := range us.roles {
			if !somewhere[id] || id == one {
				continue
			}
			if one >= 0 {
				many = true
				break
			}
			one = id
		}
		switch {
		case one < 0: // only the open environments
			continue
		case !many:
			byRole[one]++
			continue
		}
		clear(seen)
		for _, id := range us.roles {
			for w, x := range listedOn[int(id)*words:][:words] {
				seen[w] |= x
			}
		}
		addTo(counts, seen, 1)
	}
	for id, n := range byRole {
		if n > 0 {
			addTo(counts, listedOn[id*words:][:words], n)
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

// addTo adds n to the count of every environment in the set envs.
func addTo(counts []int, envs []uint64, n int) {
	for w, x := range envs {
		for ; x != 0; x &= x - 1 {
			counts[w*64+bits.TrailingZeros64(x)] += n
		}
	}
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
