package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"rolecall/boomi"
	"rolecall/model"
	"rolecall/storage"
)

// The commands that work with Boomi's Platform API (boomi-api.md):
// import boomi, pull, plan, push and drift. The rules (what maps to what,
// which calls in which order) are the model's (model.Import,
// model.MakePlan); the transport is package boomi's; the files beside the
// account file are storage's. This file wires them and prints.

// Stdin is where push reads its confirmation; tests replace it.
var Stdin io.Reader = os.Stdin

const defaultEndpoint = "https://api.boomi.com"

// remote holds the flags that say which Boomi account to talk to.
type remote struct {
	account  string
	endpoint string
	from     []string // saved responses instead of the live API
}

func (r *remote) flags(c *cobra.Command, from bool) {
	f := c.Flags()
	f.StringVar(&r.account, "account", "", "Boomi account id (default: the file's boomi_account, else $BOOMI_ACCOUNT)")
	f.StringVar(&r.endpoint, "endpoint", "", "API endpoint before /api/rest/v1/ACCOUNT (default $BOOMI_ENDPOINT, else "+defaultEndpoint+")")
	if from {
		f.StringSliceVar(&r.from, "from", nil, "compare with saved API responses (files or directories) instead of the live account")
	}
}

// target says which account and endpoint, from the flags, the file and the
// environment, in that order.
func (a *app) target(r *remote, acct *model.Account) (account, endpoint string, err error) {
	account = r.account
	if account == "" && acct != nil {
		account = acct.BoomiAccount
	}
	if account == "" {
		account = a.env("BOOMI_ACCOUNT")
	}
	if account == "" {
		return "", "", usageErr("no Boomi account: give --account ID (or set $BOOMI_ACCOUNT)")
	}
	if acct != nil && acct.BoomiAccount != "" && !strings.EqualFold(acct.BoomiAccount, account) {
		return "", "", usageErr("%s is tied to Boomi account %q, not %q; use the file of that account", model.SafeText(a.path()), acct.BoomiAccount, account)
	}
	endpoint, from := r.endpoint, "--endpoint"
	if endpoint == "" {
		endpoint, from = a.env("BOOMI_ENDPOINT"), "$BOOMI_ENDPOINT"
	}
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	// Credentials travel in every request: only https, and never a user,
	// query or fragment in the URL (which is not repeated back: it may
	// hold a secret).
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.Scheme != "https" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(endpoint, "?#@") {
		return "", "", usageErr("the endpoint of %s is not an https URL like %s, without a user, password, query or fragment (it is not repeated here: it may hold a secret)", from, defaultEndpoint)
	}
	return account, strings.TrimRight(endpoint, "/"), nil
}

// redact is an endpoint as messages show it: scheme, host and path.
func redact(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "(an endpoint that is not a URL)"
	}
	return model.SafeText(u.Scheme + "://" + u.Host + u.Path)
}

// client makes the API client of account at endpoint, with credentials
// from the environment or ~/.netrc.
func (a *app) client(account, endpoint string) (*boomi.Client, error) {
	u, err := url.Parse(endpoint) // checked by target
	if err != nil {
		return nil, usageErr("the endpoint is not a URL")
	}
	netrc := a.env("NETRC")
	if netrc == "" {
		if home := a.env("HOME"); home != "" {
			netrc = filepath.Join(home, ".netrc")
		}
	}
	user, pass, err := boomi.Credentials(a.env, netrc, u.Hostname())
	if err != nil {
		return nil, fail(ExitUsage, "%v", err)
	}
	c := &boomi.Client{Endpoint: endpoint, Account: account, User: user, Password: pass}
	c.Progress = a.progress("reading Boomi account " + account)
	c.Waiting = func(d time.Duration, attempt, attempts int) {
		if d >= 5*time.Second { // a short wait is a blink; a long one is said at once
			a.endProgress()
			fmt.Fprintf(a.stderr, "rolecall: Boomi is limiting the rate of requests: waiting %s before attempt %d of %d\n", d.Round(time.Second), attempt+1, attempts)
			a.flush()
		}
	}
	return c, nil
}

