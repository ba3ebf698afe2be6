package storage

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"rolecall/internal/testcost"
	"rolecall/model"
)

// An entry made for bytes of another size than the file has now cannot
// answer: lookupCache reads only its head, not the megabytes after it, and
// the load that follows decodes the file, as it did before.
func TestCacheStaleEntryNotReadWhole(t *testing.T) {
	freshCache(t)
	path := filepath.Join(t.TempDir(), "account.toml")
	old := Encode(model.Synthetic(2000, 100, 20, 1))
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, path) // writes the entry

	same := lookupCache(path, int64(len(old)))
	defer same.close()
	if same == nil || same.body == nil {
		t.Fatal("the entry of the file as it is was not read")
	}
	var stale *cacheLookup
	read := testcost.Allocated(func() { stale = lookupCache(path, int64(len(old))+1) })
	defer stale.close()
	if stale == nil || !stale.found || stale.body != nil {
		t.Fatalf("entry for another size: found %v, body of %d bytes; want found and not read", stale != nil && stale.found, len(stale.body))
	}
	if entry := len(same.body); read > uint64(entry)/2 {
		t.Errorf("looking up an entry for another size allocated %d bytes; the entry's body is %d", read, entry)
	}

	edited := Encode(model.Synthetic(2001, 100, 20, 1))
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	misses := cacheStats.misses.Load()
	doc := mustLoad(t, path)
	if cacheStats.misses.Load() != misses+1 {
		t.Error("the load of the edited file was not a miss")
	}
	want, _ := Decode(path, edited)
	if !reflect.DeepEqual(doc.Account, want) {
		t.Error("the load of the edited file is not what decoding it gives")
	}
}

func TestPeekState(t *testing.T) {
	key := []byte("schema=1\x00build=x\x00path=/a/b.toml")
	st := fileState{size: 12345, canonical: true}
	st.sum[0], st.sum[31] = 7, 9
	e := appendEntry(nil, key, st, model.Synthetic(10, 3, 2, 1), nil)
	for n := 0; n <= len(e); n++ {
		got, ok := peekState(e[:n], key)
		want := n >= len(cacheMagic)+16+len(key)+len(st.sum)+4 // a 3-byte varint and a flag
		if ok != want {
			t.Fatalf("peekState of the first %d bytes: ok %v, want %v", n, ok, want)
		}
		if ok && got != st {
			t.Fatalf("peekState of the first %d bytes = %+v, want %+v", n, got, st)
		}
		if n > 200 {
			break
		}
	}
	other := append([]byte(nil), key...)
	other[len(other)-1] = 'x'
	if _, ok := peekState(e, other); ok {
		t.Error("peekState read the state of an entry made for another key")
	}
}

// What a likely hit prepares: nothing worth a collection for a small
// entry (a cached check at 10,000 users measured no faster with one), and
// once a preparation is made, enough for decoding the file too.
func TestEntryExpect(t *testing.T) {
	for _, c := range []struct {
		entry, file, want int64
	}{
		{542 << 10, 1486 << 10, 542 << 10 * entryHeapFactor},            // 10,000 users: not worth one
		{4823 << 10, 13115 << 10, 13115 << 10 * (decodeHeapFactor + 1)}, // 100,000 users: the file's decoding
		{4 << 20, 512 << 10, 4 << 20 * entryHeapFactor},                 // an entry larger than its file's decoding
		{4823 << 10, -1, 4823 << 10 * entryHeapFactor},                  // the file's size unknown
	} {
		if got := entryExpect(c.entry, c.file); got != c.want {
			t.Errorf("entryExpect(%d, %d) = %d, want %d", c.entry, c.file, got, c.want)
		}
	}
}
