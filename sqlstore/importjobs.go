package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/importjobs"
	"github.com/chatalott/chatalott/imports"
)

// ImportJobStore implements importjobs.Store. Every query but
// staleImportJobsSQL names workspace_id, taken from the scope argument.
type ImportJobStore struct{ DB *DB }

const (
	importJobColumns   = `id, user_id, file_name, file_size, status, detection, options, counts, report, error, created_at, updated_at`
	insertImportJobSQL = `INSERT INTO import_jobs (workspace_id, id, user_id, file_name, file_size, status, detection, options,
counts, report, error, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
	getImportJobSQL        = `SELECT ` + importJobColumns + ` FROM import_jobs WHERE workspace_id = $1 AND id = $2`
	importJobStatusSQL     = `SELECT status FROM import_jobs WHERE workspace_id = $1 AND id = $2`
	setImportJobOptionsSQL = `UPDATE import_jobs SET options = $3, updated_at = $4
WHERE workspace_id = $1 AND id = $2 AND status = 'uploaded'`
	startImportJobSQL = `UPDATE import_jobs SET options = $3, updated_at = $4, status = 'running'
WHERE workspace_id = $1 AND id = $2 AND status = 'uploaded'`
	setImportJobCountsSQL = `UPDATE import_jobs SET counts = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2`
	// finishImportJobSQL keeps the saved counts when $4 is NULL.
	finishImportJobSQL = `UPDATE import_jobs SET status = $3, counts = COALESCE($4, counts), report = $5, error = $6,
updated_at = $7 WHERE workspace_id = $1 AND id = $2`
	deleteImportJobSQL = `DELETE FROM import_jobs WHERE workspace_id = $1 AND id = $2`
	// staleImportJobsSQL is the one query across workspaces. It serves the
	// clean-up of abandoned uploads and returns ids only.
	staleImportJobsSQL = `SELECT workspace_id, user_id, id, status FROM import_jobs
WHERE (status = 'uploaded' AND created_at < $1) OR (status = 'running' AND updated_at < $2)`
)

func encodeJSON(column string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode import job %s: %w", column, err)
	}
	return string(b), nil
}

// CreateImportJob implements importjobs.Store.
func (s *ImportJobStore) CreateImportJob(ctx context.Context, scope chatalott.Scope, job *importjobs.Job) error {
	detection, err := encodeJSON("detection", job.Detection)
	if err != nil {
		return err
	}
	options, err := encodeJSON("options", job.Options)
	if err != nil {
		return err
	}
	counts, err := encodeJSON("counts", job.Counts)
	if err != nil {
		return err
	}
	var report sql.NullString
	if job.Report != nil {
		if report.String, err = encodeJSON("report", job.Report); err != nil {
			return err
		}
		report.Valid = true
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, insertImportJobSQL, scope.WorkspaceID, job.ID, scope.UserID, job.FileName, job.FileSize,
			string(job.Status), detection, options, counts, report, job.Error, job.CreatedAt, job.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert import job: %w", err)
		}
		return nil
	})
}

// ImportJob implements importjobs.Store.
func (s *ImportJobStore) ImportJob(ctx context.Context, scope chatalott.Scope, id string) (*importjobs.Job, error) {
	var job importjobs.Job
	var status string
	var detection, options, counts []byte
	var report sql.NullString
	err := s.DB.read(ctx, scope, func(q querier) error {
		err := q.QueryRowContext(ctx, getImportJobSQL, scope.WorkspaceID, id).Scan(&job.ID, &job.UserID, &job.FileName,
			&job.FileSize, &status, &detection, &options, &counts, &report, &job.Error, &job.CreatedAt, &job.UpdatedAt)
		return notFound(err, "Import", id)
	})
	if err != nil {
		return nil, err
	}
	job.WorkspaceID, job.Status = scope.WorkspaceID, importjobs.Status(status)
	if err := json.Unmarshal(detection, &job.Detection); err != nil {
		return nil, fmt.Errorf("sqlstore: import job %s: decode detection: %w", id, err)
	}
	if err := json.Unmarshal(options, &job.Options); err != nil {
		return nil, fmt.Errorf("sqlstore: import job %s: decode options: %w", id, err)
	}
	if err := json.Unmarshal(counts, &job.Counts); err != nil {
		return nil, fmt.Errorf("sqlstore: import job %s: decode counts: %w", id, err)
	}
	if report.Valid {
		job.Report = &imports.Report{}
		if err := json.Unmarshal([]byte(report.String), job.Report); err != nil {
			return nil, fmt.Errorf("sqlstore: import job %s: decode report: %w", id, err)
		}
	}
	return &job, nil
}

// SetImportJobOptions implements importjobs.Store.
func (s *ImportJobStore) SetImportJobOptions(ctx context.Context, scope chatalott.Scope, id string, opts importjobs.Options, at time.Time) error {
	return s.updateUploaded(ctx, scope, id, setImportJobOptionsSQL, opts, at)
}

// StartImportJob implements importjobs.Store.
func (s *ImportJobStore) StartImportJob(ctx context.Context, scope chatalott.Scope, id string, opts importjobs.Options, at time.Time) error {
	return s.updateUploaded(ctx, scope, id, startImportJobSQL, opts, at)
}

// updateUploaded runs query, which changes the job only while it is
// uploaded. When no row changes, it returns ENotFound for a missing job
// and EConflict for a started one.
func (s *ImportJobStore) updateUploaded(ctx context.Context, scope chatalott.Scope, id, query string, opts importjobs.Options, at time.Time) error {
	options, err := encodeJSON("options", opts)
	if err != nil {
		return err
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, scope.WorkspaceID, id, options, at)
		if err != nil {
			return fmt.Errorf("sqlstore: update import job %s: %w", id, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("sqlstore: update import job %s: %w", id, err)
		}
		if n == 1 {
			return nil
		}
		var status string
		if err := tx.QueryRowContext(ctx, importJobStatusSQL, scope.WorkspaceID, id).Scan(&status); err != nil {
			return notFound(err, "Import", id)
		}
		return chatalott.Errorf(chatalott.EConflict, "This import has already started, so its choices cannot change.")
	})
}

// SetImportJobCounts implements importjobs.Store.
func (s *ImportJobStore) SetImportJobCounts(ctx context.Context, scope chatalott.Scope, id string, counts imports.Counts, at time.Time) error {
	encoded, err := encodeJSON("counts", counts)
	if err != nil {
		return err
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, setImportJobCountsSQL, scope.WorkspaceID, id, encoded, at)
		if err != nil {
			return fmt.Errorf("sqlstore: update import job %s counts: %w", id, err)
		}
		return expectOneRow(res, "Import", id)
	})
}

// FinishImportJob implements importjobs.Store. Without a report the counts
// stay as the last progress update saved them.
func (s *ImportJobStore) FinishImportJob(ctx context.Context, scope chatalott.Scope, id string, status importjobs.Status,
	report *imports.Report, message string, at time.Time) error {
	var counts, encodedReport sql.NullString
	if report != nil {
		var err error
		if counts.String, err = encodeJSON("counts", report.Counts); err != nil {
			return err
		}
		if encodedReport.String, err = encodeJSON("report", report); err != nil {
			return err
		}
		counts.Valid, encodedReport.Valid = true, true
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, finishImportJobSQL, scope.WorkspaceID, id, string(status), counts, encodedReport, message, at)
		if err != nil {
			return fmt.Errorf("sqlstore: finish import job %s: %w", id, err)
		}
		return expectOneRow(res, "Import", id)
	})
}

// DeleteImportJob implements importjobs.Store.
func (s *ImportJobStore) DeleteImportJob(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, deleteImportJobSQL, scope.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("sqlstore: delete import job %s: %w", id, err)
		}
		return expectOneRow(res, "Import", id)
	})
}

// StaleImportJobs implements importjobs.Store.
func (s *ImportJobStore) StaleImportJobs(ctx context.Context, uploadedBefore, runningBefore time.Time) ([]importjobs.Ref, error) {
	// The clean-up looks for abandoned jobs in every workspace.
	rows, err := s.DB.owner.QueryContext(ctx, staleImportJobsSQL, uploadedBefore.UTC(), runningBefore.UTC())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list stale import jobs: %w", err)
	}
	defer rows.Close()
	var refs []importjobs.Ref
	for rows.Next() {
		var ref importjobs.Ref
		var status string
		if err := rows.Scan(&ref.Scope.WorkspaceID, &ref.Scope.UserID, &ref.ID, &status); err != nil {
			return nil, fmt.Errorf("sqlstore: list stale import jobs: %w", err)
		}
		ref.Status = importjobs.Status(status)
		refs = append(refs, ref)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list stale import jobs: %w", err)
	}
	return refs, nil
}
