package storage

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rolecall/model"
)

// withBoomi is a copy of a tied to Boomi: an account id, code rows, ids on
// most roles and environments, and unknown codes on some roles (order
// kept: not sorted). knownCodes adds, to the first role, a built-in code
// and a code of the file's rows kept as unknown (two warnings).
func withBoomi(a *model.Account, seed int64, knownCodes bool) *model.Account {
	b := a.Clone()
	b.BoomiAccount = fmt.Sprintf("acme-%06X", seed)
	b.PrivilegeCodes = []model.CodeRow{
		{Code: "ENV_READ", Privilege: model.EnvironmentRead},
		{Code: "BUILD_READ_ACCESS", Privilege: model.BuildRead}, // a built-in code, which the file confirms
		{Code: "ENV_FULL", Privilege: model.EnvironmentFull},
	}
	for i := range b.Roles {
		if i%4 != 3 {
			b.Roles[i].ID = fmt.Sprintf("%08x-b483-40cd-81f9-%012x", seed, i)
		}
		switch i % 3 {
		case 0:
			b.Roles[i].Codes = []string{"PERSIST_PROCESS_PROPERTY"}
		case 1:
			b.Roles[i].Codes = []string{fmt.Sprintf("Z_CODE_%d", i), "A_CODE"}
		}
	}
	if knownCodes && len(b.Roles) > 0 {
		b.Roles[0].Codes = append(b.Roles[0].Codes[:len(b.Roles[0].Codes):len(b.Roles[0].Codes)], "EXECUTE", "ENV_READ")
	}
	for i := range b.Environments {
		if i%2 == 0 {
			b.Environments[i].ID = fmt.Sprintf("%08x-cdef-0123-4567-%012x", seed, i)
		}
	}
	return b
}

const boomiEncoded = `format = 1

[account]
name = "Acme Integration"
advanced_user_security = true
advanced_environment_access = true
boomi_account = "acme-ABC123"

[privilege_codes]
ENV_FULL = "Environment Management Full Access"
ENV_READ = "Environment Management Read Access"

[[roles]]
name = "Cannot View Data"
description = "Runs processes without seeing documents"
inherits = ""
privileges = ["Execute", "View Results"]
unknown_codes = ["PERSIST_PROCESS_PROPERTY", "A_CODE"]
boomi_id = "794f61e2-b483-40cd-81f9-de0f835fee1d"

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
boomi_id = "a \"quoted\" id"

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
boomi_id = "456789ab-cdef-0123-4567-89abcdef0123"

[[environments]]
name = "Test"
classification = "test"
roles_with_access = ["Read-Only Environment Management", "Write and Read Environment"]
`

// boomiAccount is goodAccount with every Boomi key set.
func boomiAccount() *model.Account {
	a := goodAccount()
	a.BoomiAccount = "acme-ABC123"
	a.PrivilegeCodes = []model.CodeRow{{Code: "ENV_READ", Privilege: model.EnvironmentRead}, {Code: "ENV_FULL", Privilege: model.EnvironmentFull}}
	a.Roles[1].Codes = []string{"PERSIST_PROCESS_PROPERTY", "A_CODE"}
	a.Roles[1].ID = "794f61e2-b483-40cd-81f9-de0f835fee1d"
	a.Roles[3].ID = `a "quoted" id`
	a.Environments[0].ID = "456789ab-cdef-0123-4567-89abcdef0123"
	return a
}

// The layout of every Boomi key: where each goes, escaped as the other
// strings, and the round trip.
func TestEncodeBoomiKeys(t *testing.T) {
	a := boomiAccount()
	mustValid(t, a)
	got := string(Encode(a))
	if got != boomiEncoded {
		t.Fatalf("Encode:\n%s\nwant:\n%s", got, boomiEncoded)
	}
	b, ps := Decode("x.toml", []byte(got))
	if b == nil || len(ps) > 0 {
		t.Fatalf("encoded account does not decode cleanly: %v", ps)
	}
	if !reflect.DeepEqual(b, Canonical(a)) {
		t.Fatalf("Decode(Encode(a)) = %+v\nwant Canonical(a) = %+v", b, Canonical(a))
	}
	if again := string(Encode(b)); again != got {
		t.Fatalf("second encoding differs:\n%s", again)
	}
	// Without the Boomi keys the file is goodEncoded: nothing of them is
	// written when empty.
	a.BoomiAccount, a.PrivilegeCodes = "", []model.CodeRow{}
	for i := range a.Roles {
		a.Roles[i].ID, a.Roles[i].Codes = "", []string{}
	}
	a.Environments[0].ID = ""
	if got := string(Encode(a)); got != goodEncoded {
		t.Fatalf("empty Boomi keys are written:\n%s", got)
	}
}

