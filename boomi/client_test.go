package boomi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rolecall/boomi/boomitest"
	"rolecall/model"
)

// sleeps records the waits a client asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func newClient(s *boomitest.Server, sl *sleeps) *Client {
	c := &Client{Endpoint: s.URL, Account: s.Account, User: s.User, Password: s.Password, HTTP: s.Client()}
	if sl != nil {
		c.Sleep = sl.sleep
	}
	return c
}

func testdataLive(t testing.TB) *model.Live {
	live, _, err := ReadResponses([]string{filepath.Join("..", "testdata", "boomi", "account-json")})
	if err != nil {
		t.Fatal(err)
	}
	return live
}

func TestPullJSON(t *testing.T) {
	want := testdataLive(t)
	s := boomitest.NewServer(t, want)
	var progress []string
	c := newClient(s, nil)
	c.Progress = func(done, total int, what string) {
		progress = append(progress, fmt.Sprintf("%s %d/%d", what, done, total))
	}
	got, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sorted(), want.Sorted()) {
		t.Fatalf("pulled\n%+v\nwant\n%+v", got.Sorted(), want.Sorted())
	}
	// Role, Environment, AccountUserRole, 2 EnvironmentRole, getAssignableRoles,
	// AccountGroup (the account is the primary of no group).
	if c.Requests() != 7 || s.Requests() != 7 {
		t.Errorf("%d requests (server saw %d), want 7", c.Requests(), s.Requests())
	}
	if len(progress) != 7 || progress[0] != "Role 4/4" {
		t.Errorf("progress %v", progress)
	}
	if im := model.Import(got, nil, model.Switches{AdvancedUserSecurity: true}); im.HasErrors() {
		t.Errorf("import: %v", im.Notes)
	}
}

// TestFakeXMLMatchesJSON reads the fake's answers in XML and in JSON: they
// parse to the same objects.
func TestFakeXMLMatchesJSON(t *testing.T) {
	s := boomitest.NewServer(t, testdataLive(t))
	base := s.URL + "/api/rest/v1/" + s.Account
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/Role/query", ""}, {"POST", "/Environment/query", ""}, {"POST", "/AccountUserRole/query", ""},
		{"POST", "/EnvironmentRole/query", ""}, {"GET", "/getAssignableRoles", ""},
		{"POST", "/Role/bulk", `{"type":"GET","request":[{"id":"794f61e2-b483-40cd-81f9-de0f835fee1d"},{"id":"nope"}]}`},
		{"GET", "/Role/794f61e2-b483-40cd-81f9-de0f835fee1d", ""},
	} {
		var docs []*accumulator
		for _, accept := range []string{"application/json", "application/xml"} {
			req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
			req.Header.Set("Accept", accept)
			req.SetBasicAuth(s.User, s.Password)
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			d, err := parseDoc(b)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", r.path, accept, err, b)
			}
			a := newAccumulator()
			if err := a.add("x", d); err != nil {
				t.Fatal(err)
			}
			docs = append(docs, a)
		}
		if !reflect.DeepEqual(docs[0].live, docs[1].live) || !reflect.DeepEqual(docs[0].notes, docs[1].notes) {
			t.Errorf("%s: JSON %+v %v\nXML %+v %v", r.path, docs[0].live, docs[0].notes, docs[1].live, docs[1].notes)
		}
	}
}

func TestPullPagingAndBulk(t *testing.T) {
	live := testdataLive(t)
	for i := range 250 {
		live.UserRoles = append(live.UserRoles, model.LiveUserRole{ID: fmt.Sprintf("u%d", i), UserID: fmt.Sprintf("u%03d@acme.example", i), RoleID: "f73f99fb-bba2-4573-a0fe-e01bb95ebc20"})
	}
	// A role that no listing gives: the links name it, a bulk GET fetches it.
	live.Roles = append(live.Roles, model.LiveRole{ID: "hidden-1", AccountID: testAccount, Name: "Shared", Codes: []string{"API"}, HasPrivileges: true})
	live.UserRoles = append(live.UserRoles, model.LiveUserRole{ID: "uh", UserID: "h@acme.example", RoleID: "hidden-1"})
	s := boomitest.NewServer(t, live, boomitest.HideRoles("hidden-1"))
	c := newClient(s, nil)
	got, err := c.Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sorted(), s.Live().Sorted()) {
		t.Fatalf("pulled %d links, %d roles; server has %d, %d", len(got.UserRoles), len(got.Roles), len(s.Live().UserRoles), len(s.Live().Roles))
	}
	// Role 1, Environment 1, AccountUserRole 3 (255 links), EnvironmentRole 2, getAssignableRoles 1,
	// AccountGroup 1, bulk 1.
	if c.Requests() != 10 {
		t.Errorf("%d requests, want 10", c.Requests())
	}
}

