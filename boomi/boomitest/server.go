// Package boomitest is a fake of Boomi's Platform API for tests: the Role,
// AccountUserRole, Environment and EnvironmentRole objects (query pages of
// 100 with queryMore, Role bulk GET, create, update, delete), account
// groups (AccountGroup query without Resources, get and bulk GET with them,
// create and update; AccountGroupAccount and AccountGroupUserRole query,
// create and delete),
// getAssignableRoles, HTTP Basic auth, JSON or XML by the Accept header,
// and injectable faults.
package boomitest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"rolecall/model"
)

// BuiltinRoles are Boomi's four built-in roles as getAssignableRoles lists
// them (ids from Boomi's published sample).
func BuiltinRoles() []model.LiveRole {
	const std = "fcb6e2d0-0ca8-11e2-a477-1231381987a5"
	return []model.LiveRole{
		{ID: "fcb6dd44-0ca8-11e2-a477-1231381987a5", AccountID: model.BuiltinAccountID, Name: "Administrator", ParentID: std, Description: "Boomi Default Administrator role."},
		{ID: std, AccountID: model.BuiltinAccountID, Name: "Standard User", ParentID: std, Description: "Boomi Default Standard User role."},
		{ID: "fcb6e3b6-0ca8-11e2-a477-1231381987a5", AccountID: model.BuiltinAccountID, Name: "Production Support", ParentID: std, Description: "Boomi Default Production Support User role."},
		{ID: "fcb6e474-0ca8-11e2-a477-1231381987a5", AccountID: model.BuiltinAccountID, Name: "Support", ParentID: std, Description: "Boomi Default Basic Support User role."},
	}
}

// Server is a running fake.
type Server struct {
	URL            string // https://127.0.0.1:PORT, the Endpoint for a client
	Account        string
	User, Password string // the credentials it accepts

	srv *httptest.Server

	mu        sync.Mutex
	live      model.Live
	faults    []fault
	delay     time.Duration
	malformed int
	before    func(*http.Request)
	requests  int
	conns     int
	pageSize  int
	tokens    map[string][]any
	nextID    int
	hidden    map[string]bool
	late      map[string]bool
}

type fault struct {
	status     int
	retryAfter string
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the user name and password the server accepts.
func WithCredentials(user, password string) Option {
	return func(s *Server) { s.User, s.Password = user, password }
}

// WithPageSize sets the page size of queries (Boomi's is 100).
func WithPageSize(n int) Option { return func(s *Server) { s.pageSize = n } }

// LateRoles keeps the roles with these ids out of Role/query only, as if
// they were created while its pages were read: getAssignableRoles and a
// get by id return them.
func LateRoles(ids ...string) Option {
	return func(s *Server) {
		for _, id := range ids {
			s.late[id] = true
		}
	}
}

// HideRoles keeps the roles with these ids out of Role/query and
// getAssignableRoles (as an account group's shared role may be): only a
// get or bulk GET by id returns them.
func HideRoles(ids ...string) Option {
	return func(s *Server) {
		for _, id := range ids {
			s.hidden[id] = true
		}
	}
}

// NewServer starts a fake holding live (nil: an account "acme-test" with
// the built-in roles only). Custom roles are kept with their privileges;
// built-in roles (accountId "1") are listed only by getAssignableRoles.
// The server closes when the test ends.
func NewServer(t testing.TB, live *model.Live, opts ...Option) *Server {
	t.Helper()
	if live == nil {
		live = &model.Live{AccountID: "acme-test", Roles: BuiltinRoles()}
	}
	s := &Server{Account: live.AccountID, User: "admin@acme.example", Password: "fake-secret-0000", pageSize: 100, tokens: map[string][]any{}, hidden: map[string]bool{}, late: map[string]bool{}}
	if s.Account == "" {
		s.Account = "acme-test"
	}
	s.live = *copyLive(live)
	s.live.AccountID = s.Account
	for i := range s.live.Roles {
		normRole(&s.live.Roles[i])
	}
	for i := range s.live.AccountGroups {
		g := &s.live.AccountGroups[i]
		g.HasResources = true
		if g.AccountID == "" {
			g.AccountID = s.Account
		}
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	s.srv.TLS = &tls.Config{Certificates: []tls.Certificate{fakeCert()}}
	s.srv.StartTLS()
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// fakeCert is the certificate every fake serves, made once per process:
// an ECDSA P-256 one for 127.0.0.1, ::1, localhost and example.com, as
// httptest's RSA 2048 one is. A client that is not given a connection
// (rolecall's, one per request) signs a handshake per request, and an
// RSA signature costs the fake some 3 ms of CPU where ECDSA's costs
// 0.1 ms.
var fakeCert = sync.OnceValue(func() tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"boomitest"}},
		NotBefore:             time.Unix(0, 0),
		NotAfter:              time.Date(2084, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost", "example.com"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
})

func normRole(r *model.LiveRole) {
	if r.AccountID == model.BuiltinAccountID {
		r.HasPrivileges, r.Codes = false, nil
		return
	}
	r.HasPrivileges = true
	if r.Codes == nil {
		r.Codes = []string{}
	}
}

func copyLive(l *model.Live) *model.Live {
	c := &model.Live{AccountID: l.AccountID,
		Roles:          slices.Clone(l.Roles),
		UserRoles:      slices.Clone(l.UserRoles),
		Environments:   slices.Clone(l.Environments),
		EnvRoles:       slices.Clone(l.EnvRoles),
		AccountGroups:  slices.Clone(l.AccountGroups),
		GroupAccounts:  slices.Clone(l.GroupAccounts),
		GroupUserRoles: slices.Clone(l.GroupUserRoles)}
	for i := range c.AccountGroups {
		c.AccountGroups[i].Resources = slices.Clone(c.AccountGroups[i].Resources)
	}
	for i := range c.Roles {
		if c.Roles[i].Codes != nil {
			c.Roles[i].Codes = slices.Clone(c.Roles[i].Codes)
		}
	}
	return c
}

// Client is an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// CertPEM is the server's certificate in PEM, for SSL_CERT_FILE: a
// rolecall process given it trusts the fake as it trusts any server whose
// certificate the system's roots vouch for.
func (s *Server) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// Live returns a copy of the server's state.
func (s *Server) Live() *model.Live {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyLive(&s.live)
}

// Requests returns how many requests the server has received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Connections returns how many connections clients have opened to the
// server.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// FailNext makes the next n requests fail with status, with a Retry-After
// header when retryAfter is not empty.
func (s *Server) FailNext(n, status int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{status, retryAfter})
	}
}

