package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/chatalott/chatalott"
)

// Purposes of emailed links, and how long each link works.
const (
	PurposeVerifyEmail   = "verify_email"
	PurposeResetPassword = "reset_password"

	VerifyEmailLifetime   = 48 * time.Hour
	ResetPasswordLifetime = time.Hour
)

// tokenBytes is the size of a link's random token: 256 bits.
const tokenBytes = 32

// EmailToken is the stored record of an emailed link. The token in the link
// is never stored, only its SHA-256 hash.
type EmailToken struct {
	Hash    string // hex SHA-256 of the token
	UserID  string
	Purpose string
	// EmailNormalized is the address the link was sent to. The link stops
	// working when the account's address is no longer this one.
	EmailNormalized string
	CreatedAt       time.Time
	ExpiresAt       time.Time
}

// TokenStore persists the records of emailed links.
type TokenStore interface {
	// ReplaceEmailToken stores t and, in the same transaction, deletes every
	// other token of t.UserID with t.Purpose and every token expired at now,
	// so only the newest link of each purpose works.
	ReplaceEmailToken(ctx context.Context, t *EmailToken, now time.Time) error
	// EmailToken returns the token with hash and purpose, or ENotFound.
	EmailToken(ctx context.Context, hash, purpose string) (*EmailToken, error)
	// ConsumeEmailToken deletes the token with hash and purpose and returns
	// it, or returns ENotFound. Of concurrent calls for one token, only one
	// gets it.
	ConsumeEmailToken(ctx context.Context, hash, purpose string) (*EmailToken, error)
	// DeleteEmailTokens deletes every token of userID with purpose and
	// returns how many it deleted.
	DeleteEmailTokens(ctx context.Context, userID, purpose string) (int, error)
	// MarkEmailVerified records at as the verification time of userID's
	// address when that address is still emailNormalized; an earlier time
	// is kept. It returns ENotFound when the user is gone or has another
	// address.
	MarkEmailVerified(ctx context.Context, userID, emailNormalized string, at time.Time) error
}

// SecurityNotifier emails a user when the security of their account
// changes. Each method may deliver in the background: a nil error means the
// message was accepted for delivery, not that it arrived.
type SecurityNotifier interface {
	PasswordChanged(ctx context.Context, u *User) error
	TwoFactorEnabled(ctx context.Context, u *User) error
	TwoFactorDisabled(ctx context.Context, u *User) error
	// BackupCodeUsed reports that a backup code was used and how many are
	// left.
	BackupCodeUsed(ctx context.Context, u *User, remaining int) error
}

// Mailer sends every account email: the security notices and the links.
// Package notify implements it.
type Mailer interface {
	SecurityNotifier
	// SendVerification sends the link that verifies u.Email.
	SendVerification(ctx context.Context, u *User, token string) error
	// SendSignUpAttempt notifies u that someone tried to sign up with u.Email.
	SendSignUpAttempt(ctx context.Context, u *User) error
	// SendPasswordReset sends the link that sets a new password.
	SendPasswordReset(ctx context.Context, u *User, token string) error
	// PasswordWasReset notifies u that a reset link set a new password.
	PasswordWasReset(ctx context.Context, u *User) error
}

// SessionRevoker ends sessions; sessions.Manager implements it.
type SessionRevoker interface {
	// RevokeOthers ends every session of userID except keepID (empty for
	// all) and returns how many it ended.
	RevokeOthers(ctx context.Context, userID, keepID string) (int, error)
}

// ErrInvalidLink is the one error for every emailed link that does not
// work, whatever the reason, so a guessed token learns nothing.
var ErrInvalidLink = chatalott.Errorf(chatalott.EInvalid,
	"This link does not work. It may be incomplete, already used, replaced by a newer email, or expired. Ask for a new one.")

// EmailService runs the account flows that go through email: verifying the
// address at sign-up and resetting a forgotten password. It reads the clock
// and the users through Accounts.
type EmailService struct {
	Accounts *Service
	Tokens   TokenStore
	Mailer   Mailer
	Sessions SessionRevoker
}

