package storage

import (
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"rolecall/model"
)

// The keys that tie a file to Boomi's Platform API (boomi-api.md):
// [account] boomi_account, the [privilege_codes] table, and a role's
// unknown_codes and boomi_id and an environment's boomi_id. Each is written
// only when it is not empty, so that a file never tied to Boomi keeps its
// bytes.

// boomiRule is the rule the problems of these keys cite.
const boomiRule = "boomi-api.md"

// MaxBoomiID bounds an id of Boomi's (boomi_account, boomi_id), in bytes.
const MaxBoomiID = 200

// MaxPrivilegeCodes bounds the rows of [privilege_codes]: Boomi has a few
// dozen codes.
const MaxPrivilegeCodes = 1024

// codesLoc is the Loc of the problems of [privilege_codes].
func codesLoc() model.Loc {
	return model.Loc{Section: model.SectionAccount, Index: -1, Key: "privilege_codes", Item: -1}
}

// checkBoomiID says what is wrong with an id of Boomi's, or "".
func checkBoomiID(id string) string {
	if len(id) > MaxBoomiID {
		return fmt.Sprintf("is %d bytes long; Boomi's ids are at most %d", len(id), MaxBoomiID)
	}
	if !utf8.ValidString(id) {
		return "is not valid UTF-8"
	}
	for _, r := range id {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
			return "holds a control character; Boomi's ids are printable"
		}
	}
	return ""
}

// knownCodeWarning is the message of a code kept as unknown that the code
// table knows.
func knownCodeWarning(role, code string, p model.Privilege) string {
	return fmt.Sprintf("role %s keeps code %s as unknown, but it is the code of %s; move it to privileges", quote(role), quote(code), quote(p.String()))
}

// boomiProblems are the problems of a's Boomi keys that concern more than
// one value: two roles (or environments) with one boomi_id (errors), and a
// code kept as unknown that a's code table knows (warnings). Their Locs are
// account indexes. Decode and decodeEncoded report them before
// model.Validate's.
func boomiProblems(a *model.Account) []model.Problem {
	var ps []model.Problem
	roleAt := map[string]int{}
	for i, r := range a.Roles {
		if r.ID == "" {
			continue
		}
		if j, dup := roleAt[r.ID]; dup {
			ps = append(ps, model.Problem{Severity: model.Error, Rule: boomiRule, Subject: r.Name,
				Loc: model.Loc{Section: model.SectionRoles, Index: i, Key: "boomi_id", Item: -1},
				Message: fmt.Sprintf("roles %s and %s have the same boomi_id %s; a Boomi role has one id: remove the wrong one (a pull sets it again)",
					quote(a.Roles[j].Name), quote(r.Name), quote(r.ID))})
			continue
		}
		roleAt[r.ID] = i
	}
	envAt := map[string]int{}
	for i, e := range a.Environments {
		if e.ID == "" {
			continue
		}
		if j, dup := envAt[e.ID]; dup {
			ps = append(ps, model.Problem{Severity: model.Error, Rule: boomiRule, Subject: e.Name,
				Loc: model.Loc{Section: model.SectionEnvironments, Index: i, Key: "boomi_id", Item: -1},
				Message: fmt.Sprintf("environments %s and %s have the same boomi_id %s; a Boomi environment has one id: remove the wrong one (a pull sets it again)",
					quote(a.Environments[j].Name), quote(e.Name), quote(e.ID))})
			continue
		}
		envAt[e.ID] = i
	}
	var table *model.Codes
	for i, r := range a.Roles {
		for j, code := range r.Codes {
			if table == nil {
				table = model.CodeTable(a)
			}
			if p, ok := table.Privilege(code); ok {
				ps = append(ps, model.Problem{Severity: model.Warning, Rule: boomiRule, Subject: r.Name,
					Loc:     model.Loc{Section: model.SectionRoles, Index: i, Key: "unknown_codes", Item: j},
					Message: knownCodeWarning(r.Name, code, p)})
			}
		}
	}
	return ps
}

