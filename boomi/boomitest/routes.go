package boomitest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"rolecall/model"
)

type queryResult struct {
	count int
	token string
	items []any
}

type bulkEntry struct {
	index  int
	id     string
	status int
	msg    string
	obj    any
}

type bulkResult struct{ entries []bulkEntry }

type assignable struct{ roles []model.LiveRole }

// wire shapes of the requests.
type wireRole struct {
	ID          string `json:"id"`
	AccountID   string `json:"accountId"`
	Name        string `json:"name"`
	ParentID    string `json:"parentId"`
	Description string `json:"Description"`
	Privileges  *struct {
		Privilege []struct {
			Name string `json:"name"`
		} `json:"Privilege"`
	} `json:"Privileges"`
}

type expression struct {
	Operator         string       `json:"operator"`
	Property         string       `json:"property"`
	Argument         []string     `json:"argument"`
	NestedExpression []expression `json:"nestedExpression"`
}

var queryProps = map[string][]string{
	"Role":            {"name", "parentId"},
	"AccountUserRole": {"accountId", "userId", "roleId"},
	"Environment":     {"name", "id", "classification"},
	"EnvironmentRole": {"environmentId", "roleId"},
	// Account groups, as the OpenAPI document's simple expressions.
	"AccountGroup":         {"id", "accountId", "name", "defaultGroup", "autoSubscribeAlertLevel"},
	"AccountGroupAccount":  {"accountGroupId", "accountId"},
	"AccountGroupUserRole": {"accountGroupId", "userId", "roleId"},
}

// groupRow is an AccountGroup as a query returns it: without Resources.
type groupRow struct{ g model.LiveAccountGroup }

// wireGroup is an AccountGroup as a create or update sends it.
type wireGroup struct {
	ID           string `json:"id"`
	AccountID    string `json:"accountId"`
	Name         string `json:"name"`
	DefaultGroup bool   `json:"defaultGroup"`
	AlertLevel   string `json:"autoSubscribeAlertLevel"`
	Resources    *struct {
		Resource []model.LiveResource `json:"Resource"`
	} `json:"Resources"`
}

func bad(format string, args ...any) *apiErr {
	return &apiErr{400, fmt.Sprintf(format, args...)}
}

func notFound(obj, id string) *apiErr {
	return &apiErr{404, fmt.Sprintf("%s %s does not exist", obj, id)}
}

func (s *Server) newID() string {
	s.nextID++
	return fmt.Sprintf("%08x-f00d-4000-8000-%012x", s.nextID*2654435761%(1<<32), s.nextID)
}

