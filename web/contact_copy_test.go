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
		// The copy menu calls the personal workspace by that name, as the
		// header's switcher does, not by the user's name.
		mustContain(t, "team contact page", ann.get("/contacts/"+teamContact).Body,
			`<option value="`+personal+`">Personal</option>`)
	})
}

// TestContactCopyNoticeNamesWorkspace checks that the notice after a copy
// names the receiving workspace from the database, and that a forged
// copied_to shows the notice without a name and no text from the URL.
func TestContactCopyNoticeNamesWorkspace(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, _ := joinedTeam(t, app)
		if resp := ann.post("/team/rename", url.Values{"name": {"Fjord <Sales> & Co"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: status %d, want 303", resp.StatusCode)
		}
		team := app.teamID("Fjord <Sales> & Co")
		personal := app.personalWorkspace("ann@example.com")
		ann.switchTo(personal)
		id := ann.createContact(url.Values{"given": {"Private"}, "family": {"Lead"}})

		resp := ann.post("/contacts/"+id+"/copy", url.Values{"workspace": {team}})
		wantLocation := "/contacts/" + id + "?notice=contact-copied&copied_to=" + url.QueryEscape(team)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLocation {
			t.Fatalf("copy: status %d location %q, want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), wantLocation)
		}
		view := ann.get(wantLocation)
		mustContain(t, "contact page after the copy", view.Body,
			`<p class="notice" role="status">Copied into “Fjord &lt;Sales&gt; &amp; Co”. Switch to it in the workspace menu to see the copy.</p>`)

		const unnamed = "Copied into the other workspace. Switch to it in the workspace menu to see the copy."
		bobPersonal := app.personalWorkspace("bob@example.com")
		for _, copiedTo := range []string{bobPersonal, "Your account is suspended", ""} {
			page := ann.get("/contacts/" + id + "?notice=contact-copied&copied_to=" + url.QueryEscape(copiedTo))
			if got := noticeOf(page.Body); got != unnamed {
				t.Errorf("copied_to %q: notice %q, want %q", copiedTo, got, unnamed)
			}
			if strings.Contains(page.Body, "suspended") {
				t.Errorf("copied_to %q: the page shows text from the URL", copiedTo)
			}
		}

		ann.switchTo(team)
		teamContact := ann.createContact(url.Values{"given": {"Shared"}})
		resp = ann.post("/contacts/"+teamContact+"/copy", url.Values{"workspace": {personal}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("copy into the personal workspace: status %d, want 303", resp.StatusCode)
		}
		if got, want := noticeOf(ann.get(resp.Header.Get("Location")).Body),
			"Copied into your personal workspace. Switch to it in the workspace menu to see the copy."; got != want {
			t.Errorf("notice after copying into the personal workspace: got %q, want %q", got, want)
		}
	})
}
