// Package twofactor implements time-based one-time passwords (TOTP, RFC
// 6238) and single-use backup codes as a second log-in factor.
//
// A code is accepted at most once: the time step of the last accepted code
// is stored, and a code is accepted only by an atomic conditional update
// that raises it. Two parallel submissions of one code therefore cannot
// both pass, and the code that confirmed enrolment cannot log in.
package twofactor

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/keys"
	"github.com/chatalott/chatalott/seal"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: those every common authenticator app supports.
const (
	Issuer      = "Chatalott"
	Period      = 30 // seconds per time step
	Digits      = otp.DigitsSix
	SecretBytes = 20 // 160 bits, the size RFC 4226 recommends for SHA-1
	// Skew is how many steps before and after the current one are
	// accepted, for clocks that drift.
	Skew = 1
)

// Backup codes.
const (
	BackupCodeCount = 8
	// backupCodeChars base32 characters carry 80 bits of entropy.
	backupCodeChars = 16
)

// State is a user's two-factor record.
type State struct {
	UserID       string
	SealedSecret string
	// ConfirmedAt is nil while enrolment waits for its first correct code.
	ConfirmedAt *time.Time
	// LastStep is the time step of the last accepted code.
	LastStep int64
}

// Enabled reports whether two-factor log-in is on.
func (s *State) Enabled() bool { return s != nil && s.ConfirmedAt != nil }

// BackupCodeHash is a backup code as stored: a keyed hash and the id of the
// key that made it.
type BackupCodeHash struct {
	KeyID string
	Hash  string
}

// Store persists two-factor state. Methods that accept a code are atomic:
// they succeed for exactly one of several concurrent callers.
type Store interface {
	// SavePending stores a new unconfirmed secret, replacing a pending one.
	// It returns EConflict when two-factor log-in is already on.
	SavePending(ctx context.Context, userID, sealedSecret string, at time.Time) error
	// Get returns the user's state, or ENotFound.
	Get(ctx context.Context, userID string) (*State, error)
	// Confirm turns two-factor log-in on, records step as used and stores
	// the backup codes, if the secret is still pending. It reports whether it did.
	Confirm(ctx context.Context, userID string, step int64, at time.Time, codes []BackupCodeHash) (bool, error)
	// UseStep records step as used if two-factor log-in is on and step is
	// later than the last used step. It reports whether it did.
	UseStep(ctx context.Context, userID string, step int64) (bool, error)
	// ReplaceBackupCodes deletes the user's backup codes and stores codes.
	ReplaceBackupCodes(ctx context.Context, userID string, codes []BackupCodeHash, at time.Time) error
	// UseBackupCode marks the unused code with one of hashes as used and
	// reports whether one was.
	UseBackupCode(ctx context.Context, userID string, hashes []BackupCodeHash, at time.Time) (bool, error)
	// RemainingBackupCodes counts the user's unused backup codes.
	RemainingBackupCodes(ctx context.Context, userID string) (int, error)
	// Delete removes the user's two-factor state and backup codes.
	Delete(ctx context.Context, userID string) error
}

// Service implements enrolment and verification.
type Service struct {
	Store Store
	// Keys seal TOTP secrets and key the backup-code hashes.
	Keys *keys.Ring
	Now  func() time.Time
}

// ErrInvalidCode is the one error for a wrong, expired or reused code.
var ErrInvalidCode = chatalott.Errorf(chatalott.EUnauthorized,
	"That code is not valid. Enter the current 6-digit code from your authenticator app, or one of your backup codes. "+
		"Each code works once: if you have just used the one on your screen, wait for the next.")

// Enrolment is a pending secret as the user adds it to an app.
type Enrolment struct {
	// Secret is the base32 key to type into an app.
	Secret string
	// URI is the otpauth:// URI that the QR code holds.
	URI string
}

func validateOpts() totp.ValidateOpts {
	return totp.ValidateOpts{Period: Period, Digits: Digits, Algorithm: otp.AlgorithmSHA1}
}

func secretAD(userID string) []byte { return seal.AssociatedData("two_factor", "secret", userID) }

// Begin creates a new pending secret for the user, replacing any pending
// one, and returns it for display. It returns EConflict when two-factor
// log-in is already on.
func (s *Service) Begin(ctx context.Context, userID, email string) (*Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: email, Period: Period,
		SecretSize: SecretBytes, Digits: Digits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, fmt.Errorf("twofactor: generate secret: %w", err)
	}
	sealed, err := seal.Seal(s.Keys, []byte(key.Secret()), secretAD(userID))
	if err != nil {
		return nil, err
	}
	if err := s.Store.SavePending(ctx, userID, sealed, s.Now().UTC()); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URI: key.URL()}, nil
}

// Pending returns the pending enrolment of the user, for showing its QR
// code again, or ENotFound.
func (s *Service) Pending(ctx context.Context, userID, email string) (*Enrolment, error) {
	st, err := s.Store.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	if st.Enabled() {
		return nil, chatalott.Errorf(chatalott.ENotFound, "Two-factor authentication is already on.")
	}
	secret, err := s.secret(st)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: secret, URI: keyURI(email, secret)}, nil
}

// keyURI returns the otpauth:// URI for secret, in the form totp.Generate writes.
func keyURI(email, secret string) string {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: email, Period: Period,
		Secret: mustDecodeSecret(secret), Digits: Digits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return ""
	}
	return key.URL()
}

func mustDecodeSecret(secret string) []byte {
	raw, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	return raw
}

func (s *Service) secret(st *State) (string, error) {
	plain, err := seal.Open(s.Keys, st.SealedSecret, secretAD(st.UserID))
	if err != nil {
		return "", fmt.Errorf("twofactor: open secret of %s: %w", st.UserID, err)
	}
	return string(plain), nil
}

