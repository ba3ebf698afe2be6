package model

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The rule each kind of refusal cites, as chosen from access-model.md
// (refusal.go says why). Written out here so that a change of the table
// is a deliberate change of this test too.
var wantRefusalRule = map[Refusal]string{
	NoSuchRole:           "R5",
	RoleNeedsAUS:         "R3",
	NoSuchUser:           "R10",
	NoSuchEnvironment:    "R12",
	NoSuchSwitch:         "R16",
	BuiltinNotEditable:   "R2",
	CustomRolesNeedAUS:   "R3",
	DuplicateRoleName:    "R7",
	DuplicateEnvironment: "R7",
	DuplicateUser:        "R10",
	NameShape:            "R7",
	AccountNameShape:     "R7, decision",
	EmailShape:           "R10",
	UserNameTooLong:      "R10",
	DescriptionTooLong:   "R5",
	UnknownPrivilege:     "R0",
	NotTicked:            "R5",
	InheritedTick:        "R5",
	MissingParent:        "R6",
	InheritsItself:       "R6",
	InheritanceCycle:     "R6",
	RoleInUse:            "R8",
	UserWithoutRole:      "R10",
	RoleHeldTwice:        "R10",
	RoleNotHeld:          "R10",
	BadClassification:    "R12",
	ListedTwice:          "R13",
	RoleNotListed:        "R13",
	LookAlike:            "R7, decision",
	// §6: R21 and R24 mark their decisions (inheriting, renaming);
	// membership by file is ours (R20, decision).
	SharedRoleReadOnly:  "R21",
	SharedRoleListed:    "R21",
	SharedRoleInherited: "R21, decision",
	SharedRoleNeedsAUS:  "R20",
	SharedRoleDangling:  "R21",
	SharedRoleInUse:     "R24",
	SharedRoleRenamed:   "R24, decision",
	GroupUserNotHere:    "R25",
	SharingNeedsAUS:     "R20",
	NotSharable:         "R20",
	DuplicateGroup:      "R20",
	NoSuchGroup:         "R20",
	GroupMembership:     "R20, decision",
	SoDRuleShape:        "R11, decision",
}

func TestRefusalTable(t *testing.T) {
	t.Parallel()
	for k := Refusal(1); k < numRefusals; k++ {
		want, ok := wantRefusalRule[k]
		if !ok {
			t.Errorf("%v: no rule expected for it in this test", k)
			continue
		}
		if k.Cite() != want {
			t.Errorf("%v cites %q, want %q", k, k.Cite(), want)
		}
		if !regexp.MustCompile(`^R\d+$`).MatchString(k.Rule()) {
			t.Errorf("%v: rule %q is not a rule id", k, k.Rule())
		}
	}
	if Refusal(0).Rule() != "" || numRefusals.Cite() != "" {
		t.Error("a kind outside the table cites a rule")
	}
}

// refusalAccounts: on has Advanced User Security on, with a chain Child ->
// Parent, a role Held that a user holds and Prod lists; off has it off,
// with a custom role Kept that nobody holds (a warning, not an error).
func refusalAccounts() (on, off *Account) {
	on = acctOn([]Role{role("Parent", "", Execute), role("Child", "Parent", Licensing), role("Held", "", RuntimeManagement)},
		[]User{user("a@x.com", "Held"), user("b@x.com", Administrator, "Child")},
		Environment{Name: "Prod", Classification: Production, RolesWithAccess: []string{"Held"}}, env("Dev"))
	off = &Account{Name: "t", Roles: []Role{role("Kept", "", Execute)},
		Users:        []User{user("a@x.com", Administrator)},
		Environments: []Environment{env("Prod", StandardUser), env("Dev")}}
	return on, off
}

