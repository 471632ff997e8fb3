package web_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/web"
)

func TestSignUpRules(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Existing", "Taken@Example.com")

		cases := []struct {
			name       string
			form       url.Values
			wantStatus int
			wantText   string
		}{
			{"password too short", url.Values{"name": {"A"}, "email": {"a@example.com"}, "password": {"123456789"}},
				http.StatusUnprocessableEntity, "Password is 9 characters long; use at least 10 characters."},
			{"password over 72 bytes", url.Values{"name": {"A"}, "email": {"a@example.com"}, "password": {strings.Repeat("é", 37)}},
				http.StatusUnprocessableEntity, "Password is 74 bytes long; use at most 72 bytes"},
			{"name missing", url.Values{"name": {"  "}, "email": {"a@example.com"}, "password": {testPassword}},
				http.StatusUnprocessableEntity, "Name is missing"},
			{"email invalid", url.Values{"name": {"A"}, "email": {"not-an-email"}, "password": {testPassword}},
				http.StatusUnprocessableEntity, "Email &#34;not-an-email&#34; is not a valid address"},
			// A taken address gets the same page as a new one, so the form
			// does not reveal which addresses have accounts.
			{"email taken in other case", url.Values{"name": {"A"}, "email": {"taken@EXAMPLE.COM"}, "password": {testPassword}},
				http.StatusOK, "<h1>Check your email</h1>"},
		}
		for _, tc := range cases {
			resp := app.newBrowser().post("/signup", tc.form)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.wantStatus)
			}
			if !strings.Contains(resp.Body, tc.wantText) {
				t.Errorf("%s: body lacks %q", tc.name, tc.wantText)
			}
			if resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("%s: rejected sign-up set a cookie", tc.name)
			}
		}
		if got := countRows(t, app.db, "users"); got != 1 {
			t.Errorf("users after rejected sign-ups = %d, want 1", got)
		}

		// Exactly 72 bytes is accepted, and the new user gets a personal workspace.
		b := app.newBrowser()
		resp := b.post("/signup", url.Values{"name": {"Max"}, "email": {"max@example.com"}, "password": {strings.Repeat("é", 36)}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("72-byte password: status %d, want 200; body:\n%s", resp.StatusCode, resp.Body)
		}
		if resp := b.logIn("max@example.com", strings.Repeat("é", 36)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("log in with the 72-byte password: status %d, want 303", resp.StatusCode)
		}
		requireLoggedIn(t, b, "new user")
		if got := countRows(t, app.db, "workspaces"); got != 2 {
			t.Errorf("workspaces = %d, want 2 (one personal workspace per user)", got)
		}
	})
}

func TestLogInSetsHostCookie(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Ana", "ana@example.com")
		b := app.newBrowser()
		resp := b.logIn("ANA@example.com", testPassword)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("log in: status %d location %q, want 303 to /dashboard", resp.StatusCode, resp.Header.Get("Location"))
		}
		cookies := resp.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("log in set %d cookies, want 1", len(cookies))
		}
		c := cookies[0]
		if c.Name != web.SessionCookie || !strings.HasPrefix(c.Name, "__Host-") {
			t.Errorf("cookie name %q, want %q", c.Name, web.SessionCookie)
		}
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie HttpOnly=%v Secure=%v SameSite=%v Path=%q Domain=%q; want true, true, Lax, /, empty",
				c.HttpOnly, c.Secure, c.SameSite, c.Path, c.Domain)
		}
		if parts := strings.Split(c.Value, "."); len(parts) != 3 {
			t.Errorf("cookie value has %d dot-separated parts, want a 3-part JWT", len(parts))
		}
		requireLoggedIn(t, b, "logged-in browser")
	})
}

func TestLogInNewSessionID(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		before := b.sessionCookie()
		b.logIn("ana@example.com", testPassword)
		after := b.sessionCookie()
		if before == "" || after == "" || before == after {
			t.Fatalf("session cookie before and after log-in: equal=%v, want two different tokens", before == after)
		}
		requireLoggedOut(t, app.withCookie(before), "token from before log-in")
		requireLoggedIn(t, b, "token from log-in")
	})
}

func TestLogInFailureLooksTheSame(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		app.newBrowser().signUp("Ana", "ana@example.com")
		unknown := app.newBrowser().logIn("nobody@example.com", "wrong password 1")
		wrongPassword := app.newBrowser().logIn("ana@example.com", "wrong password 1")

		if unknown.StatusCode != http.StatusUnauthorized || wrongPassword.StatusCode != http.StatusUnauthorized {
			t.Errorf("status unknown email %d, wrong password %d; want 401 for both", unknown.StatusCode, wrongPassword.StatusCode)
		}
		// The email the user typed is shown back, so put the same one in both.
		a := withoutNonce(strings.ReplaceAll(unknown.Body, "nobody@example.com", "EMAIL"))
		b := withoutNonce(strings.ReplaceAll(wrongPassword.Body, "ana@example.com", "EMAIL"))
		if a != b {
			t.Errorf("log-in failure bodies differ between unknown email and wrong password:\n%s\n---\n%s", a, b)
		}
		if !strings.Contains(a, "That email and password do not match an account.") {
			t.Errorf("failure body lacks the log-in error message")
		}
		if unknown.Header.Get("Set-Cookie") != "" || wrongPassword.Header.Get("Set-Cookie") != "" {
			t.Error("failed log-in set a cookie")
		}
	})
}

