package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/blobs"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/importjobs"
	"github.com/chatalott/chatalott/imports"
	"github.com/chatalott/chatalott/keys"
	"github.com/chatalott/chatalott/ratelimit"
	"github.com/chatalott/chatalott/ratelimit/ratelimittest"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"github.com/chatalott/chatalott/teams"
	"github.com/chatalott/chatalott/twofactor"
	"github.com/chatalott/chatalott/web"
)

// clock is a settable time source shared by every service of a test app.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testApp is a real Chatalott server on a real database, behind TLS on
// loopback, with an injected clock.
type testApp struct {
	t      *testing.T
	db     *sqlstore.DB
	srv    *httptest.Server
	server *web.Server
	clock  *clock
	keys   *keys.Ring
	logs   *bytes.Buffer
	blobs  *blobs.Bucket
	// mail holds every email the app sent, as .eml files.
	mail *testMailbox
}

const testPassword = "correct horse battery"

func newTestApp(t *testing.T, dialect string) *testApp {
	t.Helper()
	db := sqlstoretest.Open(t, dialect)
	ring, err := keys.NewRing()
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := accounts.NewHasher(10)
	if err != nil {
		t.Fatal(err)
	}
	// The clock starts at the real time because the cookie jar drops cookies
	// whose Expires, set from this clock, is in the real past.
	clk := &clock{now: time.Now().UTC().Truncate(time.Second)}
	logs := &bytes.Buffer{}

	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil))
	bucket, err := blobs.Open(context.Background(), "mem://")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	// Background imports stop when the test ends, and the cleanup waits
	// for them to record their end before the database closes.
	importCtx, stopImports := context.WithCancel(context.Background())
	contactStore := &sqlstore.ContactStore{DB: db}
	importJobs := &importjobs.Service{
		Store:   &sqlstore.ImportJobStore{DB: db},
		Blobs:   bucket,
		Imports: &imports.Service{Store: contactStore, Now: clk.Now, NewID: chatalott.NewID},
		Logger:  logger,
		Now:     clk.Now,
		NewID:   chatalott.NewID,
		Context: importCtx,
	}
	t.Cleanup(func() {
		stopImports()
		importJobs.Wait()
	})

	// SQLite runs with in-process rate limits and PostgreSQL with Redis, the
	// two deployments Chatalott supports.
	var limiter ratelimit.Limiter = ratelimit.NewMemory(clk.Now)
	if dialect == sqlstore.Postgres {
		client, prefix := ratelimittest.Client(t)
		limiter = ratelimit.NewRedis(client, prefix)
	}
	encryptionKeys, err := keys.NewRing()
	if err != nil {
		t.Fatal(err)
	}

	accountStore := &sqlstore.AccountStore{DB: db}
	s := &web.Server{
		TwoFactor:    &twofactor.Service{Store: &sqlstore.TwoFactorStore{DB: db}, Keys: encryptionKeys, Now: clk.Now},
		Limiter:      limiter,
		Limits:       ratelimit.DefaultLimits(),
		Accounts:     &accounts.Service{Store: accountStore, Hasher: hasher, Now: clk.Now, NewID: chatalott.NewID},
		AccountStore: accountStore,
		Sessions: &sessions.Manager{Store: &sqlstore.SessionStore{DB: db}, Keys: ring, Now: clk.Now,
			IdleTimeout: sessions.DefaultIdleTimeout, AbsoluteLifetime: sessions.DefaultAbsoluteLifetime,
			TouchInterval: sessions.DefaultTouchInterval},
		Contacts:     &contacts.Service{Store: contactStore, Now: clk.Now, NewID: chatalott.NewID},
		ImportJobs:   importJobs,
		ExportSource: contactStore,
		Health:       db.Ping,
		Logger:       logger,
		Now:          clk.Now,
	}
	s.Companies = &companies.Service{Store: &sqlstore.CompanyStore{DB: db}, Contacts: s.Contacts, Now: clk.Now, NewID: chatalott.NewID}
	s.Deals = &deals.Service{Store: &sqlstore.DealStore{DB: db}, Companies: s.Companies, Now: clk.Now, NewID: chatalott.NewID}
	wireCRMServices(s, db, clk.Now)
	s.MessageTemplates = newMessageTemplates(s, db, clk.Now)
	mailbox := newTestMailbox(t, logger)
	s.Teams = &teams.Service{Store: &sqlstore.TeamStore{DB: db}, Accounts: accountStore, Mailer: mailbox.notifier,
		Now: clk.Now, NewID: chatalott.NewID}
	s.Email = &accounts.EmailService{Accounts: s.Accounts, Tokens: &sqlstore.EmailTokenStore{DB: db},
		Mailer: mailbox.notifier, Sessions: s.Sessions}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return &testApp{t: t, db: db, srv: srv, server: s, clock: clk, keys: ring, logs: logs, blobs: bucket, mail: mailbox}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// forEachDialect runs fn against a fresh app on every database engine.
func forEachDialect(t *testing.T, fn func(t *testing.T, app *testApp)) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, newTestApp(t, dialect))
		})
	}
}

// browser is one client with its own cookie jar, like one browser profile.
// It does not follow redirects, so tests see each one.
type browser struct {
	app    *testApp
	client *http.Client
}

func (a *testApp) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	// Copy the server's client: it is shared, and each browser needs its own jar.
	c := new(http.Client)
	*c = *a.srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{app: a, client: c}
}

// response is a finished HTTP exchange with its body read.
type response struct {
	*http.Response
	Body string
}

