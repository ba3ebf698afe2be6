package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Call is one call of Boomi's Platform API that a plan makes. Objects that
// an earlier call of the same plan creates are named by Ref fields until
// push learns their ids.
type Call struct {
	Op     string `json:"op"`     // "create", "update" or "delete"
	Object string `json:"object"` // "Role", "AccountUserRole", "EnvironmentRole", "Environment", "AccountGroup", "AccountGroupAccount", "AccountGroupUserRole"
	ID     string `json:"id,omitempty"`

	Role        *LiveRole        `json:"role,omitempty"`
	UserRole    *LiveUserRole    `json:"user_role,omitempty"`
	EnvRole     *LiveEnvRole     `json:"environment_role,omitempty"`
	Environment *LiveEnvironment `json:"environment,omitempty"`
	// Group is the whole AccountGroup a create or update sends. A shared
	// role that an earlier call of this plan creates is a Resource with
	// objectType "Role", its name in ResourceName and no ResourceID yet.
	Group         *LiveAccountGroup  `json:"account_group,omitempty"`
	GroupAccount  *LiveGroupAccount  `json:"group_account,omitempty"`
	GroupUserRole *LiveGroupUserRole `json:"group_user_role,omitempty"`

	// RoleRef, ParentRef, EnvRef: the name of a role or environment that an
	// earlier call of this plan creates, whose id goes in RoleID, ParentID
	// or EnvironmentID once it is known.
	RoleRef   string `json:"role_ref,omitempty"`
	ParentRef string `json:"parent_ref,omitempty"`
	EnvRef    string `json:"environment_ref,omitempty"`
	// GroupRef: the name of an account group an earlier call of this plan
	// creates, whose id goes in AccountGroupID.
	GroupRef string `json:"group_ref,omitempty"`

	Line string `json:"line"` // as the plan prints it
	// Changes are the parts of an update's line, one change each
	// ("+ Dashboard", "renamed from \"Ops\""), for comparing plans
	// change by change.
	Changes []string `json:"changes,omitempty"`
}

// Pieces returns what c changes, one piece each, as comparable keys: an
// update gives one key per change, anything else its line.
func (c Call) Pieces() []string {
	if c.Op != "update" || len(c.Changes) == 0 {
		return []string{c.Line}
	}
	out := make([]string, len(c.Changes))
	for i, ch := range c.Changes {
		out[i] = c.Object + "\x00" + c.ID + "\x00" + ch
	}
	return out
}

// Method and Path are the HTTP request of c, relative to the account's base
// URL (boomi-api.md, Transport).
func (c Call) Method() string {
	if c.Op == "delete" {
		return "DELETE"
	}
	return "POST"
}

func (c Call) Path() string {
	switch c.Op {
	case "create":
		return "/" + c.Object
	default:
		return "/" + c.Object + "/" + c.ID
	}
}

// Plan is what makes Boomi's account match a file: the calls in an order
// Boomi accepts, what cannot be pushed (Blocking: push refuses), what the
// plan leaves as it is on purpose (Notes), and the state it was made from.
type Plan struct {
	Account     string   `json:"account"`
	Fingerprint string   `json:"live_fingerprint"` // Live.Fingerprint of the state planned against
	Calls       []Call   `json:"calls"`
	Blocking    []string `json:"blocking"`
	Notes       []string `json:"notes"`
	// Live is the file as Boomi's state would be imported: the "old" side
	// of the plan's access impact (Compare(Live, file)).
	Live *Account `json:"-"`
	// RoleIDs and EnvIDs are the Boomi ids of the file's roles and
	// environments that have none in the file but that the plan found in
	// Boomi by name (keyed by the name as the file spells it): a push
	// writes them into the file, with the ids of what it creates.
	RoleIDs map[string]string `json:"-"`
	EnvIDs  map[string]string `json:"-"`
	// GroupIDs likewise for the file's account groups.
	GroupIDs map[string]string `json:"-"`
}

// Empty reports whether Boomi already matches the file.
func (p *Plan) Empty() bool { return len(p.Calls) == 0 && len(p.Blocking) == 0 }

// MakePlan returns the calls that make l match file. Roles are matched by
// their Boomi id, else by name (a role typed into the file by hand);
// environments likewise; users by email. Calls come in this order:
// environments created, roles created (parents first), roles updated,
// environments renamed, links added, links removed, then the account
// groups (groupCalls: groups created, group users and members removed,
// groups updated, members and group users added), roles deleted (children
// first). Rolecall never deletes an environment or an account group and
// never changes a user's name or an environment's classification: those
// differences are Notes or Blocking.
func MakePlan(file *Account, l *Live) *Plan {
	p := &Plan{Account: l.AccountID, Fingerprint: l.Fingerprint(), Calls: []Call{}, Blocking: []string{}, Notes: []string{}}
	if file.BoomiAccount != "" && l.AccountID != "" && file.BoomiAccount != l.AccountID {
		p.Blocking = append(p.Blocking, fmt.Sprintf("the file is tied to Boomi account %s, not %s", quote(file.BoomiAccount), quote(l.AccountID)))
		return p
	}
	im := Import(l, file, Switches{file.AdvancedUserSecurity, file.AdvancedEnvironmentAccess})
	for _, n := range im.Notes {
		if n.Severity == Error {
			p.Blocking = append(p.Blocking, "Boomi's state: "+n.String())
		}
	}
	if len(p.Blocking) > 0 {
		return p
	}
	live := Canonical(im.Account)
	want := Canonical(file)
	p.Live = live
	pl := planner{p: p, file: want, live: live, l: l, codes: CodeTable(file), groups: file.Groups}
	pl.run()
	return p
}

