package model

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"rolecall/internal/testlong"
)

func TestMessyDeterministic(t *testing.T) {
	t.Parallel()
	a := Messy(800, 90, 25, 7, MessyOptions{})
	b := Messy(800, 90, 25, 7, MessyOptions{})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Messy(800, 90, 25, 7) gave two different accounts")
	}
	if c := Messy(800, 90, 25, 8, MessyOptions{}); reflect.DeepEqual(a, c) {
		t.Fatal("seeds 7 and 8 gave the same account")
	}
}

// Without dangling names a messy account has warnings but no errors, at
// every size, and is in Normalize order.
func TestMessyValid(t *testing.T) {
	t.Parallel()
	sizes := []struct{ users, roles, envs int }{
		{0, 0, 0}, {1, 0, 0}, {1, 1, 1}, {10, 3, 2}, {200, 40, 10}, {2000, 300, 60},
	}
	// Boomi's largest account with ROLECALL_LONG_TESTS=1: 2,000 users
	// already make every part of the account several hundred times.
	if testlong.Enabled() && !testing.Short() {
		sizes = append(sizes, struct{ users, roles, envs int }{10000, 1000, 200})
	}
	for _, sz := range sizes {
		for seed := int64(1); seed <= 3; seed++ {
			a := Messy(sz.users, sz.roles, sz.envs, seed, MessyOptions{})
			if len(a.Users) != sz.users || len(a.Roles) != sz.roles || len(a.Environments) != sz.envs {
				t.Fatalf("Messy(%d, %d, %d, %d): got %d users, %d roles, %d environments",
					sz.users, sz.roles, sz.envs, seed, len(a.Users), len(a.Roles), len(a.Environments))
			}
			if errs := Validate(a).Errors(); len(errs) > 0 {
				t.Fatalf("Messy(%d, %d, %d, %d): %d validation errors, first: %v", sz.users, sz.roles, sz.envs, seed, len(errs), errs[0])
			}
			if !isNormalized(a) {
				t.Fatalf("Messy(%d, %d, %d, %d) is not in Normalize order", sz.users, sz.roles, sz.envs, seed)
			}
		}
	}
}

// TestMessyShape checks that a messy account has what makes the files
// users have costly: each mess the generator promises is there.
func TestMessyShape(t *testing.T) {
	t.Parallel()
	a := Messy(10000, 1000, 200, 1, MessyOptions{})
	r := NewResolver(a)
	warned := map[string]int{}
	for _, p := range Validate(a).Warnings() {
		warned[p.Rule]++
	}
	for _, rule := range []string{"R9", "R14", "R19"} {
		if warned[rule] == 0 {
			t.Errorf("no %s warning; want some", rule)
		}
	}
	maxDepth, onlyInherit, inheritsAdmin, longRole, accented := 0, 0, 0, 0, 0
	for _, ro := range a.Roles {
		maxDepth = max(maxDepth, len(r.RoleChain(ro.Name)))
		if len(ro.Privileges) == 0 && ro.Inherits != "" {
			onlyInherit++
		}
		if ro.Inherits == Administrator {
			inheritsAdmin++
		}
		if utf8.RuneCountInString(ro.Name) >= 90 {
			longRole++
		}
		if !isASCII(ro.Name) {
			accented++
		}
	}
	if maxDepth < 30 || maxDepth > 41 {
		t.Errorf("longest chain is %d roles; want 30 to 41 (at most 40 custom and a built-in)", maxDepth)
	}
	if onlyInherit == 0 || inheritsAdmin == 0 || longRole == 0 || accented == 0 {
		t.Errorf("roles that only inherit %d, inheriting Administrator %d, with names of 90 or more characters %d, non-ASCII %d; want all > 0",
			onlyInherit, inheritsAdmin, longRole, accented)
	}
	otherCase := 0               // references spelled otherwise than the role's name
	named := map[string]string{} // FoldName of a role's name: its name (a.FindRole, without its scan)
	for _, ro := range a.Roles {
		if _, ok := named[FoldName(ro.Name)]; !ok {
			named[FoldName(ro.Name)] = ro.Name
		}
	}
	spelled := func(n string) {
		if _, ok := LookupBuiltin(n); !ok && named[FoldName(n)] != n {
			otherCase++
		}
	}
	many, most, longEmail, mixedEmail := 0, 0, 0, 0
	for _, u := range a.Users {
		if len(u.Roles) >= 20 {
			many++
		}
		most = max(most, len(u.Roles))
		if len(u.Email) > 100 {
			longEmail++
		}
		if strings.ToLower(u.Email) != u.Email {
			mixedEmail++
		}
		for _, n := range u.Roles {
			spelled(n)
		}
	}
	if many == 0 || most > 40 || longEmail == 0 || mixedEmail == 0 {
		t.Errorf("users with 20 or more roles %d (most %d), emails over 100 characters %d, in mixed case %d", many, most, longEmail, mixedEmail)
	}
	open, long, longest, builtinListed := 0, 0, 0, 0
	for _, e := range a.Environments {
		if !e.Restricted() {
			open++
		}
		if len(e.RolesWithAccess) >= 60 {
			long++
		}
		longest = max(longest, len(e.RolesWithAccess))
		for _, n := range e.RolesWithAccess {
			if _, ok := LookupBuiltin(n); ok {
				builtinListed++
			} else {
				spelled(n)
			}
		}
	}
	if open == 0 || long < 20 || longest > 80 || builtinListed == 0 || otherCase == 0 {
		t.Errorf("open environments %d, listing 60 or more roles %d (longest %d), built-in roles listed %d, references in another case %d",
			open, long, longest, builtinListed, otherCase)
	}
}

