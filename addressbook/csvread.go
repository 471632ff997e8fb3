package addressbook

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatalott/chatalott/contacts"
)

// multiValueSeparator joins several values in one Google Contacts cell.
const multiValueSeparator = " ::: "

// csvSource reads the data rows of a CSV file with encoding/csv.
type csvSource struct {
	decoder   *textDecoder
	limiter   *recordLimiter
	reader    *csv.Reader
	separator rune
	// structureOnly skips building contacts; see Options.StructureOnly.
	structureOnly bool
	// lineBase is the number of file lines before the current csv.Reader
	// started, because a new csv.Reader is started after an oversized row.
	lineBase int
	// nextLine is the line after the last row read, for errors that
	// encoding/csv reports without a position.
	nextLine int

	headers          []string
	mapping          []ColumnMapping
	multiValue       bool // split cells on multiValueSeparator (Google)
	unescapeFormulas bool // undo escapeFormula (Chatalott's export)
	oddReported      bool
}

func (s *csvSource) restart() {
	s.reader = csv.NewReader(s.limiter)
	s.reader.Comma = s.separator
	s.reader.FieldsPerRecord = -1
	s.reader.ReuseRecord = true
	s.lineBase = s.limiter.newlines
	s.nextLine = s.lineBase + 1
}

// afterRecord notes where the row just read ends and restarts the size cap.
func (s *csvSource) afterRecord(fields []string) {
	s.limiter.mark()
	if len(fields) == 0 {
		return
	}
	last, _ := s.reader.FieldPos(len(fields) - 1)
	s.nextLine = s.lineBase + last + strings.Count(fields[len(fields)-1], "\n") + 1
}

func (s *csvSource) next() (Record, error) {
	for {
		fields, err := s.reader.Read()
		switch {
		case errors.Is(err, io.EOF):
			if s.decoder.oddUTF16() && !s.oddReported {
				s.oddReported = true
				return Record{Line: s.nextLine, Err: rowError(s.nextLine,
					"the file ends in the middle of a UTF-16 character, so it is cut off or damaged; export it again.")}, nil
			}
			return Record{}, io.EOF
		case errors.Is(err, errRecordTooLong):
			line := s.nextLine
			if err := s.limiter.skipLine(); err != nil && !errors.Is(err, io.EOF) {
				return Record{}, readError(err)
			}
			s.restart()
			// NOTE: when the oversized row is a quoted field spanning lines,
			// reading resumes inside that field, and its remaining lines may
			// be rejected as rows of their own.
			return Record{Line: line, Err: rowError(line,
				"the row is longer than %d bytes; shorten its fields or split them, as one row can hold at most %d KiB.",
				s.limiter.max, s.limiter.max>>10)}, nil
		}
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			line := s.lineBase + parseErr.StartLine
			s.nextLine = s.lineBase + parseErr.Line + 1
			s.limiter.mark()
			return Record{Line: line, Err: csvSyntaxError(line, parseErr)}, nil
		}
		if err != nil {
			return Record{}, readError(err)
		}

		first, _ := s.reader.FieldPos(0)
		line := s.lineBase + first
		s.afterRecord(fields)
		if blankRow(fields) {
			continue
		}
		if s.structureOnly {
			return Record{Line: line}, nil
		}
		return s.rowToRecord(fields, line), nil
	}
}

func csvSyntaxError(line int, err *csv.ParseError) error {
	switch {
	case errors.Is(err.Err, csv.ErrQuote):
		return rowError(line, "a quoted field has no closing quote, or a stray quote inside it; "+
			"double every quote inside a quoted field (\"\") and close the field. If this is the last row, the file may be cut off.")
	case errors.Is(err.Err, csv.ErrBareQuote):
		// err.Column counts characters from the start of the line, not fields.
		return rowError(line, "character %d of the row is a quote inside a field that does not start with one; "+
			"put the whole field in double quotes and double the quote inside it.", err.Column)
	}
	return rowError(line, "the row is not valid CSV (%v); check its quotes and separators.", err.Err)
}

