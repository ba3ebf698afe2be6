package storage

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"rolecall/model"
)

func TestDecodeExpectations(t *testing.T) {
	const file = `# the access tests
account = "acme.toml"

[[expect]]
name = "Dana"
user = "dana@example.com"
can = ["Execute", "atom management"]
cannot = "View Data"
env = "Production"

[[only]]
who = ["ada@example.com", "pat@example.com"]
env = "Production"
deploys = true

[[expect]]
user = "bo@example.com"
page = "Build"
opens = "Read-Only"
cannot_do = "Save"
can_do = ["Copy Component"]

[[expect]]
user = "kai@example.com"
env = "Test"
schedules = false
access = "READ"
sees = true
`
	x, probs := DecodeExpectations("dir/acme.test.toml", []byte(file))
	if len(probs) > 0 || x == nil {
		t.Fatalf("problems: %v", probs)
	}
	if x.Account != filepath.Join("dir", "acme.toml") || x.AccountLine != 2 {
		t.Errorf("account %q at line %d", x.Account, x.AccountLine)
	}
	want := []model.Expectation{
		{Name: "Dana", Index: 0, User: "dana@example.com", Checks: []model.Check{
			{Kind: model.CheckPrivilege, Privilege: model.Execute, Env: "Production", Want: true, Key: "can"},
			{Kind: model.CheckPrivilege, Privilege: model.RuntimeManagement, Env: "Production", Want: true, Key: "can"},
			{Kind: model.CheckPrivilege, Privilege: model.ViewData, Env: "Production", Want: false, Key: "cannot"},
		}},
		{Index: 1, User: "bo@example.com", Checks: []model.Check{
			{Kind: model.CheckPage, Page: "Build", Opens: model.PageReadOnly, Key: "opens"},
			{Kind: model.CheckAction, Page: "Build", Action: "Copy Component", Want: true, Key: "can_do"},
			{Kind: model.CheckAction, Page: "Build", Action: "Save", Want: false, Key: "cannot_do"},
		}},
		{Index: 2, User: "kai@example.com", Checks: []model.Check{
			{Kind: model.CheckSees, Env: "Test", Want: true, Key: "sees"},
			{Kind: model.CheckAccess, Env: "Test", Access: model.AccessRead, Key: "access"},
			{Kind: model.CheckSchedules, Env: "Test", Want: false, Key: "schedules"},
		}},
		{Index: 0, Only: true, Who: []string{"ada@example.com", "pat@example.com"}, Checks: []model.Check{
			{Kind: model.CheckDeploys, Env: "Production", Want: true, Key: "deploys"},
		}},
	}
	if !reflect.DeepEqual(x.Expectations, want) {
		t.Errorf("got\n%+v\nwant\n%+v", x.Expectations, want)
	}
	for _, tc := range []struct {
		x    *model.Expectation
		line int
	}{{&x.Expectations[0], 4}, {&x.Expectations[1], 16}, {&x.Expectations[2], 23}, {&x.Expectations[3], 11}} {
		if got := x.HeaderLine(tc.x); got != tc.line {
			t.Errorf("%s: line %d, want %d", tc.x.Title(), got, tc.line)
		}
	}
	if got := x.Line(true, 0, "who", 1); got != 12 {
		t.Errorf("who item line %d, want 12", got)
	}
}

