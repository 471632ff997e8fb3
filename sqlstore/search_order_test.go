package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/search"
	"github.com/chatalott/chatalott/sqlstore"
)

// indexedEntry is one search_entries row with the detail that a search
// result shows (the company name for a deal).
type indexedEntry struct {
	result  search.Result
	nameKey string
	emails  string
	doc     string
}

// readIndex returns every search_entries row of scope's workspace, sorted
// by kind_order, name_key and subject_id in the database's own collation.
// It reads as the tables' owner, past any row-level security policy.
func readIndex(t *testing.T, db *sqlstore.DB, scope chatalott.Scope) []indexedEntry {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `SELECT e.kind, e.subject_id, e.title,
  CASE WHEN e.kind = 'deal' THEN COALESCE((SELECT c.name FROM deals d JOIN companies c
      ON c.workspace_id = d.workspace_id AND c.id = d.company_id WHERE d.workspace_id = e.workspace_id AND d.id = e.deal_id), '')
    ELSE e.detail END,
  e.name_key, e.emails, e.doc
FROM search_entries e WHERE e.workspace_id = $1
ORDER BY e.kind_order, e.name_key, e.subject_id`, scope.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var entries []indexedEntry
	for rows.Next() {
		var e indexedEntry
		if err := rows.Scan(&e.result.Subject.Type, &e.result.Subject.ID, &e.result.Title, &e.result.Detail,
			&e.nameKey, &e.emails, &e.doc); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return entries
}

// containsInOrder reports whether text contains the words in order, as
// LIKE '%w1%w2%' does.
func containsInOrder(text string, words []string) bool {
	for _, w := range words {
		i := strings.Index(text, w)
		if i < 0 {
			return false
		}
		text = text[i+len(w):]
	}
	return true
}

// expectedSearch ranks every entry the way the search store documents it
// and returns the first limit matches: rank, then the order of entries.
func expectedSearch(entries []indexedEntry, q search.Query, limit int) []search.Result {
	words := strings.Fields(strings.Join(q.Words, " "))
	var groups [][]string
	for i := 0; i < len(words) && i < 3; i++ {
		groups = append(groups, words[i:i+1])
	}
	if len(words) > 3 {
		groups = append(groups, words[3:])
	}
	email := q.Email
	if len(email) > 320 {
		email = ""
	}
	var results []search.Result
	for _, e := range entries {
		matches := true
		for _, g := range groups {
			matches = matches && containsInOrder(e.doc, g)
		}
		if !matches {
			continue
		}
		r := e.result
		switch {
		case e.nameKey == q.Folded || (email != "" && strings.Contains(" "+e.emails+" ", " "+email+" ")):
			r.Rank = search.RankExact
		case strings.HasPrefix(e.nameKey, q.Folded) || strings.Contains(" "+e.doc, " "+q.Folded):
			r.Rank = search.RankPrefix
		default:
			r.Rank = search.RankSubstring
		}
		results = append(results, r)
	}
	slices.SortStableFunc(results, func(a, b search.Result) int { return a.Rank - b.Rank })
	if len(results) > limit {
		results = results[:limit]
	}
	return results
}

func formatResults(results []search.Result) string {
	var b strings.Builder
	for _, r := range results {
		fmt.Fprintf(&b, "\n  %d %s %q %q %s", r.Rank, r.Subject.Type, r.Title, r.Detail, r.Subject.ID)
	}
	return b.String()
}

// The store's results must equal, row for row, the first matches of the
// whole workspace ranked and sorted in Go, for every query and limit. The
// workspace has more than 2,000 rows, so that rank-1 rows late in name
// order ("zulu") lie past the first rows that the PostgreSQL function
// reads in index order.
func TestSearchOrderMatchesFullRanking(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		scope := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")
		store := &sqlstore.SearchStore{DB: db}

		bulk := make([]*contacts.Contact, 0, 2500)
		for i := range 2500 {
			ct := &contacts.Contact{ID: chatalott.NewID(), Kind: contacts.KindPerson, Given: "Filler",
				Family: fmt.Sprintf("%04d", i), Organization: fmt.Sprintf("Bulk %d", i%7),
				Emails: []contacts.Email{{Address: fmt.Sprintf("f%d@example.com", i)}}, CreatedAt: now, UpdatedAt: now}
			switch {
			case i >= 2400:
				ct.Tags = []string{"zulu"}
			case i%97 == 0:
				ct.Tags = []string{"xzulu"}
			}
			bulk = append(bulk, ct)
		}
		if err := (&sqlstore.ContactStore{DB: db}).ApplyImportBatch(ctx, scope, bulk, nil); err != nil {
			t.Fatal(err)
		}

		mk := func(s chatalott.Scope, ct *contacts.Contact) {
			ct.Kind = contacts.KindPerson
			if err := c.contacts.Create(ctx, s, ct); err != nil {
				t.Fatal(err)
			}
		}
		// Three contacts share the name key "acme rollout", and a company
		// and two deals have it too.
		for range 3 {
			mk(scope, &contacts.Contact{Given: "Acme", Family: "Rollout"})
		}
		mk(scope, &contacts.Contact{Given: "Ana", Family: "Lima", Organization: "Acme Rollout",
			Emails: []contacts.Email{{Address: "ana@example.com"}, {Address: "lima@example.org"}}})
		mk(scope, &contacts.Contact{Given: "Acmeo", Family: "Zulu", Tags: []string{"filler"}})
		mk(scope, &contacts.Contact{Given: "Macme", Family: "Rollouts", Phones: []contacts.Phone{{Number: "+1 555 010 2233"}}})
		mk(scope, &contacts.Contact{Given: "Zed", Family: "Acme", Emails: []contacts.Email{{Address: "acme@example.com"}}})
		mk(other, &contacts.Contact{Given: "Acme", Family: "Rollout"})
		acme := &companies.Company{Name: "Acme Rollout", Tags: []string{"zulu"}}
		if err := c.companies.Create(ctx, scope, acme); err != nil {
			t.Fatal(err)
		}
		if err := c.companies.Create(ctx, scope, &companies.Company{Name: "Bacme"}); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Acme rollout", "Acme rollout", "Rollout for Acme", "Zulu acme"} {
			deal := c.newDeal(t, scope, title, "Lead", 100, "EUR")
			deal.CompanyID = acme.ID
			if err := c.deals.Update(ctx, scope, deal); err != nil {
				t.Fatal(err)
			}
		}
		c.newDeal(t, scope, "Acme without company", "Lead", 50, "EUR")

		entries := readIndex(t, db, scope)
		if len(entries) < 2500 {
			t.Fatalf("workspace has %d search entries, want at least 2500", len(entries))
		}
		for _, text := range []string{"acme rollout", "acme", "rollout", "cme", "ana@example.com", "acme@example.com",
			"zulu", "filler", "filler 00", "example", "a", "5550102233", "ana lima acme rollout", "nomatch"} {
			q := search.Prepare(text)
			for _, limit := range []int{1, 2, 4, 7, 50, 3000} {
				got, err := store.Search(ctx, scope, q, limit)
				if err != nil {
					t.Fatalf("search %q limit %d: %v", text, limit, err)
				}
				want := expectedSearch(entries, q, limit)
				if g, w := formatResults(got), formatResults(want); g != w {
					t.Errorf("search %q limit %d:\ngot:%s\nwant:%s", text, limit, g, w)
				}
			}
		}
	})
}
