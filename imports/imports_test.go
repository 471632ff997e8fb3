package imports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/exports"
	"github.com/chatalott/chatalott/imports"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// samplesDir holds the real address-book exports that the addressbook
// package tests parse; these tests import them through the database.
var samplesDir = filepath.Join("..", "addressbook", "testdata", "samples")

type fixture struct {
	db      *sqlstore.DB
	store   *sqlstore.ContactStore
	service *imports.Service
}

func forEachDialect(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := sqlstoretest.Open(t, dialect)
			store := &sqlstore.ContactStore{DB: db}
			fn(t, &fixture{db: db, store: store,
				service: &imports.Service{Store: store, Now: time.Now, NewID: chatalott.NewID}})
		})
	}
}

// newWorkspace creates a user with a personal workspace and returns its scope.
func (f *fixture) newWorkspace(t *testing.T) chatalott.Scope {
	t.Helper()
	id := chatalott.NewID()
	email := id + "@example.com"
	u := &accounts.User{ID: id, Email: email, EmailNormalized: email, Name: "T", PasswordHash: []byte("x"),
		PasswordChangedAt: time.Now(), CreatedAt: time.Now()}
	w := &accounts.Workspace{ID: chatalott.NewID(), Name: "T", Kind: accounts.WorkspacePersonal, CreatedAt: time.Now()}
	if err := (&sqlstore.AccountStore{DB: f.db}).CreateUser(context.Background(), u, w); err != nil {
		t.Fatal(err)
	}
	return chatalott.Scope{WorkspaceID: w.ID, UserID: u.ID}
}

func bytesOpener(data []byte) imports.Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}

func (f *fixture) importBytes(t *testing.T, scope chatalott.Scope, data []byte, opts imports.Options) (*imports.Report, error) {
	t.Helper()
	return f.service.Import(context.Background(), scope, bytesOpener(data), opts)
}

// all returns every contact of scope, sorted by display name.
func (f *fixture) all(t *testing.T, scope chatalott.Scope) []*contacts.Contact {
	t.Helper()
	var list []*contacts.Contact
	err := f.store.EachContact(context.Background(), scope, func(c *contacts.Contact) error {
		list = append(list, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].DisplayName() < list[j].DisplayName() })
	return list
}

func names(list []*contacts.Contact) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.DisplayName())
	}
	return out
}

// expectedNames reads the display names each sample must yield from expected.json.
func expectedNames(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samplesDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Files map[string]struct {
			Contacts []struct {
				Name string `json:"name"`
			} `json:"contacts"`
		} `json:"files"`
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for file, s := range exp.Files {
		for _, c := range s.Contacts {
			out[file] = append(out[file], c.Name)
		}
		sort.Strings(out[file])
	}
	return out
}

func TestImportSamplesIntoDatabase(t *testing.T) {
	want := expectedNames(t)
	forEachDialect(t, func(t *testing.T, f *fixture) {
		for file, wantNames := range want {
			scope := f.newWorkspace(t)
			data, err := os.ReadFile(filepath.Join(samplesDir, file))
			if err != nil {
				t.Fatal(err)
			}
			report, err := f.importBytes(t, scope, data, imports.Options{})
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if report.Created != len(wantNames) || report.Rejected != 0 {
				t.Errorf("%s: created %d rejected %d, want %d and 0 (rows %+v)", file, report.Created, report.Rejected, len(wantNames), report.Rows)
			}
			got := names(f.all(t, scope))
			sort.Strings(got)
			if fmt.Sprint(got) != fmt.Sprint(wantNames) {
				t.Errorf("%s: stored %q, want %q", file, got, wantNames)
			}
		}
	})
}

const duplicatesCSV = "Name,E-mail Address,Company\n" +
	"Ana Lima,ana@example.com,First Co\n" +
	"Bo Berg,bo@example.com,Bo Co\n"

