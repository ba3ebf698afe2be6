package cli_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// keys returns the sorted keys of a JSON object.
func keys(t *testing.T, v any) string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not an object: %#v", v)
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func object(t *testing.T, r result) map[string]any {
	t.Helper()
	var m map[string]any
	decode(t, r, &m)
	return m
}

// noNullLists fails on any JSON null other than at the given keys: every
// list is [] when empty.
func noNullLists(t *testing.T, v any, path string, allowed map[string]bool) {
	t.Helper()
	switch x := v.(type) {
	case nil:
		if !allowed[path] {
			t.Errorf("null at %s", path)
		}
	case map[string]any:
		for k, e := range x {
			noNullLists(t, e, path+"."+k, allowed)
		}
	case []any:
		for _, e := range x {
			noNullLists(t, e, path+"[]", allowed)
		}
	}
}

func TestPreviewJSON(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	m := object(t, rc(t, dir, nil, "preview", "dana@example.com", "--json"))
	if got := keys(t, m); got != "environments,pages,roles,user" {
		t.Errorf("preview keys %s", got)
	}
	page := m["pages"].([]any)[0]
	if got := keys(t, page); got != "access,actions,decision,page,reason,rules" {
		t.Errorf("page keys %s", got)
	}
	act := page.(map[string]any)["actions"].([]any)
	if len(act) == 0 || keys(t, act[0]) != "action,allowed,decision,reason,rules" {
		t.Errorf("action %v", act)
	}
	env := m["environments"].([]any)[0]
	for _, k := range []string{"environment", "visible", "access", "deploy", "schedule", "edit_extensions", "reason", "rules", "decision",
		"deploy_reason", "deploy_rules", "deploy_decision", "schedule_reason", "schedule_rules", "schedule_decision",
		"edit_extensions_reason", "edit_extensions_rules", "edit_extensions_decision"} {
		if _, ok := env.(map[string]any)[k]; !ok {
			t.Errorf("environment lacks %q: %v", k, env)
		}
	}
	noNullLists(t, m, "", nil)
}

func TestExplainJSON(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	m := object(t, rc(t, dir, nil, "explain", "kai@example.com", "--json"))
	for _, k := range []string{"user", "roles", "privileges", "environments"} {
		if _, ok := m[k]; !ok {
			t.Errorf("explain lacks %q", k)
		}
	}
	var sawVia, sawImplied bool
	for _, g := range m["privileges"].([]any) {
		g := g.(map[string]any)
		if _, ok := g["privilege"].(string); !ok {
			t.Errorf("privilege without a name: %v", g)
		}
		for _, s := range g["sources"].([]any) {
			s := s.(map[string]any)
			via, ok := s["via"].([]any)
			if !ok {
				t.Fatalf("via is not an array: %v", s)
			}
			if len(via) > 0 && via[0] == "Support" && s["role"] == "Read-Only Environment Management" {
				sawVia = true
			}
		}
		if g["implied_by"] != nil {
			sawImplied = true
		}
	}
	if !sawVia {
		t.Error("no source of kai's Support privileges via Support")
	}
	if sawImplied {
		// kai holds Runtime Management Read Access through Standard User directly.
		t.Error("implied_by set where the privilege is held directly")
	}
	noNullLists(t, m, "", nil)

	// implied_by appears when the privilege is held only through R4.
	m = object(t, rc(t, dir, nil, "explain", "ada@example.com", "--json"))
	found := false
	for _, g := range m["privileges"].([]any) {
		g := g.(map[string]any)
		if g["privilege"] == "Environment Management Read Access" && g["implied_by"] == "Environment Management" {
			found = true
		}
	}
	if !found {
		t.Error("ada's Environment Management Read Access is not implied_by Environment Management")
	}
}

func TestWhoCanJSON(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	m := object(t, rc(t, dir, nil, "who-can", "Execute", "--json"))
	if got := keys(t, m); got != "environment,privilege,users" {
		t.Errorf("who-can keys %s", got)
	}
	if m["environment"] != nil {
		t.Errorf("environment %v, want null account-wide", m["environment"])
	}
	u := m["users"].([]any)[0].(map[string]any)
	if _, ok := u["user"].(string); !ok {
		t.Errorf("user entry %v", u)
	}
	if _, ok := u["sources"].([]any); !ok {
		t.Errorf("sources %v", u)
	}
	noNullLists(t, m, "", map[string]bool{".environment": true})

	m = object(t, rc(t, dir, nil, "who-can", "Scheduling", "--env", "test", "--json"))
	if m["environment"] != "Test" {
		t.Errorf("environment %v, want Test", m["environment"])
	}
	want(t, rc(t, dir, nil, "init", "--empty", "-f", "empty.toml"), 0)
	m = object(t, rc(t, dir, nil, "who-can", "Execute", "-f", "empty.toml", "--json"))
	if us, ok := m["users"].([]any); !ok || len(us) != 0 {
		t.Errorf("users %v, want []", m["users"])
	}
}

func TestDiffJSON(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	want(t, rc(t, dir, nil, "init", "-f", "old.toml"), 0)
	want(t, rc(t, dir, nil, "user", "assign", "dana@example.com", "Standard User"), 0)
	want(t, rc(t, dir, nil, "env", "disallow", "Production", "Production Support"), 0)
	r := rc(t, dir, nil, "diff", "--json", "old.toml", "rolecall.toml")
	m := object(t, r)
	if got := keys(t, m); got != "account,environments,new_violations,summary,users" {
		t.Errorf("diff keys %s", got)
	}
	sum := m["summary"].([]any)
	if len(sum) == 0 || !strings.Contains(r.stdout, "dana@example.com gains") {
		t.Errorf("summary %v", sum)
	}
	noNullLists(t, m, "", nil)
	human := rc(t, dir, nil, "diff", "old.toml", "rolecall.toml")
	want(t, human, 0, "Production no longer lists Production Support", "pat@example.com no longer sees Production")

	m = object(t, rc(t, dir, nil, "diff", "--json", "old.toml", "old.toml"))
	for _, k := range []string{"account", "users", "environments", "summary"} {
		if l, ok := m[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s is %v, want []", k, m[k])
		}
	}
}

func TestCheckAndLogJSON(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	var v struct {
		User, Privilege string
		Environment     *string
		Allowed         bool
		Reason          string
		Sources         []struct {
			Role string
			Via  []string
		}
	}
	r := rc(t, dir, nil, "check", "wren@example.com", "Runtime Management", "--env", "Test", "--json")
	want(t, r, 0)
	decode(t, r, &v)
	if !v.Allowed || v.Environment == nil || *v.Environment != "Test" || len(v.Sources) == 0 {
		t.Errorf("verdict %+v", v)
	}
	want(t, rc(t, dir, nil, "role", "add", "Ops", "-p", "Dashboard"), 0)
	r = rc(t, dir, nil, "log", "--json")
	want(t, r, 0)
	var entries []map[string]json.RawMessage
	decode(t, r, &entries)
	if len(entries) != 1 {
		t.Fatalf("%d entries, want 1", len(entries))
	}
	for _, k := range []string{"time", "user", "host", "frontend", "change"} {
		if _, ok := entries[0][k]; !ok {
			t.Errorf("log entry lacks %q", k)
		}
	}
	if !strings.Contains(string(entries[0]["frontend"]), "role add Ops") {
		t.Errorf("frontend %s", entries[0]["frontend"])
	}
}
