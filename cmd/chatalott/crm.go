package main

import (
	"context"
	"flag"
	"log/slog"
	"sync"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/relationships"
	"github.com/chatalott/chatalott/search"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/timeline"
	"github.com/chatalott/chatalott/web"
)

// addReminderFlag registers --reminder-interval and returns its value.
func addReminderFlag(fs *flag.FlagSet) *time.Duration {
	return fs.Duration("reminder-interval", envDuration("CHATALOTT_REMINDER_INTERVAL", followups.DefaultInterval),
		"how often this process looks for follow-ups that fell due and emails their reminders; every process may run it, "+
			"each reminder is sent once (env CHATALOTT_REMINDER_INTERVAL)")
}

// wireCRM sets the relationship, timeline, follow-up and search services of
// srv, which needs its Contacts service set first.
func wireCRM(srv *web.Server, db *sqlstore.DB) {
	srv.Relationships = &relationships.Service{Store: &sqlstore.RelationshipStore{DB: db}, Contacts: srv.Contacts,
		Now: time.Now, NewID: chatalott.NewID}
	srv.Timeline = &timeline.Service{Store: &sqlstore.TimelineStore{DB: db}, Now: time.Now, NewID: chatalott.NewID}
	srv.FollowUps = &followups.Service{Store: &sqlstore.FollowUpStore{DB: db}, Now: time.Now, NewID: chatalott.NewID}
	srv.Search = &search.Service{Store: &sqlstore.SearchStore{DB: db}}
}

// startReminders runs the follow-up reminder scheduler until ctx ends and
// returns a function that waits for it to stop.
func startReminders(ctx context.Context, interval time.Duration, db *sqlstore.DB, mailer followups.ReminderMailer, logger *slog.Logger) func() {
	ctx, cancel := context.WithCancel(ctx)
	scheduler := &followups.Scheduler{Store: &sqlstore.FollowUpStore{DB: db}, Mailer: mailer,
		Logger: logger.With("job", "reminders"), Now: time.Now, Interval: interval}
	var wg sync.WaitGroup
	wg.Go(func() { scheduler.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}