// Delay makes every response wait d (or until the request is cancelled).
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Malformed makes the next n successful responses truncated JSON.
func (s *Server) Malformed(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.malformed += n
}

// BeforeRequest calls f with each request before the server handles it
// (under no lock: f may call FailNext, cancel a context, ...).
func (s *Server) BeforeRequest(f func(r *http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = f
}

type apiErr struct {
	status int
	msg    string
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	before, delay := s.before, s.delay
	s.mu.Unlock()
	if before != nil {
		before(r)
	}
	// The body is read before any delay: only once it is read does the
	// server watch the connection, and so end the delay of a request whose
	// client gave up (a cut-off create waited the whole delay).
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	xmlOut := strings.Contains(r.Header.Get("Accept"), "xml") && !strings.Contains(r.Header.Get("Accept"), "json")
	s.mu.Lock()
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		s.mu.Unlock()
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		writeErr(w, xmlOut, apiErr{f.status, fmt.Sprintf("injected failure %d", f.status)})
		return
	}
	s.mu.Unlock()
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.User || pass != s.Password {
		writeErr(w, xmlOut, apiErr{http.StatusUnauthorized, "Invalid credentials"})
		return
	}
	prefix := "/api/rest/v1/" + s.Account + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		writeErr(w, xmlOut, apiErr{http.StatusForbidden, "You are not authorized to access this account"})
		return
	}
	if err != nil {
		writeErr(w, xmlOut, apiErr{400, "cannot read the request"})
		return
	}
	s.mu.Lock()
	out, e := s.route(r.Method, strings.TrimPrefix(r.URL.Path, prefix), body)
	bad := false
	if e == nil && s.malformed > 0 {
		s.malformed--
		bad = true
	}
	s.mu.Unlock()
	if e != nil {
		writeErr(w, xmlOut, *e)
		return
	}
	if bad {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"@type":"QueryResult","result":[{"@type":"Role","id":`)
		return
	}
	if out == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	if xmlOut {
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, toXML(out, s.Account))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(toJSON(out, s.Account))
	w.Write(b)
}

func writeErr(w http.ResponseWriter, xmlOut bool, e apiErr) {
	if xmlOut {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(e.status)
		var b strings.Builder
		b.WriteString(`<bns:Error xmlns:bns="http://api.platform.boomi.com/"><bns:message>`)
		xml.EscapeText(&b, []byte(e.msg))
		b.WriteString(`</bns:message></bns:Error>`)
		io.WriteString(w, b.String())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	b, _ := json.Marshal(map[string]string{"@type": "Error", "message": e.msg})
	w.Write(b)
}
