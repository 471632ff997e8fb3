package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/timeline"
)

// TimelineStore implements timeline.Store. Notes, activities and the
// "created" and "imported" events of contacts and companies live in
// timeline_entries; a deal's creation and stage changes are read from
// deal_history, which already records them.
type TimelineStore struct{ DB *DB }

// subjectExistsSQL counts the subject in a workspace, per subject type.
var subjectExistsSQL = map[string]string{
	chatalott.SubjectContact: `SELECT COUNT(*) FROM contacts WHERE workspace_id = $1 AND id = $2`,
	chatalott.SubjectCompany: `SELECT COUNT(*) FROM companies WHERE workspace_id = $1 AND id = $2`,
	chatalott.SubjectDeal:    `SELECT COUNT(*) FROM deals WHERE workspace_id = $1 AND id = $2`,
}

// requireSubject returns ENotFound unless subject lies in scope's
// workspace.
func requireSubject(ctx context.Context, q querier, scope chatalott.Scope, subject chatalott.Subject) error {
	query, ok := subjectExistsSQL[subject.Type]
	if !ok || subject.ID == "" {
		return &chatalott.Error{Code: chatalott.ENotFound, Message: "Record not found."}
	}
	var n int
	if err := q.QueryRowContext(ctx, query, scope.WorkspaceID, subject.ID).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: look up %s %s: %w", subject.Type, subject.ID, err)
	}
	if n == 0 {
		return &chatalott.Error{Code: chatalott.ENotFound, Message: "Record not found."}
	}
	return nil
}

// subjectColumnsSQL picks the contact_id, company_id or deal_id column for
// a subject id in $3 and its type in $4.
const subjectColumnsSQL = `CASE WHEN $4 = 'contact' THEN $3 END, CASE WHEN $4 = 'company' THEN $3 END, CASE WHEN $4 = 'deal' THEN $3 END`

const (
	insertEntrySQL = `INSERT INTO timeline_entries (workspace_id, id, contact_id, company_id, deal_id, kind, event, body,
user_id, occurred_at, created_at)
VALUES ($1, $2, ` + subjectColumnsSQL + `, $5, $6, $7, $8, $9, $10)`

	entryColumns = `t.id, t.kind, t.event, t.body, '' AS old_value, COALESCE(t.user_id, '') AS user_id,
COALESCE(u.name, '') AS user_name, t.occurred_at, t.created_at`
	historyColumns = `h.id, 'event' AS kind, CASE WHEN h.field = 'stage' THEN 'stage' ELSE 'created' END AS event,
CASE WHEN h.field = 'stage' THEN h.new_value ELSE '' END AS body,
CASE WHEN h.field = 'stage' THEN h.old_value ELSE '' END AS old_value, h.user_id, h.user_name,
h.created_at AS occurred_at, h.created_at`
)

// listEntriesSQL lists one subject's timeline, per subject type.
var listEntriesSQL = map[string]string{
	chatalott.SubjectContact: `SELECT ` + entryColumns + ` FROM timeline_entries t LEFT JOIN users u ON u.id = t.user_id
WHERE t.workspace_id = $1 AND t.contact_id = $2
ORDER BY t.occurred_at DESC, t.id DESC LIMIT $3 OFFSET $4`,
	chatalott.SubjectCompany: `SELECT ` + entryColumns + ` FROM timeline_entries t LEFT JOIN users u ON u.id = t.user_id
WHERE t.workspace_id = $1 AND t.company_id = $2
ORDER BY t.occurred_at DESC, t.id DESC LIMIT $3 OFFSET $4`,
	chatalott.SubjectDeal: `SELECT * FROM (
  SELECT ` + entryColumns + ` FROM timeline_entries t LEFT JOIN users u ON u.id = t.user_id
  WHERE t.workspace_id = $1 AND t.deal_id = $2
  UNION ALL
  SELECT ` + historyColumns + ` FROM deal_history h
  WHERE h.workspace_id = $1 AND h.deal_id = $2 AND h.field IN ('created', 'stage')
) x ORDER BY x.occurred_at DESC, x.id DESC LIMIT $3 OFFSET $4`,
}

// recentEntriesSQL takes the newest $2 rows of each source before merging
// them, so the sort never covers a whole workspace's history.
const recentEntriesSQL = `SELECT x.subject_type, x.subject_id, COALESCE(s.title, ''), x.id, x.kind, x.event, x.body, x.old_value,
x.user_id, x.user_name, x.occurred_at, x.created_at FROM (
  SELECT * FROM (
    SELECT CASE WHEN t.contact_id IS NOT NULL THEN 'contact' WHEN t.company_id IS NOT NULL THEN 'company' ELSE 'deal' END AS subject_type,
      COALESCE(t.contact_id, t.company_id, t.deal_id) AS subject_id, ` + entryColumns + `
    FROM timeline_entries t LEFT JOIN users u ON u.id = t.user_id
    WHERE t.workspace_id = $1 ORDER BY t.occurred_at DESC, t.id DESC LIMIT $2) a
  UNION ALL
  SELECT * FROM (
    SELECT 'deal' AS subject_type, h.deal_id AS subject_id, ` + historyColumns + `
    FROM deal_history h WHERE h.workspace_id = $1 AND h.field IN ('created', 'stage')
    ORDER BY h.created_at DESC, h.id DESC LIMIT $2) b
) x LEFT JOIN search_entries s ON s.workspace_id = $1 AND s.subject_id = x.subject_id
ORDER BY x.occurred_at DESC, x.id DESC LIMIT $2`

