// Package followups schedules follow-ups on contacts, companies and deals:
// a due time in the user's time zone, an assignee from the workspace, done,
// snooze and reopen, the overdue list, and a reminder email at the due time
// that goes out once across every server process.
package followups

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
)

// Limits on one follow-up.
const (
	MaxTitleLen = 200
	MaxNoteLen  = 5_000
	// MaxList is the number of follow-ups a list shows.
	MaxList = 200
)

// LocalLayout is how a form writes a due time in the user's time zone, as
// an HTML datetime-local input sends it.
const LocalLayout = "2006-01-02T15:04"

// FollowUp is something to do about a subject by a due time.
type FollowUp struct {
	ID      string
	Subject chatalott.Subject
	// SubjectTitle is the subject's name, filled in by the store.
	SubjectTitle string
	Title        string
	Note         string
	// DueAt is in UTC.
	DueAt time.Time
	// AssigneeID is a member of the workspace, or "" when the assigned
	// user's account was deleted. AssigneeName is read with the follow-up.
	AssigneeID   string
	AssigneeName string
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// DoneAt is nil while the follow-up is open.
	DoneAt *time.Time
	// RemindedAt is when the reminder for the current due time was
	// claimed for sending, nil while it is pending.
	RemindedAt *time.Time
}

// Overdue reports whether f is open and its due time is before now.
func (f *FollowUp) Overdue(now time.Time) bool { return f.DoneAt == nil && f.DueAt.Before(now) }

// Filter selects follow-ups for a list.
type Filter struct {
	// Subject limits the list to one record when its Type is set.
	Subject chatalott.Subject
	// AssigneeID limits the list to one member when set.
	AssigneeID string
	// Open leaves out done follow-ups.
	Open bool
	// DueBefore, when not zero, keeps follow-ups due before it.
	DueBefore time.Time
}

// Reminder is a claimed reminder with what its email needs.
type Reminder struct {
	FollowUp
	WorkspaceID   string
	AssigneeEmail string
	// TimeZone is the assignee's time zone, for showing the due time.
	TimeZone string
}

// Store persists follow-ups. Every method except ClaimDueReminders and
// ReleaseReminder is limited to scope.WorkspaceID, and a follow-up or
// subject of another workspace is reported as ENotFound.
type Store interface {
	// RequireSubject returns ENotFound unless subject lies in the
	// workspace.
	RequireSubject(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject) error
	// CreateFollowUp stores f. The subject must be in the workspace
	// (else ENotFound) and the assignee a member of it (else an EInvalid
	// error naming assignee_id).
	CreateFollowUp(ctx context.Context, scope chatalott.Scope, f *FollowUp) error
	GetFollowUp(ctx context.Context, scope chatalott.Scope, id string) (*FollowUp, error)
	// MarkDone marks the open follow-up done at at.
	MarkDone(ctx context.Context, scope chatalott.Scope, id string, at time.Time) error
	// Reopen marks the follow-up open again at at. When its due time is
	// at or before at and its reminder is pending, the reminder is marked
	// sent in the same statement, so reopening never sends a late email.
	Reopen(ctx context.Context, scope chatalott.Scope, id string, at time.Time) error
	// Reschedule sets a new due time and makes its reminder pending.
	Reschedule(ctx context.Context, scope chatalott.Scope, id string, due time.Time, updated time.Time) error
	// ListFollowUps returns up to limit follow-ups matching f, by due
	// time.
	ListFollowUps(ctx context.Context, scope chatalott.Scope, f Filter, limit int) ([]FollowUp, error)

	// ClaimDueReminders marks up to limit open follow-ups of every
	// workspace whose due time is at or before now and whose reminder is
	// pending as reminded at now, in one atomic UPDATE, and returns them.
	// Of several processes that claim at once, each follow-up goes to
	// exactly one. It is the scheduler's only cross-workspace query.
	ClaimDueReminders(ctx context.Context, now time.Time, limit int) ([]Reminder, error)
	// ReleaseReminder makes a claimed reminder pending again after its
	// email failed, unless the follow-up changed since the claim.
	ReleaseReminder(ctx context.Context, id string, claimedAt time.Time) error

	// TimeZone returns the user's time zone name, "" when none is set.
	TimeZone(ctx context.Context, userID string) (string, error)
	// SetTimeZone stores the user's time zone name.
	SetTimeZone(ctx context.Context, userID, name string, at time.Time) error
}

