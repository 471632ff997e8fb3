package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/deals"
)

// DealStore implements deals.Store. Every query names workspace_id, taken
// from the scope argument and never from the record.
type DealStore struct{ DB *DB }

const (
	// dealColumns reads a deal with its stage, company name and owner name.
	// The joins repeat workspace_id, so a row of another workspace can
	// never supply a name.
	dealColumns = `d.id, d.title, COALESCE(d.company_id, ''), COALESCE(c.name, ''), d.stage_id, s.name, s.position,
s.probability, s.kind, d.amount, d.currency, COALESCE(d.expected_close, ''), COALESCE(d.owner_id, ''),
COALESCE(u.name, ''), d.version, d.created_at, d.updated_at`
	dealJoins = `JOIN pipeline_stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id
LEFT JOIN companies c ON c.workspace_id = d.workspace_id AND c.id = d.company_id
LEFT JOIN users u ON u.id = d.owner_id`
	getDealSQL    = `SELECT ` + dealColumns + ` FROM deals d ` + dealJoins + ` WHERE d.workspace_id = $1 AND d.id = $2`
	insertDealSQL = `INSERT INTO deals (workspace_id, id, title, company_id, stage_id, amount, currency, expected_close,
owner_id, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
	updateDealSQL = `UPDATE deals SET title = $3, company_id = $4, stage_id = $5, amount = $6, currency = $7,
expected_close = $8, owner_id = $9, version = version + 1, updated_at = $10
WHERE workspace_id = $1 AND id = $2 AND version = $11`
	dealExistsSQL = `SELECT COUNT(*) FROM deals WHERE workspace_id = $1 AND id = $2`
	deleteDealSQL = `DELETE FROM deals WHERE workspace_id = $1 AND id = $2`
	listDealsSQL  = `SELECT ` + dealColumns + ` FROM deals d ` + dealJoins + `
WHERE d.workspace_id = $1
  AND ($2 = '' OR d.stage_id = $2)
  AND ($3 = '' OR d.owner_id = $3)
  AND ($4 = '' OR d.company_id = $4)
  AND ($5 = '' OR d.expected_close >= $5)
  AND ($6 = '' OR d.expected_close <= $6)
ORDER BY d.created_at DESC, d.id DESC
LIMIT $7 OFFSET $8`
	// boardDealsSQL ranks each stage's deals by last update and keeps the
	// first $2 of each.
	boardDealsSQL = `SELECT ` + dealColumns + ` FROM (
  SELECT deals.*, ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY updated_at DESC, id) AS rank_in_stage
  FROM deals WHERE workspace_id = $1
) d ` + dealJoins + `
WHERE d.rank_in_stage <= $2
ORDER BY d.stage_id, d.rank_in_stage`
	// stageTotalsSQL casts the sum back to BIGINT: PostgreSQL sums BIGINT
	// as NUMERIC, and the cast raises an error on overflow, as SQLite's
	// SUM does, instead of returning a wrong total.
	stageTotalsSQL = `SELECT stage_id, currency, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM deals
WHERE workspace_id = $1 GROUP BY stage_id, currency ORDER BY stage_id, currency`
	insertHistorySQL = `INSERT INTO deal_history (id, workspace_id, deal_id, field, old_value, new_value, old_ref, new_ref,
user_id, user_name, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE((SELECT name FROM users WHERE id = $9), ''), $10)`
	dealHistorySQL = `SELECT id, deal_id, field, old_value, new_value, old_ref, new_ref, user_id, user_name, created_at
FROM deal_history WHERE workspace_id = $1 AND deal_id = $2
ORDER BY created_at DESC, id DESC LIMIT $3`
	dealContactsSQL = `SELECT ` + contactColumns + ` FROM contacts
