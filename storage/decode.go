package storage

import (
	"bytes"
	"errors"
	"fmt"
	"rolecall/internal/hugeheap"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/BurntSushi/toml"

	"rolecall/model"
)

// Format is the version of the file layout this package reads and writes.
const Format = 1

// MaxFileSize is the largest account file read (64 MiB).
const MaxFileSize = 64 << 20

// Limits that keep the work on a hostile file bounded. An account beyond
// them is refused with an error; none comes near them in practice.
const (
	MaxRoles        = 5000   // custom roles in one file
	MaxUsersInFile  = 100000 // ten times Boomi's limit (model.MaxUsers)
	MaxEnvironments = 1000
	// MaxListItems bounds one privileges, roles or roles_with_access list:
	// an environment may list every role there is.
	MaxListItems = MaxRoles + 4
	MaxProblems  = 1000 // problems listed; one more says how many were left out
)

// The limits of groups are MaxAccountGroups, MaxGroupMembers and
// MaxGroupUsers (groupfile.go).

// FileProblem is a problem found in an account file, with the line it is
// about. Problems from the TOML layer (syntax, unknown keys, wrong types,
// unknown privileges, format) have Severity model.Error and, except for
// unknown privileges (R0), no Rule.
type FileProblem struct {
	Path string
	Line int
	model.Problem
	// LeftOutErrors and LeftOutWarnings are set on the line that stands for
	// the problems not listed (see MaxProblems): how many of each it hides.
	LeftOutErrors, LeftOutWarnings int
}

// String returns "FILE:LINE: error: message (R7)"; the rule is left out
// when there is none.
func (p FileProblem) String() string {
	s := fmt.Sprintf("%s:%d: %s: %s", model.SafeText(p.Path), p.Line, p.Severity, p.Message)
	if p.Rule != "" {
		s += " (" + p.Cite() + ")"
	}
	return s
}

// Error makes a FileProblem usable as an error.
func (p FileProblem) Error() string { return p.String() }

// HasErrors reports whether any of ps blocks saving.
func HasErrors(ps []FileProblem) bool {
	return slices.ContainsFunc(ps, func(p FileProblem) bool { return p.Severity == model.Error })
}

// ErrorCount is how many blocking problems ps stands for: the line that
// stands for those not listed (limitProblems) counts as the errors it
// leaves out, not as one.
func ErrorCount(ps []FileProblem) int {
	n := 0
	for _, p := range ps {
		switch {
		case p.LeftOutErrors > 0:
			n += p.LeftOutErrors
		case p.Severity == model.Error && p.LeftOutWarnings == 0:
			n++
		}
	}
	return n
}

// Errors returns the blocking problems of ps.
func Errors(ps []FileProblem) []FileProblem {
	var out []FileProblem
	for _, p := range ps {
		if p.Severity == model.Error {
			out = append(out, p)
		}
	}
	return out
}

type decoder struct {
	path  string
	pos   *positions
	probs []FileProblem
	// file indexes of what ended up in the account, for mapping the
	// model's Loc back to the file: roles/users/environments element
	// indexes, and each role's privilege item indexes.
	roleIdx, userIdx, envIdx []int
	privIdx                  [][]int
	// codeIdx holds, per role, the file item index of each unknown code
	// kept; nil when they are the file's items in order.
	codeIdx [][]int
	// groups maps the account's groups, members and group users to their
	// elements in the file.
	groups groupIdx
}

func (d *decoder) add(line int, loc model.Loc, rule, subject, format string, args ...any) {
	d.probs = append(d.probs, FileProblem{Path: d.path, Line: max(line, 1), Problem: model.Problem{
		Severity: model.Error, Rule: rule, Loc: loc, Subject: subject, Message: fmt.Sprintf(format, args...)}})
}

