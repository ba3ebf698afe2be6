package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"rolecall/internal/hugeheap"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"rolecall/model"
)

// The load cache keeps what Decode made of an account file's bytes, like
// git's index, so that a one-off command on an unchanged file skips the
// TOML decoding and validation. An entry lives in $XDG_CACHE_HOME/rolecall/
// (default ~/.cache/rolecall), a directory of mode 0700, each entry a file
// of mode 0600. There is one entry per account file (by path) and build:
// its name is a hash of its key, which holds cacheSchema, the running build
// (the executable's size, modification time and inode, the Go version) and
// the file's real path, so that big.toml, ./big.toml, /home/me/big.toml
// and a link to it share one entry. The problems of an entry name the file
// as the run that wrote it did; a hit names it as this run does.
//
// An entry records the SHA-256 and size of the bytes it was made from: it
// is used only when the file's bytes, read and hashed at every load, have
// that SHA-256. Unlike git's index, the file's stat data is never taken for
// its bytes: a write through a memory mapping changes no time on tmpfs,
// and only the first write to a clean page does elsewhere. The entry is
// read and decoded while the file is read and hashed, on another thread.
//
// An entry is never trusted: it must carry the magic header, the full key
// and the checksum of everything after it, and decode to the end; anything
// else is ignored and rewritten after a fresh decode. The cache never fails
// a load: a directory or entry that is a symbolic link, not a regular file
// or directory, owned by another user or writable by others is not used,
// and a failure to write an entry is only counted (cacheStats).

// cacheSchema is the layout of an entry and of what it holds: bump it when
// the entry format, model.Account, FileProblem or model.Problem change
// (TestCacheFieldsKnown fails until then).
const cacheSchema = 9

// Bounds of the cache, variables for the tests.
var (
	cacheMaxEntries       = 16        // entries kept; the oldest are removed on write
	cacheMaxBytes   int64 = 256 << 20 // bytes kept in all
)

const (
	// cacheMaxEntry bounds one entry, read or written: an entry holds the
	// strings of a file of at most MaxFileSize bytes in fewer bytes than
	// the file spells them, and at most MaxProblems+1 problems, which may
	// quote long names. A larger entry is refused on read and not written
	// (that file is decoded on every load).
	cacheMaxEntry = 2*MaxFileSize + 1<<20
)

var cacheMagic = []byte("rolecall-cache\x00\x02")

// cacheOff is the --no-cache switch (UseCache).
var cacheOff atomic.Bool

// UseCache turns the load cache on (the default) or off. Off, Load neither
// reads nor writes it. Front ends set it once at start (--no-cache).
func UseCache(on bool) { cacheOff.Store(!on) }

// CacheEnabled reports whether Load uses the load cache (see UseCache).
func CacheEnabled() bool { return !cacheOff.Load() }

// cacheStats counts what the cache did, for tests and debugging: hits,
// misses, bad entries, refused files, writes and failed writes.
var cacheStats struct {
	hits, misses, bad, refused, writeFailures, writes atomic.Int64
}

// buildKey says which build is running; "" when it cannot be told, and then
// the cache is not used. Tests replace it.
//
// Besides the executable's size, times and inode, it holds the SHA-256 of
// its first bytes, where the Go linker writes the build ID (a hash of
// everything that went into the build): a new build copied over the old
// one, keeping its size, inode and modification time (cp -p, install -p),
// is another build.
var buildKey = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	id := fileID(fi)
	if id == "" {
		return ""
	}
	head := make([]byte, buildIDBytes)
	n, _ := io.ReadFull(f, head)
	return fmt.Sprintf("%s size=%d mtime=%d %s head=%x", runtime.Version(), fi.Size(), fi.ModTime().UnixNano(), id, sha256.Sum256(head[:n]))
})

// buildIDBytes is how much of the executable holds its build ID: the go
// command reads as much to find it.
const buildIDBytes = 32 << 10

