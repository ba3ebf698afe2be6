package model

import "fmt"

// The one table of refusals (access-model.md: "The same refusal always
// cites the same rule: the rule ids of refusals come from one table in
// model/, not from each call site"). Every refusal of an edit (ops.go,
// delta.go), every error of validation (validate.go) and every unknown
// name of the command line cites its rule through a Refusal, so that the
// same refusal says the same rule wherever it is found.
//
// How the ids were chosen, from the text of access-model.md:
//   - A role that is named but does not exist cites R5 everywhere (a user's
//     roles, an environment's list, an edit of a role, the command line):
//     R2 and R5 say which roles there are, and R5 is the rule of the roles
//     an account defines. A missing parent is its own case: R6 says "a
//     parent that does not exist is an error".
//   - Production Support and Support named while Advanced User Security is
//     off cite R3, wherever they are named (users, environments, parents,
//     Assign, Allow): they exist only with it on.
//   - A user that does not exist, and two users with one email, cite R10:
//     "A user is an email address (unique ignoring case)".
//   - Environments are defined by the opening paragraph of section 4, which
//     has no id. Its facts about the name ("a unique name (1 to 80
//     characters)") cite R7, the rule for names, which covers environment
//     names explicitly (compared in NFC, no invisible characters); so does
//     a second environment of the same name. Its other facts (an
//     environment exists, its classification) cite R12, the first rule of
//     section 4.
//   - Role names (taken, a built-in's name, their shape) cite R7.
//   - An unknown privilege cites R0, the rule of privilege names (current
//     and old), as the file reader and the command line do.
//   - The account's own name follows R7's shape rules by our decision
//     (Boomi documents none): (R7, decision).
//   - A name that looks like another is not refused, but it is listed here
//     too so that it cites its rule from the table: (R7, decision).

// Refusal is a kind of refusal (or, for LookAlike, of warning): what is
// wrong, independent of where it is found.
type Refusal int

const (
	NoSuchRole           Refusal = iota + 1 // a role named that does not exist
	RoleNeedsAUS                            // Production Support or Support named with Advanced User Security off
	NoSuchUser                              // a user named that does not exist
	NoSuchEnvironment                       // an environment named that does not exist
	NoSuchSwitch                            // an account switch that does not exist
	BuiltinNotEditable                      // a built-in role edited, renamed or removed
	CustomRolesNeedAUS                      // a custom role created, edited or held with Advanced User Security off
	DuplicateRoleName                       // a role name taken (by a custom or a built-in role)
	DuplicateEnvironment                    // an environment name taken
	DuplicateUser                           // an email taken
	NameShape                               // a name too long, or holding control or invisible characters
	AccountNameShape                        // the account's name too long, or holding control or invisible characters
	EmailShape                              // an email that is not one (empty, too long, a space, not name@domain)
	UserNameTooLong                         // a user's display name too long
	DescriptionTooLong                      // a role's description too long
	UnknownPrivilege                        // a privilege that does not exist
	NotTicked                               // unticking a privilege the role does not tick
	InheritedTick                           // unticking an inherited privilege
	MissingParent                           // Inherits Role names a role that does not exist
	InheritsItself                          // a role inheriting itself
	InheritanceCycle                        // roles inheriting each other in a cycle
	RoleInUse                               // removing a role held or inherited
	UserWithoutRole                         // a user left with no role
	RoleHeldTwice                           // a user holding a role twice, or given it again
	RoleNotHeld                             // taking from a user a role they do not hold
	BadClassification                       // an environment neither production nor test
	ListedTwice                             // an environment listing a role twice, or allowing it again
	RoleNotListed                           // disallowing a role an environment does not list
	LookAlike                               // a name that looks like another (a warning)
	SharedRoleReadOnly                      // a shared role edited, renamed or removed in a member
	SharedRoleListed                        // a shared role on a member environment's Roles with Access
	SharedRoleInherited                     // a member's role inheriting a shared role
	SharedRoleNeedsAUS                      // a shared role assigned in a member without Advanced User Security
	SharedRoleDangling                      // a member user holding NAME (shared) that no group shares with it
	SharedRoleInUse                         // a shared role removed from the primary while a member user holds it
	SharedRoleRenamed                       // a shared role renamed in the primary while a member user holds it
	GroupUserNotHere                        // a group user edited in a member, or a group user's role not the group's
	SharingNeedsAUS                         // a primary without Advanced User Security sharing roles
	NotSharable                             // sharing what is not a custom role of the primary
	DuplicateGroup                          // a group name taken in the primary
	NoSuchGroup                             // a group named that does not exist
	GroupMembership                         // a member listed twice, spelled two ways, missing, or not naming its primary
	SoDRuleShape                            // a separation-of-duties rule without a name, a side or a scope, or with one privilege on both sides
	numRefusals
)

