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

// requireMovedBack checks that b's next request, for path, finds b's team
// gone: the page it gets, in the personal workspace, shows the notice.
func (b *browser) requireMovedBack(path string) *response {
	b.app.t.Helper()
	resp := b.get(path)
	if !strings.Contains(resp.Body, "You no longer have access to the team you were working in") {
		b.app.t.Errorf("GET %s after losing the team (status %d) does not say why the workspace changed", path, resp.StatusCode)
	}
	if again := b.get(path); strings.Contains(again.Body, "You no longer have access") {
		b.app.t.Errorf("GET %s repeats the notice about the lost team", path)
	}
	return resp
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
		if resp := bob.requireMovedBack("/contacts/" + id); resp.StatusCode != http.StatusNotFound {
			t.Errorf("removed member's next request: status %d, want 404", resp.StatusCode)
		}

		carlID := app.scopeOf("carl@example.com").UserID
		if resp := ann.post("/team/transfer", url.Values{"user": {carlID}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("owner transfers: status %d, want 303", resp.StatusCode)
		}
		if resp := ann.post("/team/leave", nil); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("former owner leaves: status %d, want 303", resp.StatusCode)
		}
		activity := activityList(t, carl.get("/team").Body)
		mustContain(t, "team activity", activity, "Ann transferred ownership to Carl (carl@example.com).",
			"Carl removed Bob (bob@example.com) from the team.", "Ann left the team.")
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

// activityList returns the activity list of a team page.
func activityList(t *testing.T, body string) string {
	t.Helper()
	start := strings.Index(body, `<ul class="activity">`)
	if start < 0 {
		t.Fatalf("team page has no activity list; body:\n%s", body)
	}
	end := strings.Index(body[start:], "</ul>")
	if end < 0 {
		t.Fatalf("team page has an unclosed activity list; body:\n%s", body)
	}
	return body[start : start+end]
}

// requireInvitePage checks that resp is the invite page of the team Sales
// from Ann, showing the accept form or the log-in and sign-up links.
func requireInvitePage(t *testing.T, resp *response, token string, loggedIn bool) {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invite page: status %d, want 200; body:\n%s", resp.StatusCode, resp.Body)
	}
	mustContain(t, "invite page", resp.Body, "<h1>Join Sales</h1>", "Ann invited you to the team Sales on Chatalott.")
	if strings.Contains(resp.Body, token) {
		t.Error("invite page contains the invite token")
	}
	hasAcceptForm := strings.Contains(resp.Body, `<form method="post" action="/invites/accept">`)
	if hasAcceptForm != loggedIn {
		t.Errorf("invite page has the accept form: %v, want %v", hasAcceptForm, loggedIn)
	}
	if !loggedIn {
		mustContain(t, "invite page for a visitor", resp.Body, `href="/login?next=/invites/accept"`, `href="/signup"`)
	}
}

// signUpFromInvite opens the invite link with token in a new browser, signs
// up as name with email, and confirms the address from the emailed link.
// It returns the browser, still logged out, and the redirect that followed
// the confirmation.
func signUpFromInvite(t *testing.T, app *testApp, token, name, email string) (*browser, *response) {
	t.Helper()
	b := app.newBrowser()
	if resp := b.get("/invites/accept?token=" + url.QueryEscape(token)); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/invites/accept" {
		t.Fatalf("open invite link: status %d location %q, want 303 to /invites/accept", resp.StatusCode, resp.Header.Get("Location"))
	}
	requireInvitePage(t, b.get("/invites/accept"), token, false)

	resp := b.post("/signup", url.Values{"name": {name}, "email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "<h1>Check your email</h1>") {
		t.Fatalf("sign up %s: status %d, want 200 with the check-your-email page", email, resp.StatusCode)
	}
	verifyToken := app.mail.take(t, email).token(t, "/verify-email")
	if resp := b.get("/verify-email?token=" + url.QueryEscape(verifyToken)); resp.StatusCode != http.StatusOK {
		t.Fatalf("open verification link: status %d, want 200", resp.StatusCode)
	}
	return b, b.post("/verify-email", url.Values{"token": {verifyToken}})
}

