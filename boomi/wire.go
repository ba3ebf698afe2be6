// Package boomi reads Boomi's Platform API: saved responses (ReadResponses)
// and the live API (Client), both into a model.Live; and sends a plan's
// calls (Client.Apply). See /work/shared/spec/boomi-api.md and Boomi's
// OpenAPI document for the shapes.
package boomi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"rolecall/model"
)

// Limits on what one response, or one set of saved responses, may hold.
// Exceeding one is an error naming the file (or the request) and the limit.
const (
	MaxFileSize    = 64 << 20 // bytes in one file or response body
	MaxFiles       = 2000     // files in one ReadResponses
	MaxObjects     = 200000   // objects of each type in total
	MaxCodes       = 1000     // privilege codes on one role
	MaxStringBytes = 64 << 10 // bytes in one string field
	MaxXMLDepth    = 32       // nesting of XML elements
)

// The object types rolecall reads.
const (
	TypeRole            = "Role"
	TypeAccountUserRole = "AccountUserRole"
	TypeEnvironmentRole = "EnvironmentRole"
	TypeEnvironment     = "Environment"
	// Account groups (access-model.md §6).
	TypeAccountGroup         = "AccountGroup"
	TypeAccountGroupAccount  = "AccountGroupAccount"
	TypeAccountGroupUserRole = "AccountGroupUserRole"
)

// MaxResources is the number of resources one account group may share.
const MaxResources = 10000

const (
	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"
	nsBNS = "http://api.platform.boomi.com/"
)

// wireObj is any of the objects as JSON or XML carries it; the
// fields of the others stay empty. Unknown fields are ignored (Boomi adds
// fields). encoding/json matches names without regard to case, which
// takes getAssignableRoles' "description" and Role's "Description" alike.
type wireObj struct {
	Type           string     `json:"@type"`
	ID             string     `json:"id"`
	AccountID      string     `json:"accountId"`
	Name           string     `json:"name"`
	ParentID       string     `json:"parentId"`
	Description    string     `json:"Description"`
	Privileges     *wirePrivs `json:"Privileges"`
	UserID         string     `json:"userId"`
	RoleID         string     `json:"roleId"`
	FirstName      string     `json:"firstName"`
	LastName       string     `json:"lastName"`
	EnvironmentID  string     `json:"environmentId"`
	Classification string     `json:"classification"`
	AccountGroupID string     `json:"accountGroupId"`
	DefaultGroup   *bool      `json:"defaultGroup"`
	AlertLevel     string     `json:"autoSubscribeAlertLevel"`
	Resources      *wireRes   `json:"Resources"`
}

type wireRes struct {
	Resource resList `json:"Resource"`
}

type wireResource struct {
	ObjectType   string `json:"objectType"`
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName"`
}

// resList takes Resource as an array or a single object, like privList.
type resList []wireResource

func (p *resList) UnmarshalJSON(b []byte) (err error) {
	*p, err = oneOrMany[wireResource](b)
	return err
}

// oneOrMany decodes a JSON array of T, or a single T as a list of one.
func oneOrMany[T any](b []byte) ([]T, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one T
		if err := json.Unmarshal(b, &one); err != nil {
			return nil, err
		}
		return []T{one}, nil
	}
	var many []T
	if err := json.Unmarshal(b, &many); err != nil {
		return nil, err
	}
	return many, nil
}

type wirePrivs struct {
	Privilege privList `json:"Privilege"`
}

type wirePriv struct {
	Name string `json:"name"`
}

// privList takes Privilege as an array or, as some converters write a
// one-element list, a single object.
type privList []wirePriv

func (p *privList) UnmarshalJSON(b []byte) (err error) {
	*p, err = oneOrMany[wirePriv](b)
	return err
}

// item is one object of a response, with where it came from.
type item struct {
	typ        string // one of the Type constants
	obj        wireObj
	assignable bool // from getAssignableRoles: no privileges
	// full: an AccountGroup read by a get or a bulk GET, which return its
	// Resources (a query does not), or one that carries Resources.
	full  bool
	where string // "result[3]", "response[0].Result", ...
}

// bulkFailure is one entry of a BulkResult whose statusCode is not 200.
type bulkFailure struct {
	id, message string
	status      int
}

