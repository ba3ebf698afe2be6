package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// rolecall report, run as a process on testdata/report and the demo.

const reportEpoch = "SOURCE_DATE_EPOCH=1700000000" // 2023-11-14T22:13:20Z

// hostileReport copies testdata/report/hostile.toml (names written to
// attack spreadsheets, Markdown and HTML) into a fresh directory.
func hostileReport(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "rolecall.toml")
	if err := os.WriteFile(p, readBytes(t, filepath.Join(repo, "testdata", "report", "hostile.toml")), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, p
}

// reportCSV runs report --format csv and parses it back.
func reportCSV(t *testing.T, dir string, args ...string) [][]string {
	t.Helper()
	r := rc(t, dir, []string{reportEpoch}, append([]string{"report", "--format", "csv"}, args...)...)
	want(t, r, 0)
	cr := csv.NewReader(strings.NewReader(r.stdout))
	rows, err := cr.ReadAll() // FieldsPerRecord: every row as long as the first
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, r.stdout)
	}
	return rows
}

// csvRows returns the rows of record kind rec for user, as maps by column.
func csvRows(rows [][]string, rec, user string) []map[string]string {
	var out []map[string]string
	for _, row := range rows[1:] {
		if row[0] != rec || (user != "" && row[1] != user) {
			continue
		}
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = row[i]
		}
		out = append(out, m)
	}
	return out
}

func TestReportCSVHostile(t *testing.T) {
	t.Parallel()
	dir, p := hostileReport(t)
	rows := reportCSV(t, dir)
	wantCols := []string{"record", "user", "name", "item", "environment", "access", "deploy", "schedule",
		"source", "deploy_source", "schedule_source", "decision", "reviewer", "review_date", "comment"}
	if !slices.Equal(rows[0], wantCols) {
		t.Fatalf("columns %q, want %q", rows[0], wantCols)
	}
	// No cell a spreadsheet would run as a formula (OWASP).
	for i, row := range rows {
		for j, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("row %d column %s: %q starts like a formula", i+1, rows[0][j], c)
			}
		}
		for _, c := range row[11:] {
			if c != "" && i > 0 {
				t.Errorf("row %d: a reviewer column holds %q", i+1, c)
			}
		}
	}
	meta := map[string]string{}
	for _, m := range csvRows(rows, "report", "") {
		meta[m["item"]] += m["source"]
	}
	sum := sha256.Sum256(readBytes(t, p))
	if meta["sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 %q, want %x", meta["sha256"], sum)
	}
	if meta["generated"] != "2023-11-14T22:13:20Z" || !strings.HasPrefix(meta["rolecall"], "rolecall ") || meta["file"] != "rolecall.toml" {
		t.Errorf("header %q", meta)
	}
	if !strings.HasPrefix(meta["account"], `'=HYPERLINK(`) {
		t.Errorf("account %q: want the formula neutralised with a leading quote", meta["account"])
	}
	// The hostile names come back whole, behind the quote.
	roles := csvRows(rows, "role", "'-mallory@example.com")
	if len(roles) != 1 || roles[0]["item"] != `'=cmd|' /C calc'!A0` || roles[0]["name"] != "'=1+2" || roles[0]["source"] != "assigned" {
		t.Errorf("mallory's roles: %q", roles)
	}
	privs := map[string]string{}
	for _, m := range csvRows(rows, "privilege", "'-mallory@example.com") {
		privs[m["item"]] = m["source"]
	}
	wantPrivs := map[string]string{
		"Packaged Component Deployment":  `'=cmd|' /C calc'!A0`,
		"Runtime Management":             `'=cmd|' /C calc'!A0`,
		"Runtime Management Read Access": `'=cmd|' /C calc'!A0 through Runtime Management, which covers it (R4)`,
	}
	if !equalMaps(privs, wantPrivs) {
		t.Errorf("mallory's privileges %q, want %q", privs, wantPrivs)
	}
	envs := csvRows(rows, "environment", "'-mallory@example.com")
	if len(envs) != 2 || envs[0]["environment"] != "Prod | <b>main</b>" || envs[0]["access"] != "read" || envs[0]["deploy"] != "yes" ||
		envs[0]["schedule"] != "no" || !strings.Contains(envs[0]["source"], "listed here (R13)") || !strings.Contains(envs[0]["schedule_source"], "(R18)") {
		t.Errorf("mallory's environments %q", envs)
	}
	// Eve's roles are not listed by Prod: she does not see it, and the
	// report says so by listing no row for it.
	for _, m := range csvRows(rows, "environment", "'+eve@example.com") {
		if m["environment"] != "Dev" {
			t.Errorf("eve has a row for %q, which she does not see", m["environment"])
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Two runs with the same SOURCE_DATE_EPOCH write the same bytes.
func TestReportReproducible(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	for _, f := range []string{"csv", "md", "html"} {
		a := rc(t, dir, []string{reportEpoch}, "report", "--format", f)
		b := rc(t, dir, []string{reportEpoch}, "report", "--format", f)
		want(t, a, 0)
		if a.stdout != b.stdout || a.stdout == "" {
			t.Errorf("%s: two runs differ", f)
		}
	}
}

// mdTables returns the Markdown tables of doc, each as its lines.
func mdTables(doc string) [][]string {
	var out [][]string
	var cur []string
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "|") {
			cur = append(cur, l)
			continue
		}
		if cur != nil {
			out = append(out, cur)
			cur = nil
		}
	}
	return out
}

