package e2e

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

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
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"github.com/chatalott/chatalott/teams"
	"github.com/chatalott/chatalott/twofactor"
	"github.com/chatalott/chatalott/web"
)

const (
	// chromiumPath is where the Debian package chromium installs the browser.
	chromiumPath = "/usr/bin/chromium"
	// flowTimeout bounds one run of the browser flow on one database,
	// including the start and stop of Chromium.
	flowTimeout = 60 * time.Second
)

// The contact that the flow creates and then searches for.
const (
	givenName  = "Zoë"
	familyName = "O'Brien"
	fullName   = "Zoë O'Brien"
	firstEmail = "zoe@example.com"
	otherEmail = "z.obrien@example.org"
)

func TestBrowserSignUpToLogOut(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			requireChromium(t)
			// The flow's context does not derive from t.Context, because that
			// ends before cleanups run. The browser cleanup needs a live
			// context to close Chromium cleanly instead of killing it.
			ctx, cancel := context.WithTimeout(context.Background(), flowTimeout)
			t.Cleanup(cancel)
			srv := startServer(t, dialect)
			browser := startBrowser(t, ctx, srv.Certificate())
			base := srv.URL

			signUp(t, browser, base)
			addContact(t, browser)
			searchContacts(t, browser)
			oldSession := sessionCookie(t, browser, base)
			logOut(t, browser, base)

			// The old cookie value must name a revoked session now, both for
			// a plain HTTP client and for the browser that held it.
			checkRevokedWithClient(t, ctx, srv, oldSession)
			checkRevokedInBrowser(t, browser, base, oldSession)
		})
	}
}

// requireChromium skips the test when Chromium is not installed, except
// under CI=true, where that is a failure.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is required under CI=true: %v; install the Debian package chromium", err)
		}
		t.Skipf("Chromium is not installed (%v); install the Debian package chromium to run browser tests", err)
	}
}

