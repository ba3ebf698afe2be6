package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// prdiffDir copies testdata/prdiff/names into a fresh directory (memDir).
func prdiffDir(t *testing.T, names ...string) string {
	t.Helper()
	dir := memDir(t)
	for _, n := range names {
		data := readBytes(t, filepath.Join(repo, "testdata", "prdiff", n))
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// checkMarkdown fails on Markdown that would not render as meant: an
// unclosed code fence or <details>, a table row whose cell count differs
// from its header's (an unescaped "|" in a name splits a cell).
func checkMarkdown(t *testing.T, md string) {
	t.Helper()
	fences, open, close := 0, strings.Count(md, "<details>"), strings.Count(md, "</details>")
	cells := regexp.MustCompile(`(^|[^\\])\|`)
	header := 0
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fences++
		}
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		n := len(cells.FindAllString(line, -1))
		if header == 0 {
			header = n
		} else if n != header {
			t.Errorf("line %d: a table row with %d cell borders under a header with %d: %q", i+1, n, header, line)
		}
	}
	if fences%2 != 0 || open != close {
		t.Errorf("%d code fences, %d <details> and %d </details>:\n%s", fences, open, close, md)
	}
}

// The pull-request plan: one line per change with every user counted, long
// lists named in full in the details, names escaped where Markdown would
// read them.
func TestDiffMarkdown(t *testing.T) {
	t.Parallel()
	dir := prdiffDir(t, "old.toml", "new.toml")
	r := rc(t, dir, nil, "diff", "--format", "markdown", "old.toml", "new.toml")
	want(t, r, 0,
		"`old.toml` → `new.toml`",
		"```diff\n+ Production now lists Night | Ops *on call* in its Roles with Access\n",
		"+ 12 users can now deploy to Production: dev01@example.com, dev02@example.com, dev03@example.com, dev04@example.com, dev05@example.com, dev06@example.com, dev07@example.com, dev08@example.com, dev09@example.com, dev10@example.com and 2 more\n",
		"- 1 user is removed: wren@example.com\n",
		"- 1 user can no longer deploy to Development: x_y@example.com\n",
		// the full list of the shortened line
		"`+ 12 users can now deploy to Production`\n\n`dev01@example.com`, `dev02@example.com`",
		"`dev11@example.com`, `dev12@example.com`\n",
		// per user, with where a privilege came from
		"#### `x_y@example.com`",
		"- \\- loses **Packaged Component Deployment**: had it from `Night | Ops *on call*`",
		"| `QA \\| EU` | hidden | read\\+deploy\\+schedule |",
	)
	if strings.Contains(r.stdout, "Details cut") {
		t.Errorf("a small diff is cut:\n%s", r.stdout)
	}
	checkMarkdown(t, r.stdout)

	// --max-size cuts the details, says so, and keeps the summary whole.
	cut := rc(t, dir, nil, "diff", "--format", "markdown", "--max-size", "4000", "old.toml", "new.toml")
	want(t, cut, 0, "Details cut to stay under 4000 bytes", "full lists and the changes of", "+ 12 users can now deploy to Production: dev01")
	if len(cut.stdout) > 4000 {
		t.Errorf("%d bytes, over --max-size 4000", len(cut.stdout))
	}
	checkMarkdown(t, cut.stdout)
	tiny := rc(t, dir, nil, "diff", "--format", "markdown", "--max-size", "100", "old.toml", "new.toml")
	want(t, tiny, 0, "The summary alone is", "- 1 user is removed: wren@example.com")
	checkMarkdown(t, tiny.stdout)

	// --json is --format json; the flags are checked.
	j1, j2 := rc(t, dir, nil, "diff", "--json", "old.toml", "new.toml"), rc(t, dir, nil, "diff", "--format", "json", "old.toml", "new.toml")
	if j1.code != 0 || j1.stdout != j2.stdout {
		t.Errorf("--json and --format json differ:\n%s\n%s", j1, j2)
	}
	want(t, rc(t, dir, nil, "diff", "--json", "--format", "markdown", "old.toml", "new.toml"), 2, "disagree")
	want(t, rc(t, dir, nil, "diff", "--format", "html", "old.toml", "new.toml"), 2, "text, json or markdown")
	want(t, rc(t, dir, nil, "diff", "--max-size", "10", "old.toml", "new.toml"), 2, "--max-size is for --format markdown")
	want(t, rc(t, dir, nil, "diff", "--format", "markdown", "new.toml", "new.toml"), 0, "No change of access for anyone.")
}

