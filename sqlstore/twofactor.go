package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/twofactor"
)

// TwoFactorStore implements twofactor.Store.
type TwoFactorStore struct{ DB *DB }

const (
	// savePendingSQL replaces a pending secret but never an enabled one:
	// the WHERE of the upsert leaves a confirmed row untouched.
	savePendingSQL = `INSERT INTO two_factor (user_id, secret_sealed, created_at, last_step) VALUES ($1, $2, $3, 0)
ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, created_at = excluded.created_at, last_step = 0
WHERE two_factor.confirmed_at IS NULL`
	getTwoFactorSQL    = `SELECT user_id, secret_sealed, confirmed_at, last_step FROM two_factor WHERE user_id = $1`
	confirmSQL         = `UPDATE two_factor SET confirmed_at = $2, last_step = $3 WHERE user_id = $1 AND confirmed_at IS NULL`
	useStepSQL         = `UPDATE two_factor SET last_step = $2 WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2`
	deleteCodesSQL     = `DELETE FROM backup_codes WHERE user_id = $1`
	insertCodeSQL      = `INSERT INTO backup_codes (user_id, key_id, code_hash, created_at) VALUES ($1, $2, $3, $4)`
	useCodeSQL         = `UPDATE backup_codes SET used_at = $4 WHERE user_id = $1 AND key_id = $2 AND code_hash = $3 AND used_at IS NULL`
	remainingSQL       = `SELECT COUNT(*) FROM backup_codes WHERE user_id = $1 AND used_at IS NULL`
	deleteTwoFactorSQL = `DELETE FROM two_factor WHERE user_id = $1`
)

// SavePending implements twofactor.Store.
func (s *TwoFactorStore) SavePending(ctx context.Context, userID, sealedSecret string, at time.Time) error {
	res, err := s.DB.sql.ExecContext(ctx, savePendingSQL, userID, sealedSecret, at)
	if err != nil {
		return fmt.Errorf("sqlstore: save pending two-factor secret: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return chatalott.Errorf(chatalott.EConflict, "Two-factor authentication is already on. Turn it off first to set up a new app.")
	}
	return nil
}

// Get implements twofactor.Store.
func (s *TwoFactorStore) Get(ctx context.Context, userID string) (*twofactor.State, error) {
	var st twofactor.State
	var confirmed sql.NullTime
	err := s.DB.sql.QueryRowContext(ctx, getTwoFactorSQL, userID).Scan(&st.UserID, &st.SealedSecret, &confirmed, &st.LastStep)
	if err != nil {
		return nil, notFound(err, "Two-factor setting", userID)
	}
	if confirmed.Valid {
		st.ConfirmedAt = &confirmed.Time
	}
	return &st, nil
}

// Confirm implements twofactor.Store.
func (s *TwoFactorStore) Confirm(ctx context.Context, userID string, step int64, at time.Time, codes []twofactor.BackupCodeHash) (bool, error) {
	confirmed := false
	err := s.DB.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, confirmSQL, userID, at, step)
		if err != nil {
			return fmt.Errorf("sqlstore: confirm two-factor: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		confirmed = true
		return replaceCodes(ctx, tx, userID, codes, at)
	})
	return confirmed, err
}

func replaceCodes(ctx context.Context, tx *sql.Tx, userID string, codes []twofactor.BackupCodeHash, at time.Time) error {
	if _, err := tx.ExecContext(ctx, deleteCodesSQL, userID); err != nil {
		return fmt.Errorf("sqlstore: delete backup codes: %w", err)
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, insertCodeSQL, userID, c.KeyID, c.Hash, at); err != nil {
			return fmt.Errorf("sqlstore: insert backup code: %w", err)
		}
	}
	return nil
}

// UseStep implements twofactor.Store.
func (s *TwoFactorStore) UseStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := s.DB.sql.ExecContext(ctx, useStepSQL, userID, step)
	if err != nil {
		return false, fmt.Errorf("sqlstore: use two-factor step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReplaceBackupCodes implements twofactor.Store.
func (s *TwoFactorStore) ReplaceBackupCodes(ctx context.Context, userID string, codes []twofactor.BackupCodeHash, at time.Time) error {
	return s.DB.inTx(ctx, func(tx *sql.Tx) error { return replaceCodes(ctx, tx, userID, codes, at) })
}

// UseBackupCode implements twofactor.Store.
func (s *TwoFactorStore) UseBackupCode(ctx context.Context, userID string, hashes []twofactor.BackupCodeHash, at time.Time) (bool, error) {
	for _, h := range hashes {
		res, err := s.DB.sql.ExecContext(ctx, useCodeSQL, userID, h.KeyID, h.Hash, at)
		if err != nil {
			return false, fmt.Errorf("sqlstore: use backup code: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			return true, nil
		}
	}
	return false, nil
}

// RemainingBackupCodes implements twofactor.Store.
func (s *TwoFactorStore) RemainingBackupCodes(ctx context.Context, userID string) (int, error) {
	var n int
	if err := s.DB.sql.QueryRowContext(ctx, remainingSQL, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: count backup codes: %w", err)
	}
	return n, nil
}

// Delete implements twofactor.Store.
func (s *TwoFactorStore) Delete(ctx context.Context, userID string) error {
	return s.DB.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, deleteCodesSQL, userID); err != nil {
			return fmt.Errorf("sqlstore: delete backup codes: %w", err)
		}
		if _, err := tx.ExecContext(ctx, deleteTwoFactorSQL, userID); err != nil {
			return fmt.Errorf("sqlstore: delete two-factor: %w", err)
		}
		return nil
	})
}