// cacheKey is the full key of the entry of the account file at path, or
// nil when the build cannot be told.
func cacheKey(path string) []byte {
	b := buildKey()
	if b == "" {
		return nil
	}
	k := fmt.Appendf(nil, "schema=%d\x00build=%s\x00path=", cacheSchema, b)
	return append(k, path...)
}

// entryName is the file name of the entry of key.
func entryName(key []byte) string {
	s := sha256.Sum256(key)
	return hex.EncodeToString(s[:20]) + ".entry"
}

// cacheDir returns $XDG_CACHE_HOME/rolecall (default ~/.cache/rolecall).
func cacheDir() (string, error) {
	base := os.Getenv("XDG_CACHE_HOME")
	if !filepath.IsAbs(base) { // unset, or relative: the spec says ignore it
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "rolecall"), nil
}

// fileState is what an entry knows of the bytes it was made from.
type fileState struct {
	sum  [sha256.Size]byte
	size int64
	// canonical: the bytes are what Encode makes of the account.
	canonical bool
}

// cacheLookup is the entry found for an account file, opened once per
// load: parseCacheEntry's parts, or nothing (a nil *cacheLookup, or entry not
// ok) when the cache is off, unusable or holds no good entry.
type cacheLookup struct {
	c     *cacheHandle
	name  string
	key   []byte
	path  string // the account file as this run names it
	state fileState
	body  []byte // nil when there is no good entry
	found bool   // an entry was there, good or bad
	// keep: the users the account decoded from the entry is to hold
	// (LoadUsers); nil for all of them.
	keep func(email string) bool
	// The body decoded ahead (prefetch), for bytes of state's SHA-256.
	decoded  bool
	account  *model.Account
	problems []FileProblem
	// some: hit gave an account of the users keep accepted, not all.
	some bool
}

// prefetch starts reading and decoding the entry of path on another
// goroutine while the caller reads and hashes the file. parsed gives, as
// soon as the entry is read and checked and before its body is decoded,
// the state of the bytes it was made of (ok false when there is no good
// entry); wait gives what it found (nil when the cache is off or cannot be
// used), the same to every call. The body is decoded keeping the users
// keep accepts (all when nil).
func prefetch(path string, size int64, keep func(email string) bool) (parsed func() (fileState, bool), wait func() *cacheLookup) {
	if cacheOff.Load() {
		return func() (fileState, bool) { return fileState{}, false }, func() *cacheLookup { return nil }
	}
	type state struct {
		st fileState
		ok bool
	}
	first, ch := make(chan state, 1), make(chan *cacheLookup, 1)
	go func() {
		l := lookupCache(path, size)
		if l != nil {
			l.keep = keep
		}
		if l == nil || l.body == nil {
			first <- state{}
			ch <- l
			return
		}
		first <- state{l.state, true}
		a, ps, ok := decodeBodyKeeping(l.body, keep)
		if ok && keep != nil && (a == nil || len(a.Users) == 0) {
			// Nobody kept: a question about an email nobody has, whose
			// answer lists the nearest ones, so all of them (and no
			// account: nothing to keep of it).
			a, ps, ok = decodeBody(l.body)
			l.keep = nil
		}
		if ok {
			l.decoded, l.account, l.problems = true, a, ps
		} else {
			l.body = nil
		}
		ch <- l
	}()
	var once sync.Once
	var got state
	parsed = func() (fileState, bool) {
		once.Do(func() { got = <-first })
		return got.st, got.ok
	}
	return parsed, sync.OnceValue(func() *cacheLookup { return <-ch })
}

