package storage

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"rolecall/model"
)

const goodEncoded = `format = 1

[account]
name = "Acme Integration"
advanced_user_security = true
advanced_environment_access = true

[[roles]]
name = "Cannot View Data"
description = "Runs processes without seeing documents"
inherits = ""
privileges = ["Execute", "View Results"]

[[roles]]
name = "Read-Only Environment Management"
description = ""
inherits = "Support"
privileges = ["Runtime Management", "Environment Management Read Access"]

[[roles]]
name = "Release Managers"
description = "Deploy and schedule"
inherits = "Write and Read Environment"
privileges = ["Packaged Component Deployment", "Scheduling"]

[[roles]]
name = "Write and Read Environment"
description = ""
inherits = "Support"
privileges = ["Runtime Management", "Environment Management Full Access"]

[[users]]
email = "admin@example.com"
name = "Ada Admin"
roles = ["Administrator"]

[[users]]
email = "dana@example.com"
name = "Dana Ortiz"
roles = ["Cannot View Data"]

[[users]]
email = "lee@example.com"
name = ""
roles = ["Read-Only Environment Management", "Support"]

[[users]]
email = "sam@example.com"
name = "Sam"
roles = ["Release Managers"]

[[users]]
email = "wren@example.com"
name = ""
roles = ["Write and Read Environment"]

[[environments]]
name = "Development"
classification = "test"
roles_with_access = []

[[environments]]
name = "Production"
classification = "production"
roles_with_access = ["Read-Only Environment Management", "Release Managers"]

[[environments]]
name = "Test"
classification = "test"
roles_with_access = ["Read-Only Environment Management", "Write and Read Environment"]
`

func TestEncodeLayout(t *testing.T) {
	a := goodAccount()
	mustValid(t, a)
	before := a.Clone()
	got := string(Encode(a))
	if got != goodEncoded {
		t.Errorf("Encode:\n%s\nwant:\n%s", got, goodEncoded)
	}
	if !reflect.DeepEqual(a, before) {
		t.Error("Encode changed its argument")
	}
	b, ps := Decode("x.toml", []byte(got))
	if b == nil || HasErrors(ps) {
		t.Fatalf("encoded account does not decode: %v", ps)
	}
	if !reflect.DeepEqual(b, Canonical(a)) {
		t.Errorf("Decode(Encode(a)) = %+v\nwant Canonical(a) = %+v", b, Canonical(a))
	}
	if again := string(Encode(b)); again != got {
		t.Errorf("second encoding differs:\n%s", again)
	}
}

// The hand-written file: old names rewritten (R0), the redundant tick
// dropped (R9), references spelled as the role is, comments and order
// replaced by the canonical layout, and that layout stable.
func TestEncodeHandWrittenFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "storage", "good", "acme.toml"))
	if err != nil {
		t.Fatal(err)
	}
	a, ps := Decode("acme.toml", data)
	if a == nil || HasErrors(ps) {
		t.Fatal(ps)
	}
	out := string(Encode(a))
	for _, want := range []string{
		`privileges = ["Packaged Component Deployment", "Scheduling"]`,
		`roles = ["Cannot View Data"]`,
		`privileges = ["Execute", "View Results"]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("encoded file lacks %s:\n%s", want, out)
		}
	}
	for _, bad := range []string{"Process Deployment\"", "Atom Management", "#", "Support\"]"} {
		if strings.Contains(out, bad) {
			t.Errorf("encoded file holds %q:\n%s", bad, out)
		}
	}
	b, ps := Decode("acme.toml", []byte(out))
	if b == nil || HasErrors(ps) {
		t.Fatal(ps)
	}
	for _, p := range ps {
		if p.Rule == "R9" {
			t.Errorf("re-read file still has a redundant tick: %s", p)
		}
	}
	if again := string(Encode(b)); again != out {
		t.Errorf("not stable:\n%s\nthen\n%s", out, again)
	}
}

func TestEncodeNeverWritesBuiltins(t *testing.T) {
	a := goodAccount()
	a.Roles = append(a.Roles, model.Role{Name: "support", Privileges: []model.Privilege{model.Execute}})
	out := string(Encode(a))
	if strings.Count(out, "[[roles]]") != 4 || strings.Contains(out, `name = "support"`) || strings.Contains(out, `name = "Support"`) {
		t.Errorf("a built-in role was written:\n%s", out)
	}
}

func TestEncodeLongListOnePerLine(t *testing.T) {
	a := goodAccount()
	a.Roles[1].Privileges = []model.Privilege{model.ViewResults, model.Execute, model.ViewData, model.Dashboard, model.Developer, model.Licensing, model.ViewAuditLogs}
	out := string(Encode(a))
	want := "privileges = [\n    \"Dashboard\",\n    \"Developer\",\n    \"Execute\",\n    \"Licensing\",\n    \"View Audit Logs\",\n    \"View Data\",\n    \"View Results\",\n]\n"
	if !strings.Contains(out, want) {
		t.Errorf("long list not written one item per line:\n%s", out)
	}
	b, ps := Decode("x", []byte(out))
	if HasErrors(ps) || !reflect.DeepEqual(b, Canonical(a)) {
		t.Errorf("long list does not round-trip: %v", ps)
	}
}

func TestEncodeStrings(t *testing.T) {
	tricky := []string{
		`quote " and backslash \ and \n literally`,
		"unicode: Zoë, 東京, emoji 🙂, combining é",
		"tab\there, newline\nhere, cr\rhere, bell\a, esc\x1b[31m, del\x7f, nul\x00",
		"C1 \u0085 \u009b, bidi \u202e reversed \u2066 isolate, line sep \u2028, bom \ufeff, tag \U000E0041",
		`''' and """ and ' and # not a comment`,
	}
	a := goodAccount()
	a.Name = tricky[2]
	for i, s := range tricky {
		a.Roles[i%len(a.Roles)].Description = s
		a.Users[i].Name = s
	}
	out := Encode(a)
	if !utf8.Valid(out) {
		t.Fatal("output is not UTF-8")
	}
	for _, r := range string(out) {
		if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x202e || r == 0x2066 || r == 0x2028 || r == 0xfeff || r == 0xE0041) {
			t.Errorf("raw control or format character %U in the file", r)
		}
	}
	b, ps := Decode("x", out)
	if b == nil {
		t.Fatal(ps)
	}
	if b.Name != tricky[2] {
		t.Errorf("account name %q, want %q", b.Name, tricky[2])
	}
	got := map[string]bool{}
	for _, u := range b.Users {
		got[u.Name] = true
	}
	for _, s := range tricky {
		if !got[s] {
			t.Errorf("user name %q did not round-trip", s)
		}
	}
	if !bytes.Equal(Encode(b), out) {
		t.Error("second encoding differs")
	}
	// Invalid UTF-8 cannot be written as TOML: it becomes U+FFFD.
	a.Roles[0].Description = "bad \xff byte"
	b, _ = Decode("x", Encode(a))
	if b == nil || b.Roles[3].Description != "bad \uFFFD byte" {
		t.Errorf("invalid UTF-8 not replaced")
	}
}

