package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// panelChecksums covers the tables that the panel, follow-up and
// relationship routes write.
func panelChecksums(t *testing.T, app *testApp) map[string]string {
	t.Helper()
	sums := crmChecksums(t, app)
	for table, order := range map[string]string{"relationships": "id", "timeline_entries": "id", "follow_ups": "id",
		"user_settings": "user_id", "search_entries": "subject_id"} {
		sums[table] = tableChecksum(t, app.db.SQL(), table, order)
	}
	return sums
}

// TestPanelRoutesOtherAccountNotFound checks every route under
// /contacts/{id}/… and /follow-ups/{id}/… that the panels add: another
// account's ids and ids that do not exist both return 404, and no table
// changes. The routes come from Server.Routes.
func TestPanelRoutesOtherAccountNotFound(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		owner := app.newBrowser()
		owner.signUp("Owner", "owner@example.com")
		contactID := owner.createContact(url.Values{"given": {"Secret"}, "family": {"Person"}})
		otherID := owner.createContact(url.Values{"given": {"Hidden"}})
		if resp := owner.post("/contacts/"+contactID+"/relationships", url.Values{"kind": {"friend"}, "to_id": {otherID}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("relate: status %d; body:\n%s", resp.StatusCode, resp.Body)
		}
		if resp := owner.post("/contacts/"+contactID+"/follow-ups", url.Values{"title": {"Secret plan"}, "due": {"2030-01-01T09:00"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add follow-up: status %d; body:\n%s", resp.StatusCode, resp.Body)
		}
		scope := app.scopeOf("owner@example.com")
		var relID, followUpID string
		if err := app.db.SQL().QueryRow(`SELECT id FROM relationships WHERE workspace_id = $1`, scope.WorkspaceID).Scan(&relID); err != nil {
			t.Fatal(err)
		}
		if err := app.db.SQL().QueryRow(`SELECT id FROM follow_ups WHERE workspace_id = $1`, scope.WorkspaceID).Scan(&followUpID); err != nil {
			t.Fatal(err)
		}

		intruder := app.newBrowser()
		intruder.signUp("Intruder", "intruder@example.com")
		mine := intruder.createContact(url.Values{"given": {"Mine"}})
		before := panelChecksums(t, app)
		form := url.Values{"body": {"Hijacked"}, "kind": {"friend"}, "to_id": {mine}, "title": {"Hijacked"},
			"due": {"2030-01-01T09:00"}, "occurred_at": {"2026-01-01T09:00"}, "snooze": {"day"}}
		missing := "01a242a4-0000-7000-8000-000000000000"
		checked := 0
		for _, route := range app.server.Routes() {
			method, path, _ := strings.Cut(route.Pattern, " ")
			panelRoute := strings.HasPrefix(path, "/follow-ups/{id}") ||
				(strings.HasPrefix(path, "/contacts/{id}/") && !strings.HasSuffix(path, "/edit") &&
					!strings.HasSuffix(path, "/photo") && !strings.HasSuffix(path, "/delete") || strings.Contains(path, "{rel}"))
			if !panelRoute || strings.HasSuffix(path, "/company") {
				continue
			}
			for _, target := range []string{"owner", "missing"} {
				id, rel, fu := contactID, relID, followUpID
				if target == "missing" {
					id, rel, fu = missing, missing, missing
				}
				concrete := strings.Replace(path, "{rel}", rel, 1)
				if strings.HasPrefix(path, "/follow-ups/") {
					concrete = strings.Replace(concrete, "{id}", fu, 1)
				} else {
					concrete = strings.Replace(concrete, "{id}", id, 1)
				}
				var resp *response
				if method == http.MethodGet {
					resp = intruder.get(concrete)
				} else {
					resp = intruder.post(concrete, form)
				}
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s (%s id) as another account: status %d, want 404", method, concrete, target, resp.StatusCode)
				}
				for _, secret := range []string{"Secret", "Hidden"} {
					if strings.Contains(resp.Body, secret) {
						t.Errorf("%s %s as another account: body shows %q", method, concrete, secret)
					}
				}
				checked++
			}
		}
		if checked < 16 {
			t.Errorf("checked %d requests, want every panel and follow-up route with an id", checked)
		}
		after := panelChecksums(t, app)
		for table, sum := range before {
			if after[table] != sum {
				t.Errorf("table %s changed after another account's requests", table)
			}
		}
		// These pages create the intruder's own pipeline, so they run
		// after the checksums.
		for _, path := range []string{"/search?q=secret", "/search?q=hidden", "/follow-ups", "/dashboard"} {
			resp := intruder.get(path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status %d, want 200", path, resp.StatusCode)
			}
			if strings.Contains(resp.Body, "Secret") || strings.Contains(resp.Body, "Hidden") {
				t.Errorf("GET %s as another account shows the owner's records", path)
			}
		}
	})
}

