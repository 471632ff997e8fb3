package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/followups"
)

// FollowUpStore implements followups.Store.
type FollowUpStore struct{ DB *DB }

const (
	followUpColumns = `f.id,
CASE WHEN f.contact_id IS NOT NULL THEN 'contact' WHEN f.company_id IS NOT NULL THEN 'company' ELSE 'deal' END,
COALESCE(f.contact_id, f.company_id, f.deal_id), COALESCE(s.title, ''), f.title, f.note, f.due_at,
COALESCE(f.assignee_id, ''), COALESCE(u.name, ''), COALESCE(f.created_by, ''), f.created_at, f.updated_at,
f.done_at, f.reminded_at`
	followUpFrom = ` FROM follow_ups f
LEFT JOIN users u ON u.id = f.assignee_id
LEFT JOIN search_entries s ON s.workspace_id = f.workspace_id AND s.subject_id = COALESCE(f.contact_id, f.company_id, f.deal_id)`

	memberExistsSQL   = `SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND user_id = $2`
	insertFollowUpSQL = `INSERT INTO follow_ups (workspace_id, id, contact_id, company_id, deal_id, title, note, due_at,
assignee_id, created_by, created_at, updated_at)
VALUES ($1, $2, ` + subjectColumnsSQL + `, $5, $6, $7, $8, $9, $10, $11)`
	getFollowUpSQL = `SELECT ` + followUpColumns + followUpFrom + ` WHERE f.workspace_id = $1 AND f.id = $2`
	// listFollowUpsSQL filters by subject id ($2), assignee ($3), open
	// only ($4 = 1) and due before $6 ($5 = 1); an empty or zero filter
	// matches everything.
	listFollowUpsSQL = `SELECT ` + followUpColumns + followUpFrom + `
WHERE f.workspace_id = $1
  AND ($2 = '' OR COALESCE(f.contact_id, f.company_id, f.deal_id) = $2)
  AND ($3 = '' OR f.assignee_id = $3)
  AND ($4 = 0 OR f.done_at IS NULL)
  AND ($5 = 0 OR f.due_at < $6)
ORDER BY CASE WHEN f.done_at IS NULL THEN 0 ELSE 1 END, f.due_at, f.id
LIMIT $7`
	markDoneSQL = `UPDATE follow_ups SET done_at = $3, updated_at = $3 WHERE workspace_id = $1 AND id = $2`
	reopenSQL   = `UPDATE follow_ups SET done_at = NULL, updated_at = $3,
  reminded_at = CASE WHEN reminded_at IS NULL AND due_at <= $3 THEN $3 ELSE reminded_at END
WHERE workspace_id = $1 AND id = $2`
	rescheduleSQL = `UPDATE follow_ups SET due_at = $3, reminded_at = NULL, updated_at = $4
WHERE workspace_id = $1 AND id = $2 AND done_at IS NULL`

	// claimRemindersSQL is the claim: one statement that sets reminded_at
	// only on rows where it is still NULL. On PostgreSQL a second UPDATE
	// that reaches a row the first one changed waits for it to commit,
	// re-checks the WHERE clause on the new row version and skips it; on
	// SQLite writers are serialised. Either way each row is claimed once.
	// The outer WHERE repeats the conditions because the subquery's
	// snapshot may be older than the row.
	claimRemindersSQL = `UPDATE follow_ups SET reminded_at = $1
WHERE id IN (SELECT id FROM follow_ups WHERE reminded_at IS NULL AND done_at IS NULL AND due_at <= $1
             ORDER BY due_at LIMIT $2)
  AND reminded_at IS NULL AND done_at IS NULL AND due_at <= $1
RETURNING id, workspace_id`
	reminderDetailSQL = `SELECT ` + followUpColumns + `, COALESCE(u.email, ''), COALESCE(us.time_zone, '')` + followUpFrom + `
LEFT JOIN user_settings us ON us.user_id = f.assignee_id
WHERE f.workspace_id = $1 AND f.id = $2`
	releaseReminderSQL = `UPDATE follow_ups SET reminded_at = NULL WHERE id = $1 AND reminded_at = $2 AND done_at IS NULL`

	timeZoneSQL    = `SELECT time_zone FROM user_settings WHERE user_id = $1`
	setTimeZoneSQL = `INSERT INTO user_settings (user_id, time_zone, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = excluded.updated_at`
)

