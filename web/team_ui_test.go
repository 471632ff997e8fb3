package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/teams"
)

var noticeParagraph = regexp.MustCompile(`<p class="notice" role="status">([^<]*)</p>`)

// noticeOf returns the text of the notice paragraph in body, unescaped, or
// "" when body has none.
func noticeOf(body string) string {
	m := noticeParagraph.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// followNotice checks that resp redirects to /team with a notice key and
// returns the notice that the team page shows for it.
func followNotice(t *testing.T, b *browser, resp *response, step string) string {
	t.Helper()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/team?notice=") {
		t.Fatalf("%s: status %d location %q, want 303 to /team with a notice; body:\n%s", step, resp.StatusCode, loc, resp.Body)
	}
	if strings.ContainsAny(strings.TrimPrefix(loc, "/team?notice="), "+% ") {
		t.Errorf("%s: location %q carries a sentence, want a notice key", step, loc)
	}
	return noticeOf(b.get(loc).Body)
}

// TestTeamNoticeKeysOnly checks that /team shows only the fixed notices
// that its redirects name by key, and never text from the URL.
func TestTeamNoticeKeysOnly(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := app.newBrowser(), app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		bob.signUp("Bob", "bob@example.com")

		if got, want := followNotice(t, ann, ann.post("/teams", url.Values{"name": {"Sales"}}), "create team"),
			"Team created. You are now working in it."; got != want {
			t.Errorf("notice after creating the team: got %q, want %q", got, want)
		}
		if got, want := followNotice(t, ann, ann.post("/team/invites", url.Values{"email": {"bob@example.com"}, "role": {"member"}}), "invite"),
			"Invite sent."; got != want {
			t.Errorf("notice after inviting: got %q, want %q", got, want)
		}
		app.mail.take(t, "bob@example.com")
		inviteID := app.firstID("team_invites", app.teamID("Sales"), "")
		if got, want := followNotice(t, ann, ann.post("/team/invites/"+inviteID+"/resend", nil), "resend"),
			"Invite sent again with a new link. The old link no longer works."; got != want {
			t.Errorf("notice after resending: got %q, want %q", got, want)
		}
		token := app.mail.take(t, "bob@example.com").token(t, "/invites/accept")
		_, accept := bob.acceptInvite(token)
		if got, want := followNotice(t, bob, accept, "accept"), "Welcome to the team."; got != want {
			t.Errorf("notice after accepting: got %q, want %q", got, want)
		}

		bobID := app.scopeOf("bob@example.com").UserID
		steps := []struct {
			step, path string
			form       url.Values
			want       string
		}{
			{"rename", "/team/rename", url.Values{"name": {"Sales EU"}}, "Team renamed."},
			{"change role", "/team/members/" + bobID + "/role", url.Values{"role": {"admin"}}, "Role changed."},
			{"invite", "/team/invites", url.Values{"email": {"eve@example.com"}, "role": {"member"}}, "Invite sent."},
		}
		for _, s := range steps {
			if got := followNotice(t, ann, ann.post(s.path, s.form), s.step); got != s.want {
				t.Errorf("notice after %s: got %q, want %q", s.step, got, s.want)
			}
		}
		eveInvite := app.firstID("team_invites", app.teamID("Sales EU"), "AND email = 'eve@example.com'")
		if got, want := followNotice(t, ann, ann.post("/team/invites/"+eveInvite+"/revoke", nil), "revoke"), "Invite revoked."; got != want {
			t.Errorf("notice after revoking: got %q, want %q", got, want)
		}
		if got, want := followNotice(t, ann, ann.post("/team/transfer", url.Values{"user": {bobID}}), "transfer"),
			"Ownership transferred. You are now an admin."; got != want {
			t.Errorf("notice after transferring: got %q, want %q", got, want)
		}
		annID := app.scopeOf("ann@example.com").UserID
		if got, want := followNotice(t, bob, bob.post("/team/members/"+annID+"/remove", nil), "remove"), "Member removed."; got != want {
			t.Errorf("notice after removing: got %q, want %q", got, want)
		}

		for _, notice := range []string{"Your account is suspended", "Your+account", "<b>bold</b>", "logged-out", "contact-saved"} {
			page := bob.get("/team?notice=" + url.QueryEscape(notice))
			if page.StatusCode != http.StatusOK {
				t.Errorf("GET /team with notice %q: status %d, want 200", notice, page.StatusCode)
			}
			if got := noticeOf(page.Body); got != "" {
				t.Errorf("GET /team with notice %q shows notice %q, want none", notice, got)
			}
			if strings.Contains(page.Body, "Your account is suspended") || strings.Contains(page.Body, "bold") {
				t.Errorf("GET /team with notice %q shows text from the URL", notice)
			}
		}
	})
}

