package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTemplateTeamMemberForbidden checks shared templates in a team over
// HTTP: a member lists and previews them but gets 403 on editing or
// deleting them, the owner may edit them, and a member's personal template
// stays hidden from the owner.
func TestTemplateTeamMemberForbidden(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		contactID := ann.createContact(url.Values{"given": {"Rosa"}})
		sharedID := ann.createTemplate(url.Values{"name": {"Team intro"}, "body": {"Hi {{first_name}}, {{me.name}} here"},
			"shared": {"on"}})

		if list := bob.get("/templates"); !strings.Contains(list.Body, ">Team intro</a>") {
			t.Error("member's template list lacks the team's shared template")
		}
		preview := bob.get("/templates/" + sharedID + "/preview?contact=" + contactID)
		if preview.StatusCode != http.StatusOK {
			t.Errorf("member previews the shared template: status %d, want 200", preview.StatusCode)
		}
		mustContain(t, "member's preview", preview.Body, "Hi Rosa, Bob here")
		if view := bob.get("/templates/" + sharedID); strings.Contains(view.Body, "/templates/"+sharedID+"/edit") {
			t.Error("member's template page links to the edit form of a shared template")
		}

		before := templateChecksum(t, app)
		if resp := bob.post("/templates/"+sharedID, url.Values{"name": {"Changed"}, "body": {"Changed"}, "shared": {"on"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("member edits the shared template: status %d, want 403", resp.StatusCode)
		}
		if resp := bob.post("/templates/"+sharedID+"/delete", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("member deletes the shared template: status %d, want 403", resp.StatusCode)
		}
		if resp := bob.post("/templates", url.Values{"name": {"New"}, "body": {"x"}, "shared": {"on"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("member creates a shared template: status %d, want 403", resp.StatusCode)
		}
		if after := templateChecksum(t, app); after != before {
			t.Error("message_templates changed after the member's rejected requests")
		}

		bobsID := bob.createTemplate(url.Values{"name": {"Bob only"}, "body": {"Mine"}})
		if resp := ann.get("/templates/" + bobsID); resp.StatusCode != http.StatusNotFound {
			t.Errorf("owner opens a member's personal template: status %d, want 404", resp.StatusCode)
		}
		if resp := ann.post("/templates/"+sharedID, url.Values{"name": {"Team hello"}, "body": {"Hello"}, "shared": {"on"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("owner edits the shared template: status %d, want 303", resp.StatusCode)
		}
	})
}