// lookupCache opens the cache and reads the entry of path, whose file has
// size bytes (-1 when unknown). It returns nil when the cache is off or
// cannot be used; the caller closes what it returns.
//
// An entry is read whole only when the file still has the size it
// records: another size is a miss, and the memory of what follows is
// prepared for the file's decoding instead (hugeheap).
func lookupCache(path string, size int64) *cacheLookup {
	l := openCacheFor(path)
	if l == nil {
		return nil
	}
	head := func(b []byte, entrySize int64) bool {
		l.found = true
		if st, ok := peekState(b, l.key); ok && size >= 0 && st.size != size {
			hugeheap.Expect(size * (decodeHeapFactor + 1))
			return false
		}
		hugeheap.Expect(entryExpect(entrySize, size))
		return true
	}
	if raw := l.c.read(l.name, head); raw != nil {
		l.found = true
		if st, body, ok := parseCacheEntry(raw, l.key); ok {
			l.state, l.body = st, body
		}
	}
	return l
}

// openCacheFor opens the cache for the entry of path without reading it;
// nil when the cache is off or cannot be used.
func openCacheFor(path string) *cacheLookup {
	if cacheOff.Load() {
		return nil
	}
	key := cacheKey(keyPath(path))
	if key == nil {
		return nil
	}
	c := openCache()
	if c == nil {
		return nil
	}
	return &cacheLookup{c: c, name: entryName(key), key: key, path: path}
}

// keyPath is the path an entry is kept under: path made absolute and
// clean, its links followed (realPath). A variable for the fuzz test,
// whose seeds hold a key made of a relative path.
var keyPath = realPath

// realPath is path made absolute and clean, then with its links followed
// when they can be (the file exists); path when the working directory
// cannot be told.
func realPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

func (l *cacheLookup) close() {
	if l != nil {
		l.c.close()
	}
}

// decode is Decode(path, data) through the entry: data has SHA-256 sum.
// A miss decodes and writes the entry.
func (l *cacheLookup) decode(path string, data []byte, sum [sha256.Size]byte) (*model.Account, []FileProblem) {
	a, ps, store := l.decodeLater(path, data, sum)
	store()
	return a, ps
}

// decodeLater is decode, but a miss writes the entry only when store is
// called (before l is closed): an edit that then saves writes the entry
// of what it saved instead, under the same name.
func (l *cacheLookup) decodeLater(path string, data []byte, sum [sha256.Size]byte) (*model.Account, []FileProblem, func()) {
	if l == nil {
		a, ps := Decode(path, data)
		return a, ps, func() {}
	}
	if a, ps, ok := l.hit(sum, int64(len(data))); ok {
		return a, ps, func() {}
	}
	if l.found {
		cacheStats.bad.Add(1)
	}
	cacheStats.misses.Add(1)
	a, ps := Decode(path, data)
	return a, ps, func() { l.store(fileState{sum: sum, size: int64(len(data))}, a, ps) }
}

// hit gives the account and problems of the entry when it is good and was
// made of bytes of SHA-256 sum and the given size: what decode would give
// for such bytes, without them.
func (l *cacheLookup) hit(sum [sha256.Size]byte, size int64) (*model.Account, []FileProblem, bool) {
	if l == nil || l.body == nil || l.state.sum != sum || l.state.size != size {
		return nil, nil, false
	}
	a, ps, ok := l.account, l.problems, l.decoded
	if !ok {
		a, ps, ok = decodeBodyKeeping(l.body, l.keep)
	}
	if ok {
		cacheStats.hits.Add(1)
		l.some = l.keep != nil
		ps = namedAs(ps, l.path)
	}
	return a, ps, ok
}

// namedAs gives the problems of an entry naming the file as path: Decode
// names it in every problem it makes, the way the run that wrote the entry
// spelled it.
func namedAs(ps []FileProblem, path string) []FileProblem {
	if !slices.ContainsFunc(ps, func(p FileProblem) bool { return p.Path != path }) {
		return ps
	}
	out := slices.Clone(ps)
	for i := range out {
		out[i].Path = path
	}
	return out
}

// store writes the entry of bytes in state st that decode to a and ps.
func (l *cacheLookup) store(st fileState, a *model.Account, ps []FileProblem) {
	// An entry takes fewer bytes than the file spells: sized from it.
	if e := appendEntry(make([]byte, 0, min(st.size, MaxFileSize)+4096), l.key, st, a, ps); len(e) <= cacheMaxEntry {
		if l.c.write(l.name, e) {
			cacheStats.writes.Add(1)
		} else {
			cacheStats.writeFailures.Add(1)
		}
	}
}

