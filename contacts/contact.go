// Package contacts holds the contact record, its validation rules and the
// service that creates, reads, updates, deletes and searches contacts inside
// one workspace.
package contacts

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Kinds of contact. A contact of kind KindOrganization stands for a company
// rather than a person (vCard 4.0 KIND:org).
const (
	KindPerson       = "person"
	KindOrganization = "organization"
)

// Contact is one person or organization in a workspace's address book.
type Contact struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"-"`
	Kind        string `json:"kind"`

	Prefix   string `json:"prefix,omitempty"`
	Given    string `json:"given,omitempty"`
	Middle   string `json:"middle,omitempty"`
	Family   string `json:"family,omitempty"`
	Suffix   string `json:"suffix,omitempty"`
	Nickname string `json:"nickname,omitempty"`

	Organization string `json:"organization,omitempty"`
	Title        string `json:"title,omitempty"`
	Department   string `json:"department,omitempty"`

	Birthday *Birthday `json:"birthday,omitempty"`

	Emails    []Email   `json:"emails,omitempty"`
	Phones    []Phone   `json:"phones,omitempty"`
	Addresses []Address `json:"addresses,omitempty"`
	URLs      []URL     `json:"urls,omitempty"`
	// Fields are labelled values with no dedicated column, such as
	// LinkedIn's "Connected On".
	Fields []Field  `json:"fields,omitempty"`
	Tags   []string `json:"tags,omitempty"`
	Note   string   `json:"note,omitempty"`
	// Photo is the contact's picture, nil when there is none.
	Photo *Photo `json:"photo,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Email is an email address with an optional label such as "work".
type Email struct {
	Label   string `json:"label,omitempty"`
	Address string `json:"address"`
}

// Phone is a phone number kept exactly as written, with an optional label.
type Phone struct {
	Label  string `json:"label,omitempty"`
	Number string `json:"number"`
}

