package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// groupFiles copies testdata/groups (a primary, Acme Primary, whose group
// EMEA shares Cannot View Data and Release Manager with EMEA Sales and
// EMEA Ops; gina is a group user and a direct user of EMEA Sales) to a new
// directory.
func groupFiles(t *testing.T) string {
	t.Helper()
	dir := memDir(t)
	for _, f := range []string{"acme.toml", "emea-sales.toml", "emea-ops.toml"} {
		b, err := os.ReadFile(filepath.Join(repo, "testdata", "groups", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGroupScenario(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	// A member's user holds a shared role: the answer names the role, the
	// primary and the group (R26).
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "explain", "dana@example.com"), 0,
		"Execute       Cannot View Data (shared) from Acme Primary via EMEA group")
	// gina is a group user, and a direct user of EMEA Sales: there only
	// her direct roles count; in EMEA Ops the group's (R25).
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "explain", "gina@example.com"), 0, "roles: Standard User")
	r := rc(t, dir, nil, "-f", "emea-ops.toml", "explain", "gina@example.com")
	want(t, r, 0, "Cannot View Data (shared) from Acme Primary via EMEA group")
	// Who can across the group (R26).
	want(t, rc(t, dir, nil, "-f", "acme.toml", "who-can", "Execute", "--group"), 0,
		"Execute account-wide, across the account group of Acme Primary: 7 users in 3 accounts", "EMEA Sales (emea-sales.toml)")
	// An edit of a shared role in the primary reaches every member (R22).
	want(t, rc(t, dir, nil, "-f", "acme.toml", "role", "edit", "Cannot View Data", "--add", "Dashboard"), 0,
		"in member emea-sales.toml, through its view:", "dana@example.com gains Dashboard")
	// Refused: removing a shared role held in the group names account and
	// users (R24); editing it in a member (R21); listing it on a member's
	// environment (R21).
	before := readBytes(t, filepath.Join(dir, "acme.toml"))
	want(t, rc(t, dir, nil, "-f", "acme.toml", "role", "rm", "Cannot View Data"), 1,
		"cannot be removed while it is held in EMEA Ops (emea-ops.toml): kai@example.com; EMEA Sales (emea-sales.toml): dana@example.com", "gina@example.com", "(R24)")
	if string(readBytes(t, filepath.Join(dir, "acme.toml"))) != string(before) {
		t.Errorf("a refused removal changed the primary")
	}
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "role", "edit", "Cannot View Data (shared)", "--add", "Dashboard"), 1, "(R21)")
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "env", "allow", "Production", "Cannot View Data (shared)"), 1, "(R21)")
	// Un-sharing: the what-if first, naming every file and who is left
	// without a role, then the edit, all files or none (R23).
	sales := readBytes(t, filepath.Join(dir, "emea-sales.toml"))
	r = rc(t, dir, nil, "-f", "acme.toml", "group", "unshare", "EMEA", "Cannot View Data", "--dry-run")
	want(t, r, 0, "nothing was written", "emea-sales.toml: written", "dana@example.com loses access to this account: no role is left", "can no longer sign in to that account (R23)")
	if string(readBytes(t, filepath.Join(dir, "emea-sales.toml"))) != string(sales) {
		t.Fatalf("--dry-run wrote a member")
	}
	r = rc(t, dir, nil, "-f", "acme.toml", "group", "unshare", "EMEA", "Cannot View Data")
	want(t, r, 0, "done", "dana@example.com loses access to this account")
	for f, gone := range map[string]string{"acme.toml": `"Cannot View Data", "Release Manager"`, "emea-sales.toml": "dana@example.com", "emea-ops.toml": "Cannot View Data (shared)"} {
		if strings.Contains(string(readBytes(t, filepath.Join(dir, f))), gone) {
			t.Errorf("%s still holds %s after un-sharing", f, gone)
		}
	}
	for _, f := range []string{"acme.toml", "emea-sales.toml", "emea-ops.toml"} {
		want(t, rc(t, dir, nil, "-f", f, "validate"), 0)
		if log := rc(t, dir, nil, "-f", f, "log"); !strings.Contains(log.stdout, "unshare role Cannot View Data from group EMEA") {
			t.Errorf("%s has no audit entry of the un-share:\n%s", f, log.stdout)
		}
	}
	// Group users and members.
	want(t, rc(t, dir, nil, "-f", "emea-ops.toml", "group", "add-user", "EMEA", "lee@example.com", "--role", "Release Manager", "--name", "Lee"), 0, "done")
	want(t, rc(t, dir, nil, "-f", "emea-ops.toml", "explain", "lee@example.com"), 0, "Release Manager (shared)")
	want(t, rc(t, dir, nil, "-f", "acme.toml", "group", "list", "--json"), 0, `"email": "lee@example.com"`)
}

