package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rolecall/model"
)

// groupDir writes a primary (acme/acme.toml) with one group listing two
// members (emea/m1.toml, emea/m2.toml), each naming it back.
func groupDir(t *testing.T) (dir, primary, m1, m2 string) {
	t.Helper()
	dir = t.TempDir()
	os.MkdirAll(filepath.Join(dir, "acme"), 0o700)
	os.MkdirAll(filepath.Join(dir, "emea"), 0o700)
	p := goodAccount()
	p.Groups = []model.AccountGroup{{Name: "EMEA", SharedRoles: []string{"Cannot View Data"},
		Members: []model.GroupMember{{File: "../emea/m1.toml"}, {File: "../emea/m2.toml"}},
		Users:   []model.GroupUser{{Email: "gina@example.com", Roles: []string{"Cannot View Data"}}}}}
	primary = filepath.Join(dir, "acme", "acme.toml")
	m1, m2 = filepath.Join(dir, "emea", "m1.toml"), filepath.Join(dir, "emea", "m2.toml")
	for f, a := range map[string]*model.Account{primary: p, m1: groupMember("../acme/acme.toml"), m2: groupMember("../acme/acme.toml")} {
		if err := os.WriteFile(f, Encode(a), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, primary, m1, m2
}

func TestLoadGroup(t *testing.T) {
	_, primary, m1, _ := groupDir(t)
	for _, start := range []string{primary, m1} {
		set, ps, err := LoadGroup(start)
		if err != nil || HasErrors(ps) {
			t.Fatalf("%s: %v %v", start, err, ps)
		}
		if set.PrimaryFile != primary && !sameFile(set.PrimaryFile, primary) || set.Primary.Name != "Acme Integration" || len(set.Members) != 2 || set.Members["../emea/m1.toml"] == nil {
			t.Fatalf("%s: %+v", start, set)
		}
	}
}

func TestLoadGroupProblems(t *testing.T) {
	dir, primary, m1, m2 := groupDir(t)
	// m1 names another primary; m2 is missing; a third member is a FIFO;
	// a fourth is the primary itself.
	other := groupMember("../elsewhere.toml")
	os.WriteFile(m1, Encode(other), 0o600)
	os.Remove(m2)
	syscall.Mkfifo(filepath.Join(dir, "emea", "fifo.toml"), 0o600)
	doc := mustLoad(t, primary)
	a := doc.Account
	a.Groups[0].Members = append(a.Groups[0].Members, model.GroupMember{File: "../emea/fifo.toml"}, model.GroupMember{File: "acme.toml"})
	os.WriteFile(primary, Encode(a), 0o600)
	set, ps, err := LoadGroup(primary)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Members) != 0 {
		t.Errorf("members loaded: %v", set.Members)
	}
	text := fmt.Sprint(ps)
	for _, want := range []string{`"../emea/m1.toml" of group "EMEA" names another primary`, `"../emea/m2.toml" of group "EMEA" cannot be read`,
		`"../emea/fifo.toml" of group "EMEA" cannot be read`, `not a regular file`, `lists the primary's own file "acme.toml"`} {
		if !strings.Contains(text, want) {
			t.Errorf("no problem %q in\n%s", want, strings.ReplaceAll(text, "} {", "}\n{"))
		}
	}
	for _, p := range ps {
		if p.Path == primary && strings.Contains(p.Message, "m2.toml") {
			data := readString(t, primary)
			line := strings.Split(data, "\n")[p.Line-1]
			if line != `file = "../emea/m2.toml"` {
				t.Errorf("problem at line %d: %q", p.Line, line)
			}
		}
	}
	// A primary naming a primary: refused.
	b := mustLoad(t, primary).Account
	b.Primary = "../emea/m1.toml"
	os.WriteFile(primary, Encode(b), 0o600)
	os.WriteFile(m1, Encode(groupMember("../acme/acme.toml")), 0o600)
	if _, _, err := LoadGroup(m1); err == nil || !strings.Contains(err.Error(), "names a primary itself") {
		t.Errorf("nested: %v", err)
	}
}

func addUser(a *model.Account, email string) {
	a.Users = append(a.Users, model.User{Email: email, Roles: []string{model.StandardUser}})
}

func TestUpdateGroup(t *testing.T) {
	_, primary, m1, m2 := groupDir(t)
	got, err := UpdateGroup(primary, []string{m1, m2}, SaveOptions{Actor: "test"}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		for _, a := range as {
			addUser(a, "new@example.com")
		}
		return as, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{primary, m1, m2} {
		if !strings.Contains(readString(t, f), "new@example.com") || got[f] == nil {
			t.Errorf("%s not written", f)
		}
		if es, _ := ReadAudit(f); len(es) != 1 || !es[0].Landed || es[0].Frontend != "test" {
			t.Errorf("%s audit: %+v", f, es)
		}
		if _, err := os.Stat(f + ".bak"); err != nil {
			t.Errorf("%s: no backup", f)
		}
	}
	if _, err := os.Stat(primary + groupTxnSuffix); !os.IsNotExist(err) {
		t.Error("record left")
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(m1), "*group-txn*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// One invalid account: nothing is written.
	before := []string{readString(t, primary), readString(t, m1), readString(t, m2)}
	_, err = UpdateGroup(primary, []string{m1, m2}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		addUser(as[primary], "x@example.com")
		as[m2].Users = append(as[m2].Users, model.User{Email: "y@example.com", Roles: []string{"Ghost"}})
		return as, nil
	})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Path != m2 {
		t.Fatalf("invalid member: %v", err)
	}
	// The group hook refuses too.
	check := validateGroup
	validateGroup = func(set *model.GroupSet) model.Problems {
		if len(set.Members) != 2 {
			return model.Problems{{Severity: model.Error, Message: fmt.Sprintf("members %d", len(set.Members))}}
		}
		return model.Problems{{Severity: model.Error, Message: "group says no"}}
	}
	_, err = UpdateGroup(primary, []string{m1, m2}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		addUser(as[m1], "z@example.com")
		return as, nil
	})
	validateGroup = check
	if err == nil || !strings.Contains(err.Error(), "group says no") {
		t.Fatalf("hook: %v", err)
	}
	for i, f := range []string{primary, m1, m2} {
		if readString(t, f) != before[i] {
			t.Errorf("%s changed", f)
		}
	}
	// The same file twice, a missing file: refused.
	if _, err := UpdateGroup(primary, []string{m1, filepath.Join(filepath.Dir(m1), ".", "m1.toml")}, SaveOptions{}, nil); err == nil {
		t.Error("one file twice")
	}
	if _, err := UpdateGroup(primary, []string{m1 + ".nope"}, SaveOptions{}, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

// A member that is a FIFO or a dangling link is refused as Save refuses
// it, and nothing is written; a link to a file is followed (the target is
// written, the link stays).
func TestUpdateGroupRefusesFiles(t *testing.T) {
	dir, primary, m1, _ := groupDir(t)
	fifo := filepath.Join(dir, "fifo.toml")
	syscall.Mkfifo(fifo, 0o600)
	dangling := filepath.Join(dir, "dangling.toml")
	os.Symlink(filepath.Join(dir, "nope.toml"), dangling)
	before := readString(t, primary)
	for _, bad := range []string{fifo, dangling} {
		_, err := UpdateGroup(primary, []string{m1, bad}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
			addUser(as[primary], "x@example.com")
			return as, nil
		})
		var re *ReadError
		if !errors.As(err, &re) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if readString(t, primary) != before {
		t.Error("primary written")
	}
	link := filepath.Join(dir, "link.toml")
	os.Symlink(m1, link)
	if _, err := UpdateGroup(primary, []string{link}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		addUser(as[primary], "x@example.com")
		addUser(as[link], "x@example.com")
		return as, nil
	}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 || !strings.Contains(readString(t, m1), "x@example.com") {
		t.Error("link not followed")
	}
}

// stopBeforeRenames runs a group update of the three files that stops
// (panics, as a crash would) at the given step, leaving the record.
func stopAt(t *testing.T, primary string, others []string, step string, at int) {
	t.Helper()
	groupTxnHook = func(s string, i int, _ string) {
		if s == step && i == at {
			panic("crash")
		}
	}
	defer func() {
		groupTxnHook = nil
		if recover() == nil {
			t.Fatal("no crash")
		}
	}()
	UpdateGroup(primary, others, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		for _, a := range as {
			a.Name += " v2"
		}
		return as, nil
	})
}

func names(t *testing.T, files ...string) []string {
	var out []string
	for _, f := range files {
		d := mustLoad(t, f)
		if d.HasErrors() {
			t.Fatalf("%s: %v", f, d.Problems)
		}
		out = append(out, d.Account.Name)
	}
	return out
}

func TestRecoverGroupRollsForward(t *testing.T) {
	for _, tc := range []struct {
		step string
		at   int
	}{{"record", -1}, {"renamed", 0}, {"renamed", 1}, {"renamed", 2}} {
		t.Run(fmt.Sprint(tc.step, tc.at), func(t *testing.T) {
			_, primary, m1, m2 := groupDir(t)
			stopAt(t, primary, []string{m1, m2}, tc.step, tc.at)
			if _, err := os.Stat(primary + groupTxnSuffix); err != nil {
				t.Fatal("no record")
			}
			rec, err := RecoverGroup(primary, SaveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if want := 2 - tc.at; rec.RolledForward != min(want, 3) {
				t.Errorf("rolled forward %d, want %d", rec.RolledForward, want)
			}
			for _, n := range names(t, primary, m1, m2) {
				if !strings.HasSuffix(n, " v2") {
					t.Errorf("not finished: %v", names(t, primary, m1, m2))
				}
			}
			for _, f := range []string{primary, m1, m2} {
				if es, _ := ReadAudit(f); len(es) != 1 || !es[0].Landed {
					t.Errorf("%s: audit %+v", f, es)
				}
			}
			if rec, err := RecoverGroup(primary, SaveOptions{}); rec != nil || err != nil {
				t.Errorf("second recovery: %v %v", rec, err)
			}
		})
	}
	// LoadGroup and UpdateGroup finish it too.
	_, primary, m1, m2 := groupDir(t)
	stopAt(t, primary, []string{m1, m2}, "renamed", 0)
	set, _, err := LoadGroup(m2)
	if err != nil || !strings.HasSuffix(set.Members["../emea/m2.toml"].Name, " v2") {
		t.Fatalf("LoadGroup: %v", err)
	}
	_, primary, m1, m2 = groupDir(t)
	stopAt(t, primary, []string{m1, m2}, "renamed", 1)
	if _, err := UpdateGroup(primary, []string{m1}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) { return as, nil }); err != nil {
		t.Fatal(err)
	}
	if n := names(t, m2); n[0] != "EMEA Sales v2" {
		t.Errorf("m2 not rolled forward: %v", n)
	}
}

// A record whose update cannot be finished is reported, file by file,
// and nothing is done; one where nothing changed and new bytes are gone is
// removed.
func TestRecoverGroupReports(t *testing.T) {
	_, primary, m1, m2 := groupDir(t)
	stopAt(t, primary, []string{m1, m2}, "renamed", 0)
	os.WriteFile(m2, Encode(groupMember("../acme/acme.toml").Clone()), 0o600) // unchanged bytes: still old
	d := mustLoad(t, m2).Account
	d.Name = "Edited by hand"
	os.WriteFile(m2, Encode(d), 0o600)
	_, err := RecoverGroup(primary, SaveOptions{})
	var te *GroupTxnError
	if !errors.As(err, &te) {
		t.Fatalf("%v", err)
	}
	states := map[string]string{}
	for _, f := range te.Files {
		states[filepath.Base(f.Path)] = f.State
	}
	if fmt.Sprint(states) != "map[acme.toml:new m1.toml:old m2.toml:changed]" {
		t.Errorf("states %v", states)
	}
	if !strings.Contains(err.Error(), "m1.toml holds its old bytes (its new bytes are in") {
		t.Errorf("report: %v", err)
	}
	if _, err := UpdateGroup(primary, []string{m1}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) { return as, nil }); !errors.As(err, &te) {
		t.Errorf("update went on: %v", err)
	}
	if _, ps, err := LoadGroup(primary); err != nil || !strings.Contains(fmt.Sprint(ps), "cannot be finished") {
		t.Errorf("LoadGroup: %v %v", err, ps)
	}

	// Nothing landed, and a temporary file is gone: the record goes.
	_, primary, m1, m2 = groupDir(t)
	stopAt(t, primary, []string{m1, m2}, "record", -1)
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(m1), ".m1.toml"+groupTempTag+"*"))
	if len(tmps) != 1 {
		t.Fatalf("temps %v", tmps)
	}
	os.Remove(tmps[0])
	rec, err := RecoverGroup(primary, SaveOptions{})
	if err != nil || !rec.RolledBack {
		t.Fatalf("%+v %v", rec, err)
	}
	if n := names(t, primary, m1, m2); strings.Contains(strings.Join(n, ""), "v2") {
		t.Errorf("changed: %v", n)
	}
}

