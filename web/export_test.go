package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestExportFormats(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		owner := app.newBrowser()
		owner.signUp("Owner", "owner@example.com")
		owner.createContact(url.Values{"given": {"Marisol"}, "family": {"Quintero"}, "email": {"marisol@example.com"}})
		other := app.newBrowser()
		other.signUp("Other", "other@example.com")
		other.createContact(url.Values{"given": {"Hidden"}, "family": {"Stranger"}, "email": {"hidden@example.com"}})

		date := app.clock.Now().UTC().Format("2006-01-02")
		cases := []struct {
			format, contentType, file string
			want                      []string
		}{
			{"csv", "text/csv; charset=utf-8", "chatalott-contacts-" + date + ".csv",
				[]string{"First Name,Middle Name,Last Name,", "Marisol,,Quintero,", "marisol@example.com"}},
			{"vcard", "text/vcard; charset=utf-8", "chatalott-contacts-" + date + ".vcf",
				[]string{"BEGIN:VCARD\r\nVERSION:4.0\r\n", "FN:Marisol Quintero"}},
			{"vcard30", "text/vcard; charset=utf-8", "chatalott-contacts-" + date + ".vcf",
				[]string{"BEGIN:VCARD\r\nVERSION:3.0\r\n", "FN:Marisol Quintero"}},
			{"json", "application/json", "chatalott-contacts-" + date + ".json",
				[]string{`"given":"Marisol"`}},
		}
		for _, tc := range cases {
			resp := owner.get("/contacts/export?format=" + tc.format)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d, want 200", tc.format, resp.StatusCode)
				continue
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("%s: Content-Type = %q, want %q", tc.format, got, tc.contentType)
			}
			if got, want := resp.Header.Get("Content-Disposition"), "attachment; filename="+tc.file; got != want {
				t.Errorf("%s: Content-Disposition = %q, want %q", tc.format, got, want)
			}
			for _, want := range tc.want {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("%s: body lacks %q", tc.format, want)
				}
			}
			if strings.Contains(resp.Body, "Stranger") || strings.Contains(resp.Body, "hidden@example.com") {
				t.Errorf("%s: body contains another workspace's contact", tc.format)
			}
		}

		for _, bad := range []string{"xlsx", ""} {
			resp := owner.get("/contacts/export?format=" + url.QueryEscape(bad))
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("format %q: status %d, want 422", bad, resp.StatusCode)
			}
			if !strings.Contains(resp.Body, "choose json, csv, vcard (vCard 4.0) or vcard30 (vCard 3.0)") {
				t.Errorf("format %q: body does not list the formats", bad)
			}
			if resp.Header.Get("Content-Disposition") != "" {
				t.Errorf("format %q: error page is sent as a download", bad)
			}
		}
	})
}