func blankRow(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// entryKind is the list of the contact that a grouped target adds to.
type entryKind int

const (
	entryEmail entryKind = iota
	entryPhone
	entryAddress
	entryURL
	entryField
)

func entryKindOf(t Target) (entryKind, bool) {
	switch t {
	case TargetEmail, TargetEmailLabel:
		return entryEmail, true
	case TargetPhone, TargetPhoneLabel:
		return entryPhone, true
	case TargetURL, TargetURLLabel:
		return entryURL, true
	case TargetFieldValue, TargetFieldLabel:
		return entryField, true
	case TargetAddressLabel, TargetAddressFormatted, TargetAddressStreet, TargetAddressExtended,
		TargetAddressPOBox, TargetAddressCity, TargetAddressRegion, TargetAddressPostalCode, TargetAddressCountry:
		return entryAddress, true
	}
	return 0, false
}

func isLabelTarget(t Target) bool {
	switch t {
	case TargetEmailLabel, TargetPhoneLabel, TargetURLLabel, TargetFieldLabel, TargetAddressLabel:
		return true
	}
	return false
}

// entryGroup collects the cells of one group of grouped columns.
type entryGroup struct {
	kind         entryKind
	label        string // from a label column
	hasLabelCol  bool
	defaultLabel string                // ColumnMapping.Label of the first value column
	header       string                // header of the first value column
	values       map[Target][][]string // per target, per column, the values of the cell
}

type groupKey struct {
	kind  entryKind
	group int
}

// rowToRecord builds a contact from one data row with the column mapping.
func (s *csvSource) rowToRecord(fields []string, line int) Record {
	rec := Record{Line: line}
	for i, f := range fields {
		if !utf8.ValidString(f) {
			header := ""
			if i < len(s.headers) {
				header = s.headers[i]
			}
			rec.Err = rowError(line, "column %d (%q) is not valid UTF-8 text; save the file as UTF-8 and import it again.", i+1, header)
			return rec
		}
	}
	if len(fields) > len(s.headers) {
		rec.Warnings = append(rec.Warnings, fmt.Sprintf(
			"the row has %d columns but the header row has %d, so the extra columns were not imported; check for an unquoted separator",
			len(fields), len(s.headers)))
	}

	c := &contacts.Contact{}
	var fullName string
	groups := map[groupKey]*entryGroup{}
	var order []groupKey
	for _, m := range s.mapping {
		if m.Index >= len(fields) || m.Target == TargetIgnore {
			continue
		}
		cell := fields[m.Index]
		if s.unescapeFormulas {
			cell = unescapeFormula(cell)
		}
		if kind, ok := entryKindOf(m.Target); ok {
			key := groupKey{kind, m.Group}
			g := groups[key]
			if g == nil {
				g = &entryGroup{kind: kind, values: map[Target][][]string{}}
				groups[key] = g
				order = append(order, key)
			}
			if isLabelTarget(m.Target) {
				g.hasLabelCol = true
				if label := cleanGoogleLabel(cell); label != "" && g.label == "" {
					g.label = label
				}
				continue
			}
			if g.header == "" {
				g.header, g.defaultLabel = m.Header, m.Label
			}
			g.values[m.Target] = append(g.values[m.Target], s.splitCell(cell))
			continue
		}
		if strings.TrimSpace(cell) == "" {
			continue
		}
		warning := s.setSingle(c, m, cell, &fullName)
		if warning != "" {
			rec.Warnings = append(rec.Warnings, warning)
		}
	}
	for _, key := range order {
		addEntries(c, groups[key])
	}
	if fullName != "" && c.Name() == "" {
		c.Given, c.Family = splitFullName(fullName)
	}
	rec.Contact = c
	return rec
}

func (s *csvSource) splitCell(cell string) []string {
	if s.multiValue && strings.Contains(cell, multiValueSeparator) {
		return strings.Split(cell, multiValueSeparator)
	}
	return []string{cell}
}

// cleanGoogleLabel removes the "* " that Google puts before the label of a
// primary entry ("* Work").
func cleanGoogleLabel(label string) string {
	label = strings.TrimSpace(label)
	return strings.TrimSpace(strings.TrimPrefix(label, "* "))
}

// setSingle stores a cell of a target that is not grouped and returns a
// warning when the value could not be used.
func (s *csvSource) setSingle(c *contacts.Contact, m ColumnMapping, cell string, fullName *string) string {
	joinTo := func(p *string, sep string) {
		if *p == "" {
			*p = cell
		} else {
			*p += sep + cell
		}
	}
	switch m.Target {
	case TargetPrefix:
		joinTo(&c.Prefix, " ")
	case TargetGiven:
		joinTo(&c.Given, " ")
	case TargetMiddle:
		joinTo(&c.Middle, " ")
	case TargetFamily:
		joinTo(&c.Family, " ")
	case TargetSuffix:
		joinTo(&c.Suffix, " ")
	case TargetFullName:
		joinTo(fullName, " ")
	case TargetNickname:
		joinTo(&c.Nickname, " ")
	case TargetOrganization:
		joinTo(&c.Organization, " ")
	case TargetTitle:
		joinTo(&c.Title, " ")
	case TargetDepartment:
		joinTo(&c.Department, " ")
	case TargetNote:
		joinTo(&c.Note, "\n")
	case TargetTags:
		c.Tags = append(c.Tags, parseTags(cell)...)
	case TargetBirthday:
		b, warning, err := parseCSVBirthday(cell, time.Now())
		if err != nil {
			return err.Error() + "; the birthday was not imported"
		}
		c.Birthday = b
		return warning
	case TargetKind:
		switch strings.ToLower(strings.TrimSpace(cell)) {
		case contacts.KindOrganization, "org", "company":
			c.Kind = contacts.KindOrganization
		case contacts.KindPerson, "individual":
			c.Kind = contacts.KindPerson
		default:
			return fmt.Sprintf("kind %q is not known, so the contact was imported as a person; use %q or %q",
				cell, contacts.KindPerson, contacts.KindOrganization)
		}
	case TargetPhoto:
		photo, warning := decodePhotoValue(cell, false)
		if photo != nil {
			c.Photo = photo
		}
		return warning
	}
	return ""
}

// parseTags reads a tag cell. Google's form "* myContacts ::: Clients ::: VIP"
// marks system groups with a leading "* ". Every Google contact is in
// "* myContacts", so that group is dropped, and other system groups keep
// their name. Other cells list tags separated by commas or semicolons.
func parseTags(cell string) []string {
	cell = strings.TrimSpace(cell)
	var parts []string
	if strings.HasPrefix(cell, "* ") || strings.Contains(cell, multiValueSeparator) {
		parts = strings.Split(cell, multiValueSeparator)
	} else {
		parts = strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == ';' })
	}
	var tags []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if system, ok := strings.CutPrefix(p, "* "); ok {
			if strings.EqualFold(strings.TrimSpace(system), "myContacts") {
				continue
			}
			p = strings.TrimSpace(system)
		}
		if p != "" {
			tags = append(tags, p)
		}
	}
	return tags
}

