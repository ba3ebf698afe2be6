package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"rolecall/model"
)

// The expectations file of `rolecall test`: access tests kept beside the
// account (README, "Access tests"). It is read as the account file is:
// a regular file of bounded size, scanned for the line of every key before
// the TOML decoder sees it, every problem with its line.

// Limits of an expectations file.
const (
	MaxExpectFileSize = 16 << 20
	MaxExpectations   = 20000 // [[expect]] and [[only]] together
	MaxExpectValues   = 1000  // names in one can, cannot, can_do or cannot_do list
)

// ExpectTables are the two arrays of tables of an expectations file.
const (
	ExpectTable = "expect"
	OnlyTable   = "only"
)

// expectKeys are the keys of an [[expect]]; onlyKeys those of an [[only]].
var (
	checkKeys  = []string{"can", "cannot", "env", "page", "opens", "can_do", "cannot_do", "sees", "access", "deploys", "schedules"}
	expectKeys = append([]string{"name", "user"}, checkKeys...)
	onlyKeys   = append([]string{"name", "who"}, checkKeys...)
)

// ExpectFile is an expectations file as read.
type ExpectFile struct {
	Path string
	// Account is the account file the expectations file names (its
	// `account` key, relative to the expectations file's directory), or
	// "" when it names none.
	Account     string
	AccountLine int
	// Expectations are the [[expect]] tables in file order, then the
	// [[only]] tables in file order; each knows its place (Index, Only).
	Expectations []model.Expectation
	pos          *positions
}

// Line is the line of an expectation's key (of item item of its list, when
// item >= 0), else of its table header.
func (f *ExpectFile) Line(only bool, index int, key string, item int) int {
	name := ExpectTable
	if only {
		name = OnlyTable
	}
	if f.pos == nil {
		return 1
	}
	return f.pos.line(name, index, key, item)
}

// HeaderLine is the line of the expectation's [[expect]] or [[only]].
func (f *ExpectFile) HeaderLine(x *model.Expectation) int { return f.Line(x.Only, x.Index, "", -1) }

// BindProblems gives the problems model.Bind found their lines.
func (f *ExpectFile) BindProblems(ps []model.ExpectProblem) []FileProblem {
	out := make([]FileProblem, 0, len(ps))
	for _, p := range ps {
		out = append(out, FileProblem{Path: f.Path, Line: f.Line(p.Only, p.Index, p.Key, p.Item),
			Problem: model.Problem{Severity: model.Error, Message: p.Message}})
	}
	return limitProblems(f.Path, out)
}

// ExpectPath is where the expectations of the account file at account are
// kept when no file is named: X.test.toml beside X.toml (X.test.toml
// beside a file X without .toml).
func ExpectPath(account string) string {
	return strings.TrimSuffix(account, ".toml") + ".test.toml"
}

// LoadExpectations reads the expectations file at path. The error is a
// *ReadError when the file cannot be read at all; problems are what is
// wrong inside it, each with its line (the file is usable only when there
// is none).
func LoadExpectations(path string) (*ExpectFile, []FileProblem, error) {
	f, fi, err := openFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if lerr := linkTrouble(path); lerr != nil {
				return nil, nil, lerr
			}
		}
		return nil, nil, err
	}
	defer f.Close()
	if fi.Size() > MaxExpectFileSize {
		return nil, nil, &ReadError{Path: path, Err: errTooLarge,
			Reason: fmt.Sprintf("it is %d MiB; rolecall reads expectations files of at most %d MiB", (fi.Size()+1<<20-1)>>20, MaxExpectFileSize>>20)}
	}
	data, _, err := readOpen(path, f, fi)
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxExpectFileSize {
		return nil, nil, &ReadError{Path: path, Err: errTooLarge, Reason: fmt.Sprintf("it grew past %d MiB while read", MaxExpectFileSize>>20)}
	}
	x, ps := DecodeExpectations(path, data)
	return x, ps, nil
}

// expectDecoder is the state of decoding one expectations file.
type expectDecoder struct {
	d   decoder
	out *ExpectFile
}

