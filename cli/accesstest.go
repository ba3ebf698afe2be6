package cli

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

// rolecall test: the access tests of an expectations file (model/expect.go
// evaluates them; storage/expect.go reads the file).

const testLong = `test runs the access tests kept beside the account: what each user can and
cannot do, and who alone may do a thing. It prints each failure with the
model's reason and the roles it comes from, then ok or FAIL, as go test does.

The expectations file is FILE, else the account file's name with .test.toml
for .toml (rolecall.test.toml beside rolecall.toml). The account is -f FILE,
else the expectations file's account = "..." (relative to it), else
$ROLECALL_FILE, else rolecall.toml.

  [[expect]]                          # one user, one or more checks
  name = "Dana deploys to Production" # optional; else made from the checks
  user = "dana@example.com"
  can = "Packaged Component Deployment"   # or a list; cannot = ... too
  env = "Production"                  # optional for can/cannot: in that environment

  [[expect]]
  user = "dana@example.com"
  page = "Build"
  opens = "read-only"                 # hidden, read-only or full
  cannot_do = "Save"                  # can_do / cannot_do: an action on the page

  [[expect]]
  user = "lee@example.com"
  env = "Production"
  sees = true                         # sees, deploys, schedules: true or false
  access = "read"                     # none, read or write (exactly)
  deploys = false

  [[only]]                            # exactly these users, no one else
  name = "only release managers deploy to Production"
  who = ["dana@example.com", "lee@example.com"]
  env = "Production"
  deploys = true                      # any one check of [[expect]]

Exit 0 when every expectation holds, 1 when one fails, 2 when the account or
the expectations file cannot be read or names what the account lacks.`

type testOptions struct {
	junit   string
	asJSON  bool
	verbose bool
}

func (a *app) testCommand() *cobra.Command {
	var o testOptions
	c := &cobra.Command{
		Use:   "test [FILE]",
		Short: "run the access tests of an expectations file (FILE, else ACCOUNT.test.toml): exit 1 when one fails",
		Long:  testLong,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			return a.runTests(file, o)
		},
	}
	c.Flags().StringVar(&o.junit, "junit", "", "also write the results as JUnit XML to `FILE` (for CI systems)")
	c.Flags().BoolVar(&o.asJSON, "json", false, "print the results as JSON")
	c.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "also list the expectations that pass")
	return c
}

// testRun is one run of an expectations file, as the three outputs see it.
type testRun struct {
	File     string       `json:"file"`
	Account  string       `json:"account"`
	Passed   bool         `json:"passed"`
	Total    int          `json:"total"`
	Failed   int          `json:"failed"`
	Results  []testResult `json:"results"`
	duration time.Duration
}

type testResult struct {
	model.ExpectResult
	Line int `json:"line"`
}

func (a *app) runTests(file string, o testOptions) error {
	// Which files: the account from -f or $ROLECALL_FILE decides where
	// the expectations are when none is named; a named expectations file
	// may name its account.
	if file == "" {
		file = storage.ExpectPath(a.path())
	}
	xf, probs, err := storage.LoadExpectations(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fail(ExitUsage, "%v (write the expectations there, or name the file: rolecall test FILE; 'rolecall test --help' shows the format)", err)
		}
		return fail(ExitUsage, "%v", err)
	}
	if storage.HasErrors(probs) || xf == nil {
		for _, p := range probs {
			fmt.Fprintln(a.stderr, p.String())
		}
		return fail(ExitUsage, "%s has %s; no test was run", model.SafeText(file), plural(max(storage.ErrorCount(probs), 1), "error"))
	}
	if len(xf.Expectations) == 0 {
		return fail(ExitUsage, "%s holds no [[expect]] or [[only]]; nothing to test ('rolecall test --help' shows the format)", model.SafeText(file))
	}
	if xf.Account != "" {
		switch {
		case a.file != "":
			if !sameFile(a.file, xf.Account) {
				fmt.Fprintf(a.stderr, "rolecall: note: testing %s (-f), not %s (account at %s:%d)\n",
					model.SafeText(a.file), model.SafeText(xf.Account), model.SafeText(file), xf.AccountLine)
			}
		default:
			if env := a.env("ROLECALL_FILE"); env != "" && !sameFile(env, xf.Account) {
				fmt.Fprintf(a.stderr, "rolecall: note: testing %s (account at %s:%d), not %s ($ROLECALL_FILE)\n",
					model.SafeText(xf.Account), model.SafeText(file), xf.AccountLine, model.SafeText(env))
			}
			a.file = xf.Account
		}
	}
	started := time.Now()
	acct, err := a.openView()
	if err != nil {
		return err
	}
	res := model.NewResolver(acct)
	suite, bprobs := model.Bind(res, xf.Expectations)
	if len(bprobs) > 0 {
		fps := xf.BindProblems(bprobs)
		for _, p := range fps {
			fmt.Fprintln(a.stderr, p.String())
		}
		return fail(ExitUsage, "%s names %s that %s lacks; no test was run", model.SafeText(file),
			plural(len(bprobs), "thing"), model.SafeText(a.path()))
	}
	results := suite.Run()
	run := testRun{File: file, Account: a.path(), Total: len(results), Results: make([]testResult, len(results)), duration: time.Since(started)}
	for i, r := range results {
		run.Results[i] = testResult{ExpectResult: r, Line: xf.HeaderLine(&xf.Expectations[i])}
		if !r.Passed {
			run.Failed++
		}
	}
	run.Passed = run.Failed == 0
	if o.junit != "" {
		data, err := junitXML(&run)
		if err == nil {
			err = storage.WriteReportFile(o.junit, data, append(storage.AccountFiles(a.path()), file)...)
		}
		if err != nil {
			return fail(ExitUsage, "cannot write the JUnit report %s: %v", model.SafeText(o.junit), err)
		}
	}
	if o.asJSON {
		if err := a.writeJSON(run); err != nil {
			return err
		}
	} else {
		a.printTests(&run, o.verbose)
	}
	if !run.Passed {
		return silent(ExitDenied)
	}
	return nil
}

