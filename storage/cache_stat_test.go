package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"rolecall/internal/testlong"
	"rolecall/model"
)

// counts is a snapshot of cacheStats.
type counts struct{ hits, misses, bad, writes int64 }

func cacheCounts() counts {
	return counts{cacheStats.hits.Load(), cacheStats.misses.Load(), cacheStats.bad.Load(), cacheStats.writes.Load()}
}

func (c counts) minus(o counts) counts {
	return counts{c.hits - o.hits, c.misses - o.misses, c.bad - o.bad, c.writes - o.writes}
}

// Every load reads and hashes the file: the entry is used for those bytes
// only, and the stamp is theirs.
func TestCacheHit(t *testing.T) {
	freshCache(t)
	data := Encode(model.Synthetic(200, 40, 6, 3))
	p := writeFile(t, "acct.toml", data, 0o600)
	want := uncached(t, p)
	c0 := cacheCounts()
	sameDoc(t, "miss", mustLoad(t, p), want)
	for range 3 {
		sameDoc(t, "hit", mustLoad(t, p), want)
	}
	if d := cacheCounts().minus(c0); d != (counts{hits: 3, misses: 1, writes: 1}) {
		t.Fatalf("%+v, want one miss that writes the entry, then hits", d)
	}
}

// Any change of the bytes is seen, even one that keeps the file's size
// and puts back its modification time.
func TestCacheSeesEveryWrite(t *testing.T) {
	freshCache(t)
	a := goodAccount()
	data := Encode(a)
	p := writeFile(t, "acct.toml", data, 0o600)
	mustLoad(t, p)
	mustLoad(t, p)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte(a.Name))
	if i < 0 {
		t.Fatal("account name not in the file")
	}
	same := bytes.Clone(data)
	same[i] ^= 0x20 // same size, another account name
	if err := os.WriteFile(p, same, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	c0 := cacheCounts()
	got := mustLoad(t, p)
	sameDoc(t, "after the write", got, uncached(t, p))
	if got.Account.Name == a.Name {
		t.Fatal("the old account was given for the new bytes")
	}
	if d := cacheCounts().minus(c0); d.hits != 0 || d.misses != 1 {
		t.Fatalf("after a write: %+v, want a miss", d)
	}
}

// A file that can no longer be read is not answered from its entry.
func TestCacheUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	freshCache(t)
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	mustLoad(t, p)
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil {
		t.Fatal("an unreadable file loaded from its entry")
	}
}

// decodeEncoded gives what Decode gives for the bytes of Encode, on
// accounts of every kind: clean, with warnings, with many problems.
func TestDecodeEncoded(t *testing.T) {
	accounts := map[string]*model.Account{"good": goodAccount(), "empty": {}}
	// The largest has more than 127 users and roles (two-byte varints):
	// 1,000 users and 150 roles in a quick run, 3,000 and 300 (three times
	// the cost, in each of its four accounts) with ROLECALL_LONG_TESTS=1.
	type size struct{ users, roles, envs int }
	largest := size{1000, 150, 20}
	if testlong.Enabled() {
		largest = size{3000, 300, 40}
	}
	for i, sz := range []size{{0, 0, 0}, {1, 1, 1}, {50, 20, 5}, {400, 60, 12}, largest} {
		a := model.Synthetic(sz.users, sz.roles, sz.envs, int64(i+1))
		accounts[fmt.Sprintf("synthetic-%d", sz.users)] = a
		// Warnings: a role nobody holds an environment lists, a user with
		// no role, a per-environment role on no environment, redundant
		// ticks of the parent's privileges (which Canonical drops).
		w := a.Clone()
		w.Roles = append(w.Roles, model.Role{Name: "Unheld", Privileges: []model.Privilege{model.BuildRead}})
		w.Users = append(w.Users, model.User{Email: "nobody@example.com"})
		for j := range w.Users {
			if j%3 == 0 {
				w.Users[j].Roles = nil
			}
		}
		accounts[fmt.Sprintf("warnings-%d", sz.users)] = w
		accounts[fmt.Sprintf("boomi-%d", sz.users)] = withBoomi(a, int64(i+1), false)
		accounts[fmt.Sprintf("boomi-warnings-%d", sz.users)] = withBoomi(w, int64(i+1), true)
	}
	accounts["boomi"] = boomiAccount()
	accounts["groups"] = groupPrimary()
	accounts["groupMember"] = groupMember("../acme/acme.toml")
	for name, a := range accounts {
		t.Run(name, func(t *testing.T) {
			data := Encode(a)
			wantA, wantPs := Decode("acct.toml", data)
			gotA, gotPs := decodeEncoded("acct.toml", data, Canonical(a), nil)
			if !reflect.DeepEqual(gotA, wantA) {
				t.Fatalf("account differs from Decode's")
			}
			if !reflect.DeepEqual(gotPs, wantPs) {
				t.Fatalf("problems differ from Decode's:\n got %v\nwant %v", gotPs, wantPs)
			}
		})
	}
}

