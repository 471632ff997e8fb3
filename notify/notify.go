// Package notify writes Chatalott's account emails (verification and reset
// links, and notices of security changes) and hands them to a mail.Sender.
// It implements accounts.Mailer.
//
// Delivery runs in the background, so a request takes the same time whether
// or not it sends an email. That keeps the sign-up and reset-request pages
// from revealing through timing whether an address has an account.
package notify

import (
	"context"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/mail"
)

// deliveryTimeout bounds one background delivery.
const deliveryTimeout = time.Minute

// Message kinds, as they appear in logs.
const (
	KindVerifyEmail       = "verify_email"
	KindSignUpAttempt     = "sign_up_attempt"
	KindPasswordReset     = "password_reset"
	KindPasswordWasReset  = "password_was_reset"
	KindPasswordChanged   = "password_changed"
	KindTwoFactorEnabled  = "two_factor_enabled"
	KindTwoFactorDisabled = "two_factor_disabled"
	KindBackupCodeUsed    = "backup_code_used"
	KindTeamInvite        = "team_invite"
)

// Notifier implements accounts.Mailer.
type Notifier struct {
	Sender mail.Sender
	// BaseURL is the public address of the web server, such as
	// https://crm.example.com, that links in emails start with.
	BaseURL string
	Logger  *slog.Logger

	wg sync.WaitGroup
}

var _ accounts.Mailer = (*Notifier)(nil)

// Wait blocks until every delivery started so far has ended.
func (n *Notifier) Wait() { n.wg.Wait() }

// deliver sends m in the background and logs a failure with the message
// kind and user id. The error is never returned, because a caller that
// showed it would reveal whether the address has an account.
func (n *Notifier) deliver(ctx context.Context, m mail.Message) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deliveryTimeout)
	n.wg.Go(func() {
		defer cancel()
		if err := n.Sender.Send(ctx, m); err != nil {
			n.Logger.LogAttrs(ctx, slog.LevelError, "email delivery failed",
				slog.String("kind", m.Kind), slog.String("user_id", m.UserID), slog.String("err", err.Error()))
		}
	})
	return nil
}

// link returns BaseURL joined with path and the token query parameter.
func (n *Notifier) link(path, token string) string {
	return strings.TrimSuffix(n.BaseURL, "/") + path + "?" + url.Values{"token": {token}}.Encode()
}

func (n *Notifier) page(path string) string {
	return strings.TrimSuffix(n.BaseURL, "/") + path
}

// message returns a message to u. Emails carry no text that a user chose,
// such as the account name, because a verification email goes to whatever
// address was typed at sign-up and must not carry a stranger's words.
func message(u *accounts.User, kind, subject string, lines ...string) mail.Message {
	return mail.Message{
		To:      u.Email,
		Subject: subject,
		Text:    "Hello,\r\n\r\n" + strings.Join(lines, "\r\n") + "\r\n\r\n-- \r\nChatalott\r\n",
		Kind:    kind,
		UserID:  u.ID,
	}
}

// SendVerification implements accounts.Mailer.
func (n *Notifier) SendVerification(ctx context.Context, u *accounts.User, token string) error {
	return n.deliver(ctx, message(u, KindVerifyEmail, "Confirm your email address for Chatalott",
		"please confirm that this is your email address by opening this link:",
		"",
		n.link("/verify-email", token),
		"",
		"The link works once, for 48 hours. If you did not create a Chatalott account, ignore this email."))
}

// SendSignUpAttempt implements accounts.Mailer.
func (n *Notifier) SendSignUpAttempt(ctx context.Context, u *accounts.User) error {
	return n.deliver(ctx, message(u, KindSignUpAttempt, "Someone tried to sign up to Chatalott with your email address",
		"someone tried to create a new Chatalott account with this email address, which already has an account.",
		"No new account was created, and your account is unchanged.",
		"",
		"If it was you, log in instead:",
		n.page("/login"),
		"",
		"If you forgot your password, reset it here:",
		n.page("/forgot-password"),
		"",
		"If it was not you, you can ignore this email."))
}