// cacheSaved writes the entry of the account file at path that a save has
// just written: data (with SHA-256 sum), the encoding of the canonical
// account c. Its account and problems are decodeEncoded's, so that the
// next load is a hit.
func cacheSaved(path string, data []byte, sum [sha256.Size]byte, c *model.Account, s *scanner) {
	l := openCacheFor(path)
	if l == nil {
		return
	}
	defer l.close()
	a, ps := decodeEncoded(path, data, c, s)
	l.store(fileState{sum: sum, size: int64(len(data)), canonical: true}, a, ps)
}

// An entry is: the magic, the length of the rest (uint64) and its CRC-32C
// (uint32), then the rest: the key's length (uint32) and the key, the
// bytes' state, and the body: the account (a presence byte, then its
// fields) and the problems. Slices are counted one more than their length,
// 0 standing for nil, so that what comes back is deep-equal to what Decode
// gave. The checksum is for damage, not for forgery: the directory is the
// user's own, and what decodes is only ever an account and its problems.

var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

func appendEntry(b, key []byte, st fileState, a *model.Account, ps []FileProblem) []byte {
	b = append(b, cacheMagic...)
	hdr := len(b)
	e := enc{b: append(b, make([]byte, 12)...)}
	e.b = binary.BigEndian.AppendUint32(e.b, uint32(len(key)))
	e.b = append(e.b, key...)
	e.state(st)
	e.account(a)
	e.problems(ps)
	rest := e.b[hdr+12:]
	binary.BigEndian.PutUint64(e.b[hdr:], uint64(len(rest)))
	binary.BigEndian.PutUint32(e.b[hdr+8:], crc32.Checksum(rest, castagnoli()))
	return e.b
}

// entryExpect is the heap lookupCache prepares (hugeheap) for an entry of
// entrySize bytes made for a file of the size the file has (size bytes):
// what reading and decoding the entry takes, unless that is not worth a
// preparation. When it is, enough for decoding the file as well: its bytes
// may still differ at the same size (an edit by hand), and a process
// prepares once only. (A same-size edit of the 100,000-user file then
// took 63,000 page faults and 1.2 s, against 2,500 and 0.7 s.)
func entryExpect(entrySize, size int64) int64 {
	n := entrySize * entryHeapFactor
	if n >= hugeheap.MinExpect && size > 0 {
		n = max(n, size*(decodeHeapFactor+1))
	}
	return n
}

// entryHeadBytes is how much of an entry lookupCache reads first: enough
// for its state after a key of the longest path.
const entryHeadBytes = 8 << 10

// peekState returns the state recorded by the entry whose first bytes are
// head, made for key, without checking the entry (its checksum covers all
// of it); ok is false when head does not hold it.
func peekState(head, key []byte) (st fileState, ok bool) {
	rest, found := bytes.CutPrefix(head, cacheMagic)
	if !found || len(rest) < 16 {
		return st, false
	}
	rest = rest[12:]
	if kl := binary.BigEndian.Uint32(rest); uint64(kl) != uint64(len(key)) || len(rest) < 4+len(key) || !bytes.Equal(rest[4:4+len(key)], key) {
		return st, false
	}
	rest = rest[4+len(key):]
	d := dec{s: string(rest[:min(len(rest), maxStateBytes)])}
	st = d.state()
	return st, !d.bad
}

