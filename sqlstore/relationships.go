package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/relationships"
)

// RelationshipStore implements relationships.Store. Both contacts of a row
// lie in its workspace: the insert checks it, and composite foreign keys to
// contacts (workspace_id, id) enforce it again.
type RelationshipStore struct{ DB *DB }

const (
	// insertRelationshipSQL writes nothing unless both contacts are in
	// the workspace.
	insertRelationshipSQL = `INSERT INTO relationships (id, workspace_id, from_contact_id, to_contact_id, kind, label, label_key,
created_by, created_at)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
WHERE EXISTS (SELECT 1 FROM contacts WHERE workspace_id = $2 AND id = $3)
  AND EXISTS (SELECT 1 FROM contacts WHERE workspace_id = $2 AND id = $4)`
	deleteRelationshipSQL = `DELETE FROM relationships
WHERE workspace_id = $1 AND id = $2 AND (from_contact_id = $3 OR to_contact_id = $3)`
	// contactRelationshipsSQL reads the other contact's name from the
	// search index, which holds each contact's display name.
	contactRelationshipsSQL = `SELECT r.id, r.from_contact_id, r.to_contact_id, r.kind, r.label, COALESCE(r.created_by, ''), r.created_at,
COALESCE(s.title, '')
FROM relationships r
LEFT JOIN search_entries s ON s.workspace_id = r.workspace_id
  AND s.subject_id = CASE WHEN r.from_contact_id = $2 THEN r.to_contact_id ELSE r.from_contact_id END
WHERE r.workspace_id = $1 AND (r.from_contact_id = $2 OR r.to_contact_id = $2)
ORDER BY s.name_key, r.created_at, r.id`
)

// CreateRelationship implements relationships.Store.
func (s *RelationshipStore) CreateRelationship(ctx context.Context, scope chatalott.Scope, r *relationships.Relationship) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, insertRelationshipSQL, r.ID, scope.WorkspaceID, r.FromID, r.ToID, r.Kind, r.Label,
			r.LabelKey(), nullString(r.CreatedBy), r.CreatedAt.UTC())
		if isUniqueViolation(err) {
			return &chatalott.Error{Code: chatalott.EConflict, Message: "These two contacts already have this relationship.", Err: err}
		}
		if err != nil {
			return fmt.Errorf("sqlstore: insert relationship: %w", err)
		}
		return expectOneRow(res, "Contact", r.FromID)
	})
}

// DeleteRelationship implements relationships.Store.
func (s *RelationshipStore) DeleteRelationship(ctx context.Context, scope chatalott.Scope, contactID, id string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, deleteRelationshipSQL, scope.WorkspaceID, id, contactID)
		if err != nil {
			return fmt.Errorf("sqlstore: delete relationship %s: %w", id, err)
		}
		return expectOneRow(res, "Relationship", id)
	})
}

// ContactRelationships implements relationships.Store.
func (s *RelationshipStore) ContactRelationships(ctx context.Context, scope chatalott.Scope, contactID string) ([]relationships.Relationship, map[string]string, error) {
	subject := chatalott.Subject{Type: chatalott.SubjectContact, ID: contactID}
	var list []relationships.Relationship
	names := map[string]string{}
	err := s.DB.read(ctx, scope, func(q querier) error {
		if err := requireSubject(ctx, q, scope, subject); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, contactRelationshipsSQL, scope.WorkspaceID, contactID)
		if err != nil {
			return fmt.Errorf("sqlstore: relationships of contact %s: %w", contactID, err)
		}
		defer rows.Close()
		for rows.Next() {
			var r relationships.Relationship
			var name string
			var created dbTime
			if err := rows.Scan(&r.ID, &r.FromID, &r.ToID, &r.Kind, &r.Label, &r.CreatedBy, &created, &name); err != nil {
				return fmt.Errorf("sqlstore: relationships of contact %s: %w", contactID, err)
			}
			r.CreatedAt = created.Time
			other := r.ToID
			if other == contactID {
				other = r.FromID
			}
			names[other] = name
			list = append(list, r)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: relationships of contact %s: %w", contactID, err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return list, names, nil
}
