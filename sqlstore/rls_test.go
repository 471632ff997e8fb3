package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"github.com/jackc/pgx/v5/pgconn"
)

// Row-level security exists on PostgreSQL only; these tests open a
// PostgreSQL database, which under CI=true fails instead of skipping when
// the server is missing. On SQLite the isolation matrix in package web
// covers the application's scoping alone.

func TestRowLevelSecurityCoversEveryWorkspaceTable(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres)
	ctx := context.Background()
	tables := sqlstoretest.WorkspaceTables(t, db)
	if len(tables) < len(sqlstore.ConfinedTables) {
		t.Fatalf("catalog lists %d tables with workspace_id, fewer than the %d confined ones: %v", len(tables), len(sqlstore.ConfinedTables), tables)
	}
	for _, table := range tables {
		_, unconfined := sqlstore.UnconfinedTables[table]
		confined := slices.Contains(sqlstore.ConfinedTables, table)
		if confined == unconfined {
			t.Errorf("table %s has a workspace_id column: list it in exactly one of sqlstore.ConfinedTables and sqlstore.UnconfinedTables", table)
			continue
		}
		var enabled, forced bool
		var policies int
		err := db.SQL().QueryRowContext(ctx, `SELECT c.relrowsecurity, c.relforcerowsecurity,
    (SELECT COUNT(*) FROM pg_policies p WHERE p.schemaname = current_schema() AND p.tablename = c.relname
        AND p.qual LIKE '%app.workspace_id%' AND p.with_check LIKE '%app.workspace_id%')
FROM pg_class c WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`, table).Scan(&enabled, &forced, &policies)
		if err != nil {
			t.Fatalf("catalog entry of %s: %v", table, err)
		}
		if confined && (!enabled || policies != 1) {
			t.Errorf("table %s: row-level security enabled %v with %d workspace policies; want enabled with 1", table, enabled, policies)
		}
		if forced {
			t.Errorf("table %s forces row-level security on its owner, which would hide rows from migrations and cross-workspace jobs", table)
		}
	}
	for _, table := range sqlstore.ConfinedTables {
		if !slices.Contains(tables, table) {
			t.Errorf("sqlstore.ConfinedTables names %s, which has no workspace_id column", table)
		}
	}

	// The application's connections act as a role that row-level security
	// binds: not a superuser, without BYPASSRLS, owning no table.
	var role string
	var super, bypass bool
	var owned int
	err := db.AppSQL().QueryRowContext(ctx, `SELECT current_user, r.rolsuper, r.rolbypassrls,
    (SELECT COUNT(*) FROM pg_tables WHERE tableowner = current_user)
FROM pg_roles r WHERE r.rolname = current_user`).Scan(&role, &super, &bypass, &owned)
	if err != nil {
		t.Fatal(err)
	}
	if role != db.AppRole() || super || bypass || owned != 0 {
		t.Errorf("application connections act as %s (superuser %v, bypass %v, owns %d tables); want %s, false, false, 0",
			role, super, bypass, owned, db.AppRole())
	}
}

// fillTwoWorkspaces stores three contacts with emails in one workspace and
// two in another, through the store, which confines each write.
func fillTwoWorkspaces(t *testing.T, db *sqlstore.DB) (a, b chatalott.Scope) {
	t.Helper()
	a, b = newUser(t, db, "ann@example.com"), newUser(t, db, "bob@example.com")
	store := &sqlstore.ContactStore{DB: db}
	for scope, names := range map[chatalott.Scope][]string{a: {"Ada", "Alan", "Anita"}, b: {"Bea", "Bruno"}} {
		for _, name := range names {
			c := &contacts.Contact{ID: chatalott.NewID(), Kind: contacts.KindPerson, Given: name,
				Emails: []contacts.Email{{Address: name + "@client.example"}}, CreatedAt: now, UpdatedAt: now}
			if err := store.CreateContact(context.Background(), scope, c); err != nil {
				t.Fatalf("CreateContact(%s): %v", name, err)
			}
		}
	}
	return a, b
}

