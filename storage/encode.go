package storage

import (
	"bytes"
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
func Canonical(a *model.Account) *model.Account { return model.Canonical(a) }

// Encode returns the file text of a (see Canonical): format first, then
// [account], [[roles]], [[users]] and [[environments]]. The same account
// always gives the same bytes, and Decode(Encode(a)) equals Canonical(a).
// Strings are written with TOML escapes for every control character, so the
// file is safe to print.
func Encode(a *model.Account) []byte { return encodeCanonical(Canonical(a)) }

// encodeCanonical is Encode of an account already canonical (c equals
// Canonical(c)).
func encodeCanonical(c *model.Account) []byte {
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
