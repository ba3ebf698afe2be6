package cli_test

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// Every command is one process, so what runs before main is paid on every
// call of rolecall in a shell loop: the binary initialises none of the
// packages that built tables at start.
func TestStartInitialisesNoTables(t *testing.T) {
	cmd := exec.Command(binary, "--help")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rolecall --help: %v\n%s", err, out)
	}
	inits := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^init (\S+) @.*$`).FindAllStringSubmatch(string(out), -1) {
		inits[m[1]] = m[0]
	}
	if len(inits) == 0 {
		t.Fatalf("no inittrace lines in:\n%s", out)
	}
	for pkg, why := range map[string]string{
		"github.com/mtibben/confusables":      "builds a map of 6,300 runes (model has the table as static data)",
		"golang.org/x/text/cases":             "sets up language tables (model folds case from static data)",
		"golang.org/x/text/internal/language": "sets up language tables, for x/text/cases only",
	} {
		if line, ok := inits[pkg]; ok {
			t.Errorf("%s is initialised at start: it %s\n%s", pkg, why, line)
		}
	}
}