// TestInviteSignUpReturnsToInvite follows a visitor without an account from
// the invite link through sign-up, email confirmation and log-in back to
// the invite page, where they accept and join the team.
func TestInviteSignUpReturnsToInvite(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann := app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		ann.createTeam("Sales")
		token := ann.invite("dan@example.com", "member")

		dan, verified := signUpFromInvite(t, app, token, "Dan", "dan@example.com")
		wantLogIn := "/login?notice=email-verified&next=%2Finvites%2Faccept"
		if verified.StatusCode != http.StatusSeeOther || verified.Header.Get("Location") != wantLogIn {
			t.Fatalf("confirm email: status %d location %q, want 303 to %s", verified.StatusCode, verified.Header.Get("Location"), wantLogIn)
		}
		login := dan.get(wantLogIn)
		mustContain(t, "log-in page after confirming", login.Body, `<input type="hidden" name="next" value="/invites/accept">`)

		resp := dan.post("/login", url.Values{"email": {"dan@example.com"}, "password": {testPassword}, "next": {"/invites/accept"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/invites/accept" {
			t.Fatalf("log in: status %d location %q, want 303 to /invites/accept", resp.StatusCode, resp.Header.Get("Location"))
		}
		requireInvitePage(t, dan.get("/invites/accept"), token, true)

		resp = dan.post("/invites/accept", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/team?") {
			t.Fatalf("accept: status %d location %q, want 303 to /team; body:\n%s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
		}
		team := dan.get("/team")
		mustContain(t, "team page after accepting", team.Body, "<h1>Team: Sales</h1>", "<p>Your role: member</p>",
			"<tr><td>Dan</td><td>dan@example.com</td><td>member</td>")
		if got := membershipRoles(t, app, app.teamID("Sales")); got["dan@example.com"] != "member" {
			t.Errorf("Dan's stored role in Sales: %q, want member", got["dan@example.com"])
		}

		// The accepted invite cleared the cookie, so the next log-in lands
		// on the dashboard again.
		resp = dan.post("/login", url.Values{"email": {"dan@example.com"}, "password": {testPassword}})
		if got := resp.Header.Get("Location"); got != "/dashboard" {
			t.Errorf("log in after accepting: redirect to %q, want /dashboard", got)
		}
	})
}

// TestInviteLogInReturnsToInvite checks that a log-in without next, from a
// browser that opened an invite link, lands on the invite page, and that an
// off-site next never wins over it.
func TestInviteLogInReturnsToInvite(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, dan := app.newBrowser(), app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		dan.signUp("Dan", "dan@example.com")
		ann.createTeam("Sales")
		token := ann.invite("dan@example.com", "member")
		if resp := dan.post("/logout", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("log out: status %d, want 303", resp.StatusCode)
		}
		dan.get("/invites/accept?token=" + url.QueryEscape(token))

		login := dan.get("/login")
		mustContain(t, "log-in page without next", login.Body, `<input type="hidden" name="next" value="">`)
		for _, next := range []string{"", "//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
			resp := dan.post("/login", url.Values{"email": {"dan@example.com"}, "password": {testPassword}, "next": {next}})
			if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/invites/accept" {
				t.Errorf("log in with next %q and an invite: status %d location %q, want 303 to /invites/accept", next, resp.StatusCode, got)
			}
		}
		resp := dan.post("/login", url.Values{"email": {"dan@example.com"}, "password": {testPassword}, "next": {"/contacts"}})
		if got := resp.Header.Get("Location"); got != "/contacts" {
			t.Errorf("log in with next /contacts and an invite: redirect to %q, want /contacts", got)
		}
		if resp := dan.get("/login"); resp.Header.Get("Location") != "/invites/accept" {
			t.Errorf("log-in page while logged in with an invite: redirect to %q, want /invites/accept", resp.Header.Get("Location"))
		}

		if resp := ann.post("/team/invites/"+app.firstID("team_invites", app.teamID("Sales"), "")+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: status %d, want 303", resp.StatusCode)
		}
		resp = dan.post("/login", url.Values{"email": {"dan@example.com"}, "password": {testPassword}})
		if got := resp.Header.Get("Location"); got != "/dashboard" {
			t.Errorf("log in with a revoked invite in the cookie: redirect to %q, want /dashboard", got)
		}
	})
}

