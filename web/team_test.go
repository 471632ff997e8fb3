package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/teams"
)

// createTeam creates a team as b, which switches b's session into it.
func (b *browser) createTeam(name string) {
	b.app.t.Helper()
	resp := b.post("/teams", url.Values{"name": {name}})
	if resp.StatusCode != http.StatusSeeOther {
		b.app.t.Fatalf("create team: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
	}
}

// teamID returns the id of the team named name.
func (a *testApp) teamID(name string) string {
	a.t.Helper()
	var id string
	if err := a.db.SQL().QueryRowContext(context.Background(), `SELECT id FROM workspaces WHERE name = $1 AND kind = 'team'`, name).Scan(&id); err != nil {
		a.t.Fatalf("team %s: %v", name, err)
	}
	return id
}

// invite sends an invite from admin and returns the emailed token.
func (b *browser) invite(email, role string) string {
	b.app.t.Helper()
	resp := b.post("/team/invites", url.Values{"email": {email}, "role": {role}})
	if resp.StatusCode != http.StatusSeeOther {
		b.app.t.Fatalf("invite %s: status %d, want 303; body:\n%s", email, resp.StatusCode, resp.Body)
	}
	return b.app.mail.take(b.app.t, email).token(b.app.t, "/invites/accept")
}

// acceptInvite opens the invite link and posts the accept form.
func (b *browser) acceptInvite(token string) (page, accept *response) {
	b.app.t.Helper()
	first := b.get("/invites/accept?token=" + url.QueryEscape(token))
	if first.StatusCode != http.StatusSeeOther {
		return first, first
	}
	page = b.get("/invites/accept")
	return page, b.post("/invites/accept", url.Values{})
}

func (b *browser) switchTo(workspaceID string) {
	b.app.t.Helper()
	if resp := b.post("/workspaces/switch", url.Values{"workspace": {workspaceID}}); resp.StatusCode != http.StatusSeeOther {
		b.app.t.Fatalf("switch workspace: status %d, want 303", resp.StatusCode)
	}
}

// joinedTeam builds a team "Sales" owned by ann with bob as a member.
func joinedTeam(t *testing.T, app *testApp) (ann, bob *browser) {
	ann, bob = app.newBrowser(), app.newBrowser()
	ann.signUp("Ann", "ann@example.com")
	bob.signUp("Bob", "bob@example.com")
	ann.createTeam("Sales")
	token := ann.invite("Bob@Example.com", "member")
	_, resp := bob.acceptInvite(token)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept invite: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
	}
	return ann, bob
}

func TestTeamSharesDataAndSwitches(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		id := ann.createContact(url.Values{"given": {"Teamwide"}, "family": {"Lead"}})
		if resp := bob.get("/contacts/" + id); resp.StatusCode != http.StatusOK {
			t.Errorf("team member opens team contact: status %d, want 200", resp.StatusCode)
		}
		ann.switchTo(app.scopeOf("ann@example.com").WorkspaceID)
		if resp := ann.get("/contacts/" + id); resp.StatusCode != http.StatusNotFound {
			t.Errorf("team contact in personal workspace: status %d, want 404", resp.StatusCode)
		}
		if resp := ann.get("/contacts"); strings.Contains(resp.Body, "Teamwide") {
			t.Error("personal contact list shows a team contact")
		}
		ann.switchTo(app.teamID("Sales"))
		if resp := ann.get("/contacts"); !strings.Contains(resp.Body, "Teamwide") {
			t.Error("team contact list lacks the team contact after switching back")
		}
	})
}