// Each refused edit cites its kind's rule, whichever edit finds it: the
// same refusal always cites the same rule (access-model.md).
func TestRefusalsCiteTheTable(t *testing.T) {
	t.Parallel()
	on, off := refusalAccounts()
	for _, a := range []*Account{on, off} {
		if errs := Validate(a).Errors(); len(errs) > 0 {
			t.Fatalf("test account has errors: %v", errs)
		}
	}
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		a    *Account
		op   Op
		kind Refusal
		subs string
	}{
		// A role that does not exist: R5, whichever edit names it.
		{on, RemoveRole{Name: "Ghost"}, NoSuchRole, `no role "Ghost"`},
		{on, SetDescription{Role: "Ghost", To: "x"}, NoSuchRole, `no role "Ghost"`},
		{on, AddUser{Email: "n@x.com", Roles: []string{"Ghost"}}, NoSuchRole, `no role "Ghost"`},
		{on, Assign{Email: "a@x.com", Role: "Ghost"}, NoSuchRole, `no role "Ghost"`},
		{on, Allow{Environment: "Dev", Role: "Ghost"}, NoSuchRole, `no role "Ghost"`},
		{on, AddEnvironment{Name: "New", Roles: []string{"Ghost"}}, NoSuchRole, "does not exist"},
		// Production Support and Support with AUS off: R3, anywhere.
		{off, AddUser{Email: "n@x.com", Roles: []string{Support}}, RoleNeedsAUS, "only with Advanced User Security on"},
		{off, Assign{Email: "a@x.com", Role: ProductionSupport}, RoleNeedsAUS, "only with Advanced User Security on"},
		{off, Allow{Environment: "Dev", Role: "support"}, RoleNeedsAUS, "only with Advanced User Security on"},
		{off, AddEnvironment{Name: "New", Roles: []string{Support}}, RoleNeedsAUS, "only with Advanced User Security on"},
		{on, SetSwitch{Switch: SwitchAdvancedUserSecurity, From: true, To: false}, CustomRolesNeedAUS, ""},
		// A missing parent: R6.
		{on, SetParent{Role: "Child", From: "Parent", To: "Ghost"}, MissingParent, "does not exist"},
		{on, AddRole{Name: "New", Inherits: "Ghost"}, MissingParent, "does not exist"},
		{on, SetParent{Role: "Child", From: "Parent", To: "Child"}, InheritsItself, "inherits itself"},
		{on, SetParent{Role: "Parent", To: "Child"}, InheritanceCycle, "cycle"},
		{on, AddUser{Email: "z@x.com"}, UserWithoutRole, "at least one role"},
		{on, Unassign{Email: "a@x.com", Role: "Held"}, UserWithoutRole, "only role"},
		{on, Assign{Email: "nobody@x.com", Role: "Held"}, NoSuchUser, "no user"},
		{on, Unassign{Email: "nobody@x.com", Role: "Held"}, NoSuchUser, "no user"},
		{on, RemoveUser{Email: "nobody@x.com"}, NoSuchUser, "no user"},
		{on, SetUserName{Email: "nobody@x.com", To: "N"}, NoSuchUser, "no user"},
		{on, RemoveEnvironment{Name: "Ghost"}, NoSuchEnvironment, "no environment"},
		{on, Allow{Environment: "Ghost", Role: "Held"}, NoSuchEnvironment, "no environment"},
		{on, Disallow{Environment: "Ghost", Role: "Held"}, NoSuchEnvironment, "no environment"},
		{on, SetSwitch{Switch: "x", To: true}, NoSuchSwitch, "no account switch"},
		{on, RemoveRole{Name: Administrator}, BuiltinNotEditable, "built-in"},
		{on, RenameRole{Role: Support, To: "S"}, BuiltinNotEditable, "built-in"},
		{on, Tick{Role: StandardUser, Privilege: Dashboard}, BuiltinNotEditable, "built-in"},
		{off, AddRole{Name: "New"}, CustomRolesNeedAUS, "Advanced User Security"},
		{off, RemoveRole{Name: "Kept"}, CustomRolesNeedAUS, "Advanced User Security"},
		{off, Assign{Email: "a@x.com", Role: "Kept"}, CustomRolesNeedAUS, "Advanced User Security off"},
		{on, AddRole{Name: "parent"}, DuplicateRoleName, "exists already"},
		{on, AddRole{Name: "administrator"}, DuplicateRoleName, "built-in"},
		{on, RenameRole{Role: "Child", To: "PARENT"}, DuplicateRoleName, "exists already"},
		// Environments and users: the same rule from the edit and from validation.
		{on, AddEnvironment{Name: "prod"}, DuplicateEnvironment, "exists already"},
		{on, AddUser{Email: "A@X.com", Roles: []string{Administrator}}, DuplicateUser, "exists already"},
		{on, AddRole{Name: "Zero\u200bWidth"}, NameShape, "U+200B"},
		{on, AddEnvironment{Name: long(MaxEnvironmentName + 1)}, NameShape, ""},
		{on, AddUser{Email: "z@x.com\u2060", Roles: []string{Administrator}}, NameShape, "U+2060"},
		{on, SetUserName{Email: "a@x.com", To: "A\x1bB"}, NameShape, "control"},
		{on, RenameAccount{To: long(MaxAccountName + 1)}, AccountNameShape, ""},
		{on, AddUser{Email: "nobody", Roles: []string{Administrator}}, EmailShape, "not an email"},
		{on, SetUserName{Email: "a@x.com", To: long(MaxUserName + 1)}, UserNameTooLong, ""},
		{on, SetDescription{Role: "Child", To: long(MaxDescription + 1)}, DescriptionTooLong, ""},
		{on, Tick{Role: "Child", Privilege: 0}, UnknownPrivilege, "unknown privilege"},
		{on, AddRole{Name: "New", Privileges: []Privilege{0}}, UnknownPrivilege, "unknown privilege"},
		{on, Untick{Role: "Child", Privilege: Dashboard}, NotTicked, "does not tick"},
		{on, Untick{Role: "Child", Privilege: Execute}, InheritedTick, "inherited"},
		{on, RemoveRole{Name: "Held"}, RoleInUse, "held by a@x.com"},
		{on, RemoveRole{Name: "Parent"}, RoleInUse, "inherited by Child"},
		{on, Assign{Email: "a@x.com", Role: "held"}, RoleHeldTwice, "already"},
		{on, Unassign{Email: "b@x.com", Role: "Held"}, RoleNotHeld, "does not hold"},
		{on, AddEnvironment{Name: "New", Classification: "staging"}, BadClassification, "classification"},
		{on, Allow{Environment: "Prod", Role: "HELD"}, ListedTwice, "already"},
		{on, Disallow{Environment: "Dev", Role: "Held"}, RoleNotListed, "does not list"},
	}
	seen := map[Refusal]bool{LookAlike: true} // a warning: TestRefusalsOfValidation
	seen[SoDRuleShape] = true                 // no edit changes the file's rules: sod_test.go
	for _, k := range groupRefusalKinds {
		seen[k] = true // refused group edits and checks: groups_test.go
	}
	for _, tt := range tests {
		t.Run(tt.op.Describe(), func(t *testing.T) {
			_, _, err := Apply(tt.a, tt.op)
			var ref *Refused
			if !errors.As(err, &ref) {
				t.Fatalf("not refused: %v", err)
			}
			if ref.Cite() != wantRefusalRule[tt.kind] {
				t.Errorf("cites (%s), want (%s) for %v: %v", ref.Cite(), wantRefusalRule[tt.kind], tt.kind, err)
			}
			if !strings.Contains(err.Error(), "("+wantRefusalRule[tt.kind]+")") {
				t.Errorf("the text does not cite (%s): %v", wantRefusalRule[tt.kind], err)
			}
			if !strings.Contains(err.Error(), tt.subs) {
				t.Errorf("refusal %q does not say %q", err, tt.subs)
			}
		})
		seen[tt.kind] = true
	}
	for k := Refusal(1); k < numRefusals; k++ {
		if !seen[k] {
			t.Errorf("no refused edit in this test cites %v", k)
		}
	}
}

