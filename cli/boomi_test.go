package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rolecall/boomi"
	"rolecall/boomi/boomitest"
	"rolecall/model"
)

const fakeToken = "tok-Secret-7Qz9"

// fakeBoomi starts a fake Boomi holding live (nil: built-in roles only) and
// returns it with the environment a rolecall process needs to reach it:
// its certificate as SSL_CERT_FILE (the system's roots, as in any Go
// program), an API token, and the endpoint.
func fakeBoomi(t *testing.T, live *model.Live, opts ...boomitest.Option) (*boomitest.Server, []string) {
	t.Helper()
	opts = append([]boomitest.Option{boomitest.WithCredentials("BOOMI_TOKEN.admin@acme.example", fakeToken)}, opts...)
	s := boomitest.NewServer(t, live, opts...)
	if err := trustFake(s); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca := filepath.Join(dir, "fake-boomi.pem")
	if err := os.WriteFile(ca, s.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return s, []string{"SSL_CERT_FILE=" + ca, "BOOMI_USER=admin@acme.example", "BOOMI_TOKEN=" + fakeToken,
		"BOOMI_PASSWORD=", "BOOMI_ACCOUNT=", "HOME=" + dir, "NETRC=", "BOOMI_ENDPOINT=" + s.URL}
}

var fakeRoot struct {
	once sync.Once
	pem  []byte
	err  error
}

// trustFake makes the certificate of the fake Boomi s one of this
// process's roots, for the in-process runs: the first call adds it to
// caFile, before any run reads the roots (every test that talks to a fake
// starts one first), and checks that a TLS client with the system's roots
// trusts s. Every fake must serve the same certificate.
func trustFake(s *boomitest.Server) error {
	fakeRoot.once.Do(func() {
		fakeRoot.pem = s.CertPEM()
		f, err := os.OpenFile(caFile, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			fakeRoot.err = err
			return
		}
		_, err = f.Write(fakeRoot.pem)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fakeRoot.err = err
			return
		}
		conn, err := tls.Dial("tcp", strings.TrimPrefix(s.URL, "https://"), &tls.Config{})
		if err != nil {
			fakeRoot.err = fmt.Errorf("this process does not trust the fake Boomi (were the system's roots read before its certificate was added?): %v", err)
			return
		}
		conn.Close()
	})
	if fakeRoot.err != nil {
		return fakeRoot.err
	}
	if !bytes.Equal(s.CertPEM(), fakeRoot.pem) {
		return errors.New("boomitest serves another certificate than its first server's: the in-process runs trust only that one")
	}
	return nil
}

// noSecret fails when the token is in any file of dir or in r.
func noSecret(t *testing.T, dir string, rs ...result) {
	t.Helper()
	for _, r := range rs {
		if strings.Contains(r.stdout+r.stderr, fakeToken) {
			t.Errorf("the token is in the output of a command:\n%s", r)
		}
	}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(fakeToken)) {
				t.Errorf("the token is written in %s", p)
			}
		}
		return nil
	})
}

