// Package sessions issues and checks log-in sessions: a server-side session
// record named by an HMAC-signed JWT that travels in a cookie.
package sessions

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/keys"
	"github.com/golang-jwt/jwt/v5"
)

// Default lifetimes.
const (
	DefaultIdleTimeout      = 7 * 24 * time.Hour
	DefaultAbsoluteLifetime = 30 * 24 * time.Hour
	// DefaultTouchInterval bounds how stale LastSeenAt may be. Requests
	// within it do not write to the database, so the idle timeout is
	// enforced to within this interval.
	DefaultTouchInterval = 5 * time.Minute
)

// Session is the server-side record of one log-in.
type Session struct {
	ID         string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end, whatever the activity
	RevokedAt  *time.Time
	UserAgent  string
	IP         string
	// SecondFactorPending marks a partial session: the password was right
	// and the second factor is still to come. It can do nothing else.
	SecondFactorPending bool
	// PasswordAt is when the user last typed their password in this
	// session, for actions that require a recent password.
	PasswordAt time.Time
	// WorkspaceID is the team workspace the session acts in, chosen with
	// the workspace switcher; empty means the user's personal workspace.
	WorkspaceID string
}

// PartialLifetime is how long a partial session waits for the second factor.
const PartialLifetime = 5 * time.Minute

// RecentPasswordWindow is the time within which the password must have
// been typed for changes to the password, two-factor settings or email.
const RecentPasswordWindow = 10 * time.Minute

// PasswordRecent reports whether the password was typed in this session
// within RecentPasswordWindow of now.
func (s *Session) PasswordRecent(now time.Time) bool {
	return !s.PasswordAt.IsZero() && now.Sub(s.PasswordAt) < RecentPasswordWindow
}

// Store persists session records.
type Store interface {
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns the session with id, or ENotFound.
	GetSession(ctx context.Context, id string) (*Session, error)
	// TouchSession sets LastSeenAt of an unrevoked session.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// RevokeSession marks one session of userID revoked. It returns
	// ENotFound when userID has no such session.
	RevokeSession(ctx context.Context, userID, id string, at time.Time) error
	// RevokeUserSessions revokes every unrevoked session of userID except
	// exceptID (which may be empty) and returns how many it revoked.
	RevokeUserSessions(ctx context.Context, userID, exceptID string, at time.Time) (int, error)
	// MarkPassword sets PasswordAt of the session.
	MarkPassword(ctx context.Context, id string, at time.Time) error
	// ListUserSessions returns the unrevoked sessions of userID whose
	// absolute lifetime has not ended at now, most recently seen first.
	ListUserSessions(ctx context.Context, userID string, now time.Time) ([]*Session, error)
}

// ErrNoSession is returned by Authenticate for every token that does not
// name a live session: malformed, wrongly signed, expired, idle or revoked.
var ErrNoSession = chatalott.Errorf(chatalott.EUnauthorized, "Your session has ended. Log in again.")

// Manager issues and authenticates sessions.
type Manager struct {
	Store            Store
	Keys             *keys.Ring
	Now              func() time.Time
	IdleTimeout      time.Duration
	AbsoluteLifetime time.Duration
	TouchInterval    time.Duration
}

// claims are the JWT claims: jti names the session record, sub the user.
type claims = jwt.RegisteredClaims

// Issue creates a full session with a new random id for userID, right
// after the user typed their password, and returns it with its signed token.
func (m *Manager) Issue(ctx context.Context, userID, userAgent, ip string) (string, *Session, error) {
	return m.issue(ctx, userID, userAgent, ip, false, m.Now().UTC())
}

// IssuePartial creates a partial session that waits PartialLifetime for
// the second factor.
func (m *Manager) IssuePartial(ctx context.Context, userID, userAgent, ip string) (string, *Session, error) {
	return m.issue(ctx, userID, userAgent, ip, true, m.Now().UTC())
}

// Promote ends the partial session and issues a full session with a new id
// in its place, keeping the time the password was typed.
func (m *Manager) Promote(ctx context.Context, partial *Session, userAgent, ip string) (string, *Session, error) {
	if err := m.Revoke(ctx, partial.UserID, partial.ID); err != nil {
		return "", nil, err
	}
	return m.issue(ctx, partial.UserID, userAgent, ip, false, partial.PasswordAt)
}

