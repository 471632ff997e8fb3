package web_test

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/web"
)

// The header values every response must carry. They are written out here,
// not taken from the web package, so that a change to the middleware fails
// this test until someone decides the new value is right.
var wantHeaders = map[string]string{
	"Strict-Transport-Security":    "max-age=63072000; includeSubDomains; preload",
	"X-Frame-Options":              "DENY",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Permissions-Policy": "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), " +
		"fullscreen=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), " +
		"midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), " +
		"usb=(), xr-spatial-tracking=(), clipboard-read=(), bluetooth=()",
}

const wantNonHTMLCSP = "default-src 'none'; frame-ancestors 'none'"

// wantPageCSP returns the exact policy of an HTML page with nonce.
func wantPageCSP(nonce string) string {
	return "default-src 'none'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self' 'nonce-" + nonce + "'; " +
		"img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// walkMethods are the methods each route's path is called with. A handler
// serves the route's own methods, and the others must get 405.
var walkMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions}

var (
	cspNonce      = regexp.MustCompile(`'nonce-([^']*)'`)
	bodyNonceAttr = regexp.MustCompile(`nonce="([^"]*)"`)
	pathWildcard  = regexp.MustCompile(`\{[^}]*\}`)
)

// headerChecker asserts the security headers of responses and remembers
// every CSP nonce it has seen, so that a reused nonce fails.
type headerChecker struct {
	t      *testing.T
	nonces map[string]string // nonce → label of the response that had it
	pages  int               // HTML pages with a nonce seen
}

func (c *headerChecker) check(label string, resp *response) {
	c.t.Helper()
	for name, want := range wantHeaders {
		if got := resp.Header.Values(name); len(got) != 1 || got[0] != want {
			c.t.Errorf("%s (status %d): %s = %q, want exactly [%q]", label, resp.StatusCode, name, got, want)
		}
	}

	csps := resp.Header.Values("Content-Security-Policy")
	if len(csps) != 1 {
		c.t.Errorf("%s (status %d): %d Content-Security-Policy headers, want 1", label, resp.StatusCode, len(csps))
		return
	}
	csp := csps[0]
	isPage := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") &&
		(resp.StatusCode < 300 || resp.StatusCode >= 400)
	m := cspNonce.FindStringSubmatch(csp)
	if !isPage || m == nil {
		if isPage && resp.Request.Method != http.MethodHead {
			c.t.Errorf("%s (status %d): HTML page has policy %q, want the page policy with a nonce", label, resp.StatusCode, csp)
		} else if csp != wantNonHTMLCSP {
			c.t.Errorf("%s (status %d, %s): Content-Security-Policy = %q, want %q",
				label, resp.StatusCode, resp.Header.Get("Content-Type"), csp, wantNonHTMLCSP)
		}
		if found := bodyNonceAttr.FindString(resp.Body); found != "" {
			c.t.Errorf("%s: body has %s but the policy has no nonce", label, found)
		}
		return
	}

	nonce := m[1]
	if csp != wantPageCSP(nonce) {
		c.t.Errorf("%s: Content-Security-Policy = %q, want %q", label, csp, wantPageCSP(nonce))
	}
	if raw, err := base64.RawURLEncoding.DecodeString(nonce); err != nil || len(raw) < 16 {
		c.t.Errorf("%s: nonce %q is not URL-safe base64 of at least 16 bytes", label, nonce)
	}
	for _, attr := range bodyNonceAttr.FindAllStringSubmatch(resp.Body, -1) {
		if attr[1] != nonce {
			c.t.Errorf("%s: body has nonce=%q, want the header's %q", label, attr[1], nonce)
		}
	}
	if earlier, seen := c.nonces[nonce]; seen {
		c.t.Errorf("%s: CSP nonce %q was already sent with %s", label, nonce, earlier)
	}
	c.nonces[nonce] = label
	c.pages++
}

// walkRoute is one route of Server.Routes split into its method and path.
type walkRoute struct {
	pattern, method, path string
}

func splitPattern(t *testing.T, pattern string) walkRoute {
	t.Helper()
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || !strings.HasPrefix(path, "/") {
		t.Fatalf("route %q has no method or no path; the walk needs METHOD /path", pattern)
	}
	return walkRoute{pattern: pattern, method: method, path: path}
}

// concretePath fills a pattern's wildcards: {$} with nothing, {file...}
// with a real static file, {id} under /contacts/ with the user's own
// contact, and any other wildcard with a random id.
func concretePath(path, contactID string) string {
	path = strings.ReplaceAll(path, "{$}", "")
	return pathWildcard.ReplaceAllStringFunc(path, func(w string) string {
		switch {
		case strings.HasSuffix(w, "...}"):
			return "app.css"
		case strings.HasPrefix(path, "/contacts/{") && w == "{id}":
			return contactID
		default:
			return chatalott.NewID()
		}
	})
}

