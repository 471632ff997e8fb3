package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestContactCreateViewEditDelete(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		id := b.createContact(url.Values{
			"prefix": {"Dr."}, "given": {"José"}, "middle": {"Luis"}, "family": {"Núñez"}, "suffix": {"Jr."},
			"nickname": {"Pepe"}, "organization": {"Clínica Núñez"}, "title": {"Director"}, "department": {"Cardiology"},
			"birthday_day": {"30"}, "birthday_month": {"9"}, "birthday_year": {""},
			"email_label": {"work", "home", ""}, "email": {"jl@clinica.example", "pepe@mail.example", ""},
			"phone_label": {"mobile", ""}, "phone": {"+34 600 000 000", ""},
			"address_label": {"office"}, "address_street": {"Calle Mayor 1"}, "address_extended": {"2º"},
			"address_city": {"Madrid"}, "address_region": {""}, "address_postal_code": {"28013"}, "address_country": {"Spain"},
			"url_label": {"site"}, "url": {"https://clinica.example"},
			"tags": {"VIP, Doctors, vip"}, "note": {"Line one\r\nLine two"},
		})

		view := b.get("/contacts/" + id + "?notice=contact-saved")
		for _, want := range []string{"<h1>Dr. José Luis Núñez Jr.</h1>", "Pepe", "Clínica Núñez", "Director", "Cardiology",
			"--09-30", "Email (work)", "jl@clinica.example", "pepe@mail.example", "Phone (mobile)", "&#43;34 600 000 000",
			"Calle Mayor 1<br>2º<br>28013 Madrid<br>Spain", `href="https://clinica.example"`,
			`<span class="tag">VIP</span> <span class="tag">Doctors</span>`, "Line one\nLine two", "Contact saved."} {
			if !strings.Contains(view.Body, want) {
				t.Errorf("contact page lacks %q", want)
			}
		}
		if strings.Count(view.Body, `class="tag"`) != 2 {
			t.Errorf("contact page shows %d tags, want 2 (duplicate tag folded)", strings.Count(view.Body, `class="tag"`))
		}

		edit := b.get("/contacts/" + id + "/edit")
		if !strings.Contains(edit.Body, `value="jl@clinica.example"`) || !strings.Contains(edit.Body, `<option value="9" selected>September</option>`) {
			t.Error("edit form is not filled with the stored values")
		}
		resp := b.post("/contacts/"+id, url.Values{"given": {"José"}, "family": {"Núñez"}, "birthday_day": {"12"},
			"birthday_month": {"4"}, "birthday_year": {"1986"}, "email": {"new@clinica.example"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		view = b.get("/contacts/" + id)
		if !strings.Contains(view.Body, "1986-04-12") || !strings.Contains(view.Body, "new@clinica.example") || strings.Contains(view.Body, "pepe@mail.example") {
			t.Error("contact page does not show the updated birthday and emails")
		}

		resp = b.post("/contacts/"+id+"/delete", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: status %d, want 303", resp.StatusCode)
		}
		if got := b.get("/contacts/" + id); got.StatusCode != http.StatusNotFound {
			t.Errorf("GET deleted contact: status %d, want 404", got.StatusCode)
		}
	})
}

func TestContactValidationErrors(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"empty", url.Values{"given": {""}}, "A contact needs a name, an organization, an email or a phone number"},
		{"bad email", url.Values{"given": {"A"}, "email": {"bob@"}}, "Email &#34;bob@&#34; is not a valid address"},
		{"javascript URL", url.Values{"given": {"A"}, "url": {"javascript:alert(1)"}}, "is not a web address"},
		{"impossible birthday", url.Values{"given": {"A"}, "birthday_day": {"31"}, "birthday_month": {"2"}}, "is not a real date"},
		{"birthday without month", url.Values{"given": {"A"}, "birthday_day": {"3"}}, "Birthday month is missing"},
		{"huge name", url.Values{"given": {strings.Repeat("x", 501)}}, "Given name is 501 characters long; shorten it to at most 500."},
		{"phone without digits", url.Values{"given": {"A"}, "phone": {"call me"}}, "has no digits"},
	}
	for _, tc := range cases {
		resp := b.post("/contacts", tc.form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.name, resp.StatusCode)
		}
		if !strings.Contains(resp.Body, tc.want) {
			t.Errorf("%s: body lacks %q", tc.name, tc.want)
		}
	}
	if got := countRows(t, app.db, "contacts"); got != 0 {
		t.Errorf("contacts after rejected forms = %d, want 0", got)
	}

	resp := b.post("/contacts", url.Values{"note": {strings.Repeat("x", 1<<20+1)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("form over 1 MiB: status %d, want 413", resp.StatusCode)
	}
}

// TestContactOtherAccountNotFound checks that a second account gets 404
// for every route that takes the first account's contact id, exactly as
// for an id that does not exist, and that nothing changes.
func TestContactOtherAccountNotFound(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		owner := app.newBrowser()
		owner.signUp("Owner", "owner@example.com")
		id := owner.createContact(url.Values{"given": {"Secret"}, "family": {"Person"}, "email": {"secret@example.com"}})
		snapshot := owner.get("/contacts/" + id).Body

		intruder := app.newBrowser()
		intruder.signUp("Intruder", "intruder@example.com")
		missing := "01a242a4-0000-7000-8000-000000000000"
		for _, target := range []string{id, missing} {
			for _, req := range []struct{ method, path string }{
				{"GET", "/contacts/" + target},
				{"GET", "/contacts/" + target + "/edit"},
				{"GET", "/contacts/" + target + "/photo"},
				{"POST", "/contacts/" + target},
				{"POST", "/contacts/" + target + "/delete"},
			} {
				var resp *response
				if req.method == "GET" {
					resp = intruder.get(req.path)
				} else {
					resp = intruder.post(req.path, url.Values{"given": {"Hijacked"}})
				}
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as another account: status %d, want 404", req.method, req.path, resp.StatusCode)
				}
				if strings.Contains(resp.Body, "Secret") || strings.Contains(resp.Body, "secret@example.com") {
					t.Errorf("%s %s as another account: body shows the contact", req.method, req.path)
				}
			}
		}
		if list := intruder.get("/contacts?q=secret"); strings.Contains(list.Body, "Secret") {
			t.Error("another account's search finds the contact")
		}
		after := owner.get("/contacts/" + id).Body
		if withoutNonce(after) != withoutNonce(snapshot) {
			t.Error("the owner's contact changed after another account's requests")
		}
		if got := countRows(t, app.db, "contacts"); got != 1 {
			t.Errorf("contacts = %d, want 1", got)
		}
	})
}