// validate checks a member with its group: a shared role name that no
// group shares with it is an error there (R21), though the file alone
// cannot tell.
func TestGroupValidate(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "validate"), 0, "no errors")
	p := filepath.Join(dir, "emea-sales.toml")
	b := strings.Replace(string(readBytes(t, p)), `roles = ["Cannot View Data (shared)"]`, `roles = ["Nope (shared)"]`, 1)
	os.WriteFile(p, []byte(b), 0o600)
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "validate"), 1, `holds role "Nope (shared)", which no account group of this account's primary shares with it`, "(R21)")
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "explain", "dana@example.com"), 2, "(R21)")
}

func TestGroupEditJSON(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	var out struct {
		Edit    string `json:"edit"`
		Written bool   `json:"written"`
		Files   []struct {
			File       string   `json:"file"`
			Written    bool     `json:"written"`
			LostAccess []string `json:"lost_access"`
		} `json:"files"`
		Notes []string `json:"notes"`
	}
	decode(t, rc(t, dir, nil, "-f", "acme.toml", "group", "rm-member", "EMEA", "emea-sales.toml", "--dry-run", "--json"), &out)
	if out.Written || out.Edit != "remove member emea-sales.toml from group EMEA" || len(out.Files) == 0 {
		t.Fatalf("%+v", out)
	}
	found := false
	for _, f := range out.Files {
		if f.File == "emea-sales.toml" && f.Written && slices.Contains(f.LostAccess, "dana@example.com") && slices.Contains(f.LostAccess, "omar@example.com") {
			found = true
		}
	}
	if !found {
		t.Errorf("removing EMEA Sales does not say dana (a user of it) and omar (a group user) are left without a role there: %+v", out.Files)
	}
}