// valueProblems are the errors Decode reports, value by value, of a's
// Boomi keys: an id too long or with control characters, a malformed code,
// a [privilege_codes] row of no catalog privilege or whose code comes
// twice, a role's unknown code listed twice. Their Locs are account
// indexes. A file never holds these once decoded (Decode leaves such
// values out), so an account that has one is not what its encoding
// decodes to (decodeEncoded); and Save refuses it.
func valueProblems(a *model.Account) []model.Problem {
	var ps []model.Problem
	bad := func(loc model.Loc, subject, format string, args ...any) {
		ps = append(ps, model.Problem{Severity: model.Error, Rule: boomiRule, Loc: loc, Subject: subject, Message: fmt.Sprintf(format, args...)})
	}
	if why := checkBoomiID(a.BoomiAccount); why != "" {
		bad(model.Loc{Section: model.SectionAccount, Index: -1, Key: "boomi_account", Item: -1}, "", "account.boomi_account %s", why)
	}
	seen := map[string]bool{}
	for _, row := range a.PrivilegeCodes {
		loc := codesLoc()
		switch {
		case model.CheckCode(row.Code) != "":
			bad(loc, "", "[privilege_codes]: %s", model.CheckCode(row.Code))
		case !row.Privilege.Valid():
			bad(loc, "", "[privilege_codes] %s names no privilege of the catalog", quote(row.Code))
		case seen[row.Code]:
			bad(loc, "", "[privilege_codes] has code %s twice; keep one row", quote(row.Code))
		}
		seen[row.Code] = true
	}
	for i, r := range a.Roles {
		if why := checkBoomiID(r.ID); why != "" {
			bad(model.Loc{Section: model.SectionRoles, Index: i, Key: "boomi_id", Item: -1}, r.Name, "role %s boomi_id %s", quote(r.Name), why)
		}
		for j, code := range r.Codes {
			loc := model.Loc{Section: model.SectionRoles, Index: i, Key: "unknown_codes", Item: j}
			if why := model.CheckCode(code); why != "" {
				bad(loc, r.Name, "role %s unknown_codes: %s", quote(r.Name), why)
			} else if slices.Contains(r.Codes[:j], code) {
				bad(loc, r.Name, "role %s lists code %s twice in unknown_codes; keep it once", quote(r.Name), quote(code))
			}
		}
	}
	for i, e := range a.Environments {
		if why := checkBoomiID(e.ID); why != "" {
			bad(model.Loc{Section: model.SectionEnvironments, Index: i, Key: "boomi_id", Item: -1}, e.Name, "environment %s boomi_id %s", quote(e.Name), why)
		}
	}
	return ps
}

// privilegeCodes reads the [privilege_codes] table into a.PrivilegeCodes,
// sorted by code; rows with a problem are reported and left out.
func (d *decoder) privilegeCodes(a *model.Account, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		d.add(d.pos.keyLine("privilege_codes"), codesLoc(), "", "",
			"privilege_codes must be a table ([privilege_codes]) of CODE = \"Privilege name\" rows, not %s", typeName(v))
		return
	}
	for _, code := range sortedKeys(m) {
		loc := codesLoc()
		line := d.pos.keyLine("privilege_codes." + code)
		if line == 0 {
			line = max(d.pos.keyLine("privilege_codes"), 1)
		}
		if why := model.CheckCode(code); why != "" {
			d.add(line, loc, boomiRule, "", "[privilege_codes]: %s; write Boomi's code, such as ENV_READ", why)
			continue
		}
		name, ok := m[code].(string)
		if !ok {
			d.add(line, loc, "", "", "privilege_codes.%s must be a privilege's name in double quotes, not %s", code, typeName(m[code]))
			continue
		}
		p, ok := model.LookupPrivilege(name)
		if !ok {
			d.add(line, loc, model.UnknownPrivilege.Rule(), "",
				"privilege code %s names unknown privilege %s; use a privilege's current or old name", quote(code), quote(name))
			continue
		}
		a.PrivilegeCodes = append(a.PrivilegeCodes, model.CodeRow{Code: code, Privilege: p})
	}
}

// boomiID reads an id of Boomi's at loc into *dst; what names its owner in
// a message. A bad id is reported and left out.
func (d *decoder) boomiID(dst *string, v any, loc model.Loc, what string) {
	var id string
	d.str(&id, v, loc)
	if why := checkBoomiID(id); why != "" {
		d.add(d.locLine(loc), loc, boomiRule, "", "%s %s; write the id as Boomi gives it", what, why)
		return
	}
	*dst = id
}

// unknownCodes reads role i's unknown_codes (file index i, role r), keeping
// the codes that are well formed, each once, and returns the file item of
// each code kept.
func (d *decoder) unknownCodes(r *model.Role, i int, v any) []int {
	const sec = model.SectionRoles
	codes, items := d.strings(sec, i, "unknown_codes", v)
	var kept []int
	for j, code := range codes {
		item := j
		if items != nil {
			item = items[j]
		}
		loc := model.Loc{Section: sec, Index: i, Key: "unknown_codes", Item: item}
		if why := model.CheckCode(code); why != "" {
			d.add(d.locLine(loc), loc, boomiRule, r.Name, "role %s unknown_codes: %s; write Boomi's code as it came", quote(r.Name), why)
			continue
		}
		if slices.Contains(r.Codes, code) {
			d.add(d.locLine(loc), loc, boomiRule, r.Name, "role %s lists code %s twice in unknown_codes; keep it once", quote(r.Name), quote(code))
			continue
		}
		r.Codes = append(r.Codes, code)
		kept = append(kept, item)
	}
	return kept
}