func TestDecodeExpectationsProblems(t *testing.T) {
	cases := []struct {
		name, file string
		line       int
		in         string
	}{
		{"NUL", "[[expect]]\nuser = \"a\x00\"\n", 2, "NUL byte"},
		{"invalid UTF-8", "[[expect]]\nuser = \"\xff\"\n", 2, "invalid UTF-8"},
		{"nested deep", "[[expect]]\nuser = " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n", 2, "nested more than"},
		{"long key", "[[expect]]\n" + strings.Repeat("k", 300) + " = 1\n", 2, "longer than"},
		{"expect not tables", "expect = [1, 2]\n", 1, "expect #1 must be a table"},
		{"expect a string", "expect = \"x\"\n", 1, "expect must be a list of tables"},
		{"account not a string", "account = 3\n[[expect]]\nuser = \"a\"\ncan = \"Execute\"\n", 1, "account must be the account file's path"},
		{"account not an account file", "account = \"../.aws/credentials\"\n[[expect]]\nuser = \"a\"\ncan = \"Execute\"\n", 1, "account names \"../.aws/credentials\", which does not end in .toml"},
		{"user not a string", "[[expect]]\nuser = [\"a\"]\ncan = \"Execute\"\n", 2, "user must be an email in double quotes, not a list"},
		{"who not a list", "[[only]]\nwho = \"a\"\ncan = \"Execute\"\n", 2, "who must be a list of emails"},
		{"who item not a string", "[[only]]\nwho = [\n\"a\",\n3]\ncan = \"Execute\"\n", 4, "who item 2 must be an email"},
		{"only with a list", "[[only]]\nwho = []\ncan = [\"Execute\"]\n", 3, "can must be one name in double quotes in an [[only]]"},
		{"empty list", "[[expect]]\nuser = \"a\"\ncan = []\n", 3, "can lists 0 names"},
		{"list item not a string", "[[expect]]\nuser = \"a\"\ncannot = [\n\"Execute\",\n1]\n", 5, "cannot item 2 must be a name"},
		{"bad access", "[[expect]]\nuser = \"a\"\nenv = \"P\"\naccess = \"full\"\n", 4, "access must be \"none\", \"read\" or \"write\""},
		{"opens without page", "[[expect]]\nuser = \"a\"\nopens = \"full\"\n", 3, "opens needs page"},
		{"page unused", "[[expect]]\nuser = \"a\"\npage = \"Build\"\ncan = \"Execute\"\n", 3, "page is used by opens, can_do and cannot_do"},
		{"env unused", "[[expect]]\nuser = \"a\"\nenv = \"P\"\npage = \"Build\"\nopens = \"full\"\n", 3, "env is used by"},
		{"too many", strings.Repeat("[[only]]\n", MaxExpectations+1), 1, "rolecall runs at most 20000 from one file"},
		{"list too long", "[[only]]\nwho = [" + strings.Repeat("\"a\",", MaxListItems+1) + "]\n", 2, "a list of more than 5004 items"},
		{"empty name", "[[expect]]\nuser = \"a\"\ncan = \"\"\n", 3, "can must be a name in double quotes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, probs := DecodeExpectations("e.toml", []byte(tc.file))
			if x != nil || !HasErrors(probs) {
				t.Fatalf("file %v, problems %v", x, probs)
			}
			p := probs[0]
			if p.Line != tc.line || !strings.Contains(p.Message, tc.in) || p.Path != "e.toml" {
				t.Errorf("got %s, want line %d and %q", p, tc.line, tc.in)
			}
		})
	}
}

func TestLoadExpectationsRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.test.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if _, _, err := LoadExpectations(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("FIFO: %v", err)
	}
	big := filepath.Join(dir, "big.test.toml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxExpectFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, _, err := LoadExpectations(big); err == nil || !strings.Contains(err.Error(), "at most 16 MiB") {
		t.Errorf("large file: %v", err)
	}
	if _, _, err := LoadExpectations(filepath.Join(dir, "none.test.toml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	if got := ExpectPath("x/acme.toml"); got != "x/acme.test.toml" {
		t.Errorf("ExpectPath = %q", got)
	}
	if got := ExpectPath("acme"); got != "acme.test.toml" {
		t.Errorf("ExpectPath = %q", got)
	}
}