func TestBoomiRoundTrip(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, path := copyFile(t, "boomi-demo.toml")
	var rs []result
	do := func(code int, args ...string) result {
		t.Helper()
		r := rc(t, dir, env, args...)
		rs = append(rs, r)
		if r.code != code {
			t.Fatalf("%v: exit %d, want %d\n%s", args, r.code, code, r)
		}
		return r
	}
	r := do(0, "plan", "--account", s.Account)
	want(t, r, 0, `+ role "Cannot View Data": Execute, View Results`,
		`+ role "Read Only Runtime Management" inherits "Support": Runtime Management Read Access`,
		`+ dana@example.com: Cannot View Data`, `+ environment "Production" (production)`,
		`+ environment "Production": allow "Production Support"`, "9 users are added", "Plan: 22 calls (22 to add, 0 to change, 0 to remove)")
	if i, j := strings.Index(r.stdout, `+ role "Write and Read Environment"`), strings.Index(r.stdout, `+ wren@example.com`); i < 0 || j < i {
		t.Errorf("a role's holder comes before the role:\n%s", r.stdout)
	}
	var pv struct {
		Account  string       `json:"account"`
		Calls    []model.Call `json:"calls"`
		Blocking []string     `json:"blocking"`
		Impact   []string     `json:"impact"`
	}
	decode(t, do(0, "plan", "--account", s.Account, "--json"), &pv)
	if pv.Account != s.Account || len(pv.Calls) == 0 || pv.Blocking == nil || len(pv.Impact) == 0 {
		t.Errorf("plan --json: %+v", pv)
	}
	do(1, "drift", "--account", s.Account, "--exit-code")
	before := s.Requests()
	r = do(0, "push", "--account", s.Account, "--yes")
	want(t, r, 0, "applied", "matches")
	if s.Requests() <= before+len(pv.Calls) {
		t.Errorf("push sent %d requests for %d calls", s.Requests()-before, len(pv.Calls))
	}
	r = do(0, "drift", "--exit-code")
	want(t, r, 0, "no drift")
	pushed := readBytes(t, path)
	for _, want := range []string{`boomi_account = "` + s.Account + `"`, "boomi_id = "} {
		if !bytes.Contains(pushed, []byte(want)) {
			t.Errorf("after push the file lacks %q", want)
		}
	}
	if n := bytes.Count(pushed, []byte("boomi_id = ")); n != 5+3 {
		t.Errorf("after push the file has %d boomi ids, want one per role and environment (8)", n)
	}
	// Round trip: what was pushed comes back the same, byte for byte.
	r = do(0, "pull")
	want(t, r, 0, "nothing changes for anyone's access", "advanced_user_security = true (kept from the file")
	if got := readBytes(t, path); !bytes.Equal(got, pushed) {
		t.Errorf("pull after push changed the file:\n%s", got)
	}
	log := do(0, "log", "--json")
	for _, want := range []string{`"push"`} {
		if !strings.Contains(log.stdout, want) {
			t.Errorf("the audit trail has no %s entry", want)
		}
	}
	if _, err := os.Stat(path + ".push.jsonl"); !os.IsNotExist(err) {
		t.Errorf("a finished push left its journal: %v", err)
	}
	if _, err := os.Stat(path + ".push.last.jsonl"); err != nil {
		t.Errorf("the last push's journal is not kept: %v", err)
	}
	noSecret(t, dir, rs...)
}

// pushed returns a directory with the demo account pushed to s.
func pushed(t *testing.T, s *boomitest.Server, env []string) (string, string) {
	t.Helper()
	dir, path := copyFile(t, "boomi-demo.toml")
	r := rc(t, dir, env, "push", "--account", s.Account, "--yes")
	want(t, r, 0, "matches")
	return dir, path
}

func TestPullRefusesUnpushedChanges(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, path := pushed(t, s, env)
	want(t, rc(t, dir, env, "role", "edit", "Cannot View Data", "--add", "Dashboard"), 0)
	edited := readBytes(t, path)
	r := rc(t, dir, env, "pull")
	want(t, r, 1, "1 unpushed change", `~ role "Cannot View Data": + Dashboard`, "--discard-local", "nothing was written")
	if !bytes.Equal(readBytes(t, path), edited) {
		t.Fatalf("a refused pull changed the file")
	}
	r = rc(t, dir, env, "pull", "--discard-local")
	want(t, r, 0, `replaced 1 unpushed change`, "dana@example.com loses Dashboard")
	if bytes.Contains(readBytes(t, path), []byte(`"Dashboard"`)) {
		t.Errorf("pull --discard-local kept the local tick")
	}
	// A push that learns no new id leaves the file as it is, and is in
	// the audit trail all the same.
	want(t, rc(t, dir, env, "role", "edit", "Cannot View Data", "--add", "Dashboard"), 0)
	want(t, rc(t, dir, env, "push", "--yes"), 0, "applied 1 call")
	if log := rc(t, dir, env, "log"); strings.Count(log.stdout, "push") < 2 {
		t.Errorf("the push that changed only Boomi has no audit entry:\n%s", log.stdout)
	}
	if log := rc(t, dir, env, "log", "--json"); !strings.Contains(log.stdout, `"pull"`) {
		t.Errorf("the pull that changed the file wrote no audit entry:\n%s", log.stdout)
	}
}