// Decode reads an account file's bytes. path is used in the problems only.
// It returns the account, or nil when the file cannot be understood at all
// (not text, a TOML syntax error, a newer format), and every problem found:
// the file's own (syntax, unknown keys, wrong types, unknown privileges,
// format) and then everything model.Validate reports, errors and warnings,
// each with its line. The account is nil or usable for display; it may be
// saved only when no problem is an error. Decode does no I/O.
func Decode(path string, data []byte) (*model.Account, []FileProblem) {
	hugeheap.Expect(int64(len(data)) * decodeHeapFactor)
	d := &decoder{path: path}
	acct := d.decode(data)
	d.probs = limitProblems(d.path, d.probs)
	return acct, d.probs
}

// decodeHeapFactor is about how many bytes of heap Decode allocates for
// each byte of the file: 31 MB for the 1.5 MB file of 10,000 users
// (BenchmarkLoad), most of it the TOML decoder's.
const decodeHeapFactor = 24

// decodeEncoded is what Decode(path, data) gives for data = Encode(a),
// where c = Canonical(a): the account c and the problems that validating it
// finds, at the lines of data. It does without the TOML decoder, whose
// result would be c (TestDecodeEncoded compares the two on accounts of
// every kind); the scanner still finds the lines. It is how a save knows
// what its file will load as, for the load cache.
//
// Encode writes a string that is not valid UTF-8 with U+FFFD in place of
// its bad bytes, so an account holding one decodes to another account: it
// goes to Decode.
//
// s is scan(data), or nil.
//
// Decode leaves out Boomi values with a problem (valueProblems) and the
// Source of the privilege code rows, which the file does not hold, so an
// account that has either goes to Decode as well.
func decodeEncoded(path string, data []byte, c *model.Account, s *scanner) (*model.Account, []FileProblem) {
	if !validUTF8(c) || !groupsValidUTF8(c) || !sodValidUTF8(c) || groupsLoseOnDecode(c) || len(valueProblems(c)) > 0 || slices.ContainsFunc(c.PrivilegeCodes, func(r model.CodeRow) bool { return r.Source != "" }) {
		return Decode(path, data)
	}
	d := &decoder{path: path}
	if s == nil {
		s = scan(data)
	}
	d.pos = s.pos
	if s.stopped() || !d.sizes(s) {
		return Decode(path, data)
	}
	if d.limits(c) {
		for _, p := range boomiProblems(c) {
			d.probs = append(d.probs, FileProblem{Path: d.path, Line: d.lineOf(p.Loc), Problem: p})
		}
		for _, p := range groupProblems(c, nil) {
			d.probs = append(d.probs, FileProblem{Path: d.path, Line: d.lineOf(p.Loc), Problem: p})
		}
		for _, p := range model.Validate(c) {
			d.probs = append(d.probs, FileProblem{Path: d.path, Line: d.lineOf(p.Loc), Problem: p})
		}
	}
	return c, limitProblems(d.path, d.probs)
}

// readBack scans data, the bytes a save is about to write, and returns
// the scan, with the problem that would make a load of them stop before
// reading the account (too large, too many elements, values or list
// items), or nil.
func readBack(path string, data []byte) (*scanner, *FileProblem) {
	d := &decoder{path: path}
	if len(data) > MaxFileSize {
		d.add(1, accountLoc, "", "", "the file would be %d bytes; rolecall reads files of at most %d MiB", len(data), MaxFileSize>>20)
		return nil, &d.probs[0]
	}
	s := scan(data)
	d.pos = s.pos
	if s.deep > 0 || s.refusedAt > 0 {
		d.add(max(s.deep, s.refusedAt), accountLoc, "", "", "it would hold what no account file may (line %d)", max(s.deep, s.refusedAt))
	} else {
		d.sizes(s)
	}
	if len(d.probs) > 0 {
		return s, &d.probs[0]
	}
	return s, nil
}

// validUTF8 reports whether every string of a is valid UTF-8.
func validUTF8(a *model.Account) bool {
	ok := func(ss ...string) bool {
		for _, s := range ss {
			if !utf8.ValidString(s) {
				return false
			}
		}
		return true
	}
	if !ok(a.Name, a.BoomiAccount) {
		return false
	}
	for _, row := range a.PrivilegeCodes {
		if !ok(row.Code) {
			return false
		}
	}
	for _, r := range a.Roles {
		if !ok(r.Name, r.Description, r.Inherits, r.ID) || !ok(r.Codes...) {
			return false
		}
	}
	for _, u := range a.Users {
		if !ok(u.Email, u.Name) || !ok(u.Roles...) {
			return false
		}
	}
	for _, e := range a.Environments {
		if !ok(e.Name, string(e.Classification), e.ID) || !ok(e.RolesWithAccess...) {
			return false
		}
	}
	return true
}

