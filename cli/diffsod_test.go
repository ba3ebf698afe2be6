package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A change that breaks a separation-of-duties rule says so in every
// format of diff, so that a pull request cannot slip one past a reviewer;
// a rule the old file already broke the same way is not new.
func TestDiffShowsNewViolations(t *testing.T) {
	t.Parallel()
	dir, path := copyFile(t, "sod.toml")
	old := filepath.Join(dir, "old.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, data, 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "user", "assign", "ana@example.com", "Release Managers", "--allow-violation"), 0)
	line := `rule "Build or deploy to production" in Staging: ana@example.com holds Build Read and Write Access [from Builders] and also Packaged Component Deployment [from Release Managers] (R15, decision)`

	r := rc(t, dir, nil, "diff", "old.toml", "rolecall.toml")
	want(t, r, 0, "1 new violation of separation of duties:\n  "+line, "ana@example.com can now deploy to Dev, Production and Staging")
	if strings.Contains(r.stdout, "User admins do not audit") {
		t.Errorf("a violation the old file already had is shown as new:\n%s", r)
	}

	r = rc(t, dir, nil, "diff", "--format", "markdown", "old.toml", "rolecall.toml")
	want(t, r, 0, "**1 new violation of separation of duties**", "```text\n! "+line+"\n```")

	r = rc(t, dir, nil, "diff", "--json", "old.toml", "rolecall.toml")
	var got struct {
		NewViolations []struct {
			Rule, User string
			Sites      []struct{ Environments []string }
		} `json:"new_violations"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err, r)
	}
	if len(got.NewViolations) != 1 || got.NewViolations[0].User != "ana@example.com" || len(got.NewViolations[0].Sites) != 1 || strings.Join(got.NewViolations[0].Sites[0].Environments, ",") != "Staging" {
		t.Errorf("new_violations = %+v\n%s", got.NewViolations, r.stdout)
	}

	// No change: no violation is new, and JSON says so with [].
	r = rc(t, dir, nil, "diff", "--json", "rolecall.toml", "rolecall.toml")
	if !strings.Contains(r.stdout, `"new_violations": []`) {
		t.Errorf("an unchanged file: want \"new_violations\": []\n%s", r.stdout)
	}
}
