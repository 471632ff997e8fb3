package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"golang.org/x/crypto/bcrypt"
)

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ a, b string }{
		{"Zoë@Example.com", "zoë@example.COM"},
		{" ana@example.com ", "ANA@EXAMPLE.COM"},
		{"ＡＮＡ@example.com", "ana@example.com"}, // fullwidth letters fold under NFKC
		{"STRASSE@example.com", "strasse@example.com"},
	}
	for _, tc := range cases {
		if a, b := accounts.NormalizeEmail(tc.a), accounts.NormalizeEmail(tc.b); a != b {
			t.Errorf("NormalizeEmail(%q) = %q, NormalizeEmail(%q) = %q; want equal", tc.a, a, tc.b, b)
		}
	}
}

func TestNewHasherRejectsLowCost(t *testing.T) {
	if _, err := accounts.NewHasher(bcrypt.DefaultCost - 1); err == nil {
		t.Error("NewHasher(9) succeeded, want an error")
	}
}

// TestLogInUpgradesLowCostHash checks that a hash made at a lower cost than
// configured is replaced at the next successful log-in.
func TestLogInUpgradesLowCostHash(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			store := &sqlstore.AccountStore{DB: sqlstoretest.Open(t, dialect)}
			low, _ := accounts.NewHasher(10)
			high, _ := accounts.NewHasher(11)
			svc := &accounts.Service{Store: store, Hasher: low, Now: time.Now, NewID: chatalott.NewID}
			u, _, err := svc.SignUp(ctx, accounts.SignUpRequest{Name: "Ana", Email: "ana@example.com", Password: "correct horse battery"})
			if err != nil {
				t.Fatal(err)
			}
			svc.Hasher = high
			if _, err := svc.LogIn(ctx, "ana@example.com", "correct horse battery"); err != nil {
				t.Fatal(err)
			}
			stored, _ := store.UserByID(ctx, u.ID)
			if cost, _ := bcrypt.Cost(stored.PasswordHash); cost != 11 {
				t.Errorf("hash cost after log-in = %d, want 11", cost)
			}
			if _, err := svc.LogIn(ctx, "ana@example.com", "correct horse battery"); err != nil {
				t.Errorf("log in with the upgraded hash: %v", err)
			}
		})
	}
}
