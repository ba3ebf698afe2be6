package model

import "fmt"

// Severity of a problem found by validation.
type Severity int

const (
	// Error blocks saving and opening a file for writing.
	Error Severity = iota
	// Warning is lint: shown, never blocking.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Section names the part of the account a problem concerns.
type Section string

const (
	SectionAccount      Section = "account"
	SectionRoles        Section = "roles"
	SectionUsers        Section = "users"
	SectionEnvironments Section = "environments"
	// SectionGroups is a primary's account groups (R20): Index is the
	// group, Key "name", "shared_roles", "members" or "users", Item the
	// position in that list.
	SectionGroups Section = "groups"
)

// Loc says where in the account a problem lies, so that a front end can point
// at it and storage can turn it into a file line. Index is the position in
// the account's slice of that section (-1 for the section as a whole); Key is
// the field ("name", "inherits", "privileges", "roles", ...), or "".
// Item is the position inside a list-valued key (-1 when none).
type Loc struct {
	Section Section
	Index   int
	Key     string
	Item    int
}

// Problem is one finding of validation or of a refused edit.
type Problem struct {
	// File is the file the problem is in, as the primary names it (a
	// member's GroupMember.File, or GroupSet.PrimaryFile), when a check of
	// a group set found it (ValidateGroups); "" for the one file validated.
	File     string
	Severity Severity
	Rule     string // "R8", "R13", ...
	// Decision: the rule's deciding step is one of our decisions
	// (access-model.md, "(decision)" marking); texts print "(R7, decision)".
	Decision bool
	Loc      Loc
	Subject  string // the role, user or environment it is about, as named in the file
	Message  string // what is wrong and what to do, in one line
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s", p.Severity, p.cited())
}

// cited is the message with its rule in parentheses, when it has one (a
// problem of the file's form, such as a path written wrong, has none).
func (p Problem) cited() string {
	if c := p.Cite(); c != "" {
		return p.Message + " (" + c + ")"
	}
	return p.Message
}

// Cite is the rule as texts print it inside their parentheses: "R7", or
// "R7, decision" when Decision is set.
func (p Problem) Cite() string { return cite(p.Rule, p.Decision) }

// Problems is a list of findings.
type Problems []Problem

// Errors returns only the blocking problems.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the lint problems.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Warning {
			out = append(out, p)
		}
	}
	return out
}

// HasErrors reports whether any problem blocks saving.
func (ps Problems) HasErrors() bool { return len(ps.Errors()) > 0 }

// Error makes a non-empty list usable as an error: the first error's text, and
// how many more there are.
func (ps Problems) Error() string {
	errs := ps.Errors()
	if len(errs) == 0 {
		errs = ps
	}
	if len(errs) == 0 {
		return "no problems"
	}
	s := errs[0].cited()
	if len(errs) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	return s
}
