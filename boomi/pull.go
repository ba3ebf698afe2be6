package boomi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"rolecall/model"
)

// queryAll is the body of a query that lists every object: no expression
// (Boomi's reference marks the request body of a query optional; the
// Query filters page lists all objects when no filter is given).
var queryAll []byte

// simpleQuery is a QueryFilter with one EQUALS expression.
func simpleQuery(property, value string) []byte {
	b, _ := json.Marshal(map[string]any{"QueryFilter": map[string]any{"expression": map[string]any{
		"operator": "EQUALS", "property": property, "argument": []string{value}}}})
	return b
}

// Pull reads the account: its custom roles, user role links, environments
// and their role links, and getAssignableRoles (the built-in roles' ids).
// Queries follow queryToken with queryMore. Role ids that links or parents
// name and that neither lists are fetched with a bulk GET. Progress is
// called after each page with the results read so far of the object named
// by what and the query's numberOfResults (0 when the page does not say).
//
// Requests: one per page of 100 of each query, one EnvironmentRole query
// per environment, one getAssignableRoles, one bulk GET per 100 missing
// roles; and for account groups (pullGroups) one AccountGroup query, then,
// only when it lists some, one bulk GET per 100 groups and two queries per
// group. An account that is the primary of no group costs one request
// more; one with only Boomi's default group, three.
func (c *Client) Pull(ctx context.Context) (*model.Live, error) {
	if _, err := c.baseURL(); err != nil {
		return nil, err
	}
	a := newAccumulator()
	// Role/query and Environment/query: no expression lists all.
	if err := c.query(ctx, a, TypeRole, queryAll); err != nil {
		return nil, err
	}
	if err := c.query(ctx, a, TypeEnvironment, queryAll); err != nil {
		return nil, err
	}
	// AccountUserRole/query: the OpenAPI document's QueryFilter requires an
	// expression; "accountId EQUALS the account" lists every link.
	if err := c.query(ctx, a, TypeAccountUserRole, simpleQuery("accountId", c.Account)); err != nil {
		return nil, err
	}
	// EnvironmentRole/query: properties environmentId and roleId only; one
	// query per environment, "environmentId EQUALS id".
	envs := append([]model.LiveEnvironment(nil), a.live.Environments...)
	for _, e := range envs {
		if e.ID == "" {
			continue
		}
		if err := c.query(ctx, a, TypeEnvironmentRole, simpleQuery("environmentId", e.ID)); err != nil {
			return nil, err
		}
	}
	body, err := c.do(ctx, request{method: "GET", path: "/getAssignableRoles", idempotent: true})
	if err != nil {
		return nil, err
	}
	if err := c.addBody(a, "getAssignableRoles", "Roles", body); err != nil {
		return nil, err
	}
	c.progress(len(a.live.Roles), len(a.live.Roles), "getAssignableRoles")
	if err := c.pullGroups(ctx, a); err != nil {
		return nil, err
	}
	if err := c.fetchMissing(ctx, a); err != nil {
		return nil, err
	}
	live, notes := a.finish()
	var errs []string
	for _, n := range notes {
		if n.Severity == model.Error && n.Object != "BulkResult" {
			errs = append(errs, n.String())
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("Boomi's answers disagree: %s", strings.Join(errs, "; "))
	}
	if live.AccountID == "" {
		live.AccountID = c.Account // an account with no custom role and no user
	} else if live.AccountID != c.Account {
		return nil, fmt.Errorf("asked for Boomi account %s, Boomi answered with objects of account %s", model.SafeText(c.Account), model.SafeText(live.AccountID))
	}
	for _, g := range live.AccountGroups {
		if g.AccountID != "" && g.AccountID != c.Account {
			return nil, fmt.Errorf("asked for the account groups of Boomi account %s, Boomi answered with group %s of account %s", model.SafeText(c.Account), model.SafeText(quoteStr(g.Name)), model.SafeText(g.AccountID))
		}
	}
	return live, nil
}

// pullGroups reads the account groups this account is the primary of
// (access-model.md §6):
//
//   - AccountGroup/query with "accountId EQUALS the account" (the OpenAPI
//     document's AccountGroupSimpleExpression offers id, accountId, name,
//     defaultGroup and autoSubscribeAlertLevel; a group's accountId is its
//     primary's);
//   - AccountGroup/bulk GET of those ids, 100 a request: a query does not
//     return a group's Resources (its shared roles), a get does;
//   - per group, AccountGroupAccount/query and AccountGroupUserRole/query
//     with "accountGroupId EQUALS the group" (their expressions offer
//     accountGroupId and accountId, and accountGroupId, userId and roleId;
//     AccountGroupAccount's accountId is the member's, so querying it by
//     this account would list the groups it is a member of, not the
//     members of its groups). Boomi's default group (All Accounts) holds
//     every account of the primary: its members are not read, its users
//     are (the import says what it gives).
func (c *Client) pullGroups(ctx context.Context, a *accumulator) error {
	if err := c.query(ctx, a, TypeAccountGroup, simpleQuery("accountId", c.Account)); err != nil {
		return err
	}
	var ids []string
	for _, g := range a.live.AccountGroups {
		if g.ID != "" {
			ids = append(ids, g.ID)
		}
	}
	if err := c.bulkGet(ctx, a, TypeAccountGroup, ids); err != nil {
		return err
	}
	groups := append([]model.LiveAccountGroup(nil), a.live.AccountGroups...)
	for _, g := range groups {
		if g.ID == "" {
			continue
		}
		if !g.DefaultGroup {
			if err := c.query(ctx, a, TypeAccountGroupAccount, simpleQuery("accountGroupId", g.ID)); err != nil {
				return err
			}
		}
		if err := c.query(ctx, a, TypeAccountGroupUserRole, simpleQuery("accountGroupId", g.ID)); err != nil {
			return err
		}
	}
	return nil
}

// bulkGet reads objects of typ by id with bulk GETs of at most 100 ids.
func (c *Client) bulkGet(ctx context.Context, a *accumulator, typ string, ids []string) error {
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		req := struct {
			Type    string              `json:"type"`
			Request []map[string]string `json:"request"`
		}{Type: "GET"}
		for _, id := range chunk {
			req.Request = append(req.Request, map[string]string{"id": id})
		}
		b, err := json.Marshal(req)
		if err != nil {
			return err
		}
		body, err := c.do(ctx, request{method: "POST", path: "/" + typ + "/bulk", body: b, idempotent: true})
		if err != nil {
			return err
		}
		if err := c.addBody(a, fmt.Sprintf("%s/bulk of %d", typ, len(chunk)), "BulkResult", body); err != nil {
			return err
		}
		c.progress(start+len(chunk), len(ids), typ+"/bulk")
	}
	return nil
}

