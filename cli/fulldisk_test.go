package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A disk that fills up while a scripted edit writes the file (a file size
// limit, with SIGXFSZ ignored, that the old file and its backup fit in but
// the new one does not): the command fails with "not saved", and the file
// and FILE.bak still hold the old account. It used to report success over
// a short file.
func TestFullDiskEdit(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	dir, p := demo(t)
	desc := strings.Repeat("d", 1000)
	want(t, rc(t, dir, nil, "role", "add", "Big 1", "--description", desc), 0)
	// A trail smaller than the file, so that only the file's write fails.
	if err := os.Remove(p + ".audit.jsonl"); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// sh's ulimit -f counts 512-byte blocks: the limit is at most 512
	// bytes over the file, and the edit adds over 1000.
	blocks := len(old)/512 + 1
	cmd := exec.Command("sh", "-c", `trap '' XFSZ; ulimit -f `+strconv.Itoa(blocks)+` && exec "$0" "$@"`,
		binary, "role", "add", "Big 2", "--description", desc)
	cmd.Dir = dir
	cmd.Env = append(slices.Clip(baseEnv), "ROLECALL_FILE=")
	out, err := procCombinedOutput(cmd)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "not saved: ") {
		t.Errorf("edit on a full disk: %v\n%s", err, out)
	}
	for _, name := range []string{p, p + ".bak"} {
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, old) {
			t.Errorf("%s is not the old file (%d bytes, was %d): %v", name, len(got), len(old), err)
		}
	}
	want(t, rc(t, dir, nil, "validate"), 0)
}
