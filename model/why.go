package model

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// Note: the step says something beside the answer (an action allowed
	// or refused all the same); its rule is cited, but its decision mark
	// is not the answer's.
	Note bool `json:"note,omitempty"`
}

// Why is the reason of one answer, rendered from its steps.
type Why struct {
	Steps []Step
}

func because(steps ...Step) Why { return Why{Steps: steps} }

func step(rule, text string) Step    { return Step{Rule: rule, Text: text} }
func note(rule, text string) Step    { return Step{Rule: rule, Note: true, Text: text} }
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
	n := 0
	for _, s := range w.Steps {
		if s.Text != "" {
			n += len(s.Text) + len(s.Rule) + 16
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range w.Steps {
		if s.Text == "" {
			continue // a step that only cites its rule for another's words
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(s.Text)
		if s.Rule != "" {
			b.WriteString(" (")
			b.WriteString(s.Rule)
			if s.Decision {
				b.WriteString(", decision")
			}
			b.WriteByte(')')
		}
	}
	return b.String()
}

// Rules returns the rule ids the steps cite, sorted by number, once each
// (never nil). Equal sets share one slice, which callers must not change:
// a preview has hundreds of answers and only a few sets of rules.
func (w Why) Rules() []string {
	var mask uint64
	for _, s := range w.Steps {
		n, ok := ruleNumber(s.Rule)
		if !ok {
			return w.rulesSlow()
		}
		if s.Rule != "" {
			mask |= 1 << n
		}
	}
	return internedRules(mask)
}

// ruleNumber parses "R13" as 13 (and "" as ok, for no rule).
func ruleNumber(rule string) (uint, bool) {
	if rule == "" {
		return 0, true
	}
	if len(rule) < 2 || len(rule) > 3 || rule[0] != 'R' {
		return 0, false
	}
	n := uint(0)
	for i := 1; i < len(rule); i++ {
		c := rule[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint(c-'0')
	}
	return n, n < 64
}

var internedRuleSets sync.Map // mask -> []string

// internedRules returns the sorted rule ids of mask, one slice per mask.
func internedRules(mask uint64) []string {
	if v, ok := internedRuleSets.Load(mask); ok {
		return v.([]string)
	}
	out := make([]string, 0, bits.OnesCount64(mask))
	for n := 0; n < 64; n++ {
		if mask&(1<<n) != 0 {
			out = append(out, "R"+strconv.Itoa(n))
		}
	}
	v, _ := internedRuleSets.LoadOrStore(mask, slices.Clip(out))
	return v.([]string)
}

func (w Why) rulesSlow() []string {
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
		if s.Decision && !s.Note {
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
