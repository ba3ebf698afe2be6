package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rolecall/boomi"
	"rolecall/model"
	"rolecall/storage"
)

func (a *app) pushCommand() *cobra.Command {
	var r remote
	var yes, abandon bool
	c := &cobra.Command{
		Use:   "push",
		Short: "apply the plan to the Boomi account, after confirmation; journaled and resumable",
		Long: `push reads the live Boomi account, shows the plan (as rolecall plan does) and,
once confirmed (or with --yes), applies it under the file's lock. Before the
first call it reads Boomi again and refuses if anything changed since the plan
was shown, or if the file did. Each call is recorded in FILE.push.jsonl before
it is sent and after it is answered; an interrupted push (a lost connection,
kill -9) is resumed by running push again, which says what was applied and
what was not, checks Boomi, and sends only what remains of the same plan.
--abandon instead ends an interrupted push where it stands, after saying
exactly what was applied. Once done, the Boomi ids of new roles and
environments are written into the file (an audit entry records the push).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.push(&r, yes, abandon)
		},
	}
	r.flags(c, false)
	c.Flags().BoolVar(&yes, "yes", false, "apply without asking (scripts)")
	c.Flags().BoolVar(&abandon, "abandon", false, "end an interrupted push where it stands, after saying what was applied")
	return c
}

// pushLockWait is how long push waits for another rolecall's lock on the
// file (0: storage.DefaultLockWait). The tests shorten it (export_test.go)
// where a push is refused because another one holds the lock.
var pushLockWait time.Duration

func fileHash(acct *model.Account) string {
	sum := sha256.Sum256(storage.Encode(acct))
	return hex.EncodeToString(sum[:])
}

func (a *app) push(r *remote, yes, abandon bool) error {
	path := a.path()
	acct, err := a.open()
	if err != nil {
		return err
	}
	// The file stays locked from here to the end, the question included:
	// no other rolecall saves it, pushes it, or takes this push's journal
	// for an interrupted one.
	held, err := storage.Hold(path, pushLockWait)
	if err != nil {
		return a.storageError(err)
	}
	defer held.Release()
	if acct, err = a.open(); err != nil { // as it is now that it is locked
		return err
	}
	j, err := storage.OpenJournal(path)
	if err != nil {
		if abandon {
			return a.abandonDamaged(path, err)
		}
		return fail(ExitUsage, "%v (run rolecall push --abandon to move it aside)", err)
	}
	if j != nil {
		defer j.Close()
		return a.resume(held, j, acct, r, yes, abandon)
	}
	if abandon {
		return usageErr("there is no interrupted push to abandon (%s does not exist)", model.SafeText(storage.JournalPath(path)))
	}
	ctx, stop := interruptible()
	defer stop()
	account, endpoint, err := a.target(r, acct)
	if err != nil {
		return err
	}
	c, live, err := a.read(ctx, account, endpoint)
	if err != nil {
		return err
	}
	p := model.MakePlan(acct, live)
	v := a.view(acct, p, account, endpoint)
	a.printPlan(v, "Push to")
	if len(p.Blocking) > 0 {
		return fail(ExitDenied, "nothing was sent: fix what cannot be pushed first (listed above)")
	}
	if len(p.Calls) == 0 {
		_ = a.writeState(path, "push", account, endpoint, live, acct)
		fmt.Fprintln(a.stdout, "nothing to push")
		return nil
	}
	if err := a.confirm(yes, applyQuestion(len(p.Calls), account)); err != nil {
		return err
	}
	idx := make([]int, len(p.Calls))
	for i := range idx {
		idx[i] = i
	}
	return a.apply(ctx, held, c, acct, p, nil, idx, account, endpoint)
}

// abandonDamaged moves aside a journal that cannot be read, after saying
// so: what it held cannot be told, so drift must say where Boomi stands.
func (a *app) abandonDamaged(path string, cause error) error {
	aside := storage.JournalPath(path) + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(storage.JournalPath(path), aside); err != nil {
		return fail(ExitUsage, "%v; and it could not be moved aside: %v", cause, err)
	}
	fmt.Fprintf(a.stdout, "the push journal could not be read (%s); it is kept as %s. What that push applied is unknown: rolecall drift shows where Boomi stands\n",
		model.SafeText(cause.Error()), model.SafeText(aside))
	return nil
}

// view is the plan's printable form.
func (a *app) view(acct *model.Account, p *model.Plan, account, endpoint string) planView {
	v := planView{Account: account, Endpoint: endpoint, File: a.path(), FileSha256: fileHash(acct),
		Fingerprint: p.Fingerprint, Calls: p.Calls, Blocking: p.Blocking, Notes: p.Notes}
	if p.Live != nil {
		d := model.Compare(model.NewResolver(p.Live), model.NewResolver(acct))
		v.Diff, v.Impact = d, d.Summary()
	}
	return v
}

func applyQuestion(n int, account string) string {
	if n == 1 {
		return "Apply this call to Boomi account " + model.SafeText(account) + "?"
	}
	return fmt.Sprintf("Apply these %d calls to Boomi account %s?", n, model.SafeText(account))
}

// confirm asks on stdin, unless yes; anything but "yes" or "y" refuses.
func (a *app) confirm(yes bool, question string) error {
	if yes {
		return nil
	}
	fmt.Fprintf(a.stdout, "\n%s Only \"yes\" goes ahead: ", question)
	a.flush()
	line, err := bufio.NewReader(Stdin).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	if answer == "yes" || answer == "y" {
		return nil
	}
	if err != nil && answer == "" {
		return fail(ExitDenied, "no answer; nothing was sent (use --yes in scripts)")
	}
	return fail(ExitDenied, "not confirmed; nothing was sent")
}

var (
	errFileChanged = errors.New("the file changed since the plan")
	errLiveChanged = errors.New("Boomi's account changed since the plan")
)

// pushFailed is a push that stopped at a call.
type pushFailed struct {
	call    model.Call
	applied int
	err     error
}

func (e *pushFailed) Error() string { return e.err.Error() }

// apply sends p's calls under the file's lock, after checking that neither
// the file nor Boomi changed since p was made; each call is journaled in j
// (a new journal when nil) at idx[i]. Once all are answered, the ids of new
// roles and environments are written into the file, Boomi is read again to
// check it matches, and the state file is written.
func (a *app) apply(ctx context.Context, held *storage.Held, c *boomi.Client, planned *model.Account, p *model.Plan, j *storage.Journal, idx []int, account, endpoint string) error {
	path := a.path()
	want := storage.Encode(planned)
	var applied []string
	var failed *pushFailed
	// The audit entry: the calls applied as its edits, what they change
	// for whom, and the push itself.
	change := func(_, _ *model.Account) any {
		edits := []string{fmt.Sprintf("push %s to Boomi account %s", plural(len(applied), "call"), account)}
		for _, l := range applied {
			edits = append(edits, "  "+l)
		}
		var access []string
		if p.Live != nil {
			d := model.Compare(model.NewResolver(p.Live), model.NewResolver(planned))
			access = d.Summary()
		}
		return map[string]any{"edits": edits, "access": access,
			"boomi": map[string]any{"op": "push", "account": account, "endpoint": endpoint, "live_fingerprint": p.Fingerprint, "calls": applied}}
	}
	saved, err := held.Update(storage.SaveOptions{Actor: a.actor, ChangeFunc: change}, func(cur *model.Account) (*model.Account, error) {
		if !bytes.Equal(storage.Encode(cur), want) {
			return nil, errFileChanged
		}
		c.Progress = a.progress("checking Boomi account " + account)
		now, err := c.Pull(ctx)
		a.endProgress()
		if err != nil {
			return nil, err
		}
		if now.Fingerprint() != p.Fingerprint {
			return nil, errLiveChanged
		}
		if j == nil {
			j, err = storage.CreateJournal(path, storage.JournalHeader{Account: account, Endpoint: endpoint,
				Started: time.Now().UTC().Truncate(time.Second), FileSha256: fileHash(planned), Fingerprint: p.Fingerprint, Calls: p.Calls})
			if err != nil {
				return nil, err
			}
		}
		// The ids to write into the file: those of roles and environments
		// the plan found in Boomi by name, and of those it creates.
		bar := a.progress("pushing to Boomi account " + account)
		roleIDs, envIDs, groupIDs := maps.Clone(p.RoleIDs), maps.Clone(p.EnvIDs), maps.Clone(p.GroupIDs)
		if roleIDs == nil {
			roleIDs = map[string]string{}
		}
		if envIDs == nil {
			envIDs = map[string]string{}
		}
		if groupIDs == nil {
			groupIDs = map[string]string{}
		}
		ids := boomi.IDs{Roles: roleIDs, Envs: envIDs, Groups: groupIDs}
		for i, call := range p.Calls {
			if bar != nil {
				bar(i, len(p.Calls), call.Line)
			}
			rc, err := ids.Resolve(call)
			if err != nil {
				return nil, &pushFailed{call, i, err}
			}
			if err := j.Record(storage.JournalEvent{Call: idx[i], State: storage.CallSending}); err != nil {
				return nil, &pushFailed{call, i, err}
			}
			id, err := c.Apply(ctx, rc)
			if errors.Is(err, boomi.ErrAlreadyDeleted) {
				err = nil // its effect holds: counted as applied
			}
			if err != nil {
				state := storage.CallFailed
				var uo *boomi.UnknownOutcome
				if errors.As(err, &uo) || ctx.Err() != nil {
					state = storage.CallUnknown
				}
				_ = j.Record(storage.JournalEvent{Call: idx[i], State: state, Error: err.Error()})
				return nil, &pushFailed{call, i, err}
			}
			if err := j.Record(storage.JournalEvent{Call: idx[i], State: storage.CallDone, ID: id}); err != nil {
				return nil, &pushFailed{call, i + 1, err}
			}
			applied = append(applied, call.Line)
			switch {
			case call.Object == "Role" && call.Op == "create":
				roleIDs[call.Role.Name] = id
			case call.Object == "Environment" && call.Op == "create":
				envIDs[call.Environment.Name] = id
			case call.Object == "AccountGroup" && call.Op == "create":
				groupIDs[call.Group.Name] = id
			}
		}
		a.endProgress()
		next := cur.Clone()
		next.BoomiAccount = account
		next.Roles = append([]model.Role(nil), next.Roles...)
		for i := range next.Roles {
			if id, ok := roleIDs[next.Roles[i].Name]; ok {
				next.Roles[i].ID = id
			}
		}
		next.Environments = append([]model.Environment(nil), next.Environments...)
		for i := range next.Environments {
			if id, ok := envIDs[next.Environments[i].Name]; ok {
				next.Environments[i].ID = id
			}
		}
		if len(next.Groups) > 0 {
			next.Groups = append([]model.AccountGroup(nil), next.Groups...)
			for i := range next.Groups {
				if id, ok := groupIDs[next.Groups[i].Name]; ok {
					next.Groups[i].ID = id
				}
			}
		}
		// Say what the file will be: a crash after it is written and
		// before the journal is closed then resumes on that file.
		if err := j.Record(storage.JournalEvent{Call: -1, State: storage.CallSaving, File: fileHash(next)}); err != nil {
			return nil, err
		}
		return next, nil
	})
	a.endProgress()
	var se *storage.SavedError
	switch {
	case errors.Is(err, errFileChanged):
		return fail(ExitDenied, "%s changed since the plan was shown; nothing was sent (run rolecall push again to see the new plan)", model.SafeText(path))
	case errors.Is(err, errLiveChanged):
		return fail(ExitDenied, "Boomi account %s changed since the plan was shown; nothing was sent (run rolecall push again to see the new plan)", model.SafeText(account))
	case errors.As(err, &failed):
		fmt.Fprintf(a.stdout, "\npush stopped at call %d of %d: %s\n", failed.applied+1, len(p.Calls), model.SafeText(failed.call.Line))
		for _, l := range applied {
			fmt.Fprintln(a.stdout, "  applied: "+model.SafeText(l))
		}
		var uo *boomi.UnknownOutcome
		if errors.As(failed.err, &uo) || ctx.Err() != nil {
			fmt.Fprintln(a.stdout, "  unknown: "+model.SafeText(failed.call.Line)+" (sent; no answer says whether Boomi applied it)")
		} else {
			fmt.Fprintln(a.stdout, "  failed:  "+model.SafeText(failed.call.Line))
		}
		for _, call := range p.Calls[failed.applied+1:] {
			fmt.Fprintln(a.stdout, "  not sent: "+model.SafeText(call.Line))
		}
		return fail(ExitDenied, "%v; the journal %s holds every call; run rolecall push again to resume (the file is unchanged)", failed.err, model.SafeText(storage.JournalPath(path)))
	case err != nil && !errors.As(err, &se):
		if j == nil {
			return a.apiErrorOrStorage(err)
		}
		return fail(ExitDenied, "%v; the journal %s holds every call; run rolecall push again to resume", err, model.SafeText(storage.JournalPath(path)))
	}
	if se != nil {
		fmt.Fprintln(a.stderr, "rolecall: warning: "+model.SafeText(se.Error()))
	}
	if err := j.Finish(path); err != nil {
		fmt.Fprintln(a.stderr, "rolecall: warning: the push is done, but its journal could not be closed: "+model.SafeText(err.Error()))
	}
	fmt.Fprintf(a.stdout, "\napplied %s to Boomi account %s\n", plural(len(applied), "call"), model.SafeText(account))
	if saved == nil {
		saved = planned
	}
	if bytes.Equal(storage.Encode(saved), want) {
		// The push learnt no new id: the file was not written, so its
		// audit entry is not either. Record it.
		if err := storage.Record(path, a.actor, change(nil, nil)); err != nil {
			fmt.Fprintln(a.stderr, "rolecall: warning: the push is done, but "+model.SafeText(err.Error()))
		}
	}
	c.Progress = a.progress("reading Boomi account " + account)
	after, err := c.Pull(ctx)
	a.endProgress()
	if err != nil {
		fmt.Fprintln(a.stderr, "rolecall: warning: the push is done, but Boomi could not be read again to check it: "+model.SafeText(err.Error()))
		return nil
	}
	_ = a.writeState(path, "push", account, endpoint, after, saved)
	if rest := model.MakePlan(saved, after); !rest.Empty() {
		fmt.Fprintln(a.stdout, "Boomi still differs from the file (another change came in meanwhile?):")
		for _, c := range rest.Calls {
			fmt.Fprintln(a.stdout, "  "+model.SafeText(c.Line))
		}
		return silent(ExitDenied)
	}
	fmt.Fprintf(a.stdout, "Boomi account %s matches %s\n", model.SafeText(account), model.SafeText(path))
	return nil
}

// apiErrorOrStorage maps an error from the lock, the file or the API.
func (a *app) apiErrorOrStorage(err error) error {
	var (
		ae *boomi.AuthError
		pe *boomi.APIError
	)
	if errors.As(err, &ae) || errors.As(err, &pe) {
		return a.apiError(err)
	}
	return a.storageError(err)
}

// resume finishes (or, with abandon, ends) the push that j records.
func (a *app) resume(held *storage.Held, j *storage.Journal, acct *model.Account, r *remote, yes, abandon bool) error {
	path := a.path()
	h := j.Header
	states, _ := j.States()
	fmt.Fprintf(a.stdout, "A push to Boomi account %s at %s was interrupted (started %s). Of its %s:\n", model.SafeText(h.Account), redact(h.Endpoint), h.Started.Local().Format("2006-01-02 15:04"), plural(len(h.Calls), "call"))
	for i, c := range h.Calls {
		what := "not sent"
		switch states[i] {
		case storage.CallDone:
			what = "applied"
		case storage.CallSkipped:
			what = "already there"
		case storage.CallSending, storage.CallUnknown:
			what = "unknown (sent; no answer)"
		case storage.CallFailed:
			what = "failed"
		}
		fmt.Fprintf(a.stdout, "  %-26s %s\n", what+":", model.SafeText(c.Line))
	}
	if abandon {
		if err := j.Finish(path); err != nil {
			return fail(ExitUsage, "%v", err)
		}
		fmt.Fprintf(a.stdout, "abandoned: the journal is kept as %s; Boomi keeps what was applied (rolecall drift shows where it stands)\n", model.SafeText(storage.LastJournalPath(path)))
		return nil
	}
	if sum := fileHash(acct); sum != h.FileSha256 && sum != j.Saving() {
		return fail(ExitDenied, "%s changed since the interrupted push began, so it cannot be resumed as planned; restore the file, or run rolecall push --abandon and push anew", model.SafeText(path))
	}
	// The account and the endpoint are the ones configured now (flags,
	// file, environment): a journal, which anyone who may write beside the
	// file may edit, never says where credentials go.
	account, endpoint, err := a.target(r, acct)
	if err != nil {
		return err
	}
	if account != h.Account || endpoint != h.Endpoint {
		return fail(ExitDenied, "the interrupted push was to Boomi account %s at %s, not to %s at %s as configured now; nothing was sent (run rolecall push --abandon to end it)",
			model.SafeText(h.Account), redact(h.Endpoint), model.SafeText(account), redact(endpoint))
	}
	ctx, stop := interruptible()
	defer stop()
	c, live, err := a.read(ctx, account, endpoint)
	if err != nil {
		return err
	}
	p := model.MakePlan(acct, live)
	if len(p.Blocking) > 0 {
		for _, l := range p.Blocking {
			fmt.Fprintln(a.stderr, "rolecall: "+model.SafeText(l))
		}
		return fail(ExitDenied, "the rest of the push cannot be planned (listed above); run rolecall push --abandon")
	}
	// What remains must be calls of the interrupted plan, not yet applied.
	key := func(c model.Call) string { return c.Object + "\x00" + c.Op + "\x00" + c.Line }
	open := map[string]int{}
	for i, c := range h.Calls {
		if states[i] != storage.CallDone && states[i] != storage.CallSkipped {
			open[key(c)] = i
		}
	}
	idx := make([]int, len(p.Calls))
	for i, c := range p.Calls {
		k, ok := open[key(c)]
		if !ok {
			return fail(ExitDenied, "Boomi changed since the push began: %s is not what remains of the interrupted plan; nothing was sent (run rolecall push --abandon, then plan again)", model.SafeText(c.Line))
		}
		idx[i] = k
		delete(open, key(c))
	}
	for _, i := range open {
		if err := j.Record(storage.JournalEvent{Call: i, State: storage.CallSkipped}); err != nil {
			return fail(ExitDenied, "%v", err)
		}
		fmt.Fprintf(a.stdout, "  already in Boomi: %s\n", model.SafeText(h.Calls[i].Line))
	}
	if len(p.Calls) == 0 {
		fmt.Fprintln(a.stdout, "Boomi has every call of the plan.")
	} else {
		fmt.Fprintln(a.stdout, "\nTo finish the push:")
		for _, c := range p.Calls {
			fmt.Fprintln(a.stdout, "  "+model.SafeText(c.Line))
		}
		if err := a.confirm(yes, applyQuestion(len(p.Calls), h.Account)); err != nil {
			return err
		}
	}
	return a.apply(ctx, held, c, acct, p, j, idx, account, endpoint)
}
