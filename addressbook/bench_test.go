package addressbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/chatalott/chatalott/contacts"
)

// googleCSV returns a Google Contacts CSV of n generated rows.
func googleCSV(b testing.TB, n int) []byte {
	layout := CSVLayout{Emails: 2, Phones: 2, Addresses: 1, URLs: 1}
	var buf bytes.Buffer
	w := NewCSVWriter(&buf, layout)
	for i := range n {
		c := &contacts.Contact{
			Kind: contacts.KindPerson, Given: fmt.Sprintf("Given%d", i), Family: "Família", Organization: "Brightwater, Ltd.",
			Title: "Head of Procurement", Birthday: &contacts.Birthday{Year: 1980 + i%30, Month: 1 + i%12, Day: 1 + i%28},
			Emails:    []contacts.Email{{Label: "Work", Address: fmt.Sprintf("p%d@example.com", i)}, {Label: "Home", Address: fmt.Sprintf("h%d@example.org", i)}},
			Phones:    []contacts.Phone{{Label: "Mobile", Number: "+351 912 345 678"}, {Label: "Work", Number: "+351 21 000 1234"}},
			Addresses: []contacts.Address{{Label: "Work", Street: "Rua das Flores 12", City: "Lisboa", PostalCode: "1200-195", Country: "Portugal"}},
			URLs:      []contacts.URL{{Label: "Profile", URL: "https://example.com/team"}},
			Tags:      []string{"Clients"},
			Note:      "Met at the trade fair.\nPrefers calls after 3pm.",
		}
		if err := w.Write(c); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkReadGoogleCSV10k(b *testing.B) {
	data := googleCSV(b, 10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || rec.Err != nil {
				b.Fatalf("row %d: %v %v", rows, err, rec.Err)
			}
			rows++
		}
		if rows != 10_000 {
			b.Fatalf("read %d rows, want 10000", rows)
		}
	}
}
