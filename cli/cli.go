// Package cli is rolecall's headless command line: it parses arguments, asks
// the model, and prints. No access rule lives here (interfaces.md §2).
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"rolecall/internal/hugeheap"
	"runtime/debug"
	"strings"
	"unsafe"

	"github.com/spf13/cobra"

	"rolecall/model"
	"rolecall/storage"
)

// Exit codes (interfaces.md §2).
const (
	ExitOK      = 0 // success, or allowed
	ExitDenied  = 1 // denied, a refused edit, validate with problems
	ExitUsage   = 2 // usage error, unreadable file, unknown name, file with errors
	defaultFile = "rolecall.toml"
)

// TUIOptions is what the root command hands to the terminal UI.
type TUIOptions struct {
	File     string
	ReadOnly bool
	ASCII    bool
	NoMouse  bool
	NoCache  bool // --no-cache (or $ROLECALL_NO_CACHE): no load cache
}

// RunTUI opens the terminal UI and returns the exit code. main sets it when
// the TUI is built in; while it is nil, `rolecall` alone prints the usage.
var RunTUI func(opts TUIOptions) int

// exitError ends a command with a code. Its lines go to stderr, each
// prefixed with "rolecall: ".
type exitError struct {
	code  int
	lines []string
}

func (e *exitError) Error() string { return strings.Join(e.lines, "; ") }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, lines: []string{fmt.Sprintf(format, args...)}}
}

func usageErr(format string, args ...any) error { return fail(ExitUsage, format, args...) }

// silent ends a command with a code after it has printed all it had to say.
func silent(code int) error { return &exitError{code: code} }

// app is the state of one run: the writers, the environment and the flags
// every command shares.
type app struct {
	stdout, stderr io.Writer
	env            func(string) string
	file           string // -f
	actor          string // the command line, for the audit log
	tui            TUIOptions
	// realOut and realErr are the writers stdout and stderr are written
	// to when the command ends, or when flush says (a question to answer,
	// a progress bar to draw).
	realOut, realErr io.Writer
	outBuf, errBuf   *bytes.Buffer
	outErr           error    // the first error writing to realOut
	groupJSON        bool     // group edits' --json
	sod              sodState // separation of duties: --allow-violation, and what an edit allowed (sod.go)
}

// flush writes what the command printed so far, as Execute does at its
// end.
func (a *app) flush() { a.flushOut(false) }

// flushOut is flush; plain says the output held is known to be plain
// (plainText), so that it is written without being looked at again.
func (a *app) flushOut(plain bool) {
	if a.outBuf == nil {
		return
	}
	if out := a.outBuf.Bytes(); plain {
		if len(out) > 0 {
			_, err := a.realOut.Write(out)
			a.wrote(err)
		}
	} else {
		a.wrote(writeSafe(a.realOut, out))
	}
	writeSafe(a.realErr, a.errBuf.Bytes())
	a.outBuf.Reset()
	a.errBuf.Reset()
}

// wrote keeps the first error writing the command's output gave.
func (a *app) wrote(err error) {
	if a.outErr == nil {
		a.outErr = err
	}
}

// Execute runs the command line args (args[0] is the program name, as in
// os.Args) and returns the exit code. Output goes to stdout and stderr with
// every control character neutralised; env reads the environment (os.Getenv
// when nil).
func Execute(args []string, stdout, stderr io.Writer, env func(string) string) int {
	if env == nil {
		env = os.Getenv
	}
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, env: env, actor: actorOf(args),
		realOut: stdout, realErr: stderr, outBuf: &out, errBuf: &errb}
	code := a.run(args)
	a.wrote(writeSafe(stdout, out.Bytes()))
	// Output that could not be written (a full disk, /dev/full) is not a
	// success: the answer never reached the caller.
	if a.outErr != nil {
		fmt.Fprintf(&errb, "rolecall: cannot write the output: %v\n", a.outErr)
		if code == ExitOK {
			code = ExitUsage
		}
	}
	writeSafe(stderr, errb.Bytes())
	return code
}

// oneOffGC tunes the garbage collector for a command that exits once it
// has answered: the heap may grow to five times what is live before a
// collection (GOGC=400) instead of twice, but not past oneOffHeap while
// that is enough. Most of what a command allocates is live until it
// exits, so collections before then are mostly wasted work. A GOGC or
// GOMEMLIMIT in the environment is left as it is. A large load's heap is
// asked for in huge pages (hugeheap) unless $ROLECALL_NO_HUGE_PAGES is
// set.
func oneOffGC(env func(string) string) {
	if env("ROLECALL_NO_HUGE_PAGES") == "" {
		hugeheap.Enable()
	}
	if env("GOGC") == "" {
		setGCPercent(400)
	}
	if env("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(oneOffHeap)
	}
}

// writingGC sets the collector back to Go's own pace (GOGC=100) for a
// command that, once it has loaded the account, writes an answer far
// larger than what it holds (the access review, validate's violations):
// what it allocates from then on is garbage once written, and at
// oneOffGC's pace the heap grew to five times what is live. At 10,000
// users the CSV report then takes 1.20 s and 85 MB instead of 1.30 s and
// 181 MB. A GOGC in the environment is left as it is.
func writingGC(env func(string) string) {
	if env("GOGC") == "" {
		setGCPercent(100)
	}
}