// Round trips of generated accounts with the Boomi keys, and a long list
// of unknown codes, one per line.
func TestBoomiKeysRoundTrip(t *testing.T) {
	for i, sz := range []struct{ users, roles, envs int }{{0, 0, 0}, {1, 1, 1}, {50, 20, 5}, {400, 60, 12}} {
		for _, known := range []bool{false, true} {
			a := withBoomi(model.Synthetic(sz.users, sz.roles, sz.envs, int64(i+1)), int64(i+1), known)
			enc := Encode(a)
			b, ps := Decode("x.toml", enc)
			if b == nil || HasErrors(ps) {
				t.Fatalf("%+v: %v", sz, Errors(ps))
			}
			if !reflect.DeepEqual(b, Canonical(a)) {
				t.Fatalf("%+v known=%v: round trip changed the account", sz, known)
			}
			if !bytes.Equal(Encode(b), enc) {
				t.Fatalf("%+v: not stable", sz)
			}
		}
	}
	a := boomiAccount()
	for i := range 12 {
		a.Roles[1].Codes = append(a.Roles[1].Codes, fmt.Sprintf("SOME_LONGER_CODE_%d", i))
	}
	out := Encode(a)
	if !bytes.Contains(out, []byte("unknown_codes = [\n    \"PERSIST_PROCESS_PROPERTY\",\n    \"A_CODE\",\n    \"SOME_LONGER_CODE_0\",\n")) {
		t.Fatalf("a long unknown_codes list is not one per line:\n%s", out)
	}
	if b, ps := Decode("x", out); len(ps) > 0 || !reflect.DeepEqual(b, Canonical(a)) {
		t.Fatalf("long list: %v", ps)
	}
}

// Every file of testdata re-saved gives the bytes the encoder gave before
// the Boomi keys (encode_stable.txt was written by that encoder).
func TestEncodeStable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "encode_stable.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, l := range strings.Split(string(raw), "\n") {
		if name, sum, ok := strings.Cut(l, " "); ok && !strings.HasPrefix(l, "#") {
			want[name] = sum
		}
	}
	n := 0
	for _, in := range stableInputs(t) {
		a, _ := Decode(in.name, in.data)
		if a == nil {
			continue
		}
		n++
		w, ok := want[in.name]
		if !ok {
			t.Errorf("%s: not in encode_stable.txt (a new file: add its line, made by the encoder of a4bea81)", in.name)
			continue
		}
		enc := Encode(a)
		if got := fmt.Sprintf("%x", sha256.Sum256(enc)); got != w {
			t.Errorf("%s: re-saved bytes changed:\n%s", in.name, enc)
		}
		// A file in rolecall's layout is saved as it is.
		if fmt.Sprintf("%x", sha256.Sum256(in.data)) == w && !bytes.Equal(enc, in.data) {
			t.Errorf("%s: a file in rolecall's layout is rewritten", in.name)
		}
	}
	if n < 20 {
		t.Fatalf("only %d files compared", n)
	}
}

