package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// postForm matches the opening tag of a form that posts, with the hidden
// input that may follow it.
var postForm = regexp.MustCompile(`<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>(<input type="hidden" name="form_workspace" value="([^"]*)">)?`)

// Forms whose action does not act in the current workspace: the header's
// switcher and log-out, creating a team, and the follow-up buttons, which
// name a follow-up id that no other workspace has (404 there).
var workspaceFreeAction = regexp.MustCompile(`^(/workspaces/switch|/logout|/teams|/follow-ups/[^/]+/(done|snooze))$`)

func TestFormsStateTheirWorkspace(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann := app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		ann.createTeam("Fjord Sales")
		team := app.teamID("Fjord Sales")
		contact := ann.createContact(url.Values{"given": {"Ola"}, "family": {"Nordmann"}})
		company := ann.createCompany(url.Values{"name": {"Fjord AS"}})

		pages := []string{"/contacts/new", "/contacts/" + contact, "/contacts/" + contact + "/edit",
			"/companies/new", "/companies/" + company, "/deals/new", "/deals/board", "/pipeline", "/team", "/templates/new"}
		forms := 0
		for _, path := range pages {
			resp := ann.get(path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d, want 200", path, resp.StatusCode)
			}
			for _, m := range postForm.FindAllStringSubmatch(resp.Body, -1) {
				action, field, value := m[1], m[2], m[3]
				if workspaceFreeAction.MatchString(action) {
					continue
				}
				forms++
				if field == "" || value != team {
					t.Errorf("%s: form posting to %s carries workspace %q, want the team %s", path, action, value, team)
				}
			}
		}
		if forms < 25 {
			t.Errorf("checked %d forms, want the 25 or more that these pages show", forms)
		}
		upload := ann.get("/contacts/import")
		if want := `action="/contacts/import?form_workspace=` + team + `"`; !strings.Contains(upload.Body, want) {
			t.Errorf("import upload form lacks %s", want)
		}
	})
}

func TestFormFromOtherWorkspaceRejected(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann := app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		personal := app.scopeOf("ann@example.com").WorkspaceID
		ann.createTeam("Fjord Sales")
		team := app.teamID("Fjord Sales")

		// The contact form was opened in the team; another tab then
		// switched the session back to the personal workspace.
		ann.switchTo(personal)
		before := countRows(t, app.db, "contacts")
		resp := ann.post("/contacts", url.Values{"given": {"Kari"}, "family": {"Nordmann"}, "form_workspace": {team}})
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("POST /contacts with the team's form after switching: status %d, want 409", resp.StatusCode)
		}
		for _, want := range []string{"This form belongs to “Fjord Sales”, but this browser has switched to your personal workspace",
			"Nothing was saved."} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("409 page lacks %q", want)
			}
		}
		if got := countRows(t, app.db, "contacts"); got != before {
			t.Errorf("contacts: %d rows after the rejected form, want %d", got, before)
		}

		// Team forms are bound the same way: renaming from a stale tab is
		// rejected and the name stays.
		if resp := ann.post("/team/rename", url.Values{"name": {"Renamed"}, "form_workspace": {team}}); resp.StatusCode != http.StatusConflict {
			t.Errorf("POST /team/rename from the team's page while in the personal workspace: status %d, want 409", resp.StatusCode)
		}
		if id := app.teamID("Fjord Sales"); id != team {
			t.Errorf("team id by name = %s, want %s unchanged", id, team)
		}

		// A file upload names its workspace in the action's query.
		resp = ann.uploadAt("/contacts/import?form_workspace="+team, "people.csv", strings.NewReader("First Name\nKari\n"))
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("upload with the team's action while in the personal workspace: status %d, want 409", resp.StatusCode)
		}
		if got := countRows(t, app.db, "import_jobs"); got != 0 {
			t.Errorf("import_jobs: %d rows after the rejected upload, want 0", got)
		}

		// A form without the field is rejected too; the form of the current
		// workspace passes.
		resp = ann.post("/contacts", url.Values{"given": {"Per"}, "form_workspace": {""}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(resp.Body, "This form does not say which workspace it belongs to") {
			t.Errorf("POST /contacts without form_workspace: status %d, want 409 saying the workspace is missing", resp.StatusCode)
		}
		if resp := ann.post("/contacts", url.Values{"given": {"Kari"}, "form_workspace": {personal}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("POST /contacts with the current workspace: status %d, want 303", resp.StatusCode)
		}
		if got := countRows(t, app.db, "contacts"); got != before+1 {
			t.Errorf("contacts: %d rows, want %d", got, before+1)
		}

		// Creating a team does not depend on the current workspace.
		if resp := ann.post("/teams", url.Values{"name": {"Oslo"}, "form_workspace": {team}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("POST /teams from a stale tab: status %d, want 303", resp.StatusCode)
		}
	})
}
