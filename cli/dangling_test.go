package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"rolecall/model"
	"rolecall/storage"
)

// A user whose roles name a role that does not exist: the header and the
// reasons name it ("Ghost" (no such role)), never a blank list. The
// commands refuse such a file (exit 2), so the printing is tested here on
// the file as storage decodes it, as the TUI shows it read-only.
func TestDanglingRoleIsNamed(t *testing.T) {
	t.Parallel()
	// Absolute: the in-process runs of package cli_test change the
	// working directory while they run.
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "testdata", "cli", "dangling.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	acct, probs := storage.Decode(path, data)
	if acct == nil || !storage.HasErrors(probs) {
		t.Fatalf("dangling.toml: want an account with errors, got %v, %v", acct, probs)
	}
	res := model.NewResolver(acct)
	tests := []struct {
		user, roles, reason string
	}{
		{"dana@example.com", `roles: "Ghost" (no such role)` + "\n", `(held by none of: "Ghost" (no such role))`},
		{"eve@example.com", `roles: Ops, "Ghost" (no such role)` + "\n", `(held by none of: Ops, "Ghost" (no such role))`},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			u := res.User(tt.user)
			var out bytes.Buffer
			a := &app{stdout: &out}
			a.printPreview(res.Preview(u), "")
			a.printExplain(res.ExplainUser(u), res.MissingRoles(u))
			s := out.String()
			if strings.Count(s, tt.roles) != 2 {
				t.Errorf("want %q in both the preview and explain headers:\n%s", tt.roles, s)
			}
			for _, blank := range []string{"roles: \n", "roles: none", "none of: )", "holds no role"} {
				if strings.Contains(s, blank) {
					t.Errorf("output holds %q:\n%s", blank, s)
				}
			}
			if !strings.Contains(s, tt.reason) {
				t.Errorf("no reason says %s:\n%s", tt.reason, s)
			}
		})
	}
}