// The decoder's problems with each Boomi key: the message and the line.
func TestDecodeBoomiKeys(t *testing.T) {
	const head = "format = 1\n[account]\nname = \"A\"\nadvanced_user_security = true\n" // lines 1-4
	// role: a role from line 5, then extra from line 8.
	role := func(extra string) string {
		return head + "[[roles]]\nname = \"Ops\"\nprivileges = [\"Execute\"]\n" + extra
	}
	tests := []struct {
		name string
		data string
		sev  model.Severity
		want string
		line int
	}{
		{"account id wrong type", head + "boomi_account = 12\n", model.Error, "account.boomi_account must be a string, not an integer", 5},
		{"account id too long", head + "boomi_account = \"" + strings.Repeat("x", 201) + "\"\n", model.Error, "account.boomi_account is 201 bytes long; Boomi's ids are at most 200", 5},
		{"account id control", head + "boomi_account = \"a\\u001bb\"\n", model.Error, "account.boomi_account holds a control character", 5},
		{"codes wrong type", "format = 1\nprivilege_codes = [\"ENV_READ\"]\n", model.Error, "privilege_codes must be a table ([privilege_codes])", 2},
		{"code value wrong type", head + "[privilege_codes]\nENV_READ = 3\n", model.Error, "privilege_codes.ENV_READ must be a privilege's name in double quotes, not an integer", 6},
		{"bad code", head + "[privilege_codes]\nENV_READ = \"Execute\"\nenv_full = \"Execute\"\n", model.Error, `privilege code "env_full" may hold only A-Z, 0-9 and _`, 7},
		{"quoted bad code", head + "[privilege_codes]\n\"A B\" = \"Execute\"\n", model.Error, `privilege code "A B" may hold only`, 6},
		{"unknown privilege", head + "[privilege_codes]\nENV_READ = \"Read Environments\"\n", model.Error, `privilege code "ENV_READ" names unknown privilege "Read Environments"`, 6},
		{"table in codes", head + "[privilege_codes]\nENV_READ = \"Environment Management Read Access\"\n[privilege_codes.SUB]\nx = 1\n", model.Error, "privilege_codes.SUB must be a privilege's name in double quotes, not a table", 7},
		{"codes wrong type", role("unknown_codes = \"X\"\n"), model.Error, "roles #1 unknown_codes must be a list", 8},
		{"code item wrong type", role("unknown_codes = [\n  \"X\",\n  7,\n]\n"), model.Error, "roles #1 unknown_codes item 2 must be a name in double quotes, not an integer", 10},
		{"bad unknown code", role("unknown_codes = [\n  \"X\",\n  \"bad code\",\n]\n"), model.Error, `role "Ops" unknown_codes: privilege code "bad code" may hold only`, 10},
		{"empty unknown code", role("unknown_codes = [\"\"]\n"), model.Error, `role "Ops" unknown_codes: a privilege code is empty`, 8},
		{"duplicate unknown code", role("unknown_codes = [\n  \"X\",\n  \"Y\",\n  \"X\",\n]\n"), model.Error, `role "Ops" lists code "X" twice in unknown_codes; keep it once`, 11},
		{"role id wrong type", role("boomi_id = true\n"), model.Error, "roles #1 boomi_id must be a string, not a boolean", 8},
		{"role id control", role("boomi_id = \"a\\nb\"\n"), model.Error, `role "Ops" boomi_id holds a control character`, 8},
		{"env id too long", "format = 1\n[[environments]]\nname = \"E\"\nclassification = \"test\"\nboomi_id = \"" + strings.Repeat("é", 101) + "\"\n", model.Error, `environment "E" boomi_id is 202 bytes long`, 5},
		{"duplicate role id", role("boomi_id = \"r1\"\n[[roles]]\nname = \"Dev\"\nprivileges = [\"Execute\"]\n\nboomi_id = \"r1\"\n"), model.Error,
			`roles "Ops" and "Dev" have the same boomi_id "r1"`, 13},
		{"duplicate env id", "format = 1\n[[environments]]\nname = \"E\"\nclassification = \"test\"\nboomi_id = \"e1\"\n[[environments]]\nname = \"F\"\nclassification = \"test\"\nboomi_id = \"e1\"\n",
			model.Error, `environments "E" and "F" have the same boomi_id "e1"`, 9},
		{"unknown key in role", role("boomi = \"x\"\n"), model.Error, `unknown key "boomi" in [[roles]] #1 ("Ops"); the keys are name, description, inherits, privileges, unknown_codes, boomi_id`, 8},
		{"unknown key in env", "format = 1\n[[environments]]\nname = \"E\"\nid = 1\n", model.Error, `unknown key "id" in [[environments]] #1 ("E"); the keys are name, classification, roles_with_access, boomi_id`, 4},
		{"unknown top key", "format = 1\nprivilege_code = 1\n", model.Error, "the top-level keys are format, account, privilege_codes, roles, users, environments, separation_of_duties, account_groups, group_members and group_users", 2},
		{"known built-in code kept", role("unknown_codes = [\n  \"X\",\n  \"EXECUTE\",\n]\n"), model.Warning,
			`role "Ops" keeps code "EXECUTE" as unknown, but it is the code of "Execute"; move it to privileges`, 10},
		{"file's code kept", "format = 1\n[account]\nadvanced_user_security = true\n[privilege_codes]\nENV_READ = \"Environment Management Read Access\"\n[[roles]]\nname = \"Ops\"\nunknown_codes = [\"X\", \"Y\", \"ENV_READ\"]\n",
			model.Warning, `role "Ops" keeps code "ENV_READ" as unknown, but it is the code of "Environment Management Read Access"`, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ps := Decode("f.toml", []byte(tt.data))
			found := false
			for _, p := range ps {
				s := p.String()
				if !strings.HasPrefix(s, "f.toml:") || strings.ContainsAny(s, "\n\r\x00\x1b") {
					t.Errorf("problem is not one safe line: %q", s)
				}
				if p.Severity == tt.sev && strings.Contains(p.Message, tt.want) && p.Line == tt.line {
					found = true
					if p.Rule == boomiRule && !strings.HasSuffix(s, "(boomi-api.md)") {
						t.Errorf("rule not cited: %s", s)
					}
				}
			}
			if !found {
				t.Errorf("want a %s containing %q at line %d; got:\n%s", tt.sev, tt.want, tt.line, problemList(ps))
			}
			if tt.sev == model.Warning && HasErrors(ps) {
				t.Errorf("errors besides the warning:\n%s", problemList(Errors(ps)))
			}
		})
	}
}

