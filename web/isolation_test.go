package web_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// isolationRecords maps a record kind, such as "contact", to the id of one
// record of that kind in one workspace.
type isolationRecords map[string]string

// firstID returns the id of the oldest row of table in workspace that
// matches the extra condition, or "" when there is none.
func (a *testApp) firstID(table, workspace, extra string) string {
	a.t.Helper()
	var id string
	// table and extra are fixed strings chosen by the test.
	err := a.db.SQL().QueryRowContext(context.Background(),
		"SELECT id FROM "+table+" WHERE workspace_id = $1 "+extra+" ORDER BY created_at, id LIMIT 1", workspace).Scan(&id)
	if err != nil && err != sql.ErrNoRows {
		a.t.Fatalf("id from %s: %v", table, err)
	}
	return id
}

// fillWorkspace switches b into workspace and creates one record of every
// kind there through the HTTP forms. Team workspaces also get a shared
// template and a pending invite.
func fillWorkspace(t *testing.T, app *testApp, b *browser, email, workspace string, team bool) isolationRecords {
	tag := "W" + workspace[len(workspace)-6:]
	t.Helper()
	b.switchTo(workspace)
	rec := isolationRecords{}
	rec["contact"] = b.createContact(url.Values{"given": {"Secret"}, "family": {"Person " + tag},
		"email": {"secret-" + strings.ToLower(tag) + "@client.example"}})
	rec["contact2"] = b.createContact(url.Values{"given": {"Secret"}, "family": {"Colleague"}})
	if resp := b.post("/contacts/"+rec["contact"]+"/relationships", url.Values{"kind": {"colleague"}, "to_id": {rec["contact2"]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add relationship: status %d; body:\n%s", resp.StatusCode, resp.Body)
	}
	rec["company"] = b.createCompany(url.Values{"name": {"Secret Corp " + tag}})

	// Stages are created on first use, so they are read through the service.
	var stages []string
	list, err := app.server.Deals.Stages(context.Background(), chatalott.Scope{WorkspaceID: workspace, UserID: app.scopeOf(email).UserID})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range list {
		stages = append(stages, st.ID)
	}
	if len(stages) < 3 {
		t.Fatalf("workspace %s has %d pipeline stages, want at least 3", workspace, len(stages))
	}
	rec["stage"], rec["stage2"] = stages[0], stages[1]
	rec["deal"] = b.createDeal(email, url.Values{"title": {"Secret deal " + tag}, "company_id": {rec["company"]},
		"stage_id": {stages[0]}, "amount": {"5"}, "currency": {"EUR"}})
	for path, form := range map[string]url.Values{
		"/deals/" + rec["deal"] + "/contacts":         {"contact_id": {rec["contact"]}},
		"/deals/" + rec["deal"] + "/stage":            {"stage_id": {stages[1]}},
		"/contacts/" + rec["contact"] + "/notes":      {"body": {"Secret note " + tag}},
		"/contacts/" + rec["contact"] + "/activities": {"kind": {"call"}, "body": {"Secret call"}, "occurred_at": {"2026-01-01T09:00"}},
		"/contacts/" + rec["contact"] + "/follow-ups": {"title": {"Secret follow-up"}, "due": {"2030-01-01T09:00"}},
		"/templates": {"name": {"Secret template " + tag}, "subject": {"Hi {{first_name}}"}, "body": {"Secret body"}},
	} {
		if resp := b.post(path, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: status %d, want 303; body:\n%s", path, resp.StatusCode, resp.Body)
		}
	}
	rec["import"] = b.uploadFile("secret.csv", []byte("First Name,Last Name\nSecret,Import\n"))
	rec["relationship"] = app.firstID("relationships", workspace, "")
	rec["follow-up"] = app.firstID("follow_ups", workspace, "")
	rec["template"] = app.firstID("message_templates", workspace, "AND owner_user_id IS NOT NULL")
	if team {
		if resp := b.post("/templates", url.Values{"name": {"Secret shared " + tag}, "subject": {"Hi"}, "body": {"Shared body"}, "shared": {"on"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create shared template: status %d; body:\n%s", resp.StatusCode, resp.Body)
		}
		rec["shared-template"] = app.firstID("message_templates", workspace, "AND owner_user_id IS NULL")
		b.invite("pending-"+workspace+"@example.com", "member")
		rec["invite"] = app.firstID("team_invites", workspace, "AND accepted_at IS NULL")
	}
	for kind, id := range rec {
		if id == "" {
			t.Fatalf("workspace %s: no %s was created", workspace, kind)
		}
	}
	return rec
}

// checkRowLevelSecurity checks the database's own wall on PostgreSQL, on
// the workspaces the matrix filled. For every confined table, the
// application's role reads no row without a workspace setting, and with
// workspace's setting exactly the rows the owner counts for it.
func checkRowLevelSecurity(t *testing.T, app *testApp, tables []string, workspace string) {
	t.Helper()
	ctx := context.Background()
	for _, table := range tables {
		if _, ok := sqlstore.UnconfinedTables[table]; ok {
			continue
		}
		if !slices.Contains(sqlstore.ConfinedTables, table) {
			t.Errorf("table %s has a workspace_id column but is in neither sqlstore.ConfinedTables nor sqlstore.UnconfinedTables", table)
			continue
		}
		// table comes from the database catalog.
		var total, own, unset, seen int
		if err := app.db.SQL().QueryRowContext(ctx, "SELECT COUNT(*), COUNT(*) FILTER (WHERE workspace_id = $1) FROM "+table, workspace).Scan(&total, &own); err != nil {
			t.Fatal(err)
		}
		if own == 0 || own == total {
			t.Errorf("table %s: the matrix left %d of %d rows in the checked workspace; the check needs rows inside and outside it", table, own, total)
		}
		if err := app.db.AppSQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&unset); err != nil {
			t.Fatal(err)
		}
		if unset != 0 {
			t.Errorf("table %s: without a workspace setting the application role sees %d rows, want 0", table, unset)
		}
		tx, err := app.db.AppSQL().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT set_config('app.workspace_id', $1, true)`, workspace); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&seen); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		if seen != own {
			t.Errorf("table %s: with the workspace set the application role sees %d rows, want that workspace's %d of %d", table, seen, own, total)
		}
	}
}

// unorderedChecksum hashes every row of table independently of row order,
// so it needs no primary key: a changed, added or removed row changes it.
func unorderedChecksum(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	// table comes from the database catalog.
	rows, err := db.QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%v", values))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(sum[:]))
}

// volatileTables lists customer tables that a request may change without
// touching another tenant's data, with the reason.
var volatileTables = map[string]string{
	"sessions": "every request refreshes the caller's own last_seen_at, and switching sets its workspace_id",
}

// routeKinds maps the start of a route path, up to and including its first
// wildcard, to the kind of record that wildcard takes. The second wildcard
// of a path is mapped by name in secondWildcardKinds.
var routeKinds = map[string]string{
	"/contacts/import/{id}":   "import",
	"/contacts/{id}":          "contact",
	"/companies/{id}":         "company",
	"/deals/{id}":             "deal",
	"/pipeline/stages/{id}":   "stage",
	"/follow-ups/{id}":        "follow-up",
	"/templates/{id}":         "template",
	"/team/invites/{id}":      "invite",
	"/team/members/{user}":    "user",
	"/settings/sessions/{id}": "session",
}

var secondWildcardKinds = map[string]string{
	"{contact}": "contact",
	"{rel}":     "relationship",
}

// isolationPath replaces every wildcard of path with the id of the mapped
// kind from ids. It returns "" and the unmapped part when a wildcard has no
// kind.
func isolationPath(path string, ids isolationRecords) (string, string) {
	path = strings.ReplaceAll(path, "{$}", "")
	end := strings.Index(path, "}") + 1
	kind, ok := routeKinds[path[:end]]
	if !ok {
		return "", path[:end]
	}
	out := ids[kind] + path[end:]
	out = path[:strings.LastIndex(path[:end], "{")] + out
	for strings.Contains(out, "{") {
		start := strings.Index(out, "{")
		stop := strings.Index(out, "}") + 1
		kind, ok := secondWildcardKinds[out[start:stop]]
		if !ok {
			return "", out[start:stop]
		}
		out = out[:start] + ids[kind] + out[stop:]
	}
	return out, ""
}

// TestIsolationMatrix fills two teams and four personal workspaces with
// every kind of record, then calls every route that takes an id, with every
// method it serves, as a user of the first team using the second tenant's
// ids. Each returns 404, and a foreign id in a query or form next to A1's
// own ids returns 404 or 422. No page shows the other tenant's data, and no
// customer table changes.
func TestIsolationMatrix(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		users := map[string]*browser{}
		personal := map[string]string{}
		for _, name := range []string{"a1", "a2", "b1", "b2"} {
			users[name] = app.newBrowser()
			users[name].signUp(strings.ToUpper(name), name+"@example.com")
			personal[name] = app.scopeOf(name + "@example.com").WorkspaceID
		}
		for _, team := range []struct{ name, owner, member string }{{"Alpha", "a1", "a2"}, {"Beta", "b1", "b2"}} {
			users[team.owner].createTeam(team.name)
			token := users[team.owner].invite(team.member+"@example.com", "member")
			if _, resp := users[team.member].acceptInvite(token); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s accepts the invite to %s: status %d", team.member, team.name, resp.StatusCode)
			}
		}
		alpha, beta := app.teamID("Alpha"), app.teamID("Beta")

		records := map[string]isolationRecords{}
		records[alpha] = fillWorkspace(t, app, users["a1"], "a1@example.com", alpha, true)
		records[beta] = fillWorkspace(t, app, users["b1"], "b1@example.com", beta, true)
		for name, workspace := range personal {
			records[workspace] = fillWorkspace(t, app, users[name], name+"@example.com", workspace, false)
		}
		b1ID := app.scopeOf("b1@example.com").UserID
		var b1Session string
		if err := app.db.SQL().QueryRowContext(context.Background(), `SELECT id FROM sessions WHERE user_id = $1`, b1ID).Scan(&b1Session); err != nil {
			t.Fatal(err)
		}
		// Personal workspaces have no invites, so B1's personal target
		// uses Beta's invite, which A1 must not reach from any workspace.
		for _, workspace := range []string{beta, personal["b1"]} {
			records[workspace]["user"] = b1ID
			records[workspace]["session"] = b1Session
			if records[workspace]["invite"] == "" {
				records[workspace]["invite"] = records[beta]["invite"]
			}
		}

		tables := sqlstoretest.WorkspaceTables(t, app.db)
		t.Logf("customer tables (with workspace_id): %s", strings.Join(tables, ", "))
		for table, reason := range volatileTables {
			t.Logf("checksum skips %s because %s", table, reason)
		}
		checksums := func() map[string]string {
			sums := map[string]string{}
			for _, table := range tables {
				if _, skip := volatileTables[table]; !skip {
					sums[table] = unorderedChecksum(t, app.db.SQL(), table)
				}
			}
			return sums
		}
		before := checksums()
		if app.db.Dialect == sqlstore.Postgres {
			checkRowLevelSecurity(t, app, tables, alpha)
		}

		a1 := users["a1"]
		requests := 0
		// check reports a response that is not one of want or that shows
		// another tenant's data.
		check := func(label string, resp *response, want ...int) {
			t.Helper()
			requests++
			if !slices.Contains(want, resp.StatusCode) {
				t.Errorf("%s as A1: status %d, want one of %v; body:\n%.300s", label, resp.StatusCode, want, resp.Body)
			}
			for _, secret := range []string{"Person W", "Corp W", "deal W", "note W", "template W", "shared W"} {
				for _, target := range []string{beta, personal["b1"]} {
					if tagged := secret + target[len(target)-6:]; strings.Contains(resp.Body, tagged) {
						t.Errorf("%s as A1: body shows %q of workspace %s", label, tagged, target)
					}
				}
			}
			if strings.Contains(resp.Body, "b1@example.com") {
				t.Errorf("%s as A1: body shows B1's email", label)
			}
		}

		for _, attacker := range []string{alpha, personal["a1"]} {
			a1.switchTo(attacker)
			own := records[attacker]
			// A form that would be valid for A1's own records.
			form := url.Values{"name": {"Hijacked"}, "title": {"Hijacked"}, "given": {"Hijacked"}, "body": {"Hijacked"},
				"subject": {"Hijacked"}, "website": {"hijack.example"}, "kind": {"call"}, "due": {"2030-01-01T09:00"}, "occurred_at": {"2026-01-01T09:00"},
				"snooze": {"day"}, "stage_id": {own["stage2"]}, "owner_id": {app.scopeOf("a1@example.com").UserID},
				"amount": {"1"}, "currency": {"EUR"}, "version": {"1"}, "probability": {"50"}, "direction": {"up"},
				"target_id": {own["stage"]}, "action": {"organization"}, "contact_id": {own["contact"]},
				"to_id": {own["contact2"]}, "role": {"admin"}, "workspace": {personal["a1"]}}
			if attacker == personal["a1"] {
				form.Set("workspace", alpha)
			}

			for _, target := range []string{beta, personal["b1"]} {
				for _, route := range app.server.Routes() {
					method, path, _ := strings.Cut(route.Pattern, " ")
					// {$} only anchors the end of a path, and {file...} serves static files.
					if !strings.Contains(strings.ReplaceAll(path, "{$}", ""), "{") || strings.Contains(path, "{file...}") {
						continue
					}
					concrete, unmapped := isolationPath(path, records[target])
					if concrete == "" {
						t.Fatalf("route %s: wildcard %s has no record kind; add it to routeKinds", route.Pattern, unmapped)
					}
					label := fmt.Sprintf("%s %s (target %s)", method, concrete, target)
					if method == http.MethodGet {
						check(label, a1.get(concrete), http.StatusNotFound)
						req, _ := http.NewRequest(http.MethodHead, app.srv.URL+concrete, nil)
						check("HEAD"+label[len(method):], a1.do(req), http.StatusNotFound)
					} else {
						check(label, a1.post(concrete, form), http.StatusNotFound)
					}
				}
			}

			check("GET /deals/new with Beta's company_id", a1.get("/deals/new?company_id="+records[beta]["company"]), http.StatusNotFound)
			if resp := a1.get("/deals/new?company_id=" + own["company"]); resp.StatusCode != http.StatusOK {
				t.Errorf("GET /deals/new with the workspace's own company: status %d, want 200", resp.StatusCode)
			}

			// Foreign ids in the query string or the form, next to A1's own
			// ids in the path.
			foreign := records[beta]
			for _, tc := range []struct {
				method, path string
				form         url.Values
			}{
				{"GET", "/templates/" + own["template"] + "/preview?contact=" + foreign["contact"], nil},
				{"GET", "/templates/" + own["template"] + "/preview?contact=" + own["contact"] + "&deal=" + foreign["deal"], nil},
				{"POST", "/contacts/" + own["contact"] + "/follow-ups", url.Values{"title": {"X"}, "due": {"2030-01-01T09:00"}, "assignee_id": {b1ID}}},
				{"POST", "/contacts/" + own["contact"] + "/relationships", url.Values{"kind": {"colleague"}, "to_id": {foreign["contact"]}}},
				{"POST", "/deals", url.Values{"title": {"X"}, "stage_id": {own["stage"]}, "amount": {"1"}, "currency": {"EUR"}, "company_id": {foreign["company"]}}},
				{"POST", "/deals", url.Values{"title": {"X"}, "stage_id": {foreign["stage"]}, "amount": {"1"}, "currency": {"EUR"}}},
				{"POST", "/deals", url.Values{"title": {"X"}, "stage_id": {own["stage"]}, "amount": {"1"}, "currency": {"EUR"}, "owner_id": {b1ID}}},
				{"POST", "/deals/" + own["deal"], url.Values{"title": {"X"}, "stage_id": {own["stage"]}, "amount": {"1"}, "currency": {"EUR"}, "version": {"2"}, "company_id": {foreign["company"]}}},
				{"POST", "/deals/" + own["deal"] + "/contacts", url.Values{"contact_id": {foreign["contact"]}}},
				{"POST", "/deals/" + own["deal"] + "/stage", url.Values{"stage_id": {foreign["stage"]}}},
				{"POST", "/pipeline/stages/" + own["stage"] + "/remove", url.Values{"target_id": {foreign["stage"]}}},
				{"POST", "/contacts/" + own["contact"] + "/copy", url.Values{"workspace": {beta}}},
				{"POST", "/workspaces/switch", url.Values{"workspace": {beta}}},
				{"POST", "/team/transfer", url.Values{"user": {b1ID}}},
			} {
				label := tc.method + " " + tc.path + " with Beta's id"
				if tc.method == http.MethodGet {
					check(label, a1.get(tc.path), http.StatusNotFound, http.StatusUnprocessableEntity)
				} else {
					check(label, a1.post(tc.path, tc.form), http.StatusNotFound, http.StatusUnprocessableEntity)
				}
			}
		}

		after := checksums()
		for _, table := range tables {
			if after[table] != before[table] {
				t.Errorf("table %s changed after A1's requests: %s, was %s", table, after[table], before[table])
			}
		}
		t.Logf("%s: %d requests with another tenant's ids", app.db.Dialect, requests)
		if requests < 200 {
			t.Errorf("made %d requests, want every route with an id for both targets from both workspaces", requests)
		}
	})
}