// parseCacheEntry checks raw as an entry made for key and returns the state it
// records and its body, still to be decoded; ok is false when raw is not
// whole or not for key. It never panics on any bytes.
func parseCacheEntry(raw, key []byte) (st fileState, body []byte, ok bool) {
	rest, found := bytes.CutPrefix(raw, cacheMagic)
	if !found || len(rest) < 12 {
		return st, nil, false
	}
	n, sum := binary.BigEndian.Uint64(rest), binary.BigEndian.Uint32(rest[8:])
	rest = rest[12:]
	if n != uint64(len(rest)) || crc32.Checksum(rest, castagnoli()) != sum || len(rest) < 4 {
		return st, nil, false
	}
	kl := binary.BigEndian.Uint32(rest)
	rest = rest[4:]
	if uint64(kl) != uint64(len(key)) || len(rest) < len(key) || !bytes.Equal(rest[:len(key)], key) {
		return st, nil, false
	}
	rest = rest[len(key):]
	d := dec{s: string(rest[:min(len(rest), maxStateBytes)])} // not the body: it may be megabytes
	n0 := len(d.s)
	st = d.state()
	if d.bad {
		return fileState{}, nil, false
	}
	return st, rest[n0-len(d.s):], true
}

// maxStateBytes bounds what enc.state writes: the hash, a varint and a
// flag.
const maxStateBytes = sha256.Size + binary.MaxVarintLen64 + 1

// decodeBody decodes an entry's body; ok is false unless it decodes
// exactly to its end.
//
// The strings of what it returns share body's memory (no copy of a body
// of megabytes): body must never be changed afterwards.
func decodeBody(body []byte) (a *model.Account, ps []FileProblem, ok bool) {
	return decodeBodyKeeping(body, nil)
}

// decodeBodyKeeping is decodeBody, but when keep is not nil the account
// holds only the users whose email keep accepts, in their order: the body
// is still read and checked to its end, the other users without building
// them.
func decodeBodyKeeping(body []byte, keep func(email string) bool) (a *model.Account, ps []FileProblem, ok bool) {
	d := dec{keep: keep}
	if len(body) > 0 {
		d.s = unsafe.String(unsafe.SliceData(body), len(body))
	}
	a = d.account()
	ps = d.problems()
	if d.bad || len(d.s) != 0 {
		return nil, nil, false
	}
	return a, ps, true
}

// entryHeapFactor is about how many bytes of heap a one-off command
// allocates for each byte of the cache entry it reads and decodes: 17 MB
// for the 4.8 MB entry of 100,000 users, with the resolver's indexes.
const entryHeapFactor = 5

// readEntry is parseCacheEntry then decodeBody.
func readEntry(raw, key []byte) (st fileState, a *model.Account, ps []FileProblem, ok bool) {
	st, body, ok := parseCacheEntry(raw, key)
	if !ok {
		return fileState{}, nil, nil, false
	}
	if a, ps, ok = decodeBody(body); !ok {
		return fileState{}, nil, nil, false
	}
	return st, a, ps, true
}

type enc struct {
	b    []byte
	seen map[string]uint64 // what ref has written: the number of each
}