// progress draws a bar on the terminal's stderr, or nothing when stderr is
// not a terminal.
func (a *app) progress(title string) func(done, total int, what string) {
	f, ok := a.realErr.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(done, total int, what string) {
		const width = 20
		bar := ""
		if total > 0 {
			n := min(width, done*width/total)
			bar = "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "] " + fmt.Sprintf("%d/%d ", done, total)
		} else {
			bar = fmt.Sprintf("%d ", done)
		}
		line := []rune(title + ": " + bar + model.SafeText(what))
		// One line, never wrapped: a wrapped line is not cleared by the
		// next.
		cols := 80
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 1 {
			cols = w
		}
		if len(line) > cols-1 {
			line = line[:cols-1]
		}
		fmt.Fprintf(f, "\r\x1b[K%s", string(line))
	}
}

// endProgress clears the progress line.
func (a *app) endProgress() {
	if f, ok := a.realErr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(f, "\r\x1b[K")
		}
	}
}

// interruptible is a context cancelled by SIGINT or SIGTERM.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// fetch reads Boomi's state: from saved responses with --from, else from
// the live API. source says where from, for messages and the state file.
func (a *app) fetch(ctx context.Context, r *remote, acct *model.Account) (live *model.Live, account, endpoint string, err error) {
	if len(r.from) > 0 {
		live, notes, err := boomi.ReadResponses(r.from)
		if err != nil {
			return nil, "", "", fail(ExitUsage, "%v", err)
		}
		bad := 0
		for _, n := range notes {
			fmt.Fprintln(a.stderr, "rolecall: "+model.SafeText(n.String()))
			if n.Severity == model.Error {
				bad++
			}
		}
		if bad > 0 {
			return nil, "", "", fail(ExitDenied, "the saved responses disagree or are incomplete (%s, listed above); nothing was written or compared", plural(bad, "error"))
		}
		if acct != nil && acct.BoomiAccount != "" && live.AccountID != "" && acct.BoomiAccount != live.AccountID {
			return nil, "", "", usageErr("the saved responses are of Boomi account %q; %s is tied to %q", live.AccountID, model.SafeText(a.path()), acct.BoomiAccount)
		}
		return live, live.AccountID, "", nil
	}
	account, endpoint, err = a.target(r, acct)
	if err != nil {
		return nil, "", "", err
	}
	_, live, err = a.read(ctx, account, endpoint)
	if err != nil {
		return nil, "", "", err
	}
	return live, account, endpoint, nil
}

// read makes the client of account at endpoint and reads Boomi's state
// with it.
func (a *app) read(ctx context.Context, account, endpoint string) (*boomi.Client, *model.Live, error) {
	c, err := a.client(account, endpoint)
	if err != nil {
		return nil, nil, err
	}
	live, err := c.Pull(ctx)
	a.endProgress()
	if err != nil {
		return nil, nil, a.apiError(err)
	}
	return c, live, nil
}

// apiError is exit 2 for credentials refused, exit 1 for anything else the
// API or the network said.
func (a *app) apiError(err error) error {
	var ae *boomi.AuthError
	if errors.As(err, &ae) {
		return fail(ExitUsage, "%v", err)
	}
	return fail(ExitDenied, "%v", err)
}

// switchFlags are the switches the API does not return.
type switchFlags struct{ aus, aea bool }

func (s *switchFlags) flags(c *cobra.Command) {
	c.Flags().BoolVar(&s.aus, "advanced-user-security", false, "the account has Advanced User Security (the API does not say; default: the file's, else on when there are custom roles)")
	c.Flags().BoolVar(&s.aea, "advanced-environment-access", false, "the account has Advanced Environment Access (the API does not say; default: the file's, else off)")
}

