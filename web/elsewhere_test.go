package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
)

// requireSwitchOffer checks that member, working in another workspace,
// gets a 404 for path that names team's workspace and offers to switch,
// and that outsider gets the plain 404 with no word of the team.
func requireSwitchOffer(t *testing.T, member, outsider *browser, kind, path, team string) {
	t.Helper()
	resp := member.get(path)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s of the team from the personal workspace: status %d, want 404", path, resp.StatusCode)
	}
	mustContain(t, path+" from the personal workspace", resp.Body,
		"This "+kind+" is in the workspace “Fjord Sales”. You are working in your personal workspace.",
		`<input type="hidden" name="workspace" value="`+team+`">`,
		`<input type="hidden" name="next" value="`+path+`">`)
	other := outsider.get(path)
	if other.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s as a non-member: status %d, want 404", path, other.StatusCode)
	}
	if strings.Contains(other.Body, "Fjord") || strings.Contains(other.Body, team) {
		t.Errorf("GET %s as a non-member: the 404 page names the team", path)
	}
}

func TestRecordInOtherWorkspaceOffersSwitch(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann := app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		personal := app.scopeOf("ann@example.com").WorkspaceID
		ann.createTeam("Fjord Sales")
		team := app.teamID("Fjord Sales")
		company := ann.createCompany(url.Values{"name": {"Fjord AS"}})
		stages, err := app.server.Deals.Stages(context.Background(), chatalott.Scope{WorkspaceID: team, UserID: app.scopeOf("ann@example.com").UserID})
		if err != nil || len(stages) == 0 {
			t.Fatalf("team stages: %v, %v", stages, err)
		}
		records := map[string]string{
			"contact": "/contacts/" + ann.createContact(url.Values{"given": {"Ola"}, "family": {"Nordmann"}}),
			"company": "/companies/" + company,
			"deal": "/deals/" + ann.createDeal("ann@example.com", url.Values{"title": {"Fjord renewal"}, "company_id": {company},
				"stage_id": {stages[0].ID}, "amount": {"100"}, "currency": {"NOK"}}),
		}
		bob := app.newBrowser()
		bob.signUp("Bob", "bob@example.com")
		ann.switchTo(personal)

		for kind, record := range records {
			for _, path := range []string{record, record + "/edit"} {
				requireSwitchOffer(t, ann, bob, kind, path, team)
			}
		}
		path := records["contact"]
		resp := ann.post("/workspaces/switch", url.Values{"workspace": {team}, "next": {path}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != path {
			t.Fatalf("switch with next: status %d to %q, want 303 to %s", resp.StatusCode, loc, path)
		}
		if page := ann.get(path); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Nordmann") {
			t.Errorf("contact after the switch: status %d", page.StatusCode)
		}
		for _, next := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example"} {
			resp := ann.post("/workspaces/switch", url.Values{"workspace": {personal}, "next": {next}})
			if loc := resp.Header.Get("Location"); loc != "/dashboard" {
				t.Errorf("switch with next %q: redirect to %q, want /dashboard", next, loc)
			}
		}
	})
}
