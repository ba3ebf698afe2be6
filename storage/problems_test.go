package storage

import (
	"fmt"
	"strings"
	"testing"

	"rolecall/model"
)

// manyWarnings returns an account file without errors whose roles give
// 2*n warnings: each ticks Execute, which its parent Standard User already
// grants (R9), and a per-environment privilege while Advanced Environment
// Access is off (R16).
func manyWarnings(n int) []byte {
	var b strings.Builder
	b.WriteString("format = 1\n\n[account]\nname = \"Messy\"\nadvanced_user_security = true\nadvanced_environment_access = false\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[[roles]]\nname = \"Role %05d\"\ninherits = \"Standard User\"\nprivileges = [\"Execute\", \"Environment Management Read Access\"]\n", i)
	}
	b.WriteString("\n[[users]]\nemail = \"ada@example.com\"\nroles = [\"Administrator\"]\n")
	return []byte(b.String())
}

// No number of warnings makes a file unreadable (interfaces.md §1): a file
// with more than MaxProblems warnings and no error loads clean.
func TestLoadManyWarnings(t *testing.T) {
	p := writeFile(t, "messy.toml", manyWarnings(1200), 0o600)
	d, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if d.HasErrors() || HasErrors(d.Problems) || !d.Stamp.Clean {
		t.Fatalf("warnings only, but the file has errors: %v", Errors(d.Problems))
	}
	if len(d.Problems) != MaxProblems+1 {
		t.Fatalf("%d problems listed, want %d", len(d.Problems), MaxProblems+1)
	}
	last := d.Problems[MaxProblems]
	if last.Severity != model.Warning || !strings.Contains(last.Message, "1400 more problems not listed") {
		t.Errorf("last line is %v", last)
	}
}

// Cutting the list keeps every error ahead of the warnings, and the line
// that counts what was left out is an error only when an error was.
func TestLimitProblems(t *testing.T) {
	mk := func(errLines []int, warns int) []FileProblem {
		var ps []FileProblem
		e := 0
		for line := 1; line <= warns; line++ {
			if e < len(errLines) && errLines[e] == line {
				ps = append(ps, FileProblem{Path: "f", Line: line, Problem: model.Problem{Severity: model.Error, Message: "bad"}})
				e++
			}
			ps = append(ps, FileProblem{Path: "f", Line: line, Problem: model.Problem{Severity: model.Warning, Message: "lint"}})
		}
		return ps
	}
	check := func(t *testing.T, ps []FileProblem, nerr int, lastSev model.Severity, left int) {
		t.Helper()
		if len(ps) != MaxProblems+1 {
			t.Fatalf("%d problems, want %d", len(ps), MaxProblems+1)
		}
		for i, p := range ps[:MaxProblems] {
			if want := i < nerr; (p.Severity == model.Error) != want {
				t.Fatalf("problem %d is %v; want the %d errors first", i, p, nerr)
			}
			if i > 0 && p.Severity == ps[i-1].Severity && p.Line < ps[i-1].Line {
				t.Fatalf("problem %d (line %d) after line %d", i, p.Line, ps[i-1].Line)
			}
		}
		last := ps[MaxProblems]
		if last.Severity != lastSev || !strings.HasPrefix(last.Message, fmt.Sprintf("%d more problems not listed (", left)) || last.LeftOutErrors+last.LeftOutWarnings != left {
			t.Errorf("last line: %v (want %v, %d left)", last, lastSev, left)
		}
	}
	t.Run("warnings only", func(t *testing.T) {
		check(t, limitProblems("f", mk(nil, 1500)), 0, model.Warning, 500)
	})
	t.Run("errors among warnings", func(t *testing.T) {
		errs := []int{3, 700, 1001, 1002, 1499}
		ps := limitProblems("f", mk(errs, 1500))
		check(t, ps, len(errs), model.Warning, 505)
		for i, line := range errs {
			if ps[i].Line != line {
				t.Errorf("error %d at line %d, want %d", i, ps[i].Line, line)
			}
		}
	})
	t.Run("more errors than listed", func(t *testing.T) {
		errs := make([]int, 0, 1200)
		for l := 1; l <= 1200; l++ {
			errs = append(errs, l)
		}
		check(t, limitProblems("f", mk(errs, 1500)), MaxProblems, model.Error, 1700)
	})
}