func TestTeamRoles(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		annID := app.scopeOf("ann@example.com").UserID
		bobID := app.scopeOf("bob@example.com").UserID
		for path, form := range map[string]url.Values{
			"/team/invites":                      {"email": {"x@example.com"}, "role": {"member"}},
			"/team/members/" + annID + "/remove": {},
			"/team/rename":                       {"name": {"Renamed"}},
			"/pipeline/stages":                   {"name": {"Extra"}},
		} {
			if resp := bob.post(path, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("member POST %s: status %d, want 403", path, resp.StatusCode)
			}
		}
		if resp := ann.post("/team/leave", nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("last owner leaves: status %d, want 422 with the team page", resp.StatusCode)
		}

		// An admin can remove a member but not an owner.
		carl := app.newBrowser()
		carl.signUp("Carl", "carl@example.com")
		if _, resp := carl.acceptInvite(ann.invite("carl@example.com", "admin")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("admin accepts invite: status %d", resp.StatusCode)
		}
		if resp := carl.post("/team/members/"+annID+"/remove", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("admin removes owner: status %d, want 403", resp.StatusCode)
		}
		id := ann.createContact(url.Values{"given": {"Secret"}})
		if resp := bob.get("/contacts/" + id); resp.StatusCode != http.StatusOK {
			t.Fatalf("member opens team contact before removal: status %d", resp.StatusCode)
		}
		if resp := carl.post("/team/members/"+bobID+"/remove", nil); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("admin removes member: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		if resp := bob.get("/contacts/" + id); resp.StatusCode != http.StatusNotFound {
			t.Errorf("removed member's next request: status %d, want 404", resp.StatusCode)
		}

		carlID := app.scopeOf("carl@example.com").UserID
		if resp := ann.post("/team/transfer", url.Values{"user": {carlID}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("owner transfers: status %d, want 303", resp.StatusCode)
		}
		if resp := ann.post("/team/leave", nil); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("former owner leaves: status %d, want 303", resp.StatusCode)
		}
		if resp := carl.get("/team"); !strings.Contains(resp.Body, "ownership_transferred") || !strings.Contains(resp.Body, "member_removed") {
			t.Error("team activity lacks the transfer or the removal")
		}
	})
}

func TestTeamInvites(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, eve, dan := app.newBrowser(), app.newBrowser(), app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		eve.signUp("Eve", "eve@example.com")
		dan.signUp("Dan", "dan@example.com")
		ann.createTeam("Sales")
		members := countRows(t, app.db, "memberships")

		token := ann.invite("dan@example.com", "member")
		var stored string
		if err := app.db.SQL().QueryRowContext(context.Background(), `SELECT token_hash FROM team_invites`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != teams.HashToken(token) {
			t.Error("stored token is not the SHA-256 of the emailed token")
		}
		page, resp := eve.acceptInvite(token)
		if strings.Contains(page.Body, token) {
			t.Error("accept page contains the token")
		}
		if !strings.Contains(page.Body, "Sales") || !strings.Contains(page.Body, "Ann") {
			t.Error("accept page lacks the team or inviter name")
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("wrong account accepts: status %d, want 403", resp.StatusCode)
		}
		if got := countRows(t, app.db, "memberships"); got != members {
			t.Errorf("memberships after wrong account: %d, want %d", got, members)
		}
		if _, resp := dan.acceptInvite(token); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("invited account accepts: status %d, want 303", resp.StatusCode)
		}
		if _, resp := dan.acceptInvite(token); resp.StatusCode != http.StatusNotFound {
			t.Errorf("reused invite: status %d, want 404", resp.StatusCode)
		}

		fay := app.newBrowser()
		fay.signUp("Fay", "fay@example.com")
		old := ann.invite("fay@example.com", "member")
		var inviteID string
		if err := app.db.SQL().QueryRowContext(context.Background(), `SELECT id FROM team_invites WHERE email = 'fay@example.com'`).Scan(&inviteID); err != nil {
			t.Fatal(err)
		}
		if resp := ann.post("/team/invites/"+inviteID+"/resend", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("resend: status %d", resp.StatusCode)
		}
		fresh := app.mail.take(t, "fay@example.com").token(t, "/invites/accept")
		if _, resp := fay.acceptInvite(old); resp.StatusCode != http.StatusNotFound {
			t.Errorf("replaced token: status %d, want 404", resp.StatusCode)
		}
		if resp := ann.post("/team/invites/"+inviteID+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: status %d", resp.StatusCode)
		}
		if _, resp := fay.acceptInvite(fresh); resp.StatusCode != http.StatusNotFound {
			t.Errorf("revoked invite: status %d, want 404", resp.StatusCode)
		}

		expiring := ann.invite("fay@example.com", "member")
		app.clock.Advance(8 * 24 * time.Hour)
		// The session idled out too, so Fay logs in again first.
		if resp := fay.logIn("fay@example.com", testPassword); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("log in again: status %d", resp.StatusCode)
		}
		if _, resp := fay.acceptInvite(expiring); resp.StatusCode != http.StatusNotFound {
			t.Errorf("expired invite: status %d, want 404", resp.StatusCode)
		}
	})
}
