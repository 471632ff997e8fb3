// Package accounts holds users, their personal workspaces and the rules for
// signing up, logging in and changing a password.
package accounts

import (
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// User is a person who can log in.
type User struct {
	ID                string
	Email             string // as the user typed it, for display and mail
	EmailNormalized   string // NormalizeEmail(Email), unique across users
	Name              string
	PasswordHash      []byte
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	// EmailVerifiedAt is when the user opened a verification link sent to
	// Email; nil until then.
	EmailVerifiedAt *time.Time
}

// Workspace kinds.
const (
	WorkspacePersonal = "personal"
	WorkspaceTeam     = "team"
)

// Workspace owns customer data. Every user has one personal workspace.
type Workspace struct {
	ID        string
	Name      string
	Kind      string
	CreatedAt time.Time
}

// Membership roles.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

var emailFolder = cases.Fold()

// NormalizeEmail returns the form of an email address under which it is
// unique and rate-limited: trimmed, Unicode NFKC, and case-folded, so that
// "Zoë@Example.com" and "zoë@example.COM" are the same account.
func NormalizeEmail(email string) string {
	return emailFolder.String(norm.NFKC.String(strings.TrimSpace(email)))
}
