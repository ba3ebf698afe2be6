package storage

import (
	"slices"
	"strings"
	"testing"

	"rolecall/model"
)

// LoadUsers from the cache gives what Load gives with the users its keep
// rejects left out, and says so; everything else (roles, environments,
// groups, problems, the stamp) is the whole file's. On every hostile file:
// the first, middle and last user, one in capitals, and nobody.
func TestLoadUsersIsLoadFiltered(t *testing.T) {
	freshCache(t)
	for name, data := range hostileFiles(t) {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "acct.toml", data, 0o600)
			want := uncached(t, p)
			mustLoad(t, p) // writes the entry
			emails := []string{"nobody@example.org"}
			if a := want.Account; a != nil && len(a.Users) > 0 {
				n := len(a.Users)
				emails = append(emails, a.Users[0].Email, a.Users[n/2].Email, a.Users[n-1].Email, strings.ToUpper(a.Users[n-1].Email))
			}
			for _, email := range emails {
				keep := func(e string) bool { return model.SameName(e, email) }
				// A load from the cache only where Load loads from it.
				hits := cacheStats.hits.Load()
				mustLoad(t, p)
				wantSome := cacheStats.hits.Load() == hits+1
				hits = cacheStats.hits.Load()
				got, err := LoadUsers(p, keep)
				if err != nil {
					t.Fatal(err)
				}
				if hit := cacheStats.hits.Load() == hits+1; hit != wantSome {
					t.Fatalf("%s: LoadUsers hit %v where Load hit %v", email, hit, wantSome)
				}
				// Keeping nobody gives everybody (the suggestions want them).
				if want.Account == nil || !slices.ContainsFunc(want.Account.Users, func(u model.User) bool { return keep(u.Email) }) {
					wantSome = false
				}
				if got.SomeUsers != wantSome {
					t.Fatalf("%s: SomeUsers %v, want %v", email, got.SomeUsers, wantSome)
				}
				w := *want
				if wantSome {
					a := *want.Account
					a.Users = slices.DeleteFunc(slices.Clone(a.Users), func(u model.User) bool { return !keep(u.Email) })
					w.Account = &a
				}
				w.SomeUsers = wantSome
				sameDoc(t, email, got, &w)
			}
		})
	}
}

// A load that reads the file whole gives every user, whatever keep says;
// so does one from the cache that would keep nobody (an email nobody has,
// whose answer suggests the nearest).
func TestLoadUsersGivesEveryUserUnlessSome(t *testing.T) {
	freshCache(t)
	a := model.Synthetic(40, 10, 4, 3)
	p := writeFile(t, "acct.toml", Encode(a), 0o600)
	first := a.Users[0].Email
	for i, tc := range []struct {
		keep func(string) bool
		some bool
		n    int
	}{
		{func(e string) bool { return e == first }, false, len(a.Users)}, // decoded, writes the entry
		{func(e string) bool { return e == first }, true, 1},
		{func(string) bool { return false }, false, len(a.Users)},
	} {
		got, err := LoadUsers(p, tc.keep)
		if err != nil {
			t.Fatal(err)
		}
		if got.SomeUsers != tc.some || len(got.Account.Users) != tc.n {
			t.Errorf("load %d: %d of %d users, SomeUsers %v; want %d, %v", i, len(got.Account.Users), len(a.Users), got.SomeUsers, tc.n, tc.some)
		}
	}
}
