package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
)

// Store persists users and workspaces.
type Store interface {
	// CreateUser stores u, its personal workspace w and u's owner membership
	// of w in one transaction. It returns EConflict when another user has
	// the same EmailNormalized.
	CreateUser(ctx context.Context, u *User, w *Workspace) error
	// UserByEmail returns the user with the normalized email, or ENotFound.
	UserByEmail(ctx context.Context, emailNormalized string) (*User, error)
	// UserByID returns the user with id, or ENotFound.
	UserByID(ctx context.Context, id string) (*User, error)
	// UpdatePassword replaces the user's password hash and change time.
	UpdatePassword(ctx context.Context, userID string, hash []byte, changedAt time.Time) error
	// PersonalWorkspace returns the personal workspace of the user.
	PersonalWorkspace(ctx context.Context, userID string) (*Workspace, error)
	// UserWithPersonalWorkspace returns the user with id and their personal
	// workspace in one query, or ENotFound.
	UserWithPersonalWorkspace(ctx context.Context, id string) (*User, *Workspace, error)
}

// Service implements sign-up, log-in and password changes.
type Service struct {
	Store  Store
	Hasher *Hasher
	Now    func() time.Time
	NewID  func() string
}

// SignUpRequest is the input of SignUp.
type SignUpRequest struct {
	Name     string
	Email    string
	Password string
}

// ErrBadCredentials is the one error every failed log-in returns, whether the
// email is unknown or the password is wrong.
var ErrBadCredentials = chatalott.Errorf(chatalott.EUnauthorized, "That email and password do not match an account. Check both and try again.")

// Validate returns every problem with r, each naming its field.
func (r *SignUpRequest) Validate() error {
	var errs chatalott.ValidationErrors
	r.Name = strings.TrimSpace(r.Name)
	r.Email = strings.TrimSpace(r.Email)
	switch n := utf8.RuneCountInString(r.Name); {
	case !utf8.ValidString(r.Name):
		errs = append(errs, chatalott.FieldError("name", "Name is not valid UTF-8 text; type it again."))
	case n == 0:
		errs = append(errs, chatalott.FieldError("name", "Name is missing; enter the name to show for your account."))
	case n > 200:
		errs = append(errs, chatalott.FieldError("name", "Name is %d characters long; use at most 200.", n))
	}
	if err := checkAccountEmail(r.Email); err != nil {
		errs = append(errs, err.(*chatalott.Error))
	}
	if err := CheckPassword("password", r.Password); err != nil {
		errs = append(errs, err.(*chatalott.Error))
	}
	return errs.Err()
}

func checkAccountEmail(email string) error {
	if email == "" {
		return chatalott.FieldError("email", "Email is missing; enter the address you want to log in with.")
	}
	parsed, err := mail.ParseAddress(email)
	if err != nil || parsed.Address != email || len(email) > 254 {
		return chatalott.FieldError("email", "Email %q is not a valid address; write it as name@example.com.", email)
	}
	return nil
}

// SignUp creates a user with a personal workspace. It returns a
// chatalott.ValidationErrors for invalid input and EConflict when the email
// is already taken, compared case-insensitively.
func (s *Service) SignUp(ctx context.Context, req SignUpRequest) (*User, *Workspace, error) {
	if err := req.Validate(); err != nil {
		return nil, nil, err
	}
	hash, err := s.Hasher.Hash(req.Password)
	if err != nil {
		return nil, nil, err
	}
	now := s.Now().UTC()
	u := &User{
		ID:                s.NewID(),
		Email:             req.Email,
		EmailNormalized:   NormalizeEmail(req.Email),
		Name:              req.Name,
		PasswordHash:      hash,
		PasswordChangedAt: now,
		CreatedAt:         now,
	}
	w := &Workspace{ID: s.NewID(), Name: req.Name, Kind: WorkspacePersonal, CreatedAt: now}
	if err := s.Store.CreateUser(ctx, u, w); err != nil {
		if chatalott.ErrorCode(err) == chatalott.EConflict {
			return nil, nil, &chatalott.Error{Code: chatalott.EConflict, Field: "email",
				Message: "An account with this email already exists. Log in instead, or use another address.", Err: err}
		}
		return nil, nil, fmt.Errorf("accounts: sign up: %w", err)
	}
	return u, w, nil
}

// LogIn returns the user whose email and password match. Every failure
// returns ErrBadCredentials after one bcrypt comparison, so the response and
// its timing do not tell whether the email has an account. A hash made at a
// lower cost than configured is upgraded.
func (s *Service) LogIn(ctx context.Context, email, password string) (*User, error) {
	u, err := s.Store.UserByEmail(ctx, NormalizeEmail(email))
	if err != nil && chatalott.ErrorCode(err) != chatalott.ENotFound {
		return nil, fmt.Errorf("accounts: log in: %w", err)
	}
	var hash []byte
	if u != nil {
		hash = u.PasswordHash
	}
	if !s.Hasher.Compare(hash, password) || u == nil {
		return nil, ErrBadCredentials
	}
	if s.Hasher.NeedsRehash(hash) {
		if newHash, err := s.Hasher.Hash(password); err == nil {
			if err := s.Store.UpdatePassword(ctx, u.ID, newHash, u.PasswordChangedAt); err != nil {
				return u, fmt.Errorf("accounts: upgrade password hash of %s: %w", u.ID, err)
			}
			u.PasswordHash = newHash
		}
	}
	return u, nil
}

// ChangePassword checks the current password and replaces it. The caller
// revokes the user's other sessions. It returns a field error on
// "current_password" when that password is wrong.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next string) error {
	u, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return fmt.Errorf("accounts: change password of %s: %w", userID, err)
	}
	if !s.Hasher.Compare(u.PasswordHash, current) {
		return chatalott.FieldError("current_password", "Current password is wrong; type the password you log in with.")
	}
	if err := CheckPassword("new_password", next); err != nil {
		return chatalott.ValidationErrors{err.(*chatalott.Error)}
	}
	if current == next {
		return chatalott.ValidationErrors{chatalott.FieldError("new_password", "New password is the same as the current one; choose a different password.")}
	}
	hash, err := s.Hasher.Hash(next)
	if err != nil {
		return err
	}
	if err := s.Store.UpdatePassword(ctx, userID, hash, s.Now().UTC()); err != nil {
		return fmt.Errorf("accounts: change password of %s: %w", userID, err)
	}
	return nil
}

// CheckPassword returns a field error on "password" unless password is the
// user's current password.
func (s *Service) CheckPassword(ctx context.Context, userID, password string) error {
	u, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return fmt.Errorf("accounts: check password of %s: %w", userID, err)
	}
	if !s.Hasher.Compare(u.PasswordHash, password) {
		return chatalott.FieldError("password", "Password is wrong; type the password you log in with.")
	}
	return nil
}

// IsBadCredentials reports whether err is the log-in failure error.
func IsBadCredentials(err error) bool { return errors.Is(err, ErrBadCredentials) }
