package cli_test

import (
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Every command is one process, so what runs before main is paid on every
// call of rolecall in a shell loop.

// initTrace is the output of rolecall --help with GODEBUG=inittrace=1,
// run once for the tests below.
var initTrace = sync.OnceValues(func() ([]byte, error) {
	cmd := exec.Command(binary, "--help")
	cmd.Env = append(slices.Clip(baseEnv), "GODEBUG=inittrace=1")
	return procCombinedOutput(cmd)
})

// inits runs rolecall --help with GODEBUG=inittrace=1 and returns each
// package's trace line.
func inits(t *testing.T) map[string]string {
	t.Helper()
	out, err := initTrace()
	if err != nil {
		t.Fatalf("rolecall --help: %v\n%s", err, out)
	}
	lines := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^init (\S+) @.*$`).FindAllStringSubmatch(string(out), -1) {
		lines[m[1]] = m[0]
	}
	if len(lines) == 0 {
		t.Fatalf("no inittrace lines in:\n%s", out)
	}
	return lines
}

// The binary initialises none of the packages that built tables at start.
func TestStartInitialisesNoTables(t *testing.T) {
	t.Parallel()
	got := inits(t)
	for pkg, why := range map[string]string{
		"github.com/mtibben/confusables":      "builds a map of 6,300 runes (model has the table as static data)",
		"golang.org/x/text/cases":             "sets up language tables (model folds case from static data)",
		"golang.org/x/text/internal/language": "sets up language tables, for x/text/cases only",
	} {
		if line, ok := got[pkg]; ok {
			t.Errorf("%s is initialised at start: it %s\n%s", pkg, why, line)
		}
	}
}

// rolecall's own packages build their lookup tables on first use, not at
// start: their initialisation allocates next to nothing (model's was 84
// objects, for the privilege names, the coverers of each privilege and the
// readers of edits).
func TestStartOwnPackagesAllocateLittle(t *testing.T) {
	t.Parallel()
	allocs := regexp.MustCompile(`, (\d+) allocs$`)
	for pkg, line := range inits(t) {
		if !strings.HasPrefix(pkg, "rolecall/") {
			continue
		}
		m := allocs.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("no allocation count in %q", line)
		}
		if n, _ := strconv.Atoi(m[1]); n > 16 {
			t.Errorf("%s allocates %d objects at start:\n%s", pkg, n, line)
		}
	}
}