type planner struct {
	p          *Plan
	file, live *Account
	l          *Live
	codes      *Codes
	groups     []AccountGroup // the file's, as written
	// unmanaged are Boomi's groups of this account that the plan leaves
	// alone: the default group, and groups the file does not have.
	unmanaged []LiveAccountGroup

	builtinID map[string]string // built-in role name -> id
	roleID    map[string]string // file role (folded name) -> live id; "" when created by the plan
	liveOf    map[int]int       // file role index -> live role index
	envID     map[string]string // file env (folded name) -> live id; "" when created
	liveEnvOf map[int]int

	fileRes    *Resolver
	shared     map[string]string // "NAME (shared)" (folded) -> Boomi's id
	liveByName map[string]string // Boomi's role (folded name) -> id
	parentOf   map[string]string // Boomi's custom role id -> parent id
}

func (pl *planner) block(format string, args ...any) {
	pl.p.Blocking = append(pl.p.Blocking, fmt.Sprintf(format, args...))
}

func (pl *planner) call(c Call) { pl.p.Calls = append(pl.p.Calls, c) }

func (pl *planner) run() {
	pl.builtinID = map[string]string{}
	for _, r := range pl.l.Roles {
		if r.AccountID == BuiltinAccountID {
			if b, ok := LookupBuiltin(r.Name); ok {
				pl.builtinID[b.Name] = r.ID
			}
		}
	}
	pl.matchRoles()
	pl.matchEnvs()
	pl.createEnvs()
	pl.createRoles()
	pl.updateRoles()
	pl.renameEnvs()
	pl.links()
	pl.groupCalls()
	pl.deleteRoles()
}

func (pl *planner) matchRoles() {
	pl.roleID = map[string]string{}
	pl.liveOf = map[int]int{}
	taken := map[int]bool{}
	seenID := map[string]string{}
	for i, r := range pl.file.Roles {
		if r.ID == "" {
			continue
		}
		if other, dup := seenID[r.ID]; dup {
			pl.block("roles %s and %s carry the same Boomi id %s; remove the id from the copy", quote(other), quote(r.Name), quote(r.ID))
			continue
		}
		seenID[r.ID] = r.Name
		if j := slices.IndexFunc(pl.live.Roles, func(x Role) bool { return x.ID == r.ID }); j >= 0 {
			pl.liveOf[i], taken[j] = j, true
		} else {
			pl.p.Notes = append(pl.p.Notes, fmt.Sprintf("role %s carries Boomi id %s, which Boomi no longer has: it is created again", quote(r.Name), quote(r.ID)))
		}
	}
	for i, r := range pl.file.Roles {
		if _, ok := pl.liveOf[i]; ok {
			continue
		}
		j := slices.IndexFunc(pl.live.Roles, func(x Role) bool { return SameName(x.Name, r.Name) })
		if j >= 0 && !taken[j] && r.ID == "" {
			pl.liveOf[i], taken[j] = j, true
		}
	}
	pl.p.RoleIDs = map[string]string{}
	for i, r := range pl.file.Roles {
		if j, ok := pl.liveOf[i]; ok {
			pl.roleID[FoldName(r.Name)] = pl.live.Roles[j].ID
			if r.ID == "" {
				pl.p.RoleIDs[r.Name] = pl.live.Roles[j].ID
			}
		} else {
			pl.roleID[FoldName(r.Name)] = ""
		}
	}
}

func (pl *planner) matchEnvs() {
	pl.envID = map[string]string{}
	pl.liveEnvOf = map[int]int{}
	taken := map[int]bool{}
	for i, e := range pl.file.Environments {
		if e.ID == "" {
			continue
		}
		if j := slices.IndexFunc(pl.live.Environments, func(x Environment) bool { return x.ID == e.ID }); j >= 0 && !taken[j] {
			pl.liveEnvOf[i], taken[j] = j, true
		}
	}
	for i, e := range pl.file.Environments {
		if _, ok := pl.liveEnvOf[i]; ok {
			continue
		}
		j := slices.IndexFunc(pl.live.Environments, func(x Environment) bool { return SameName(x.Name, e.Name) })
		if j >= 0 && !taken[j] {
			pl.liveEnvOf[i], taken[j] = j, true
		}
	}
	pl.p.EnvIDs = map[string]string{}
	for i, e := range pl.file.Environments {
		id := ""
		if j, ok := pl.liveEnvOf[i]; ok {
			id = pl.live.Environments[j].ID
			if e.ID == "" {
				pl.p.EnvIDs[e.Name] = id
			}
		}
		pl.envID[FoldName(e.Name)] = id
	}
	for j, e := range pl.live.Environments {
		if !taken[j] {
			pl.p.Notes = append(pl.p.Notes, fmt.Sprintf("environment %s is in Boomi but not in the file: rolecall never deletes an environment; delete it in Boomi, or pull", quote(e.Name)))
		}
	}
}