// DecodeExpectations reads an expectations file's bytes (path is for the
// problems only). The file is nil when it cannot be understood at all.
func DecodeExpectations(path string, data []byte) (*ExpectFile, []FileProblem) {
	x := &expectDecoder{d: decoder{path: path}, out: &ExpectFile{Path: path}}
	d := &x.d
	if i := bytes.IndexByte(data, 0); i >= 0 {
		d.add(lineAt(data, i), accountLoc, "", "", "the file holds a NUL byte: it is not a text file")
		return nil, d.probs
	}
	if !utf8.Valid(data) {
		off := invalidUTF8At(data)
		d.add(lineAt(data, off), accountLoc, "", "", "invalid UTF-8 (byte 0x%02x): save the file as UTF-8", data[off])
		return nil, d.probs
	}
	s := scan(data)
	d.pos = s.pos
	x.out.pos = s.pos
	switch {
	case s.deep > 0:
		d.add(s.deep, accountLoc, "", "", "arrays or tables nested more than %d deep; an expectations file needs only lists of names", maxNesting)
	case s.refusedAt > 0:
		d.add(s.refusedAt, accountLoc, "", "", "%s", expectRefusal(s.refused))
	case s.longest > MaxListItems:
		d.add(s.longestLine, accountLoc, "", "", "a list of more than %d items: rolecall reads at most %d (an [[only]] is for the few who may do a thing)", MaxListItems, MaxListItems)
	case s.over:
		d.add(s.line, accountLoc, "", "", "the file holds more tables or values than rolecall reads (%d tables, %d values so far); it stops being read here", s.headers, s.values)
	}
	if n := len(s.pos.elems[ExpectTable]) + len(s.pos.elems[OnlyTable]); n > MaxExpectations {
		has := fmt.Sprintf("%d", n)
		if s.over {
			has = fmt.Sprintf("at least %d (it was read no further)", n)
		}
		d.add(1, accountLoc, "", "", "the file has %s expectations; rolecall runs at most %d from one file: split it", has, MaxExpectations)
	}
	if len(d.probs) > 0 {
		return nil, d.probs
	}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		var pe toml.ParseError
		line, msg := 1, err.Error()
		if errors.As(err, &pe) {
			line, msg = pe.Position.Line, pe.Message
		}
		d.add(line, accountLoc, "", "", "%s", oneLine(msg))
		return nil, d.probs
	}
	for _, k := range sortedKeys(doc) {
		v := doc[k]
		switch k {
		case "account":
			s, ok := v.(string)
			x.out.AccountLine = max(d.pos.keyLine("account"), 1)
			if !ok || strings.TrimSpace(s) == "" {
				d.add(x.out.AccountLine, accountLoc, "", "", "account must be the account file's path in double quotes (relative to this file), not %s", typeName(v))
				continue
			}
			if !strings.HasSuffix(strings.ToLower(s), ".toml") {
				// An expectations file comes with a pull request: it never
				// has rolecall read, and quote in its errors, a file that is
				// no account (~/.aws/credentials, .env); -f FILE names any.
				d.add(x.out.AccountLine, accountLoc, "", "", "account names %s, which does not end in .toml; it names the account file (name another with -f FILE)", quote(s))
				continue
			}
			if filepath.IsAbs(s) {
				x.out.Account = s
			} else {
				x.out.Account = filepath.Join(filepath.Dir(path), s)
			}
		case ExpectTable, OnlyTable:
			only := k == OnlyTable
			d.elements(k, v, func(i int, m map[string]any) { x.element(only, i, m) })
		default:
			d.add(max(d.pos.keyLine(k), 1), accountLoc, "", "", "unknown key %s; an expectations file has account, [[expect]] and [[only]] (see 'rolecall test --help')", quote(k))
		}
	}
	// Each kind in file order: [[expect]] first, then [[only]].
	slices.SortStableFunc(x.out.Expectations, func(a, b model.Expectation) int {
		if a.Only != b.Only {
			if a.Only {
				return 1
			}
			return -1
		}
		return a.Index - b.Index
	})
	d.probs = limitProblems(path, d.probs)
	if HasErrors(d.probs) {
		return nil, d.probs
	}
	return x.out, d.probs
}

// expectRefusal is the scanner's refusal said of an expectations file:
// what the scanner found, without what it says of an account file's
// shape ("an account file's tables have at most 6"), which is not this
// file's.
func expectRefusal(msg string) string {
	head, rest, ok := strings.Cut(msg, ": ")
	if !ok || !strings.Contains(rest, "account file") {
		return msg
	}
	fix := ""
	if i := strings.LastIndex(rest, "; fix "); i >= 0 {
		fix = rest[i:]
	}
	return head + ": more than an expectations file holds" + fix
}

