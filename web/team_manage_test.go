package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// teamOfThree builds the team "Sales" owned by Ann, with Carl as an admin
// and Bob as a member. Each of them works in the team.
func teamOfThree(t *testing.T, app *testApp) (ann, carl, bob *browser) {
	t.Helper()
	ann, bob = joinedTeam(t, app)
	carl = app.newBrowser()
	carl.signUp("Carl", "carl@example.com")
	if _, resp := carl.acceptInvite(ann.invite("carl@example.com", "admin")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Carl accepts the admin invite: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
	}
	return ann, carl, bob
}

// membershipRoles returns the stored role of each member of workspaceID,
// by email.
func membershipRoles(t *testing.T, app *testApp, workspaceID string) map[string]string {
	t.Helper()
	rows, err := app.db.SQL().QueryContext(context.Background(), `SELECT u.email, m.role FROM memberships m
JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1`, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	roles := map[string]string{}
	for rows.Next() {
		var email, role string
		if err := rows.Scan(&email, &role); err != nil {
			t.Fatal(err)
		}
		roles[email] = role
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return roles
}

var memberRow = regexp.MustCompile(`<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>`)

// pageRoles returns the role of each member in the members table of a team
// page, by email.
func pageRoles(body string) map[string]string {
	roles := map[string]string{}
	for _, m := range memberRow.FindAllStringSubmatch(body, -1) {
		roles[m[1]] = m[2]
	}
	return roles
}

// requireRoles checks the roles of the team Sales both in the members
// table of b's team page and in the memberships table.
func requireRoles(t *testing.T, app *testApp, b *browser, want map[string]string) {
	t.Helper()
	page := pageRoles(b.get("/team").Body)
	stored := membershipRoles(t, app, app.teamID("Sales"))
	for _, got := range []struct {
		where string
		roles map[string]string
	}{{"team page", page}, {"memberships", stored}} {
		if len(got.roles) != len(want) {
			t.Errorf("%s lists %d members %v, want %d %v", got.where, len(got.roles), got.roles, len(want), want)
		}
		for email, role := range want {
			if got.roles[email] != role {
				t.Errorf("%s: role of %s is %q, want %q", got.where, email, got.roles[email], role)
			}
		}
	}
}

// teamChecksum hashes the workspaces table and every customer table except
// the volatile ones, so a rejected request can be shown to change nothing.
func teamChecksum(t *testing.T, app *testApp) string {
	t.Helper()
	tables := []string{"workspaces"}
	for _, table := range sqlstoretest.WorkspaceTables(t, app.db) {
		if _, volatile := volatileTables[table]; !volatile {
			tables = append(tables, table)
		}
	}
	var sums []string
	for _, table := range tables {
		sums = append(sums, table+": "+unorderedChecksum(t, app.db.SQL(), table))
	}
	return strings.Join(sums, "\n")
}

// personalWorkspace returns the id of the personal workspace of the account
// with email.
func (a *testApp) personalWorkspace(email string) string {
	a.t.Helper()
	var id string
	err := a.db.SQL().QueryRowContext(context.Background(), `SELECT w.id FROM workspaces w
JOIN memberships m ON m.workspace_id = w.id JOIN users u ON u.id = m.user_id
WHERE u.email = $1 AND w.kind = 'personal'`, email).Scan(&id)
	if err != nil {
		a.t.Fatalf("personal workspace of %s: %v", email, err)
	}
	return id
}

// requirePersonal checks that b's session works in its personal workspace.
func requirePersonal(t *testing.T, b *browser, label string) {
	t.Helper()
	if resp := b.get("/team"); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "<h1>Teams</h1>") {
		t.Errorf("%s: GET /team status %d, want 200 with the personal workspace page", label, resp.StatusCode)
	}
}

// TestTeamActionsForbidden posts every team management form as a member,
// and the owner-only forms as an admin. Each gets 403 and changes nothing.
func TestTeamActionsForbidden(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, carl, bob := teamOfThree(t, app)
		annID := app.scopeOf("ann@example.com").UserID
		bobID := app.scopeOf("bob@example.com").UserID
		carlID := app.scopeOf("carl@example.com").UserID
		carl.invite("pending@example.com", "member")
		inviteID := app.firstID("team_invites", app.teamID("Sales"), "AND accepted_at IS NULL")

		cases := []struct {
			role string
			user *browser
			path string
			form url.Values
		}{
			{"member", bob, "/team/rename", url.Values{"name": {"Renamed"}}},
			{"member", bob, "/team/delete", url.Values{"confirm": {"Sales"}}},
			{"member", bob, "/team/transfer", url.Values{"user": {bobID}}},
			{"member", bob, "/team/members/" + carlID + "/role", url.Values{"role": {"member"}}},
			{"member", bob, "/team/members/" + bobID + "/role", url.Values{"role": {"admin"}}},
			{"member", bob, "/team/members/" + carlID + "/remove", nil},
			{"member", bob, "/team/members/" + annID + "/remove", nil},
			{"member", bob, "/team/invites", url.Values{"email": {"x@example.com"}, "role": {"member"}}},
			{"member", bob, "/team/invites/" + inviteID + "/resend", nil},
			{"member", bob, "/team/invites/" + inviteID + "/revoke", nil},
			{"admin", carl, "/team/rename", url.Values{"name": {"Renamed"}}},
			{"admin", carl, "/team/delete", url.Values{"confirm": {"Sales"}}},
			{"admin", carl, "/team/transfer", url.Values{"user": {carlID}}},
			{"admin", carl, "/team/members/" + bobID + "/role", url.Values{"role": {"admin"}}},
			{"admin", carl, "/team/members/" + annID + "/remove", nil},
		}
		app.mail.newMail(t)
		before := teamChecksum(t, app)
		for _, c := range cases {
			resp := c.user.post(c.path, c.form)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST %s: status %d, want 403", c.role, c.path, resp.StatusCode)
				continue
			}
			if !strings.Contains(resp.Body, "Your role in this team does not allow you to") {
				t.Errorf("%s POST %s: 403 page does not explain the role; body:\n%s", c.role, c.path, resp.Body)
			}
		}
		if after := teamChecksum(t, app); after != before {
			t.Errorf("tables changed after rejected requests:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		if sent := app.mail.newMail(t); len(sent) != 0 {
			t.Errorf("rejected requests sent %d emails, want 0", len(sent))
		}
		requireRoles(t, app, ann, map[string]string{
			"ann@example.com": "owner", "carl@example.com": "admin", "bob@example.com": "member"})
		if resp := bob.get("/team"); !strings.Contains(resp.Body, "<h1>Team: Sales</h1>") {
			t.Error("member's team page lacks the unchanged team name")
		}
	})
}

