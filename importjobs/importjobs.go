// Package importjobs runs the web import wizard. It keeps an uploaded
// address-book file in blob storage and records what was detected in it
// and the choices made on the preview page. It then runs
// imports.Service.Import in the background and saves the counts and the
// report in the database, so that any instance can show them.
//
// A job moves from uploaded to running to done or failed. Its file is
// deleted when the import ends or the job is discarded, and by Cleanup once
// it is older than MaxUploadAge.
package importjobs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/imports"
)

// Status is the stage of an import job.
type Status string

// Job statuses.
const (
	StatusUploaded Status = "uploaded" // file stored and detected, waiting for Start
	StatusRunning  Status = "running"
	StatusDone     Status = "done"
	StatusFailed   Status = "failed"
)

// Limits and timings.
const (
	// MaxUploadBytes is the largest file that can be uploaded, 64 MiB.
	MaxUploadBytes = 64 << 20
	// PreviewRows is how many records the preview page shows.
	PreviewRows = 10
	// MaxUploadAge is how long an uploaded file waits for its import to
	// start before Cleanup deletes it.
	MaxUploadAge = 24 * time.Hour
	// StallTimeout is how long a running job may go without a progress
	// update before Cleanup takes its instance to have stopped and marks
	// it failed. Progress is saved after each batch of rows.
	StallTimeout = 15 * time.Minute
	// maxFileNameRunes caps the stored name of the uploaded file.
	maxFileNameRunes = 255
)

// Options are the choices made on the preview page.
type Options struct {
	Duplicates imports.Duplicates `json:"duplicates"`
	// Mapping is the CSV column mapping, one entry per header column in
	// column order; it is empty for vCard and JSON files.
	Mapping []addressbook.ColumnMapping `json:"mapping,omitempty"`
}

// Job is one import of one uploaded file into one workspace.
type Job struct {
	ID          string
	WorkspaceID string
	UserID      string
	FileName    string
	FileSize    int64
	Status      Status
	Detection   addressbook.Detection
	Options     Options
	// Counts are the running totals, saved after each batch.
	Counts imports.Counts
	// Report is set once the job is done or failed.
	Report *imports.Report
	// Error is the message shown for a failed job.
	Error     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ref names one job for Cleanup, which works across workspaces.
type Ref struct {
	Scope  chatalott.Scope
	ID     string
	Status Status
}

// Store keeps jobs. Every method but StaleImportJobs is limited to scope's
// workspace and returns an error with code chatalott.ENotFound for a job of
// another workspace, exactly as for a job that does not exist.
type Store interface {
	CreateImportJob(ctx context.Context, scope chatalott.Scope, job *Job) error
	ImportJob(ctx context.Context, scope chatalott.Scope, id string) (*Job, error)
	// SetImportJobOptions saves opts while the job is uploaded, and
	// returns chatalott.EConflict once it has started.
	SetImportJobOptions(ctx context.Context, scope chatalott.Scope, id string, opts Options, at time.Time) error
	// StartImportJob saves opts and moves the job from uploaded to running
	// in one conditional update, so that only one request starts it. It
	// returns chatalott.EConflict when the job is not uploaded.
	StartImportJob(ctx context.Context, scope chatalott.Scope, id string, opts Options, at time.Time) error
	SetImportJobCounts(ctx context.Context, scope chatalott.Scope, id string, counts imports.Counts, at time.Time) error
	// FinishImportJob sets the final status, counts, report and error message.
	FinishImportJob(ctx context.Context, scope chatalott.Scope, id string, status Status, report *imports.Report, message string, at time.Time) error
	DeleteImportJob(ctx context.Context, scope chatalott.Scope, id string) error
	// StaleImportJobs lists, across every workspace, the uploaded jobs
	// created before uploadedBefore and the running jobs last updated
	// before runningBefore. It returns ids only, for Cleanup.
	StaleImportJobs(ctx context.Context, uploadedBefore, runningBefore time.Time) ([]Ref, error)
}

// Blobs stores the uploaded files.
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
	DeleteOlderThan(ctx context.Context, prefix string, cutoff time.Time) (int, error)
}

// Service runs import jobs.
type Service struct {
	Store   Store
	Blobs   Blobs
	Imports *imports.Service
	Logger  *slog.Logger
	Now     func() time.Time
	NewID   func() string
	// Context is the parent of every background import. Cancelling it, at
	// server shutdown, stops running imports, which are then marked failed
	// with the rows written so far; Wait waits for that. A nil Context
	// means context.Background.
	Context context.Context

	running sync.WaitGroup
}

