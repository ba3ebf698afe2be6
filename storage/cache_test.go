package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rolecall/internal/testlong"
	"rolecall/model"
)

// TestMain keeps the load cache of every test of this package (and of the
// processes they start) out of the user's home, after freePagesLazily, and
// runs them at testlong.TuneGC's GOGC. The processes the tests start use
// the directory of the run that started them (cacheOwnEnv tells them): each
// made one of its own before, and the many that are killed never removed
// it (21,000 were left in /tmp).
func TestMain(m *testing.M) {
	freePagesLazily()
	waitInParallel()
	testlong.TuneGC() // 5.1 -> 4.5 s of CPU a run, the processes started included
	if os.Getenv(cacheOwnEnv) != "" {
		os.Exit(m.Run()) // XDG_CACHE_HOME is the starting run's
	}
	dir, err := os.MkdirTemp("", "rolecall-storage-cache")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	os.Setenv(cacheOwnEnv, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitInParallel lets twice as many parallel tests run at once as there
// are processors (the default is as many), unless -test.parallel is given:
// this package's parallel tests spend most of their time waiting, on the
// processes they start, on syncs to disk and on locks, and on the
// project's two-processor VM the run took 7.0 s at 2, 5.3 s at 4, for the
// same CPU time.
func waitInParallel() {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
}

// cacheOwnEnv is set, for the processes the tests start, to the cache
// directory TestMain made (and removes).
const cacheOwnEnv = "ROLECALL_STORAGE_TEST_CACHE"

// freshCache gives the test a cache of its own, on, and returns its
// directory (not made yet).
func freshCache(t testing.TB) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the load cache is kept on Linux only")
	}
	base := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", base)
	UseCache(true)
	t.Cleanup(func() { UseCache(true) })
	return filepath.Join(base, "rolecall")
}

// entryPath is where the entry of the file at path lives.
func entryPath(dir, path string) string {
	return filepath.Join(dir, entryName(cacheKey(path)))
}

// stateOf is the state of bytes data, with no stat data: an entry with it
// is used only once the file's bytes are read and hashed.
func stateOf(data []byte) fileState {
	return fileState{sum: sha256.Sum256(data), size: int64(len(data))}
}

// wrapEntry is an entry for key and st whose body is body, whatever it
// holds, with a checksum that checks out.
func wrapEntry(key []byte, st fileState, body []byte) []byte {
	var e enc
	e.b = binary.BigEndian.AppendUint32(e.b, uint32(len(key)))
	e.b = append(e.b, key...)
	e.state(st)
	e.b = append(e.b, body...)
	b := append(bytes.Clone(cacheMagic), binary.BigEndian.AppendUint64(nil, uint64(len(e.b)))...)
	b = binary.BigEndian.AppendUint32(b, crc32.Checksum(e.b, castagnoli()))
	return append(b, e.b...)
}

// uncached is what Load gives without the cache.
func uncached(t testing.TB, path string) *Doc {
	t.Helper()
	UseCache(false)
	defer UseCache(true)
	d, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustLoad(t testing.TB, path string) *Doc {
	t.Helper()
	d, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sameDoc(t testing.TB, what string, got, want *Doc) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: the cache gave another Doc:\n got %+v\nwant %+v", what, brief(got), brief(want))
	}
}

func brief(d *Doc) string {
	s := fmt.Sprintf("%+v", *d)
	if len(s) > 2000 {
		s = s[:2000] + "..."
	}
	return s
}

// hostileFiles are account files of every kind: valid, with warnings and
// errors, unreadable, hostile, and the decode fuzz corpus.
func hostileFiles(t testing.TB) map[string][]byte {
	t.Helper()
	hostileMu.Lock()
	defer hostileMu.Unlock()
	if hostileBuilt == nil {
		hostileBuilt = buildHostileFiles(t)
	}
	return maps.Clone(hostileBuilt) // the callers add files of their own
}

// hostileBuilt holds hostileFiles's files, made once for the package's tests
// (they are only read).
var (
	hostileMu    sync.Mutex
	hostileBuilt map[string][]byte
)