// AddEntry implements timeline.Store.
func (s *TimelineStore) AddEntry(ctx context.Context, scope chatalott.Scope, e *timeline.Entry) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if err := requireSubject(ctx, tx, scope, e.Subject); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, insertEntrySQL, scope.WorkspaceID, e.ID, e.Subject.ID, e.Subject.Type,
			e.Kind, e.Event, e.Body, nullString(e.UserID), e.OccurredAt.UTC(), e.CreatedAt.UTC())
		if err != nil {
			return fmt.Errorf("sqlstore: insert timeline entry: %w", err)
		}
		return nil
	})
}

// ListEntries implements timeline.Store.
func (s *TimelineStore) ListEntries(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject, offset, limit int) ([]timeline.Entry, error) {
	var list []timeline.Entry
	err := s.DB.read(ctx, scope, func(q querier) error {
		if err := requireSubject(ctx, q, scope, subject); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, listEntriesSQL[subject.Type], scope.WorkspaceID, subject.ID, limit, offset)
		if err != nil {
			return fmt.Errorf("sqlstore: list timeline of %s %s: %w", subject.Type, subject.ID, err)
		}
		defer rows.Close()
		for rows.Next() {
			e := timeline.Entry{Subject: subject}
			var occurred, created dbTime
			if err := rows.Scan(&e.ID, &e.Kind, &e.Event, &e.Body, &e.OldValue, &e.UserID, &e.UserName, &occurred, &created); err != nil {
				return fmt.Errorf("sqlstore: list timeline: %w", err)
			}
			e.OccurredAt, e.CreatedAt = occurred.Time, created.Time
			list = append(list, e)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: list timeline: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// RecentEntries implements timeline.Store.
func (s *TimelineStore) RecentEntries(ctx context.Context, scope chatalott.Scope, limit int) ([]timeline.Entry, error) {
	var list []timeline.Entry
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, recentEntriesSQL, scope.WorkspaceID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e timeline.Entry
			var occurred, created dbTime
			if err := rows.Scan(&e.Subject.Type, &e.Subject.ID, &e.SubjectTitle, &e.ID, &e.Kind, &e.Event, &e.Body, &e.OldValue,
				&e.UserID, &e.UserName, &occurred, &created); err != nil {
				return err
			}
			e.OccurredAt, e.CreatedAt = occurred.Time, created.Time
			list = append(list, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: recent timeline entries: %w", err)
	}
	return list, nil
}

// recordEvent writes a system event on subject, authored by scope's user.
// Stores call it inside the transaction that writes the subject.
func recordEvent(ctx context.Context, db execer, scope chatalott.Scope, subject chatalott.Subject, event string, at time.Time) error {
	_, err := db.ExecContext(ctx, insertEntrySQL, scope.WorkspaceID, chatalott.NewID(), subject.ID, subject.Type,
		timeline.KindEvent, event, "", nullString(scope.UserID), at.UTC(), at.UTC())
	if err != nil {
		return fmt.Errorf("sqlstore: record %s event of %s %s: %w", event, subject.Type, subject.ID, err)
	}
	return nil
}

// bulkEventRow is one event in a bulk-insert parameter.
type bulkEventRow struct {
	ID        string `json:"id"`
	ContactID string `json:"contact_id"`
	At        string `json:"at"`
}

var bulkImportedEventsSQL = map[string]string{
	Postgres: `INSERT INTO timeline_entries (workspace_id, id, contact_id, kind, event, body, user_id, occurred_at, created_at)
SELECT $1, r.id, r.contact_id, 'event', 'imported', '', $3, r.at, r.at
FROM jsonb_to_recordset($2::jsonb) AS r(id text, contact_id text, at timestamptz)`,
	SQLite: `INSERT INTO timeline_entries (workspace_id, id, contact_id, kind, event, body, user_id, occurred_at, created_at)
SELECT $1, value ->> 'id', value ->> 'contact_id', 'event', 'imported', '', $3, value ->> 'at', value ->> 'at'
FROM json_each($2)`,
}

// recordImportedBulk writes the "imported" event of each new contact with
// one statement.
func (s *ContactStore) recordImportedBulk(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, list []*contacts.Contact) error {
	if len(list) == 0 {
		return nil
	}
	rows := make([]bulkEventRow, len(list))
	for i, c := range list {
		rows[i] = bulkEventRow{ID: chatalott.NewID(), ContactID: c.ID, At: c.CreatedAt.UTC().Format(bulkTimeFormat)}
	}
	payload, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("sqlstore: encode import events: %w", err)
	}
	if _, err := tx.ExecContext(ctx, bulkImportedEventsSQL[s.DB.Dialect], scope.WorkspaceID, string(payload), scope.UserID); err != nil {
		return fmt.Errorf("sqlstore: record %d import events: %w", len(list), err)
	}
	return nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// dbTime scans a timestamp that SQLite may return as text, as it does for
// columns of a UNION, whose declared type it does not carry through.
type dbTime struct{ time.Time }

// dbTimeFormats are the text forms modernc's SQLite driver writes.
var dbTimeFormats = []string{bulkTimeFormat, "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano, "2006-01-02 15:04:05"}

func (t *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		t.Time = v.UTC()
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("sqlstore: cannot read %T as a time", src)
}

func (t *dbTime) parse(s string) error {
	for _, layout := range dbTimeFormats {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("sqlstore: cannot read %q as a time", s)
}

// RequireSubject implements timeline.Store.
func (s *TimelineStore) RequireSubject(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject) error {
	return s.DB.read(ctx, scope, func(q querier) error {
		return requireSubject(ctx, q, scope, subject)
	})
}
