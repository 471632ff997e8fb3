package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/msgtemplates"
)

// MessageTemplateStore implements msgtemplates.Store. Every query names
// workspace_id and the visibility rule (shared, or owned by the scope's
// user), both taken from the scope argument and never from the record.
type MessageTemplateStore struct{ DB *DB }

const (
	templateColumns = `id, COALESCE(owner_user_id, ''), name, subject, body, created_at, updated_at`
	// templateVisible limits a query to the templates $3 may see.
	templateVisible   = `(owner_user_id IS NULL OR owner_user_id = $3)`
	insertTemplateSQL = `INSERT INTO message_templates (workspace_id, id, owner_user_id, name, subject, body, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	getTemplateSQL = `SELECT ` + templateColumns + ` FROM message_templates
WHERE workspace_id = $1 AND id = $2 AND ` + templateVisible
	updateTemplateSQL = `UPDATE message_templates SET owner_user_id = $4, name = $5, subject = $6, body = $7, updated_at = $8
WHERE workspace_id = $1 AND id = $2 AND ` + templateVisible
	deleteTemplateSQL = `DELETE FROM message_templates WHERE workspace_id = $1 AND id = $2 AND ` + templateVisible
	listTemplatesSQL  = `SELECT ` + templateColumns + ` FROM message_templates
WHERE workspace_id = $1 AND (owner_user_id IS NULL OR owner_user_id = $2)
ORDER BY name, id`
	contactDealSQL = `SELECT deal_id FROM deal_contacts WHERE workspace_id = $1 AND contact_id = $2 AND deal_id = $3`
	// latestOpenDealSQL picks the contact's most recently updated deal in
	// an open stage.
	latestOpenDealSQL = `SELECT d.id FROM deals d
JOIN deal_contacts dc ON dc.workspace_id = d.workspace_id AND dc.deal_id = d.id
JOIN pipeline_stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id
WHERE d.workspace_id = $1 AND dc.contact_id = $2 AND s.kind = $3
ORDER BY d.updated_at DESC, d.id DESC LIMIT 1`
	membershipRoleSQL = `SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2`
)

// ownerArg returns the owner_user_id bind value: NULL for a shared template.
func ownerArg(t *msgtemplates.Template) sql.NullString {
	return sql.NullString{String: t.OwnerUserID, Valid: t.OwnerUserID != ""}
}

func scanTemplate(row rowScanner) (*msgtemplates.Template, error) {
	var t msgtemplates.Template
	err := row.Scan(&t.ID, &t.OwnerUserID, &t.Name, &t.Subject, &t.Body, &t.CreatedAt, &t.UpdatedAt)
	return &t, err
}

// CreateTemplate implements msgtemplates.Store.
func (s *MessageTemplateStore) CreateTemplate(ctx context.Context, scope chatalott.Scope, t *msgtemplates.Template) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, insertTemplateSQL, scope.WorkspaceID, t.ID, ownerArg(t), t.Name, t.Subject, t.Body,
			t.CreatedAt, t.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert message template: %w", err)
		}
		return nil
	})
}

// GetTemplate implements msgtemplates.Store.
func (s *MessageTemplateStore) GetTemplate(ctx context.Context, scope chatalott.Scope, id string) (*msgtemplates.Template, error) {
	var t *msgtemplates.Template
	err := s.DB.read(ctx, scope, func(q querier) error {
		var err error
		t, err = scanTemplate(q.QueryRowContext(ctx, getTemplateSQL, scope.WorkspaceID, id, scope.UserID))
		return notFound(err, "Template", id)
	})
	if err != nil {
		return nil, err
	}
	t.WorkspaceID = scope.WorkspaceID
	return t, nil
}

// UpdateTemplate implements msgtemplates.Store.
func (s *MessageTemplateStore) UpdateTemplate(ctx context.Context, scope chatalott.Scope, t *msgtemplates.Template) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, updateTemplateSQL, scope.WorkspaceID, t.ID, scope.UserID, ownerArg(t), t.Name,
			t.Subject, t.Body, t.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlstore: update message template %s: %w", t.ID, err)
		}
		return requireOneRow(res, "Template", t.ID)
	})
}

// DeleteTemplate implements msgtemplates.Store.
func (s *MessageTemplateStore) DeleteTemplate(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, deleteTemplateSQL, scope.WorkspaceID, id, scope.UserID)
		if err != nil {
			return fmt.Errorf("sqlstore: delete message template %s: %w", id, err)
		}
		return requireOneRow(res, "Template", id)
	})
}

// requireOneRow returns ENotFound when res changed no row.
func requireOneRow(res sql.Result, what, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s %s: rows affected: %w", what, id, err)
	}
	if n == 0 {
		return notFound(sql.ErrNoRows, what, id)
	}
	return nil
}

// ListTemplates implements msgtemplates.Store.
func (s *MessageTemplateStore) ListTemplates(ctx context.Context, scope chatalott.Scope) ([]*msgtemplates.Template, error) {
	var list []*msgtemplates.Template
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, listTemplatesSQL, scope.WorkspaceID, scope.UserID)
		if err != nil {
			return fmt.Errorf("sqlstore: list message templates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTemplate(rows)
			if err != nil {
				return fmt.Errorf("sqlstore: list message templates: %w", err)
			}
			t.WorkspaceID = scope.WorkspaceID
			list = append(list, t)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: list message templates: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// ContactDealID implements msgtemplates.Store.
func (s *MessageTemplateStore) ContactDealID(ctx context.Context, scope chatalott.Scope, contactID, dealID string) (string, error) {
	var id string
	err := s.DB.read(ctx, scope, func(q querier) error {
		if dealID != "" {
			err := q.QueryRowContext(ctx, contactDealSQL, scope.WorkspaceID, contactID, dealID).Scan(&id)
			return notFound(err, "Deal of this contact", dealID)
		}
		err := q.QueryRowContext(ctx, latestOpenDealSQL, scope.WorkspaceID, contactID, deals.KindOpen).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sqlstore: latest open deal of contact %s: %w", contactID, err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// MembershipRoles implements msgtemplates.RoleLookup from the memberships
// table.
type MembershipRoles struct{ DB *DB }

// Role implements msgtemplates.RoleLookup.
func (s *MembershipRoles) Role(ctx context.Context, scope chatalott.Scope) (string, error) {
	if err := checkScope(scope); err != nil {
		return "", err
	}
	var role string
	err := s.DB.sql.QueryRowContext(ctx, membershipRoleSQL, scope.WorkspaceID, scope.UserID).Scan(&role)
	if err != nil {
		return "", notFound(err, "Membership", scope.UserID)
	}
	return role, nil
}
