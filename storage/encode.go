package storage

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"rolecall/model"
)

// lineWidth is the widest a one-line list is written; longer lists get one
// item per line, so that git diff shows which item changed.
const lineWidth = 100

// Canonical returns a copy of a as Encode writes it: model.Canonical, where
// the rules of saving are (R2, R9, R0). a is not changed.
// Groups are put in order here (canonicalGroups): model.Canonical copies
// them as they are.
func Canonical(a *model.Account) *model.Account {
	c := model.Canonical(a)
	canonicalGroups(c, a.Groups)
	return c
}

// Encode returns the file text of a (see Canonical): format first, then
// [account], [privilege_codes] (when a has rows; sorted by code),
// [[roles]], [[users]] and [[environments]], then the
// [[separation_of_duties]] rules (when a has any, sod.go), then a primary's
// [[account_groups]], [[group_members]] and [[group_users]] (groupfile.go),
// with a member's primary last in [account]. The Boomi keys (boomi_account,
// [privilege_codes], unknown_codes, boomi_id) are written only when not
// empty, each last in its table. The same account always gives the same
// bytes, and Decode(Encode(a)) equals Canonical(a) for an account whose
// Boomi values have no problem (valueProblems) and whose code rows have no
// Source (the file does not hold it).
// Strings are written with TOML escapes for every control character, so the
// file is safe to print.
func Encode(a *model.Account) []byte { return encodeCanonical(Canonical(a)) }

// encodeCanonical is Encode of an account already canonical (c equals
// Canonical(c)).
func encodeCanonical(c *model.Account) []byte {
	e := encoder{b: make([]byte, 0, encodedSize(c))}
	e.b = fmt.Appendf(e.b, "format = %d\n\n[account]\n", Format)
	e.kv("name", c.Name)
	e.b = fmt.Appendf(e.b, "advanced_user_security = %t\n", c.AdvancedUserSecurity)
	e.b = fmt.Appendf(e.b, "advanced_environment_access = %t\n", c.AdvancedEnvironmentAccess)
	if c.BoomiAccount != "" {
		e.kv("boomi_account", c.BoomiAccount)
	}
	if c.Primary != "" {
		e.kv("primary", c.Primary)
	}
	e.privilegeCodes(c.PrivilegeCodes)
	var names []string
	for _, r := range c.Roles {
		e.b = append(e.b, "\n[[roles]]\n"...)
		e.kv("name", r.Name)
		e.kv("description", r.Description)
		e.kv("inherits", r.Inherits)
		names = names[:0]
		for _, p := range r.Privileges {
			names = append(names, p.String()) // the current name (R0)
		}
		e.list("privileges", names)
		if len(r.Codes) > 0 {
			e.list("unknown_codes", r.Codes)
		}
		if r.ID != "" {
			e.kv("boomi_id", r.ID)
		}
	}
	for _, u := range c.Users {
		e.b = append(e.b, "\n[[users]]\n"...)
		e.kv("email", u.Email)
		e.kv("name", u.Name)
		e.list("roles", u.Roles)
	}
	for _, v := range c.Environments {
		e.b = append(e.b, "\n[[environments]]\n"...)
		e.kv("name", v.Name)
		e.kv("classification", string(v.Classification))
		e.list("roles_with_access", v.RolesWithAccess)
		if v.ID != "" {
			e.kv("boomi_id", v.ID)
		}
	}
	e.separationOfDuties(c.SeparationOfDuties)
	e.groups(c)
	return e.b
}

// encodedSize is a little more than encodeCanonical writes for c (unless
// many of its strings need escapes): the buffer is made once, not grown
// step by step, which allocated and touched 4.7 times the file's size at
// 10,000 users, each page of it a page fault.
func encodedSize(c *model.Account) int {
	n := 64 << 10 // the account table, privilege codes, groups, rules
	list := func(items []string) {
		for _, s := range items {
			n += len(s) + 8 // quotes, comma, space or a new line and indent
		}
	}
	for _, r := range c.Roles {
		n += 96 + len(r.Name) + len(r.Description) + len(r.Inherits) + len(r.ID) + 40*len(r.Privileges)
		list(r.Codes)
	}
	for _, u := range c.Users {
		n += 48 + len(u.Email) + len(u.Name)
		list(u.Roles)
	}
	for _, v := range c.Environments {
		n += 96 + len(v.Name) + len(v.ID)
		list(v.RolesWithAccess)
	}
	for _, g := range c.Groups {
		n += 128 + len(g.Name) + len(g.ID)
		list(g.SharedRoles)
		n += 96 * len(g.Members)
		for _, u := range g.Users {
			n += 64 + len(u.Email) + len(u.Name)
			list(u.Roles)
		}
	}
	return n + n/16
}

// privilegeCodes writes the [privilege_codes] table of rows (sorted by
// code), when there are any: one code = "Privilege" line each, under the
// privilege's current name. Of rows with one code only the last is written
// (it is the one model.CodeTable uses), so that the table is valid TOML;
// rows of no catalog privilege are left out, as unknown privileges of a
// role are.
func (e *encoder) privilegeCodes(rows []model.CodeRow) {
	header := false
	for i, r := range rows {
		if !r.Privilege.Valid() || i+1 < len(rows) && rows[i+1].Code == r.Code {
			continue
		}
		if !header {
			e.b = append(e.b, "\n[privilege_codes]\n"...)
			header = true
		}
		if bareKeyOK(r.Code) {
			e.b = append(e.b, r.Code...)
		} else {
			e.b = appendTOMLString(e.b, r.Code)
		}
		e.b = append(e.b, " = "...)
		e.b = appendTOMLString(e.b, r.Privilege.String())
		e.b = append(e.b, '\n')
	}
}

// bareKeyOK reports whether k may be written as a bare TOML key.
func bareKeyOK(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return k != ""
}

// encoder appends a file's text to b.
type encoder struct{ b []byte }

func (e *encoder) kv(key, val string) {
	e.b = append(e.b, key...)
	e.b = append(e.b, " = "...)
	e.b = appendTOMLString(e.b, val)
	e.b = append(e.b, '\n')
}

// list writes key = [items] on one line when it holds at most one item or
// fits in lineWidth characters, else one item per line.
func (e *encoder) list(key string, items []string) {
	start := len(e.b)
	e.b = append(e.b, key...)
	e.b = append(e.b, " = ["...)
	for i, s := range items {
		if i > 0 {
			e.b = append(e.b, ", "...)
		}
		e.b = appendTOMLString(e.b, s)
	}
	e.b = append(e.b, ']')
	if len(items) <= 1 || utf8.RuneCount(e.b[start:]) <= lineWidth {
		e.b = append(e.b, '\n')
		return
	}
	e.b = e.b[:start]
	e.b = append(e.b, key...)
	e.b = append(e.b, " = [\n"...)
	for _, s := range items {
		e.b = append(e.b, "    "...)
		e.b = appendTOMLString(e.b, s)
		e.b = append(e.b, ",\n"...)
	}
	e.b = append(e.b, "]\n"...)
}

// appendTOMLString appends tomlString(s): printable ASCII that needs no
// escape is copied as it is.
func appendTOMLString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return append(b, tomlString(s)...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
