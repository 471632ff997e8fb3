package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/importjobs"
	"github.com/chatalott/chatalott/imports"
	"github.com/chatalott/chatalott/sqlstore"
)

func newImportJob(t *testing.T, store *sqlstore.ImportJobStore, scope chatalott.Scope, created time.Time) *importjobs.Job {
	t.Helper()
	job := &importjobs.Job{ID: chatalott.NewID(), WorkspaceID: scope.WorkspaceID, UserID: scope.UserID,
		FileName: "contacts.csv", FileSize: 42, Status: importjobs.StatusUploaded,
		Detection: addressbook.Detection{Format: addressbook.FormatCSV, Encoding: "utf-8", Separator: ';', HeaderLine: 2,
			Headers: []string{"Name", "Email"}},
		Options:   importjobs.Options{Duplicates: imports.DuplicatesSkip},
		CreatedAt: created, UpdatedAt: created}
	if err := store.CreateImportJob(context.Background(), scope, job); err != nil {
		t.Fatalf("CreateImportJob: %v", err)
	}
	return job
}

func TestImportJobStoreLifecycle(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.ImportJobStore{DB: db}
		scope := newUser(t, db, "owner@example.com")
		job := newImportJob(t, store, scope, now)

		got, err := store.ImportJob(ctx, scope, job.ID)
		if err != nil {
			t.Fatalf("ImportJob: %v", err)
		}
		if got.Detection.Separator != ';' || got.Detection.HeaderLine != 2 || got.Status != importjobs.StatusUploaded || !got.CreatedAt.Equal(now) {
			t.Errorf("ImportJob = %+v, want the stored detection, status and time", got)
		}

		opts := importjobs.Options{Duplicates: imports.DuplicatesUpdate}
		if err := store.StartImportJob(ctx, scope, job.ID, opts, now); err != nil {
			t.Fatalf("StartImportJob: %v", err)
		}
		if err := store.StartImportJob(ctx, scope, job.ID, opts, now); chatalott.ErrorCode(err) != chatalott.EConflict {
			t.Errorf("second StartImportJob: error code %q, want %q", chatalott.ErrorCode(err), chatalott.EConflict)
		}
		if err := store.SetImportJobOptions(ctx, scope, job.ID, opts, now); chatalott.ErrorCode(err) != chatalott.EConflict {
			t.Errorf("SetImportJobOptions after start: error code %q, want %q", chatalott.ErrorCode(err), chatalott.EConflict)
		}
		if err := store.SetImportJobCounts(ctx, scope, job.ID, imports.Counts{Rows: 3, Created: 2}, now); err != nil {
			t.Fatalf("SetImportJobCounts: %v", err)
		}
		if err := store.FinishImportJob(ctx, scope, job.ID, importjobs.StatusFailed, nil, "stopped", now); err != nil {
			t.Fatalf("FinishImportJob: %v", err)
		}
		got, err = store.ImportJob(ctx, scope, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != importjobs.StatusFailed || got.Error != "stopped" || got.Counts.Created != 2 || got.Report != nil {
			t.Errorf("finished job = status %q error %q counts %+v, want failed, stopped, the saved counts, no report",
				got.Status, got.Error, got.Counts)
		}
		if got.Options.Duplicates != imports.DuplicatesUpdate {
			t.Errorf("options after start = %+v, want the rule saved at start", got.Options)
		}
	})
}

// TestImportJobStoreOtherWorkspace checks that every scoped method returns
// ENotFound for a job of another workspace and changes nothing.
func TestImportJobStoreOtherWorkspace(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.ImportJobStore{DB: db}
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")
		job := newImportJob(t, store, owner, now)

		opts := importjobs.Options{Duplicates: imports.DuplicatesCreate}
		calls := map[string]func() error{
			"ImportJob":           func() error { _, err := store.ImportJob(ctx, other, job.ID); return err },
			"SetImportJobOptions": func() error { return store.SetImportJobOptions(ctx, other, job.ID, opts, now) },
			"StartImportJob":      func() error { return store.StartImportJob(ctx, other, job.ID, opts, now) },
			"SetImportJobCounts":  func() error { return store.SetImportJobCounts(ctx, other, job.ID, imports.Counts{Rows: 9}, now) },
			"FinishImportJob": func() error {
				return store.FinishImportJob(ctx, other, job.ID, importjobs.StatusDone, &imports.Report{}, "", now)
			},
			"DeleteImportJob": func() error { return store.DeleteImportJob(ctx, other, job.ID) },
		}
		for name, call := range calls {
			if err := call(); chatalott.ErrorCode(err) != chatalott.ENotFound {
				t.Errorf("%s from another workspace: error code %q, want %q", name, chatalott.ErrorCode(err), chatalott.ENotFound)
			}
		}
		got, err := store.ImportJob(ctx, owner, job.ID)
		if err != nil {
			t.Fatalf("owner's ImportJob: %v", err)
		}
		if got.Status != importjobs.StatusUploaded || got.Options.Duplicates != imports.DuplicatesSkip || got.Counts.Rows != 0 {
			t.Errorf("owner's job after other workspace's calls = status %q options %+v counts %+v, want it unchanged",
				got.Status, got.Options, got.Counts)
		}
	})
}

func TestImportJobStoreStale(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.ImportJobStore{DB: db}
		scope := newUser(t, db, "owner@example.com")
		old := newImportJob(t, store, scope, now.Add(-25*time.Hour))
		newImportJob(t, store, scope, now.Add(-time.Hour))

		refs, err := store.StaleImportJobs(ctx, now.Add(-24*time.Hour), now.Add(-15*time.Minute))
		if err != nil {
			t.Fatalf("StaleImportJobs: %v", err)
		}
		if len(refs) != 1 || refs[0].ID != old.ID || refs[0].Scope != scope || refs[0].Status != importjobs.StatusUploaded {
			t.Errorf("StaleImportJobs = %+v, want only the job uploaded 25 hours ago", refs)
		}
	})
}
