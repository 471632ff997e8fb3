package sqlstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/mail"
	"github.com/chatalott/chatalott/notify"
	"github.com/chatalott/chatalott/search"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

func followUpService(c *crm) *followups.Service {
	return &followups.Service{Store: &sqlstore.FollowUpStore{DB: c.db}, Now: func() time.Time { return c.now }, NewID: chatalott.NewID}
}

func TestFollowUpTimeZoneSnoozeDoneOverdue(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db) // now is 2026-03-01 12:00 UTC
		scope := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bo@example.com")
		svc := followUpService(c)
		ana := newContact(t, c, scope, "Ana", "Lima")
		subject := chatalott.Subject{Type: chatalott.SubjectContact, ID: ana.ID}

		if err := svc.SetTimeZone(ctx, scope.UserID, "Mars/Olympus"); fieldErrors(err)["time_zone"] == "" {
			t.Errorf("unknown time zone: got %v, want a time_zone error", err)
		}
		if err := svc.SetTimeZone(ctx, scope.UserID, "Local"); fieldErrors(err)["time_zone"] == "" {
			t.Errorf("time zone Local: got %v, want a time_zone error", err)
		}
		if loc := must(svc.Location(ctx, scope.UserID)); loc != time.UTC {
			t.Errorf("default time zone: got %v, want UTC", loc)
		}
		if err := svc.SetTimeZone(ctx, scope.UserID, "America/New_York"); err != nil {
			t.Fatal(err)
		}

		// 09:30 in New York on 1 March 2026 (EST, UTC-5) is 14:30 UTC.
		f := must(svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "Call\nback", Due: "2026-03-01T09:30"}))
		if want := time.Date(2026, 3, 1, 14, 30, 0, 0, time.UTC); !f.DueAt.Equal(want) {
			t.Errorf("due at: got %v, want %v", f.DueAt, want)
		}
		if f.Title != "Call back" || f.AssigneeID != scope.UserID {
			t.Errorf("follow-up: title %q assignee %q, want one-line title and the creator as assignee", f.Title, f.AssigneeID)
		}
		stored := must(svc.Get(ctx, scope, f.ID))
		if !stored.DueAt.Equal(f.DueAt) || stored.SubjectTitle != "Ana Lima" || stored.AssigneeName != "Test" {
			t.Errorf("stored follow-up: %+v", stored)
		}

		_, err := svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "X", Due: "tomorrow"})
		if fieldErrors(err)["due"] == "" {
			t.Errorf("due tomorrow: got %v, want a due error", err)
		}
		_, err = svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "X", Due: "2026-03-02T10:00", AssigneeID: other.UserID})
		if fieldErrors(err)["assignee_id"] == "" {
			t.Errorf("assignee from another workspace: got %v, want an assignee_id error", err)
		}
		_, err = svc.Create(ctx, other, followups.Request{Subject: subject, Title: "X", Due: "2026-03-02T10:00"})
		wantCode(t, "follow-up on another workspace's contact", err, chatalott.ENotFound)
		wantCode(t, "done from another workspace", svc.Done(ctx, other, f.ID), chatalott.ENotFound)

		// Overdue and due today, as the clock moves.
		if got := len(must(svc.Overdue(ctx, scope, ""))); got != 0 {
			t.Errorf("overdue at 12:00 UTC: got %d, want 0", got)
		}
		if got := len(must(svc.DueToday(ctx, scope))); got != 1 {
			t.Errorf("due today at 07:00 New York: got %d, want 1", got)
		}
		c.now = time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
		if got := len(must(svc.Overdue(ctx, scope, ""))); got != 1 {
			t.Errorf("overdue at 15:00 UTC: got %d, want 1", got)
		}

		// Snooze one day keeps the wall-clock time of now in New York.
		if err := svc.Snooze(ctx, scope, f.ID, followups.SnoozeDay, ""); err != nil {
			t.Fatal(err)
		}
		if got, want := must(svc.Get(ctx, scope, f.ID)).DueAt, c.now.Add(24*time.Hour); !got.Equal(want) {
			t.Errorf("snoozed a day: due %v, want %v", got, want)
		}
		// 8 March 2026 is the day US daylight saving time starts, so a week
		// later at 10:00 New York time is 14:00 UTC, not 15:00.
		if err := svc.Snooze(ctx, scope, f.ID, followups.SnoozeWeek, ""); err != nil {
			t.Fatal(err)
		}
		if got, want := must(svc.Get(ctx, scope, f.ID)).DueAt, time.Date(2026, 3, 8, 14, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("snoozed a week across the DST change: due %v, want %v", got, want)
		}
		if err := svc.Snooze(ctx, scope, f.ID, "until", "2026-03-01T08:00"); fieldErrors(err)["until"] == "" {
			t.Errorf("snooze into the past: got %v, want an until error", err)
		}
		if err := svc.Snooze(ctx, scope, f.ID, "until", "2026-03-20T16:45"); err != nil {
			t.Fatal(err)
		}
		if got, want := must(svc.Get(ctx, scope, f.ID)).DueAt, time.Date(2026, 3, 20, 20, 45, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("snoozed until 16:45 EDT: due %v, want %v", got, want)
		}
		if got := len(must(svc.Overdue(ctx, scope, ""))); got != 0 {
			t.Errorf("overdue after snooze: got %d, want 0", got)
		}

		if err := svc.Done(ctx, scope, f.ID); err != nil {
			t.Fatal(err)
		}
		if got := must(svc.Get(ctx, scope, f.ID)); got.DoneAt == nil {
			t.Error("done follow-up has no done time")
		}
		if err := svc.Snooze(ctx, scope, f.ID, followups.SnoozeDay, ""); chatalott.ErrorCode(err) != chatalott.EInvalid {
			t.Errorf("snooze a done follow-up: got %v, want EInvalid", err)
		}
		if got := len(must(svc.Open(ctx, scope))); got != 0 {
			t.Errorf("open follow-ups after done: got %d, want 0", got)
		}
		if err := svc.Reopen(ctx, scope, f.ID); err != nil {
			t.Fatal(err)
		}
		if got := must(svc.Get(ctx, scope, f.ID)); got.DoneAt != nil || got.RemindedAt != nil {
			t.Errorf("reopened before its due time: done %v reminded %v, want both nil", got.DoneAt, got.RemindedAt)
		}
	})
}

