package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// The answers issue 10 found wrong or incomplete, on testdata/cli/reasons.toml.

func reasons(t *testing.T) string {
	dir, _ := copyFile(t, "reasons.toml")
	return dir
}

func jsonOf(t *testing.T, r result) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	return m
}

func sourceRoles(m map[string]any) []string {
	var out []string
	for _, s := range m["sources"].([]any) {
		src := s.(map[string]any)
		role := src["role"].(string)
		if ib, ok := src["implied_by"]; ok {
			role += " implied by " + ib.(string)
		}
		out = append(out, role)
	}
	return out
}

// R11, R15: with Environment Management also held, the listed role that
// ticks a per-environment privilege is still a source of it.
func TestReasonsPerEnvSourceBesideEnvironmentManagement(t *testing.T) {
	t.Parallel()
	dir := reasons(t)
	m := jsonOf(t, rc(t, dir, nil, "check", "adminro@example.com", "Environment Management Read Access", "--env", "ROEnv", "--json"))
	got := strings.Join(sourceRoles(m), "; ")
	if got != "Env RO; Administrator implied by Environment Management" {
		t.Errorf("sources %q", got)
	}
	if _, ok := m["implied_by"]; ok {
		t.Errorf("implied_by set although Env RO ticks it: %v", m)
	}
	r := rc(t, dir, nil, "who-can", "Environment Management Read Access", "--env", "ROEnv", "--json")
	var w struct {
		Users []map[string]any `json:"users"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &w); err != nil {
		t.Fatal(err)
	}
	for _, h := range w.Users {
		if h["user"] == "adminro@example.com" {
			if got := strings.Join(sourceRoles(h), "; "); got != "Env RO; Administrator implied by Environment Management" {
				t.Errorf("who-can sources %q", got)
			}
			return
		}
	}
	t.Errorf("who-can lacks adminro: %s", r)
}

// R4: a privilege held only by being covered names the tick that covers it,
// never a tick that does not exist, and explain cites R4 once.
func TestReasonsCoveredPrivilege(t *testing.T) {
	t.Parallel()
	dir := reasons(t)
	r := rc(t, dir, nil, "check", "builder@example.com", "Build Read Access")
	want(t, r, 0, "from: Builder ticks Build Read and Write Access, which covers it (R4)")
	if strings.Contains(r.stdout, "(ticks it)") || strings.Count(r.stdout, "(R4)") != 2 {
		t.Errorf("check output:\n%s", r)
	}
	r = rc(t, dir, nil, "explain", "builder@example.com")
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.Count(line, "R4") > 1 {
			t.Errorf("R4 twice: %q", line)
		}
	}
	want(t, r, 0, "Build Read Access            Builder through Build Read and Write Access, which covers it (R4)")
}

// R15 refusals name the roles involved: the one that ticks it, and what the
// environment lists, or that it is open.
func TestReasonsR15NamesTheRoles(t *testing.T) {
	t.Parallel()
	dir := reasons(t)
	r := rc(t, dir, nil, "check", "envs@example.com", "Environment Management Full Access", "--env", "Open")
	want(t, r, 1, "it is held through Env RW, and Open is open (R15)")
	if strings.Contains(r.stdout, "none of") {
		t.Errorf("blames the wrong roles:\n%s", r)
	}
	r = rc(t, dir, nil, "check", "sched@example.com", "Scheduling", "--env", "ROEnv")
	want(t, r, 1, "Scheduling is held only through Sched, which ROEnv does not list (it lists only Env RO) (R15, decision)")
	// psro cannot deploy in ROEnv for two reasons; both are named.
	r = rc(t, dir, nil, "preview", "psro@example.com")
	want(t, r, 0, "deploy: refused: needs write access or Packaged Component Deployment here (R18); Packaged Component Deployment is held only through Production Support, which ROEnv does not list (it lists only Env RO) (R15); Environment Management Read Access through Env RO makes ROEnv read-only (R17)")
}

// Answers whose deciding step is a decision say so, in text and JSON.
func TestReasonsDecisionsAreFlagged(t *testing.T) {
	t.Parallel()
	dir := reasons(t)
	find := func(m map[string]any, page, action string) map[string]any {
		for _, p := range m["pages"].([]any) {
			pm := p.(map[string]any)
			if pm["page"] != page {
				continue
			}
			if action == "" {
				return pm
			}
			for _, a := range pm["actions"].([]any) {
				if am := a.(map[string]any); am["action"] == action {
					return am
				}
			}
		}
		t.Fatalf("no %s %s", page, action)
		return nil
	}
	std := jsonOf(t, rc(t, dir, nil, "preview", "std@example.com", "--json"))
	ce := find(std, "Runtime Management", "Create Environment")
	if ce["allowed"] != false || ce["decision"] != true || !strings.Contains(ce["reason"].(string), "(R11, decision)") {
		t.Errorf("Standard User's Create Environment: %v", ce)
	}
	wren := jsonOf(t, rc(t, dir, nil, "preview", "wren@example.com", "--json"))
	dp := find(wren, "Deployments", "")
	if dp["access"] != "full" || dp["decision"] != true || !strings.Contains(dp["reason"].(string), "(R18, decision)") {
		t.Errorf("Deployments by write access alone: %v", dp)
	}
	for _, e := range wren["environments"].([]any) {
		em := e.(map[string]any)
		if em["environment"] == "Prod" && (em["deploy_decision"] != true || em["schedule_decision"] != false) {
			t.Errorf("Prod: deploy by write access alone is a decision, scheduling so is not: %v", em)
		}
	}
}

// R17: write needs Runtime Management itself; the JSON says which rules
// decided each answer.
func TestReasonsRulesInJSON(t *testing.T) {
	t.Parallel()
	dir := reasons(t)
	// sched holds Sched, which ROEnv does not list and which grants what
	// Env RO does not: only the listed role counting decides (R15,
	// decision). envs's unlisted Env RW grants nothing more that counts
	// there: R15 decides nothing.
	for _, c := range []struct {
		user     string
		decision bool
	}{{"sched@example.com", true}, {"envs@example.com", false}} {
		m := jsonOf(t, rc(t, dir, nil, "preview", c.user, "--json"))
		for _, e := range m["environments"].([]any) {
			em := e.(map[string]any)
			if em["environment"] != "ROEnv" {
				continue
			}
			b, _ := json.Marshal(em["rules"])
			if string(b) != `["R13","R15","R17"]` || em["decision"] != c.decision {
				t.Errorf("%s in ROEnv: rules %s decision %v", c.user, b, em["decision"])
			}
		}
	}
}