// Register signs up the user of req and emails a verification link. When the
// address already has an account, it creates nothing, emails the owner that
// someone tried to sign up with their address, and returns the owner with
// created false. Both paths hash the password once and send one email, so
// the caller can respond to both the same way. It returns ValidationErrors for
// invalid input.
func (e *EmailService) Register(ctx context.Context, req SignUpRequest) (u *User, created bool, err error) {
	u, _, err = e.Accounts.SignUp(ctx, req)
	if err == nil {
		return u, true, e.SendVerification(ctx, u)
	}
	if chatalott.ErrorCode(err) != chatalott.EConflict {
		return nil, false, err
	}
	owner, err := e.Accounts.Store.UserByEmail(ctx, NormalizeEmail(req.Email))
	if err != nil {
		return nil, false, fmt.Errorf("accounts: register: load the owner of the address: %w", err)
	}
	if err := e.Mailer.SendSignUpAttempt(ctx, owner); err != nil {
		return owner, false, fmt.Errorf("accounts: register: notify %s: %w", owner.ID, err)
	}
	return owner, false, nil
}

// SendVerification emails u a new link that verifies u.Email, which replaces
// any earlier one. It does nothing when the address is already verified.
func (e *EmailService) SendVerification(ctx context.Context, u *User) error {
	if u.EmailVerifiedAt != nil {
		return nil
	}
	token, err := e.newToken(ctx, u, PurposeVerifyEmail, VerifyEmailLifetime)
	if err != nil {
		return err
	}
	if err := e.Mailer.SendVerification(ctx, u, token); err != nil {
		return fmt.Errorf("accounts: send verification to %s: %w", u.ID, err)
	}
	return nil
}

// CheckLink returns ErrInvalidLink unless token is a live link for purpose.
// It changes nothing, so a page can check a link before asking for input.
func (e *EmailService) CheckLink(ctx context.Context, purpose, token string) error {
	_, err := e.liveToken(ctx, purpose, token)
	return err
}

// VerifyEmail uses a verification link: it marks the address it was sent to
// as verified and returns the user's id. The link works once. Every failure
// of the link returns ErrInvalidLink.
func (e *EmailService) VerifyEmail(ctx context.Context, token string) (string, error) {
	t, err := e.consume(ctx, PurposeVerifyEmail, token)
	if err != nil {
		return "", err
	}
	err = e.Tokens.MarkEmailVerified(ctx, t.UserID, t.EmailNormalized, e.Accounts.Now().UTC())
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return "", ErrInvalidLink
	}
	if err != nil {
		return "", fmt.Errorf("accounts: verify email of %s: %w", t.UserID, err)
	}
	return t.UserID, nil
}

// RequestPasswordReset emails a reset link to the account with email, which
// replaces any earlier link. An unknown address is not an error, and nothing
// is sent to it, so the caller responds the same either way.
// NOTE: a known address costs one more database write than an unknown one;
// the email itself is sent off the request path by package notify.
func (e *EmailService) RequestPasswordReset(ctx context.Context, email string) error {
	u, err := e.Accounts.Store.UserByEmail(ctx, NormalizeEmail(email))
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("accounts: request password reset: %w", err)
	}
	token, err := e.newToken(ctx, u, PurposeResetPassword, ResetPasswordLifetime)
	if err != nil {
		return err
	}
	if err := e.Mailer.SendPasswordReset(ctx, u, token); err != nil {
		return fmt.Errorf("accounts: send password reset to %s: %w", u.ID, err)
	}
	return nil
}

