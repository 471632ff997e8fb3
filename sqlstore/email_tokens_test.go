package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sqlstore"
)

func TestEmailTokenConsumedOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		scope := newUser(t, db, "ana@example.com")
		store := &sqlstore.EmailTokenStore{DB: db}
		token := &accounts.EmailToken{Hash: "aa11", UserID: scope.UserID, Purpose: accounts.PurposeResetPassword,
			EmailNormalized: "ana@example.com", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := store.ReplaceEmailToken(ctx, token, now); err != nil {
			t.Fatal(err)
		}
		if _, err := store.EmailToken(ctx, "aa11", accounts.PurposeVerifyEmail); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("token looked up under another purpose: err %v, want ENotFound", err)
		}

		const parallel = 20
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range parallel {
			wg.Go(func() {
				got, err := store.ConsumeEmailToken(ctx, "aa11", accounts.PurposeResetPassword)
				if err == nil && got.UserID == scope.UserID && got.ExpiresAt.Equal(now.Add(time.Hour)) {
					mu.Lock()
					won++
					mu.Unlock()
				} else if chatalott.ErrorCode(err) != chatalott.ENotFound {
					t.Errorf("ConsumeEmailToken: %v, want the token or ENotFound", err)
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d parallel uses of one token succeeded, want exactly 1", won)
		}
	})
}

func TestEmailTokenReplaceAndMarkVerified(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		scope := newUser(t, db, "ana@example.com")
		store := &sqlstore.EmailTokenStore{DB: db}
		accountStore := &sqlstore.AccountStore{DB: db}
		for _, hash := range []string{"old", "new"} {
			err := store.ReplaceEmailToken(ctx, &accounts.EmailToken{Hash: hash, UserID: scope.UserID, Purpose: accounts.PurposeVerifyEmail,
				EmailNormalized: "ana@example.com", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, now)
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.EmailToken(ctx, "old", accounts.PurposeVerifyEmail); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("older token after a replace: err %v, want ENotFound", err)
		}
		if _, err := store.EmailToken(ctx, "new", accounts.PurposeVerifyEmail); err != nil {
			t.Errorf("newer token after a replace: %v", err)
		}

		if err := store.MarkEmailVerified(ctx, scope.UserID, "other@example.com", now); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("mark verified for another address: err %v, want ENotFound", err)
		}
		if err := store.MarkEmailVerified(ctx, scope.UserID, "ana@example.com", now); err != nil {
			t.Fatal(err)
		}
		if err := store.MarkEmailVerified(ctx, scope.UserID, "ana@example.com", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		u, err := accountStore.UserByID(ctx, scope.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if u.EmailVerifiedAt == nil || !u.EmailVerifiedAt.Equal(now) {
			t.Errorf("EmailVerifiedAt = %v, want the first verification time %v", u.EmailVerifiedAt, now)
		}
	})
}