func (c *Client) progress(done, total int, what string) {
	if c.Progress != nil {
		c.Progress(done, total, what)
	}
}

// addBody parses one answer, which must be a kind, into a.
func (c *Client) addBody(a *accumulator, where, kind string, body []byte) error {
	d, err := parseDoc(body)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if d.kind != kind {
		return fmt.Errorf("%s: Boomi answered a %s where a %s was expected", where, d.kind, kind)
	}
	d.queryToken = "" // followed by the caller
	return a.add(where, d)
}

// query runs one query of typ and its queryMore pages.
func (c *Client) query(ctx context.Context, a *accumulator, typ string, filter []byte) error {
	r := request{method: "POST", path: "/" + typ + "/query", body: filter, idempotent: true}
	if filter == nil {
		r.body = []byte{}
	}
	read := 0
	for page := 1; ; page++ {
		where := fmt.Sprintf("%s/query page %d", typ, page)
		body, err := c.do(ctx, r)
		if err != nil {
			return err
		}
		d, err := parseDoc(body)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if d.kind != "QueryResult" {
			return fmt.Errorf("%s: Boomi answered a %s where a QueryResult was expected", where, d.kind)
		}
		for _, it := range d.items {
			if it.typ != typ {
				return fmt.Errorf("%s: %s: a %s in the answer to a %s query", where, it.where, it.typ, typ)
			}
		}
		token := d.queryToken
		d.queryToken = ""
		if err := a.add(where, d); err != nil {
			return err
		}
		read += len(d.items)
		c.progress(read, d.count, typ)
		if token == "" {
			return nil
		}
		if len(d.items) == 0 {
			return fmt.Errorf("%s: a page with no results says more remain (queryToken)", where)
		}
		if page > MaxObjects/100+1 {
			return fmt.Errorf("%s: more pages than %d objects fill", where, MaxObjects)
		}
		r = request{method: "POST", path: "/" + typ + "/queryMore", body: []byte(token), contentType: "text/plain", idempotent: true}
	}
}