WHERE workspace_id = $1 AND id IN (SELECT contact_id FROM deal_contacts WHERE workspace_id = $1 AND deal_id = $2)
ORDER BY sort_key, id`
	contactExistsSQL     = `SELECT COUNT(*) FROM contacts WHERE workspace_id = $1 AND id = $2`
	countDealContactsSQL = `SELECT COUNT(*) FROM deal_contacts WHERE workspace_id = $1 AND deal_id = $2`
	insertDealContactSQL = `INSERT INTO deal_contacts (workspace_id, deal_id, contact_id, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING`
	deleteDealContactSQL = `DELETE FROM deal_contacts WHERE workspace_id = $1 AND deal_id = $2 AND contact_id = $3`
	membersSQL           = `SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.workspace_id = $1 ORDER BY u.name, u.id`
	isMemberSQL = `SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND user_id = $2`
)

func scanDeal(row rowScanner) (*deals.Deal, error) {
	var d deals.Deal
	err := row.Scan(&d.ID, &d.Title, &d.CompanyID, &d.CompanyName, &d.StageID, &d.Stage.Name, &d.Stage.Position,
		&d.Stage.Probability, &d.Stage.Kind, &d.Amount, &d.Currency, &d.ExpectedClose, &d.OwnerID, &d.OwnerName,
		&d.Version, &d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return nil, err
	}
	d.Stage.ID = d.StageID
	return &d, nil
}

// nullable returns nil for "", so that an empty optional reference is
// stored as NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkDealRefs reports the stage, owner and company of d that are not in
// scope's workspace, inside the writing transaction.
func checkDealRefs(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, d *deals.Deal) error {
	var errs chatalott.ValidationErrors
	checks := []struct {
		query, id, field, message string
	}{
		{stageExistsSQL, d.StageID, "stage_id", "Stage is not one of this pipeline's stages; choose one from the list."},
		{isMemberSQL, d.OwnerID, "owner_id", "Owner is not a member of this workspace; choose one from the list."},
		{companyExistsSQL, d.CompanyID, "company_id", "Company does not exist in this workspace; choose one from the list or none."},
	}
	for _, c := range checks {
		if c.id == "" && c.field == "company_id" {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, c.query, scope.WorkspaceID, c.id).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: check deal %s: %w", c.field, err)
		}
		if n == 0 {
			errs = append(errs, chatalott.FieldError(c.field, "%s", c.message))
		}
	}
	return errs.Err()
}

func insertHistory(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, e deals.HistoryEntry) error {
	_, err := tx.ExecContext(ctx, insertHistorySQL, e.ID, scope.WorkspaceID, e.DealID, e.Field, e.OldValue, e.NewValue,
		e.OldRef, e.NewRef, e.UserID, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("sqlstore: append %s history of deal %s: %w", e.Field, e.DealID, err)
	}
	return nil
}

// CreateDeal implements deals.Store.
func (s *DealStore) CreateDeal(ctx context.Context, scope chatalott.Scope, d *deals.Deal, created deals.HistoryEntry) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if err := checkDealRefs(ctx, tx, scope, d); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, insertDealSQL, scope.WorkspaceID, d.ID, d.Title, nullable(d.CompanyID), d.StageID,
			d.Amount, d.Currency, nullable(d.ExpectedClose), nullable(d.OwnerID), d.Version, d.CreatedAt, d.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert deal: %w", err)
		}
		if err := indexDeal(ctx, tx, scope, d); err != nil {
			return err
		}
		return insertHistory(ctx, tx, scope, created)
	})
}

// GetDeal implements deals.Store.
func (s *DealStore) GetDeal(ctx context.Context, scope chatalott.Scope, id string) (*deals.Deal, error) {
	var d *deals.Deal
	err := s.DB.read(ctx, scope, func(q querier) error {
		var err error
		d, err = scanDeal(q.QueryRowContext(ctx, getDealSQL, scope.WorkspaceID, id))
		if err != nil {
			return notFound(err, "Deal", id)
		}
		d.WorkspaceID = scope.WorkspaceID
		rows, err := q.QueryContext(ctx, dealContactsSQL, scope.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("sqlstore: contacts of deal %s: %w", id, err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				return fmt.Errorf("sqlstore: contacts of deal %s: %w", id, err)
			}
			d.Contacts = append(d.Contacts, deals.ContactRef{ID: c.ID, Name: c.DisplayName()})
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: contacts of deal %s: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// UpdateDeal implements deals.Store.
func (s *DealStore) UpdateDeal(ctx context.Context, scope chatalott.Scope, d *deals.Deal, changes []deals.HistoryEntry) error {
	err := s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if err := checkDealRefs(ctx, tx, scope, d); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, updateDealSQL, scope.WorkspaceID, d.ID, d.Title, nullable(d.CompanyID), d.StageID,
			d.Amount, d.Currency, nullable(d.ExpectedClose), nullable(d.OwnerID), d.UpdatedAt, d.Version)
		if err != nil {
			return fmt.Errorf("sqlstore: update deal %s: %w", d.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return s.missingOrStale(ctx, tx, scope, d.ID)
		}
		if err := indexDeal(ctx, tx, scope, d); err != nil {
			return err
		}
		for _, e := range changes {
			if err := insertHistory(ctx, tx, scope, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		d.Version++
	}
	return err
}

// missingOrStale explains an UPDATE that matched no row: the deal is not in
// the workspace (ENotFound), or its version moved on (EConflict).
func (s *DealStore) missingOrStale(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, dealExistsSQL, scope.WorkspaceID, id).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: look up deal %s: %w", id, err)
	}
	if n == 0 {
		return notFound(sql.ErrNoRows, "Deal", id)
	}
	return chatalott.Errorf(chatalott.EConflict, "This deal was changed by someone else since you opened it. Reload the page and make your change again.")
}

// DeleteDeal implements deals.Store. The deal's contact list and history go
// with it through ON DELETE CASCADE; the history trigger allows that
// cascade because the deal no longer exists when it runs.
func (s *DealStore) DeleteDeal(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, deleteDealSQL, scope.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("sqlstore: delete deal %s: %w", id, err)
		}
		return expectOneRow(res, "Deal", id)
	})
}

// queryDeals runs query, which selects dealColumns, in a read of scope's
// workspace and returns the deals.
func (s *DealStore) queryDeals(ctx context.Context, scope chatalott.Scope, query string, args ...any) ([]*deals.Deal, error) {
	var list []*deals.Deal
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDeal(rows)
			if err != nil {
				return err
			}
			d.WorkspaceID = scope.WorkspaceID
			list = append(list, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// ListDeals implements deals.Store.
func (s *DealStore) ListDeals(ctx context.Context, scope chatalott.Scope, q deals.ListQuery, offset, limit int) ([]*deals.Deal, error) {
	list, err := s.queryDeals(ctx, scope, listDealsSQL, scope.WorkspaceID, q.StageID, q.OwnerID, q.CompanyID,
		q.CloseFrom, q.CloseTo, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list deals: %w", err)
	}
	return list, nil
}

// BoardDeals implements deals.Store.
func (s *DealStore) BoardDeals(ctx context.Context, scope chatalott.Scope, perStage int) ([]*deals.Deal, error) {
	list, err := s.queryDeals(ctx, scope, boardDealsSQL, scope.WorkspaceID, perStage)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: board deals: %w", err)
	}
	return list, nil
}

// StageTotals implements deals.Store.
func (s *DealStore) StageTotals(ctx context.Context, scope chatalott.Scope) ([]deals.StageTotal, error) {
	var totals []deals.StageTotal
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, stageTotalsSQL, scope.WorkspaceID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t deals.StageTotal
			if err := rows.Scan(&t.StageID, &t.Currency, &t.Count, &t.Amount); err != nil {
				return err
			}
			totals = append(totals, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: stage totals: %w", err)
	}
	return totals, nil
}

// DealHistory implements deals.Store. There is deliberately no method that
// updates or deletes history entries.
func (s *DealStore) DealHistory(ctx context.Context, scope chatalott.Scope, dealID string, limit int) ([]deals.HistoryEntry, error) {
	var entries []deals.HistoryEntry
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, dealHistorySQL, scope.WorkspaceID, dealID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e deals.HistoryEntry
			if err := rows.Scan(&e.ID, &e.DealID, &e.Field, &e.OldValue, &e.NewValue, &e.OldRef, &e.NewRef,
				&e.UserID, &e.UserName, &e.CreatedAt); err != nil {
				return err
			}
			entries = append(entries, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: history of deal %s: %w", dealID, err)
	}
	return entries, nil
}

// AddDealContact implements deals.Store.
func (s *DealStore) AddDealContact(ctx context.Context, scope chatalott.Scope, dealID, contactID string, at time.Time) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, dealExistsSQL, scope.WorkspaceID, dealID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: look up deal %s: %w", dealID, err)
		}
		if n == 0 {
			return notFound(sql.ErrNoRows, "Deal", dealID)
		}
		if err := tx.QueryRowContext(ctx, contactExistsSQL, scope.WorkspaceID, contactID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: look up contact %s: %w", contactID, err)
		}
		if n == 0 {
			return chatalott.FieldError("contact_id", "Contact does not exist in this workspace; search for another.")
		}
		if err := tx.QueryRowContext(ctx, countDealContactsSQL, scope.WorkspaceID, dealID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: count contacts of deal %s: %w", dealID, err)
		}
		if n >= deals.MaxContacts {
			return chatalott.FieldError("contact_id", "This deal already names %d people, the maximum; remove one first.", deals.MaxContacts)
		}
		if _, err := tx.ExecContext(ctx, insertDealContactSQL, scope.WorkspaceID, dealID, contactID, at); err != nil {
			return fmt.Errorf("sqlstore: add contact to deal %s: %w", dealID, err)
		}
		return nil
	})
}

// RemoveDealContact implements deals.Store.
func (s *DealStore) RemoveDealContact(ctx context.Context, scope chatalott.Scope, dealID, contactID string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, deleteDealContactSQL, scope.WorkspaceID, dealID, contactID)
		if err != nil {
			return fmt.Errorf("sqlstore: remove contact from deal %s: %w", dealID, err)
		}
		return expectOneRow(res, "Deal contact", contactID)
	})
}

// Members implements deals.Store.
func (s *DealStore) Members(ctx context.Context, scope chatalott.Scope) ([]deals.Member, error) {
	var members []deals.Member
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, membersSQL, scope.WorkspaceID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m deals.Member
			if err := rows.Scan(&m.UserID, &m.Name); err != nil {
				return err
			}
			members = append(members, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list members: %w", err)
	}
	return members, nil
}
