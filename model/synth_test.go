package model

import (
	"reflect"
	"slices"
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

// SyntheticRules: n rules, the same for the same arguments, none drawing a
// warning, scoped only to classifications the account has, and none where
// nothing can be set apart, even when every ticked pair covers itself.
func TestSyntheticRules(t *testing.T) {
	t.Parallel()
	big := Synthetic(400, 50, 12, 3)
	testOnly := Synthetic(100, 20, 6, 2)
	for i := range testOnly.Environments {
		testOnly.Environments[i].Classification = Test
	}
	noEnvs := Synthetic(100, 20, 0, 2)
	covering := &Account{Name: "c", AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true, Roles: []Role{
		{Name: "A", Privileges: []Privilege{EnvironmentManagement}},
		{Name: "B", Privileges: []Privilege{EnvironmentFull}},
	}}
	for _, tc := range []struct {
		name    string
		a       *Account
		n       int
		want    int
		classes []Classification // classifications a scoped rule may name
	}{
		{"none asked", big, 0, 0, nil},
		{"negative", big, -3, 0, nil},
		{"one", big, 1, 1, []Classification{Production, Test}},
		{"many", big, 300, 300, []Classification{Production, Test}},
		{"test environments only", testOnly, 50, 50, []Classification{Test}},
		{"no environments", noEnvs, 20, 20, nil},
		{"nothing ticked", &Account{Name: "e"}, 5, 0, nil},
		{"only a covering pair ticked", covering, 5, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules := SyntheticRules(tc.a, tc.n, 9)
			if len(rules) != tc.want {
				t.Fatalf("%d rules, want %d", len(rules), tc.want)
			}
			if again := SyntheticRules(tc.a, tc.n, 9); !reflect.DeepEqual(rules, again) {
				t.Fatal("the same arguments gave other rules")
			}
			// No two alike while there are others to take (here, always).
			type alike struct {
				h, x  Privilege
				scope SoDScope
				class Classification
			}
			seen := map[alike]bool{}
			for _, r := range rules {
				k := alike{r.Holds[0], r.Excludes[0], r.Scope, r.Classification}
				if seen[k] {
					t.Errorf("%s repeats an earlier rule: %+v", r.Name, k)
				}
				seen[k] = true
			}
			scoped := 0
			for _, r := range rules {
				if r.Scope == SoDEnvironments {
					scoped++
					if !slices.Contains(tc.classes, r.Classification) {
						t.Errorf("%s is scoped to %q; the account's classifications: %v", r.Name, r.Classification, tc.classes)
					}
				}
			}
			if tc.want >= 20 && len(tc.classes) > 0 && (scoped == 0 || scoped == len(rules)) {
				t.Errorf("%d of %d rules scoped to environments; want about half", scoped, len(rules))
			}
			b := *tc.a
			b.SeparationOfDuties = rules
			before, after := Validate(tc.a), Validate(&b)
			if len(after.Errors()) != len(before.Errors()) || len(after.Warnings()) != len(before.Warnings()) {
				t.Errorf("the rules brought problems: %d errors and %d warnings, %d and %d without them; first: %v",
					len(after.Errors()), len(after.Warnings()), len(before.Errors()), len(before.Warnings()), after)
			}
		})
	}
	if reflect.DeepEqual(SyntheticRules(big, 50, 1), SyntheticRules(big, 50, 2)) {
		t.Error("seeds 1 and 2 gave the same rules")
	}
}
