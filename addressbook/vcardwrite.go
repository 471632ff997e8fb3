package addressbook

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chatalott/chatalott/contacts"
)

// VCardVersion is a vCard version that VCardWriter writes.
type VCardVersion string

// Versions that VCardWriter writes.
const (
	VCard30 VCardVersion = "3.0" // RFC 2426, read by most address books
	VCard40 VCardVersion = "4.0" // RFC 6350
)

// maxLineOctets is the longest line of a written card, without its CRLF, as
// RFC 6350 section 3.2 recommends. vCard 3.0 uses the same limit.
const maxLineOctets = 75

// VCardWriter writes contacts as vCards with CRLF line ends, folded at 75
// octets without splitting a UTF-8 character.
//
// Labels are written as TYPE values when those read back to the same label
// (TYPE=work for "Work", TYPE=cell for "Mobile"), and otherwise also as an
// X-ABLabel property in the same group, the form Apple and Google use.
// Custom fields are X-CHATALOTT-FIELD properties labelled the same way.
// A birthday without a year is BDAY:--MMDD in 4.0 and BDAY:--MM-DD in 3.0,
// so no reader sees a made-up year. The kind is KIND:org in 4.0 and Apple's
// X-ABShowAs:COMPANY in 3.0. The photo is inline: a data: URI in 4.0,
// ENCODING=b in 3.0.
//
// ID, creation and update times are not written. A lone carriage return in
// a value is written as a line break.
type VCardWriter struct {
	w       *bufio.Writer
	version VCardVersion
	line    strings.Builder
}

// NewVCardWriter returns a writer of vCards of the given version to w.
func NewVCardWriter(w io.Writer, version VCardVersion) (*VCardWriter, error) {
	if version != VCard30 && version != VCard40 {
		return nil, fmt.Errorf("addressbook: vCard version %q is not supported; use %q or %q", version, VCard30, VCard40)
	}
	return &VCardWriter{w: bufio.NewWriter(w), version: version}, nil
}

// Write writes one contact as one card.
func (vw *VCardWriter) Write(c *contacts.Contact) error {
	v4 := vw.version == VCard40
	vw.property("", "BEGIN", "", "VCARD")
	vw.property("", "VERSION", "", string(vw.version))
	if c.Kind == contacts.KindOrganization {
		if v4 {
			vw.property("", "KIND", "", "org")
		} else {
			vw.property("", "X-ABShowAs", "", "COMPANY")
		}
	}
	vw.property("", "FN", "", escapeText(c.DisplayName()))
	if c.Name() != "" || !v4 {
		vw.property("", "N", "", strings.Join([]string{escapeText(c.Family), escapeText(c.Given),
			escapeText(c.Middle), escapeText(c.Prefix), escapeText(c.Suffix)}, ";"))
	}
	if c.Nickname != "" {
		vw.property("", "NICKNAME", "", escapeText(c.Nickname))
	}
	if c.Organization != "" || c.Department != "" {
		org := escapeText(c.Organization)
		if c.Department != "" {
			org += ";" + escapeText(c.Department)
		}
		vw.property("", "ORG", "", org)
	}
	if c.Title != "" {
		vw.property("", "TITLE", "", escapeText(c.Title))
	}
	if c.Birthday != nil {
		vw.property("", "BDAY", "", vw.birthday(*c.Birthday))
	}

	item := 0
	labelled := func(name, label, params, value string, extraTypes ...string) {
		types := append(extraTypes, typesForLabel(label)...)
		if len(types) > 0 {
			if v4 {
				params += ";TYPE=" + strings.Join(types, ",")
			} else {
				params += ";TYPE=" + strings.ToUpper(strings.Join(types, ","))
			}
		}
		if label == "" || labelFromTypes(typesForLabel(label)) == label {
			vw.property("", name, params, value)
			return
		}
		item++
		group := "item" + strconv.Itoa(item)
		vw.property(group, name, params, value)
		vw.property(group, "X-ABLabel", "", escapeText(label))
	}

	for _, e := range c.Emails {
		var extra []string
		if !v4 {
			extra = []string{"internet"}
		}
		labelled("EMAIL", e.Label, "", escapeText(e.Address), extra...)
	}
	for _, p := range c.Phones {
		params := ""
		if v4 {
			params = ";VALUE=text" // the number as written, not a tel: URI
		}
		labelled("TEL", p.Label, params, escapeText(p.Number))
	}
	for _, a := range c.Addresses {
		value := strings.Join([]string{escapeText(a.POBox), escapeText(a.Extended), escapeText(a.Street),
			escapeText(a.City), escapeText(a.Region), escapeText(a.PostalCode), escapeText(a.Country)}, ";")
		labelled("ADR", a.Label, "", value)
	}
	for _, u := range c.URLs {
		labelled("URL", u.Label, "", escapeText(u.URL))
	}
	for _, f := range c.Fields {
		item++
		group := "item" + strconv.Itoa(item)
		vw.property(group, "X-CHATALOTT-FIELD", "", escapeText(f.Value))
		if f.Label != "" {
			vw.property(group, "X-ABLabel", "", escapeText(f.Label))
		}
	}
	if len(c.Tags) > 0 {
		tags := make([]string, len(c.Tags))
		for i, t := range c.Tags {
			tags[i] = escapeText(t)
		}
		vw.property("", "CATEGORIES", "", strings.Join(tags, ","))
	}
	if c.Note != "" {
		vw.property("", "NOTE", "", escapeText(c.Note))
	}
	if c.Photo != nil {
		if v4 {
			vw.property("", "PHOTO", "", photoDataURI(c.Photo))
		} else {
			subtype := strings.ToUpper(strings.TrimPrefix(c.Photo.ContentType, "image/"))
			vw.property("", "PHOTO", ";ENCODING=b;TYPE="+subtype, base64.StdEncoding.EncodeToString(c.Photo.Data))
		}
	}
	vw.property("", "END", "", "VCARD")
	return vw.w.Flush()
}

