package storage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rolecall/internal/testcost"
	"rolecall/model"
)

// A load from the cache hashes the file without holding all of it: on a
// virtual machine every page of a buffer the size of the file is a page
// fault, which cost a cached check at 10,000 users a quarter of its time.
// Comments make a file larger without changing its account or its entry,
// so what a hit allocates must not grow with them (it grew by the 2 MiB).
func TestCacheHitDoesNotHoldTheFile(t *testing.T) {
	freshCache(t)
	dir := t.TempDir()
	small, padded := filepath.Join(dir, "small.toml"), filepath.Join(dir, "padded.toml")
	data := Encode(model.Synthetic(100, 10, 4, 1))
	pad := bytes.Repeat([]byte("# "+strings.Repeat("x", 76)+"\n"), 2<<20/80) // 2 MiB of comments
	for p, b := range map[string][]byte{small: data, padded: append(append([]byte(nil), pad...), data...)} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		mustLoad(t, p) // writes the entry
	}
	var hits int64
	cost := func(p string) uint64 {
		h := cacheStats.hits.Load()
		n := testcost.Allocated(func() { mustLoad(t, p) })
		hits += cacheStats.hits.Load() - h
		return n
	}
	// The smallest of a few loads, so that a collection or another test's
	// allocations in between do not count.
	least := func(p string) uint64 {
		m := cost(p)
		for range 2 {
			m = min(m, cost(p))
		}
		return m
	}
	s, l := least(small), least(padded)
	if hits != 6 {
		t.Fatalf("%d of 6 loads came from the cache", hits)
	}
	if l > s+1<<20 {
		t.Errorf("a hit on a file with 2 MiB more comments allocates %d bytes more (%d against %d): it holds the file", l-s, l, s)
	}
}

// A file changed to other bytes of the same size is read again and decoded,
// never answered from the entry of the bytes it had.
func TestCacheHitSameSizeOtherBytes(t *testing.T) {
	freshCache(t)
	p := filepath.Join(t.TempDir(), "a.toml")
	one := Encode(model.Synthetic(30, 6, 3, 1))
	if err := os.WriteFile(p, one, 0o600); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, p)
	i := bytes.Index(one, []byte("@"))
	two := bytes.Clone(one)
	two[i-1] = 'z' // the same length, another user
	if bytes.Equal(one, two) {
		t.Fatal("the edit changed nothing")
	}
	if err := os.WriteFile(p, two, 0o600); err != nil {
		t.Fatal(err)
	}
	hits := cacheStats.hits.Load()
	got := mustLoad(t, p)
	if cacheStats.hits.Load() != hits {
		t.Error("the entry of the old bytes was used")
	}
	sameDoc(t, "same size, other bytes", got, uncached(t, p))
}

// An entry writes a role's name once, however many users, environments and
// roles name it, and gives back each name exactly as it was written: in
// another case, dangling, or empty.
func TestCacheEntryNamesRolesOnce(t *testing.T) {
	long := strings.Repeat("Integration Release Manager ", 4) // 112 bytes
	a := &model.Account{Name: "x", Roles: []model.Role{{Name: long}, {Name: "Child", Inherits: long}, {Name: "Other", Inherits: "GHOST"}}}
	for i := range 1000 {
		roles := []string{long}
		switch i % 4 {
		case 1:
			roles = []string{strings.ToUpper(long), "Child"}
		case 2:
			roles = []string{"Ghost", "", long}
		case 3:
			roles = []string{}
		}
		a.Users = append(a.Users, model.User{Email: fmt.Sprintf("u%d@example.com", i), Roles: roles})
	}
	for i := range 50 {
		a.Environments = append(a.Environments, model.Environment{Name: fmt.Sprintf("Env %d", i), RolesWithAccess: []string{long, "Child", "ghost"}})
	}
	key := []byte("k")
	entry := appendEntry(nil, key, fileState{}, a, nil)
	if len(entry) > 40_000 {
		t.Errorf("the entry is %d bytes: the 112-byte role name, named 1,100 times, is written more than once", len(entry))
	}
	_, got, _, ok := readEntry(entry, key)
	if !ok {
		t.Fatal("the entry was refused")
	}
	if !reflect.DeepEqual(got, a) {
		t.Errorf("the entry gave another account")
	}
}