// doc is one response: a query page, a bulk result, getAssignableRoles or
// a single object.
type doc struct {
	kind       string // "QueryResult", "BulkResult", "Roles", "object"
	count      int    // numberOfResults
	hasCount   bool
	queryToken string
	items      []item
	failures   []bulkFailure
}

// parseDoc reads one response, JSON or XML by its first non-space byte.
func parseDoc(data []byte) (*doc, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%d bytes, over the limit of %d", len(data), MaxFileSize)
	}
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	t = bytes.TrimPrefix(t, []byte("\xef\xbb\xbf"))
	t = bytes.TrimLeft(t, " \t\r\n")
	if len(t) == 0 {
		return nil, errors.New("empty: neither JSON nor XML")
	}
	var d *doc
	var err error
	switch t[0] {
	case '{':
		d, err = parseJSON(t)
	case '<':
		d, err = parseXML(t)
	default:
		return nil, fmt.Errorf("starts with %s: neither JSON (an object) nor XML", model.SafeText(strconv.Quote(string(t[:min(len(t), 1)]))))
	}
	if err != nil {
		return nil, err
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return d, nil
}

func isObjType(t string) bool {
	switch t {
	case TypeRole, TypeAccountUserRole, TypeEnvironmentRole, TypeEnvironment,
		TypeAccountGroup, TypeAccountGroupAccount, TypeAccountGroupUserRole:
		return true
	}
	return false
}

// stripPrefix turns "bns:Role" into "Role".
func stripPrefix(t string) string {
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		return t[i+1:]
	}
	return t
}

// objType tells which object o is: its @type (or xsi:type), else its
// fields when they leave no doubt.
func objType(declared string, o *wireObj) (string, error) {
	declared = stripPrefix(declared)
	if declared != "" {
		if isObjType(declared) {
			return declared, nil
		}
		return "", fmt.Errorf("unknown @type %s (rolecall reads Role, AccountUserRole, EnvironmentRole, Environment, AccountGroup, AccountGroupAccount and AccountGroupUserRole)", model.SafeText(strconv.Quote(clip(declared))))
	}
	var kinds []string
	if o.Privileges != nil {
		kinds = append(kinds, TypeRole)
	}
	if o.Resources != nil || o.DefaultGroup != nil {
		kinds = append(kinds, TypeAccountGroup)
	}
	switch {
	case o.AccountGroupID != "" && (o.UserID != "" || o.RoleID != ""):
		kinds = append(kinds, TypeAccountGroupUserRole)
	case o.AccountGroupID != "":
		kinds = append(kinds, TypeAccountGroupAccount)
	case o.UserID != "":
		kinds = append(kinds, TypeAccountUserRole)
	}
	if o.EnvironmentID != "" {
		kinds = append(kinds, TypeEnvironmentRole)
	}
	if o.Classification != "" {
		kinds = append(kinds, TypeEnvironment)
	}
	if len(kinds) == 1 {
		return kinds[0], nil
	}
	return "", errors.New("object has no @type and its fields do not tell which object it is")
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

func jsonErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON at byte %d: %s", se.Offset, se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if f == "" {
			f = "the document"
		}
		return fmt.Errorf("field %s: JSON %s where %s was expected", f, te.Value, te.Type)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("JSON ends early (truncated)")
	}
	return fmt.Errorf("not valid JSON: %s", err.Error())
}