func (e *enc) uv(x uint64)  { e.b = binary.AppendUvarint(e.b, x) }
func (e *enc) iv(x int)     { e.b = binary.AppendVarint(e.b, int64(x)) }
func (e *enc) iv64(x int64) { e.b = binary.AppendVarint(e.b, x) }
func (e *enc) str(s string) {
	e.uv(uint64(len(s)))
	e.b = append(e.b, s...)
}
func (e *enc) flag(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// count writes a slice's length, 0 for a nil slice.
func (e *enc) count(n int, isNil bool) {
	if isNil {
		e.uv(0)
		return
	}
	e.uv(uint64(n) + 1)
}

func (e *enc) strs(ss []string) {
	e.count(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

// ref writes a string that is likely written before (a role's name, as
// users, environments and other roles name it): the first time as 0 and
// the string, after that as its number (from 1). An entry of 10,000 users
// and 200 environments that list 80 roles each is half as large so, and
// half as many pages to read.
func (e *enc) ref(s string) {
	if k, ok := e.seen[s]; ok {
		e.uv(k)
		return
	}
	if e.seen == nil {
		e.seen = map[string]uint64{}
	}
	e.seen[s] = uint64(len(e.seen)) + 1
	e.uv(0)
	e.str(s)
}

// refs is strs, each element written by ref.
func (e *enc) refs(ss []string) {
	e.count(len(ss), ss == nil)
	for _, s := range ss {
		e.ref(s)
	}
}

func (e *enc) state(st fileState) {
	e.b = append(e.b, st.sum[:]...)
	e.iv64(st.size)
	e.flag(st.canonical)
}

func (e *enc) account(a *model.Account) {
	e.flag(a != nil)
	if a == nil {
		return
	}
	e.str(a.Name)
	e.flag(a.AdvancedUserSecurity)
	e.flag(a.AdvancedEnvironmentAccess)
	e.str(a.BoomiAccount)
	e.count(len(a.PrivilegeCodes), a.PrivilegeCodes == nil)
	for _, row := range a.PrivilegeCodes {
		e.str(row.Code)
		e.b = append(e.b, byte(row.Privilege))
		e.str(string(row.Source))
	}
	e.count(len(a.Roles), a.Roles == nil)
	for _, r := range a.Roles {
		e.str(r.Name)
		e.str(r.Description)
		e.ref(r.Inherits)
		e.count(len(r.Privileges), r.Privileges == nil)
		for _, p := range r.Privileges {
			e.b = append(e.b, byte(p))
		}
		e.str(r.ID)
		e.strs(r.Codes)
	}
	e.count(len(a.Users), a.Users == nil)
	for _, u := range a.Users {
		e.str(u.Email)
		e.str(u.Name)
		e.refs(u.Roles)
	}
	e.count(len(a.Environments), a.Environments == nil)
	for _, v := range a.Environments {
		e.str(v.Name)
		e.str(string(v.Classification))
		e.refs(v.RolesWithAccess)
		e.str(v.ID)
	}
	e.count(len(a.Groups), a.Groups == nil)
	for _, g := range a.Groups {
		e.str(g.Name)
		e.refs(g.SharedRoles)
		e.count(len(g.Members), g.Members == nil)
		for _, m := range g.Members {
			e.str(m.File)
			e.str(m.BoomiAccount)
		}
		e.count(len(g.Users), g.Users == nil)
		for _, u := range g.Users {
			e.str(u.Email)
			e.str(u.Name)
			e.refs(u.Roles)
		}
		e.str(g.ID)
	}
	e.str(a.Primary)
	e.count(len(a.SeparationOfDuties), a.SeparationOfDuties == nil)
	for _, r := range a.SeparationOfDuties {
		e.str(r.Name)
		e.str(r.Description)
		e.privs(r.Holds)
		e.privs(r.Excludes)
		e.str(string(r.Scope))
		e.str(string(r.Classification))
		e.strs(r.Environments)
		e.acts(r.HoldsActions)
		e.acts(r.ExcludesActions)
	}
}

// acts writes a list of separation-of-duties actions.
func (e *enc) acts(as []model.SoDAction) {
	ss := make([]string, len(as))
	for i, a := range as {
		ss[i] = string(a)
	}
	if as == nil {
		ss = nil
	}
	e.strs(ss)
}

// privs writes a list of privileges, one byte each.
func (e *enc) privs(ps []model.Privilege) {
	e.count(len(ps), ps == nil)
	for _, p := range ps {
		e.b = append(e.b, byte(p))
	}
}

func (e *enc) problems(ps []FileProblem) {
	e.count(len(ps), ps == nil)
	for _, p := range ps {
		e.str(p.Path)
		e.iv(p.Line)
		e.iv(int(p.Severity))
		e.str(p.Rule)
		e.flag(p.Decision)
		e.str(string(p.Loc.Section))
		e.iv(p.Loc.Index)
		e.str(p.Loc.Key)
		e.iv(p.Loc.Item)
		e.str(p.Subject)
		e.str(p.Message)
		e.str(p.File)
		e.iv(p.LeftOutErrors)
		e.iv(p.LeftOutWarnings)
	}
}

// dec reads what enc wrote from s; bad is set on the first thing that does
// not check out, and everything read after is zero. Counts are bounded by
// the bytes left (every element takes at least one), so that no count
// allocates more than the entry's size.
type dec struct {
	s    string
	bad  bool
	slab []string // what strs carves its slices from
	seen []string // what ref has read, by number less one
	// keep, when set, says which users the account is to hold: the
	// others are read past (decodeBodyKeeping).
	keep func(email string) bool
}

func (d *dec) fail() { d.bad, d.s = true, "" }

func (d *dec) uv() uint64 {
	var x uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break
		}
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return x
		}
	}
	d.fail()
	return 0
}

