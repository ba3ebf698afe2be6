package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// diff names who sees an added environment and who saw a removed one or a
// removed user, and reports a classification change (R12-R18).
func TestDiffEnvironmentsAndRemovedUsers(t *testing.T) {
	t.Parallel()
	dir, p := demo(t)
	want(t, rc(t, dir, nil, "init", "-f", "old.toml"), 0)
	want(t, rc(t, dir, nil, "env", "add", "Staging"), 0, "environment Staging is added", "users now see Staging")
	want(t, rc(t, dir, nil, "env", "rm", "Development"), 0, "environment Development is removed", "users no longer see Development")
	want(t, rc(t, dir, nil, "user", "rm", "wren@example.com"), 0, "wren@example.com is removed")
	want(t, rc(t, dir, nil, "user", "rm", "rita@example.com"), 0)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	test := "name = \"Test\"\nclassification = \"test\""
	if !strings.Contains(string(data), test) {
		t.Fatalf("fixture: no %q in\n%s", test, data)
	}
	data = []byte(strings.Replace(string(data), test, "name = \"Test\"\nclassification = \"production\"", 1))
	if err := os.WriteFile(filepath.Join(dir, "rolecall.toml"), data, 0o600); err != nil {
		t.Fatal(err)
	}

	human := rc(t, dir, nil, "diff", "old.toml", "rolecall.toml")
	want(t, human, 0, "Test is now production (was test)", "rita@example.com and wren@example.com are removed",
		"users now see Staging", "users no longer see Development")

	var d struct {
		Users []struct {
			User         string
			Removed      bool
			Added        bool
			Environments []struct {
				Environment   string
				Before, After struct {
					Visible bool
					Access  string
					Deploy  bool
				}
			}
		}
		Environments []struct {
			Environment    string
			Added, Removed bool
			Classification *struct{ From, To string }
		}
		Summary []string
	}
	r := rc(t, dir, nil, "diff", "--json", "old.toml", "rolecall.toml")
	decode(t, r, &d)
	noNullLists(t, object(t, r), "", nil)

	seeStaging, sawDev := 0, 0
	for _, u := range d.Users {
		var envs []string
		for _, c := range u.Environments {
			envs = append(envs, c.Environment)
			if c.Environment == "Staging" && !c.Before.Visible && c.After.Visible {
				seeStaging++
			}
			if c.Environment == "Development" && c.Before.Visible && !c.After.Visible && c.After.Access == "none" {
				sawDev++
			}
		}
		if u.User == "wren@example.com" {
			// Wren saw all three environments of the old file.
			if !u.Removed || !slices.Equal(envs, []string{"Development", "Production", "Test"}) {
				t.Errorf("removed wren: removed %v, environments %q", u.Removed, envs)
			}
			for _, c := range u.Environments {
				if c.After.Visible || c.After.Access != "none" || !c.Before.Visible {
					t.Errorf("removed wren in %s: %+v -> %+v", c.Environment, c.Before, c.After)
				}
			}
		}
	}
	if seeStaging < 3 || sawDev < 3 {
		t.Errorf("%d users now see Staging, %d no longer see Development; want several of each:\n%s", seeStaging, sawDev, r.stdout)
	}
	var class []string
	for _, e := range d.Environments {
		if e.Classification != nil {
			class = append(class, e.Environment+": "+e.Classification.From+" -> "+e.Classification.To)
		}
	}
	if !slices.Equal(class, []string{"Test: test -> production"}) {
		t.Errorf("classification changes %q\n%s", class, r.stdout)
	}
	if !strings.Contains(r.stdout, `"classification": {`) {
		t.Errorf("no classification object:\n%s", r.stdout)
	}
}
