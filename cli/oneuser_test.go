package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rolecall/internal/testlong"
	"rolecall/model"
	"rolecall/storage"
)

// check, explain and preview answer from the load cache building only the
// user asked about (storage.LoadUsers): every answer must be the one the
// whole account gives. Each question is asked on a file read whole
// (--no-cache) and then from the cache, about users of a messy and a
// synthetic account, in capitals too, and about an email nobody has.
func TestOneUserAnswersAsTheWholeAccount(t *testing.T) {
	// messy.toml is model.Messy(60, 30, 8, 3): deep chains, redundant
	// ticks, long role lists (written out here, since model.Messy in this
	// test binary would make its start-up allocations count).
	messy, err := os.ReadFile(filepath.Join(testdir, "messy.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"messy", messy},
		{"synthetic", storage.Encode(model.Synthetic(80, 25, 8, 5))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "rolecall.toml"), tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			d, err := storage.Load(filepath.Join(dir, "rolecall.toml"))
			if err != nil || d.HasErrors() {
				t.Fatalf("the account does not load clean: %v", err)
			}
			acct := d.Account
			cache := "XDG_CACHE_HOME=" + t.TempDir()
			// Every fourth user (every user with ROLECALL_LONG_TESTS=1),
			// every twelfth in capitals too.
			emails := []string{"nobody@example.org"}
			step := testlong.N(4, 1)
			for i := 0; i < len(acct.Users); i += step {
				if i%(3*step) == 0 {
					emails = append(emails, strings.ToUpper(acct.Users[i].Email))
				}
				emails = append(emails, acct.Users[i].Email)
			}
			env := acct.Environments[0].Name
			rc(t, dir, []string{cache}, "validate") // writes the entry
			for _, email := range emails {
				for _, args := range [][]string{
					{"check", email, "Build Read Access"},
					{"check", email, "Packaged Component Deployment", "--env", env},
					{"explain", email, "--json"},
					{"preview", email, "--json"},
					{"preview", email},
				} {
					whole := rc(t, dir, []string{cache, "ROLECALL_NO_CACHE=1"}, args...)
					if got := rc(t, dir, []string{cache}, args...); got != whole {
						t.Fatalf("%v from the cache:\n%v\nread whole:\n%v", args, got, whole)
					}
				}
			}
		})
	}
}