func buildHostileFiles(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{
		"good":        Encode(goodAccount()),
		"goodEncoded": []byte(goodEncoded),
		"empty":       nil,
		"syntax":      []byte("format = 1\n[account\nname = 'x'\n"),
		"unknownKeys": []byte("format = 1\nbogus = 1\n[account]\nname = 'x'\nfoo = 2\n[[roles]]\nname = 'R'\nprivilges = ['Execute']\n"),
		"control":     []byte("format = 1\n[account]\nname = \"a\\u0007\\u202e\\u001b[31mred\"\n[[users]]\nemail = \"x\\u0000@b\"\nroles = [\"Ghost\\u202e\"]\n"),
		"longName":    []byte("format = 1\n[account]\nname = \"" + strings.Repeat("n", 200000) + "\"\n[[roles]]\nname = \"" + strings.Repeat("R", 50000) + "\"\nprivileges = ['Execute']\n"),
		"binary":      {0, 1, 2, 0xff, 0xfe, '\n', 0x80},
		"notUTF8":     []byte("format = 1\n[account]\nname = \"\xff\xfe\"\n"),
		"newer":       []byte("format = 99\n"),
		"wrongTypes":  []byte("format = 1\n[account]\nname = 3\nadvanced_user_security = 'yes'\n[[users]]\nemail = 1\nroles = 'x'\n"),
		"emptyLists":  []byte("format = 1\n[account]\nname = 'x'\n[[roles]]\nname = 'R'\nprivileges = []\n[[users]]\nemail = 'a@b'\nroles = []\n[[environments]]\nname = 'E'\nclassification = 'test'\nroles_with_access = []\n"),
	}
	// More problems than are listed: the line that says how many were left.
	var many strings.Builder
	many.WriteString("format = 1\n[account]\nname = 'x'\nadvanced_user_security = true\n")
	for i := range 1500 {
		fmt.Fprintf(&many, "[[users]]\nemail = 'u%d@example.com'\nroles = ['Ghost%d']\n", i, i)
	}
	files["manyProblems"] = []byte(many.String())
	// The largest generated account has more than 127 users and roles
	// (two-byte varints in a cache entry): 500 users and 150 roles in a
	// quick run, 2,000 and 300 with ROLECALL_LONG_TESTS=1 (310 KB, which
	// costs four times as much to decode, and both tests of these files
	// decode each two or three times).
	type size struct {
		users, roles, envs int
		seed               int64
	}
	largest := size{500, 150, 10, 5}
	if testlong.Enabled() {
		largest = size{2000, 300, 40, 5}
	}
	for _, sz := range []size{{0, 0, 0, 1}, {1, 1, 1, 2}, {50, 20, 5, 3}, {300, 80, 10, 4}, largest} {
		a := model.Synthetic(sz.users, sz.roles, sz.envs, sz.seed)
		files[fmt.Sprintf("synthetic-%d-%d", sz.users, sz.seed)] = Encode(a)
		// Broken on purpose: a dangling role and a duplicate user.
		if len(a.Users) > 0 {
			b := a.Clone()
			b.Users[0].Roles = append(b.Users[0].Roles, "No Such Role")
			b.Users = append(b.Users, b.Users[0])
			files[fmt.Sprintf("synthetic-broken-%d-%d", sz.users, sz.seed)] = Encode(b)
		}
	}
	// Tied to Boomi: every Boomi key, clean and with the warnings of
	// known codes kept as unknown; and with the errors of those keys.
	files["boomi"] = Encode(boomiAccount())
	for i, sz := range []struct{ users, roles, envs int }{{1, 1, 1}, {50, 20, 5}, {400, 60, 12}} {
		files[fmt.Sprintf("boomi-%d", sz.users)] = Encode(withBoomi(model.Synthetic(sz.users, sz.roles, sz.envs, int64(i+1)), int64(i+1), false))
		files[fmt.Sprintf("boomi-known-%d", sz.users)] = Encode(withBoomi(model.Synthetic(sz.users, sz.roles, sz.envs, int64(i+1)), int64(i+1), true))
	}
	files["boomiErrors"] = []byte("format = 1\n[account]\nboomi_account = 3\n[privilege_codes]\nx = 'Execute'\nENV = 'Nope'\nOK = 4\n" +
		"[[roles]]\nname = 'R'\nboomi_id = 'r'\nunknown_codes = ['A', 'A', 'bad', 1, 'EXECUTE']\n[[roles]]\nname = 'S'\nboomi_id = 'r'\n" +
		"[[environments]]\nname = 'E'\nboomi_id = \"\\u0007\"\n")
	// Account groups: a primary's, a member's, and their errors.
	files["groups"] = Encode(groupPrimary())
	files["groupMember"] = Encode(groupMember("../acme/acme.toml"))
	big := withBoomi(model.Synthetic(400, 60, 12, 7), 7, false)
	for g := range 30 {
		gr := model.AccountGroup{Name: fmt.Sprintf("Group %d", g), SharedRoles: []string{big.Roles[g].Name}, ID: fmt.Sprintf("g%d", g)}
		for m := range 20 {
			gr.Members = append(gr.Members, model.GroupMember{File: fmt.Sprintf("m/%d-%d.toml", g, m), BoomiAccount: fmt.Sprintf("acct-%d", m)})
		}
		for u := range 40 {
			gr.Users = append(gr.Users, model.GroupUser{Email: fmt.Sprintf("u%d@g%d.example", u, g), Name: "U", Roles: []string{big.Roles[g].Name, model.StandardUser}})
		}
		big.Groups = append(big.Groups, gr)
	}
	files["groupsBig"] = Encode(big)
	files["groupErrors"] = []byte("format = 1\n[account]\nname = 'x'\nprimary = '/abs'\n[[account_groups]]\nname = 'A'\nshared_roles = 3\nboomi_id = \"\\u0007\"\n" +
		"[[account_groups]]\nname = 'a'\n[[group_members]]\ngroup = 'B'\nfile = 'x'\n[[group_members]]\ngroup = 'A'\nfile = 'c:\\\\x'\nbogus = 1\n[[group_users]]\nemail = 'e'\n")
	ents, _ := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzDecode"))
	for _, e := range ents {
		raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecode", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["corpus-"+e.Name()] = corpusBytes(t, raw)
	}
	return files
}

