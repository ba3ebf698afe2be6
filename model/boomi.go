package model

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Live is an account as Boomi's Platform API returns it (boomi-api.md):
// the objects with their ids, before any mapping to names. Import turns it
// into an Account; Plan compares an Account with it.
type Live struct {
	AccountID    string            `json:"account_id"`
	Roles        []LiveRole        `json:"roles"`
	UserRoles    []LiveUserRole    `json:"user_roles"`
	Environments []LiveEnvironment `json:"environments"`
	EnvRoles     []LiveEnvRole     `json:"environment_roles"`
}

// BuiltinAccountID is the accountId Boomi gives its built-in roles.
const BuiltinAccountID = "1"

// LiveRole is one Role (or one entry of getAssignableRoles, which carries
// no privileges: HasPrivileges false).
type LiveRole struct {
	ID            string   `json:"id"`
	AccountID     string   `json:"accountId,omitempty"`
	Name          string   `json:"name"`
	ParentID      string   `json:"parentId,omitempty"`
	Description   string   `json:"description,omitempty"`
	Codes         []string `json:"privileges"`
	HasPrivileges bool     `json:"has_privileges,omitempty"`
}

// LiveUserRole is one AccountUserRole: a user holding a role.
type LiveUserRole struct {
	ID        string `json:"id,omitempty"`
	UserID    string `json:"userId"`
	RoleID    string `json:"roleId"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// LiveEnvironment is one Environment; Classification is "PROD" or "TEST".
type LiveEnvironment struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Classification string `json:"classification,omitempty"`
}

// LiveEnvRole is one EnvironmentRole: a role on an environment's Roles with
// Access.
type LiveEnvRole struct {
	ID            string `json:"id,omitempty"`
	EnvironmentID string `json:"environmentId"`
	RoleID        string `json:"roleId"`
}

// Sorted returns a copy of l in a fixed order (roles, environments and
// links by their fields, codes as they came), so that two reads of the
// same state compare equal whatever order the pages came in.
func (l *Live) Sorted() *Live {
	c := &Live{AccountID: l.AccountID,
		Roles:        slices.Clone(l.Roles),
		UserRoles:    slices.Clone(l.UserRoles),
		Environments: slices.Clone(l.Environments),
		EnvRoles:     slices.Clone(l.EnvRoles)}
	slices.SortFunc(c.Roles, func(x, y LiveRole) int {
		return cmp.Or(strings.Compare(x.ID, y.ID), strings.Compare(x.Name, y.Name), strings.Compare(x.AccountID, y.AccountID))
	})
	// Emails compare ignoring case, as Boomi's user ids do: lower them
	// once, not in every comparison.
	lower := make([]string, len(c.UserRoles))
	order := make([]int, len(c.UserRoles))
	for i, ur := range c.UserRoles {
		lower[i], order[i] = strings.ToLower(ur.UserID), i
	}
	slices.SortFunc(order, func(i, j int) int {
		x, y := &c.UserRoles[i], &c.UserRoles[j]
		return cmp.Or(strings.Compare(lower[i], lower[j]), strings.Compare(x.RoleID, y.RoleID), strings.Compare(x.ID, y.ID), strings.Compare(x.UserID, y.UserID))
	})
	urs := make([]LiveUserRole, len(order))
	for k, i := range order {
		urs[k] = c.UserRoles[i]
	}
	c.UserRoles = urs
	slices.SortFunc(c.Environments, func(x, y LiveEnvironment) int {
		return cmp.Or(strings.Compare(x.ID, y.ID), strings.Compare(x.Name, y.Name))
	})
	slices.SortFunc(c.EnvRoles, func(x, y LiveEnvRole) int {
		return cmp.Or(strings.Compare(x.EnvironmentID, y.EnvironmentID), strings.Compare(x.RoleID, y.RoleID), strings.Compare(x.ID, y.ID))
	})
	return c
}

// Fingerprint is a digest of the state l holds, independent of the order
// of its pages: push compares the one a plan was made from with the one it
// reads before applying.
func (l *Live) Fingerprint() string {
	s := l.Sorted()
	h := sha256.New()
	var buf []byte
	put := func(fields ...string) {
		buf = buf[:0]
		for _, f := range fields {
			buf = binary.AppendUvarint(buf, uint64(len(f)))
			buf = append(buf, f...)
		}
		h.Write(buf)
	}
	put("live", s.AccountID)
	for _, r := range s.Roles {
		has := "0"
		if r.HasPrivileges {
			has = "1"
		}
		put("role", r.ID, r.AccountID, r.Name, r.ParentID, r.Description, has, strconv.Itoa(len(r.Codes)))
		put(r.Codes...)
	}
	for _, ur := range s.UserRoles {
		put("user", ur.ID, ur.UserID, ur.RoleID, ur.FirstName, ur.LastName)
	}
	for _, e := range s.Environments {
		put("env", e.ID, e.Name, e.Classification)
	}
	for _, er := range s.EnvRoles {
		put("envrole", er.ID, er.EnvironmentID, er.RoleID)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ImportNote is one thing an import says: what it could not map (Error
// stops the import: saving would lose something), or what it chose.
type ImportNote struct {
	Severity Severity
	Object   string // "Role", "AccountUserRole", ...
	ID       string // the object's id, when it has one
	Message  string
}

func (n ImportNote) String() string {
	what := n.Object
	if n.ID != "" {
		what += " " + SafeText(n.ID)
	}
	return fmt.Sprintf("%s: %s: %s", n.Severity, what, n.Message)
}

// Switches are the account switches the API does not return (boomi-api.md,
// Account): the import takes them from the admin.
type Switches struct {
	AdvancedUserSecurity      bool
	AdvancedEnvironmentAccess bool
}

// GuessSwitches are the switches an import takes when neither the admin
// nor the file gives them, each with why: Advanced User Security on when
// Boomi lists custom roles of the account (R3: they exist only with it
// on), Advanced Environment Access off (nothing in the API shows it).
func GuessSwitches(l *Live) (sw Switches, ausWhy, aeaWhy string) {
	for _, r := range l.Roles {
		if r.AccountID != BuiltinAccountID && (r.AccountID == l.AccountID || r.AccountID == "") {
			sw.AdvancedUserSecurity = true
			break
		}
	}
	ausWhy = "there are no custom roles"
	if sw.AdvancedUserSecurity {
		ausWhy = fmt.Sprintf("Boomi has custom roles only with it on (%s)", cite("R3", false))
	}
	return sw, ausWhy, "nothing in Boomi's API shows it"
}

// Imported is an account built from Boomi's objects.
type Imported struct {
	Account *Account
	Notes   []ImportNote
}

// HasErrors reports whether something could not be mapped without loss.
func (im Imported) HasErrors() bool {
	return slices.ContainsFunc(im.Notes, func(n ImportNote) bool { return n.Severity == Error })
}

// builtinIDs maps the ids of Boomi's built-in roles in l to the catalog's
// names (by name, ignoring case); the ones it cannot match are reported.
func (l *Live) builtinIDs(notes *[]ImportNote) map[string]string {
	m := map[string]string{}
	for _, r := range l.Roles {
		if r.AccountID != BuiltinAccountID {
			continue
		}
		if b, ok := LookupBuiltin(r.Name); ok {
			m[r.ID] = b.Name
		} else if notes != nil {
			*notes = append(*notes, ImportNote{Error, "Role", r.ID, fmt.Sprintf("built-in role %s is not in rolecall's catalog; its assignments cannot be mapped", quote(r.Name))})
		}
	}
	return m
}

// Import builds the account l describes. prev is the file being updated
// (nil for a new one): its name, its [privilege_codes] and its Boomi
// account id are kept; sw gives the switches. Nothing is dropped in
// silence: every object that cannot be mapped gives a note, an Error when
// keeping the result would lose access or privileges.
func Import(l *Live, prev *Account, sw Switches) Imported {
	var notes []ImportNote
	note := func(sev Severity, obj, id, format string, args ...any) {
		notes = append(notes, ImportNote{sev, obj, id, fmt.Sprintf(format, args...)})
	}
	a := &Account{AdvancedUserSecurity: sw.AdvancedUserSecurity, AdvancedEnvironmentAccess: sw.AdvancedEnvironmentAccess,
		BoomiAccount: l.AccountID}
	if prev != nil {
		a.Name = prev.Name
		a.PrivilegeCodes = slices.Clone(prev.PrivilegeCodes)
		if a.BoomiAccount == "" {
			a.BoomiAccount = prev.BoomiAccount
		}
	}
	if a.Name == "" {
		a.Name = l.AccountID
	}
	codes := CodeTable(a)
	names := l.builtinIDs(&notes) // role id -> name, built-in and custom
	// A role may come twice: from a Role page and from getAssignableRoles.
	// The entry with privileges wins.
	custom := map[string]LiveRole{}
	var order []string
	for _, r := range l.Roles {
		if r.AccountID == BuiltinAccountID {
			continue
		}
		if r.AccountID != "" && l.AccountID != "" && r.AccountID != l.AccountID {
			note(Error, "Role", r.ID, "role %s belongs to account %s (an account group's shared role): rolecall does not import shared roles yet, so its assignments cannot be mapped", quote(r.Name), quote(r.AccountID))
			continue
		}
		if r.ID == "" {
			note(Error, "Role", "", "role %s has no id", quote(r.Name))
			continue
		}
		old, seen := custom[r.ID]
		switch {
		case !seen:
			order = append(order, r.ID)
			custom[r.ID] = r
		case r.HasPrivileges && !old.HasPrivileges:
			custom[r.ID] = r
		case r.HasPrivileges && old.HasPrivileges && !sameLiveRole(r, old):
			note(Error, "Role", r.ID, "role %s comes twice with different contents", quote(r.Name))
		}
		names[r.ID] = r.Name
	}
	for _, id := range order {
		r := custom[id]
		if !r.HasPrivileges {
			note(Error, "Role", r.ID, "role %s comes only from getAssignableRoles, which lists no privileges: add the Role query pages so that its privileges are known", quote(r.Name))
		}
		role := Role{Name: r.Name, Description: r.Description, ID: r.ID}
		if r.ParentID != "" {
			if p, ok := names[r.ParentID]; ok {
				role.Inherits = p
			} else {
				note(Error, "Role", r.ID, "role %s inherits a role with id %s that the responses do not list", quote(r.Name), quote(r.ParentID))
			}
		}
		seen := map[string]bool{}
		for _, code := range r.Codes {
			if seen[code] {
				note(Warning, "Role", r.ID, "role %s lists privilege code %s twice; it is kept once", quote(r.Name), quote(code))
				continue
			}
			seen[code] = true
			if why := CheckCode(code); why != "" {
				note(Error, "Role", r.ID, "role %s: %s", quote(r.Name), why)
				continue
			}
			if p, ok := codes.Privilege(code); ok {
				if !slices.Contains(role.Privileges, p) {
					role.Privileges = append(role.Privileges, p)
				}
			} else {
				role.Codes = append(role.Codes, code)
			}
		}
		if len(role.Codes) > 0 {
			var cs []string
			for _, c := range role.Codes {
				cs = append(cs, UnknownCodeText(c))
			}
			note(Warning, "Role", r.ID, "role %s carries %s: kept on the role and written back unchanged; it governs nothing in the preview", quote(r.Name), AndList(cs))
		}
		a.Roles = append(a.Roles, role)
	}
	// Users: one per email, from their role links.
	userAt := map[string]int{}
	for _, ur := range l.UserRoles {
		if ur.UserID == "" {
			note(Error, "AccountUserRole", ur.ID, "a link has no userId")
			continue
		}
		role, ok := names[ur.RoleID]
		if !ok {
			note(Error, "AccountUserRole", ur.ID, "user %s holds a role with id %s that the responses do not list", quote(ur.UserID), quote(ur.RoleID))
			continue
		}
		key := strings.ToLower(ur.UserID)
		i, ok := userAt[key]
		if !ok {
			i = len(a.Users)
			userAt[key] = i
			a.Users = append(a.Users, User{Email: ur.UserID, Name: strings.TrimSpace(ur.FirstName + " " + ur.LastName)})
		}
		if !slices.ContainsFunc(a.Users[i].Roles, func(n string) bool { return SameName(n, role) }) {
			a.Users[i].Roles = append(a.Users[i].Roles, role)
		}
	}
	envAt := map[string]int{}
	defaulted := 0
	for _, e := range l.Environments {
		if e.ID == "" {
			note(Error, "Environment", "", "environment %s has no id", quote(e.Name))
			continue
		}
		if _, dup := envAt[e.ID]; dup {
			continue
		}
		env := Environment{Name: e.Name, ID: e.ID}
		switch strings.ToUpper(e.Classification) {
		case "PROD":
			env.Classification = Production
		case "TEST":
			env.Classification = Test
		case "":
			env.Classification = Production
			defaulted++
		default:
			note(Error, "Environment", e.ID, "environment %s has classification %s; Boomi documents PROD and TEST", quote(e.Name), quote(e.Classification))
			env.Classification = Production
		}
		envAt[e.ID] = len(a.Environments)
		a.Environments = append(a.Environments, env)
	}
	if defaulted > 0 {
		note(Warning, "Environment", "", "%d environment(s) came without a classification; they are production, as Boomi treats them", defaulted)
	}
	for _, er := range l.EnvRoles {
		i, ok := envAt[er.EnvironmentID]
		if !ok {
			note(Error, "EnvironmentRole", er.ID, "a Roles with Access entry names environment id %s, which the responses do not list", quote(er.EnvironmentID))
			continue
		}
		role, ok := names[er.RoleID]
		if !ok {
			note(Error, "EnvironmentRole", er.ID, "environment %s lists a role with id %s that the responses do not list", quote(a.Environments[i].Name), quote(er.RoleID))
			continue
		}
		e := &a.Environments[i]
		if !slices.ContainsFunc(e.RolesWithAccess, func(n string) bool { return SameName(n, role) }) {
			e.RolesWithAccess = append(e.RolesWithAccess, role)
		}
	}
	a.Normalize()
	return Imported{Account: a, Notes: notes}
}

func sameLiveRole(x, y LiveRole) bool {
	return x.Name == y.Name && x.ParentID == y.ParentID && x.Description == y.Description && slices.Equal(x.Codes, y.Codes)
}
