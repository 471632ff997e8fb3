package web_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/deals"
)

// scopeOf returns the personal workspace scope of the account with email.
func (a *testApp) scopeOf(email string) chatalott.Scope {
	a.t.Helper()
	var scope chatalott.Scope
	err := a.db.SQL().QueryRowContext(context.Background(), `SELECT m.workspace_id, u.id FROM users u
JOIN memberships m ON m.user_id = u.id WHERE u.email = $1`, email).Scan(&scope.WorkspaceID, &scope.UserID)
	if err != nil {
		a.t.Fatalf("scope of %s: %v", email, err)
	}
	return scope
}

// stageIDs returns the ids of the account's pipeline stages by name.
func (a *testApp) stageIDs(email string) map[string]string {
	a.t.Helper()
	stages, err := a.server.Deals.Stages(context.Background(), a.scopeOf(email))
	if err != nil {
		a.t.Fatal(err)
	}
	ids := map[string]string{}
	for _, st := range stages {
		ids[st.Name] = st.ID
	}
	return ids
}

// createAt posts form to path and returns the id in the Location of the
// 303 that follows, which must start with prefix.
func (b *browser) createAt(path, prefix string, form url.Values) string {
	b.app.t.Helper()
	resp := b.post(path, form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		b.app.t.Fatalf("POST %s: status %d location %q, want 303 to %s…; body:\n%s", path, resp.StatusCode, loc, prefix, resp.Body)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(loc, prefix), "?")
	return id
}

func (b *browser) createCompany(form url.Values) string {
	b.app.t.Helper()
	return b.createAt("/companies", "/companies/", form)
}

// createDeal posts the new-deal form with the account's own id as owner.
func (b *browser) createDeal(email string, form url.Values) string {
	b.app.t.Helper()
	if form.Get("owner_id") == "" {
		form.Set("owner_id", b.app.scopeOf(email).UserID)
	}
	return b.createAt("/deals", "/deals/", form)
}

// mustContain reports each of wants that body lacks.
func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %q", what, want)
		}
	}
}

