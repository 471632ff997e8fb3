package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"regexp"

	"github.com/chatalott/chatalott"
	"github.com/jackc/pgx/v5"
)

// The application's queries on PostgreSQL run as a role of their own, one
// per database (see DB.AppRole). It owns nothing, so the row-level security
// policies of migration 0032 apply to it: a confined table shows and
// accepts only rows whose workspace_id equals the transaction's
// app.workspace_id setting, and no rows at all when the setting is missing.
// This is a second wall under the workspace_id terms every query already
// carries. SQLite has only the first.

// appRolePrefix starts the name of every application role.
const appRolePrefix = "chatalott_app_"

// plainDatabaseName matches database names that can end a role name as
// they are.
var plainDatabaseName = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// appRoleName returns the application role of database. The login role
// of DATABASE_URL becomes a member of that role, so one role shared by
// every database on a server would give each instance's login role the
// rights of every other instance. A name with other characters is hashed,
// so the role name needs no quoting.
func appRoleName(database string) string {
	if plainDatabaseName.MatchString(database) {
		return appRolePrefix + database
	}
	sum := sha256.Sum256([]byte(database))
	return appRolePrefix + hex.EncodeToString(sum[:8])
}

// AppRole returns the PostgreSQL role that the application's connections
// act as, or "" on SQLite.
func (db *DB) AppRole() string { return db.appRole }

// ConfinedTables lists the tables whose rows belong to one workspace and
// which row-level security confines on PostgreSQL. A table added later
// with a workspace_id column belongs here or in UnconfinedTables; a test
// reads the catalog and fails on a table in neither.
var ConfinedTables = []string{
	"companies", "contact_emails", "contacts", "deal_contacts", "deal_history", "deals",
	"follow_ups", "import_jobs", "message_templates", "pipeline_stages", "pipelines",
	"relationships", "search_entries", "team_activity", "timeline_entries",
}

// UnconfinedTables lists the tables that have a workspace_id column but
// hold no customer data and must be read before a workspace is chosen,
// with the reason for each.
var UnconfinedTables = map[string]string{
	"memberships":  "it is the list of who may enter which workspace, read on every request to choose and check the workspace",
	"sessions":     "its workspace_id is the workspace a session chose, checked against memberships on every request",
	"team_invites": "an invite is found by its token's hash before its workspace is known",
}

// createAppRoleSQL returns the statement that creates role when it is
// missing and lets the login role act as it. Migrate runs it before the
// migrations. Two test schemas of one database may create the role at the
// same moment; the loser of that race finds it there. role matches
// appRoleName's output, letters, digits and underscores only, so it is
// safe to splice.
func createAppRoleSQL(role string) string {
	return `DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '` + role + `') THEN
        BEGIN
            CREATE ROLE ` + role + ` NOLOGIN NOINHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT pg_has_role(current_user, '` + role + `', 'MEMBER') THEN
        EXECUTE format('GRANT ` + role + ` TO %I', current_user);
    END IF;
END
$$`
}

// grantAppRoleSQL returns the statement that grants role the data rights
// on every table of the current schema and the right to call its
// functions. Migrate runs it after the migrations, so the tables of later
// migrations are covered.
func grantAppRoleSQL(role string) string {
	return `DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ` + role + `', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO ` + role + `', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ` + role + `', current_schema());
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO ` + role + `', current_schema());
END
$$`
}

// prepareAppRole runs query, built by createAppRoleSQL or grantAppRoleSQL,
// on conn.
func (db *DB) prepareAppRole(ctx context.Context, conn *sql.Conn, query string) error {
	if _, err := conn.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("sqlstore: prepare role %s: %w; the DATABASE_URL user %s needs CREATEROLE, or an administrator "+
			"runs once: CREATE ROLE %s NOLOGIN NOINHERIT; (skip it if the role exists) GRANT %s TO %s;",
			db.appRole, err, db.login, db.appRole, db.appRole, pgx.Identifier{db.login}.Sanitize())
	}
	return nil
}

// querier is the query interface of both *sql.DB and *sql.Tx, so a read can
// run on either.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// read runs fn with a querier confined to scope's workspace: on PostgreSQL
// a read-only transaction with app.workspace_id set, on SQLite the database
// itself. fn must finish with its rows before it returns.
func (db *DB) read(ctx context.Context, scope chatalott.Scope, fn func(q querier) error) error {
	if err := checkScope(scope); err != nil {
		return err
	}
	return db.readWorkspace(ctx, scope.WorkspaceID, fn)
}

// readWorkspace is read for callers that know the workspace but not the
// user, such as a team's activity list.
func (db *DB) readWorkspace(ctx context.Context, workspaceID string, fn func(q querier) error) error {
	if workspaceID == "" {
		return fmt.Errorf("sqlstore: call without a workspace")
	}
	if db.Dialect != Postgres {
		return fn(db.sql)
	}
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer tx.Rollback()
	if err := db.enterWorkspace(ctx, tx, workspaceID); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// write runs fn in a transaction confined to scope's workspace and commits
// it when fn returns nil.
func (db *DB) write(ctx context.Context, scope chatalott.Scope, fn func(tx *sql.Tx) error) error {
	if err := checkScope(scope); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.enterWorkspace(ctx, tx, scope.WorkspaceID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// enterWorkspace sets the workspace that row-level security lets tx see,
// until tx ends. A transaction that must touch two workspaces calls it
// again between them.
func (db *DB) enterWorkspace(ctx context.Context, tx *sql.Tx, workspaceID string) error {
	if db.Dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('app.workspace_id', $1, true)`, workspaceID); err != nil {
		return fmt.Errorf("sqlstore: enter workspace: %w", err)
	}
	return nil
}