// TestLogInUnknownEmailCostsABcrypt checks that an unknown email runs a
// bcrypt comparison like a wrong password does. Without the dummy
// comparison it would answer roughly 100 times faster, so the bound of half
// the time leaves wide room for noise.
func TestLogInUnknownEmailCostsABcrypt(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.newBrowser().signUp("Ana", "ana@example.com")
	b := app.newBrowser()
	median := func(email string) time.Duration {
		var d []time.Duration
		for range 5 {
			start := time.Now()
			b.logIn(email, "wrong password 1")
			d = append(d, time.Since(start))
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[2]
	}
	wrong := median("ana@example.com")
	unknown := median("nobody@example.com")
	if unknown < wrong/2 {
		t.Errorf("median log-in time: unknown email %s, wrong password %s; want unknown >= half of wrong", unknown, wrong)
	}
}

func TestLogOutEndsSession(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		old := b.sessionCookie()
		resp := b.post("/logout", nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("log out: status %d location %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
		}
		if b.sessionCookie() != "" {
			t.Error("log out left the session cookie in the browser")
		}
		// The old token is dead on the server, not only forgotten by the browser.
		requireLoggedOut(t, app.withCookie(old), "replayed token after log-out")
	})
}

func TestLogOutEverywhere(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		laptop := app.newBrowser()
		laptop.signUp("Ana", "ana@example.com")
		phone := app.newBrowser()
		phone.logIn("ana@example.com", testPassword)
		other := app.newBrowser()
		other.signUp("Bo", "bo@example.com")
		requireLoggedIn(t, phone, "phone")

		resp := laptop.post("/settings/logout-everywhere", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("log out everywhere: status %d, want 303", resp.StatusCode)
		}
		requireLoggedOut(t, laptop, "laptop")
		requireLoggedOut(t, phone, "phone")
		requireLoggedIn(t, other, "another user")
	})
}

func TestPasswordChangeRevokesOtherSessions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		laptop := app.newBrowser()
		laptop.signUp("Ana", "ana@example.com")
		phone := app.newBrowser()
		phone.logIn("ana@example.com", testPassword)

		const newPassword = "a brand new passphrase"
		resp := laptop.post("/settings/password", url.Values{"current_password": {"wrong password 1"},
			"new_password": {newPassword}, "confirm_password": {newPassword}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Current password is wrong") {
			t.Fatalf("change with wrong current password: status %d, want 422 naming the current password", resp.StatusCode)
		}
		requireLoggedIn(t, phone, "phone after rejected change")

		resp = laptop.post("/settings/password", url.Values{"current_password": {testPassword},
			"new_password": {newPassword}, "confirm_password": {newPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change password: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		requireLoggedIn(t, laptop, "laptop that changed the password")
		requireLoggedOut(t, phone, "phone")

		if got := app.newBrowser().logIn("ana@example.com", testPassword); got.StatusCode != http.StatusUnauthorized {
			t.Errorf("log in with old password: status %d, want 401", got.StatusCode)
		}
		if got := app.newBrowser().logIn("ana@example.com", newPassword); got.StatusCode != http.StatusSeeOther {
			t.Errorf("log in with new password: status %d, want 303", got.StatusCode)
		}
	})
}

func TestCrossSitePostRejected(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	for _, h := range []struct{ name, value string }{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
	} {
		req, _ := http.NewRequest(http.MethodPost, app.srv.URL+"/settings/logout-everywhere", nil)
		req.Header.Set(h.name, h.value)
		resp := b.do(req)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Body, "came from another site") {
			t.Errorf("POST with %s: %s: status %d, want 403 with an explanation", h.name, h.value, resp.StatusCode)
		}
	}
	requireLoggedIn(t, b, "user after blocked cross-site posts")
}

func TestLogInNextStaysOnSite(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.newBrowser().signUp("Ana", "ana@example.com")
	cases := map[string]string{
		"/contacts?q=ana":      "/contacts?q=ana",
		"/settings":            "/settings",
		"https://evil.example": "/dashboard",
		"//evil.example":       "/dashboard",
		"/\\evil.example":      "/dashboard",
		"/\t/evil.example":     "/dashboard",
		"/\n/evil.example":     "/dashboard",
		"/ /evil.example":      "/dashboard",
		"javascript:alert(1)":  "/dashboard",
		"":                     "/dashboard",
	}
	for next, want := range cases {
		resp := app.newBrowser().post("/login", url.Values{"email": {"ana@example.com"}, "password": {testPassword}, "next": {next}})
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("log in with next %q: redirect to %q, want %q", next, got, want)
		}
	}
}
