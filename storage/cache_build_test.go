package storage

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAttackBuildHelper is not a test: the child of
// TestCacheNewBuildInPlace, run when ATTACK_BUILD_HELPER is set.
// It loads the file and prints every problem.
func TestAttackBuildHelper(t *testing.T) {
	f := os.Getenv("ATTACK_BUILD_HELPER")
	if f == "" {
		t.Skip("helper process only")
	}
	os.Setenv("XDG_CACHE_HOME", os.Getenv("ATTACK_CACHE")) // TestMain gave this process a cache of its own
	d, err := Load(f)
	if err != nil {
		fmt.Println("load:", err)
		os.Exit(3)
	}
	for _, p := range d.Problems {
		fmt.Println(p.String())
	}
	os.Exit(0)
}

// The build key was the executable's size, modification time, device and
// inode, not its contents: a new build copied over the old one in place
// (cp keeps the inode) with the same size and the same pinned modification
// time (cp -p / install -p of a reproducible build, whose files all carry
// one fixed time) was taken for the old build, and every entry the old
// build wrote was trusted by the new one. Here the "new build" is this test
// binary with one message changed ("twice" -> "TWICE", the same size) and,
// as any other build has, another Go build ID: it must not print the old
// build's message from the cache.
func TestCacheNewBuildInPlace(t *testing.T) {
	cache := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	const old, new = "ticks %q twice; saving keeps one", "ticks %q TWICE; saving keeps one"
	if !bytes.Contains(orig, []byte(old)) {
		t.Skip("the message is not in the binary as one string")
	}
	bin := filepath.Join(t.TempDir(), "rolecall.test")
	if err := os.WriteFile(bin, orig, 0o755); err != nil {
		t.Fatal(err)
	}
	pinned := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(bin, pinned, pinned); err != nil {
		t.Fatal(err)
	}
	acct := writeFile(t, "acct.toml", []byte("format = 1\n[account]\nname = \"A\"\nadvanced_user_security = true\n[[roles]]\nname = \"R\"\nprivileges = [\"Execute\", \"Execute\"]\n[[users]]\nemail = \"a@example.com\"\nroles = [\"R\"]\n"), 0o600)
	run := func() string {
		cmd := exec.Command(bin, "-test.run=^TestAttackBuildHelper$")
		cmd.Env = append(os.Environ(), "ATTACK_BUILD_HELPER="+acct, "ATTACK_CACHE="+cache)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := run(); !strings.Contains(out, "twice") {
		t.Fatalf("the old build: %s", out)
	}

	// The new build, copied over the old one in place, the time pinned.
	f, err := os.OpenFile(bin, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(rebuilt(t, bytes.ReplaceAll(orig, []byte(old), []byte(new)))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(bin, pinned, pinned); err != nil {
		t.Fatal(err)
	}
	if out := run(); !strings.Contains(out, "TWICE") {
		t.Fatalf("the new build printed the old build's problems, from the old build's cache entry:\n%s", out)
	}
}

// rebuilt is exe with another Go build ID, as a build of other sources
// has: the first byte of the ID in the ELF note the Go linker writes near
// the start of the file (type 4, name "Go") is changed.
func rebuilt(t *testing.T, exe []byte) []byte {
	t.Helper()
	head := exe[:min(len(exe), 32<<10)]
	i := bytes.Index(head, []byte{4, 0, 0, 0, 'G', 'o', 0, 0})
	if i < 0 {
		t.Skip("no Go build ID note in the first 32 KiB")
	}
	out := bytes.Clone(exe)
	at := i + 8
	if out[at] == 'A' {
		out[at] = 'B'
	} else {
		out[at] = 'A'
	}
	return out
}