func (d *dec) iv() int { return int(d.iv64()) }

func (d *dec) iv64() int64 {
	u := d.uv()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *dec) str() string {
	n := d.uv()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *dec) flag() bool {
	if len(d.s) == 0 || d.s[0] > 1 {
		d.fail()
		return false
	}
	v := d.s[0] == 1
	d.s = d.s[1:]
	return v
}

// count reads a slice's length; isNil for a nil slice.
func (d *dec) count() (n int, isNil bool) {
	x := d.uv()
	if x == 0 || d.bad {
		return 0, true
	}
	if x-1 > uint64(len(d.s)) {
		d.fail()
		return 0, true
	}
	return int(x - 1), false
}

// ref reads what enc.ref wrote.
func (d *dec) ref() string {
	k := d.uv()
	if k == 0 {
		s := d.str()
		if !d.bad {
			d.seen = append(d.seen, s)
		}
		return s
	}
	if k > uint64(len(d.seen)) {
		d.fail()
		return ""
	}
	return d.seen[k-1]
}

func (d *dec) strs() []string { return d.list(false) }

// refs reads what enc.refs wrote.
func (d *dec) refs() []string { return d.list(true) }

// skipRefs reads past what enc.refs wrote, remembering the strings it
// names for the first time, as refs does, without keeping the list.
func (d *dec) skipRefs() {
	if n, isNil := d.count(); !isNil {
		for range n {
			d.ref()
		}
	}
}

// list reads a list of strings, each written by ref when byRef.
func (d *dec) list(byRef bool) []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	if n == 0 {
		return []string{}
	}
	// Carved from one larger array: one allocation for many users' roles.
	if n > len(d.slab) {
		d.slab = make([]string, max(n, 4096))
	}
	ss := d.slab[:n:n]
	d.slab = d.slab[n:]
	for i := range ss {
		if byRef {
			ss[i] = d.ref()
		} else {
			ss[i] = d.str()
		}
	}
	return ss
}

func (d *dec) state() fileState {
	var st fileState
	if len(d.s) < len(st.sum) {
		d.fail()
		return st
	}
	copy(st.sum[:], d.s)
	d.s = d.s[len(st.sum):]
	st.size = d.iv64()
	st.canonical = d.flag()
	return st
}