// limitProblems orders ps as they are listed, errors first and then
// warnings, each by line, and keeps at most MaxProblems of them, with one
// more that says how many were left out. That line is an error only when
// an error was left out, so that no number of warnings makes a file
// unreadable, and every error is listed before any warning is.
func limitProblems(path string, ps []FileProblem) []FileProblem {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Severity != ps[j].Severity {
			return ps[i].Severity == model.Error
		}
		return ps[i].Line < ps[j].Line
	})
	n := len(ps)
	if n <= MaxProblems {
		return ps
	}
	left := ps[MaxProblems:]
	sev := model.Warning
	if HasErrors(left) {
		sev = model.Error
	}
	errs := 0
	for _, p := range left {
		if p.Severity == model.Error {
			errs++
		}
	}
	out := make([]FileProblem, MaxProblems, MaxProblems+1)
	copy(out, ps)
	return append(out, FileProblem{Path: path, Line: max(ps[n-1].Line, 1), Problem: model.Problem{
		Severity: sev, Loc: accountLoc, Message: fmt.Sprintf("%d more problems not listed (%d errors, %d warnings)", len(left), errs, len(left)-errs)},
		LeftOutErrors: errs, LeftOutWarnings: len(left) - errs})
}

func lineAt(data []byte, off int) int { return bytes.Count(data[:off], []byte{'\n'}) + 1 }

var accountLoc = model.Loc{Section: model.SectionAccount, Index: -1, Item: -1}

