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
	// The account groups of a primary account (access-model.md §6): the
	// groups whose accountId is this account, their member accounts and
	// their group users. Empty for an account that is no primary.
	AccountGroups  []LiveAccountGroup  `json:"account_groups,omitempty"`
	GroupAccounts  []LiveGroupAccount  `json:"group_accounts,omitempty"`
	GroupUserRoles []LiveGroupUserRole `json:"group_user_roles,omitempty"`
}

// LiveAccountGroup is one AccountGroup. Boomi returns its Resources only
// to a get (or bulk GET), not to a query: HasResources says whether they
// were read (a group read only by a query shares roles nobody knows).
type LiveAccountGroup struct {
	ID        string `json:"id"`
	AccountID string `json:"accountId,omitempty"` // the primary
	Name      string `json:"name"`
	// DefaultGroup marks "All Accounts", the group Boomi creates itself
	// and keeps with every account of the primary.
	DefaultGroup bool `json:"defaultGroup,omitempty"`
	// AlertLevel is autoSubscribeAlertLevel, kept to send it back whole.
	AlertLevel   string         `json:"autoSubscribeAlertLevel,omitempty"`
	Resources    []LiveResource `json:"resources,omitempty"`
	HasResources bool           `json:"has_resources,omitempty"`
}

// LiveResource is one resource a group shares; ObjectType "Role" for a
// shared role (others: "Cloud", "Connector", "Integration Pack", ...).
type LiveResource struct {
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName,omitempty"`
	ObjectType   string `json:"objectType"`
}

// ResourceRole is the objectType of a shared role.
const ResourceRole = "Role"

// LiveGroupAccount is one AccountGroupAccount: a member account.
type LiveGroupAccount struct {
	ID             string `json:"id,omitempty"`
	AccountGroupID string `json:"accountGroupId"`
	AccountID      string `json:"accountId"`
}