// Validation finds the same refusals in a file, with the same rules.
func TestRefusalsOfValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    *Account
		sev  Severity
		kind Refusal
		subs string
	}{
		{"user holds a missing role", acctOn(nil, []User{user("a@x.com", "Ghost")}), Error, NoSuchRole, `"Ghost", which does not exist`},
		{"environment lists a missing role", acctOn(nil, nil, env("Prod", "Ghost")), Error, NoSuchRole, `"Ghost", which does not exist`},
		{"user holds Support, AUS off", &Account{Users: []User{user("a@x.com", Support)}}, Error, RoleNeedsAUS, "only with Advanced User Security on"},
		{"environment lists Support, AUS off", &Account{Environments: []Environment{env("Prod", Support)}}, Error, RoleNeedsAUS, "only with Advanced User Security on"},
		{"role inherits Support, AUS off", &Account{Roles: []Role{role("C", Support)}}, Error, RoleNeedsAUS, "only with Advanced User Security on"},
		{"role inherits a missing role", acctOn([]Role{role("C", "Ghost")}, nil), Error, MissingParent, "does not exist"},
		{"user holds a custom role, AUS off", &Account{Roles: []Role{role("C", "")}, Users: []User{user("a@x.com", "C")}}, Error, CustomRolesNeedAUS, "Advanced User Security off"},
		{"two environments of one name", acctOn(nil, nil, env("Prod"), env("PROD")), Error, DuplicateEnvironment, "defined twice"},
		{"two users of one email", acctOn(nil, []User{user("a@x.com", Administrator), user("A@x.com", Administrator)}), Error, DuplicateUser, "listed twice"},
		{"two roles of one name", acctOn([]Role{role("C", ""), role("c", "")}, nil), Error, DuplicateRoleName, "defined twice"},
		{"user holds a role twice", acctOn(nil, []User{user("a@x.com", Administrator, "ADMINISTRATOR")}), Error, RoleHeldTwice, "twice"},
		{"environment lists a role twice", acctOn(nil, nil, env("Prod", Administrator, "administrator")), Error, ListedTwice, "twice"},
		{"account name with an invisible character", &Account{Name: "Acme\u200b"}, Error, AccountNameShape, "U+200B"},
		{"look-alike environment", acctOn(nil, nil, env("Production"), env("Pr\u043eduction")), Warning, LookAlike, "looks like"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !findProblem(Validate(tt.a), tt.sev, wantRefusalRule[tt.kind], tt.subs) {
				t.Errorf("want %v (%s) saying %q, got %v", tt.sev, wantRefusalRule[tt.kind], tt.subs, Validate(tt.a))
			}
		})
	}
}