// switches decides the switches and says where each came from.
func (a *app) switches(c *cobra.Command, s *switchFlags, prev *model.Account, live *model.Live) (model.Switches, []string) {
	var sw model.Switches
	var said []string
	guess, ausWhy, aeaWhy := model.GuessSwitches(live)
	switch {
	case c.Flags().Changed("advanced-user-security"):
		sw.AdvancedUserSecurity = s.aus
		said = append(said, fmt.Sprintf("advanced_user_security = %t (--advanced-user-security)", s.aus))
	case prev != nil:
		sw.AdvancedUserSecurity = prev.AdvancedUserSecurity
		said = append(said, fmt.Sprintf("advanced_user_security = %t (kept from the file; the API does not say)", sw.AdvancedUserSecurity))
	default:
		sw.AdvancedUserSecurity = guess.AdvancedUserSecurity
		said = append(said, fmt.Sprintf("advanced_user_security = %t (the API does not say; %s; --advanced-user-security sets it)", sw.AdvancedUserSecurity, ausWhy))
	}
	switch {
	case c.Flags().Changed("advanced-environment-access"):
		sw.AdvancedEnvironmentAccess = s.aea
		said = append(said, fmt.Sprintf("advanced_environment_access = %t (--advanced-environment-access)", s.aea))
	case prev != nil:
		sw.AdvancedEnvironmentAccess = prev.AdvancedEnvironmentAccess
		said = append(said, fmt.Sprintf("advanced_environment_access = %t (kept from the file; the API does not say)", sw.AdvancedEnvironmentAccess))
	default:
		sw.AdvancedEnvironmentAccess = guess.AdvancedEnvironmentAccess
		said = append(said, fmt.Sprintf("advanced_environment_access = %t (the API does not say; %s; --advanced-environment-access sets it)", sw.AdvancedEnvironmentAccess, aeaWhy))
	}
	return sw, said
}

func (a *app) importCommand() *cobra.Command {
	imp := a.pullLike("boomi PATH...", "build or update the file from saved Boomi API responses", true)
	return group("import", "bring an account in from elsewhere", imp)
}

func (a *app) pullCommand() *cobra.Command {
	return a.pullLike("pull", "build or update the file from the live Boomi account", false)
}

// pullLike is import boomi (saved responses) or pull (the live API).
func (a *app) pullLike(use, short string, saved bool) *cobra.Command {
	var r remote
	var sw switchFlags
	var discard bool
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

Roles, their privilege codes and parents, users' roles, environments and their
Roles with Access become the file. Built-in roles are matched by name; parent
ids become names; privilege codes rolecall does not know stay on their role as
unknown_codes and are written back unchanged. Advanced User Security and
Advanced Environment Access are not in the API: they come from the flags, else
the file, and the command says which. Anything that cannot be mapped is
listed, and then nothing is written.

The file's unpushed changes (what differs from Boomi's state as the last pull,
import or push saw it) are never overwritten in silence: the command refuses,
listing them, unless --discard-local. It is saved like any edit: under the
lock, with FILE.bak, an audit entry, and what it changes for whom.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if saved {
				if len(args) == 0 {
					return usageErr("import boomi needs the saved responses: files or directories (run 'rolecall import boomi --help')")
				}
				r.from = args
			} else if len(args) > 0 {
				return usageErr("pull takes no arguments, got %q (run 'rolecall pull --help')", args[0])
			}
			return a.pull(cmd, &r, &sw, discard)
		},
	}
	if !saved {
		r.flags(c, false)
	}
	sw.flags(c)
	c.Flags().BoolVar(&discard, "discard-local", false, "replace the file's unpushed changes (listed first; FILE.bak keeps them)")
	return c
}