func TestCompanyCreateViewEditDelete(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		id := b.createCompany(url.Values{"name": {"Acme GmbH"}, "website": {"Acme.example"},
			"phone_label": {"main", ""}, "phone": {"+49 30 1234", ""},
			"address_label": {"office"}, "address_street": {"Hauptstr. 1"}, "address_extended": {""},
			"address_city": {"Berlin"}, "address_region": {""}, "address_postal_code": {"10115"}, "address_country": {"Germany"},
			"tags": {"Key, supplier, key"}, "note": {"Pays on time"}})

		view := b.get("/companies/" + id + "?notice=company-saved")
		mustContain(t, "company page", view.Body, "<h1>Acme GmbH</h1>", `href="https://acme.example"`, "Phone (main)",
			"Hauptstr. 1<br>10115 Berlin<br>Germany", `<span class="tag">Key</span> <span class="tag">supplier</span>`,
			"Pays on time", "Company saved.")

		edit := b.get("/companies/" + id + "/edit")
		mustContain(t, "edit form", edit.Body, `value="Acme GmbH"`, `value="acme.example"`, `value="Key, supplier"`)
		resp := b.post("/companies/"+id, url.Values{"name": {"Acme AG"}, "website": {"javascript:alert(1)"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "is neither a web address nor a domain name") {
			t.Errorf("update with a javascript: website: status %d, want 422 naming the website", resp.StatusCode)
		}
		resp = b.post("/companies/"+id, url.Values{"name": {"Acme AG"}, "website": {"https://acme.example/de"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		if list := b.get("/companies?q=acme"); !strings.Contains(list.Body, "Acme AG") {
			t.Error("company search does not find the renamed company")
		}

		// A contact's organization links to the existing company, folded.
		contactID := b.createContact(url.Values{"given": {"Rosa"}, "organization": {"ACME ag"}})
		contactPage := b.get("/contacts/" + contactID)
		mustContain(t, "contact page", contactPage.Body, "Link to company ACME ag")
		resp = b.post("/contacts/"+contactID+"/company", url.Values{"action": {"organization"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("link organization: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		mustContain(t, "linked contact page", b.get("/contacts/"+contactID).Body, `<a href="/companies/`+id+`">Acme AG</a>`)
		dealID := b.createDeal("ana@example.com", url.Values{"title": {"Rollout"}, "company_id": {id},
			"stage_id": {app.stageIDs("ana@example.com")["Lead"]}, "amount": {"100"}, "currency": {"EUR"}})
		mustContain(t, "company page", b.get("/companies/"+id).Body, `<a href="/contacts/`+contactID+`">Rosa</a>`,
			`<a href="/deals/`+dealID+`">Rollout</a>`)

		// A contact without a matching company gets a new one.
		otherContact := b.createContact(url.Values{"given": {"Li"}, "organization": {"Globex"}})
		b.post("/contacts/"+otherContact+"/company", url.Values{"action": {"organization"}})
		if list := b.get("/companies"); !strings.Contains(list.Body, ">Globex</a>") {
			t.Error("linking organization Globex did not create the company")
		}

		resp = b.post("/companies/"+id+"/delete", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: status %d, want 303", resp.StatusCode)
		}
		if got := b.get("/companies/" + id); got.StatusCode != http.StatusNotFound {
			t.Errorf("GET deleted company: status %d, want 404", got.StatusCode)
		}
		if page := b.get("/deals/" + dealID); page.StatusCode != http.StatusOK || strings.Contains(page.Body, "Acme AG") {
			t.Errorf("deal page after deleting its company: status %d, want 200 without the company", page.StatusCode)
		}
	})
}

func TestDealCreateViewEditDelete(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		const email = "ana@example.com"
		b := app.newBrowser()
		b.signUp("Ana", email)
		stages := app.stageIDs(email)

		newForm := b.get("/deals/new")
		mustContain(t, "new-deal form", newForm.Body, `<option value="USD" selected>USD</option>`, "Lead (10 %)")

		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"title": {"X"}, "amount": {"1e9"}, "currency": {"EUR"}}, "Amount &#34;1e9&#34; is not a number"},
			{url.Values{"title": {"X"}, "amount": {"1.5"}, "currency": {"JPY"}}, "JPY has no minor unit"},
			{url.Values{"title": {"X"}, "amount": {"1"}, "currency": {"DEM"}}, "Currency &#34;DEM&#34; is not an ISO 4217 code in use"},
			{url.Values{"title": {""}, "amount": {"1"}, "currency": {"EUR"}}, "Title is missing"},
			{url.Values{"title": {"X"}, "amount": {"1"}, "currency": {"EUR"}, "expected_close": {"2026-02-30"}}, "is not a date"},
		} {
			tc.form.Set("stage_id", stages["Lead"])
			tc.form.Set("owner_id", app.scopeOf(email).UserID)
			resp := b.post("/deals", tc.form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, tc.want) {
				t.Errorf("create with %v: status %d, want 422 with %q", tc.form, resp.StatusCode, tc.want)
			}
		}
		if got := countRows(t, app.db, "deals"); got != 0 {
			t.Fatalf("rejected forms stored %d deals", got)
		}

		id := b.createDeal(email, url.Values{"title": {"Website"}, "stage_id": {stages["Lead"]}, "amount": {"1,234.50"},
			"currency": {"EUR"}, "expected_close": {"2026-06-30"}})
		view := b.get("/deals/" + id + "?notice=deal-saved")
		mustContain(t, "deal page", view.Body, "<h1>Website</h1>", "Lead (10 % probability)", "1,234.50 EUR", "2026-06-30",
			"Deal saved.", "Deal created as “Website”", "by Ana")

		edit := b.get("/deals/" + id + "/edit")
		mustContain(t, "edit form", edit.Body, `name="amount" value="1234.50"`, `name="version" value="1"`)
		resp := b.post("/deals/"+id, url.Values{"title": {"Website relaunch"}, "stage_id": {stages["Proposal"]},
			"amount": {"2000"}, "currency": {"EUR"}, "expected_close": {"2026-07-15"}, "version": {"1"},
			"owner_id": {app.scopeOf(email).UserID}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		view = b.get("/deals/" + id)
		mustContain(t, "updated deal page", view.Body, "<h1>Website relaunch</h1>", "2,000.00 EUR",
			`Title: <span class="old">Website</span> → <span class="new">Website relaunch</span>`,
			`Stage: <span class="old">Lead</span> → <span class="new">Proposal</span>`,
			`Amount: <span class="old">1234.50 EUR</span> → <span class="new">2000.00 EUR</span>`,
			`Expected close: <span class="old">2026-06-30</span> → <span class="new">2026-07-15</span>`)

		// A second submission of the same old form is a conflict.
		resp = b.post("/deals/"+id, url.Values{"title": {"Stale"}, "stage_id": {stages["Lead"]}, "amount": {"1"},
			"currency": {"EUR"}, "version": {"1"}, "owner_id": {app.scopeOf(email).UserID}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("update from a stale form: status %d, want 409", resp.StatusCode)
		}

		list := b.get("/deals?stage=" + stages["Proposal"])
		mustContain(t, "filtered list", list.Body, "Website relaunch")
		if list := b.get("/deals?stage=" + stages["Lead"]); strings.Contains(list.Body, "Website relaunch") {
			t.Error("list filtered by Lead shows a Proposal deal")
		}
		if list := b.get("/deals?close_from=2026-08-01"); strings.Contains(list.Body, "Website relaunch") {
			t.Error("list filtered by a later close date shows the deal")
		}
		if list := b.get("/deals?close_to=tomorrow"); list.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("list with close_to=tomorrow: status %d, want 422", list.StatusCode)
		}

		resp = b.post("/deals/"+id+"/delete", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: status %d, want 303", resp.StatusCode)
		}
		if got := b.get("/deals/" + id); got.StatusCode != http.StatusNotFound {
			t.Errorf("GET deleted deal: status %d, want 404", got.StatusCode)
		}
		if got := countRows(t, app.db, "deal_history"); got != 0 {
			t.Errorf("deal_history rows after delete = %d, want 0", got)
		}
	})
}

func TestDealBoardCountsAndTotals(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		const email = "ana@example.com"
		b := app.newBrowser()
		b.signUp("Ana", email)
		stages := app.stageIDs(email)
		for _, d := range []struct{ title, stage, amount, currency string }{
			{"A", "Lead", "1,000.50", "EUR"},
			{"B", "Lead", "2000", "EUR"},
			{"C", "Lead", "5000", "JPY"},
			{"D", "Won", "1.234", "BHD"},
		} {
			b.createDeal(email, url.Values{"title": {d.title}, "stage_id": {stages[d.stage]}, "amount": {d.amount}, "currency": {d.currency}})
		}
		board := b.get("/deals/board")
		if board.StatusCode != http.StatusOK {
			t.Fatalf("board: status %d", board.StatusCode)
		}
		lead := columnOf(t, board.Body, stages["Lead"])
		mustContain(t, "Lead column", lead, ">Lead</h2>", "3 deals", "3,000.50 EUR", "5,000 JPY")
		won := columnOf(t, board.Body, stages["Won"])
		mustContain(t, "Won column", won, "1 deal<", "1.234 BHD")
		if qualified := columnOf(t, board.Body, stages["Qualified"]); !strings.Contains(qualified, "0 deals") {
			t.Error("Qualified column does not show 0 deals")
		}
	})
}

// columnOf returns the board's section for the stage with id.
func columnOf(t *testing.T, body, stageID string) string {
	t.Helper()
	start := strings.Index(body, `aria-labelledby="stage-`+stageID+`"`)
	if start < 0 {
		t.Fatalf("board has no column for stage %s", stageID)
	}
	end := strings.Index(body[start:], "</section>")
	return body[start : start+end]
}

func TestDealMoveWritesHistory(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		const email = "ana@example.com"
		b := app.newBrowser()
		b.signUp("Ana", email)
		stages := app.stageIDs(email)
		id := b.createDeal(email, url.Values{"title": {"Pilot"}, "stage_id": {stages["Lead"]}, "amount": {"10"}, "currency": {"EUR"}})

		board := b.get("/deals/board")
		mustContain(t, "board", board.Body, `action="/deals/`+id+`/stage"`, `<select id="move-`+id+`" name="stage_id">`)
		for _, stage := range []string{"Qualified", "Proposal"} {
			app.clock.Advance(time.Minute)
			resp := b.post("/deals/"+id+"/stage", url.Values{"stage_id": {stages[stage]}, "from": {"board"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/deals/board?notice=deal-moved" {
				t.Fatalf("move to %s: status %d location %q, want 303 to the board", stage, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if got := countRows(t, app.db, "deal_history"); got != 3 {
			t.Errorf("deal_history rows = %d, want 3 (created and two moves)", got)
		}
		page := b.get("/deals/" + id)
		second := strings.Index(page.Body, `Stage: <span class="old">Qualified</span> → <span class="new">Proposal</span>`)
		first := strings.Index(page.Body, `Stage: <span class="old">Lead</span> → <span class="new">Qualified</span>`)
		if first < 0 || second < 0 {
			t.Fatalf("deal page lacks a stage change; body:\n%s", page.Body)
		}
		if second > first {
			t.Error("history is not newest first")
		}
		if board := b.get("/deals/board"); !strings.Contains(columnOf(t, board.Body, stages["Proposal"]), "Pilot") {
			t.Error("board does not show the deal in Proposal")
		}
	})
}

func TestPipelineEditsByForm(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		const email = "ana@example.com"
		b := app.newBrowser()
		b.signUp("Ana", email)
		stages := app.stageIDs(email)
		id := b.createDeal(email, url.Values{"title": {"Pilot"}, "stage_id": {stages["Proposal"]}, "amount": {"10"}, "currency": {"EUR"}})

		for _, step := range []struct {
			path string
			form url.Values
		}{
			{"/pipeline/stages", url.Values{"name": {"Demo"}, "probability": {"30"}}},
			{"/pipeline/stages/" + stages["Lead"], url.Values{"name": {"Inbound"}, "probability": {"5"}}},
			{"/pipeline/stages/" + stages["Negotiation"] + "/move", url.Values{"direction": {"up"}}},
		} {
			if resp := b.post(step.path, step.form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST %s: status %d, want 303; body:\n%s", step.path, resp.StatusCode, resp.Body)
			}
		}
		pipeline := b.get("/pipeline").Body
		order := []string{`value="Inbound"`, `value="Qualified"`, `value="Negotiation"`, `value="Proposal"`, `value="Won"`, `value="Lost"`, `value="Demo"`}
		last := -1
		for _, want := range order {
			at := strings.Index(pipeline, want)
			if at < last {
				t.Errorf("pipeline page shows %s out of order", want)
			}
			last = at
		}

		confirm := b.get("/pipeline/stages/" + stages["Proposal"] + "/remove")
		mustContain(t, "remove form", confirm.Body, "This stage has 1 deal.", `name="target_id"`)
		resp := b.post("/pipeline/stages/"+stages["Proposal"]+"/remove", url.Values{})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "choose the stage to move them to") {
			t.Errorf("remove without target: status %d, want 422 asking for a target", resp.StatusCode)
		}
		resp = b.post("/pipeline/stages/"+stages["Proposal"]+"/remove", url.Values{"target_id": {stages["Won"]}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove with target: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		mustContain(t, "deal page", b.get("/deals/"+id).Body, `Stage: <span class="old">Proposal</span> → <span class="new">Won</span>`)
		resp = b.post("/pipeline/stages/"+stages["Won"]+"/remove", url.Values{"target_id": {stages["Qualified"]}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "cannot be removed") {
			t.Errorf("remove the won stage: status %d, want 422", resp.StatusCode)
		}
	})
}

// tableChecksum returns a SHA-256 over every row of table in a fixed order.
func tableChecksum(t *testing.T, db *sql.DB, table, order string) string {
	t.Helper()
	// table and order are fixed names chosen by the test.
	rows, err := db.QueryContext(context.Background(), "SELECT * FROM "+table+" ORDER BY "+order)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%v\n", values)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func crmChecksums(t *testing.T, app *testApp) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for table, order := range map[string]string{"companies": "id", "deals": "id", "deal_history": "id",
		"deal_contacts": "deal_id, contact_id", "pipeline_stages": "id", "contacts": "id"} {
		sums[table] = tableChecksum(t, app.db.SQL(), table, order)
	}
	return sums
}

// TestCRMOtherAccountNotFound checks that a second account gets 404 on
// every company, deal and pipeline route that takes the first account's
// ids, exactly as for ids that do not exist, and that no table changes.
// The routes come from Server.Routes, so a new route is covered without
// editing this test.
func TestCRMOtherAccountNotFound(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		owner := app.newBrowser()
		owner.signUp("Owner", "owner@example.com")
		ownerStages := app.stageIDs("owner@example.com")
		companyID := owner.createCompany(url.Values{"name": {"Secret Corp"}})
		contactID := owner.createContact(url.Values{"given": {"Secret"}, "organization": {"Secret Corp"}})
		dealID := owner.createDeal("owner@example.com", url.Values{"title": {"Secret deal"}, "company_id": {companyID},
			"stage_id": {ownerStages["Lead"]}, "amount": {"5"}, "currency": {"EUR"}})
		if resp := owner.post("/deals/"+dealID+"/contacts", url.Values{"contact_id": {contactID}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add contact to deal: status %d", resp.StatusCode)
		}

		intruder := app.newBrowser()
		intruder.signUp("Intruder", "intruder@example.com")
		intruderStages := app.stageIDs("intruder@example.com")
		intruderContact := intruder.createContact(url.Values{"given": {"Mine"}})
		before := crmChecksums(t, app)

		// A form that would be valid for the intruder's own records.
		form := url.Values{"name": {"Hijacked"}, "title": {"Hijacked"}, "website": {"hijack.example"},
			"stage_id": {intruderStages["Won"]}, "owner_id": {app.scopeOf("intruder@example.com").UserID},
			"amount": {"1"}, "currency": {"EUR"}, "version": {"1"}, "probability": {"50"}, "direction": {"up"},
			"target_id": {intruderStages["Lead"]}, "action": {"organization"}, "contact_id": {intruderContact}}
		missing := "01a242a4-0000-7000-8000-000000000000"
		ids := func(target string) map[string]string {
			if target == "missing" {
				return map[string]string{"/companies/": missing, "/deals/": missing, "/pipeline/stages/": missing, "/contacts/": missing, "contact": missing}
			}
			return map[string]string{"/companies/": companyID, "/deals/": dealID, "/pipeline/stages/": ownerStages["Proposal"],
				"/contacts/": contactID, "contact": contactID}
		}
		checked := 0
		for _, route := range app.server.Routes() {
			method, path, _ := strings.Cut(route.Pattern, " ")
			if !strings.Contains(path, "{") || strings.HasPrefix(path, "/contacts/import") || strings.HasPrefix(path, "/settings") ||
				strings.HasPrefix(path, "/static") || (strings.HasPrefix(path, "/contacts/") && !strings.HasSuffix(path, "/company")) {
				continue
			}
			for _, target := range []string{"owner", "missing"} {
				idFor := ids(target)
				concrete := path
				for prefix, id := range idFor {
					if prefix != "contact" && strings.HasPrefix(concrete, prefix+"{id}") {
						concrete = strings.Replace(concrete, "{id}", id, 1)
					}
				}
				concrete = strings.Replace(concrete, "{contact}", idFor["contact"], 1)
				var resp *response
				if method == http.MethodGet {
					resp = intruder.get(concrete)
				} else {
					resp = intruder.post(concrete, form)
				}
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s (%s id) as another account: status %d, want 404", method, concrete, target, resp.StatusCode)
				}
				for _, secret := range []string{"Secret Corp", "Secret deal", "Proposal"} {
					if strings.Contains(resp.Body, secret) {
						t.Errorf("%s %s as another account: body shows %q", method, concrete, secret)
					}
				}
				checked++
			}
		}
		if checked < 34 {
			t.Errorf("checked %d requests, want every company, deal and pipeline route with an id", checked)
		}
		if list := intruder.get("/deals"); strings.Contains(list.Body, "Secret deal") {
			t.Error("another account's deal list shows the deal")
		}
		if list := intruder.get("/companies?q=secret"); strings.Contains(list.Body, "Secret Corp") {
			t.Error("another account's company search finds the company")
		}
		if board := intruder.get("/deals/board"); strings.Contains(board.Body, "Secret deal") {
			t.Error("another account's board shows the deal")
		}
		after := crmChecksums(t, app)
		for table, sum := range before {
			if after[table] != sum {
				t.Errorf("table %s changed after another account's requests", table)
			}
		}
	})
}

func TestCRMHostileNamesEscaped(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		for _, hostile := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`} {
			t.Run("", func(t *testing.T) {
				who := fmt.Sprintf("ana%d@example.com", len(hostile))
				b := app.newBrowser()
				b.signUp("Ana", who)
				stages := app.stageIDs(who)
				if resp := b.post("/pipeline/stages/"+stages["Lead"], url.Values{"name": {hostile + " stage"}, "probability": {"10"}}); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("rename stage: status %d", resp.StatusCode)
				}
				companyID := b.createCompany(url.Values{"name": {hostile}, "note": {hostile}, "tags": {hostile}})
				dealID := b.createDeal(who, url.Values{"title": {hostile}, "company_id": {companyID},
					"stage_id": {stages["Lead"]}, "amount": {"1"}, "currency": {"EUR"}})
				for name, path := range map[string]string{
					"company list": "/companies",
					"company page": "/companies/" + companyID,
					"deal list":    "/deals",
					"board":        "/deals/board",
					"deal page":    "/deals/" + dealID,
					"deal form":    "/deals/" + dealID + "/edit",
					"pipeline":     "/pipeline",
				} {
					resp := b.get(path)
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("%s: status %d", name, resp.StatusCode)
					}
					if strings.Contains(resp.Body, hostile) {
						t.Errorf("%s contains %q unescaped", name, hostile)
					}
					if !strings.Contains(resp.Body, "&lt;") {
						t.Errorf("%s does not show the name as escaped text", name)
					}
				}
			})
		}
	})
}

func TestDealBoardShowsStageCardsLimit(t *testing.T) {
	app := newTestApp(t, "sqlite")
	const email = "ana@example.com"
	b := app.newBrowser()
	b.signUp("Ana", email)
	scope := app.scopeOf(email)
	lead := app.stageIDs(email)["Lead"]
	for i := range deals.BoardCardsPerStage + 2 {
		d := &deals.Deal{Title: fmt.Sprintf("Deal %d", i), StageID: lead, Currency: "EUR", Amount: 100, OwnerID: scope.UserID}
		if err := app.server.Deals.Create(context.Background(), scope, d); err != nil {
			t.Fatal(err)
		}
	}
	column := columnOf(t, b.get("/deals/board").Body, lead)
	mustContain(t, "Lead column", column, fmt.Sprintf("%d deals", deals.BoardCardsPerStage+2), "2 more in the list",
		fmt.Sprintf("%d.00 EUR", deals.BoardCardsPerStage+2))
	if got := strings.Count(column, `class="card"`); got != deals.BoardCardsPerStage {
		t.Errorf("Lead column shows %d cards, want %d", got, deals.BoardCardsPerStage)
	}
}