// pushAnswering runs push without --yes in-process, and calls between
// (if not nil) once the question is asked, before answering: push's first
// read of its stdin fails the test unless the question is on stdout.
func pushAnswering(t *testing.T, dir string, env []string, answer string, between func()) result {
	t.Helper()
	var out, errb bytes.Buffer
	in := &answerer{answer: answer, ready: func() bool {
		if !strings.Contains(out.String(), `Only "yes" goes ahead`) {
			t.Errorf("push reads its answer before the question is shown:\n%s", out.String())
		}
		if between != nil {
			between()
		}
		return true
	}}
	code, err := execute(dir, env, runOpts{stdin: in}, &out, &errb, []string{"push"})
	if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// answerer reads as answer, once ready has been called.
type answerer struct {
	answer string
	ready  func() bool
	asked  bool
}

func (a *answerer) Read(p []byte) (int, error) {
	if !a.asked {
		a.asked = a.ready()
	}
	if a.answer == "" {
		return 0, io.EOF
	}
	n := copy(p, a.answer)
	a.answer = a.answer[n:]
	return n, nil
}

// pushWithAnswer is pushAnswering as a process, answering on a pipe once
// the question is read from the other.
func pushWithAnswer(t *testing.T, dir string, env []string, answer string, between func()) result {
	t.Helper()
	cmd := command(dir, env, "push")
	stdin, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := startProc(cmd); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rd := bufio.NewReader(outPipe)
	for !strings.Contains(out.String(), `Only "yes" goes ahead`) {
		b, err := rd.ReadByte()
		if err != nil {
			break
		}
		out.WriteByte(b)
	}
	if between != nil {
		between()
	}
	io.WriteString(stdin, answer)
	stdin.Close()
	rest, _ := io.ReadAll(rd)
	out.Write(rest)
	return finished(t, []string{"push"}, cmd.Wait(), &out, &errb)
}

func TestPushAsksFirst(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := copyFile(t, "boomi-demo.toml")
	env = append(env, "BOOMI_ACCOUNT="+s.Account)
	before := s.Live().Fingerprint()
	r := pushAnswering(t, dir, env, "no\n", nil)
	want(t, r, 1, "Push to Boomi account", "not confirmed; nothing was sent")
	r = pushAnswering(t, dir, env, "", nil)
	want(t, r, 1, "no answer; nothing was sent (use --yes in scripts)")
	if s.Live().Fingerprint() != before {
		t.Fatalf("an unconfirmed push changed Boomi")
	}
	// As a process: the question on stdout (a pipe), the answer on stdin.
	r = pushWithAnswer(t, dir, env, "yes\n", nil)
	want(t, r, 0, "matches")
}

// A push re-reads Boomi before its first call: a change since the plan
// was shown stops it, and nothing is sent.
func TestPushRefusesWhenBoomiChanged(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, path := copyFile(t, "boomi-demo.toml")
	env = append(env, "BOOMI_ACCOUNT="+s.Account)
	before := readBytes(t, path)
	var other model.Live
	r := pushAnswering(t, dir, env, "yes\n", func() {
		// Another admin adds a role in Boomi meanwhile.
		c := &boomi.Client{Endpoint: s.URL, Account: s.Account, User: s.User, Password: s.Password, HTTP: s.Client()}
		_, err := c.Apply(context.Background(), model.Call{Op: "create", Object: "Role",
			Role: &model.LiveRole{AccountID: s.Account, Name: "Someone Else's", Codes: []string{"DASHBOARD"}, HasPrivileges: true}})
		if err != nil {
			t.Error(err)
		}
		other = *s.Live()
	})
	want(t, r, 1, "changed since the plan was shown; nothing was sent")
	if s.Live().Fingerprint() != other.Fingerprint() {
		t.Errorf("the push sent calls after Boomi changed")
	}
	if !bytes.Equal(readBytes(t, path), before) {
		t.Errorf("the refused push changed the file")
	}
	if _, err := os.Stat(path + ".push.jsonl"); !os.IsNotExist(err) {
		t.Errorf("a push that sent nothing left a journal")
	}
}

// A push killed (SIGKILL) while a call is in flight resumes from its
// journal: the next push says what was applied and what not, checks
// Boomi, sends only the rest, and ends where an uninterrupted push ends.
func TestPushKilledMidwayResumes(t *testing.T) {
	t.Parallel()
	// Where an uninterrupted push ends, once for every case.
	s2, env2 := fakeBoomi(t, nil)
	pushed(t, s2, env2)
	live2 := s2.Live()
	for _, at := range []int{1, 4, 9} {
		t.Run("", func(t *testing.T) {
			t.Parallel() // each case has its own fake Boomi and file, and mostly waits
			s, env := fakeBoomi(t, nil)
			dir, path := copyFile(t, "boomi-demo.toml")
			env = append(env, "BOOMI_ACCOUNT="+s.Account)
			killPushAt(t, s, dir, env, at)
			journal := readBytes(t, path+".push.jsonl")
			if !bytes.Contains(journal, []byte(`"state":"sending"`)) {
				t.Fatalf("the journal does not hold the call in flight:\n%s", journal)
			}
			r := rc(t, dir, env, "push", "--yes")
			want(t, r, 0, "was interrupted", "unknown (sent; no answer)", "matches")
			if at > 1 && !strings.Contains(r.stdout, "applied:") {
				t.Errorf("the resumed push does not say what was applied:\n%s", r)
			}
			want(t, rc(t, dir, env, "drift", "--exit-code"), 0, "no drift")
			if n := bytes.Count(readBytes(t, path), []byte("boomi_id = ")); n != 8 {
				t.Errorf("after the resumed push the file has %d ids, want 8", n)
			}
			// It ends where an uninterrupted push ends.
			a := model.Import(s.Live(), nil, model.Switches{AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true}).Account
			b := model.Import(live2, nil, model.Switches{AdvancedUserSecurity: true, AdvancedEnvironmentAccess: true}).Account
			for _, acct := range []*model.Account{a, b} {
				for i := range acct.Roles {
					acct.Roles[i].ID = ""
				}
				for i := range acct.Environments {
					acct.Environments[i].ID = ""
				}
				acct.Normalize()
			}
			if len(a.Roles) != len(b.Roles) || len(a.Users) != len(b.Users) || model.MakePlan(a, live2).Calls != nil && len(model.MakePlan(a, live2).Calls) != 0 {
				t.Errorf("the resumed push left Boomi otherwise than a whole push: %d/%d roles, %d/%d users", len(a.Roles), len(b.Roles), len(a.Users), len(b.Users))
			}
		})
	}
}

// killPushAt runs push --yes in dir as a process and kills it (SIGKILL)
// as its at-th call that writes reaches Boomi; the call then goes through,
// once the process is gone, and has its effect before killPushAt returns.
func killPushAt(t *testing.T, s *boomitest.Server, dir string, env []string, at int) {
	t.Helper()
	cmd := command(dir, env, "push", "--yes")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	var writes atomic.Int32
	var once sync.Once
	killed, exited := make(chan struct{}), make(chan struct{})
	proc := make(chan *os.Process, 1) // cmd.Process, once started
	var before string                 // Boomi's fingerprint before the call
	s.BeforeRequest(func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/query") || strings.HasSuffix(r.URL.Path, "/queryMore") || r.Method == http.MethodGet || strings.HasSuffix(r.URL.Path, "/bulk") {
			return
		}
		if int(writes.Add(1)) == at {
			once.Do(func() {
				before = s.Live().Fingerprint()
				close(killed) // before the kill: Wait may return at once
				(<-proc).Kill()
				<-exited // no answer reaches the process
			})
		}
	})
	defer s.BeforeRequest(nil)
	if err := startProc(cmd); err != nil {
		t.Fatal(err)
	}
	proc <- cmd.Process
	err := cmd.Wait()
	close(exited)
	select {
	case <-killed:
	default:
		t.Fatalf("the push ended before call %d: %v\n%s%s", at, err, out.String(), errb.String())
	}
	// The call goes through now: wait for its effect (every call of a
	// push changes Boomi), so that what runs next sees it.
	for deadline := time.Now().Add(10 * time.Second); s.Live().Fingerprint() == before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("call %d, sent before the kill, had no effect", at)
		}
	}
}

