package model

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"rolecall/internal/testlong"
)

// R7 (issue 8 C): invisible and direction-changing characters are refused
// in names of roles and environments and in emails, names are compared in
// NFC, and a look-alike of another name is a warning naming it.

func TestR7InvisibleCharacters(t *testing.T) {
	t.Parallel()
	base := func() *Account {
		return acctOn([]Role{role("Ops", "")}, []User{user("ada@example.com", "Ops")}, env("Production", "Ops"))
	}
	tests := []struct {
		name string
		edit func(a *Account)
		want string // in the R7 error
	}{
		{"role with zero-width space", func(a *Account) { a.Roles = append(a.Roles, role("Administrator\u200b", "")) }, "invisible character U+200B"},
		{"role of a Hangul filler only", func(a *Account) { a.Roles = append(a.Roles, role("\u3164", "")) }, "invisible character U+3164"},
		{"role with word joiner", func(a *Account) { a.Roles = append(a.Roles, role("Ops\u2060Team", "")) }, "invisible character U+2060"},
		{"role with Hangul choseong filler", func(a *Account) { a.Roles = append(a.Roles, role("Ops\u115f", "")) }, "invisible character U+115F"},
		{"role with Hangul jungseong filler", func(a *Account) { a.Roles = append(a.Roles, role("Ops\u1160", "")) }, "invisible character U+1160"},
		{"role with byte order mark", func(a *Account) { a.Roles = append(a.Roles, role("\ufeffOps 2", "")) }, "invisible character U+FEFF"},
		{"role with right-to-left override", func(a *Account) { a.Roles = append(a.Roles, role("Ops\u202e2", "")) }, "direction-changing character U+202E"},
		{"role with left-to-right isolate", func(a *Account) { a.Roles = append(a.Roles, role("Ops\u20662", "")) }, "direction-changing character U+2066"},
		{"role with right-to-left mark", func(a *Account) { a.Roles = append(a.Roles, role("Ops\u200f2", "")) }, "direction-changing character U+200F"},
		{"role with Arabic letter mark", func(a *Account) { a.Roles = append(a.Roles, role("Ops\u061c2", "")) }, "direction-changing character U+061C"},
		{"email with zero-width space", func(a *Account) { a.Users = append(a.Users, user("ada@example.com\u200b", "Ops")) }, "invisible character U+200B"},
		{"email with bidi override", func(a *Account) { a.Users = append(a.Users, user("moc.elpmaxe@\u202eada", "Ops")) }, "direction-changing character U+202E"},
		{"environment with zero-width space", func(a *Account) { a.Environments = append(a.Environments, env("Production\u200b")) }, "invisible character U+200B"},
		{"environment of a Hangul filler", func(a *Account) { a.Environments = append(a.Environments, env("\u3164")) }, "invisible character U+3164"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base()
			tt.edit(a)
			if !findProblem(Validate(a), Error, "R7", tt.want) {
				t.Errorf("want R7 error %q, got %v", tt.want, Validate(a))
			}
		})
	}
	ops := []struct {
		name string
		op   Op
		want string
	}{
		{"add role Administrator+ZWSP", AddRole{Name: "Administrator\u200b"}, "U+200B"},
		{"add role Hangul filler", AddRole{Name: "\u3164"}, "U+3164"},
		{"rename role to Ops+BOM", RenameRole{Role: "Ops", To: "Ops\ufeff"}, "U+FEFF"},
		{"add user ada+ZWSP", AddUser{Email: "ada@example.com\u200b", Roles: []string{"Ops"}}, "U+200B"},
		{"add environment with RLO", AddEnvironment{Name: "Prod\u202e", Classification: Test}, "U+202E"},
	}
	for _, tt := range ops {
		t.Run("Apply "+tt.name, func(t *testing.T) {
			_, _, err := Apply(base(), tt.op)
			checkRefusal(t, err, "R7", tt.want)
		})
	}
}

func TestR7NamesComparedInNFC(t *testing.T) {
	t.Parallel()
	nfc, nfd := "Caf\u00e9", "Cafe\u0301" // the same name, two spellings
	if !SameName(nfc, nfd) || !SameName("CAF\u00c9", nfd) || SameName(nfc, "Cafe") {
		t.Fatalf("SameName does not compare in NFC")
	}
	if compareFold(nfc, nfd) == 0 || compareLower(nfc, nfd) != 0 {
		t.Errorf("compareLower(%q, %q) = %d", nfc, nfd, compareLower(nfc, nfd))
	}
	a := acctOn([]Role{role(nfc, ""), role(nfd, "")}, nil)
	if !findProblem(Validate(a), Error, "R7", "defined twice") {
		t.Errorf("two spellings of one name are two roles: %v", Validate(a))
	}
	a = acctOn([]Role{role(nfc, "")}, []User{user("ada@example.com", nfd)}, env("Prod", nfd))
	if errs := Validate(a).Errors(); len(errs) > 0 {
		t.Fatalf("a reference in NFD does not find the role in NFC: %v", errs)
	}
	if a.FindRole(nfd) != 0 || !a.RoleExists(nfd) {
		t.Errorf("FindRole(%q) = %d", nfd, a.FindRole(nfd))
	}
	_, _, err := Apply(a, AddRole{Name: nfd})
	checkRefusal(t, err, "R7", "unique ignoring case")
	u := acctOn([]Role{role("Ops", "")}, []User{user("jos\u00e9@example.com", "Ops"), user("jose\u0301@example.com", "Ops")})
	if !findProblem(Validate(u), Error, "R10", "listed twice") {
		t.Errorf("two spellings of one email are two users: %v", Validate(u))
	}
	_, _, err = Apply(acctOn([]Role{role("Ops", "")}, []User{user("jos\u00e9@example.com", "Ops")}), AddUser{Email: "jose\u0301@example.com", Roles: []string{"Ops"}})
	if err == nil {
		t.Errorf("adding the same email in NFD is accepted")
	}
}