// A role created while the Role pages were read is listed only by
// getAssignableRoles, without privileges: pull reads it whole by id, so
// that the import does not take it for a role it cannot map.
func TestPullReadsLateRoles(t *testing.T) {
	live := testdataLive(t)
	live.Roles = append(live.Roles, model.LiveRole{ID: "late-1", AccountID: testAccount, Name: "Late", Codes: []string{"DASHBOARD"}, HasPrivileges: true})
	s := boomitest.NewServer(t, live, boomitest.LateRoles("late-1"))
	got, err := newClient(s, nil).Pull(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	im := model.Import(got, nil, model.Switches{AdvancedUserSecurity: true})
	if im.HasErrors() {
		t.Fatalf("import of the pull: %v", im.Notes)
	}
	if i := im.Account.FindRole("Late"); i < 0 || len(im.Account.Roles[i].Privileges) != 1 {
		t.Fatalf("the late role is not read whole")
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("429 with Retry-After", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		sl := &sleeps{}
		s.FailNext(1, 429, "7")
		if _, err := newClient(s, sl).Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(sl.d) != 1 || sl.d[0] != 7*time.Second {
			t.Fatalf("sleeps %v", sl.d)
		}
	})
	t.Run("Retry-After as a date, capped", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		sl := &sleeps{}
		s.FailNext(1, 503, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		if _, err := newClient(s, sl).Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(sl.d) != 1 || sl.d[0] != MaxRetryAfter {
			t.Fatalf("sleeps %v", sl.d)
		}
	})
	t.Run("503 then success, backoff", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		sl := &sleeps{}
		s.FailNext(2, 503, "")
		if _, err := newClient(s, sl).Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(sl.d) != 2 || sl.d[0] < 250*time.Millisecond || sl.d[0] > 750*time.Millisecond || sl.d[1] < 500*time.Millisecond || sl.d[1] > 1500*time.Millisecond {
			t.Fatalf("sleeps %v", sl.d)
		}
	})
	t.Run("500 on a query is retried", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		sl := &sleeps{}
		s.FailNext(1, 500, "")
		c := newClient(s, sl)
		if _, err := c.Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(sl.d) != 1 {
			t.Fatalf("sleeps %v", sl.d)
		}
	})
	t.Run("rate limit outlasts the retries", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		s.FailNext(10, 503, "1")
		c := newClient(s, &sleeps{})
		c.MaxRetries = 2
		_, err := c.Pull(context.Background())
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 503 || c.Requests() != 3 {
			t.Fatalf("%v after %d requests", err, c.Requests())
		}
	})
	t.Run("500 on a create is an unknown outcome, not retried", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		s.FailNext(1, 500, "")
		c := newClient(s, &sleeps{})
		_, err := c.Apply(context.Background(), model.Call{Op: "create", Object: "Environment", Environment: &model.LiveEnvironment{Name: "QA", Classification: "TEST"}})
		var uo *UnknownOutcome
		if !errors.As(err, &uo) || uo.Status != 500 || c.Requests() != 1 {
			t.Fatalf("%v after %d requests", err, c.Requests())
		}
	})
	t.Run("503 on a create is retried", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		s.FailNext(1, 503, "")
		c := newClient(s, &sleeps{})
		id, err := c.Apply(context.Background(), model.Call{Op: "create", Object: "Environment", Environment: &model.LiveEnvironment{Name: "QA", Classification: "TEST"}})
		if err != nil || id == "" || len(s.Live().Environments) != 1 {
			t.Fatalf("%q %v", id, err)
		}
	})
	t.Run("a create cut off after it was sent", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		ctx := context.Background()
		c := newClient(s, &sleeps{})
		c.Timeout = 200 * time.Millisecond
		s.Delay(500 * time.Millisecond)
		_, err := c.Apply(ctx, model.Call{Op: "create", Object: "Environment", Environment: &model.LiveEnvironment{Name: "QA"}})
		var uo *UnknownOutcome
		if !errors.As(err, &uo) || !strings.Contains(err.Error(), "timed out") || c.Requests() != 1 {
			t.Fatalf("%v after %d requests", err, c.Requests())
		}
	})
}

