package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"rolecall/model"
	"rolecall/storage"
)

// A one-off command that decodes a large file asks for its heap in huge
// pages (internal/hugeheap), where the system gives them to memory that
// asks: it then takes far fewer page faults than the same run without
// ($ROLECALL_NO_HUGE_PAGES), which maps every 4 KiB page on its first
// touch (on a virtual machine, 15-45 µs each).
func TestColdLoadTakesFewerFaults(t *testing.T) {
	t.Parallel() // the faults counted are the children's own
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skip("the system does not give huge pages to memory that asks only")
	}
	dir := t.TempDir()
	a := model.Synthetic(4000, 400, 80, 1)
	if err := os.WriteFile(filepath.Join(dir, "rolecall.toml"), storage.Encode(a), 0o600); err != nil {
		t.Fatal(err)
	}
	faults := func(env ...string) int64 {
		cmd := command(dir, append(env, "ROLECALL_NO_CACHE=1"), "check", a.Users[0].Email, "Build Read Access")
		if err := startProc(cmd); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			if _, ok := err.(interface{ ExitCode() int }); !ok {
				t.Fatal(err)
			}
		}
		return cmd.ProcessState.SysUsage().(*syscall.Rusage).Minflt
	}
	with, without := faults(), faults("ROLECALL_NO_HUGE_PAGES=1")
	if with*3 > without*2 {
		t.Errorf("a cold check of a %d-user file took %d page faults, and %d without huge pages: want at most two thirds", len(a.Users), with, without)
	}
}