func classCode(c Classification) string {
	if c == Test {
		return "TEST"
	}
	return "PROD"
}

func (pl *planner) createEnvs() {
	for i, e := range pl.file.Environments {
		if j, ok := pl.liveEnvOf[i]; ok {
			if le := pl.live.Environments[j]; le.Classification != e.Classification {
				pl.block("environment %s is %s in the file and %s in Boomi; Boomi cannot change a classification once the environment exists", quote(e.Name), e.Classification, le.Classification)
			}
			continue
		}
		pl.call(Call{Op: "create", Object: "Environment",
			Environment: &LiveEnvironment{Name: e.Name, Classification: classCode(e.Classification)},
			Line:        fmt.Sprintf("+ environment %s (%s)", quote(e.Name), e.Classification)})
	}
}

// roleBody is the Role object Boomi keeps for file role r: its name,
// description, parent and codes (the catalog's, then the unknown ones as
// they came). ok is false when a privilege has no code.
func (pl *planner) roleBody(r Role, id string) (LiveRole, string, bool) {
	body := LiveRole{ID: id, AccountID: pl.l.AccountID, Name: r.Name, Description: r.Description, Codes: []string{}, HasPrivileges: true}
	parentRef := ""
	if r.Inherits != "" {
		if b, ok := LookupBuiltin(r.Inherits); ok {
			bid, ok := pl.builtinID[b.Name]
			if !ok {
				pl.block("role %s inherits %s, whose Boomi id the responses do not give (include getAssignableRoles)", quote(r.Name), quote(b.Name))
			}
			body.ParentID = bid
		} else if pid := pl.roleID[FoldName(r.Inherits)]; pid != "" {
			body.ParentID = pid
		} else {
			parentRef = pl.file.CanonicalRoleName(r.Inherits)
		}
	}
	ok := true
	for _, pr := range r.Privileges {
		row, found := pl.codes.Code(pr)
		if !found {
			pl.block("role %s ticks %s, which has no Boomi privilege code that rolecall knows; add its code to [privilege_codes] in the file", quote(r.Name), quote(pr.String()))
			ok = false
			continue
		}
		if row.Source == SourceThirdParty {
			pl.p.Notes = append(pl.p.Notes, fmt.Sprintf("role %s: %s is sent as %s, a code seen only in third-party examples (unverified)", quote(r.Name), pr, row.Code))
		}
		body.Codes = append(body.Codes, row.Code)
	}
	body.Codes = append(body.Codes, r.Codes...)
	return body, parentRef, ok
}

// roleOrder returns the file's role indexes with every parent before its
// children (the file has no cycles: validation refuses them).
func roleOrder(a *Account) []int {
	var out []int
	done := make([]bool, len(a.Roles))
	at := make(map[string]int, len(a.Roles))
	for i := len(a.Roles) - 1; i >= 0; i-- { // the first of a name, as FindRole
		at[FoldName(a.Roles[i].Name)] = i
	}
	var visit func(i, depth int)
	visit = func(i, depth int) {
		if done[i] || depth > len(a.Roles) {
			return
		}
		if p, ok := at[FoldName(a.Roles[i].Inherits)]; ok && a.Roles[i].Inherits != "" {
			visit(p, depth+1)
		}
		if !done[i] {
			done[i] = true
			out = append(out, i)
		}
	}
	for i := range a.Roles {
		visit(i, 0)
	}
	return out
}

func (pl *planner) createRoles() {
	for _, i := range roleOrder(pl.file) {
		if _, ok := pl.liveOf[i]; ok {
			continue
		}
		r := pl.file.Roles[i]
		body, parentRef, _ := pl.roleBody(r, "")
		line := fmt.Sprintf("+ role %s", quote(r.Name))
		if r.Inherits != "" {
			line += " inherits " + quote(r.Inherits)
		}
		if len(r.Privileges) > 0 || len(r.Codes) > 0 {
			line += ": " + strings.Join(privAndCodeNames(r), ", ")
		}
		pl.call(Call{Op: "create", Object: "Role", Role: &body, ParentRef: parentRef, Line: line})
	}
}

func privAndCodeNames(r Role) []string {
	var out []string
	for _, p := range r.Privileges {
		out = append(out, p.String())
	}
	for _, c := range r.Codes {
		out = append(out, UnknownCodeText(c))
	}
	return out
}

