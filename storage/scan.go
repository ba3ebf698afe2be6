package storage

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"rolecall/model"
)

// The TOML decoder does not report where each key is, so a small scanner of
// the file text records the line of every key, table header and array item
// that a problem may have to point at. It runs before the decoder, on any
// input, and must therefore stop on anything (every loop advances) and bound
// its own recursion (maxNesting), which also protects the decoder from
// hostile nesting.

// maxNesting is the deepest nesting of arrays and inline tables read. An
// account file needs 1 (an array of names).
const maxNesting = 32

// Bounds on keys and strings. The TOML decoder's work per key grows with the
// number of parts of the key's whole path (table header, dotted key, the
// keys of enclosing inline tables) times their length, for every key and
// every prefix of a dotted key: a 40 KB key of 20,000 parts costs it
// gigabytes. An account file's longest path has 2 parts
// ("account.name", "roles" then "name") of at most 27 bytes, and its
// longest string is a description of MaxDescription characters.
// maxStringChars counts the characters of a string as written, an escape
// sequence as one: so that a string read is never longer than that, and
// nor is its encoding (Encode writes each character as itself or as one
// escape), and a file rolecall writes is always one it reads.
const (
	maxKeyParts    = 8
	maxKeyBytes    = 256
	maxStringChars = 64 << 10
	// maxTableKeys bounds the keys of one table or inline table (an
	// account file's have at most 6, but [privilege_codes], which
	// MaxPrivilegeCodes bounds): one table of a million keys costs the
	// decoder seconds.
	maxTableKeys = 64
)

// maxItemLines bounds how many item lines are remembered per key.
const maxItemLines = 1 << 16

// positions holds the lines found by scan.
type positions struct {
	// keys maps each dotted key path outside arrays of tables, and each
	// prefix of it, to the line where it first appears: "format",
	// "account" (the [account] header), "account.name".
	keys map[string]int
	// elems maps the name of an array of tables ("roles") to its elements,
	// in file order.
	elems map[string][]*elemPos
}

// elemPos is one [[roles]], [[users]] or [[environments]] element.
type elemPos struct {
	header int
	// keys are the element's keys (by the first component), in the order
	// first seen; index maps them to their place once there are more than
	// a few, so that finding one never costs more than a map lookup.
	keys  []keyPos
	index map[string]int
}

// keyPos is one key inside an element, with the line of each item of its
// array value when it has one.
type keyPos struct {
	name  string
	line  int
	items []int
}

// smallKeys is how many keys of an element are looked up by a linear
// search before they get a map.
const smallKeys = 8

// key returns the element's key named name, or nil.
func (e *elemPos) key(name string) *keyPos {
	if e.index != nil {
		if i, ok := e.index[name]; ok {
			return &e.keys[i]
		}
		return nil
	}
	for i := range e.keys {
		if e.keys[i].name == name {
			return &e.keys[i]
		}
	}
	return nil
}

// addKey records key name at line unless it is known, or the element has
// maxKeyLines keys already; it returns the key when it was added.
func (e *elemPos) addKey(name string, line int) *keyPos {
	if e.key(name) != nil || len(e.keys) >= maxKeyLines {
		return nil
	}
	if e.keys == nil {
		e.keys = make([]keyPos, 0, 4) // an account file's elements have 3 or 4 keys
	}
	e.keys = append(e.keys, keyPos{name: name, line: line})
	if e.index != nil {
		e.index[name] = len(e.keys) - 1
	} else if len(e.keys) > smallKeys {
		e.index = make(map[string]int, 2*len(e.keys))
		for i, k := range e.keys {
			e.index[k.name] = i
		}
	}
	return &e.keys[len(e.keys)-1]
}

// keyLine returns the line of a top-level key path, or 0.
func (p *positions) keyLine(path string) int { return p.keys[path] }

// elem returns element i of the array of tables name, or nil.
func (p *positions) elem(name string, i int) *elemPos {
	es := p.elems[name]
	if i < 0 || i >= len(es) {
		return nil
	}
	return es[i]
}