// corpusBytes reads the one []byte of a "go test fuzz v1" file.
func corpusBytes(t testing.TB, raw []byte) []byte {
	t.Helper()
	_, lit, ok := strings.Cut(string(raw), "\n[]byte(")
	if !ok {
		t.Fatalf("not a fuzz corpus file: %q", raw)
	}
	lit = strings.TrimSuffix(strings.TrimSpace(lit), ")")
	s, err := strconv.Unquote(lit)
	if err != nil {
		t.Fatalf("corpus literal: %v", err)
	}
	return []byte(s)
}

// The differential test: for every kind of file, a load that misses the
// cache and one that hits it give exactly the Doc that a load without the
// cache gives.
func TestCacheDifferential(t *testing.T) {
	dir := freshCache(t)
	for name, data := range hostileFiles(t) {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "acct.toml", data, 0o600)
			want := uncached(t, p)
			misses, hits := cacheStats.misses.Load(), cacheStats.hits.Load()
			miss := mustLoad(t, p)
			if cacheStats.misses.Load() != misses+1 {
				t.Fatalf("first load did not miss")
			}
			sameDoc(t, "miss", miss, want)
			if _, err := os.Stat(entryPath(dir, p)); err != nil {
				t.Fatalf("no entry written: %v", err)
			}
			hit := mustLoad(t, p)
			if cacheStats.hits.Load() != hits+1 {
				t.Fatalf("second load did not hit")
			}
			sameDoc(t, "hit", hit, want)
		})
	}
}

// An entry made for one file is never used for another: the key holds the
// bytes' hash and the path.
func TestCacheKeyedOnBytesAndPath(t *testing.T) {
	freshCache(t)
	dir := t.TempDir()
	a := filepath.Join(dir, "a.toml")
	b := filepath.Join(dir, "b.toml")
	broken := []byte("format = 1\n[account]\nname = 'x'\n[[users]]\nemail = 'a@b'\nroles = ['Ghost']\n")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, broken, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mustLoad(t, a)
	sameDoc(t, "other path", mustLoad(t, b), uncached(t, b)) // problems name b, not a
	if err := os.WriteFile(a, Encode(goodAccount()), 0o600); err != nil {
		t.Fatal(err)
	}
	sameDoc(t, "changed bytes", mustLoad(t, a), uncached(t, a))
}