// fetchMissing reads with bulk GETs the roles that links and parents name
// and no answer listed.
func (c *Client) fetchMissing(ctx context.Context, a *accumulator) error {
	var missing []string
	want := map[string]bool{}
	need := func(id string) {
		if id == "" || want[id] {
			return
		}
		if _, ok := a.roleAt[id]; ok {
			return
		}
		want[id] = true
		missing = append(missing, id)
	}
	for _, r := range a.live.Roles {
		if r.AccountID != model.BuiltinAccountID {
			need(r.ParentID)
		}
	}
	// A custom role of this account that only getAssignableRoles listed
	// (no privileges) was created while the Role pages were read: read it
	// whole.
	have := map[string]bool{}
	for _, r := range a.live.Roles {
		if r.HasPrivileges {
			have[r.ID] = true
		}
	}
	for _, r := range a.live.Roles {
		if r.AccountID == c.Account && !r.HasPrivileges && !have[r.ID] && !want[r.ID] && r.ID != "" {
			want[r.ID] = true
			missing = append(missing, r.ID)
		}
	}
	for _, u := range a.live.UserRoles {
		need(u.RoleID)
	}
	for _, e := range a.live.EnvRoles {
		need(e.RoleID)
	}
	for _, g := range a.live.GroupUserRoles {
		need(g.RoleID)
	}
	for _, g := range a.live.AccountGroups {
		for _, r := range g.Resources {
			if r.ObjectType == model.ResourceRole {
				need(r.ResourceID)
			}
		}
	}
	return c.bulkGet(ctx, a, TypeRole, missing)
}