func (b *browser) do(req *http.Request) *response {
	b.app.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.app.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.app.t.Fatal(err)
	}
	return &response{Response: resp, Body: string(body)}
}

func (b *browser) get(path string) *response {
	b.app.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.app.srv.URL+path, nil)
	if err != nil {
		b.app.t.Fatal(err)
	}
	return b.do(req)
}

// post sends form to path as a browser sends a form. Like the forms of
// the pages, it names the session's current workspace in form_workspace,
// unless form sets that field itself.
func (b *browser) post(path string, form url.Values) *response {
	b.app.t.Helper()
	if ws := b.currentWorkspace(); ws != "" && !form.Has("form_workspace") {
		form = maps.Clone(form)
		if form == nil {
			form = url.Values{}
		}
		form.Set("form_workspace", ws)
	}
	req, err := http.NewRequest(http.MethodPost, b.app.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// currentWorkspace returns the workspace that b's session works in, which
// the pages b opens state in their forms, or "" when b has no session. A
// team the user has lost counts as the personal workspace, as the server
// counts it.
func (b *browser) currentWorkspace() string {
	b.app.t.Helper()
	base, err := url.Parse(b.app.srv.URL)
	if err != nil {
		b.app.t.Fatal(err)
	}
	var token string
	for _, c := range b.client.Jar.Cookies(base) {
		if c.Name == web.SessionCookie {
			token = c.Value
		}
	}

	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		b.app.t.Fatalf("session cookie payload: %v", err)
	}
	var claims struct {
		SessionID string `json:"jti"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		b.app.t.Fatalf("session cookie claims: %v", err)
	}

	var workspace string
	err = b.app.db.SQL().QueryRowContext(context.Background(), `SELECT COALESCE(
    (SELECT m.workspace_id FROM memberships m WHERE m.workspace_id = s.workspace_id AND m.user_id = s.user_id),
    (SELECT w.id FROM workspaces w JOIN memberships p ON p.workspace_id = w.id
     WHERE p.user_id = s.user_id AND w.kind = 'personal'))
FROM sessions s WHERE s.id = $1 AND s.revoked_at IS NULL`, claims.SessionID).Scan(&workspace)
	if err != nil {
		return ""
	}
	return workspace
}

// signUp creates an account, confirms its address with the emailed link,
// and leaves b logged in. The session is issued directly, as the log-in form
// would issue it, so that the helper spends none of the log-in rate limit
// that tests of the log-in form count on.
func (b *browser) signUp(name, email string) {
	b.app.t.Helper()
	resp := b.post("/signup", url.Values{"name": {name}, "email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "<h1>Check your email</h1>") {
		b.app.t.Fatalf("sign up %s: status %d, want 200 with the check-your-email page; body:\n%s", email, resp.StatusCode, resp.Body)
	}
	b.verifyEmail(b.app.mail.take(b.app.t, email).token(b.app.t, "/verify-email"))
	ctx := context.Background()
	user, err := b.app.server.AccountStore.UserByEmail(ctx, accounts.NormalizeEmail(email))
	if err != nil {
		b.app.t.Fatalf("sign up %s: load the new user: %v", email, err)
	}
	token, _, err := b.app.server.Sessions.Issue(ctx, user.ID, "test browser", "127.0.0.1")
	if err != nil {
		b.app.t.Fatalf("sign up %s: issue a session: %v", email, err)
	}
	u, _ := url.Parse(b.app.srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: token, Path: "/", Secure: true}})
}

func (b *browser) logIn(email, password string) *response {
	b.app.t.Helper()
	return b.post("/login", url.Values{"email": {email}, "password": {password}})
}

// sessionCookie returns the browser's current session cookie value.
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.app.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == web.SessionCookie {
			return c.Value
		}
	}
	return ""
}

// withCookie returns a new browser that presents only the given session cookie.
func (a *testApp) withCookie(value string) *browser {
	b := a.newBrowser()
	u, _ := url.Parse(a.srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: value, Path: "/", Secure: true}})
	return b
}

// requireLoggedIn checks that b can open the contact list.
func requireLoggedIn(t *testing.T, b *browser, who string) {
	t.Helper()
	resp := b.get("/contacts")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "<h1>Contacts</h1>") {
		t.Fatalf("%s: GET /contacts status %d, want 200 with the contact list", who, resp.StatusCode)
	}
}

// requireLoggedOut checks that b is sent to the log-in page from the contact list.
func requireLoggedOut(t *testing.T, b *browser, who string) {
	t.Helper()
	resp := b.get("/contacts")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("%s: GET /contacts status %d location %q, want 303 to /login", who, resp.StatusCode, resp.Header.Get("Location"))
	}
}

var nonceAttr = regexp.MustCompile(`nonce-[A-Za-z0-9+/=_-]+|nonce="[^"]*"`)

// withoutNonce removes per-response nonces so that two bodies can be compared.
func withoutNonce(s string) string { return nonceAttr.ReplaceAllString(s, "nonce") }

// createContact posts the new-contact form and returns the new contact's id.
func (b *browser) createContact(form url.Values) string {
	b.app.t.Helper()
	resp := b.post("/contacts", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/contacts/") {
		b.app.t.Fatalf("create contact: status %d location %q, want 303 to the contact; body:\n%s", resp.StatusCode, loc, resp.Body)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(loc, "/contacts/"), "?")
	return id
}

func countRows(t *testing.T, db *sqlstore.DB, table string) int {
	t.Helper()
	var n int
	// table is one of a fixed set of names chosen by the tests.
	if err := db.SQL().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
