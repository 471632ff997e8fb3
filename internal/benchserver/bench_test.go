package benchserver

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"golang.org/x/crypto/bcrypt"
)

// benchContacts is the size of the benchmark workspace, as in the wrk
// benchmark of scripts/bench-contact-list.sh.
const benchContacts = 10_000

// seedForTest seeds db with n contacts for the benchmark user.
func seedForTest(tb testing.TB, db *sqlstore.DB, n int) *SeedResult {
	tb.Helper()
	hasher, err := accounts.NewHasher(bcrypt.DefaultCost)
	if err != nil {
		tb.Fatal(err)
	}
	workers := 4
	if db.Dialect == sqlstore.SQLite {
		workers = 1
	}
	opts := SeedOptions{Email: "bench@chatalott.example", Password: "bench-password-1", Contacts: n, Workers: workers, RandomSeed: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Seed(ctx, db, hasher, opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatalf("seed %d contacts: %v", n, err)
	}
	return res
}

// BenchmarkListContacts measures one page of the contact list in a
// workspace of 10,000 contacts, from the bare query up to the full HTTP
// handler, on each engine. Seeding takes most of the run time: about half a
// minute for SQLite and a quarter of one for PostgreSQL on a 2-CPU machine.
func BenchmarkListContacts(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqlstoretest.Open(b, dialect)
			seeded := seedForTest(b, db, benchContacts)
			scope := seeded.Scope
			ctx := context.Background()
			service := &contacts.Service{Store: &sqlstore.ContactStore{DB: db}}

			b.Run("raw_query", func(b *testing.B) {
				var buf bytes.Buffer
				for b.Loop() {
					buf.Reset()
					ids, err := writeRawPage(ctx, db.SQL(), scope.WorkspaceID, &buf)
					if err != nil {
						b.Fatal(err)
					}
					if len(ids) != pageRows {
						b.Fatalf("got %d rows, want %d", len(ids), pageRows)
					}
				}
			})

			serviceCases := []struct {
				name  string
				query contacts.ListQuery
				want  int
			}{
				{"service_page1", contacts.ListQuery{Page: 1}, contacts.PageSize},
				{"service_last_page", contacts.ListQuery{Page: benchContacts / contacts.PageSize}, contacts.PageSize},
				{"service_search", contacts.ListQuery{Search: "Müller", Page: 1}, contacts.PageSize},
			}
			for _, tc := range serviceCases {
				b.Run(tc.name, func(b *testing.B) {
					for b.Loop() {
						res, err := service.List(ctx, scope, tc.query)
						if err != nil {
							b.Fatal(err)
						}
						if len(res.Contacts) != tc.want {
							b.Fatalf("got %d contacts, want %d", len(res.Contacts), tc.want)
						}
					}
				})
			}

			b.Run("http_handler", func(b *testing.B) {
				benchmarkHandler(b, db, seeded)
			})
		})
	}
}

// benchmarkHandler measures GET /contacts through Chatalott's whole handler
// chain (security headers, request log, cross-origin check, session and user
// lookup, list query and template) without TLS or a network connection.
func benchmarkHandler(b *testing.B, db *sqlstore.DB, seeded *SeedResult) {
	server, err := NewAppServer(db, b.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	handler, err := server.Handler()
	if err != nil {
		b.Fatal(err)
	}
	cookie, err := IssueSession(context.Background(), server, seeded.Scope)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "https://127.0.0.1/contacts", nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("got status %d, want %d", rec.Code, http.StatusOK)
		}
	}
}

func TestContactGeneratorValid(t *testing.T) {
	gen := NewContactGenerator(7)
	for i := range 2000 {
		c := gen.Next()
		c.Normalize()
		if err := c.Validate(); err != nil {
			t.Fatalf("contact %d (%s): got %v, want a valid contact", i, c.DisplayName(), err)
		}
	}
}

func TestContactGeneratorRepeatable(t *testing.T) {
	first, second := NewContactGenerator(3), NewContactGenerator(3)
	for i := range 100 {
		a, b := first.Next(), second.Next()
		if a.DisplayName() != b.DisplayName() || a.SearchText() != b.SearchText() {
			t.Fatalf("contact %d: got %q and %q from the same seed, want equal contacts", i, a.DisplayName(), b.DisplayName())
		}
	}
}

func TestCheckRawQuery(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			db := sqlstoretest.Open(t, dialect)
			seeded := seedForTest(t, db, pageRows+9)
			if err := CheckRawQuery(context.Background(), db, seeded.Scope); err != nil {
				t.Fatalf("got %v, want the raw query and the store to return the same page", err)
			}
		})
	}
}

func TestSeedTopsUp(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	first := seedForTest(t, db, 20)
	second := seedForTest(t, db, 30)
	again := seedForTest(t, db, 30)
	if first.Created != 20 {
		t.Errorf("first seed: got %d created, want 20", first.Created)
	}
	if second.Created != 10 || second.Total != 30 {
		t.Errorf("second seed: got %d created and %d in all, want 10 and 30", second.Created, second.Total)
	}
	if again.Created != 0 {
		t.Errorf("repeated seed: got %d created, want 0", again.Created)
	}
	if second.Scope != first.Scope {
		t.Errorf("second seed: got scope %+v, want the first seed's %+v", second.Scope, first.Scope)
	}
}

func TestListenLoopbackRejectsOtherAddresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "localhost:0", "192.0.2.1:0"} {
		ln, err := ListenLoopback(addr)
		if err == nil {
			ln.Close()
			t.Errorf("ListenLoopback(%q): got no error, want a rejection", addr)
		} else if !strings.Contains(err.Error(), "loopback") && !strings.Contains(err.Error(), "HOST:PORT") {
			t.Errorf("ListenLoopback(%q): got %v, want an error that names the loopback rule", addr, err)
		}
	}
	ln, err := ListenLoopback("127.0.0.1:0")
	if err != nil {
		t.Fatalf("ListenLoopback(127.0.0.1:0): got %v, want a listener", err)
	}
	ln.Close()
}
