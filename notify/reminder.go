package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/mail"
)

// KindFollowUpReminder names follow-up reminder emails in logs.
const KindFollowUpReminder = "follow_up_reminder"

var _ followups.ReminderMailer = (*Notifier)(nil)

// SendFollowUpReminder implements followups.ReminderMailer. Unlike the
// account emails it sends synchronously and returns the error, so that the
// scheduler can retry a reminder that did not go out. The recipient is a
// member of the workspace, so the email carries the follow-up's title and
// the name of its record, which that member can read in the application.
func (n *Notifier) SendFollowUpReminder(ctx context.Context, r followups.Reminder) error {
	if r.AssigneeEmail == "" {
		return fmt.Errorf("notify: follow-up %s has no assignee with an email address", r.ID)
	}
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil || r.TimeZone == "" {
		loc = time.UTC
	}
	about := r.SubjectTitle
	if about == "" {
		about = "a record"
	}
	m := mail.Message{
		To:      r.AssigneeEmail,
		Subject: "Follow-up due: " + truncate(r.Title, 80),
		Text: "Hello,\r\n\r\n" +
			"a follow-up assigned to you is due now:\r\n\r\n" +
			"  " + r.Title + "\r\n" +
			"  About: " + about + "\r\n" +
			"  Due: " + r.DueAt.In(loc).Format("Monday, 2 January 2006, 15:04 MST") + "\r\n\r\n" +
			"Open it, mark it done or snooze it here:\r\n" +
			n.page(r.Subject.Path()) + "\r\n\r\n" +
			"-- \r\nChatalott\r\n",
		Kind:   KindFollowUpReminder,
		UserID: r.AssigneeID,
	}
	if err := n.Sender.Send(ctx, m); err != nil {
		return fmt.Errorf("notify: send reminder for follow-up %s: %w", r.ID, err)
	}
	return nil
}

// truncate shortens s to at most max characters, marking a cut with "…".
func truncate(s string, max int) string {
	runes := []rune(s)
	if len(runes) <= max {
		return s
	}
	return string(runes[:max-1]) + "…"
}
