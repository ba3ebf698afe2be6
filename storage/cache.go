package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"rolecall/model"
)

// The load cache keeps what Decode made of an account file's bytes, like
// git's index, so that a one-off command on an unchanged file skips the
// TOML decoding and validation. An entry lives in $XDG_CACHE_HOME/rolecall/
// (default ~/.cache/rolecall), a directory of mode 0700, each entry a file
// of mode 0600. It is keyed on the SHA-256 of the file's bytes, the path
// (the problems name it), the running build (the executable's size,
// modification time and inode, the Go version) and cacheSchema. An entry is
// never trusted: it must carry the magic header, the full key and the
// checksum of its body, and decode to the end; anything else is ignored
// and rewritten after a fresh decode. The cache never fails a load: a
// directory or entry that is a symbolic link, not a regular file or
// directory, owned by another user or writable by others is not used, and
// a failure to write an entry is only counted (cacheStats).

// cacheSchema is the layout of an entry and of what it holds: bump it when
// the entry format, model.Account, FileProblem or model.Problem change
// (TestCacheFieldsKnown fails until then).
const cacheSchema = 1

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

var cacheMagic = []byte("rolecall-cache\x00\x01")

// cacheOff is the --no-cache switch (UseCache).
var cacheOff atomic.Bool

// UseCache turns the load cache on (the default) or off. Off, Load neither
// reads nor writes it. Front ends set it once at start (--no-cache).
func UseCache(on bool) { cacheOff.Store(!on) }

// CacheEnabled reports whether Load uses the load cache (see UseCache).
func CacheEnabled() bool { return !cacheOff.Load() }

// cacheStats counts what the cache did, for tests and debugging.
var cacheStats struct {
	hits, misses, bad, refused, writeFailures, writes atomic.Int64
}

// buildKey says which build is running; "" when it cannot be told, and then
// the cache is not used. Tests replace it.
var buildKey = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	id := fileID(fi)
	if id == "" {
		return ""
	}
	return fmt.Sprintf("%s size=%d mtime=%d %s", runtime.Version(), fi.Size(), fi.ModTime().UnixNano(), id)
})

// cacheKey is the full key of the entry of the bytes data (whose SHA-256 is
// sum) at path, or nil when the build cannot be told.
func cacheKey(path string, sum [sha256.Size]byte, size int) []byte {
	b := buildKey()
	if b == "" {
		return nil
	}
	k := fmt.Appendf(nil, "schema=%d\x00build=%s\x00sha256=%x\x00size=%d\x00path=", cacheSchema, b, sum, size)
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

// cachedDecode is Decode(path, data) through the cache; sum is the SHA-256
// of data.
func cachedDecode(path string, data []byte, sum [sha256.Size]byte) (*model.Account, []FileProblem) {
	if cacheOff.Load() {
		return Decode(path, data)
	}
	key := cacheKey(path, sum, len(data))
	if key == nil {
		return Decode(path, data)
	}
	c := openCache()
	if c == nil {
		return Decode(path, data)
	}
	defer c.close()
	name := entryName(key)
	if raw := c.read(name); raw != nil {
		if a, ps, ok := readEntry(raw, key); ok {
			cacheStats.hits.Add(1)
			return a, ps
		}
		cacheStats.bad.Add(1)
	}
	cacheStats.misses.Add(1)
	a, ps := Decode(path, data)
	if e := appendEntry(nil, key, a, ps); len(e) <= cacheMaxEntry {
		if c.write(name, e) {
			cacheStats.writes.Add(1)
		} else {
			cacheStats.writeFailures.Add(1)
		}
	}
	return a, ps
}

// An entry is: the magic, the key's length (uint32) and the key, the
// body's length (uint64), the SHA-256 of the body, and the body: the
// account (a presence byte, then its fields) and the problems. Slices are
// counted one more than their length, 0 standing for nil, so that what
// comes back is deep-equal to what Decode gave.

func appendEntry(b, key []byte, a *model.Account, ps []FileProblem) []byte {
	var e enc
	e.account(a)
	e.problems(ps)
	sum := sha256.Sum256(e.b)
	b = append(b, cacheMagic...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(key)))
	b = append(b, key...)
	b = binary.BigEndian.AppendUint64(b, uint64(len(e.b)))
	b = append(b, sum[:]...)
	return append(b, e.b...)
}

