package model

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"rolecall/internal/testlong"
)

func TestSyntheticDeterministic(t *testing.T) {
	t.Parallel()
	a := Synthetic(500, 60, 20, 7)
	b := Synthetic(500, 60, 20, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Synthetic(500, 60, 20, 7) gave two different accounts")
	}
	c := Synthetic(500, 60, 20, 8)
	if reflect.DeepEqual(a, c) {
		t.Fatal("seeds 7 and 8 gave the same account")
	}
}

func TestSyntheticValid(t *testing.T) {
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
			a := Synthetic(sz.users, sz.roles, sz.envs, seed)
			if len(a.Users) != sz.users || len(a.Roles) != sz.roles || len(a.Environments) != sz.envs {
				t.Fatalf("Synthetic(%d, %d, %d, %d): got %d users, %d roles, %d environments",
					sz.users, sz.roles, sz.envs, seed, len(a.Users), len(a.Roles), len(a.Environments))
			}
			if !a.AdvancedUserSecurity || !a.AdvancedEnvironmentAccess {
				t.Fatalf("Synthetic(%d, %d, %d, %d): AUS and AEA must be on", sz.users, sz.roles, sz.envs, seed)
			}
			if errs := Validate(a).Errors(); len(errs) > 0 {
				t.Fatalf("Synthetic(%d, %d, %d, %d): %d validation errors, first: %v", sz.users, sz.roles, sz.envs, seed, len(errs), errs[0])
			}
		}
	}
}

// TestSyntheticShape checks that the generated account looks like the
// accounts the benchmarks are meant to model.
func TestSyntheticShape(t *testing.T) {
	t.Parallel()
	a := Synthetic(3000, 300, 60, 1)
	r := NewResolver(a)
	maxDepth, inheritsCustom, inheritsBuiltin, perEnv := 0, 0, 0, 0
	for _, ro := range a.Roles {
		d := len(r.RoleChain(ro.Name))
		maxDepth = max(maxDepth, d)
		if ro.Inherits != "" {
			if _, ok := LookupBuiltin(ro.Inherits); ok {
				inheritsBuiltin++
			} else {
				inheritsCustom++
			}
		}
		set, _ := r.RolePrivileges(ro.Name)
		if set&perEnvSet != 0 && SetOf(ro.Privileges...)&(perEnvSet|SetOf(RuntimeManagement)) != 0 {
			perEnv++
		}
		if len(ro.Privileges) == 0 {
			t.Errorf("role %q ticks nothing", ro.Name)
		}
	}
	if maxDepth < 4 || maxDepth > 7 {
		t.Errorf("longest inheritance chain is %d roles; want 4 to 7 (at most 6 custom + a built-in)", maxDepth)
	}
	if inheritsCustom == 0 || inheritsBuiltin == 0 || perEnv == 0 {
		t.Errorf("inherits custom %d, built-in %d, per-environment roles %d; want all > 0", inheritsCustom, inheritsBuiltin, perEnv)
	}
	open, maxListed := 0, 0
	for _, e := range a.Environments {
		if !e.Restricted() {
			open++
		}
		maxListed = max(maxListed, len(e.RolesWithAccess))
	}
	if open == 0 || open == len(a.Environments) || maxListed > 81 {
		t.Errorf("open environments %d of %d, longest list %d", open, len(a.Environments), maxListed)
	}
	for _, u := range a.Users {
		if len(u.Roles) < 1 || len(u.Roles) > 3 {
			t.Fatalf("user %s holds %d roles; want 1 to 3", u.Email, len(u.Roles))
		}
	}
	for _, p := range Validate(a).Warnings() {
		if p.Rule == "R9" || p.Rule == "R14" || p.Rule == "R16" {
			t.Errorf("unexpected warning: %v", p)
		}
	}
}

// TestCompareFold checks the allocation-free ordering of Normalize against
// its definition: name keys (FoldName: lower-case, canonically decomposed)
// first, then the exact spelling.
func TestCompareFold(t *testing.T) {
	t.Parallel()
	names := []string{"", "a", "A", "b", "B", "ab", "aB", "Ab", "a b", "a-b", "a_b", "Z", "z", "[", "`", "é", "É", "ſ", "K", "k", "Ka", "kA",
		"Production Support", "production support", "aé", "aÉ", "Aé", "ÉA", "éa", "a\xff", "a\xfe", "\xffa", "İ", "i̇", "Caf\u00e9", "Cafe\u0301", "CAFE\u0301", "e\u0301z", "ea", "Ae\u0301", "\u00c5", "A\u030a", "\u212b", "ab\x00", "ab\x7f", "Ǆ", "ǅ", "ǆ"}
	def := func(x, y string) int {
		if c := strings.Compare(strings.ToLower(norm.NFD.String(x)), strings.ToLower(norm.NFD.String(y))); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	}
	for _, x := range names {
		for _, y := range names {
			if got, want := compareFold(x, y), def(x, y); got != want {
				t.Errorf("compareFold(%q, %q) = %d, want %d", x, y, got, want)
			}
			if got, want := sameLower(x, y), strings.ToLower(norm.NFD.String(x)) == strings.ToLower(norm.NFD.String(y)); got != want {
				t.Errorf("sameLower(%q, %q) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestHasControlFastPath(t *testing.T) {
	t.Parallel()
	slow := func(s string) bool {
		if !utf8.ValidString(s) {
			return true
		}
		for _, r := range s {
			if unsafeRune(r) {
				return true
			}
		}
		return false
	}
	for _, s := range []string{"", "plain", "tab\there", "esc\x1b[0m", "del\x7f", "é", "aé\x1b", "a\u202eb", "a\xff", "\xff", "ok é ok", "\u0085", "a\u200fb"} {
		if got, want := HasControl(s), slow(s); got != want {
			t.Errorf("HasControl(%q) = %v, want %v", s, got, want)
		}
	}
}