// countingMailer records each reminder it sends.
type countingMailer struct {
	mu   sync.Mutex
	sent map[string]int
}

func (m *countingMailer) SendFollowUpReminder(_ context.Context, r followups.Reminder) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sent == nil {
		m.sent = map[string]int{}
	}
	m.sent[r.ID]++
	return nil
}

func TestReminderClaimOnceAndNotAfterDone(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		scope := newUser(t, db, "ana@example.com")
		svc := followUpService(c)
		ana := newContact(t, c, scope, "Ana", "Lima")
		subject := chatalott.Subject{Type: chatalott.SubjectContact, ID: ana.ID}
		due := must(svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "Due", Due: "2026-03-01T12:30"}))
		done := must(svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "Done early", Due: "2026-03-01T12:30"}))
		snoozed := must(svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "Snoozed", Due: "2026-03-01T12:30"}))
		if err := svc.Done(ctx, scope, done.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Snooze(ctx, scope, snoozed.ID, followups.SnoozeDay, ""); err != nil {
			t.Fatal(err)
		}

		mailer := &countingMailer{}
		sched := &followups.Scheduler{Store: &sqlstore.FollowUpStore{DB: db}, Mailer: mailer,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return c.now }}
		if got := sched.RunOnce(ctx); got != 0 {
			t.Errorf("run before the due time sent %d, want 0", got)
		}
		c.now = c.now.Add(time.Hour)
		if got := sched.RunOnce(ctx); got != 1 {
			t.Errorf("run after the due time sent %d, want 1", got)
		}
		if got := sched.RunOnce(ctx); got != 0 {
			t.Errorf("second run sent %d, want 0", got)
		}
		if mailer.sent[due.ID] != 1 || mailer.sent[done.ID] != 0 || mailer.sent[snoozed.ID] != 0 {
			t.Errorf("sent: %v, want one reminder for %s only", mailer.sent, due.ID)
		}
		// Reopening the completed follow-up after its due time sends no late
		// reminder.
		if err := svc.Reopen(ctx, scope, done.ID); err != nil {
			t.Fatal(err)
		}
		if got := sched.RunOnce(ctx); got != 0 {
			t.Errorf("run after reopening a past follow-up sent %d, want 0", got)
		}
	})
}

