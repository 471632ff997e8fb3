package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chatalott/chatalott/accounts"
)

// EmailTokenStore implements accounts.TokenStore.
type EmailTokenStore struct{ DB *DB }

const (
	insertEmailTokenSQL = `INSERT INTO email_tokens (token_hash, user_id, purpose, email_normalized, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6)`
	deleteUserEmailTokensSQL    = `DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2`
	deleteExpiredEmailTokensSQL = `DELETE FROM email_tokens WHERE expires_at <= $1`
	selectEmailTokenSQL         = `SELECT token_hash, user_id, purpose, email_normalized, created_at, expires_at
FROM email_tokens WHERE token_hash = $1 AND purpose = $2`
	// consumeEmailTokenSQL deletes and returns the row in one statement, so
	// two requests with the same token cannot both get it.
	consumeEmailTokenSQL = `DELETE FROM email_tokens WHERE token_hash = $1 AND purpose = $2
RETURNING token_hash, user_id, purpose, email_normalized, created_at, expires_at`
	markEmailVerifiedSQL = `UPDATE users SET email_verified_at = COALESCE(email_verified_at, $3)
WHERE id = $1 AND email_normalized = $2`
)

// ReplaceEmailToken implements accounts.TokenStore.
func (s *EmailTokenStore) ReplaceEmailToken(ctx context.Context, t *accounts.EmailToken, now time.Time) error {
	return s.DB.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, deleteUserEmailTokensSQL, t.UserID, t.Purpose); err != nil {
			return fmt.Errorf("sqlstore: delete older %s tokens of %s: %w", t.Purpose, t.UserID, err)
		}
		if _, err := tx.ExecContext(ctx, deleteExpiredEmailTokensSQL, now); err != nil {
			return fmt.Errorf("sqlstore: delete expired email tokens: %w", err)
		}
		_, err := tx.ExecContext(ctx, insertEmailTokenSQL, t.Hash, t.UserID, t.Purpose, t.EmailNormalized, t.CreatedAt, t.ExpiresAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert %s token of %s: %w", t.Purpose, t.UserID, err)
		}
		return nil
	})
}

func scanEmailToken(row *sql.Row) (*accounts.EmailToken, error) {
	var t accounts.EmailToken
	if err := row.Scan(&t.Hash, &t.UserID, &t.Purpose, &t.EmailNormalized, &t.CreatedAt, &t.ExpiresAt); err != nil {
		return nil, notFound(err, "Email token", "")
	}
	return &t, nil
}

// EmailToken implements accounts.TokenStore.
func (s *EmailTokenStore) EmailToken(ctx context.Context, hash, purpose string) (*accounts.EmailToken, error) {
	return scanEmailToken(s.DB.sql.QueryRowContext(ctx, selectEmailTokenSQL, hash, purpose))
}

// ConsumeEmailToken implements accounts.TokenStore.
func (s *EmailTokenStore) ConsumeEmailToken(ctx context.Context, hash, purpose string) (*accounts.EmailToken, error) {
	return scanEmailToken(s.DB.sql.QueryRowContext(ctx, consumeEmailTokenSQL, hash, purpose))
}

// DeleteEmailTokens implements accounts.TokenStore.
func (s *EmailTokenStore) DeleteEmailTokens(ctx context.Context, userID, purpose string) (int, error) {
	res, err := s.DB.sql.ExecContext(ctx, deleteUserEmailTokensSQL, userID, purpose)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete %s tokens of %s: %w", purpose, userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete %s tokens of %s: %w", purpose, userID, err)
	}
	return int(n), nil
}

// MarkEmailVerified implements accounts.TokenStore.
func (s *EmailTokenStore) MarkEmailVerified(ctx context.Context, userID, emailNormalized string, at time.Time) error {
	res, err := s.DB.sql.ExecContext(ctx, markEmailVerifiedSQL, userID, emailNormalized, at)
	if err != nil {
		return fmt.Errorf("sqlstore: mark email of %s verified: %w", userID, err)
	}
	return expectOneRow(res, "User", userID)
}
