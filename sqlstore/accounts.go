package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
)

// AccountStore implements accounts.Store.
type AccountStore struct{ DB *DB }

const (
	insertUserSQL = `INSERT INTO users (id, email, email_normalized, name, password_hash, password_changed_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`
	insertWorkspaceSQL   = `INSERT INTO workspaces (id, name, kind, created_at) VALUES ($1, $2, $3, $4)`
	insertMembershipSQL  = `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`
	selectUserColumns    = `SELECT id, email, email_normalized, name, password_hash, password_changed_at, created_at, email_verified_at FROM users`
	updatePasswordSQL    = `UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1` // #nosec G101 -- names a column; holds no credential
	personalWorkspaceSQL = `SELECT w.id, w.name, w.kind, w.created_at FROM workspaces w
JOIN memberships m ON m.workspace_id = w.id
WHERE m.user_id = $1 AND w.kind = 'personal'`
)

// CreateUser implements accounts.Store.
func (s *AccountStore) CreateUser(ctx context.Context, u *accounts.User, w *accounts.Workspace) error {
	return s.DB.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, insertUserSQL, u.ID, u.Email, u.EmailNormalized, u.Name, u.PasswordHash, u.PasswordChangedAt, u.CreatedAt)
		if isUniqueViolation(err) {
			return &chatalott.Error{Code: chatalott.EConflict, Field: "email", Message: "An account with this email already exists.", Err: err}
		}
		if err != nil {
			return fmt.Errorf("sqlstore: insert user: %w", err)
		}
		if _, err := tx.ExecContext(ctx, insertWorkspaceSQL, w.ID, w.Name, w.Kind, w.CreatedAt); err != nil {
			return fmt.Errorf("sqlstore: insert workspace: %w", err)
		}
		if _, err := tx.ExecContext(ctx, insertMembershipSQL, w.ID, u.ID, accounts.RoleOwner, w.CreatedAt); err != nil {
			return fmt.Errorf("sqlstore: insert membership: %w", err)
		}
		return nil
	})
}

func scanUser(row *sql.Row) (*accounts.User, error) {
	var u accounts.User
	var verified sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.EmailNormalized, &u.Name, &u.PasswordHash, &u.PasswordChangedAt, &u.CreatedAt, &verified)
	if err != nil {
		return nil, err
	}
	if verified.Valid {
		u.EmailVerifiedAt = &verified.Time
	}
	return &u, nil
}

// UserByEmail implements accounts.Store.
func (s *AccountStore) UserByEmail(ctx context.Context, emailNormalized string) (*accounts.User, error) {
	u, err := scanUser(s.DB.sql.QueryRowContext(ctx, selectUserColumns+` WHERE email_normalized = $1`, emailNormalized))
	if err != nil {
		return nil, notFound(err, "User", "by email")
	}
	return u, nil
}

// UserByID implements accounts.Store.
func (s *AccountStore) UserByID(ctx context.Context, id string) (*accounts.User, error) {
	u, err := scanUser(s.DB.sql.QueryRowContext(ctx, selectUserColumns+` WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "User", id)
	}
	return u, nil
}

// UpdatePassword implements accounts.Store.
func (s *AccountStore) UpdatePassword(ctx context.Context, userID string, hash []byte, changedAt time.Time) error {
	res, err := s.DB.sql.ExecContext(ctx, updatePasswordSQL, userID, hash, changedAt)
	if err != nil {
		return fmt.Errorf("sqlstore: update password of %s: %w", userID, err)
	}
	return expectOneRow(res, "User", userID)
}

// PersonalWorkspace implements accounts.Store.
func (s *AccountStore) PersonalWorkspace(ctx context.Context, userID string) (*accounts.Workspace, error) {
	var w accounts.Workspace
	err := s.DB.sql.QueryRowContext(ctx, personalWorkspaceSQL, userID).Scan(&w.ID, &w.Name, &w.Kind, &w.CreatedAt)
	if err != nil {
		return nil, notFound(err, "Workspace", "personal of "+userID)
	}
	return &w, nil
}

const userWithPersonalWorkspaceSQL = `SELECT u.id, u.email, u.email_normalized, u.name, u.password_hash,
u.password_changed_at, u.created_at, u.email_verified_at, w.id, w.name, w.kind, w.created_at
FROM users u
JOIN memberships m ON m.user_id = u.id
JOIN workspaces w ON w.id = m.workspace_id AND w.kind = 'personal'
WHERE u.id = $1`

// UserWithPersonalWorkspace implements accounts.Store.
func (s *AccountStore) UserWithPersonalWorkspace(ctx context.Context, id string) (*accounts.User, *accounts.Workspace, error) {
	var u accounts.User
	var w accounts.Workspace
	var verified sql.NullTime
	err := s.DB.sql.QueryRowContext(ctx, userWithPersonalWorkspaceSQL, id).Scan(&u.ID, &u.Email, &u.EmailNormalized,
		&u.Name, &u.PasswordHash, &u.PasswordChangedAt, &u.CreatedAt, &verified, &w.ID, &w.Name, &w.Kind, &w.CreatedAt)
	if err != nil {
		return nil, nil, notFound(err, "User", id)
	}
	if verified.Valid {
		u.EmailVerifiedAt = &verified.Time
	}
	return &u, &w, nil
}

// expectOneRow returns ENotFound when res affected no row.
func expectOneRow(res sql.Result, what, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s %s: %w", what, id, err)
	}
	if n == 0 {
		return notFound(sql.ErrNoRows, what, id)
	}
	return nil
}
