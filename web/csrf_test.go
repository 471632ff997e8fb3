package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCrossOriginPosts sends the new-contact form with the headers a
// browser would send from various sites and checks that only same-origin
// requests and requests without browser headers create the contact.
func TestCrossOriginPosts(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")

	cases := []struct {
		name    string
		headers map[string]string
		allowed bool
	}{
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, false},
		{"same-site fetch from a sibling host", map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"foreign origin", map[string]string{"Origin": "https://evil.example"}, false},
		{"null origin", map[string]string{"Origin": "null"}, false},
		{"cross-site fetch with our origin", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": app.srv.URL}, false},
		{"same-origin fetch", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": app.srv.URL}, true},
		{"origin equal to the server", map[string]string{"Origin": app.srv.URL}, true},
		{"typed by the user", map[string]string{"Sec-Fetch-Site": "none"}, true},
		{"no browser headers", nil, true},
	}
	for _, tc := range cases {
		before := countRows(t, app.db, "contacts")
		form := url.Values{"given": {"Csrf"}, "family": {tc.name}, "form_workspace": {b.currentWorkspace()}}
		req, err := http.NewRequest(http.MethodPost, app.srv.URL+"/contacts", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.headers {
			req.Header.Set(k, v)
		}
		resp := b.do(req)
		created := countRows(t, app.db, "contacts") - before

		if tc.allowed {
			if resp.StatusCode != http.StatusSeeOther || created != 1 {
				t.Errorf("%s: status %d, %d contacts created; want 303 and 1", tc.name, resp.StatusCode, created)
			}
			continue
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tc.name, resp.StatusCode)
		}
		if created != 0 {
			t.Errorf("%s: %d contacts created, want 0", tc.name, created)
		}
		for _, want := range []string{"<title>Request blocked · Chatalott</title>",
			"This request came from another site, so it was blocked to protect your account.",
			"submit the form from there"} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("%s: 403 page lacks %q", tc.name, want)
			}
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: 403 Content-Type %q, want text/html; charset=utf-8", tc.name, ct)
		}
	}
}

func TestCrossSiteLogInRejected(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.newBrowser().signUp("Ana", "ana@example.com")
	b := app.newBrowser()
	form := url.Values{"email": {"ana@example.com"}, "password": {testPassword}}
	req, _ := http.NewRequest(http.MethodPost, app.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp := b.do(req)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("cross-site log-in: status %d, Set-Cookie %q; want 403 and no cookie", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	requireLoggedOut(t, b, "browser after a cross-site log-in")
}

func TestCrossSiteGetAllowed(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	req, _ := http.NewRequest(http.MethodGet, app.srv.URL+"/contacts", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if resp := b.do(req); resp.StatusCode != http.StatusOK {
		t.Errorf("cross-site GET of a page: status %d, want 200 because reading needs no protection from forgery", resp.StatusCode)
	}
}