// mdCells counts the cells of a table line: the pipes not escaped, less
// one.
func mdCells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' {
			i++
			continue
		}
		if line[i] == '|' {
			n++
		}
	}
	return n - 1
}

func TestReportMarkdown(t *testing.T) {
	t.Parallel()
	dir, _ := hostileReport(t)
	r := rc(t, dir, []string{reportEpoch}, "report", "--format", "md")
	want(t, r, 0, "# Access review: ", "## Users and privileges", "## Environments", "## Roles", "## Notes",
		`\<b\>bold\</b\> \| pipes`, `=cmd\|' /C calc'\!A0`, `Eve \<i\>Evil\</i\> \_under\_ \*star\*`, "### Prod \\| \\<b\\>main\\</b\\>")
	tables := mdTables(r.stdout)
	if len(tables) < 5 {
		t.Fatalf("%d tables, want the header, the privileges, the matrix, the environments and the roles\n%s", len(tables), r.stdout)
	}
	for _, tb := range tables {
		cols := mdCells(tb[0])
		if !regexp.MustCompile(`^\|(\s*:?-+:?\s*\|)+$`).MatchString(tb[1]) || mdCells(tb[1]) != cols {
			t.Errorf("table %q: second line %q is not its delimiter row", tb[0], tb[1])
		}
		for _, l := range tb[2:] {
			if mdCells(l) != cols {
				t.Errorf("%q has %d cells, its header %d: a name broke out of its cell", l, mdCells(l), cols)
			}
		}
	}
	if strings.Contains(r.stdout, "://") || !strings.Contains(r.stdout, `http:\/\/evil.example`) {
		t.Error("a URL in a name is not escaped: it would render as a link")
	}
	renderMarkdown(t, r.stdout)
	// The matrix: a row for each user, 3 + 33 + 4 columns.
	var matrix []string
	for _, tb := range tables {
		if strings.HasPrefix(tb[0], "| User | Name | Roles |") {
			matrix = tb
		}
	}
	if len(matrix) != 2+3 || mdCells(matrix[0]) != 40 {
		t.Fatalf("matrix %q", matrix)
	}
	if !strings.Contains(r.stdout, "| ada@example.com | Ada Admin | Administrator | ● 6 |") || !strings.Contains(r.stdout, "\n6\\. Administrator  \n") {
		t.Errorf("ada's row or note 1 missing\n%s", r.stdout)
	}
}