func TestContactNameShownAsText(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		const hostile = `Test"><img src=x onerror=alert(1)>`
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		id := b.createContact(url.Values{"given": {hostile}, "organization": {hostile}, "nickname": {hostile},
			"note": {hostile}, "tags": {hostile}, "email_label": {hostile}, "email": {"x@example.com"}})
		pages := map[string]string{
			"list":   "/contacts",
			"search": "/contacts?q=" + url.QueryEscape("test img"),
			"view":   "/contacts/" + id,
			"edit":   "/contacts/" + id + "/edit",
		}
		for name, path := range pages {
			resp := b.get(path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s page: status %d", name, resp.StatusCode)
			}
			if strings.Contains(resp.Body, "<img src=x") || strings.Contains(resp.Body, `"><img`) {
				t.Errorf("%s page contains the markup unescaped", name)
			}
			if !strings.Contains(resp.Body, "&lt;img src=x onerror=alert(1)&gt;") {
				t.Errorf("%s page does not show the name as escaped text", name)
			}
		}
		// The search box echoes the query escaped too.
		resp := b.get("/contacts?q=" + url.QueryEscape(hostile))
		if strings.Contains(resp.Body, "<img src=x") {
			t.Error("search query echoed unescaped")
		}
	})
}

func TestContactListPagesAndSearch(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		for i := range 55 {
			b.createContact(url.Values{"given": {fmt.Sprintf("Person%02d", i)}, "family": {"Filler"}})
		}
		b.createContact(url.Values{"given": {"Zoë"}, "family": {"O'Brien"}, "email": {"zoe@fjordfinch.example", "z@mail.example"}})

		first := b.get("/contacts")
		if n := strings.Count(first.Body, `<td><a href="/contacts/`); n != 50 {
			t.Errorf("first page shows %d contacts, want 50", n)
		}
		if !strings.Contains(first.Body, `href="/contacts?page=2"`) {
			t.Error("first page has no link to page 2")
		}
		second := b.get("/contacts?page=2")
		if n := strings.Count(second.Body, `<td><a href="/contacts/`); n != 6 {
			t.Errorf("second page shows %d contacts, want 6", n)
		}
		for _, q := range []string{"obrien", "ZOE", "fjordfinch"} {
			found := b.get("/contacts?q=" + url.QueryEscape(q))
			if !strings.Contains(found.Body, "Zoë O&#39;Brien") || strings.Count(found.Body, `<td><a href="/contacts/`) != 1 {
				t.Errorf("search %q does not list exactly Zoë O'Brien", q)
			}
		}
	})
}
