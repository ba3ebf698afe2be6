//go:build unix

package storage

import (
	"os"
	"syscall"
	"testing"
)

// untouched returns n zero bytes that no one has written: a private
// anonymous mapping, read-only. Its pages cost nothing until they are
// read (and then a shared zero page each, not fresh memory): a decoder
// that refuses an input by its length alone never touches them, where a
// 64 MiB buffer filled by the test cost 16,000 page faults (0.4 s of CPU
// on the project's VM). It is unmapped when t ends.
func untouched(t testing.TB, n int) []byte {
	t.Helper()
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(b) })
	return b
}

// mapFile maps the file at name read-only for the rest of t: its pages are
// the page cache's, not fresh memory, and only those read are faulted in.
func mapFile(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() == 0 {
		return nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(b) })
	return b
}
