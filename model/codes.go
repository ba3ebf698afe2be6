package model

import "fmt"

// CodeSource says where the meaning of a privilege code comes from.
type CodeSource string

const (
	// SourceBoomi: Boomi's own documentation or samples (boomi-api.md).
	SourceBoomi CodeSource = "boomi"
	// SourceThirdParty: third-party examples only; unverified.
	SourceThirdParty CodeSource = "third-party, unverified"
	// SourceFile: the account file's [privilege_codes] table.
	SourceFile CodeSource = "account file"
)

// CodeRow is one row of the code table: Boomi's API names Privilege Code.
type CodeRow struct {
	Code      string
	Privilege Privilege
	Source    CodeSource
}

// builtinCodes is the code table rolecall ships: each row with its source
// (boomi-api.md, "Privilege codes"). The other catalog privileges have no
// public code; an account file adds them (Account.PrivilegeCodes).
var builtinCodes = []CodeRow{
	{"API", APIAccess, SourceBoomi},
	{"ACCOUNT_ADMIN", AccountAdministration, SourceBoomi},
	{"ATOM_MANAGEMENT", RuntimeManagement, SourceBoomi},
	{"ATOM_MANAGEMENT_READ_ONLY", RuntimeManagementRead, SourceBoomi},
	{"CLOUD_MANAGEMENT", CloudManagement, SourceBoomi},
	{"DASHBOARD", Dashboard, SourceBoomi},
	{"DEPLOY", PackagedComponentDeployment, SourceBoomi},
	{"ENV_MANAGEMENT", EnvironmentManagement, SourceBoomi},
	{"PACKAGE_MANAGEMENT", PackagedComponentManagement, SourceBoomi},
	{"VIEW_AUDIT_LOGS", ViewAuditLogs, SourceBoomi},
	{"VIEW_RESULT", ViewResults, SourceBoomi},
	{"SCHEDULE_MAINTENANCE", Scheduling, SourceBoomi},
	{"BUILD", BuildReadWrite, SourceBoomi},
	{"EXECUTE", Execute, SourceBoomi},
	{"DEVELOPER", Developer, SourceBoomi},
	{"BUILD_READ_ACCESS", BuildRead, SourceThirdParty},
	{"VIEW_DATA", ViewData, SourceThirdParty},
	{"USER_MANAGEMENT", UserManagement, SourceThirdParty},
	{"INTEGRATION_PACK", IntegrationPack, SourceThirdParty},
}

// MaxCodeLen bounds a privilege code's length.
const MaxCodeLen = 64

// CheckCode says what is wrong with a privilege code as written in a file
// or a response, or "" when it is well formed: 1 to MaxCodeLen characters,
// upper-case ASCII letters, digits and underscores.
func CheckCode(code string) string {
	if code == "" {
		return "a privilege code is empty"
	}
	if len(code) > MaxCodeLen {
		return fmt.Sprintf("a privilege code has %d characters; at most %d are allowed", len(code), MaxCodeLen)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return fmt.Sprintf("privilege code %s may hold only A-Z, 0-9 and _", quote(code))
		}
	}
	return ""
}

// Codes is the code table of one account: rolecall's rows, then the
// file's, which win where both name a code.
type Codes struct {
	rows   []CodeRow
	byCode map[string]int
	byPriv [numPrivileges + 1]int // row+1 of the code sent for a privilege; 0: none
}

// CodeTable returns the code table of a: the built-in rows and the rows of
// its file. For a privilege with several codes, the file's row is sent, then
// Boomi's, then a third party's; within a source, the first row.
func CodeTable(a *Account) *Codes {
	c := &Codes{byCode: make(map[string]int, len(builtinCodes)+len(a.PrivilegeCodes))}
	add := func(r CodeRow) {
		if i, ok := c.byCode[r.Code]; ok {
			c.rows[i] = r
			return
		}
		c.byCode[r.Code] = len(c.rows)
		c.rows = append(c.rows, r)
	}
	for _, r := range builtinCodes {
		add(r)
	}
	for _, r := range a.PrivilegeCodes {
		r.Source = SourceFile
		add(r)
	}
	rank := func(s CodeSource) int {
		switch s {
		case SourceFile:
			return 0
		case SourceBoomi:
			return 1
		}
		return 2
	}
	for i, r := range c.rows {
		if !r.Privilege.Valid() {
			continue
		}
		if j := c.byPriv[r.Privilege]; j == 0 || rank(r.Source) < rank(c.rows[j-1].Source) {
			c.byPriv[r.Privilege] = i + 1
		}
	}
	return c
}

// Privilege returns the privilege a code stands for.
func (c *Codes) Privilege(code string) (Privilege, bool) {
	i, ok := c.byCode[code]
	if !ok || !c.rows[i].Privilege.Valid() {
		return 0, false
	}
	return c.rows[i].Privilege, true
}

// Code returns the row whose code is sent for p.
func (c *Codes) Code(p Privilege) (CodeRow, bool) {
	if !p.Valid() || c.byPriv[p] == 0 {
		return CodeRow{}, false
	}
	return c.rows[c.byPriv[p]-1], true
}

// UnknownCodeText is how a code the table does not know is shown.
func UnknownCodeText(code string) string {
	return "unknown to rolecall (" + SafeText(code) + ")"
}

// UnknownCodesNote says, for the preview, that a held role carries codes
// rolecall does not know; "" when none of roles does. roles are the
// names of the roles a user holds, directly or through inheritance.
func UnknownCodesNote(a *Account, roles []string) string {
	var parts []string
	for _, name := range roles {
		i := a.FindRole(name)
		if i < 0 || len(a.Roles[i].Codes) == 0 {
			continue
		}
		var cs []string
		for _, code := range a.Roles[i].Codes {
			cs = append(cs, UnknownCodeText(code))
		}
		parts = append(parts, fmt.Sprintf("%s carries %s", quote(a.Roles[i].Name), AndList(cs)))
	}
	if len(parts) == 0 {
		return ""
	}
	return AndList(parts) + "; rolecall does not know what Boomi grants for them, so they govern nothing in this preview"
}
