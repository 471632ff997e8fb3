// Package sqlstore stores Chatalott's data in SQLite or PostgreSQL through
// database/sql. Both engines run the same queries, written with $N bind
// parameters (which SQLite also accepts); each has its own migration files.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed migrations
var migrationFiles embed.FS

// DB is an open database of either dialect.
type DB struct {
	// sql serves the application. On PostgreSQL each of its connections
	// acts as appRole, which row-level security confines to the workspace
	// that read and write set for their transaction.
	sql *sql.DB
	// owner connects as the login role of DATABASE_URL, which owns the
	// tables and so passes row-level security. Only migrations and the
	// jobs that span workspaces (reminders, import clean-up, statistics)
	// use it. On SQLite it is the same pool as sql.
	owner   *sql.DB
	appRole string
	// login is the user name of DATABASE_URL, for messages.
	login   string
	Dialect string
	// writeSlot serialises write transactions on SQLite, which allows one
	// writer at a time: waiting here, in order and for as long as the
	// context allows, replaces failing with SQLITE_BUSY once the busy
	// timeout runs out under many concurrent writers. It is nil on
	// PostgreSQL.
	writeSlot chan struct{}
}

// Open opens databaseURL when it is set (postgres:// or postgresql://), and
// otherwise the SQLite file chatalott.db in dataDir, creating it if needed.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	if databaseURL != "" {
		u, err := url.Parse(databaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, fmt.Errorf("sqlstore: DATABASE_URL must start with postgres://; got scheme %q", schemeOf(databaseURL))
		}
		return openPostgres(ctx, databaseURL)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: create data folder %s: %w", dataDir, err)
	}
	return OpenSQLite(ctx, filepath.Join(dataDir, "chatalott.db"))
}

func schemeOf(raw string) string {
	scheme, _, _ := strings.Cut(raw, ":")
	return scheme
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: parse DATABASE_URL: %w", err)
	}
	owner := stdlib.OpenDB(*cfg)
	owner.SetMaxOpenConns(4)
	owner.SetConnMaxIdleTime(5 * time.Minute)
	if err := owner.PingContext(ctx); err != nil {
		owner.Close()
		return nil, fmt.Errorf("sqlstore: connect to postgres: %w", err)
	}
	var database string
	if err := owner.QueryRowContext(ctx, `SELECT current_database()`).Scan(&database); err != nil {
		owner.Close()
		return nil, fmt.Errorf("sqlstore: read the database name: %w", err)
	}
	role := appRoleName(database)
	// The application pool takes the role as soon as a connection opens, so
	// no query it runs can pass row-level security. Connections open on
	// first use, after Migrate has created the role.
	app := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(ctx context.Context, conn *pgx.Conn) error {
		if _, err := conn.Exec(ctx, `SET ROLE `+role); err != nil { // #nosec G202 -- appRoleName returns letters, digits and underscores only
			return fmt.Errorf("sqlstore: act as role %s (run chatalott migrate first): %w", role, err)
		}
		return nil
	}))
	app.SetMaxOpenConns(20)
	app.SetMaxIdleConns(20)
	app.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{sql: app, owner: owner, appRole: role, login: cfg.User, Dialect: Postgres}, nil
}

// OpenSQLite opens the SQLite database file at path in WAL mode.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	// busy_timeout lets writers wait for each other instead of failing;
	// _txlock=immediate takes the write lock at BEGIN, so two transactions
	// never deadlock while upgrading from a read lock.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_time_format=sqlite&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: restrict %s to its owner: %w", path, err)
	}
	return &DB{sql: db, owner: db, Dialect: SQLite, writeSlot: make(chan struct{}, 1)}, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.owner == db.sql {
		return db.sql.Close()
	}
	return errors.Join(db.sql.Close(), db.owner.Close())
}

// Ping checks that the database responds.
func (db *DB) Ping(ctx context.Context) error { return db.owner.PingContext(ctx) }

// SQL returns the owner's handle, which row-level security does not
// confine, for benchmarks and tests that look across workspaces.
func (db *DB) SQL() *sql.DB { return db.owner }

// AppSQL returns the application's handle: on PostgreSQL its connections
// act as AppRole(), for tests that show what row-level security lets through.
func (db *DB) AppSQL() *sql.DB { return db.sql }

// migrationLockID is the PostgreSQL advisory lock that serialises
// migrations when several instances start at once.
const migrationLockID = 7_340_211_001

// Migrate applies every migration not yet recorded in schema_migrations, in
// file-name order, each in its own transaction. It returns the names applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	conn, err := db.owner.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	if db.Dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
			return nil, fmt.Errorf("sqlstore: migrate: take lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockID)
		if err := db.prepareAppRole(ctx, conn, createAppRoleSQL(db.appRole)); err != nil {
			return nil, err
		}
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return nil, fmt.Errorf("sqlstore: migrate: create schema_migrations: %w", err)
	}

	dir := "migrations/" + db.Dialect
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)

	var applied []string
	for _, name := range names {
		var seen int
		err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, name).Scan(&seen)
		if err != nil {
			return applied, fmt.Errorf("sqlstore: migrate: check %s: %w", name, err)
		}
		if seen > 0 {
			continue
		}
		body, err := migrationFiles.ReadFile(dir + "/" + name)
		if err != nil {
			return applied, fmt.Errorf("sqlstore: migrate: %w", err)
		}
		if err := applyMigration(ctx, conn, name, string(body)); err != nil {
			return applied, err
		}
		applied = append(applied, name)
	}
	if db.Dialect == Postgres {
		if err := db.prepareAppRole(ctx, conn, grantAppRoleSQL(db.appRole)); err != nil {
			return applied, err
		}
	}
	return applied, nil
}

func applyMigration(ctx context.Context, conn *sql.Conn, name, body string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate %s: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return fmt.Errorf("sqlstore: migrate %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
		return fmt.Errorf("sqlstore: migrate %s: record: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: migrate %s: commit: %w", name, err)
	}
	return nil
}

// inTx runs fn in a transaction and commits it when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.writeSlot != nil {
		select {
		case db.writeSlot <- struct{}{}:
			defer func() { <-db.writeSlot }()
		case <-ctx.Done():
			return fmt.Errorf("sqlstore: wait for the write lock: %w", ctx.Err())
		}
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("sqlstore: rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}