// line returns the best line for a key of element i of the array of tables
// name: the item's line, else the key's, else the element header's, else
// the line of a top-level `name = [...]`, else 1. Negative values mean
// "none" for i and item; key "" means the element itself.
func (p *positions) line(name string, i int, key string, item int) int {
	if i < 0 {
		if e := p.elem(name, 0); e != nil {
			return e.header
		}
		return max(p.keys[name], 1)
	}
	e := p.elem(name, i)
	if e == nil {
		return max(p.keys[name], 1)
	}
	kp := e.key(key)
	if key == "" || kp == nil {
		return e.header
	}
	if item >= 0 && item < len(kp.items) {
		return kp.items[item]
	}
	return kp.line
}

type scanner struct {
	data  []byte
	i     int
	line  int
	pos   *positions
	table []string // current [table] path when not in an array of tables
	elem  *elemPos // current array-of-tables element, or nil
	sub   []string // path below the element ([roles.x] after [[roles]])
	// elemSlab is where newElem takes elements from; parts is key's
	// scratch space (what it returns is valid until its next call).
	elemSlab []elemPos
	itemSlab []int
	parts    []string
	// splits are the offsets of the lines that start a [[roles]],
	// [[users]] or [[environments]] element: where the file may be cut
	// for decoding its parts at once (decodeTOML).
	splits []int
	deep   int // line where nesting went past maxNesting, or 0
	// refusedAt is the line of a construct no account file holds and the
	// decoder must not see (refused says what), or 0; scanning stops there.
	refusedAt int
	refused   string
	// path is the number of parts and bytes of the key path of the
	// current table, then of the value being scanned.
	pathParts, pathBytes int
	tableKeys            int // keys of the current table so far
	// codesTable: the current table is [privilege_codes], whose keys are
	// bounded by MaxPrivilegeCodes rather than maxTableKeys.
	codesTable bool

	values      int  // keys and array items seen
	longest     int  // items of the longest array, up to MaxListItems+1
	longestLine int  // where it starts
	headers     int  // table headers seen
	over        bool // a limit was passed: scanning stopped
}

// Scanning stops when the file holds more than an account file may, so that
// neither the scanner nor the decoder works on the rest.
const (
	maxHeaders = MaxUsersInFile + MaxRoles + MaxEnvironments + MaxSoDRules + MaxAccountGroups + MaxGroupMembers + MaxGroupUsers + 10
	// maxValues bounds the values of the whole file. A real account at the
	// limits has far fewer: 100,000 users with a few roles each (about 11
	// values a user), roles with at most every privilege, environments
	// listing a few dozen roles each.
	// Groups: a group user as a user (and its group), a member 3 values,
	// a group a few dozen shared roles.
	maxValues = MaxUsersInFile*11 + MaxRoles*40 + MaxEnvironments*200 + MaxGroupUsers*12 + MaxGroupMembers*3 + MaxAccountGroups*40 + MaxSoDRules*80
)

func (s *scanner) stopped() bool { return s.deep > 0 || s.over || s.refusedAt > 0 }

// refuse stops scanning at line, for the reason given.
func (s *scanner) refuse(line int, format string, args ...any) {
	if s.refusedAt == 0 {
		s.refusedAt, s.refused = line, fmt.Sprintf(format, args...)
	}
}

// enter adds the parts and bytes of a key to the current path, refusing a
// path longer than an account file's can be. It returns the path before,
// for leaving the key again.
func (s *scanner) enter(line int, parts []string, n int) (int, int) {
	pp, pb := s.pathParts, s.pathBytes
	s.pathParts += len(parts)
	s.pathBytes += n
	switch {
	case s.pathParts > maxKeyParts:
		s.refuse(line, "a key or table name with more than %d parts (a.b.c...): an account file's keys have at most 2; fix this line", maxKeyParts)
	case s.pathBytes > maxKeyBytes:
		s.refuse(line, "a key or table name longer than %d bytes: an account file's keys are short names such as advanced_user_security; fix this line", maxKeyBytes)
	}
	return pp, pb
}

// newItems returns an empty list of item lines with room for a few,
// carved from a slab (a longer list is moved out when it grows).
func (s *scanner) newItems() []int {
	const room = 4
	if len(s.itemSlab) < room {
		s.itemSlab = make([]int, 1024*room)
	}
	items := s.itemSlab[:0:room]
	s.itemSlab = s.itemSlab[room:]
	return items
}

// newElem returns a new element's positions, carved from a slab.
func (s *scanner) newElem() *elemPos {
	if len(s.elemSlab) == 0 {
		s.elemSlab = make([]elemPos, 1024)
	}
	e := &s.elemSlab[0]
	s.elemSlab = s.elemSlab[1:]
	return e
}