func scanFollowUp(row rowScanner, extra ...any) (*followups.FollowUp, error) {
	var f followups.FollowUp
	var due, created, updated dbTime
	var done, reminded sql.Null[dbTime]
	dest := []any{&f.ID, &f.Subject.Type, &f.Subject.ID, &f.SubjectTitle, &f.Title, &f.Note, &due,
		&f.AssigneeID, &f.AssigneeName, &f.CreatedBy, &created, &updated, &done, &reminded}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	f.DueAt, f.CreatedAt, f.UpdatedAt = due.Time, created.Time, updated.Time
	if done.Valid {
		f.DoneAt = &done.V.Time
	}
	if reminded.Valid {
		f.RemindedAt = &reminded.V.Time
	}
	return &f, nil
}

// CreateFollowUp implements followups.Store.
func (s *FollowUpStore) CreateFollowUp(ctx context.Context, scope chatalott.Scope, f *followups.FollowUp) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if err := requireSubject(ctx, tx, scope, f.Subject); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, memberExistsSQL, scope.WorkspaceID, f.AssigneeID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: look up member %s: %w", f.AssigneeID, err)
		}
		if n == 0 {
			return chatalott.FieldError("assignee_id", "Assignee is not a member of this workspace; choose one from the list.")
		}
		_, err := tx.ExecContext(ctx, insertFollowUpSQL, scope.WorkspaceID, f.ID, f.Subject.ID, f.Subject.Type,
			f.Title, f.Note, f.DueAt.UTC(), f.AssigneeID, nullString(f.CreatedBy), f.CreatedAt.UTC(), f.UpdatedAt.UTC())
		if err != nil {
			return fmt.Errorf("sqlstore: insert follow-up: %w", err)
		}
		return nil
	})
}

// GetFollowUp implements followups.Store.
func (s *FollowUpStore) GetFollowUp(ctx context.Context, scope chatalott.Scope, id string) (*followups.FollowUp, error) {
	var f *followups.FollowUp
	err := s.DB.read(ctx, scope, func(q querier) error {
		var err error
		f, err = scanFollowUp(q.QueryRowContext(ctx, getFollowUpSQL, scope.WorkspaceID, id))
		return notFound(err, "Follow-up", id)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (s *FollowUpStore) exec(ctx context.Context, scope chatalott.Scope, id, query string, args ...any) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, append([]any{scope.WorkspaceID, id}, args...)...)
		if err != nil {
			return fmt.Errorf("sqlstore: update follow-up %s: %w", id, err)
		}
		return expectOneRow(res, "Follow-up", id)
	})
}

// MarkDone implements followups.Store.
func (s *FollowUpStore) MarkDone(ctx context.Context, scope chatalott.Scope, id string, at time.Time) error {
	return s.exec(ctx, scope, id, markDoneSQL, at.UTC())
}

// Reopen implements followups.Store.
func (s *FollowUpStore) Reopen(ctx context.Context, scope chatalott.Scope, id string, at time.Time) error {
	return s.exec(ctx, scope, id, reopenSQL, at.UTC())
}

// Reschedule implements followups.Store.
func (s *FollowUpStore) Reschedule(ctx context.Context, scope chatalott.Scope, id string, due, updated time.Time) error {
	return s.exec(ctx, scope, id, rescheduleSQL, due.UTC(), updated.UTC())
}

