package storage

import (
	"bytes"
	"fmt"
	"io"
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
	// The binary is 10 MB: it is mapped, copied by the kernel and patched
	// where it changes, not read into fresh memory three times (7,000
	// page faults).
	orig := mapFile(t, exe)
	const old, new = "ticks %q twice; saving keeps one", "ticks %q TWICE; saving keeps one"
	if !bytes.Contains(orig, []byte(old)) {
		t.Skip("the message is not in the binary as one string")
	}
	bin := filepath.Join(t.TempDir(), "rolecall.test")
	copyFile(t, bin, exe, 0o755)
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

	// The new build, copied over the old one in place, the time pinned:
	// the same bytes but the message and the build ID, written into the
	// same file.
	f, err := os.OpenFile(bin, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; ; off += len(old) {
		i := bytes.Index(orig[off:], []byte(old))
		if i < 0 {
			break
		}
		off += i
		if _, err := f.WriteAt([]byte(new), int64(off)); err != nil {
			t.Fatal(err)
		}
	}
	at := buildIDAt(t, orig)
	if _, err := f.WriteAt([]byte{otherIDByte(orig[at])}, int64(at)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(bin, pinned, pinned); err != nil {
		t.Fatal(err)
	}
	if out := run(); !strings.Contains(out, "TWICE") {
		t.Fatalf("the new build printed the old build's problems, from the old build's cache entry:\n%s", out)
	}
}

// buildIDAt is where, in exe, a byte of the Go build ID is: changing it
// gives exe another build ID, as a build of other sources has. It is the
// first byte of the ID in the ELF note the Go linker writes near the start
// of the file (type 4, name "Go").
func buildIDAt(t *testing.T, exe []byte) int {
	t.Helper()
	head := exe[:min(len(exe), 32<<10)]
	i := bytes.Index(head, []byte{4, 0, 0, 0, 'G', 'o', 0, 0})
	if i < 0 {
		t.Skip("no Go build ID note in the first 32 KiB")
	}
	return i + 8
}

// otherIDByte is another byte of a build ID than c.
func otherIDByte(c byte) byte {
	if c == 'A' {
		return 'B'
	}
	return 'A'
}

// copyFile copies the file src to a new file dst with mode perm; the
// kernel copies the bytes (copy_file_range on Linux).
func copyFile(t *testing.T, dst, src string, perm os.FileMode) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