// renderMarkdown renders doc as GitHub does (cmark-gfm, with tables and
// autolinks) when cmark-gfm is installed: no markup, link or table cell
// comes from a name.
func renderMarkdown(t *testing.T, doc string) {
	t.Helper()
	bin, err := exec.LookPath("cmark-gfm")
	if err != nil {
		t.Log("cmark-gfm is not installed: the Markdown is not rendered")
		return
	}
	cmd := exec.Command(bin, "--extension", "table", "--extension", "autolink")
	cmd.Stdin = strings.NewReader(doc)
	out, err := procOutput(cmd)
	if err != nil {
		t.Fatalf("cmark-gfm: %v", err)
	}
	html := string(out)
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "<em>", "<strong>", `href="http`} {
		if strings.Contains(html, bad) {
			t.Errorf("the rendered Markdown holds %s", bad)
		}
	}
	if n := strings.Count(html, "<table>"); n != len(mdTables(doc)) {
		t.Errorf("%d tables rendered, %d written", n, len(mdTables(doc)))
	}
}

// htmlCheck reads doc as HTML with encoding/xml's lenient mode (HTML's
// void and auto-closed elements allowed, anything else unbalanced fails),
// fails on an element that runs code or loads something, and returns the
// number of rows of each table by class and every attribute as name=value.
func htmlCheck(t *testing.T, doc string) (tables map[string]int, attrs []string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	tables = map[string]int{}
	var stack []string // the class of each open table
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed HTML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			class := ""
			for _, a := range x.Attr {
				attrs = append(attrs, a.Name.Local+"="+a.Value)
				if a.Name.Local == "class" {
					class = a.Value
				}
			}
			switch x.Name.Local {
			case "table":
				stack = append(stack, class)
			case "tr":
				if len(stack) > 0 {
					tables[stack[len(stack)-1]]++
				}
			case "script", "iframe", "img", "link", "object", "embed":
				t.Errorf("the report holds a <%s> element", x.Name.Local)
			}
		case xml.EndElement:
			if x.Name.Local == "table" && len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	return tables, attrs
}

func TestReportHTML(t *testing.T) {
	t.Parallel()
	dir, _ := hostileReport(t)
	r := rc(t, dir, []string{reportEpoch}, "report", "--format", "html")
	want(t, r, 0, "<!DOCTYPE html>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt;", "@media print", "thead{display:table-header-group}")
	tables, attrs := htmlCheck(t, r.stdout)
	// The grid: a header row and a row per user; a table for each of the 2
	// environments, with a header and a row per user who sees it (2 see
	// Prod, 3 Dev); the roles (3 custom, 2 built-in) with their header.
	if tables["grid"] != 1+3 || tables["env"] != 2+2+3 || tables["roles"] != 1+3+2 {
		t.Errorf("table rows %v", tables)
	}
	for _, a := range attrs {
		name, v, _ := strings.Cut(a, "=")
		if (name == "src" || name == "href") && !strings.HasPrefix(v, "#") {
			t.Errorf("the report refers outside itself: %s", a)
		}
		if strings.HasPrefix(name, "on") {
			t.Errorf("an event handler attribute: %s", a)
		}
	}
	// The only URLs are the hostile file's, as text.
	if n, names := strings.Count(r.stdout, "://"), strings.Count(r.stdout, "http://evil.example"); n != names || n == 0 {
		t.Errorf("%d URLs, %d of them from the file's names", n, names)
	}
	for _, s := range []string{"@import", "url("} {
		if strings.Contains(r.stdout, s) {
			t.Errorf("the report holds %q", s)
		}
	}
	// Every note a cell refers to is there.
	for _, m := range regexp.MustCompile(`href="#(n\d+)"`).FindAllStringSubmatch(r.stdout, -1) {
		if !strings.Contains(r.stdout, `id="`+m[1]+`"`) {
			t.Errorf("no note %s", m[1])
		}
	}
}

