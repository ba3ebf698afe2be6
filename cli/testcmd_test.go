package cli_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rolecall test: access tests through the binary, on testdata/expect.

// expectFiles makes a new directory holding acme.toml (the demo account,
// testdata/cli/demo.toml) and acme.test.toml, its expectations, which pass
// (testdata/expect/acme.test.toml.in: not named .toml there, where every
// .toml file is an account file that the storage tests re-save).
func expectFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for from, to := range map[string]string{
		filepath.Join(repo, "testdata", "cli", "demo.toml"):            "acme.toml",
		filepath.Join(repo, "testdata", "expect", "acme.test.toml.in"): "acme.test.toml",
	} {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Line    int    `xml:"line,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitDoc {
	t.Helper()
	var doc junitDoc
	if err := xml.Unmarshal(readBytes(t, path), &doc); err != nil {
		t.Fatalf("the JUnit report does not parse: %v", err)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(doc.Suites))
	}
	return doc
}

// TestAccessTestsCI is what a CI job does: the expectations pass, an edit
// breaks one, and the run fails naming it, with the reason and the role.
func TestAccessTestsCI(t *testing.T) {
	t.Parallel()
	dir := expectFiles(t)
	// The default expectations file is beside the account.
	r := rc(t, dir, nil, "-f", "acme.toml", "test", "--junit", "report.xml")
	want(t, r, 0, "ok  \tacme.test.toml\t10 expectations against acme.toml, all passed")
	if strings.Contains(r.stdout, "--- PASS") {
		t.Errorf("passes listed without -v:\n%s", r)
	}
	doc := readJUnit(t, filepath.Join(dir, "report.xml"))
	if doc.Tests != 10 || doc.Failures != 0 || len(doc.Suites[0].Cases) != 10 {
		t.Fatalf("report: %d tests, %d failures, %d cases", doc.Tests, doc.Failures, len(doc.Suites[0].Cases))
	}
	want(t, rc(t, dir, nil, "test", "-v", "acme.test.toml"), 0, "--- PASS: only Ada administers users (acme.test.toml:55)")

	// The edit: Kai is given Production Support, which deploys to
	// Production.
	want(t, rc(t, dir, nil, "-f", "acme.toml", "user", "assign", "kai@example.com", "Production Support"), 0, "done")
	r = rc(t, dir, nil, "test", "acme.test.toml", "--junit", "report.xml")
	want(t, r, 1,
		"--- FAIL: only release managers and on-call deploy to Production (acme.test.toml:49)",
		"expected exactly 3 users who can deploy to Production; 1 added, 0 missing",
		"+ kai@example.com (not listed) can deploy to Production",
		"why: allowed: Packaged Component Deployment counts here (R18)",
		"holds Production Support, listed here (R13)",
		"FAIL\tacme.test.toml\t10 expectations against acme.toml: 9 passed, 1 failed")
	doc = readJUnit(t, filepath.Join(dir, "report.xml"))
	if doc.Tests != 10 || doc.Failures != 1 || doc.Suites[0].Failures != 1 {
		t.Fatalf("report: %d tests, %d failures", doc.Tests, doc.Failures)
	}
	failed := 0
	for _, c := range doc.Suites[0].Cases {
		if c.Failure == nil {
			continue
		}
		failed++
		if c.Name != "only release managers and on-call deploy to Production" || c.Line != 49 ||
			!strings.Contains(c.Failure.Message, "1 added") || !strings.Contains(c.Failure.Text, "+ kai@example.com (not listed)") ||
			!strings.Contains(c.Failure.Text, "holds Production Support, listed here (R13)") {
			t.Errorf("failed case: %+v", c)
		}
	}
	if failed != 1 {
		t.Errorf("%d failed cases, want 1", failed)
	}

	// --json says the same.
	r = rc(t, dir, nil, "test", "acme.test.toml", "--json")
	var out struct {
		Passed  bool `json:"passed"`
		Total   int  `json:"total"`
		Failed  int  `json:"failed"`
		Results []struct {
			Name     string `json:"name"`
			Line     int    `json:"line"`
			Passed   bool   `json:"passed"`
			Failures []struct {
				Summary string   `json:"summary"`
				Added   []string `json:"added"`
				Missing []string `json:"missing"`
			} `json:"failures"`
		} `json:"results"`
	}
	if r.code != 1 {
		t.Fatalf("--json: %s", r)
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("--json: %v\n%s", err, r)
	}
	if out.Passed || out.Total != 10 || out.Failed != 1 {
		t.Fatalf("--json: %+v", out)
	}
	for _, res := range out.Results {
		if !res.Passed && (res.Line != 49 || len(res.Failures) != 1 || strings.Join(res.Failures[0].Added, ",") != "kai@example.com" || len(res.Failures[0].Missing) != 0) {
			t.Errorf("--json result: %+v", res)
		}
	}
}

// TestAccessTestsBadInput: a file rolecall cannot run is exit 2, each
// problem at its line, and nothing is run.
func TestAccessTestsBadInput(t *testing.T) {
	t.Parallel()
	dir := expectFiles(t)
	cases := []struct {
		name, file string
		in         []string
	}{
		{"unknown key", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\ncna = \"Execute\"\n",
			[]string{"bad.test.toml:4: error: unknown key \"cna\" in [[expect]] #1", "the keys are name, user, can, cannot"}},
		{"wrong type", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\nenv = \"Production\"\ndeploys = \"yes\"\n",
			[]string{"bad.test.toml:5: error: [[expect]] #1: deploys must be true or false (no quotes), not a string"}},
		{"unknown user", "account = \"acme.toml\"\n\n[[expect]]\nuser = \"dan@example.com\"\ncan = \"Execute\"\n",
			[]string{"bad.test.toml:4: error: no user \"dan@example.com\" in the account (R10); did you mean \"dana@example.com\"?", "names 1 thing that acme.toml lacks"}},
		{"unknown user in who", "account = \"acme.toml\"\n[[only]]\nwho = [\n  \"ada@example.com\",\n  \"zed@example.com\",\n]\ncan = \"User Management\"\n",
			[]string{"bad.test.toml:5: error: no user \"zed@example.com\""}},
		{"unknown privilege", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\ncan = \"Exectue\"\n",
			[]string{"bad.test.toml:4: error: [[expect]] #1: no privilege \"Exectue\" (R0); did you mean \"Execute\"?"}},
		{"unknown environment", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\nenv = \"Prod\"\nsees = false\n",
			[]string{"bad.test.toml:4: error: no environment \"Prod\""}},
		{"unknown page", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\npage = \"Bild\"\nopens = \"full\"\n",
			[]string{"bad.test.toml:4: error: no page \"Bild\"; did you mean \"Build\"?"}},
		{"unknown action", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\npage = \"Build\"\ncan_do = \"Sav\"\n",
			[]string{"bad.test.toml:5: error: no action \"Sav\" on the Build page"}},
		{"bad page access", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\npage = \"Build\"\nopens = \"readonly\"\n",
			[]string{"bad.test.toml:5: error: [[expect]] #1: opens must be \"hidden\", \"read-only\" or \"full\""}},
		{"env missing", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\ndeploys = true\n",
			[]string{"bad.test.toml:2: error: [[expect]] #1: sees, access, deploys and schedules need env"}},
		{"nothing to test", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\n",
			[]string{"bad.test.toml:2: error: [[expect]] #1: nothing to test"}},
		{"only with two checks", "account = \"acme.toml\"\n[[only]]\nwho = []\ncan = \"Execute\"\ncannot = \"View Data\"\n",
			[]string{"bad.test.toml:2: error: [[only]] #1: an [[only]] tests one thing (it has 2)"}},
		{"only without who", "account = \"acme.toml\"\n[[only]]\ncan = \"Execute\"\n",
			[]string{"bad.test.toml:2: error: [[only]] #1: who is missing"}},
		{"syntax", "account = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\ncan = \"Execute\"\n",
			[]string{"bad.test.toml:3: error:"}},
		{"no expectations", "account = \"acme.toml\"\n",
			[]string{"holds no [[expect]] or [[only]]"}},
		{"unknown top-level key", "acount = \"acme.toml\"\n[[expect]]\nuser = \"dana@example.com\"\ncan = \"Execute\"\n",
			[]string{"bad.test.toml:1: error: unknown key \"acount\""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "bad.test.toml"), []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			r := rc(t, dir, nil, "test", "bad.test.toml", "--junit", "never.xml")
			want(t, r, 2, tc.in...)
			if r.stdout != "" {
				t.Errorf("stdout: %q", r.stdout)
			}
			if _, err := os.Lstat(filepath.Join(dir, "never.xml")); err == nil {
				t.Errorf("a report was written for a run that did not happen")
			}
		})
	}
	// A missing expectations file, and a missing account.
	want(t, rc(t, dir, nil, "test", "nothere.test.toml"), 2, "nothere.test.toml", "no such file")
	want(t, rc(t, dir, nil, "test"), 2, "rolecall.test.toml", "no such file")
	if err := os.WriteFile(filepath.Join(dir, "lost.test.toml"), []byte("account = \"lost.toml\"\n[[expect]]\nuser = \"a@b\"\ncan = \"Execute\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "test", "lost.test.toml"), 2, "lost.toml", "no such file")
}

// TestAccessTestsFiles: -f wins over the file's account (and says so); the
// JUnit report replaces a symbolic link at its path rather than writing
// through it; a member of an account group is tested in its view.
func TestAccessTestsFiles(t *testing.T) {
	t.Parallel()
	dir := expectFiles(t)
	other := filepath.Join(dir, "other.toml")
	if err := os.WriteFile(other, readBytes(t, filepath.Join(dir, "acme.toml")), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "-f", "other.toml", "test", "acme.test.toml"), 0,
		"note: testing other.toml (-f), not acme.toml (account at acme.test.toml:4)", "against other.toml")

	target := filepath.Join(dir, "target.txt")
	if err := os.WriteFile(target, []byte("keep me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "link.xml")); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "test", "acme.test.toml", "--junit", "link.xml"), 0, "ok")
	if got := string(readBytes(t, target)); got != "keep me\n" {
		t.Errorf("the report was written through the link: %q", got)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "link.xml")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("link.xml is not the report: %v %v", fi, err)
	}
	readJUnit(t, filepath.Join(dir, "link.xml"))
	if err := os.Mkdir(filepath.Join(dir, "adir"), 0o700); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "test", "acme.test.toml", "--junit", "adir"), 2, "cannot write the JUnit report adir", "is a directory")
	// A slip of the keyboard never puts the report in the account's or
	// the expectations' place.
	acct := string(readBytes(t, filepath.Join(dir, "acme.toml")))
	want(t, rc(t, dir, nil, "test", "acme.test.toml", "--junit", "acme.toml"), 2, "cannot write the JUnit report acme.toml", "ends in .toml")
	// Nor the audit trail, the backup or the lock (a new lock file would
	// let two writers in at once).
	want(t, rc(t, dir, nil, "user", "add", "-f", "acme.toml", "new@example.com", "--role", "Standard User"), 0)
	acct = string(readBytes(t, filepath.Join(dir, "acme.toml")))
	for _, side := range []string{"acme.toml.audit.jsonl", "acme.toml.bak", "acme.toml.lock"} {
		before, err := os.Stat(filepath.Join(dir, side))
		if err != nil {
			t.Fatal(err)
		}
		want(t, rc(t, dir, nil, "test", "acme.test.toml", "--junit", side), 2, "which the report is about")
		if after, err := os.Stat(filepath.Join(dir, side)); err != nil || !os.SameFile(before, after) {
			t.Errorf("%s was replaced", side)
		}
	}
	if err := os.Rename(filepath.Join(dir, "acme.test.toml"), filepath.Join(dir, "acme.tests")); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "test", "acme.tests", "--junit", "acme.tests"), 2, "which the report is about")
	if string(readBytes(t, filepath.Join(dir, "acme.toml"))) != acct || !strings.Contains(string(readBytes(t, filepath.Join(dir, "acme.tests"))), "[[expect]]") {
		t.Errorf("a file the report is about was replaced")
	}

	// A member account: its users' shared roles come from the primary.
	gdir := groupFiles(t)
	member := "[[expect]]\nuser = \"dana@example.com\"\ncan = \"Execute\"\n\n[[expect]]\nuser = \"dana@example.com\"\ncannot = \"Execute\"\n"
	if err := os.WriteFile(filepath.Join(gdir, "emea-sales.test.toml"), []byte(member), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, gdir, nil, "-f", "emea-sales.toml", "test"), 1,
		"--- FAIL: dana@example.com cannot hold Execute (emea-sales.test.toml:5)",
		"from: Cannot View Data (shared) ticks it from Acme Primary via EMEA group",
		"1 passed, 1 failed")
}

// TestAccessTestsReadme runs the README's example expectations file on the
// demo account: it passes, and the README's edit breaks it as shown.
func TestAccessTestsReadme(t *testing.T) {
	t.Parallel()
	readme := string(readBytes(t, filepath.Join(repo, "README.md")))
	_, sec, ok := strings.Cut(readme, "\n## Access tests\n")
	if !ok {
		t.Fatal("README has no Access tests section")
	}
	_, block, ok := strings.Cut(sec, "```toml\n")
	if !ok {
		t.Fatal("the Access tests section has no toml example")
	}
	block, _, _ = strings.Cut(block, "```")
	dir, _ := demo(t)
	if err := os.WriteFile(filepath.Join(dir, "rolecall.test.toml"), []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "test"), 0, "ok  \trolecall.test.toml\t6 expectations against rolecall.toml, all passed")
	want(t, rc(t, dir, nil, "user", "assign", "kai@example.com", "Production Support"), 0)
	r := rc(t, dir, nil, "test")
	want(t, r, 1)
	_, console, _ := strings.Cut(sec, "$ rolecall test\n--- FAIL")
	console, _, _ = strings.Cut(console, "$ echo $?")
	for _, line := range strings.Split(strings.TrimSpace("--- FAIL"+console), "\n") {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("the README shows %q; the run printed\n%s", line, r.stdout)
		}
	}
}

