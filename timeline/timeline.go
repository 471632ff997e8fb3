// Package timeline records what happened with a contact, company or deal:
// notes, logged activities (calls, emails, meetings) and system events
// (created, imported, stage changed), each with its author and time, and
// lists them newest first, a page at a time.
package timeline

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
)

// Kinds of entry.
const (
	KindNote    = "note"
	KindCall    = "call"
	KindEmail   = "email"
	KindMeeting = "meeting"
	KindEvent   = "event"
)

// System events, in Entry.Event when Kind is KindEvent.
const (
	EventCreated  = "created"
	EventImported = "imported"
	// EventStage is a deal's change of stage, read from the deal history.
	EventStage = "stage"
)

// PageSize is the number of entries on one page of a timeline.
const PageSize = 20

// MaxBodyLen is the longest note or activity text, in characters.
const MaxBodyLen = 10_000

// Entry is one item of a timeline.
type Entry struct {
	ID      string
	Subject chatalott.Subject
	// SubjectTitle is the subject's name, filled in by the store for
	// lists that span subjects.
	SubjectTitle string
	Kind         string
	Event        string
	// Body is the text of a note or activity. For a stage change it is the
	// new stage and OldValue the previous one.
	Body     string
	OldValue string
	// UserID is the author, "" when unknown or deleted; UserName is read
	// with the entry.
	UserID   string
	UserName string
	// OccurredAt is when the activity took place; for notes and events it
	// is when the entry was written.
	OccurredAt time.Time
	CreatedAt  time.Time
}

// IsActivity reports whether e is a logged call, email or meeting.
func (e *Entry) IsActivity() bool {
	return e.Kind == KindCall || e.Kind == KindEmail || e.Kind == KindMeeting
}

// Label returns the kind of e as a person reads it, such as "Call".
func (e *Entry) Label() string {
	switch e.Kind {
	case KindNote:
		return "Note"
	case KindCall:
		return "Call"
	case KindEmail:
		return "Email"
	case KindMeeting:
		return "Meeting"
	}
	switch e.Event {
	case EventCreated:
		return "Created"
	case EventImported:
		return "Imported"
	case EventStage:
		return "Stage changed"
	}
	return e.Kind
}

// Page is one page of a timeline.
type Page struct {
	Entries []Entry
	Page    int
	HasNext bool
}

// Store persists timeline entries. Every method is limited to
// scope.WorkspaceID; a subject of another workspace is reported as
// chatalott.ENotFound, like a missing one.
type Store interface {
	// RequireSubject returns ENotFound unless subject lies in the
	// workspace.
	RequireSubject(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject) error
	// AddEntry stores e, which must name a subject in the workspace.
	AddEntry(ctx context.Context, scope chatalott.Scope, e *Entry) error
	// ListEntries returns up to limit entries of the subject, newest first
	// by OccurredAt, skipping offset. For a deal it includes the deal's
	// creation and stage changes from its history.
	ListEntries(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject, offset, limit int) ([]Entry, error)
	// RecentEntries returns the workspace's newest limit entries of every
	// subject, with SubjectTitle set.
	RecentEntries(ctx context.Context, scope chatalott.Scope, limit int) ([]Entry, error)
}

// Service implements the timeline rules on top of a Store.
type Service struct {
	Store Store
	Now   func() time.Time
	NewID func() string
}

func checkBody(field, label, body string) error {
	switch {
	case body == "":
		return chatalott.FieldError(field, "%s is empty; write the text first.", label)
	case !utf8.ValidString(body):
		return chatalott.FieldError(field, "%s is not valid UTF-8 text; re-enter it.", label)
	case strings.ContainsRune(body, 0):
		return chatalott.FieldError(field, "%s contains a NUL character; remove it.", label)
	}
	if n := utf8.RuneCountInString(body); n > MaxBodyLen {
		return chatalott.FieldError(field, "%s is %d characters long; shorten it to at most %d.", label, n, MaxBodyLen)
	}
	return nil
}

func normalizeBody(body string) string {
	return strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
}

// AddNote stores a plain-text note on subject, written by scope's user now.
// It returns an EInvalid error for an empty or oversized body and ENotFound
// for a subject outside scope's workspace.
func (s *Service) AddNote(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject, body string) (*Entry, error) {
	// A subject of another workspace is not found, whatever the input.
	if err := s.Store.RequireSubject(ctx, scope, subject); err != nil {
		return nil, err
	}
	body = normalizeBody(body)
	if err := checkBody("body", "The note", body); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	e := &Entry{ID: s.NewID(), Subject: subject, Kind: KindNote, Body: body, UserID: scope.UserID, OccurredAt: now, CreatedAt: now}
	return e, s.Store.AddEntry(ctx, scope, e)
}

// LogActivity stores a call, email or meeting on subject that took place at
// occurredAt, which may be in the past but not more than a day ahead.
func (s *Service) LogActivity(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject, kind string, occurredAt time.Time, body string) (*Entry, error) {
	if err := s.Store.RequireSubject(ctx, scope, subject); err != nil {
		return nil, err
	}
	var errs chatalott.ValidationErrors
	switch kind {
	case KindCall, KindEmail, KindMeeting:
	default:
		errs = append(errs, chatalott.FieldError("kind", "Activity %q is not call, email or meeting; choose one of them.", kind))
	}
	now := s.Now().UTC()
	if occurredAt.IsZero() {
		errs = append(errs, chatalott.FieldError("occurred_at", "Date is missing; enter when the activity took place."))
	} else if occurredAt.After(now.Add(24 * time.Hour)) {
		errs = append(errs, chatalott.FieldError("occurred_at", "Date is in the future; log an activity after it took place, or add a follow-up for it."))
	}
	body = normalizeBody(body)
	if body != "" {
		if err := checkBody("body", "The description", body); err != nil {
			errs = append(errs, err.(*chatalott.Error))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	e := &Entry{ID: s.NewID(), Subject: subject, Kind: kind, Body: body, UserID: scope.UserID,
		OccurredAt: occurredAt.UTC(), CreatedAt: now}
	return e, s.Store.AddEntry(ctx, scope, e)
}

// List returns page number pageNo (from 1) of subject's timeline.
func (s *Service) List(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject, pageNo int) (*Page, error) {
	if pageNo < 1 {
		pageNo = 1
	}
	// One extra entry shows whether a next page exists.
	list, err := s.Store.ListEntries(ctx, scope, subject, (pageNo-1)*PageSize, PageSize+1)
	if err != nil {
		return nil, err
	}
	p := &Page{Page: pageNo}
	if len(list) > PageSize {
		p.HasNext = true
		list = list[:PageSize]
	}
	p.Entries = list
	return p, nil
}

// Recent returns the newest limit entries across scope's workspace.
func (s *Service) Recent(ctx context.Context, scope chatalott.Scope, limit int) ([]Entry, error) {
	return s.Store.RecentEntries(ctx, scope, limit)
}
