package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// boardDeals is the number of deals in the benchmarked workspace.
const boardDeals = 5000

// BenchmarkDealBoard measures deals.Service.Board, the three queries behind
// GET /deals/board (stages, per-stage totals, top cards per stage), for a
// workspace of 5,000 deals spread over the six default stages in three
// currencies, next to a second workspace of the same size.
// docs/benchmarks.md records the figures.
func BenchmarkDealBoard(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqlstoretest.Open(b, dialect)
			c := newCRM(db)
			ctx := context.Background()
			scope := seedBoard(b, db, c, "bench@example.com")
			seedBoard(b, db, c, "neighbour@example.com")
			if dialect == sqlstore.Postgres {
				if _, err := db.SQL().ExecContext(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			board, err := c.deals.Board(ctx, scope)
			if err != nil {
				b.Fatal(err)
			}
			total := 0
			for _, col := range board.Columns {
				total += col.Count
			}
			if total != boardDeals {
				b.Fatalf("board counts %d deals, want %d", total, boardDeals)
			}

			b.ResetTimer()
			for b.Loop() {
				if _, err := c.deals.Board(ctx, scope); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// seedBoard creates a user and writes boardDeals deals into its workspace
// in one transaction, which is faster than the service and stores the same
// rows.
func seedBoard(b *testing.B, db *sqlstore.DB, c *crm, email string) chatalott.Scope {
	b.Helper()
	ctx := context.Background()
	u := &accounts.User{ID: chatalott.NewID(), Email: email, EmailNormalized: email, Name: "Bench",
		PasswordHash: []byte("hash"), PasswordChangedAt: now, CreatedAt: now}
	w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Bench", Kind: accounts.WorkspacePersonal, CreatedAt: now}
	if err := (&sqlstore.AccountStore{DB: db}).CreateUser(ctx, u, w); err != nil {
		b.Fatal(err)
	}
	scope := chatalott.Scope{WorkspaceID: w.ID, UserID: u.ID}
	stages, err := c.deals.Stages(ctx, scope)
	if err != nil {
		b.Fatal(err)
	}
	currencies := []string{"EUR", "USD", "JPY"}
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	for i := range boardDeals {
		at := now.Add(time.Duration(i) * time.Minute)
		_, err := tx.ExecContext(ctx, `INSERT INTO deals (workspace_id, id, title, company_id, stage_id, amount, currency,
expected_close, owner_id, version, created_at, updated_at) VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, 1, $9, $9)`,
			scope.WorkspaceID, chatalott.NewID(), fmt.Sprintf("Deal %d", i), stages[i%len(stages)].ID,
			int64(i)*1234%deals.MaxAmount, currencies[i%len(currencies)], at.Format(time.DateOnly), scope.UserID, at)
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return scope
}
