package addressbook

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chatalott/chatalott/contacts"
)

// vcardSource reads vCard 2.1, 3.0 and 4.0 cards one at a time.
type vcardSource struct {
	lines *vcardLines
	// maxCardBytes caps the property text kept for one card.
	maxCardBytes int
	// begin is a BEGIN:VCARD line that ended the previous card early.
	begin *logicalLine
}

func newVCardSource(r *bufio.Reader, maxLineBytes int) *vcardSource {
	return &vcardSource{
		lines:        &vcardLines{r: r, max: maxLineBytes},
		maxCardBytes: 4 * maxLineBytes,
	}
}

func isBegin(l logicalLine) bool { return strings.EqualFold(strings.TrimSpace(l.text), "BEGIN:VCARD") }
func isEnd(l logicalLine) bool   { return strings.EqualFold(strings.TrimSpace(l.text), "END:VCARD") }

func (s *vcardSource) next() (Record, error) {
	begin, err := s.findBegin()
	if err != nil {
		return Record{}, err
	}
	rec := Record{Line: begin.line}
	version := ""
	var props []property
	size := 0
	tooLarge := false
	for {
		l, err := s.lines.next(version)
		if errors.Is(err, io.EOF) {
			rec.Err = rowError(rec.Line, "the card that starts here has no END:VCARD line, so the file may be cut off; export it again.")
			return rec, nil
		}
		if err != nil {
			return Record{}, readError(err)
		}
		if isEnd(l) {
			break
		}
		if isBegin(l) {
			s.begin = &l
			rec.Err = rowError(rec.Line, "the card that starts here has no END:VCARD line before the next BEGIN:VCARD; add END:VCARD at its end.")
			return rec, nil
		}
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		p, err := parseProperty(l)
		if err != nil {
			rec.Warnings = append(rec.Warnings, fmt.Sprintf(
				"line %d: %.40q is not a vCard property (NAME:value), so it was skipped", l.line, l.text))
			continue
		}
		if p.name == "VERSION" {
			version = strings.TrimSpace(p.value)
		}
		if p.name == "PHOTO" && p.tooLong {
			p.value = "" // kept only to report the dropped photo
		}
		size += len(p.value)
		if size > s.maxCardBytes {
			tooLarge = true
			continue
		}
		props = append(props, p)
	}
	if tooLarge {
		rec.Err = rowError(rec.Line, "the card is larger than %d KiB; remove large values such as long notes from it.", s.maxCardBytes>>10)
		return rec, nil
	}
	c, warnings, err := cardToContact(props, s.lines.max)
	rec.Warnings = append(rec.Warnings, warnings...)
	if err != nil {
		rec.Err = err
		return rec, nil
	}
	rec.Contact = c
	return rec, nil
}

// findBegin skips to the next BEGIN:VCARD line. Text between cards is
// ignored.
func (s *vcardSource) findBegin() (logicalLine, error) {
	if s.begin != nil {
		l := *s.begin
		s.begin = nil
		return l, nil
	}
	for {
		l, err := s.lines.next("")
		if err != nil {
			return logicalLine{}, readError(err)
		}
		if isBegin(l) {
			return l, nil
		}
	}
}

