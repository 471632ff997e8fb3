package addressbook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
)

func TestStructureOnlyReadsRowsWithoutContacts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "samples", "google-contacts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	records, _ := readAll(t, data, Options{StructureOnly: true})
	if len(records) != 5 {
		t.Fatalf("got %d records, want 5", len(records))
	}
	for _, rec := range records {
		if rec.Contact != nil || rec.Err != nil || rec.Line == 0 {
			t.Errorf("record %+v: want only a line number", rec)
		}
	}

	big := "Name,E-mail Address\n" + strings.Repeat("A,a@example.com\n", 4)
	r, err := Open(strings.NewReader(big), Options{StructureOnly: true, MaxRows: 3})
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for range 5 {
		if _, last = r.Next(); last != nil {
			break
		}
	}
	if chatalott.ErrorCode(last) != chatalott.ETooLarge {
		t.Errorf("structure-only read past MaxRows: err %v, want too large", last)
	}
}

func TestOpenRejectsUnsupportedSeparator(t *testing.T) {
	_, err := Open(strings.NewReader("Name|Email|Phone\nAna|ana@example.com|+1 555 0100\n"), Options{})
	if chatalott.ErrorCode(err) != chatalott.EInvalid || !strings.Contains(err.Error(), `"|"`) {
		t.Errorf("Open of a |-separated file: %v, want an error naming the separator", err)
	}
	// A real one-column file is still read.
	records, _ := readAll(t, []byte("Email\nana@example.com\n"), Options{})
	if len(records) != 1 || records[0].Err != nil {
		t.Errorf("one-column file: %d records, err %v", len(records), records[0].Err)
	}
}
