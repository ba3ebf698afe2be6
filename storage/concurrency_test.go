package storage

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"rolecall/internal/testlong"
	"rolecall/model"
)

// The concurrency test: scripted edits from several processes, as the CLI
// makes them (storage.Update through model.Working, under the lock), while
// a TUI session (through the model, as the TUI does) holds unsaved edits
// to the same roles and users, then saves, reloads and rebases. Every
// accepted edit must be in the final file, or have been shown to the
// session as a conflict that it decided.

const concHelperEnv = "ROLECALL_CONCURRENCY_HELPER"

var concRoles = []string{"Team 0", "Team 1", "Team 2", "Team 3"}

// concPrivileges: each process ticks only its own privileges, and the
// session its own, so that no accepted tick is taken back by a later
// accepted edit; descriptions are where they meet.
func concPrivileges(who int) []model.Privilege {
	// None of them comes with Support, the roles' parent (R9).
	all := []model.Privilege{model.Dashboard, model.APIAccess, model.ViewAuditLogs, model.IntegrationPack,
		model.ProcessLibrary, model.TradingPartnerManagement, model.BranchCreateModify, model.BranchDelete,
		model.CloudManagement, model.Scheduling}
	return all[who*2 : who*2+2]
}

func concAccount() *model.Account {
	a := model.Demo()
	for _, n := range concRoles {
		a.Roles = append(a.Roles, model.Role{Name: n, Description: "initial", Inherits: model.Support})
	}
	for i := range 12 {
		a.Users = append(a.Users, model.User{Email: fmt.Sprintf("u%d@example.com", i), Name: "User " + strconv.Itoa(i), Roles: []string{model.StandardUser}})
	}
	a.Normalize()
	return a
}

// concEdit makes process who's next edit on a, or nil.
func concEdit(rng *rand.Rand, who, j int, a *model.Account) model.Op {
	switch rng.IntN(3) {
	case 0:
		r := concRoles[who] // each process describes its own role
		i := a.FindRole(r)
		return model.SetDescription{Role: r, From: a.Roles[i].Description, To: fmt.Sprintf("process %d edit %d", who, j)}
	case 1:
		ps := concPrivileges(who)
		return model.Tick{Role: concRoles[rng.IntN(len(concRoles))], Privilege: ps[rng.IntN(len(ps))]}
	}
	u := fmt.Sprintf("u%d@example.com", rng.IntN(12))
	return model.Assign{Email: u, Role: concRoles[rng.IntN(len(concRoles))]}
}

// TestConcurrencyHelperProcess is not a test: a scripted admin of
// TestConcurrentAdminsLoseNothing. It prints each accepted edit as JSON.
func TestConcurrencyHelperProcess(t *testing.T) {
	if os.Getenv(concHelperEnv) == "" {
		t.Skip("helper process only")
	}
	file := os.Getenv("HELPER_FILE")
	who, _ := strconv.Atoi(os.Getenv("HELPER_WHO"))
	rng := rand.New(rand.NewPCG(uint64(who), 42))
	edits, _ := strconv.Atoi(os.Getenv("HELPER_EDITS"))
	for j := range edits {
		var op model.Op
		_, err := Update(file, SaveOptions{Wait: time.Minute, Actor: fmt.Sprintf("cli: process %d", who)}, func(a *model.Account) (*model.Account, error) {
			op = concEdit(rng, who, j, a)
			w, _, err := model.NewWorking(a).Apply(op)
			if err != nil {
				return nil, err
			}
			return w.Account(), nil
		})
		var ref *model.Refused
		if errors.As(err, &ref) {
			continue // e.g. assigning a role the user holds already: not accepted
		}
		if err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(1)
		}
		b, _ := model.MarshalOp(op)
		fmt.Printf("%s\n", b)
	}
}

func TestConcurrentAdminsLoseNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("process-level test")
	}
	path := filepath.Join(memDir(t), "acct.toml")
	if _, err := Save(path, concAccount(), Stamp{}, SaveOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	// The TUI session loads the file and makes its edits, unsaved.
	doc, err := Load(path)
	if err != nil || doc.HasErrors() {
		t.Fatal(err, doc.Problems)
	}
	sess := model.NewWorking(doc.Account)
	var mine []model.Op
	for k, r := range concRoles {
		mine = append(mine, model.SetDescription{Role: r, From: "initial", To: "session " + strconv.Itoa(k)})
		for _, p := range concPrivileges(4) {
			mine = append(mine, model.Tick{Role: r, Privilege: p})
		}
	}
	for i := range 12 {
		mine = append(mine, model.SetUserName{Email: fmt.Sprintf("u%d@example.com", i), From: "User " + strconv.Itoa(i), To: "Renamed " + strconv.Itoa(i)})
	}
	mine = append(mine, model.Assign{Email: "u0@example.com", Role: concRoles[0]})
	if sess, _, err = sess.Apply(mine...); err != nil {
		t.Fatal(err)
	}

	// Four scripted admins, 15 edits each (100 with ROLECALL_LONG_TESTS=1).
	// Four processes that each start, and then save, within milliseconds
	// of one another overlap in any run: with a lock taken too late (the
	// file read before it) or not at all, 5 edits each lost edits in 5
	// runs of 5, as 50 did; what 15 add is a conflict on every role.
	edits := testlong.N(15, 100)
	accepted := make([][]model.Op, 4)
	saved := make(chan struct{}) // closed at the first edit a script saved
	var savedOnce sync.Once
	var wg sync.WaitGroup
	for who := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrencyHelperProcess$")
			cmd.Env = append(os.Environ(), concHelperEnv+"=1", "HELPER_FILE="+path, "HELPER_WHO="+strconv.Itoa(who), "HELPER_EDITS="+strconv.Itoa(edits))
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Error(err)
				return
			}
			if err := cmd.Start(); err != nil {
				t.Error(err)
				return
			}
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				line := sc.Bytes()
				if len(line) == 0 || line[0] != '{' {
					continue
				}
				ops, err := model.UnmarshalOps([]json.RawMessage{slices.Clone(line)})
				if err != nil {
					t.Errorf("process %d: %v", who, err)
					continue
				}
				accepted[who] = append(accepted[who], ops[0])
				savedOnce.Do(func() { close(saved) })
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("process %d: %v", who, err)
			}
		}()
	}
	// Once a script has saved, the session tries to save: refused, nothing
	// lost.
	// (A script prints an edit once Update has saved it.)
	select {
	case <-saved:
	case <-time.After(time.Minute):
	}
	var ce *ChangedError
	if _, err := Save(path, sess.Account(), doc.Stamp, SaveOptions{Actor: "tui"}); !errors.As(err, &ce) {
		t.Errorf("a save over a changed file: %v", err)
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// The session reloads and rebases; it keeps its description on the
	// even roles and takes the scripts' on the odd ones.
	cur, err := Load(path)
	if err != nil || cur.HasErrors() {
		t.Fatal(err)
	}
	r := model.Rebase(cur.Account, sess.Ops())
	keep := make([]bool, len(r.Conflicts))
	keptRole := map[string]bool{}
	for k, c := range r.Conflicts {
		sd, ok := c.Op.(model.SetDescription)
		if !ok {
			t.Fatalf("unexpected conflict: %s", c)
		}
		keep[k] = slices.Index(concRoles, sd.Role)%2 == 0
		keptRole[sd.Role] = keep[k]
	}
	r2 := model.Rebase(cur.Account, r.Resolve(keep))
	if len(r2.Conflicts) != 0 {
		t.Fatalf("conflicts after resolving: %v", r2.Conflicts)
	}
	rec, _ := r2.Working.Record()
	if _, err := Save(path, r2.Working.Account(), cur.Stamp, SaveOptions{Actor: "tui", Change: rec}); err != nil {
		t.Fatal(err)
	}

	final, err := Load(path)
	if err != nil || final.HasErrors() {
		t.Fatal(err)
	}
	a := final.Account
	holds := func(op model.Op) bool {
		w, _, err := model.NewWorking(a).Apply(op)
		return err != nil || !w.Dirty() || samePrint(w.Account(), a)
	}
	total := 0
	for who, ops := range accepted {
		total += len(ops)
		lastDesc := ""
		for _, op := range ops {
			switch o := op.(type) {
			case model.SetDescription:
				lastDesc = o.To
			default:
				if !holds(op) {
					t.Errorf("process %d's accepted edit %q is not in the final file", who, op.Describe())
				}
			}
		}
		role := a.Roles[a.FindRole(concRoles[who])]
		switch {
		case lastDesc == "":
		case keptRole[concRoles[who]]:
			if role.Description != "session "+strconv.Itoa(who) {
				t.Errorf("%s: description %q; the session chose to keep its own", role.Name, role.Description)
			}
		case role.Description != lastDesc:
			t.Errorf("%s: description %q, want process %d's last, %q (the session took theirs)", role.Name, role.Description, who, lastDesc)
		}
		if _, conflicted := keptRole[concRoles[who]]; lastDesc != "" && !conflicted {
			t.Errorf("%s: both changed its description, and the session was not shown a conflict", role.Name)
		}
	}
	for _, op := range mine {
		if _, ok := op.(model.SetDescription); ok {
			continue
		}
		if !holds(op) {
			t.Errorf("the session's edit %q is not in the final file", op.Describe())
		}
	}
	if total < 2*edits {
		t.Errorf("only %d of %d scripted edits were accepted", total, 4*edits)
	}
	t.Logf("%d scripted edits accepted, %d conflicts shown to the session", total, len(r.Conflicts))
}

// samePrint reports whether two accounts encode to the same file.
func samePrint(x, y *model.Account) bool { return string(Encode(x)) == string(Encode(y)) }
