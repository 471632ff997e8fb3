package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/msgtemplates"
)

func (b *browser) createTemplate(form url.Values) string {
	b.app.t.Helper()
	return b.createAt("/templates", "/templates/", form)
}

func TestTemplateCreateEditDelete(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		id := b.createTemplate(url.Values{"name": {"Intro"}, "subject": {"Hello {{ first_name }}"},
			"body": {"Dear {{first_name}},\r\nregards, {{me.name}}"}})

		view := b.get("/templates/" + id + "?notice=template-saved")
		mustContain(t, "template page", view.Body, "<h1>Intro</h1>", "Hello {{ first_name }}",
			"Personal: only you see this template.", "Template saved.", `href="/templates/`+id+`/edit"`)
		mustContain(t, "edit form", b.get("/templates/"+id+"/edit").Body, `value="Intro"`, "Dear {{first_name}},\nregards")

		resp := b.post("/templates/"+id, url.Values{"name": {"Intro"}, "body": {"Hi\n{{frist_name}}"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("update with an unknown variable: status %d, want 422", resp.StatusCode)
		}
		mustContain(t, "rejected form", html.UnescapeString(resp.Body),
			"Unknown variable {{frist_name}} at line 2, column 1; known variables are {{first_name}}")
		resp = b.post("/templates/"+id, url.Values{"name": {"Intro"}, "subject": {strings.Repeat("s", 201)}, "body": {"x"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Subject is 201 characters long; the maximum is 200.") {
			t.Errorf("update with a long subject: status %d, want 422 naming the limit", resp.StatusCode)
		}

		resp = b.post("/templates/"+id, url.Values{"name": {"Welcome"}, "subject": {"Hi"}, "body": {"Text"}, "shared": {"on"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		list := b.get("/templates")
		shared, personal, _ := strings.Cut(list.Body, "<h2>Personal</h2>")
		if !strings.Contains(shared, ">Welcome</a>") || strings.Contains(personal, ">Welcome</a>") {
			t.Error("list does not show the template under the shared templates after sharing it")
		}

		if resp := b.post("/templates/"+id+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: status %d, want 303", resp.StatusCode)
		}
		if got := b.get("/templates/" + id); got.StatusCode != http.StatusNotFound {
			t.Errorf("GET deleted template: status %d, want 404", got.StatusCode)
		}
		if n := countRows(t, app.db, "message_templates"); n != 0 {
			t.Errorf("%d templates left after the delete, want 0", n)
		}
	})
}

func TestTemplatePreviewForContact(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana Lima", "ana@example.com")
		// The organization matches the company's name folded, and the
		// preview must show the linked company's own spelling.
		companyID := b.createCompany(url.Values{"name": {"Acme AG"}})
		contactID := b.createContact(url.Values{"given": {"Rosa"}, "family": {"Diaz"}, "nickname": {"Ro"},
			"title": {"CTO"}, "organization": {"ACME ag"}, "email_label": {"work"}, "email": {"rosa@example.com"}})
		if resp := b.post("/contacts/"+contactID+"/company", url.Values{"action": {"organization"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("link company: status %d", resp.StatusCode)
		}
		dealID := b.createDeal("ana@example.com", url.Values{"title": {"Rollout"}, "company_id": {companyID},
			"stage_id": {app.stageIDs("ana@example.com")["Proposal"]}, "amount": {"1200"}, "currency": {"EUR"}})
		if resp := b.post("/deals/"+dealID+"/contacts", url.Values{"contact_id": {contactID}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add contact to deal: status %d", resp.StatusCode)
		}
		id := b.createTemplate(url.Values{"name": {"Offer"}, "subject": {"{{deal.title}} for {{company}}"},
			"body": {"Dear {{full_name}} ({{nickname}}, {{title}}, {{email}}),\n{{deal.amount}} in {{deal.stage}}.\n" +
				"Call me: {{phone}}\n{{me.name}} <{{me.email}}>"}})

		resp := b.get("/templates/" + id + "/preview?contact=" + contactID)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("preview: status %d, want 200; body:\n%s", resp.StatusCode, resp.Body)
		}
		mustContain(t, "preview", resp.Body, `value="Rollout for Acme AG"`,
			"Dear Rosa Diaz (Ro, CTO, rosa@example.com),\n1,200.00 EUR in Proposal.\nCall me: \nAna Lima &lt;ana@example.com&gt;",
			"Body, line 3, column 10: {{phone}} is empty because the contact has no phone number.",
			`<option value="`+contactID+`" selected>Rosa Diaz</option>`, ">Copy to clipboard</button>")
		if nonce := bodyNonceAttr.FindStringSubmatch(resp.Body); nonce == nil ||
			!strings.Contains(resp.Body, `<script src="/static/copy.js" nonce="`+nonce[1]+`"></script>`) {
			t.Error("preview does not load copy.js with the page nonce")
		}
		if got := b.get("/static/copy.js"); got.StatusCode != http.StatusOK || !strings.Contains(got.Body, "navigator.clipboard") {
			t.Errorf("GET /static/copy.js: status %d, want 200 with the script", got.StatusCode)
		}

		// A contact without a deal or company gets a warning for each
		// missing value, not silently blank text.
		loneID := b.createContact(url.Values{"given": {"Li"}})
		resp = b.get("/templates/" + id + "/preview?contact=" + loneID)
		mustContain(t, "preview without deal", resp.Body, `value=" for "`,
			"Subject, line 1, column 1: {{deal.title}} is empty because Li has no open deal.",
			"Subject, line 1, column 20: {{company}} is empty because the contact has no company or organization.",
			"Body, line 1, column 46: {{email}} is empty because the contact has no email address.")

		// A deal chosen by id must list the contact.
		if got := b.get("/templates/" + id + "/preview?contact=" + loneID + "&deal=" + dealID); got.StatusCode != http.StatusNotFound {
			t.Errorf("preview with a deal of another contact: status %d, want 404", got.StatusCode)
		}
		if got := b.get("/templates/" + id + "/preview?contact=" + contactID + "&deal=" + dealID); !strings.Contains(got.Body, "Rollout for Acme AG") {
			t.Errorf("preview with the contact's deal: status %d, want the deal's title", got.StatusCode)
		}
	})
}

func TestTemplatePreviewShowsDataLiterally(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		contactID := b.createContact(url.Values{"given": {"{{last_name}}"}, "family": {"<script>alert(1)</script>"},
			"title": {"{{"}})
		id := b.createTemplate(url.Values{"name": {"Raw"}, "subject": {"{{first_name}}"}, "body": {"{{last_name}}|{{title}}"}})

		resp := b.get("/templates/" + id + "/preview?contact=" + contactID)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("preview: status %d, want 200", resp.StatusCode)
		}
		if strings.Contains(resp.Body, "<script>alert(1)") {
			t.Error("preview contains the contact's <script> unescaped")
		}
		mustContain(t, "preview", resp.Body, `value="{{last_name}}"`, "&lt;script&gt;alert(1)&lt;/script&gt;|{{")
	})
}

// templateChecksum returns a checksum of every row of message_templates.
func templateChecksum(t *testing.T, app *testApp) string {
	t.Helper()
	return tableChecksum(t, app.db.SQL(), "message_templates", "id")
}

// TestTemplateOtherAccountNotFound checks that another account gets 404 on
// every template route with the first account's template or contact ids,
// and that the template table does not change.
func TestTemplateOtherAccountNotFound(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		owner := app.newBrowser()
		owner.signUp("Owner", "owner@example.com")
		ownerContact := owner.createContact(url.Values{"given": {"Secret"}})
		personal := owner.createTemplate(url.Values{"name": {"Secret personal"}, "body": {"Secret body"}})
		shared := owner.createTemplate(url.Values{"name": {"Secret shared"}, "body": {"Secret body"}, "shared": {"on"}})

		intruder := app.newBrowser()
		intruder.signUp("Intruder", "intruder@example.com")
		intruderContact := intruder.createContact(url.Values{"given": {"Mine"}})
		own := intruder.createTemplate(url.Values{"name": {"Mine"}, "body": {"Hi {{first_name}}"}})
		before := templateChecksum(t, app)

		form := url.Values{"name": {"Hijacked"}, "body": {"Hijacked"}, "shared": {"on"}}
		for _, id := range []string{personal, shared} {
			for _, req := range []struct{ method, path string }{
				{http.MethodGet, "/templates/" + id},
				{http.MethodGet, "/templates/" + id + "/edit"},
				{http.MethodGet, "/templates/" + id + "/preview"},
				{http.MethodGet, "/templates/" + id + "/preview?contact=" + intruderContact},
				{http.MethodPost, "/templates/" + id},
				{http.MethodPost, "/templates/" + id + "/delete"},
			} {
				var resp *response
				if req.method == http.MethodGet {
					resp = intruder.get(req.path)
				} else {
					resp = intruder.post(req.path, form)
				}
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as another account: status %d, want 404", req.method, req.path, resp.StatusCode)
				}
				if strings.Contains(resp.Body, "Secret") {
					t.Errorf("%s %s as another account: body shows the template", req.method, req.path)
				}
			}
		}
		if resp := intruder.get("/templates/" + own + "/preview?contact=" + ownerContact); resp.StatusCode != http.StatusNotFound ||
			strings.Contains(resp.Body, "Secret") {
			t.Errorf("preview of an own template for another account's contact: status %d, want 404", resp.StatusCode)
		}
		if list := intruder.get("/templates"); strings.Contains(list.Body, "Secret") {
			t.Error("another account's template list shows the templates")
		}
		if after := templateChecksum(t, app); after != before {
			t.Error("message_templates changed after another account's requests")
		}
	})
}