// startServer starts the real web.Server on a fresh database of dialect,
// wired as "chatalott serve" wires it, behind TLS on 127.0.0.1. Its log goes
// to the test output.
func startServer(t *testing.T, dialect string, configure ...func(*web.Server)) *httptest.Server {
	t.Helper()
	db := sqlstoretest.Open(t, dialect)
	ring, err := keys.NewRing()
	if err != nil {
		t.Fatalf("generate session keys: %v", err)
	}
	hasher, err := accounts.NewHasher(10)
	if err != nil {
		t.Fatalf("create password hasher: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	bucket, err := blobs.Open(context.Background(), "file://"+filepath.ToSlash(t.TempDir()))
	if err != nil {
		t.Fatalf("open blob bucket: %v", err)
	}
	t.Cleanup(func() { bucket.Close() })
	importCtx, stopImports := context.WithCancel(context.Background())
	contactStore := &sqlstore.ContactStore{DB: db}
	importJobs := &importjobs.Service{
		Store:   &sqlstore.ImportJobStore{DB: db},
		Blobs:   bucket,
		Imports: &imports.Service{Store: contactStore, Now: time.Now, NewID: chatalott.NewID},
		Logger:  logger,
		Now:     time.Now,
		NewID:   chatalott.NewID,
		Context: importCtx,
	}
	t.Cleanup(func() {
		stopImports()
		importJobs.Wait()
	})
	accountStore := &sqlstore.AccountStore{DB: db}
	server := &web.Server{
		Accounts:     &accounts.Service{Store: accountStore, Hasher: hasher, Now: time.Now, NewID: chatalott.NewID},
		AccountStore: accountStore,
		Sessions: &sessions.Manager{Store: &sqlstore.SessionStore{DB: db}, Keys: ring, Now: time.Now,
			IdleTimeout: sessions.DefaultIdleTimeout, AbsoluteLifetime: sessions.DefaultAbsoluteLifetime,
			TouchInterval: sessions.DefaultTouchInterval},
		Contacts:     &contacts.Service{Store: contactStore, Now: time.Now, NewID: chatalott.NewID},
		ImportJobs:   importJobs,
		ExportSource: contactStore,
		Health:       db.Ping,
		Logger:       logger,
	}
	emailFlows, outbox := newEmailFlows(t, db, server.Accounts, server.Sessions, logger)
	server.Email = emailFlows
	encryptionKeys, err := keys.NewRing()
	if err != nil {
		t.Fatalf("generate encryption keys: %v", err)
	}
	server.TwoFactor = &twofactor.Service{Store: &sqlstore.TwoFactorStore{DB: db}, Keys: encryptionKeys, Now: time.Now}
	server.Limiter, server.Limits = ratelimit.NewMemory(time.Now), ratelimit.DefaultLimits()
	for _, fn := range configure {
		fn(server)
	}
	server.Companies = &companies.Service{Store: &sqlstore.CompanyStore{DB: db}, Contacts: server.Contacts, Now: time.Now, NewID: chatalott.NewID}
	server.Deals = &deals.Service{Store: &sqlstore.DealStore{DB: db}, Companies: server.Companies, Now: time.Now, NewID: chatalott.NewID}
	wireCRMServices(server, db)
	server.Teams = &teams.Service{Store: &sqlstore.TeamStore{DB: db}, Accounts: accountStore, Mailer: outbox.notifier,
		Now: time.Now, NewID: chatalott.NewID}
	handler, err := server.Handler()
	if err != nil {
		t.Fatalf("build handler: %v", err)
	}

	// httptest listens on 127.0.0.1 with its own self-signed certificate,
	// which no system store trusts.
	srv := httptest.NewUnstartedServer(handler)
	outbox.register(t, srv)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// startBrowser launches headless Chromium with a fresh profile and returns
// its chromedp context. The browser trusts the key of cert, the test
// server's certificate, and resolves no host name but localhost and
// 127.0.0.1.
func startBrowser(t *testing.T, ctx context.Context, cert *x509.Certificate) context.Context {
	t.Helper()
	// Chromium accepts a certificate whose public key hash (base64 of the
	// SHA-256 of the SubjectPublicKeyInfo) is in this list. It reads the
	// list only when --user-data-dir is also set (Chromium source,
	// services/network/ignore_errors_cert_verifier.cc). That trusts the test
	// server's key alone, where --ignore-certificate-errors would accept
	// every certificate.
	spkiHash := sha256.Sum256(cert.RawSubjectPublicKeyInfo)

	// The list is built here, not from chromedp.DefaultExecAllocatorOptions,
	// so that none of chromedp's default flags apply. chromedp appends only
	// --remote-debugging-pipe and about:blank, so no debugging port opens.
	// NOTE: the Debian launcher /usr/bin/chromium adds the flags set in
	// /etc/chromium.d, such as --disable-pings and --media-router=0.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", "new"),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Every host name except localhost and 127.0.0.1 fails to resolve,
		// so only an IP literal could reach another host. The test opens
		// only the server's own https://127.0.0.1 URLs.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spkiHash[:])),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)

	// Running no action starts the browser, so a launch failure is
	// reported here and not in the first step of the flow.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return browser
}

// signUp creates an account through the sign-up form, confirms the
// address with the emailed link, logs in, and checks that the browser lands
// on the empty contact list.
func signUp(t *testing.T, browser context.Context, base string) {
	t.Helper()
	const email, password = "ada@example.com", "correct horse battery staple"
	do(t, browser, "open the sign-up page", chromedp.Navigate(base+"/signup"))
	do(t, browser, "fill the sign-up form",
		chromedp.SendKeys(chromedp.CSS("#name"), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	clickAndLoad(t, browser, "submit the sign-up form", `form[action="/signup"] button[type="submit"]`)
	if got, want := text(t, browser, "main h1"), "Check your email"; got != want {
		t.Fatalf("heading after sign-up: got %q, want %q", got, want)
	}

	do(t, browser, "open the emailed link", chromedp.Navigate(newestLink(t, base, "/verify-email")))
	clickAndLoad(t, browser, "confirm the email address", `form[action="/verify-email"] button[type="submit"]`)
	if got, want := pagePath(t, browser), "/login"; got != want {
		t.Fatalf("page after confirming the address: got path %q, want %q", got, want)
	}
	if got, want := text(t, browser, "main .notice"), "Your email address is confirmed."; got != want {
		t.Fatalf("notice after confirming the address: got %q, want %q", got, want)
	}

	do(t, browser, "fill the log-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	clickAndLoad(t, browser, "submit the log-in form", `form[action="/login"] button[type="submit"]`)
	if got, want := pagePath(t, browser), "/dashboard"; got != want {
		t.Fatalf("page after log-in: got path %q, want %q", got, want)
	}
	if got, want := text(t, browser, "main h1"), "Today"; got != want {
		t.Fatalf("heading after log-in: got %q, want %q", got, want)
	}
}

// addContact creates the contact through the "New contact" form with two
// emails and checks the contact page that the browser lands on.
func addContact(t *testing.T, browser context.Context) {
	t.Helper()
	clickAndLoad(t, browser, "open the contact list", `header nav a[href="/contacts"]`)
	clickAndLoad(t, browser, `open "New contact"`, `.bar a[href="/contacts/new"]`)
	if got, want := text(t, browser, "main h1"), "New contact"; got != want {
		t.Fatalf("heading of the contact form: got %q, want %q", got, want)
	}

	// The form repeats its email input, and a new contact gets two empty
	// rows.
	emailInputs, err := chromedp.Run(browser, chromedp.Nodes(chromedp.CSSAll(`form.contact-form input[name="email"]`)))
	if err != nil {
		t.Fatalf("find the email inputs: %v", err)
	}
	if got, want := len(emailInputs), 2; got < want {
		t.Fatalf("email inputs in the new contact form: got %d, want at least %d", got, want)
	}
	do(t, browser, "fill the contact form",
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="given"]`), givenName),
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="family"]`), familyName),
		chromedp.SendKeys([]cdp.NodeID{emailInputs[0].NodeID}, firstEmail),
		chromedp.SendKeys([]cdp.NodeID{emailInputs[1].NodeID}, otherEmail),
	)
	clickAndLoad(t, browser, "save the contact", `form.contact-form button[type="submit"]`)

	if got, want := pagePath(t, browser), "/contacts/"; !strings.HasPrefix(got, want) || got == "/contacts/new" {
		t.Fatalf("page after saving: got path %q, want the contact's page under %q", got, want)
	}
	if got, want := text(t, browser, "main h1"), fullName; got != want {
		t.Fatalf("heading of the contact page: got %q, want %q", got, want)
	}
	emails := evaluate[[]string](t, browser, `Array.from(document.querySelectorAll('dl.details a[href^="mailto:"]'), a => a.textContent.trim())`)
	if want := []string{firstEmail, otherEmail}; !slices.Equal(emails, want) {
		t.Fatalf("emails on the contact page: got %q, want %q", emails, want)
	}
}

// searchContacts searches the contact list without the apostrophe and the
// accent, then for a name that matches nobody.
func searchContacts(t *testing.T, browser context.Context) {
	t.Helper()
	clickAndLoad(t, browser, "open the contact list", `header nav a[href="/contacts"]`)
	do(t, browser, "type the search", chromedp.SendKeys(chromedp.CSS("#q"), "obrien"))
	clickAndLoad(t, browser, "submit the search", `form[role="search"] button[type="submit"]`)

	// Each row holds the name, organization, first email and first phone.
	rows := evaluate[[][]string](t, browser,
		`Array.from(document.querySelectorAll('table.list tbody tr'), tr => Array.from(tr.cells, td => td.textContent.trim()))`)
	want := [][]string{{fullName, "", firstEmail, ""}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Fatalf(`result rows for "obrien": got %q, want %q`, rows, want)
	}

	// A search that matches nothing shows no rows, so the row above came
	// from the search and not from the unfiltered list.
	do(t, browser, "clear the search", chromedp.Clear(chromedp.CSS("#q")))
	do(t, browser, "type a search that matches nobody", chromedp.SendKeys(chromedp.CSS("#q"), "nobody"))
	clickAndLoad(t, browser, "submit the search", `form[role="search"] button[type="submit"]`)
	if got, want := text(t, browser, "main p.empty"), "No contact matches “nobody”."; got != want {
		t.Fatalf(`result for "nobody": got %q, want %q`, got, want)
	}
}

// sessionCookie checks the attributes of the session cookie in the browser
// and returns its value.
func sessionCookie(t *testing.T, browser context.Context, base string) string {
	t.Helper()
	c := findCookie(t, browser, base, web.SessionCookie)
	if c == nil {
		t.Fatalf("cookie %s: got none in the browser, want one after sign-up", web.SessionCookie)
	}
	if !c.HTTPOnly {
		t.Errorf("cookie %s HttpOnly: got false, want true", c.Name)
	}
	if !c.Secure {
		t.Errorf("cookie %s Secure: got false, want true", c.Name)
	}
	if got, want := c.SameSite, network.CookieSameSiteLax; got != want {
		t.Errorf("cookie %s SameSite: got %q, want %q", c.Name, got, want)
	}
	if got, want := c.Path, "/"; got != want {
		t.Errorf("cookie %s Path: got %q, want %q", c.Name, got, want)
	}
	if c.Value == "" {
		t.Fatalf("cookie %s value: got empty, want a session token", c.Name)
	}
	return c.Value
}

// logOut presses the "Log out" button in the page header and checks that
// the browser lands on the log-in page without a session cookie.
func logOut(t *testing.T, browser context.Context, base string) {
	t.Helper()
	if got, want := text(t, browser, `header form[action="/logout"] button`), "Log out"; got != want {
		t.Fatalf("log-out button label: got %q, want %q", got, want)
	}
	clickAndLoad(t, browser, "log out", `header form[action="/logout"] button`)

	if got, want := pagePath(t, browser), "/login"; got != want {
		t.Fatalf("page after log-out: got path %q, want %q", got, want)
	}
	if got, want := text(t, browser, "main h1"), "Log in"; got != want {
		t.Fatalf("heading after log-out: got %q, want %q", got, want)
	}
	if c := findCookie(t, browser, base, web.SessionCookie); c != nil {
		t.Fatalf("cookie %s after log-out: got value %q, want no cookie", c.Name, c.Value)
	}
}

// checkRevokedWithClient sends the old session cookie to /contacts with a Go
// client and checks that the server redirects to the log-in page.
func checkRevokedWithClient(t *testing.T, ctx context.Context, srv *httptest.Server, oldSession string) {
	t.Helper()
	// The server's own client trusts its certificate. It is copied because
	// it is shared, and this copy must not follow redirects.
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/contacts", nil)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: oldSession})
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET /contacts with the old cookie: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the response to GET /contacts: %v", err)
	}

	if got, want := resp.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("GET /contacts with the old cookie: got status %d, want %d", got, want)
	}
	location, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("parse Location %q: %v", resp.Header.Get("Location"), err)
	}
	if got, want := location.Path, "/login"; got != want {
		t.Errorf("redirect with the old cookie: got path %q, want %q", got, want)
	}
	if got, want := location.Query().Get("next"), "/contacts"; got != want {
		t.Errorf("redirect with the old cookie: got next=%q, want %q", got, want)
	}
	if strings.Contains(string(body), "Brien") {
		t.Errorf("body of the redirect with the old cookie: got %q, want no contact name", body)
	}
}

