package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		resp := b.get("/healthz")
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(resp.Body) != `{"status":"ok"}` {
			t.Errorf("healthz with the database up: %d %q, want 200 ok", resp.StatusCode, resp.Body)
		}
		app.db.Close()
		resp = b.get("/healthz")
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("healthz with the database closed: status %d, want 503", resp.StatusCode)
		}
	})
}

// TestSecurityHeadersOnEveryKindOfResponse checks the headers on a page, a
// 404, a redirect, a static file, JSON and an error, anonymous and logged in.
func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	app := newTestApp(t, "sqlite")
	anon := app.newBrowser()
	user := app.newBrowser()
	user.signUp("Ana", "ana@example.com")
	want := map[string]string{
		"Strict-Transport-Security":    "max-age=63072000; includeSubDomains; preload",
		"X-Frame-Options":              "DENY",
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for _, b := range []*browser{anon, user} {
		for _, path := range []string{"/login", "/contacts", "/no-such-page", "/static/app.css", "/healthz", "/contacts/not-an-id", "/"} {
			resp := b.get(path)
			for name, value := range want {
				if got := resp.Header.Get(name); got != value {
					t.Errorf("GET %s (status %d): %s = %q, want %q", path, resp.StatusCode, name, got, value)
				}
			}
			if !strings.HasPrefix(resp.Header.Get("Permissions-Policy"), "accelerometer=()") {
				t.Errorf("GET %s: Permissions-Policy = %q", path, resp.Header.Get("Permissions-Policy"))
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.HasPrefix(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe") {
				t.Errorf("GET %s: Content-Security-Policy = %q", path, csp)
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && resp.StatusCode != http.StatusSeeOther {
				if !strings.Contains(csp, "base-uri 'none'") || !strings.Contains(csp, "form-action 'self'") || !strings.Contains(csp, "'nonce-") {
					t.Errorf("GET %s: page policy %q lacks base-uri, form-action or nonce", path, csp)
				}
			}
		}
	}
	a, b := anon.get("/login").Header.Get("Content-Security-Policy"), anon.get("/login").Header.Get("Content-Security-Policy")
	if a == b {
		t.Error("two responses share a CSP nonce")
	}
}