// scan records the positions of keys in data in s.pos, and counts what the
// decoder will have to build. s.deep is the line where arrays or inline
// tables nest more than maxNesting deep (scanning stops there), or 0.
func scan(data []byte) (s *scanner) {
	s = &scanner{data: data, line: 1, pos: &positions{keys: map[string]int{}, elems: map[string][]*elemPos{}}}
	for s.i < len(s.data) && !s.stopped() {
		switch c := s.data[s.i]; c {
		case '\n':
			s.line++
			s.i++
		case ' ', '\t', '\r':
			s.i++
		case '#':
			s.toEOL()
		case '[':
			s.header()
		default:
			s.keyValue()
		}
	}
	return s
}

func (s *scanner) peek() byte {
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// toEOL advances to the next newline, leaving it unread.
func (s *scanner) toEOL() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		s.i++
	}
}

func (s *scanner) spaces() {
	for s.i < len(s.data) && (s.data[s.i] == ' ' || s.data[s.i] == '\t') {
		s.i++
	}
}

// blank skips spaces, newlines and comments.
func (s *scanner) blank() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '\n':
			s.line++
			s.i++
		case ' ', '\t', '\r':
			s.i++
		case '#':
			s.toEOL()
		default:
			return
		}
	}
}

// key reads a dotted key up to stop, '=' or the end of the line. It
// returns the parts, and the bytes they take in the file. Parts past
// maxKeyParts, or past maxKeyBytes in all, are skipped but not kept: the
// key is refused (enter) before anything else looks at it. The parts are
// valid until the next call: a caller that keeps them copies them.
func (s *scanner) key(stop byte) (parts []string, n int) {
	parts = s.parts[:0]
	defer func() { s.parts = parts[:0] }()
	keep := func(start int) bool {
		n += s.i - start
		return len(parts) <= maxKeyParts && n <= maxKeyBytes
	}
	for s.i < len(s.data) {
		s.spaces()
		start := s.i
		switch s.peek() {
		case '"':
			s.str('"', true)
			if !keep(start) {
				parts = append(parts, "")
				break
			}
			raw := string(s.data[start:s.i])
			if u, err := strconv.Unquote(raw); err == nil {
				parts = append(parts, u)
			} else {
				parts = append(parts, strings.Trim(raw, `"`))
			}
		case '\'':
			s.str('\'', false)
			if !keep(start) {
				parts = append(parts, "")
				break
			}
			parts = append(parts, strings.Trim(string(s.data[start:s.i]), "'"))
		default:
			for s.i < len(s.data) {
				c := s.data[s.i]
				if c == ' ' || c == '\t' || c == '.' || c == '=' || c == '\n' || c == '\r' || c == '#' || c == stop {
					break
				}
				s.i++
			}
			if s.i > start {
				if keep(start) {
					parts = append(parts, bareKey(s.data[start:s.i]))
				} else {
					parts = append(parts, "")
				}
			}
		}
		s.spaces()
		if s.peek() != '.' {
			return parts, n
		}
		s.i++
	}
	return parts, n
}

// bareKey is the string of a bare key, without allocating for the keys an
// account file has.
func bareKey(b []byte) string {
	switch string(b) {
	case "name":
		return "name"
	case "email":
		return "email"
	case "roles":
		return "roles"
	case "users":
		return "users"
	case "environments":
		return "environments"
	case "privileges":
		return "privileges"
	case "description":
		return "description"
	case "inherits":
		return "inherits"
	case "classification":
		return "classification"
	case "roles_with_access":
		return "roles_with_access"
	case "unknown_codes":
		return "unknown_codes"
	case "boomi_id":
		return "boomi_id"
	case "group":
		return "group"
	case "file":
		return "file"
	case "shared_roles":
		return "shared_roles"
	}
	return string(b)
}

// splitsAt reports whether the elements of the array of tables name may
// start a part of the file decoded apart (decodeTOML, joinParts).
func splitsAt(name string) bool {
	switch name {
	case "roles", "users", "environments", "account_groups", "group_members", "group_users":
		return true
	}
	return false
}

