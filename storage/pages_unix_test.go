//go:build unix

package storage

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// freePagesLazily makes the test binary return the memory it frees to the
// kernel with MADV_FREE (GODEBUG madvdontneed=0) rather than MADV_DONTNEED:
// it re-executes itself, in place, with that setting, unless GODEBUG names
// it already (as in the processes the tests start, which inherit it). The
// tests of this package allocate and drop tens of MB at a time (inputs of
// 100,000 users, 5 MB hostile files); the runtime gave the pages back
// between them and took them again, each a page fault: half of the 35,000
// of a run. The setting cannot be made otherwise: the runtime reads it at
// start only, and //go:debug does not take it.
func freePagesLazily() {
	godebug := os.Getenv("GODEBUG")
	if strings.Contains(godebug, "madvdontneed") {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	if godebug != "" {
		godebug += ","
	}
	env := []string{"GODEBUG=" + godebug + "madvdontneed=0"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GODEBUG=") {
			env = append(env, kv)
		}
	}
	syscall.Exec(exe, os.Args, env) // returns only on failure: run as we are
}

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
