package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

// diffJSON is model.Diff plus its summary lines.
type diffJSON struct {
	model.Diff
	Summary []string `json:"summary"`
	// NewViolations is what NEW breaks of NEW's separation-of-duties rules
	// that OLD did not (model.NewViolations): a rule added in NEW is new
	// in full.
	NewViolations []model.Violation `json:"new_violations"`
}

// defaultMaxSize is how long `diff --format markdown` lets its output grow
// (bytes, which are never fewer than characters): under GitHub's limit of
// 65,536 characters for a comment, with room for what a CI job adds.
const defaultMaxSize = 60000

func (a *app) diffCommand() *cobra.Command {
	var asJSON, across bool
	var format string
	var maxSize int
	c := &cobra.Command{
		Use:   "diff OLD [NEW]",
		Short: "what changes for whom between two account files or git revisions",
		Long: `diff compares two states of an account and says what changes for whom:
privileges gained and lost, environments seen or no longer seen (an added
environment under each user who sees it, a removed user or environment under
each user who saw it), access, deploy and schedule; and environments added,
removed, reclassified or given other Roles with Access.

OLD and NEW are account files or git revisions of the account file (-f FILE,
$ROLECALL_FILE or rolecall.toml):
  rolecall diff old.toml new.toml   two files
  rolecall diff HEAD~1              the file at HEAD~1 against the file as it is
  rolecall diff main HEAD           the file at two revisions
An argument that names an existing file is that file, and so is one that
starts with "/", "./" or "../" or ends in .toml or .bak; any other is a git
revision (read with git, which must be installed; a revision never starts
with "-" and never holds ":"). With one argument, NEW is the account file.

--format text (the default) prints one line per change; json the diff and its
summary (--json is the same); markdown a plan for a pull request: one line per
change of access with the users it happens to, then everyone in each change
and the details per user, cut at --max-size bytes (say so when it does; the
summary is always whole).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("diff needs OLD (a file or a git revision), and optionally NEW (run '%s --help')", cmd.CommandPath())
			}
			if len(args) > 2 {
				return usageErr("diff takes OLD and NEW; unexpected %q (run '%s --help')", args[2], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				if cmd.Flags().Changed("format") && format != "json" {
					return usageErr("diff: --json and --format %s disagree; give one of them", model.SafeText(format))
				}
				format = "json"
			}
			switch format {
			case "text", "json", "markdown":
			default:
				return usageErr("diff: --format is text, json or markdown, not %q", model.SafeText(format))
			}
			if cmd.Flags().Changed("max-size") && format != "markdown" {
				return usageErr("diff: --max-size is for --format markdown")
			}
			if maxSize < 0 {
				return usageErr("diff: --max-size is a number of bytes, 0 for no limit; not %d", maxSize)
			}
			if across {
				if len(args) != 2 || format == "markdown" {
					return usageErr("diff --group compares two files, OLD and NEW, as text or json")
				}
				return a.diffGroup(args[0], args[1], format == "json")
			}
			old, err := a.openSide(args[0])
			if err != nil {
				return err
			}
			var nw side
			if len(args) == 2 {
				nw, err = a.openSide(args[1])
			} else {
				nw.label = a.path()
				nw.acct, err = a.openFile(a.path())
			}
			if err != nil {
				return err
			}
			oldRes, newRes := model.NewResolver(old.acct), model.NewResolver(nw.acct)
			d := model.Compare(oldRes, newRes)
			nv := model.NewViolations(oldRes, newRes)
			switch format {
			case "json":
				if nv == nil {
					nv = []model.Violation{}
				}
				return a.writeJSON(diffJSON{Diff: d, Summary: d.Summary(), NewViolations: nv})
			case "markdown":
				var b strings.Builder
				writeMarkdown(&b, mdDiff{old: old, new: nw, oldRes: oldRes, newRes: newRes, diff: d, violations: nv, max: maxSize})
				io.WriteString(a.stdout, b.String())
				return nil
			}
			a.printSummary(d.Summary(), "no change for anyone")
			a.printNewViolations(nv, "")
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "`text`, json or markdown (a pull-request comment)")
	c.Flags().BoolVar(&asJSON, "json", false, "print as JSON (the diff and its summary): --format json")
	c.Flags().IntVar(&maxSize, "max-size", defaultMaxSize, "markdown: cut the details to keep the output under `BYTES` (0: no limit)")
	c.Flags().BoolVar(&across, "group", false, "OLD and NEW are two versions of a primary's file: also what changes in each member account, its file as it is beside NEW (R22, R23)")
	return c
}

// side is one side of a diff: the account and what it was read from
// ("old.toml", "HEAD~1:rolecall.toml").
type side struct {
	label string
	acct  *model.Account
}

// openSide reads arg as a file when one exists at that path, else as a git
// revision of the account file.
func (a *app) openSide(arg string) (side, error) {
	fi, err := os.Lstat(arg)
	if err == nil && fi.IsDir() && !looksLikeFile(arg) {
		return side{}, usageErr("diff: %s is a directory here, not an account file; for the git revision %s write %s (or refs/heads/%s for a branch)",
			model.SafeText(arg), model.SafeText(arg), model.SafeText(arg+"^{commit}"), model.SafeText(arg))
	}
	if err == nil || looksLikeFile(arg) {
		acct, err := a.openFile(arg)
		return side{label: arg, acct: acct}, err
	}
	return a.openRevision(arg, a.path())
}

// looksLikeFile reports whether arg can only be meant as a file: a path
// that starts with "/", "./" or "../", or a name ending in .toml or .bak,
// without ":".
// A missing one is then said to be missing, not looked for in git.
func looksLikeFile(arg string) bool {
	if strings.Contains(arg, ":") {
		return false // REV:PATH, which diff refuses saying why
	}
	for _, p := range []string{"/", "./", "../", "." + string(filepath.Separator), ".." + string(filepath.Separator)} {
		if strings.HasPrefix(arg, p) {
			return true
		}
	}
	return strings.HasSuffix(arg, ".toml") || strings.HasSuffix(arg, ".bak")
}

// gitTimeout bounds each git command diff runs.
const gitTimeout = 30 * time.Second

// openRevision reads the account file path as it is at git revision rev:
// `git cat-file blob REV:PATH` run in the file's directory, PATH relative to
// the repository's top, at most storage.MaxFileSize bytes read, decoded as
// storage decodes a file, with "REV:PATH" as its name in problems.
func (a *app) openRevision(rev, path string) (side, error) {
	what := fmt.Sprintf("%q: no such file, and", rev)
	if why := badRevision(rev); why != "" {
		return side{}, usageErr("diff: %s cannot be a git revision: %s", what, why)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return side{}, usageErr("diff: %s git, needed to read it as a revision of %s, is not installed or not on $PATH", what, model.SafeText(path))
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	prefix, err := runGit(dir, 4096, "rev-parse", "--show-prefix")
	if err != nil {
		return side{}, usageErr("diff: %s cannot be a git revision of %s: %v", what, model.SafeText(path), err)
	}
	inRepo := strings.TrimSuffix(string(prefix), "\n") + base
	label := rev + ":" + inRepo
	data, err := runGit(dir, storage.MaxFileSize, "cat-file", "blob", label)
	if err != nil {
		if kind := gitEntryKind(dir, rev, inRepo); kind != "" {
			return side{}, usageErr("diff: %s at that revision %s is %s, not an account file", what, model.SafeText(inRepo), kind)
		}
		return side{}, usageErr("diff: %s git cannot read %s at that revision: %v", what, model.SafeText(inRepo), err)
	}
	acct, problems := storage.Decode(label, data)
	errs := storage.Errors(problems)
	if len(errs) == 0 && acct != nil {
		return side{label: label, acct: acct}, nil
	}
	// A link's blob is the path it points to: say what it is, not that
	// the path is bad TOML.
	if kind := gitEntryKind(dir, rev, inRepo); kind != "" {
		return side{}, usageErr("diff: %s is %s at that revision, not an account file; rolecall reads no link in git", model.SafeText(label), kind)
	}
	for _, p := range errs {
		fmt.Fprintln(a.stderr, p.String())
	}
	return side{}, fail(ExitUsage, "%s has %s at that revision; diff compares sound accounts",
		model.SafeText(label), plural(max(storage.ErrorCount(errs), 1), "error"))
}

// gitEntryKind says what path is at revision rev when it is no file ("a
// symbolic link to X", "a directory", "a submodule"), else "" (a file, no
// entry, or git cannot tell).
func gitEntryKind(dir, rev, path string) string {
	out, err := runGit(dir, 64<<10, "ls-tree", "-z", rev, "--", path)
	if err != nil {
		return ""
	}
	mode, _, _ := strings.Cut(string(out), " ")
	switch mode {
	case "120000":
		target, err := runGit(dir, 4096, "cat-file", "blob", rev+":"+path)
		if err != nil {
			return "a symbolic link"
		}
		return "a symbolic link to " + strconv.Quote(model.SafeText(string(target)))
	case "040000":
		return "a directory"
	case "160000":
		return "a submodule"
	}
	return ""
}

// badRevision says why rev cannot be a revision diff reads, or "".
func badRevision(rev string) string {
	switch {
	case rev == "":
		return "it is empty"
	case strings.HasPrefix(rev, "-"):
		return "it starts with \"-\" (git would read it as an option)"
	case strings.Contains(rev, ":"):
		return "it holds \":\" (name the revision alone; the file is -f FILE)"
	case len(rev) > 256:
		return "it is longer than 256 bytes"
	case strings.IndexFunc(rev, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "it holds a space or a control character"
	}
	return ""
}

// runGit runs git with args (no shell) in dir and returns its output, at
// most limit bytes: more is an error, and git is stopped. The error is
// git's first line on stderr when it fails.
func runGit(dir string, limit int64, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
	defer cancel()
	// The repository's own settings never run a command: no fsmonitor,
	// and no transport (a partial clone fetches a missing blob through its
	// promisor remote, running core.sshCommand or a remote helper).
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.fsmonitor=false", "-c", "protocol.allow=never", "-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "GIT_NO_LAZY_FETCH=1")
	var errb bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &errb, n: 4096}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	data, rerr := io.ReadAll(io.LimitReader(out, limit+1))
	if int64(len(data)) > limit {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("it is over %d MiB; rolecall reads account files of at most %d MiB", limit>>20, storage.MaxFileSize>>20)
	}
	werr := cmd.Wait()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("git did not answer within %s", gitTimeout)
	}
	if werr != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(errb.String()), "\n")
		if line == "" {
			line = werr.Error()
		}
		return nil, errors.New("git: " + model.SafeText(line))
	}
	if rerr != nil {
		return nil, rerr
	}
	return data, nil
}

// limitedWriter keeps the first n bytes written to it and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// diffGroup is diff --group: two versions of a primary's file, compared in
// the primary and, through their views, in every member (model.GroupImpact),
// the members as their files are now beside NEW.
func (a *app) diffGroup(oldPath, newPath string, asJSON bool) error {
	old, err := a.openFile(oldPath)
	if err != nil {
		return err
	}
	nw, err := a.openFile(newPath)
	if err != nil {
		return err
	}
	newSet := storage.NewGroupSet(newPath, nw)
	if len(nw.Groups) > 0 {
		g, err := a.loadGroup(newPath)
		if err != nil {
			return err
		}
		newSet = g.set
	}
	oldSet := newSet.WithAccounts(old, newSet.Members)
	oldRes, newRes := model.NewResolver(old), model.NewResolver(nw)
	d := model.Compare(oldRes, newRes)
	nv := model.NewViolations(oldRes, newRes)
	if nv == nil {
		nv = []model.Violation{}
	}
	type member struct {
		File    string     `json:"file"`
		Diff    model.Diff `json:"diff"`
		Summary []string   `json:"summary"`
	}
	out := struct {
		diffJSON
		Members []member `json:"members"`
	}{diffJSON: diffJSON{Diff: d, Summary: d.Summary(), NewViolations: nv}, Members: []member{}}
	for _, mi := range model.GroupImpact(oldSet, newSet) {
		out.Members = append(out.Members, member{File: mi.File, Diff: mi.Diff, Summary: mi.Diff.Summary()})
	}
	if asJSON {
		return a.writeJSON(out)
	}
	fmt.Fprintf(a.stdout, "in the primary (%s):\n", model.SafeText(newPath))
	a.printSummary(indentAll(out.Summary), "  no change for anyone")
	a.printNewViolations(nv, "  ")
	for _, m := range out.Members {
		fmt.Fprintf(a.stdout, "in member %s:\n", model.SafeText(m.File))
		a.printSummary(indentAll(m.Summary), "  no change for anyone")
	}
	return nil
}

// printNewViolations lists what NEW breaks of its separation-of-duties
// rules that OLD did not, indented by indent.
func (a *app) printNewViolations(nv []model.Violation, indent string) {
	if len(nv) == 0 {
		return
	}
	fmt.Fprintf(a.stdout, "%s%s of separation of duties:\n", indent, plural(model.CountSites(nv), "new violation"))
	for _, v := range nv {
		for _, l := range v.Lines() {
			fmt.Fprintf(a.stdout, "%s  %s (%s)\n", indent, model.SafeText(l), v.Cite())
		}
	}
}

func indentAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}

func (a *app) printSummary(lines []string, empty string) {
	if len(lines) == 0 {
		fmt.Fprintln(a.stdout, empty)
		return
	}
	for _, l := range lines {
		fmt.Fprintln(a.stdout, model.SafeText(l))
	}
}