// TestWriteReportFileRefuses: a report never takes the place of an account
// or expectations file, a device, a pipe or what a link to one points at
// (as root, replacing /dev/null or /dev/stdout breaks the machine).
func TestWriteReportFileRefuses(t *testing.T) {
	dir := t.TempDir()
	in := func(n string) string { return filepath.Join(dir, n) }
	for _, n := range []string{"acme.toml", "tests.txt", "old.xml"} {
		if err := os.WriteFile(in(n), []byte("keep me\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fifo := in("fifo.xml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := os.Symlink(fifo, in("tofifo.xml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(in("tests.txt"), in("totests.xml")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{in("acme.toml"), "ends in .toml"},
		{in("ACME.TOML"), "ends in .toml"},
		{in("tests.txt"), "which the report is about"},
		{fifo, "device, pipe or socket"},
		{in("tofifo.xml"), "link to a directory, device, pipe or socket"},
		{in("none/r.xml"), "does not exist"},
	} {
		err := WriteReportFile(c.path, []byte("<x/>"), in("acme.toml"), in("tests.txt"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
	}
	for _, n := range []string{"acme.toml", "tests.txt"} {
		if b, _ := os.ReadFile(in(n)); string(b) != "keep me\n" {
			t.Errorf("%s was written: %q", n, b)
		}
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi, err)
	}
	// /dev/stdout is a link to the process's output: when that output is a
	// regular file (a CI log), the link's target is regular, and replacing
	// the link would break /dev/stdout for the whole machine. Anything in
	// /dev or /proc is refused, also through a link to a directory there
	// (checked on /proc/self/fd/N, which renames can never touch).
	log, err := os.Create(in("log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	if err := os.Symlink("/proc", in("proc")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fmt.Sprintf("/proc/self/fd/%d", log.Fd()), in(fmt.Sprintf("proc/self/fd/%d", log.Fd()))} {
		if err := WriteReportFile(p, []byte("<x/>")); err == nil || !strings.Contains(err.Error(), "in /dev or /proc") {
			t.Errorf("%s: %v, want it refused as in /dev or /proc", p, err)
		}
	}
	if err := WriteReportFile(in("tests.txt"), []byte("<x/>"), in("acme.toml"), in("tests.txt")); err == nil || strings.Contains(err.Error(), "tests.txt is "+in("tests.txt")) {
		t.Errorf("the refusal of a file the report is about names it twice: %v", err)
	}
	// A link to another file is the link replaced (never written through):
	// but a link to an expectations file is that file, and refused.
	if err := WriteReportFile(in("totests.xml"), []byte("<x/>"), in("tests.txt")); err == nil {
		t.Errorf("a link to the expectations file was replaced")
	}
	if err := WriteReportFile(in("old.xml"), []byte("<x/>"), in("acme.toml")); err != nil {
		t.Errorf("an old report: %v", err)
	} else if b, _ := os.ReadFile(in("old.xml")); string(b) != "<x/>" {
		t.Errorf("old.xml = %q", b)
	}
}

// TestErrorCountLeftOut: past MaxProblems, the line standing for the
// problems not listed counts as every error it leaves out, so that "FILE
// has N errors" says the file's number, not the number listed plus one.
func TestErrorCountLeftOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("format = 1\n\n[account]\nname = \"x\"\nadvanced_user_security = true\n")
	n := MaxProblems + 234
	for i := range n {
		fmt.Fprintf(&b, "\n[[users]]\nemail = \"u%d@example.com\"\nroles = [\"Nope %d\"]\n", i, i)
	}
	_, ps := Decode("many.toml", []byte(b.String()))
	if len(ps) != MaxProblems+1 {
		t.Fatalf("%d problems listed, want %d", len(ps), MaxProblems+1)
	}
	if got := ErrorCount(ps); got != n {
		t.Errorf("ErrorCount = %d, want %d", got, n)
	}
	if got := ErrorCount(Errors(ps)); got != n {
		t.Errorf("ErrorCount(Errors) = %d, want %d", got, n)
	}
}

// TestDecodeExpectationsRefusalsSayThisFile: the scanner's refusals say
// nothing of an account file's shape, and a count the scanner stopped
// short of is said to be a floor.
func TestDecodeExpectationsRefusalsSayThisFile(t *testing.T) {
	// More headers than the scan reads (maxHeaders, 133,010): the scan
	// stops at the headers alone, so all but the first are bare (1.7 MB
	// rather than 6 MB to build, copy and scan).
	many := "[[expect]]\nuser = \"a@x\"\ncan = \"Execute\"\n" + strings.Repeat("[[expect]]\n", 150000)
	for _, tc := range []struct{ data, want string }{
		{"[[expect]]\n" + strings.Repeat("k", 3000) + " = 1\n", "longer than 256 bytes: more than an expectations file holds; fix this line"},
		{"[[expect]]\nuser = \"" + strings.Repeat("a", 70000) + "\"\n", "more than an expectations file holds; fix this line"},
		{"[[expect]]\n" + func() string {
			var b strings.Builder
			for i := range 70 {
				fmt.Fprintf(&b, "k%d = 1\n", i)
			}
			return b.String()
		}(), "a table with more than 64 keys: more than an expectations file holds"},
		{many, "expectations; rolecall runs at most 20000"},
	} {
		_, ps := DecodeExpectations("x.test.toml", []byte(tc.data))
		var all []string
		for _, p := range ps {
			all = append(all, p.Message)
		}
		text := strings.Join(all, "\n")
		if !strings.Contains(text, tc.want) || strings.Contains(text, "account file") || strings.Contains(text, "privilege_codes") || strings.Contains(text, "description") {
			t.Errorf("problems %q, want %q and nothing of account files", text, tc.want)
		}
		if tc.data == many && !strings.Contains(text, "the file has at least ") {
			t.Errorf("a count read short of the end is not a floor: %q", text)
		}
	}
}