func (d *decoder) decode(data []byte) *model.Account {
	if len(data) > MaxFileSize {
		d.add(1, accountLoc, "", "", "the file is %d bytes; rolecall reads files of at most %d MiB", len(data), MaxFileSize>>20)
		return nil
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		d.add(lineAt(data, i), accountLoc, "", "", "the file holds a NUL byte: it is not a text file, or it is damaged; restore it from FILE.bak or git")
		return nil
	}
	if !utf8.Valid(data) {
		off := invalidUTF8At(data)
		d.add(lineAt(data, off), accountLoc, "", "", "invalid UTF-8 (byte 0x%02x): save the file as UTF-8", data[off])
		return nil
	}
	s := scan(data)
	d.pos = s.pos
	if s.deep > 0 {
		d.add(s.deep, accountLoc, "", "", "arrays or tables nested more than %d deep; an account file needs only lists of names", maxNesting)
		return nil
	}
	if s.refusedAt > 0 {
		d.add(s.refusedAt, accountLoc, "", "", "%s", s.refused)
		return nil
	}
	if !d.sizes(s) {
		return nil
	}
	doc, err := decodeTOML(data, s.splits, runtime.GOMAXPROCS(0))
	if err != nil {
		var pe toml.ParseError
		line, msg := 1, err.Error()
		if errors.As(err, &pe) {
			line, msg = pe.Position.Line, pe.Message
		}
		d.add(line, accountLoc, "", "", "TOML syntax: %s; fix this line", oneLine(msg))
		return nil
	}

	// format first: a newer file is not read further.
	switch f, ok := doc["format"]; {
	case !ok:
		d.add(1, model.Loc{Section: model.SectionAccount, Index: -1, Key: "format", Item: -1}, "", "",
			"missing format: add `format = %d` as the first line", Format)
	default:
		n, isInt := f.(int64)
		line := d.pos.keyLine("format")
		switch {
		case !isInt:
			d.add(line, accountLoc, "", "", "format must be an integer, not %s: write `format = %d`", typeName(f), Format)
		case n > Format:
			d.add(line, accountLoc, "", "", "format = %d is newer than this rolecall reads (%d): use a newer rolecall", n, Format)
			return nil
		case n < Format:
			d.add(line, accountLoc, "", "", "format = %d is not a known format: write `format = %d`", n, Format)
		}
	}

	a := &model.Account{}
	for _, k := range sortedKeys(doc) {
		v := doc[k]
		switch k {
		case "format":
		case "account":
			d.account(a, v)
		case "privilege_codes":
			d.privilegeCodes(a, v)
		case "roles":
			n := tablesLen(v)
			a.Roles, d.roleIdx = slices.Grow(a.Roles, n), slices.Grow(d.roleIdx, n)
			d.privIdx, d.codeIdx = slices.Grow(d.privIdx, n), slices.Grow(d.codeIdx, n)
			d.elements(k, v, func(i int, m map[string]any) { d.role(a, i, m) })
		case "users":
			n := tablesLen(v)
			a.Users, d.userIdx = slices.Grow(a.Users, n), slices.Grow(d.userIdx, n)
			d.elements(k, v, func(i int, m map[string]any) { d.user(a, i, m) })
		case "environments":
			n := tablesLen(v)
			a.Environments, d.envIdx = slices.Grow(a.Environments, n), slices.Grow(d.envIdx, n)
			d.elements(k, v, func(i int, m map[string]any) { d.environment(a, i, m) })
		case "account_groups":
			d.elements(k, v, func(i int, m map[string]any) { d.accountGroup(a, i, m) })
		case "group_members":
			d.elements(k, v, func(i int, m map[string]any) { d.groupMember(a, i, m) })
		case "group_users":
			d.elements(k, v, func(i int, m map[string]any) { d.groupUser(a, i, m) })
		case "separation_of_duties":
			d.elements(k, v, func(i int, m map[string]any) { d.sodRule(a, i, m) })
		default:
			d.add(d.pos.keyLine(k), accountLoc, "", "", "unknown key %s; the top-level keys are format, account, privilege_codes, roles, users, environments, separation_of_duties, account_groups, group_members and group_users",
				quote(k))
		}
	}

	if d.limits(a) {
		for _, p := range boomiProblems(a) {
			d.probs = append(d.probs, FileProblem{Path: d.path, Line: d.lineOf(p.Loc), Problem: d.fileLoc(p)})
		}
		for _, p := range groupProblems(a, &d.groups) {
			d.probs = append(d.probs, FileProblem{Path: d.path, Line: d.lineOf(p.Loc), Problem: p})
		}
		for _, p := range model.Validate(a) {
			d.probs = append(d.probs, FileProblem{Path: d.path, Line: d.lineOf(p.Loc), Problem: d.fileLoc(p)})
		}
	}
	return a
}

// decodeTOML is what toml.Decode makes of data, as a map. A file large
// enough is cut into up to 2*procs parts at lines that start an element of
// roles, users or environments (splits, from the scanner, never inside a
// string or an array), which the TOML decoder reads at once; their tables
// are then put together. That gives the whole file's map only when no part
// could mean something else alone: each part decodes without error; every
// top-level key but roles, users and environments is in one part only; and
// those three are arrays of tables ([[roles]]) in every part that has them,
// whose elements are joined in file order. Anything else (an error, a key
// in two parts, [roles] after [[roles]], roles = [...]) is decoded again as
// one piece, so that the map, and any error and its line, are the whole
// file's. TestDecodeTOMLParts compares the two on every kind of file.
func decodeTOML(data []byte, splits []int, procs int) (map[string]any, error) {
	parts := cutParts(len(data), splits, 2*procs)
	if len(parts) > 1 {
		maps := make([]map[string]any, len(parts))
		errs := make([]error, len(parts))
		var wg sync.WaitGroup
		for i, p := range parts {
			wg.Go(func() { _, errs[i] = toml.Decode(bytesString(data[p[0]:p[1]]), &maps[i]) })
		}
		wg.Wait()
		if errors.Join(errs...) == nil {
			if doc, ok := joinParts(maps); ok {
				partsJoined.Add(1)
				return doc, nil
			}
		}
	}
	var doc map[string]any
	_, err := toml.Decode(bytesString(data), &doc)
	return doc, err
}