func TestR7Lookalikes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		acct  *Account
		warn  []string // in the R7 warning; nil: no look-alike warning
		exact bool     // the account also has no error
	}{
		{"long s passes for a built-in role", acctOn([]Role{role("Admini\u017ftrator", "")}, nil), []string{`"Admini\u017ftrator"`, `the built-in role "Administrator"`}, true},
		{"Cyrillic o in an environment", acctOn(nil, nil, env("Production"), env("Pr\u043eduction")), []string{`environment "Pr\u043eduction" looks like environment "Production"`}, true},
		{"Cyrillic a in an email", acctOn([]Role{role("Ops", "")}, []User{user("ada@example.com", "Ops"), user("\u0430da@example.com", "Ops")}), []string{`"\u0430da@example.com" looks like user "ada@example.com"`}, true},
		{"Cyrillic role beside a custom role", acctOn([]Role{role("Release Managers", ""), role("Release M\u0430nagers", "")}, nil), []string{`looks like role "Release Managers"`}, true},
		{"Greek capital omicron in Support", acctOn([]Role{role("Supp\u039frt", "")}, nil), []string{`the built-in role "Support"`}, true},
		{"Cyrillic capital Ve in a role (its small letter is a small capital B)", acctOn([]Role{role("Builders", ""), role("\u0412uilders", "")}, nil), []string{`"\u0412uilders" looks like role "Builders"`}, true},
		{"Cyrillic capital Te in an environment", acctOn(nil, nil, env("Test"), env("\u0422est")), []string{`environment "\u0422est" looks like environment "Test"`}, true},
		{"Cyrillic capital En passes for a built-in role's H", acctOn([]Role{role("\u041dR", ""), role("HR", "")}, nil), []string{`looks like role "\u041dR"`}, true},
		{"accented name is not a look-alike", acctOn([]Role{role("Caf\u00e9", ""), role("Cafe", "")}, nil), nil, true},
		{"ASCII-only confusables are left alone (decision)", acctOn([]Role{role("Ops l", ""), role("Ops I", "")}, nil), nil, true},
		{"ASCII emails alone", acctOn([]Role{role("Ops", "")}, []User{user("bob1@example.com", "Ops"), user("bobl@example.com", "Ops")}), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Validate(tt.acct)
			if tt.exact && ps.HasErrors() {
				t.Fatalf("errors: %v", ps.Errors())
			}
			if tt.warn == nil {
				for _, p := range ps {
					if strings.Contains(p.Message, "looks like") {
						t.Errorf("unexpected look-alike warning: %v", p)
					}
				}
				return
			}
			if !findProblem(ps, Warning, "R7, decision", tt.warn...) {
				t.Errorf("want R7 warning with %q, got %v", tt.warn, ps)
			}
		})
	}
	// An edit that makes a look-alike is applied, with the warning.
	a := acctOn([]Role{role("Ops", "")}, nil, env("Production"))
	_, out, err := Apply(a, AddEnvironment{Name: "Pr\u043eduction", Classification: Test})
	if err != nil {
		t.Fatal(err)
	}
	if !findProblem(out.Warnings, Warning, "R7, decision", `looks like environment "Production"`) {
		t.Errorf("Apply's warnings: %v", out.Warnings)
	}
	_, out, err = Apply(a, AddRole{Name: "Adminiſtrator"})
	if err != nil {
		t.Fatal(err)
	}
	if !findProblem(out.Warnings, Warning, "R7, decision", `the built-in role "Administrator"`) {
		t.Errorf("Apply's warnings: %v", out.Warnings)
	}
}

// The look-alike check is a map from skeleton to name, not pairwise: at
// 10,000 users and 5,000 roles (ROLECALL_LONG_TESTS=1), all with
// non-ASCII names, validation stays well under a second. At the quick
// size, 2,000 users and 1,000 roles, a pairwise check would still look at
// some 2.5 million pairs of names.
func TestR7LookalikesLinear(t *testing.T) {
	a := &Account{Name: "t", AdvancedUserSecurity: true}
	roles, users := testlong.N(1000, 5000), testlong.N(2000, 10000)
	for i := range roles {
		a.Roles = append(a.Roles, role(fmt.Sprintf("R\u00f4le %d", i), ""))
	}
	for i := range users {
		a.Users = append(a.Users, user(fmt.Sprintf("us\u00e9r%d@example.com", i), fmt.Sprintf("R\u00f4le %d", i%roles)))
	}
	start := time.Now()
	ps := Validate(a)
	if d := time.Since(start); d > time.Second {
		t.Errorf("Validate took %s", d)
	}
	if len(ps) > 0 {
		t.Errorf("problems: %v", ps[0])
	}
}

// Invisible characters never reach a terminal raw: refusals name the
// offending text with them escaped (SafeText), as control characters are.
func TestSafeTextEscapesInvisible(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Administrator\u200b": `Administrator\u200b`,
		"\u3164":              `\u3164`,
		"a\ufeffb\u2060c":     `a\ufeffb\u2060c`,
		"Caf\u00e9":           "Caf\u00e9",
		"Pr\u043eduction":     "Pr\u043eduction", // visible: a warning, not escaped
	} {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// The article agrees with the kind of character: "a direction-changing",
// "an invisible".
func TestInvisibleInArticle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Admin\u202e": "contains a direction-changing character U+202E",
		"Ad\u200bmin": "contains an invisible character U+200B",
	} {
		if got := invisibleIn(in); got != want {
			t.Errorf("invisibleIn(%+q) = %q, want %q", in, got, want)
		}
	}
}