// ListFollowUps implements followups.Store.
func (s *FollowUpStore) ListFollowUps(ctx context.Context, scope chatalott.Scope, f followups.Filter, limit int) ([]followups.FollowUp, error) {
	open, due := 0, 0
	if f.Open {
		open = 1
	}
	if !f.DueBefore.IsZero() {
		due = 1
	}
	var list []followups.FollowUp
	err := s.DB.read(ctx, scope, func(q querier) error {
		if f.Subject.Type != "" {
			if err := requireSubject(ctx, q, scope, f.Subject); err != nil {
				return err
			}
		}
		rows, err := q.QueryContext(ctx, listFollowUpsSQL, scope.WorkspaceID, f.Subject.ID, f.AssigneeID, open, due,
			f.DueBefore.UTC(), limit)
		if err != nil {
			return fmt.Errorf("sqlstore: list follow-ups: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			item, err := scanFollowUp(rows)
			if err != nil {
				return fmt.Errorf("sqlstore: list follow-ups: %w", err)
			}
			list = append(list, *item)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: list follow-ups: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// ClaimDueReminders implements followups.Store.
func (s *FollowUpStore) ClaimDueReminders(ctx context.Context, now time.Time, limit int) ([]followups.Reminder, error) {
	// The scheduler claims the due follow-ups of every workspace, so the
	// claim runs on the owner's pool. Each email's details are read
	// confined to the follow-up's workspace.
	rows, err := s.DB.owner.QueryContext(ctx, claimRemindersSQL, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claim due reminders: %w", err)
	}
	type claimed struct{ id, workspaceID string }
	var ids []claimed
	for rows.Next() {
		var c claimed
		if err := rows.Scan(&c.id, &c.workspaceID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: claim due reminders: %w", err)
		}
		ids = append(ids, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: claim due reminders: %w", err)
	}
	reminders := make([]followups.Reminder, 0, len(ids))
	for _, c := range ids {
		r := followups.Reminder{WorkspaceID: c.workspaceID}
		var f *followups.FollowUp
		err := s.DB.readWorkspace(ctx, c.workspaceID, func(q querier) error {
			var err error
			f, err = scanFollowUp(q.QueryRowContext(ctx, reminderDetailSQL, c.workspaceID, c.id), &r.AssigneeEmail, &r.TimeZone)
			return err
		})
		if errors.Is(err, sql.ErrNoRows) {
			continue // deleted since the claim
		}
		if err != nil {
			return reminders, fmt.Errorf("sqlstore: read reminder %s: %w", c.id, err)
		}
		r.FollowUp = *f
		reminders = append(reminders, r)
	}
	return reminders, nil
}

// ReleaseReminder implements followups.Store.
func (s *FollowUpStore) ReleaseReminder(ctx context.Context, id string, claimedAt time.Time) error {
	// The scheduler passes only the follow-up's id, which may be in any
	// workspace.
	if _, err := s.DB.owner.ExecContext(ctx, releaseReminderSQL, id, claimedAt.UTC()); err != nil {
		return fmt.Errorf("sqlstore: release reminder %s: %w", id, err)
	}
	return nil
}

// TimeZone implements followups.Store.
func (s *FollowUpStore) TimeZone(ctx context.Context, userID string) (string, error) {
	var name string
	err := s.DB.sql.QueryRowContext(ctx, timeZoneSQL, userID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlstore: time zone of user %s: %w", userID, err)
	}
	return name, nil
}

// SetTimeZone implements followups.Store.
func (s *FollowUpStore) SetTimeZone(ctx context.Context, userID, name string, at time.Time) error {
	if _, err := s.DB.sql.ExecContext(ctx, setTimeZoneSQL, userID, name, at.UTC()); err != nil {
		return fmt.Errorf("sqlstore: set time zone of user %s: %w", userID, err)
	}
	return nil
}

// RequireSubject implements followups.Store.
func (s *FollowUpStore) RequireSubject(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject) error {
	return s.DB.read(ctx, scope, func(q querier) error {
		return requireSubject(ctx, q, scope, subject)
	})
}
