package storage

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
)

// A file changed through a shared writable mapping (mmap) need not get a
// new modification or change time: tmpfs (/dev/shm) never updates them for
// a write through a mapping, and ext4 updates them only on the first write
// to a clean page. Such a change keeps the file's stat data, so an entry
// taken on stat alone would serve the old account and problems (as it did
// once: `rolecall validate` said ok for a file whose format line now says
// 9). Every load reads and hashes the bytes.
func TestCacheSeesWriteThroughMmap(t *testing.T) {
	for _, dir := range []string{"", "/dev/shm"} {
		name := "disk"
		if dir != "" {
			name = "tmpfs"
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				t.Logf("no %s", dir)
				continue
			}
		}
		t.Run(name, func(t *testing.T) {
			freshCache(t)
			d, err := os.MkdirTemp(dir, "rolecall-attack-mmap")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(d) })
			p := filepath.Join(d, "acct.toml")
			data := Encode(goodAccount())
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			m, err := syscall.Mmap(int(f.Fd()), 0, len(data), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
			if err != nil {
				t.Fatal(err)
			}
			defer syscall.Munmap(m)
			i := bytes.Index(m, []byte("format = 1"))
			m[i+9] = '1' // a first write through the mapping: the page is dirty now

			mustLoad(t, p) // writes the entry
			if d := mustLoad(t, p); d.HasErrors() {
				t.Fatalf("the file has errors before the change: %v", d.Problems)
			}

			m[i+9] = '9' // format = 9, through the same mapping
			got, want := mustLoad(t, p), uncached(t, p)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after a write through mmap the load served the old entry:\n cached problems %v\n fresh problems  %v", got.Problems, want.Problems)
			}
		})
	}
}