// Wait blocks until every background import has recorded its end.
func (s *Service) Wait() { s.running.Wait() }

// blobKey returns the key of the job's uploaded file.
func blobKey(scope chatalott.Scope, id string) string {
	return "imports/" + scope.WorkspaceID + "/" + id
}

// BlobPrefix is the key prefix of every uploaded import file.
const BlobPrefix = "imports/"

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func logAttrs(scope chatalott.Scope, id string) []any {
	return []any{"import_id", id, "workspace_id", scope.WorkspaceID, "user_id", scope.UserID}
}

// Get returns the job with id in scope's workspace.
func (s *Service) Get(ctx context.Context, scope chatalott.Scope, id string) (*Job, error) {
	return s.Store.ImportJob(ctx, scope, id)
}

// Discard deletes the job and its file. A running job cannot be
// discarded, because its import would go on writing.
func (s *Service) Discard(ctx context.Context, scope chatalott.Scope, id string) error {
	job, err := s.Store.ImportJob(ctx, scope, id)
	if err != nil {
		return err
	}
	if job.Status == StatusRunning {
		return chatalott.Errorf(chatalott.EConflict, "This import is still running; wait until it finishes, then discard it.")
	}
	if err := s.Blobs.Delete(ctx, blobKey(scope, id)); err != nil {
		return fmt.Errorf("importjobs: discard %s: %w", id, err)
	}
	if err := s.Store.DeleteImportJob(ctx, scope, id); err != nil {
		return err
	}
	s.logger().Info("import discarded", append(logAttrs(scope, id), "status", string(job.Status))...)
	return nil
}

// CleanupResult counts what one Cleanup run removed.
type CleanupResult struct {
	ExpiredJobs  int
	DeletedBlobs int
}

// Cleanup marks as failed the uploaded jobs older than MaxUploadAge and the
// running jobs without progress for StallTimeout, deletes their files, and
// deletes every uploaded file older than MaxUploadAge, including files
// whose job was never recorded. It is idempotent, so every instance may
// run it.
//
// NOTE: a running import that makes no progress for StallTimeout on a live
// instance, such as one stuck on a locked database, is marked failed and
// loses its file, although its own end may later overwrite the status.
func (s *Service) Cleanup(ctx context.Context) (CleanupResult, error) {
	var result CleanupResult
	now := s.now()
	refs, err := s.Store.StaleImportJobs(ctx, now.Add(-MaxUploadAge), now.Add(-StallTimeout))
	if err != nil {
		return result, err
	}
	for _, ref := range refs {
		message := "The uploaded file was deleted because its import was not started within 24 hours; upload the file again."
		if ref.Status == StatusRunning {
			message = "The import stopped without finishing, probably because the server restarted. " +
				"Check your contacts, then import the file again with the duplicate rule \"skip\" to add the rest."
		}
		if err := s.Blobs.Delete(ctx, blobKey(ref.Scope, ref.ID)); err != nil {
			return result, fmt.Errorf("importjobs: cleanup %s: %w", ref.ID, err)
		}
		if err := s.Store.FinishImportJob(ctx, ref.Scope, ref.ID, StatusFailed, nil, message, now); err != nil {
			return result, fmt.Errorf("importjobs: cleanup %s: %w", ref.ID, err)
		}
		s.logger().Info("import expired", append(logAttrs(ref.Scope, ref.ID), "status", string(ref.Status))...)
		result.ExpiredJobs++
	}
	deleted, err := s.Blobs.DeleteOlderThan(ctx, BlobPrefix, now.Add(-MaxUploadAge))
	result.DeletedBlobs = deleted
	if err != nil {
		return result, fmt.Errorf("importjobs: cleanup files: %w", err)
	}
	return result, nil
}

// RunCleanup runs Cleanup now and then every interval until ctx ends,
// logging what each run removed and any error.
func (s *Service) RunCleanup(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		result, err := s.Cleanup(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger().Error("import cleanup failed", "err", err)
		} else if err == nil {
			s.logger().Info("import cleanup finished", "expired_jobs", result.ExpiredJobs, "deleted_files", result.DeletedBlobs)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
