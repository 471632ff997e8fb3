package benchserver

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/sqlstore"
)

// listContactsSQL is a copy of the query that sqlstore.ContactStore.ListContacts
// runs, which sqlstore does not export. CheckRawQuery fails when the two
// return different rows for the benchmark workspace.
// NOTE: a change to the store's query is not caught when it returns the
// same ids, such as a column added to the select list.
const listContactsSQL = `SELECT id, kind, prefix, given, middle, family, suffix, nickname, organization, title, department,
birthday, details, note, photo, photo_type, created_at, updated_at FROM contacts
WHERE workspace_id = $1
  AND ($2 = '' OR search_text LIKE $2)
  AND ($3 = '' OR search_text LIKE $3)
  AND ($4 = '' OR search_text LIKE $4)
  AND ($5 = '' OR search_text LIKE $5)
ORDER BY sort_key, id
LIMIT $6 OFFSET $7`

// listColumns is the number of columns listContactsSQL selects.
const listColumns = 18

// pageRows is the number of rows the product fetches for one page: one more
// than it shows, to tell whether a next page exists.
const pageRows = contacts.PageSize + 1

// BareHandlers serves the first page of one workspace's contacts with no
// session, middleware or template, as the floor that the real contact list
// is compared with.
type BareHandlers struct {
	DB     *sqlstore.DB
	Scope  chatalott.Scope
	Logger *slog.Logger

	contacts *contacts.Service
}

// Handler returns a mux with two routes:
//   - GET /raw runs listContactsSQL for page 1 with no search and writes the
//     columns of each row as bytes, tab-separated, one row per line. It pays
//     for the query and the driver but not for decoding into contacts.
//   - GET /store calls contacts.Service.List for page 1, as the real handler
//     does, and writes the display name, organization and first email of
//     each contact as text. It adds the store's scanning and JSON decoding.
func (h *BareHandlers) Handler() http.Handler {
	h.contacts = &contacts.Service{Store: &sqlstore.ContactStore{DB: h.DB}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /raw", h.handleRaw)
	mux.HandleFunc("GET /store", h.handleStore)
	return mux
}

func (h *BareHandlers) handleRaw(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if _, err := writeRawPage(r.Context(), h.DB.SQL(), h.Scope.WorkspaceID, &buf); err != nil {
		h.Logger.Error("raw contact list failed", "workspace_id", h.Scope.WorkspaceID, "err", err)
		http.Error(w, "query failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// writeRawPage runs listContactsSQL for the first page of workspaceID and
// writes each row to buf. It returns the id of each row, in order.
func writeRawPage(ctx context.Context, db *sql.DB, workspaceID string, buf *bytes.Buffer) ([]string, error) {
	rows, err := db.QueryContext(ctx, listContactsSQL, workspaceID, "", "", "", "", pageRows, 0)
	if err != nil {
		return nil, fmt.Errorf("benchserver: list contacts: %w", err)
	}
	defer rows.Close()

	columns := make([]sql.RawBytes, listColumns)
	dest := make([]any, listColumns)
	for i := range columns {
		dest[i] = &columns[i]
	}
	ids := make([]string, 0, pageRows)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("benchserver: scan contact: %w", err)
		}
		ids = append(ids, string(columns[0]))
		for i, column := range columns {
			if i > 0 {
				buf.WriteByte('\t')
			}
			buf.Write(column)
		}
		buf.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("benchserver: list contacts: %w", err)
	}
	return ids, nil
}

func (h *BareHandlers) handleStore(w http.ResponseWriter, r *http.Request) {
	res, err := h.contacts.List(r.Context(), h.Scope, contacts.ListQuery{Page: 1})
	if err != nil {
		h.Logger.Error("store contact list failed", "workspace_id", h.Scope.WorkspaceID, "err", err)
		http.Error(w, "query failed", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	for _, c := range res.Contacts {
		buf.WriteString(c.DisplayName())
		buf.WriteByte('\t')
		buf.WriteString(c.Organization)
		buf.WriteByte('\t')
		if len(c.Emails) > 0 {
			buf.WriteString(c.Emails[0].Address)
		}
		buf.WriteByte('\n')
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// CheckRawQuery returns an error unless listContactsSQL and
// sqlstore.ContactStore.ListContacts return the same contact ids, in the
// same order, for the first page of scope's workspace.
func CheckRawQuery(ctx context.Context, db *sqlstore.DB, scope chatalott.Scope) error {
	var buf bytes.Buffer
	rawIDs, err := writeRawPage(ctx, db.SQL(), scope.WorkspaceID, &buf)
	if err != nil {
		return err
	}
	list, err := (&sqlstore.ContactStore{DB: db}).ListContacts(ctx, scope, "", 0, pageRows)
	if err != nil {
		return fmt.Errorf("benchserver: list contacts through the store: %w", err)
	}
	storeIDs := make([]string, len(list))
	for i, c := range list {
		storeIDs[i] = c.ID
	}
	if !slices.Equal(rawIDs, storeIDs) {
		return fmt.Errorf("benchserver: raw query returned %d rows and the store %d, or in another order; "+
			"update listContactsSQL to match sqlstore's query", len(rawIDs), len(storeIDs))
	}
	if len(rawIDs) != pageRows {
		return fmt.Errorf("benchserver: first page has %d rows, expected %d; seed the workspace first", len(rawIDs), pageRows)
	}
	return nil
}