func (s *scanner) header() {
	line, at := s.line, bytes.LastIndexByte(s.data[:s.i], '\n')+1
	s.i++
	array := s.peek() == '['
	if array {
		s.i++
	}
	parts, n := s.key(']')
	s.toEOL()
	if s.headers++; s.headers > maxHeaders {
		s.over = true
	}
	s.pathParts, s.pathBytes, s.tableKeys = 0, 0, 0
	s.codesTable = !array && len(parts) == 1 && parts[0] == "privilege_codes"
	if s.enter(line, parts, n); s.stopped() || len(parts) == 0 {
		return
	}
	if array {
		name := parts[0]
		if len(parts) > 1 {
			name = strings.Join(parts, ".")
		}
		e := s.newElem()
		e.header = line
		if splitsAt(name) {
			s.splits = appendDoubling(s.splits, at)
		}
		s.pos.elems[name] = appendDoubling(s.pos.elems[name], e)
		s.elem, s.sub, s.table = e, nil, nil
		return
	}
	parts = slices.Clone(parts) // kept past the next key
	if es := s.pos.elems[parts[0]]; len(es) > 0 && len(parts) > 1 {
		s.elem, s.sub, s.table = es[len(es)-1], parts[1:], nil
		s.elem.addKey(parts[1], line)
		return
	}
	s.elem, s.sub, s.table = nil, nil, parts
	s.record(parts, line)
}

// appendDoubling is append, but a full slice doubles: a long list grown
// by append (by a quarter at a time past 256 items) allocates five times
// its final size, one grown by doubling twice.
func appendDoubling[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 16))
	}
	return append(s, v)
}

// maxKeyLines bounds how many keys' lines are remembered, at the top level
// and in each element; an account file has a handful. Problems about keys
// beyond them point at the table's header, or line 1.
const maxKeyLines = 4096

// record notes line for path and each of its prefixes not seen yet.
func (s *scanner) record(path []string, line int) {
	if len(s.pos.keys) >= maxKeyLines {
		return
	}
	if len(path) == 1 {
		if _, ok := s.pos.keys[path[0]]; !ok {
			s.pos.keys[path[0]] = line
		}
		return
	}
	for n := 1; n <= len(path); n++ {
		k := strings.Join(path[:n], ".")
		if _, ok := s.pos.keys[k]; !ok {
			s.pos.keys[k] = line
		}
	}
}

func (s *scanner) keyValue() {
	line := s.line
	start := s.i
	parts, n := s.key(0)
	if s.peek() != '=' || len(parts) == 0 {
		s.toEOL()
		if s.i == start {
			s.i++ // never stall
		}
		return
	}
	s.i++
	if s.values++; s.values > maxValues {
		s.over = true
	}
	pp, pb := s.enter(line, parts, n)
	defer func() { s.pathParts, s.pathBytes = pp, pb }()
	if s.codesTable {
		if s.tableKeys++; s.tableKeys > MaxPrivilegeCodes {
			s.refuse(line, "[privilege_codes] with more than %d codes: rolecall reads at most %d; fix the file from this line", MaxPrivilegeCodes, MaxPrivilegeCodes)
		}
	} else {
		s.keys(line, &s.tableKeys)
	}
	if s.stopped() {
		return
	}
	var kp *keyPos
	if s.elem != nil {
		first, whole := parts[0], len(parts) == 1 && len(s.sub) == 0
		if len(s.sub) > 0 {
			first = s.sub[0]
		}
		if k := s.elem.addKey(first, line); k != nil && whole {
			kp = k
		}
	} else {
		s.record(append(append([]string(nil), s.table...), parts...), line)
	}
	s.value(0, kp)
	s.toEOL()
}

// value skips one value at nesting depth, recording the lines of the items
// of a first-level array into kp when kp is not nil.
func (s *scanner) value(depth int, kp *keyPos) {
	s.spaces()
	switch s.peek() {
	case '"':
		if s.hasPrefix(`"""`) {
			s.multi('"', true)
		} else {
			s.str('"', true)
		}
	case '\'':
		if s.hasPrefix(`'''`) {
			s.multi('\'', false)
		} else {
			s.str('\'', false)
		}
	case '[':
		s.array(depth+1, kp)
	case '{':
		s.inline(depth + 1)
	default:
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case ',', ']', '}', '\n', '#', '[', '{':
				return
			}
			s.i++
		}
	}
}

func (s *scanner) hasPrefix(p string) bool {
	return bytes.HasPrefix(s.data[s.i:], []byte(p))
}