func TestPushAbandon(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, path := copyFile(t, "boomi-demo.toml")
	env = append(env, "BOOMI_ACCOUNT="+s.Account)
	before := readBytes(t, path)
	killPushAt(t, s, dir, env, 3)
	r := rc(t, dir, env, "push", "--abandon")
	want(t, r, 0, "was interrupted", "applied:                   + environment \"Development\" (test)", "unknown (sent; no answer): + environment \"Test\" (test)", "not sent:", "abandoned")
	if !bytes.Equal(readBytes(t, path), before) {
		t.Errorf("abandon changed the file")
	}
	// Where Boomi stands is drift's to say.
	want(t, rc(t, dir, env, "drift", "--exit-code"), 1, "differs")
	if _, err := os.Stat(path + ".push.jsonl"); !os.IsNotExist(err) {
		t.Errorf("abandon left the journal")
	}
}

func TestBoomiCredentials(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := copyFile(t, "boomi-demo.toml")
	bad := append(append([]string(nil), env...), "BOOMI_TOKEN=wrong-"+fakeToken)
	r := rc(t, dir, bad, "plan", "--account", s.Account)
	want(t, r, 2, "API Access")
	noSecret(t, dir, r)
	r = rc(t, dir, append(append([]string(nil), env...), "BOOMI_USER=", "BOOMI_TOKEN="), "plan", "--account", s.Account)
	want(t, r, 2, "no Boomi credentials", "BOOMI_USER", ".netrc")
	// ~/.netrc works as for any tool.
	home := t.TempDir()
	netrc := filepath.Join(home, ".netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login BOOMI_TOKEN.admin@acme.example password "+fakeToken+"\n"), 0o600)
	r = rc(t, dir, append(append([]string(nil), env...), "BOOMI_USER=", "BOOMI_TOKEN=", "HOME="+home), "plan", "--account", s.Account)
	want(t, r, 0, "Plan: ")
	r = rc(t, dir, env, "plan", "--account", s.Account, "--endpoint", "http://"+strings.TrimPrefix(s.URL, "https://"))
	want(t, r, 2, "https")
	// Without the fake's certificate, TLS is not trusted. A process: the
	// roots are read once per process (TestMain made this one trust the
	// fake).
	r = rcProc(t, dir, append(append([]string(nil), env...), "SSL_CERT_FILE="+netrc), "plan", "--account", s.Account)
	if r.code == 0 || !strings.Contains(r.stderr, "certificate is not trusted") {
		t.Errorf("an untrusted certificate was accepted:\n%s", r)
	}
}