// The good file: every key read, old privilege names in [privilege_codes],
// the rows sorted, the codes in their order, the problems' Locs and rules.
func TestDecodeBoomiKeysGood(t *testing.T) {
	src := `format = 1
[privilege_codes]
ENV_READ = "Environment Management - Read access to Environment configuration and administration"
BUILD_X = "build read access"
[account]
boomi_account = "acme-ABC123"
advanced_user_security = true
[[roles]]
name = "Ops"
boomi_id = "794f61e2"
unknown_codes = ["Z", "A", "EXECUTE"]
[[environments]]
name = "P"
classification = "production"
boomi_id = "e-1"
`
	a, ps := Decode("f.toml", []byte(src))
	if a == nil || HasErrors(ps) {
		t.Fatal(problemList(ps))
	}
	want := &model.Account{AdvancedUserSecurity: true, BoomiAccount: "acme-ABC123",
		PrivilegeCodes: []model.CodeRow{{Code: "BUILD_X", Privilege: model.BuildRead}, {Code: "ENV_READ", Privilege: model.EnvironmentRead}},
		Roles:          []model.Role{{Name: "Ops", ID: "794f61e2", Codes: []string{"Z", "A", "EXECUTE"}}},
		Environments:   []model.Environment{{Name: "P", Classification: model.Production, ID: "e-1"}}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("decoded %+v\nwant %+v", a, want)
	}
	var w *FileProblem
	for i := range ps {
		if strings.Contains(ps[i].Message, `"EXECUTE" as unknown`) {
			w = &ps[i]
		}
	}
	if w == nil || w.Line != 11 || w.Rule != boomiRule || w.Loc != (model.Loc{Section: model.SectionRoles, Index: 0, Key: "unknown_codes", Item: 2}) || w.Subject != "Ops" {
		t.Fatalf("the warning: %+v\n%s", w, problemList(ps))
	}
	// A left-out item moves the Loc to the file's item.
	a, ps = Decode("f.toml", []byte(strings.Replace(src, `["Z", "A", "EXECUTE"]`, `["Z", 3, "A", "Z", "EXECUTE"]`, 1)))
	if a == nil || !reflect.DeepEqual(a.Roles[0].Codes, []string{"Z", "A", "EXECUTE"}) {
		t.Fatalf("codes %+v", a)
	}
	for _, p := range ps {
		if strings.Contains(p.Message, `"EXECUTE" as unknown`) && p.Loc.Item != 4 {
			t.Errorf("warning at item %d, want the file's 4", p.Loc.Item)
		}
	}
}

// [privilege_codes] may hold more keys than any other table, up to
// MaxPrivilegeCodes.
func TestPrivilegeCodesSize(t *testing.T) {
	table := func(n int) []byte {
		var b strings.Builder
		b.WriteString("format = 1\n[privilege_codes]\n")
		for i := range n {
			fmt.Fprintf(&b, "CODE_%d = \"Execute\"\n", i)
		}
		return []byte(b.String())
	}
	a, ps := Decode("f.toml", table(500))
	if a == nil || HasErrors(ps) || len(a.PrivilegeCodes) != 500 {
		t.Fatalf("500 codes: %v", Errors(ps))
	}
	_, ps = Decode("f.toml", table(MaxPrivilegeCodes+1))
	checkProblem(t, ps, "f.toml", "[privilege_codes] with more than 1024 codes", 3+MaxPrivilegeCodes)
	// Another table still has its bound.
	_, ps = Decode("f.toml", bytes.Replace(table(100), []byte("[privilege_codes]"), []byte("[account]"), 1))
	checkProblem(t, ps, "f.toml", "a table with more than 64 keys", 3+64)
}