// addEntries adds the emails, phones, addresses, URLs or fields of one group
// to c. A cell split into several values gives several entries with the
// group's label.
func addEntries(c *contacts.Contact, g *entryGroup) {
	label := g.label
	if label == "" {
		label = g.defaultLabel
	}
	if g.kind == entryAddress {
		addAddresses(c, g, label)
		return
	}
	valueTarget := TargetFieldValue
	switch g.kind {
	case entryEmail:
		valueTarget = TargetEmail
	case entryPhone:
		valueTarget = TargetPhone
	case entryURL:
		valueTarget = TargetURL
	}
	if g.kind == entryField && label == "" && !g.hasLabelCol {
		label = g.header
	}
	for _, column := range g.values[valueTarget] {
		for _, v := range column {
			if strings.TrimSpace(v) == "" {
				continue
			}
			switch g.kind {
			case entryEmail:
				c.Emails = append(c.Emails, contacts.Email{Label: label, Address: v})
			case entryPhone:
				c.Phones = append(c.Phones, contacts.Phone{Label: label, Number: v})
			case entryURL:
				c.URLs = append(c.URLs, contacts.URL{Label: label, URL: v})
			case entryField:
				c.Fields = append(c.Fields, contacts.Field{Label: label, Value: v})
			}
		}
	}
}

// addAddresses builds the addresses of one group. The n-th value of each
// component column belongs to the n-th address; several columns of one
// component (Outlook's "Business Street 2") are joined by line breaks. The
// formatted text is used as the street only when every component is empty.
func addAddresses(c *contacts.Contact, g *entryGroup, label string) {
	count := 0
	for _, columns := range g.values {
		for _, values := range columns {
			count = max(count, len(values))
		}
	}
	component := func(t Target, n int) string {
		var lines []string
		for _, values := range g.values[t] {
			if n < len(values) && strings.TrimSpace(values[n]) != "" {
				lines = append(lines, values[n])
			}
		}
		return strings.Join(lines, "\n")
	}
	for n := range count {
		a := contacts.Address{
			Label:      label,
			POBox:      component(TargetAddressPOBox, n),
			Extended:   component(TargetAddressExtended, n),
			Street:     component(TargetAddressStreet, n),
			City:       component(TargetAddressCity, n),
			Region:     component(TargetAddressRegion, n),
			PostalCode: component(TargetAddressPostalCode, n),
			Country:    component(TargetAddressCountry, n),
		}
		if a.IsEmpty() {
			a.Street = component(TargetAddressFormatted, n)
		}
		if !a.IsEmpty() {
			c.Addresses = append(c.Addresses, a)
		}
	}
}

// splitFullName splits a name from a single "Name" column. "Family, Given"
// splits at the comma; otherwise the last word is the family name. A name of
// one word is a given name.
func splitFullName(name string) (given, family string) {
	name = strings.TrimSpace(name)
	if before, after, ok := strings.Cut(name, ","); ok {
		return strings.TrimSpace(after), strings.TrimSpace(before)
	}
	i := strings.LastIndexAny(name, " \t")
	if i < 0 {
		return name, ""
	}
	return strings.TrimSpace(name[:i]), strings.TrimSpace(name[i+1:])
}