// element reads one [[expect]] (only false) or [[only]] table.
func (x *expectDecoder) element(only bool, i int, m map[string]any) {
	d := &x.d
	table := ExpectTable
	known := expectKeys
	if only {
		table, known = OnlyTable, onlyKeys
	}
	sec := model.Section(table)
	d.unknownKeys(sec, i, m, "name", known...)
	line := func(key string, item int) int { return d.pos.line(table, i, key, item) }
	bad := func(key string, format string, args ...any) {
		d.add(line(key, -1), elemKey(sec, i, key), "", "", "[[%s]] #%d: %s", table, i+1, fmt.Sprintf(format, args...))
	}
	e := model.Expectation{Index: i, Only: only}
	d.str(&e.Name, m["name"], elemKey(sec, i, "name"))
	if only {
		switch v := m["who"].(type) {
		case nil:
			bad("", "who is missing: list the users who alone may do this, like who = [\"dana@example.com\"] (who = [] for nobody)")
		case []any:
			if len(v) > MaxUsersInFile {
				bad("who", "who lists %d users; rolecall reads at most %d", len(v), MaxUsersInFile)
				break
			}
			e.Who = make([]string, 0, len(v))
			for j, it := range v {
				s, ok := it.(string)
				if !ok {
					d.add(line("who", j), elemKey(sec, i, "who"), "", "", "[[%s]] #%d: who item %d must be an email in double quotes, not %s", table, i+1, j+1, typeName(it))
					continue
				}
				e.Who = append(e.Who, s)
			}
		default:
			bad("who", "who must be a list of emails, like [\"dana@example.com\"], not %s", typeName(v))
		}
	} else {
		switch v := m["user"].(type) {
		case nil:
			bad("", "user is missing: say whose access this tests, like user = \"dana@example.com\"")
		case string:
			e.User = v
		default:
			bad("user", "user must be an email in double quotes, not %s", typeName(v))
		}
	}
	str := func(key string) (string, bool) {
		v, ok := m[key]
		if !ok {
			return "", false
		}
		s, isStr := v.(string)
		if !isStr || strings.TrimSpace(s) == "" {
			bad(key, "%s must be a name in double quotes, not %s", key, typeName(v))
			return "", false
		}
		return s, true
	}
	// names reads a key that takes one name, or (in an [[expect]]) a list.
	names := func(key string) []string {
		v, ok := m[key]
		if !ok {
			return nil
		}
		if s, isStr := v.(string); isStr && strings.TrimSpace(s) != "" {
			return []string{s}
		}
		list, isList := v.([]any)
		if !isList || only {
			if only {
				bad(key, "%s must be one name in double quotes in an [[only]], not %s", key, typeName(v))
			} else {
				bad(key, "%s must be a name in double quotes, or a list of them, not %s", key, typeName(v))
			}
			return nil
		}
		if len(list) == 0 || len(list) > MaxExpectValues {
			bad(key, "%s lists %d names; give 1 to %d", key, len(list), MaxExpectValues)
			return nil
		}
		var out []string
		for j, it := range list {
			s, ok := it.(string)
			if !ok || strings.TrimSpace(s) == "" {
				d.add(line(key, j), elemKey(sec, i, key), "", "", "[[%s]] #%d: %s item %d must be a name in double quotes, not %s", table, i+1, key, j+1, typeName(it))
				continue
			}
			out = append(out, s)
		}
		return out
	}
	boolean := func(key string) (bool, bool) {
		v, ok := m[key]
		if !ok {
			return false, false
		}
		b, isBool := v.(bool)
		if !isBool {
			bad(key, "%s must be true or false (no quotes), not %s", key, typeName(v))
			return false, false
		}
		return b, true
	}
	env, hasEnv := str("env")
	page, hasPage := str("page")
	usesEnv, usesPage := false, false
	add := func(c model.Check) { e.Checks = append(e.Checks, c) }
	for _, kw := range []struct {
		key  string
		want bool
	}{{"can", true}, {"cannot", false}} {
		for _, n := range names(kw.key) {
			p, ok := model.LookupPrivilege(n)
			if !ok {
				bad(kw.key, "no privilege %s (%s)%s", quote(n), model.UnknownPrivilege.Cite(), privilegeSuggestion(n))
				continue
			}
			add(model.Check{Kind: model.CheckPrivilege, Privilege: p, Env: env, Want: kw.want, Key: kw.key})
			usesEnv = true
		}
	}
	if o, ok := str("opens"); ok {
		pa, valid := model.ParsePageAccess(o)
		switch {
		case !valid:
			bad("opens", "opens must be \"hidden\", \"read-only\" or \"full\", not %s", quote(o))
		case !hasPage:
			bad("opens", "opens needs page = \"...\": which page opens %s", pa)
		default:
			add(model.Check{Kind: model.CheckPage, Page: page, Opens: pa, Key: "opens"})
		}
		usesPage = true
	}
	for _, kw := range []struct {
		key  string
		want bool
	}{{"can_do", true}, {"cannot_do", false}} {
		for _, n := range names(kw.key) {
			add(model.Check{Kind: model.CheckAction, Page: page, Action: n, Want: kw.want, Key: kw.key})
			usesPage = true
		}
	}
	envChecks := 0
	for _, kw := range []struct {
		key  string
		kind model.CheckKind
	}{{"sees", model.CheckSees}, {"access", model.CheckAccess}, {"deploys", model.CheckDeploys}, {"schedules", model.CheckSchedules}} {
		if kw.kind == model.CheckAccess {
			if a, ok := str("access"); ok {
				envChecks++
				if acc, valid := model.ParseAccess(a); !valid {
					bad("access", "access must be \"none\", \"read\" or \"write\", not %s", quote(a))
				} else {
					add(model.Check{Kind: model.CheckAccess, Env: env, Access: acc, Key: "access"})
				}
			}
			continue
		}
		if b, ok := boolean(kw.key); ok {
			envChecks++
			add(model.Check{Kind: kw.kind, Env: env, Want: b, Key: kw.key})
		}
	}
	if envChecks > 0 {
		usesEnv = true
		if !hasEnv {
			bad("", "sees, access, deploys and schedules need env = \"...\": which environment")
		}
	}
	if hasEnv && !usesEnv {
		bad("env", "env is used by can, cannot, sees, access, deploys and schedules, and this table has none of them")
	}
	if hasPage && !usesPage {
		bad("page", "page is used by opens, can_do and cannot_do, and this table has none of them")
	}
	if len(e.Checks) == 0 && !slices.ContainsFunc(checkKeys, func(k string) bool { _, ok := m[k]; return ok }) {
		bad("", "nothing to test: give can, cannot, opens (with page), can_do, cannot_do, or sees, access, deploys, schedules (with env)")
	}
	if only && len(e.Checks) > 1 {
		bad("", "an [[only]] tests one thing (it has %d): put each in its own [[only]]", len(e.Checks))
	}
	x.out.Expectations = append(x.out.Expectations, e)
}