// str skips a one-line string opened by q.
func (s *scanner) str(q byte, escapes bool) {
	start := s.i
	defer s.stringSize(start, s.line, escapes)
	s.i++
	for s.i < len(s.data) {
		switch c := s.data[s.i]; {
		case c == '\n':
			return // unterminated: the decoder reports it
		case c == '\\' && escapes && s.i+1 < len(s.data) && s.data[s.i+1] != '\n':
			s.i += 2
		case c == q:
			s.i++
			return
		default:
			s.i++
		}
	}
}

// keys counts a key of a table whose keys so far are *n, refusing more
// than maxTableKeys.
func (s *scanner) keys(line int, n *int) {
	if *n++; *n > maxTableKeys {
		s.refuse(line, "a table with more than %d keys: an account file's tables have at most 6 (but [privilege_codes]); fix the file from this line", maxTableKeys)
	}
}

// stringSize refuses a string, begun at start on line, that is longer than
// any account file's value can be.
func (s *scanner) stringSize(start, line int, escapes bool) {
	if s.i-start > maxStringChars && stringChars(s.data[start:s.i], escapes) > maxStringChars {
		s.refuse(line, "a string of more than %d characters: no value in an account file is that long (a description holds at most %d); fix this line", maxStringChars, model.MaxDescription)
	}
}

// stringChars counts the characters of a string as written (quotes
// included): UTF-8 sequences and, when escapes apply, escape sequences
// (\n, \u00e9, \U0001F600) count one each. It is at least the number of
// characters the string holds.
func stringChars(b []byte, escapes bool) int {
	n := 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c&0xc0 == 0x80: // a continuation byte
			i++
			continue
		case c == '\\' && escapes && i+1 < len(b):
			switch b[i+1] {
			case 'u':
				i += 6
			case 'U':
				i += 10
			default:
				i += 2
			}
		default:
			i++
		}
		n++
	}
	return n
}

// multi skips a multi-line string opened by three q.
func (s *scanner) multi(q byte, escapes bool) {
	start := s.i
	defer s.stringSize(start, s.line, escapes)
	s.i += 3
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '\n':
			s.line++
			s.i++
		case c == '\\' && escapes:
			s.i++
			if s.peek() == '\n' {
				s.line++
			}
			if s.i < len(s.data) {
				s.i++
			}
		case c == q && s.hasPrefix(string([]byte{q, q, q})):
			s.i += 3
			for n := 0; n < 2 && s.peek() == q; n++ {
				s.i++
			}
			return
		default:
			s.i++
		}
	}
}

func (s *scanner) array(depth int, kp *keyPos) {
	if depth > maxNesting {
		s.deep = s.line
		return
	}
	s.i++ // '['
	line, n := s.line, 0
	defer func() {
		if n > s.longest {
			s.longest, s.longestLine = n, line
		}
	}()
	for s.i < len(s.data) && !s.stopped() {
		s.blank()
		switch s.peek() {
		case 0:
			return
		case ']':
			s.i++
			return
		case ',':
			s.i++
			continue
		case '=', '}':
			s.i++ // garbage; the decoder reports it
			continue
		}
		if n++; n > MaxListItems {
			s.over = true
		}
		if s.values++; s.values > maxValues {
			s.over = true
		}
		if kp != nil && depth == 1 && len(kp.items) < maxItemLines {
			if kp.items == nil {
				kp.items = s.newItems()
			}
			kp.items = append(kp.items, s.line)
		}
		start := s.i
		s.value(depth, nil)
		if s.i == start {
			s.i++
		}
	}
}

func (s *scanner) inline(depth int) {
	if depth > maxNesting {
		s.deep = s.line
		return
	}
	s.i++ // '{'
	keys := 0
	for s.i < len(s.data) && !s.stopped() {
		s.blank()
		switch s.peek() {
		case 0:
			return
		case '}':
			s.i++
			return
		case ',':
			s.i++
			continue
		}
		start, line := s.i, s.line
		parts, n := s.key('}')
		if s.peek() == '=' {
			s.i++
			if s.values++; s.values > maxValues {
				s.over = true
			}
			pp, pb := s.enter(line, parts, n)
			if s.keys(line, &keys); !s.stopped() {
				s.value(depth, nil)
			}
			s.pathParts, s.pathBytes = pp, pb
		}
		if s.i == start {
			s.i++
		}
	}
}