// TestInviteRejectsMemberAndPending checks that an invite to a member's
// address or to an address with a pending invite gets 422 and a message
// naming the address, and stores and sends nothing. An expired, revoked or
// accepted invite does not block a new one.
func TestInviteRejectsMemberAndPending(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		ann.invite("eve@example.com", "member")
		team := app.teamID("Sales")

		invites, activity := countRows(t, app.db, "team_invites"), countRows(t, app.db, "team_activity")
		app.mail.newMail(t)
		cases := []struct {
			name, email, want string
		}{
			{"member in another case", "Bob@Example.COM", "Bob@Example.COM is already a member of this team."},
			{"member with spaces", "  bob@example.com ", "bob@example.com is already a member of this team."},
			{"inviter herself", "ann@example.com", "ann@example.com is already a member of this team."},
			{"pending invite", "EVE@example.com",
				"An invite to EVE@example.com is already pending. To send its link again, use Resend in the list of pending invites."},
		}
		for _, c := range cases {
			resp := ann.post("/team/invites", url.Values{"email": {c.email}, "role": {"admin"}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", c.name, resp.StatusCode)
			}
			mustContain(t, c.name+": team page", resp.Body, `<span class="field-error">`+c.want+`</span>`,
				`name="email" type="email" value="`+html.EscapeString(c.email)+`" required>`,
				`<option value="admin" selected>admin</option>`)
		}
		if got := countRows(t, app.db, "team_invites"); got != invites {
			t.Errorf("team_invites after rejected invites: %d, want %d", got, invites)
		}
		if got := countRows(t, app.db, "team_activity"); got != activity {
			t.Errorf("team_activity after rejected invites: %d, want %d", got, activity)
		}
		if sent := app.mail.newMail(t); len(sent) != 0 {
			t.Errorf("rejected invites sent %d emails, want 0", len(sent))
		}

		// A revoked invite does not block a new one.
		eveInvite := app.firstID("team_invites", team, "AND email = 'eve@example.com'")
		if resp := ann.post("/team/invites/"+eveInvite+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke Eve's invite: status %d, want 303", resp.StatusCode)
		}
		ann.invite("eve@example.com", "member")

		// An accepted invite does not block a new one once the member is gone.
		bobID := app.scopeOf("bob@example.com").UserID
		if resp := ann.post("/team/members/"+bobID+"/remove", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove Bob: status %d, want 303", resp.StatusCode)
		}
		if _, resp := bob.acceptInvite(ann.invite("bob@example.com", "member")); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("Bob accepts the new invite: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}

		// An expired invite does not block a new one. The clock also ends
		// Ann's session, so she logs in and returns to the team first.
		app.clock.Advance(teams.InviteLifetime + time.Hour)
		if resp := ann.logIn("ann@example.com", testPassword); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("log in again: status %d, want 303", resp.StatusCode)
		}
		ann.switchTo(team)
		ann.invite("eve@example.com", "member")

		var pending int
		err := app.db.SQL().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM team_invites
WHERE workspace_id = $1 AND email_normalized = 'eve@example.com' AND revoked_at IS NULL AND accepted_at IS NULL
AND expires_at > $2`, team, app.clock.Now()).Scan(&pending)
		if err != nil {
			t.Fatal(err)
		}
		if pending != 1 {
			t.Errorf("pending invites to Eve: %d, want 1", pending)
		}
	})
}

// TestInvitePageAsksToConfirmEmail checks that the invite page shows an
// invitee with an unconfirmed address how to confirm it and no accept
// button, and shows the button once the address is confirmed.
func TestInvitePageAsksToConfirmEmail(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, dan := app.newBrowser(), app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		ann.createTeam("Sales")
		token := ann.invite("dan@example.com", "member")
		dan.get("/invites/accept?token=" + url.QueryEscape(token))
		if resp := dan.post("/signup", url.Values{"name": {"Dan"}, "email": {"dan@example.com"}, "password": {testPassword}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("sign up: status %d, want 200", resp.StatusCode)
		}
		app.mail.take(t, "dan@example.com")
		if resp := dan.logIn("dan@example.com", testPassword); resp.Header.Get("Location") != "/invites/accept" {
			t.Fatalf("log in before confirming: redirect to %q, want /invites/accept", resp.Header.Get("Location"))
		}

		const confirmFirst = "To accept, first confirm your email address dan@example.com with the link we emailed to it."
		const resendButton = `<form method="post" action="/settings/verify-email" class="inline"><input type="hidden" name="next" value="/invites/accept"><button type="submit" class="link">Send the confirmation link again</button></form>`
		const acceptForm = `<form method="post" action="/invites/accept">`
		unverified := dan.get("/invites/accept")
		if unverified.StatusCode != http.StatusOK {
			t.Fatalf("invite page before confirming: status %d, want 200", unverified.StatusCode)
		}
		mustContain(t, "invite page before confirming", unverified.Body, "<h1>Join Sales</h1>", confirmFirst, resendButton)
		if strings.Contains(unverified.Body, acceptForm) || strings.Contains(unverified.Body, "Accept invite") {
			t.Error("invite page before confirming has the accept button")
		}

		resp := dan.post("/settings/verify-email", url.Values{"next": {"/invites/accept"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/invites/accept?notice=verification-sent" {
			t.Fatalf("send the link again: status %d location %q, want 303 back to the invite", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "invite page after sending the link again", dan.get("/invites/accept?notice=verification-sent").Body,
			"We sent a new confirmation link to your email address.")
		verifyToken := app.mail.take(t, "dan@example.com").token(t, "/verify-email")
		if resp := dan.post("/verify-email", url.Values{"token": {verifyToken}}); resp.Header.Get("Location") != "/invites/accept" {
			t.Fatalf("confirm: redirect to %q, want /invites/accept", resp.Header.Get("Location"))
		}

		verified := dan.get("/invites/accept")
		mustContain(t, "invite page after confirming", verified.Body, acceptForm, "Accept invite")
		if strings.Contains(verified.Body, confirmFirst) || strings.Contains(verified.Body, "Send the confirmation link again") {
			t.Error("invite page after confirming still asks to confirm the address")
		}
	})
}

// TestTeamFormsAskToConfirm checks that the forms that remove a member,
// transfer ownership, leave the team and revoke an invite carry a
// data-confirm question that names the person or the team, escaped.
func TestTeamFormsAskToConfirm(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, carl, _ := teamOfThree(t, app)
		if resp := ann.post("/team/rename", url.Values{"name": {`Fjord "Sales" <b>`}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: status %d, want 303", resp.StatusCode)
		}
		carl.invite("pending@example.com", "member")
		team := app.teamID(`Fjord "Sales" <b>`)
		inviteID := app.firstID("team_invites", team, "AND email = 'pending@example.com'")
		bobID := app.scopeOf("bob@example.com").UserID
		carlID := app.scopeOf("carl@example.com").UserID
		const teamName = `Fjord &#34;Sales&#34; &lt;b&gt;`

		owner := ann.get("/team").Body
		mustContain(t, "owner's team page", owner,
			`<form method="post" action="/team/members/`+bobID+`/remove" class="inline" data-confirm="Remove Bob (bob@example.com) from the team `+teamName+`? They lose access to its data at once.">`,
			`<form method="post" action="/team/members/`+carlID+`/remove" class="inline" data-confirm="Remove Carl (carl@example.com) from the team `+teamName+`? They lose access to its data at once.">`,
			`<form method="post" action="/team/transfer" class="inline" data-confirm="Make Bob (bob@example.com) the owner of the team `+teamName+`? You become an admin and can no longer rename or delete the team.">`,
			`<form method="post" action="/team/transfer" class="inline" data-confirm="Make Carl (carl@example.com) the owner of the team `+teamName+`? You become an admin and can no longer rename or delete the team.">`,
			`<form method="post" action="/team/invites/`+inviteID+`/revoke" class="inline" data-confirm="Revoke the invite to pending@example.com? Its link stops working.">`,
			"You are the only owner, so you cannot leave: transfer ownership to a member or delete the team first.")
		if strings.Contains(owner, `action="/team/leave"`) {
			t.Error("the only owner's team page offers to leave, which the server refuses")
		}
		if strings.Contains(owner, `"Sales"`) || strings.Contains(owner, "<b>") {
			t.Error("owner's team page shows the team name unescaped")
		}

		admin := carl.get("/team").Body
		mustContain(t, "admin's team page", admin,
			`<form method="post" action="/team/members/`+bobID+`/remove" class="inline" data-confirm="Remove Bob (bob@example.com) from the team `+teamName+`?`,
			`<form method="post" action="/team/leave" data-confirm="Leave the team `+teamName+`? You lose access to its data until someone invites you again.">`,
			`<form method="post" action="/team/invites/`+inviteID+`/revoke" class="inline" data-confirm="Revoke the invite to pending@example.com?`)
		for _, action := range []string{"remove", "transfer", "leave", "revoke"} {
			page, role := owner, "owner"
			if action == "leave" {
				page, role = admin, "admin"
			}
			forms := regexp.MustCompile(`<form method="post" action="/team/[^"]*`+action+`"[^>]*>`).FindAllString(page, -1)
			if len(forms) == 0 {
				t.Errorf("%s's team page has no %s form", role, action)
			}
			for _, form := range forms {
				if !strings.Contains(form, ` data-confirm="`) {
					t.Errorf("%s form without data-confirm: %s", action, form)
				}
			}
		}
	})
}

// TestTeamRoleSelectShowsCurrentRole checks that the role dropdown of each
// member in the owner's members table preselects that member's role.
func TestTeamRoleSelectShowsCurrentRole(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, _, _ := teamOfThree(t, app)
		page := ann.get("/team").Body
		for _, c := range []struct {
			email, role, other string
		}{
			{"carl@example.com", "admin", "member"},
			{"bob@example.com", "member", "admin"},
		} {
			id := app.scopeOf(c.email).UserID
			form := regexp.MustCompile(`(?s)<form method="post" action="/team/members/` + id + `/role"[^>]*>.*?</form>`).FindString(page)
			if form == "" {
				t.Errorf("%s: no role form on the owner's team page", c.email)
				continue
			}
			if want := `<option value="` + c.role + `" selected>`; !strings.Contains(form, want) {
				t.Errorf("%s: role form lacks %s; form: %s", c.email, want, form)
			}
			if strings.Contains(form, `<option value="`+c.other+`" selected>`) {
				t.Errorf("%s: role form preselects %s, want %s; form: %s", c.email, c.other, c.role, form)
			}
			if got := strings.Count(form, " selected"); got != 1 {
				t.Errorf("%s: role form has %d selected options, want 1", c.email, got)
			}
		}
	})
}
