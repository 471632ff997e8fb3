package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/mail"
	"github.com/chatalott/chatalott/notify"
	"github.com/chatalott/chatalott/ratelimit"
)

// testBaseURL starts the links in the test app's emails. Tests take the
// token from a link and open it on the test server.
const testBaseURL = "https://chatalott.test"

// testMailbox is the outbox of a test app: the real outbox sender writing
// .eml files into a temporary folder, behind the real notifier.
type testMailbox struct {
	dir      string
	notifier *notify.Notifier
	seen     map[string]bool
}

func newTestMailbox(t *testing.T, logger *slog.Logger) *testMailbox {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "outbox")
	outbox, err := mail.NewOutbox(dir, mail.DefaultFrom, logger)
	if err != nil {
		t.Fatal(err)
	}
	n := &notify.Notifier{Sender: outbox, BaseURL: testBaseURL, Logger: logger}
	t.Cleanup(n.Wait)
	return &testMailbox{dir: dir, notifier: n, seen: map[string]bool{}}
}

// sentMail is one email read back from the outbox.
type sentMail struct {
	to, subject, body string
}

// token returns the token of the link to path in the email.
func (m sentMail) token(t *testing.T, path string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(testBaseURL+path+"?token=") + `([A-Za-z0-9_-]+)`)
	match := re.FindStringSubmatch(m.body)
	if match == nil {
		t.Fatalf("email %q has no link to %s; body:\n%s", m.subject, path, m.body)
	}
	return match[1]
}

// unread waits for every delivery to end and returns the emails not yet
// marked read, oldest first, with their file names.
func (m *testMailbox) unread(t *testing.T) ([]string, []sentMail) {
	t.Helper()
	m.notifier.Wait()
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") && !m.seen[e.Name()] {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)

	var list []sentMail
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join(m.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 {
			t.Fatalf("%s: To %v (err %v), want one address", name, to, err)
		}
		subject, err := (&mime.WordDecoder{}).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		text, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, sentMail{to: to[0].Address, subject: subject, body: string(text)})
	}
	return names, list
}

// newMail returns every unread email, oldest first, and marks them read.
func (m *testMailbox) newMail(t *testing.T) []sentMail {
	t.Helper()
	names, list := m.unread(t)
	for _, name := range names {
		m.seen[name] = true
	}
	return list
}