// TestRouteWalkHeaders calls every registered route with every common
// method, anonymous and logged in, and checks each response's security
// headers. Routes come from Server.Routes, so a new route is covered
// without editing this test.
func TestRouteWalkHeaders(t *testing.T) {
	app := newTestApp(t, "sqlite")
	checker := &headerChecker{t: t, nonces: map[string]string{}}

	// A mux with the same patterns shows which method and path pairs the
	// real server serves, and which must get 405 from its mux.
	var routes []walkRoute
	patterns := http.NewServeMux()
	for _, r := range app.server.Routes() {
		routes = append(routes, splitPattern(t, r.Pattern))
		patterns.HandleFunc(r.Pattern, func(http.ResponseWriter, *http.Request) {})
	}
	if len(routes) < 10 {
		t.Fatalf("Routes returned %d routes, want the full route table", len(routes))
	}

	const email = "walker@example.com"
	user := app.newBrowser()
	user.signUp("Walker", email)
	contactID := user.createContact(url.Values{"given": {"Rosa"}, "family": {"Walk"}})
	anon := app.newBrowser()

	// keepLoggedIn restores what a state-changing request may have ended:
	// the session (log out) and the contact (delete).
	keepLoggedIn := func() {
		if user.get("/settings").StatusCode != http.StatusOK {
			if resp := user.logIn(email, testPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("log in again during the walk: status %d, want 303", resp.StatusCode)
			}
		}
		if user.get("/contacts/"+contactID).StatusCode == http.StatusNotFound {
			contactID = user.createContact(url.Values{"given": {"Rosa"}, "family": {"Walk"}})
		}
	}

	seen := map[string]bool{}
	for _, who := range []struct {
		name string
		b    *browser
	}{{"anonymous", anon}, {"logged in", user}} {
		for _, route := range routes {
			path := concretePath(route.path, contactID)
			for _, method := range walkMethods {
				if seen[who.name+method+route.path] {
					continue
				}
				seen[who.name+method+route.path] = true

				req, err := http.NewRequest(method, app.srv.URL+path, strings.NewReader(""))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp := who.b.do(req)
				label := who.name + " " + method + " " + path + " (route " + route.pattern + ")"
				checker.check(label, resp)

				_, served := patterns.Handler(httptest.NewRequest(method, path, nil))
				switch {
				case served == "" && resp.StatusCode != http.StatusMethodNotAllowed:
					t.Errorf("%s: status %d, want 405 because no route serves %s there", label, resp.StatusCode, method)
				case served == "" && resp.Header.Get("Allow") == "":
					t.Errorf("%s: 405 without an Allow header", label)
				case served != "" && resp.StatusCode == http.StatusMethodNotAllowed:
					t.Errorf("%s: status 405, want the handler of %s", label, served)
				case resp.StatusCode >= 500:
					t.Errorf("%s: status %d, want no server error; body:\n%s", label, resp.StatusCode, resp.Body)
				}
				if who.b == user && method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions {
					keepLoggedIn()
				}
			}
		}
	}

	// The kinds of response that no route lists: each is named with the
	// status it must have, so the case really happened.
	crossSite := func(b *browser) *response {
		req, _ := http.NewRequest(http.MethodPost, app.srv.URL+"/settings/logout-everywhere", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		return b.do(req)
	}
	keepLoggedIn()
	for _, tc := range []struct {
		name   string
		b      *browser
		do     func(*browser) *response
		status int
	}{
		{"anonymous unknown page", anon, func(b *browser) *response { return b.get("/no-such-page") }, http.StatusNotFound},
		{"logged in unknown page", user, func(b *browser) *response { return b.get("/no-such-page") }, http.StatusNotFound},
		{"anonymous redirect to log in", anon, func(b *browser) *response { return b.get("/contacts") }, http.StatusSeeOther},
		{"logged in redirect from home", user, func(b *browser) *response { return b.get("/") }, http.StatusSeeOther},
		{"anonymous static file", anon, func(b *browser) *response { return b.get("/static/app.css") }, http.StatusOK},
		{"logged in missing static file", user, func(b *browser) *response { return b.get("/static/none.css") }, http.StatusNotFound},
		{"logged in missing contact", user, func(b *browser) *response { return b.get("/contacts/" + chatalott.NewID()) }, http.StatusNotFound},
		{"anonymous mux 405", anon, func(b *browser) *response { return b.post("/healthz", nil) }, http.StatusMethodNotAllowed},
		{"logged in mux 405", user, func(b *browser) *response { return b.post("/settings", nil) }, http.StatusMethodNotAllowed},
		{"anonymous cross-site post", anon, crossSite, http.StatusForbidden},
		{"logged in cross-site post", user, crossSite, http.StatusForbidden},
		{"logged in page", user, func(b *browser) *response { return b.get("/contacts") }, http.StatusOK},
		{"anonymous page", anon, func(b *browser) *response { return b.get("/login") }, http.StatusOK},
	} {
		resp := tc.do(tc.b)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		checker.check(tc.name, resp)
	}

	if checker.pages < 2 {
		t.Errorf("walk saw %d HTML pages with a nonce, want at least 2 to compare nonces", checker.pages)
	}
}

// TestHSTSBehindProxy checks that HSTS is sent on plain HTTP only when a
// trusted proxy reports in X-Forwarded-Proto that the client used HTTPS.
func TestHSTSBehindProxy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted string
		proto   string
		want    string
	}{
		{"trusted proxy says https", "127.0.0.1/32", "https", wantHeaders["Strict-Transport-Security"]},
		{"trusted proxy says http", "127.0.0.1/32", "http", ""},
		{"trusted proxy says nothing", "127.0.0.1/32", "", ""},
		{"untrusted peer says https", "10.0.0.0/8", "https", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxies, err := web.ParseTrustedProxies(tc.trusted)
			if err != nil {
				t.Fatal(err)
			}
			s := &web.Server{TrustedProxies: proxies, Health: func(context.Context) error { return nil },
				Logger: slog.New(slog.DiscardHandler)}
			h, err := s.Handler()
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/healthz", nil)
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("Strict-Transport-Security = %q, want %q", got, tc.want)
			}
			if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options = %q, want DENY on plain HTTP too", got)
			}
		})
	}
}
