package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/timeline"
)

// ContactStore implements contacts.Store. Every query names workspace_id,
// taken from the scope argument and never from the record.
type ContactStore struct{ DB *DB }

// contactDetails is the JSON document in contacts.details: the lists that
// have no columns of their own.
type contactDetails struct {
	Emails    []contacts.Email   `json:"emails,omitempty"`
	Phones    []contacts.Phone   `json:"phones,omitempty"`
	Addresses []contacts.Address `json:"addresses,omitempty"`
	URLs      []contacts.URL     `json:"urls,omitempty"`
	Fields    []contacts.Field   `json:"fields,omitempty"`
	Tags      []string           `json:"tags,omitempty"`
}

const (
	contactColumns = `id, kind, prefix, given, middle, family, suffix, nickname, organization, title, department,
birthday, details, note, photo, photo_type, created_at, updated_at`
	// contactListColumns is contactColumns without the photo's bytes: a
	// page of 50 contacts would otherwise read up to 50 photos that the
	// list does not show. substr(photo, 1, 0) keeps the column's type on
	// both engines and scans as an empty photo, which scanContact drops.
	contactListColumns = `id, kind, prefix, given, middle, family, suffix, nickname, organization, title, department,
birthday, details, note, substr(photo, 1, 0), photo_type, created_at, updated_at`
	insertContactSQL = `INSERT INTO contacts (workspace_id, id, kind, prefix, given, middle, family, suffix, nickname,
organization, title, department, birthday, details, note, photo, photo_type, updated_at, sort_key, search_text, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`
	updateContactSQL = `UPDATE contacts SET kind = $3, prefix = $4, given = $5, middle = $6, family = $7, suffix = $8,
nickname = $9, organization = $10, title = $11, department = $12, birthday = $13, details = $14, note = $15,
photo = $16, photo_type = $17, updated_at = $18, sort_key = $19, search_text = $20
WHERE workspace_id = $1 AND id = $2`
	getContactSQL    = `SELECT ` + contactColumns + ` FROM contacts WHERE workspace_id = $1 AND id = $2`
	deleteContactSQL = `DELETE FROM contacts WHERE workspace_id = $1 AND id = $2`
	// listContactsSQL matches up to four search patterns; an empty pattern
	// matches everything. The patterns are built from folded text, which
	// contains only letters, digits and spaces, so they hold no LIKE
	// wildcards other than the ones the store adds.
	listContactsSQL = `SELECT ` + contactListColumns + ` FROM contacts
WHERE workspace_id = $1
  AND ($2 = '' OR search_text LIKE $2)
  AND ($3 = '' OR search_text LIKE $3)
  AND ($4 = '' OR search_text LIKE $4)
  AND ($5 = '' OR search_text LIKE $5)
ORDER BY sort_key, id
LIMIT $6 OFFSET $7`
	deleteContactEmailsSQL = `DELETE FROM contact_emails WHERE workspace_id = $1 AND contact_id = $2`
	insertContactEmailSQL  = `INSERT INTO contact_emails (workspace_id, contact_id, email_normalized) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING`
)

// contactArgs returns the bind arguments of insertContactSQL in their order.
// updateContactSQL takes all but the last, created_at.
func contactArgs(scope chatalott.Scope, c *contacts.Contact) ([]any, error) {
	details, err := json.Marshal(contactDetails{Emails: c.Emails, Phones: c.Phones, Addresses: c.Addresses,
		URLs: c.URLs, Fields: c.Fields, Tags: c.Tags})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode contact details: %w", err)
	}
	var birthday sql.NullString
	if c.Birthday != nil {
		birthday = sql.NullString{String: c.Birthday.String(), Valid: true}
	}
	var photo []byte
	photoType := ""
	if c.Photo != nil {
		photo, photoType = c.Photo.Data, c.Photo.ContentType
	}
	return []any{scope.WorkspaceID, c.ID, c.Kind, c.Prefix, c.Given, c.Middle, c.Family, c.Suffix, c.Nickname,
		c.Organization, c.Title, c.Department, birthday, string(details), c.Note, photo, photoType,
		c.UpdatedAt, c.SortKey(), c.SearchText(), c.CreatedAt}, nil
}

func scanContact(row rowScanner) (*contacts.Contact, error) {
	var c contacts.Contact
	var birthday sql.NullString
	var details []byte
	var photo []byte
	var photoType string
	err := row.Scan(&c.ID, &c.Kind, &c.Prefix, &c.Given, &c.Middle, &c.Family, &c.Suffix, &c.Nickname,
		&c.Organization, &c.Title, &c.Department, &birthday, &details, &c.Note, &photo, &photoType,
		&c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if birthday.Valid {
		b, err := contacts.ParseBirthday(birthday.String)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: contact %s: %w", c.ID, err)
		}
		c.Birthday = &b
	}
	var d contactDetails
	if err := json.Unmarshal(details, &d); err != nil {
		return nil, fmt.Errorf("sqlstore: contact %s: decode details: %w", c.ID, err)
	}
	c.Emails, c.Phones, c.Addresses, c.URLs, c.Fields, c.Tags = d.Emails, d.Phones, d.Addresses, d.URLs, d.Fields, d.Tags
	if len(photo) > 0 {
		c.Photo = &contacts.Photo{ContentType: photoType, Data: photo}
	}
	return &c, nil
}