// Save refuses what a load would report as an error: the file it wrote
// would not open for writing.
func TestSaveRefusesBadBoomiValues(t *testing.T) {
	for name, edit := range map[string]func(a *model.Account){
		"bad code":           func(a *model.Account) { a.Roles[0].Codes = []string{"lower"} },
		"duplicate code":     func(a *model.Account) { a.Roles[0].Codes = []string{"X", "X"} },
		"duplicate role id":  func(a *model.Account) { a.Roles[0].ID, a.Roles[1].ID = "r", "r" },
		"duplicate env id":   func(a *model.Account) { a.Environments[0].ID, a.Environments[2].ID = "e", "e" },
		"control in id":      func(a *model.Account) { a.BoomiAccount = "a\x00" },
		"row of no privilge": func(a *model.Account) { a.PrivilegeCodes = []model.CodeRow{{Code: "X"}} },
		"row code twice": func(a *model.Account) {
			a.PrivilegeCodes = []model.CodeRow{{Code: "X", Privilege: model.Execute}, {Code: "X", Privilege: model.BuildRead}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			a := boomiAccount()
			edit(a)
			p := filepath.Join(t.TempDir(), "a.toml")
			_, err := Save(p, a, Stamp{}, SaveOptions{Actor: "test"})
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("saved: %v", err)
			}
			if !strings.Contains(err.Error(), "(boomi-api.md)") {
				t.Errorf("error does not cite the rule: %v", err)
			}
		})
	}
	// A warning does not keep it from being saved, and the file loads
	// with it.
	a := boomiAccount()
	a.Roles[0].Codes = []string{"EXECUTE"}
	p := filepath.Join(t.TempDir(), "a.toml")
	if _, err := Save(p, a, Stamp{}, SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	d := mustLoad(t, p)
	if d.HasErrors() || len(d.Problems) != 1 || d.Problems[0].Severity != model.Warning {
		t.Fatalf("problems %v", d.Problems)
	}
}

// decodeEncoded goes to Decode for an account its encoding does not
// decode to: a value Decode leaves out, a Source on a code row.
func TestDecodeEncodedBoomiFallback(t *testing.T) {
	for name, edit := range map[string]func(a *model.Account){
		"source":       func(a *model.Account) { a.PrivilegeCodes[0].Source = model.SourceFile },
		"bad code":     func(a *model.Account) { a.Roles[0].Codes = []string{"lower"} },
		"long id":      func(a *model.Account) { a.Environments[1].ID = strings.Repeat("x", 300) },
		"code twice":   func(a *model.Account) { a.Roles[0].Codes = []string{"X", "X"} },
		"invalid UTF8": func(a *model.Account) { a.Roles[0].ID = "\xff" },
		"dup ids":      func(a *model.Account) { a.Roles[0].ID, a.Roles[1].ID = "r", "r" },
	} {
		t.Run(name, func(t *testing.T) {
			a := boomiAccount()
			edit(a)
			data := Encode(a)
			wantA, wantPs := Decode("acct.toml", data)
			gotA, gotPs := decodeEncoded("acct.toml", data, Canonical(a), nil)
			if !reflect.DeepEqual(gotA, wantA) || !reflect.DeepEqual(gotPs, wantPs) {
				t.Fatalf("decodeEncoded differs from Decode:\n%v\nwant\n%v", gotPs, wantPs)
			}
		})
	}
}

// A save of an account with every Boomi key (warnings included) writes the
// cache entry the next load hits, equal to a fresh decode, and the file is
// known to be in rolecall's layout: an edit does not say it was relaid.
func TestBoomiKeysSaveCache(t *testing.T) {
	freshCache(t)
	a := withBoomi(model.Synthetic(60, 15, 4, 3), 3, true)
	p := filepath.Join(t.TempDir(), "acct.toml")
	if _, err := Save(p, a, Stamp{}, SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	c0 := cacheCounts()
	got := mustLoad(t, p)
	if dc := cacheCounts().minus(c0); dc.hits != 1 || dc.misses != 0 {
		t.Fatalf("the load after a save: %+v, want a hit", dc)
	}
	sameDoc(t, "after save", got, uncached(t, p))
	if !reflect.DeepEqual(got.Account, Canonical(a)) {
		t.Fatal("the load is not the account saved")
	}
	relaid := 0
	if _, err := Update(p, SaveOptions{Actor: "cli", Relaid: func() { relaid++ }}, func(a *model.Account) (*model.Account, error) {
		a.Roles[1].Codes = append([]string{"NEW_CODE"}, a.Roles[1].Codes...)
		return a, nil
	}); err != nil {
		t.Fatal(err)
	}
	if relaid != 0 {
		t.Fatal("rolecall's own layout with Boomi keys: Relaid called")
	}
	got = mustLoad(t, p)
	sameDoc(t, "after update", got, uncached(t, p))
	if got.Account.Roles[1].Codes[0] != "NEW_CODE" {
		t.Fatalf("codes %v", got.Account.Roles[1].Codes)
	}
}
