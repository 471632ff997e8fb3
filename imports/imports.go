// Package imports brings address-book files into a workspace: it reads
// them with addressbook, matches duplicates by email, writes contacts in
// batches inside transactions and reports the outcome of every row. The web
// import wizard and the "chatalott import" command both run Service.Import.
package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/contacts"
)

// Duplicates is the rule for a row whose email matches an existing contact,
// compared case-insensitively.
type Duplicates string

// Duplicate rules.
const (
	DuplicatesSkip   Duplicates = "skip"   // keep the existing contact, ignore the row
	DuplicatesUpdate Duplicates = "update" // merge the row into the existing contact
	DuplicatesCreate Duplicates = "create" // create a new contact anyway
)

// Valid reports whether d is one of the rules.
func (d Duplicates) Valid() bool {
	return d == DuplicatesSkip || d == DuplicatesUpdate || d == DuplicatesCreate
}

// DefaultBatchSize is the number of rows written per transaction.
const DefaultBatchSize = 500

// MaxReportRows caps the rows a report lists one by one (rejected, skipped
// and warned rows), so that a report of a huge file stays small. Counts
// stay exact beyond the cap.
const MaxReportRows = 10_000

// Options control one import.
type Options struct {
	Reader     addressbook.Options
	Duplicates Duplicates
	// DryRun reads and matches every row and reports what would happen,
	// writing nothing.
	DryRun    bool
	BatchSize int
	// Progress, if set, is called after each batch with the counts so far.
	Progress func(Counts)
}

// Counts are the running totals of an import.
type Counts struct {
	Rows     int `json:"rows"`
	Created  int `json:"created"`
	Updated  int `json:"updated"`
	Skipped  int `json:"skipped"`
	Rejected int `json:"rejected"`
}

// Outcomes of one row.
const (
	OutcomeCreated  = "created"
	OutcomeUpdated  = "updated"
	OutcomeSkipped  = "skipped"
	OutcomeRejected = "rejected"
	OutcomeWarning  = "warning"
)

// Row is one line of the report.
type Row struct {
	Line    int    `json:"line"`
	Outcome string `json:"outcome"`
	Name    string `json:"name,omitempty"`
	Reason  string `json:"reason"`
}

// Report is the result of an import.
type Report struct {
	Detection addressbook.Detection `json:"detection"`
	Counts
	DryRun bool `json:"dry_run"`
	// Rows lists rejected, skipped and warned rows, up to MaxReportRows.
	Rows []Row `json:"rows"`
	// RowsTruncated is set when more rows than MaxReportRows had something to report.
	RowsTruncated bool `json:"rows_truncated"`
}

func (r *Report) addRow(row Row) {
	if len(r.Rows) >= MaxReportRows {
		r.RowsTruncated = true
		return
	}
	r.Rows = append(r.Rows, row)
}

// Store is the storage that an import reads duplicates from and writes
// contacts to. Every method is limited to scope's workspace.
type Store interface {
	// ContactsByEmail returns the contacts of the workspace that have any of
	// the normalized emails, keyed by normalized email.
	ContactsByEmail(ctx context.Context, scope chatalott.Scope, emails []string) (map[string]*contacts.Contact, error)
	// ApplyImportBatch creates and updates the given contacts in one
	// transaction: all of them are written, or none.
	ApplyImportBatch(ctx context.Context, scope chatalott.Scope, create, update []*contacts.Contact) error
}

// Service runs imports.
type Service struct {
	Store Store
	Now   func() time.Time
	NewID func() string
}

// ErrNoContacts is returned when a file yields no contact to import.
var ErrNoContacts = chatalott.Errorf(chatalott.EInvalid,
	"The file contains no contacts that can be imported. Check that it is a CSV or vCard export from your address book.")

