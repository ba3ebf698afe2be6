package cli_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A credential in the endpoint (flag or $BOOMI_ENDPOINT) must not be
// echoed by the message that refuses it.
func TestAttackEndpointUserinfoNotEchoed(t *testing.T) {
	t.Parallel()
	dir, _ := copyFile(t, "boomi-demo.toml")
	env := []string{"BOOMI_USER=admin@acme.example", "BOOMI_TOKEN=x", "HOME=" + dir, "NETRC=", "BOOMI_ENDPOINT="}
	for _, args := range [][]string{
		{"plan", "--account", "A", "--endpoint", "https://admin:" + fakeToken + "@api.boomi.com"},
		{"plan", "--account", "A", "--endpoint", "http://admin:" + fakeToken + "@api.boomi.com"},
		{"plan", "--account", "A", "--endpoint", "https://api.boomi.com/?token=" + fakeToken},
		{"push", "--account", "A", "--endpoint", "https://admin:" + fakeToken + "@api.boomi.com"},
	} {
		r := rc(t, dir, env, args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
		noSecret(t, dir, r)
	}
	r := rc(t, dir, append(env, "BOOMI_ENDPOINT=https://admin:"+fakeToken+"@api.boomi.com"), "drift", "--account", "A")
	noSecret(t, dir, r)
}

// drift --exit-code: 0 same, 1 different, 2 error. An error of the API
// or the network is an error, not a difference.
func TestAttackDriftExitCodeOnError(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := pushed(t, s, env)
	want(t, rc(t, dir, env, "drift", "--exit-code"), 0, "no drift")
	s.FailNext(1, 400, "")
	r := rc(t, dir, env, "drift", "--exit-code")
	if r.code != 2 {
		t.Errorf("drift --exit-code on a refused request: exit %d, want 2 (an error, not a difference)\n%s", r.code, r)
	}
	s.FailNext(1, 404, "")
	r = rc(t, dir, env, "drift", "--exit-code")
	if r.code != 2 {
		t.Errorf("drift --exit-code on a 404: exit %d, want 2\n%s", r.code, r)
	}
}

// Saved responses that give one object twice with different contents
// cannot be mapped without loss: import lists it and writes nothing
// (as it does for every other Error), rather than keeping the first.
func TestAttackImportConflictingDuplicateWritesNothing(t *testing.T) {
	t.Parallel()
	resp := copyResponses(t, func(name, text string) string { return text })
	dup := `{"@type": "Role", "id": "794f61e2-b483-40cd-81f9-de0f835fee1d", "accountId": "acme-4F2K9X", "name": "Developers",
	 "parentId": "fcb6e2d0-0ca8-11e2-a477-1231381987a5", "Description": "Builds & tests processes",
	 "Privileges": {"Privilege": [{"name": "BUILD"}, {"name": "API"}, {"name": "EXECUTE"}, {"name": "ACCOUNT_ADMIN"}]}}`
	os.WriteFile(filepath.Join(resp, "07-role-get.json"), []byte(dup), 0o600)
	dir := t.TempDir()
	r := rc(t, dir, nil, "-f", "a.toml", "import", "boomi", resp)
	if !strings.Contains(r.stderr, "give different contents") {
		t.Fatalf("the conflict is not reported:\n%s", r)
	}
	if r.code == 0 {
		t.Errorf("import exits 0 though it reports an error it could not map\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.toml")); err == nil {
		t.Errorf("import wrote the file keeping one of two conflicting copies of a role (the other ticks ACCOUNT_ADMIN)")
	}
}

// A resumed push talks to the endpoint the journal names. A journal that
// names another endpoint than the one configured ($BOOMI_ENDPOINT) must
// not receive the credentials.
func TestAttackResumeSendsCredentialsToJournalEndpoint(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, path := copyFile(t, "boomi-demo.toml")
	env = append(env, "BOOMI_ACCOUNT="+s.Account)
	killPushAt(t, s, dir, env, 3)
	// Another host (same test certificate) that records what it is sent.
	var got atomic.Value
	evil := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			got.Store(a)
		}
		http.Error(w, "no", 500)
	}))
	defer evil.Close()
	jp := path + ".push.jsonl"
	data := readBytes(t, jp)
	i := bytes.IndexByte(data, '\n')
	var h map[string]any
	if err := json.Unmarshal(data[:i], &h); err != nil {
		t.Fatal(err)
	}
	h["endpoint"] = evil.URL
	hb, _ := json.Marshal(h)
	os.WriteFile(jp, append(hb, data[i:]...), 0o600)
	r := rc(t, dir, env, "push", "--yes") // $BOOMI_ENDPOINT is the fake
	if a, _ := got.Load().(string); a != "" {
		b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "Basic "))
		t.Errorf("resume sent the credentials (%q) to the journal's endpoint %s, not $BOOMI_ENDPOINT %s\n%s", b, evil.URL, s.URL, r)
	}
}

