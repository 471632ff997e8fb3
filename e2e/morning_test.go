package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/relationships"
	"github.com/chatalott/chatalott/search"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"github.com/chatalott/chatalott/timeline"
	"github.com/chatalott/chatalott/web"
)

// wireCRMServices sets the relationship, timeline, follow-up and search
// services of a test server.
func wireCRMServices(s *web.Server, db *sqlstore.DB) {
	s.Relationships = &relationships.Service{Store: &sqlstore.RelationshipStore{DB: db}, Contacts: s.Contacts, Now: time.Now, NewID: chatalott.NewID}
	s.Timeline = &timeline.Service{Store: &sqlstore.TimelineStore{DB: db}, Now: time.Now, NewID: chatalott.NewID}
	s.FollowUps = &followups.Service{Store: &sqlstore.FollowUpStore{DB: db}, Now: time.Now, NewID: chatalott.NewID}
	s.Search = &search.Service{Store: &sqlstore.SearchStore{DB: db}}
}

// TestBrowserSalespersonMorning creates a company and two contacts,
// relates them, opens a deal and moves it through two stages, checks both
// changes in its history, adds a follow-up and finds each record through
// the workspace search.
func TestBrowserSalespersonMorning(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			requireChromium(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*flowTimeout)
			t.Cleanup(cancel)
			srv := startServer(t, dialect)
			browser := startBrowser(t, ctx, srv.Certificate())
			base := srv.URL
			signUp(t, browser, base)

			// A company and two contacts.
			do(t, browser, "open the new-company form", chromedp.Navigate(base+"/companies/new"))
			do(t, browser, "fill the company form", chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "Globex Corporation"))
			clickAndLoad(t, browser, "save the company", `main form button[type="submit"]`)
			companyPath := pagePath(t, browser)
			if !strings.HasPrefix(companyPath, "/companies/") {
				t.Fatalf("page after saving the company: got %q", companyPath)
			}
			contactPath := func(given, family, phone string) string {
				do(t, browser, "open the new-contact form", chromedp.Navigate(base+"/contacts/new"))
				do(t, browser, "fill the contact form",
					chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="given"]`), given),
					chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="family"]`), family),
					chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="organization"]`), "Globex Corporation"),
					chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="phone"]`), phone),
				)
				clickAndLoad(t, browser, "save the contact", `form.contact-form button[type="submit"]`)
				return pagePath(t, browser)
			}
			hank := contactPath("Hank", "Scorpio", "+1 (555) 010-2233")
			homer := contactPath("Homer", "Simpson", "555 777 1000")

			// Homer reports to Hank, so Hank's page reads "Manager of Homer".
			do(t, browser, "search a contact to relate", chromedp.Navigate(base+homer+"?relate_q=scorpio"))
			do(t, browser, "choose reports to", chromedp.SetValue(chromedp.CSS(`form.relate select[name="kind"]`), "reports_to"))
			clickAndLoad(t, browser, "relate the contacts", `form.relate button[type="submit"]`)
			if got := text(t, browser, "#relationships .relationships li"); !strings.HasPrefix(got, "Reports to Hank Scorpio") {
				t.Fatalf("Homer's relationships: got %q, want Reports to Hank Scorpio", got)
			}
			do(t, browser, "open Hank's page", chromedp.Navigate(base+hank))
			if got := text(t, browser, "#relationships .relationships li"); !strings.HasPrefix(got, "Manager of Homer Simpson") {
				t.Fatalf("Hank's relationships: got %q, want Manager of Homer Simpson", got)
			}

			// A deal moved through two stages.
			do(t, browser, "open the new-deal form", chromedp.Navigate(base+"/deals/new?company_id="+strings.TrimPrefix(companyPath, "/companies/")))
			do(t, browser, "fill the deal form",
				chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Hammock district"),
				chromedp.SendKeys(chromedp.CSS(`input[name="amount"]`), "12000"),
			)
			clickAndLoad(t, browser, "save the deal", `main form button[type="submit"]`)
			dealPath := pagePath(t, browser)
			for _, stage := range []string{"Qualified", "Proposal"} {
				stageID := evaluate[string](t, browser, `Array.from(document.querySelectorAll('#move-stage option')).find(o => o.textContent.trim() === '`+stage+`').value`)
				do(t, browser, "choose stage "+stage, chromedp.SetValue(chromedp.CSS("#move-stage"), stageID))
				clickAndLoad(t, browser, "move to "+stage, `form.move button[type="submit"]`)
			}
			history := evaluate[[]string](t, browser, `Array.from(document.querySelectorAll('ol.timeline:not(.entries) .change'), e => e.textContent.replace(/\s+/g, ' ').trim())`)
			for _, want := range []string{"Stage: Qualified → Proposal", "Stage: Lead → Qualified"} {
				if !slices.Contains(history, want) {
					t.Errorf("deal history: got %q, want it to contain %q", history, want)
				}
			}

			// A follow-up on the deal.
			do(t, browser, "open the follow-up form", chromedp.Click(chromedp.CSS(`#follow-ups details summary`)))
			due := time.Now().UTC().Add(48 * time.Hour).Format(followups.LocalLayout)
			do(t, browser, "fill the follow-up form",
				chromedp.SendKeys(chromedp.CSS("#fu-title"), "Send the proposal"),
				chromedp.SetValue(chromedp.CSS("#fu-due"), due),
			)
			clickAndLoad(t, browser, "add the follow-up", `#follow-ups form button[type="submit"]`)
			if got := text(t, browser, "#follow-ups .follow-ups li strong"); got != "Send the proposal" {
				t.Fatalf("deal follow-ups: got %q, want Send the proposal", got)
			}
			if got := text(t, browser, "main .notice"); got != "Follow-up added." {
				t.Errorf("notice after adding the follow-up: got %q", got)
			}

			// Everything through search.
			for _, tc := range []struct{ query, wantPath string }{
				{"globex", companyPath},
				{"5550102233", hank},
				{"simpson", homer},
				{"hammock", dealPath},
			} {
				do(t, browser, "search "+tc.query, chromedp.Navigate(base+"/search"))
				do(t, browser, "type "+tc.query, chromedp.SendKeys(chromedp.CSS("#search-q"), tc.query))
				clickAndLoad(t, browser, "submit search "+tc.query, `main form[role="search"] button[type="submit"]`)
				links := evaluate[[]string](t, browser, `Array.from(document.querySelectorAll('.search-results a'), a => a.getAttribute('href'))`)
				if !slices.Contains(links, tc.wantPath) {
					t.Errorf("search %q: got links %q, want %s", tc.query, links, tc.wantPath)
				}
			}
		})
	}
}