// take returns the one unread email to the address to and marks it read.
// Unread emails to other addresses stay unread.
func (m *testMailbox) take(t *testing.T, to string) sentMail {
	t.Helper()
	names, list := m.unread(t)
	var found []sentMail
	for i, s := range list {
		if strings.EqualFold(s.to, to) {
			m.seen[names[i]] = true
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		var got []string
		for _, s := range found {
			got = append(got, s.subject)
		}
		t.Fatalf("unread emails to %s: got %q, want exactly one", to, got)
	}
	return found[0]
}

// verifyEmail opens the verification link with token and confirms it.
func (b *browser) verifyEmail(token string) {
	b.app.t.Helper()
	resp := b.get("/verify-email?token=" + url.QueryEscape(token))
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `action="/verify-email"`) {
		b.app.t.Fatalf("open verification link: status %d, want 200 with the confirm button; body:\n%s", resp.StatusCode, resp.Body)
	}
	resp = b.post("/verify-email", url.Values{"token": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		b.app.t.Fatalf("confirm email: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
	}
}

// raiseLimits lifts the sign-up and reset limits for tests that repeat
// those requests more often than a person would.
func (a *testApp) raiseLimits() {
	for _, l := range []*ratelimit.Limit{&a.server.Limits.SignUpIP, &a.server.Limits.SignUpEmail,
		&a.server.Limits.ResetIP, &a.server.Limits.ResetEmail} {
		l.Rate = 1000
	}
}

// requestReset posts the forgot-password form and checks the response.
func (b *browser) requestReset(email string) *response {
	b.app.t.Helper()
	resp := b.post("/forgot-password", url.Values{"email": {email}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "<h1>Check your email</h1>") {
		b.app.t.Fatalf("request reset for %s: status %d, want 200 with the check-your-email page; body:\n%s", email, resp.StatusCode, resp.Body)
	}
	return resp
}

// resetPassword posts the reset form with token and password.
func (b *browser) resetPassword(token, password string) *response {
	b.app.t.Helper()
	return b.post("/reset-password", url.Values{"token": {token}, "new_password": {password}, "confirm_password": {password}})
}

// requireLinkRejected checks that the link with token no longer opens the
// page at path nor submits its form.
func requireLinkRejected(t *testing.T, b *browser, path, token, why string) {
	t.Helper()
	resp := b.get(path + "?token=" + url.QueryEscape(token))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "This link does not work.") {
		t.Errorf("%s: GET %s status %d, want 422 saying the link does not work", why, path, resp.StatusCode)
	}
	form := url.Values{"token": {token}, "new_password": {"another new passphrase"}, "confirm_password": {"another new passphrase"}}
	resp = b.post(path, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "This link does not work.") {
		t.Errorf("%s: POST %s status %d, want 422 saying the link does not work", why, path, resp.StatusCode)
	}
}

// sameBody removes nonces and the echoed address so two pages compare.
func sameBody(body, email string) string {
	return withoutNonce(strings.ReplaceAll(body, email, "EMAIL"))
}

func TestSignUpExistingAddressLooksTheSame(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Ana", "ana@example.com")

		fresh := app.newBrowser().post("/signup", url.Values{"name": {"Bo"}, "email": {"bo@example.com"}, "password": {testPassword}})
		taken := app.newBrowser().post("/signup", url.Values{"name": {"Eve"}, "email": {"ANA@example.com"}, "password": {testPassword}})
		if fresh.StatusCode != http.StatusOK || taken.StatusCode != http.StatusOK {
			t.Errorf("status new address %d, existing address %d; want 200 for both", fresh.StatusCode, taken.StatusCode)
		}
		a, b := sameBody(fresh.Body, "bo@example.com"), sameBody(taken.Body, "ANA@example.com")
		if a != b {
			t.Errorf("sign-up bodies differ between a new and an existing address:\n%s\n---\n%s", a, b)
		}
		if fresh.Header.Get("Set-Cookie") != "" || taken.Header.Get("Set-Cookie") != "" {
			t.Error("sign-up set a cookie, want no log-in before the email is opened")
		}

		mails := app.mail.newMail(t)
		if len(mails) != 2 {
			t.Fatalf("emails after two sign-ups: got %d, want 2", len(mails))
		}
		byAddress := map[string]sentMail{}
		for _, m := range mails {
			byAddress[strings.ToLower(m.to)] = m
		}
		if got := byAddress["bo@example.com"].subject; got != "Confirm your email address for Chatalott" {
			t.Errorf("email to the new address: subject %q, want the verification email", got)
		}
		owner := byAddress["ana@example.com"]
		if owner.subject != "Someone tried to sign up to Chatalott with your email address" {
			t.Errorf("email to the owner: subject %q, want the sign-up attempt notice", owner.subject)
		}
		if !strings.Contains(owner.body, testBaseURL+"/login") || !strings.Contains(owner.body, testBaseURL+"/forgot-password") || strings.Contains(owner.body, "token=") {
			t.Errorf("sign-up attempt notice should link to log-in and reset and carry no token; body:\n%s", owner.body)
		}
		if strings.Contains(owner.body, "Eve") {
			t.Error("sign-up attempt notice carries the name the stranger typed")
		}
		if got := countRows(t, app.db, "users"); got != 2 {
			t.Errorf("users = %d, want 2 (the sign-up with a taken address creates nothing)", got)
		}
	})
}

// TestSignUpExistingAddressTiming checks that a sign-up with a taken address
// hashes the password like a new one does. Without the hash it would respond
// many times faster, so the bound of half the time leaves room for noise.
func TestSignUpExistingAddressTiming(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.raiseLimits()
	app.newBrowser().signUp("Ana", "ana@example.com")
	b := app.newBrowser()
	median := func(email func(i int) string) time.Duration {
		var d []time.Duration
		for i := range 5 {
			start := time.Now()
			b.post("/signup", url.Values{"name": {"X"}, "email": {email(i)}, "password": {testPassword}})
			d = append(d, time.Since(start))
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[2]
	}
	fresh := median(func(i int) string { return "new" + string(rune('a'+i)) + "@example.com" })
	taken := median(func(int) string { return "ana@example.com" })
	if taken < fresh/2 || fresh < taken/2 {
		t.Errorf("median sign-up time: new address %s, existing address %s; want each at least half of the other", fresh, taken)
	}
}

func TestResetRequestLooksTheSame(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Ana", "ana@example.com")

		known := app.newBrowser().requestReset("Ana@Example.com")
		unknown := app.newBrowser().requestReset("nobody@example.com")
		if a, b := sameBody(known.Body, "Ana@Example.com"), sameBody(unknown.Body, "nobody@example.com"); a != b {
			t.Errorf("reset request bodies differ between a known and an unknown address:\n%s\n---\n%s", a, b)
		}
		m := app.mail.take(t, "ana@example.com")
		if m.subject != "Reset your Chatalott password" {
			t.Errorf("reset email subject %q, want %q", m.subject, "Reset your Chatalott password")
		}
		m.token(t, "/reset-password")

		resp := app.newBrowser().post("/forgot-password", url.Values{"email": {"  "}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Email is missing") {
			t.Errorf("reset request without email: status %d, want 422 naming the missing email", resp.StatusCode)
		}
	})
}

