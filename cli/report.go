package cli

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

// rolecall report: the access review (model.NewReview) as CSV, Markdown or
// HTML, with a header that ties it to the bytes of the account file.

// reportMeta is the report's header.
type reportMeta struct {
	Account   string
	File      string
	SHA256    string
	Generated string // UTC, RFC 3339
	Version   string
	// Scope says what the report covers, in a sentence per line.
	Scope []string
}

func (a *app) reportCommand() *cobra.Command {
	var format, envName, out string
	c := &cobra.Command{
		Use:   "report --format csv|md|html [--env ENV] [-o FILE]",
		Short: "the access review: every user's roles, privileges and environments, with where each comes from",
		Long: `report writes the access review of the account for certification: every user,
the roles they hold, every privilege they hold account-wide with the roles it
comes from (R11, R4), and every environment they see with access, deploy and
schedule and the reasons (R12-R18); per-role summaries; empty columns for the
reviewer's decision (keep or revoke), name, date and comment.

  --format csv   one row per user and role, user and privilege, user and
                 environment (a long table, to filter in a spreadsheet);
                 cells that a spreadsheet would run as a formula are prefixed
                 with a quote
  --format md    GitHub-flavoured Markdown: the users x privileges matrix,
                 a table per environment, the roles, numbered notes
  --format html  one self-contained, printable HTML file with the same

The header names the account, the file, the SHA-256 of its bytes, the date
(UTC; $SOURCE_DATE_EPOCH fixes it) and rolecall's build. Environments a user
does not see are not listed for them: they give no access to review. --env ENV
covers that environment alone; privileges stay account-wide. -o FILE writes
the report atomically (mode 0600; a link at FILE is replaced, not followed),
and --format may then be left out when FILE ends in .csv, .md or .html.`,
		Example: `  rolecall report --format html -o review.html
  rolecall report --format csv --env Production > production.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := reportFormat(format, out)
			if err != nil {
				return err
			}
			when, err := reportTime(a.env("SOURCE_DATE_EPOCH"))
			if err != nil {
				return err
			}
			path := a.path()
			if out != "" {
				for _, side := range []string{"", ".audit.jsonl", ".lock", ".bak"} {
					if samePath(out, path+side) {
						return usageErr("report: -o %s is the account file or one rolecall keeps beside it; name another file", model.SafeText(out))
					}
				}
			}
			acct, sum, note, err := a.openForReport(path)
			if err != nil {
				return err
			}
			res := model.NewResolver(acct)
			env := model.ReviewAll
			if envName != "" {
				if env, err = a.envIndex(res, acct, envName); err != nil {
					return err
				}
			}
			rv := model.NewReview(res, env)
			writingGC(a.env)
			meta := reportMeta{Account: acct.Name, File: path, SHA256: sum, Generated: when.Format(time.RFC3339), Version: buildVersion()}
			meta.Scope = reportScope(rv, env, note)
			write := func(out *reportSink) error {
				switch f {
				case "csv":
					return writeReportCSV(out, meta, rv)
				case "md":
					writeReportMarkdown(out, meta, rv)
					return nil
				}
				return writeReportHTML(out, meta, rv)
			}
			if out == "" {
				return a.reportToStdout(write)
			}
			n, err := writeOutput(out, write)
			if err != nil {
				return fail(ExitUsage, "report: cannot write %s: %v", model.SafeText(out), err)
			}
			fmt.Fprintf(a.stderr, "rolecall: wrote the access review of %s to %s (%s, %s, %s)\n", model.SafeText(path), model.SafeText(out),
				plural(rv.Users(), "user"), plural(len(rv.Environments), "environment"), byteSize(n))
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&format, "format", "", "csv, md (Markdown) or html")
	fl.StringVar(&envName, "env", "", "cover this environment alone (privileges stay account-wide)")
	fl.StringVarP(&out, "output", "o", "", "write to FILE atomically instead of stdout")
	return c
}

// reportFormat is --format, or the format -o's extension names.
func reportFormat(format, out string) (string, error) {
	switch strings.ToLower(format) {
	case "csv":
		return "csv", nil
	case "md", "markdown":
		return "md", nil
	case "html":
		return "html", nil
	case "":
		switch strings.ToLower(filepath.Ext(out)) {
		case ".csv":
			return "csv", nil
		case ".md", ".markdown":
			return "md", nil
		case ".html", ".htm":
			return "html", nil
		}
		return "", usageErr("report needs --format csv, md or html (run 'rolecall report --help')")
	}
	return "", usageErr("report: --format %s is not csv, md or html", quote(format))
}

// reportTime is now in UTC, or $SOURCE_DATE_EPOCH (seconds since 1970)
// when set, so that a report can be made again byte for byte.
func reportTime(epoch string) (time.Time, error) {
	if epoch == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	n, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil || n < 0 || n > 253402300799 {
		return time.Time{}, usageErr("report: SOURCE_DATE_EPOCH=%s is not a number of seconds since 1970 (up to year 9999)", quote(epoch))
	}
	return time.Unix(n, 0).UTC(), nil
}

// openForReport reads the account file as the other read commands do (a
// file with errors is exit 2; a file in an account group is read as its
// view), and returns the SHA-256 of the bytes read and, for a view, what
// it holds besides the file.
func (a *app) openForReport(path string) (acct *model.Account, sum, note string, err error) {
	d, err := storage.Load(path)
	if err != nil {
		return nil, "", "", readError(err)
	}
	if errs := storage.Errors(d.Problems); len(errs) > 0 || d.Account == nil {
		for _, p := range errs {
			fmt.Fprintln(a.stderr, p.String())
		}
		return nil, "", "", fail(ExitUsage, "%s has %s; fix them first (rolecall validate -f %s lists them with their lines)",
			model.SafeText(path), plural(max(len(errs), 1), "error"), model.SafeText(path))
	}
	acct = d.Account
	sum = hex.EncodeToString(d.Stamp.Sum[:])
	n := 0 // no errors: the problems are warnings (storage.Errors above)
	for _, p := range d.Problems {
		if p.LeftOutWarnings > 0 {
			n += p.LeftOutWarnings
		} else {
			n++
		}
	}
	if n > 0 {
		note = fmt.Sprintf("The file has %s (look-alike names, redundant ticks and the like): rolecall validate --strict -f %s lists them.", plural(n, "validation warning"), path)
	}
	if inGroup(acct) {
		g, err := a.loadGroup(path)
		if err != nil {
			return nil, "", "", err
		}
		acct = g.view
		if g.key != "" {
			if note != "" {
				note += "\n"
			}
			note += "This file is a member of the account group of " + g.set.PrimaryFile + ": the roles its groups share with it and its group users come from there; the SHA-256 is of this file alone."
		}
	}
	return acct, sum, note, nil
}

// reportScope says what the report covers.
func reportScope(rv *model.Review, env int, note string) []string {
	var out []string
	envs := "every environment (" + plural(len(rv.Environments), "environment") + ")"
	if env != model.ReviewAll {
		envs = "the environment " + rv.Environments[0].Name + " alone (--env)"
	}
	out = append(out,
		fmt.Sprintf("%s; privileges held account-wide, each with the roles it comes from, over the whole catalog of %d privileges: one not held has no CSV row and an empty cell in the matrix.", plural(rv.Users(), "user"), len(rv.Privileges)),
		"Environments: "+envs+"; a user is listed under an environment only when they see it: those not listed there do not see it.",
		"Reviewer columns (decision: keep or revoke, reviewer, date, comment) are left empty for the certification.")
	if note != "" {
		out = append(out, strings.Split(note, "\n")...)
	}
	return out
}

// buildVersion is rolecall's build as the binary knows it: its module
// version ("(devel)" for a build from a checkout), the commit it was built
// from and whether the checkout had changes, and the Go version.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "rolecall (unknown build)"
	}
	v := "rolecall " + bi.Main.Version
	var rev, when, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", with uncommitted changes"
			}
		}
	}
	if rev != "" {
		v += " commit " + rev[:min(12, len(rev))]
		if when != "" {
			v += " (" + when + dirty + ")"
		} else if dirty != "" {
			v += " (" + dirty[2:] + ")"
		}
	}
	return v + ", " + bi.GoVersion
}

// samePath reports whether x and y name one file (or the same path).
func samePath(x, y string) bool {
	if filepath.Clean(x) == filepath.Clean(y) {
		return true
	}
	fx, err := os.Stat(x)
	if err != nil {
		return false
	}
	fy, err := os.Stat(y)
	return err == nil && os.SameFile(fx, fy)
}

// reportToStdout writes the report to stdout as it is made: the output
// buffered so far is passed on (through writeSafe, as every command's
// output) between records, every 4 MiB, so that a large report is not
// held whole in memory.
func (a *app) reportToStdout(write func(*reportSink) error) error {
	w := bufio.NewWriterSize(a.stdout, 64<<10)
	sink := &reportSink{Writer: w, boundary: func() {
		if a.outBuf != nil && a.outBuf.Len()+w.Buffered() >= 4<<20 {
			w.Flush()
			a.flush()
		}
	}}
	if err := write(sink); err != nil {
		return fail(ExitUsage, "report: %v", err)
	}
	return w.Flush()
}

// writeOutput writes the report to name: into a temporary file in the same
// directory (mode 0600), synced, then renamed over name, so that a reader
// never sees half a report and a symbolic link at name is replaced, never
// written through. It returns the number of bytes written.
func writeOutput(name string, write func(*reportSink) error) (int64, error) {
	if fi, err := os.Lstat(name); err == nil && !fi.Mode().IsRegular() && fi.Mode()&os.ModeSymlink == 0 {
		return 0, fmt.Errorf("it is not a regular file")
	}
	if storage.SystemPath(name) {
		// A link there (/dev/stdout) would be replaced, not written to.
		return 0, fmt.Errorf("it is a device path: leave out -o to write to stdout")
	}
	if dfi, err := os.Stat(filepath.Dir(name)); err != nil || !dfi.IsDir() {
		return 0, fmt.Errorf("its directory %s does not exist", model.SafeText(filepath.Dir(name)))
	}
	pf, err := renameio.NewPendingFile(name, renameio.WithTempDir(filepath.Dir(name)), renameio.WithStaticPermissions(0o600))
	if err != nil {
		return 0, err
	}
	defer pf.Cleanup()
	cw := &countingWriter{w: pf}
	w := bufio.NewWriterSize(cw, 256<<10)
	if err := write(&reportSink{Writer: w}); err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return cw.n, pf.CloseAtomicallyReplace()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// byteSize writes n bytes for people: "812 bytes", "3.4 MB".
func byteSize(n int64) string {
	switch {
	case n < 10_000:
		return plural(int(n), "byte")
	case n < 10_000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