// setGCPercent is debug.SetGCPercent (a variable for the tests).
var setGCPercent = debug.SetGCPercent

// oneOffHeap is the soft limit of a one-off command's heap: a cold load of
// a 100,000-user file keeps about 150 MiB live at its peak.
const oneOffHeap = 512 << 20

func actorOf(args []string) string {
	parts := []string{"cli:"}
	for i, s := range args {
		if i == 0 {
			s = "rolecall"
		}
		if strings.ContainsAny(s, " \t\"'") || s == "" {
			s = fmt.Sprintf("%q", s)
		}
		parts = append(parts, model.SafeText(s))
	}
	return strings.Join(parts, " ")
}

func (a *app) run(args []string) int {
	if len(args) > 0 {
		args = args[1:]
	}
	return a.runTree(a.rootCommand(args), args)
}

// runTree runs the command tree root on args (without the program's name)
// and returns the exit code, with any error written to stderr.
func (a *app) runTree(root *cobra.Command, args []string) int {
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		for _, l := range xe.lines {
			fmt.Fprintln(a.stderr, "rolecall: "+model.SafeText(l))
		}
		return xe.code
	}
	// Cobra's own errors: unknown command, unknown flag, bad flag value.
	for _, l := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			fmt.Fprintln(a.stderr, "rolecall: "+model.SafeText(l))
		}
	}
	fmt.Fprintln(a.stderr, "rolecall: run 'rolecall --help' for usage")
	return ExitUsage
}

// writeSafe writes b with every control character other than newline and
// tab, every escape introducer and bidirectional mark, made visible: names
// are passed through model.SafeText where they are formatted, and this is
// the last line of defence.
func writeSafe(w io.Writer, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	// Looked at in place: string(b) would copy an answer of megabytes.
	if !hasControl(unsafe.String(unsafe.SliceData(b), len(b))) {
		_, err := w.Write(b)
		return err
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		cells := strings.Split(l, "\t")
		for j, c := range cells {
			cells[j] = model.SafeText(c)
		}
		lines[i] = strings.Join(cells, "\t")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// hasControl reports whether s holds, besides newlines and tabs, a
// character that model.SafeText would rewrite.
func hasControl(s string) bool { return !model.PlainASCII(s) && anyCell(s, model.HasControl) }

// plainText reports whether writeSafe leaves s as it is, whatever the
// rest of the output: no line or cell of it holds a character that
// model.SafeText rewrites (invisible ones too, which it rewrites only in
// an output that hasControl).
func plainText(s string) bool {
	return model.PlainASCII(s) || !anyCell(s, func(c string) bool { return model.SafeText(c) != c })
}

// anyCell reports whether f holds for a line, or a tab-separated cell of
// one, of s: writeSafe's units.
func anyCell(s string, f func(string) bool) bool {
	for s != "" {
		seg := s
		if i := strings.IndexAny(s, "\n\t"); i >= 0 {
			seg, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if f(seg) {
			return true
		}
	}
	return false
}

const rootLong = `rolecall manages Boomi-style custom roles and previews what a user can see and do.

With no command it opens the terminal UI on the account file.
The file is -f FILE, else $ROLECALL_FILE, else rolecall.toml in this directory.

Exit codes: 0 success or allowed; 1 denied, a refused edit, or validate found
problems; 2 a usage error, an unreadable file, an unknown name, or a file with errors.`

// rootCommand builds the command tree for args (without the program's
// name). A process runs one command, and building every command (their
// flags, their help texts) is a fair part of a short command's time, most
// of it first touches of memory: so when cobra finds a command that args
// name among only the commands args name, the tree holds only those. Else
// (no command, help, an unknown command) it holds every command, as does
// rootCommand(nil).
func (a *app) rootCommand(args []string) *cobra.Command {
	if named := a.commands(args); len(named) > 0 {
		root := a.newRoot(named)
		if c, _, err := root.Find(args); err == nil && c != root {
			return root
		}
	}
	return a.newRoot(a.commands(nil))
}

// commands builds the commands under rolecall that a word of args names,
// all of them when args is nil.
func (a *app) commands(args []string) []*cobra.Command {
	all := []struct {
		name  string
		build func() *cobra.Command
	}{
		{"init", a.initCommand},
		{"validate", a.validateCommand},
		{"check", a.checkCommand},
		{"explain", a.explainCommand},
		{"preview", a.previewCommand},
		{"who-can", a.whoCanCommand},
		{"diff", a.diffCommand},
		{"lint", a.lintCommand},
		{"role", a.roleCommand},
		{"user", a.userCommand},
		{"env", a.envCommand},
		{"account", a.accountCommand},
		{"log", a.logCommand},
		{"import", a.importCommand},
		{"pull", a.pullCommand},
		{"plan", a.planCommand},
		{"push", a.pushCommand},
		{"drift", a.driftCommand},
		{"group", a.groupCommand},
		{"test", a.testCommand},
		{"report", a.reportCommand},
	}
	var out []*cobra.Command
	for _, c := range all {
		if args == nil || names(args, c.name) {
			out = append(out, c.build())
		}
	}
	return out
}

// names reports whether a word of args is name.
func names(args []string, name string) bool {
	for _, w := range args {
		if w == name {
			return true
		}
	}
	return false
}

// newRoot builds the root command over subs.
func (a *app) newRoot(subs []*cobra.Command) *cobra.Command {
	root := &cobra.Command{
		Use:           "rolecall [-f FILE]",
		Short:         "Boomi-style custom roles: manage them and preview what a user can see and do",
		Long:          rootLong,
		Args:          noArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.tui.File = a.path()
			if RunTUI != nil {
				if code := RunTUI(a.tui); code != 0 {
					return silent(code)
				}
				return nil
			}
			fmt.Fprintln(a.stdout, "rolecall: the terminal UI is not built into this binary; use a command:")
			fmt.Fprintln(a.stdout)
			fmt.Fprint(a.stdout, commandList(cmd))
			fmt.Fprintln(a.stdout)
			fmt.Fprintln(a.stdout, "Run 'rolecall COMMAND --help' for a command's flags.")
			return nil
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr("%s: %v (run '%s --help')", cmdName(c), err, c.CommandPath())
	})
	pf := root.PersistentFlags()
	pf.StringVarP(&a.file, "file", "f", "", "account file (default $ROLECALL_FILE, else rolecall.toml)")
	pf.BoolVar(&a.tui.NoCache, "no-cache", false, "neither read nor write the load cache in $XDG_CACHE_HOME/rolecall (also $ROLECALL_NO_CACHE=1)")
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		if cmd != root {
			oneOffGC(a.env)
		}
		if a.env("ROLECALL_NO_CACHE") != "" {
			a.tui.NoCache = true
		}
		storage.UseCache(!a.tui.NoCache)
	}
	f := root.Flags()
	f.BoolVar(&a.tui.ReadOnly, "read-only", false, "open the TUI without saving (audits, demos)")
	f.BoolVar(&a.tui.ASCII, "ascii", false, "draw the TUI without box-drawing characters")
	f.BoolVar(&a.tui.NoMouse, "no-mouse", false, "do not capture the mouse in the TUI")

	root.AddCommand(subs...)
	return root
}

// commandList is the one-line-per-command summary the bare root prints.
func commandList(root *cobra.Command) string {
	var b strings.Builder
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			if s.Hidden || s.Name() == "help" {
				continue
			}
			if s.Runnable() && !s.HasSubCommands() {
				fmt.Fprintf(&b, "  %-52s %s\n", "rolecall "+strings.TrimPrefix(s.CommandPath(), root.Name()+" ")+useArgs(s), s.Short)
			}
			walk(s)
		}
	}
	walk(root)
	return b.String()
}

