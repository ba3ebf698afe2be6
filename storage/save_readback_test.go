package storage

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"rolecall/model"
)

// Save and Update checked only validation errors, never the reader's own
// bounds (MaxUsersInFile, MaxRoles, MaxEnvironments, the scanner's value
// count, MaxFileSize), and validation lets an account pass them with a
// warning at most. So a save that succeeded ("done, saved") could write a file
// that rolecall then refuses to read at all (account nil, "too many
// users: rolecall reads at most 100000"): the admin's saved account can no
// longer be opened, edited or checked until the file is fixed by hand. Such
// a save is refused now (*UnreadableError), and nothing is written.
// From the CLI: `rolecall init --synthetic 100000 -f F`, then
// `rolecall -f F user add extra@example.org --role Support` says saved, and
// `rolecall -f F validate` says "error: too many users".
func TestSaveRefusesFileItCannotReadBack(t *testing.T) {
	cases := map[string]func(a *model.Account){
		"environments": func(a *model.Account) {
			for i := len(a.Environments); i <= MaxEnvironments; i++ {
				a.Environments = append(a.Environments, model.Environment{Name: fmt.Sprintf("Env %d", i), Classification: model.Test})
			}
		},
		"roles": func(a *model.Account) {
			for i := len(a.Roles); i <= MaxRoles; i++ {
				a.Roles = append(a.Roles, model.Role{Name: fmt.Sprintf("Role %d", i), Privileges: []model.Privilege{model.Execute}})
			}
		},
		"users": func(a *model.Account) {
			// 100,001 users: made at once, without fmt (a third of this
			// case's time went to making them).
			a.Users = slices.Grow(a.Users, MaxUsersInFile+1-len(a.Users))
			roles := []string{model.StandardUser}
			for i := len(a.Users); i <= MaxUsersInFile; i++ {
				a.Users = append(a.Users, model.User{Email: "u" + strconv.Itoa(i) + "@example.com", Roles: roles})
			}
		},
	}
	for name, grow := range cases {
		t.Run(name, func(t *testing.T) {
			freshCache(t)
			p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
			_, err := Update(p, SaveOptions{Actor: "test"}, func(a *model.Account) (*model.Account, error) {
				grow(a)
				return a, nil
			})
			var ue *UnreadableError
			if errors.As(err, &ue) {
				if got := readString(t, p); got != string(Encode(goodAccount())) {
					t.Fatal("the refused save wrote the file")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []*Doc{mustLoad(t, p), uncached(t, p)} {
				if d.HasErrors() {
					t.Fatalf("the save succeeded, but rolecall cannot read what it wrote: %v", Errors(d.Problems))
				}
			}
		})
	}
}