func parseJSON(data []byte) (*doc, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonErr(err)
	}
	var typ string
	if raw, ok := top["@type"]; ok {
		if err := json.Unmarshal(raw, &typ); err != nil {
			return nil, fmt.Errorf("field @type: %w", jsonErr(err))
		}
	}
	_, hasResult := top["result"]
	_, hasResponse := top["response"]
	_, hasRole := top["Role"]
	switch {
	case typ == "QueryResult" || typ == "" && hasResult:
		var page struct {
			NumberOfResults *int              `json:"numberOfResults"`
			QueryToken      string            `json:"queryToken"`
			Result          []json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			return nil, jsonErr(err)
		}
		d := &doc{kind: "QueryResult", queryToken: page.QueryToken, items: make([]item, 0, len(page.Result))}
		if page.NumberOfResults != nil {
			d.count, d.hasCount = *page.NumberOfResults, true
		}
		for i, raw := range page.Result {
			it, err := jsonItem(raw, fmt.Sprintf("result[%d]", i))
			if err != nil {
				return nil, err
			}
			d.items = append(d.items, it)
		}
		return d, nil
	case typ == "BulkResult" || typ == "" && hasResponse:
		var bulk struct {
			Response []struct {
				Index        int             `json:"index"`
				ID           string          `json:"id"`
				StatusCode   int             `json:"statusCode"`
				ErrorMessage string          `json:"errorMessage"`
				Result       json.RawMessage `json:"Result"`
			} `json:"response"`
		}
		if err := json.Unmarshal(data, &bulk); err != nil {
			return nil, jsonErr(err)
		}
		d := &doc{kind: "BulkResult"}
		for i, r := range bulk.Response {
			if r.StatusCode != 200 {
				d.failures = append(d.failures, bulkFailure{id: r.ID, status: r.StatusCode, message: r.ErrorMessage})
				continue
			}
			if len(r.Result) == 0 || string(r.Result) == "null" {
				return nil, fmt.Errorf("response[%d]: statusCode 200 but no Result", i)
			}
			it, err := jsonItem(r.Result, fmt.Sprintf("response[%d].Result", i))
			if err != nil {
				return nil, err
			}
			it.full = true
			d.items = append(d.items, it)
		}
		return d, nil
	case typ == "Roles" || typ == "" && hasRole:
		var roles struct {
			Role []json.RawMessage `json:"Role"`
		}
		if err := json.Unmarshal(data, &roles); err != nil {
			return nil, jsonErr(err)
		}
		d := &doc{kind: "Roles", items: make([]item, 0, len(roles.Role))}
		for i, raw := range roles.Role {
			it, err := jsonItemDefault(raw, fmt.Sprintf("Role[%d]", i), TypeRole)
			if err != nil {
				return nil, err
			}
			if it.typ != TypeRole {
				return nil, fmt.Errorf("Role[%d]: a %s in getAssignableRoles", i, it.typ)
			}
			it.assignable = true
			d.items = append(d.items, it)
		}
		return d, nil
	case typ == "" || isObjType(stripPrefix(typ)):
		it, err := jsonItem(data, "the object")
		if err != nil {
			return nil, fmt.Errorf("%w; rolecall reads QueryResult, BulkResult, getAssignableRoles (Roles), Role, AccountUserRole, EnvironmentRole, Environment, AccountGroup, AccountGroupAccount and AccountGroupUserRole", err)
		}
		it.full = true
		return &doc{kind: "object", items: []item{it}}, nil
	default:
		return nil, fmt.Errorf("unknown @type %s: rolecall reads QueryResult, BulkResult, getAssignableRoles (Roles), Role, AccountUserRole, EnvironmentRole, Environment, AccountGroup, AccountGroupAccount and AccountGroupUserRole", model.SafeText(strconv.Quote(clip(typ))))
	}
}

func jsonItem(raw json.RawMessage, where string) (item, error) {
	return jsonItemDefault(raw, where, "")
}

// jsonItemDefault reads one object; def is its type when it has no @type
// (getAssignableRoles lists roles only).
func jsonItemDefault(raw json.RawMessage, where, def string) (item, error) {
	var o wireObj
	if err := json.Unmarshal(raw, &o); err != nil {
		return item{}, fmt.Errorf("%s: %w", where, jsonErr(err))
	}
	declared := o.Type
	if declared == "" {
		declared = def
	}
	typ, err := objType(declared, &o)
	if err != nil {
		return item{}, fmt.Errorf("%s: %w", where, err)
	}
	return item{typ: typ, obj: o, where: where, full: o.Resources != nil}, nil
}

