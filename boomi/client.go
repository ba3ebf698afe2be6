package boomi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"rolecall/model"
)

// DefaultEndpoint is Boomi's API host (EU accounts use
// https://api.platform.gb.boomi.com).
const DefaultEndpoint = "https://api.boomi.com"

// MaxRetryAfter caps how long a Retry-After may make the client wait.
const MaxRetryAfter = 2 * time.Minute

// Client talks to Boomi's Platform API for one account.
type Client struct {
	Endpoint       string // default DefaultEndpoint: the part before /api/rest/v1/{accountId}
	Account        string
	User, Password string                                           // HTTP Basic; see Credentials
	HTTP           *http.Client                                     // nil: one with timeouts using the system's trusted roots
	Progress       func(done, total int, what string)               // may be nil; see Pull
	Sleep          func(ctx context.Context, d time.Duration) error // nil: a real sleep
	MaxRetries     int                                              // retries of one request; 0: 6
	Timeout        time.Duration                                    // per request; 0: 60 s
	// Waiting, when set, is told of each wait of a rate limit (429, 503)
	// before it starts, so that a long one is never silent.
	Waiting func(d time.Duration, attempt, attempts int)

	requests atomic.Int64
	hcOnce   sync.Once
	hc       *http.Client // made by httpClient when HTTP is nil
}

// ErrAlreadyDeleted is what Apply returns for a delete of an object Boomi
// no longer has (404): the call's effect holds, so it counts as applied.
var ErrAlreadyDeleted = errors.New("Boomi no longer has the object: nothing to delete")

// APIError is an answer of Boomi's refusing a request (a 4xx other than
// 401 and 403, or a rate limit that outlasted the retries).
type APIError struct {
	Status       int
	Method, Path string // Path is relative to the account's base URL
	Message      string // Boomi's message, control characters escaped, at most 500 bytes
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("Boomi answered %d to %s %s: %s", e.Status, e.Method, e.Path, msg)
}

// AuthError is a 401 or 403: the credentials are wrong, or lack a
// privilege.
type AuthError struct {
	Status       int
	Account      string
	Method, Path string
	Message      string
}

func (e *AuthError) Error() string {
	what := "refused the credentials (401)"
	if e.Status == http.StatusForbidden {
		what = "refused the request (403)"
	}
	s := fmt.Sprintf("Boomi %s for %s %s on account %s: the user or API token needs the API Access and Account Administration privileges on that account (and the account needs Advanced User Security for custom roles)",
		what, e.Method, e.Path, model.SafeText(quoteStr(e.Account)))
	if e.Message != "" {
		s += "; Boomi says: " + e.Message
	}
	return s
}

// UnknownOutcome is a create, update or delete whose answer never came (a
// network error or timeout after the request was sent, or a 5xx other than
// a rate limit): Boomi may or may not have applied it. The caller must read
// Boomi's state before trying again.
type UnknownOutcome struct {
	Method, Path string
	Status       int // 0 for a network error
	Err          error
}

func (e *UnknownOutcome) Error() string {
	why := ""
	if e.Status != 0 {
		why = fmt.Sprintf("Boomi answered %d", e.Status)
	} else {
		why = e.Err.Error()
	}
	return fmt.Sprintf("%s %s: %s: Boomi may or may not have applied it; pull and check before trying again", e.Method, e.Path, why)
}

func (e *UnknownOutcome) Unwrap() error { return e.Err }

// Requests returns how many HTTP requests c has sent.
func (c *Client) Requests() int { return int(c.requests.Load()) }

func (c *Client) maxRetries() int {
	if c.MaxRetries <= 0 {
		return 6
	}
	return c.MaxRetries
}

func (c *Client) timeout() time.Duration {
	if c.Timeout <= 0 {
		return 60 * time.Second
	}
	return c.Timeout
}

// httpClient is c.HTTP, or else one client made on first use and kept, so
// that requests share its connections: a new one for each request made a
// TCP connection and a TLS handshake for every request of a pull or push.
func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	c.hcOnce.Do(func() { c.hc = newHTTPClient() })
	return c.hc
}

func newHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
	}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// baseURL checks the endpoint and returns the account's base URL.
func (c *Client) baseURL() (string, error) {
	ep := c.Endpoint
	if ep == "" {
		ep = DefaultEndpoint
	}
	u, err := url.Parse(ep)
	if err != nil {
		// The parser's message quotes the endpoint, which may carry a
		// password: say only that it is not one.
		return "", errors.New("endpoint is not a URL (expected https://HOST, e.g. " + DefaultEndpoint + ")")
	}
	switch {
	case u.Scheme != "https":
		return "", fmt.Errorf("endpoint must be an https:// URL (not %s): credentials travel in every request", model.SafeText(quoteStr(clip(u.Scheme+"://"))))
	case u.User != nil:
		return "", errors.New("endpoint must not carry a user name or password; use BOOMI_USER and BOOMI_TOKEN")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", errors.New("endpoint must not have a query (?) or fragment (#)")
	case u.Host == "":
		return "", errors.New("endpoint has no host")
	}
	if c.Account == "" {
		return "", errors.New("no Boomi account id: set the account")
	}
	return strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/") + "/api/rest/v1/" + url.PathEscape(c.Account), nil
}

// stripUserinfo removes anything between "//" and "@" from a message.
func stripUserinfo(s string) string {
	if i := strings.Index(s, "//"); i >= 0 {
		if j := strings.IndexByte(s[i:], '@'); j >= 0 {
			return s[:i+2] + "…" + s[i+j:]
		}
	}
	return s
}

// request is one call to send.
type request struct {
	method, path string // path relative to the base URL, escaped
	body         []byte
	contentType  string
	idempotent   bool // safe to send twice
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff is the wait before retry n (0-based): 500 ms doubling, with
// jitter, at most MaxRetryAfter.
func backoff(n int) time.Duration {
	d := 500 * time.Millisecond << min(n, 10)
	d = d/2 + time.Duration(rand.Int64N(int64(d)))
	return min(d, MaxRetryAfter)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n < 0 {
			return 0, true
		}
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(t.Sub(now), 0), MaxRetryAfter), true
	}
	return 0, false
}

// do sends r, retrying as the package documentation says, and returns the
// body of a 200.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	base, err := c.baseURL()
	if err != nil {
		return nil, err
	}
	hc := c.httpClient()
	for attempt := 0; ; attempt++ {
		last := attempt >= c.maxRetries()
		body, status, hdr, sent, err := c.once(ctx, hc, base, r)
		if err != nil {
			if errors.Is(err, errUntrusted) {
				return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
			}
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, r.path, ctx.Err())
			}
			if sent && !r.idempotent {
				return nil, &UnknownOutcome{Method: r.method, Path: r.path, Err: err}
			}
			if last {
				return nil, fmt.Errorf("%s %s: %w (after %d attempts)", r.method, r.path, err, attempt+1)
			}
			if err := c.sleep(ctx, backoff(attempt)); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
			}
			continue
		}
		switch {
		case status >= 200 && status < 300:
			return body, nil
		case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
			if last {
				return nil, &APIError{Status: status, Method: r.method, Path: r.path,
					Message: fmt.Sprintf("rate limited; gave up after %d attempts: %s", attempt+1, c.errorMessage(body))}
			}
			wait, ok := retryAfter(hdr.Get("Retry-After"), time.Now())
			if !ok {
				wait = backoff(attempt)
			}
			if c.Waiting != nil {
				c.Waiting(wait, attempt+1, c.maxRetries()+1)
			}
			if err := c.sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
			}
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return nil, &AuthError{Status: status, Account: c.Account, Method: r.method, Path: r.path, Message: c.errorMessage(body)}
		case status >= 500:
			if !r.idempotent {
				return nil, &UnknownOutcome{Method: r.method, Path: r.path, Status: status, Err: errors.New(c.errorMessage(body))}
			}
			if last {
				return nil, &APIError{Status: status, Method: r.method, Path: r.path, Message: fmt.Sprintf("after %d attempts: %s", attempt+1, c.errorMessage(body))}
			}
			if err := c.sleep(ctx, backoff(attempt)); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
			}
		default:
			return nil, &APIError{Status: status, Method: r.method, Path: r.path, Message: c.errorMessage(body)}
		}
	}
}