// checkRevokedInBrowser puts the old session cookie back into the browser
// and checks that /contacts then shows the log-in page.
func checkRevokedInBrowser(t *testing.T, browser context.Context, base, oldSession string) {
	t.Helper()
	yes := true
	_, err := chromedp.Call(browser, network.SetCookie, network.SetCookieParams{
		Name:     web.SessionCookie,
		Value:    oldSession,
		URL:      base + "/",
		Path:     "/",
		Secure:   &yes,
		HTTPOnly: &yes,
		SameSite: network.CookieSameSiteLax,
	})
	if err != nil {
		t.Fatalf("set the old cookie in the browser: %v", err)
	}
	if c := findCookie(t, browser, base, web.SessionCookie); c == nil || c.Value != oldSession {
		t.Fatalf("cookie %s in the browser: got %v, want the old session value", web.SessionCookie, c)
	}

	do(t, browser, "open /contacts with the old cookie", chromedp.Navigate(base+"/contacts"))
	if got, want := pagePath(t, browser), "/login"; got != want {
		t.Fatalf("page for /contacts with the old cookie: got path %q, want %q", got, want)
	}
	if got, want := text(t, browser, "main h1"), "Log in"; got != want {
		t.Fatalf("heading for /contacts with the old cookie: got %q, want %q", got, want)
	}
	if body := text(t, browser, "body"); strings.Contains(body, fullName) {
		t.Errorf("page for /contacts with the old cookie: got %q, want no contact name", body)
	}
}