func (a *app) pull(cmd *cobra.Command, r *remote, sw *switchFlags, discard bool) error {
	path := a.path()
	var prev *model.Account
	if _, err := os.Lstat(path); err == nil {
		acct, err := a.openFile(path)
		if err != nil {
			return err
		}
		prev = acct
	}
	ctx, stop := interruptible()
	defer stop()
	live, account, endpoint, err := a.fetch(ctx, r, prev)
	if err != nil {
		return err
	}
	switches, said := a.switches(cmd, sw, prev, live)
	im := model.Import(live, prev, switches)
	for _, n := range im.Notes {
		fmt.Fprintln(a.stderr, "rolecall: "+model.SafeText(n.String()))
	}
	if im.HasErrors() {
		return fail(ExitDenied, "%s could not be mapped without loss (listed above); nothing was written", plural(countErrors(im.Notes), "object"))
	}
	problems := model.Validate(im.Account)
	if errs := problems.Errors(); len(errs) > 0 {
		for _, p := range errs {
			fmt.Fprintln(a.stderr, "rolecall: "+model.SafeText(p.String()))
		}
		return fail(ExitDenied, "Boomi's account breaks %s of rolecall's rules (listed above); nothing was written", plural(len(errs), "rule"))
	}
	for _, p := range problems.Warnings() { // look-alike names, ticks that do nothing, ...
		fmt.Fprintln(a.stderr, "rolecall: "+model.SafeText(p.String()))
	}
	state, err := storage.ReadState(path)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	source := "pull"
	if len(r.from) > 0 {
		source = "import"
	}
	// The audit entry: the pull as its edit, what it changes for whom, and
	// where it came from.
	what := fmt.Sprintf("%s Boomi account %s", source, live.AccountID)
	if len(r.from) > 0 {
		what += " from saved responses " + strings.Join(r.from, ", ")
	} else {
		what += " from " + endpoint
	}
	change := map[string]any{"edits": []string{what}, "access": []string{},
		"boomi": map[string]any{"op": source, "account": live.AccountID, "endpoint": endpoint, "from": r.from, "live_fingerprint": live.Fingerprint()}}
	var old, saved *model.Account
	if prev == nil {
		if _, err := storage.Save(path, im.Account, storage.Stamp{}, storage.SaveOptions{Actor: a.actor, Change: change}); err != nil {
			return fail(ExitDenied, "cannot write %s: %v", model.SafeText(path), err)
		}
		saved = model.Canonical(im.Account)
	} else {
		var refused []string
		saved, err = storage.Update(path, storage.SaveOptions{Actor: a.actor, ChangeFunc: func(o, n *model.Account) any {
			if o != nil {
				d := model.Compare(model.NewResolver(o), model.NewResolver(n))
				change["access"] = d.Summary()
			}
			return change
		}}, func(cur *model.Account) (*model.Account, error) {
			old = cur
			refused = atRisk(cur, state, live)
			if len(refused) > 0 && !discard {
				return nil, errLocal
			}
			return im.Account, nil
		})
		if errors.Is(err, errLocal) || len(refused) > 0 && discard && err == nil {
			verb := "would replace"
			if discard {
				verb = "replaced"
			}
			fmt.Fprintf(a.stdout, "%s %s that Boomi does not have:\n", verb, plural(len(refused), "unpushed change"))
			for _, l := range refused {
				fmt.Fprintln(a.stdout, "  "+model.SafeText(l))
			}
		}
		if errors.Is(err, errLocal) {
			return fail(ExitDenied, "%s has unpushed changes (listed above); push them (rolecall push), or add --discard-local to replace them; nothing was written", model.SafeText(path))
		}
		var se *storage.SavedError
		if err != nil && !errors.As(err, &se) {
			return a.storageError(err)
		}
		if saved == nil {
			saved = model.Canonical(old)
		}
	}
	for _, s := range said {
		fmt.Fprintln(a.stdout, "  "+s)
	}
	if old != nil {
		d := model.Compare(model.NewResolver(old), model.NewResolver(saved))
		sum := d.Summary()
		if len(sum) == 0 {
			fmt.Fprintln(a.stdout, "  nothing changes for anyone's access")
		}
		for _, l := range sum {
			fmt.Fprintln(a.stdout, "  "+model.SafeText(l))
		}
	}
	if err := a.writeState(path, source, account, endpoint, live, saved); err != nil {
		return err
	}
	verb := map[string]string{"pull": "pulled", "import": "imported"}[source]
	fmt.Fprintf(a.stdout, "%s Boomi account %s into %s (%s, %s, %s)\n", verb, model.SafeText(live.AccountID), model.SafeText(path),
		plural(len(saved.Roles), "custom role"), plural(len(saved.Users), "user"), plural(len(saved.Environments), "environment"))
	return nil
}

