package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
)

// contactsByEmailSQL selects the contacts that have any email of a JSON
// array of normalized emails, in each dialect's JSON table function.
var contactsByEmailSQL = map[string]string{
	SQLite: `SELECT ce.email_normalized, ` + contactColumns + ` FROM contact_emails ce
JOIN contacts ON contacts.id = ce.contact_id AND contacts.workspace_id = ce.workspace_id
WHERE ce.workspace_id = $1 AND ce.email_normalized IN (SELECT value FROM json_each($2))`,
	// The array form makes the email list an index condition on
	// contact_emails_lookup. The IN (SELECT …) form let PostgreSQL, with
	// stale statistics for a workspace that an import is filling, scan the
	// whole workspace for every batch, which grew quadratically.
	Postgres: `SELECT ce.email_normalized, ` + contactColumns + ` FROM contact_emails ce
JOIN contacts ON contacts.id = ce.contact_id AND contacts.workspace_id = ce.workspace_id
WHERE ce.workspace_id = $1 AND ce.email_normalized = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`,
}

// ContactsByEmail implements imports.Store.
func (s *ContactStore) ContactsByEmail(ctx context.Context, scope chatalott.Scope, emails []string) (map[string]*contacts.Contact, error) {
	list, err := json.Marshal(emails)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode emails: %w", err)
	}
	found := map[string]*contacts.Contact{}
	err = s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, contactsByEmailSQL[s.DB.Dialect], scope.WorkspaceID, string(list))
		if err != nil {
			return err
		}
		defer rows.Close()
		byID := map[string]*contacts.Contact{}
		for rows.Next() {
			var email string
			c, err := scanContact(prefixScanner{rows, &email})
			if err != nil {
				return err
			}
			if seen, ok := byID[c.ID]; ok {
				c = seen
			} else {
				c.WorkspaceID = scope.WorkspaceID
				byID[c.ID] = c
			}
			found[email] = c
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: contacts by email: %w", err)
	}
	return found, nil
}

// prefixScanner scans one extra leading column into first, then the rest
// into the destinations its caller passes.
type prefixScanner struct {
	rows  *sql.Rows
	first any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.first}, dest...)...)
}

// ApplyImportBatch implements imports.Store: it writes every contact of the
// batch, with its email index rows, in one transaction.
func (s *ContactStore) ApplyImportBatch(ctx context.Context, scope chatalott.Scope, create, update []*contacts.Contact) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		stmts, err := prepareAll(ctx, tx, updateContactSQL, deleteContactEmailsSQL, insertContactEmailSQL)
		if err != nil {
			return err
		}
		defer closeAll(stmts)
		updateStmt, clearEmails, insertEmail := stmts[0], stmts[1], stmts[2]
		write := func(c *contacts.Contact) error {
			args, err := contactArgs(scope, c)
			if err != nil {
				return err
			}
			res, err := updateStmt.ExecContext(ctx, args[:len(args)-1]...)
			if err != nil {
				return fmt.Errorf("sqlstore: update contact %s: %w", c.ID, err)
			}
			if err := expectOneRow(res, "Contact", c.ID); err != nil {
				return err
			}
			if err := indexContact(ctx, tx, scope, c); err != nil {
				return err
			}
			if _, err := clearEmails.ExecContext(ctx, scope.WorkspaceID, c.ID); err != nil {
				return fmt.Errorf("sqlstore: clear contact emails: %w", err)
			}
			for _, e := range c.Emails {
				if _, err := insertEmail.ExecContext(ctx, scope.WorkspaceID, c.ID, accounts.NormalizeEmail(e.Address)); err != nil {
					return fmt.Errorf("sqlstore: insert contact email: %w", err)
				}
			}
			return nil
		}
		if err := s.insertContactsBulk(ctx, tx, scope, create); err != nil {
			return err
		}
		for _, c := range update {
			if err := write(c); err != nil {
				return err
			}
		}
		return nil
	})
}

func prepareAll(ctx context.Context, tx *sql.Tx, queries ...string) ([]*sql.Stmt, error) {
	stmts := make([]*sql.Stmt, 0, len(queries))
	for _, q := range queries {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			closeAll(stmts)
			return nil, fmt.Errorf("sqlstore: prepare: %w", err)
		}
		stmts = append(stmts, st)
	}
	return stmts, nil
}

func closeAll(stmts []*sql.Stmt) {
	for _, st := range stmts {
		st.Close()
	}
}

// AfterImport refreshes the planner statistics during and after a large
// import, so that PostgreSQL keeps using its indexes instead of scanning
// or sorting the whole workspace until autovacuum gets to it.
func (s *ContactStore) AfterImport(ctx context.Context) error {
	query := `ANALYZE contacts, contact_emails`
	if s.DB.Dialect == SQLite {
		query = `PRAGMA optimize`
	}
	// ANALYZE needs the tables' owner and covers every workspace.
	if _, err := s.DB.owner.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("sqlstore: refresh statistics: %w", err)
	}
	return nil
}