// TestTeamRename renames the team through the owner's form and checks the
// new name on every member's page, in the database and in the activity.
func TestTeamRename(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		id := app.teamID("Sales")

		resp := ann.post("/team/rename", url.Values{"name": {"  "}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Enter a team name.") {
			t.Errorf("rename to blank: status %d, want 422 asking for a name", resp.StatusCode)
		}
		if got := app.teamID("Sales"); got != id {
			t.Errorf("team Sales has id %s after a blank rename, want %s", got, id)
		}

		hostile := `<b>Sales</b> & Co`
		resp = ann.post("/team/rename", url.Values{"name": {hostile}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/team?") {
			t.Fatalf("rename: status %d location %q, want 303 to /team", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := app.teamID(hostile); got != id {
			t.Errorf("renamed team has id %s, want %s", got, id)
		}
		escaped := "&lt;b&gt;Sales&lt;/b&gt; &amp; Co"
		for role, b := range map[string]*browser{"owner": ann, "member": bob} {
			page := b.get("/team").Body
			mustContain(t, role+"'s team page", page, "<h1>Team: "+escaped+"</h1>")
			if strings.Contains(page, "<b>Sales</b>") {
				t.Errorf("%s's team page shows the team name as markup", role)
			}
		}
		mustContain(t, "team activity", activityList(t, bob.get("/team").Body), "Ann renamed the team to "+escaped+".")
	})
}

// TestTeamChangeRole makes a member an admin and back through the owner's
// form, and checks the roles and what the member may do after each change.
func TestTeamChangeRole(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		annID := app.scopeOf("ann@example.com").UserID
		bobID := app.scopeOf("bob@example.com").UserID

		if resp := ann.post("/team/members/"+bobID+"/role", url.Values{"role": {"admin"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("make Bob an admin: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		requireRoles(t, app, ann, map[string]string{"ann@example.com": "owner", "bob@example.com": "admin"})
		if resp := bob.post("/team/invites", url.Values{"email": {"new@example.com"}, "role": {"member"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("admin Bob invites: status %d, want 303", resp.StatusCode)
		}
		app.mail.take(t, "new@example.com")

		if resp := ann.post("/team/members/"+bobID+"/role", url.Values{"role": {"member"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("make Bob a member: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		requireRoles(t, app, bob, map[string]string{"ann@example.com": "owner", "bob@example.com": "member"})
		if resp := bob.post("/team/invites", url.Values{"email": {"other@example.com"}, "role": {"member"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("member Bob invites: status %d, want 403", resp.StatusCode)
		}

		before := teamChecksum(t, app)
		resp := ann.post("/team/members/"+bobID+"/role", url.Values{"role": {"owner"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Choose admin or member.") {
			t.Errorf("role owner: status %d, want 422 asking for admin or member", resp.StatusCode)
		}
		resp = ann.post("/team/members/"+annID+"/role", url.Values{"role": {"member"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "An owner&#39;s role cannot be changed.") {
			t.Errorf("owner's own role: status %d, want 422 saying an owner's role cannot change", resp.StatusCode)
		}
		if after := teamChecksum(t, app); after != before {
			t.Error("tables changed after rejected role changes")
		}
		requireRoles(t, app, ann, map[string]string{"ann@example.com": "owner", "bob@example.com": "member"})
	})
}

// TestTeamTransferOwnership hands the team from Ann to Bob and checks that
// the owner-only rights moved with it.
func TestTeamTransferOwnership(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		bobID := app.scopeOf("bob@example.com").UserID

		before := teamChecksum(t, app)
		resp := ann.post("/team/transfer", url.Values{"user": {app.scopeOf("ann@example.com").UserID}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Choose another member.") {
			t.Errorf("transfer to herself: status %d, want 422 asking for another member", resp.StatusCode)
		}
		if resp := ann.post("/team/transfer", url.Values{"user": {chatalott.NewID()}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("transfer to a user outside the team: status %d, want 404", resp.StatusCode)
		}
		if after := teamChecksum(t, app); after != before {
			t.Error("tables changed after rejected transfers")
		}

		if resp := ann.post("/team/transfer", url.Values{"user": {bobID}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("transfer to Bob: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		requireRoles(t, app, bob, map[string]string{"ann@example.com": "admin", "bob@example.com": "owner"})
		mustContain(t, "new owner's team page", bob.get("/team").Body, "<p>Your role: owner</p>", `action="/team/rename"`)
		if page := ann.get("/team").Body; strings.Contains(page, `action="/team/rename"`) || strings.Contains(page, `action="/team/delete"`) {
			t.Error("former owner's team page still has the rename or delete form")
		}

		before = teamChecksum(t, app)
		if resp := ann.post("/team/rename", url.Values{"name": {"Ann's"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("former owner renames: status %d, want 403", resp.StatusCode)
		}
		if resp := ann.post("/team/transfer", url.Values{"user": {app.scopeOf("ann@example.com").UserID}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("former owner transfers back to herself: status %d, want 403", resp.StatusCode)
		}
		if after := teamChecksum(t, app); after != before {
			t.Error("tables changed after the former owner's rejected requests")
		}
		if resp := bob.post("/team/rename", url.Values{"name": {"Bob's team"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("new owner renames: status %d, want 303", resp.StatusCode)
		}
		mustContain(t, "team activity", activityList(t, ann.get("/team").Body), "Ann transferred ownership to Bob (bob@example.com).")
	})
}

// TestTeamLeave checks that the last owner cannot leave and that a member
// who leaves loses the membership and works in their personal workspace.
func TestTeamLeave(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		id := ann.createContact(url.Values{"given": {"Teamwide"}})

		before := teamChecksum(t, app)
		resp := ann.post("/team/leave", nil)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "You are the last owner.") {
			t.Errorf("last owner leaves: status %d, want 422 saying she is the last owner", resp.StatusCode)
		}
		if after := teamChecksum(t, app); after != before {
			t.Error("tables changed after the last owner's rejected leave")
		}

		resp = bob.post("/team/leave", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("member leaves: status %d location %q, want 303 to /dashboard", resp.StatusCode, resp.Header.Get("Location"))
		}
		requireRoles(t, app, ann, map[string]string{"ann@example.com": "owner"})
		requirePersonal(t, bob, "Bob after leaving")
		if resp := bob.get("/contacts/" + id); resp.StatusCode != http.StatusNotFound {
			t.Errorf("former member opens a team contact: status %d, want 404", resp.StatusCode)
		}
		if page := ann.get("/team").Body; strings.Contains(page, "bob@example.com</td>") {
			t.Error("owner's members table still lists Bob")
		}
		mustContain(t, "team activity", activityList(t, ann.get("/team").Body), "Bob left the team.")
	})
}

// TestTeamRemoveMember removes members through the admin's and the owner's
// forms and checks that the removed member loses access at once.
func TestTeamRemoveMember(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, carl, bob := teamOfThree(t, app)
		bobID := app.scopeOf("bob@example.com").UserID
		carlID := app.scopeOf("carl@example.com").UserID
		id := ann.createContact(url.Values{"given": {"Teamwide"}})

		before := teamChecksum(t, app)
		resp := carl.post("/team/members/"+carlID+"/remove", nil)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "To leave the team yourself, use Leave team.") {
			t.Errorf("admin removes their own membership: status %d, want 422 pointing to Leave team", resp.StatusCode)
		}
		if resp := carl.post("/team/members/"+chatalott.NewID()+"/remove", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("remove an unknown user: status %d, want 404", resp.StatusCode)
		}
		if after := teamChecksum(t, app); after != before {
			t.Error("tables changed after rejected removals")
		}

		if resp := carl.post("/team/members/"+bobID+"/remove", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("admin removes member: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		requireRoles(t, app, ann, map[string]string{"ann@example.com": "owner", "carl@example.com": "admin"})
		if resp := bob.requireMovedBack("/contacts/" + id); resp.StatusCode != http.StatusNotFound {
			t.Errorf("removed member opens a team contact: status %d, want 404", resp.StatusCode)
		}
		requirePersonal(t, bob, "Bob after removal")

		if resp := ann.post("/team/members/"+carlID+"/remove", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("owner removes admin: status %d, want 303; body:\n%s", resp.StatusCode, resp.Body)
		}
		requireRoles(t, app, ann, map[string]string{"ann@example.com": "owner"})
		carl.requireMovedBack("/team")
		requirePersonal(t, carl, "Carl after removal")
		mustContain(t, "team activity", activityList(t, ann.get("/team").Body),
			"Carl removed Bob (bob@example.com) from the team.", "Ann removed Carl (carl@example.com) from the team.")
	})
}

// TestTeamDelete deletes a team full of records through the owner's form.
// Every row of the team goes, other workspaces keep theirs, and sessions
// that worked in the team fall back to the personal workspace.
func TestTeamDelete(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann, bob := joinedTeam(t, app)
		team := app.teamID("Sales")
		fillWorkspace(t, app, ann, "ann@example.com", team, true)
		ann.createContact(url.Values{"given": {"Secret"}, "family": {"Mailed"}, "email_label": {"work"}, "email": {"secret@example.com"}})
		ann.switchTo(app.personalWorkspace("ann@example.com"))
		ann.createContact(url.Values{"given": {"Kept"}, "family": {"Personal"}})
		ann.switchTo(team)

		ctx := context.Background()
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := app.db.SQL().QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return n
		}
		tables := sqlstoretest.WorkspaceTables(t, app.db)
		inTeam := map[string]int{}
		elsewhere := map[string]int{}
		for _, table := range tables {
			// table comes from the database catalog.
			inTeam[table] = count("SELECT COUNT(*) FROM "+table+" WHERE workspace_id = $1", team)
			elsewhere[table] = count("SELECT COUNT(*) FROM "+table+" WHERE workspace_id <> $1", team)
		}
		for _, table := range []string{"contacts", "contact_emails", "companies", "deals", "deal_contacts", "deal_history",
			"pipeline_stages", "relationships", "timeline_entries", "follow_ups", "search_entries", "import_jobs",
			"message_templates", "team_invites", "team_activity", "memberships", "sessions"} {
			if inTeam[table] == 0 {
				t.Errorf("%s has no row of the team before the delete, so the test cannot show that it goes", table)
			}
		}
		users := []any{app.scopeOf("ann@example.com").UserID, app.scopeOf("bob@example.com").UserID}
		const sessionsInTeam = `SELECT COUNT(*) FROM sessions WHERE user_id IN ($1, $2) AND workspace_id = $3`
		if got := count(sessionsInTeam, append(users, team)...); got != 2 {
			t.Errorf("sessions working in the team before the delete: %d, want 2", got)
		}

		before := teamChecksum(t, app)
		resp := ann.post("/team/delete", url.Values{"confirm": {"sales"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Type the team name exactly to confirm.") {
			t.Errorf("delete with a wrong confirmation: status %d, want 422 asking for the exact name", resp.StatusCode)
		}
		if after := teamChecksum(t, app); after != before {
			t.Error("tables changed after a delete with a wrong confirmation")
		}

		resp = ann.post("/team/delete", url.Values{"confirm": {"Sales"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("delete: status %d location %q, want 303 to /dashboard; body:\n%s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
		}
		if got := count(`SELECT COUNT(*) FROM workspaces WHERE id = $1`, team); got != 0 {
			t.Errorf("workspaces rows of the deleted team: %d, want 0", got)
		}
		for _, table := range tables {
			if got := count("SELECT COUNT(*) FROM "+table+" WHERE workspace_id = $1", team); got != 0 {
				t.Errorf("%s rows of the deleted team: %d, want 0 (were %d)", table, got, inTeam[table])
			}
			if table == "sessions" {
				continue
			}
			if got := count("SELECT COUNT(*) FROM "+table+" WHERE workspace_id <> $1", team); got != elsewhere[table] {
				t.Errorf("%s rows of other workspaces: %d, want %d", table, got, elsewhere[table])
			}
		}
		const sessionsPersonal = `SELECT COUNT(*) FROM sessions WHERE user_id IN ($1, $2) AND workspace_id IS NULL`
		if got := count(sessionsPersonal, users...); got != 2 {
			t.Errorf("sessions back in the personal workspace: %d, want 2", got)
		}

		for name, b := range map[string]*browser{"Ann": ann, "Bob": bob} {
			requirePersonal(t, b, name+" after the delete")
			if list := b.get("/contacts").Body; strings.Contains(list, "Secret") {
				t.Errorf("%s's contact list shows a contact of the deleted team", name)
			}
			if page := b.get("/team").Body; strings.Contains(page, "Sales") {
				t.Errorf("%s's workspace list still names the deleted team", name)
			}
		}
		mustContain(t, "Ann's personal contacts", ann.get("/contacts").Body, "Kept")
	})
}

func TestTeamNameUniquePerUser(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		ann := app.newBrowser()
		ann.signUp("Ann", "ann@example.com")
		ann.createTeam("Fjord Sales")
		teams := countRows(t, app.db, "workspaces")

		resp := ann.post("/teams", url.Values{"name": {"fjord sales"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("second team named fjord sales: status %d, want 422", resp.StatusCode)
		}
		mustContain(t, "refused team", resp.Body, "You already belong to a team named “Fjord Sales”. Choose another name.")
		if got := countRows(t, app.db, "workspaces"); got != teams {
			t.Errorf("workspaces: %d rows after the refused team, want %d", got, teams)
		}

		ann.createTeam("Oslo")
		if resp := ann.post("/team/rename", url.Values{"name": {"FJORD SALES"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("rename Oslo to FJORD SALES: status %d, want 422", resp.StatusCode)
		}
		if id := app.teamID("Oslo"); id == "" {
			t.Error("Oslo lost its name after the refused rename")
		}
		if resp := ann.post("/team/rename", url.Values{"name": {"OSLO"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("rename Oslo to OSLO: status %d, want 303", resp.StatusCode)
		}

		// Another account may use the same name.
		bob := app.newBrowser()
		bob.signUp("Bob", "bob@example.com")
		bob.createTeam("Fjord Sales")
	})
}