// MissingRole tells the two refusals of a role that is not there apart.
func TestMissingRole(t *testing.T) {
	t.Parallel()
	on, off := refusalAccounts()
	for _, tt := range []struct {
		a    *Account
		name string
		want Refusal
	}{
		{off, Support, RoleNeedsAUS},
		{off, "production support", RoleNeedsAUS},
		{off, "Ghost", NoSuchRole},
		{on, "Ghost", NoSuchRole},
	} {
		if got := MissingRole(tt.a, tt.name); got != tt.want {
			t.Errorf("MissingRole(AUS %v, %q) = %v, want %v", tt.a.AdvancedUserSecurity, tt.name, got, tt.want)
		}
	}
}

// A decision is a flag, printed "(R7, decision)": the rule stays an id.
func TestDecisionFlag(t *testing.T) {
	t.Parallel()
	ps := Validate(acctOn(nil, nil, env("Production"), env("Pr\u043eduction")))
	if len(ps) != 1 || ps[0].Rule != "R7" || !ps[0].Decision {
		t.Fatalf("want one R7 problem marked decision, got %#v", ps)
	}
	if s := ps[0].String(); !strings.HasSuffix(s, "(R7, decision)") {
		t.Errorf("printed %q, want it to end (R7, decision)", s)
	}
	on, _ := refusalAccounts()
	_, _, err := Apply(on, RenameAccount{To: strings.Repeat("x", MaxAccountName+1)})
	var ref *Refused
	if !errors.As(err, &ref) || ref.Rule != "R7" || !ref.Decision || !strings.HasSuffix(err.Error(), "(R7, decision)") {
		t.Errorf("account name refusal: %#v", err)
	}
}