func (d *dec) account() *model.Account {
	if !d.flag() {
		return nil
	}
	a := &model.Account{Name: d.str(), AdvancedUserSecurity: d.flag(), AdvancedEnvironmentAccess: d.flag(), BoomiAccount: d.str()}
	if n, isNil := d.count(); !isNil {
		a.PrivilegeCodes = make([]model.CodeRow, n)
		for i := range a.PrivilegeCodes {
			row := &a.PrivilegeCodes[i]
			row.Code = d.str()
			if len(d.s) == 0 {
				d.fail()
				break
			}
			row.Privilege = model.Privilege(d.s[0])
			d.s = d.s[1:]
			row.Source = model.CodeSource(d.str())
		}
	}
	if n, isNil := d.count(); !isNil {
		a.Roles = make([]model.Role, n)
		for i := range a.Roles {
			r := &a.Roles[i]
			r.Name, r.Description, r.Inherits = d.str(), d.str(), d.ref()
			if m, isNil := d.count(); !isNil {
				r.Privileges = make([]model.Privilege, m)
				for j := range r.Privileges {
					if len(d.s) == 0 {
						d.fail()
						break
					}
					r.Privileges[j] = model.Privilege(d.s[0])
					d.s = d.s[1:]
				}
			}
			r.ID, r.Codes = d.str(), d.strs()
		}
	}
	if n, isNil := d.count(); !isNil && d.keep != nil {
		a.Users = []model.User{}
		for range n {
			email, name := d.str(), d.str()
			if d.keep(email) {
				a.Users = append(a.Users, model.User{Email: email, Name: name, Roles: d.refs()})
			} else {
				d.skipRefs()
			}
		}
	} else if !isNil {
		a.Users = make([]model.User, n)
		for i := range a.Users {
			u := &a.Users[i]
			u.Email, u.Name, u.Roles = d.str(), d.str(), d.refs()
		}
	}
	if n, isNil := d.count(); !isNil {
		a.Environments = make([]model.Environment, n)
		for i := range a.Environments {
			v := &a.Environments[i]
			v.Name, v.Classification, v.RolesWithAccess, v.ID = d.str(), model.Classification(d.str()), d.refs(), d.str()
		}
	}
	if n, isNil := d.count(); !isNil {
		a.Groups = make([]model.AccountGroup, n)
		for i := range a.Groups {
			g := &a.Groups[i]
			g.Name, g.SharedRoles = d.str(), d.refs()
			if m, isNil := d.count(); !isNil {
				g.Members = make([]model.GroupMember, m)
				for j := range g.Members {
					g.Members[j] = model.GroupMember{File: d.str(), BoomiAccount: d.str()}
				}
			}
			if m, isNil := d.count(); !isNil {
				g.Users = make([]model.GroupUser, m)
				for j := range g.Users {
					u := &g.Users[j]
					u.Email, u.Name, u.Roles = d.str(), d.str(), d.refs()
				}
			}
			g.ID = d.str()
		}
	}
	a.Primary = d.str()
	if n, isNil := d.count(); !isNil {
		a.SeparationOfDuties = make([]model.SoDRule, n)
		for i := range a.SeparationOfDuties {
			r := &a.SeparationOfDuties[i]
			r.Name, r.Description = d.str(), d.str()
			r.Holds, r.Excludes = d.privs(), d.privs()
			r.Scope, r.Classification, r.Environments = model.SoDScope(d.str()), model.Classification(d.str()), d.strs()
			r.HoldsActions, r.ExcludesActions = d.acts(), d.acts()
		}
	}
	return a
}

// acts reads what enc.acts wrote.
func (d *dec) acts() []model.SoDAction {
	ss := d.strs()
	if ss == nil {
		return nil
	}
	out := make([]model.SoDAction, len(ss))
	for i, s := range ss {
		out[i] = model.SoDAction(s)
	}
	return out
}

// privs reads what enc.privs wrote.
func (d *dec) privs() []model.Privilege {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	ps := make([]model.Privilege, n)
	for i := range ps {
		if len(d.s) == 0 {
			d.fail()
			return nil
		}
		ps[i] = model.Privilege(d.s[0])
		d.s = d.s[1:]
	}
	return ps
}

func (d *dec) problems() []FileProblem {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	ps := make([]FileProblem, n)
	for i := range ps {
		p := &ps[i]
		p.Path = d.str()
		p.Line = d.iv()
		p.Severity = model.Severity(d.iv())
		p.Rule = d.str()
		p.Decision = d.flag()
		p.Loc.Section = model.Section(d.str())
		p.Loc.Index = d.iv()
		p.Loc.Key = d.str()
		p.Loc.Item = d.iv()
		p.Subject = d.str()
		p.Message = d.str()
		p.File = d.str()
		p.LeftOutErrors = d.iv()
		p.LeftOutWarnings = d.iv()
	}
	return ps
}
