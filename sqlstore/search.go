package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/search"
)

// SearchStore implements search.Store over search_entries, which the
// contact, company and deal stores keep in step with their records in the
// same transactions. A deleted record's row goes with it through the
// foreign key's ON DELETE CASCADE.
type SearchStore struct{ DB *DB }

// execer is the statement method that *sql.DB and *sql.Tx share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// kindOrder sorts contacts, companies and deals within one rank.
var kindOrder = map[string]int{chatalott.SubjectContact: 0, chatalott.SubjectCompany: 1, chatalott.SubjectDeal: 2}

// upsertSearchSQL writes one document; $6 is the subject id again, in the
// column of its type, chosen by the CASE expressions.
const upsertSearchSQL = `INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, contact_id, company_id, deal_id,
title, detail, name_key, emails, doc)
VALUES ($1, $2, $3, $4,
  CASE WHEN $3 = 'contact' THEN $1 END, CASE WHEN $3 = 'company' THEN $1 END, CASE WHEN $3 = 'deal' THEN $1 END,
  $5, $6, $7, $8, $9)
ON CONFLICT (subject_id) DO UPDATE SET title = excluded.title, detail = excluded.detail,
  name_key = excluded.name_key, emails = excluded.emails, doc = excluded.doc`

// indexDocument writes doc into the search index of scope's workspace.
func indexDocument(ctx context.Context, db execer, scope chatalott.Scope, doc search.Document) error {
	_, err := db.ExecContext(ctx, upsertSearchSQL, doc.Subject.ID, scope.WorkspaceID, doc.Subject.Type,
		kindOrder[doc.Subject.Type], doc.Title, doc.Detail, doc.NameKey, doc.Emails, doc.Text)
	if err != nil {
		return fmt.Errorf("sqlstore: index %s %s for search: %w", doc.Subject.Type, doc.Subject.ID, err)
	}
	return nil
}

func indexContact(ctx context.Context, db execer, scope chatalott.Scope, c *contacts.Contact) error {
	return indexDocument(ctx, db, scope, search.ContactDocument(c))
}

func indexCompany(ctx context.Context, db execer, scope chatalott.Scope, c *companies.Company) error {
	return indexDocument(ctx, db, scope, search.CompanyDocument(c))
}

func indexDeal(ctx context.Context, db execer, scope chatalott.Scope, d *deals.Deal) error {
	return indexDocument(ctx, db, scope, search.DealDocument(d))
}

// bulkSearchRow is one document in a bulk index parameter.
type bulkSearchRow struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	NameKey string `json:"name_key"`
	Emails  string `json:"emails"`
	Doc     string `json:"doc"`
}

// bulkIndexContactsSQL inserts the documents of new contacts, passed as
// one JSON array, as bulk.go does for the contacts themselves.
var bulkIndexContactsSQL = map[string]string{
	Postgres: `INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, contact_id, title, detail, name_key, emails, doc)
SELECT r.id, $1, 'contact', 0, r.id, r.title, r.detail, r.name_key, r.emails, r.doc
FROM jsonb_to_recordset($2::jsonb) AS r(id text, title text, detail text, name_key text, emails text, doc text)`,
	SQLite: `INSERT INTO search_entries (subject_id, workspace_id, kind, kind_order, contact_id, title, detail, name_key, emails, doc)
SELECT value ->> 'id', $1, 'contact', 0, value ->> 'id', value ->> 'title', value ->> 'detail', value ->> 'name_key',
value ->> 'emails', value ->> 'doc' FROM json_each($2)`,
}

// indexContactsBulk indexes newly inserted contacts with one statement.
func (s *ContactStore) indexContactsBulk(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, list []*contacts.Contact) error {
	if len(list) == 0 {
		return nil
	}
	rows := make([]bulkSearchRow, len(list))
	for i, c := range list {
		d := search.ContactDocument(c)
		rows[i] = bulkSearchRow{ID: c.ID, Title: d.Title, Detail: d.Detail, NameKey: d.NameKey, Emails: d.Emails, Doc: d.Text}
	}
	payload, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("sqlstore: encode search documents: %w", err)
	}
	if _, err := tx.ExecContext(ctx, bulkIndexContactsSQL[s.DB.Dialect], scope.WorkspaceID, string(payload)); err != nil {
		return fmt.Errorf("sqlstore: index %d contacts for search: %w", len(list), err)
	}
	return nil
}

