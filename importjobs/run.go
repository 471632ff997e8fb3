package importjobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/imports"
)

// Choice is the content of the preview form: the duplicate rule, and for a
// CSV file one target name per header column, in column order.
type Choice struct {
	Duplicates string
	Targets    []string
}

// editedGroupBase numbers the entry groups of columns whose target was
// changed on the preview page, far above the groups addressbook detects,
// so that each changed column becomes an entry of its own.
const editedGroupBase = 100_000

// OptionsFor validates choice against job's detected file and returns the
// options to save. A column whose target is unchanged keeps its detected
// group and default label, so that "E-mail 2 - Label" still labels
// "E-mail 2 - Value". A changed column gets a group of its own and no
// default label. Each invalid value is reported by its form field:
// "duplicates", or "target_N" for the column with 0-based index N.
func (job *Job) OptionsFor(choice Choice) (Options, error) {
	var errs chatalott.ValidationErrors
	opts := Options{Duplicates: imports.Duplicates(choice.Duplicates)}
	if !opts.Duplicates.Valid() {
		errs = append(errs, chatalott.FieldError("duplicates",
			"Duplicate rule %q is not known; choose skip, update or create.", choice.Duplicates))
	}
	if job.Detection.Format == addressbook.FormatCSV {
		mapping, mapErrs := job.mappingFor(choice.Targets)
		errs = append(errs, mapErrs...)
		opts.Mapping = mapping
	}
	return opts, errs.Err()
}

func (job *Job) mappingFor(targets []string) ([]addressbook.ColumnMapping, chatalott.ValidationErrors) {
	headers := job.Detection.Headers
	if len(targets) != len(headers) {
		return nil, chatalott.ValidationErrors{chatalott.FieldError("mapping",
			"The mapping lists %d columns, but the file has %d; reload the page and choose a field for each column.",
			len(targets), len(headers))}
	}
	known := map[addressbook.Target]bool{}
	for _, info := range addressbook.Targets() {
		known[info.Target] = true
	}
	detected := map[int]addressbook.ColumnMapping{}
	for _, m := range job.Detection.Mapping {
		detected[m.Index] = m
	}

	var errs chatalott.ValidationErrors
	mapping := make([]addressbook.ColumnMapping, len(headers))
	for i, header := range headers {
		field := fmt.Sprintf("target_%d", i)
		target := addressbook.Target(targets[i])
		switch {
		case target == "":
			errs = append(errs, chatalott.FieldError(field,
				"Column %d (%q) has no field chosen; choose a field from the list, or \"Do not import\".", i+1, header))
			continue
		case !known[target]:
			errs = append(errs, chatalott.FieldError(field,
				"Column %d (%q) is mapped to %q, which is not a contact field; choose a field from the list.", i+1, header, target))
			continue
		}
		m, ok := detected[i]
		if !ok || m.Target != target {
			m = addressbook.ColumnMapping{Target: target, Group: editedGroupBase + i}
		}
		m.Index, m.Header = i, header
		mapping[i] = m
	}
	return mapping, errs
}

// SaveOptions validates choice and saves it while the job is uploaded, so
// that the next preview reads the file with it.
func (s *Service) SaveOptions(ctx context.Context, scope chatalott.Scope, id string, choice Choice) (*Job, error) {
	job, err := s.Store.ImportJob(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	opts, err := job.OptionsFor(choice)
	if err != nil {
		return job, err
	}
	if err := s.Store.SetImportJobOptions(ctx, scope, id, opts, s.now()); err != nil {
		return job, err
	}
	job.Options = opts
	return job, nil
}

// Start validates choice, moves the job to running and runs the import in
// the background under s.Context. It returns chatalott.EConflict when the
// job has already started.
func (s *Service) Start(ctx context.Context, scope chatalott.Scope, id string, choice Choice) (*Job, error) {
	job, err := s.Store.ImportJob(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	opts, err := job.OptionsFor(choice)
	if err != nil {
		return job, err
	}
	if err := s.Store.StartImportJob(ctx, scope, id, opts, s.now()); err != nil {
		return job, err
	}
	job.Options, job.Status = opts, StatusRunning

	parent := s.Context
	if parent == nil {
		parent = context.Background()
	}
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		s.run(parent, scope, job)
	}()
	return job, nil
}

// run imports the job's file and records how it ended. It never returns
// an error: failures are saved on the job and logged.
func (s *Service) run(ctx context.Context, scope chatalott.Scope, job *Job) {
	log := s.logger().With(logAttrs(scope, job.ID)...)
	start := time.Now()
	log.Info("import started", "format", string(job.Detection.Format), "duplicates", string(job.Options.Duplicates))

	key := blobKey(scope, job.ID)
	open := func() (io.ReadCloser, error) { return s.Blobs.Open(ctx, key) }
	opts := imports.Options{
		Reader:     readerOptions(job),
		Duplicates: job.Options.Duplicates,
		Progress: func(c imports.Counts) {
			if err := s.Store.SetImportJobCounts(ctx, scope, job.ID, c, s.now()); err != nil {
				log.Warn("save import progress", "err", err)
			}
		},
	}
	report, err := s.Imports.Import(ctx, scope, open, opts)

	// The end is recorded even when ctx was cancelled by shutdown.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	status, message := StatusDone, ""
	if err != nil {
		status, message = StatusFailed, failureMessage(err, report)
	}
	if finishErr := s.Store.FinishImportJob(endCtx, scope, job.ID, status, report, message, s.now()); finishErr != nil {
		log.Error("record import end", "err", finishErr)
	}
	if delErr := s.Blobs.Delete(endCtx, key); delErr != nil {
		log.Error("delete imported file", "err", delErr)
	}

	var counts imports.Counts
	if report != nil {
		counts = report.Counts
	}
	attrs := []any{"status", string(status), "rows", counts.Rows, "created", counts.Created, "updated", counts.Updated,
		"skipped", counts.Skipped, "rejected", counts.Rejected, "duration_ms", time.Since(start).Milliseconds()}
	if err == nil {
		log.Info("import finished", attrs...)
		return
	}
	// Only internal errors are logged in full: the others carry row
	// details such as a rejected value, which may be contact data.
	if code := chatalott.ErrorCode(err); code == chatalott.EInternal {
		attrs = append(attrs, "err", err)
	} else {
		attrs = append(attrs, "error_code", code)
	}
	log.Warn("import failed", attrs...)
}

// failureMessage returns the message shown for a failed import.
func failureMessage(err error, report *imports.Report) string {
	written := 0
	if report != nil {
		written = report.Created + report.Updated
	}
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("The import stopped because the server shut down; %d contacts were created or updated before that. "+
			"Import the file again with the duplicate rule \"skip\" to add the rest.", written)
	case chatalott.ErrorCode(err) == chatalott.EInternal && written > 0:
		return fmt.Sprintf("The import failed midway; %d contacts were created or updated before that. "+
			"Import the file again with the duplicate rule \"skip\" to add the rest.", written)
	}
	return chatalott.ErrorMessage(err)
}
