package web_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/ratelimit"
)

// attempt posts a failed log-in for email with X-Forwarded-For set to
// forwardedFor (when not empty) and returns the status.
func (b *browser) attempt(email, forwardedFor string) int {
	b.app.t.Helper()
	form := "email=" + email + "&password=wrong+password+1"
	req, _ := http.NewRequest(http.MethodPost, b.app.srv.URL+"/login", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	resp := b.do(req)
	if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
		b.app.t.Error("429 without Retry-After")
	}
	return resp.StatusCode
}

func TestLogInLimitPerIP(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.server.Limits.LogInIP = ratelimit.Limit{Name: "login-ip", Rate: 3, Period: time.Hour}
		b := app.newBrowser()
		emails := []string{"a@example.test", "b@example.test", "c@example.test", "d@example.test"}
		for i, email := range emails {
			want := http.StatusUnauthorized
			if i == 3 {
				want = http.StatusTooManyRequests
			}
			if got := b.attempt(email, ""); got != want {
				t.Errorf("attempt %d from one IP: status %d, want %d", i+1, got, want)
			}
		}
		// A forged X-Forwarded-For from an untrusted peer does not change the key.
		if got := b.attempt("e@example.test", "198.51.100.9"); got != http.StatusTooManyRequests {
			t.Errorf("forged X-Forwarded-For: status %d, want 429", got)
		}
	})
}

func TestLogInLimitTrustedProxy(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.server.Limits.LogInIP = ratelimit.Limit{Name: "login-ip", Rate: 2, Period: time.Hour}
	app.server.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	b := app.newBrowser()
	for i := range 4 {
		if got := b.attempt("a@example.test", "198.51.100.1"); (got == http.StatusTooManyRequests) != (i >= 2) {
			t.Errorf("attempt %d from client 198.51.100.1 via the proxy: status %d", i+1, got)
		}
	}
	if got := b.attempt("b@example.test", "198.51.100.2"); got != http.StatusUnauthorized {
		t.Errorf("another client behind the trusted proxy: status %d, want 401", got)
	}
}

func TestLogInLimitPerEmailFolded(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.server.Limits.LogInEmail = ratelimit.Limit{Name: "login-email", Rate: 2, Period: time.Hour}
		b := app.newBrowser()
		variants := []string{"Victim@Example.test", "victim@example.test", "%EF%BD%96ictim@example.test"} // the last starts with a fullwidth v
		for i, email := range variants {
			want := http.StatusUnauthorized
			if i == 2 {
				want = http.StatusTooManyRequests
			}
			if got := b.attempt(email, ""); got != want {
				t.Errorf("attempt %d (%s): status %d, want %d", i+1, email, got, want)
			}
		}
		if got := b.attempt("someone.else@example.test", ""); got != http.StatusUnauthorized {
			t.Errorf("another email: status %d, want 401", got)
		}
	})
}