// slowSender delays every message, like a slow SMTP server.
type slowSender struct {
	mail.Sender
	delay time.Duration
}

func (s slowSender) Send(ctx context.Context, m mail.Message) error {
	time.Sleep(s.delay)
	return s.Sender.Send(ctx, m)
}

// TestResetRequestTiming checks that a reset request for a known address
// does not wait for the email: with a sender that takes 300 ms, known and
// unknown addresses must still respond within 100 ms of each other.
func TestResetRequestTiming(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.raiseLimits()
	app.newBrowser().signUp("Ana", "ana@example.com")
	app.mail.notifier.Wait()
	app.mail.notifier.Sender = slowSender{Sender: app.mail.notifier.Sender, delay: 300 * time.Millisecond}

	b := app.newBrowser()
	median := func(email string) time.Duration {
		var d []time.Duration
		for range 5 {
			start := time.Now()
			b.requestReset(email)
			d = append(d, time.Since(start))
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[2]
	}
	known := median("ana@example.com")
	unknown := median("nobody@example.com")
	if diff := (known - unknown).Abs(); diff > 100*time.Millisecond {
		t.Errorf("median reset-request time: known %s, unknown %s; want them within 100ms", known, unknown)
	}
	if got := len(app.mail.newMail(t)); got != 5 {
		t.Errorf("reset emails sent: got %d, want 5 (one per request for the known address)", got)
	}
}

func TestResetLinkWorksOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		laptop := app.newBrowser()
		laptop.signUp("Ana", "ana@example.com")
		phone := app.newBrowser()
		phone.logIn("ana@example.com", testPassword)
		app.mail.newMail(t)

		app.newBrowser().requestReset("ana@example.com")
		token := app.mail.take(t, "ana@example.com").token(t, "/reset-password")
		b := app.newBrowser()
		resp := b.get("/reset-password?token=" + token)
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `name="new_password"`) {
			t.Fatalf("open reset link: status %d, want 200 with the new-password form", resp.StatusCode)
		}

		// Mistakes in the form leave the link working.
		resp = b.post("/reset-password", url.Values{"token": {token}, "new_password": {"a brand new passphrase"}, "confirm_password": {"another one"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "The two new passwords differ") {
			t.Errorf("reset with differing passwords: status %d, want 422 naming the confirmation", resp.StatusCode)
		}
		resp = b.resetPassword(token, "short")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Password is 5 characters long") {
			t.Errorf("reset with a short password: status %d, want 422 naming the password rule", resp.StatusCode)
		}
		requireLoggedIn(t, phone, "phone before the reset")

		const newPassword = "a brand new passphrase"
		resp = b.resetPassword(token, newPassword)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?notice=password-reset" {
			t.Fatalf("reset: status %d location %q, want 303 to /login?notice=password-reset; body:\n%s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
		}
		requireLoggedOut(t, laptop, "laptop after the reset")
		requireLoggedOut(t, phone, "phone after the reset")
		if got := app.mail.take(t, "ana@example.com").subject; got != "Your Chatalott password was reset" {
			t.Errorf("email after the reset: subject %q, want the reset notice", got)
		}

		requireLinkRejected(t, b, "/reset-password", token, "second use")
		if got := app.newBrowser().logIn("ana@example.com", testPassword); got.StatusCode != http.StatusUnauthorized {
			t.Errorf("log in with the old password: status %d, want 401", got.StatusCode)
		}
		if got := app.newBrowser().logIn("ana@example.com", newPassword); got.StatusCode != http.StatusSeeOther {
			t.Errorf("log in with the new password: status %d, want 303", got.StatusCode)
		}
	})
}