// ResetPassword uses a reset link to set password, which must meet the
// password rules (a field error on "new_password" otherwise, and the link
// keeps working). It then ends every session of the user and emails them a
// notice. The link works once. Every failure of the link returns
// ErrInvalidLink.
func (e *EmailService) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	if _, err := e.liveToken(ctx, PurposeResetPassword, token); err != nil {
		return nil, err
	}
	if err := CheckPassword("new_password", password); err != nil {
		return nil, chatalott.ValidationErrors{err.(*chatalott.Error)}
	}

	t, err := e.consume(ctx, PurposeResetPassword, token)
	if err != nil {
		return nil, err
	}
	u, err := e.Accounts.Store.UserByID(ctx, t.UserID)
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return nil, ErrInvalidLink
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: reset password of %s: %w", t.UserID, err)
	}
	if u.EmailNormalized != t.EmailNormalized {
		return nil, ErrInvalidLink
	}

	hash, err := e.Accounts.Hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	if err := e.Accounts.Store.UpdatePassword(ctx, u.ID, hash, e.Accounts.Now().UTC()); err != nil {
		return nil, fmt.Errorf("accounts: reset password of %s: %w", u.ID, err)
	}
	if _, err := e.Tokens.DeleteEmailTokens(ctx, u.ID, PurposeResetPassword); err != nil {
		return nil, fmt.Errorf("accounts: reset password of %s: delete other links: %w", u.ID, err)
	}

	if _, err := e.Sessions.RevokeOthers(ctx, u.ID, ""); err != nil {
		return nil, fmt.Errorf("accounts: reset password of %s: end sessions: %w", u.ID, err)
	}
	if err := e.Mailer.PasswordWasReset(ctx, u); err != nil {
		return u, fmt.Errorf("accounts: reset password of %s: send notice: %w", u.ID, err)
	}
	return u, nil
}

// AfterPasswordChange finishes a password change made with the current
// password: it deletes every outstanding reset link of u and emails u a
// notice. Call it after Service.ChangePassword succeeds.
func (e *EmailService) AfterPasswordChange(ctx context.Context, u *User) error {
	if _, err := e.Tokens.DeleteEmailTokens(ctx, u.ID, PurposeResetPassword); err != nil {
		return fmt.Errorf("accounts: after password change of %s: delete reset links: %w", u.ID, err)
	}
	if err := e.Mailer.PasswordChanged(ctx, u); err != nil {
		return fmt.Errorf("accounts: after password change of %s: send notice: %w", u.ID, err)
	}
	return nil
}

// newToken stores a new link of purpose for u and returns its token.
func (e *EmailService) newToken(ctx context.Context, u *User, purpose string, lifetime time.Duration) (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("accounts: generate link token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := e.Accounts.Now().UTC()
	t := &EmailToken{
		Hash:            hashToken(token),
		UserID:          u.ID,
		Purpose:         purpose,
		EmailNormalized: u.EmailNormalized,
		CreatedAt:       now,
		ExpiresAt:       now.Add(lifetime),
	}
	if err := e.Tokens.ReplaceEmailToken(ctx, t, now); err != nil {
		return "", fmt.Errorf("accounts: store %s link of %s: %w", purpose, u.ID, err)
	}
	return token, nil
}

// liveToken returns the unexpired token record of purpose, or ErrInvalidLink.
func (e *EmailService) liveToken(ctx context.Context, purpose, token string) (*EmailToken, error) {
	if !plausibleToken(token) {
		return nil, ErrInvalidLink
	}
	t, err := e.Tokens.EmailToken(ctx, hashToken(token), purpose)
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return nil, ErrInvalidLink
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: look up %s link: %w", purpose, err)
	}
	if !e.Accounts.Now().Before(t.ExpiresAt) {
		return nil, ErrInvalidLink
	}
	return t, nil
}

// consume deletes the token record of purpose and returns it when it was
// unexpired, or returns ErrInvalidLink.
func (e *EmailService) consume(ctx context.Context, purpose, token string) (*EmailToken, error) {
	if !plausibleToken(token) {
		return nil, ErrInvalidLink
	}
	t, err := e.Tokens.ConsumeEmailToken(ctx, hashToken(token), purpose)
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return nil, ErrInvalidLink
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: use %s link: %w", purpose, err)
	}
	if !e.Accounts.Now().Before(t.ExpiresAt) {
		return nil, ErrInvalidLink
	}
	return t, nil
}

// plausibleToken reports whether token has the length of a generated one,
// so that junk input costs no database query.
func plausibleToken(token string) bool {
	return len(token) == base64.RawURLEncoding.EncodedLen(tokenBytes)
}

// hashToken returns the hex SHA-256 of token. A plain hash is enough because
// the token has 256 random bits: there is nothing to guess by brute force.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