// Close flushes. It does not close the underlying writer.
func (vw *VCardWriter) Close() error { return vw.w.Flush() }

func (vw *VCardWriter) birthday(b contacts.Birthday) string {
	switch {
	case b.Year != 0:
		return fmt.Sprintf("%04d-%02d-%02d", b.Year, b.Month, b.Day)
	case vw.version == VCard40:
		return fmt.Sprintf("--%02d%02d", b.Month, b.Day)
	}
	return fmt.Sprintf("--%02d-%02d", b.Month, b.Day)
}

// property writes one content line, folded. value must be escaped already.
func (vw *VCardWriter) property(group, name, params, value string) {
	vw.line.Reset()
	if group != "" {
		vw.line.WriteString(group)
		vw.line.WriteByte('.')
	}
	vw.line.WriteString(name)
	vw.line.WriteString(params)
	vw.line.WriteByte(':')
	vw.line.WriteString(value)
	writeFolded(vw.w, vw.line.String())
}

// writeFolded writes line with CRLF, breaking it before 75 octets at a
// character boundary. Each continuation line starts with one space, which
// counts toward its 75 octets and which unfolding removes.
func writeFolded(w *bufio.Writer, line string) {
	limit := maxLineOctets
	for len(line) > limit {
		cut := limit
		for cut > limit-utf8.UTFMax && !utf8.RuneStart(line[cut]) {
			cut--
		}
		if !utf8.RuneStart(line[cut]) {
			cut = limit // invalid UTF-8: no character to keep whole
		}
		w.WriteString(line[:cut])
		w.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLineOctets - 1
	}
	w.WriteString(line)
	w.WriteString("\r\n")
}

// escapeText escapes a text value: backslash, comma, semicolon and line
// breaks (RFC 6350 section 3.4). A CRLF or a lone CR becomes \n.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "\\,;\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ',', ';':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\n`)
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// labelTypes maps the words of a label to TYPE values, the reverse of
// typeLabels for the values that RFC 6350 and RFC 2426 define.
var labelTypes = map[string]string{
	"Work": "work", "Home": "home", "Mobile": "cell", "Fax": "fax", "Pager": "pager",
	"Video": "video", "Textphone": "textphone", "Car": "car", "ISDN": "isdn", "Modem": "modem",
	"BBS": "bbs", "Message": "msg",
}

// typesForLabel returns the TYPE values for a label made only of words in
// labelTypes, and nil for any other label.
func typesForLabel(label string) []string {
	words := strings.Fields(label)
	if len(words) == 0 {
		return nil
	}
	types := make([]string, 0, len(words))
	for _, w := range words {
		t, ok := labelTypes[w]
		if !ok {
			return nil
		}
		types = append(types, t)
	}
	return types
}