// refusals is the table: each kind's rule and whether that rule is one of
// our decisions (access-model.md, "(decision)" marking).
var refusals = [numRefusals]struct {
	name     string
	rule     string
	decision bool
}{
	NoSuchRole:           {"no such role", "R5", false},
	RoleNeedsAUS:         {"role needs Advanced User Security", "R3", false},
	NoSuchUser:           {"no such user", "R10", false},
	NoSuchEnvironment:    {"no such environment", "R12", false},
	NoSuchSwitch:         {"no such switch", "R16", false},
	BuiltinNotEditable:   {"built-in role not editable", "R2", false},
	CustomRolesNeedAUS:   {"custom roles need Advanced User Security", "R3", false},
	DuplicateRoleName:    {"duplicate role name", "R7", false},
	DuplicateEnvironment: {"duplicate environment", "R7", false},
	DuplicateUser:        {"duplicate user", "R10", false},
	NameShape:            {"name shape", "R7", false},
	AccountNameShape:     {"account name shape", "R7", true},
	EmailShape:           {"email shape", "R10", false},
	UserNameTooLong:      {"display name too long", "R10", false},
	DescriptionTooLong:   {"description too long", "R5", false},
	UnknownPrivilege:     {"unknown privilege", "R0", false},
	NotTicked:            {"privilege not ticked", "R5", false},
	InheritedTick:        {"inherited privilege", "R5", false},
	MissingParent:        {"missing parent", "R6", false},
	InheritsItself:       {"role inherits itself", "R6", false},
	InheritanceCycle:     {"inheritance cycle", "R6", false},
	RoleInUse:            {"role held or inherited", "R8", false},
	UserWithoutRole:      {"user without a role", "R10", false},
	RoleHeldTwice:        {"role held twice", "R10", false},
	RoleNotHeld:          {"role not held", "R10", false},
	BadClassification:    {"bad classification", "R12", false},
	ListedTwice:          {"role listed twice", "R13", false},
	RoleNotListed:        {"role not listed", "R13", false},
	LookAlike:            {"look-alike name", "R7", true},
	// Account groups (§6). A shared role cannot be inherited in a member
	// by our decision (R21); it cannot be renamed while held by our
	// decision (R24), while its removal is R24 as written. What a group
	// is and holds (its name, members, shared roles and users, and that
	// sharing needs Advanced User Security) is R20; the group users' roles
	// and their editing in the primary only are R25; how a member's file
	// names its primary, and one spelling of a member's file, are R20 by
	// our decision (Boomi has no files).
	SharedRoleReadOnly:  {"shared role not editable in a member", "R21", false},
	SharedRoleListed:    {"shared role on Roles with Access", "R21", false},
	SharedRoleInherited: {"shared role inherited", "R21", true},
	SharedRoleNeedsAUS:  {"shared role needs Advanced User Security in the member", "R20", false},
	SharedRoleDangling:  {"role not shared with the member", "R21", false},
	SharedRoleInUse:     {"shared role held in a member", "R24", false},
	SharedRoleRenamed:   {"shared role renamed while held in a member", "R24", true},
	GroupUserNotHere:    {"group user", "R25", false},
	SharingNeedsAUS:     {"sharing needs Advanced User Security", "R20", false},
	NotSharable:         {"not a custom role of the primary", "R20", false},
	DuplicateGroup:      {"duplicate group", "R20", false},
	NoSuchGroup:         {"no such group", "R20", false},
	GroupMembership:     {"group membership", "R20", true},
	// Separation of duties is our product's rule (Boomi has none): its
	// rules are about what a user holds, R11 (sod.go).
	SoDRuleShape: {"separation-of-duties rule", "R11", true},
}

func (k Refusal) valid() bool { return k > 0 && k < numRefusals }

// Rule is the id of the rule k cites ("R7").
func (k Refusal) Rule() string {
	if !k.valid() {
		return ""
	}
	return refusals[k].rule
}

// Decision reports whether k's rule is one of our decisions.
func (k Refusal) Decision() bool { return k.valid() && refusals[k].decision }

// Cite is the rule as the texts print it inside their parentheses: "R7",
// or "R7, decision".
func (k Refusal) Cite() string { return cite(k.Rule(), k.Decision()) }

// cite is a rule id with its decision flag as texts print it.
func cite(rule string, decision bool) string {
	if decision && rule != "" {
		return rule + ", decision"
	}
	return rule
}

// MissingRole is the refusal of naming role name where a has no such role:
// RoleNeedsAUS for a built-in that exists only with Advanced User Security
// on (R3), NoSuchRole otherwise.
func MissingRole(a *Account, name string) Refusal {
	if b, ok := LookupBuiltin(name); ok && b.NeedsAUS && !a.AdvancedUserSecurity {
		return RoleNeedsAUS
	}
	return NoSuchRole
}

// missingRoleWhy is MissingRole with the words that say it: "which does
// not exist", or "which exists only with Advanced User Security on".
func missingRoleWhy(a *Account, name string) (Refusal, string) {
	if k := MissingRole(a, name); k == RoleNeedsAUS {
		return k, "which exists only with Advanced User Security on"
	}
	return NoSuchRole, "which does not exist"
}

// described is what refuse needs of an edit: an Op, or a GroupOp.
type described interface{ Describe() string }

// refuse is the error of edit op refused for a reason of kind k.
func refuse(op described, k Refusal, format string, args ...any) error {
	return &Refused{Op: op.Describe(), Rule: k.Rule(), Decision: k.Decision(), Message: fmt.Sprintf(format, args...)}
}

// refuseRole refuses op for naming role name, which a does not have.
func refuseRole(a *Account, op Op, name string) error {
	if k := MissingRole(a, name); k == RoleNeedsAUS {
		b, _ := LookupBuiltin(name)
		return refuse(op, k, "%s exists only with Advanced User Security on", b.Name)
	}
	return refuse(op, NoSuchRole, "there is no role %q", name)
}

// refuse adds an error of kind k to the validation's problems.
func (v *validator) refuse(k Refusal, loc Loc, subject, format string, args ...any) {
	v.cite(Error, k, loc, subject, format, args...)
}

// cite adds a problem of kind k and severity sev.
func (v *validator) cite(sev Severity, k Refusal, loc Loc, subject, format string, args ...any) {
	v.ps = append(v.ps, Problem{Severity: sev, Rule: k.Rule(), Decision: k.Decision(), Loc: loc, Subject: subject, Message: fmt.Sprintf(format, args...)})
}