// check applies the limits on strings and codes to every object.
func (d *doc) check() error {
	if len(d.queryToken) > MaxStringBytes {
		return fmt.Errorf("queryToken is %d bytes, over the limit of %d", len(d.queryToken), MaxStringBytes)
	}
	for _, f := range d.failures {
		if len(f.id) > MaxStringBytes || len(f.message) > MaxStringBytes {
			return fmt.Errorf("a bulk response entry has a field over the limit of %d bytes", MaxStringBytes)
		}
	}
	for _, it := range d.items {
		o := &it.obj
		for _, f := range []struct{ name, v string }{
			{"id", o.ID}, {"accountId", o.AccountID}, {"name", o.Name}, {"parentId", o.ParentID},
			{"Description", o.Description}, {"userId", o.UserID}, {"roleId", o.RoleID},
			{"firstName", o.FirstName}, {"lastName", o.LastName}, {"environmentId", o.EnvironmentID},
			{"classification", o.Classification}, {"accountGroupId", o.AccountGroupID},
			{"autoSubscribeAlertLevel", o.AlertLevel},
		} {
			if len(f.v) > MaxStringBytes {
				return fmt.Errorf("%s: field %s is %d bytes, over the limit of %d", it.where, f.name, len(f.v), MaxStringBytes)
			}
		}
		if o.Resources != nil {
			if n := len(o.Resources.Resource); n > MaxResources {
				return fmt.Errorf("%s: %d resources, over the limit of %d per account group", it.where, n, MaxResources)
			}
			for _, r := range o.Resources.Resource {
				if len(r.ObjectType) > MaxStringBytes || len(r.ResourceID) > MaxStringBytes || len(r.ResourceName) > MaxStringBytes {
					return fmt.Errorf("%s: a resource has a field over the limit of %d bytes", it.where, MaxStringBytes)
				}
			}
		}
		if o.Privileges != nil {
			if n := len(o.Privileges.Privilege); n > MaxCodes {
				return fmt.Errorf("%s: %d privilege codes, over the limit of %d per role", it.where, n, MaxCodes)
			}
			for _, p := range o.Privileges.Privilege {
				if len(p.Name) > MaxStringBytes {
					return fmt.Errorf("%s: a privilege code is %d bytes, over the limit of %d", it.where, len(p.Name), MaxStringBytes)
				}
			}
		}
	}
	return nil
}

// xnode is one XML element.
type xnode struct {
	name  xml.Name
	attrs []xml.Attr
	kids  []*xnode
	text  strings.Builder
}

func (n *xnode) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == local && (a.Name.Space == "" || a.Name.Space == nsBNS) {
			return a.Value, true
		}
	}
	return "", false
}

func (n *xnode) xsiType() string {
	for _, a := range n.attrs {
		if a.Name.Local == "type" && (a.Name.Space == nsXSI || a.Name.Space == "xsi") {
			return a.Value
		}
	}
	return ""
}

func parseXML(data []byte) (*doc, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not valid XML: %s", err.Error())
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= MaxXMLDepth {
				return nil, fmt.Errorf("XML nested deeper than %d elements", MaxXMLDepth)
			}
			n := &xnode{name: t.Name, attrs: slicesClone(t.Attr)}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("XML has more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				n := stack[len(stack)-1]
				if n.text.Len()+len(t) > MaxStringBytes {
					return nil, fmt.Errorf("element %s holds more than %d bytes of text, over the limit", n.name.Local, MaxStringBytes)
				}
				n.text.Write(t)
			}
		case xml.Directive:
			return nil, errors.New("XML has a DOCTYPE or other directive; Boomi's responses have none")
		}
	}
	if root == nil {
		return nil, errors.New("XML has no element")
	}
	switch root.name.Local {
	case "QueryResult":
		d := &doc{kind: "QueryResult"}
		if v, ok := root.attr("numberOfResults"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return nil, fmt.Errorf("numberOfResults %s is not a number", model.SafeText(strconv.Quote(clip(v))))
			}
			d.count, d.hasCount = n, true
		}
		i := 0
		for _, k := range root.kids {
			switch k.name.Local {
			case "queryToken":
				d.queryToken = strings.TrimSpace(k.text.String())
			case "result":
				it, err := xmlItem(k, k.xsiType(), fmt.Sprintf("result[%d]", i))
				if err != nil {
					return nil, err
				}
				d.items = append(d.items, it)
				i++
			}
		}
		return d, nil
	case "BulkResult":
		d := &doc{kind: "BulkResult"}
		i := 0
		for _, k := range root.kids {
			if k.name.Local != "response" {
				continue
			}
			where := fmt.Sprintf("response[%d]", i)
			i++
			id, _ := k.attr("id")
			sc, _ := k.attr("statusCode")
			status, err := strconv.Atoi(strings.TrimSpace(sc))
			if err != nil {
				return nil, fmt.Errorf("%s: statusCode %s is not a number", where, model.SafeText(strconv.Quote(clip(sc))))
			}
			if status != 200 {
				msg, _ := k.attr("errorMessage")
				d.failures = append(d.failures, bulkFailure{id: id, status: status, message: msg})
				continue
			}
			var res *xnode
			for _, r := range k.kids {
				if r.name.Local == "Result" {
					res = r
				}
			}
			if res == nil {
				return nil, fmt.Errorf("%s: statusCode 200 but no Result", where)
			}
			it, err := xmlItem(res, res.xsiType(), where+".Result")
			if err != nil {
				return nil, err
			}
			it.full = true
			d.items = append(d.items, it)
		}
		return d, nil
	case "Roles":
		d := &doc{kind: "Roles"}
		i := 0
		for _, k := range root.kids {
			if !strings.EqualFold(k.name.Local, "Role") {
				continue
			}
			t := k.xsiType()
			if t == "" {
				t = TypeRole
			}
			it, err := xmlItem(k, t, fmt.Sprintf("Role[%d]", i))
			if err != nil {
				return nil, err
			}
			if it.typ != TypeRole {
				return nil, fmt.Errorf("Role[%d]: a %s in getAssignableRoles", i, it.typ)
			}
			i++
			it.assignable = true
			d.items = append(d.items, it)
		}
		return d, nil
	default:
		if !isObjType(root.name.Local) {
			return nil, fmt.Errorf("XML element %s is none of QueryResult, BulkResult, Roles (getAssignableRoles), Role, AccountUserRole, EnvironmentRole, Environment, AccountGroup, AccountGroupAccount, AccountGroupUserRole", model.SafeText(strconv.Quote(clip(root.name.Local))))
		}
		it, err := xmlItem(root, root.name.Local, "the object")
		if err != nil {
			return nil, err
		}
		it.full = true
		return &doc{kind: "object", items: []item{it}}, nil
	}
}

