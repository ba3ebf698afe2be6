package tui

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"rolecall/model"
)

// Boomi's five documented custom-role recipes (interfaces.md §4, the roles
// of model.Demo), each built purely by keys at 80x24 in a real Bubble Tea
// program, from an account that has none of them, and saved: the test
// reads the saved account back. The keys are counted: navigation keys
// (every key press that is not a typed character of a name, description or
// filter) apart from typed characters. The five together must take at most
// 90 navigation keys (60% of the 150 the UI needed before).

// recipeBudget is the most navigation keys the five recipes may take.
const recipeBudget = 90

// recipeAccount has Advanced User Security and Advanced Environment Access
// on, a few users holding Standard User or Support (and one Production
// Support, whom Production lists), no custom role, an open
// Development environment, Test restricted to Standard User and Production
// to Production Support.
func recipeAccount() *model.Account {
	a := &model.Account{
		Name: "Acme Integration", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true,
		Users: []model.User{
			{Email: "ada@example.com", Name: "Ada Admin", Roles: []string{model.Administrator}},
			{Email: "bo@example.com", Name: "Bo Reviewer", Roles: []string{model.Support}},
			{Email: "dana@example.com", Name: "Dana Ortiz", Roles: []string{model.StandardUser}},
			{Email: "oren@example.com", Name: "Oren Auditor", Roles: []string{model.Support}},
			{Email: "pat@example.com", Name: "Pat Oncall", Roles: []string{model.ProductionSupport}},
			{Email: "rita@example.com", Name: "Rita Runtime", Roles: []string{model.Support}},
			{Email: "sam@example.com", Name: "Sam Developer", Roles: []string{model.StandardUser}},
			{Email: "wren@example.com", Name: "Wren Release", Roles: []string{model.StandardUser}},
		},
		Environments: []model.Environment{
			{Name: "Development", Classification: model.Test},
			{Name: "Production", Classification: model.Production, RolesWithAccess: []string{model.ProductionSupport}},
			{Name: "Test", Classification: model.Test, RolesWithAccess: []string{model.StandardUser}},
		},
	}
	a.Normalize()
	return a
}

// keyRecorder sends keys to a teatest program and counts them.
type keyRecorder struct {
	t          *testing.T
	tm         *teatest.TestModel
	nav, typed int
	// filtered is how many of the typed characters went to filters.
	filtered int
}

// key presses navigation keys (names as keyMsg takes them).
func (r *keyRecorder) key(ks ...string) {
	for _, k := range ks {
		r.nav++
		r.tm.Send(keyMsg(k))
	}
}