func (pl *planner) updateRoles() {
	for _, i := range roleOrder(pl.file) {
		j, ok := pl.liveOf[i]
		if !ok {
			continue
		}
		r, lr := pl.file.Roles[i], pl.live.Roles[j]
		var what []string
		if r.Name != lr.Name {
			what = append(what, "renamed from "+quote(lr.Name))
		}
		if r.Description != lr.Description {
			what = append(what, "description "+quote(r.Description))
		}
		if pl.key(r.Inherits) != pl.liveParentKey(lr.ID) {
			if r.Inherits == "" {
				what = append(what, "inherits no role")
			} else {
				what = append(what, "inherits "+quote(r.Inherits))
			}
		}
		// The codes: what Boomi's role ticks now against what the update
		// sends, so that the line says every tick the call changes.
		body, parentRef, _ := pl.roleBody(r, lr.ID)
		body.Codes = pl.keepRedundant(r, lr.ID, body.Codes)
		raw := pl.rawCodes(lr.ID)
		for _, c := range body.Codes {
			if !slices.Contains(raw, c) {
				what = append(what, "+ "+pl.codeText(c))
			}
		}
		for _, c := range raw {
			if !slices.Contains(body.Codes, c) && !slices.Contains(what, "- "+pl.codeText(c)) {
				what = append(what, "- "+pl.codeText(c))
			}
		}
		if len(what) == 0 {
			continue
		}
		pl.call(Call{Op: "update", Object: "Role", ID: lr.ID, Role: &body, ParentRef: parentRef,
			Line: fmt.Sprintf("~ role %s: %s", quote(r.Name), strings.Join(what, ", ")), Changes: what})
	}
}

// keepRedundant adds to codes, the body of an update of Boomi's role id,
// the codes Boomi's role ticks that the file dropped as redundant (R9: the
// role's parent in the file grants them): an update changes what the admin
// changed, not ticks that change nobody's access.
func (pl *planner) keepRedundant(r Role, id string, codes []string) []string {
	if r.Inherits == "" {
		return codes
	}
	raw := pl.rawCodes(id)
	if len(raw) == 0 {
		return codes
	}
	if pl.fileRes == nil {
		pl.fileRes = NewResolver(pl.file)
	}
	parent, ok := pl.fileRes.RolePrivileges(r.Inherits)
	if !ok {
		return codes
	}
	for _, c := range raw {
		if p, ok := pl.codes.Privilege(c); ok && parent.Has(p) && !slices.Contains(r.Privileges, p) && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return codes
}

// rawCodes are the codes Boomi's custom role id ticks, as it sent them.
func (pl *planner) rawCodes(id string) []string {
	for _, lr := range pl.l.Roles {
		if lr.ID == id && lr.AccountID != BuiltinAccountID {
			return lr.Codes
		}
	}
	return nil
}

// codeText names a code as a plan line shows it: its privilege, else
// "unknown to rolecall (CODE)".
func (pl *planner) codeText(c string) string {
	if p, ok := pl.codes.Privilege(c); ok {
		return p.String()
	}
	return UnknownCodeText(c)
}

func (pl *planner) renameEnvs() {
	for i, e := range pl.file.Environments {
		j, ok := pl.liveEnvOf[i]
		if !ok {
			continue
		}
		le := pl.live.Environments[j]
		if le.Name == e.Name {
			continue
		}
		pl.call(Call{Op: "update", Object: "Environment", ID: le.ID,
			Environment: &LiveEnvironment{ID: le.ID, Name: e.Name, Classification: classCode(le.Classification)},
			Line:        fmt.Sprintf("~ environment %s: renamed from %s", quote(e.Name), quote(le.Name))})
	}
}

// ref returns the id of role name as Boomi knows it, or the name of the
// role the plan creates (for RoleRef).
func (pl *planner) ref(name string) (id, ref string) {
	if id, ok := pl.sharedID(name); ok {
		return id, ""
	}
	if b, ok := LookupBuiltin(name); ok {
		bid, ok := pl.builtinID[b.Name]
		if !ok {
			pl.block("built-in role %s has no Boomi id in the responses (include getAssignableRoles)", quote(b.Name))
		}
		return bid, ""
	}
	if id := pl.roleID[FoldName(name)]; id != "" {
		return id, ""
	}
	return "", pl.file.CanonicalRoleName(name)
}

// key names a role of the file by what Boomi knows it as: its id, or
// "new:" and its folded name when the plan creates it; "" for no role.
func (pl *planner) key(name string) string {
	if name == "" {
		return ""
	}
	if id, ok := pl.sharedID(name); ok {
		return id
	}
	if b, ok := LookupBuiltin(name); ok {
		if id, ok := pl.builtinID[b.Name]; ok {
			return id
		}
		return "builtin:" + b.Name
	}
	if id := pl.roleID[FoldName(name)]; id != "" {
		return id
	}
	return "new:" + FoldName(name)
}

// keys maps the keys of the file's role names to the names.
func (pl *planner) keys(names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[pl.key(n)] = n
	}
	return m
}

