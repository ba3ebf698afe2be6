package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Separation of duties through the binary on testdata/cli/sod.toml:
// validate lists the violation with both sides' provenance; an edit that
// keeps it goes through; an edit that introduces one is refused and
// writes nothing; with --allow-violation it is done, and the audit entry
// (and log) record the violation allowed; an edit that ends one goes
// through.
func TestSeparationOfDuties(t *testing.T) {
	t.Parallel()
	dir, p := copyFile(t, "sod.toml")
	want(t, rc(t, dir, nil, "validate"), 1,
		`rolecall.toml: violation: rule "User admins do not audit" account-wide: ida@example.com holds User Management [from User Admins] and also View Audit Logs [from Auditors] (R11, decision)`,
		"0 errors; 1 violation of separation of duties")

	// The existing violation stays as it is: not refused.
	want(t, rc(t, dir, nil, "env", "add", "QA"), 0, "add environment QA: done")

	// ana gets Packaged Component Deployment: Staging (production) lists
	// both her roles, so she holds both sides there; Production lists
	// only Release Managers, so her Build privilege does not count there
	// (R15).
	before, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := rc(t, dir, nil, "user", "assign", "ana@example.com", "Release Managers")
	want(t, r, 1, "refused: it would break separation of duties (1 new violation); nothing was changed",
		`rule "Build or deploy to production" in Staging: ana@example.com holds Build Read and Write Access [from Builders] and also Packaged Component Deployment [from Release Managers] (R15, decision)`,
		"--allow-violation")
	if strings.Contains(r.stderr, "in Production") {
		t.Errorf("a violation in Production, where Builders does not count (R15):\n%s", r)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Fatal("a refused edit changed the file")
	}

	want(t, rc(t, dir, nil, "user", "assign", "ana@example.com", "Release Managers", "--allow-violation"), 0,
		"done, saved to rolecall.toml", "warning: allowed (--allow-violation, recorded in the audit trail): 1 new violation")
	trail, err := os.ReadFile(p + ".audit.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(trail), []byte("\n"))
	var entry struct {
		Frontend string `json:"frontend"`
		Allowed  []struct {
			Rule, User string
			Sites      []struct {
				Environments []string
				Holds        []struct {
					Privilege string
					Sources   []struct{ Role string }
				}
			}
		} `json:"allowed_violations"`
	}
	if err := json.Unmarshal(lines[len(lines)-1], &entry); err != nil {
		t.Fatal(err)
	}
	if len(entry.Allowed) != 1 || entry.Allowed[0].Rule != "Build or deploy to production" || entry.Allowed[0].User != "ana@example.com" ||
		len(entry.Allowed[0].Sites) != 1 || strings.Join(entry.Allowed[0].Sites[0].Environments, ",") != "Staging" ||
		entry.Allowed[0].Sites[0].Holds[0].Sources[0].Role != "Builders" {
		t.Errorf("audit entry's allowed violations: %s", lines[len(lines)-1])
	}
	if len(lines) != 2 {
		t.Errorf("audit trail has %d entries, want 2 (env add, the allowed assign): the refused edit wrote one?", len(lines))
	}
	want(t, rc(t, dir, nil, "log", "-n", "1"), 0, "allowed violations of separation of duties:",
		`rule "Build or deploy to production" in Staging: ana@example.com holds Build Read and Write Access and also Packaged Component Deployment`)

	// Ending a violation is never refused; validate then lists ana's only.
	want(t, rc(t, dir, nil, "user", "unassign", "ida@example.com", "Auditors"), 0, "done")
	r = want2(t, rc(t, dir, nil, "validate"), 1, `rule "Build or deploy to production" in Staging: ana@example.com`)
	if strings.Contains(r.stdout, "ida@example.com") {
		t.Errorf("ida's violation is still listed:\n%s", r)
	}
}

// want2 is want, returning the result.
func want2(t *testing.T, r result, code int, in ...string) result {
	t.Helper()
	want(t, r, code, in...)
	return r
}

// A group edit in the primary that gives a member's user both sides of
// the member's rule (a group user, R25) is refused, naming the member;
// allowed, it is recorded in the entry of the file written (the
// primary's), with the member's file.
func TestSeparationOfDutiesGroup(t *testing.T) {
	t.Parallel()
	dir := groupFiles(t)
	sales := filepath.Join(dir, "emea-sales.toml")
	f, err := os.OpenFile(sales, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n[[separation_of_duties]]\nname = \"Deployers see no data\"\nholds = [\"Packaged Component Deployment\"]\nexcludes = [\"View Data\"]\nscope = \"account\"\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// omar, a group user with Release Manager (inheriting Support), breaks
	// it already there.
	want(t, rc(t, dir, nil, "-f", "emea-sales.toml", "validate"), 1,
		`rule "Deployers see no data" account-wide: omar@example.com holds Packaged Component Deployment [from Release Manager (shared) from Acme Primary via EMEA group]`)
	before := readBytes(t, filepath.Join(dir, "acme.toml"))
	r := rc(t, dir, nil, "-f", "acme.toml", "group", "add-user", "EMEA", "new@example.com", "--role", "Release Manager")
	want(t, r, 1, "refused: it would break separation of duties in", "emea-sales.toml (1 new violation); nothing was changed\n",
		"\nrolecall:   rule \"Deployers see no data\" account-wide: new@example.com holds Packaged Component Deployment [from Release Manager (shared) from Acme Primary via EMEA group] and also View Data [from Release Manager (shared) (via Support) from Acme Primary via EMEA group] (R11, decision)\n")
	if string(readBytes(t, filepath.Join(dir, "acme.toml"))) != string(before) {
		t.Fatal("a refused group edit changed the primary")
	}
	want(t, rc(t, dir, nil, "-f", "acme.toml", "group", "add-user", "EMEA", "new@example.com", "--role", "Release Manager", "--allow-violation"), 0,
		"warning: allowed (--allow-violation, recorded in the audit trail)")
	trail := readBytes(t, filepath.Join(dir, "acme.toml.audit.jsonl"))
	if !strings.Contains(string(trail), `"allowed_violations":[{"rule":"Deployers see no data","scope":"account-wide","user":"new@example.com"`) ||
		!strings.Contains(string(trail), `emea-sales.toml"}]`) {
		t.Errorf("primary's audit entry:\n%s", trail)
	}
	// log on the primary names the member the violation is in: the rule
	// and the user are the member's, not the primary's.
	want(t, rc(t, dir, nil, "-f", "acme.toml", "log", "-n", "1"), 0,
		`rule "Deployers see no data" in emea-sales.toml account-wide: new@example.com holds Packaged Component Deployment and also View Data`)
}

// validate counts violations as edits do: a rule, a user and a place; a
// line naming two environments is two.
func TestValidateCountsViolationsAsEditsDo(t *testing.T) {
	t.Parallel()
	dir, _ := copyFile(t, "sod.toml")
	want(t, rc(t, dir, nil, "env", "add", "Prod2", "--classification", "production"), 1, "(1 new violation)")
	want(t, rc(t, dir, nil, "env", "add", "Prod2", "--classification", "production", "--allow-violation"), 0)
	want(t, rc(t, dir, nil, "env", "add", "Prod3", "--classification", "production", "--allow-violation"), 0)
	want(t, rc(t, dir, nil, "validate"), 1, `in Prod2 and Prod3: cy@example.com holds`, "0 errors; 3 violations of separation of duties")
}

// A side may name "deploy": a user who deploys through write access alone
// (R17, R18) breaks the rule, which a rule on Packaged Component
// Deployment would miss; the edit that gives it is refused, and the file
// keeps the action through every rewrite.
func TestSeparationOfDutiesDeployAction(t *testing.T) {
	t.Parallel()
	dir, path := copyFile(t, "sod.toml")
	want(t, rc(t, dir, nil, "role", "add", "Env Writers", "--privilege", "Environment Management", "--privilege", "Runtime Management"), 0)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n[[separation_of_duties]]\nname = \"Builders never deploy to production\"\nholds = [\"Build Read and Write Access\"]\nexcludes = [\"Deploy\"]\nscope = \"environments\"\nclassification = \"production\"\n")
	f.Close()
	line := `rule "Builders never deploy to production" in Staging: ana@example.com holds Build Read and Write Access [from Builders] and also can deploy [allowed: write access, without Packaged Component Deployment (R18, decision)] (R15, decision)`
	want(t, rc(t, dir, nil, "user", "assign", "ana@example.com", "Env Writers"), 1, "refused: it would break separation of duties (2 new violations)", line)
	want(t, rc(t, dir, nil, "user", "assign", "ana@example.com", "Env Writers", "--allow-violation"), 0)
	want(t, rc(t, dir, nil, "validate"), 1, line)
	want(t, rc(t, dir, nil, "log", "-n", "1"), 0, `rule "Builders never deploy to production" in Staging: ana@example.com holds Build Read and Write Access and also can deploy`)
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "excludes = [\"deploy\"]\n") {
		t.Errorf("the rewritten file lost the action:\n%s", data)
	}
}
