package addressbook

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chatalott/chatalott/contacts"
)

// expectedFile is testdata/samples/expected.json. Its "about" text sets the
// comparison rules: fields not listed are not checked, birthdays without a
// year are --MM-DD, emails compare case-insensitively, phones as written.
type expectedFile struct {
	About string                    `json:"about"`
	Files map[string]expectedSample `json:"files"`
}

type expectedSample struct {
	Format   string                       `json:"format"`
	Contacts []map[string]json.RawMessage `json:"contacts"`
}

func loadExpected(t testing.TB) expectedFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "samples", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp expectedFile
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	return exp
}

// readAll reads every record of data and fails the test on a stream error.
func readAll(t testing.TB, data []byte, opts Options) ([]Record, *Reader) {
	t.Helper()
	r, err := Open(strings.NewReader(string(data)), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var records []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return records, r
		}
		if err != nil {
			t.Fatalf("Next after %d records: %v", len(records), err)
		}
		records = append(records, rec)
	}
}

func TestSamplesImport(t *testing.T) {
	exp := loadExpected(t)
	if !strings.Contains(exp.About, "Fields not listed are not checked") {
		t.Fatalf("expected.json about text changed; reread its rules: %q", exp.About)
	}
	names := make([]string, 0, len(exp.Files))
	for name := range exp.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sample := exp.Files[name]
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "samples", name))
			if err != nil {
				t.Fatal(err)
			}
			records, _ := readAll(t, data, Options{})
			if len(records) != len(sample.Contacts) {
				t.Fatalf("got %d records, want %d", len(records), len(sample.Contacts))
			}
			for i, want := range sample.Contacts {
				rec := records[i]
				if rec.Err != nil {
					t.Errorf("record %d (line %d): Err = %v", i, rec.Line, rec.Err)
					continue
				}
				checkExpected(t, rec.Contact, want)
			}
		})
	}
}

// checkExpected compares c with the fields listed in want.
func checkExpected(t *testing.T, c *contacts.Contact, want map[string]json.RawMessage) {
	t.Helper()
	who := c.DisplayName()
	for key, raw := range want {
		switch key {
		case "name", "given", "family", "middle", "prefix", "suffix", "nickname", "organization",
			"title", "department", "note", "kind":
			var w string
			mustUnmarshal(t, raw, &w)
			got := map[string]string{"name": c.DisplayName(), "given": c.Given, "family": c.Family,
				"middle": c.Middle, "prefix": c.Prefix, "suffix": c.Suffix, "nickname": c.Nickname,
				"organization": c.Organization, "title": c.Title, "department": c.Department,
				"note": c.Note, "kind": c.Kind}[key]
			if got != w {
				t.Errorf("%s: %s = %q, want %q", who, key, got, w)
			}
		case "birthday":
			var w *string
			mustUnmarshal(t, raw, &w)
			got := "<nil>"
			if c.Birthday != nil {
				got = c.Birthday.String()
			}
			wantText := "<nil>"
			if w != nil {
				wantText = *w
			}
			if got != wantText {
				t.Errorf("%s: birthday = %s, want %s", who, got, wantText)
			}
		case "has_photo":
			var w bool
			mustUnmarshal(t, raw, &w)
			if got := c.Photo != nil; got != w {
				t.Errorf("%s: has photo = %v, want %v", who, got, w)
			}
		case "tags":
			var w []string
			mustUnmarshal(t, raw, &w)
			if !slices.Equal(c.Tags, w) {
				t.Errorf("%s: tags = %q, want %q", who, c.Tags, w)
			}
		case "emails":
			var w []string
			mustUnmarshal(t, raw, &w)
			got := make([]string, len(c.Emails))
			for i, e := range c.Emails {
				got[i] = e.Address
			}
			if !slices.EqualFunc(got, w, strings.EqualFold) {
				t.Errorf("%s: emails = %q, want %q", who, got, w)
			}
		case "phones":
			var w []string
			mustUnmarshal(t, raw, &w)
			got := make([]string, len(c.Phones))
			for i, p := range c.Phones {
				got[i] = p.Number
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s: phones = %q, want %q", who, got, w)
			}
		case "urls":
			var w []string
			mustUnmarshal(t, raw, &w)
			got := make([]string, len(c.URLs))
			for i, u := range c.URLs {
				got[i] = u.URL
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s: urls = %q, want %q", who, got, w)
			}
		case "addresses":
			var w []map[string]string
			mustUnmarshal(t, raw, &w)
			if len(c.Addresses) != len(w) {
				t.Errorf("%s: %d addresses, want %d: %+v", who, len(c.Addresses), len(w), c.Addresses)
				continue
			}
			for i, wa := range w {
				a := c.Addresses[i]
				got := map[string]string{"street": a.Street, "extended": a.Extended, "city": a.City,
					"region": a.Region, "postal_code": a.PostalCode, "country": a.Country, "po_box": a.POBox, "label": a.Label}
				for k, v := range wa {
					if got[k] != v {
						t.Errorf("%s: address %d %s = %q, want %q", who, i, k, got[k], v)
					}
				}
			}
		default:
			t.Errorf("expected.json lists %q, which this test does not compare; add it", key)
		}
	}
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("expected.json value %s: %v", raw, err)
	}
}