// bytesString is b as a string without a copy, for toml.Decode only: it
// reads its input through a strings.Reader into a copy of its own (which
// is what its keys and values then share), so nothing it returns keeps
// b's memory, and b is not changed while it runs. Copying b first, as
// string(b) would, touched the file's size in fresh memory for nothing.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// partsJoined counts the files decodeTOML decoded in parts, for the tests.
var partsJoined atomic.Int64

// minPart is the least bytes worth decoding apart (a variable for the tests).
var minPart = 256 << 10

// cutParts returns the [start, end) bounds of at most n parts of a file of
// size bytes, cut at splits (sorted offsets), each at least minPart long
// but the last; one part when the file is too small.
func cutParts(size int, splits []int, n int) [][2]int {
	if n < 2 || size < 2*minPart {
		return [][2]int{{0, size}}
	}
	var parts [][2]int
	start, k := 0, 1
	for _, at := range splits {
		if k == n {
			break
		}
		if at >= k*size/n && at-start >= minPart && size-at >= minPart/2 {
			parts = append(parts, [2]int{start, at})
			start = at
			for k < n && k*size/n <= at {
				k++
			}
		}
	}
	return append(parts, [2]int{start, size})
}

// joinParts puts the maps of the parts of a file together (see
// decodeTOML); ok is false when they might not be the whole file's map.
func joinParts(maps []map[string]any) (map[string]any, bool) {
	doc := map[string]any{}
	for _, m := range maps {
		for k, v := range m {
			switch k {
			case "roles", "users", "environments", "account_groups", "group_members", "group_users":
				tables, ok := v.([]map[string]any)
				if !ok {
					return nil, false
				}
				if prev, seen := doc[k]; seen {
					doc[k] = append(prev.([]map[string]any), tables...)
				} else {
					doc[k] = tables
				}
			default:
				if _, seen := doc[k]; seen {
					return nil, false
				}
				doc[k] = v
			}
		}
	}
	return doc, true
}

// sizes refuses, before decoding, a file that holds more than any account
// file may: too many elements of a section, too long a list, too many
// values or tables in all. It returns false when it refused.
func (d *decoder) sizes(s *scanner) bool {
	for _, l := range []struct {
		sec   model.Section
		limit int
		what  string
	}{{model.SectionRoles, MaxRoles, "custom roles"}, {model.SectionUsers, MaxUsersInFile, "users"}, {model.SectionEnvironments, MaxEnvironments, "environments"},
		{model.SectionSoD, MaxSoDRules, "separation-of-duties rules"},
		{SectionAccountGroups, MaxAccountGroups, "account groups"}, {SectionGroupMembers, MaxGroupMembers, "group members"}, {SectionGroupUsers, MaxGroupUsers, "group users"}} {
		if es := s.pos.elems[string(l.sec)]; len(es) > l.limit {
			d.add(es[l.limit].header, model.Loc{Section: l.sec, Index: l.limit, Item: -1}, "", "",
				"too many %s: rolecall reads at most %d", l.what, l.limit)
			return false
		}
	}
	switch {
	case s.longest > MaxListItems:
		d.add(s.longestLine, accountLoc, "", "", "a list of more than %d items: rolecall reads at most %d", MaxListItems, MaxListItems)
	case s.over:
		d.add(s.line, accountLoc, "", "", "the file holds more tables or values than an account file can (%d tables, %d values so far); it stops being read here", s.headers, s.values)
	default:
		return true
	}
	return false
}

// limits reports too large an account as errors; it returns false when the
// account is too large to validate.
func (d *decoder) limits(a *model.Account) bool {
	ok := true
	check := func(n, limit int, sec model.Section, what string) {
		if n > limit {
			d.add(d.pos.line(string(sec), -1, "", -1), model.Loc{Section: sec, Index: -1, Item: -1}, "", "",
				"the file has %d %s; rolecall reads at most %d", n, what, limit)
			ok = false
		}
	}
	check(len(a.Roles), MaxRoles, model.SectionRoles, "custom roles")
	check(len(a.Users), MaxUsersInFile, model.SectionUsers, "users")
	check(len(a.Environments), MaxEnvironments, model.SectionEnvironments, "environments")
	check(len(a.SeparationOfDuties), MaxSoDRules, model.SectionSoD, "separation-of-duties rules")
	groups, members, users := groupLimits(a)
	check(groups, MaxAccountGroups, SectionAccountGroups, "account groups")
	check(members, MaxGroupMembers, SectionGroupMembers, "group members")
	check(users, MaxGroupUsers, SectionGroupUsers, "group users")
	return ok
}