func TestErrors(t *testing.T) {
	t.Parallel() // its timeouts wait while the others run
	const secret = "s3cr3t-T0KEN-value"
	t.Run("401", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		c := newClient(s, nil)
		c.Password = secret
		_, err := c.Pull(context.Background())
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Status != 401 {
			t.Fatalf("%v", err)
		}
		if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "API Access") || !strings.Contains(err.Error(), s.Account) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("malformed JSON names the object", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		s.Malformed(1)
		_, err := newClient(s, nil).Pull(context.Background())
		if err == nil || !strings.Contains(err.Error(), "Role/query page 1: not valid JSON") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("slow response hits the timeout", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		s.Delay(3 * time.Second)
		c := newClient(s, &sleeps{})
		c.Timeout, c.MaxRetries = 100*time.Millisecond, 1
		start := time.Now()
		_, err := c.Pull(context.Background())
		if err == nil || !strings.Contains(err.Error(), "POST /Role/query: timed out waiting for Boomi (after 2 attempts)") || time.Since(start) > 2*time.Second {
			t.Fatalf("%v after %v", err, time.Since(start))
		}
	})
	t.Run("cancel at request N", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		s.BeforeRequest(func(*http.Request) {
			if n++; n == 3 {
				cancel()
			}
		})
		_, err := newClient(s, nil).Pull(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("4xx carries Boomi's message", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		_, err := newClient(s, nil).Apply(context.Background(), model.Call{Op: "create", Object: "AccountUserRole", UserRole: &model.LiveUserRole{UserID: "a@x", RoleID: "no-such-role"}})
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Message != "AccountUserRole: userId and an existing roleId are required" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("delete of a missing object", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		_, err := newClient(s, nil).Apply(context.Background(), model.Call{Op: "delete", Object: "Role", ID: "gone"})
		if !errors.Is(err, ErrAlreadyDeleted) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("unresolved reference", func(t *testing.T) {
		s := boomitest.NewServer(t, nil)
		c := newClient(s, nil)
		_, err := c.Apply(context.Background(), model.Call{Op: "create", Object: "AccountUserRole", RoleRef: "Devs", UserRole: &model.LiveUserRole{UserID: "a@x"}})
		if err == nil || !strings.Contains(err.Error(), `the role "Devs" has no id yet`) || c.Requests() != 0 {
			t.Fatalf("%v", err)
		}
	})
	for _, ep := range []string{"http://api.boomi.com", "https://user:" + secret + "@api.boomi.com", "https://api.boomi.com?x=1", "https://api.boomi.com#f", "ftp://x", "https://", "::" + secret} {
		c := &Client{Endpoint: ep, Account: "a", User: "u", Password: secret}
		_, err := c.Pull(context.Background())
		if err == nil || strings.Contains(err.Error(), secret) || c.Requests() != 0 {
			t.Errorf("endpoint %q: %v", ep, err)
		}
	}
	if _, err := (&Client{Endpoint: "http://x", Account: "a"}).Pull(context.Background()); err == nil || !strings.Contains(err.Error(), "must be an https:// URL") {
		t.Errorf("http: %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	long := strings.Repeat("é", 400)
	for _, c := range []struct{ body, want string }{
		{`{"@type":"Error","message":"Role \u001b[31mX exists"}`, `Role \x1b[31mX exists`},
		{`<bns:Error xmlns:bns="x"><bns:message>bad &amp; worse</bns:message></bns:Error>`, "bad & worse"},
		{"plain", "plain"},
		{`{"message":"` + long + `"}`, long[:500]},
	} {
		if got := errorMessage([]byte(c.body)); got != c.want {
			t.Errorf("%q: %q", c.body, got)
		}
	}
}

func TestCredentials(t *testing.T) {
	const secret = "s3cr3t-T0KEN-value"
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	os.WriteFile(netrc, []byte("machine other.example login x password y\nmacdef init\ncd /tmp\nmachine api.boomi.com\n\nmachine api.boomi.com login n@acme.example password "+secret+"\ndefault login d password dp\n"), 0o600)
	for _, c := range []struct {
		name       string
		env        map[string]string
		netrc      string
		host       string
		user, pass string
		err        string
	}{
		{"token", map[string]string{"BOOMI_USER": "a@acme.example", "BOOMI_TOKEN": secret}, "", "", "BOOMI_TOKEN.a@acme.example", secret, ""},
		{"token, prefixed", map[string]string{"BOOMI_USER": "BOOMI_TOKEN.a@acme.example", "BOOMI_TOKEN": secret}, "", "", "BOOMI_TOKEN.a@acme.example", secret, ""},
		{"password", map[string]string{"BOOMI_USER": "a@acme.example", "BOOMI_PASSWORD": secret}, "", "", "a@acme.example", secret, ""},
		{"user only", map[string]string{"BOOMI_USER": "a@acme.example"}, "", "", "", "", "neither BOOMI_TOKEN"},
		{"token only", map[string]string{"BOOMI_TOKEN": secret}, "", "", "", "", "BOOMI_USER"},
		{"netrc (macdef skipped)", nil, netrc, "api.boomi.com", "n@acme.example", secret, ""},
		{"netrc default", nil, netrc, "api.platform.gb.boomi.com", "d", "dp", ""},
		{"no netrc", nil, filepath.Join(dir, "missing"), "api.boomi.com", "", "", "set BOOMI_USER and BOOMI_TOKEN"},
		{"no path", nil, "", "api.boomi.com", "", "", "set BOOMI_USER and BOOMI_TOKEN"},
	} {
		u, p, err := Credentials(env(c.env), c.netrc, c.host)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), secret) {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err != nil || u != c.user || p != c.pass {
			t.Errorf("%s: %q %q %v", c.name, u, p, err)
		}
	}
	// Broken netrc files: the error never quotes the file's words.
	for _, text := range []string{"login " + secret, "machine h login u password " + secret + " " + secret, "machine h password", "machine h login u"} {
		os.WriteFile(netrc, []byte(text), 0o600)
		_, _, err := Credentials(env(nil), netrc, "h")
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("%q: %v", text, err)
		}
	}
}

// A FIFO as the netrc file is refused, never opened (it would block).
func TestCredentialsNetrcFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "netrc")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := Credentials(func(string) string { return "" }, p, "api.boomi.com")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("a FIFO netrc: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO netrc blocked")
	}
}
