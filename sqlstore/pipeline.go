package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
)

const (
	listStagesSQL = `SELECT id, name, position, probability, kind, created_at FROM pipeline_stages
WHERE workspace_id = $1 ORDER BY position, id`
	// insertPipelineSQL inserts nothing when the workspace's pipeline
	// exists, so a second first request does not add the defaults again.
	insertPipelineSQL = `INSERT INTO pipelines (workspace_id, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	insertStageSQL    = `INSERT INTO pipeline_stages (workspace_id, id, name, name_key, position, probability, kind, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	appendStageSQL = `INSERT INTO pipeline_stages (workspace_id, id, name, name_key, position, probability, kind, created_at)
VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM pipeline_stages WHERE workspace_id = $1), $5, $6, $7)`
	updateStageSQL = `UPDATE pipeline_stages SET name = $3, name_key = $4, probability = $5
WHERE workspace_id = $1 AND id = $2`
	setStagePositionSQL = `UPDATE pipeline_stages SET position = $3 WHERE workspace_id = $1 AND id = $2`
	countStagesSQL      = `SELECT COUNT(*) FROM pipeline_stages WHERE workspace_id = $1`
	countOpenStagesSQL  = `SELECT COUNT(*) FROM pipeline_stages WHERE workspace_id = $1 AND kind = 'open'`
	stageExistsSQL      = `SELECT COUNT(*) FROM pipeline_stages WHERE workspace_id = $1 AND id = $2`
	countStageDealsSQL  = `SELECT COUNT(*) FROM deals WHERE workspace_id = $1 AND stage_id = $2`
	moveStageDealsSQL   = `UPDATE deals SET stage_id = $3, version = version + 1, updated_at = $4
WHERE workspace_id = $1 AND stage_id = $2 RETURNING id`
	// deleteOpenStageSQL deletes only open stages, so the won and lost
	// stages stay whatever the caller checked.
	deleteOpenStageSQL = `DELETE FROM pipeline_stages WHERE workspace_id = $1 AND id = $2 AND kind = 'open'`
)

// ListStages implements deals.Store.
func (s *DealStore) ListStages(ctx context.Context, scope chatalott.Scope) ([]deals.Stage, error) {
	var stages []deals.Stage
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, listStagesSQL, scope.WorkspaceID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st deals.Stage
			if err := rows.Scan(&st.ID, &st.Name, &st.Position, &st.Probability, &st.Kind, &st.CreatedAt); err != nil {
				return err
			}
			stages = append(stages, st)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list stages: %w", err)
	}
	return stages, nil
}

// CreatePipeline implements deals.Store.
func (s *DealStore) CreatePipeline(ctx context.Context, scope chatalott.Scope, stages []deals.Stage, at time.Time) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, insertPipelineSQL, scope.WorkspaceID, at)
		if err != nil {
			return fmt.Errorf("sqlstore: create pipeline: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		for _, st := range stages {
			if _, err := tx.ExecContext(ctx, insertStageSQL, scope.WorkspaceID, st.ID, st.Name, contacts.Fold(st.Name),
				st.Position, st.Probability, st.Kind, st.CreatedAt); err != nil {
				return fmt.Errorf("sqlstore: create stage %q: %w", st.Name, err)
			}
		}
		return nil
	})
}

// duplicateStageName is the error for a name that another stage of the
// workspace has, compared folded.
func duplicateStageName(name string) error {
	return chatalott.FieldError("name", "A stage named %q already exists; choose another name.", name)
}

// AddStage implements deals.Store.
func (s *DealStore) AddStage(ctx context.Context, scope chatalott.Scope, st *deals.Stage) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, appendStageSQL, scope.WorkspaceID, st.ID, st.Name, contacts.Fold(st.Name),
			st.Probability, st.Kind, st.CreatedAt)
		if isUniqueViolation(err) {
			return duplicateStageName(st.Name)
		}
		if err != nil {
			return fmt.Errorf("sqlstore: add stage: %w", err)
		}
		return nil
	})
}

