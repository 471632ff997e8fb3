package web_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/web"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

var (
	secretPattern     = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	backupCodePattern = regexp.MustCompile(`<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>`)
)

func (a *testApp) totpCode(secret string) string {
	a.t.Helper()
	code, err := totp.GenerateCodeCustom(secret, a.clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		a.t.Fatal(err)
	}
	return code
}

// enrol turns two-factor on for b's user and returns the secret and the
// backup codes.
func (b *browser) enrol() (string, []string) {
	t := b.app.t
	t.Helper()
	resp := b.post("/settings/two-factor/enrol", nil)
	m := secretPattern.FindStringSubmatch(resp.Body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("enrol: status %d, no secret on the page:\n%s", resp.StatusCode, resp.Body)
	}
	resp = b.post("/settings/two-factor/confirm", url.Values{"code": {b.app.totpCode(m[1])}})
	var codes []string
	for _, c := range backupCodePattern.FindAllStringSubmatch(resp.Body, -1) {
		codes = append(codes, c[1])
	}
	if resp.StatusCode != http.StatusOK || len(codes) != 8 {
		t.Fatalf("confirm: status %d with %d backup codes, want 200 with 8", resp.StatusCode, len(codes))
	}
	return m[1], codes
}

// logInPassword logs in with the password only and checks that the second
// factor is asked for.
func (b *browser) logInPassword(email string) {
	t := b.app.t
	t.Helper()
	resp := b.logIn(email, testPassword)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/two-factor") {
		t.Fatalf("log in with two-factor on: status %d location %q, want 303 to /login/two-factor", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, c := range resp.Cookies() {
		if c.Name == web.SessionCookie && c.MaxAge >= 0 && c.Value != "" {
			t.Fatal("the password alone set a full session cookie")
		}
	}
}

func TestTwoFactorEnrolAndLogIn(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		page := b.post("/settings/two-factor/enrol", nil)
		secret := secretPattern.FindStringSubmatch(page.Body)[1]
		if len(secret) != 32 {
			t.Errorf("secret %d characters, want 32 (160 bits)", len(secret))
		}
		qr := b.get("/settings/two-factor/qr.png")
		if qr.StatusCode != http.StatusOK || qr.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("QR code: status %d type %q", qr.StatusCode, qr.Header.Get("Content-Type"))
		}
		if _, err := png.Decode(bytes.NewReader([]byte(qr.Body))); err != nil {
			t.Errorf("QR code is not a PNG: %v", err)
		}
		if resp := b.post("/settings/two-factor/confirm", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("confirm with a wrong code: status %d, want 422", resp.StatusCode)
		}
		enrolCode := app.totpCode(secret)
		resp := b.post("/settings/two-factor/confirm", url.Values{"code": {enrolCode}})
		if n := len(backupCodePattern.FindAllString(resp.Body, -1)); n != 8 {
			t.Fatalf("confirm showed %d backup codes, want 8", n)
		}
		if status := b.get("/settings/two-factor"); !strings.Contains(status.Body, "8 of 8 backup codes remain") {
			t.Error("settings do not show 8 remaining backup codes")
		}
		if got := app.mail.take(t, "ana@example.com").subject; got != "Two-factor authentication is on for your Chatalott account" {
			t.Errorf("email after enrolment: subject %q, want the two-factor-on notice", got)
		}
		b.post("/logout", nil)

		b.logInPassword("ana@example.com")
		requireLoggedOut(t, b, "partial session")
		if resp := b.post("/login/two-factor", url.Values{"code": {enrolCode}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("log in with the enrolment code: status %d, want 401", resp.StatusCode)
		}
		app.clock.Advance(30 * time.Second)
		code := app.totpCode(secret)
		resp = b.post("/login/two-factor", url.Values{"code": {code}, "next": {"/settings"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings" {
			t.Fatalf("second factor: status %d location %q, want 303 to /settings", resp.StatusCode, resp.Header.Get("Location"))
		}
		requireLoggedIn(t, b, "after the second factor")

		other := app.newBrowser()
		other.logInPassword("ana@example.com")
		if resp := other.post("/login/two-factor", url.Values{"code": {code}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("replayed code in another log-in: status %d, want 401", resp.StatusCode)
		}
		requireLoggedOut(t, other, "browser whose code was a replay")
	})
}

func TestTwoFactorBackupCodeLogIn(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		_, codes := b.enrol()
		b.post("/logout", nil)

		b.logInPassword("ana@example.com")
		resp := b.post("/login/two-factor", url.Values{"code": {strings.ToUpper(codes[3])}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "backup-code-used") {
			t.Fatalf("backup code: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if page := b.get("/settings/two-factor"); !strings.Contains(page.Body, "7 of 8 backup codes remain") {
			t.Error("settings do not show 7 remaining backup codes")
		}
		found := false
		for _, m := range app.mail.newMail(t) {
			if m.subject == "A backup code was used to log in to Chatalott" {
				found = true
				if !strings.Contains(m.body, "7 backup codes left") {
					t.Errorf("backup-code notice body %q does not say 7 codes are left", m.body)
				}
			}
		}
		if !found {
			t.Error("no email notice after logging in with a backup code")
		}
		b.post("/logout", nil)
		b.logInPassword("ana@example.com")
		if resp := b.post("/login/two-factor", url.Values{"code": {codes[3]}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("second use of a backup code: status %d, want 401", resp.StatusCode)
		}
	})
}

func TestTwoFactorWrongCodesLimited(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		secret, _ := b.enrol()
		b.post("/logout", nil)
		b.logInPassword("ana@example.com")
		for i := range app.server.Limits.SecondFactor.Rate {
			if resp := b.post("/login/two-factor", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong code %d: status %d, want 401", i+1, resp.StatusCode)
			}
		}
		app.clock.Advance(30 * time.Second)
		resp := b.post("/login/two-factor", url.Values{"code": {app.totpCode(secret)}})
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("code after the limit: status %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if !strings.Contains(resp.Body, "too many attempts") || !strings.Contains(resp.Body, "wait") {
			t.Error("429 page does not say when to try again")
		}
	})
}

func TestTwoFactorDisable(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		secret, _ := b.enrol()
		phone := app.newBrowser()
		phone.logInPassword("ana@example.com")
		app.clock.Advance(30 * time.Second)
		phone.post("/login/two-factor", url.Values{"code": {app.totpCode(secret)}})
		requireLoggedIn(t, phone, "phone")

		app.clock.Advance(30 * time.Second)
		if resp := b.post("/settings/two-factor/disable", url.Values{"password": {"wrong password 1"}, "code": {app.totpCode(secret)}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("disable with a wrong password: status %d, want 422", resp.StatusCode)
		}
		resp := b.post("/settings/two-factor/disable", url.Values{"password": {testPassword}, "code": {app.totpCode(secret)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		requireLoggedIn(t, b, "browser that turned two-factor off")
		requireLoggedOut(t, phone, "other session")
		var subjects []string
		for _, m := range app.mail.newMail(t) {
			subjects = append(subjects, m.subject)
		}
		if !slices.Contains(subjects, "Two-factor authentication is off for your Chatalott account") {
			t.Errorf("emails after turning two-factor off: %q, want the two-factor-off notice", subjects)
		}
		if resp := app.newBrowser().logIn("ana@example.com", testPassword); resp.Header.Get("Location") != "/dashboard" {
			t.Errorf("log in after disable: location %q, want /dashboard without a second factor", resp.Header.Get("Location"))
		}
	})
}

func TestTwoFactorEnrolNeedsRecentPassword(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	app.clock.Advance(11 * time.Minute)
	page := b.get("/settings/two-factor")
	if !strings.Contains(page.Body, `name="password"`) {
		t.Error("enrol form does not ask for the password 11 minutes after log-in")
	}
	if resp := b.post("/settings/two-factor/enrol", nil); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("enrol without the password: status %d, want 422", resp.StatusCode)
	}
	if resp := b.post("/settings/two-factor/enrol", url.Values{"password": {testPassword}}); !secretPattern.MatchString(resp.Body) {
		t.Errorf("enrol with the password: status %d, no secret shown", resp.StatusCode)
	}
}
