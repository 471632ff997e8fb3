package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/timeline"
)

// CompanyStore implements companies.Store. Every query names workspace_id,
// taken from the scope argument and never from the record.
type CompanyStore struct{ DB *DB }

// companyDetails is the JSON document in companies.details: the lists that
// have no columns of their own.
type companyDetails struct {
	Addresses []contacts.Address `json:"addresses,omitempty"`
	Phones    []contacts.Phone   `json:"phones,omitempty"`
	Tags      []string           `json:"tags,omitempty"`
}

const (
	companyColumns   = `id, name, website, details, note, created_at, updated_at`
	insertCompanySQL = `INSERT INTO companies (workspace_id, id, name, name_key, website, details, note, search_text,
updated_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	updateCompanySQL = `UPDATE companies SET name = $3, name_key = $4, website = $5, details = $6, note = $7,
search_text = $8, updated_at = $9 WHERE workspace_id = $1 AND id = $2`
	getCompanySQL = `SELECT ` + companyColumns + ` FROM companies WHERE workspace_id = $1 AND id = $2`
	// Deals refer to their company through a foreign key without an
	// ON DELETE action, so the company is cleared from them first.
	clearCompanyDealsSQL = `UPDATE deals SET company_id = NULL WHERE workspace_id = $1 AND company_id = $2`
	deleteCompanySQL     = `DELETE FROM companies WHERE workspace_id = $1 AND id = $2`
	listCompaniesSQL     = `SELECT ` + companyColumns + ` FROM companies
WHERE workspace_id = $1
  AND ($2 = '' OR search_text LIKE $2)
  AND ($3 = '' OR search_text LIKE $3)
  AND ($4 = '' OR search_text LIKE $4)
  AND ($5 = '' OR search_text LIKE $5)
ORDER BY name_key, id
LIMIT $6 OFFSET $7`
	companyPeopleSQL = `SELECT ` + contactColumns + ` FROM contacts
WHERE workspace_id = $1 AND company_id = $2
ORDER BY sort_key, id LIMIT $3`
	companyExistsSQL     = `SELECT COUNT(*) FROM companies WHERE workspace_id = $1 AND id = $2`
	contactCompanyIDSQL  = `SELECT COALESCE(company_id, '') FROM contacts WHERE workspace_id = $1 AND id = $2`
	findCompanyByNameSQL = `SELECT ` + companyColumns + ` FROM companies WHERE workspace_id = $1 AND name_key = $2 ORDER BY created_at, id LIMIT 1`
	unlinkContactSQL     = `UPDATE contacts SET company_id = NULL WHERE workspace_id = $1 AND id = $2`
	// linkContactSQL sets the company only when it lies in the contact's
	// workspace, whatever the caller checked before.
	linkContactSQL = `UPDATE contacts SET company_id = $3
WHERE workspace_id = $1 AND id = $2
  AND EXISTS (SELECT 1 FROM companies WHERE workspace_id = $1 AND id = $3)`
)

func companyArgs(scope chatalott.Scope, c *companies.Company) ([]any, error) {
	details, err := json.Marshal(companyDetails{Addresses: c.Addresses, Phones: c.Phones, Tags: c.Tags})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode company details: %w", err)
	}
	return []any{scope.WorkspaceID, c.ID, c.Name, c.NameKey(), c.Website, string(details), c.Note,
		c.SearchText(), c.UpdatedAt, c.CreatedAt}, nil
}

func scanCompany(row rowScanner) (*companies.Company, error) {
	var c companies.Company
	var details []byte
	if err := row.Scan(&c.ID, &c.Name, &c.Website, &details, &c.Note, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	var d companyDetails
	if err := json.Unmarshal(details, &d); err != nil {
		return nil, fmt.Errorf("sqlstore: company %s: decode details: %w", c.ID, err)
	}
	c.Addresses, c.Phones, c.Tags = d.Addresses, d.Phones, d.Tags
	return &c, nil
}

// CreateCompany implements companies.Store.
func (s *CompanyStore) CreateCompany(ctx context.Context, scope chatalott.Scope, c *companies.Company) error {
	args, err := companyArgs(scope, c)
	if err != nil {
		return err
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, insertCompanySQL, args...); err != nil {
			return fmt.Errorf("sqlstore: insert company: %w", err)
		}
		return recordCompanyCreated(ctx, tx, scope, c)
	})
}

// recordCompanyCreated indexes a new company for search and writes its
// "created" timeline event.
func recordCompanyCreated(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, c *companies.Company) error {
	if err := indexCompany(ctx, tx, scope, c); err != nil {
		return err
	}
	subject := chatalott.Subject{Type: chatalott.SubjectCompany, ID: c.ID}
	return recordEvent(ctx, tx, scope, subject, timeline.EventCreated, c.CreatedAt)
}

// GetCompany implements companies.Store.
func (s *CompanyStore) GetCompany(ctx context.Context, scope chatalott.Scope, id string) (*companies.Company, error) {
	var c *companies.Company
	err := s.DB.read(ctx, scope, func(q querier) error {
		var err error
		c, err = getCompany(ctx, q, scope, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// getCompany reads one company of scope's workspace through q.
func getCompany(ctx context.Context, q querier, scope chatalott.Scope, id string) (*companies.Company, error) {
	c, err := scanCompany(q.QueryRowContext(ctx, getCompanySQL, scope.WorkspaceID, id))
	if err != nil {
		return nil, notFound(err, "Company", id)
	}
	c.WorkspaceID = scope.WorkspaceID
	return c, nil
}

// UpdateCompany implements companies.Store.
func (s *CompanyStore) UpdateCompany(ctx context.Context, scope chatalott.Scope, c *companies.Company) error {
	args, err := companyArgs(scope, c)
	if err != nil {
		return err
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, updateCompanySQL, args[:len(args)-1]...)
		if err != nil {
			return fmt.Errorf("sqlstore: update company %s: %w", c.ID, err)
		}
		if err := expectOneRow(res, "Company", c.ID); err != nil {
			return err
		}
		return indexCompany(ctx, tx, scope, c)
	})
}

// DeleteCompany implements companies.Store. Contacts lose the company
// through their foreign key's ON DELETE SET NULL.
func (s *CompanyStore) DeleteCompany(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, clearCompanyDealsSQL, scope.WorkspaceID, id); err != nil {
			return fmt.Errorf("sqlstore: clear company %s from deals: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, deleteCompanySQL, scope.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("sqlstore: delete company %s: %w", id, err)
		}
		return expectOneRow(res, "Company", id)
	})
}

// ListCompanies implements companies.Store.
func (s *CompanyStore) ListCompanies(ctx context.Context, scope chatalott.Scope, search string, offset, limit int) ([]*companies.Company, error) {
	p := searchPatterns(search)
	list := make([]*companies.Company, 0, limit)
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, listCompaniesSQL, scope.WorkspaceID, p[0], p[1], p[2], p[3], limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCompany(rows)
			if err != nil {
				return err
			}
			c.WorkspaceID = scope.WorkspaceID
			list = append(list, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list companies: %w", err)
	}
	return list, nil
}

// CompanyPeople implements companies.Store.
func (s *CompanyStore) CompanyPeople(ctx context.Context, scope chatalott.Scope, companyID string, limit int) ([]*contacts.Contact, error) {
	var list []*contacts.Contact
	err := s.DB.read(ctx, scope, func(q querier) error {
		if err := s.requireCompany(ctx, q, scope, companyID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, companyPeopleSQL, scope.WorkspaceID, companyID, limit)
		if err != nil {
			return fmt.Errorf("sqlstore: list people of company %s: %w", companyID, err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				return fmt.Errorf("sqlstore: list people of company %s: %w", companyID, err)
			}
			c.WorkspaceID = scope.WorkspaceID
			list = append(list, c)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: list people of company %s: %w", companyID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// requireCompany returns ENotFound unless the company lies in scope's
// workspace.
func (s *CompanyStore) requireCompany(ctx context.Context, q querier, scope chatalott.Scope, id string) error {
	var n int
	if err := q.QueryRowContext(ctx, companyExistsSQL, scope.WorkspaceID, id).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: look up company %s: %w", id, err)
	}
	if n == 0 {
		return &chatalott.Error{Code: chatalott.ENotFound, Message: "Company not found."}
	}
	return nil
}

// CompanyOfContact implements companies.Store.
func (s *CompanyStore) CompanyOfContact(ctx context.Context, scope chatalott.Scope, contactID string) (*companies.Company, error) {
	var c *companies.Company
	err := s.DB.read(ctx, scope, func(q querier) error {
		var companyID string
		err := q.QueryRowContext(ctx, contactCompanyIDSQL, scope.WorkspaceID, contactID).Scan(&companyID)
		if err != nil {
			return notFound(err, "Contact", contactID)
		}
		if companyID == "" {
			return nil
		}
		c, err = getCompany(ctx, q, scope, companyID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SetContactCompany implements companies.Store.
func (s *CompanyStore) SetContactCompany(ctx context.Context, scope chatalott.Scope, contactID, companyID string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, contactCompanyIDSQL, scope.WorkspaceID, contactID).Scan(&current); err != nil {
			return notFound(err, "Contact", contactID)
		}
		if companyID == "" {
			_, err := tx.ExecContext(ctx, unlinkContactSQL, scope.WorkspaceID, contactID)
			if err != nil {
				return fmt.Errorf("sqlstore: unlink contact %s: %w", contactID, err)
			}
			return nil
		}
		res, err := tx.ExecContext(ctx, linkContactSQL, scope.WorkspaceID, contactID, companyID)
		if err != nil {
			return fmt.Errorf("sqlstore: link contact %s: %w", contactID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return chatalott.FieldError("company_id", "Company does not exist in this workspace; choose another.")
		}
		return nil
	})
}

// LinkContactByName implements companies.Store.
// NOTE: on PostgreSQL two requests that race to create the same company
// name can both create it; names are not unique, so both succeed.
func (s *CompanyStore) LinkContactByName(ctx context.Context, scope chatalott.Scope, contactID string, candidate *companies.Company) (*companies.Company, error) {
	var linked *companies.Company
	err := s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, contactCompanyIDSQL, scope.WorkspaceID, contactID).Scan(&current); err != nil {
			return notFound(err, "Contact", contactID)
		}
		found, err := scanCompany(tx.QueryRowContext(ctx, findCompanyByNameSQL, scope.WorkspaceID, candidate.NameKey()))
		switch {
		case err == nil:
			linked = found
		case errors.Is(err, sql.ErrNoRows):
			args, err := companyArgs(scope, candidate)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, insertCompanySQL, args...); err != nil {
				return fmt.Errorf("sqlstore: insert company: %w", err)
			}
			if err := recordCompanyCreated(ctx, tx, scope, candidate); err != nil {
				return err
			}
			linked = candidate
		default:
			return fmt.Errorf("sqlstore: find company by name: %w", err)
		}
		if _, err := tx.ExecContext(ctx, linkContactSQL, scope.WorkspaceID, contactID, linked.ID); err != nil {
			return fmt.Errorf("sqlstore: link contact %s: %w", contactID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	linked.WorkspaceID = scope.WorkspaceID
	return linked, nil
}
