package storage

import (
	"reflect"
	"testing"

	"rolecall/model"
)

// A role description may hold invalid UTF-8 (validation refuses it only in
// names): a CLI argument such as `role add R --description $'\xff'` carries
// it. Encode writes such a byte as U+FFFD, so the file decodes to
// "\uFFFD", but the entry a save writes holds decodeEncoded's account, the
// canonical account itself, with the raw byte: the next load is a cache hit
// that gives another account than a fresh decode of the same file.
func TestCacheInvalidUTF8Description(t *testing.T) {
	freshCache(t)
	p := writeFile(t, "acct.toml", Encode(goodAccount()), 0o600)
	if _, err := Update(p, SaveOptions{Actor: "test"}, func(a *model.Account) (*model.Account, error) {
		a.Roles[0].Description = "bad \xff byte"
		return a, nil
	}); err != nil {
		t.Fatal(err)
	}
	got := mustLoad(t, p)
	want := uncached(t, p)
	if !reflect.DeepEqual(got.Account, want.Account) {
		for i := range got.Account.Roles {
			if g, w := got.Account.Roles[i].Description, want.Account.Roles[i].Description; g != w {
				t.Errorf("role %q: cached description %q, fresh decode %q", got.Account.Roles[i].Name, g, w)
			}
		}
		t.Fatal("the cache hit after a save gives another account than a fresh decode of the file")
	}
}

// The same through decodeEncoded directly: it must give what Decode gives
// for Encode(a), for every account a save accepts.
func TestDecodeEncodedInvalidUTF8(t *testing.T) {
	a := goodAccount()
	a.Roles[1].Description = "caf\xe9"
	mustValid(t, a)
	data := Encode(a)
	wantA, wantPs := Decode("acct.toml", data)
	gotA, gotPs := decodeEncoded("acct.toml", data, Canonical(a), nil)
	if !reflect.DeepEqual(gotA, wantA) {
		t.Fatalf("decodeEncoded's account differs from Decode's of the same bytes")
	}
	if !reflect.DeepEqual(gotPs, wantPs) {
		t.Fatalf("problems differ:\n got %v\nwant %v", gotPs, wantPs)
	}
}