// liveKeys maps the ids of roles named as Boomi's state names them to the
// names.
func (pl *planner) liveKeys(names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		id, _ := pl.liveRoleID(n)
		m[id] = n
	}
	return m
}

// liveParentKey is the id of the parent of Boomi's role id, "" for none.
func (pl *planner) liveParentKey(id string) string {
	if pl.parentOf == nil {
		pl.parentOf = map[string]string{}
		for _, r := range pl.l.Roles {
			if r.AccountID != BuiltinAccountID && r.HasPrivileges {
				pl.parentOf[r.ID] = r.ParentID
			}
		}
	}
	return pl.parentOf[id]
}

// links adds and removes AccountUserRole and EnvironmentRole links: all the
// additions first, then the removals.
func (pl *planner) links() {
	var adds, removes []Call
	// Users.
	liveUsers := map[string]int{}
	for j, u := range pl.live.Users {
		liveUsers[FoldName(u.Email)] = j
	}
	linkID := map[[2]string]string{} // {folded email, role id} -> link id
	for _, ur := range pl.l.UserRoles {
		linkID[[2]string{FoldName(ur.UserID), ur.RoleID}] = ur.ID
	}
	seenUsers := map[string]bool{}
	for _, u := range pl.file.Users {
		key := FoldName(u.Email)
		seenUsers[key] = true
		var have map[string]string
		if j, ok := liveUsers[key]; ok {
			have = pl.liveKeys(pl.live.Users[j].Roles)
			if lu := pl.live.Users[j]; lu.Name != u.Name && u.Name != "" {
				pl.p.Notes = append(pl.p.Notes, fmt.Sprintf("%s is named %s in the file and %s in Boomi: the API cannot change a user's name", SafeText(u.Email), quote(u.Name), quote(lu.Name)))
			}
		}
		want := pl.keys(u.Roles)
		for _, role := range u.Roles {
			if _, ok := have[pl.key(role)]; ok {
				continue
			}
			id, ref := pl.ref(role)
			first, last := splitName(u.Name)
			adds = append(adds, Call{Op: "create", Object: "AccountUserRole",
				UserRole: &LiveUserRole{UserID: u.Email, RoleID: id, FirstName: first, LastName: last}, RoleRef: ref,
				Line: fmt.Sprintf("+ %s: %s", SafeText(u.Email), SafeText(role))})
		}
		for k, role := range have {
			if _, ok := want[k]; ok {
				continue
			}
			id, _ := pl.liveRoleID(role)
			removes = append(removes, Call{Op: "delete", Object: "AccountUserRole", ID: linkID[[2]string{key, id}],
				UserRole: &LiveUserRole{UserID: u.Email, RoleID: id},
				Line:     fmt.Sprintf("- %s: %s", SafeText(u.Email), SafeText(role))})
		}
	}
	for _, lu := range pl.live.Users {
		key := FoldName(lu.Email)
		if seenUsers[key] {
			continue
		}
		for _, role := range lu.Roles {
			id, _ := pl.liveRoleID(role)
			removes = append(removes, Call{Op: "delete", Object: "AccountUserRole", ID: linkID[[2]string{key, id}],
				UserRole: &LiveUserRole{UserID: lu.Email, RoleID: id},
				Line:     fmt.Sprintf("- %s: %s", SafeText(lu.Email), SafeText(role))})
		}
	}
	// Environments' Roles with Access.
	envLink := map[[2]string]string{}
	for _, er := range pl.l.EnvRoles {
		envLink[[2]string{er.EnvironmentID, er.RoleID}] = er.ID
	}
	for i, e := range pl.file.Environments {
		var have map[string]string
		envID, envRef := "", e.Name
		if j, ok := pl.liveEnvOf[i]; ok {
			have = pl.liveKeys(pl.live.Environments[j].RolesWithAccess)
			envID, envRef = pl.live.Environments[j].ID, ""
		}
		want := pl.keys(e.RolesWithAccess)
		for _, role := range e.RolesWithAccess {
			if _, ok := have[pl.key(role)]; ok {
				continue
			}
			id, ref := pl.ref(role)
			adds = append(adds, Call{Op: "create", Object: "EnvironmentRole",
				EnvRole: &LiveEnvRole{EnvironmentID: envID, RoleID: id}, RoleRef: ref, EnvRef: envRef,
				Line: fmt.Sprintf("+ environment %s: allow %s", quote(e.Name), quote(role))})
		}
		for k, role := range have {
			if _, ok := want[k]; ok {
				continue
			}
			id, _ := pl.liveRoleID(role)
			removes = append(removes, Call{Op: "delete", Object: "EnvironmentRole", ID: envLink[[2]string{envID, id}],
				EnvRole: &LiveEnvRole{EnvironmentID: envID, RoleID: id},
				Line:    fmt.Sprintf("- environment %s: disallow %s", quote(e.Name), quote(role))})
		}
	}
	byLine := func(x, y Call) int { return strings.Compare(x.Line, y.Line) }
	slices.SortStableFunc(adds, byLine)
	slices.SortStableFunc(removes, byLine)
	pl.p.Calls = append(pl.p.Calls, adds...)
	pl.p.Calls = append(pl.p.Calls, removes...)
}