var errLocal = errors.New("the file has unpushed changes")

func countErrors(ns []model.ImportNote) int {
	n := 0
	for _, x := range ns {
		if x.Severity == model.Error {
			n++
		}
	}
	return n
}

// atRisk lists what a pull would overwrite in cur (model.AtRisk), with
// Boomi's state as the last pull, import or push of this account saw it.
func atRisk(cur *model.Account, state *storage.RemoteState, live *model.Live) []string {
	var base *model.Live
	if state != nil && state.Live != nil && (state.Account == live.AccountID || live.AccountID == "") {
		base = state.Live
	}
	var out []string
	for _, c := range model.AtRisk(cur, base, live) {
		out = append(out, c.Line)
	}
	return out
}

// writeState records Boomi's state beside the file, with the hash of the
// file as saved.
func (a *app) writeState(path, source, account, endpoint string, live *model.Live, saved *model.Account) error {
	sum := sha256.Sum256(storage.Encode(saved))
	st := &storage.RemoteState{Account: live.AccountID, Endpoint: endpoint, Source: source,
		At: time.Now().UTC().Truncate(time.Second), FileSha256: hex.EncodeToString(sum[:]), Live: live}
	if st.Account == "" {
		st.Account = account
	}
	if err := storage.WriteState(path, st); err != nil {
		fmt.Fprintln(a.stderr, "rolecall: warning: the file is saved, but "+model.SafeText(storage.StatePath(path))+" could not be written: "+model.SafeText(err.Error()))
	}
	return nil
}

// planView is plan --json.
type planView struct {
	Account     string       `json:"account"`
	Endpoint    string       `json:"endpoint"`
	File        string       `json:"file"`
	FileSha256  string       `json:"file_sha256"`
	Fingerprint string       `json:"live_fingerprint"`
	Calls       []model.Call `json:"calls"`
	Blocking    []string     `json:"blocking"`
	Notes       []string     `json:"notes"`
	Impact      []string     `json:"impact"`
	Diff        model.Diff   `json:"diff"`
}

func (a *app) planOf(ctx context.Context, r *remote) (*model.Account, *model.Plan, planView, error) {
	acct, err := a.open()
	if err != nil {
		return nil, nil, planView{}, err
	}
	live, account, endpoint, err := a.fetch(ctx, r, acct)
	if err != nil {
		return nil, nil, planView{}, err
	}
	p := model.MakePlan(acct, live)
	return acct, p, a.view(acct, p, account, endpoint), nil
}

func (a *app) printPlan(v planView, title string) {
	where := "Boomi account " + model.SafeText(v.Account)
	if v.Endpoint != "" && v.Endpoint != defaultEndpoint {
		where += " at " + redact(v.Endpoint)
	}
	fmt.Fprintf(a.stdout, "%s %s, from %s:\n\n", title, where, model.SafeText(v.File))
	if len(v.Calls) == 0 {
		fmt.Fprintln(a.stdout, "  no calls: Boomi matches the file")
	}
	for _, c := range v.Calls {
		fmt.Fprintln(a.stdout, "  "+model.SafeText(c.Line))
	}
	if len(v.Impact) > 0 {
		fmt.Fprintln(a.stdout, "\nAccess, once pushed:")
		for _, l := range v.Impact {
			fmt.Fprintln(a.stdout, "  "+model.SafeText(l))
		}
	}
	if len(v.Notes) > 0 {
		fmt.Fprintln(a.stdout, "\nNotes:")
		for _, l := range v.Notes {
			fmt.Fprintln(a.stdout, "  "+model.SafeText(l))
		}
	}
	if len(v.Blocking) > 0 {
		fmt.Fprintln(a.stdout, "\nCannot be pushed:")
		for _, l := range v.Blocking {
			fmt.Fprintln(a.stdout, "  "+model.SafeText(l))
		}
	}
	add, change, remove := 0, 0, 0
	for _, c := range v.Calls {
		switch c.Op {
		case "create":
			add++
		case "update":
			change++
		default:
			remove++
		}
	}
	fmt.Fprintf(a.stdout, "\nPlan: %s (%d to add, %d to change, %d to remove).\n", plural(len(v.Calls), "call"), add, change, remove)
}