// outboxCount returns the number of .eml files in dir.
func outboxCount(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

// TestReminderTwoSchedulersOnePostgres runs two schedulers, each with its
// own connection pool and outbox folder, on one PostgreSQL schema, as two
// chatalott serve processes would, and checks that each reminder is
// emailed once in all.
func TestReminderTwoSchedulersOnePostgres(t *testing.T) {
	ctx := context.Background()
	dsn := sqlstoretest.NewPostgresSchema(t)
	var dbs [2]*sqlstore.DB
	for i := range dbs {
		db, err := sqlstore.Open(ctx, dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	if _, err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := newCRM(dbs[0])
	c.now = time.Now().UTC().Truncate(time.Second)
	scope := newUser(t, dbs[0], "ana@example.com")
	svc := followUpService(c)
	ana := newContact(t, c, scope, "Ana", "Lima")
	subject := chatalott.Subject{Type: chatalott.SubjectContact, ID: ana.ID}
	var ids []string
	for i := range 20 {
		due := c.now.Add(time.Duration(i%3) * time.Second).Format(followups.LocalLayout)
		ids = append(ids, must(svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "Reminder", Due: due})).ID)
	}
	early := must(svc.Create(ctx, scope, followups.Request{Subject: subject, Title: "Done before due",
		Due: c.now.Add(time.Minute).Format(followups.LocalLayout)}))
	if err := svc.Done(ctx, scope, early.ID); err != nil {
		t.Fatal(err)
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var dirs [2]string
	var wg sync.WaitGroup
	runCtx, stop := context.WithTimeout(ctx, 3*time.Second)
	defer stop()
	for i := range dbs {
		dirs[i] = t.TempDir()
		outbox, err := mail.NewOutbox(dirs[i], mail.DefaultFrom, logger)
		if err != nil {
			t.Fatal(err)
		}
		sched := &followups.Scheduler{Store: &sqlstore.FollowUpStore{DB: dbs[i]},
			Mailer: &notify.Notifier{Sender: outbox, BaseURL: "https://crm.example", Logger: logger},
			Logger: logger, Now: func() time.Time { return time.Now().Add(2 * time.Minute) }, Interval: 20 * time.Millisecond}
		wg.Go(func() { sched.Run(runCtx) })
	}
	wg.Wait()

	total := outboxCount(t, dirs[0]) + outboxCount(t, dirs[1])
	if total != len(ids) {
		t.Errorf("emails in both outboxes: got %d, want %d (one per due follow-up, none for the completed one)", total, len(ids))
	}
	files, _ := filepath.Glob(filepath.Join(dirs[0], "*.eml"))
	more, _ := filepath.Glob(filepath.Join(dirs[1], "*.eml"))
	for _, name := range append(files, more...) {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), "https://crm.example/contacts/"+ana.ID) {
			t.Errorf("%s does not link to the contact", filepath.Base(name))
		}
	}

	// A restart, a new scheduler on a new connection, sends nothing again.
	dir := t.TempDir()
	outbox, _ := mail.NewOutbox(dir, mail.DefaultFrom, logger)
	restarted := &followups.Scheduler{Store: &sqlstore.FollowUpStore{DB: dbs[1]},
		Mailer: &notify.Notifier{Sender: outbox, BaseURL: "https://crm.example", Logger: logger},
		Logger: logger, Now: func() time.Time { return time.Now().Add(2 * time.Minute) }}
	if got := restarted.RunOnce(ctx); got != 0 || outboxCount(t, dir) != 0 {
		t.Errorf("after a restart: sent %d, want 0", got)
	}
}

func searchTitles(t *testing.T, svc *search.Service, scope chatalott.Scope, q string) []string {
	t.Helper()
	results, err := svc.Search(context.Background(), scope, q)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var titles []string
	for _, r := range results {
		titles = append(titles, r.Subject.Type+":"+r.Title)
	}
	return titles
}