func count(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestRowLevelSecurityWithoutWorkspaceSeesNothing(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres)
	ctx := context.Background()
	fillTwoWorkspaces(t, db)
	for _, table := range []string{"contacts", "contact_emails", "search_entries", "timeline_entries"} {
		// table is one of the fixed names above.
		query := "SELECT COUNT(*) FROM " + table
		if got := count(t, db.SQL(), query); got != 5 {
			t.Fatalf("owner sees %d rows in %s, want 5", got, table)
		}
		if got := count(t, db.AppSQL(), query); got != 0 {
			t.Errorf("%s without a workspace setting: application role sees %d rows, want 0", table, got)
		}
	}

	res, err := db.AppSQL().ExecContext(ctx, `DELETE FROM contacts`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 0 {
		t.Errorf("DELETE without a workspace setting removed %d contacts, want 0", n)
	}
	if got := count(t, db.SQL(), `SELECT COUNT(*) FROM contacts`); got != 5 {
		t.Errorf("after the unscoped DELETE the owner sees %d contacts, want 5", got)
	}
}

func TestRowLevelSecurityConfinesToTheWorkspaceSet(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres)
	ctx := context.Background()
	a, b := fillTwoWorkspaces(t, db)

	tx, err := db.AppSQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT set_config('app.workspace_id', $1, true)`, a.WorkspaceID); err != nil {
		t.Fatal(err)
	}
	// Queries with no workspace term, as a forgotten WHERE would leave them,
	// still see Ann's workspace only.
	if got := count(t, tx, `SELECT COUNT(*) FROM contacts`); got != 3 {
		t.Errorf("with Ann's workspace set, a query without a workspace term sees %d contacts, want 3", got)
	}
	if got := count(t, tx, `SELECT COUNT(*) FROM contacts WHERE workspace_id = $1`, b.WorkspaceID); got != 0 {
		t.Errorf("with Ann's workspace set, asking for Bob's workspace finds %d contacts, want 0", got)
	}
	res, err := tx.ExecContext(ctx, `UPDATE contacts SET note = 'overwritten'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 3 {
		t.Errorf("UPDATE without a workspace term changed %d contacts, want Ann's 3", n)
	}
	// The policy rejects a row for Bob's workspace, whatever the query selects.
	_, err = tx.ExecContext(ctx, `INSERT INTO contact_emails (workspace_id, contact_id, email_normalized)
SELECT $1, id, 'planted@example.com' FROM contacts LIMIT 1`, b.WorkspaceID)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Fatalf("INSERT of a row for Bob's workspace with Ann's set: err %v, want SQLSTATE 42501", err)
	}
	tx.Rollback()

	// The setting ends with its transaction: a pooled connection that
	// served Ann's workspace shows nothing to the next query.
	db.AppSQL().SetMaxOpenConns(1)
	if got := count(t, db.AppSQL(), `SELECT COUNT(*) FROM contacts`); got != 0 {
		t.Errorf("after the transaction ended, the connection still sees %d contacts, want 0", got)
	}
	if got := count(t, db.SQL(), `SELECT COUNT(*) FROM contacts WHERE note = 'overwritten'`); got != 0 {
		t.Errorf("%d contacts kept the rolled-back note", got)
	}

	// The stores set the workspace themselves: Bob's list holds his two.
	list, err := (&sqlstore.ContactStore{DB: db}).ListContacts(ctx, b, "", 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Given)
	}
	if !slices.Equal(names, []string{"Bea", "Bruno"}) {
		t.Errorf("Bob's contact list = %v, want [Bea Bruno]", names)
	}
}

// search_entries_ranked runs as the tables' owner, past the policies, so
// it must apply the workspace rule itself.
func TestSearchFunctionKeepsToTheWorkspaceSet(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres)
	ctx := context.Background()
	a, b := fillTwoWorkspaces(t, db)
	const everything = `SELECT COUNT(*) FROM search_entries_ranked('', '', '%', '', '', '', 1000000)`
	if got := count(t, db.AppSQL(), everything); got != 0 {
		t.Errorf("search function without a workspace setting returns %d rows, want 0", got)
	}
	for _, tc := range []struct {
		scope chatalott.Scope
		want  int
	}{{a, 3}, {b, 2}} {
		tx, err := db.AppSQL().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT set_config('app.workspace_id', $1, true)`, tc.scope.WorkspaceID); err != nil {
			t.Fatal(err)
		}
		if got := count(t, tx, everything); got != tc.want {
			t.Errorf("search function in workspace %s returns %d rows, want %d", tc.scope.WorkspaceID, got, tc.want)
		}
		if got := count(t, tx, `SELECT COUNT(*) FROM search_entries_ranked('', '', '%', '', '', '', 1000000) WHERE workspace_id <> $1`, tc.scope.WorkspaceID); got != 0 {
			t.Errorf("search function in workspace %s returns %d rows of another workspace", tc.scope.WorkspaceID, got)
		}
		tx.Rollback()
	}
}

// Each database gets its own application role, so the login role of one
// Chatalott database, a member of that database's role, gains no rights in
// another database on the same server.
func TestAppRolePerDatabase(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres)
	other := sqlstoretest.OpenSeparateDatabase(t)
	if db.AppRole() == other.AppRole() {
		t.Fatalf("two databases share the application role %s", db.AppRole())
	}
	var allowed bool
	err := other.SQL().QueryRowContext(context.Background(),
		`SELECT has_table_privilege($1, 'contacts', 'SELECT')`, db.AppRole()).Scan(&allowed)
	if err != nil {
		t.Fatal(err)
	}
	if allowed {
		t.Errorf("role %s of one database may read contacts of another", db.AppRole())
	}
}

// A SECURITY DEFINER function must not resolve names in a schema or a
// session's temporary tables that its caller controls.
func TestSearchFunctionSearchPath(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres)
	var config, schema string
	err := db.SQL().QueryRowContext(context.Background(), `SELECT array_to_string(p.proconfig, ';'), current_schema() FROM pg_proc p
WHERE p.proname = 'search_entries_ranked' AND p.pronamespace = current_schema()::regnamespace`).Scan(&config, &schema)
	if err != nil {
		t.Fatal(err)
	}
	if want := "search_path=" + schema + ", pg_temp;enable_seqscan=off"; config != want {
		t.Errorf("search_entries_ranked settings = %q, want %q", config, want)
	}
}