// TestInviteVerifyWhileLoggedIn covers a user who signs up from an invite
// and logs in before confirming the address: accepting fails until the
// confirmation, which then leads back to the invite page.
func TestInviteVerifyWhileLoggedIn(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, dan := app.newBrowser(), app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		ann.createTeam("Sales")
		token := ann.invite("dan@example.com", "member")
		dan.get("/invites/accept?token=" + url.QueryEscape(token))
		if resp := dan.post("/signup", url.Values{"name": {"Dan"}, "email": {"dan@example.com"}, "password": {testPassword}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("sign up: status %d, want 200", resp.StatusCode)
		}
		verifyToken := app.mail.take(t, "dan@example.com").token(t, "/verify-email")

		resp := dan.post("/login", url.Values{"email": {"dan@example.com"}, "password": {testPassword}})
		if got := resp.Header.Get("Location"); got != "/invites/accept" {
			t.Fatalf("log in before confirming: redirect to %q, want /invites/accept", got)
		}
		members := countRows(t, app.db, "memberships")
		resp = dan.post("/invites/accept", url.Values{})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Body, "Verify your email address first") {
			t.Errorf("accept before confirming: status %d, want 403 asking to verify", resp.StatusCode)
		}
		if got := countRows(t, app.db, "memberships"); got != members {
			t.Errorf("memberships after accepting unconfirmed: %d, want %d", got, members)
		}

		resp = dan.post("/verify-email", url.Values{"token": {verifyToken}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/invites/accept" {
			t.Fatalf("confirm while logged in: status %d location %q, want 303 to /invites/accept", resp.StatusCode, resp.Header.Get("Location"))
		}
		requireInvitePage(t, dan.get("/invites/accept"), token, true)
		if resp := dan.post("/invites/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept after confirming: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		if got := membershipRoles(t, app, app.teamID("Sales")); got["dan@example.com"] != "member" {
			t.Errorf("Dan's stored role in Sales: %q, want member", got["dan@example.com"])
		}
	})
}

// TestInviteSignUpOtherAddress checks that an account signed up from the
// invite link with an address other than the invited one reaches the
// invite page but cannot accept.
func TestInviteSignUpOtherAddress(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann := app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		ann.createTeam("Sales")
		token := ann.invite("dan@example.com", "member")

		eve, verified := signUpFromInvite(t, app, token, "Eve", "eve@example.com")
		if got := verified.Header.Get("Location"); got != "/login?notice=email-verified&next=%2Finvites%2Faccept" {
			t.Fatalf("confirm email: redirect to %q, want the log-in page with next /invites/accept", got)
		}
		resp := eve.post("/login", url.Values{"email": {"eve@example.com"}, "password": {testPassword}, "next": {"/invites/accept"}})
		if got := resp.Header.Get("Location"); got != "/invites/accept" {
			t.Fatalf("log in: redirect to %q, want /invites/accept", got)
		}
		requireInvitePage(t, eve.get("/invites/accept"), token, true)

		members := countRows(t, app.db, "memberships")
		resp = eve.post("/invites/accept", url.Values{})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Body, "This invite was sent to another email address.") {
			t.Errorf("other address accepts: status %d, want 403 naming the address mismatch", resp.StatusCode)
		}
		if got := countRows(t, app.db, "memberships"); got != members {
			t.Errorf("memberships after the other address accepts: %d, want %d", got, members)
		}
		if _, ok := membershipRoles(t, app, app.teamID("Sales"))["eve@example.com"]; ok {
			t.Error("Eve is a member of Sales after accepting an invite sent to Dan")
		}
		if resp := eve.get("/team"); !strings.Contains(resp.Body, "<h1>Teams</h1>") {
			t.Error("Eve's session is not in her personal workspace after the rejected accept")
		}
	})
}

