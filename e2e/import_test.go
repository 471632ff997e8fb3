package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// googleSample is Google Contacts' CSV export of five contacts, kept with
// the web tests.
const googleSample = "../web/testdata/google-contacts.csv"

func TestBrowserImportGoogleCSV(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			requireChromium(t)
			sample, err := filepath.Abs(googleSample)
			if err != nil {
				t.Fatalf("resolve %s: %v", googleSample, err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), flowTimeout)
			t.Cleanup(cancel)
			srv := startServer(t, dialect)
			browser := startBrowser(t, ctx, srv.Certificate())

			signUp(t, browser, srv.URL)
			clickAndLoad(t, browser, "open the contact list", `header nav a[href="/contacts"]`)
			clickAndLoad(t, browser, "open Import", `.bar a[href="/contacts/import"]`)
			if got, want := text(t, browser, "main h1"), "Import contacts"; got != want {
				t.Fatalf("heading of the upload page: got %q, want %q", got, want)
			}
			do(t, browser, "choose the file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{sample}))
			clickAndLoad(t, browser, "upload the file", `form[action^="/contacts/import?form_workspace="] button[type="submit"]`)

			names := evaluate[[]string](t, browser,
				`Array.from(document.querySelectorAll('table.preview tbody tr'), tr => tr.cells[1].textContent.trim())`)
			if len(names) != 5 || names[0] != "Marisol Quintero" {
				t.Fatalf("names in the preview: got %q, want 5 rows starting with Marisol Quintero", names)
			}
			emailTarget := evaluate[string](t, browser, `document.querySelector('#target_18').value`)
			if emailTarget != "email" {
				t.Errorf(`field of column "E-mail 1 - Value": got %q, want "email"`, emailTarget)
			}

			clickAndLoad(t, browser, "start the import", `form.import-choices .actions button[type="submit"]`)
			if got, want := waitForCreatedCount(t, browser, 10*time.Second), "5"; got != want {
				t.Errorf("created count in the report: got %q, want %q", got, want)
			}
		})
	}
}

// waitForCreatedCount waits, at most timeout, for the page to show a
// finished import, reloading itself as the progress page does, and
// returns the created count.
func waitForCreatedCount(t *testing.T, browser context.Context, timeout time.Duration) string {
	t.Helper()
	const finished = `(() => {
		const notice = document.querySelector('main p.notice');
		const cell = document.querySelector('td[data-count="created"]');
		return notice && notice.textContent.includes('The import is finished') && cell ? cell.textContent.trim() : '';
	})()`
	deadline := time.Now().Add(timeout)
	for {
		// The page may be reloading, so an evaluation error is retried.
		count, err := chromedp.Run(browser, chromedp.Evaluate[string](finished))
		if err == nil && count != "" {
			return count
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(browser, chromedp.Text(chromedp.CSS("main")))
			t.Fatalf("import not finished after %s; page:\n%s", timeout, strings.TrimSpace(body))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