// No refusal picks its rule at its call site: every refuse(...) and every
// validation error takes a Refusal of the table (refusal.go), and the
// command line's and the TUI's refusals cite the table too.
func TestNoRuleLiteralsAtRefusals(t *testing.T) {
	t.Parallel()
	ruleLit := regexp.MustCompile(`^"R\d+(, decision)?"$`)
	citedInText := regexp.MustCompile(`[(,] ?R\d+\)`)
	var files []string
	for _, dir := range []string{".", "../cli", "../tui", "../storage"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") || filepath.Base(path) == "refusal.go" {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution) // no check reads Ident.Obj
		if err != nil {
			t.Fatal(err)
		}
		bad := func(n ast.Node, why string) {
			t.Errorf("%s: %s", fset.Position(n.Pos()), why)
		}
		if filepath.Base(filepath.Dir(path)) == "cli" {
			cliTextRules(t, fset, f)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				switch name {
				case "refuse", "unknown", "add":
					if name == "add" && (len(n.Args) == 0 || !isIdent(n.Args[0], "Error")) && !strings.Contains(path, "storage") {
						return true
					}
					if name == "add" && isIdent(n.Args[0], "Error") {
						bad(n, "a validation error added without a Refusal (use v.refuse)")
					}
					for _, arg := range n.Args {
						if lit, ok := arg.(*ast.BasicLit); ok && ruleLit.MatchString(lit.Value) {
							bad(n, name+"(...) with the rule "+lit.Value+" written at the call site")
						}
					}
				case "fail", "usageErr", "status":
					ast.Inspect(n, func(m ast.Node) bool {
						if lit, ok := m.(*ast.BasicLit); ok && lit.Kind == token.STRING && citedInText.MatchString(lit.Value) {
							bad(m, name+"(...) cites a rule written in its text: "+lit.Value)
						}
						return true
					})
				}
			case *ast.CompositeLit:
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Rule") {
						if lit, ok := kv.Value.(*ast.BasicLit); ok && ruleLit.MatchString(lit.Value) {
							bad(n, "a Refused or Problem with the rule "+lit.Value+" written at the call site")
						}
					}
				}
			}
			return true
		})
	}
}

// cliTextRules fails on every string of the command line's code that cites
// a rule in its text ("no privilege %s (R0)"), except its help (a
// command's Short, Long and Example, a flag's usage) and the R4 "covered
// by" of its answers: a refusal there takes its rule from the table.
func cliTextRules(t *testing.T, fset *token.FileSet, f *ast.File) {
	t.Helper()
	cited := regexp.MustCompile(`[(,] ?R\d+(-R\d+)?\)`)
	r4 := regexp.MustCompile(`^"[^"]*\(R4\)[^"]*"$`) // "covered by X (R4)": an answer's source
	var walk func(n ast.Node) bool
	walk = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if isIdent(n.Key, "Short") || isIdent(n.Key, "Long") || isIdent(n.Key, "Example") {
				return false
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && strings.HasSuffix(sel.Sel.Name, "Var") {
				return false // a flag and its usage text
			}
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && strings.HasSuffix(sel.Sel.Name, "Command") {
				for _, arg := range n.Args { // a command's help; its code is looked at
					if _, help := arg.(*ast.BasicLit); !help {
						ast.Inspect(arg, walk)
					}
				}
				return false
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING && cited.MatchString(n.Value) && !r4.MatchString(n.Value) {
				t.Errorf("%s: %s cites a rule written in the text; take it from the model's table", fset.Position(n.Pos()), n.Value)
			}
		}
		return true
	}
	ast.Inspect(f, walk)
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// String names the kind ("no such role") in test messages.
func (k Refusal) String() string {
	if !k.valid() {
		return fmt.Sprintf("Refusal(%d)", int(k))
	}
	return refusals[k].name
}