// printTests prints the results as go test -v does, the passes only when
// verbose.
func (a *app) printTests(run *testRun, verbose bool) {
	where := func(r *testResult) string { return fmt.Sprintf("%s:%d", model.SafeText(run.File), r.Line) }
	for i := range run.Results {
		r := &run.Results[i]
		if r.Passed {
			if verbose {
				fmt.Fprintf(a.stdout, "--- PASS: %s (%s)\n", model.SafeText(r.Name), where(r))
			}
			continue
		}
		fmt.Fprintf(a.stdout, "--- FAIL: %s (%s)\n", model.SafeText(r.Name), where(r))
		for _, f := range r.Failures {
			fmt.Fprintf(a.stdout, "    %s\n", model.SafeText(f.Summary))
			for _, d := range f.Details {
				fmt.Fprintf(a.stdout, "        %s\n", model.SafeText(d))
			}
		}
	}
	summary := fmt.Sprintf("%s against %s", plural(run.Total, "expectation"), model.SafeText(run.Account))
	if run.Passed {
		fmt.Fprintf(a.stdout, "ok  \t%s\t%s, all passed\n", model.SafeText(run.File), summary)
		return
	}
	fmt.Fprintf(a.stdout, "FAIL\t%s\t%s: %d passed, %d failed\n", model.SafeText(run.File), summary, run.Total-run.Failed, run.Failed)
}

// JUnit XML, the shape CI systems read (testsuites, testsuite, testcase,
// failure with a message and the text).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func junitXML(run *testRun) ([]byte, error) {
	secs := fmt.Sprintf("%.3f", run.duration.Seconds())
	s := junitSuite{Name: model.SafeText(run.File), Tests: run.Total, Failures: run.Failed, Time: secs,
		Timestamp:  time.Now().UTC().Format("2006-01-02T15:04:05"),
		Properties: []junitProperty{{Name: "account", Value: model.SafeText(run.Account)}},
		Cases:      make([]junitCase, 0, len(run.Results))}
	for _, r := range run.Results {
		c := junitCase{Name: model.SafeText(r.Name), Classname: "rolecall." + model.SafeText(strings.TrimSuffix(filepath.Base(run.File), ".toml")),
			File: model.SafeText(run.File), Line: r.Line, Time: "0"}
		if !r.Passed {
			var msg []string
			var text strings.Builder
			for _, f := range r.Failures {
				msg = append(msg, model.SafeText(f.Summary))
				text.WriteString(model.SafeText(f.Summary) + "\n")
				for _, d := range f.Details {
					text.WriteString("    " + model.SafeText(d) + "\n")
				}
				// Every user, where the details name only the first.
				if len(f.Added)+len(f.Missing) > model.MaxExplained {
					for _, l := range []struct {
						what  string
						users []string
					}{{"added", f.Added}, {"missing", f.Missing}} {
						if len(l.users) > 0 {
							text.WriteString(fmt.Sprintf("    all %s (%d): %s\n", l.what, len(l.users), model.SafeText(strings.Join(l.users, ", "))))
						}
					}
				}
			}
			c.Failure = &junitFailure{Message: strings.Join(msg, "; "), Type: "AccessExpectation", Text: text.String()}
		}
		s.Cases = append(s.Cases, c)
	}
	doc := junitSuites{Name: "rolecall test", Tests: run.Total, Failures: run.Failed, Time: secs, Suites: []junitSuite{s}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(xml.Header), out...), '\n'), nil
}