// matchStep returns the time step whose code equals code, looking Skew
// steps around now, and whether one did.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / Period
	for offset := int64(-Skew); offset <= Skew; offset++ {
		step := current + offset
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*Period, 0), validateOpts())
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// Confirm completes enrolment with the first correct code and returns the
// backup codes, which are shown once and stored only as keyed hashes.
func (s *Service) Confirm(ctx context.Context, userID, code string) ([]string, error) {
	st, err := s.Store.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	if st.Enabled() {
		return nil, chatalott.Errorf(chatalott.EConflict, "Two-factor authentication is already on.")
	}
	secret, err := s.secret(st)
	if err != nil {
		return nil, err
	}
	step, ok := matchStep(secret, code, s.Now())
	if !ok {
		return nil, chatalott.FieldError("code", "That code is not valid. Enter the 6-digit code your app shows now; check that the phone's clock is right.")
	}
	codes, hashes, err := s.newBackupCodes(userID)
	if err != nil {
		return nil, err
	}
	done, err := s.Store.Confirm(ctx, userID, step, s.Now().UTC(), hashes)
	if err != nil {
		return nil, err
	}
	if !done {
		return nil, chatalott.Errorf(chatalott.EConflict, "Two-factor authentication is already on.")
	}
	return codes, nil
}

// Verify accepts a current TOTP code once. Every failure, including a
// reused code, returns ErrInvalidCode.
func (s *Service) Verify(ctx context.Context, userID, code string) error {
	st, err := s.Store.Get(ctx, userID)
	if err != nil || !st.Enabled() {
		return ErrInvalidCode
	}
	secret, err := s.secret(st)
	if err != nil {
		return err
	}
	step, ok := matchStep(secret, code, s.Now())
	if !ok {
		return ErrInvalidCode
	}
	used, err := s.Store.UseStep(ctx, userID, step)
	if err != nil {
		return err
	}
	if !used {
		return ErrInvalidCode
	}
	return nil
}

// VerifyAny accepts either a TOTP code or a backup code. It reports whether
// a backup code was used and how many remain.
func (s *Service) VerifyAny(ctx context.Context, userID, code string) (usedBackup bool, remaining int, err error) {
	if len(strings.TrimSpace(code)) == 6 {
		return false, 0, s.Verify(ctx, userID, code)
	}
	ok, err := s.Store.UseBackupCode(ctx, userID, s.backupHashes(userID, code), s.Now().UTC())
	if err != nil {
		return false, 0, err
	}
	if !ok {
		return false, 0, ErrInvalidCode
	}
	remaining, err = s.Store.RemainingBackupCodes(ctx, userID)
	return true, remaining, err
}

// Status reports whether two-factor log-in is on and how many backup codes remain.
func (s *Service) Status(ctx context.Context, userID string) (bool, int, error) {
	st, err := s.Store.Get(ctx, userID)
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	if !st.Enabled() {
		return false, 0, nil
	}
	n, err := s.Store.RemainingBackupCodes(ctx, userID)
	return true, n, err
}

// RegenerateBackupCodes checks code (TOTP or backup) and replaces every
// backup code with a new set, which it returns.
func (s *Service) RegenerateBackupCodes(ctx context.Context, userID, code string) ([]string, error) {
	if _, _, err := s.VerifyAny(ctx, userID, code); err != nil {
		return nil, err
	}
	codes, hashes, err := s.newBackupCodes(userID)
	if err != nil {
		return nil, err
	}
	if err := s.Store.ReplaceBackupCodes(ctx, userID, hashes, s.Now().UTC()); err != nil {
		return nil, err
	}
	return codes, nil
}

// Disable checks code (TOTP or backup) and turns two-factor log-in off.
func (s *Service) Disable(ctx context.Context, userID, code string) error {
	if _, _, err := s.VerifyAny(ctx, userID, code); err != nil {
		return err
	}
	return s.Store.Delete(ctx, userID)
}

var backupEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// newBackupCodes returns BackupCodeCount fresh codes, formatted for
// display, and their hashes.
func (s *Service) newBackupCodes(userID string) ([]string, []BackupCodeHash, error) {
	codes := make([]string, 0, BackupCodeCount)
	hashes := make([]BackupCodeHash, 0, BackupCodeCount)
	kid, key := s.Keys.CurrentKey()
	for range BackupCodeCount {
		raw := make([]byte, backupCodeChars*5/8)
		if _, err := rand.Read(raw); err != nil {
			return nil, nil, fmt.Errorf("twofactor: backup code: %w", err)
		}
		plain := backupEncoding.EncodeToString(raw)
		codes = append(codes, plain[0:4]+"-"+plain[4:8]+"-"+plain[8:12]+"-"+plain[12:16])
		hashes = append(hashes, BackupCodeHash{KeyID: kid, Hash: backupHash(key, userID, plain)})
	}
	return codes, hashes, nil
}

// backupHashes returns the hash of code under every key of the ring, so a
// code made before a key rotation still matches.
func (s *Service) backupHashes(userID, code string) []BackupCodeHash {
	normalized := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
	var out []BackupCodeHash
	for kid, key := range s.Keys.Keys {
		out = append(out, BackupCodeHash{KeyID: kid, Hash: backupHash(key, userID, normalized)})
	}
	return out
}

// backupHash is HMAC-SHA-256 over the user id and the code, so equal codes
// of two users hash differently and the hashes are useless without the key.
func backupHash(key []byte, userID, code string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("chatalott/backup-code\x00" + userID + "\x00" + code))
	return hex.EncodeToString(mac.Sum(nil))
}
