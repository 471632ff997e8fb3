package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chatalott/chatalott/sessions"
)

// SessionStore implements sessions.Store.
type SessionStore struct{ DB *DB }

const (
	insertSessionSQL = `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, ip,
second_factor_pending, password_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	selectSessionColumns = `SELECT id, user_id, created_at, last_seen_at, expires_at, revoked_at, user_agent, ip,
second_factor_pending, password_at, workspace_id FROM sessions`
	markPasswordSQL     = `UPDATE sessions SET password_at = $2 WHERE id = $1 AND revoked_at IS NULL`
	touchSessionSQL     = `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND revoked_at IS NULL`
	revokeSessionSQL    = `UPDATE sessions SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`
	revokeUserSQL       = `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`
	listUserSessionsSQL = selectSessionColumns + ` WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
AND second_factor_pending = FALSE
ORDER BY last_seen_at DESC`
)

// CreateSession implements sessions.Store.
func (s *SessionStore) CreateSession(ctx context.Context, sess *sessions.Session) error {
	var passwordAt sql.NullTime
	if !sess.PasswordAt.IsZero() {
		passwordAt = sql.NullTime{Time: sess.PasswordAt, Valid: true}
	}
	_, err := s.DB.sql.ExecContext(ctx, insertSessionSQL, sess.ID, sess.UserID, sess.CreatedAt, sess.LastSeenAt,
		sess.ExpiresAt, sess.UserAgent, sess.IP, sess.SecondFactorPending, passwordAt)
	if err != nil {
		return fmt.Errorf("sqlstore: insert session: %w", err)
	}
	return nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanSession(row rowScanner) (*sessions.Session, error) {
	var sess sessions.Session
	var revoked, passwordAt sql.NullTime
	var workspaceID sql.NullString
	if err := row.Scan(&sess.ID, &sess.UserID, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &revoked,
		&sess.UserAgent, &sess.IP, &sess.SecondFactorPending, &passwordAt, &workspaceID); err != nil {
		return nil, err
	}
	sess.WorkspaceID = workspaceID.String
	if passwordAt.Valid {
		sess.PasswordAt = passwordAt.Time
	}
	if revoked.Valid {
		sess.RevokedAt = &revoked.Time
	}
	return &sess, nil
}

// GetSession implements sessions.Store.
func (s *SessionStore) GetSession(ctx context.Context, id string) (*sessions.Session, error) {
	sess, err := scanSession(s.DB.sql.QueryRowContext(ctx, selectSessionColumns+` WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "Session", "")
	}
	return sess, nil
}

// TouchSession implements sessions.Store.
func (s *SessionStore) TouchSession(ctx context.Context, id string, at time.Time) error {
	if _, err := s.DB.sql.ExecContext(ctx, touchSessionSQL, id, at); err != nil {
		return fmt.Errorf("sqlstore: touch session: %w", err)
	}
	return nil
}

// MarkPassword implements sessions.Store.
func (s *SessionStore) MarkPassword(ctx context.Context, id string, at time.Time) error {
	if _, err := s.DB.sql.ExecContext(ctx, markPasswordSQL, id, at); err != nil {
		return fmt.Errorf("sqlstore: mark password: %w", err)
	}
	return nil
}

// RevokeSession implements sessions.Store.
func (s *SessionStore) RevokeSession(ctx context.Context, userID, id string, at time.Time) error {
	res, err := s.DB.sql.ExecContext(ctx, revokeSessionSQL, id, userID, at)
	if err != nil {
		return fmt.Errorf("sqlstore: revoke session: %w", err)
	}
	return expectOneRow(res, "Session", "")
}

// RevokeUserSessions implements sessions.Store.
func (s *SessionStore) RevokeUserSessions(ctx context.Context, userID, exceptID string, at time.Time) (int, error) {
	res, err := s.DB.sql.ExecContext(ctx, revokeUserSQL, userID, exceptID, at)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: revoke sessions of %s: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: revoke sessions of %s: %w", userID, err)
	}
	return int(n), nil
}

// ListUserSessions implements sessions.Store.
func (s *SessionStore) ListUserSessions(ctx context.Context, userID string, now time.Time) ([]*sessions.Session, error) {
	rows, err := s.DB.sql.QueryContext(ctx, listUserSessionsSQL, userID, now)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list sessions of %s: %w", userID, err)
	}
	defer rows.Close()
	var list []*sessions.Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list sessions of %s: %w", userID, err)
		}
		list = append(list, sess)
	}
	return list, rows.Err()
}
