package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
)

var formAction = regexp.MustCompile(`<form\b[^>]*\saction="([^"]*)"`)

// formActions returns the action of every form in body.
func formActions(body string) []string {
	var actions []string
	for _, m := range formAction.FindAllStringSubmatch(body, -1) {
		actions = append(actions, m[1])
	}
	return actions
}

// TestPipelineFormsOnlyForManagers checks that the pipeline and deal pages
// show the forms that change the stages to owners and admins only. A
// member gets the stages read-only and 403 from every pipeline route that
// changes them, and no table changes.
func TestPipelineFormsOnlyForManagers(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, carl, bob := teamOfThree(t, app)
		team := app.teamID("Sales")
		stages, err := app.server.Deals.Stages(context.Background(),
			chatalott.Scope{WorkspaceID: team, UserID: app.scopeOf("ann@example.com").UserID})
		if err != nil {
			t.Fatal(err)
		}
		lead := stages[0]
		pages := []string{"/pipeline", "/deals/board", "/deals", "/dashboard"}

		for _, page := range pages {
			resp := bob.get(page)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("member GET %s: status %d, want 200", page, resp.StatusCode)
				continue
			}
			for _, action := range formActions(resp.Body) {
				if strings.HasPrefix(action, "/pipeline") {
					t.Errorf("member's %s has a form posting to %s", page, action)
				}
			}
		}
		pipeline := bob.get("/pipeline").Body
		mustContain(t, "member's pipeline page", pipeline, "<tr><td>Lead</td><td>open</td><td>10 %</td></tr>",
			"<tr><td>Won</td><td>won</td><td>100 %</td></tr>", "Only owners and admins of this team can change the stages.")
		if strings.Contains(pipeline, "/pipeline/stages/"+lead.ID+"/remove") {
			t.Error("member's pipeline page links to the remove form")
		}
		resp := bob.get("/pipeline/stages/" + lead.ID + "/remove")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("member opens the remove form: status %d, want 403", resp.StatusCode)
		}
		if actions := formActions(resp.Body); len(actions) > 0 && strings.Contains(strings.Join(actions, " "), "/pipeline") {
			t.Errorf("member's remove page has pipeline forms %v", actions)
		}

		before := teamChecksum(t, app)
		for path, form := range map[string]url.Values{
			"/pipeline/stages":                        {"name": {"Extra"}, "probability": {"5"}},
			"/pipeline/stages/" + lead.ID:             {"name": {"Renamed"}, "probability": {"5"}},
			"/pipeline/stages/" + lead.ID + "/move":   {"direction": {"down"}},
			"/pipeline/stages/" + lead.ID + "/remove": {"target_id": {stages[1].ID}},
		} {
			if resp := bob.post(path, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("member POST %s: status %d, want 403", path, resp.StatusCode)
			}
		}
		if after := teamChecksum(t, app); after != before {
			t.Error("tables changed after the member's pipeline requests")
		}

		for role, b := range map[string]*browser{"owner": ann, "admin": carl} {
			actions := strings.Join(formActions(b.get("/pipeline").Body), " ")
			for _, want := range []string{"/pipeline/stages", "/pipeline/stages/" + lead.ID, "/pipeline/stages/" + lead.ID + "/move"} {
				if !strings.Contains(" "+actions+" ", " "+want+" ") {
					t.Errorf("%s's pipeline page lacks a form posting to %s; forms: %s", role, want, actions)
				}
			}
			remove := b.get("/pipeline/stages/" + lead.ID + "/remove")
			if remove.StatusCode != http.StatusOK {
				t.Errorf("%s opens the remove form: status %d, want 200", role, remove.StatusCode)
			}
			mustContain(t, role+"'s remove page", remove.Body, `action="/pipeline/stages/`+lead.ID+`/remove"`)
		}
		if resp := carl.post("/pipeline/stages", url.Values{"name": {"Demo"}, "probability": {"30"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("admin adds a stage: status %d, want 303", resp.StatusCode)
		}
		mustContain(t, "member's pipeline page after the admin's change", bob.get("/pipeline").Body, "<tr><td>Demo</td><td>open</td><td>30 %</td></tr>")
	})
}

// TestTemplateButtonsOnlyForManagers checks that the page of a shared
// template shows its edit link and delete form to owners and admins only.
// A member gets 403 from its edit form, and the member's own personal
// template keeps both.
func TestTemplateButtonsOnlyForManagers(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, carl, bob := teamOfThree(t, app)
		sharedID := ann.createTemplate(url.Values{"name": {"Team intro"}, "body": {"Hi"}, "shared": {"on"}})
		ownID := bob.createTemplate(url.Values{"name": {"Bob only"}, "body": {"Mine"}})
		editLink := func(id string) string { return `href="/templates/` + id + `/edit"` }
		deleteForm := func(id string) string { return `action="/templates/` + id + `/delete"` }

		view := bob.get("/templates/" + sharedID).Body
		if strings.Contains(view, editLink(sharedID)) || strings.Contains(view, deleteForm(sharedID)) {
			t.Error("member's page of a shared template has the edit link or the delete form")
		}
		edit := bob.get("/templates/" + sharedID + "/edit")
		if edit.StatusCode != http.StatusForbidden {
			t.Errorf("member opens the edit form of a shared template: status %d, want 403", edit.StatusCode)
		}
		for _, action := range formActions(edit.Body) {
			if strings.HasPrefix(action, "/templates/") {
				t.Errorf("member's edit page of a shared template has a form posting to %s", action)
			}
		}
		if list := bob.get("/templates").Body; strings.Contains(list, editLink(sharedID)) || strings.Contains(list, deleteForm(sharedID)) {
			t.Error("member's template list has the edit link or the delete form of a shared template")
		}

		own := bob.get("/templates/" + ownID).Body
		mustContain(t, "member's page of a personal template", own, editLink(ownID), deleteForm(ownID))
		if resp := bob.get("/templates/" + ownID + "/edit"); resp.StatusCode != http.StatusOK {
			t.Errorf("member opens the edit form of a personal template: status %d, want 200", resp.StatusCode)
		}

		for role, b := range map[string]*browser{"owner": ann, "admin": carl} {
			mustContain(t, role+"'s page of a shared template", b.get("/templates/"+sharedID).Body, editLink(sharedID), deleteForm(sharedID))
			edit := b.get("/templates/" + sharedID + "/edit")
			if edit.StatusCode != http.StatusOK {
				t.Errorf("%s opens the edit form of a shared template: status %d, want 200", role, edit.StatusCode)
			}
			mustContain(t, role+"'s edit page of a shared template", edit.Body, `action="/templates/`+sharedID+`"`)
		}
	})
}