// Service applies the follow-up rules.
type Service struct {
	Store Store
	Now   func() time.Time
	NewID func() string
}

// Request is a new follow-up as a form sends it.
type Request struct {
	Subject    chatalott.Subject
	Title      string
	Note       string
	AssigneeID string
	// Due is a local time written LocalLayout, read in the acting user's
	// time zone.
	Due string
}

// Location returns the time zone of the user, UTC when none is set or the
// stored name no longer loads.
func (s *Service) Location(ctx context.Context, userID string) (*time.Location, error) {
	name, err := s.Store.TimeZone(ctx, userID)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

// SetTimeZone stores name as the user's time zone after checking that it
// is an IANA time zone name that loads, such as "Europe/Berlin".
func (s *Service) SetTimeZone(ctx context.Context, userID, name string) error {
	name = strings.TrimSpace(name)
	if err := checkTimeZone(name); err != nil {
		return err
	}
	return s.Store.SetTimeZone(ctx, userID, name, s.Now().UTC())
}

func checkTimeZone(name string) error {
	// time.LoadLocation also accepts "" and "Local", which name the
	// server's zone rather than the user's.
	if name == "" || name == "Local" || len(name) > 64 {
		return chatalott.FieldError("time_zone", "Time zone %q is not an IANA time zone name; choose one such as Europe/Berlin or UTC.", name)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return chatalott.FieldError("time_zone", "Time zone %q is not an IANA time zone name; choose one such as Europe/Berlin or UTC.", name)
	}
	return nil
}

// ParseLocal reads a LocalLayout time in loc. A wall time that a daylight
// saving change skips is read as time.Date does, an hour later.
func ParseLocal(field, value string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(LocalLayout, strings.TrimSpace(value), loc)
	if err != nil {
		return time.Time{}, chatalott.FieldError(field, "Time %q is not a date and time; write it as 2026-03-01T09:30.", value)
	}
	return t.UTC(), nil
}

// Create validates req and stores it as a follow-up created by scope's
// user. The due time may lie in the past, which makes the follow-up overdue
// at once and sends its reminder at the scheduler's next run.
func (s *Service) Create(ctx context.Context, scope chatalott.Scope, req Request) (*FollowUp, error) {
	// A subject of another workspace is not found, whatever the input.
	if err := s.Store.RequireSubject(ctx, scope, req.Subject); err != nil {
		return nil, err
	}
	loc, err := s.Location(ctx, scope.UserID)
	if err != nil {
		return nil, err
	}
	// Fields collapses the title to one line, so it is safe in a mail subject.
	f := &FollowUp{Subject: req.Subject, Title: strings.Join(strings.Fields(req.Title), " "),
		Note: strings.TrimSpace(strings.ReplaceAll(req.Note, "\r\n", "\n")), AssigneeID: req.AssigneeID}
	var errs chatalott.ValidationErrors
	text := func(field, label, value string, max int, required bool) {
		switch n := utf8.RuneCountInString(value); {
		case required && value == "":
			errs = append(errs, chatalott.FieldError(field, "%s is missing; say what to do.", label))
		case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
			errs = append(errs, chatalott.FieldError(field, "%s is not valid text; re-enter it.", label))
		case n > max:
			errs = append(errs, chatalott.FieldError(field, "%s is %d characters long; shorten it to at most %d.", label, n, max))
		}
	}
	text("title", "Title", f.Title, MaxTitleLen, true)
	text("note", "Note", f.Note, MaxNoteLen, false)
	if f.AssigneeID == "" {
		f.AssigneeID = scope.UserID
	}
	if f.DueAt, err = ParseLocal("due", req.Due, loc); err != nil {
		errs = append(errs, err.(*chatalott.Error))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	f.ID = s.NewID()
	f.CreatedBy = scope.UserID
	f.CreatedAt, f.UpdatedAt = now, now
	if err := s.Store.CreateFollowUp(ctx, scope, f); err != nil {
		return nil, err
	}
	return f, nil
}

// Done marks the follow-up with id done now; its reminder, if still
// pending, is never sent. Marking a done follow-up done again changes
// nothing.
func (s *Service) Done(ctx context.Context, scope chatalott.Scope, id string) error {
	f, err := s.Store.GetFollowUp(ctx, scope, id)
	if err != nil || f.DoneAt != nil {
		return err
	}
	return s.Store.MarkDone(ctx, scope, id, s.Now().UTC())
}

// Reopen marks the follow-up with id open again. When its due time has
// passed, its reminder counts as sent, so reopening never sends a late
// email; a future due time gets its reminder as usual.
func (s *Service) Reopen(ctx context.Context, scope chatalott.Scope, id string) error {
	f, err := s.Store.GetFollowUp(ctx, scope, id)
	if err != nil || f.DoneAt == nil {
		return err
	}
	return s.Store.Reopen(ctx, scope, id, s.Now().UTC())
}

// Snooze choices.
const (
	SnoozeDay  = "day"
	SnoozeWeek = "week"
)

// Snooze moves the due time of the open follow-up with id: by one day or
// one week from now in the user's time zone (the same wall-clock time), or
// to until, a LocalLayout time in that zone, which must be in the future.
// The new due time gets its own reminder.
func (s *Service) Snooze(ctx context.Context, scope chatalott.Scope, id, choice, until string) error {
	f, err := s.Store.GetFollowUp(ctx, scope, id)
	if err != nil {
		return err
	}
	if f.DoneAt != nil {
		return chatalott.Errorf(chatalott.EInvalid, "This follow-up is done; reopen it before snoozing it.")
	}
	loc, err := s.Location(ctx, scope.UserID)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	var due time.Time
	switch choice {
	case SnoozeDay:
		due = now.In(loc).AddDate(0, 0, 1).UTC()
	case SnoozeWeek:
		due = now.In(loc).AddDate(0, 0, 7).UTC()
	default:
		if due, err = ParseLocal("until", until, loc); err != nil {
			return err
		}
		if !due.After(now) {
			return chatalott.FieldError("until", "Time %s has passed; choose a time in the future.", until)
		}
	}
	return s.Store.Reschedule(ctx, scope, id, due, now)
}

// Get returns the follow-up with id, or ENotFound.
func (s *Service) Get(ctx context.Context, scope chatalott.Scope, id string) (*FollowUp, error) {
	return s.Store.GetFollowUp(ctx, scope, id)
}

// ForSubject returns the subject's follow-ups, open ones first by due time.
func (s *Service) ForSubject(ctx context.Context, scope chatalott.Scope, subject chatalott.Subject) ([]FollowUp, error) {
	return s.Store.ListFollowUps(ctx, scope, Filter{Subject: subject}, MaxList)
}

// Overdue returns the open follow-ups of scope's workspace due before now.
// An assigneeID limits them to one member.
func (s *Service) Overdue(ctx context.Context, scope chatalott.Scope, assigneeID string) ([]FollowUp, error) {
	return s.Store.ListFollowUps(ctx, scope, Filter{AssigneeID: assigneeID, Open: true, DueBefore: s.Now().UTC()}, MaxList)
}

// DueToday returns the open follow-ups assigned to scope's user that are
// due from now until the end of today in that user's time zone.
func (s *Service) DueToday(ctx context.Context, scope chatalott.Scope) ([]FollowUp, error) {
	loc, err := s.Location(ctx, scope.UserID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	local := now.In(loc)
	endOfDay := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc).UTC()
	list, err := s.Store.ListFollowUps(ctx, scope, Filter{AssigneeID: scope.UserID, Open: true, DueBefore: endOfDay}, MaxList)
	if err != nil {
		return nil, err
	}
	today := list[:0]
	for _, f := range list {
		if !f.DueAt.Before(now) {
			today = append(today, f)
		}
	}
	return today, nil
}

// Open returns the open follow-ups of scope's workspace by due time.
func (s *Service) Open(ctx context.Context, scope chatalott.Scope) ([]FollowUp, error) {
	return s.Store.ListFollowUps(ctx, scope, Filter{Open: true}, MaxList)
}