func TestPanelNotesFollowUpsRelationshipsAndSearch(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		boss := b.createContact(url.Values{"given": {"Rosa"}, "family": {"Boss"}, "phone": {"+1 (555) 010-2233"}, "phone_label": {"work"}})
		report := b.createContact(url.Values{"given": {"Li"}, "family": {"Report"}})

		// Relate through the page's search form.
		page := b.get("/contacts/" + boss + "?relate_q=report")
		mustContain(t, "relate search", page.Body, `name="to_id" value="`+report+`"`, "Li Report")
		if resp := b.post("/contacts/"+boss+"/relationships", url.Values{"kind": {"manager_of"}, "to_id": {report}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("relate: status %d; body:\n%s", resp.StatusCode, resp.Body)
		}
		mustContain(t, "boss page", b.get("/contacts/"+boss).Body, `Manager of</span> <a href="/contacts/`+report+`">Li Report</a>`)
		mustContain(t, "report page", b.get("/contacts/"+report).Body, `Reports to</span> <a href="/contacts/`+boss+`">Rosa Boss</a>`)
		if resp := b.post("/contacts/"+report+"/relationships", url.Values{"kind": {"reports_to"}, "to_id": {boss}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("inverse duplicate: status %d, want 409", resp.StatusCode)
		}
		if resp := b.post("/contacts/"+boss+"/relationships", url.Values{"kind": {"friend"}, "to_id": {boss}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("relate to itself: status %d, want 422", resp.StatusCode)
		}

		// A note keeps line breaks, links only http and https, escapes the rest.
		note := "Met at <b>fair</b>\nSee https://example.com/a?x=1&y=2. and javascript:alert(1)"
		if resp := b.post("/contacts/"+boss+"/notes", url.Values{"body": {note}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add note: status %d; body:\n%s", resp.StatusCode, resp.Body)
		}
		view := b.get("/contacts/" + boss)
		mustContain(t, "note", view.Body, "Met at &lt;b&gt;fair&lt;/b&gt;<br>",
			`<a href="https://example.com/a?x=1&amp;y=2" rel="noopener noreferrer nofollow">https://example.com/a?x=1&amp;y=2</a>.`,
			"javascript:alert(1)", "by Ana")
		if strings.Contains(view.Body, `href="javascript:`) || strings.Contains(view.Body, "<b>fair") {
			t.Error("note rendered unsafe markup")
		}
		if resp := b.post("/contacts/"+boss+"/activities", url.Values{"kind": {"call"}, "occurred_at": {"2026-01-05T10:00"}, "body": {"Intro call"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("log call: status %d; body:\n%s", resp.StatusCode, resp.Body)
		}
		mustContain(t, "timeline", b.get("/contacts/"+boss).Body, "Call</span>", "2026-01-05 10:00 UTC", "Intro call", "Created</span>")

		// Time zone, then a follow-up in it.
		if resp := b.post("/settings/time-zone", url.Values{"time_zone": {"Nowhere/City"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("invalid time zone: status %d, want 422", resp.StatusCode)
		}
		if resp := b.post("/settings/time-zone", url.Values{"time_zone": {"Europe/Berlin"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("time zone: status %d", resp.StatusCode)
		}
		if resp := b.post("/contacts/"+boss+"/follow-ups", url.Values{"title": {"Send offer"}, "due": {"2020-01-02T09:00"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add follow-up: status %d; body:\n%s", resp.StatusCode, resp.Body)
		}
		mustContain(t, "follow-ups", b.get("/contacts/"+boss).Body, "Send offer", "2020-01-02 09:00 CET", "overdue")
		dash := b.get("/dashboard")
		mustContain(t, "dashboard", dash.Body, "<h1>Today</h1>", "Send offer", "Rosa Boss", "Recent activity")
		list := b.get("/follow-ups")
		mustContain(t, "follow-up list", list.Body, "Send offer", "overdue")

		// Search by phone digits.
		results := b.get("/search?q=5550102233")
		mustContain(t, "search", results.Body, `<a href="/contacts/`+boss+`">Rosa Boss</a>`)
		if strings.Contains(results.Body, "Li Report") {
			t.Error("phone search shows a contact without that phone")
		}
	})
}

func TestDashboardPipelineChart(t *testing.T) {
	app := newTestApp(t, "sqlite")
	const email = "ana@example.com"
	b := app.newBrowser()
	b.signUp("Ana", email)
	if resp := b.get("/"); resp.Header.Get("Location") != "/dashboard" {
		t.Errorf("GET / logged in: location %q, want /dashboard", resp.Header.Get("Location"))
	}
	stages := app.stageIDs(email)
	b.createDeal(email, url.Values{"title": {"A"}, "stage_id": {stages["Lead"]}, "amount": {"1000"}, "currency": {"EUR"}})
	b.createDeal(email, url.Values{"title": {"B"}, "stage_id": {stages["Proposal"]}, "amount": {"250.50"}, "currency": {"EUR"}})
	dash := b.get("/dashboard")
	mustContain(t, "dashboard chart", dash.Body, `<svg role="img" aria-labelledby="pipeline-EUR-title pipeline-EUR-desc"`,
		`<title id="pipeline-EUR-title">Value per stage in EUR</title>`, "<desc id=\"pipeline-EUR-desc\">",
		`fill="url(#pipeline-EUR-hatch)"`, `class="value">1,000.00 EUR</text>`, `class="value">250.50 EUR</text>`,
		`<th scope="row">Lead</th><td>1</td>`, "<caption>Deals per stage</caption>")
}