// TestTeamActivityNames checks that the activity list names the actor and
// the member each event concerns, and shows no user id.
func TestTeamActivityNames(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, carl, _ := teamOfThree(t, app)
		bobID := app.scopeOf("bob@example.com").UserID
		carlID := app.scopeOf("carl@example.com").UserID
		for _, step := range []struct {
			user *browser
			path string
			form url.Values
		}{
			{ann, "/team/members/" + bobID + "/role", url.Values{"role": {"admin"}}},
			{ann, "/team/members/" + bobID + "/role", url.Values{"role": {"member"}}},
			{carl, "/team/members/" + bobID + "/remove", nil},
			{ann, "/team/transfer", url.Values{"user": {carlID}}},
			{carl, "/team/rename", url.Values{"name": {"Sales EU"}}},
		} {
			if resp := step.user.post(step.path, step.form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST %s: status %d, want 303; body:\n%s", step.path, resp.StatusCode, resp.Body)
			}
		}
		carl.invite("fay@example.com", "admin")
		inviteID := app.firstID("team_invites", app.teamID("Sales EU"), "AND email = 'fay@example.com'")
		if resp := carl.post("/team/invites/"+inviteID+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: status %d, want 303", resp.StatusCode)
		}

		activity := activityList(t, ann.get("/team").Body)
		mustContain(t, "team activity", activity,
			"Ann created the team Sales.",
			"Ann invited Bob@Example.com as member.",
			"Bob accepted the invite to Bob@Example.com and joined as member.",
			"Ann invited carl@example.com as admin.",
			"Carl accepted the invite to carl@example.com and joined as admin.",
			"Ann made Bob (bob@example.com) an admin.",
			"Ann made Bob (bob@example.com) a member.",
			"Carl removed Bob (bob@example.com) from the team.",
			"Ann transferred ownership to Carl (carl@example.com).",
			"Carl renamed the team to Sales EU.",
			"Carl invited fay@example.com as admin.",
			"Carl revoked the invite to fay@example.com.")
		for name, id := range map[string]string{"Bob": bobID, "Carl": carlID, "Ann": app.scopeOf("ann@example.com").UserID} {
			if strings.Contains(activity, id) {
				t.Errorf("team activity shows %s's user id", name)
			}
		}
		if got, want := strings.Count(activity, "<li "), 12; got != want {
			t.Errorf("team activity has %d entries, want %d", got, want)
		}
	})
}

// TestTeamActivityFormerUser checks that events of an account that no
// longer exists show a neutral label in place of the name.
func TestTeamActivityFormerUser(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, _ := joinedTeam(t, app)
		bobID := app.scopeOf("bob@example.com").UserID
		if resp := ann.post("/team/members/"+bobID+"/remove", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove Bob: status %d, want 303", resp.StatusCode)
		}
		if _, err := app.db.SQL().ExecContext(context.Background(), `DELETE FROM users WHERE id = $1`, bobID); err != nil {
			t.Fatalf("delete Bob's account: %v", err)
		}

		resp := ann.get("/team")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("team page: status %d, want 200", resp.StatusCode)
		}
		activity := activityList(t, resp.Body)
		mustContain(t, "team activity", activity,
			"A former user accepted the invite to Bob@Example.com and joined as member.",
			"Ann removed a former user from the team.")
		if strings.Contains(activity, bobID) {
			t.Error("team activity shows the deleted user's id")
		}
	})
}
