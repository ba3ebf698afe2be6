package model

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of reasons")

// everyRule is an account in which every rule of R3-R19 decides some
// answer: custom roles on and Advanced Environment Access on, a chain of
// three custom roles over a built-in, a covered tick (R4, R9), the
// per-environment privileges through listed and unlisted roles, Full
// Access without Runtime Management (R17, decision), Environment
// Management with and without Runtime Management, an open, a restricted
// and an unreachable environment, a role that inherits a listed one
// (R13's near miss), and a Standard User (§1's decisions).
func everyRule() *Account {
	a := acctOn([]Role{
		role("Ops", Support, RuntimeManagement, Scheduling),
		role("Ops Plus", "Ops", RuntimeManagementRead, PackagedComponentDeployment),
		role("Ops Max", "Ops Plus", Dashboard),
		role("Env RO", "", EnvironmentRead, RuntimeManagementRead),
		role("Env RW", "", EnvironmentFull, RuntimeManagement),
		role("Env RW no RM", "", EnvironmentFull, RuntimeManagementRead, PackagedComponentDeployment),
		role("Env Both", "", EnvironmentFull, EnvironmentRead, RuntimeManagement),
		role("Env Admin", "", EnvironmentManagement, RuntimeManagement),
		role("Env Admin no RM", "", EnvironmentManagement, RuntimeManagementRead),
		role("Builder", "", BuildReadWrite, Developer),
		role("Reader", "", BuildRead, EnvironmentRead),
		role("Users", "", UserManagement),
	}, []User{
		user("ada@x.com", Administrator),
		user("std@x.com", StandardUser),
		user("ops@x.com", "Ops Max"),
		user("ro@x.com", "Env RO", ProductionSupport),
		user("rw@x.com", "Env RW"),
		user("rwnorm@x.com", "Env RW no RM"),
		user("both@x.com", "Env Both"),
		user("envadmin@x.com", "Env Admin", "Env RO"),
		user("envnorm@x.com", "Env Admin no RM"),
		user("builder@x.com", "Builder", "Reader"),
		user("support@x.com", Support, "Users"),
	},
		env("Open"),
		env("Prod", "Env RW", "Env RW no RM", "Env Both", "Ops Plus"),
		env("Test", "Env RO", "Ops"),
	)
	return a
}

// TestReasonsGolden keeps every reason of the demo account and of
// everyRule in a golden file, so that a change of wording or of the rules
// cited shows in review. Run with -update to rewrite them.
func TestReasonsGolden(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		acct *Account
	}{{"demo", Demo()}, {"every-rule", everyRule()}} {
		t.Run(c.name, func(t *testing.T) {
			r := mustValid(t, c.acct)
			got := reasonsText(r)
			path := filepath.Join("testdata", "reasons-"+c.name+".golden")
			if *updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(want) != got {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\ngot  %s\nwant %s\n(run with -update if the change is meant)", path, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s differs in length: %d lines, want %d", path, len(gl), len(wl))
			}
		})
	}
}

func reasonsText(r *Resolver) string {
	var b strings.Builder
	mark := func(rules []string, dec bool) string {
		s := "[" + strings.Join(rules, " ")
		if dec {
			s += " decision"
		}
		return s + "]"
	}
	for u := range r.us() {
		pv := r.Preview(u)
		fmt.Fprintf(&b, "# %s holds %s\n", pv.User, strings.Join(pv.Roles, ", "))
		for _, p := range pv.Pages {
			fmt.Fprintf(&b, "page %s %s: %s\n", p.Page, mark(p.Rules, p.Decision), p.Reason)
			if p.Access == PageHidden {
				continue
			}
			for _, a := range p.Actions {
				fmt.Fprintf(&b, "  action %s %s: %s\n", a.Action, mark(a.Rules, a.Decision), a.Reason)
			}
		}
		for _, e := range pv.Environments {
			fmt.Fprintf(&b, "env %s %s: %s\n", e.Environment, mark(e.Rules, e.Decision), e.Reason)
			fmt.Fprintf(&b, "  deploy %s: %s\n", mark(e.DeployRules, e.DeployDecision), e.DeployReason)
			fmt.Fprintf(&b, "  schedule %s: %s\n", mark(e.ScheduleRules, e.ScheduleDecision), e.ScheduleReason)
			fmt.Fprintf(&b, "  edit extensions %s: %s\n", mark(e.EditRules, e.EditDecision), e.EditReason)
		}
		for _, g := range r.Grants(u) {
			fmt.Fprintf(&b, "grant %s: %s\n", g.Privilege, g.From())
		}
		for e := range r.envs {
			for _, g := range r.EnvGrants(u, e) {
				fmt.Fprintf(&b, "grant in %s %s: %s\n", r.envs[e].name, g.Privilege, g.From())
			}
		}
	}
	return b.String()
}