// cardToContact maps the properties of one card to a contact.
func cardToContact(props []property, maxLineBytes int) (*contacts.Contact, []string, error) {
	var warnings []string
	warn := func(p property, format string, args ...any) {
		warnings = append(warnings, fmt.Sprintf("line %d: ", p.line)+fmt.Sprintf(format, args...))
	}

	// Apple and Google label a grouped property with X-ABLabel in the same
	// group (item1.EMAIL with item1.X-ABLabel), wherever it appears.
	groupLabels := map[string]string{}
	for _, p := range props {
		if p.name == "X-ABLABEL" && p.group != "" {
			groupLabels[p.group] = appleLabel(unescapeText(p.value))
		}
	}
	label := func(p property) string {
		if l, ok := groupLabels[p.group]; ok && p.group != "" {
			return l
		}
		return labelFromTypes(p.types())
	}

	c := &contacts.Contact{}
	var fullName string
	for _, p := range props {
		if p.tooLong {
			if p.name == "PHOTO" {
				warn(p, "the photo was dropped because it is larger than %d KiB; the largest photo kept is %d KiB",
					maxLineBytes*3/4>>10, contacts.MaxPhotoBytes>>10)
				continue
			}
			return nil, warnings, rowError(p.line, "the %s value is longer than %d KiB; shorten it.", p.name, maxLineBytes>>10)
		}
		if w := p.decodeTransfer(); w != "" {
			warn(p, "%s", w)
		}
		switch p.name {
		case "N":
			parts := splitRaw(p.value, ';')
			for len(parts) < 5 {
				parts = append(parts, "")
			}
			c.Family, c.Given, c.Middle = joinNameList(parts[0]), joinNameList(parts[1]), joinNameList(parts[2])
			c.Prefix, c.Suffix = joinNameList(parts[3]), joinNameList(parts[4])
		case "FN":
			fullName = unescapeText(p.value)
		case "NICKNAME":
			if c.Nickname == "" {
				c.Nickname = unescapeText(p.value)
			}
		case "ORG":
			parts := splitEscaped(p.value, ';')
			c.Organization = parts[0]
			c.Department = strings.Join(nonBlank(parts[1:]), ", ")
		case "TITLE":
			c.Title = unescapeText(p.value)
		case "ROLE":
			if c.Title == "" {
				c.Title = unescapeText(p.value)
			}
		case "EMAIL":
			address := unescapeText(p.value)
			if rest, ok := cutPrefixFold(address, "mailto:"); ok {
				address = rest
			}
			c.Emails = append(c.Emails, contacts.Email{Label: label(p), Address: address})
		case "TEL":
			c.Phones = append(c.Phones, contacts.Phone{Label: label(p), Number: telNumber(unescapeText(p.value))})
		case "ADR":
			parts := splitEscaped(p.value, ';')
			for len(parts) < 7 {
				parts = append(parts, "")
			}
			c.Addresses = append(c.Addresses, contacts.Address{Label: label(p), POBox: parts[0], Extended: parts[1],
				Street: parts[2], City: parts[3], Region: parts[4], PostalCode: parts[5], Country: parts[6]})
		case "URL":
			c.URLs = append(c.URLs, contacts.URL{Label: label(p), URL: unescapeText(p.value)})
		case "NOTE":
			if c.Note != "" {
				c.Note += "\n"
			}
			c.Note += unescapeText(p.value)
		case "BDAY":
			b, err := parseVCardBirthday(unescapeText(p.value), p.param("X-APPLE-OMIT-YEAR"))
			if err != nil {
				warn(p, "%v; the birthday was not imported", err)
				continue
			}
			c.Birthday = b
		case "KIND", "X-ADDRESSBOOKSERVER-KIND":
			switch kind := strings.ToLower(strings.TrimSpace(p.value)); kind {
			case "org", "organization":
				c.Kind = contacts.KindOrganization
			case "individual", "":
				c.Kind = contacts.KindPerson
			default:
				warn(p, "KIND:%s is not a person or an organization, so the card was imported as a person", kind)
			}
		case "X-ABSHOWAS":
			if strings.EqualFold(strings.TrimSpace(p.value), "COMPANY") {
				c.Kind = contacts.KindOrganization
			}
		case "CATEGORIES":
			c.Tags = append(c.Tags, splitEscaped(p.value, ',')...)
		case "PHOTO":
			if c.Photo != nil {
				continue
			}
			encoding := strings.ToUpper(p.param("ENCODING"))
			photo, w := decodePhotoValue(p.value, encoding == "B" || encoding == "BASE64")
			if w != "" {
				warn(p, "%s", w)
			}
			c.Photo = photo
		case "X-CHATALOTT-FIELD":
			c.Fields = append(c.Fields, contacts.Field{Label: groupLabels[p.group], Value: unescapeText(p.value)})
		case "ANNIVERSARY", "X-ANNIVERSARY":
			c.Fields = append(c.Fields, contacts.Field{Label: "Anniversary", Value: unescapeText(p.value)})
		case "IMPP":
			c.Fields = append(c.Fields, contacts.Field{Label: "IM", Value: unescapeText(p.value)})
		case "X-ABRELATEDNAMES", "RELATED":
			fieldLabel := label(p)
			if fieldLabel == "" {
				fieldLabel = "Related"
			}
			c.Fields = append(c.Fields, contacts.Field{Label: fieldLabel, Value: unescapeText(p.value)})
		}
	}

	// FN is a display form of N, so it is used only when N gives no name.
	// A card written for a contact without a name carries its display name
	// (the organization or first email) in FN, which must not become a name.
	if c.Name() == "" && strings.TrimSpace(fullName) != "" && fullName != c.DisplayName() {
		c.Given = fullName
	}
	return c, warnings, nil
}

// joinNameList unescapes one N component and joins its comma-separated
// values with spaces, as in "Luis,Maria" for two middle names.
func joinNameList(component string) string {
	return strings.Join(nonBlank(splitEscaped(component, ',')), " ")
}

func nonBlank(values []string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if hasPrefixFold(s, prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// telNumber turns a 4.0 tel: URI into the number it names. Other values are
// returned as written.
func telNumber(value string) string {
	rest, ok := cutPrefixFold(strings.TrimSpace(value), "tel:")
	if !ok {
		return value
	}
	if unescaped, err := url.PathUnescape(rest); err == nil {
		rest = unescaped
	}
	return rest
}

// appleLabel turns Apple's built-in label form "_$!<Work>!$_" into "Work".
func appleLabel(label string) string {
	if inner, ok := strings.CutPrefix(label, "_$!<"); ok {
		if inner, ok := strings.CutSuffix(inner, ">!$_"); ok {
			return inner
		}
	}
	return label
}

// typeLabels maps TYPE values to labels. Values in typesWithoutLabel, which
// describe how to use an entry (pref, internet, voice), give no label.
var typeLabels = map[string]string{
	"work": "Work", "home": "Home", "cell": "Mobile", "mobile": "Mobile", "fax": "Fax", "pager": "Pager",
	"other": "Other", "main": "Main", "video": "Video", "textphone": "Textphone", "iphone": "iPhone",
	"car": "Car", "isdn": "ISDN", "modem": "Modem", "bbs": "BBS", "msg": "Message",
}

var typesWithoutLabel = map[string]bool{
	"pref": true, "internet": true, "x400": true, "voice": true, "text": true,
	"dom": true, "intl": true, "postal": true, "parcel": true, "x-internet": true,
}

// labelFromTypes builds a label from TYPE values, such as "Work Fax" from
// TYPE=work,fax. Unknown values keep their spelling with an upper-case first
// letter.
func labelFromTypes(types []string) string {
	var words []string
	for _, t := range types {
		if typesWithoutLabel[t] || strings.HasPrefix(t, "pref=") {
			continue
		}
		word, ok := typeLabels[t]
		if !ok {
			word = strings.TrimPrefix(t, "x-")
			if word == "" {
				continue
			}
			first, size := utf8.DecodeRuneInString(word)
			word = string(unicode.ToUpper(first)) + word[size:]
		}
		words = append(words, word)
	}
	return strings.Join(words, " ")
}