// push --abandon while another push is running must not take its journal
// away: the running push holds the lock.
//
// The running push is a process, held at its second call until the
// abandon has ended; the abandon waits 50 ms for the lock, not the 5 s a
// user's does: what is tested is that it does not take the lock.
func TestAttackAbandonDuringRunningPush(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, path := copyFile(t, "boomi-demo.toml")
	env = append(env, "BOOMI_ACCOUNT="+s.Account)
	var writes atomic.Int32
	reached, release := make(chan struct{}), make(chan struct{})
	s.BeforeRequest(func(r *http.Request) {
		if r.Method == "POST" && !strings.HasSuffix(r.URL.Path, "query") && !strings.HasSuffix(r.URL.Path, "queryMore") && !strings.HasSuffix(r.URL.Path, "bulk") {
			if writes.Add(1) == 2 {
				close(reached)
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
		}
	})
	defer close(release)
	cmd := command(dir, env, "push", "--yes")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := startProc(cmd); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-reached:
	case err := <-exited:
		t.Fatalf("the push ended before its second call: %v\n%s", err, out.String())
	}
	r := rcOpts(t, dir, env, runOpts{lockWait: 50 * time.Millisecond}, "push", "--abandon")
	_, jerr := os.Stat(path + ".push.jsonl")
	cmd.Process.Kill()
	<-exited
	if r.code == 0 || jerr != nil {
		t.Errorf("push --abandon ended a push that was running (it holds the lock): exit %d, journal after: %v\n%s", r.code, jerr, r)
	}
}

// A server (or a proxy in front of it) that echoes the request's headers
// in an error body: rolecall prints Boomi's message, and the push journal
// keeps it. The credentials must not be written anywhere.
func TestAttackEchoedAuthorizationNotKept(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := copyFile(t, "boomi-demo.toml")
	target, _ := url.Parse(s.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = s.Client().Transport
	var n atomic.Int32
	proxy := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/Role") && n.Add(1) == 1 {
			w.WriteHeader(400)
			io.WriteString(w, "Request rejected by the gateway: POST "+r.URL.Path+" Authorization: "+r.Header.Get("Authorization"))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	env = append(env, "BOOMI_ACCOUNT="+s.Account, "BOOMI_ENDPOINT="+proxy.URL)
	r := rc(t, dir, env, "push", "--yes")
	basic := base64.StdEncoding.EncodeToString([]byte("BOOMI_TOKEN.admin@acme.example:" + fakeToken))
	if strings.Contains(r.stdout+r.stderr, basic) {
		t.Errorf("the credentials (base64) are in push's output:\n%s", r)
	}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(basic)) {
				t.Errorf("the credentials (base64 of user:token) are written in %s", filepath.Base(p))
			}
		}
		return nil
	})
}

var _ = bufio.NewReader

// A push killed after it saved the file (with the new ids) and before it
// closed its journal has applied every call. The next push must say so
// and finish, not call the file changed and advise restoring it.
func TestAttackFinishedPushJournalLeftBehind(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, path := pushed(t, s, env)
	// The state a kill -9 between the file's save and the journal's
	// rename leaves: every call done, the file holding the new ids.
	os.Rename(path+".push.last.jsonl", path+".push.jsonl")
	r := rc(t, dir, env, "push", "--yes")
	if r.code != 0 || strings.Contains(r.stderr, "restore the file") {
		t.Errorf("a push whose every call is applied is reported as a file changed since (exit %d):\n%s", r.code, r.stderr)
	}
}

// When the read after a push fails, the state file keeps Boomi's state
// from before the push: pull then calls the pushed changes unpushed.
func TestAttackPullAfterPushWithFailedReRead(t *testing.T) {
	t.Parallel()
	s, env := fakeBoomi(t, nil)
	dir, _ := pushed(t, s, env)
	want(t, rc(t, dir, env, "role", "edit", "Cannot View Data", "--add", "Dashboard"), 0)
	var wrote, failed atomic.Bool
	s.BeforeRequest(func(r *http.Request) {
		q := strings.HasSuffix(r.URL.Path, "query") || strings.HasSuffix(r.URL.Path, "queryMore") || strings.HasSuffix(r.URL.Path, "bulk") || r.Method == "GET"
		if !q {
			wrote.Store(true)
		} else if wrote.Load() && !failed.Load() {
			failed.Store(true)
			s.FailNext(1, 400, "") // the re-read after the push
		}
	})
	want(t, rc(t, dir, env, "push", "--yes"), 0, "applied 1 call", "could not be read again")
	s.BeforeRequest(nil)
	r := rc(t, dir, env, "pull")
	if r.code != 0 || strings.Contains(r.stdout, "unpushed change") {
		t.Errorf("pull calls a change that Boomi has (it was pushed) an unpushed change:\n%s", r)
	}
}
