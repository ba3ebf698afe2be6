package model

// The production side of the rule ids and decision flags that
// TestDifferential compares (RULES.md): each answer's rule ids and its
// decision flag.

func prodPageRules(v PageView) ([]string, bool)     { return v.Rules, v.Decision }
func prodActionRules(v ActionView) ([]string, bool) { return v.Rules, v.Decision }
func prodEnvRules(v EnvView) ([]string, bool)       { return v.Rules, v.Decision }
func prodDeployRules(v EnvView) ([]string, bool)    { return v.DeployRules, v.DeployDecision }
func prodScheduleRules(v EnvView) ([]string, bool)  { return v.ScheduleRules, v.ScheduleDecision }
func prodEditRules(v EnvView) ([]string, bool)      { return v.EditRules, v.EditDecision }
func prodVerdictRules(v Verdict) ([]string, bool)   { return v.Rules, v.Decision }