// route handles one request under s.mu.
func (s *Server) route(method, path string, body []byte) (any, *apiErr) {
	parts := strings.Split(path, "/")
	obj := parts[0]
	if path == "getAssignableRoles" && method == "GET" {
		var out []model.LiveRole
		for _, r := range s.live.Roles {
			if !s.hidden[r.ID] {
				out = append(out, r)
			}
		}
		return assignable{out}, nil
	}
	if _, ok := queryProps[obj]; !ok {
		return nil, &apiErr{404, "no such object " + obj}
	}
	switch {
	case len(parts) == 2 && parts[1] == "query" && method == "POST":
		return s.query(obj, body)
	case len(parts) == 2 && parts[1] == "queryMore" && method == "POST":
		items, ok := s.tokens[string(body)]
		if !ok {
			return nil, bad("unknown or used queryToken")
		}
		delete(s.tokens, string(body))
		return s.page(items, -1), nil
	case len(parts) == 2 && parts[1] == "bulk" && method == "POST" && (obj == "Role" || obj == "AccountGroup"):
		var req struct {
			Type    string `json:"type"`
			Request []struct {
				ID string `json:"id"`
			} `json:"request"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, bad("bulk request: %v", err)
		}
		if req.Type != "GET" {
			return nil, bad("bulk type %s is not supported by the fake", req.Type)
		}
		if len(req.Request) > 100 {
			return nil, bad("a bulk request holds at most 100 ids")
		}
		var out bulkResult
		for i, q := range req.Request {
			v, e := s.get(obj, q.ID)
			if e != nil {
				out.entries = append(out.entries, bulkEntry{index: i, id: q.ID, status: 400, msg: obj + " " + q.ID + " does not exist"})
				continue
			}
			out.entries = append(out.entries, bulkEntry{index: i, id: q.ID, status: 200, obj: v})
		}
		return out, nil
	case len(parts) == 1 && method == "POST":
		return s.create(obj, body)
	case len(parts) == 2 && method == "GET":
		return s.get(obj, parts[1])
	case len(parts) == 2 && method == "POST":
		return s.update(obj, parts[1], body)
	case len(parts) == 2 && method == "DELETE":
		return s.delete(obj, parts[1])
	}
	return nil, &apiErr{405, fmt.Sprintf("%s %s is not an operation", method, path)}
}

func (s *Server) query(obj string, body []byte) (any, *apiErr) {
	var cfg struct {
		QueryFilter *struct {
			Expression *expression `json:"expression"`
		} `json:"QueryFilter"`
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &cfg); err != nil {
			return nil, bad("QueryConfig: %v", err)
		}
	}
	var expr *expression
	if cfg.QueryFilter != nil {
		expr = cfg.QueryFilter.Expression
	}
	var items []any
	add := func(v any, field func(string) string) *apiErr {
		ok, err := matches(obj, expr, field)
		if err != nil {
			return err
		}
		if ok {
			items = append(items, v)
		}
		return nil
	}
	var e *apiErr
	switch obj {
	case "Role":
		for _, r := range s.live.Roles {
			if r.AccountID == model.BuiltinAccountID || s.hidden[r.ID] || s.late[r.ID] {
				continue
			}
			if e = add(r, func(p string) string { return map[string]string{"name": r.Name, "parentId": r.ParentID}[p] }); e != nil {
				return nil, e
			}
		}
	case "AccountUserRole":
		for _, u := range s.live.UserRoles {
			if e = add(u, func(p string) string {
				return map[string]string{"accountId": s.Account, "userId": u.UserID, "roleId": u.RoleID}[p]
			}); e != nil {
				return nil, e
			}
		}
	case "Environment":
		for _, v := range s.live.Environments {
			if e = add(v, func(p string) string {
				return map[string]string{"id": v.ID, "name": v.Name, "classification": v.Classification}[p]
			}); e != nil {
				return nil, e
			}
		}
	case "EnvironmentRole":
		for _, v := range s.live.EnvRoles {
			if e = add(v, func(p string) string {
				return map[string]string{"environmentId": v.EnvironmentID, "roleId": v.RoleID}[p]
			}); e != nil {
				return nil, e
			}
		}
	case "AccountGroup":
		for _, g := range s.live.AccountGroups {
			if e = add(groupRow{g}, func(p string) string {
				return map[string]string{"id": g.ID, "accountId": g.AccountID, "name": g.Name, "defaultGroup": fmt.Sprint(g.DefaultGroup), "autoSubscribeAlertLevel": g.AlertLevel}[p]
			}); e != nil {
				return nil, e
			}
		}
	case "AccountGroupAccount":
		for _, v := range s.live.GroupAccounts {
			if e = add(v, func(p string) string {
				return map[string]string{"accountGroupId": v.AccountGroupID, "accountId": v.AccountID}[p]
			}); e != nil {
				return nil, e
			}
		}
	case "AccountGroupUserRole":
		for _, v := range s.live.GroupUserRoles {
			if e = add(v, func(p string) string {
				return map[string]string{"accountGroupId": v.AccountGroupID, "userId": v.UserID, "roleId": v.RoleID}[p]
			}); e != nil {
				return nil, e
			}
		}
	}
	return s.page(items, len(items)), nil
}

// matches evaluates an expression: EQUALS on a property, and "and"/"or"
// groups of them.
func matches(obj string, e *expression, field func(string) string) (bool, *apiErr) {
	if e == nil {
		return true, nil
	}
	switch strings.ToUpper(e.Operator) {
	case "AND", "OR":
		and := strings.ToUpper(e.Operator) == "AND"
		for i := range e.NestedExpression {
			ok, err := matches(obj, &e.NestedExpression[i], field)
			if err != nil {
				return false, err
			}
			if ok != and {
				return ok, nil
			}
		}
		return and, nil
	case "EQUALS":
		if !slices.Contains(queryProps[obj], e.Property) {
			return false, bad("%s cannot be queried by %s", obj, e.Property)
		}
		if len(e.Argument) != 1 {
			return false, bad("EQUALS takes one argument")
		}
		return field(e.Property) == e.Argument[0], nil
	}
	return false, bad("operator %s is not supported by the fake", e.Operator)
}

// page returns the first page of items, keeping the rest under a token.
func (s *Server) page(items []any, count int) queryResult {
	if count < 0 {
		count = len(items)
	}
	q := queryResult{count: count}
	if len(items) > s.pageSize {
		q.items = items[:s.pageSize]
		s.nextID++
		q.token = fmt.Sprintf("tok-%d-%d", s.nextID, len(items))
		s.tokens[q.token] = items[s.pageSize:]
	} else {
		q.items = items
	}
	return q
}

func (s *Server) roleIndex(id string) int {
	return slices.IndexFunc(s.live.Roles, func(r model.LiveRole) bool { return r.ID == id })
}

func (s *Server) envIndex(id string) int {
	return slices.IndexFunc(s.live.Environments, func(e model.LiveEnvironment) bool { return e.ID == id })
}

func (s *Server) groupIndex(id string) int {
	return slices.IndexFunc(s.live.AccountGroups, func(g model.LiveAccountGroup) bool { return g.ID == id })
}

// sharedBy names the group that shares role id, "" for none.
func (s *Server) sharedBy(id string) string {
	for _, g := range s.live.AccountGroups {
		if slices.ContainsFunc(g.Resources, func(r model.LiveResource) bool { return r.ObjectType == model.ResourceRole && r.ResourceID == id }) {
			return g.Name
		}
	}
	return ""
}

// readGroup reads a create or update of group id ("" for a create): a
// name unique in the account, roles shared that are custom roles of the
// account, and no role un-shared that a group user holds.
func (s *Server) readGroup(body []byte, id string) (model.LiveAccountGroup, *apiErr) {
	var w wireGroup
	if err := json.Unmarshal(body, &w); err != nil {
		return model.LiveAccountGroup{}, bad("AccountGroup: %v", err)
	}
	if w.Name == "" {
		return model.LiveAccountGroup{}, bad("AccountGroup: name is required")
	}
	if w.AccountID != "" && w.AccountID != s.Account {
		return model.LiveAccountGroup{}, bad("accountId %s is not this account", w.AccountID)
	}
	for _, g := range s.live.AccountGroups {
		if g.ID != id && strings.EqualFold(g.Name, w.Name) {
			return model.LiveAccountGroup{}, bad("an account group named %s exists", w.Name)
		}
	}
	g := model.LiveAccountGroup{ID: id, AccountID: s.Account, Name: w.Name, AlertLevel: w.AlertLevel, HasResources: true}
	if w.Resources != nil {
		for _, r := range w.Resources.Resource {
			if r.ObjectType == model.ResourceRole {
				i := s.roleIndex(r.ResourceID)
				if i < 0 || s.live.Roles[i].AccountID == model.BuiltinAccountID {
					return model.LiveAccountGroup{}, bad("resource %s is not a custom role of this account", r.ResourceID)
				}
				r.ResourceName = s.live.Roles[i].Name
			}
			g.Resources = append(g.Resources, r)
		}
	}
	if id != "" {
		for _, u := range s.live.GroupUserRoles {
			if r := s.roleIndex(u.RoleID); u.AccountGroupID == id && r >= 0 && s.live.Roles[r].AccountID != model.BuiltinAccountID &&
				!slices.ContainsFunc(g.Resources, func(r model.LiveResource) bool { return r.ResourceID == u.RoleID }) {
				return model.LiveAccountGroup{}, bad("role %s is held by group user %s: remove the user's role first", u.RoleID, u.UserID)
			}
		}
	}
	return g, nil
}

func (s *Server) readRole(body []byte, id string) (model.LiveRole, *apiErr) {
	var w wireRole
	if err := json.Unmarshal(body, &w); err != nil {
		return model.LiveRole{}, bad("Role: %v", err)
	}
	if w.Name == "" {
		return model.LiveRole{}, bad("Role: name is required")
	}
	for _, r := range s.live.Roles {
		if r.ID != id && strings.EqualFold(r.Name, w.Name) {
			return model.LiveRole{}, bad("a role named %s exists", w.Name)
		}
	}
	if w.ParentID != "" && s.roleIndex(w.ParentID) < 0 {
		return model.LiveRole{}, bad("parent role %s does not exist", w.ParentID)
	}
	r := model.LiveRole{ID: id, AccountID: s.Account, Name: w.Name, ParentID: w.ParentID, Description: w.Description, Codes: []string{}, HasPrivileges: true}
	if w.Privileges != nil {
		for _, p := range w.Privileges.Privilege {
			r.Codes = append(r.Codes, p.Name)
		}
	}
	return r, nil
}

func (s *Server) create(obj string, body []byte) (any, *apiErr) {
	switch obj {
	case "Role":
		r, e := s.readRole(body, "")
		if e != nil {
			return nil, e
		}
		r.ID = s.newID()
		s.live.Roles = append(s.live.Roles, r)
		return r, nil
	case "AccountUserRole":
		var u model.LiveUserRole
		var acct struct {
			AccountID string `json:"accountId"`
		}
		if err := json.Unmarshal(body, &u); err != nil {
			return nil, bad("AccountUserRole: %v", err)
		}
		json.Unmarshal(body, &acct)
		if acct.AccountID != "" && acct.AccountID != s.Account {
			return nil, bad("accountId %s is not this account", acct.AccountID)
		}
		if u.UserID == "" || s.roleIndex(u.RoleID) < 0 {
			return nil, bad("AccountUserRole: userId and an existing roleId are required")
		}
		for _, x := range s.live.UserRoles {
			if strings.EqualFold(x.UserID, u.UserID) && x.RoleID == u.RoleID {
				return nil, bad("user %s already holds role %s", u.UserID, u.RoleID)
			}
		}
		u.ID = s.newID()
		s.live.UserRoles = append(s.live.UserRoles, u)
		return u, nil
	case "EnvironmentRole":
		var e model.LiveEnvRole
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, bad("EnvironmentRole: %v", err)
		}
		if s.envIndex(e.EnvironmentID) < 0 || s.roleIndex(e.RoleID) < 0 {
			return nil, bad("EnvironmentRole: an existing environmentId and roleId are required")
		}
		for _, x := range s.live.EnvRoles {
			if x.EnvironmentID == e.EnvironmentID && x.RoleID == e.RoleID {
				return nil, bad("the environment already lists the role")
			}
		}
		e.ID = s.newID()
		s.live.EnvRoles = append(s.live.EnvRoles, e)
		return e, nil
	case "Environment":
		var e model.LiveEnvironment
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, bad("Environment: %v", err)
		}
		if e.Name == "" {
			return nil, bad("Environment: name is required")
		}
		if e.Classification == "" {
			e.Classification = "PROD"
		}
		if e.Classification != "PROD" && e.Classification != "TEST" {
			return nil, bad("classification %s is neither PROD nor TEST", e.Classification)
		}
		e.ID = s.newID()
		s.live.Environments = append(s.live.Environments, e)
		return e, nil
	case "AccountGroup":
		g, e := s.readGroup(body, "")
		if e != nil {
			return nil, e
		}
		g.ID = s.newID()
		s.live.AccountGroups = append(s.live.AccountGroups, g)
		return g, nil
	case "AccountGroupAccount":
		var m model.LiveGroupAccount
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, bad("AccountGroupAccount: %v", err)
		}
		i := s.groupIndex(m.AccountGroupID)
		if i < 0 || m.AccountID == "" {
			return nil, bad("AccountGroupAccount: an existing accountGroupId and an accountId are required")
		}
		if s.live.AccountGroups[i].DefaultGroup {
			return nil, bad("the members of All Accounts are kept by Boomi")
		}
		for _, x := range s.live.GroupAccounts {
			if x.AccountGroupID == m.AccountGroupID && x.AccountID == m.AccountID {
				return nil, bad("account %s is already in the group", m.AccountID)
			}
		}
		m.ID = s.newID()
		s.live.GroupAccounts = append(s.live.GroupAccounts, m)
		return m, nil
	case "AccountGroupUserRole":
		var u model.LiveGroupUserRole
		if err := json.Unmarshal(body, &u); err != nil {
			return nil, bad("AccountGroupUserRole: %v", err)
		}
		i := s.groupIndex(u.AccountGroupID)
		r := s.roleIndex(u.RoleID)
		if i < 0 || u.UserID == "" || r < 0 {
			return nil, bad("AccountGroupUserRole: an existing accountGroupId, a userId and an existing roleId are required")
		}
		if s.live.Roles[r].AccountID != model.BuiltinAccountID &&
			!slices.ContainsFunc(s.live.AccountGroups[i].Resources, func(x model.LiveResource) bool { return x.ResourceID == u.RoleID }) {
			return nil, bad("role %s is not shared with the account group", u.RoleID)
		}
		for _, x := range s.live.GroupUserRoles {
			if x.AccountGroupID == u.AccountGroupID && strings.EqualFold(x.UserID, u.UserID) && x.RoleID == u.RoleID {
				return nil, bad("user %s already holds role %s in the group", u.UserID, u.RoleID)
			}
		}
		u.ID = s.newID()
		s.live.GroupUserRoles = append(s.live.GroupUserRoles, u)
		return u, nil
	}
	return nil, &apiErr{405, "create " + obj + " is not an operation"}
}

func (s *Server) get(obj, id string) (any, *apiErr) {
	switch obj {
	case "Role":
		if i := s.roleIndex(id); i >= 0 {
			return s.live.Roles[i], nil
		}
	case "Environment":
		if i := s.envIndex(id); i >= 0 {
			return s.live.Environments[i], nil
		}
	case "AccountGroup":
		if i := s.groupIndex(id); i >= 0 {
			return s.live.AccountGroups[i], nil
		}
	default:
		return nil, &apiErr{405, "get " + obj + " is not supported by the fake"}
	}
	return nil, notFound(obj, id)
}

func (s *Server) update(obj, id string, body []byte) (any, *apiErr) {
	switch obj {
	case "Role":
		i := s.roleIndex(id)
		if i < 0 {
			return nil, notFound(obj, id)
		}
		if s.live.Roles[i].AccountID == model.BuiltinAccountID {
			return nil, bad("built-in roles cannot be changed")
		}
		r, e := s.readRole(body, id)
		if e != nil {
			return nil, e
		}
		if r.ParentID == id {
			return nil, bad("a role cannot inherit itself")
		}
		s.live.Roles[i] = r
		return r, nil
	case "Environment":
		i := s.envIndex(id)
		if i < 0 {
			return nil, notFound(obj, id)
		}
		var e model.LiveEnvironment
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, bad("Environment: %v", err)
		}
		if e.Classification != "" && e.Classification != s.live.Environments[i].Classification {
			return nil, bad("the classification cannot be changed")
		}
		s.live.Environments[i].Name = e.Name
		return s.live.Environments[i], nil
	case "AccountGroup":
		i := s.groupIndex(id)
		if i < 0 {
			return nil, notFound(obj, id)
		}
		if s.live.AccountGroups[i].DefaultGroup {
			return nil, bad("All Accounts cannot be changed")
		}
		g, e := s.readGroup(body, id)
		if e != nil {
			return nil, e
		}
		s.live.AccountGroups[i] = g
		return g, nil
	}
	return nil, &apiErr{405, "update " + obj + " is not an operation"}
}

func (s *Server) delete(obj, id string) (any, *apiErr) {
	gone := false
	switch obj {
	case "Role":
		if i := s.roleIndex(id); i >= 0 && s.live.Roles[i].AccountID == model.BuiltinAccountID {
			return nil, bad("built-in roles cannot be deleted")
		}
		if g := s.sharedBy(id); g != "" {
			return nil, bad("role %s is shared by account group %s: un-share it first", id, g)
		}
		n := len(s.live.Roles)
		s.live.Roles = slices.DeleteFunc(s.live.Roles, func(r model.LiveRole) bool { return r.ID == id })
		gone = n != len(s.live.Roles)
	case "AccountUserRole":
		n := len(s.live.UserRoles)
		s.live.UserRoles = slices.DeleteFunc(s.live.UserRoles, func(r model.LiveUserRole) bool { return r.ID == id })
		gone = n != len(s.live.UserRoles)
	case "EnvironmentRole":
		n := len(s.live.EnvRoles)
		s.live.EnvRoles = slices.DeleteFunc(s.live.EnvRoles, func(r model.LiveEnvRole) bool { return r.ID == id })
		gone = n != len(s.live.EnvRoles)
	case "AccountGroupAccount":
		n := len(s.live.GroupAccounts)
		s.live.GroupAccounts = slices.DeleteFunc(s.live.GroupAccounts, func(r model.LiveGroupAccount) bool { return r.ID == id })
		gone = n != len(s.live.GroupAccounts)
	case "AccountGroupUserRole":
		n := len(s.live.GroupUserRoles)
		s.live.GroupUserRoles = slices.DeleteFunc(s.live.GroupUserRoles, func(r model.LiveGroupUserRole) bool { return r.ID == id })
		gone = n != len(s.live.GroupUserRoles)
	default:
		return nil, &apiErr{405, "delete " + obj + " is not supported by the fake"}
	}
	if !gone {
		return nil, notFound(obj, id)
	}
	return nil, nil
}

// JSON encoding.

func objJSON(v any, assignableRole bool, account string) map[string]any {
	switch o := v.(type) {
	case model.LiveRole:
		m := map[string]any{"@type": "Role", "id": o.ID, "accountId": o.AccountID, "name": o.Name}
		if o.ParentID != "" {
			m["parentId"] = o.ParentID
		}
		if assignableRole {
			m["description"] = o.Description
			return m
		}
		m["Description"] = o.Description
		privs := []map[string]string{}
		for _, c := range o.Codes {
			privs = append(privs, map[string]string{"@type": "", "name": c})
		}
		m["Privileges"] = map[string]any{"@type": "Privileges", "Privilege": privs}
		return m
	case model.LiveUserRole:
		m := map[string]any{"@type": "AccountUserRole", "id": o.ID, "accountId": account, "userId": o.UserID, "roleId": o.RoleID, "notifyUser": false}
		if o.FirstName != "" {
			m["firstName"] = o.FirstName
		}
		if o.LastName != "" {
			m["lastName"] = o.LastName
		}
		return m
	case model.LiveEnvironment:
		return map[string]any{"@type": "Environment", "id": o.ID, "name": o.Name, "classification": o.Classification}
	case model.LiveEnvRole:
		return map[string]any{"@type": "EnvironmentRole", "id": o.ID, "environmentId": o.EnvironmentID, "roleId": o.RoleID}
	case groupRow:
		return groupJSON(o.g, false)
	case model.LiveAccountGroup:
		return groupJSON(o, true)
	case model.LiveGroupAccount:
		return map[string]any{"@type": "AccountGroupAccount", "id": o.ID, "accountGroupId": o.AccountGroupID, "accountId": o.AccountID}
	case model.LiveGroupUserRole:
		m := map[string]any{"@type": "AccountGroupUserRole", "id": o.ID, "accountGroupId": o.AccountGroupID, "userId": o.UserID, "roleId": o.RoleID, "notifyUser": false}
		if o.FirstName != "" {
			m["firstName"] = o.FirstName
		}
		if o.LastName != "" {
			m["lastName"] = o.LastName
		}
		return m
	}
	return nil
}

// groupJSON is an AccountGroup; Resources only for a get (and only when
// it shares something: an empty list is left out).
func groupJSON(g model.LiveAccountGroup, withResources bool) map[string]any {
	m := map[string]any{"@type": "AccountGroup", "id": g.ID, "accountId": g.AccountID, "name": g.Name, "defaultGroup": g.DefaultGroup}
	if g.AlertLevel != "" {
		m["autoSubscribeAlertLevel"] = g.AlertLevel
	}
	if withResources && len(g.Resources) > 0 {
		var res []map[string]string
		for _, r := range g.Resources {
			res = append(res, map[string]string{"@type": "Resource", "objectType": r.ObjectType, "resourceId": r.ResourceID, "resourceName": r.ResourceName})
		}
		m["Resources"] = map[string]any{"@type": "Resources", "Resource": res}
	}
	return m
}

func toJSON(out any, account string) any {
	switch o := out.(type) {
	case queryResult:
		res := []any{}
		for _, it := range o.items {
			res = append(res, objJSON(it, false, account))
		}
		m := map[string]any{"@type": "QueryResult", "numberOfResults": o.count, "result": res}
		if o.token != "" {
			m["queryToken"] = o.token
		}
		return m
	case bulkResult:
		var res []any
		for _, e := range o.entries {
			m := map[string]any{"@type": "BulkResponse", "index": e.index, "id": e.id, "statusCode": e.status}
			if e.msg != "" {
				m["errorMessage"] = e.msg
			}
			if e.obj != nil {
				m["Result"] = objJSON(e.obj, false, account)
			}
			res = append(res, m)
		}
		return map[string]any{"@type": "BulkResult", "response": res}
	case assignable:
		var res []any
		for _, r := range o.roles {
			res = append(res, objJSON(r, true, account))
		}
		return map[string]any{"@type": "", "Role": res}
	}
	return objJSON(out, false, account)
}

// XML encoding: scalar fields as attributes, Description and Privileges as
// elements, namespace bns.

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
const nsAttrs = `xmlns:bns="http://api.platform.boomi.com/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func attrs(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		fmt.Fprintf(&b, ` %s="%s"`, kv[i], esc(kv[i+1]))
	}
	return b.String()
}

func objXML(tag string, v any, assignableRole bool, withType bool, account string) string {
	typ := func(t string) string {
		if withType {
			return ` xsi:type="bns:` + t + `"`
		}
		return ""
	}
	switch o := v.(type) {
	case model.LiveRole:
		a := attrs("id", o.ID, "accountId", o.AccountID, "name", o.Name, "parentId", o.ParentID)
		if assignableRole {
			return fmt.Sprintf(`<%s%s><bns:description>%s</bns:description></%s>`, tag, a, esc(o.Description), tag)
		}
		var p strings.Builder
		for _, c := range o.Codes {
			fmt.Fprintf(&p, `<bns:Privilege name="%s"/>`, esc(c))
		}
		return fmt.Sprintf(`<%s%s%s><bns:Description>%s</bns:Description><bns:Privileges>%s</bns:Privileges></%s>`, tag, typ("Role"), a, esc(o.Description), p.String(), tag)
	case model.LiveUserRole:
		return fmt.Sprintf(`<%s%s%s notifyUser="false"/>`, tag, typ("AccountUserRole"), attrs("id", o.ID, "accountId", account, "userId", o.UserID, "roleId", o.RoleID, "firstName", o.FirstName, "lastName", o.LastName))
	case model.LiveEnvironment:
		return fmt.Sprintf(`<%s%s%s/>`, tag, typ("Environment"), attrs("id", o.ID, "name", o.Name, "classification", o.Classification))
	case model.LiveEnvRole:
		return fmt.Sprintf(`<%s%s%s/>`, tag, typ("EnvironmentRole"), attrs("id", o.ID, "environmentId", o.EnvironmentID, "roleId", o.RoleID))
	case groupRow:
		return groupXML(tag, typ("AccountGroup"), o.g, false)
	case model.LiveAccountGroup:
		return groupXML(tag, typ("AccountGroup"), o, true)
	case model.LiveGroupAccount:
		return fmt.Sprintf(`<%s%s%s/>`, tag, typ("AccountGroupAccount"), attrs("id", o.ID, "accountGroupId", o.AccountGroupID, "accountId", o.AccountID))
	case model.LiveGroupUserRole:
		return fmt.Sprintf(`<%s%s%s notifyUser="false"/>`, tag, typ("AccountGroupUserRole"), attrs("id", o.ID, "accountGroupId", o.AccountGroupID, "userId", o.UserID, "roleId", o.RoleID, "firstName", o.FirstName, "lastName", o.LastName))
	}
	return ""
}

func groupXML(tag, typ string, g model.LiveAccountGroup, withResources bool) string {
	a := attrs("id", g.ID, "accountId", g.AccountID, "name", g.Name, "autoSubscribeAlertLevel", g.AlertLevel) + fmt.Sprintf(` defaultGroup="%v"`, g.DefaultGroup)
	if !withResources || len(g.Resources) == 0 {
		return fmt.Sprintf(`<%s%s%s/>`, tag, typ, a)
	}
	var b strings.Builder
	for _, r := range g.Resources {
		fmt.Fprintf(&b, `<bns:Resource%s/>`, attrs("objectType", r.ObjectType, "resourceId", r.ResourceID, "resourceName", r.ResourceName))
	}
	return fmt.Sprintf(`<%s%s%s><bns:Resources>%s</bns:Resources></%s>`, tag, typ, a, b.String(), tag)
}

func toXML(out any, account string) string {
	var b strings.Builder
	b.WriteString(xmlHead)
	switch o := out.(type) {
	case queryResult:
		fmt.Fprintf(&b, `<bns:QueryResult %s numberOfResults="%d">`, nsAttrs, o.count)
		for _, it := range o.items {
			b.WriteString(objXML("bns:result", it, false, true, account))
		}
		if o.token != "" {
			fmt.Fprintf(&b, `<bns:queryToken>%s</bns:queryToken>`, esc(o.token))
		}
		b.WriteString(`</bns:QueryResult>`)
	case bulkResult:
		fmt.Fprintf(&b, `<bns:BulkResult %s>`, nsAttrs)
		for _, e := range o.entries {
			fmt.Fprintf(&b, `<bns:response index="%d"%s statusCode="%d">`, e.index, attrs("id", e.id, "errorMessage", e.msg), e.status)
			if e.obj != nil {
				b.WriteString(objXML("bns:Result", e.obj, false, true, account))
			}
			b.WriteString(`</bns:response>`)
		}
		b.WriteString(`</bns:BulkResult>`)
	case assignable:
		fmt.Fprintf(&b, `<bns:Roles %s>`, nsAttrs)
		for _, r := range o.roles {
			b.WriteString(objXML("bns:role", r, true, false, account))
		}
		b.WriteString(`</bns:Roles>`)
	default:
		name := ""
		switch out.(type) {
		case model.LiveRole:
			name = "Role"
		case model.LiveUserRole:
			name = "AccountUserRole"
		case model.LiveEnvironment:
			name = "Environment"
		case model.LiveEnvRole:
			name = "EnvironmentRole"
		case model.LiveAccountGroup:
			name = "AccountGroup"
		case model.LiveGroupAccount:
			name = "AccountGroupAccount"
		case model.LiveGroupUserRole:
			name = "AccountGroupUserRole"
		}
		x := objXML("bns:"+name, out, false, false, account)
		b.WriteString(strings.Replace(x, "<bns:"+name, "<bns:"+name+" "+nsAttrs, 1))
	}
	return b.String()
}
