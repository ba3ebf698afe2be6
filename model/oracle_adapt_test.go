package model

// The production side of the rule ids and decision flags that
// TestDifferential compares (RULES.md). Each function returns the answer's
// rule ids and its decision flag; nil rules mean "production does not say
// yet", and the differential then compares the answer only.
//
// adapter: wired to the new fields when merged. The fields (PageView.Rules,
// .Decision; ActionView.Rules, .Decision; EnvView.Rules, .Decision,
// .DeployRules, .DeployDecision, .ScheduleRules, .ScheduleDecision,
// .EditRules, .EditDecision; Verdict.Rules, .Decision) are being added on
// main; each body below becomes the return shown in its comment.

// prodPageRules: return v.Rules, v.Decision
func prodPageRules(v PageView) (rules []string, decision bool) { return nil, false }

// prodActionRules: return v.Rules, v.Decision
func prodActionRules(v ActionView) (rules []string, decision bool) { return nil, false }

// prodEnvRules (visibility and access): return v.Rules, v.Decision
func prodEnvRules(v EnvView) (rules []string, decision bool) { return nil, false }

// prodDeployRules: return v.DeployRules, v.DeployDecision
func prodDeployRules(v EnvView) (rules []string, decision bool) { return nil, false }

// prodScheduleRules: return v.ScheduleRules, v.ScheduleDecision
func prodScheduleRules(v EnvView) (rules []string, decision bool) { return nil, false }

// prodEditRules: return v.EditRules, v.EditDecision
func prodEditRules(v EnvView) (rules []string, decision bool) { return nil, false }

// prodVerdictRules: return v.Rules, v.Decision
func prodVerdictRules(v Verdict) (rules []string, decision bool) { return nil, false }