// UpdateStage implements deals.Store.
func (s *DealStore) UpdateStage(ctx context.Context, scope chatalott.Scope, st *deals.Stage) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, updateStageSQL, scope.WorkspaceID, st.ID, st.Name, contacts.Fold(st.Name), st.Probability)
		if isUniqueViolation(err) {
			return duplicateStageName(st.Name)
		}
		if err != nil {
			return fmt.Errorf("sqlstore: update stage %s: %w", st.ID, err)
		}
		return expectOneRow(res, "Stage", st.ID)
	})
}

// SetStageOrder implements deals.Store.
func (s *DealStore) SetStageOrder(ctx context.Context, scope chatalott.Scope, ids []string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, countStagesSQL, scope.WorkspaceID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: count stages: %w", err)
		}
		if n != len(ids) {
			return stagesChanged()
		}
		for i, id := range ids {
			res, err := tx.ExecContext(ctx, setStagePositionSQL, scope.WorkspaceID, id, i+1)
			if err != nil {
				return fmt.Errorf("sqlstore: reorder stage %s: %w", id, err)
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return stagesChanged()
			}
		}
		return nil
	})
}

func stagesChanged() error {
	return chatalott.Errorf(chatalott.EConflict, "The pipeline was changed by someone else meanwhile. Reload the page and try again.")
}

// CountStageDeals implements deals.Store.
func (s *DealStore) CountStageDeals(ctx context.Context, scope chatalott.Scope, stageID string) (int, error) {
	var n int
	err := s.DB.read(ctx, scope, func(q querier) error {
		return q.QueryRowContext(ctx, countStageDealsSQL, scope.WorkspaceID, stageID).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: count deals of stage %s: %w", stageID, err)
	}
	return n, nil
}

// RemoveStage implements deals.Store. The moved deals are the rows that the
// UPDATE itself returns, so a deal added to the stage by another request
// before the UPDATE moves with its history entry. A deal added after the
// UPDATE makes the DELETE fail on the foreign key, and the whole removal
// rolls back.
func (s *DealStore) RemoveStage(ctx context.Context, scope chatalott.Scope, r deals.StageRemoval) (int, error) {
	moved := 0
	err := s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, stageExistsSQL, scope.WorkspaceID, r.StageID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: look up stage %s: %w", r.StageID, err)
		}
		if n == 0 {
			return notFound(sql.ErrNoRows, "Stage", r.StageID)
		}
		ids, err := s.moveStageDeals(ctx, tx, scope, r)
		if err != nil {
			return err
		}
		moved = len(ids)
		for _, id := range ids {
			e := r.Entry
			e.ID, e.DealID = r.NewID(), id
			if err := insertHistory(ctx, tx, scope, e); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, deleteOpenStageSQL, scope.WorkspaceID, r.StageID)
		if err != nil {
			return fmt.Errorf("sqlstore: delete stage %s: %w", r.StageID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return chatalott.FieldError("stage", "The won and lost stages cannot be removed; rename them instead.")
		}
		var open int
		if err := tx.QueryRowContext(ctx, countOpenStagesSQL, scope.WorkspaceID).Scan(&open); err != nil {
			return fmt.Errorf("sqlstore: count open stages: %w", err)
		}
		if open == 0 {
			return chatalott.FieldError("stage", "The last open stage cannot be removed; add another open stage first.")
		}
		return nil
	})
	return moved, err
}

// moveStageDeals moves every deal of r.StageID to r.TargetID and returns the
// moved ids. Without a target it moves nothing and fails if the stage
// holds deals.
func (s *DealStore) moveStageDeals(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, r deals.StageRemoval) ([]string, error) {
	if r.TargetID == "" {
		var n int
		if err := tx.QueryRowContext(ctx, countStageDealsSQL, scope.WorkspaceID, r.StageID).Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlstore: count deals of stage %s: %w", r.StageID, err)
		}
		if n > 0 {
			return nil, chatalott.FieldError("target_id", "This stage has %d deals; choose the stage to move them to.", n)
		}
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, moveStageDealsSQL, scope.WorkspaceID, r.StageID, r.TargetID, r.Entry.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: move deals of stage %s: %w", r.StageID, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: move deals of stage %s: %w", r.StageID, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: move deals of stage %s: %w", r.StageID, err)
	}
	return ids, nil
}