func TestResetLinkReplacedByNewer(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Ana", "ana@example.com")
		app.mail.newMail(t)

		app.newBrowser().requestReset("ana@example.com")
		older := app.mail.take(t, "ana@example.com").token(t, "/reset-password")
		app.newBrowser().requestReset("ana@example.com")
		newer := app.mail.take(t, "ana@example.com").token(t, "/reset-password")

		requireLinkRejected(t, app.newBrowser(), "/reset-password", older, "older link")
		if resp := app.newBrowser().resetPassword(newer, "a brand new passphrase"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("reset with the newer link: status %d, want 303", resp.StatusCode)
		}
	})
}

func TestResetLinkExpiresAfterAnHour(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Ana", "ana@example.com")
		app.mail.newMail(t)

		app.newBrowser().requestReset("ana@example.com")
		token := app.mail.take(t, "ana@example.com").token(t, "/reset-password")
		app.clock.Advance(59 * time.Minute)
		if resp := app.newBrowser().get("/reset-password?token=" + token); resp.StatusCode != http.StatusOK {
			t.Errorf("link after 59 minutes: status %d, want 200", resp.StatusCode)
		}
		app.clock.Advance(time.Minute)
		requireLinkRejected(t, app.newBrowser(), "/reset-password", token, "link after 60 minutes")
		if got := app.newBrowser().logIn("ana@example.com", testPassword); got.StatusCode != http.StatusSeeOther {
			t.Errorf("log in with the unchanged password: status %d, want 303", got.StatusCode)
		}
	})
}

func TestResetTokenStoredHashed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Ana", "ana@example.com")
		app.mail.newMail(t)
		app.newBrowser().requestReset("ana@example.com")
		token := app.mail.take(t, "ana@example.com").token(t, "/reset-password")
		if len(token) < 22 {
			t.Errorf("token has %d characters, want at least 22 (128 bits in base64)", len(token))
		}

		rows, err := app.db.SQL().QueryContext(context.Background(),
			`SELECT token_hash, user_id, purpose, email_normalized FROM email_tokens`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		sum := sha256.Sum256([]byte(token))
		var hashes []string
		for rows.Next() {
			var hash, userID, purpose, email string
			if err := rows.Scan(&hash, &userID, &purpose, &email); err != nil {
				t.Fatal(err)
			}
			for _, column := range []string{hash, userID, purpose, email} {
				if strings.Contains(column, token) {
					t.Errorf("email_tokens holds the token in plain text")
				}
			}
			hashes = append(hashes, hash)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(hashes) != 1 || hashes[0] != hex.EncodeToString(sum[:]) {
			t.Errorf("stored token hashes %q, want only the SHA-256 of the emailed token", hashes)
		}
	})
}

func TestPasswordChangeKillsResetLink(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		app.mail.newMail(t)
		app.newBrowser().requestReset("ana@example.com")
		token := app.mail.take(t, "ana@example.com").token(t, "/reset-password")

		const newPassword = "a brand new passphrase"
		resp := b.post("/settings/password", url.Values{"current_password": {testPassword},
			"new_password": {newPassword}, "confirm_password": {newPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change password: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		if got := app.mail.take(t, "ana@example.com").subject; got != "Your Chatalott password was changed" {
			t.Errorf("email after the change: subject %q, want the password-change notice", got)
		}
		requireLinkRejected(t, app.newBrowser(), "/reset-password", token, "link sent before the change")
		if got := app.newBrowser().logIn("ana@example.com", newPassword); got.StatusCode != http.StatusSeeOther {
			t.Errorf("log in with the changed password: status %d, want 303", got.StatusCode)
		}
	})
}

func TestVerifyLinkWorksOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.post("/signup", url.Values{"name": {"Ana"}, "email": {"ana@example.com"}, "password": {testPassword}})
		token := app.mail.take(t, "ana@example.com").token(t, "/verify-email")
		verifiedAt := func() bool {
			var n int
			err := app.db.SQL().QueryRowContext(context.Background(),
				`SELECT COUNT(*) FROM users WHERE email_verified_at IS NOT NULL`).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n == 1
		}

		// An unverified user can log in, and every page shows the banner.
		if resp := b.logIn("ana@example.com", testPassword); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("log in before verifying: status %d, want 303", resp.StatusCode)
		}
		if resp := b.get("/contacts"); !strings.Contains(resp.Body, "Please verify your email address") {
			t.Error("contact list of an unverified user lacks the verify-your-email banner")
		}

		tampered := []byte(token)
		tampered[5] ^= 1 // a different base64url letter
		requireLinkRejected(t, b, "/verify-email", string(tampered), "tampered token")
		requireLinkRejected(t, b, "/verify-email", token+"A", "token with an extra letter")
		if verifiedAt() {
			t.Fatal("a tampered token verified the email")
		}

		b.verifyEmail(token)
		if !verifiedAt() {
			t.Error("email_verified_at is not set after the link was used")
		}
		if resp := b.get("/contacts"); strings.Contains(resp.Body, "Please verify your email address") {
			t.Error("contact list still shows the verify-your-email banner after verification")
		}
		requireLinkRejected(t, b, "/verify-email", token, "second use")
	})
}

