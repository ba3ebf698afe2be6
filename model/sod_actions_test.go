package model

import (
	"slices"
	"strings"
	"testing"
)

// A side may name "deploy" or "schedule" (R18): held where the user can do
// it, however they may (Packaged Component Deployment, or write access
// alone, R17); a rule on the privilege misses write access.
func TestSoDActions(t *testing.T) {
	t.Parallel()
	writer := role("Writer", "", EnvironmentManagement, RuntimeManagement)
	a := acctOn([]Role{
		role("Builder", "", BuildReadWrite, RuntimeManagementRead),
		role("Deployer", "", PackagedComponentDeployment, RuntimeManagementRead),
		writer,
		role("Scheduler", "", Scheduling, RuntimeManagement),
	}, []User{
		user("a@x.com", "Builder", "Deployer"),   // deploys through the privilege
		user("w@x.com", "Builder", "Writer"),     // deploys through write access (R17, R18)
		user("e@x.com", "Builder"),               // does not deploy
		user("s@x.com", "Deployer", "Scheduler"), // deploys and schedules
	},
		Environment{Name: "Prod", Classification: Production},
		Environment{Name: "Dev", Classification: Test})
	envRule := func(name string, holds []Privilege, hacts []SoDAction, excl []Privilege, xacts []SoDAction) SoDRule {
		return SoDRule{Name: name, Holds: holds, HoldsActions: hacts, Excludes: excl, ExcludesActions: xacts, Scope: SoDEnvironments, Classification: Production}
	}
	tests := []struct {
		name string
		rule SoDRule
		want []string
	}{
		{"the privilege misses write access", envRule("p", ps(BuildReadWrite), nil, ps(PackagedComponentDeployment), nil), []string{"a@Prod"}},
		{"deploy catches both ways", envRule("d", ps(BuildReadWrite), nil, nil, []SoDAction{SoDDeploy}), []string{"a@Prod", "w@Prod"}},
		{"both sides actions", envRule("ds", nil, []SoDAction{SoDDeploy}, nil, []SoDAction{SoDSchedule}), []string{"w@Prod", "s@Prod"}},
		{"an action beside privileges: any of", envRule("any", ps(BuildReadWrite), nil, ps(ViewAuditLogs), []SoDAction{SoDDeploy}), []string{"a@Prod", "w@Prod"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := a.Clone()
			b.SeparationOfDuties = []SoDRule{tc.rule}
			if ps := Validate(b).Errors(); len(ps) > 0 {
				t.Fatal(ps)
			}
			if got := sites(NewResolver(b).Violations()); !slices.Equal(got, tc.want) {
				t.Errorf("violations at %v, want %v", got, tc.want)
			}
		})
	}

	// The text gives the action's reason, from the preview (R18).
	b := a.Clone()
	b.SeparationOfDuties = []SoDRule{envRule("d", ps(BuildReadWrite), nil, nil, []SoDAction{SoDDeploy})}
	vs := NewResolver(b).Violations()
	var wl string
	for _, v := range vs {
		if v.User == "w@x.com" {
			wl = v.Lines()[0]
		}
	}
	if !strings.Contains(wl, "holds Build Read and Write Access [from Builder] and also can deploy [") || !strings.Contains(wl, "write access, without Packaged Component Deployment (R18") {
		t.Errorf("w's violation: %q; want the deploy with its reason (write access, R18)", wl)
	}

	// Actions are done in an environment: an account-wide rule naming one,
	// and the same action on both sides, are refused.
	for _, r := range []SoDRule{
		{Name: "acct", Holds: ps(BuildReadWrite), ExcludesActions: []SoDAction{SoDDeploy}, Scope: SoDAccount},
		{Name: "both", HoldsActions: []SoDAction{SoDDeploy}, ExcludesActions: []SoDAction{SoDDeploy}, Scope: SoDEnvironments},
	} {
		b := a.Clone()
		b.SeparationOfDuties = []SoDRule{r}
		if errs := Validate(b).Errors(); len(errs) == 0 {
			t.Errorf("rule %s: want an error", r.Name)
		}
	}
}