func TestImportDuplicateRules(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		rerun := []byte("Name,E-mail Address,Company,Notes\n" +
			"Ana Lima,ANA@Example.com,Second Co,updated note\n" +
			"Cy Cole,cy@example.com,Cy Co,\n" +
			"Cy Again,CY@example.com,,merged into Cy\n")
		cases := []struct {
			rule                                  imports.Duplicates
			created, updated, skipped, wantPeople int
			wantAnaCompany                        string
		}{
			{imports.DuplicatesSkip, 1, 0, 2, 3, "First Co"},
			// Under "update" the first row's email, in its original case, stays.
			{imports.DuplicatesUpdate, 1, 2, 0, 3, "Second Co"},
			{imports.DuplicatesCreate, 3, 0, 0, 5, "First Co"},
		}
		for _, tc := range cases {
			scope := f.newWorkspace(t)
			if _, err := f.importBytes(t, scope, []byte(duplicatesCSV), imports.Options{}); err != nil {
				t.Fatal(err)
			}
			report, err := f.importBytes(t, scope, rerun, imports.Options{Duplicates: tc.rule})
			if err != nil {
				t.Fatalf("%s: %v", tc.rule, err)
			}
			if report.Created != tc.created || report.Updated != tc.updated || report.Skipped != tc.skipped {
				t.Errorf("%s: created %d updated %d skipped %d, want %d %d %d", tc.rule,
					report.Created, report.Updated, report.Skipped, tc.created, tc.updated, tc.skipped)
			}
			list := f.all(t, scope)
			if len(list) != tc.wantPeople {
				t.Errorf("%s: %d contacts %q, want %d", tc.rule, len(list), names(list), tc.wantPeople)
			}
			var ana *contacts.Contact
			for _, c := range list {
				if c.Given == "Ana" && c.Emails[0].Address == "ana@example.com" {
					ana = c
				}
			}
			if ana == nil || ana.Organization != tc.wantAnaCompany {
				t.Errorf("%s: Ana's company = %v, want %q", tc.rule, ana, tc.wantAnaCompany)
			}
			if tc.rule == imports.DuplicatesUpdate {
				if ana.Note != "updated note" || len(ana.Emails) != 1 {
					t.Errorf("update: Ana note %q emails %v; want the new note and one email (same address in other case)", ana.Note, ana.Emails)
				}
				for _, c := range list {
					if c.Given == "Cy" && c.Note != "merged into Cy" {
						t.Errorf("update: second Cy row not merged into the first: note %q", c.Note)
					}
				}
			}
		}
	})
}

func TestImportDryRunWritesNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		scope := f.newWorkspace(t)
		data, _ := os.ReadFile(filepath.Join(samplesDir, "google-contacts.csv"))
		dry, err := f.importBytes(t, scope, data, imports.Options{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if !dry.DryRun || dry.Created != 5 {
			t.Errorf("dry run: created %d dry %v, want 5 and true", dry.Created, dry.DryRun)
		}
		if got := len(f.all(t, scope)); got != 0 {
			t.Errorf("dry run stored %d contacts, want 0", got)
		}
	})
}

func TestImportFileThatFailsWritesNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		scope := f.newWorkspace(t)
		var big strings.Builder
		big.WriteString("Name,E-mail Address\n")
		for i := range 30 {
			fmt.Fprintf(&big, "Person %d,p%d@example.com\n", i, i)
		}
		_, err := f.importBytes(t, scope, []byte(big.String()), imports.Options{BatchSize: 5,
			Reader: addressbook.Options{MaxRows: 20}})
		if chatalott.ErrorCode(err) != chatalott.ETooLarge {
			t.Errorf("file over the row limit: err %v, want a too-large error", err)
		}
		if got := len(f.all(t, scope)); got != 0 {
			t.Errorf("file over the row limit stored %d contacts, want 0", got)
		}

		for name, data := range map[string]string{
			"empty file":       "",
			"header only":      "Name,E-mail Address\n",
			"only bad rows":    "Name,E-mail Address\n,not-an-email\n,\n",
			"card without END": "BEGIN:VCARD\nVERSION:3.0\nFN:Cut Off\n",
		} {
			report, err := f.importBytes(t, scope, []byte(data), imports.Options{})
			if err == nil {
				t.Errorf("%s: import succeeded with report %+v, want a failure", name, report)
			}
			if got := len(f.all(t, scope)); got != 0 {
				t.Errorf("%s: stored %d contacts, want 0", name, got)
			}
		}
	})
}