// TestCacheFieldsKnown fails when a field is added to what an entry holds:
// extend enc and dec, and bump cacheSchema. Role.Shared, User.Groups and
// Account's unexported view flag are counted but not cached: they exist
// only in a member's view
// (model.GroupSet.View), never in an account decoded from a file.
func TestCacheFieldsKnown(t *testing.T) {
	for v, n := range map[reflect.Type]int{
		reflect.TypeFor[model.Account](): 12, reflect.TypeFor[model.SoDRule](): 9, reflect.TypeFor[model.AccountGroup](): 5, reflect.TypeFor[model.GroupMember](): 2, reflect.TypeFor[model.GroupUser](): 3, reflect.TypeFor[model.Role](): 7, reflect.TypeFor[model.User](): 4,
		reflect.TypeFor[model.Environment](): 4, reflect.TypeFor[model.CodeRow](): 3, reflect.TypeFor[FileProblem](): 5, reflect.TypeFor[model.Problem](): 7,
		reflect.TypeFor[model.Loc](): 4,
	} {
		if got := v.NumField(); got != n {
			t.Errorf("%v has %d fields, the cache knows %d: extend enc/dec and bump cacheSchema", v, got, n)
		}
	}
}

// forged is an entry, made for the file at path with bytes data, that
// holds another account: one that checks out, to tell whether an entry
// was read at all.
func forged(path string, data []byte) []byte {
	a := goodAccount()
	a.Name = "FORGED"
	return appendEntry(nil, cacheKey(path), stateOf(data), a, nil)
}

// A forged entry that checks out is used (so the tests below that see it
// ignored do see a refusal, not a miss).
func TestCacheReadsEntry(t *testing.T) {
	dir := freshCache(t)
	data := Encode(goodAccount())
	p := writeFile(t, "acct.toml", data, 0o600)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entryPath(dir, p), forged(p, data), 0o600); err != nil {
		t.Fatal(err)
	}
	if d := mustLoad(t, p); d.Account.Name != "FORGED" {
		t.Fatalf("the entry was not read: %q", d.Account.Name)
	}
}

// --no-cache: nothing is read, nothing written.
func TestNoCache(t *testing.T) {
	dir := freshCache(t)
	data := Encode(goodAccount())
	p := writeFile(t, "acct.toml", data, 0o600)
	UseCache(false)
	mustLoad(t, p)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cache dir made with the cache off: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entryPath(dir, p), forged(p, data), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if d := mustLoad(t, p); d.Account.Name == "FORGED" {
			t.Fatal("the entry was read with the cache off")
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("cache written with the cache off: %v", ents)
	}
}

// Entries that do not check out are ignored, and rewritten.
func TestCacheCorruptEntries(t *testing.T) {
	dir := freshCache(t)
	data := Encode(model.Synthetic(40, 10, 4, 7))
	p := writeFile(t, "acct.toml", data, 0o600)
	want := uncached(t, p)
	mustLoad(t, p)
	ep := entryPath(dir, p)
	good, err := os.ReadFile(ep)
	if err != nil {
		t.Fatal(err)
	}
	otherKey := appendEntry(nil, cacheKey(p+"x"), stateOf(data), want.Account, want.Problems)
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     good[:len(cacheMagic)],
		"truncated": good[:len(good)-1],
		"longer":    append(bytes.Clone(good), 0),
		"otherKey":  otherKey,
		"badMagic":  append([]byte("x"), good[1:]...),
	}
	for _, i := range []int{len(cacheMagic) + 2, len(cacheMagic) + 10, len(good) - 40, len(good) - 1} {
		b := bytes.Clone(good)
		b[i] ^= 0x10
		cases["flip"+strconv.Itoa(i)] = b
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(ep, b, 0o600); err != nil {
				t.Fatal(err)
			}
			bad := cacheStats.bad.Load()
			sameDoc(t, name, mustLoad(t, p), want)
			if cacheStats.bad.Load() != bad+1 {
				t.Fatalf("the entry was not found bad")
			}
			if got, _ := os.ReadFile(ep); !bytes.Equal(got, good) {
				t.Fatalf("the entry was not rewritten")
			}
		})
	}
}

// An entry whose body checks out but holds more than what it decodes to
// (one byte too many), or less, is refused.
func TestCacheEntryExact(t *testing.T) {
	key := []byte("k")
	a, ps := Decode("f.toml", []byte(goodEncoded))
	st := stateOf([]byte(goodEncoded))
	good := appendEntry(nil, key, st, a, ps)
	if _, _, _, ok := readEntry(good, key); !ok {
		t.Fatal("a good entry was refused")
	}
	var e enc
	e.account(a)
	e.problems(ps)
	body := e.b
	if _, _, _, ok := readEntry(wrapEntry(key, st, body), key); !ok {
		t.Fatal("wrapEntry made a bad entry")
	}
	for name, b := range map[string][]byte{"longer": append(bytes.Clone(body), 0), "shorter": body[:len(body)-1]} {
		if _, _, _, ok := readEntry(wrapEntry(key, st, b), key); ok {
			t.Errorf("%s body accepted", name)
		}
	}
}