// diff --group: two versions of a primary, and what changes in each
// member through its view (R22).
func TestGroupDiff(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	want(t, rc(t, dir, nil, "-f", "acme.toml", "role", "edit", "Cannot View Data", "--add", "Dashboard"), 0)
	r := rc(t, dir, nil, "diff", "--group", "acme.toml.bak", "acme.toml")
	want(t, r, 0, "in member emea-sales.toml:\n  dana@example.com gains Dashboard", "in member emea-ops.toml:\n  kai@example.com and gina@example.com gain Dashboard")
	var out struct {
		Members []struct {
			File    string   `json:"file"`
			Summary []string `json:"summary"`
		} `json:"members"`
	}
	r = rc(t, dir, nil, "diff", "--group", "--json", "acme.toml.bak", "acme.toml")
	decode(t, r, &out)
	if len(out.Members) != 2 {
		t.Fatalf("diff --group --json: %+v", out)
	}
	// Its lists are [], never null, the primary's (an embedded part of
	// the answer) as the members'.
	if strings.Contains(r.stdout, "null") || !strings.Contains(r.stdout, `"users": [],`) || !strings.Contains(r.stdout, `"new_violations": []`) {
		t.Errorf("diff --group --json writes null lists:\n%s", r.stdout)
	}
	// Without --group, the primary alone: nothing changes there.
	want(t, rc(t, dir, nil, "diff", "acme.toml.bak", "acme.toml"), 0, "no change for anyone")

	// A rule the new primary breaks is said, with --group as without.
	rule := "\n[[separation_of_duties]]\nname = \"Admins do not audit\"\nholds = [\"User Management\"]\nexcludes = [\"View Audit Logs\"]\nscope = \"account\"\n"
	f, err := os.OpenFile(filepath.Join(dir, "acme.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(rule); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want(t, rc(t, dir, nil, "diff", "acme.toml.bak", "acme.toml"), 0, "new violation of separation of duties", `rule "Admins do not audit"`)
	want(t, rc(t, dir, nil, "diff", "--group", "acme.toml.bak", "acme.toml"), 0, "in the primary (acme.toml):\n  no change for anyone\n  1 new violation of separation of duties:\n    ", `rule "Admins do not audit"`)
	r = rc(t, dir, nil, "diff", "--group", "--json", "acme.toml.bak", "acme.toml")
	var nv struct {
		NewViolations []json.RawMessage `json:"new_violations"`
	}
	decode(t, r, &nv)
	if len(nv.NewViolations) != 1 {
		t.Errorf("diff --group --json: %d new violations, want 1:\n%s", len(nv.NewViolations), r.stdout)
	}
}

// add-member --account records the member's Boomi account id in the
// primary, and links the member's file to its primary.
func TestGroupAddMemberAccount(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	want(t, rc(t, dir, nil, "-f", "emea-new.toml", "init", "--empty"), 0)
	want(t, rc(t, dir, nil, "-f", "acme.toml", "group", "add-member", "EMEA", "emea-new.toml", "--account", "new-7QX"), 0, "done")
	if b := string(readBytes(t, filepath.Join(dir, "acme.toml"))); !strings.Contains(b, "file = \"emea-new.toml\"\nboomi_account = \"new-7QX\"") {
		t.Errorf("the member's account id is not in the primary:\n%s", b)
	}
	if b := string(readBytes(t, filepath.Join(dir, "emea-new.toml"))); !strings.Contains(b, `primary = "acme.toml"`) {
		t.Errorf("the member does not name its primary:\n%s", b)
	}
}

// testdata/groups-apart keeps each account in its own directory: the
// primary acme/acme.toml lists ../ops/emea-ops.toml, which names it back
// as ../acme/acme.toml. Every command works from any directory, and a
// member added from another directory is given the way back to the
// primary. Before, the way back was read relative to the primary's file
// as opened and every command on the group was refused (R20), and
// add-member wrote "../../acme.toml".
func TestGroupMembersInOtherDirectories(t *testing.T) {
	t.Parallel()
	dir := memDir(t)
	for _, f := range []string{"acme/acme.toml", "ops/emea-ops.toml", "west/west.toml"} {
		b := readBytes(t, filepath.Join(repo, "testdata", "groups-apart", f))
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	at := func(sub string) string { return filepath.Join(dir, sub) }
	const shared = "Execute                         Cannot View Data (shared) from Acme Primary via EMEA group"
	want(t, rc(t, at("ops"), nil, "-f", "emea-ops.toml", "explain", "kai@example.com"), 0, shared)
	want(t, rc(t, dir, nil, "-f", "ops/emea-ops.toml", "explain", "kai@example.com"), 0, shared)
	want(t, rc(t, at("west"), nil, "-f", "../ops/emea-ops.toml", "explain", "kai@example.com"), 0, shared)
	want(t, rc(t, at("acme"), nil, "-f", "acme.toml", "validate"), 0, "ok")
	want(t, rc(t, dir, nil, "-f", "acme/acme.toml", "validate"), 0, "ok")
	want(t, rc(t, at("ops"), nil, "-f", "emea-ops.toml", "validate"), 0, "ok")
	want(t, rc(t, at("acme"), nil, "-f", "acme.toml", "who-can", "Execute", "--group"), 0, "EMEA Ops (../ops/emea-ops.toml)", "kai@example.com   Cannot View Data (shared)")

	// A member added from the primary's directory is told the way back.
	want(t, rc(t, at("acme"), nil, "-f", "acme.toml", "group", "add-member", "EMEA", "../west/west.toml"), 0, "../west/west.toml: written")
	if w := string(readBytes(t, at("west/west.toml"))); !strings.Contains(w, `primary = "../acme/acme.toml"`) {
		t.Errorf("west.toml does not name its primary the way back:\n%s", w)
	}
	want(t, rc(t, at("west"), nil, "-f", "west.toml", "validate"), 0, "ok")
	want(t, rc(t, at("west"), nil, "-f", "west.toml", "explain", "gina@example.com"), 0, "Cannot View Data (shared) from Acme Primary via EMEA group")
	want(t, rc(t, dir, nil, "-f", "acme/acme.toml", "group", "rm-member", "EMEA", "../west/west.toml"), 0)

	// The primary opened through a link to its directory, by -f or from
	// inside it (a shell's $PWD keeps the link): the way back is measured
	// from the real directory, and add-member writes that one.
	if err := os.Symlink("acme", at("acme-link")); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "-f", "acme-link/acme.toml", "validate", "--strict"), 0, "ok")
	want(t, rc(t, at("acme-link"), []string{"PWD=" + at("acme-link")}, "-f", "acme.toml", "validate", "--strict"), 0, "ok")
	if err := os.WriteFile(at("west/west.toml"), readBytes(t, filepath.Join(repo, "testdata", "groups-apart", "west", "west.toml")), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "-f", "acme-link/acme.toml", "group", "add-member", "EMEA", "../west/west.toml"), 0, "../west/west.toml: written")
	if w := string(readBytes(t, at("west/west.toml"))); !strings.Contains(w, `primary = "../acme/acme.toml"`) {
		t.Errorf("west.toml, added through the link, does not name the primary's real directory:\n%s", w)
	}
	want(t, rc(t, dir, nil, "-f", "acme/acme.toml", "validate", "--strict"), 0, "ok")

	// A member's file is written relative to the primary's: an absolute
	// one is refused before anything is looked for.
	r := rc(t, dir, nil, "-f", "acme/acme.toml", "group", "add-member", "EMEA", at("west/west.toml"))
	want(t, r, 2, "is absolute; write it relative")
	if strings.Contains(r.stderr, "create it first") || strings.Contains(r.stderr, "()") {
		t.Errorf("an absolute member file is said to be missing, or cited with no rule:\n%s", r.stderr)
	}

	// A member naming its primary through the link is refused from both
	// sides alike, with the way back it should name.
	ops := string(readBytes(t, at("ops/emea-ops.toml")))
	if err := os.WriteFile(at("ops/emea-ops.toml"), []byte(strings.Replace(ops, `primary = "../acme/acme.toml"`, `primary = "../acme-link/acme.toml"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"acme/acme.toml", "ops/emea-ops.toml"} {
		want(t, rc(t, dir, nil, "-f", f, "validate"), 1, `names "../acme-link/acme.toml" as its primary; from where it is, the primary is "../acme/acme.toml"`)
	}
}
