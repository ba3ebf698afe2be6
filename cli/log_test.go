package cli_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// auditFixture writes an audit trail for file: an entry of an older
// rolecall (a summary, a long line, null lists, a sudo user with DEL and
// ESC), an entry of the current shape whose file is on disk, and a newer one
// whose file never landed, with no edits.
func auditFixture(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	cur := hex.EncodeToString(sum[:])
	long := "dana@example.com gains " + strings.Repeat("Dashboard, ", 40) + "and the end"
	lines := []string{
		`{"time":"2026-01-01T10:00:00Z","user":"root","sudo_user":"ev` + "\x7f" + `il\u001b[31m","host":"jump","frontend":"cli: rolecall role add X",` +
			`"change":{"account":null,"users":[{"user":"dana@example.com","gained":["Dashboard"],"lost":null,"environments":null}],"environments":null,"summary":["` + long + `"]}}`,
		`{"time":"2026-01-02T10:00:00Z","user":"ada","uid":1001,"host":"jump","frontend":"tui","sha256":"` + cur + `","before_sha256":"",` +
			`"change":{"edits":["tick Dashboard on role \"Support Plus\"","assign \"Support Plus\" to dana@example.com"],"access":["dana@example.com gains Dashboard"]}}`,
		`{"time":"2026-01-03T10:00:00Z","user":"ada","uid":1001,"host":"jump","frontend":"tui","sha256":"` + strings.Repeat("f", 64) + `","before_sha256":"` + cur + `",` +
			`"change":{"edits":[],"access":null}}`,
	}
	if err := os.WriteFile(file+".audit.jsonl", []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return long
}

// log prints text: edits, then what they do to access, the older summaries
// whole, the claimed sudo user escaped, and the entry that never landed.
func TestLogPrintsText(t *testing.T) {
	t.Parallel()
	dir, file := demo(t)
	long := auditFixture(t, file)
	r := rc(t, dir, nil, "log")
	want(t, r, 0,
		"ada@jump (uid 1001)  tui\n    tick Dashboard on role \"Support Plus\"\n    assign \"Support Plus\" to dana@example.com\n      dana@example.com gains Dashboard\n",
		"never landed", "    (no edits recorded)",
		"    "+long+"\n",
		`root@jump, claims sudo user ev\x7fil\x1b[31m`)
	noControl(t, []string{"log"}, r)
	if strings.Contains(r.stdout, "{") || strings.Count(r.stdout, "never landed") != 1 {
		t.Errorf("log prints raw JSON or marks the wrong entries:\n%s", r.stdout)
	}
	if i, j := strings.Index(r.stdout, "never landed"), strings.Index(r.stdout, "ada@jump (uid 1001)  tui\n    tick"); i < 0 || i > j {
		t.Errorf("the newest entry is not the one marked:\n%s", r.stdout)
	}
}

// log --json is valid JSON without a null list or a raw DEL, and says which
// entries landed.
func TestLogJSONNoNullsAndLanded(t *testing.T) {
	t.Parallel()
	dir, file := demo(t)
	auditFixture(t, file)
	r := rc(t, dir, nil, "log", "--json")
	want(t, r, 0)
	noControl(t, []string{"log", "--json"}, r)
	if strings.ContainsRune(r.stdout, 0x7f) || !json.Valid([]byte(r.stdout)) {
		t.Fatalf("not valid JSON free of DEL:\n%s", r.stdout)
	}
	var es []map[string]any
	decode(t, r, &es)
	if len(es) != 3 {
		t.Fatalf("%d entries", len(es))
	}
	for i, wantLanded := range []bool{false, true, true} {
		if es[i]["landed"] != wantLanded {
			t.Errorf("entry %d: landed %v, want %v", i, es[i]["landed"], wantLanded)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case nil:
				t.Errorf("entry %d: a null in its change: %v", i, es[i]["change"])
			case map[string]any:
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(es[i]["change"])
	}
	if es[2]["sudo_user_claimed"] != `ev\x7fil\x1b[31m` {
		t.Errorf("sudo user %q", es[2]["sudo_user_claimed"])
	}
}

// Every scripted edit is recorded as the edit it was, in words and as
// JSON, even one that changes nobody's access (a description, a role
// nobody holds).
func TestLogRecordsEveryEdit(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	rc(t, dir, nil, "role", "add", "Night Shift", "--inherits", "Support")
	rc(t, dir, nil, "role", "edit", "Night Shift", "--description", "covers nights", "--add", "Dashboard")
	r := rc(t, dir, nil, "log")
	want(t, r, 0,
		"    set the description of role \"Night Shift\" to \"covers nights\"\n    tick Dashboard on role \"Night Shift\"\n",
		"    add role Night Shift\n")
	if strings.Index(r.stdout, "tick Dashboard") > strings.Index(r.stdout, "add role Night Shift") {
		t.Errorf("log is not newest first:\n%s", r.stdout)
	}
	r = rc(t, dir, nil, "log", "--json")
	var entries []struct {
		Change struct {
			Edits []string          `json:"edits"`
			Ops   []json.RawMessage `json:"ops"`
		} `json:"change"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != 2 {
		t.Fatalf("log --json: %v\n%s", err, r.stdout)
	}
	if len(entries[0].Change.Edits) != 2 || len(entries[0].Change.Ops) != 2 {
		t.Fatalf("the newest entry does not hold both edits: %+v", entries[0].Change.Edits)
	}
	var tick struct{ Op, Role, Privilege string }
	if err := json.Unmarshal(entries[0].Change.Ops[1], &tick); err != nil || tick.Op != "tick" || tick.Role != "Night Shift" || tick.Privilege != "Dashboard" {
		t.Errorf("the tick as JSON: %+v %v", tick, err)
	}
}

// A removal is recorded with what was removed.
func TestLogRecordsWhatARemovalRemoved(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	rc(t, dir, nil, "role", "add", "Night Shift", "--inherits", "Support", "--privilege", "Dashboard", "--description", "nights")
	rc(t, dir, nil, "role", "rm", "Night Shift")
	r := rc(t, dir, nil, "log", "--json")
	var entries []struct {
		Change struct {
			Ops []json.RawMessage `json:"ops"`
		} `json:"change"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) < 1 || len(entries[0].Change.Ops) != 1 {
		t.Fatalf("log --json: %v\n%s", err, r.stdout)
	}
	var rm struct {
		Op  string
		Was struct {
			Description string
			Privileges  []string
		}
	}
	if err := json.Unmarshal(entries[0].Change.Ops[0], &rm); err != nil || rm.Op != "remove-role" || rm.Was.Description != "nights" || len(rm.Was.Privileges) != 1 {
		t.Errorf("the removal as recorded: %+v %v", rm, err)
	}
}

// Lines of the trail that are not entries are not passed over silently.
func TestLogSaysWhatItCannotRead(t *testing.T) {
	t.Parallel()
	dir, file := demo(t)
	rc(t, dir, nil, "role", "add", "Night Shift", "--inherits", "Support")
	f, err := os.OpenFile(file+".audit.jsonl", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{\"time\": torn\nnot json at all\n")
	f.Close()
	r := rc(t, dir, nil, "log")
	want(t, r, 0, "add role Night Shift")
	if !strings.Contains(r.stderr, "warning: 2 lines of rolecall.toml.audit.jsonl are not an entry") {
		t.Errorf("no word of the unreadable lines:\n%s", r.stderr)
	}
}

// A file edited by hand after a save (as the README has admins paste
// separation-of-duties rules at the end of the file) does not make that
// save "never landed": log says the file changed outside rolecall after it.
func TestLogChangedByHandAfter(t *testing.T) {
	t.Parallel()
	dir, file := demo(t)
	want(t, rc(t, dir, nil, "user", "add", "new@example.com", "--role", "Standard User"), 0)
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n# reviewed by hand\n")
	f.Close()
	r := rc(t, dir, nil, "log")
	want(t, r, 0, "then changed outside rolecall (by hand, by git)")
	if strings.Contains(r.stdout, "never landed") {
		t.Errorf("a save followed by a hand edit is said to be cut off:\n%s", r.stdout)
	}
	var es []map[string]any
	decode(t, rc(t, dir, nil, "log", "--json"), &es)
	if len(es) == 0 || es[0]["landed"] != false || es[0]["changed_outside_after"] != true {
		t.Errorf("log --json: %v", es)
	}
}