// typ types text: a name, a description or a filter, one rune a key.
func (r *keyRecorder) typ(s string) {
	for _, c := range s {
		r.typed++
		r.tm.Send(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
}

// wait reads the program's output until its plain text shows want. The
// renderer writes only the cells that change, so a wait must be for text
// that appears whole on a line that was different (a title, a status): the
// waits are where the app answers asynchronously (the form's edit, the
// review, the save); keys in between are handled in order.
func (r *keyRecorder) wait(want string) {
	r.t.Helper()
	teatest.WaitFor(r.t, r.tm.Output(), func(b []byte) bool {
		return bytes.Contains([]byte(ansi.Strip(string(b))), []byte(want))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(2*time.Millisecond))
}

// recipe is one of Boomi's scenarios: the role to make, who gets it, where
// it is listed, and the keys a new admin presses for it.
type recipe struct {
	role  model.Role
	users []string // emails assigned the role
	// only: the users hold the role alone (their other roles are taken
	// away, as Cannot View Data needs: every built-in but Administrator
	// grants View Data).
	only bool
	envs []string // environments listing it in Roles with Access
	keys func(r *keyRecorder)
}

// filter types filter text (counted as typed, and as filter text).
func (r *keyRecorder) filter(s string) {
	r.filtered += len([]rune(s))
	r.typ(s)
}

// newRole opens the role form and fills Name and Description, leaving the
// focus on Inherits Role.
func newRole(r *keyRecorder, name, desc string) {
	r.key("n")
	r.wait("New custom role")
	r.typ(name)
	r.key("tab")
	r.typ(desc)
	r.key("tab")
}

// tickFirst types a filter in the focused checklist, keeps it (enter) and
// ticks the row under the cursor: the first match.
func tickFirst(r *keyRecorder, filter string) {
	r.filter(filter)
	r.key("enter", "space")
}

// applyAndSave applies the form, reviews and saves, and quits. (Test and
// Production already list roles: listing one more asks nothing.)
func applyAndSave(r *keyRecorder) {
	r.key("enter")
	r.wait("Done (unsaved)")
	r.key("ctrl+s")
	r.wait("Save demo.toml?")
	r.key("y")
	r.wait("Saved demo.toml.")
	r.key("q")
}

var recipes = []recipe{
	{
		role: model.Role{Name: "Cannot View Data", Description: "Runs and re-runs processes without seeing document data",
			Privileges: []model.Privilege{model.Execute, model.ViewResults}},
		users: []string{"dana@example.com"},
		only:  true,
		keys: func(r *keyRecorder) {
			newRole(r, "Cannot View Data", "Runs and re-runs processes without seeing document data")
			r.key("tab") // Inherits Role stays "Does not inherit a role"
			tickFirst(r, "execute")
			tickFirst(r, "view results")
			r.key("tab") // Assigned to
			tickFirst(r, "dana")
			r.key("enter")
			r.wait("Done (unsaved)")
			// Dana must hold the role alone: her Standard User grants View
			// Data. On the Users tab, find her and untick it.
			r.key("2", "/")
			r.filter("dana")
			r.key("enter", "e")
			r.wait("Edit user")
			r.key("tab")
			tickFirst(r, "standard")
			// The status line keeps "Done (unsaved): ": the renderer writes
			// only what follows it.
			r.key("enter")
			r.wait("unassign Standard User from dana@example.com")
			r.key("ctrl+s")
			r.wait("Save demo.toml?")
			r.key("y")
			r.wait("Saved demo.toml.")
			r.key("q")
		},
	},
	{
		role: model.Role{Name: "Read Only Access to Build Page", Description: "Opens the Build page read-only: no Save",
			Privileges: []model.Privilege{model.BuildRead}},
		users: []string{"bo@example.com"},
		keys: func(r *keyRecorder) {
			newRole(r, "Read Only Access to Build Page", "Opens the Build page read-only: no Save")
			r.key("tab")
			tickFirst(r, "build read")
			r.key("tab")
			tickFirst(r, "bo@")
			applyAndSave(r)
		},
	},
	{
		role: model.Role{Name: "Read Only Runtime Management", Description: "Runtime Management without Save, Delete or Restart",
			Inherits: model.Support, Privileges: []model.Privilege{model.RuntimeManagementRead}},
		users: []string{"rita@example.com"},
		keys: func(r *keyRecorder) {
			newRole(r, "Read Only Runtime Management", "Runtime Management without Save, Delete or Restart")
			pickSupport(r)
			tickFirst(r, "runtime read")
			r.key("tab")
			tickFirst(r, "rita")
			applyAndSave(r)
		},
	},
	{
		role: model.Role{Name: "Read-Only Environment Management", Description: "Read access to the environments that list it; no Test Extensions edits",
			Inherits: model.Support, Privileges: []model.Privilege{model.RuntimeManagement, model.EnvironmentRead}},
		users: []string{"oren@example.com"},
		envs:  []string{"Test"},
		keys: func(r *keyRecorder) {
			newRole(r, "Read-Only Environment Management", "Read access to the environments that list it; no Test Extensions edits")
			pickSupport(r)
			tickFirst(r, "environment read")
			tickFirst(r, "runtime management")
			r.key("tab")
			tickFirst(r, "oren")
			r.key("tab") // Listed on
			tickFirst(r, "test")
			applyAndSave(r)
		},
	},
	{
		role: model.Role{Name: "Write and Read Environment", Description: "Edit, deploy and schedule on the environments that list it",
			Inherits: model.Support, Privileges: []model.Privilege{model.RuntimeManagement, model.EnvironmentFull}},
		users: []string{"wren@example.com"},
		envs:  []string{"Production"},
		keys: func(r *keyRecorder) {
			newRole(r, "Write and Read Environment", "Edit, deploy and schedule on the environments that list it")
			pickSupport(r)
			tickFirst(r, "environment write")
			tickFirst(r, "runtime management")
			r.key("tab")
			tickFirst(r, "wren")
			r.key("tab")
			tickFirst(r, "prod")
			applyAndSave(r)
		},
	},
}

// pickSupport types "support" on Inherits Role, which opens its list
// filtered, and picks the first match, moving on to Privileges. "support"
// also matches Production Support; the name that starts with what is typed
// comes first.
func pickSupport(r *keyRecorder) {
	r.filter("support")
	r.key("tab")
}

func TestRecipesByKeys(t *testing.T) {
	t.Parallel()
	// The recipes run at once (each mostly waits for its program's frames),
	// in a group that returns when all have finished, before the total is
	// checked.
	var mu sync.Mutex
	totalNav, totalTyped, totalFiltered := 0, 0, 0
	t.Run("each", func(t *testing.T) {
		for _, rc := range recipes {
			t.Run(strings.ReplaceAll(rc.role.Name, " ", "_"), func(t *testing.T) {
				t.Parallel()
				recipeByKeys(t, rc, func(nav, typed, filtered int) {
					mu.Lock()
					defer mu.Unlock()
					totalNav += nav
					totalTyped += typed
					totalFiltered += filtered
				})
			})
		}
	})
	t.Logf("the five recipes: %d navigation keys (budget %d), %d typed characters (%d of them filter text)", totalNav, recipeBudget, totalTyped, totalFiltered)
	if totalNav > recipeBudget {
		t.Errorf("the five recipes took %d navigation keys, more than %d", totalNav, recipeBudget)
	}
}

// recipeByKeys builds rc by keys in a real program, adds its key counts
// with count, and checks the last screen and what was saved.
func recipeByKeys(t *testing.T, rc recipe, count func(nav, typed, filtered int)) {
	base := recipeAccount()
	st := &memStore{acct: base.Clone()}
	app, err := newApp(Options{Path: "demo.toml"}, st)
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii), tea.WithFPS(120)))
	r := &keyRecorder{t: t, tm: tm}
	r.wait("Administrator")
	rc.keys(r)
	final := ansi.Strip(tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View().Content)
	t.Logf("%s: %d navigation keys, %d typed characters (%d of them filter text)", rc.role.Name, r.nav, r.typed, r.filtered)
	count(r.nav, r.typed, r.filtered)
	// The last screen: the roles list with the new role, saved.
	wants := []string{rc.role.Name, "Saved demo.toml."}
	if !rc.only {
		wants = append(wants, "[1 Custom Roles]")
	}
	for _, want := range wants {
		if !strings.Contains(final, want) {
			t.Errorf("the last screen lacks %q:\n%s", want, final)
		}
	}
	if strings.Contains(final, "UNSAVED") {
		t.Errorf("the last screen still says UNSAVED:\n%s", final)
	}
	if st.saves != 1 {
		t.Fatalf("saved %d times, want once", st.saves)
	}
	checkRecipe(t, base, st.acct, rc)
}