// liveRoleID is the id in Boomi of a role named as Boomi's state names it.
func (pl *planner) liveRoleID(name string) (string, bool) {
	if id, ok := pl.sharedID(name); ok {
		return id, true
	}
	if b, ok := LookupBuiltin(name); ok {
		id, ok := pl.builtinID[b.Name]
		return id, ok
	}
	if pl.liveByName == nil {
		pl.liveByName = make(map[string]string, len(pl.live.Roles))
		for _, r := range pl.live.Roles {
			pl.liveByName[FoldName(r.Name)] = r.ID
		}
	}
	id, ok := pl.liveByName[FoldName(name)]
	return id, ok
}

// sharedID is the Boomi id of "NAME (shared)", a role a group shares with
// a member account (R21): a role of another account that Boomi's state of
// this one lists. Only a member's file (Account.Primary) names such roles.
func (pl *planner) sharedID(name string) (string, bool) {
	if pl.file.Primary == "" || !strings.HasSuffix(name, SharedSuffix) {
		return "", false
	}
	if pl.shared == nil {
		pl.shared = map[string]string{}
		for _, r := range pl.l.Roles {
			if r.AccountID != "" && r.AccountID != BuiltinAccountID && r.AccountID != pl.l.AccountID {
				pl.shared[FoldName(SharedName(r.Name))] = r.ID
			}
		}
	}
	id, ok := pl.shared[FoldName(name)]
	return id, ok
}

func splitName(name string) (first, last string) {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		return strings.TrimSpace(name[:i]), name[i+1:]
	}
	return name, ""
}

func (pl *planner) deleteRoles() {
	kept := map[int]bool{}
	for _, j := range pl.liveOf {
		kept[j] = true
	}
	order := roleOrder(pl.live)
	for k := len(order) - 1; k >= 0; k-- {
		j := order[k]
		if kept[j] {
			continue
		}
		r := pl.live.Roles[j]
		for _, g := range pl.unmanaged {
			if slices.ContainsFunc(g.Resources, func(x LiveResource) bool { return x.ObjectType == ResourceRole && x.ResourceID == r.ID }) {
				pl.block("role %s is shared by Boomi's group %s, which the file does not manage: un-share it in Boomi (or add the group to the file) before the role is deleted", quote(r.Name), quote(g.Name))
			}
		}
		pl.call(Call{Op: "delete", Object: "Role", ID: r.ID, Line: fmt.Sprintf("- role %s", quote(r.Name))})
	}
}