// Apply sends one call of a plan, already resolved (see Resolve), and
// returns the id of the object a create made. A delete of an object Boomi
// no longer has returns ErrAlreadyDeleted: its effect holds. Errors are
// *APIError, *AuthError or *UnknownOutcome (the call may have been applied:
// pull before trying again), or a plain error for a call that cannot be
// sent.
func (c *Client) Apply(ctx context.Context, call model.Call) (string, error) {
	what := fmt.Sprintf("%s %s", call.Op, call.Object)
	if call.Line != "" {
		what += " (" + model.SafeText(call.Line) + ")"
	}
	var body any
	var path string
	switch call.Op + " " + call.Object {
	case "create Role", "update Role":
		if call.Role == nil {
			return "", fmt.Errorf("%s: the call has no role", what)
		}
		if call.ParentRef != "" && call.Role.ParentID == "" {
			return "", fmt.Errorf("%s: its parent %s has no id yet: Resolve the call first", what, model.SafeText(quoteStr(call.ParentRef)))
		}
		r := call.Role
		type privilege struct {
			Name string `json:"name"`
		}
		privs := []privilege{}
		for _, code := range r.Codes {
			privs = append(privs, privilege{code})
		}
		acct := r.AccountID
		if acct == "" {
			acct = c.Account
		}
		obj := map[string]any{"@type": "Role", "name": r.Name, "accountId": acct, "Description": r.Description,
			"Privileges": map[string]any{"Privilege": privs}}
		if r.ParentID != "" {
			obj["parentId"] = r.ParentID
		}
		path = "/Role"
		if call.Op == "update" {
			if call.ID == "" {
				return "", fmt.Errorf("%s: no role id", what)
			}
			obj["id"] = call.ID
			path += "/" + url.PathEscape(call.ID)
		}
		body = obj
	case "create AccountUserRole":
		u := call.UserRole
		if u == nil || u.UserID == "" {
			return "", fmt.Errorf("%s: the call has no user", what)
		}
		if u.RoleID == "" {
			return "", fmt.Errorf("%s: the role %s has no id yet: Resolve the call first", what, model.SafeText(quoteStr(call.RoleRef)))
		}
		obj := map[string]any{"@type": "AccountUserRole", "accountId": c.Account, "userId": u.UserID, "roleId": u.RoleID, "notifyUser": false}
		if u.FirstName != "" {
			obj["firstName"] = u.FirstName
		}
		if u.LastName != "" {
			obj["lastName"] = u.LastName
		}
		path, body = "/AccountUserRole", obj
	case "create EnvironmentRole":
		e := call.EnvRole
		if e == nil {
			return "", fmt.Errorf("%s: the call has no link", what)
		}
		if e.RoleID == "" || e.EnvironmentID == "" {
			return "", fmt.Errorf("%s: the role or environment has no id yet: Resolve the call first", what)
		}
		path, body = "/EnvironmentRole", map[string]any{"@type": "EnvironmentRole", "environmentId": e.EnvironmentID, "roleId": e.RoleID}
	case "create Environment", "update Environment":
		e := call.Environment
		if e == nil || e.Name == "" {
			return "", fmt.Errorf("%s: the call has no environment name", what)
		}
		obj := map[string]any{"@type": "Environment", "name": e.Name}
		if e.Classification != "" {
			obj["classification"] = e.Classification
		}
		path = "/Environment"
		if call.Op == "update" {
			if call.ID == "" {
				return "", fmt.Errorf("%s: no environment id", what)
			}
			obj["id"] = call.ID
			path += "/" + url.PathEscape(call.ID)
		}
		body = obj
	case "create AccountGroup", "update AccountGroup":
		g := call.Group
		if g == nil || g.Name == "" {
			return "", fmt.Errorf("%s: the call has no group name", what)
		}
		if g.DefaultGroup {
			return "", fmt.Errorf("%s: rolecall never changes Boomi's default group", what)
		}
		type resource struct {
			Type         string `json:"@type"`
			ObjectType   string `json:"objectType"`
			ResourceID   string `json:"resourceId"`
			ResourceName string `json:"resourceName"`
		}
		res := []resource{}
		for _, r := range g.Resources {
			if r.ResourceID == "" {
				return "", fmt.Errorf("%s: the shared %s %s has no id yet: Resolve the call first", what, model.SafeText(r.ObjectType), model.SafeText(quoteStr(r.ResourceName)))
			}
			res = append(res, resource{"Resource", r.ObjectType, r.ResourceID, r.ResourceName})
		}
		acct := g.AccountID
		if acct == "" {
			acct = c.Account
		}
		obj := map[string]any{"@type": "AccountGroup", "name": g.Name, "accountId": acct,
			"Resources": map[string]any{"@type": "Resources", "Resource": res}}
		if g.AlertLevel != "" {
			obj["autoSubscribeAlertLevel"] = g.AlertLevel
		}
		path = "/AccountGroup"
		if call.Op == "update" {
			if call.ID == "" {
				return "", fmt.Errorf("%s: no group id", what)
			}
			obj["id"] = call.ID
			obj["defaultGroup"] = false
			path += "/" + url.PathEscape(call.ID)
		}
		body = obj
	case "create AccountGroupAccount":
		m := call.GroupAccount
		if m == nil || m.AccountID == "" {
			return "", fmt.Errorf("%s: the call has no member account", what)
		}
		if m.AccountGroupID == "" {
			return "", fmt.Errorf("%s: the group %s has no id yet: Resolve the call first", what, model.SafeText(quoteStr(call.GroupRef)))
		}
		path, body = "/AccountGroupAccount", map[string]any{"@type": "AccountGroupAccount", "accountGroupId": m.AccountGroupID, "accountId": m.AccountID}
	case "create AccountGroupUserRole":
		u := call.GroupUserRole
		if u == nil || u.UserID == "" {
			return "", fmt.Errorf("%s: the call has no user", what)
		}
		if u.AccountGroupID == "" {
			return "", fmt.Errorf("%s: the group %s has no id yet: Resolve the call first", what, model.SafeText(quoteStr(call.GroupRef)))
		}
		if u.RoleID == "" {
			return "", fmt.Errorf("%s: the role %s has no id yet: Resolve the call first", what, model.SafeText(quoteStr(call.RoleRef)))
		}
		obj := map[string]any{"@type": "AccountGroupUserRole", "accountGroupId": u.AccountGroupID, "userId": u.UserID, "roleId": u.RoleID, "notifyUser": false}
		if u.FirstName != "" {
			obj["firstName"] = u.FirstName
		}
		if u.LastName != "" {
			obj["lastName"] = u.LastName
		}
		path, body = "/AccountGroupUserRole", obj
	case "delete Role", "delete AccountUserRole", "delete EnvironmentRole", "delete AccountGroupAccount", "delete AccountGroupUserRole":
		if call.ID == "" {
			return "", fmt.Errorf("%s: no id", what)
		}
		_, err := c.do(ctx, request{method: "DELETE", path: "/" + call.Object + "/" + url.PathEscape(call.ID)})
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == 404 {
			return "", ErrAlreadyDeleted
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		return "", nil
	default:
		return "", fmt.Errorf("%s: rolecall does not send this call", what)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	resp, err := c.do(ctx, request{method: "POST", path: path, body: b})
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if call.Op != "create" {
		return "", nil
	}
	d, err := parseDoc(resp)
	if err != nil {
		return "", fmt.Errorf("%s: Boomi's answer: %w", what, err)
	}
	if d.kind != "object" || d.items[0].typ != call.Object || d.items[0].obj.ID == "" {
		return "", fmt.Errorf("%s: Boomi's answer is not the %s it created, with its id", what, call.Object)
	}
	return d.items[0].obj.ID, nil
}

// IDs are the ids of the objects earlier calls of a plan created, by name
// as the plan names them: roles (Role.Name), environments
// (Environment.Name) and account groups (AccountGroup Group.Name).
type IDs struct {
	Roles, Envs, Groups map[string]string
}

// Resolve fills every reference of call: RoleRef, ParentRef, EnvRef,
// GroupRef, and the shared roles of an AccountGroup that have no
// ResourceID yet (by ResourceName). The call is copied, not changed.
func (ids IDs) Resolve(call model.Call) (model.Call, error) {
	roleIDs, envIDs := ids.Roles, ids.Envs
	find := func(m map[string]string, name, kind string) (string, error) {
		if id, ok := m[name]; ok && id != "" {
			return id, nil
		}
		for n, id := range m {
			if model.SameName(n, name) && id != "" {
				return id, nil
			}
		}
		return "", fmt.Errorf("%s: %s %s has no id: the call that creates it has not run or failed", model.SafeText(call.Line), kind, model.SafeText(quoteStr(name)))
	}
	var err error
	if call.Role != nil {
		r := *call.Role
		r.Codes = append([]string(nil), r.Codes...)
		call.Role = &r
		if call.ParentRef != "" {
			if r.ParentID, err = find(roleIDs, call.ParentRef, "role"); err != nil {
				return call, err
			}
		}
	}
	if call.UserRole != nil {
		u := *call.UserRole
		call.UserRole = &u
		if call.RoleRef != "" {
			if u.RoleID, err = find(roleIDs, call.RoleRef, "role"); err != nil {
				return call, err
			}
		}
	}
	if call.EnvRole != nil {
		e := *call.EnvRole
		call.EnvRole = &e
		if call.RoleRef != "" {
			if e.RoleID, err = find(roleIDs, call.RoleRef, "role"); err != nil {
				return call, err
			}
		}
		if call.EnvRef != "" {
			if e.EnvironmentID, err = find(envIDs, call.EnvRef, "environment"); err != nil {
				return call, err
			}
		}
	}
	if call.Environment != nil {
		e := *call.Environment
		call.Environment = &e
	}
	if call.Group != nil {
		g := *call.Group
		g.Resources = append([]model.LiveResource(nil), g.Resources...)
		call.Group = &g
		for i, r := range g.Resources {
			if r.ResourceID == "" && r.ObjectType == model.ResourceRole {
				if g.Resources[i].ResourceID, err = find(roleIDs, r.ResourceName, "role"); err != nil {
					return call, err
				}
			}
		}
	}
	if call.GroupAccount != nil {
		m := *call.GroupAccount
		call.GroupAccount = &m
		if call.GroupRef != "" {
			if m.AccountGroupID, err = find(ids.Groups, call.GroupRef, "group"); err != nil {
				return call, err
			}
		}
	}
	if call.GroupUserRole != nil {
		u := *call.GroupUserRole
		call.GroupUserRole = &u
		if call.GroupRef != "" {
			if u.AccountGroupID, err = find(ids.Groups, call.GroupRef, "group"); err != nil {
				return call, err
			}
		}
		if call.RoleRef != "" {
			if u.RoleID, err = find(roleIDs, call.RoleRef, "role"); err != nil {
				return call, err
			}
		}
	}
	return call, nil
}