// SendPasswordReset implements accounts.Mailer.
func (n *Notifier) SendPasswordReset(ctx context.Context, u *accounts.User, token string) error {
	return n.deliver(ctx, message(u, KindPasswordReset, "Reset your Chatalott password",
		"someone asked to reset the password of your Chatalott account. To choose a new password, open this link:",
		"",
		n.link("/reset-password", token),
		"",
		"The link works once, for 1 hour, and only the newest link you asked for works.",
		"If you did not ask for this, ignore this email: your password stays as it is."))
}

// PasswordWasReset implements accounts.Mailer.
func (n *Notifier) PasswordWasReset(ctx context.Context, u *accounts.User) error {
	return n.deliver(ctx, message(u, KindPasswordWasReset, "Your Chatalott password was reset",
		"the password of your Chatalott account was just reset with a link sent to this address.",
		"Every session of your account was logged out.",
		"",
		"If you did not do this, someone can read your email. Secure your mailbox, then reset your password again:",
		n.page("/forgot-password")))
}

// PasswordChanged implements accounts.SecurityNotifier.
func (n *Notifier) PasswordChanged(ctx context.Context, u *accounts.User) error {
	return n.deliver(ctx, message(u, KindPasswordChanged, "Your Chatalott password was changed",
		"the password of your Chatalott account was just changed in the settings.",
		"Every other session of your account was logged out.",
		"",
		"If you did not do this, reset your password now:",
		n.page("/forgot-password")))
}

// TwoFactorEnabled implements accounts.SecurityNotifier.
func (n *Notifier) TwoFactorEnabled(ctx context.Context, u *accounts.User) error {
	return n.deliver(ctx, message(u, KindTwoFactorEnabled, "Two-factor authentication is on for your Chatalott account",
		"two-factor authentication was just turned on for your Chatalott account.",
		"From now on, logging in needs a code from your authenticator app or a backup code.",
		"",
		"If you did not do this, reset your password now:",
		n.page("/forgot-password")))
}

// TwoFactorDisabled implements accounts.SecurityNotifier.
func (n *Notifier) TwoFactorDisabled(ctx context.Context, u *accounts.User) error {
	return n.deliver(ctx, message(u, KindTwoFactorDisabled, "Two-factor authentication is off for your Chatalott account",
		"two-factor authentication was just turned off for your Chatalott account.",
		"Logging in now needs only your password.",
		"",
		"If you did not do this, reset your password now and turn two-factor authentication on again:",
		n.page("/forgot-password")))
}

// BackupCodeUsed implements accounts.SecurityNotifier.
func (n *Notifier) BackupCodeUsed(ctx context.Context, u *accounts.User, remaining int) error {
	left := "You have no backup codes left. Create a new set in the settings now."
	switch {
	case remaining == 1:
		left = "You have 1 backup code left. Create a new set in the settings soon."
	case remaining > 1:
		left = "You have " + strconv.Itoa(remaining) + " backup codes left."
	}
	return n.deliver(ctx, message(u, KindBackupCodeUsed, "A backup code was used to log in to Chatalott",
		"a backup code was just used to log in to your Chatalott account. Each code works once.",
		left,
		"",
		"If you did not do this, reset your password now:",
		n.page("/forgot-password")))
}

// SendTeamInvite emails an invite link to a team. Like the other emails,
// it carries no text that a user chose, such as the team or inviter name,
// because it goes to whatever address the inviter typed. The page behind
// the link shows both.
func (n *Notifier) SendTeamInvite(ctx context.Context, to, token string) error {
	return n.deliver(ctx, mail.Message{
		To:      to,
		Subject: "You are invited to a team on Chatalott",
		Text: "Hello,\r\n\r\nsomeone invited this email address to join their team on Chatalott. " +
			"To see the team and who invited you, open this link:\r\n\r\n" +
			n.link("/invites/accept", token) + "\r\n\r\n" +
			"The link works once, for 7 days. To accept, log in or sign up with this email address and verify it.\r\n" +
			"If you did not expect an invite, ignore this email: nothing happens unless the link is used.\r\n\r\n-- \r\nChatalott\r\n",
		Kind: KindTeamInvite,
	})
}