// errUntrusted is the error of a server whose certificate is not trusted.
var errUntrusted = errors.New("the server's TLS certificate is not trusted (rolecall uses the system's roots; SSL_CERT_FILE and SSL_CERT_DIR name others)")

// untrusted reports whether err is a failed check of the server's
// certificate.
func untrusted(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
	)
	return errors.As(err, &cve) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// once sends r one time. sent reports whether the request was written.
func (c *Client) once(ctx context.Context, hc *http.Client, base string, r request) (body []byte, status int, hdr http.Header, sent bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) }})
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, rd)
	if err != nil {
		return nil, 0, nil, false, errors.New(stripUserinfo(err.Error()))
	}
	req.Header.Set("Accept", "application/json")
	if r.body != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	req.SetBasicAuth(c.User, c.Password)
	c.requests.Add(1)
	resp, err := hc.Do(req)
	if err != nil {
		if untrusted(err) {
			// Retrying cannot make a certificate trusted.
			return nil, 0, nil, false, fmt.Errorf("%w: %v", errUntrusted, netErr(err))
		}
		return nil, 0, nil, wrote.Load(), netErr(err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, MaxFileSize+1))
	if err != nil {
		return nil, 0, nil, true, fmt.Errorf("reading the answer: %w", netErr(err))
	}
	if len(body) > MaxFileSize {
		return nil, 0, nil, true, fmt.Errorf("the answer is over the limit of %d bytes", MaxFileSize)
	}
	return body, resp.StatusCode, resp.Header, true, nil
}

// netErr drops the URL from a transport error (the caller names the
// request) and says "timed out" for a deadline.
func netErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("timed out waiting for Boomi")
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.New("timed out waiting for Boomi")
	}
	return errors.New(stripUserinfo(err.Error()))
}

// errorMessage is Boomi's message in an error body (JSON "message", or the
// XML's text), escaped and at most 500 bytes.
func errorMessage(body []byte) string {
	var msg string
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '{' {
		var m struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(t, &m) == nil {
			msg = m.Message
		}
	} else if len(t) > 0 && t[0] == '<' {
		msg = xmlText(t)
	}
	if msg == "" {
		msg = string(t)
	}
	return limitText(model.SafeText(msg), 500)
}

// xmlText returns the text of an XML error body's message element, or all
// its text.
func xmlText(b []byte) string {
	var sb strings.Builder
	inTag := false
	for _, c := range string(b) {
		switch {
		case c == '<':
			inTag = true
			sb.WriteByte(' ')
		case c == '>':
			inTag = false
		case !inTag:
			sb.WriteRune(c)
		}
	}
	s := strings.Join(strings.Fields(sb.String()), " ")
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&").Replace(s)
}

func limitText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// errorMessage is errorMessage of body with the credentials c sends cut
// out: a server or a proxy may echo the request (its Authorization header,
// or the password itself) in an error page.
func (c *Client) errorMessage(body []byte) string {
	var secrets []string
	if c.Password != "" {
		basic := base64.StdEncoding.EncodeToString([]byte(c.User + ":" + c.Password))
		secrets = append(secrets, basic, strings.TrimRight(basic, "="), c.Password,
			base64.StdEncoding.EncodeToString([]byte(c.Password)), url.QueryEscape(c.Password))
	}
	for _, s := range secrets {
		if len(s) >= 4 {
			body = bytes.ReplaceAll(body, []byte(s), []byte("[credentials removed]"))
		}
	}
	return errorMessage(body)
}