func (m *Manager) issue(ctx context.Context, userID, userAgent, ip string, partial bool, passwordAt time.Time) (string, *Session, error) {
	id, err := randomID()
	if err != nil {
		return "", nil, err
	}
	now := m.Now().UTC().Truncate(time.Second)
	lifetime := m.AbsoluteLifetime
	if partial {
		lifetime = PartialLifetime
	}
	s := &Session{
		ID:                  id,
		UserID:              userID,
		CreatedAt:           now,
		LastSeenAt:          now,
		ExpiresAt:           now.Add(lifetime),
		UserAgent:           truncate(userAgent, 300),
		IP:                  truncate(ip, 64),
		SecondFactorPending: partial,
		PasswordAt:          passwordAt,
	}
	if err := m.Store.CreateSession(ctx, s); err != nil {
		return "", nil, fmt.Errorf("sessions: create: %w", err)
	}
	token, err := m.sign(s)
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

func (m *Manager) sign(s *Session) (string, error) {
	kid, key := m.Keys.CurrentKey()
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		ID:        s.ID,
		Subject:   s.UserID,
		IssuedAt:  jwt.NewNumericDate(s.CreatedAt),
		ExpiresAt: jwt.NewNumericDate(s.ExpiresAt),
	})
	t.Header["kid"] = kid
	signed, err := t.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("sessions: sign token: %w", err)
	}
	return signed, nil
}

// Authenticate verifies token and returns its live full session. Idle time
// is measured from LastSeenAt, which is written at most once per
// TouchInterval. A partial session is rejected.
func (m *Manager) Authenticate(ctx context.Context, token string) (*Session, error) {
	s, err := m.authenticate(ctx, token)
	if err != nil {
		return nil, err
	}
	if s.SecondFactorPending {
		return nil, ErrNoSession
	}
	return s, nil
}

// AuthenticatePartial verifies token and returns its live partial session.
// A full session is rejected.
func (m *Manager) AuthenticatePartial(ctx context.Context, token string) (*Session, error) {
	s, err := m.authenticate(ctx, token)
	if err != nil {
		return nil, err
	}
	if !s.SecondFactorPending {
		return nil, ErrNoSession
	}
	return s, nil
}

// MarkPassword records that the user typed their password in session s now.
func (m *Manager) MarkPassword(ctx context.Context, s *Session) error {
	now := m.Now().UTC()
	if err := m.Store.MarkPassword(ctx, s.ID, now); err != nil {
		return fmt.Errorf("sessions: mark password: %w", err)
	}
	s.PasswordAt = now
	return nil
}

func (m *Manager) authenticate(ctx context.Context, token string) (*Session, error) {
	now := m.Now().UTC()
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, m.keyFor,
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil || c.ID == "" {
		return nil, ErrNoSession
	}
	s, err := m.Store.GetSession(ctx, c.ID)
	if err != nil {
		if chatalott.ErrorCode(err) == chatalott.ENotFound {
			return nil, ErrNoSession
		}
		return nil, fmt.Errorf("sessions: load %s: %w", c.ID, err)
	}
	switch {
	case s.UserID != c.Subject,
		s.RevokedAt != nil,
		!now.Before(s.ExpiresAt),
		now.Sub(s.LastSeenAt) >= m.IdleTimeout:
		return nil, ErrNoSession
	}
	if now.Sub(s.LastSeenAt) >= m.TouchInterval {
		if err := m.Store.TouchSession(ctx, s.ID, now); err != nil {
			return nil, fmt.Errorf("sessions: touch %s: %w", s.ID, err)
		}
		s.LastSeenAt = now
	}
	return s, nil
}

func (m *Manager) keyFor(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	key, ok := m.Keys.Key(kid)
	if !ok {
		return nil, errors.New("sessions: unknown key id")
	}
	return key, nil
}

// Revoke ends one session of userID at once.
func (m *Manager) Revoke(ctx context.Context, userID, sessionID string) error {
	return m.Store.RevokeSession(ctx, userID, sessionID, m.Now().UTC())
}

// RevokeOthers ends every session of userID except keepID (empty for all).
func (m *Manager) RevokeOthers(ctx context.Context, userID, keepID string) (int, error) {
	return m.Store.RevokeUserSessions(ctx, userID, keepID, m.Now().UTC())
}

// List returns userID's live sessions, most recently seen first.
func (m *Manager) List(ctx context.Context, userID string) ([]*Session, error) {
	now := m.Now().UTC()
	all, err := m.Store.ListUserSessions(ctx, userID, now)
	if err != nil {
		return nil, fmt.Errorf("sessions: list: %w", err)
	}
	live := all[:0]
	for _, s := range all {
		if now.Sub(s.LastSeenAt) < m.IdleTimeout {
			live = append(live, s)
		}
	}
	return live, nil
}

// randomID returns 128 random bits, base64url-encoded.
func randomID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sessions: generate id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