// fileLoc returns p with its Loc turned from account indexes into file
// element and item indexes.
func (d *decoder) fileLoc(p model.Problem) model.Problem {
	l := &p.Loc
	var idx []int
	switch l.Section {
	case model.SectionRoles:
		idx = d.roleIdx
		if l.Key == "privileges" && l.Item >= 0 && l.Index >= 0 && l.Index < len(d.privIdx) && l.Item < len(d.privIdx[l.Index]) {
			l.Item = d.privIdx[l.Index][l.Item]
		}
		if l.Key == "unknown_codes" && l.Item >= 0 && l.Index >= 0 && l.Index < len(d.codeIdx) && l.Item < len(d.codeIdx[l.Index]) {
			l.Item = d.codeIdx[l.Index][l.Item]
		}
	case model.SectionUsers:
		idx = d.userIdx
	case model.SectionEnvironments:
		idx = d.envIdx
	}
	if l.Index >= 0 && l.Index < len(idx) {
		l.Index = idx[l.Index]
	}
	return p
}

// lineOf maps a Loc in file indexes to a line.
func (d *decoder) lineOf(l model.Loc) int {
	l = d.fileLoc(model.Problem{Loc: l}).Loc
	if l.Section == model.SectionAccount || l.Section == "" {
		if l.Key != "" {
			if n := d.pos.keyLine("account." + l.Key); n > 0 {
				return n
			}
		}
		return max(d.pos.keyLine("account"), 1)
	}
	return d.pos.line(string(l.Section), l.Index, l.Key, l.Item)
}

func (d *decoder) account(a *model.Account, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		d.add(d.pos.keyLine("account"), accountLoc, "", "", "account must be a table ([account]), not %s", typeName(v))
		return
	}
	for _, k := range sortedKeys(m) {
		loc := model.Loc{Section: model.SectionAccount, Index: -1, Key: k, Item: -1}
		switch k {
		case "name":
			d.str(&a.Name, m[k], loc)
		case "advanced_user_security":
			d.boolean(&a.AdvancedUserSecurity, m[k], loc)
		case "advanced_environment_access":
			d.boolean(&a.AdvancedEnvironmentAccess, m[k], loc)
		case "boomi_account":
			d.boomiID(&a.BoomiAccount, m[k], loc, "account.boomi_account")
		case "primary":
			d.str(&a.Primary, m[k], loc)
		default:
			d.add(d.locLine(loc), loc, "", "", "unknown key %s in [account]; the keys are name, advanced_user_security, advanced_environment_access, boomi_account and primary", quote(k))
		}
	}
}

// tablesLen is how many elements the decoded array of tables v has, 0 when
// it is not a list. The account's lists are made that long at once: grown
// by append, 10,000 users would allocate five times their final size.
func tablesLen(v any) int {
	switch v := v.(type) {
	case []map[string]any:
		return len(v)
	case []any:
		return len(v)
	}
	return 0
}

// elements calls f for each table of the array of tables name.
func (d *decoder) elements(name string, v any, f func(i int, m map[string]any)) {
	sec := model.Section(name)
	switch v := v.(type) {
	case []map[string]any:
		for i, m := range v {
			f(i, m)
		}
	case []any:
		for i, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				d.add(d.pos.line(name, i, "", -1), model.Loc{Section: sec, Index: i, Item: -1}, "", "",
					"%s #%d must be a table ([[%s]]), not %s", name, i+1, name, typeName(e))
				continue
			}
			f(i, m)
		}
	default:
		d.add(d.pos.keyLine(name), model.Loc{Section: sec, Index: -1, Item: -1}, "", "",
			"%s must be a list of tables ([[%s]]), not %s", name, name, typeName(v))
	}
}