func TestImportBoomi(t *testing.T) {
	t.Parallel()
	dir := memDir(t)
	j := rc(t, dir, nil, "-f", "json.toml", "import", "boomi", filepath.Join(repo, "testdata", "boomi", "account-json"))
	want(t, j, 0, "imported Boomi account acme-4F2K9X", "advanced_user_security = true (the API does not say", "advanced_environment_access = false")
	x := rc(t, dir, nil, "-f", "xml.toml", "import", "boomi", filepath.Join(repo, "testdata", "boomi", "account-xml"))
	want(t, x, 0, "imported")
	if a, b := readBytes(t, filepath.Join(dir, "json.toml")), readBytes(t, filepath.Join(dir, "xml.toml")); !bytes.Equal(a, b) {
		t.Errorf("JSON and XML responses of one account import differently:\n%s\n---\n%s", a, b)
	}
	want(t, rc(t, dir, nil, "-f", "json.toml", "drift", "--from", filepath.Join(repo, "testdata", "boomi", "account-json"), "--exit-code"), 0, "no drift")
	// Again, with the switch given: the file keeps the rest, and says so.
	r := rc(t, dir, nil, "-f", "json.toml", "import", "boomi", "--advanced-environment-access", filepath.Join(repo, "testdata", "boomi", "account-json"))
	want(t, r, 0, "advanced_environment_access = true (--advanced-environment-access)", "advanced_user_security = true (kept from the file")
}

