package boomi

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"rolecall/internal/testcost"
	"rolecall/internal/testlong"
	"rolecall/model"
)

const testAccount = "acme-4F2K9X"

func TestReadAccountJSONAndXML(t *testing.T) {
	var got []*model.Live
	for _, dir := range []string{"account-json", "account-xml"} {
		live, notes, err := ReadResponses([]string{filepath.Join("..", "testdata", "boomi", dir)})
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if len(notes) != 0 {
			t.Errorf("%s: notes %v", dir, notes)
		}
		if live.AccountID != testAccount {
			t.Errorf("%s: account %q", dir, live.AccountID)
		}
		if len(live.Roles) != 8 || len(live.UserRoles) != 4 || len(live.Environments) != 2 || len(live.EnvRoles) != 2 {
			t.Errorf("%s: %d roles, %d user roles, %d environments, %d environment roles", dir, len(live.Roles), len(live.UserRoles), len(live.Environments), len(live.EnvRoles))
		}
		for _, r := range live.Roles {
			builtin := r.AccountID == model.BuiltinAccountID
			if r.HasPrivileges == builtin {
				t.Errorf("%s: role %s: HasPrivileges %v", dir, r.Name, r.HasPrivileges)
			}
			switch r.Name {
			case "Developers":
				if r.Description != "Builds & tests processes" || !reflect.DeepEqual(r.Codes, []string{"BUILD", "API", "EXECUTE"}) || r.ParentID != "fcb6e2d0-0ca8-11e2-a477-1231381987a5" {
					t.Errorf("%s: %+v", dir, r)
				}
			case "Release Leads":
				if r.Codes == nil || len(r.Codes) != 0 || !r.HasPrivileges {
					t.Errorf("%s: a role with an empty Privileges: %+v", dir, r)
				}
			case "Administrator":
				if r.Description != "Boomi Default Administrator role." {
					t.Errorf("%s: getAssignableRoles' lower-case description lost: %+v", dir, r)
				}
			}
		}
		im := model.Import(live, nil, model.Switches{AdvancedUserSecurity: true})
		if im.HasErrors() {
			t.Errorf("%s: import: %v", dir, im.Notes)
		}
		got = append(got, live)
	}
	if !reflect.DeepEqual(got[0].Sorted(), got[1].Sorted()) {
		t.Fatalf("JSON and XML differ:\n%+v\n%+v", got[0].Sorted(), got[1].Sorted())
	}
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const roleA = `{"@type":"Role","id":"r1","accountId":"acc","name":"A","Description":"d","Privileges":{"Privilege":[{"name":"API"}]}}`

func TestReadResponsesNotesAndErrors(t *testing.T) {
	deep := strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)
	manyCodes := `{"@type":"Role","id":"r1","name":"A","Privileges":{"Privilege":[` + strings.TrimSuffix(strings.Repeat(`{"name":"X"},`, MaxCodes+1), ",") + `]}}`
	cases := []struct {
		name  string
		files map[string]string
		err   string // substring of the error; "" for none
		notes []string
	}{
		{name: "page with token and no next page", files: map[string]string{
			"p1.json": `{"@type":"QueryResult","numberOfResults":150,"queryToken":"T","result":[` + roleA + `]}`},
			notes: []string{"warning: Role: p1.json: page says more results remain (queryToken); include the queryMore pages"}},
		{name: "token but every result present", files: map[string]string{
			"p1.json": `{"@type":"QueryResult","numberOfResults":2,"queryToken":"T","result":[` + roleA + `]}`,
			"p2.json": `{"@type":"QueryResult","numberOfResults":2,"result":[` + strings.Replace(roleA, "r1", "r2", 1) + `]}`}},
		{name: "bulk failure", files: map[string]string{
			"b.json": `{"@type":"BulkResult","response":[{"index":0,"id":"r1","statusCode":200,"Result":` + roleA + `},{"index":1,"id":"gone","statusCode":400,"errorMessage":"Role gone does not exist"}]}`},
			notes: []string{`error: BulkResult gone: b.json: the bulk request for id "gone" failed with status 400: Role gone does not exist`}},
		{name: "single object (a get)", files: map[string]string{"r.json": roleA}},
		{name: "single object by its fields", files: map[string]string{"e.json": `{"id":"e1","name":"Prod","classification":"PROD"}`}},
		{name: "equal duplicates merge", files: map[string]string{"a.json": roleA, "b.json": roleA}},
		{name: "different duplicates", files: map[string]string{"a.json": roleA, "b.json": strings.Replace(roleA, `"d"`, `"other"`, 1)},
			notes: []string{"error: Role r1: a.json and b.json give different contents for it; the first is kept"}},
		{name: "two accounts", files: map[string]string{"a.json": roleA, "b.json": strings.Replace(strings.Replace(roleA, `"acc"`, `"other"`, 1), "r1", "r2", 1)},
			err: `the Role objects name several accounts ("acc", "other") and no AccountUserRole says which one`},
		{name: "a shared role of the primary, and a link that says which account", files: map[string]string{"a.json": roleA,
			"b.json": strings.Replace(strings.Replace(roleA, `"acc"`, `"primary"`, 1), "r1", "r2", 1),
			"c.json": `{"@type":"AccountUserRole","id":"u1","accountId":"acc","userId":"a@x.example","roleId":"r2"}`}},
		{name: "links of two accounts", files: map[string]string{
			"a.json": `{"@type":"AccountUserRole","id":"u1","accountId":"acc","userId":"a@x.example","roleId":"r1"}`,
			"b.json": `{"@type":"AccountUserRole","id":"u2","accountId":"other","userId":"a@x.example","roleId":"r1"}`},
			err: `b.json: account id "other" differs from account id "acc" in a.json`},
		{name: "built-in account id is not the account", files: map[string]string{"a.json": roleA, "b.json": `{"@type":"Roles","Role":[{"id":"b1","accountId":"1","name":"Administrator"}]}`}},
		{name: "unknown type", files: map[string]string{"x.json": `{"@type":"Widget","id":"1"}`}, err: `x.json: unknown @type "Widget"`},
		{name: "unknown item type", files: map[string]string{"x.json": `{"@type":"QueryResult","result":[{"@type":"Atom","id":"1"}]}`}, err: `x.json: result[0]: unknown @type "Atom"`},
		{name: "none of these", files: map[string]string{"x.json": `{"hello":"world"}`}, err: "x.json: the object: object has no @type"},
		{name: "not json or xml", files: map[string]string{"x.txt": "hello"}, err: "x.txt: starts with"},
		{name: "empty", files: map[string]string{"x.json": " \n"}, err: "x.json: empty"},
		{name: "truncated json", files: map[string]string{"x.json": `{"@type":"QueryResult","result":[{"@type":"Role"`}, err: "x.json: not valid JSON"},
		{name: "wrong type", files: map[string]string{"x.json": `{"@type":"QueryResult","result":[{"@type":"Role","id":5}]}`}, err: "x.json: result[0]: field id: JSON number where string was expected"},
		{name: "wrong type of result", files: map[string]string{"x.json": `{"@type":"QueryResult","result":{"a":1}}`}, err: "x.json: field result"},
		{name: "deep xml", files: map[string]string{"x.xml": deep}, err: "x.xml: XML nested deeper than 32"},
		{name: "bad xml", files: map[string]string{"x.xml": `<bns:QueryResult xmlns:bns="x"><bns:result>`}, err: "x.xml: not valid XML"},
		{name: "xml doctype", files: map[string]string{"x.xml": `<!DOCTYPE x [<!ENTITY a "b">]><Role id="1"/>`}, err: "x.xml: XML has a DOCTYPE"},
		{name: "xml unknown root", files: map[string]string{"x.xml": `<Atom id="1"/>`}, err: `x.xml: XML element "Atom" is none of`},
		{name: "too many codes", files: map[string]string{"x.json": manyCodes}, err: "x.json: the object: 1001 privilege codes, over the limit of 1000 per role"},
		{name: "long string", files: map[string]string{"x.json": `{"@type":"Role","id":"r","name":"` + strings.Repeat("n", MaxStringBytes+1) + `"}`}, err: "x.json: the object: field name is 65537 bytes, over the limit of 65536"},
		{name: "long xml text", files: map[string]string{"x.xml": `<Role id="r"><Description>` + strings.Repeat("n", MaxStringBytes+1) + `</Description></Role>`}, err: "x.xml: element Description holds more than 65536 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, b := range c.files {
				write(t, dir, n, b)
			}
			old, _ := os.Getwd()
			if err := os.Chdir(dir); err != nil {
				t.Fatal(err)
			}
			defer os.Chdir(old)
			live, notes, err := ReadResponses([]string{"."})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range notes {
				got = append(got, n.String())
			}
			if fmt.Sprint(got) != fmt.Sprint(c.notes) {
				t.Fatalf("notes %q, want %q", got, c.notes)
			}
			if live == nil {
				t.Fatal("no live")
			}
		})
	}
}

func TestReadResponsesRefusesLinksAndSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	target := write(t, dir, "real.json", roleA)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadResponses([]string{link}); err == nil || !strings.Contains(err.Error(), "link.json is a symbolic link") {
		t.Errorf("symlink: %v", err)
	}
	if _, _, err := ReadResponses([]string{dir}); err == nil || !strings.Contains(err.Error(), "link.json is a symbolic link") {
		t.Errorf("symlink in a directory: %v", err)
	}
	ldir := filepath.Join(t.TempDir(), "dirlink")
	if err := os.Symlink(dir, ldir); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadResponses([]string{ldir}); err == nil || !strings.Contains(err.Error(), "dirlink is a symbolic link") {
		t.Errorf("link to a directory: %v", err)
	}

	fdir := t.TempDir()
	fifo := filepath.Join(fdir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO:", err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := ReadResponses([]string{fdir}); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "pipe.json is not a regular file (a FIFO)") {
			t.Errorf("fifo: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}

	sub := t.TempDir()
	write(t, sub, "a.json", roleA)
	if err := os.Mkdir(filepath.Join(sub, "nested"), 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(sub, "nested"), "bad.json", "garbage")
	if _, _, err := ReadResponses([]string{sub}); err != nil {
		t.Errorf("a subdirectory is not read: %v", err)
	}
	if _, _, err := ReadResponses([]string{filepath.Join(sub, "missing.json")}); err == nil || !strings.Contains(err.Error(), "missing.json: no such file") {
		t.Errorf("missing: %v", err)
	}
}

func TestReadResponsesLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, _, err := ReadResponses([]string{huge}); err == nil || !strings.Contains(err.Error(), "huge.json: 67108865 bytes, over the limit of 67108864 bytes per file") {
		t.Errorf("huge: %v", err)
	}

	// The limits on files and objects, at their values with the long tests
	// and at lower ones otherwise (reading MaxObjects+1 objects costs 1.7 s
	// of CPU time): the quick run still checks that each limit is applied
	// across directories and files, counted per type, and named in the
	// error.
	lim := limits{files: testlong.N(40, MaxFiles), objects: testlong.N(1000, MaxObjects)}
	read := ReadResponses
	if lim != (limits{MaxFiles, MaxObjects}) {
		read = func(paths []string) (*model.Live, []model.ImportNote, error) { return readResponses(paths, lim) }
	}

	// One file under lim.files+1 names (hard links: a third of the system
	// calls of writing each).
	many := t.TempDir()
	first := write(t, many, fmt.Sprintf("%05d.json", 0), roleA)
	for i := 1; i <= lim.files; i++ {
		if err := os.Link(first, filepath.Join(many, fmt.Sprintf("%05d.json", i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := read([]string{many}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than %d files", lim.files)) {
		t.Errorf("many files: %v", err)
	}
	// As many files, but no more, are read.
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	if _, _, err := read([]string{many}); err != nil {
		t.Errorf("%d files: %v", lim.files, err)
	}

	// Objects in total: 2 files of lim.objects/2+1 objects each.
	objs := t.TempDir()
	for f := range 2 {
		var b bytes.Buffer
		b.WriteString(`{"@type":"QueryResult","result":[`)
		for i := 0; i <= lim.objects/2; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"@type":"EnvironmentRole","environmentId":"e%d","roleId":"r%d"}`, f, i)
		}
		b.WriteString(`]}`)
		write(t, objs, fmt.Sprintf("%d.json", f), b.String())
	}
	if _, _, err := read([]string{objs}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("1.json: more than %d EnvironmentRole objects in total", lim.objects)) {
		t.Errorf("objects: %v", err)
	}
}

// TestReadResponsesScales reads 10,000 users holding three roles each, in
// pages of 100: well under a second of CPU time (no quadratic merge). CPU
// time, not wall time: on a loaded host the read waits for a core. The
// test is not parallel, so that the process's CPU time is its own. At
// that size with the long tests; the quick run reads a third of the links
// (100 files) within a third of the bound, which a quadratic merge worth
// noticing still exceeds (0.29 s of CPU for 30,000 links, 0.12-0.19 s for
// 10,000 in 2026-11: a fixed part does not shrink).
func TestReadResponsesScales(t *testing.T) {
	dir := t.TempDir()
	n := 0
	var b bytes.Buffer
	flush := func(last bool) {
		b.WriteString(`]`)
		if !last {
			b.WriteString(`,"queryToken":"T"`)
		}
		b.WriteString(`}`)
		write(t, dir, fmt.Sprintf("aur-%04d.json", n), b.String())
		n++
		b.Reset()
	}
	total := testlong.N(10000, 30000)
	for i := 0; i < total; i++ {
		if i%100 == 0 {
			if i > 0 {
				flush(false)
			}
			fmt.Fprintf(&b, `{"@type":"QueryResult","numberOfResults":%d,"result":[`, total)
		} else {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"@type":"AccountUserRole","id":"l%d","accountId":"acc","userId":"user%d@x.example","roleId":"r%d","firstName":"F","lastName":"L"}`, i, i/3, i%3)
	}
	flush(true)
	start := testcost.CPU()
	live, notes, err := ReadResponses([]string{dir})
	took := testcost.CPU() - start
	if err != nil {
		t.Fatal(err)
	}
	if len(live.UserRoles) != total || len(notes) != 0 {
		t.Fatalf("%d links, notes %v", len(live.UserRoles), notes)
	}
	if bound := time.Second * time.Duration(total) / 30000; took > bound {
		t.Fatalf("took %v, over %v", took, bound)
	}
	t.Logf("%d links in %d files: %v CPU", total, n, took)
}

func FuzzReadResponse(f *testing.F) {
	for _, dir := range []string{"account-json", "account-xml"} {
		ents, _ := os.ReadDir(filepath.Join("..", "testdata", "boomi", dir))
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join("..", "testdata", "boomi", dir, e.Name()))
			if err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"@type":"BulkResult","response":[{"id":"x","statusCode":500}]}`))
	f.Add([]byte(`<bns:BulkResult xmlns:bns="http://api.platform.boomi.com/"><bns:response id="1" statusCode="200"><bns:Result name="x" classification="PROD"/></bns:response></bns:BulkResult>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "r")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		live, notes, err := ReadResponses([]string{p})
		if err != nil {
			if live != nil || notes != nil {
				t.Fatal("an error with a result")
			}
			if !strings.HasPrefix(err.Error(), p) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		_ = model.Import(live, nil, model.Switches{})
	})
}
