package storage

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"rolecall/model"
)

// lineWidth is the widest a one-line list is written; longer lists get one
// item per line, so that git diff shows which item changed.
const lineWidth = 100

// Canonical returns a copy of a as Encode writes it: roles named like a
// built-in role left out (R2), unknown privileges left out, role references
// spelled as the role is, sorted as shown
// to users (model.Account.Normalize), and ticks that the parent role already
// grants dropped (R9). Empty lists are nil. a is not changed.
func Canonical(a *model.Account) *model.Account {
	c := a.Clone()
	c.Roles = slices.DeleteFunc(c.Roles, func(r model.Role) bool {
		_, builtin := model.LookupBuiltin(r.Name)
		return builtin
	})
	for i := range c.Roles {
		c.Roles[i].Privileges = slices.DeleteFunc(c.Roles[i].Privileges, func(p model.Privilege) bool { return !p.Valid() })
	}
	canonicalRefs(c)
	c.Normalize()
	dropRedundant(c)
	for i := range c.Roles {
		if len(c.Roles[i].Privileges) == 0 {
			c.Roles[i].Privileges = nil
		}
	}
	for i := range c.Users {
		if len(c.Users[i].Roles) == 0 {
			c.Users[i].Roles = nil
		}
	}
	for i := range c.Environments {
		if len(c.Environments[i].RolesWithAccess) == 0 {
			c.Environments[i].RolesWithAccess = nil
		}
	}
	if len(c.Roles) == 0 {
		c.Roles = nil
	}
	if len(c.Users) == 0 {
		c.Users = nil
	}
	if len(c.Environments) == 0 {
		c.Environments = nil
	}
	return c
}

// canonicalRefs spells every role reference (a parent, a user's roles, an
// environment's Roles with Access) as the role itself is spelled; names are
// matched ignoring case. References to no role are left as they are.
func canonicalRefs(a *model.Account) {
	names := make(map[string]string, len(a.Roles)+4)
	for _, b := range model.Builtins() {
		names[model.FoldName(b.Name)] = b.Name
	}
	for _, r := range a.Roles {
		if k := model.FoldName(r.Name); names[k] == "" {
			names[k] = r.Name
		}
	}
	canon := func(s string) string {
		if n, ok := names[model.FoldName(s)]; ok {
			return n
		}
		if b, ok := model.LookupBuiltin(s); ok {
			return b.Name
		}
		return s
	}
	for i := range a.Roles {
		a.Roles[i].Inherits = canon(a.Roles[i].Inherits)
	}
	for i := range a.Users {
		for j, rn := range a.Users[i].Roles {
			a.Users[i].Roles[j] = canon(rn)
		}
	}
	for i := range a.Environments {
		for j, rn := range a.Environments[i].RolesWithAccess {
			a.Environments[i].RolesWithAccess[j] = canon(rn)
		}
	}
}

// dropRedundant removes from each role the ticks its parent role already
// grants (R9): the parent's privileges with inheritance, and what they cover
// under R4, as model.Validate's R9 warning counts them ("saving drops the
// tick"). Dropping a covered tick changes no access: R4 grants it anyway.
// Roles whose chain of parents loops are left alone: what their parent
// grants is not defined.
func dropRedundant(a *model.Account) {
	byName := make(map[string]int, len(a.Roles))
	for i, r := range a.Roles {
		k := model.FoldName(r.Name)
		if _, dup := byName[k]; !dup {
			byName[k] = i
		}
	}
	acyclic := func(i int) bool {
		for steps := 0; steps <= len(a.Roles); steps++ {
			j, ok := byName[model.FoldName(a.Roles[i].Inherits)]
			if !ok {
				return true // none, a built-in, or missing: the chain ends
			}
			i = j
		}
		return false
	}
	var res *model.Resolver
	for i := range a.Roles {
		r := &a.Roles[i]
		if r.Inherits == "" || len(r.Privileges) == 0 || !acyclic(i) {
			continue
		}
		if res == nil {
			res = model.NewResolver(a)
		}
		parent, ok := res.RolePrivileges(r.Inherits)
		if !ok {
			continue
		}
		r.Privileges = slices.DeleteFunc(r.Privileges, parent.Closure().Has)
	}
}

// Encode returns the file text of a (see Canonical): format first, then
// [account], [[roles]], [[users]] and [[environments]]. The same account
// always gives the same bytes, and Decode(Encode(a)) equals Canonical(a).
// Strings are written with TOML escapes for every control character, so the
// file is safe to print.
func Encode(a *model.Account) []byte {
	c := Canonical(a)
	var b bytes.Buffer
	fmt.Fprintf(&b, "format = %d\n\n[account]\n", Format)
	kv(&b, "name", c.Name)
	fmt.Fprintf(&b, "advanced_user_security = %t\n", c.AdvancedUserSecurity)
	fmt.Fprintf(&b, "advanced_environment_access = %t\n", c.AdvancedEnvironmentAccess)
	for _, r := range c.Roles {
		b.WriteString("\n[[roles]]\n")
		kv(&b, "name", r.Name)
		kv(&b, "description", r.Description)
		kv(&b, "inherits", r.Inherits)
		names := make([]string, len(r.Privileges))
		for i, p := range r.Privileges {
			names[i] = p.String() // the current name (R0)
		}
		list(&b, "privileges", names)
	}
	for _, u := range c.Users {
		b.WriteString("\n[[users]]\n")
		kv(&b, "email", u.Email)
		kv(&b, "name", u.Name)
		list(&b, "roles", u.Roles)
	}
	for _, e := range c.Environments {
		b.WriteString("\n[[environments]]\n")
		kv(&b, "name", e.Name)
		kv(&b, "classification", string(e.Classification))
		list(&b, "roles_with_access", e.RolesWithAccess)
	}
	return b.Bytes()
}

func kv(b *bytes.Buffer, key, val string) {
	b.WriteString(key)
	b.WriteString(" = ")
	b.WriteString(tomlString(val))
	b.WriteByte('\n')
}

func list(b *bytes.Buffer, key string, items []string) {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = tomlString(s)
	}
	one := key + " = [" + strings.Join(quoted, ", ") + "]"
	if len(items) <= 1 || utf8.RuneCountInString(one) <= lineWidth {
		b.WriteString(one)
		b.WriteByte('\n')
		return
	}
	b.WriteString(key + " = [\n")
	for _, q := range quoted {
		b.WriteString("    " + q + ",\n")
	}
	b.WriteString("]\n")
}

// tomlString returns s as a TOML basic string. Invalid UTF-8 becomes U+FFFD;
// control, format (bidirectional) and line-separator characters are escaped.
func tomlString(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			switch {
			case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029:
				if r > 0xffff {
					fmt.Fprintf(&b, `\U%08X`, r)
				} else {
					fmt.Fprintf(&b, `\u%04X`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