// Import reads file into scope's workspace. It reads the whole file once
// before writing anything, so a file that fails as a whole (unreadable, too
// many rows, cut off inside a row) writes nothing. Then it imports in
// batches of BatchSize rows, each in one transaction: when ctx is cancelled
// or the database fails midway, the batches before stay complete and no
// contact is half written. Rejected rows are reported and do not stop the
// import. A file that yields no importable contact is an error, with the
// report of why each row was rejected.
func (s *Service) Import(ctx context.Context, scope chatalott.Scope, open Opener, opts Options) (*Report, error) {
	if opts.Duplicates == "" {
		opts.Duplicates = DuplicatesSkip
	}
	if !opts.Duplicates.Valid() {
		return nil, chatalott.Errorf(chatalott.EInvalid, "Duplicate rule %q is not known; use skip, update or create.", opts.Duplicates)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}

	// First pass: read the file's structure only, so a file that fails as
	// a whole (unreadable, cut off, over the row limit) fails before any
	// write. Rows that are merely invalid are found in the second pass.
	if err := checkFile(open, opts.Reader); err != nil {
		return nil, err
	}
	file, err := open()
	if err != nil {
		return nil, fmt.Errorf("imports: open file: %w", err)
	}
	defer file.Close()
	reader, err := addressbook.Open(file, opts.Reader)
	if err != nil {
		return nil, err
	}
	report := &Report{Detection: reader.Detection(), DryRun: opts.DryRun}

	b := &batch{service: s, scope: scope, opts: opts, report: report,
		seen: map[string]*contacts.Contact{}, written: map[string]*contacts.Contact{}, nextRefresh: firstStatisticsRefresh}

	// The file is parsed in its own goroutine while batches are written
	// here, so parsing and the database work at the same time. Batches are
	// still matched and written one after another, in file order.
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	chunks, readDone := readChunks(readCtx, reader, opts.BatchSize)
	for chunk := range chunks {
		if err := ctx.Err(); err != nil {
			stopReading()
			<-readDone
			return report, fmt.Errorf("imports: cancelled after %d rows: %w", report.Counts.Rows, err)
		}
		for _, rec := range chunk {
			report.Counts.Rows++
			if rec.Err != nil {
				report.Rejected++
				report.addRow(Row{Line: rec.Line, Outcome: OutcomeRejected, Name: nameOf(rec.Contact), Reason: chatalott.ErrorMessage(rec.Err)})
				continue
			}
			for _, w := range rec.Warnings {
				report.addRow(Row{Line: rec.Line, Outcome: OutcomeWarning, Name: nameOf(rec.Contact), Reason: w})
			}
			b.add(rec)
		}
		if err := b.flush(ctx); err != nil {
			stopReading()
			<-readDone
			return report, err
		}
	}
	if err := <-readDone; err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return report, fmt.Errorf("imports: cancelled after %d rows: %w", report.Counts.Rows, ctxErr)
		}
		return report, err
	}
	report.Detection = reader.Detection()
	// No row was valid, so nothing was written: the file as a whole failed.
	if report.Created+report.Updated+report.Skipped == 0 && report.Rejected == report.Counts.Rows {
		return report, ErrNoContacts
	}
	if report.Created+report.Updated >= firstStatisticsRefresh {
		b.refreshStatistics(ctx)
	}
	return report, nil
}

// firstStatisticsRefresh is the number of written contacts after which an
// import first refreshes the database's planner statistics; each later
// refresh waits for four times as many. Without it, PostgreSQL plans the
// duplicate lookup of a workspace that the import is filling as if the
// workspace were empty, and scans all of it for every batch.
const firstStatisticsRefresh = 500

// afterImporter is implemented by stores that tune the database after a
// large import.
type afterImporter interface {
	AfterImport(ctx context.Context) error
}

// Opener opens the file to import. Import calls it twice, once per pass,
// so the file is streamed and never held in memory whole.
type Opener func() (io.ReadCloser, error)

// readChunks reads records in a goroutine and sends them in chunks of size.
// The error channel receives nil at the end of the file, or the error that
// stopped reading, after the chunk channel is closed.
func readChunks(ctx context.Context, reader *addressbook.Reader, size int) (<-chan []addressbook.Record, <-chan error) {
	// One chunk of buffer lets the next chunk be parsed while one is written.
	chunks := make(chan []addressbook.Record, 1)
	done := make(chan error, 1)
	go func() {
		defer close(chunks)
		chunk := make([]addressbook.Record, 0, size)
		send := func() bool {
			select {
			case chunks <- chunk:
				chunk = make([]addressbook.Record, 0, size)
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			if ctx.Err() != nil {
				done <- ctx.Err()
				return
			}
			rec, err := reader.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				done <- err
				return
			}
			chunk = append(chunk, rec)
			if len(chunk) >= size && !send() {
				done <- ctx.Err()
				return
			}
		}
		if len(chunk) > 0 && !send() {
			done <- ctx.Err()
			return
		}
		done <- nil
	}()
	return chunks, done
}