func (a *app) planCommand() *cobra.Command {
	var r remote
	var asJSON bool
	c := &cobra.Command{
		Use:   "plan",
		Short: "the Boomi API calls that make the account match the file, and who gains or loses what",
		Long: `plan compares the file with the live Boomi account (or, with --from, saved API
responses) and prints the API calls that would make Boomi match the file, in an
order Boomi accepts: environments and roles created (parents first), roles
changed, links added, links removed, roles removed (children first). Then what
changes for whom, what the plan leaves as it is, and what cannot be pushed.
Nothing is sent. Exit 1 when something cannot be pushed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible()
			defer stop()
			_, p, v, err := a.planOf(ctx, &r)
			if err != nil {
				return err
			}
			if asJSON {
				if err := a.writeJSON(v); err != nil {
					return err
				}
			} else {
				a.printPlan(v, "Plan for")
			}
			if len(p.Blocking) > 0 {
				return silent(ExitDenied)
			}
			return nil
		},
	}
	r.flags(c, true)
	c.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON")
	return c
}

func (a *app) driftCommand() *cobra.Command {
	var r remote
	var asJSON, exitCode bool
	c := &cobra.Command{
		Use:   "drift",
		Short: "what differs between the file and the Boomi account, and for whom",
		Long: `drift compares the file with the live Boomi account (or, with --from, saved API
responses) and says what differs and who has other access in Boomi than the
file says. With --exit-code: exit 0 when they match, 1 when they differ, 2 on
an error.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible()
			defer stop()
			acct, p, v, err := a.planOf(ctx, &r)
			var xe *exitError
			if errors.As(err, &xe) && xe.code == ExitDenied {
				// Exit 1 says "differs": an error is 2, whatever it is.
				xe.code = ExitUsage
			}
			if err != nil {
				return err
			}
			// Drift reads from Boomi's side: what Boomi has that the file
			// does not.
			v.Impact = nil
			if p.Live != nil {
				d := model.Compare(model.NewResolver(acct), model.NewResolver(p.Live))
				v.Diff, v.Impact = d, d.Summary()
			}
			if asJSON {
				if err := a.writeJSON(v); err != nil {
					return err
				}
			} else if p.Empty() {
				fmt.Fprintf(a.stdout, "no drift: Boomi account %s matches %s\n", model.SafeText(v.Account), model.SafeText(v.File))
			} else {
				fmt.Fprintf(a.stdout, "Boomi account %s differs from %s; these calls would make it match the file:\n", model.SafeText(v.Account), model.SafeText(v.File))
				for _, c := range v.Calls {
					fmt.Fprintln(a.stdout, "  "+model.SafeText(c.Line))
				}
				if len(v.Impact) > 0 {
					fmt.Fprintln(a.stdout, "\nIn Boomi, compared with the file:")
					for _, l := range v.Impact {
						fmt.Fprintln(a.stdout, "  "+model.SafeText(l))
					}
				}
				for _, l := range v.Blocking {
					fmt.Fprintln(a.stdout, "  cannot be pushed: "+model.SafeText(l))
				}
			}
			for _, l := range v.Notes {
				if !asJSON {
					fmt.Fprintln(a.stdout, "  note: "+model.SafeText(l))
				}
			}
			if exitCode && !p.Empty() {
				return silent(ExitDenied)
			}
			return nil
		},
	}
	r.flags(c, true)
	c.Flags().BoolVar(&asJSON, "json", false, "print as JSON (the calls, and the diff from the file to Boomi)")
	c.Flags().BoolVar(&exitCode, "exit-code", false, "exit 1 when Boomi differs from the file")
	return c
}