// A stale entry, made by another build, is not used.
func TestCacheStaleBuild(t *testing.T) {
	dir := freshCache(t)
	data := Encode(goodAccount())
	p := writeFile(t, "acct.toml", data, 0o600)
	mustLoad(t, p)
	old := entryPath(dir, p)
	orig := buildKey
	t.Cleanup(func() { buildKey = orig })
	buildKey = func() string { return orig() + " rebuilt" }
	// The old build's entry, even under the new key's name, is refused.
	if err := os.Rename(old, entryPath(dir, p)); err != nil {
		t.Fatal(err)
	}
	bad, hits := cacheStats.bad.Load(), cacheStats.hits.Load()
	sameDoc(t, "new build", mustLoad(t, p), uncached(t, p))
	if cacheStats.bad.Load() != bad+1 || cacheStats.hits.Load() != hits {
		t.Fatalf("the old build's entry was used")
	}
	mustLoad(t, p)
	if cacheStats.hits.Load() != hits+1 {
		t.Fatalf("the rewritten entry was not used")
	}
	buildKey = func() string { return "" } // the build cannot be told
	mustLoad(t, p)
	if cacheStats.hits.Load() != hits+1 {
		t.Fatalf("cache used with no build key")
	}
}

// The cache holds at most cacheMaxEntries entries and cacheMaxBytes bytes,
// the newest.
func TestCacheBounds(t *testing.T) {
	dir := freshCache(t)
	var paths []string
	for i := range cacheMaxEntries + 4 {
		data := Encode(model.Synthetic(i, 3, 1, int64(i)))
		p := writeFile(t, "acct.toml", data, 0o600)
		mustLoad(t, p)
		paths = append(paths, entryPath(dir, p))
		time.Sleep(2 * time.Millisecond) // distinct modification times
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != cacheMaxEntries {
		t.Fatalf("%d entries, want %d", len(ents), cacheMaxEntries)
	}
	for i, ep := range paths {
		_, err := os.Stat(ep)
		if kept := i >= 4; kept != (err == nil) {
			t.Fatalf("entry %d: kept %v, stat %v", i, kept, err)
		}
	}
	orig := cacheMaxBytes
	t.Cleanup(func() { cacheMaxBytes = orig })
	cacheMaxBytes = 1
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	mustLoad(t, p)
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d entries over the byte bound, want only the new one", len(ents))
	}
}

