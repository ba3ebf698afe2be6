package cli_test

import (
	"strings"
	"testing"
)

// Lint in a member: a user's own assignment of a role the primary shares
// is the member's file's, and is redundant when another role covers it;
// the shared role itself is never a merge candidate, unused or "grants
// nothing" here (the primary lints it), and a group user's roles are never
// redundant.
func TestLintMember(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	r := rc(t, dir, nil, "-f", "emea-ops.toml", "lint")
	want(t, r, 1, `kai@example.com: Cannot View Data (shared) is covered by Standard User`, "0 merge candidates, 0 granting nothing, 0 unused, 1 redundant roles")
	if strings.Contains(r.stdout, "gina@example.com") {
		t.Errorf("a group user's role is called redundant:\n%s", r)
	}
}