// do runs steps in the browser and fails the test, naming the step, when
// one of them fails.
func do(t *testing.T, browser context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(browser, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// clickAndLoad clicks the element that selector matches, waits for the page
// that the click loads and checks that it loaded with status 200.
func clickAndLoad(t *testing.T, browser context.Context, step, selector string) {
	t.Helper()
	resp, err := chromedp.RunResponse(browser, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if got, want := resp.Status, int64(http.StatusOK); got != want {
		t.Fatalf("%s: got status %d for %s, want %d", step, got, resp.URL, want)
	}
}

// text returns the visible text of the first element that selector
// matches, with surrounding space trimmed.
func text(t *testing.T, browser context.Context, selector string) string {
	t.Helper()
	s, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("read the text of %s: %v", selector, err)
	}
	return strings.TrimSpace(s)
}

// pagePath returns the path of the page that the browser shows.
func pagePath(t *testing.T, browser context.Context) string {
	t.Helper()
	location, err := chromedp.Run(browser, chromedp.Location())
	if err != nil {
		t.Fatalf("read the page location: %v", err)
	}
	u, err := url.Parse(location)
	if err != nil {
		t.Fatalf("parse the page location %q: %v", location, err)
	}
	return u.Path
}

// evaluate runs a JavaScript expression in the page through the DevTools
// protocol and returns its result. Chromium does not apply the page's
// Content-Security-Policy to this evaluation, so the app's policy stays as
// strict as in production.
func evaluate[T any](t *testing.T, browser context.Context, expression string) T {
	t.Helper()
	v, err := chromedp.Run(browser, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// findCookie returns the browser's cookie called name for base, or nil.
func findCookie(t *testing.T, browser context.Context, base, name string) *network.Cookie {
	t.Helper()
	res, err := chromedp.Call(browser, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
	if err != nil {
		t.Fatalf("read the browser's cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}
