package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
)

// Bulk inserts pass a whole batch as one JSON array parameter and expand it
// with the engine's JSON table function, so a batch of 500 contacts costs
// two statements instead of a thousand round trips. The statements are
// fixed strings; only the bound JSON varies.

// bulkContact is one contacts row in a bulk-insert parameter.
type bulkContact struct {
	ID           string          `json:"id"`
	Kind         string          `json:"kind"`
	Prefix       string          `json:"prefix"`
	Given        string          `json:"given"`
	Middle       string          `json:"middle"`
	Family       string          `json:"family"`
	Suffix       string          `json:"suffix"`
	Nickname     string          `json:"nickname"`
	Organization string          `json:"organization"`
	Title        string          `json:"title"`
	Department   string          `json:"department"`
	Birthday     *string         `json:"birthday"`
	Details      json.RawMessage `json:"details"`
	Note         string          `json:"note"`
	PhotoHex     *string         `json:"photo_hex"`
	PhotoType    string          `json:"photo_type"`
	SortKey      string          `json:"sort_key"`
	SearchText   string          `json:"search_text"`
	CreatedAt    string          `json:"created_at"`
	UpdatedAt    string          `json:"updated_at"`
}

type bulkEmail struct {
	ContactID string `json:"contact_id"`
	Email     string `json:"email"`
}

// bulkTimeFormat is the text form of a timestamp in the JSON parameter. It
// is the form modernc's SQLite driver writes with _time_format=sqlite, so
// rows written in bulk read back like rows written one by one, and
// PostgreSQL parses it as timestamptz.
const bulkTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

var bulkInsertContactsSQL = map[string]string{
	Postgres: `INSERT INTO contacts (workspace_id, id, kind, prefix, given, middle, family, suffix, nickname,
organization, title, department, birthday, details, note, photo, photo_type, updated_at, sort_key, search_text, created_at)
SELECT $1, r.id, r.kind, r.prefix, r.given, r.middle, r.family, r.suffix, r.nickname,
r.organization, r.title, r.department, r.birthday, r.details, r.note, decode(r.photo_hex, 'hex'), r.photo_type,
r.updated_at, r.sort_key, r.search_text, r.created_at
FROM jsonb_to_recordset($2::jsonb) AS r(id text, kind text, prefix text, given text, middle text, family text,
suffix text, nickname text, organization text, title text, department text, birthday text, details jsonb,
note text, photo_hex text, photo_type text, updated_at timestamptz, sort_key text, search_text text, created_at timestamptz)`,
	SQLite: `INSERT INTO contacts (workspace_id, id, kind, prefix, given, middle, family, suffix, nickname,
organization, title, department, birthday, details, note, photo, photo_type, updated_at, sort_key, search_text, created_at)
SELECT $1, value ->> 'id', value ->> 'kind', value ->> 'prefix', value ->> 'given', value ->> 'middle',
value ->> 'family', value ->> 'suffix', value ->> 'nickname', value ->> 'organization', value ->> 'title',
value ->> 'department', value ->> 'birthday', value -> 'details', value ->> 'note', unhex(value ->> 'photo_hex'),
value ->> 'photo_type', value ->> 'updated_at', value ->> 'sort_key', value ->> 'search_text', value ->> 'created_at'
FROM json_each($2)`,
}

var bulkInsertEmailsSQL = map[string]string{
	Postgres: `INSERT INTO contact_emails (workspace_id, contact_id, email_normalized)
SELECT $1, r.contact_id, r.email FROM jsonb_to_recordset($2::jsonb) AS r(contact_id text, email text)
ON CONFLICT DO NOTHING`,
	SQLite: `INSERT INTO contact_emails (workspace_id, contact_id, email_normalized)
SELECT $1, value ->> 'contact_id', value ->> 'email' FROM json_each($2)
WHERE true -- SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
ON CONFLICT DO NOTHING`,
}

func bulkRow(c *contacts.Contact) (bulkContact, error) {
	details, err := json.Marshal(contactDetails{Emails: c.Emails, Phones: c.Phones, Addresses: c.Addresses,
		URLs: c.URLs, Fields: c.Fields, Tags: c.Tags})
	if err != nil {
		return bulkContact{}, fmt.Errorf("sqlstore: encode contact details: %w", err)
	}
	row := bulkContact{ID: c.ID, Kind: c.Kind, Prefix: c.Prefix, Given: c.Given, Middle: c.Middle, Family: c.Family,
		Suffix: c.Suffix, Nickname: c.Nickname, Organization: c.Organization, Title: c.Title, Department: c.Department,
		Details: details, Note: c.Note, SortKey: c.SortKey(), SearchText: c.SearchText(),
		CreatedAt: c.CreatedAt.UTC().Format(bulkTimeFormat), UpdatedAt: c.UpdatedAt.UTC().Format(bulkTimeFormat)}
	if c.Birthday != nil {
		b := c.Birthday.String()
		row.Birthday = &b
	}
	if c.Photo != nil && len(c.Photo.Data) > 0 {
		h := hex.EncodeToString(c.Photo.Data)
		row.PhotoHex, row.PhotoType = &h, c.Photo.ContentType
	}
	return row, nil
}

// insertContactsBulk inserts new contacts, their email index rows, their
// search documents and their "imported" timeline events with one statement
// each in tx.
func (s *ContactStore) insertContactsBulk(ctx context.Context, tx *sql.Tx, scope chatalott.Scope, list []*contacts.Contact) error {
	if len(list) == 0 {
		return nil
	}
	rows := make([]bulkContact, 0, len(list))
	var emails []bulkEmail
	for _, c := range list {
		row, err := bulkRow(c)
		if err != nil {
			return err
		}
		rows = append(rows, row)
		for _, e := range c.Emails {
			emails = append(emails, bulkEmail{ContactID: c.ID, Email: accounts.NormalizeEmail(e.Address)})
		}
	}
	payload, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("sqlstore: encode contacts: %w", err)
	}
	if _, err := tx.ExecContext(ctx, bulkInsertContactsSQL[s.DB.Dialect], scope.WorkspaceID, string(payload)); err != nil {
		return fmt.Errorf("sqlstore: insert %d contacts: %w", len(list), err)
	}
	if err := s.indexContactsBulk(ctx, tx, scope, list); err != nil {
		return err
	}
	if err := s.recordImportedBulk(ctx, tx, scope, list); err != nil {
		return err
	}
	if len(emails) == 0 {
		return nil
	}
	payload, err = json.Marshal(emails)
	if err != nil {
		return fmt.Errorf("sqlstore: encode contact emails: %w", err)
	}
	if _, err := tx.ExecContext(ctx, bulkInsertEmailsSQL[s.DB.Dialect], scope.WorkspaceID, string(payload)); err != nil {
		return fmt.Errorf("sqlstore: insert contact emails: %w", err)
	}
	return nil
}