func TestGroupKey(t *testing.T) {
	set, _, err := LoadGroup(filepath.Join("..", "testdata", "groups", "emea-sales.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, key string
		ok        bool
	}{
		{"../testdata/groups/acme.toml", "", true},
		{"../testdata/groups/./emea-sales.toml", "emea-sales.toml", true},
		{"../testdata/groups/emea-ops.toml", "emea-ops.toml", true},
		{"../testdata/cli/demo.toml", "", false},
	} {
		if key, ok := GroupKey(set, filepath.FromSlash(tc.path)); key != tc.key || ok != tc.ok {
			t.Errorf("GroupKey(%s) = %q %v, want %q %v", tc.path, key, ok, tc.key, tc.ok)
		}
	}
}

// An update that would leave the group breaking its own rules is refused
// by the model's check of the group (validateGroup, R20-R26) before
// anything is written, whatever front end made it: here a member made to
// name another primary, and a group user given a role the group does not
// share. Each account alone is still valid. A group in sibling
// directories, named back as "../acme/acme.toml", passes the same check.
func TestUpdateGroupChecksTheGroup(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(primary, m1 string, as map[string]*model.Account)
		subs string
	}{
		{"member names another primary", func(_, m1 string, as map[string]*model.Account) { as[m1].Primary = "../elsewhere.toml" }, `names "../elsewhere.toml" as its primary`},
		{"group user holds an unshared role", func(primary, _ string, as map[string]*model.Account) {
			as[primary].Groups[0].Users[0].Roles = []string{"Release Manager"}
		}, "neither a built-in role nor a role the group shares"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, primary, m1, m2 := groupDir(t)
			before := []string{readString(t, primary), readString(t, m1), readString(t, m2)}
			_, err := UpdateGroup(primary, []string{m1, m2}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
				tc.edit(primary, m1, as)
				return as, nil
			})
			var ie *InvalidError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.subs) {
				t.Fatalf("got %v, want a refusal saying %q", err, tc.subs)
			}
			for i, f := range []string{primary, m1, m2} {
				if readString(t, f) != before[i] {
					t.Errorf("%s changed", f)
				}
			}
		})
	}
	// The same group, edited within its rules, is written.
	_, primary, m1, m2 := groupDir(t)
	if _, err := UpdateGroup(primary, []string{m1, m2}, SaveOptions{}, func(as map[string]*model.Account) (map[string]*model.Account, error) {
		addUser(as[m1], "new@example.com")
		return as, nil
	}); err != nil {
		t.Fatalf("an edit within the group's rules: %v", err)
	}
}