func TestReportEnv(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	rows := reportCSV(t, dir, "--env", "PRODUCTION")
	seen := map[string]bool{}
	for _, m := range csvRows(rows, "environment", "") {
		if m["environment"] != "Production" {
			t.Errorf("a row for %s with --env Production", m["environment"])
		}
		seen[m["user"]] = true
	}
	if want := []string{"ada@example.com", "pat@example.com", "wren@example.com"}; len(seen) != len(want) || !seen[want[0]] || !seen[want[1]] || !seen[want[2]] {
		t.Errorf("users seeing Production: %v, want %v", seen, want)
	}
	// Privileges stay account-wide: Kai's Packaged Component Deployment
	// from Standard User, though Kai does not see Production.
	if len(csvRows(rows, "privilege", "kai@example.com")) == 0 {
		t.Error("kai's privileges are missing with --env")
	}
	r := rc(t, dir, nil, "report", "--format", "md", "--env", "Prodution")
	want(t, r, 2, `no environment "Prodution"`, `did you mean "Production"?`)
}

func TestReportUsage(t *testing.T) {
	t.Parallel()
	dir, p := copyFileTo(t, t.TempDir(), "demo.toml") // on disk: no report is written under /dev
	before := readBytes(t, p)
	for _, tc := range []struct {
		args []string
		env  []string
		says string
	}{
		{args: []string{"report"}, says: "report needs --format csv, md or html"},
		{args: []string{"report", "--format", "pdf"}, says: `--format "pdf" is not csv, md or html`},
		{args: []string{"report", "--format", "csv", "-o", "rolecall.toml"}, says: "is the account file"},
		{args: []string{"report", "--format", "csv", "-o", "./rolecall.toml"}, says: "is the account file"},
		{args: []string{"report", "--format", "csv", "-o", "rolecall.toml.audit.jsonl"}, says: "one rolecall keeps beside it"},
		{args: []string{"report", "--format", "csv"}, env: []string{"SOURCE_DATE_EPOCH=yesterday"}, says: "SOURCE_DATE_EPOCH"},
		{args: []string{"report", "--format", "csv", "extra"}, says: "takes no arguments"},
		{args: []string{"report", "--format", "csv", "-o", "."}, says: "cannot write .: it is not a regular file"},
		{args: []string{"report", "--format", "csv", "-o", "/dev/stdout"}, says: "it is a device path"},
		{args: []string{"report", "--format", "csv", "-o", "missing/r.csv"}, says: "cannot write missing/r.csv: its directory missing does not exist"},
	} {
		r := rc(t, dir, tc.env, tc.args...)
		want(t, r, 2, tc.says)
	}
	if !bytes.Equal(readBytes(t, p), before) {
		t.Error("the account file changed")
	}
	edir, _ := copyFile(t, "errors.toml")
	want(t, rc(t, edir, nil, "report", "--format", "csv"), 2, "fix them first")
}

// -o writes the file atomically, 0600, by rename: a link at the path is
// replaced and its target left alone; the format comes from the extension.
func TestReportOutputFile(t *testing.T) {
	t.Parallel()
	dir, _ := copyFileTo(t, t.TempDir(), "demo.toml") // on disk: no report is written under /dev
	target := filepath.Join(dir, "elsewhere.html")
	if err := os.WriteFile(target, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "review.html")
	if err := os.Symlink(target, out); err != nil {
		t.Fatal(err)
	}
	r := rc(t, dir, []string{reportEpoch}, "report", "-o", "review.html")
	want(t, r, 0, "wrote the access review of rolecall.toml to review.html (9 users, 3 environments")
	if r.stdout != "" {
		t.Errorf("stdout %q with -o", r.stdout)
	}
	fi, err := os.Lstat(out)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("review.html: %v %v, want a regular file, mode 0600", fi.Mode(), err)
	}
	if string(readBytes(t, target)) != "keep me" {
		t.Error("the link's target was written through")
	}
	got := readBytes(t, out)
	if !bytes.HasPrefix(got, []byte("<!DOCTYPE html>")) {
		t.Errorf("review.html is not the HTML report: %.80s", got)
	}
	stdout := rc(t, dir, []string{reportEpoch}, "report", "--format", "html")
	if !bytes.Equal(got, []byte(stdout.stdout)) {
		t.Error("-o and stdout differ")
	}
}