// With dangling names the account is the one without them, plus role
// names that name no role on users and environments: validation refuses
// those (R5) and nothing else.
//
// 1,000 users, 100 roles and 20 environments (3,000, 300 and 60 with
// ROLECALL_LONG_TESTS=1): each kind of dangling name is there (the test
// fails if one is not).
func TestMessyDangling(t *testing.T) {
	t.Parallel()
	users, roles, envs := testlong.N(1000, 3000), testlong.N(100, 300), testlong.N(20, 60)
	clean := Messy(users, roles, envs, 2, MessyOptions{})
	a := Messy(users, roles, envs, 2, MessyOptions{Dangling: true})
	errs := Validate(a).Errors()
	if len(errs) == 0 {
		t.Fatal("no validation error; want the dangling names refused")
	}
	for _, p := range errs {
		if !strings.Contains(p.Message, "does not exist") {
			t.Fatalf("unexpected error: %v", p)
		}
	}
	if !reflect.DeepEqual(a.Roles, clean.Roles) || len(a.Users) != len(clean.Users) || len(a.Environments) != len(clean.Environments) {
		t.Fatal("the roles, or the number of users or environments, differ from the account without dangling names")
	}
	beside, only, with := 0, 0, 0
	for i, u := range a.Users {
		c := clean.Users[i]
		if u.Email != c.Email || u.Name != c.Name {
			t.Fatalf("user %d is %q, want %q", i, u.Email, c.Email)
		}
		kept := slices.DeleteFunc(slices.Clone(u.Roles), func(n string) bool { return !a.RoleExists(n) })
		switch {
		case len(kept) == len(u.Roles):
			if !slices.Equal(u.Roles, c.Roles) {
				t.Fatalf("user %s holds %q, want %q", u.Email, u.Roles, c.Roles)
			}
		case len(kept) == 0:
			only++
		default:
			beside++
			if !slices.Equal(kept, c.Roles) {
				t.Fatalf("user %s holds %q besides the dangling name, want %q", u.Email, kept, c.Roles)
			}
		}
	}
	for i, e := range a.Environments {
		kept := slices.DeleteFunc(slices.Clone(e.RolesWithAccess), func(n string) bool { return !a.RoleExists(n) })
		if len(kept) < len(e.RolesWithAccess) {
			with++
		}
		if e.Name != clean.Environments[i].Name || !slices.Equal(kept, clean.Environments[i].RolesWithAccess) {
			t.Fatalf("environment %d is %q listing %q, want %q listing %q", i, e.Name, kept, clean.Environments[i].Name, clean.Environments[i].RolesWithAccess)
		}
	}
	if beside == 0 || only == 0 || with == 0 {
		t.Errorf("users with a dangling name beside others %d, with only one %d, environments with one %d; want all > 0", beside, only, with)
	}
}
