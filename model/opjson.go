package model

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// Edits as JSON, for recovery drafts and the audit trail: each is an
// object with "op" naming the edit and the edit's own fields, privileges by
// name:
//
//	{"op": "tick", "Role": "Support Plus", "Privilege": "Dashboard"}

func (AddRole) kind() string           { return "add-role" }
func (RemoveRole) kind() string        { return "remove-role" }
func (RenameRole) kind() string        { return "rename-role" }
func (SetDescription) kind() string    { return "set-description" }
func (SetParent) kind() string         { return "set-parent" }
func (Tick) kind() string              { return "tick" }
func (Untick) kind() string            { return "untick" }
func (AddUser) kind() string           { return "add-user" }
func (RemoveUser) kind() string        { return "remove-user" }
func (SetUserName) kind() string       { return "set-user-name" }
func (Assign) kind() string            { return "assign" }
func (Unassign) kind() string          { return "unassign" }
func (AddEnvironment) kind() string    { return "add-environment" }
func (RemoveEnvironment) kind() string { return "remove-environment" }
func (Allow) kind() string             { return "allow" }
func (Disallow) kind() string          { return "disallow" }
func (SetSwitch) kind() string         { return "set-switch" }
func (RenameAccount) kind() string     { return "rename-account" }

// opKinds reads each kind of edit from its JSON. registerOps fills it on
// first use (opKindsOnce), not at every start of the program.
var (
	opKinds     = map[string]func(json.RawMessage) (Op, error){}
	opKindsOnce sync.Once
)

func register[T Op]() {
	var zero T
	opKinds[zero.kind()] = func(r json.RawMessage) (Op, error) {
		var v T
		err := json.Unmarshal(r, &v)
		return v, err
	}
}

func registerOps() {
	register[AddRole]()
	register[RemoveRole]()
	register[RenameRole]()
	register[SetDescription]()
	register[SetParent]()
	register[Tick]()
	register[Untick]()
	register[AddUser]()
	register[RemoveUser]()
	register[SetUserName]()
	register[Assign]()
	register[Unassign]()
	register[AddEnvironment]()
	register[RemoveEnvironment]()
	register[Allow]()
	register[Disallow]()
	register[SetSwitch]()
	register[RenameAccount]()
}

// MarshalText writes a privilege as its current name.
func (p Privilege) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("no privilege number %d", p)
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads a privilege by its current or old name (R0).
func (p *Privilege) UnmarshalText(b []byte) error {
	q, ok := LookupPrivilege(string(b))
	if !ok {
		return fmt.Errorf("unknown privilege %q", SafeText(string(b)))
	}
	*p = q
	return nil
}

// MarshalOp writes one edit as JSON.
func MarshalOp(op Op) (json.RawMessage, error) {
	body, err := json.Marshal(op)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.Describe(), err)
	}
	head := fmt.Sprintf(`{"op":%q`, op.kind())
	if string(body) == "{}" {
		return json.RawMessage(head + "}"), nil
	}
	return json.RawMessage(head + "," + strings.TrimPrefix(string(body), "{")), nil
}

// MarshalOps writes edits as a JSON array (never null).
func MarshalOps(ops []Op) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, 0, len(ops))
	for _, op := range ops {
		b, err := MarshalOp(op)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// UnmarshalOps reads edits written by MarshalOps. An unknown "op" or a
// field that does not fit is an error naming the edit's place.
func UnmarshalOps(raw []json.RawMessage) ([]Op, error) {
	out := make([]Op, 0, len(raw))
	for i, r := range raw {
		var head struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(r, &head); err != nil {
			return nil, fmt.Errorf("edit %d: %w", i+1, err)
		}
		opKindsOnce.Do(registerOps)
		read, ok := opKinds[head.Op]
		if !ok {
			return nil, fmt.Errorf("edit %d: unknown edit %q", i+1, SafeText(head.Op))
		}
		op, err := read(r)
		if err != nil {
			return nil, fmt.Errorf("edit %d (%s): %w", i+1, SafeText(head.Op), err)
		}
		out = append(out, op)
	}
	return out, nil
}
