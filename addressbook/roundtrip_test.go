package addressbook

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chatalott/chatalott/contacts"
)

// testPNG returns a small real PNG, which http.DetectContentType detects as
// image/png.
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// roundTripContacts returns contacts that together use every field, with
// non-ASCII text, line breaks, commas, semicolons, backslashes and values
// that start with = + - @ ' and contain tabs.
func roundTripContacts(t testing.TB) []*contacts.Contact {
	created := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	list := []*contacts.Contact{
		{
			ID: "0190a1b2-0000-7000-8000-000000000001", Kind: contacts.KindPerson,
			Prefix: "Dr.", Given: "Zoë", Middle: "Anne,Marie", Family: "O'Brien; Smith", Suffix: "Jr.",
			Nickname: "=cmd|' /C calc'!A0", Organization: "Fjord & Finch, Ltd.", Title: `+Head of "Sales"`,
			Department: "-R&D; Nordics", Birthday: &contacts.Birthday{Year: 1986, Month: 4, Day: 12},
			Emails: []contacts.Email{
				{Label: "Work", Address: "zoe@fjordfinch.example"},
				{Label: "home", Address: "Zoe.OBrien@Mail.Example"},
				{Label: "Work", Address: "zoe2@fjordfinch.example"},
			},
			Phones: []contacts.Phone{
				{Label: "Mobile", Number: "+1 555 0100"},
				{Label: "Mobile", Number: "+1 555 0101"},
				{Label: "Work Fax", Number: "+44 20 7946 0000"},
				{Label: "Büro", Number: "-0100"},
				{Label: "", Number: "'+33 1 00 00 00 01"},
			},
			Addresses: []contacts.Address{
				{Label: "Work", POBox: "PO 12", Extended: "Suite 4, Floor 2", Street: "1200 Market St\nFloor 4",
					City: "San Francisco", Region: "CA", PostalCode: "94103", Country: "United States"},
				{Label: "Ferienhaus", Street: "Kongens gate 5; bakgård", City: "Oslo", Country: "Norge"},
			},
			URLs: []contacts.URL{
				{Label: "LinkedIn", URL: "https://www.linkedin.com/in/x?a=1,b=2;c"},
				{Label: "", URL: "https://example.com/@me"},
			},
			Fields: []contacts.Field{
				{Label: "Connected On", Value: "14 Mar 2023"},
				{Label: "@handle", Value: "=SUM(A1)"},
				{Label: "", Value: "'quoted"},
				{Label: "Connected On", Value: "-still here\twith a tab"},
			},
			Tags:      []string{"Clients", "VIP, Gold", "=Tag", "日本", "semi;colon"},
			Note:      "Line one\nLine two, with comma; semicolon \\ backslash\n@mention\twith tab\n\n==double",
			Photo:     &contacts.Photo{ContentType: "image/png", Data: testPNG(t)},
			CreatedAt: created, UpdatedAt: created.Add(time.Hour),
		},
		{
			ID: "0190a1b2-0000-7000-8000-000000000002", Kind: contacts.KindOrganization,
			Organization: "Harbor Point Marina", Emails: []contacts.Email{{Address: "office@harborpoint.example"}},
			CreatedAt: created, UpdatedAt: created,
		},
		{
			ID: "0190a1b2-0000-7000-8000-000000000003", Kind: contacts.KindPerson,
			Given: "花子", Family: "佐藤", Birthday: &contacts.Birthday{Month: 2, Day: 29},
			Note: "'Tis the season", Phones: []contacts.Phone{{Number: "@ 81 3 0000 1111"}},
			CreatedAt: created, UpdatedAt: created,
		},
		{
			ID: "0190a1b2-0000-7000-8000-000000000004", Kind: contacts.KindPerson,
			Emails:    []contacts.Email{{Label: "Other", Address: "solo@example.com"}},
			CreatedAt: created, UpdatedAt: created,
		},
		{
			ID: "0190a1b2-0000-7000-8000-000000000005", Kind: contacts.KindPerson,
			Given: "-Minus", Family: "=Equals", Title: "@at", Nickname: "+plus", Birthday: &contacts.Birthday{Month: 12, Day: 31},
			Tags: []string{"-", "@x"}, CreatedAt: created, UpdatedAt: created,
		},
	}
	for _, c := range list {
		c.Normalize()
		if err := c.Validate(); err != nil {
			t.Fatalf("test contact %s is invalid: %v", c.DisplayName(), err)
		}
	}
	return list
}

// hostileContact puts payload in every text field, so that a test can check
// that script tags and formula prefixes come back as literal text.
func hostileContact(payload string) *contacts.Contact {
	c := &contacts.Contact{
		Kind: contacts.KindPerson, Prefix: payload, Given: payload, Middle: payload, Family: payload,
		Suffix: payload, Nickname: payload, Organization: payload, Title: payload, Department: payload,
		Emails: []contacts.Email{{Label: payload, Address: "x@example.com"}},
		Phones: []contacts.Phone{{Label: payload, Number: payload + " 555 0100"}},
		Addresses: []contacts.Address{{Label: payload, POBox: payload, Extended: payload, Street: payload,
			City: payload, Region: payload, PostalCode: payload, Country: payload}},
		URLs:   []contacts.URL{{Label: payload, URL: "https://example.com/?q=" + url.QueryEscape(payload)}},
		Fields: []contacts.Field{{Label: payload, Value: payload}},
		Tags:   []string{payload},
		Note:   payload + "\n" + payload,
	}
	c.Normalize()
	return c
}

var hostilePayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`=HYPERLINK("http://evil.example","x")`,
	`+1+cmd|' /C calc'!A0`,
	`-2+3`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	`'=already escaped`,
	`''=twice`,
	"\tx=tab",
	`\,;:\n`,
}

// exportFormats writes contacts in each export format.
var exportFormats = []struct {
	name string
	// carriesIdentity is true when the format keeps ID, CreatedAt and
	// UpdatedAt.
	carriesIdentity bool
	write           func(t testing.TB, list []*contacts.Contact) []byte
}{
	{"csv", false, writeCSV},
	{"vcard4", false, func(t testing.TB, list []*contacts.Contact) []byte { return writeVCard(t, list, VCard40) }},
	{"vcard3", false, func(t testing.TB, list []*contacts.Contact) []byte { return writeVCard(t, list, VCard30) }},
	{"json", true, writeJSON},
}

func writeCSV(t testing.TB, list []*contacts.Contact) []byte {
	t.Helper()
	var layout CSVLayout
	for _, c := range list {
		layout.Fit(c)
	}
	var buf bytes.Buffer
	w := NewCSVWriter(&buf, layout)
	for _, c := range list {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeVCard(t testing.TB, list []*contacts.Contact, version VCardVersion) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewVCardWriter(&buf, version)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeJSON(t testing.TB, list []*contacts.Contact) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewJSONWriter(&buf)
	for _, c := range list {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// comparable returns c as JSON, without the fields that the format does not
// carry. JSON marshalling treats nil and empty lists alike, as contacts do.
func comparableJSON(t testing.TB, c *contacts.Contact, carriesIdentity bool) string {
	t.Helper()
	copy := *c
	if !carriesIdentity {
		copy.ID, copy.CreatedAt, copy.UpdatedAt = "", time.Time{}, time.Time{}
	}
	data, err := json.MarshalIndent(&copy, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func checkRoundTrip(t *testing.T, data []byte, want []*contacts.Contact, carriesIdentity bool) {
	t.Helper()
	records, _ := readAll(t, data, Options{})
	if len(records) != len(want) {
		t.Fatalf("got %d records, want %d\n%s", len(records), len(want), data)
	}
	for i, rec := range records {
		if rec.Err != nil {
			t.Errorf("record %d: Err = %v", i, rec.Err)
			continue
		}
		if len(rec.Warnings) > 0 {
			t.Errorf("record %d: Warnings = %q, want none", i, rec.Warnings)
		}
		got, wantJSON := comparableJSON(t, rec.Contact, carriesIdentity), comparableJSON(t, want[i], carriesIdentity)
		if got != wantJSON {
			t.Errorf("record %d differs after the round trip\ngot  %s\nwant %s", i, got, wantJSON)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	list := roundTripContacts(t)
	for _, format := range exportFormats {
		t.Run(format.name, func(t *testing.T) {
			checkRoundTrip(t, format.write(t, list), list, format.carriesIdentity)
		})
	}
}

func TestRoundTripHostileText(t *testing.T) {
	var list []*contacts.Contact
	for _, p := range hostilePayloads {
		c := hostileContact(p)
		if err := c.Validate(); err != nil {
			t.Fatalf("hostile contact %q is invalid: %v", p, err)
		}
		list = append(list, c)
	}
	for _, format := range exportFormats {
		t.Run(format.name, func(t *testing.T) {
			checkRoundTrip(t, format.write(t, list), list, format.carriesIdentity)
		})
	}
}

func TestRoundTripSamples(t *testing.T) {
	exp := loadExpected(t)
	var list []*contacts.Contact
	for name := range exp.Files {
		records, _ := readAll(t, mustRead(t, "testdata/samples/"+name), Options{})
		for _, rec := range records {
			list = append(list, rec.Contact)
		}
	}
	for _, format := range exportFormats {
		t.Run(format.name, func(t *testing.T) {
			checkRoundTrip(t, format.write(t, list), list, format.carriesIdentity)
		})
	}
}

func TestCSVExportEscapesFormulas(t *testing.T) {
	c := &contacts.Contact{Kind: contacts.KindPerson, Given: "=1+1", Phones: []contacts.Phone{{Number: "+1 555 0100"}}}
	rows, err := csv.NewReader(bytes.NewReader(writeCSV(t, []*contacts.Contact{c}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want a header and one contact", len(rows))
	}
	for _, cell := range []string{"'=1+1", "'+1 555 0100"} {
		if !slices.Contains(rows[1], cell) {
			t.Errorf("row %q lacks cell %q", rows[1], cell)
		}
	}
}

func TestVCardFolding(t *testing.T) {
	c := &contacts.Contact{Kind: contacts.KindPerson, Given: "Zoë",
		Note: strings.Repeat("ß日本語テキスト", 40)}
	for _, version := range []VCardVersion{VCard30, VCard40} {
		data := writeVCard(t, []*contacts.Contact{c}, version)
		if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
			t.Errorf("%s: a line ends in LF without CR", version)
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
			if len(line) > maxLineOctets {
				t.Errorf("%s: line %d is %d octets, want at most %d", version, i+1, len(line), maxLineOctets)
			}
			if !utf8ValidString(line) {
				t.Errorf("%s: line %d splits a UTF-8 character: %q", version, i+1, line)
			}
		}
	}
}

func utf8ValidString(s string) bool { return utf8.ValidString(s) }

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
