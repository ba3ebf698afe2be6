package storage

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"rolecall/model"
)

// groupPrimary is goodAccount as a primary with two groups (members and
// group users given out of order, to be sorted).
func groupPrimary() *model.Account {
	a := goodAccount()
	a.Groups = []model.AccountGroup{
		{Name: "EMEA", SharedRoles: []string{"cannot view data", "Release Managers"}, ID: "grp-1",
			Members: []model.GroupMember{{File: "emea-sales.toml", BoomiAccount: "emea-sales-7QX"}, {File: "../b/apac.toml"}},
			Users: []model.GroupUser{
				{Email: "zed@example.com", Roles: []string{model.Administrator}},
				{Email: "gina@example.com", Name: "Gina Rossi", Roles: []string{"Release Managers", "Cannot View Data"}},
			}},
		{Name: "Americas", SharedRoles: []string{"Cannot View Data"}},
	}
	return a
}

func groupMember(primary string) *model.Account {
	a := goodAccount()
	a.Name = "EMEA Sales"
	a.Primary = primary
	return a
}

func TestEncodeGroups(t *testing.T) {
	a := groupPrimary()
	before := cloneAccount(a)
	data := string(Encode(a))
	if !reflect.DeepEqual(a, before) {
		t.Fatal("Encode changed its account")
	}
	i := strings.Index(data, "\n[[account_groups]]")
	if i < 0 {
		t.Fatalf("no groups written:\n%s", data)
	}
	want := `
[[account_groups]]
name = "Americas"
shared_roles = ["Cannot View Data"]

[[account_groups]]
name = "EMEA"
shared_roles = ["Cannot View Data", "Release Managers"]
boomi_id = "grp-1"

[[group_members]]
group = "EMEA"
file = "../b/apac.toml"

[[group_members]]
group = "EMEA"
file = "emea-sales.toml"
boomi_account = "emea-sales-7QX"

[[group_users]]
group = "EMEA"
email = "gina@example.com"
name = "Gina Rossi"
roles = ["Cannot View Data", "Release Managers"]

[[group_users]]
group = "EMEA"
email = "zed@example.com"
name = ""
roles = ["Administrator"]
`
	if data[i:] != want {
		t.Errorf("groups written as\n%s\nwant\n%s", data[i:], want)
	}
	if !strings.Contains(data, "[[environments]]") || strings.Index(data, "[[environments]]") > i {
		t.Error("groups not after the environments")
	}
	if strings.Contains(data, "primary") {
		t.Error("a primary's file names a primary")
	}
	m := string(Encode(groupMember("../acme/acme.toml")))
	if !strings.Contains(m, "advanced_environment_access = true\nprimary = \"../acme/acme.toml\"\n\n[[roles]]") {
		t.Errorf("member's primary:\n%s", m)
	}
	if strings.Contains(m, "group") {
		t.Error("a member's file holds groups")
	}
	// Without groups nothing changes: the same bytes as before groups.
	if string(Encode(goodAccount())) != data[:i] {
		t.Error("groups change the bytes before them")
	}
}

func TestGroupsRoundTrip(t *testing.T) {
	for name, a := range map[string]*model.Account{
		"primary": groupPrimary(), "member": groupMember("../acme/acme.toml"),
		"empty group": {Name: "x", Groups: []model.AccountGroup{{Name: "G"}}},
		"escapes":     {Name: "x", Groups: []model.AccountGroup{{Name: "G \"q\" é", Members: []model.GroupMember{{File: "dir with space/ü.toml"}}}}},
	} {
		t.Run(name, func(t *testing.T) {
			data := Encode(a)
			got, ps := Decode("acct.toml", data)
			if errs := Errors(ps); len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if want := Canonical(a); !reflect.DeepEqual(got, want) {
				t.Fatalf("decoded\n%+v\nwant\n%+v", got.Groups, want.Groups)
			}
			if again := Encode(got); string(again) != string(data) {
				t.Fatalf("not stable:\n%s\n%s", data, again)
			}
			gotE, psE := decodeEncoded("acct.toml", data, Canonical(a), nil)
			if !reflect.DeepEqual(gotE, got) || !reflect.DeepEqual(psE, ps) {
				t.Fatalf("decodeEncoded differs: %v / %v", psE, ps)
			}
		})
	}
}