func TestVerifyLinkResend(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.post("/signup", url.Values{"name": {"Ana"}, "email": {"ana@example.com"}, "password": {testPassword}})
		first := app.mail.take(t, "ana@example.com").token(t, "/verify-email")
		b.logIn("ana@example.com", testPassword)

		resp := b.post("/settings/verify-email", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?notice=verification-sent" {
			t.Fatalf("resend: status %d location %q, want 303 to the settings notice", resp.StatusCode, resp.Header.Get("Location"))
		}
		second := app.mail.take(t, "ana@example.com").token(t, "/verify-email")
		requireLinkRejected(t, b, "/verify-email", first, "link replaced by a resend")
		b.verifyEmail(second)

		// Once verified, a resend sends nothing.
		b.post("/settings/verify-email", nil)
		if got := app.mail.newMail(t); len(got) != 0 {
			t.Errorf("resend after verification sent %d emails, want 0", len(got))
		}
	})
}

// TestVerifyLinkExpires checks the 48-hour lifetime of a verification link.
func TestVerifyLinkExpires(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.newBrowser().post("/signup", url.Values{"name": {"Ana"}, "email": {"ana@example.com"}, "password": {testPassword}})
	token := app.mail.take(t, "ana@example.com").token(t, "/verify-email")
	app.clock.Advance(48 * time.Hour)
	requireLinkRejected(t, app.newBrowser(), "/verify-email", token, "link after 48 hours")
}

// TestEmailFlowsLogNoSecrets runs every email flow and searches the log for
// the tokens, the bodies and the passwords they used.
func TestEmailFlowsLogNoSecrets(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		var secrets []string
		remember := func(m sentMail) sentMail {
			for line := range strings.SplitSeq(m.body, "\n") {
				if line = strings.TrimSpace(line); len(line) > 20 {
					secrets = append(secrets, line)
				}
			}
			return m
		}

		b := app.newBrowser()
		b.post("/signup", url.Values{"name": {"Ana"}, "email": {"ana@example.com"}, "password": {testPassword}})
		verify := remember(app.mail.take(t, "ana@example.com")).token(t, "/verify-email")
		b.verifyEmail(verify)
		app.newBrowser().post("/signup", url.Values{"name": {"Ana"}, "email": {"ana@example.com"}, "password": {testPassword}})
		remember(app.mail.take(t, "ana@example.com"))

		app.newBrowser().requestReset("ana@example.com")
		reset := remember(app.mail.take(t, "ana@example.com")).token(t, "/reset-password")
		const newPassword = "a brand new passphrase"
		app.newBrowser().resetPassword(reset, newPassword)
		remember(app.mail.take(t, "ana@example.com"))
		b.logIn("ana@example.com", newPassword)
		const thirdPassword = "yet another passphrase"
		b.post("/settings/password", url.Values{"current_password": {newPassword},
			"new_password": {thirdPassword}, "confirm_password": {thirdPassword}})
		remember(app.mail.take(t, "ana@example.com"))

		logs := app.logs.String()
		if !strings.Contains(logs, "email written to outbox") {
			t.Fatal("log has no outbox line; the search below would prove nothing")
		}
		secrets = append(secrets, verify, reset, testPassword, newPassword, thirdPassword, "ana@example.com")
		for _, s := range secrets {
			if strings.Contains(logs, s) {
				t.Errorf("log contains %q", s)
			}
		}
	})
}