// unknownKeys reports the keys of element i of section sec that are not
// among known; subjectKey names the key whose value names the element.
func (d *decoder) unknownKeys(sec model.Section, i int, m map[string]any, subjectKey string, known ...string) {
	var unknown []string
	for k := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if unknown == nil {
		return
	}
	sort.Strings(unknown)
	what := subject(m, subjectKey)
	for _, k := range unknown {
		d.add(d.pos.line(string(sec), i, k, -1), model.Loc{Section: sec, Index: i, Key: k, Item: -1}, "", "",
			"unknown key %s in [[%s]] #%d%s; the keys are %s", quote(k), sec, i+1, what, strings.Join(known, ", "))
	}
}

func subject(m map[string]any, key string) string {
	if s, ok := m[key].(string); ok && s != "" {
		return " (" + quote(s) + ")"
	}
	return ""
}

// elemKey is the Loc of key of element i of section sec (file indexes).
func elemKey(sec model.Section, i int, key string) model.Loc {
	return model.Loc{Section: sec, Index: i, Key: key, Item: -1}
}

func (d *decoder) role(a *model.Account, i int, m map[string]any) {
	const sec = model.SectionRoles
	d.unknownKeys(sec, i, m, "name", "name", "description", "inherits", "privileges", "unknown_codes", "boomi_id")
	var r model.Role
	d.str(&r.Name, m["name"], elemKey(sec, i, "name"))
	d.str(&r.Description, m["description"], elemKey(sec, i, "description"))
	d.str(&r.Inherits, m["inherits"], elemKey(sec, i, "inherits"))
	names, items := d.strings(sec, i, "privileges", m["privileges"])
	var idx []int // the file item of each privilege kept; nil when they are all kept
	if len(names) > 0 {
		r.Privileges = make([]model.Privilege, 0, len(names))
	}
	for j, n := range names {
		item := j
		if items != nil {
			item = items[j]
		}
		p, ok := model.LookupPrivilege(n)
		if !ok {
			d.add(d.pos.line(string(sec), i, "privileges", item), model.Loc{Section: sec, Index: i, Key: "privileges", Item: item}, model.UnknownPrivilege.Rule(), r.Name,
				"role %s ticks unknown privilege %s; use a privilege's current or old name", quote(r.Name), quote(n))
			if idx == nil {
				idx = make([]int, len(r.Privileges), len(names))
				for k := range idx {
					idx[k] = k
					if items != nil {
						idx[k] = items[k]
					}
				}
			}
			continue
		}
		r.Privileges = append(r.Privileges, p)
		if idx != nil {
			idx = append(idx, item)
		}
	}
	if idx == nil && items != nil {
		idx = items
	}
	if len(names) > 0 && len(r.Privileges) == 0 {
		r.Privileges = nil
	}
	codeItems := d.unknownCodes(&r, i, m["unknown_codes"])
	d.boomiID(&r.ID, m["boomi_id"], elemKey(sec, i, "boomi_id"), "role "+quote(r.Name)+" boomi_id")
	a.Roles = append(a.Roles, r)
	d.roleIdx = append(d.roleIdx, i)
	d.privIdx = append(d.privIdx, idx)
	d.codeIdx = append(d.codeIdx, codeItems)
}

func (d *decoder) user(a *model.Account, i int, m map[string]any) {
	const sec = model.SectionUsers
	d.unknownKeys(sec, i, m, "email", "email", "name", "roles")
	var u model.User
	d.str(&u.Email, m["email"], elemKey(sec, i, "email"))
	d.str(&u.Name, m["name"], elemKey(sec, i, "name"))
	u.Roles, _ = d.strings(sec, i, "roles", m["roles"])
	a.Users = append(a.Users, u)
	d.userIdx = append(d.userIdx, i)
}