// copyResponses copies the saved JSON responses to a new directory, with
// edit applied to each file's text.
func copyResponses(t *testing.T, edit func(name, text string) string) string {
	t.Helper()
	src := filepath.Join(repo, "testdata", "boomi", "account-json")
	dst := t.TempDir()
	ents, _ := os.ReadDir(src)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(src, e.Name()))
		os.WriteFile(filepath.Join(dst, e.Name()), []byte(edit(e.Name(), string(b))), 0o600)
	}
	return dst
}

func TestImportKeepsUnknownCodes(t *testing.T) {
	t.Parallel()
	resp := copyResponses(t, func(name, text string) string {
		return strings.Replace(text, `"name": "API"`, `"name": "API"}, {"name": "PERSIST_PROCESS_PROPERTY"`, 1)
	})
	dir := memDir(t)
	r := rc(t, dir, nil, "-f", "a.toml", "import", "boomi", resp)
	want(t, r, 0, "unknown to rolecall (PERSIST_PROCESS_PROPERTY)")
	file := readBytes(t, filepath.Join(dir, "a.toml"))
	if !bytes.Contains(file, []byte(`unknown_codes = ["PERSIST_PROCESS_PROPERTY"]`)) {
		t.Fatalf("the unknown code is not kept on its role:\n%s", file)
	}
	// The preview says it governs nothing.
	r = rc(t, dir, nil, "-f", "a.toml", "preview", "ana@acme.example")
	want(t, r, 0, `"Developers" carries unknown to rolecall (PERSIST_PROCESS_PROPERTY)`, "govern nothing")
	// Written back unchanged: Boomi and the file agree.
	want(t, rc(t, dir, nil, "-f", "a.toml", "drift", "--from", resp, "--exit-code"), 0, "no drift")
}

func TestImportReportsWhatCannotBeMapped(t *testing.T) {
	t.Parallel()
	resp := copyResponses(t, func(name, text string) string {
		if strings.Contains(name, "accountuserrole") {
			return strings.Replace(text, `"roleId": "794f61e2-b483-40cd-81f9-de0f835fee1d"`, `"roleId": "no-such-role"`, 1)
		}
		return text
	})
	dir := t.TempDir()
	r := rc(t, dir, nil, "-f", "a.toml", "import", "boomi", resp)
	want(t, r, 1, `holds a role with id "no-such-role" that the responses do not list`, "nothing was written")
	if _, err := os.Stat(filepath.Join(dir, "a.toml")); !os.IsNotExist(err) {
		t.Errorf("an import that could not map everything wrote the file")
	}
}

