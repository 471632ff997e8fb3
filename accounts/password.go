package accounts

import (
	"fmt"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
	"golang.org/x/crypto/bcrypt"
)

// Password limits. bcrypt reads only the first 72 bytes of its input, so a
// longer password is rejected rather than silently truncated.
const (
	MinPasswordChars = 10
	MaxPasswordBytes = 72
)

// CheckPassword returns a field error naming the rule that password breaks, or nil.
func CheckPassword(field, password string) error {
	switch {
	case !utf8.ValidString(password):
		return chatalott.FieldError(field, "Password is not valid UTF-8 text; type it again.")
	case utf8.RuneCountInString(password) < MinPasswordChars:
		return chatalott.FieldError(field, "Password is %d characters long; use at least %d characters.",
			utf8.RuneCountInString(password), MinPasswordChars)
	case len(password) > MaxPasswordBytes:
		return chatalott.FieldError(field, "Password is %d bytes long; use at most %d bytes (fewer characters if you use accents or emoji).",
			len(password), MaxPasswordBytes)
	}
	return nil
}

// Hasher hashes and checks passwords with bcrypt at a fixed cost.
type Hasher struct {
	Cost int
	// dummy is a hash at Cost that unknown emails are compared against, so a
	// failed log-in takes the same time whether or not the account exists.
	dummy []byte
}

// NewHasher returns a Hasher for cost, which must be at least bcrypt.DefaultCost (10).
func NewHasher(cost int) (*Hasher, error) {
	if cost < bcrypt.DefaultCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("accounts: bcrypt cost %d is out of range; use %d to %d", cost, bcrypt.DefaultCost, bcrypt.MaxCost)
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("chatalott-dummy-password"), cost)
	if err != nil {
		return nil, fmt.Errorf("accounts: hash dummy password: %w", err)
	}
	return &Hasher{Cost: cost, dummy: dummy}, nil
}

// Hash returns the bcrypt hash of password.
func (h *Hasher) Hash(password string) ([]byte, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), h.Cost)
	if err != nil {
		return nil, fmt.Errorf("accounts: hash password: %w", err)
	}
	return hash, nil
}

// Compare reports whether password matches hash. A nil hash is compared
// against the dummy hash, so the call costs the same and returns false.
func (h *Hasher) Compare(hash []byte, password string) bool {
	if hash == nil {
		_ = bcrypt.CompareHashAndPassword(h.dummy, []byte(password))
		return false
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return err == nil
}

// NeedsRehash reports whether hash was made at a lower cost than h uses.
func (h *Hasher) NeedsRehash(hash []byte) bool {
	cost, err := bcrypt.Cost(hash)
	return err == nil && cost < h.Cost
}
