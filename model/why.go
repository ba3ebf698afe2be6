package model

import (
	"slices"
	"strings"
)

// Step is one step of a decision, as the branch that took it wrote it: the
// rule it applied, whether that rule (or the row of §5 it read) is one of
// our decisions, and what held or what was missing, in words. Every reason
// of the preview, of check and of who-can is a list of steps (RULES.md says
// which rules each answer cites).
type Step struct {
	Rule     string `json:"rule"`
	Decision bool   `json:"decision,omitempty"`
	Text     string `json:"text"`
}

// String is the step as a reason shows it: "TEXT (R13)", "TEXT (R15,
// decision)".
func (s Step) String() string {
	if s.Text == "" {
		return "" // a step that only cites its rule for another's words
	}
	if s.Rule == "" {
		return s.Text
	}
	if s.Decision {
		return s.Text + " (" + s.Rule + ", decision)"
	}
	return s.Text + " (" + s.Rule + ")"
}

// Why is the reason of one answer, rendered from its steps.
type Why struct {
	Steps []Step
}

func because(steps ...Step) Why { return Why{Steps: steps} }

func step(rule, text string) Step    { return Step{Rule: rule, Text: text} }
func decided(rule, text string) Step { return Step{Rule: rule, Decision: true, Text: text} }
func stepIf(rule string, dec bool, text string) Step {
	return Step{Rule: rule, Decision: dec, Text: text}
}

// add appends steps.
func (w *Why) add(steps ...Step) { w.Steps = append(w.Steps, steps...) }

// Text is the reason in one line: its steps, each with its rule, joined by
// "; ". Names in it come from the account as they are; front ends print
// it through SafeText.
func (w Why) Text() string {
	parts := make([]string, 0, len(w.Steps))
	for _, s := range w.Steps {
		if t := s.String(); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; ")
}

// Rules returns the rule ids the steps cite, sorted by number, once each
// (never nil).
func (w Why) Rules() []string {
	out := make([]string, 0, len(w.Steps))
	for _, s := range w.Steps {
		if s.Rule != "" && !slices.Contains(out, s.Rule) {
			out = append(out, s.Rule)
		}
	}
	slices.SortFunc(out, compareRuleIDs)
	return out
}

// Decision reports whether a step of the reason is one of our decisions.
func (w Why) Decision() bool {
	for _, s := range w.Steps {
		if s.Decision {
			return true
		}
	}
	return false
}

// compareRuleIDs orders "R4" before "R13".
func compareRuleIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
