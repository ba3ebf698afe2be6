package cli_test

import (
	"strings"
	"testing"
)

// The five documented scenarios of interfaces.md §4, end to end through the
// binary on the demo file.

func TestScenarioCannotViewData(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	p := getPreview(t, dir, "dana@example.com")
	access, acts, why := p.page(t, "Process Reporting")
	if access != "full" {
		t.Errorf("Process Reporting is %s, want full", access)
	}
	for _, a := range []string{"View Document", "Run Document in Test Mode"} {
		if acts[a] || !strings.Contains(why[a], "needs View Data") {
			t.Errorf("%s: allowed=%v reason %q; want refused, needs View Data", a, acts[a], why[a])
		}
	}
	if !acts["Re-run Document"] {
		t.Errorf("Re-run Document refused: %q", why["Re-run Document"])
	}
	want(t, rc(t, dir, nil, "check", "dana@example.com", "View Data"), 1, "DENIED", "needs View Data")
	want(t, rc(t, dir, nil, "check", "dana@example.com", "Execute"), 0, "ALLOWED", "Cannot View Data")
	r := rc(t, dir, nil, "preview", "dana@example.com")
	want(t, r, 0, "[refused]  View Document", "[allowed]  Re-run Document")
}

func TestScenarioReadOnlyBuild(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	p := getPreview(t, dir, "bo@example.com")
	access, acts, _ := p.page(t, "Build")
	if access != "read-only" {
		t.Errorf("Build is %s, want read-only", access)
	}
	if acts["Save"] || acts["Create Component"] {
		t.Errorf("Save or Create Component allowed on a read-only Build page: %v", acts)
	}
	if !acts["Copy Component"] {
		t.Error("Copy Component refused; either Build privilege allows it")
	}
	want(t, rc(t, dir, nil, "preview", "bo@example.com"), 0, "Build (read-only)", "banner:", "[refused]  Save")
}

func TestScenarioReadOnlyRuntime(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	p := getPreview(t, dir, "rita@example.com")
	access, acts, _ := p.page(t, "Runtime Management")
	if access != "read-only" {
		t.Errorf("Runtime Management is %s, want read-only", access)
	}
	for _, a := range []string{"Save Settings", "Delete", "Restart"} {
		if allowed, ok := acts[a]; !ok || allowed {
			t.Errorf("%s: present=%v allowed=%v; want refused", a, ok, allowed)
		}
	}
	if !acts["Search and View"] {
		t.Error("Search and View refused")
	}
}

func TestScenarioReadOnlyEnvironmentManagement(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	oren := getPreview(t, dir, "oren@example.com")
	if e := oren.env(t, "Test"); !e.Visible || e.Access != "read" || e.Deploy || e.EditExtensions {
		t.Errorf("oren in Test: %+v; want visible, read, no deploy, no edit", e)
	}
	prod := oren.env(t, "Production")
	if prod.Visible || prod.Access != "none" || !strings.Contains(prod.Reason, "lists only") {
		t.Errorf("oren in Production: %+v; want hidden with the near miss", prod)
	}
	kai := getPreview(t, dir, "kai@example.com")
	_, acts, why := kai.page(t, "Build")
	if acts["Edit Test Extensions"] {
		t.Errorf("kai may Edit Test Extensions: %q", why["Edit Test Extensions"])
	}
	if !acts["Save"] {
		t.Error("kai (Standard User) may not Save on Build")
	}
	r := rc(t, dir, nil, "check", "oren@example.com", "Runtime Management", "--env", "Production")
	want(t, r, 1, "DENIED", "Production lists only")
}

func TestScenarioWriteAndReadEnvironment(t *testing.T) {
	t.Parallel()
	dir, _ := demo(t)
	wren := getPreview(t, dir, "wren@example.com")
	for _, name := range []string{"Test", "Production"} {
		if e := wren.env(t, name); !e.Visible || e.Access != "write" || !e.Deploy || !e.Schedule || !e.EditExtensions {
			t.Errorf("wren in %s: %+v; want write, deploy, schedule, edit", name, e)
		}
	}
	if e := wren.env(t, "Development"); !e.Visible || e.Access != "read" {
		t.Errorf("wren in Development: %+v; want visible, read", e)
	}
}

// Boomi's recipe without Runtime Management: validation warns (R14) and
// the role's holder sees no environment.
func TestScenarioRecipeWithoutRuntimeManagement(t *testing.T) {
	t.Parallel()
	dir, _ := copyFile(t, "no_runtime.toml")
	want(t, rc(t, dir, nil, "validate"), 0, "1 warning")
	r := rc(t, dir, nil, "validate", "--strict")
	want(t, r, 1, "rolecall.toml:", "warning:", "(R14)", "Write and Read Environment")
	wren := getPreview(t, dir, "wren@example.com")
	for _, e := range wren.Environments {
		if e.Visible {
			t.Errorf("wren sees %s: %+v", e.Environment, e)
		}
		if !strings.Contains(e.Reason, "R14") {
			t.Errorf("%s: reason %q does not cite R14", e.Environment, e.Reason)
		}
	}
}