// hostileSetup makes something hostile in or at the cache dir; the load must
// still give the fresh decode, use no entry, and write nothing through it.
func TestCacheHostile(t *testing.T) {
	data := Encode(goodAccount())
	type check func(t *testing.T)
	cases := []struct {
		name  string
		root  bool
		setup func(t *testing.T, dir, p string) check
	}{
		{name: "dirSymlink", setup: func(t *testing.T, dir, p string) check {
			target := t.TempDir()
			if err := os.Symlink(target, dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(target, filepath.Base(entryPath(dir, p))), forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			return func(t *testing.T) {
				if ents, _ := os.ReadDir(target); len(ents) != 1 {
					t.Fatalf("written through the dir link: %v", ents)
				}
			}
		}},
		{name: "entrySymlink", setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o700)
			outside := filepath.Join(t.TempDir(), "precious")
			if err := os.WriteFile(outside, forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, entryPath(dir, p)); err != nil {
				t.Fatal(err)
			}
			return func(t *testing.T) {
				if got, _ := os.ReadFile(outside); !bytes.Equal(got, forged(p, data)) {
					t.Fatal("written through the entry link")
				}
				if fi, err := os.Lstat(entryPath(dir, p)); err != nil || !fi.Mode().IsRegular() {
					t.Fatalf("the link was not replaced by an entry: %v", err)
				}
			}
		}},
		{name: "entryFIFO", setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o700)
			if err := syscall.Mkfifo(entryPath(dir, p), 0o600); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{name: "entryHardLink", setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o700)
			other := filepath.Join(dir, "other")
			if err := os.WriteFile(other, forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(other, entryPath(dir, p)); err != nil {
				t.Fatal(err)
			}
			return func(t *testing.T) {
				if got, _ := os.ReadFile(other); !bytes.Equal(got, forged(p, data)) {
					t.Fatal("written through the hard link")
				}
			}
		}},
		{name: "entryWritableByOthers", setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o700)
			ep := entryPath(dir, p)
			if err := os.WriteFile(ep, forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(ep, 0o666); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{name: "entryTooLarge", setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o700)
			ep := entryPath(dir, p)
			if err := os.WriteFile(ep, forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(ep, cacheMaxEntry+1); err != nil { // sparse
				t.Fatal(err)
			}
			return nil
		}},
		{name: "dir0777", setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o777)
			if err := os.WriteFile(entryPath(dir, p), forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			return func(t *testing.T) {
				if ents, _ := os.ReadDir(dir); len(ents) != 1 {
					t.Fatalf("written in a dir others may write: %v", ents)
				}
			}
		}},
		{name: "dirNotADir", setup: func(t *testing.T, dir, p string) check {
			if err := os.WriteFile(dir, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{name: "dirOtherOwner", root: true, setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o700)
			if err := os.WriteFile(entryPath(dir, p), forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return func(t *testing.T) {
				if ents, _ := os.ReadDir(dir); len(ents) != 1 {
					t.Fatalf("written in another user's dir: %v", ents)
				}
			}
		}},
		{name: "entryOtherOwner", root: true, setup: func(t *testing.T, dir, p string) check {
			mkdir(t, dir, 0o700)
			ep := entryPath(dir, p)
			if err := os.WriteFile(ep, forged(p, data), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(ep, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.root && os.Geteuid() != 0 {
				t.Skip("needs root to give a file to another user")
			}
			dir := freshCache(t)
			p := writeFile(t, "acct.toml", data, 0o600)
			want := uncached(t, p)
			after := c.setup(t, dir, p)
			hits, refused := cacheStats.hits.Load(), cacheStats.refused.Load()
			done := make(chan *Doc, 1)
			go func() {
				d, err := Load(p)
				if err != nil {
					t.Error(err)
				}
				done <- d
			}()
			var got *Doc
			select {
			case got = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("load blocked")
			}
			sameDoc(t, c.name, got, want)
			if cacheStats.hits.Load() != hits {
				t.Fatal("a refused entry was used")
			}
			if cacheStats.refused.Load() == refused {
				t.Fatal("nothing was refused")
			}
			if after != nil {
				after(t)
			}
		})
	}
}

func mkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}

// fuzzKeyFile is the account file of FuzzCacheEntry, at a fixed relative
// path so that the key, and the seeds made for it, are fixed.
const fuzzKeyFile = "acct.toml"

func fuzzAccountBytes() []byte { return Encode(withBoomi(model.Synthetic(5, 3, 2, 1), 1, true)) }

// fuzzEntry is a valid entry for FuzzCacheEntry's file (under its build
// key), and its key.
func fuzzEntry() (entry, key []byte) {
	data := fuzzAccountBytes()
	a, ps := Decode(fuzzKeyFile, data)
	key = cacheKey(fuzzKeyFile)
	return appendEntry(nil, key, stateOf(data), a, ps), key
}

// FuzzCacheEntry: any bytes in the entry's place never panic, give an
// account only when they are a valid entry, and leave the load exactly the
// fresh decode. The same bytes taken as an entry's body (with a checksum
// that checks out) decode or are refused, never panic, and what decodes
// encodes and decodes back to itself.
func FuzzCacheEntry(f *testing.F) {
	if runtime.GOOS != "linux" {
		f.Skip("the load cache is kept on Linux only")
	}
	orig, origPath := buildKey, keyPath
	f.Cleanup(func() { buildKey, keyPath = orig, origPath })
	buildKey = func() string { return "fuzz-build" }
	keyPath = func(p string) string { return p }
	// The file is at a relative path (so that the key is fixed); the
	// directory changes only within each input, for f.Fuzz reads the
	// seeds in testdata relative to the package.
	dir := f.TempDir()
	data := fuzzAccountBytes()
	if err := os.WriteFile(filepath.Join(dir, fuzzKeyFile), data, 0o600); err != nil {
		f.Fatal(err)
	}
	cache := f.TempDir()
	f.Setenv("XDG_CACHE_HOME", cache)
	UseCache(true)
	wantA, wantPs := Decode(fuzzKeyFile, data)
	good, key := fuzzEntry()
	ep := filepath.Join(cache, "rolecall", entryName(key))
	for _, s := range fuzzSeeds(good) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		st, a, ps, ok := readEntry(raw, key)
		forFile := ok && st.sum == sha256.Sum256(data) && st.size == int64(len(data))
		if forFile && (!reflect.DeepEqual(a, wantA) || !reflect.DeepEqual(ps, wantPs)) {
			t.Fatalf("an entry that is not the file's was accepted")
		}
		// The bytes as a body.
		if _, a, ps, ok := readEntry(wrapEntry(key, stateOf(data), raw), key); ok {
			again := appendEntry(nil, key, stateOf(data), a, ps)
			_, b, qs, ok := readEntry(again, key)
			if !ok || !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ps, qs) {
				t.Fatalf("a decoded body does not encode back to itself")
			}
		}
		// The load, with these bytes as the entry.
		t.Chdir(dir)
		if err := os.MkdirAll(filepath.Dir(ep), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(ep, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := Load(fuzzKeyFile)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d.Account, wantA) || !reflect.DeepEqual(d.Problems, wantPs) {
			t.Fatalf("the load did not give the fresh decode")
		}
		// What is left in the entry's place is a good entry for the file.
		got, _ := os.ReadFile(ep)
		st, a, ps, ok = readEntry(got, key)
		if !ok || st.sum != sha256.Sum256(data) || !reflect.DeepEqual(a, wantA) || !reflect.DeepEqual(ps, wantPs) {
			t.Fatalf("the entry was not rewritten")
		}
	})
}

