package cli_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rolecall/cli"
)

// failWriter fails every write, as a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// An answer that cannot be written is not a success: exit 2 and a line on
// stderr saying so (it exited 0 with nothing said).
func TestOutputThatCannotBeWritten(t *testing.T) {
	dir, file := demo(t)
	for _, args := range [][]string{
		{"rolecall", "-f", file, "who-can", "Build Read Access", "--json"},
		{"rolecall", "-f", file, "preview", "ada@example.com"},
		{"rolecall", "-f", file, "check", "ada@example.com", "Build Read Access"},
	} {
		var errb bytes.Buffer
		procMu.Lock()
		code := cli.Execute(args, failWriter{}, &errb, func(k string) string {
			if k == "XDG_CACHE_HOME" {
				return filepath.Join(dir, "cache")
			}
			return ""
		})
		procMu.Unlock()
		if code != cli.ExitUsage && code != cli.ExitDenied {
			t.Errorf("%v: exit %d, want 2 (or 1, a denial's own answer)", args[3:], code)
		}
		if !strings.Contains(errb.String(), "cannot write the output") {
			t.Errorf("%v: stderr %q does not say the output could not be written", args[3:], errb.String())
		}
	}
	// As a process, into /dev/full.
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	cmd := command(dir, nil, "-f", file, "who-can", "Build Read Access", "--json")
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &errb
	if err := startProc(cmd); err != nil {
		t.Fatal(err)
	}
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) || ee.ExitCode() != cli.ExitUsage || !strings.Contains(errb.String(), "cannot write the output") {
		t.Errorf("who-can --json > /dev/full: %v, stderr %q; want exit 2 saying the output could not be written", err, errb.String())
	}
}