func TestImportBadRowReportedRestImported(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		scope := f.newWorkspace(t)
		data := "Name,E-mail Address,Notes\n" +
			"Good One,one@example.com,\n" +
			"Bad Email,bob@,\n" +
			"<script>alert(1)</script>,two@example.com,\"=HYPERLINK(\"\"http://x\"\")\"\n"
		report, err := f.importBytes(t, scope, []byte(data), imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if report.Created != 2 || report.Rejected != 1 {
			t.Fatalf("created %d rejected %d, want 2 and 1", report.Created, report.Rejected)
		}
		var rejected *imports.Row
		for i := range report.Rows {
			if report.Rows[i].Outcome == imports.OutcomeRejected {
				rejected = &report.Rows[i]
			}
		}
		if rejected == nil || rejected.Line != 3 || !strings.Contains(rejected.Reason, `"bob@"`) {
			t.Errorf("rejected row = %+v, want line 3 naming the email", rejected)
		}
		list := f.all(t, scope)
		if len(list) != 2 || list[0].DisplayName() != "<script>alert(1)</script>" || list[0].Note != `=HYPERLINK("http://x")` {
			t.Errorf("stored %q, want the script tag and formula kept as literal text", names(list))
		}
	})
}

// TestImportCancelLeavesWholeBatches cancels an import after its first
// batch and checks that only whole batches, with complete contacts, were
// written.
func TestImportCancelLeavesWholeBatches(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		scope := f.newWorkspace(t)
		var csv strings.Builder
		csv.WriteString("Name,E-mail Address,Phone 1 - Value\n")
		for i := range 50 {
			fmt.Fprintf(&csv, "Person %02d,p%d@example.com,+1 555 01%02d\n", i, i, i)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := f.service.Import(ctx, scope, bytesOpener([]byte(csv.String())), imports.Options{BatchSize: 10,
			Progress: func(imports.Counts) { cancel() }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		list := f.all(t, scope)
		if len(list) != 10 {
			t.Fatalf("stored %d contacts after cancel, want exactly the first batch of 10", len(list))
		}
		for _, c := range list {
			if len(c.Emails) != 1 || len(c.Phones) != 1 {
				t.Errorf("contact %s is incomplete: %d emails, %d phones", c.DisplayName(), len(c.Emails), len(c.Phones))
			}
		}
		var indexRows int
		f.db.SQL().QueryRow(`SELECT COUNT(*) FROM contact_emails WHERE workspace_id = $1`, scope.WorkspaceID).Scan(&indexRows)
		if indexRows != 10 {
			t.Errorf("email index rows = %d, want 10", indexRows)
		}
	})
}

// comparable returns the JSON of c without the fields an import assigns.
func comparable(t *testing.T, c *contacts.Contact) string {
	t.Helper()
	d := *c
	d.ID, d.CreatedAt, d.UpdatedAt = "", time.Time{}, time.Time{}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExportImportRoundTrip imports every sample, exports the workspace in
// each format and imports that into an empty workspace: the contacts must
// come back equal.
func TestExportImportRoundTrip(t *testing.T) {
	forEachDialect(t, func(t *testing.T, f *fixture) {
		source := f.newWorkspace(t)
		entries, _ := os.ReadDir(samplesDir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			data, _ := os.ReadFile(filepath.Join(samplesDir, e.Name()))
			if _, err := f.importBytes(t, source, data, imports.Options{Duplicates: imports.DuplicatesCreate}); err != nil {
				t.Fatalf("%s: %v", e.Name(), err)
			}
		}
		want := f.all(t, source)
		for _, format := range []string{exports.FormatJSON, exports.FormatCSV, exports.FormatVCard, exports.FormatVCard30} {
			var buf bytes.Buffer
			n, err := exports.Write(context.Background(), f.store, source, &buf, format)
			if err != nil || n != len(want) {
				t.Fatalf("%s export: %d contacts, err %v; want %d", format, n, err, len(want))
			}
			target := f.newWorkspace(t)
			report, err := f.importBytes(t, target, buf.Bytes(), imports.Options{Duplicates: imports.DuplicatesCreate})
			if err != nil {
				t.Fatalf("%s re-import: %v", format, err)
			}
			if report.Rejected != 0 {
				t.Errorf("%s re-import rejected %d rows: %+v", format, report.Rejected, report.Rows)
			}
			got := f.all(t, target)
			if len(got) != len(want) {
				t.Fatalf("%s round trip: %d contacts, want %d", format, len(got), len(want))
			}
			for i := range want {
				if a, b := comparable(t, got[i]), comparable(t, want[i]); a != b {
					t.Errorf("%s round trip changed a contact:\ngot  %s\nwant %s", format, a, b)
				}
			}
		}
	})
}