// Address is a postal address split into the components that vCard ADR uses.
type Address struct {
	Label      string `json:"label,omitempty"`
	POBox      string `json:"po_box,omitempty"`
	Extended   string `json:"extended,omitempty"`
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

// URL is a web address with an optional label.
type URL struct {
	Label string `json:"label,omitempty"`
	URL   string `json:"url"`
}

// MaxPhotoBytes is the largest picture a contact keeps. An import drops a
// larger photo and keeps the contact.
const MaxPhotoBytes = 256 << 10

// Photo is an image in one of the formats that browsers show (JPEG, PNG, GIF, WebP).
type Photo struct {
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// Field is a labelled free-text value.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// IsEmpty reports whether every component of a is blank.
func (a Address) IsEmpty() bool {
	return strings.TrimSpace(a.POBox+a.Extended+a.Street+a.City+a.Region+a.PostalCode+a.Country) == ""
}

// Lines returns the non-empty components of a in postal order, for display.
func (a Address) Lines() []string {
	var lines []string
	for _, s := range []string{a.POBox, a.Street, a.Extended} {
		if s != "" {
			lines = append(lines, s)
		}
	}
	cityLine := strings.TrimSpace(strings.Join(nonEmpty(a.PostalCode, a.City, a.Region), " "))
	if cityLine != "" {
		lines = append(lines, cityLine)
	}
	if a.Country != "" {
		lines = append(lines, a.Country)
	}
	return lines
}

// Name returns the formatted full name: prefix, given, middle, family and
// suffix joined by spaces. Names written in Chinese, Japanese or Korean
// script put the family name first ("佐藤 花子"), as those languages do.
func (c *Contact) Name() string {
	if familyNameFirst(c.Given, c.Family) {
		return strings.Join(nonEmpty(c.Prefix, c.Family, c.Given, c.Middle, c.Suffix), " ")
	}
	return strings.Join(nonEmpty(c.Prefix, c.Given, c.Middle, c.Family, c.Suffix), " ")
}

// familyNameFirst reports whether given and family are both set and every
// letter in them is Han, Hiragana, Katakana or Hangul.
func familyNameFirst(given, family string) bool {
	if strings.TrimSpace(given) == "" || strings.TrimSpace(family) == "" {
		return false
	}
	for _, r := range given + family {
		if unicode.IsLetter(r) && !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return false
		}
	}
	return true
}

// DisplayName returns the best label for c: the full name, else the
// nickname, the organization, the first email, or "Unnamed contact".
func (c *Contact) DisplayName() string {
	if n := c.Name(); n != "" {
		return n
	}
	if c.Nickname != "" {
		return c.Nickname
	}
	if c.Organization != "" {
		return c.Organization
	}
	if len(c.Emails) > 0 {
		return c.Emails[0].Address
	}
	return "Unnamed contact"
}

// SortKey returns the key the contact list is ordered by: the family name
// first, folded like search text so that case and accents do not change the
// order.
func (c *Contact) SortKey() string {
	key := strings.Join(nonEmpty(c.Family, c.Given, c.Middle), " ")
	if key == "" {
		key = c.DisplayName()
	}
	return Fold(key)
}

// SearchText returns the folded text that a search matches against: every
// name part, the organization and every email address.
func (c *Contact) SearchText() string {
	parts := []string{c.Prefix, c.Given, c.Middle, c.Family, c.Suffix, c.Nickname, c.Organization}
	for _, e := range c.Emails {
		parts = append(parts, e.Address)
	}
	return Fold(strings.Join(nonEmpty(parts...), " "))
}

// Birthday is a date of birth whose year may be unknown. Year 0 means the
// year is not known; it is never replaced by a made-up year.
type Birthday struct {
	Year  int `json:"year,omitempty"`
	Month int `json:"month"`
	Day   int `json:"day"`
}

// String formats b as YYYY-MM-DD, or as --MM-DD when the year is unknown
// (the vCard 4.0 form).
func (b Birthday) String() string {
	if b.Year == 0 {
		return fmt.Sprintf("--%02d-%02d", b.Month, b.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", b.Year, b.Month, b.Day)
}

// Display formats b for people: "12 April 1986", or "29 February"
// without a year.
func (b Birthday) Display() string {
	if b.Month < 1 || b.Month > 12 {
		return b.String()
	}
	s := fmt.Sprintf("%d %s", b.Day, time.Month(b.Month))
	if b.Year != 0 {
		s += fmt.Sprintf(" %d", b.Year)
	}
	return s
}

// Valid reports whether b is a real calendar date. Without a year,
// February 29 is allowed.
func (b Birthday) Valid() bool {
	if b.Month < 1 || b.Month > 12 || b.Day < 1 {
		return false
	}
	year := b.Year
	if year == 0 {
		year = 2000 // a leap year, so that --02-29 is accepted
	}
	if year < 1 || year > 9999 {
		return false
	}
	t := time.Date(year, time.Month(b.Month), b.Day, 0, 0, 0, 0, time.UTC)
	return t.Day() == b.Day && int(t.Month()) == b.Month
}

// ParseBirthday parses YYYY-MM-DD, YYYYMMDD, --MM-DD or --MMDD.
func ParseBirthday(s string) (Birthday, error) {
	s = strings.TrimSpace(s)
	var b Birthday
	var err error
	switch {
	case strings.HasPrefix(s, "--"):
		rest := strings.ReplaceAll(s[2:], "-", "")
		_, err = fmt.Sscanf(rest, "%2d%2d", &b.Month, &b.Day)
		if len(rest) != 4 {
			err = fmt.Errorf("want 4 digits after --")
		}
	default:
		digits := strings.ReplaceAll(s, "-", "")
		_, err = fmt.Sscanf(digits, "%4d%2d%2d", &b.Year, &b.Month, &b.Day)
		if len(digits) != 8 || b.Year == 0 {
			err = fmt.Errorf("want YYYY-MM-DD")
		}
	}
	if err != nil || !b.Valid() {
		return Birthday{}, fmt.Errorf("contacts: invalid birthday %q: write it as YYYY-MM-DD, or --MM-DD without a year", s)
	}
	return b, nil
}

func nonEmpty(values ...string) []string {
	out := values[:0:0]
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