// A save writes the entry of what it wrote: the next load is a hit and
// gives what a fresh decode gives. So does a scripted edit (Update), which
// itself reads the file through the cache.
func TestCacheWrittenBySave(t *testing.T) {
	freshCache(t)
	a := model.Synthetic(300, 50, 8, 5)
	p := writeFile(t, "acct.toml", Encode(a), 0o600)
	d := mustLoad(t, p)
	b := d.Account.Clone()
	b.Name = "Saved"
	b.Users = b.Users[1:]
	if _, err := Save(p, b, d.Stamp, SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	c0 := cacheCounts()
	got := mustLoad(t, p)
	if dc := cacheCounts().minus(c0); dc.hits != 1 || dc.misses != 0 {
		t.Fatalf("the load after a save: %+v, want a hit", dc)
	}
	sameDoc(t, "after save", got, uncached(t, p))

	c0 = cacheCounts()
	if _, err := Update(p, SaveOptions{Actor: "test"}, func(a *model.Account) (*model.Account, error) {
		a.Name = "Updated"
		return a, nil
	}); err != nil {
		t.Fatal(err)
	}
	if dc := cacheCounts().minus(c0); dc.hits != 1 || dc.misses != 0 {
		t.Fatalf("the update's read: %+v, want a hit", dc)
	}
	c0 = cacheCounts()
	got = mustLoad(t, p)
	if dc := cacheCounts().minus(c0); dc.hits != 1 || dc.misses != 0 {
		t.Fatalf("the load after an update: %+v, want a hit", dc)
	}
	sameDoc(t, "after update", got, uncached(t, p))
	if got.Account.Name != "Updated" {
		t.Fatalf("name %q", got.Account.Name)
	}
}

// The entry's word that a file is in rolecall's layout holds for those
// bytes only: after a hand edit that adds a comment, Update says the file
// is rewritten.
func TestCacheCanonicalOnlyForItsBytes(t *testing.T) {
	freshCache(t)
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	edit := func(name string) int {
		calls := 0
		if _, err := Update(p, SaveOptions{Actor: "cli", Relaid: func() { calls++ }}, func(a *model.Account) (*model.Account, error) {
			a.Name = name
			return a, nil
		}); err != nil {
			t.Fatal(err)
		}
		return calls
	}
	if n := edit("One"); n != 0 {
		t.Fatalf("rolecall's own layout: Relaid called %d times", n)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append([]byte("# by hand\n"), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	if n := edit("Two"); n != 1 {
		t.Fatalf("a hand-edited file: Relaid called %d times, want 1", n)
	}
}

// An edit of a file with no entry reads it once and writes one entry: that
// of the file it saved, which the next load then finds. The entry of the
// bytes it replaced, which nothing would read again, is not written; it
// is when nothing is saved over them (a refused edit).
func TestColdEditWritesOneEntry(t *testing.T) {
	freshCache(t)
	p := writeFile(t, "acct.toml", Encode(model.Synthetic(200, 40, 6, 3)), 0o600)
	c0 := cacheCounts()
	saved, err := Update(p, SaveOptions{}, func(a *model.Account) (*model.Account, error) {
		addUser(a, "cold@example.com")
		return a, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cacheCounts().minus(c0); d != (counts{misses: 1, writes: 1}) {
		t.Fatalf("%+v, want one miss and one entry written", d)
	}
	c1 := cacheCounts()
	sameDoc(t, "after the edit", mustLoad(t, p), uncached(t, p))
	if d := cacheCounts().minus(c1); d.hits != 1 || d.misses != 0 {
		t.Fatalf("%+v: the load after a cold edit did not find the saved file's entry", d)
	}
	if saved.FindUser("cold@example.com") < 0 {
		t.Fatal("the edit is not in the account saved")
	}

	q := writeFile(t, "other.toml", Encode(model.Synthetic(100, 20, 4, 5)), 0o600)
	c2 := cacheCounts()
	if _, err := Update(q, SaveOptions{}, func(*model.Account) (*model.Account, error) { return nil, errors.New("refused") }); err == nil {
		t.Fatal("a refused edit saved")
	}
	if d := cacheCounts().minus(c2); d != (counts{misses: 1, writes: 1}) {
		t.Fatalf("%+v: a refused edit of a file with no entry should write the file's entry", d)
	}
	c3 := cacheCounts()
	mustLoad(t, q)
	if d := cacheCounts().minus(c3); d.hits != 1 {
		t.Fatalf("%+v: the load after a refused edit missed", d)
	}
}

// One file named several ways (relative, with ./ or ../ in it, absolute,
// through a link to it or to its directory) has one entry: a later run that spells it otherwise finds it, and the
// problems it gives name the file as that run does, as a fresh decode
// would.
func TestCacheOneEntryForEverySpelling(t *testing.T) {
	freshCache(t)
	a := model.Synthetic(200, 40, 6, 3)
	a.Users[0].Roles = append(a.Users[0].Roles, "Nobody Has This Role") // an error: its problems name the file
	p := writeFile(t, "acct.toml", Encode(a), 0o600)
	dir, base := filepath.Split(p)
	t.Chdir(dir)
	if err := os.Symlink(base, filepath.Join(dir, "link.toml")); err != nil {
		t.Fatal(err)
	}
	dirLink := filepath.Join(t.TempDir(), "dirlink")
	if err := os.Symlink(dir, dirLink); err != nil {
		t.Fatal(err)
	}
	spellings := []string{base, "./" + base, filepath.Join("..", filepath.Base(dir), base), p, filepath.Join(dir, ".", base), "link.toml", filepath.Join(dirLink, base)}
	c0 := cacheCounts()
	for i, sp := range spellings {
		want := uncached(t, sp)
		if len(want.Problems) == 0 || want.Problems[0].Path != sp {
			t.Fatalf("%s: the fresh decode names no problem with this path: %+v", sp, want.Problems)
		}
		sameDoc(t, sp, mustLoad(t, sp), want)
		d := cacheCounts().minus(c0)
		if i == 0 && d != (counts{misses: 1, writes: 1}) || i > 0 && d != (counts{hits: int64(i), misses: 1, writes: 1}) {
			t.Fatalf("after %d spellings (%s): %+v, want one miss and then hits", i+1, sp, d)
		}
	}
}