// fuzzSeeds are the valid entry, its truncations and flipped bytes.
func fuzzSeeds(good []byte) [][]byte {
	seeds := [][]byte{good, nil, cacheMagic}
	for _, n := range []int{1, len(cacheMagic) + 3, len(good) / 2, len(good) - 33, len(good) - 1} {
		seeds = append(seeds, good[:n])
	}
	for _, i := range []int{0, len(cacheMagic), len(cacheMagic) + 5, len(good) - 50, len(good) - 1} {
		b := bytes.Clone(good)
		b[i] ^= 0x01
		seeds = append(seeds, b)
	}
	return seeds
}

// TestWriteCacheSeeds writes FuzzCacheEntry's seeds to testdata when
// ROLECALL_WRITE_SEEDS is set (after a change of the entry format).
func TestWriteCacheSeeds(t *testing.T) {
	if os.Getenv("ROLECALL_WRITE_SEEDS") == "" {
		t.Skip("set ROLECALL_WRITE_SEEDS=1 to write the seeds")
	}
	orig := buildKey
	t.Cleanup(func() { buildKey = orig })
	buildKey = func() string { return "fuzz-build" }
	good, _ := fuzzEntry()
	dir := filepath.Join("testdata", "fuzz", "FuzzCacheEntry")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds(good) {
		body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(s)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkLoadCache: Load of a 10,000- and a 100,000-user file with the
// cache off (as before it), cold (a miss: decode and write the entry) and
// hit.
func BenchmarkLoadCache(b *testing.B) {
	benchEachFileSize(b, func(b *testing.B, sz benchFileSize) {
		if sz.users < 10000 {
			b.Skip("10k and 100k only")
		}
		data := benchFileData(b, sz)
		p := filepath.Join(b.TempDir(), "acct.toml")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Run("off", func(b *testing.B) {
			dir := freshCache(b)
			UseCache(false)
			for b.Loop() {
				mustLoad(b, p)
			}
			if _, err := os.Stat(dir); err == nil {
				b.Fatal("cache used")
			}
		})
		b.Run("cold", func(b *testing.B) {
			dir := freshCache(b)
			misses := cacheStats.misses.Load()
			n := 0
			for b.Loop() {
				b.StopTimer()
				os.RemoveAll(dir)
				b.StartTimer()
				mustLoad(b, p)
				n++
			}
			if cacheStats.misses.Load() != misses+int64(n) {
				b.Fatal("not every load missed")
			}
		})
		b.Run("hit", func(b *testing.B) {
			freshCache(b)
			mustLoad(b, p)
			hits := cacheStats.hits.Load()
			n := 0
			for b.Loop() {
				mustLoad(b, p)
				n++
			}
			if cacheStats.hits.Load() != hits+int64(n) {
				b.Fatal("not every load hit")
			}
		})
	})
}