// privilegeSuggestion names the privilege nearest to name, else where the
// names are listed.
func privilegeSuggestion(name string) string {
	var known []string
	for _, p := range model.AllPrivileges() {
		known = append(known, p.String())
		known = append(known, p.Info().OldNames...)
	}
	if s := model.Suggest(name, known); s != "" {
		return s
	}
	return "; 'rolecall check --help' lists the privilege names"
}

// SystemPath reports whether path, or the directory it names, is in /dev
// or /proc (directly or through a link to a directory there). A report
// written there by rename would replace /dev/stdout, a link to the
// process's output, whatever that output is (as root: for every process
// on the machine); nothing there is a place for a report.
func SystemPath(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	dirs := []string{filepath.Dir(abs)}
	if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		dirs = append(dirs, real)
	}
	for _, d := range dirs {
		for _, root := range []string{"/dev", "/proc"} {
			if d == root || strings.HasPrefix(d, root+"/") {
				return true
			}
		}
	}
	return false
}

// AccountFiles are the files that belong to the account file at path: the
// file, its backup, its lock and its audit trail (beside the file a link
// at path names, and beside path), which a report never replaces.
func AccountFiles(path string) []string {
	out := []string{path}
	bases := []string{path}
	if target, err := resolve(path); err == nil && target != path {
		bases = append(bases, target)
	}
	for _, b := range bases {
		out = append(out, b+".bak", b+".lock", b+".audit.jsonl")
	}
	return out
}

// WriteReportFile writes data to path atomically (a temporary file in the
// same directory renamed over it): a symbolic link at path is replaced,
// never followed, and a reader never sees half a report. A directory, a
// device, a pipe or a socket at path (or at the end of a link there, as
// /dev/stdout is) is refused, never replaced; so is a file ending in .toml
// and any of keep (the account and expectations files the report is
// about): a report never takes an account file's place.
func WriteReportFile(path string, data []byte, keep ...string) error {
	name := model.SafeText(path)
	if strings.HasSuffix(strings.ToLower(path), ".toml") {
		return fmt.Errorf("%s ends in .toml, as account and expectations files do; a report is never written over one: name another file (like report.xml)", name)
	}
	if SystemPath(path) {
		return fmt.Errorf("%s is in /dev or /proc, where rolecall replaces nothing (/dev/stdout is a link there: use --json for output on stdout); name a file", name)
	}
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("%s is a directory; name a file", name)
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		if target, terr := os.Stat(path); terr == nil && !target.Mode().IsRegular() {
			return fmt.Errorf("%s is a link to a directory, device, pipe or socket, which rolecall does not replace; name a file", name)
		}
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is a device, pipe or socket, which rolecall does not replace; name a file", name)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if cur, err := os.Stat(path); err == nil {
		for _, k := range keep {
			if kfi, err := os.Stat(k); err == nil && os.SameFile(cur, kfi) {
				return fmt.Errorf("%s is the account file, one rolecall keeps beside it (.bak, .lock, .audit.jsonl) or the expectations file, which the report is about; name another file", name)
			}
		}
	}
	if dfi, err := os.Stat(filepath.Dir(path)); err != nil || !dfi.IsDir() {
		return fmt.Errorf("its directory %s does not exist", model.SafeText(filepath.Dir(path)))
	}
	return writeAtomic(path, data, 0o644, nil)
}