// The search queries rank each match (see search.RankExact and the ranks
// after it) and sort by rank, kind and name. $2 is the folded query, $3 the
// lower-cased query compared to each stored email, $4 the folded query as a
// prefix pattern, and $5 to $8 the word patterns that must all match; an
// empty pattern matches everything. Folded text has no LIKE wildcards, so
// the patterns match literally; the email is compared with instr or strpos,
// never with LIKE, because an address may contain % or _.
//
// On PostgreSQL the function search_entries_ranked (migration 0032) finds,
// ranks and limits the matches, one rank at a time so that a common word
// does not rank and sort the whole workspace. It builds the prefix pattern
// from $2, and the query names $4 and $9 only so that every parameter has
// a type. The query sorts the function's at most $10 rows again and reads
// each deal's company. Under row-level security PostgreSQL would not use
// the trigram index for LIKE, so the function runs past the policy and
// returns only rows of the transaction's workspace, and the query names
// the workspace again.
//
// On SQLite the FTS5 trigram index matches $9, the longest word, when it
// has three or more characters (the trigram minimum). A shorter query scans
// the workspace's rows.
const (
	searchColumns = `SELECT e.kind, e.subject_id, e.title,
  CASE WHEN e.kind = 'deal' THEN COALESCE((SELECT c.name FROM deals d JOIN companies c
      ON c.workspace_id = d.workspace_id AND c.id = d.company_id WHERE d.workspace_id = e.workspace_id AND d.id = e.deal_id), '')
    ELSE e.detail END,`
	searchSQLiteRank = `
  CASE WHEN e.name_key = $2 OR ($3 <> '' AND instr(' ' || e.emails || ' ', ' ' || $3 || ' ') > 0) THEN 0
       WHEN e.name_key LIKE $4 OR (' ' || e.doc) LIKE ('% ' || $4) THEN 1
       ELSE 2 END AS rank`
	searchSQLiteWhere = `
FROM search_entries e
WHERE e.workspace_id = $1
  AND e.doc LIKE $5
  AND ($6 = '' OR e.doc LIKE $6)
  AND ($7 = '' OR e.doc LIKE $7)
  AND ($8 = '' OR e.doc LIKE $8)`
	searchOrder = `
ORDER BY rank, e.kind_order, e.name_key, e.subject_id
LIMIT $10`
)

const (
	searchPostgresSQL = searchColumns + ` e.rank
FROM search_entries_ranked($2, $3, $5, $6, $7, $8, $10) e
WHERE e.workspace_id = $1 AND length($4::text) > 0 AND length($9::text) > 0` + searchOrder
	searchSQLiteScanSQL = searchColumns + searchSQLiteRank + searchSQLiteWhere + ` AND length($9) > 0` + searchOrder
	searchSQLiteFTSSQL  = searchColumns + searchSQLiteRank + searchSQLiteWhere +
		` AND e.entry_id IN (SELECT rowid FROM search_fts WHERE search_fts.doc LIKE $9)` + searchOrder
)

// Search implements search.Store.
func (s *SearchStore) Search(ctx context.Context, scope chatalott.Scope, q search.Query, limit int) ([]search.Result, error) {
	if err := checkScope(scope); err != nil {
		return nil, err
	}
	if len(q.Words) == 0 {
		return nil, nil
	}
	patterns := searchPatterns(strings.Join(q.Words, " "))
	longest := ""
	for _, w := range q.Words {
		if len([]rune(w)) > len([]rune(longest)) {
			longest = w
		}
	}
	query := searchPostgresSQL
	if s.DB.Dialect == SQLite {
		query = searchSQLiteScanSQL
		if len([]rune(longest)) >= 3 {
			query = searchSQLiteFTSSQL
		}
	}
	email := q.Email
	if len(email) > 320 {
		email = ""
	}
	var results []search.Result
	err := s.DB.read(ctx, scope, func(db querier) error {
		rows, err := db.QueryContext(ctx, query, scope.WorkspaceID, q.Folded, email, q.Folded+"%",
			patterns[0], patterns[1], patterns[2], patterns[3], "%"+longest+"%", limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r search.Result
			if err := rows.Scan(&r.Subject.Type, &r.Subject.ID, &r.Title, &r.Detail, &r.Rank); err != nil {
				return err
			}
			results = append(results, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: search: %w", err)
	}
	return results, nil
}