func useArgs(c *cobra.Command) string {
	if i := strings.IndexByte(c.Use, ' '); i >= 0 {
		return c.Use[i:]
	}
	return ""
}

// path is the account file: -f, else $ROLECALL_FILE, else rolecall.toml.
func (a *app) path() string {
	if a.file != "" {
		return a.file
	}
	if p := a.env("ROLECALL_FILE"); p != "" {
		return p
	}
	return defaultFile
}

// Argument validators that say what is missing in words.

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usageErr("unknown command %q (run '%s --help' for the list)", args[0], cmd.CommandPath())
		}
		return usageErr("%s takes no arguments, got %q (run '%s --help')", cmdName(cmd), args[0], cmd.CommandPath())
	}
	return nil
}

func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == len(names) {
			return nil
		}
		if len(args) < len(names) {
			return usageErr("%s needs %s (run '%s --help')", cmdName(cmd), strings.Join(names[len(args):], " and "), cmd.CommandPath())
		}
		return usageErr("%s takes %d argument(s) (%s); unexpected %q (run '%s --help')", cmdName(cmd), len(names), strings.Join(names, " "), args[len(names)], cmd.CommandPath())
	}
}

// withLateLong appends more() to c's long help when the help is shown,
// not each time c is built (every run of c).
func withLateLong(c *cobra.Command, more func() string) {
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		cmd.Long += more()
		cmd.SetHelpFunc(nil)
		cmd.HelpFunc()(cmd, args)
	})
}

// group makes a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use + " COMMAND",
		Short: short,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErr("%s needs a subcommand: %s (run '%s --help')", cmdName(cmd), subNames(cmd), cmd.CommandPath())
		},
	}
	c.AddCommand(subs...)
	return c
}

// cmdName is the command's path without the program name, for messages
// that already start with "rolecall: ".
func cmdName(c *cobra.Command) string {
	if !c.HasParent() {
		return c.Name()
	}
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

func subNames(c *cobra.Command) string {
	var out []string
	for _, s := range c.Commands() {
		if s.Name() != "help" {
			out = append(out, s.Name())
		}
	}
	return strings.Join(out, ", ")
}