// A CI-style run: the account file in a subdirectory of a repository with
// two commits, compared at a revision with the working file and between
// two revisions; hostile and unknown revisions are refused.
func TestDiffGitRevisions(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := prdiffDir(t, "old.toml", "new.toml")
	acct := filepath.Join("accounts", "rolecall.toml")
	if err := os.MkdirAll(filepath.Join(dir, "accounts"), 0o700); err != nil {
		t.Fatal(err)
	}
	// Two commits of the account file alone: old.toml's bytes, then
	// new.toml's, which the working file holds.
	var commits []map[string]gitFile
	for _, f := range []string{"old.toml", "new.toml"} {
		data := readBytes(t, filepath.Join(dir, f))
		commits = append(commits, map[string]gitFile{"accounts/rolecall.toml": {data: string(data)}})
		if err := os.WriteFile(filepath.Join(dir, acct), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	blobs := writeGitRepo(t, dir, commits...)
	want(t, rc(t, dir, nil, "-f", acct, "user", "add", "late@example.com", "--role", "Standard User"), 0)

	// HEAD~1 against the working file: both commits' changes and the edit.
	r := rc(t, dir, nil, "-f", acct, "diff", "HEAD~1")
	want(t, r, 0, "12 users now see Production", "late@example.com is added")
	// Two revisions: the second commit only.
	r = rc(t, dir, nil, "-f", acct, "diff", "HEAD~1", "HEAD")
	want(t, r, 0, "12 users now see Production")
	if strings.Contains(r.stdout, "late@example.com") {
		t.Errorf("the working file's edit is in a diff of two revisions:\n%s", r)
	}
	md := rc(t, dir, nil, "-f", acct, "diff", "--format", "markdown", "HEAD~1", "HEAD")
	want(t, md, 0, "`HEAD~1:accounts/rolecall.toml` → `HEAD:accounts/rolecall.toml`")
	checkMarkdown(t, md.stdout)
	// From the subdirectory, the path is found relative to the top.
	want(t, rc(t, filepath.Join(dir, "accounts"), nil, "diff", "HEAD"), 0, "late@example.com is added")
	// A file wins over a revision of the same name.
	if err := os.WriteFile(filepath.Join(dir, "HEAD"), readBytes(t, filepath.Join(dir, acct)), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "-f", acct, "diff", "HEAD"), 0, "no change for anyone")
	// A directory named like the revision says how to name the revision.
	if err := os.Mkdir(filepath.Join(dir, "HEAD~1"), 0o700); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "-f", acct, "diff", "HEAD~1"), 2, "HEAD~1 is a directory here, not an account file; for the git revision HEAD~1 write HEAD~1^{commit}")
	want(t, rc(t, dir, nil, "-f", acct, "diff", "HEAD~1^{commit}"), 0, "12 users now see Production")

	// Refused, exit 2, nothing written.
	out := filepath.Join(dir, "written")
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"diff", "--", "--output=" + out}, `starts with "-"`},
		{[]string{"diff", "--", "-p", "HEAD"}, `starts with "-"`},
		{[]string{"diff", "HEAD:other.toml"}, `holds ":"`},
		{[]string{"diff", "HEAD~7"}, "HEAD~7"},
		{[]string{"diff", "no-such.toml"}, "no-such.toml: no such file"},
		{[]string{"diff", "no-such-rev"}, `"no-such-rev": no such file, and git cannot read accounts/rolecall.toml at that revision`},
	} {
		r := rc(t, dir, nil, append([]string{"-f", acct}, tc.args...)...)
		want(t, r, 2, tc.says)
		if strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%v: more than one line on stderr:\n%s", tc.args, r.stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a hostile revision wrote %s", out)
	}

	// A repository whose settings would run a command to read the blob
	// (a partial clone missing it, whose promisor remote runs ssh): the
	// command never runs.
	if err := os.Remove(filepath.Join(dir, "HEAD")); err != nil {
		t.Fatal(err)
	}
	hash := blobs[filepath.ToSlash(acct)]
	if err := os.Remove(filepath.Join(dir, ".git", "objects", hash[:2], hash[2:])); err != nil {
		t.Fatal(err)
	}
	ran := filepath.Join(dir, "ran")
	// The settings, appended to the repository's configuration at once (a
	// git config process for each cost 10 ms of CPU); a later key wins
	// over the one git init wrote, and git config --list below shows
	// that git takes them.
	settings := [][2]string{{"core.repositoryformatversion", "1"}, {"extensions.partialClone", "origin"},
		{"remote.origin.url", "ssh://example.invalid/x"}, {"remote.origin.promisor", "true"},
		{"core.sshCommand", "touch " + ran + "; false"}}
	var conf strings.Builder
	for _, kv := range settings {
		section, key, _ := strings.Cut(kv[0], ".")
		if sub, k, ok := strings.Cut(key, "."); ok {
			fmt.Fprintf(&conf, "[%s %q]\n\t%s = %q\n", section, sub, k, kv[1])
		} else {
			fmt.Fprintf(&conf, "[%s]\n\t%s = %q\n", section, key, kv[1])
		}
	}
	cf, err := os.OpenFile(filepath.Join(dir, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cf.WriteString(conf.String())
	if cerr := cf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := procOutput(exec.Command("git", "-C", dir, "config", "--list", "--local"))
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]string{} // each key's value as git takes it: the last one
	for _, l := range strings.Split(string(got), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			last[strings.ToLower(k)] = v // git lists keys in lower case
		}
	}
	for _, kv := range settings {
		if last[strings.ToLower(kv[0])] != kv[1] {
			t.Fatalf("git takes %s=%q from the repository's configuration, want %q:\n%s", kv[0], last[strings.ToLower(kv[0])], kv[1], got)
		}
	}
	want(t, rc(t, dir, nil, "-f", acct, "diff", "HEAD"), 2, "git cannot read accounts/rolecall.toml at that revision")
	if _, err := os.Stat(ran); err == nil {
		t.Errorf("reading a revision ran the repository's core.sshCommand")
	}

	// Not in a repository.
	alone := prdiffDir(t, "new.toml")
	want(t, rc(t, alone, nil, "-f", "new.toml", "diff", "HEAD"), 2, "not a git repository")
}