func TestSearchPhoneAccentsRankingAndScope(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		scope := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bo@example.com")
		svc := &search.Service{Store: &sqlstore.SearchStore{DB: db}}

		mk := func(s chatalott.Scope, ct *contacts.Contact) *contacts.Contact {
			ct.Kind = contacts.KindPerson
			if err := c.contacts.Create(ctx, s, ct); err != nil {
				t.Fatal(err)
			}
			return ct
		}
		mk(scope, &contacts.Contact{Given: "Zoë", Family: "Müller", Organization: "Acme",
			Phones: []contacts.Phone{{Number: "+1 (555) 010-2233"}}, Tags: []string{"Bürgermeister"},
			Emails: []contacts.Email{{Address: "zoe@example.com"}}})
		mk(scope, &contacts.Contact{Given: "Acme", Family: "Fan"})
		mk(scope, &contacts.Contact{Given: "Mike", Family: "Macmeister"})
		mk(other, &contacts.Contact{Given: "Secret", Family: "Müller", Phones: []contacts.Phone{{Number: "555 010 2233"}}})
		acme := &companies.Company{Name: "Acme", Tags: []string{"key account"}, Phones: []contacts.Phone{{Number: "030 1234 5678"}}}
		if err := c.companies.Create(ctx, scope, acme); err != nil {
			t.Fatal(err)
		}
		deal := c.newDeal(t, scope, "Acme rollout", "Lead", 100, "EUR")
		deal.CompanyID = acme.ID
		if err := c.deals.Update(ctx, scope, deal); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			q    string
			want string
		}{
			{"5550102233", "[contact:Zoë Müller]"},
			{"+1 (555) 010-2233", "[contact:Zoë Müller]"},
			{"010-2233", "[contact:Zoë Müller]"},
			{"zoe muller", "[contact:Zoë Müller]"},
			{"MÜLLER", "[contact:Zoë Müller]"},
			{"burgermeister", "[contact:Zoë Müller]"},
			{"zoe@example.com", "[contact:Zoë Müller]"},
			{"key account", "[company:Acme]"},
			{"03012345678", "[company:Acme]"},
			// Exact name first (the company), then prefixes of the name or
			// of any word (contacts before the deal), then substrings.
			{"acme", "[company:Acme contact:Acme Fan contact:Zoë Müller deal:Acme rollout contact:Mike Macmeister]"},
			{"meister", "[contact:Mike Macmeister contact:Zoë Müller]"},
			{"nobody", "[]"},
			{"", "[]"},
		} {
			if got := fmt.Sprint(searchTitles(t, svc, scope, tc.q)); got != tc.want {
				t.Errorf("search %q: got %s, want %s", tc.q, got, tc.want)
			}
		}
		results := must(svc.Search(ctx, scope, "rollout"))
		if len(results) != 1 || results[0].Detail != "Acme" {
			t.Errorf("deal result: got %+v, want its company Acme as detail", results)
		}
		if got := fmt.Sprint(searchTitles(t, svc, other, "acme")); got != "[]" {
			t.Errorf("other workspace searching acme: got %s, want []", got)
		}
		if _, err := svc.Search(ctx, scope, strings.Repeat("a", search.MaxQueryLen+1)); fieldErrors(err)["q"] == "" {
			t.Errorf("oversized query: got %v, want a q error", err)
		}

		// The index follows updates, deletes and imports.
		zoe := must(c.contacts.List(ctx, scope, contacts.ListQuery{Search: "zoe"})).Contacts[0]
		zoe.Family = "Schmidt"
		if err := c.contacts.Update(ctx, scope, zoe); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(searchTitles(t, svc, scope, "muller")); got != "[]" {
			t.Errorf("search old name after rename: got %s, want []", got)
		}
		if err := c.contacts.Delete(ctx, scope, zoe.ID); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(searchTitles(t, svc, scope, "5550102233")); got != "[]" {
			t.Errorf("search deleted contact's phone: got %s, want []", got)
		}
		imported := &contacts.Contact{ID: chatalott.NewID(), Kind: contacts.KindPerson, Given: "Ingrid", Family: "Ørsted",
			Phones: []contacts.Phone{{Number: "+45 12 34 56 78"}}, CreatedAt: c.now, UpdatedAt: c.now}
		if err := (&sqlstore.ContactStore{DB: db}).ApplyImportBatch(ctx, scope, []*contacts.Contact{imported}, nil); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(searchTitles(t, svc, scope, "4512345678")); got != "[contact:Ingrid Ørsted]" {
			t.Errorf("search imported contact: got %s", got)
		}
		if err := c.deals.Delete(ctx, scope, deal.ID); err != nil {
			t.Fatal(err)
		}
		if err := c.companies.Delete(ctx, scope, acme.ID); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(searchTitles(t, svc, scope, "acme")); got != "[contact:Acme Fan contact:Mike Macmeister]" {
			t.Errorf("search after deleting the company and deal: got %s", got)
		}
	})
}