// Problems of the group keys: each an error at its line.
func TestDecodeGroupProblems(t *testing.T) {
	head := "format = 1\n[account]\nname = 'x'\n"
	for name, tc := range map[string]struct {
		body string
		line int
		msg  string
	}{
		"undefined member group": {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'B'\nfile = 'b.toml'\n", 7, `names group "B", which no [[account_groups]] defines`},
		"undefined user group":   {"[[group_users]]\ngroup = 'B'\nemail = 'a@b'\n", 5, `names group "B"`},
		"no group":               {"[[group_users]]\nemail = 'a@b'\n", 4, "has no group"},
		"group twice":            {"[[account_groups]]\nname = 'A'\n[[account_groups]]\nname = 'a'\n", 7, "defined twice"},
		"no name":                {"[[account_groups]]\nshared_roles = []\n", 4, "has no name"},
		"unknown key":            {"[[account_groups]]\nname = 'A'\nmembers = 3\n", 6, `unknown key "members" in [[account_groups]] #1`},
		"unknown member key":     {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\nfile = 'b.toml'\nemail = 'x'\n", 9, `unknown key "email"`},
		"wrong type":             {"[[account_groups]]\nname = 'A'\nshared_roles = 'R'\n", 6, "shared_roles must be a list"},
		"group not string":       {"[[group_members]]\ngroup = 1\nfile = 'b'\n", 5, "must be a string"},
		"absolute file":          {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\nfile = '/etc/b.toml'\n", 8, "is absolute"},
		"backslash":              {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\nfile = 'a\\b.toml'\n", 8, "forward slashes"},
		"control":                {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\nfile = \"a\\u0007.toml\"\n", 8, "control character"},
		"empty file":             {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\n", 6, "file is empty"},
		"directory":              {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\nfile = '..'\n", 8, "names a directory"},
		"long path":              {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\nfile = '" + strings.Repeat("a", 5000) + "'\n", 8, "at most 4096"},
		"bad boomi id":           {"[[account_groups]]\nname = 'A'\nboomi_id = \"\\u0007\"\n", 6, "boomi_id holds a control character"},
		"bad member account":     {"[[account_groups]]\nname = 'A'\n[[group_members]]\ngroup = 'A'\nfile = 'b'\nboomi_account = '" + strings.Repeat("x", 300) + "'\n", 9, "boomi_account is 300 bytes"},
		"primary absolute":       {"primary = 'C:/x.toml'\n", 3, "account.primary is absolute"},
		"primary type":           {"primary = 1\n", 3, "account.primary must be a string"},
		"groups not tables":      {"account_groups = ['A']\n", 4, "must be a table"},
	} {
		t.Run(name, func(t *testing.T) {
			body := tc.body
			if strings.HasPrefix(body, "primary") {
				body = strings.Replace(head, "[account]\n", "[account]\n"+body, 1)
			} else {
				body = head + body
			}
			if name == "groups not tables" {
				body = "format = 1\naccount_groups = ['A']\n[account]\nname = 'x'\n"
				tc.line = 2
			}
			_, ps := Decode("acct.toml", []byte(body))
			for _, p := range Errors(ps) {
				if strings.Contains(p.Message, tc.msg) {
					if p.Line != tc.line {
						t.Errorf("%q at line %d, want %d", p.Message, p.Line, tc.line)
					}
					return
				}
			}
			t.Errorf("no error %q in %v", tc.msg, ps)
		})
	}
}

// A file that lists more groups, members or group users than the limits
// is refused at the first one too many.
func TestGroupLimits(t *testing.T) {
	for _, tc := range []struct {
		elem  string
		limit int
	}{{"account_groups", MaxAccountGroups}, {"group_members", MaxGroupMembers}, {"group_users", MaxGroupUsers}} {
		var b strings.Builder
		b.WriteString("format = 1\n[account]\nname = 'x'\n[[account_groups]]\nname = 'G'\n")
		for i := range tc.limit + 1 {
			fmt.Fprintf(&b, "[[%s]]\nname = 'G%d'\ngroup = 'G'\n", tc.elem, i)
		}
		_, ps := Decode("acct.toml", []byte(b.String()))
		if len(ps) == 0 || !strings.Contains(ps[0].Message, "rolecall reads at most") {
			t.Errorf("%s: %v", tc.elem, ps[:min(len(ps), 3)])
		}
	}
}

// Save refuses what a load would report of the group keys.
func TestSaveRefusesBadGroups(t *testing.T) {
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	doc := mustLoad(t, p)
	for name, edit := range map[string]func(a *model.Account){
		"absolute": func(a *model.Account) {
			a.Groups = []model.AccountGroup{{Name: "G", Members: []model.GroupMember{{File: "/x.toml"}}}}
		},
		"twice":   func(a *model.Account) { a.Groups = []model.AccountGroup{{Name: "G"}, {Name: "g"}} },
		"primary": func(a *model.Account) { a.Primary = "a\\b" },
		"no name": func(a *model.Account) { a.Groups = []model.AccountGroup{{}} },
		"bad id":  func(a *model.Account) { a.Groups = []model.AccountGroup{{Name: "G", ID: "\n"}} },
	} {
		a := cloneAccount(doc.Account)
		edit(a)
		if _, err := Save(p, a, doc.Stamp, SaveOptions{}); err == nil {
			t.Errorf("%s: saved", name)
		} else if _, ok := err.(*InvalidError); !ok {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// decodeEncoded gives what Decode gives for accounts with groups, their
// problems included, and falls back to Decode where it must.
func TestDecodeEncodedGroups(t *testing.T) {
	for name, edit := range map[string]func(a *model.Account){
		"clean":       func(a *model.Account) {},
		"bad path":    func(a *model.Account) { a.Groups[1].Members = []model.GroupMember{{File: "/abs.toml"}, {File: ""}} },
		"bad primary": func(a *model.Account) { a.Primary = "/x" },
		"twice": func(a *model.Account) {
			a.Groups = append(a.Groups, model.AccountGroup{Name: "emea", Members: []model.GroupMember{{File: "x"}}})
		},
		"utf8":     func(a *model.Account) { a.Groups[0].Users[0].Name = "\xff" },
		"bad id":   func(a *model.Account) { a.Groups[0].ID = strings.Repeat("i", 300) },
		"dangling": func(a *model.Account) { a.Groups[0].SharedRoles = []string{"Nope"} },
	} {
		t.Run(name, func(t *testing.T) {
			a := groupPrimary()
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

// Hand-written group sections in any order, or split between the parts of
// a large file, decode as one piece does.
func TestGroupsInterleaved(t *testing.T) {
	data := "format = 1\n[[group_users]]\ngroup = 'G'\nemail = 'b@x'\n[[account_groups]]\nname = 'G'\n[account]\nname = 'x'\n" +
		"[[group_members]]\ngroup = 'g'\nfile = 'm.toml'\n[[group_users]]\ngroup = 'G'\nemail = 'a@x'\n"
	a, ps := Decode("acct.toml", []byte(data))
	if HasErrors(ps) {
		t.Fatal(Errors(ps))
	}
	g := a.Groups[0]
	if len(g.Members) != 1 || len(g.Users) != 2 || g.Users[0].Email != "b@x" {
		t.Fatalf("%+v", g)
	}
	c := Canonical(a)
	if c.Groups[0].Users[0].Email != "a@x" {
		t.Errorf("not sorted: %+v", c.Groups[0].Users)
	}
}
