package notify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/mail"
	"github.com/chatalott/chatalott/notify"
)

// capture is a mail.Sender that keeps messages in memory.
type capture struct {
	mu   sync.Mutex
	sent []mail.Message
	err  error
}

func (c *capture) Send(_ context.Context, m mail.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, m)
	return c.err
}

var user = &accounts.User{ID: "user-1", Email: "ana@example.test", Name: "Click https://evil.example"}

func TestNotifierMessages(t *testing.T) {
	sender := &capture{}
	n := &notify.Notifier{Sender: sender, BaseURL: "https://crm.example.test/", Logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()
	calls := []struct {
		kind, subject, want string
		send                func() error
	}{
		{notify.KindVerifyEmail, "Confirm your email address for Chatalott", "https://crm.example.test/verify-email?token=tok-1",
			func() error { return n.SendVerification(ctx, user, "tok-1") }},
		{notify.KindSignUpAttempt, "Someone tried to sign up to Chatalott with your email address", "https://crm.example.test/forgot-password",
			func() error { return n.SendSignUpAttempt(ctx, user) }},
		{notify.KindPasswordReset, "Reset your Chatalott password", "https://crm.example.test/reset-password?token=tok-2",
			func() error { return n.SendPasswordReset(ctx, user, "tok-2") }},
		{notify.KindPasswordWasReset, "Your Chatalott password was reset", "Every session of your account was logged out.",
			func() error { return n.PasswordWasReset(ctx, user) }},
		{notify.KindPasswordChanged, "Your Chatalott password was changed", "Every other session",
			func() error { return n.PasswordChanged(ctx, user) }},
		{notify.KindTwoFactorEnabled, "Two-factor authentication is on for your Chatalott account", "turned on",
			func() error { return n.TwoFactorEnabled(ctx, user) }},
		{notify.KindTwoFactorDisabled, "Two-factor authentication is off for your Chatalott account", "turned off",
			func() error { return n.TwoFactorDisabled(ctx, user) }},
		{notify.KindBackupCodeUsed, "A backup code was used to log in to Chatalott", "You have 3 backup codes left.",
			func() error { return n.BackupCodeUsed(ctx, user, 3) }},
	}
	for _, c := range calls {
		if err := c.send(); err != nil {
			t.Errorf("%s: %v", c.kind, err)
		}
		n.Wait()
		last := sender.sent[len(sender.sent)-1]
		if last.Kind != c.kind || last.Subject != c.subject || last.To != user.Email || last.UserID != user.ID {
			t.Errorf("%s: got kind %q subject %q to %q user %q; want %q, %q, %q, %q",
				c.kind, last.Kind, last.Subject, last.To, last.UserID, c.kind, c.subject, user.Email, user.ID)
		}
		if !strings.Contains(last.Text, c.want) {
			t.Errorf("%s: body lacks %q; body:\n%s", c.kind, c.want, last.Text)
		}
		if strings.Contains(last.Text, "evil.example") {
			t.Errorf("%s: body carries the user's name", c.kind)
		}
	}
}

func TestNotifierBackupCodesLeft(t *testing.T) {
	cases := map[int]string{0: "You have no backup codes left.", 1: "You have 1 backup code left.", 7: "You have 7 backup codes left."}
	for remaining, want := range cases {
		sender := &capture{}
		n := &notify.Notifier{Sender: sender, BaseURL: "https://crm.example.test", Logger: slog.New(slog.DiscardHandler)}
		n.BackupCodeUsed(context.Background(), user, remaining)
		n.Wait()
		if len(sender.sent) != 1 || !strings.Contains(sender.sent[0].Text, want) {
			t.Errorf("BackupCodeUsed(%d): body lacks %q", remaining, want)
		}
	}
}

func TestNotifierLogsFailureWithoutSecrets(t *testing.T) {
	var logs bytes.Buffer
	sender := &capture{err: errors.New("mail: connection refused")}
	n := &notify.Notifier{Sender: sender, BaseURL: "https://crm.example.test", Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := n.SendPasswordReset(context.Background(), user, "secret-token-value"); err != nil {
		t.Fatalf("SendPasswordReset returned %v, want nil because delivery runs in the background", err)
	}
	n.Wait()
	line := logs.String()
	if !strings.Contains(line, "email delivery failed") || !strings.Contains(line, "user_id=user-1") || !strings.Contains(line, "kind=password_reset") {
		t.Errorf("log %q lacks the failure with its kind and user id", line)
	}
	if strings.Contains(line, "secret-token-value") || strings.Contains(line, user.Email) {
		t.Errorf("log %q contains the token or the address", line)
	}
}
