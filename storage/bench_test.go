package storage

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"rolecall/model"
)

// Load and save of generated accounts (model.Synthetic). Budgets on a
// 2-core machine (docs/performance.md): load of the 10,000-user file
// (decode, validate, index) <= 150 ms, save (encode and write, with the
// lock and the audit entry) <= 100 ms, load at 100,000 users < 2 s. The
// 100k size is skipped under -short.

type benchFileSize struct {
	name               string
	users, roles, envs int
	large              bool
}

var benchFileSizes = []benchFileSize{
	{name: "1k", users: 1000, roles: 300, envs: 50},
	{name: "10k", users: 10000, roles: 1000, envs: 200},
	{name: "100k", users: 100000, roles: 3000, envs: 500, large: true},
}

var (
	benchFileMu    sync.Mutex
	benchFileCache = map[string][]byte{}
)

func benchFileData(b *testing.B, sz benchFileSize) []byte {
	b.Helper()
	benchFileMu.Lock()
	defer benchFileMu.Unlock()
	if data, ok := benchFileCache[sz.name]; ok {
		return data
	}
	data := Encode(model.Synthetic(sz.users, sz.roles, sz.envs, 1))
	benchFileCache[sz.name] = data
	return data
}

func benchEachFileSize(b *testing.B, fn func(b *testing.B, sz benchFileSize)) {
	for _, sz := range benchFileSizes {
		b.Run(sz.name, func(b *testing.B) {
			if sz.large && testing.Short() {
				b.Skip("100k size skipped under -short")
			}
			fn(b, sz)
		})
	}
}

// BenchmarkLoad: the bytes of a file to an account ready to answer
// questions: Decode (which validates) and the resolver's indexes.
func BenchmarkLoad(b *testing.B) {
	benchEachFileSize(b, func(b *testing.B, sz benchFileSize) {
		data := benchFileData(b, sz)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			a, ps := Decode("bench.toml", data)
			if a == nil || HasErrors(ps) {
				b.Fatalf("decode: %v", Errors(ps))
			}
			_ = model.NewResolver(a)
		}
	})
}

// BenchmarkLoadFile: Load from disk (read, decode, validate) and index.
func BenchmarkLoadFile(b *testing.B) {
	benchEachFileSize(b, func(b *testing.B, sz benchFileSize) {
		path := filepath.Join(b.TempDir(), "account.toml")
		if err := os.WriteFile(path, benchFileData(b, sz), 0o600); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			doc, err := Load(path)
			if err != nil || doc.Account == nil || HasErrors(doc.Problems) {
				b.Fatalf("load: %v %v", err, Errors(doc.Problems))
			}
			_ = model.NewResolver(doc.Account)
		}
	})
}

// BenchmarkEncode: an account to the bytes of its file.
func BenchmarkEncode(b *testing.B) {
	benchEachFileSize(b, func(b *testing.B, sz benchFileSize) {
		a := model.Synthetic(sz.users, sz.roles, sz.envs, 1)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_ = Encode(a)
		}
	})
}

// BenchmarkSave: Save to a file in a temporary directory: validate, lock,
// check the file did not change since it was loaded, encode, write
// atomically, audit. Each iteration saves over the previous one.
func BenchmarkSave(b *testing.B) {
	benchEachFileSize(b, func(b *testing.B, sz benchFileSize) {
		// Two versions, saved in turn, so that every save writes (saving
		// what is on disk already writes nothing): as the TUI does, each
		// save passes the stamp the previous one returned.
		a := model.Synthetic(sz.users, sz.roles, sz.envs, 1)
		a2 := a.Clone()
		a2.Name += " (edited)"
		versions := []*model.Account{a, a2}
		path := filepath.Join(b.TempDir(), "account.toml")
		st, err := Save(path, a, Stamp{}, SaveOptions{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if st, err = Save(path, versions[(i+1)%2], st, SaveOptions{Actor: "bench"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScan: the line scanner alone (the pass before the TOML decoder
// that bounds hostile input and records where each key is).
func BenchmarkScan(b *testing.B) {
	benchEachFileSize(b, func(b *testing.B, sz benchFileSize) {
		data := benchFileData(b, sz)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if s := scan(data); s.stopped() {
				b.Fatal("scan stopped")
			}
		}
	})
}
