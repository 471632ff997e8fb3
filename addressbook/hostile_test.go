package addressbook

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// checkRecord fails unless a record is either rejected or carries a
// contact that passes validation.
func checkRecord(t testing.TB, rec Record) {
	t.Helper()
	if rec.Err != nil {
		return
	}
	if rec.Contact == nil {
		t.Fatalf("line %d: record has neither a contact nor an error", rec.Line)
	}
	if err := rec.Contact.Validate(); err != nil {
		t.Fatalf("line %d: contact without Err fails validation: %v", rec.Line, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return chatalott.ErrorMessage(err)
}

func TestCSVInvalidUTF8InBOMFile(t *testing.T) {
	data := "\ufeffName,Email\nGood,good@example.com\nBad \xff\xfe name,bad@example.com\nAfter,after@example.com\n"
	records, r := readAll(t, []byte(data), Options{})
	if got := r.Detection().Encoding; got != EncodingUTF8 {
		t.Errorf("encoding = %q, want %q", got, EncodingUTF8)
	}
	if len(records) != 3 {
		t.Fatalf("got %d records, want 3", len(records))
	}
	if records[0].Err != nil || records[2].Err != nil {
		t.Errorf("valid rows rejected: %v, %v", records[0].Err, records[2].Err)
	}
	msg := errText(records[1].Err)
	if !strings.Contains(msg, "line 3") || !strings.Contains(msg, "not valid UTF-8") {
		t.Errorf("Err = %q, want a line 3 message about invalid UTF-8", msg)
	}
}

func TestCSVOddLengthUTF16(t *testing.T) {
	encoded, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(
		[]byte("Name,Email\nAnna,anna@example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	records, r := readAll(t, append(encoded, 'x'), Options{})
	if got := r.Detection().Encoding; got != EncodingUTF16LE {
		t.Errorf("encoding = %q, want %q", got, EncodingUTF16LE)
	}
	if len(records) == 0 {
		t.Fatal("got no records, want the row and a rejection for the cut-off character")
	}
	last := records[len(records)-1]
	if !strings.Contains(errText(last.Err), "UTF-16") {
		t.Errorf("last Err = %q, want a message about the cut-off UTF-16 character", errText(last.Err))
	}
}

func TestCSVUTF16BigEndian(t *testing.T) {
	encoded, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes(
		[]byte("Name\tEmail\nJürgen Groß\tj@example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	records, r := readAll(t, encoded, Options{})
	if d := r.Detection(); d.Encoding != EncodingUTF16BE || d.Separator != '\t' {
		t.Errorf("detection = %s %q, want %s tab", d.Encoding, d.Separator, EncodingUTF16BE)
	}
	if len(records) != 1 || records[0].Err != nil {
		t.Fatalf("records = %+v, want one contact", records)
	}
	if got := records[0].Contact.Family; got != "Groß" {
		t.Errorf("family = %q, want %q", got, "Groß")
	}
}

func TestCSVWindows1252AfterSniffedPrefix(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Email\n")
	for b.Len() < 2*sniffSize {
		b.WriteString("Ann Lee,ann@example.com\n")
	}
	latin, err := charmap.Windows1252.NewEncoder().String("Renée Café,renee@example.com\n")
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString(latin)
	records, r := readAll(t, []byte(b.String()), Options{})
	last := records[len(records)-1]
	if last.Err != nil || last.Contact.DisplayName() != "Renée Café" {
		t.Errorf("last record = %q, %v; want Renée Café", last.Contact.DisplayName(), last.Err)
	}
	if got := r.Detection().Encoding; got != EncodingWindows1252 {
		t.Errorf("encoding after reading = %q, want %q", got, EncodingWindows1252)
	}
}

func TestCSVNoDataRows(t *testing.T) {
	for _, data := range []string{"First Name,Last Name,E-mail 1 - Value\n", "Name;Email\r\n\r\n;\r\n"} {
		records, _ := readAll(t, []byte(data), Options{})
		if len(records) != 0 {
			t.Errorf("%q: got %d records, want none", data, len(records))
		}
	}
}

func TestCSVEmptyFile(t *testing.T) {
	for _, data := range []string{"", "\ufeff", " \r\n\n"} {
		if _, err := Open(strings.NewReader(data), Options{}); err == nil || !strings.Contains(errText(err), "empty") {
			t.Errorf("%q: Open error = %v, want a message that the file is empty", data, err)
		}
	}
}

func TestCSVDuplicateHeaders(t *testing.T) {
	_, err := Open(strings.NewReader("Name,Email,Phone,email\nA,a@example.com,1,b@example.com\n"), Options{})
	msg := errText(err)
	for _, want := range []string{`"Email"`, "columns 2 and 4"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Open error = %q, want it to contain %s", msg, want)
		}
	}
}

func TestCSVTruncatedQuotedField(t *testing.T) {
	data := "Name,Notes\nAnn,fine\nBob,\"a note that never"
	records, _ := readAll(t, []byte(data), Options{})
	if len(records) != 2 {
		t.Fatalf("got %d records, want 2", len(records))
	}
	if msg := errText(records[1].Err); !strings.Contains(msg, "line 3") || !strings.Contains(msg, "quote") {
		t.Errorf("Err = %q, want a line 3 message about the missing quote", msg)
	}
}

func TestCSVLongRowRejected(t *testing.T) {
	huge := strings.Repeat("x", 1_000_000) // 1 MB
	data := "Name,Notes\nAnn,short\nBob," + huge + "\nCid,after\n"
	records, _ := readAll(t, []byte(data), Options{})
	if len(records) != 3 {
		t.Fatalf("got %d records, want 3", len(records))
	}
	if msg := errText(records[1].Err); !strings.Contains(msg, "line 3") || !strings.Contains(msg, "longer than") {
		t.Errorf("Err = %q, want a line 3 message that the row is too long", msg)
	}
	if records[2].Err != nil || records[2].Contact.Given != "Cid" || records[2].Line != 4 {
		t.Errorf("row after the long one = line %d %+v, %v; want Cid on line 4", records[2].Line, records[2].Contact, records[2].Err)
	}
}

func TestCSVLongLineWithoutNewline(t *testing.T) {
	data := "Name,Notes\nBob," + strings.Repeat("y", 3<<20)
	records, _ := readAll(t, []byte(data), Options{})
	if len(records) != 1 || !strings.Contains(errText(records[0].Err), "longer than") {
		t.Fatalf("records = %d, first Err = %v; want one rejection", len(records), records)
	}
}

func TestCSVMaxRows(t *testing.T) {
	data := "Name\nA\nB\nC\n"
	r, err := Open(strings.NewReader(data), Options{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := r.Next(); err != nil {
			t.Fatalf("Next: %v", err)
		}
	}
	_, err = r.Next()
	if chatalott.ErrorCode(err) != chatalott.ETooLarge || !strings.Contains(errText(err), "more than 2") {
		t.Errorf("third Next = %v, want a too-large error naming the limit", err)
	}
	if _, again := r.Next(); again != err {
		t.Errorf("Next after the limit = %v, want the same error", again)
	}
}

func TestCSVExtraColumnsWarn(t *testing.T) {
	records, _ := readAll(t, []byte("Name,Email\nAnn,ann@example.com,oops\n"), Options{})
	if len(records) != 1 || len(records[0].Warnings) != 1 {
		t.Fatalf("records = %+v, want one record with one warning", records)
	}
}

func TestCSVMappingOverride(t *testing.T) {
	data := "Nom,Courriel,Téléphone,Couleur\nDupont,d@example.com,+33 1 00,bleu\n"
	r, err := Open(strings.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Detection().Mapping {
		if m.Target != TargetIgnore {
			t.Errorf("column %q detected as %s, want ignore", m.Header, m.Target)
		}
	}
	mapping := []ColumnMapping{
		{Index: 0, Target: TargetFamily},
		{Index: 1, Target: TargetEmail, Group: 1},
		{Index: 2, Target: TargetPhone, Group: 1, Label: "Bureau"},
		{Index: 3, Target: TargetFieldValue, Group: 1},
	}
	records, _ := readAll(t, []byte(data), Options{Mapping: mapping})
	if len(records) != 1 || records[0].Err != nil {
		t.Fatalf("records = %+v", records)
	}
	c := records[0].Contact
	if c.Family != "Dupont" || c.Emails[0].Address != "d@example.com" || c.Phones[0].Label != "Bureau" {
		t.Errorf("contact = %+v, want the overridden mapping applied", c)
	}
	if len(c.Fields) != 1 || c.Fields[0] != (contacts.Field{Label: "Couleur", Value: "bleu"}) {
		t.Errorf("fields = %+v, want Couleur: bleu", c.Fields)
	}

	_, err = Open(strings.NewReader(data), Options{Mapping: []ColumnMapping{{Index: 9, Target: TargetGiven}}})
	if !strings.Contains(errText(err), "column 9") {
		t.Errorf("Open with a bad index: %v, want an error naming column 9", err)
	}
	_, err = Open(strings.NewReader(data), Options{Mapping: []ColumnMapping{{Index: 0, Target: "shoe_size"}}})
	if !strings.Contains(errText(err), "shoe_size") {
		t.Errorf("Open with a bad target: %v, want an error naming it", err)
	}
}

func TestTargetsHaveLabels(t *testing.T) {
	seen := map[Target]bool{}
	for _, info := range Targets() {
		if info.Label == "" || seen[info.Target] {
			t.Errorf("target %q: empty label or listed twice", info.Target)
		}
		seen[info.Target] = true
	}
}

func TestCSVBirthdayFormats(t *testing.T) {
	tests := []struct {
		in, want string
		warn     bool
	}{
		{"1986-04-12", "1986-04-12", false},
		{"19860412", "1986-04-12", false},
		{"--09-30", "--09-30", false},
		{"--0930", "--09-30", false},
		{"3/14/1979", "1979-03-14", false},
		{"14/3/1979", "1979-03-14", false},
		{"3/4/1979", "1979-03-04", true},
		{"14.3.1979", "1979-03-14", false},
		{"1979-03-14T00:00:00Z", "1979-03-14", false},
		{"0/0/00", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		b, warning, err := parseCSVBirthday(tt.in, mustTime("2026-01-01"))
		if err != nil {
			t.Errorf("%q: error %v", tt.in, err)
			continue
		}
		got := ""
		if b != nil {
			got = b.String()
		}
		if got != tt.want || (warning != "") != tt.warn {
			t.Errorf("%q: got %q (warning %q), want %q (warning %v)", tt.in, got, warning, tt.want, tt.warn)
		}
	}
	for _, bad := range []string{"2/30/1990", "soon", "13/13/2000", "1/2/3"} {
		if _, _, err := parseCSVBirthday(bad, mustTime("2026-01-01")); err == nil {
			t.Errorf("%q: no error, want one", bad)
		}
	}
}

func TestVCardMissingEnd(t *testing.T) {
	data := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nN:Lee;Ann;;;\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Cho;Bo;;;\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Cut;Off;;;\r\n"
	records, _ := readAll(t, []byte(data), Options{})
	if len(records) != 3 {
		t.Fatalf("got %d records, want 3", len(records))
	}
	if !strings.Contains(errText(records[0].Err), "line 1") || !strings.Contains(errText(records[0].Err), "END:VCARD") {
		t.Errorf("first Err = %v, want a line 1 message about END:VCARD", records[0].Err)
	}
	if records[1].Err != nil || records[1].Contact.Given != "Bo" || records[1].Line != 5 {
		t.Errorf("second record = line %d %v; want Bo from line 5", records[1].Line, records[1].Err)
	}
	if !strings.Contains(errText(records[2].Err), "line 9") {
		t.Errorf("third Err = %v, want a line 9 message about the cut-off card", records[2].Err)
	}
}

// vcardWithPhoto returns a 3.0 card whose PHOTO holds size bytes of JPEG
// data, folded as Apple folds it.
func vcardWithPhoto(size int) string {
	data := make([]byte, size)
	copy(data, []byte{0xFF, 0xD8, 0xFF, 0xE0})
	encoded := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;;\r\nPHOTO;ENCODING=b;TYPE=JPEG:")
	for len(encoded) > 0 {
		n := min(74, len(encoded))
		b.WriteString(encoded[:n])
		b.WriteString("\r\n ")
		encoded = encoded[n:]
	}
	b.WriteString("\r\nEND:VCARD\r\n")
	return b.String()
}

func TestVCardOversizedPhotoDropped(t *testing.T) {
	for _, size := range []int{contacts.MaxPhotoBytes + 1, 2 << 20} {
		records, _ := readAll(t, []byte(vcardWithPhoto(size)), Options{})
		if len(records) != 1 || records[0].Err != nil {
			t.Fatalf("size %d: records = %+v, want one contact", size, records)
		}
		rec := records[0]
		if rec.Contact.Photo != nil || rec.Contact.Given != "Ann" {
			t.Errorf("size %d: photo kept or contact lost: %+v", size, rec.Contact)
		}
		if len(rec.Warnings) != 1 || !strings.Contains(rec.Warnings[0], "dropped") {
			t.Errorf("size %d: warnings = %q, want one about the dropped photo", size, rec.Warnings)
		}
	}
	records, _ := readAll(t, []byte(vcardWithPhoto(1000)), Options{})
	if records[0].Contact.Photo == nil || records[0].Contact.Photo.ContentType != "image/jpeg" {
		t.Errorf("small photo = %+v, want a JPEG", records[0].Contact.Photo)
	}
}

func TestCSVOversizedPhotoDropped(t *testing.T) {
	data := make([]byte, contacts.MaxPhotoBytes+100)
	copy(data, []byte{0xFF, 0xD8, 0xFF, 0xE0})
	csvText := "Name,Photo\nAnn Lee,\"data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(data) + "\"\n"
	records, _ := readAll(t, []byte(csvText), Options{Mapping: []ColumnMapping{
		{Index: 0, Target: TargetFullName}, {Index: 1, Target: TargetPhoto}}})
	if len(records) != 1 || records[0].Err != nil || records[0].Contact.Photo != nil || len(records[0].Warnings) != 1 {
		t.Fatalf("records = %+v, want the contact without photo and one warning", records)
	}
}

func TestVCardPhotoLinkNotFetched(t *testing.T) {
	data := "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;;;\nPHOTO;VALUE=uri:https://example.com/a.jpg\nEND:VCARD\n"
	records, _ := readAll(t, []byte(data), Options{})
	if records[0].Contact.Photo != nil || len(records[0].Warnings) != 1 || !strings.Contains(records[0].Warnings[0], "not downloaded") {
		t.Errorf("record = %+v, want no photo and a warning", records[0])
	}
}

func TestVCardLongPropertyRejected(t *testing.T) {
	data := "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;;;\nNOTE:" + strings.Repeat("n", 1_000_000) + "\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nN:Cho;Bo;;;\nEND:VCARD\n"
	records, _ := readAll(t, []byte(data), Options{})
	if len(records) != 2 {
		t.Fatalf("got %d records, want 2", len(records))
	}
	if msg := errText(records[0].Err); !strings.Contains(msg, "line 4") || !strings.Contains(msg, "NOTE") {
		t.Errorf("Err = %q, want a line 4 message naming NOTE", msg)
	}
	if records[1].Err != nil {
		t.Errorf("next card rejected: %v", records[1].Err)
	}
}

func TestVCardParsing(t *testing.T) {
	tests := []struct {
		name, card string
		check      func(c *contacts.Contact) bool
	}{
		{"qp soft break inside a character",
			"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Dvo=C5=\r\n=99=C3=A1k;Ann\r\nEND:VCARD\r\n",
			func(c *contacts.Contact) bool { return c.Family == "Dvořák" }},
		{"qp latin-1",
			"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\nEND:VCARD\r\n",
			func(c *contacts.Contact) bool { return c.Family == "Müller" && c.Given == "Jürgen" }},
		{"2.1 folding keeps the space",
			"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lee;Ann\r\nNOTE:one\r\n two\r\nEND:VCARD\r\n",
			func(c *contacts.Contact) bool { return c.Note == "one two" }},
		{"3.0 folding drops one space",
			"BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann\nNOTE:one\n two\nEND:VCARD\n",
			func(c *contacts.Contact) bool { return c.Note == "onetwo" }},
		{"escapes",
			`BEGIN:VCARD` + "\n" + `VERSION:3.0` + "\n" + `N:O\;Neil;Ann` + "\n" + `NOTE:a\,b\;c\nd\Ne\\f` + "\nEND:VCARD\n",
			func(c *contacts.Contact) bool { return c.Family == "O;Neil" && c.Note == "a,b;c\nd\ne\\f" }},
		{"type forms",
			"BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann\nTEL;TYPE=work;TYPE=fax:1\nTEL;TYPE=\"cell,voice\":2\nTEL;HOME;VOICE:3\nTEL;type=WORK,PREF:4\nEND:VCARD\n",
			func(c *contacts.Contact) bool {
				return len(c.Phones) == 4 && c.Phones[0].Label == "Work Fax" && c.Phones[1].Label == "Mobile" &&
					c.Phones[2].Label == "Home" && c.Phones[3].Label == "Work"
			}},
		{"4.0 yearless birthday with dash",
			"BEGIN:VCARD\nVERSION:4.0\nFN:Ann\nBDAY:--04-12\nEND:VCARD\n",
			func(c *contacts.Contact) bool {
				return c.Birthday != nil && c.Birthday.Year == 0 && c.Birthday.Month == 4
			}},
		{"apple omit year",
			"BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29\nEND:VCARD\n",
			func(c *contacts.Contact) bool {
				return c.Birthday != nil && *c.Birthday == contacts.Birthday{Month: 2, Day: 29}
			}},
		{"fn only",
			"BEGIN:VCARD\nVERSION:3.0\nFN:Plain Name\nEND:VCARD\n",
			func(c *contacts.Contact) bool { return c.DisplayName() == "Plain Name" }},
		{"2.1 base64 photo",
			"BEGIN:VCARD\nVERSION:2.1\nN:Lee;Ann\nPHOTO;JPEG;BASE64:\n /9j/4AAQSkZJRgABAQ\n AAAQABAAD/2w==\n\nEND:VCARD\n",
			func(c *contacts.Contact) bool { return c.Photo != nil && c.Photo.ContentType == "image/jpeg" }},
		{"4.0 data uri photo",
			"BEGIN:VCARD\nVERSION:4.0\nFN:Ann\nPHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2w==\nEND:VCARD\n",
			func(c *contacts.Contact) bool { return c.Photo != nil && c.Photo.ContentType == "image/jpeg" }},
		{"tel uri",
			"BEGIN:VCARD\nVERSION:4.0\nFN:Ann\nTEL;VALUE=uri:tel:+1-555-555-0100\nEND:VCARD\n",
			func(c *contacts.Contact) bool { return c.Phones[0].Number == "+1-555-555-0100" }},
		{"lower-case begin and garbage between cards",
			"junk line\nbegin:vcard\nversion:3.0\nn:Lee;Ann\nend:vcard\n",
			func(c *contacts.Contact) bool { return c.Given == "Ann" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			records, _ := readAll(t, []byte(tt.card), Options{Format: FormatVCard})
			if len(records) != 1 || records[0].Err != nil {
				t.Fatalf("records = %+v, want one contact", records)
			}
			if !tt.check(records[0].Contact) {
				t.Errorf("contact = %+v", records[0].Contact)
			}
		})
	}
}

func TestJSONTruncated(t *testing.T) {
	data := writeJSON(t, roundTripContacts(t))
	cut := data[:len(data)/2]
	r, err := Open(bytes.NewReader(cut), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) || !strings.Contains(errText(err), "not valid") {
				t.Errorf("final error = %v, want a message that the JSON is not valid", err)
			}
			return
		}
		checkRecord(t, rec)
	}
}

func TestJSONUnknownFieldRejected(t *testing.T) {
	data := `[{"kind":"person","given":"Ann","shoe":42},` + "\n" + `{"kind":"person","given":"Bo"}]`
	records, _ := readAll(t, []byte(data), Options{})
	if len(records) != 2 {
		t.Fatalf("got %d records, want 2", len(records))
	}
	if msg := errText(records[0].Err); !strings.Contains(msg, "shoe") || !strings.Contains(msg, "line 1") {
		t.Errorf("Err = %q, want a line 1 message naming the unknown field", msg)
	}
	if records[1].Err != nil || records[1].Line != 2 {
		t.Errorf("second record = line %d, %v; want line 2 without error", records[1].Line, records[1].Err)
	}
}

func TestJSONObjectStream(t *testing.T) {
	data := `{"kind":"person","given":"Ann"}` + "\n" + `{"kind":"person","given":"Bo"}` + "\n"
	records, _ := readAll(t, []byte(data), Options{})
	if len(records) != 2 || records[1].Contact.Given != "Bo" || records[1].Line != 2 {
		t.Fatalf("records = %+v", records)
	}
}

func TestFormulaEscaping(t *testing.T) {
	tests := []struct{ value, cell string }{
		{"=1+1", "'=1+1"},
		{"+1 555 0100", "'+1 555 0100"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'=x", "''=x"},
		{"''+x", "'''+x"},
		{"'Tis", "'Tis"},
		{"'", "'"},
		{"plain", "plain"},
		{"", ""},
		{"a=b", "a=b"},
	}
	for _, tt := range tests {
		if got := escapeFormula(tt.value); got != tt.cell {
			t.Errorf("escapeFormula(%q) = %q, want %q", tt.value, got, tt.cell)
		}
		if got := unescapeFormula(tt.cell); got != tt.value {
			t.Errorf("unescapeFormula(%q) = %q, want %q", tt.cell, got, tt.value)
		}
	}
}

func TestForeignCSVKeepsApostrophes(t *testing.T) {
	records, _ := readAll(t, []byte("First Name,Labels\n'=x,* myContacts\n"), Options{})
	if got := records[0].Contact.Given; got != "'=x" {
		t.Errorf("given = %q, want the apostrophe kept in a file Chatalott did not write", got)
	}
}

func TestHeaderAfterPreamble(t *testing.T) {
	data := "Exported by Tool X\n\"Note: some, quoted\"\n\nFull Name;E-mail;Mobile\nAnn Lee;ann@example.com;+1 555\n"
	records, r := readAll(t, []byte(data), Options{})
	d := r.Detection()
	if d.HeaderLine != 4 || d.Separator != ';' {
		t.Errorf("header line %d, separator %q; want 4 and ';'", d.HeaderLine, d.Separator)
	}
	if len(records) != 1 || records[0].Line != 5 || records[0].Contact.Family != "Lee" || records[0].Contact.Phones[0].Label != "Mobile" {
		t.Errorf("records = %+v", records)
	}
}

func mustTime(date string) time.Time {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return t
}

func TestForcedEncoding(t *testing.T) {
	latin, err := charmap.Windows1252.NewEncoder().String("Name,Email\nRenée,r@example.com\n")
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("Name,Email\nRenée,r@example.com\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ encoding, data string }{
		{"windows-1252", latin},
		{"utf-16le", utf16},
		{"UTF-8", "\ufeffName,Email\nRenée,r@example.com\n"},
	}
	for _, tt := range tests {
		records, _ := readAll(t, []byte(tt.data), Options{Encoding: tt.encoding})
		if len(records) != 1 || records[0].Err != nil || records[0].Contact.Given != "Renée" {
			t.Errorf("%s: records = %+v, want Renée", tt.encoding, records)
		}
	}
	if _, err := Open(strings.NewReader("a"), Options{Encoding: "klingon"}); !strings.Contains(errText(err), "klingon") {
		t.Errorf("unknown encoding: %v, want an error naming it", err)
	}
}