// The report is evidence of the file as it is: an edit shows in the next
// report, with the file's new SHA-256.
func TestReportScenarioEdit(t *testing.T) {
	t.Parallel()
	dir, p := demo(t)
	sha := func(rows [][]string) string { return csvRows(rows, "report", "")[2]["source"] }
	before := reportCSV(t, dir, "--env", "Production")
	if got := csvRows(before, "environment", "bo@example.com"); len(got) != 0 {
		t.Fatalf("bo sees Production before the edit: %q", got)
	}
	want(t, rc(t, dir, nil, "user", "assign", "bo@example.com", "Write and Read Environment"), 0)
	after := reportCSV(t, dir, "--env", "Production")
	got := csvRows(after, "environment", "bo@example.com")
	if len(got) != 1 || got[0]["access"] != "write" || got[0]["deploy"] != "yes" || !strings.Contains(got[0]["source"], "Write and Read Environment, listed here") {
		t.Errorf("bo in Production after the edit: %q", got)
	}
	sum := sha256.Sum256(readBytes(t, p))
	if sha(after) != hex.EncodeToString(sum[:]) || sha(after) == sha(before) {
		t.Errorf("sha256 %s then %s; the file's is %x", sha(before), sha(after), sum)
	}
}

// A member of an account group is reviewed as its view: the roles its
// group shares and its group users, with where they come from (R21, R25),
// and the header says so.
func TestReportGroupMember(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	rows := reportCSV(t, dir, "-f", "emea-ops.toml")
	var scope string
	for _, m := range csvRows(rows, "report", "") {
		scope += m["source"] + "\n"
	}
	if !strings.Contains(scope, "member of the account group of acme.toml") {
		t.Errorf("the header does not say the file is a member:\n%s", scope)
	}
	roles := csvRows(rows, "role", "gina@example.com")
	if len(roles) != 1 || roles[0]["item"] != "Cannot View Data (shared)" || roles[0]["source"] != "assigned through the account group(s) EMEA" {
		t.Errorf("gina's roles %q", roles)
	}
	privs := csvRows(rows, "privilege", "gina@example.com")
	if len(privs) == 0 || privs[0]["source"] != "Cannot View Data (shared) from Acme Primary via EMEA group" {
		t.Errorf("gina's privileges %q", privs)
	}
}

// A file's validation warnings are not errors: the report is made, and its
// header counts them.
func TestReportWarnings(t *testing.T) {
	t.Parallel()
	dir, p := demo(t)
	rows := reportCSV(t, dir)
	for _, m := range csvRows(rows, "report", "") {
		if strings.Contains(m["source"], "warning") {
			t.Errorf("the demo has no warnings, the header says %q", m["source"])
		}
	}
	// Support already grants Execute: ticking it again is a warning.
	b := append(readBytes(t, p), "\n[[roles]]\nname = \"Redundant\"\ninherits = \"Support\"\nprivileges = [\"Execute\"]\n"...)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	v := rc(t, dir, nil, "validate")
	want(t, v, 0, "1 warning")
	rows = reportCSV(t, dir)
	var found bool
	for _, m := range csvRows(rows, "report", "") {
		found = found || strings.Contains(m["source"], "The file has 1 validation warning ")
	}
	if !found {
		t.Errorf("the header does not count the warning: %q", csvRows(rows, "report", ""))
	}
}
