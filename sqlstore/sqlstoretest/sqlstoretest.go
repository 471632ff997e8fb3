// Package sqlstoretest opens migrated, isolated databases of each dialect
// for tests: a fresh SQLite file, and a fresh PostgreSQL schema that is
// dropped when the test ends.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chatalott/chatalott/sqlstore"
)

// DefaultPostgresURL is the PostgreSQL server tests use when
// CHATALOTT_TEST_DATABASE_URL is not set: the local server with trust auth.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects lists the engines every storage test runs on.
var Dialects = []string{sqlstore.SQLite, sqlstore.Postgres}

// PostgresURL returns the server URL for PostgreSQL tests.
func PostgresURL() string {
	if u := os.Getenv("CHATALOTT_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Open returns a migrated, empty database of dialect that lives as long as
// t. When PostgreSQL cannot be reached the test is skipped, except under
// CI=true, where that is a failure.
func Open(t testing.TB, dialect string) *sqlstore.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var db *sqlstore.DB
	var err error
	switch dialect {
	case sqlstore.SQLite:
		db, err = sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "test.db"))
	case sqlstore.Postgres:
		var dsn string
		dsn = NewPostgresSchema(t)
		db, err = sqlstore.Open(ctx, dsn, "")
	default:
		t.Fatalf("sqlstoretest: unknown dialect %q", dialect)
	}
	if err != nil {
		t.Fatalf("sqlstoretest: open %s: %v", dialect, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("sqlstoretest: migrate %s: %v", dialect, err)
	}
	return db
}

// NewPostgresSchema creates an empty schema on the test server and returns
// a database URL whose search_path points at it. The schema is dropped when
// t ends.
func NewPostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	admin := connectAdmin(t, base)
	schema := randomName()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil { // #nosec G202 -- randomName returns "test_" and hex digits
		t.Fatalf("sqlstoretest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil { // #nosec G202 -- schema is hex, as above
			t.Logf("sqlstoretest: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("sqlstoretest: parse %s: %v", redact(base), err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// connectAdmin connects to the test server at base. When it cannot be
// reached the test is skipped, except under CI=true, where that is a
// failure.
func connectAdmin(t testing.TB, base string) *sql.DB {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("sqlstoretest: PostgreSQL at %s is required under CI=true: %v", redact(base), err)
		}
		t.Skipf("sqlstoretest: PostgreSQL at %s is not reachable (%v); set CHATALOTT_TEST_DATABASE_URL or start it", redact(base), err)
	}
	return admin
}

// randomName returns "test_" and 16 hex digits from crypto/rand: a schema
// or database name that is safe to splice into DDL, which takes no bind
// parameters.
func randomName() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "test_" + hex.EncodeToString(b)
}

// WorkspaceTables returns every table of db with a workspace_id column,
// read from the catalog so that a new table is covered without editing a
// test.
func WorkspaceTables(t testing.TB, db *sqlstore.DB) []string {
	t.Helper()
	query := `SELECT table_name FROM information_schema.columns
WHERE column_name = 'workspace_id' AND table_schema = current_schema() ORDER BY table_name`
	if db.Dialect == sqlstore.SQLite {
		query = `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
WHERE m.type = 'table' AND c.name = 'workspace_id' ORDER BY m.name`
	}
	rows, err := db.SQL().QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return tables
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// OpenSeparateDatabase returns a migrated PostgreSQL database of its own on
// the test server, not a schema of the shared one, for tests of what one
// database's roles may do in another. The database and its application
// role are dropped when t ends.
func OpenSeparateDatabase(t testing.TB) *sqlstore.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	base := PostgresURL()
	admin := connectAdmin(t, base)
	name := randomName()

	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil { // #nosec G202 -- randomName returns "test_" and hex digits
		t.Fatalf("sqlstoretest: create database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("sqlstoretest: parse %s: %v", redact(base), err)
	}
	u.Path = "/" + name
	db, err := sqlstore.Open(ctx, u.String(), "")
	if err != nil {
		t.Fatalf("sqlstoretest: open database %s: %v", name, err)
	}

	t.Cleanup(func() {
		role := db.AppRole()
		db.Close()
		for _, stmt := range []string{`DROP DATABASE ` + name + ` WITH (FORCE)`, `DROP ROLE IF EXISTS ` + role} { // #nosec G202 -- hex and appRoleName output
			if _, err := admin.Exec(stmt); err != nil {
				t.Logf("sqlstoretest: %s: %v", stmt, err)
			}
		}
		admin.Close()
	})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("sqlstoretest: migrate database %s: %v", name, err)
	}
	return db
}
