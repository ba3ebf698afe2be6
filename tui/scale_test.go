package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"rolecall/model"
)

// bigAccount has n users holding 1 to 3 of 40 custom roles (some inheriting
// others or built-ins) and 12 environments, half restricted.
func bigAccount(n int) *model.Account {
	a := &model.Account{Name: "Big", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true}
	all := model.AllPrivileges()
	for i := range 40 {
		r := model.Role{Name: fmt.Sprintf("Role %02d", i), Privileges: []model.Privilege{all[i%len(all)], all[(i*7)%len(all)]}}
		switch {
		case i%5 == 1:
			r.Inherits = model.Support
		case i%5 == 2 && i > 2:
			r.Inherits = fmt.Sprintf("Role %02d", i-2)
		}
		a.Roles = append(a.Roles, r)
	}
	for i := range n {
		u := model.User{Email: fmt.Sprintf("user%05d@example.com", i), Name: fmt.Sprintf("User %d", i)}
		for k := 0; k <= i%3; k++ {
			u.Roles = append(u.Roles, fmt.Sprintf("Role %02d", (i+k*13)%40))
		}
		if i%97 == 0 {
			u.Roles = append(u.Roles, model.StandardUser)
		}
		a.Users = append(a.Users, u)
	}
	for e := range 12 {
		env := model.Environment{Name: fmt.Sprintf("Env %02d", e), Classification: model.Test}
		if e%2 == 1 {
			env.RolesWithAccess = []string{fmt.Sprintf("Role %02d", e), fmt.Sprintf("Role %02d", e+20)}
		}
		a.Environments = append(a.Environments, env)
	}
	a.Normalize()
	return a
}

func TestTenThousandUsers(t *testing.T) {
	t.Parallel()
	a := bigAccount(10000)
	if errs := model.Validate(a).Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	h := newHarness(t, Options{}, &memStore{acct: a})
	h.size(200, 60)
	h.keys("2", "G")
	h.expect("user09999@example.com", "As user09999@example.com")
	h.keys("/")
	h.typeText("user0424")
	h.expect("user04240@example.com")
	h.expectNot("user04250@example.com")
	h.keys("enter")
	h.expect("10 of 10000")
	h.keys("3")
	h.expect("Env 00", "of 10000")
}

func BenchmarkUsersKeypress(b *testing.B) {
	a := bigAccount(10000)
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			benchKeypress(b, a, sz)
		})
	}
	// Ten times Boomi's largest account: the budget there is 16 ms.
	b.Run("100k/200x60", func(b *testing.B) {
		if testing.Short() {
			b.Skip("100,000 users: not under -short")
		}
		benchKeypress(b, model.Synthetic(100000, 3000, 500, 1), [2]int{200, 60})
	})
}

// benchKeypress moves the cursor on the Users tab of a, at size sz.
func benchKeypress(b *testing.B, a *model.Account, sz [2]int) {
	app, err := newApp(Options{Path: "big.toml"}, &memStore{acct: a})
	if err != nil {
		b.Fatal(err)
	}
	app.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
	app.Update(keyMsg("2"))
	app.View()
	down, up := keyMsg("down"), keyMsg("up")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := down
		if i%2000 >= 1000 {
			k = up
		}
		app.Update(k)
		_ = app.View()
	}
}

// BenchmarkUsersFilter: one filter keystroke over 10,000 users (budget
// 10 ms, off the input path). "keystroke" is what the key itself costs on
// the input path (Update and View: the matching is only a command);
// "match" is that command's work, matching every user, plus taking its
// result and drawing it.
func BenchmarkUsersFilter(b *testing.B) {
	a := bigAccount(10000)
	setup := func(b *testing.B) *App {
		app, err := newApp(Options{Path: "big.toml"}, &memStore{acct: a})
		if err != nil {
			b.Fatal(err)
		}
		app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		app.Update(keyMsg("2"))
		app.Update(keyMsg("/"))
		app.View()
		return app
	}
	b.Run("keystroke", func(b *testing.B) {
		app := setup(b)
		typeAndErase(b, app, '7', false)
	})
	b.Run("match", func(b *testing.B) {
		app := setup(b)
		// The keystroke, then the matching it asks for (a command), then
		// its result taken and drawn.
		typeAndErase(b, app, '7', true)
	})
}
