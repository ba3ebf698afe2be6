package boomi

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A server or proxy that echoes the request's credentials in an error
// body: the error (printed, and kept in the push journal) must not hold
// them, in clear or as the Authorization header's base64.
func TestAttackEchoedCredentialsRemoved(t *testing.T) {
	const user, pw = "BOOMI_TOKEN.a@b.example", "Tok-9xYz-secret"
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pw))
	for _, status := range []int{400, 401, 403, 404, 429, 500} {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":"request dump: Authorization: %s; password=%s"}`, r.Header.Get("Authorization"), pw)
		}))
		c := &Client{Endpoint: srv.URL, Account: "acct", User: user, Password: pw, HTTP: srv.Client(),
			Sleep: func(context.Context, time.Duration) error { return nil }}
		_, err := c.Pull(context.Background())
		srv.Close()
		if err == nil {
			t.Fatalf("%d: no error", status)
		}
		if msg := err.Error(); strings.Contains(msg, pw) || strings.Contains(msg, strings.TrimRight(basic, "=")) {
			t.Errorf("%d: the error holds the credentials: %s", status, msg)
		}
	}
}
