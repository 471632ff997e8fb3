package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestContactCopyIntoTeam(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		personal := app.scopeOf("ann@example.com").WorkspaceID
		team := app.teamID("Sales")

		ann.switchTo(personal)
		id := ann.createContact(url.Values{"given": {"Private"}, "family": {"Lead"}, "email": {"lead@example.com"},
			"note": {"met at the fair"}})
		view := ann.get("/contacts/" + id)
		if !strings.Contains(view.Body, `action="/contacts/`+id+`/copy"`) || !strings.Contains(view.Body, `<option value="`+team+`">Sales</option>`) {
			t.Fatal("contact page offers no copy into the team")
		}

		resp := ann.post("/contacts/"+id+"/copy", url.Values{"workspace": {team}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "contact-copied") {
			t.Fatalf("copy: status %d location %q, want 303 with the copied notice", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := ann.get("/contacts/" + id); got.StatusCode != http.StatusOK {
			t.Errorf("original after copy: status %d, want 200 (still in the personal workspace)", got.StatusCode)
		}
		list := bob.get("/contacts?q=private")
		if !strings.Contains(list.Body, "Private Lead") {
			t.Fatal("team member does not see the copied contact")
		}
		if strings.Contains(list.Body, `href="/contacts/`+id+`"`) {
			t.Error("the team sees the original id; want a new record")
		}
		if got := countRows(t, app.db, "contacts"); got != 2 {
			t.Errorf("contacts = %d, want the original and one copy", got)
		}

		// Bob is not a member of Ann's personal workspace, and the source id
		// must be in the current workspace.
		before := countRows(t, app.db, "contacts")
		if resp := bob.post("/contacts/"+id+"/copy", url.Values{"workspace": {team}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("copying another workspace's contact: status %d, want 404", resp.StatusCode)
		}
		ann.switchTo(team)
		bobPersonal := app.scopeOf("bob@example.com").WorkspaceID
		teamContact := ann.createContact(url.Values{"given": {"Shared"}})
		if resp := ann.post("/contacts/"+teamContact+"/copy", url.Values{"workspace": {bobPersonal}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("copying into a workspace the user is not a member of: status %d, want 404", resp.StatusCode)
		}
		if got := countRows(t, app.db, "contacts"); got != before+1 {
			t.Errorf("contacts = %d, want %d (only the new team contact)", got, before+1)
		}
	})
}