func checkScope(scope chatalott.Scope) error {
	if !scope.Valid() {
		return fmt.Errorf("sqlstore: call without a workspace scope")
	}
	return nil
}

// CreateContact implements contacts.Store.
func (s *ContactStore) CreateContact(ctx context.Context, scope chatalott.Scope, c *contacts.Contact) error {
	args, err := contactArgs(scope, c)
	if err != nil {
		return err
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, insertContactSQL, args...); err != nil {
			return fmt.Errorf("sqlstore: insert contact: %w", err)
		}
		if err := indexContact(ctx, tx, scope, c); err != nil {
			return err
		}
		subject := chatalott.Subject{Type: chatalott.SubjectContact, ID: c.ID}
		if err := recordEvent(ctx, tx, scope, subject, timeline.EventCreated, c.CreatedAt); err != nil {
			return err
		}
		return writeContactEmails(ctx, tx, scope, c)
	})
}

// writeContactEmails replaces the email index rows of c, which duplicate
// detection on import looks up.
func writeContactEmails(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, c *contacts.Contact) error {
	if _, err := tx.ExecContext(ctx, deleteContactEmailsSQL, scope.WorkspaceID, c.ID); err != nil {
		return fmt.Errorf("sqlstore: clear contact emails: %w", err)
	}
	for _, e := range c.Emails {
		if _, err := tx.ExecContext(ctx, insertContactEmailSQL, scope.WorkspaceID, c.ID, accounts.NormalizeEmail(e.Address)); err != nil {
			return fmt.Errorf("sqlstore: insert contact email: %w", err)
		}
	}
	return nil
}

// GetContact implements contacts.Store.
func (s *ContactStore) GetContact(ctx context.Context, scope chatalott.Scope, id string) (*contacts.Contact, error) {
	var c *contacts.Contact
	err := s.DB.read(ctx, scope, func(q querier) error {
		var err error
		c, err = scanContact(q.QueryRowContext(ctx, getContactSQL, scope.WorkspaceID, id))
		return notFound(err, "Contact", id)
	})
	if err != nil {
		return nil, err
	}
	c.WorkspaceID = scope.WorkspaceID
	return c, nil
}

// UpdateContact implements contacts.Store.
func (s *ContactStore) UpdateContact(ctx context.Context, scope chatalott.Scope, c *contacts.Contact) error {
	args, err := contactArgs(scope, c)
	if err != nil {
		return err
	}
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, updateContactSQL, args[:len(args)-1]...)
		if err != nil {
			return fmt.Errorf("sqlstore: update contact %s: %w", c.ID, err)
		}
		if err := expectOneRow(res, "Contact", c.ID); err != nil {
			return err
		}
		if err := indexContact(ctx, tx, scope, c); err != nil {
			return err
		}
		return writeContactEmails(ctx, tx, scope, c)
	})
}

// DeleteContact implements contacts.Store.
func (s *ContactStore) DeleteContact(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.DB.write(ctx, scope, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, deleteContactSQL, scope.WorkspaceID, id)
		if err != nil {
			return fmt.Errorf("sqlstore: delete contact %s: %w", id, err)
		}
		return expectOneRow(res, "Contact", id)
	})
}

// ListContacts implements contacts.Store.
func (s *ContactStore) ListContacts(ctx context.Context, scope chatalott.Scope, search string, offset, limit int) ([]*contacts.Contact, error) {
	patterns := searchPatterns(search)
	list := make([]*contacts.Contact, 0, limit)
	err := s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, listContactsSQL, scope.WorkspaceID,
			patterns[0], patterns[1], patterns[2], patterns[3], limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				return err
			}
			c.WorkspaceID = scope.WorkspaceID
			list = append(list, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list contacts: %w", err)
	}
	return list, nil
}

// searchPatterns turns folded search text into four LIKE patterns: one per
// word for the first three words, and the remaining words, in order, in the
// fourth. Unused patterns are empty.
func searchPatterns(folded string) [4]string {
	var p [4]string
	words := strings.Fields(folded)
	for i := 0; i < len(words) && i < 3; i++ {
		p[i] = "%" + words[i] + "%"
	}
	if len(words) > 3 {
		p[3] = "%" + strings.Join(words[3:], "%") + "%"
	}
	return p
}

const eachContactSQL = `SELECT ` + contactColumns + ` FROM contacts WHERE workspace_id = $1 ORDER BY sort_key, id`

// EachContact calls fn for every contact of scope's workspace in list
// order, streaming rows so that memory does not grow with the workspace.
// It stops at fn's first error and returns it.
func (s *ContactStore) EachContact(ctx context.Context, scope chatalott.Scope, fn func(*contacts.Contact) error) error {
	return s.DB.read(ctx, scope, func(q querier) error {
		rows, err := q.QueryContext(ctx, eachContactSQL, scope.WorkspaceID)
		if err != nil {
			return fmt.Errorf("sqlstore: read contacts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				return fmt.Errorf("sqlstore: read contacts: %w", err)
			}
			c.WorkspaceID = scope.WorkspaceID
			if err := fn(c); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: read contacts: %w", err)
		}
		return nil
	})
}
