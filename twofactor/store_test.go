package twofactor_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/keys"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"github.com/chatalott/chatalott/twofactor"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

type fixture struct {
	db     *sqlstore.DB
	svc    *twofactor.Service
	now    time.Time
	userID string
}

func setup(t *testing.T, dialect string) *fixture {
	t.Helper()
	db := sqlstoretest.Open(t, dialect)
	ring, _ := keys.NewRing()
	f := &fixture{db: db, now: time.Unix(1_800_000_000, 0).UTC()}
	f.svc = &twofactor.Service{Store: &sqlstore.TwoFactorStore{DB: db}, Keys: ring, Now: func() time.Time { return f.now }}
	f.userID = chatalott.NewID()
	u := &accounts.User{ID: f.userID, Email: "ana@example.com", EmailNormalized: "ana@example.com", Name: "Ana",
		PasswordHash: []byte("x"), PasswordChangedAt: f.now, CreatedAt: f.now}
	w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Ana", Kind: accounts.WorkspacePersonal, CreatedAt: f.now}
	if err := (&sqlstore.AccountStore{DB: db}).CreateUser(context.Background(), u, w); err != nil {
		t.Fatal(err)
	}
	return f
}

func forEachDialect(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, dialect))
		})
	}
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol completes enrolment at f.now and returns the secret and backup codes.
func (f *fixture) enrol(t *testing.T) (string, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := f.svc.Begin(ctx, f.userID, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	codes, err := f.svc.Confirm(ctx, f.userID, codeAt(t, e.Secret, f.now))
	if err != nil {
		t.Fatal(err)
	}
	return e.Secret, codes
}

func TestEnrolment(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		e, err := f.svc.Begin(ctx, f.userID, "ana@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Secret) != 32 { // 160 bits in base32
			t.Errorf("secret has %d base32 characters, want 32 (160 bits)", len(e.Secret))
		}
		for _, want := range []string{"otpauth://totp/Chatalott:ana@example.com", "issuer=Chatalott", "secret=" + e.Secret} {
			if !strings.Contains(e.URI, want) {
				t.Errorf("URI %q lacks %q", e.URI, want)
			}
		}
		if on, _, _ := f.svc.Status(ctx, f.userID); on {
			t.Error("two-factor is on before a code confirmed it")
		}
		if _, err := f.svc.Confirm(ctx, f.userID, "000000"); chatalott.ErrorCode(err) != chatalott.EInvalid {
			t.Errorf("Confirm with a wrong code: %v, want invalid", err)
		}
		enrolCode := codeAt(t, e.Secret, f.now)
		codes, err := f.svc.Confirm(ctx, f.userID, enrolCode)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != twofactor.BackupCodeCount {
			t.Errorf("%d backup codes, want %d", len(codes), twofactor.BackupCodeCount)
		}
		if on, remaining, _ := f.svc.Status(ctx, f.userID); !on || remaining != 8 {
			t.Errorf("status after enrolment: on %v remaining %d, want true and 8", on, remaining)
		}
		// The code that confirmed enrolment cannot log in.
		if err := f.svc.Verify(ctx, f.userID, enrolCode); err != twofactor.ErrInvalidCode {
			t.Errorf("Verify with the enrolment code: %v, want ErrInvalidCode", err)
		}
		if _, err := f.svc.Begin(ctx, f.userID, "ana@example.com"); chatalott.ErrorCode(err) != chatalott.EConflict {
			t.Errorf("Begin while on: %v, want conflict", err)
		}
	})
}

func TestVerifyOnceAndReplay(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		secret, _ := f.enrol(t)
		f.now = f.now.Add(30 * time.Second)
		code := codeAt(t, secret, f.now)
		if err := f.svc.Verify(ctx, f.userID, code); err != nil {
			t.Fatalf("Verify with a fresh code: %v", err)
		}
		if err := f.svc.Verify(ctx, f.userID, code); err != twofactor.ErrInvalidCode {
			t.Errorf("replayed code: %v, want ErrInvalidCode", err)
		}
		// A code of an earlier step than the last accepted one is refused
		// even inside the skew window.
		f.now = f.now.Add(30 * time.Second)
		earlier := codeAt(t, secret, f.now.Add(-60*time.Second))
		if err := f.svc.Verify(ctx, f.userID, earlier); err != twofactor.ErrInvalidCode {
			t.Errorf("code older than the last accepted: %v, want ErrInvalidCode", err)
		}
		if err := f.svc.Verify(ctx, f.userID, codeAt(t, secret, f.now.Add(30*time.Second))); err != nil {
			t.Errorf("code one step ahead: %v, want accepted", err)
		}
	})
}