// addMember adds the account with email to the workspace of scope with
// role, as a team invite would.
func (a *testApp) addMember(workspace chatalott.Scope, email, role string) chatalott.Scope {
	a.t.Helper()
	user := a.scopeOf(email)
	_, err := a.db.SQL().ExecContext(context.Background(), `INSERT INTO memberships (workspace_id, user_id, role, created_at)
VALUES ($1, $2, $3, $4)`, workspace.WorkspaceID, user.UserID, role, a.clock.Now())
	if err != nil {
		a.t.Fatalf("add %s as %s: %v", email, role, err)
	}
	return chatalott.Scope{WorkspaceID: workspace.WorkspaceID, UserID: user.UserID}
}

// TestTemplateSharedNeedsAdmin checks the rules for shared templates in a
// workspace with several members: a member uses shared templates but gets
// EForbidden on changing them, an admin may change them, and nobody sees
// another member's personal template.
func TestTemplateSharedNeedsAdmin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ctx := context.Background()
		owner := app.newBrowser()
		owner.signUp("Owner", "owner@example.com")
		ownerScope := app.scopeOf("owner@example.com")
		sharedID := owner.createTemplate(url.Values{"name": {"Team intro"}, "body": {"Hi {{first_name}}"}, "shared": {"on"}})
		personalID := owner.createTemplate(url.Values{"name": {"Owner only"}, "body": {"Private"}})
		contactID := owner.createContact(url.Values{"given": {"Rosa"}})

		for _, who := range []struct{ name, email string }{{"Member", "member@example.com"}, {"Admin", "admin@example.com"}} {
			app.newBrowser().signUp(who.name, who.email)
		}
		member := app.addMember(ownerScope, "member@example.com", "member")
		admin := app.addMember(ownerScope, "admin@example.com", "admin")
		templates := app.server.MessageTemplates
		me := msgtemplates.Sender{Name: "Member", Email: "member@example.com"}

		preview, err := templates.Render(ctx, member, me, sharedID, contactID, "")
		if err != nil {
			t.Errorf("member renders the shared template: %v", err)
		} else if preview.Body != "Hi Rosa" {
			t.Errorf("member renders the shared template as %q, want \"Hi Rosa\"", preview.Body)
		}
		before := templateChecksum(t, app)
		edit := &msgtemplates.Template{ID: sharedID, Name: "Changed", Body: "Changed"}
		if err := templates.Update(ctx, member, edit, true); chatalott.ErrorCode(err) != chatalott.EForbidden {
			t.Errorf("member edits the shared template: %v, want %s", err, chatalott.EForbidden)
		}
		if err := templates.Delete(ctx, member, sharedID); chatalott.ErrorCode(err) != chatalott.EForbidden {
			t.Errorf("member deletes the shared template: %v, want %s", err, chatalott.EForbidden)
		}
		if err := templates.Create(ctx, member, &msgtemplates.Template{Name: "New", Body: "x"}, true); chatalott.ErrorCode(err) != chatalott.EForbidden {
			t.Errorf("member creates a shared template: %v, want %s", err, chatalott.EForbidden)
		}
		for _, scope := range []chatalott.Scope{member, admin} {
			if _, err := templates.Get(ctx, scope, personalID); chatalott.ErrorCode(err) != chatalott.ENotFound {
				t.Errorf("user %s opens the owner's personal template: %v, want %s", scope.UserID, err, chatalott.ENotFound)
			}
			if err := templates.Delete(ctx, scope, personalID); chatalott.ErrorCode(err) != chatalott.ENotFound {
				t.Errorf("user %s deletes the owner's personal template: %v, want %s", scope.UserID, err, chatalott.ENotFound)
			}
		}
		if after := templateChecksum(t, app); after != before {
			t.Error("message_templates changed after the member's rejected changes")
		}

		if err := templates.Update(ctx, admin, edit, true); err != nil {
			t.Errorf("admin edits the shared template: %v", err)
		}
		if got, err := templates.Get(ctx, member, sharedID); err != nil || got.Name != "Changed" || !got.Shared() {
			t.Errorf("member reads the edited shared template: %v, %+v", err, got)
		}
		if err := templates.Delete(ctx, admin, sharedID); err != nil {
			t.Errorf("admin deletes the shared template: %v", err)
		}
	})
}

// TestTemplatePreviewReportsStoredProblems checks that a stored template
// with a variable that is not known, which the form would reject, is
// reported at render time with its position instead of rendered blank.
func TestTemplatePreviewReportsStoredProblems(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		contactID := b.createContact(url.Values{"given": {"Rosa"}})
		id := b.createTemplate(url.Values{"name": {"Old"}, "body": {"Hi {{first_name}}"}})
		_, err := app.db.SQL().ExecContext(context.Background(),
			`UPDATE message_templates SET body = $1 WHERE id = $2`, "Hi\n {{first_name}} {{retired}}", id)
		if err != nil {
			t.Fatal(err)
		}

		resp := b.get("/templates/" + id + "/preview?contact=" + contactID)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("preview: status %d, want 200 with the problems", resp.StatusCode)
		}
		mustContain(t, "preview", resp.Body, "The template cannot be rendered.",
			"Body: Unknown variable {{retired}} at line 2, column 17; known variables are {{first_name}}")
		if strings.Contains(resp.Body, "Hi\n Rosa") {
			t.Error("preview renders a template with an unknown variable")
		}
	})
}