// TestAccessTestsEscapes: names from the expectations file reach the
// terminal and the report with their control characters made visible.
func TestAccessTestsEscapes(t *testing.T) {
	t.Parallel()
	dir := expectFiles(t)
	file := "account = \"acme.toml\"\n[[expect]]\nname = \"\\u001b]52;c;aGk=\\u0007 red \\u001b[31m \\u202e\"\nuser = \"dana@example.com\"\ncan = \"View Data\"\n"
	if err := os.WriteFile(filepath.Join(dir, "esc.test.toml"), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	r := rc(t, dir, nil, "test", "esc.test.toml", "--junit", "esc.xml")
	want(t, r, 1, `--- FAIL: \x1b]52;c;aGk=\x07 red \x1b[31m \u202e (esc.test.toml:2)`)
	report := readBytes(t, filepath.Join(dir, "esc.xml"))
	for _, out := range [][]byte{[]byte(r.stdout), []byte(r.stderr), report} {
		if strings.ContainsAny(string(out), "\x1b\x07\u202e") {
			t.Errorf("a raw control character got through: %q", out)
		}
	}
	readJUnit(t, filepath.Join(dir, "esc.xml"))
}

// More errors than are listed: the closing line counts every one, as
// validate does, for an expectations file and an account file alike.
func TestErrorsCountedPastTheList(t *testing.T) {
	t.Parallel()
	dir := expectFiles(t)
	var b strings.Builder
	for i := range 1100 {
		b.WriteString("[[expect]]\nuser = \"ada@example.com\"\ncan = \"Execute\"\nzz" + strconv.Itoa(i) + " = 1\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "many.test.toml"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "-f", "acme.toml", "test", "many.test.toml"), 2, "many.test.toml has 1100 errors; no test was run")
	acct := string(readBytes(t, filepath.Join(dir, "acme.toml")))
	for i := range 1100 {
		acct += "\n[[users]]\nemail = \"u" + strconv.Itoa(i) + "@example.com\"\nroles = [\"Nope\"]\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.toml"), []byte(acct), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, rc(t, dir, nil, "-f", "bad.toml", "lint"), 2, "bad.toml has 1100 errors; fix them first")
}