func slicesClone(a []xml.Attr) []xml.Attr {
	return append([]xml.Attr(nil), a...)
}

func xmlItem(n *xnode, declared, where string) (item, error) {
	var o wireObj
	for _, a := range n.attrs {
		if a.Name.Space != "" && a.Name.Space != nsBNS {
			continue
		}
		switch a.Name.Local {
		case "id":
			o.ID = a.Value
		case "accountId":
			o.AccountID = a.Value
		case "name":
			o.Name = a.Value
		case "parentId":
			o.ParentID = a.Value
		case "description", "Description":
			o.Description = a.Value
		case "userId":
			o.UserID = a.Value
		case "roleId":
			o.RoleID = a.Value
		case "firstName":
			o.FirstName = a.Value
		case "lastName":
			o.LastName = a.Value
		case "environmentId":
			o.EnvironmentID = a.Value
		case "classification":
			o.Classification = a.Value
		case "accountGroupId":
			o.AccountGroupID = a.Value
		case "defaultGroup":
			v := strings.TrimSpace(a.Value) == "true"
			o.DefaultGroup = &v
		case "autoSubscribeAlertLevel":
			o.AlertLevel = a.Value
		}
	}
	for _, k := range n.kids {
		switch {
		case strings.EqualFold(k.name.Local, "Description"):
			o.Description = k.text.String()
		case k.name.Local == "Resources":
			o.Resources = &wireRes{Resource: resList{}}
			for _, r := range k.kids {
				if r.name.Local != "Resource" {
					continue
				}
				var w wireResource
				w.ObjectType, _ = r.attr("objectType")
				w.ResourceID, _ = r.attr("resourceId")
				w.ResourceName, _ = r.attr("resourceName")
				o.Resources.Resource = append(o.Resources.Resource, w)
			}
		case strings.EqualFold(k.name.Local, "Privileges"):
			o.Privileges = &wirePrivs{Privilege: privList{}}
			for _, p := range k.kids {
				if !strings.EqualFold(p.name.Local, "Privilege") {
					continue
				}
				name, ok := p.attr("name")
				if !ok {
					name = strings.TrimSpace(p.text.String())
				}
				o.Privileges.Privilege = append(o.Privileges.Privilege, wirePriv{Name: name})
			}
		}
	}
	typ, err := objType(declared, &o)
	if err != nil {
		return item{}, fmt.Errorf("%s: %w", where, err)
	}
	return item{typ: typ, obj: o, where: where, full: o.Resources != nil}, nil
}