func (d *decoder) environment(a *model.Account, i int, m map[string]any) {
	const sec = model.SectionEnvironments
	d.unknownKeys(sec, i, m, "name", "name", "classification", "roles_with_access", "boomi_id")
	var e model.Environment
	d.str(&e.Name, m["name"], elemKey(sec, i, "name"))
	var c string
	d.str(&c, m["classification"], elemKey(sec, i, "classification"))
	e.Classification = model.Classification(c)
	e.RolesWithAccess, _ = d.strings(sec, i, "roles_with_access", m["roles_with_access"])
	d.boomiID(&e.ID, m["boomi_id"], elemKey(sec, i, "boomi_id"), "environment "+quote(e.Name)+" boomi_id")
	a.Environments = append(a.Environments, e)
	d.envIdx = append(d.envIdx, i)
}

// what names the value at loc (file indexes) in a message: "account.name",
// "roles #3 name".
func what(loc model.Loc) string {
	if loc.Section == model.SectionAccount {
		return "account." + loc.Key
	}
	return fmt.Sprintf("%s #%d %s", loc.Section, loc.Index+1, loc.Key)
}

// locLine is the line of loc (file indexes).
func (d *decoder) locLine(loc model.Loc) int {
	if loc.Section == model.SectionAccount {
		return d.pos.keyLine("account." + loc.Key)
	}
	return d.pos.line(string(loc.Section), loc.Index, loc.Key, loc.Item)
}

// str sets *dst from v when v is a string; nil (absent) leaves it empty.
func (d *decoder) str(dst *string, v any, loc model.Loc) {
	switch v := v.(type) {
	case nil:
	case string:
		*dst = v
	default:
		d.add(d.locLine(loc), loc, "", "", "%s must be a string, not %s: put it in double quotes", what(loc), typeName(v))
	}
}

func (d *decoder) boolean(dst *bool, v any, loc model.Loc) {
	switch v := v.(type) {
	case nil:
	case bool:
		*dst = v
	default:
		d.add(d.locLine(loc), loc, "", "", "%s must be true or false, not %s", what(loc), typeName(v))
	}
}

// strings reads a list of strings, returning them and each one's item
// index in the file, or nil items when every item was kept. Items that
// are not strings are reported and skipped.
func (d *decoder) strings(sec model.Section, i int, key string, v any) (out []string, items []int) {
	if v == nil {
		return nil, nil
	}
	where := func() string { return fmt.Sprintf("%s #%d", sec, i+1) }
	list, ok := v.([]any)
	if !ok {
		d.add(d.pos.line(string(sec), i, key, -1), model.Loc{Section: sec, Index: i, Key: key, Item: -1}, "", "",
			"%s %s must be a list of names in double quotes, like [\"A\", \"B\"], not %s", where(), key, typeName(v))
		return nil, nil
	}
	if len(list) > MaxListItems {
		d.add(d.pos.line(string(sec), i, key, -1), model.Loc{Section: sec, Index: i, Key: key, Item: -1}, "", "",
			"%s %s has %d items; rolecall reads at most %d", where(), key, len(list), MaxListItems)
		list = list[:MaxListItems]
	}
	if len(list) > 0 {
		out = make([]string, 0, len(list))
	}
	for j, e := range list {
		s, ok := e.(string)
		if !ok {
			d.add(d.pos.line(string(sec), i, key, j), model.Loc{Section: sec, Index: i, Key: key, Item: j}, "", "",
				"%s %s item %d must be a name in double quotes, not %s", where(), key, j+1, typeName(e))
			if items == nil {
				items = make([]int, len(out), len(list))
				for k := range items {
					items[k] = k
				}
			}
			continue
		}
		out = append(out, s)
		if items != nil {
			items = append(items, j)
		}
	}
	if len(out) == 0 {
		out = nil
	}
	return out, items
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// typeName names the TOML type of a decoded value.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date or time"
	case []any:
		return "a list"
	case []map[string]any:
		return "a list of tables"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

// quote returns s quoted for a one-line message, shortened when long,
// with control characters made visible.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:57]) + "..."
	}
	return model.SafeText(strconv.Quote(s))
}

// oneLine makes a decoder message safe to print on one line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:197]) + "..."
	}
	return model.SafeText(s)
}

// invalidUTF8At is the offset of the first byte of data that is not valid
// UTF-8 (len(data) when all is).
func invalidUTF8At(data []byte) int {
	off := 0
	for off < len(data) {
		r, n := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	return off
}