// checkRecipe checks that got is base with exactly the recipe's role, its
// assignments and its listings added.
func checkRecipe(t *testing.T, base, got *model.Account, rc recipe) {
	t.Helper()
	if got == nil {
		t.Fatal("nothing saved")
	}
	if len(got.Roles) != 1 {
		t.Fatalf("saved roles %+v, want only %q", got.Roles, rc.role.Name)
	}
	r := got.Roles[0]
	want := rc.role
	if r.Name != want.Name || r.Description != want.Description || r.Inherits != want.Inherits || !slices.Equal(r.Privileges, want.Privileges) {
		t.Errorf("saved role %+v\nwant %+v", r, want)
	}
	if got.AdvancedUserSecurity != base.AdvancedUserSecurity || got.AdvancedEnvironmentAccess != base.AdvancedEnvironmentAccess || got.Name != base.Name {
		t.Errorf("account settings changed: %+v", *got)
	}
	if len(got.Users) != len(base.Users) {
		t.Fatalf("saved %d users, want %d", len(got.Users), len(base.Users))
	}
	for i, u := range base.Users {
		wantRoles := slices.Clone(u.Roles)
		if slices.Contains(rc.users, u.Email) {
			if rc.only {
				wantRoles = nil
			}
			wantRoles = append(wantRoles, want.Name)
		}
		g := got.Users[i]
		if g.Email != u.Email || g.Name != u.Name || !sameSet(g.Roles, wantRoles) {
			t.Errorf("saved user %+v, want roles %q", g, wantRoles)
		}
	}
	if len(got.Environments) != len(base.Environments) {
		t.Fatalf("saved %d environments, want %d", len(got.Environments), len(base.Environments))
	}
	for i, e := range base.Environments {
		wantRoles := slices.Clone(e.RolesWithAccess)
		if slices.Contains(rc.envs, e.Name) {
			wantRoles = append(wantRoles, want.Name)
		}
		g := got.Environments[i]
		if g.Name != e.Name || g.Classification != e.Classification || !sameSet(g.RolesWithAccess, wantRoles) {
			t.Errorf("saved environment %+v, want Roles with Access %q", g, wantRoles)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