// groupCalls makes Boomi's account groups of this account match the
// file's: groups matched by id, else by name. The calls come as groups
// created (with their shared roles), group users and members removed,
// groups updated (the whole object: shares added and removed, a rename),
// members and group users added: a role is shared before anyone is given
// it through the group, and no group user holds a role when it is
// un-shared. Boomi's default group and groups the file does not have are
// left alone (its API cannot delete a group).
func (pl *planner) groupCalls() {
	if len(pl.groups) == 0 && len(pl.l.AccountGroups) == 0 {
		return
	}
	pl.p.GroupIDs = map[string]string{}
	var live []LiveAccountGroup
	var defaults []LiveAccountGroup
	for _, g := range pl.l.AccountGroups {
		switch {
		case g.AccountID != "" && g.AccountID != pl.l.AccountID:
		case g.DefaultGroup:
			defaults = append(defaults, g)
		default:
			live = append(live, g)
		}
	}
	pl.unmanaged = append(pl.unmanaged, defaults...)
	liveOf := map[int]int{}
	taken := map[int]bool{}
	seen := map[string]string{}
	for i, g := range pl.groups {
		if other, dup := seen[FoldName(g.Name)]; dup {
			pl.block("groups %s and %s have the same name", quote(other), quote(g.Name))
		}
		seen[FoldName(g.Name)] = g.Name
		if slices.ContainsFunc(defaults, func(d LiveAccountGroup) bool { return SameName(d.Name, g.Name) }) {
			pl.block("group %s has the name of Boomi's default group (All Accounts), which rolecall does not manage: rename it", quote(g.Name))
		}
		if g.ID == "" {
			continue
		}
		if j := slices.IndexFunc(live, func(x LiveAccountGroup) bool { return x.ID == g.ID }); j >= 0 && !taken[j] {
			liveOf[i], taken[j] = j, true
		} else {
			pl.p.Notes = append(pl.p.Notes, fmt.Sprintf("group %s carries Boomi id %s, which Boomi no longer has: it is created again", quote(g.Name), quote(g.ID)))
		}
	}
	for i, g := range pl.groups {
		if _, ok := liveOf[i]; ok || g.ID != "" {
			continue
		}
		if j := slices.IndexFunc(live, func(x LiveAccountGroup) bool { return SameName(x.Name, g.Name) }); j >= 0 && !taken[j] {
			liveOf[i], taken[j] = j, true
			pl.p.GroupIDs[g.Name] = live[j].ID
		}
	}
	for j, g := range live {
		if !taken[j] {
			pl.unmanaged = append(pl.unmanaged, g)
			pl.p.Notes = append(pl.p.Notes, fmt.Sprintf("group %s is in Boomi but not in the file: Boomi's API cannot delete an account group, and rolecall leaves it as it is; remove it in Boomi, or pull", quote(g.Name)))
		}
	}
	roleName := map[string]string{} // Boomi's role id -> name
	for _, r := range pl.l.Roles {
		if r.AccountID == BuiltinAccountID {
			if b, ok := LookupBuiltin(r.Name); ok {
				roleName[r.ID] = b.Name
				continue
			}
		}
		roleName[r.ID] = r.Name
	}
	var creates, removes, updates, adds []Call
	for i, g := range pl.groups {
		shares, keys := pl.shares(g)
		gid, gref := "", ""
		var lg *LiveAccountGroup
		if j, ok := liveOf[i]; ok {
			lg = &live[j]
			gid = lg.ID
		} else {
			gref = g.Name
			line := fmt.Sprintf("+ group %s", quote(g.Name))
			if len(shares) > 0 {
				var ns []string
				for _, r := range shares {
					ns = append(ns, quote(r.ResourceName))
				}
				line += ": share " + strings.Join(ns, ", ")
			}
			creates = append(creates, Call{Op: "create", Object: "AccountGroup",
				Group: &LiveAccountGroup{AccountID: pl.l.AccountID, Name: g.Name, Resources: shares, HasResources: true}, Line: line})
		}
		if lg != nil {
			var what []string
			if lg.Name != g.Name {
				what = append(what, "renamed from "+quote(lg.Name))
			}
			have := map[string]bool{}
			body := &LiveAccountGroup{ID: lg.ID, AccountID: lg.AccountID, Name: g.Name, AlertLevel: lg.AlertLevel, HasResources: true}
			for _, r := range lg.Resources {
				if r.ObjectType == ResourceRole {
					have[r.ResourceID] = true
				} else {
					body.Resources = append(body.Resources, r) // kept as Boomi has it
				}
			}
			for k, r := range shares {
				if !have[keys[k]] {
					what = append(what, "+ share "+quote(r.ResourceName))
				}
			}
			for _, r := range lg.Resources {
				if r.ObjectType == ResourceRole && !slices.Contains(keys, r.ResourceID) {
					n, ok := roleName[r.ResourceID]
					if !ok {
						n = r.ResourceName
					}
					what = append(what, "- share "+quote(n))
				}
			}
			body.Resources = append(body.Resources, shares...)
			if len(what) > 0 {
				if lg.AccountID == "" {
					body.AccountID = pl.l.AccountID
				}
				updates = append(updates, Call{Op: "update", Object: "AccountGroup", ID: lg.ID, Group: body,
					Line: fmt.Sprintf("~ group %s: %s", quote(g.Name), strings.Join(what, ", ")), Changes: what})
			}
		}
		// Members.
		liveMembers := map[string]string{} // account id -> link id
		for _, ga := range pl.l.GroupAccounts {
			if gid != "" && ga.AccountGroupID == gid {
				liveMembers[ga.AccountID] = ga.ID
			}
		}
		want := map[string]bool{}
		for _, m := range g.Members {
			if m.BoomiAccount == "" {
				pl.block("group %s: member %s has no Boomi account id, so it cannot be pushed; pull the member's account into its file, or set the member's Boomi account", quote(g.Name), quote(m.File))
				continue
			}
			if want[m.BoomiAccount] {
				continue
			}
			want[m.BoomiAccount] = true
			if _, ok := liveMembers[m.BoomiAccount]; ok {
				continue
			}
			adds = append(adds, Call{Op: "create", Object: "AccountGroupAccount", GroupRef: gref,
				GroupAccount: &LiveGroupAccount{AccountGroupID: gid, AccountID: m.BoomiAccount},
				Line:         fmt.Sprintf("+ group %s: member %s", quote(g.Name), SafeText(m.BoomiAccount))})
		}
		for acct, id := range liveMembers {
			if !want[acct] {
				removes = append(removes, Call{Op: "delete", Object: "AccountGroupAccount", ID: id,
					GroupAccount: &LiveGroupAccount{ID: id, AccountGroupID: gid, AccountID: acct},
					Line:         fmt.Sprintf("- group %s: member %s", quote(g.Name), SafeText(acct))})
			}
		}
		// Group users.
		type link struct{ email, role string }
		liveUsers := map[link]LiveGroupUserRole{}
		for _, gu := range pl.l.GroupUserRoles {
			if gid != "" && gu.AccountGroupID == gid {
				liveUsers[link{FoldName(gu.UserID), gu.RoleID}] = gu
			}
		}
		wantUser := map[link]bool{}
		for _, u := range g.Users {
			first, last := splitName(u.Name)
			for _, role := range u.Roles {
				if _, builtin := LookupBuiltin(role); !builtin && !slices.ContainsFunc(g.SharedRoles, func(n string) bool { return SameName(n, role) }) {
					pl.block("group %s gives %s role %s, which is neither built-in nor shared by the group", quote(g.Name), SafeText(u.Email), quote(role))
					continue
				}
				k := link{FoldName(u.Email), pl.key(role)}
				if wantUser[k] {
					continue
				}
				wantUser[k] = true
				if lu, ok := liveUsers[k]; ok {
					if n := strings.TrimSpace(lu.FirstName + " " + lu.LastName); u.Name != "" && n != u.Name {
						pl.p.Notes = append(pl.p.Notes, fmt.Sprintf("group %s: %s is named %s in the file and %s in Boomi: the API cannot change a group user's name", quote(g.Name), SafeText(u.Email), quote(u.Name), quote(n)))
					}
					continue
				}
				id, ref := pl.ref(role)
				adds = append(adds, Call{Op: "create", Object: "AccountGroupUserRole", GroupRef: gref, RoleRef: ref,
					GroupUserRole: &LiveGroupUserRole{AccountGroupID: gid, UserID: u.Email, RoleID: id, FirstName: first, LastName: last},
					Line:          fmt.Sprintf("+ group %s user %s: %s", quote(g.Name), SafeText(u.Email), SafeText(role))})
			}
		}
		for k, lu := range liveUsers {
			if wantUser[k] {
				continue
			}
			n, ok := roleName[lu.RoleID]
			if !ok {
				n = lu.RoleID
			}
			removes = append(removes, Call{Op: "delete", Object: "AccountGroupUserRole", ID: lu.ID,
				GroupUserRole: &LiveGroupUserRole{ID: lu.ID, AccountGroupID: gid, UserID: lu.UserID, RoleID: lu.RoleID},
				Line:          fmt.Sprintf("- group %s user %s: %s", quote(g.Name), SafeText(lu.UserID), SafeText(n))})
		}
	}
	// Within each step: group users before members (removals), members
	// before group users (additions), then by line.
	rank := func(c Call) int {
		if c.Object == "AccountGroupAccount" {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(creates, func(x, y Call) int { return strings.Compare(x.Line, y.Line) })
	slices.SortStableFunc(removes, func(x, y Call) int { return cmp.Or(rank(x)-rank(y), strings.Compare(x.Line, y.Line)) })
	slices.SortStableFunc(updates, func(x, y Call) int { return strings.Compare(x.Line, y.Line) })
	slices.SortStableFunc(adds, func(x, y Call) int { return cmp.Or(rank(y)-rank(x), strings.Compare(x.Line, y.Line)) })
	for _, cs := range [][]Call{creates, removes, updates, adds} {
		pl.p.Calls = append(pl.p.Calls, cs...)
	}
}

// shares are the Resources of the roles file group g shares, each with its
// key (Boomi's id, or "new:" and the folded name of a role the plan
// creates, whose ResourceID Resolve fills by ResourceName).
func (pl *planner) shares(g AccountGroup) ([]LiveResource, []string) {
	var out []LiveResource
	var keys []string
	for _, name := range g.SharedRoles {
		if _, builtin := LookupBuiltin(name); builtin {
			pl.block("group %s shares %s, a built-in role: only custom roles of the primary are shared", quote(g.Name), quote(name))
			continue
		}
		if _, ok := pl.roleID[FoldName(name)]; !ok {
			pl.block("group %s shares %s, which is not a custom role of the file", quote(g.Name), quote(name))
			continue
		}
		k := pl.key(name)
		if slices.Contains(keys, k) {
			continue
		}
		id, _ := pl.ref(name)
		out = append(out, LiveResource{ResourceID: id, ResourceName: pl.file.CanonicalRoleName(name), ObjectType: ResourceRole})
		keys = append(keys, k)
	}
	return out, keys
}

// AtRisk are the changes of file that replacing it with Boomi's state now
// (live) would lose: its changes since Boomi's state as last seen (base,
// the calls that would push them) that Boomi does not have now either,
// change by change (a role the admin ticked here that someone changed in
// Boomi too is still at risk). With no base, everything the file has that
// Boomi has not: a removal in the plan is something Boomi has, which a
// pull brings, not loses.
func AtRisk(file *Account, base, live *Live) []Call {
	now := MakePlan(file, live)
	var out []Call
	if base == nil {
		for _, c := range now.Calls {
			if c.Op != "delete" {
				out = append(out, c)
			}
		}
		return out
	}
	pending := map[string]bool{}
	for _, c := range now.Calls {
		for _, k := range c.Pieces() {
			pending[k] = true
		}
	}
	for _, c := range MakePlan(file, base).Calls {
		if slices.ContainsFunc(c.Pieces(), func(k string) bool { return pending[k] }) {
			out = append(out, c)
		}
	}
	return out
}
