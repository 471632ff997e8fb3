package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"github.com/chatalott/chatalott/web"
	"github.com/chromedp/chromedp"
)

// TestBrowserTwoFactorWithOathtool enrols with the key shown on the page,
// using oathtool, an independent TOTP implementation, for the codes; logs
// out; and logs in again with a password and a code.
func TestBrowserTwoFactorWithOathtool(t *testing.T) {
	requireChromium(t)
	oathtool := requireOathtool(t)
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			// The server's two-factor clock runs ahead of the wall clock by
			// offset, so the test can move to the next 30-second step
			// without waiting for it.
			var offset atomic.Int64
			now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
			srv := startServer(t, dialect, func(s *web.Server) { s.TwoFactor.Now = now })
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			browser := startBrowser(t, ctx, srv.Certificate())
			base := srv.URL

			signUp(t, browser, base)
			do(t, browser, "open two-factor settings", chromedp.Navigate(base+"/settings/two-factor"))
			clickAndLoad(t, browser, "start enrolment", `form[action="/settings/two-factor/enrol"] button[type="submit"]`)
			secret := text(t, browser, "#totp-secret")
			if len(secret) != 32 {
				t.Fatalf("key on the enrolment page: got %d characters, want 32", len(secret))
			}
			if got := evaluate[bool](t, browser, `document.querySelector('img[src="/settings/two-factor/qr.png"]').naturalWidth > 0`); !got {
				t.Error("the QR code image did not load")
			}
			do(t, browser, "type the enrolment code", chromedp.SendKeys(chromedp.CSS("#code"), oathtool(secret, now())))
			clickAndLoad(t, browser, "confirm enrolment", `form[action="/settings/two-factor/confirm"] button[type="submit"]`)
			if got := evaluate[int](t, browser, `document.querySelectorAll("#backup-codes li").length`); got != 8 {
				t.Fatalf("backup codes shown after enrolment: got %d, want 8", got)
			}

			logOut(t, browser, base)
			do(t, browser, "fill the log-in form",
				chromedp.SendKeys(chromedp.CSS("#email"), "ada@example.com"),
				chromedp.SendKeys(chromedp.CSS("#password"), "correct horse battery staple"),
			)
			clickAndLoad(t, browser, "submit the password", `form[action="/login"] button[type="submit"]`)
			if got, want := pagePath(t, browser), "/login/two-factor"; got != want {
				t.Fatalf("page after the password: got %q, want %q", got, want)
			}
			offset.Add(int64(30 * time.Second))
			do(t, browser, "type the log-in code", chromedp.SendKeys(chromedp.CSS("#code"), oathtool(secret, now())))
			clickAndLoad(t, browser, "submit the code", `form[action="/login/two-factor"] button[type="submit"]`)
			if got, want := pagePath(t, browser), "/dashboard"; got != want {
				t.Fatalf("page after the code: got %q, want %q", got, want)
			}
			if c := findCookie(t, browser, base, web.SessionCookie); c == nil {
				t.Fatal("no session cookie after the second factor")
			}
		})
	}
}

// requireOathtool returns a function that asks oathtool for the TOTP code
// of a base32 secret at a given time. It skips the test when oathtool is
// missing, except under CI=true.
func requireOathtool(t *testing.T) func(secret string, at time.Time) string {
	t.Helper()
	path, err := exec.LookPath("oathtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("oathtool is required under CI=true; install the Debian package oathtool")
		}
		t.Skip("oathtool is not installed; install the Debian package oathtool to run this test")
	}
	return func(secret string, at time.Time) string {
		t.Helper()
		out, err := exec.Command(path, "--totp", "--base32", "--now", at.UTC().Format("2006-01-02 15:04:05 UTC"), secret).Output()
		if err != nil {
			t.Fatalf("oathtool: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
}