// checkFile reads the structure of every record of the file and returns
// an error when the file as a whole cannot be read.
func checkFile(open Opener, opts addressbook.Options) error {
	file, err := open()
	if err != nil {
		return fmt.Errorf("imports: open file: %w", err)
	}
	defer file.Close()
	opts.StructureOnly = true
	reader, err := addressbook.Open(file, opts)
	if err != nil {
		return err
	}
	for {
		_, err := reader.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func nameOf(c *contacts.Contact) string {
	if c == nil {
		return ""
	}
	return c.DisplayName()
}

// batch collects rows until they are written together.
type batch struct {
	service *Service
	scope   chatalott.Scope
	opts    Options
	report  *Report
	records []addressbook.Record
	// seen maps each normalized email created or updated in the current
	// batch to its contact, so that two rows of one batch with the same
	// email follow the duplicate rule too. Rows of earlier batches are
	// found in the database, which holds them by then.
	seen map[string]*contacts.Contact
	// written maps the normalized emails of earlier batches to a copy of
	// the contact, in a dry run only, where the database does not hold
	// them. It costs memory per email, which a dry run accepts.
	written map[string]*contacts.Contact
	// nextRefresh is the written-contact count at which statistics are
	// refreshed next.
	nextRefresh int
}

// refreshStatistics has the store, if it can, refresh the planner
// statistics. A failure only slows later queries, so it is logged.
func (b *batch) refreshStatistics(ctx context.Context) {
	a, ok := b.service.Store.(afterImporter)
	if !ok || b.opts.DryRun {
		return
	}
	if err := a.AfterImport(ctx); err != nil {
		slog.WarnContext(ctx, "refresh statistics during import failed", "workspace_id", b.scope.WorkspaceID, "err", err)
	}
}

func (b *batch) add(rec addressbook.Record) { b.records = append(b.records, rec) }

// flush matches the collected rows against existing contacts and writes
// them in one transaction.
func (b *batch) flush(ctx context.Context) error {
	if len(b.records) == 0 {
		return nil
	}
	defer func() {
		if b.opts.DryRun {
			for email, c := range b.seen {
				b.written[email] = c
			}
		}
		b.records = b.records[:0]
		clear(b.seen)
	}()

	var emails []string
	for _, rec := range b.records {
		for _, e := range rec.Contact.Emails {
			emails = append(emails, accounts.NormalizeEmail(e.Address))
		}
	}
	existing := map[string]*contacts.Contact{}
	if b.opts.Duplicates != DuplicatesCreate && len(emails) > 0 {
		var err error
		existing, err = b.service.Store.ContactsByEmail(ctx, b.scope, emails)
		if err != nil {
			return fmt.Errorf("imports: look up duplicates: %w", err)
		}
	}

	now := b.service.Now().UTC()
	var created, updated []*contacts.Contact
	createdSet := map[*contacts.Contact]bool{}
	updatedSet := map[*contacts.Contact]bool{}
	counts := Counts{}
	for _, rec := range b.records {
		c := rec.Contact
		match := b.match(c, existing)
		switch {
		case match == nil || b.opts.Duplicates == DuplicatesCreate:
			c.ID = b.service.NewID()
			c.CreatedAt, c.UpdatedAt = now, now
			created = append(created, c)
			createdSet[c] = true
			b.remember(c)
			counts.Created++
		case b.opts.Duplicates == DuplicatesSkip:
			counts.Skipped++
			b.report.addRow(Row{Line: rec.Line, Outcome: OutcomeSkipped, Name: c.DisplayName(),
				Reason: fmt.Sprintf("An existing contact, %s, has the same email.", match.DisplayName())})
		default: // DuplicatesUpdate
			merged := cloneContact(match)
			Merge(merged, c)
			merged.Normalize()
			if err := merged.Validate(); err != nil {
				counts.Rejected++
				b.report.addRow(Row{Line: rec.Line, Outcome: OutcomeRejected, Name: c.DisplayName(),
					Reason: "Merging this row into " + match.DisplayName() + " would make it invalid: " + chatalott.ErrorMessage(err)})
				continue
			}
			merged.UpdatedAt = now
			*match = *merged
			// A contact created in this batch is written with the creates.
			if !createdSet[match] && !updatedSet[match] {
				updated = append(updated, match)
				updatedSet[match] = true
			}
			b.remember(match)
			counts.Updated++
		}
	}

	if !b.opts.DryRun {
		if err := b.service.Store.ApplyImportBatch(ctx, b.scope, created, updated); err != nil {
			return fmt.Errorf("imports: write batch: %w", err)
		}
	}
	b.report.Created += counts.Created
	b.report.Updated += counts.Updated
	if written := b.report.Created + b.report.Updated; written >= b.nextRefresh {
		b.refreshStatistics(ctx)
		b.nextRefresh = written * 4
	}
	b.report.Skipped += counts.Skipped
	b.report.Rejected += counts.Rejected
	if b.opts.Progress != nil {
		b.opts.Progress(b.report.Counts)
	}
	return nil
}

// match returns the contact that c duplicates: one created or updated
// earlier in this import, else an existing one.
func (b *batch) match(c *contacts.Contact, existing map[string]*contacts.Contact) *contacts.Contact {
	for _, e := range c.Emails {
		key := accounts.NormalizeEmail(e.Address)
		if m, ok := b.seen[key]; ok {
			return m
		}
		if m, ok := existing[key]; ok {
			return m
		}
		if m, ok := b.written[key]; ok {
			return m
		}
	}
	return nil
}

func (b *batch) remember(c *contacts.Contact) {
	for _, e := range c.Emails {
		b.seen[accounts.NormalizeEmail(e.Address)] = c
	}
}
