package web_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/keys"
	"github.com/chatalott/chatalott/sessions"
	"github.com/golang-jwt/jwt/v5"
)

func TestSessionIdleExpiry(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		active := app.newBrowser()
		active.signUp("Ana", "ana@example.com")
		idle := app.newBrowser()
		idle.logIn("ana@example.com", testPassword)

		// Activity every 6 days keeps a session alive past 7 days; a
		// session unused for 7 days ends.
		app.clock.Advance(6 * 24 * time.Hour)
		requireLoggedIn(t, active, "active session at day 6")
		app.clock.Advance(6 * 24 * time.Hour)
		requireLoggedIn(t, active, "active session at day 12")
		requireLoggedOut(t, idle, "session idle for 12 days")
	})
}

func TestSessionIdleBoundary(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	token := b.sessionCookie()
	app.clock.Advance(sessions.DefaultIdleTimeout - time.Second)
	requireLoggedIn(t, app.withCookie(token), "session idle for 7 days less a second")
	app.clock.Advance(sessions.DefaultIdleTimeout)
	requireLoggedOut(t, app.withCookie(token), "session idle for 7 days")
}

func TestSessionAbsoluteExpiry(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		token := b.sessionCookie()
		for day := 5; day < 30; day += 5 {
			app.clock.Advance(5 * 24 * time.Hour)
			requireLoggedIn(t, app.withCookie(token), "session in daily use")
		}
		app.clock.Advance(5 * 24 * time.Hour) // day 30
		requireLoggedOut(t, app.withCookie(token), "session at its 30-day absolute lifetime")
	})
}

// TestSessionLastSeenWrittenRarely checks the sliding expiry does not write
// to the database on every request.
func TestSessionLastSeenWrittenRarely(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	lastSeen := func() time.Time {
		var at time.Time
		if err := app.db.SQL().QueryRow(`SELECT last_seen_at FROM sessions`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	start := lastSeen()
	app.clock.Advance(time.Minute)
	requireLoggedIn(t, b, "session a minute later")
	if got := lastSeen(); !got.Equal(start) {
		t.Errorf("last_seen_at after a request within the touch interval = %s, want unchanged %s", got, start)
	}
	app.clock.Advance(sessions.DefaultTouchInterval)
	requireLoggedIn(t, b, "session after the touch interval")
	if got := lastSeen(); !got.After(start) {
		t.Errorf("last_seen_at after the touch interval = %s, want later than %s", got, start)
	}
}

func TestSessionTokenTampering(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		victim := app.newBrowser()
		victim.signUp("Vic", "vic@example.com")
		token := b.sessionCookie()
		parts := strings.Split(token, ".")

		var claims jwt.RegisteredClaims
		if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil {
			t.Fatal(err)
		}
		var victimClaims jwt.RegisteredClaims
		jwt.NewParser().ParseUnverified(victim.sessionCookie(), &victimClaims)

		otherRing, _ := keys.NewRing()
		kid, _ := app.keys.CurrentKey()
		_, otherKey := otherRing.CurrentKey()
		sign := func(method jwt.SigningMethod, c jwt.RegisteredClaims, kid string, key any) string {
			tok := jwt.NewWithClaims(method, c)
			tok.Header["kid"] = kid
			s, err := tok.SignedString(key)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		_, realKey := app.keys.CurrentKey()
		swapped := claims
		swapped.Subject = victimClaims.Subject // Ana's session id, the victim's user id
		noExpiry := claims
		noExpiry.ExpiresAt = nil

		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		edited := strings.Replace(string(payload), claims.Subject, victimClaims.Subject, 1)

		cases := map[string]string{
			"payload edited, old signature": parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(edited)) + "." + parts[2],
			"signature cut":                 parts[0] + "." + parts[1] + ".",
			"signed with another key":       sign(jwt.SigningMethodHS256, claims, kid, otherKey),
			"unknown key id":                sign(jwt.SigningMethodHS256, claims, "no-such-kid", realKey),
			"alg none":                      sign(jwt.SigningMethodNone, claims, kid, jwt.UnsafeAllowNoneSignatureType),
			"HS512 instead of HS256":        sign(jwt.SigningMethodHS512, claims, kid, realKey),
			"subject swapped, real key":     sign(jwt.SigningMethodHS256, swapped, kid, realKey),
			"no expiry, real key":           sign(jwt.SigningMethodHS256, noExpiry, kid, realKey),
			"garbage":                       "not-a-jwt",
		}
		for name, forged := range cases {
			resp := app.withCookie(forged).get("/contacts")
			if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Errorf("%s: GET /contacts status %d, want 303 to /login", name, resp.StatusCode)
			}
			if !strings.Contains(resp.Header.Get("Set-Cookie"), "Max-Age=0") {
				t.Errorf("%s: response does not clear the bad cookie", name)
			}
		}
		requireLoggedIn(t, b, "the real token")
	})
}

func TestSessionRevokedTokenRejected(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		laptop := app.newBrowser()
		laptop.signUp("Ana", "ana@example.com")
		phone := app.newBrowser()
		phone.logIn("ana@example.com", testPassword)
		phoneToken := phone.sessionCookie()

		// Revoke the phone's session from the laptop's session list.
		var phoneSessionID string
		var claims jwt.RegisteredClaims
		jwt.NewParser().ParseUnverified(phoneToken, &claims)
		phoneSessionID = claims.ID
		settings := laptop.get("/settings")
		if !strings.Contains(settings.Body, "/settings/sessions/"+phoneSessionID+"/revoke") {
			t.Fatalf("settings page does not list the phone's session")
		}
		resp := laptop.post("/settings/sessions/"+phoneSessionID+"/revoke", nil)
		if resp.StatusCode != 303 {
			t.Fatalf("revoke session: status %d, want 303", resp.StatusCode)
		}
		requireLoggedOut(t, app.withCookie(phoneToken), "revoked token (signature still valid)")
		requireLoggedIn(t, laptop, "laptop")

		// Another user cannot revoke Ana's session.
		mallory := app.newBrowser()
		mallory.signUp("Mallory", "mallory@example.com")
		var laptopClaims jwt.RegisteredClaims
		jwt.NewParser().ParseUnverified(laptop.sessionCookie(), &laptopClaims)
		resp = mallory.post("/settings/sessions/"+laptopClaims.ID+"/revoke", nil)
		if resp.StatusCode != 404 {
			t.Errorf("another user revoking Ana's session: status %d, want 404", resp.StatusCode)
		}
		requireLoggedIn(t, laptop, "laptop after another user's revoke attempt")
	})
}
