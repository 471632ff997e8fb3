package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/search"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// searchContacts is the number of contacts in the benchmarked workspace.
const searchContacts = 100_000

var (
	benchGiven  = []string{"Anna", "Ben", "Chloé", "David", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jürgen", "Kofi", "Lena", "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Søren", "Tomás"}
	benchFamily = []string{"Müller", "Schmidt", "García", "Nguyen", "O'Brien", "Kowalski", "Rossi", "Dubois", "Yılmaz", "Silva", "Tanaka", "Novak", "Larsen", "Ivanova", "Kim", "Okafor", "Smith", "Jensen", "Moreau", "Fischer"}
)

// seedSearch imports searchContacts contacts through ApplyImportBatch, the
// import path, which writes their search documents too.
func seedSearch(b *testing.B, db *sqlstore.DB, scope chatalott.Scope) {
	b.Helper()
	ctx := context.Background()
	store := &sqlstore.ContactStore{DB: db}
	const batch = 1000
	for start := 0; start < searchContacts; start += batch {
		list := make([]*contacts.Contact, 0, batch)
		for i := start; i < start+batch; i++ {
			given, family := benchGiven[i%len(benchGiven)], benchFamily[(i/len(benchGiven))%len(benchFamily)]
			list = append(list, &contacts.Contact{ID: chatalott.NewID(), Kind: contacts.KindPerson, Given: given, Family: family,
				Organization: fmt.Sprintf("Company %d", i%2000),
				Emails:       []contacts.Email{{Address: fmt.Sprintf("c%d@example.com", i)}},
				Phones:       []contacts.Phone{{Number: fmt.Sprintf("+1 (555) %03d-%04d", i/10000, i%10000)}},
				Tags:         []string{fmt.Sprintf("segment %d", i%50)},
				CreatedAt:    now, UpdatedAt: now})
		}
		if err := store.ApplyImportBatch(ctx, scope, list, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch measures search.Service.Search over a workspace of
// 100,000 contacts. It cycles through queries of each kind: an exact
// email, phone digits, a full name, a name prefix, a common word that
// matches thousands of contacts, an accented name, and a word that matches
// nothing. It reports the 95th percentile of the per-query times as
// p95-ms. docs/benchmarks.md records the figures.
func BenchmarkSearch(b *testing.B) {
	queries := []string{"c4242@example.com", "5550042233", "+1 (555) 007-1234", "rosa müller", "schm", "company 17",
		"yilmaz", "soren larsen", "segment 7", "nomatchword"}
	for _, dialect := range sqlstoretest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqlstoretest.Open(b, dialect)
			ctx := context.Background()
			scope := newUserTB(b, db, "bench@example.com")
			seedSearch(b, db, scope)
			if dialect == sqlstore.Postgres {
				if _, err := db.SQL().ExecContext(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			svc := &search.Service{Store: &sqlstore.SearchStore{DB: db}}
			if got, err := svc.Search(ctx, scope, "5550042233"); err != nil || len(got) != 1 {
				b.Fatalf("phone search: %d results, %v; want 1", len(got), err)
			}

			var times []time.Duration
			i := 0
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				if _, err := svc.Search(ctx, scope, queries[i%len(queries)]); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				i++
			}
			slices.Sort(times)
			p95 := times[(len(times)*95+99)/100-1]
			b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
		})
	}
}

// newUserTB stores a user with a personal workspace for a benchmark.
func newUserTB(b *testing.B, db *sqlstore.DB, email string) chatalott.Scope {
	b.Helper()
	u := &accounts.User{ID: chatalott.NewID(), Email: email, EmailNormalized: email, Name: "Bench",
		PasswordHash: []byte("hash"), PasswordChangedAt: now, CreatedAt: now}
	w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Bench", Kind: accounts.WorkspacePersonal, CreatedAt: now}
	if err := (&sqlstore.AccountStore{DB: db}).CreateUser(context.Background(), u, w); err != nil {
		b.Fatal(err)
	}
	return chatalott.Scope{WorkspaceID: w.ID, UserID: u.ID}
}