// LiveGroupUserRole is one AccountGroupUserRole: a group user holding a
// role in every member of the group.
type LiveGroupUserRole struct {
	ID             string `json:"id,omitempty"`
	AccountGroupID string `json:"accountGroupId"`
	UserID         string `json:"userId"`
	RoleID         string `json:"roleId"`
	FirstName      string `json:"firstName,omitempty"`
	LastName       string `json:"lastName,omitempty"`
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
	if l.AccountGroups != nil {
		c.AccountGroups = slices.Clone(l.AccountGroups)
		for i := range c.AccountGroups {
			g := &c.AccountGroups[i]
			if g.Resources != nil {
				g.Resources = slices.Clone(g.Resources)
				slices.SortFunc(g.Resources, func(x, y LiveResource) int {
					return cmp.Or(strings.Compare(x.ObjectType, y.ObjectType), strings.Compare(x.ResourceID, y.ResourceID), strings.Compare(x.ResourceName, y.ResourceName))
				})
			}
		}
		slices.SortFunc(c.AccountGroups, func(x, y LiveAccountGroup) int {
			return cmp.Or(strings.Compare(x.ID, y.ID), strings.Compare(x.Name, y.Name), strings.Compare(x.AccountID, y.AccountID))
		})
	}
	if l.GroupAccounts != nil {
		c.GroupAccounts = slices.Clone(l.GroupAccounts)
		slices.SortFunc(c.GroupAccounts, func(x, y LiveGroupAccount) int {
			return cmp.Or(strings.Compare(x.AccountGroupID, y.AccountGroupID), strings.Compare(x.AccountID, y.AccountID), strings.Compare(x.ID, y.ID))
		})
	}
	if l.GroupUserRoles != nil {
		c.GroupUserRoles = slices.Clone(l.GroupUserRoles)
		slices.SortFunc(c.GroupUserRoles, func(x, y LiveGroupUserRole) int {
			return cmp.Or(strings.Compare(x.AccountGroupID, y.AccountGroupID), strings.Compare(strings.ToLower(x.UserID), strings.ToLower(y.UserID)),
				strings.Compare(x.RoleID, y.RoleID), strings.Compare(x.ID, y.ID), strings.Compare(x.UserID, y.UserID))
		})
	}
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
	// Groups add to the digest only when there are some: an account with
	// none hashes as it did before groups were read.
	for _, g := range s.AccountGroups {
		def, has := "0", "0"
		if g.DefaultGroup {
			def = "1"
		}
		if g.HasResources {
			has = "1"
		}
		put("group", g.ID, g.AccountID, g.Name, def, g.AlertLevel, has, strconv.Itoa(len(g.Resources)))
		for _, r := range g.Resources {
			put(r.ObjectType, r.ResourceID, r.ResourceName)
		}
	}
	for _, ga := range s.GroupAccounts {
		put("groupaccount", ga.ID, ga.AccountGroupID, ga.AccountID)
	}
	for _, gu := range s.GroupUserRoles {
		put("groupuser", gu.ID, gu.AccountGroupID, gu.UserID, gu.RoleID, gu.FirstName, gu.LastName)
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
// (nil for a new one): its name, its [privilege_codes], its
// separation-of-duties rules and its Boomi account id are kept; sw gives the switches. Nothing is dropped in
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
		a.Primary = prev.Primary // a member stays its primary's (R20)
		a.PrivilegeCodes = slices.Clone(prev.PrivilegeCodes)
		// Boomi has no separation-of-duties rules: the file's stay. One
		// that names an environment Boomi no longer has is an error of
		// validation, which the pull reports and writes nothing.
		a.SeparationOfDuties = slices.Clone(prev.SeparationOfDuties)
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
			if prev != nil && prev.Primary != "" {
				// A member account: a role of another account is one a
				// group shares with it, named as Boomi shows it (R21).
				// Its privileges are its primary's, read from there.
				names[r.ID] = SharedName(r.Name)
				continue
			}
			note(Error, "Role", r.ID, "role %s belongs to account %s (an account group's shared role), and the file names no primary (account.primary): its assignments cannot be mapped; set the member's primary first", quote(r.Name), quote(r.AccountID))
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
	customIDs := make(map[string]bool, len(custom))
	for id := range custom {
		customIDs[id] = true
	}
	a.Groups = importGroups(l, prev, names, customIDs, note)
	a.Normalize()
	return Imported{Account: a, Notes: notes}
}

// importGroups maps the account groups of a primary (access-model.md §6).
// names maps role ids to names (built-in and custom), custom holds the ids
// of the account's own custom roles. Boomi's default group ("All
// Accounts", defaultGroup true: Boomi creates it and keeps every account of
// the primary in it) is not a group the admin made: it is not kept in the
// file, and a note says what it shares and to whom.
func importGroups(l *Live, prev *Account, names map[string]string, custom map[string]bool, note func(Severity, string, string, string, ...any)) []AccountGroup {
	if len(l.AccountGroups) == 0 && len(l.GroupAccounts) == 0 && len(l.GroupUserRoles) == 0 {
		return nil
	}
	const objG, objA, objU = "AccountGroup", "AccountGroupAccount", "AccountGroupUserRole"
	at := map[string]int{}         // group id -> index in out
	skipped := map[string]string{} // group id -> why its rows are not mapped
	var out []AccountGroup
	byName := map[string]string{} // folded name -> group id
	for _, g := range l.AccountGroups {
		if g.ID == "" {
			note(Error, objG, "", "group %s has no id", quote(g.Name))
			continue
		}
		if _, dup := at[g.ID]; dup {
			continue
		}
		if _, dup := skipped[g.ID]; dup {
			continue
		}
		if g.AccountID != "" && l.AccountID != "" && g.AccountID != l.AccountID {
			skipped[g.ID] = "of another account"
			note(Warning, objG, g.ID, "group %s belongs to account %s, not this one: it is not kept in this file (import it with its primary)", quote(g.Name), quote(g.AccountID))
			continue
		}
		if g.DefaultGroup {
			skipped[g.ID] = "default"
			var shares []string
			for _, r := range g.Resources {
				shares = append(shares, quote(r.ResourceName))
			}
			users := map[string]bool{}
			for _, u := range l.GroupUserRoles {
				if u.AccountGroupID == g.ID {
					users[strings.ToLower(u.UserID)] = true
				}
			}
			msg := fmt.Sprintf("group %s is Boomi's default group (All Accounts, which Boomi creates and keeps with every account of the primary): it is not kept in the file, and plan never changes it", quote(g.Name))
			if len(shares) > 0 || len(users) > 0 {
				msg += fmt.Sprintf("; it shares %d resource(s) (%s) and gives %d user(s) roles, access that rolecall does not show", len(shares), strings.Join(shares, ", "), len(users))
			}
			note(Warning, objG, g.ID, "%s", msg)
			continue
		}
		if other, dup := byName[FoldName(g.Name)]; dup {
			note(Error, objG, g.ID, "group %s has the name of group %s", quote(g.Name), quote(other))
		}
		byName[FoldName(g.Name)] = g.ID
		ag := AccountGroup{Name: g.Name, ID: g.ID}
		if !g.HasResources {
			note(Error, objG, g.ID, "group %s was read by a query only, which does not return the roles it shares: include its get or bulk GET response", quote(g.Name))
		}
		for _, r := range g.Resources {
			if r.ObjectType != ResourceRole {
				note(Warning, objG, g.ID, "group %s shares %s %s: rolecall does not manage it, and keeps it shared", quote(g.Name), SafeText(r.ObjectType), quote(r.ResourceName))
				continue
			}
			if !custom[r.ResourceID] {
				note(Error, objG, g.ID, "group %s shares role %s (id %s), which is not among this account's custom roles in the responses", quote(g.Name), quote(r.ResourceName), quote(r.ResourceID))
				continue
			}
			name := names[r.ResourceID]
			if !slices.ContainsFunc(ag.SharedRoles, func(n string) bool { return SameName(n, name) }) {
				ag.SharedRoles = append(ag.SharedRoles, name)
			}
		}
		at[g.ID] = len(out)
		out = append(out, ag)
	}
	// The file a member's account is kept in: the previous file's, else
	// ACCOUNT.toml beside this one.
	prevFile := map[string]string{}
	if prev != nil {
		for _, pg := range prev.Groups {
			for _, m := range pg.Members {
				if m.BoomiAccount != "" && m.File != "" {
					if _, ok := prevFile[m.BoomiAccount]; !ok {
						prevFile[m.BoomiAccount] = m.File
					}
				}
			}
		}
	}
	unknown := func(obj, id, gid string) bool {
		if _, ok := at[gid]; ok {
			return false
		}
		if _, ok := skipped[gid]; !ok {
			note(Error, obj, id, "names group id %s, which the responses do not list", quote(gid))
		}
		return true
	}
	guessed := map[string]bool{}
	for _, ga := range l.GroupAccounts {
		if unknown(objA, ga.ID, ga.AccountGroupID) {
			continue
		}
		g := &out[at[ga.AccountGroupID]]
		if ga.AccountID == "" {
			note(Error, objA, ga.ID, "a member of group %s has no accountId", quote(g.Name))
			continue
		}
		if slices.ContainsFunc(g.Members, func(m GroupMember) bool { return m.BoomiAccount == ga.AccountID }) {
			continue
		}
		file, ok := prevFile[ga.AccountID]
		if !ok {
			if !safeFileName(ga.AccountID) {
				note(Error, objA, ga.ID, "member account %s of group %s has no file in the previous file, and its id cannot be a file name", quote(ga.AccountID), quote(g.Name))
				continue
			}
			file = ga.AccountID + ".toml"
			if !guessed[ga.AccountID] {
				guessed[ga.AccountID] = true
				note(Warning, objA, ga.ID, "member account %s of group %s is expected in %s (beside this file); change the member's file in the group if it is kept elsewhere", quote(ga.AccountID), quote(g.Name), quote(file))
			}
		}
		g.Members = append(g.Members, GroupMember{File: file, BoomiAccount: ga.AccountID})
	}
	for _, gu := range l.GroupUserRoles {
		if unknown(objU, gu.ID, gu.AccountGroupID) {
			continue
		}
		g := &out[at[gu.AccountGroupID]]
		if gu.UserID == "" {
			note(Error, objU, gu.ID, "a user of group %s has no userId", quote(g.Name))
			continue
		}
		role, ok := names[gu.RoleID]
		if !ok {
			note(Error, objU, gu.ID, "group %s gives %s a role with id %s, neither built-in nor a custom role of this account in the responses", quote(g.Name), quote(gu.UserID), quote(gu.RoleID))
			continue
		}
		i := slices.IndexFunc(g.Users, func(u GroupUser) bool { return SameName(u.Email, gu.UserID) })
		if i < 0 {
			i = len(g.Users)
			g.Users = append(g.Users, GroupUser{Email: gu.UserID, Name: strings.TrimSpace(gu.FirstName + " " + gu.LastName)})
		}
		if !slices.ContainsFunc(g.Users[i].Roles, func(n string) bool { return SameName(n, role) }) {
			g.Users[i].Roles = append(g.Users[i].Roles, role)
		}
	}
	for i := range out {
		g := &out[i]
		slices.SortStableFunc(g.SharedRoles, compareFold)
		slices.SortStableFunc(g.Members, func(x, y GroupMember) int {
			return cmp.Or(strings.Compare(x.File, y.File), strings.Compare(x.BoomiAccount, y.BoomiAccount))
		})
		slices.SortStableFunc(g.Users, func(x, y GroupUser) int { return compareFold(x.Email, y.Email) })
		for j := range g.Users {
			slices.SortStableFunc(g.Users[j].Roles, compareFold)
		}
	}
	slices.SortStableFunc(out, func(x, y AccountGroup) int { return compareFold(x.Name, y.Name) })
	return out
}

// safeFileName reports whether an account id can name a file beside the
// primary's: letters, digits, '-', '_' and '.', not starting with '.'.
func safeFileName(id string) bool {
	if id == "" || id[0] == '.' || len(id) > 200 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func sameLiveRole(x, y LiveRole) bool {
	return x.Name == y.Name && x.ParentID == y.ParentID && x.Description == y.Description && slices.Equal(x.Codes, y.Codes)
}
