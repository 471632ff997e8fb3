package followups

import (
	"context"
	"log/slog"
	"time"
)

// DefaultInterval is how often the scheduler looks for due reminders.
const DefaultInterval = 30 * time.Second

// claimBatch is the number of reminders one claim takes; a run claims
// batches until none is left.
const claimBatch = 100

// ReminderMailer sends the reminder email of one follow-up.
type ReminderMailer interface {
	// SendFollowUpReminder delivers the email, returning why it could not.
	SendFollowUpReminder(ctx context.Context, r Reminder) error
}

// Scheduler sends reminder emails for follow-ups that fall due. Every
// server process runs one. A reminder is claimed by a single atomic UPDATE
// before its email is sent, so when several processes share one database
// exactly one of them sends it. An email that fails is released and tried
// again at the next run.
type Scheduler struct {
	Store    Store
	Mailer   ReminderMailer
	Logger   *slog.Logger
	Now      func() time.Time
	Interval time.Duration
}

// Run sends due reminders now and then every Interval until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	s.Logger.Info("reminder scheduler started", "interval", interval.String())
	defer s.Logger.Info("reminder scheduler stopped")
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		s.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// RunOnce claims and sends every reminder due now and returns how many
// emails went out. It logs the count and each failure.
func (s *Scheduler) RunOnce(ctx context.Context) int {
	sent, failed := 0, 0
	for ctx.Err() == nil {
		// PostgreSQL keeps microseconds, and the release compares the
		// claim time it stored.
		now := s.Now().UTC().Truncate(time.Microsecond)
		batch, err := s.Store.ClaimDueReminders(ctx, now, claimBatch)
		if err != nil {
			s.Logger.Error("claim due reminders failed", "err", err)
			break
		}
		for _, r := range batch {
			if err := s.Mailer.SendFollowUpReminder(ctx, r); err != nil {
				failed++
				s.Logger.Error("reminder email failed; it is retried at the next run",
					"follow_up_id", r.ID, "workspace_id", r.WorkspaceID, "user_id", r.AssigneeID, "err", err)
				// The release uses a fresh context so that a shutdown in
				// the middle of a send still leaves the reminder pending.
				releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				if err := s.Store.ReleaseReminder(releaseCtx, r.ID, now); err != nil {
					s.Logger.Error("release reminder failed", "follow_up_id", r.ID, "err", err)
				}
				cancel()
				continue
			}
			sent++
		}
		if len(batch) < claimBatch || failed > 0 {
			break
		}
	}
	if sent > 0 || failed > 0 {
		s.Logger.Info("reminder run finished", "sent", sent, "failed", failed)
	} else {
		s.Logger.Debug("reminder run finished", "sent", 0, "failed", 0)
	}
	return sent
}