// readEntry returns what the entry raw holds when it is whole and made for
// key; ok is false otherwise. It never panics on any bytes.
func readEntry(raw, key []byte) (a *model.Account, ps []FileProblem, ok bool) {
	rest, found := bytes.CutPrefix(raw, cacheMagic)
	if !found || len(rest) < 4 {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(rest)
	rest = rest[4:]
	if uint64(n) != uint64(len(key)) || len(rest) < len(key) || !bytes.Equal(rest[:len(key)], key) {
		return nil, nil, false
	}
	rest = rest[len(key):]
	if len(rest) < 8+sha256.Size {
		return nil, nil, false
	}
	bl := binary.BigEndian.Uint64(rest)
	rest = rest[8:]
	var sum [sha256.Size]byte
	copy(sum[:], rest)
	body := rest[sha256.Size:]
	if bl != uint64(len(body)) || sha256.Sum256(body) != sum {
		return nil, nil, false
	}
	d := dec{s: string(body)}
	a = d.account()
	ps = d.problems()
	if d.bad || len(d.s) != 0 {
		return nil, nil, false
	}
	return a, ps, true
}

type enc struct{ b []byte }

func (e *enc) uv(x uint64) { e.b = binary.AppendUvarint(e.b, x) }
func (e *enc) iv(x int)    { e.b = binary.AppendVarint(e.b, int64(x)) }
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

func (e *enc) account(a *model.Account) {
	e.flag(a != nil)
	if a == nil {
		return
	}
	e.str(a.Name)
	e.flag(a.AdvancedUserSecurity)
	e.flag(a.AdvancedEnvironmentAccess)
	e.count(len(a.Roles), a.Roles == nil)
	for _, r := range a.Roles {
		e.str(r.Name)
		e.str(r.Description)
		e.str(r.Inherits)
		e.count(len(r.Privileges), r.Privileges == nil)
		for _, p := range r.Privileges {
			e.b = append(e.b, byte(p))
		}
	}
	e.count(len(a.Users), a.Users == nil)
	for _, u := range a.Users {
		e.str(u.Email)
		e.str(u.Name)
		e.strs(u.Roles)
	}
	e.count(len(a.Environments), a.Environments == nil)
	for _, v := range a.Environments {
		e.str(v.Name)
		e.str(string(v.Classification))
		e.strs(v.RolesWithAccess)
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
		e.iv(p.LeftOutErrors)
		e.iv(p.LeftOutWarnings)
	}
}

// dec reads what enc wrote from s; bad is set on the first thing that does
// not check out, and everything read after is zero. Counts are bounded by
// the bytes left (every element takes at least one), so that no count
// allocates more than the entry's size.
type dec struct {
	s   string
	bad bool
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

func (d *dec) iv() int {
	u := d.uv()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return int(x)
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

func (d *dec) strs() []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *dec) account() *model.Account {
	if !d.flag() {
		return nil
	}
	a := &model.Account{Name: d.str(), AdvancedUserSecurity: d.flag(), AdvancedEnvironmentAccess: d.flag()}
	if n, isNil := d.count(); !isNil {
		a.Roles = make([]model.Role, n)
		for i := range a.Roles {
			r := &a.Roles[i]
			r.Name, r.Description, r.Inherits = d.str(), d.str(), d.str()
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
		}
	}
	if n, isNil := d.count(); !isNil {
		a.Users = make([]model.User, n)
		for i := range a.Users {
			u := &a.Users[i]
			u.Email, u.Name, u.Roles = d.str(), d.str(), d.strs()
		}
	}
	if n, isNil := d.count(); !isNil {
		a.Environments = make([]model.Environment, n)
		for i := range a.Environments {
			v := &a.Environments[i]
			v.Name, v.Classification, v.RolesWithAccess = d.str(), model.Classification(d.str()), d.strs()
		}
	}
	return a
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
		p.LeftOutErrors = d.iv()
		p.LeftOutWarnings = d.iv()
	}
	return ps
}