func TestEncodeRedundantTicks(t *testing.T) {
	a := goodAccount()
	// Release Managers inherits Write and Read Environment (which ticks
	// Runtime Management and inherits Support's Execute): both ticks are
	// redundant. Runtime Management Read Access, which Runtime Management
	// only covers (R4), is not: Boomi's dialog allows both and it is kept
	// (R9, decision); nor is Build Read Access.
	a.Roles[3].Privileges = append(a.Roles[3].Privileges, model.RuntimeManagement, model.Execute, model.BuildRead, model.RuntimeManagementRead)
	mustValid(t, a)
	warned := 0
	for _, p := range model.Validate(a) {
		if p.Rule == "R9" {
			warned++
		}
	}
	if warned != 2 {
		t.Errorf("model warns about %d redundant ticks, storage drops 2", warned)
	}
	c := Canonical(a)
	want := []model.Privilege{model.BuildRead, model.PackagedComponentDeployment, model.RuntimeManagementRead, model.Scheduling}
	if got := c.Roles[2].Privileges; c.Roles[2].Name != "Release Managers" || !reflect.DeepEqual(got, want) {
		t.Errorf("Release Managers ticks %v, want %v", got, want)
	}
	// In a cycle what the parent grants is undefined: ticks are kept.
	a = &model.Account{AdvancedUserSecurity: true, Roles: []model.Role{
		{Name: "A", Inherits: "B", Privileges: []model.Privilege{model.Execute}},
		{Name: "B", Inherits: "A", Privileges: []model.Privilege{model.Execute}},
	}}
	c = Canonical(a)
	if len(c.Roles[0].Privileges) != 1 || len(c.Roles[1].Privileges) != 1 {
		t.Errorf("ticks dropped inside a cycle: %+v", c.Roles)
	}
}

// R9 (decision): a tick the parent only covers under R4 draws no warning
// and survives a save and a load.
func TestSaveKeepsCoveredTick(t *testing.T) {
	a := &model.Account{Name: "t", AdvancedUserSecurity: true, Roles: []model.Role{
		{Name: "Operators", Privileges: []model.Privilege{model.RuntimeManagement}},
		{Name: "Watchers", Inherits: "Operators", Privileges: []model.Privilege{model.RuntimeManagementRead}},
	}}
	for _, p := range model.Validate(a) {
		if p.Rule == "R9" {
			t.Errorf("R9 warning for a covered tick: %s", p)
		}
	}
	p := filepath.Join(t.TempDir(), "acct.toml")
	if _, err := Save(p, a, Stamp{}, SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	doc, err := Load(p)
	if err != nil || doc.HasErrors() {
		t.Fatal(err, doc.Problems)
	}
	b := doc.Account
	if i := b.FindRole("Watchers"); i < 0 || !reflect.DeepEqual(b.Roles[i].Privileges, []model.Privilege{model.RuntimeManagementRead}) {
		t.Errorf("after a save and a load Watchers ticks %+v, want [Runtime Management Read Access]", b.Roles)
	}
	for _, p := range doc.Problems {
		if p.Rule == "R9" {
			t.Errorf("R9 warning for a covered tick after loading: %s", p)
		}
	}
}
