package storage

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rolecall/model"
)

// sodAccount is goodAccount with two rules, one of each scope.
func sodAccount() *model.Account {
	a := goodAccount()
	a.SeparationOfDuties = []model.SoDRule{
		{Name: "Deploy or configure production", Description: "no one both deploys and edits an environment",
			Holds: []model.Privilege{model.PackagedComponentDeployment}, Excludes: []model.Privilege{model.EnvironmentFull, model.EnvironmentManagement},
			Scope: model.SoDEnvironments, Environments: []string{"production"}},
		{Name: "Admins are not auditors", Holds: []model.Privilege{model.UserManagement}, Excludes: []model.Privilege{model.ViewAuditLogs}, Scope: model.SoDAccount},
		{Name: "Builders do not ship", Holds: []model.Privilege{model.BuildReadWrite}, ExcludesActions: []model.SoDAction{model.SoDSchedule, model.SoDDeploy},
			Scope: model.SoDEnvironments, Classification: model.Production},
	}
	return a
}

// The rules are written after [[environments]], sorted, sides in catalog
// order, environments spelled as the account does; they decode to the
// canonical account, by Decode and by decodeEncoded alike; a file without
// rules writes no key of theirs.
func TestSoDRoundTrip(t *testing.T) {
	a := sodAccount()
	data := Encode(a)
	want := `
[[separation_of_duties]]
name = "Admins are not auditors"
holds = ["User Management"]
excludes = ["View Audit Logs"]
scope = "account"

[[separation_of_duties]]
name = "Builders do not ship"
holds = ["Build Read and Write Access"]
excludes = ["deploy", "schedule"]
scope = "environments"
classification = "production"

[[separation_of_duties]]
name = "Deploy or configure production"
description = "no one both deploys and edits an environment"
holds = ["Packaged Component Deployment"]
excludes = ["Environment Management", "Environment Management Full Access"]
scope = "environments"
environments = ["Production"]
`
	if !bytes.HasSuffix(data, []byte(want)) {
		t.Fatalf("file ends:\n%s\nwant\n%s", data[bytes.LastIndex(data, []byte("[[environments]]")):], want)
	}
	got, ps := Decode("acct.toml", data)
	if HasErrors(ps) {
		t.Fatalf("errors: %v", ps)
	}
	if !reflect.DeepEqual(got, Canonical(a)) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", got.SeparationOfDuties, Canonical(a).SeparationOfDuties)
	}
	gotE, psE := decodeEncoded("acct.toml", data, Canonical(a), nil)
	if !reflect.DeepEqual(gotE, got) || !reflect.DeepEqual(psE, ps) {
		t.Fatalf("decodeEncoded differs from Decode: %v / %v", psE, ps)
	}
	if !bytes.Equal(Encode(got), data) {
		t.Fatal("encoding is not stable")
	}
	if plain := Encode(goodAccount()); bytes.Contains(plain, []byte("separation_of_duties")) {
		t.Fatal("a file without rules has their key")
	}
	// The load cache holds them too.
	freshCache(t)
	p := filepath.Join(t.TempDir(), "acct.toml")
	if _, err := Save(p, a, Stamp{}, SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if d := mustLoad(t, p); !reflect.DeepEqual(d.Account.SeparationOfDuties, Canonical(a).SeparationOfDuties) {
			t.Fatalf("loaded %+v", d.Account.SeparationOfDuties)
		}
	}
}

// Mistakes in the rules are errors at their lines.
func TestSoDDecodeErrors(t *testing.T) {
	head := string(Encode(goodAccount()))
	base := strings.Count(head, "\n")
	tests := []struct {
		name, rules string
		line        int // relative to the end of head
		subs        string
	}{
		{"an action account-wide", "\n[[separation_of_duties]]\nname = \"x\"\nholds = [\"Execute\"]\nexcludes = [\"Deploy\"]\nscope = \"account\"\n", 5, `names "deploy" in excludes, which is done in an environment (R18); use scope = "environments"`},
		{"unknown privilege", "\n[[separation_of_duties]]\nname = \"x\"\nholds = [\"Build\"]\nexcludes = [\"Execute\"]\nscope = \"account\"\n", 4, `unknown privilege "Build" in holds; use a privilege's current or old name, or "deploy" or "schedule" (R0)`},
		{"unknown environment", "\n[[separation_of_duties]]\nname = \"x\"\nholds = [\"Dashboard\"]\nexcludes = [\"Execute\"]\nscope = \"environments\"\nenvironments = [\"Staging\"]\n", 7, `names environment "Staging", which the account does not have (R12)`},
		{"same privilege on both sides", "\n[[separation_of_duties]]\nname = \"x\"\nholds = [\"Dashboard\"]\nexcludes = [\"dashboard\"]\nscope = \"account\"\n", 5, "on both sides"},
		{"duplicate name", "\n[[separation_of_duties]]\nname = \"x\"\nholds = [\"Dashboard\"]\nexcludes = [\"Execute\"]\nscope = \"account\"\n\n[[separation_of_duties]]\nname = \"X\"\nholds = [\"Licensing\"]\nexcludes = [\"Execute\"]\nscope = \"account\"\n", 9, "both called"},
		{"no scope", "\n[[separation_of_duties]]\nname = \"x\"\nholds = [\"Dashboard\"]\nexcludes = [\"Execute\"]\n", 2, "has no scope"},
		{"unknown key", "\n[[separation_of_duties]]\nname = \"x\"\nholds = [\"Dashboard\"]\nexcludes = [\"Execute\"]\nscope = \"account\"\nwho = 1\n", 7, `unknown key "who"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ps := Decode("acct.toml", []byte(head+tt.rules))
			var got []string
			for _, p := range Errors(ps) {
				got = append(got, p.String())
				if p.Line == base+tt.line && strings.Contains(p.String(), tt.subs) {
					return
				}
			}
			t.Errorf("want an error at line %d saying %q, got %v", base+tt.line, tt.subs, got)
		})
	}
}