func TestVerifyParallelOnlyOnePasses(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		secret, _ := f.enrol(t)
		f.now = f.now.Add(30 * time.Second)
		code := codeAt(t, secret, f.now)
		var passed atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if f.svc.Verify(context.Background(), f.userID, code) == nil {
					passed.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		if n := passed.Load(); n != 1 {
			t.Errorf("%d of 20 parallel submissions of one code passed, want exactly 1", n)
		}
	})
}

func TestBackupCodes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		secret, codes := f.enrol(t)
		for _, c := range codes {
			if len(strings.ReplaceAll(c, "-", "")) != 16 {
				t.Errorf("backup code %q does not have 16 characters (80 bits)", c)
			}
		}
		used, remaining, err := f.svc.VerifyAny(ctx, f.userID, strings.ToUpper(codes[0]))
		if err != nil || !used || remaining != 7 {
			t.Fatalf("first use of a backup code: used %v remaining %d err %v; want true, 7, nil", used, remaining, err)
		}
		if _, _, err := f.svc.VerifyAny(ctx, f.userID, codes[0]); err != twofactor.ErrInvalidCode {
			t.Errorf("second use of a backup code: %v, want ErrInvalidCode", err)
		}

		var passed atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := f.svc.VerifyAny(context.Background(), f.userID, codes[1]); err == nil {
					passed.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := passed.Load(); n != 1 {
			t.Errorf("%d of 20 parallel uses of one backup code passed, want 1", n)
		}

		f.now = f.now.Add(30 * time.Second)
		fresh, err := f.svc.RegenerateBackupCodes(ctx, f.userID, codeAt(t, secret, f.now))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.VerifyAny(ctx, f.userID, codes[2]); err != twofactor.ErrInvalidCode {
			t.Errorf("old backup code after regenerating: %v, want ErrInvalidCode", err)
		}
		if _, remaining, err := f.svc.VerifyAny(ctx, f.userID, fresh[0]); err != nil || remaining != 7 {
			t.Errorf("new backup code: remaining %d, err %v; want 7, nil", remaining, err)
		}

		if err := f.svc.Disable(ctx, f.userID, "000000"); err != twofactor.ErrInvalidCode {
			t.Errorf("Disable with a wrong code: %v", err)
		}
		if err := f.svc.Disable(ctx, f.userID, fresh[1]); err != nil {
			t.Fatal(err)
		}
		if on, _, _ := f.svc.Status(ctx, f.userID); on {
			t.Error("two-factor still on after Disable")
		}
	})
}

// TestDatabaseHoldsNoPlaintextSecrets dumps every text and blob column of
// the two-factor tables and checks that neither the TOTP secret nor any
// backup code appears.
func TestDatabaseHoldsNoPlaintextSecrets(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		secret, codes := f.enrol(t)
		var dump strings.Builder
		for _, q := range []string{
			`SELECT user_id, secret_sealed, '' FROM two_factor`,
			`SELECT user_id, key_id, code_hash FROM backup_codes`,
		} {
			rows, err := f.db.SQL().Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var a, b, c string
				rows.Scan(&a, &b, &c)
				fmt.Fprintln(&dump, a, b, c)
			}
			rows.Close()
		}
		text := strings.ToLower(dump.String())
		if !strings.Contains(text, strings.ToLower(f.userID)) {
			t.Fatal("dump is empty; the check would prove nothing")
		}
		if strings.Contains(text, strings.ToLower(secret)) {
			t.Error("database holds the TOTP secret in plain text")
		}
		for _, c := range codes {
			if strings.Contains(text, strings.ReplaceAll(c, "-", "")) || strings.Contains(text, c) {
				t.Errorf("database holds backup code %s in plain text", c)
			}
		}
	})
}