// Resuming sends only what remains of the same plan: a file changed
// since, or a change in Boomi that the plan did not hold, stops it.
func TestPushResumeRefusesOtherChanges(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := copyFile(t, "boomi-demo.toml")
	env = append(env, "BOOMI_ACCOUNT="+s.Account)
	killPushAt(t, s, dir, env, 3)
	want(t, rc(t, dir, env, "role", "edit", "Cannot View Data", "--add", "Dashboard"), 0)
	r := rc(t, dir, env, "push", "--yes")
	want(t, r, 1, "changed since the interrupted push began", "--abandon")
	want(t, rc(t, dir, env, "role", "edit", "Cannot View Data", "--remove", "Dashboard"), 0)

	c := &boomi.Client{Endpoint: s.URL, Account: s.Account, User: s.User, Password: s.Password, HTTP: s.Client()}
	if _, err := c.Apply(context.Background(), model.Call{Op: "create", Object: "Role",
		Role: &model.LiveRole{AccountID: s.Account, Name: "Someone Else's", Codes: []string{"DASHBOARD"}, HasPrivileges: true}}); err != nil {
		t.Fatal(err)
	}
	after := s.Live().Fingerprint()
	r = rc(t, dir, env, "push", "--yes")
	want(t, r, 1, `Boomi changed since the push began: - role "Someone Else's" is not what remains of the interrupted plan; nothing was sent`)
	if s.Live().Fingerprint() != after {
		t.Errorf("the refused resume sent calls")
	}
}

// A local change to a role that someone else also changed in Boomi is
// still unpushed: a pull refuses to overwrite it.
func TestPullKeepsLocalChangeToARoleChangedInBoomi(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := pushed(t, s, env)
	want(t, rc(t, dir, env, "role", "edit", "Cannot View Data", "--add", "Dashboard"), 0)
	var role model.LiveRole
	for _, r := range s.Live().Roles {
		if r.Name == "Cannot View Data" {
			role = r
		}
	}
	role.Codes = append(role.Codes, "VIEW_AUDIT_LOGS")
	c := &boomi.Client{Endpoint: s.URL, Account: s.Account, User: s.User, Password: s.Password, HTTP: s.Client()}
	if _, err := c.Apply(context.Background(), model.Call{Op: "update", Object: "Role", ID: role.ID, Role: &role}); err != nil {
		t.Fatal(err)
	}
	r := rc(t, dir, env, "pull")
	want(t, r, 1, "1 unpushed change", `~ role "Cannot View Data": + Dashboard`)
}

// An import says what validation warns of, as validate --strict would: a
// role named to pass for a built-in one is not imported in silence.
func TestImportWarnsOfLookAlikes(t *testing.T) {
	t.Parallel()
	resp := copyResponses(t, func(name, text string) string {
		return strings.ReplaceAll(text, `"Auditors"`, `"Аdministrator"`) // a Cyrillic A
	})
	r := rc(t, memDir(t), nil, "-f", "a.toml", "import", "boomi", resp)
	want(t, r, 0, `looks like the built-in role "Administrator"`,
		`role "Developers" ticks "Execute", which Standard User already grants through inheritance; saving drops the tick (R9)`)
}

// A removal that Boomi answers 404 (someone removed it in the instant
// after the push's check) has its effect: the push counts it as applied.
func TestPushCountsAGoneObjectAsRemoved(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := pushed(t, s, env)
	want(t, rc(t, dir, env, "user", "rm", "dana@example.com"), 0)
	other := &boomi.Client{Endpoint: s.URL, Account: s.Account, User: s.User, Password: s.Password, HTTP: s.Client()}
	var first atomic.Bool
	s.BeforeRequest(func(r *http.Request) {
		// The first DELETE (the push's) sends the same delete first; that
		// one comes back through here, and goes through.
		if r.Method == http.MethodDelete && first.CompareAndSwap(false, true) {
			id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
			if _, err := other.Apply(context.Background(), model.Call{Op: "delete", Object: "AccountUserRole", ID: id}); err != nil {
				t.Error(err)
			}
		}
	})
	r := rc(t, dir, env, "push", "--yes")
	want(t, r, 0, "applied 1 call", "matches")
}

// A command's requests to Boomi share their connections: each request used
// to open its own, with a TLS handshake, which made every pull and push pay
// a round trip and a handshake per request.
func TestBoomiRequestsShareConnections(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := copyFile(t, "boomi-demo.toml")
	want(t, rc(t, dir, env, "push", "--account", s.Account, "--yes"), 0, "matches")
	if n, c := s.Requests(), s.Connections(); n < 20 || c > 4 {
		t.Errorf("push sent %d requests over %d connections, want at most 4", n, c)
	}
}