// lint lists each kind of finding and exits 1; a tidy account exits 0.
func TestLintCommand(t *testing.T) {
	t.Parallel()
	dir := prdiffDir(t, "lint.toml")
	r := rc(t, dir, nil, "-f", "lint.toml", "lint")
	want(t, r, 1,
		"merge candidates (1):\n  \"Ops\" and \"Ops Copy\" grant the same 2 privileges: Execute and View Results",
		"grants nothing (1):\n  role \"Empty\" grants nothing",
		"unused (1):\n  role \"Orphan\" is unused",
		"vi@example.com: Base is covered by Derived",
		"ops@example.com: Ops is covered by Ops Copy",
		"administrators (2)", "hr@example.com   People Admins",
		"6 findings")
	// run@example.com's Runner Lite is the role Test lists: not redundant.
	if strings.Contains(r.stdout, "run@example.com") {
		t.Errorf("Runner Lite reported redundant though Test lists it:\n%s", r)
	}
	var j struct {
		Findings       int
		Administrators []struct{ User string }
		RedundantRoles []struct{ User, Role, CoveredBy string } `json:"redundant_roles"`
	}
	r = rc(t, dir, nil, "-f", "lint.toml", "lint", "--json")
	want(t, r, 1)
	decode(t, r, &j)
	if j.Findings != 6 || len(j.Administrators) != 2 || len(j.RedundantRoles) != 3 {
		t.Errorf("lint --json: %+v\n%s", j, r.stdout)
	}
	noNullLists(t, object(t, r), "", nil)

	demoDir, _ := demo(t)
	want(t, rc(t, demoDir, nil, "lint"), 0, "no finding", "ada@example.com  Administrator")
}

// At a revision the account file is a symbolic link or a directory: diff
// says so, not that a path is bad TOML or that git cannot read it.
func TestDiffGitRevisionNotAFile(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := prdiffDir(t, "old.toml")
	// A link committed alone, then a directory (with old.toml), which the
	// working tree holds.
	if err := os.Mkdir(filepath.Join(dir, "rolecall.toml"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rolecall.toml", "x"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeGitRepo(t, dir,
		map[string]gitFile{"rolecall.toml": {data: "/etc/passwd", link: true}},
		map[string]gitFile{"old.toml": {data: string(readBytes(t, filepath.Join(dir, "old.toml")))}, "rolecall.toml/x": {data: "x"}})
	for _, tc := range []struct{ rev, says string }{
		{"HEAD~1", `HEAD~1:rolecall.toml is a symbolic link to "/etc/passwd" at that revision, not an account file`},
		{"HEAD", "at that revision rolecall.toml is a directory, not an account file"},
	} {
		r := rc(t, dir, nil, "diff", tc.rev, "old.toml")
		want(t, r, 2, tc.says)
		if strings.Contains(r.stderr, "TOML syntax") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%s: %s", tc.rev, r.stderr)
		}
	}
}
