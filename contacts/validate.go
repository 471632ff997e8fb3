package contacts

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
)

// Limits on one contact. They keep a single record small enough to render
// and export quickly; imports report a row that breaks them instead of
// truncating it.
const (
	MaxTextLen   = 500     // characters in a name part, organization, title, label or tag
	MaxNoteLen   = 100_000 // characters in the note
	MaxListItems = 50      // entries in each of emails, phones, addresses, URLs, fields and tags
)

// CheckText returns a field error when value, a text field called label,
// is not valid UTF-8, is longer than max characters or contains a NUL
// character, and nil otherwise.
func CheckText(field, label, value string, max int) *chatalott.Error {
	switch {
	case !utf8.ValidString(value):
		return chatalott.FieldError(field, "%s is not valid UTF-8 text; re-enter it.", label)
	case utf8.RuneCountInString(value) > max:
		return chatalott.FieldError(field, "%s is %d characters long; shorten it to at most %d.", label, utf8.RuneCountInString(value), max)
	case strings.ContainsRune(value, 0):
		return chatalott.FieldError(field, "%s contains a NUL character; remove it.", label)
	}
	return nil
}

// NormalizeTags trims tags and drops blank ones and those equal to an
// earlier one after Fold, keeping the first spelling.
func NormalizeTags(tags []string) []string {
	seen := make(map[string]bool, len(tags))
	out := tags[:0]
	for _, t := range tags {
		t = strings.TrimSpace(t)
		key := Fold(t)
		if t == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
	}
	return out
}

// Normalize trims surrounding space, drops blank list entries and duplicate
// tags, and sets the kind, so that equal input is stored equally.
func (c *Contact) Normalize() {
	for _, p := range []*string{&c.Prefix, &c.Given, &c.Middle, &c.Family, &c.Suffix, &c.Nickname,
		&c.Organization, &c.Title, &c.Department} {
		*p = strings.TrimSpace(*p)
	}
	c.Note = strings.TrimSpace(strings.ReplaceAll(c.Note, "\r\n", "\n"))
	if c.Kind == "" {
		c.Kind = KindPerson
	}

	emails := c.Emails[:0]
	for _, e := range c.Emails {
		e.Label, e.Address = strings.TrimSpace(e.Label), strings.TrimSpace(e.Address)
		if e.Address != "" {
			emails = append(emails, e)
		}
	}
	c.Emails = emails

	phones := c.Phones[:0]
	for _, p := range c.Phones {
		p.Label, p.Number = strings.TrimSpace(p.Label), strings.TrimSpace(p.Number)
		if p.Number != "" {
			phones = append(phones, p)
		}
	}
	c.Phones = phones

	addresses := c.Addresses[:0]
	for _, a := range c.Addresses {
		for _, p := range []*string{&a.Label, &a.POBox, &a.Extended, &a.Street, &a.City, &a.Region, &a.PostalCode, &a.Country} {
			*p = strings.TrimSpace(*p)
		}
		if !a.IsEmpty() {
			addresses = append(addresses, a)
		}
	}
	c.Addresses = addresses

	urls := c.URLs[:0]
	for _, u := range c.URLs {
		u.Label, u.URL = strings.TrimSpace(u.Label), strings.TrimSpace(u.URL)
		if u.URL != "" {
			urls = append(urls, u)
		}
	}
	c.URLs = urls

	fields := c.Fields[:0]
	for _, f := range c.Fields {
		f.Label, f.Value = strings.TrimSpace(f.Label), strings.TrimSpace(f.Value)
		if f.Value != "" {
			fields = append(fields, f)
		}
	}
	c.Fields = fields

	c.Tags = NormalizeTags(c.Tags)
}

// Validate checks c after Normalize and returns every problem found, each
// naming its field and the fix.
func (c *Contact) Validate() error {
	var errs chatalott.ValidationErrors
	add := func(field, format string, args ...any) {
		errs = append(errs, chatalott.FieldError(field, format, args...))
	}
	text := func(field, label, value string, max int) {
		if err := CheckText(field, label, value, max); err != nil {
			errs = append(errs, err)
		}
	}

	if c.Kind != KindPerson && c.Kind != KindOrganization {
		add("kind", "Kind %q is not known; use %q or %q.", c.Kind, KindPerson, KindOrganization)
	}
	for _, f := range []struct{ field, label, value string }{
		{"prefix", "Name prefix", c.Prefix}, {"given", "Given name", c.Given}, {"middle", "Middle name", c.Middle},
		{"family", "Family name", c.Family}, {"suffix", "Name suffix", c.Suffix}, {"nickname", "Nickname", c.Nickname},
		{"organization", "Organization", c.Organization}, {"title", "Title", c.Title}, {"department", "Department", c.Department},
	} {
		text(f.field, f.label, f.value, MaxTextLen)
	}
	text("note", "Note", c.Note, MaxNoteLen)
	if c.Name() == "" && c.Nickname == "" && c.Organization == "" && len(c.Emails) == 0 && len(c.Phones) == 0 {
		add("given", "A contact needs a name, an organization, an email or a phone number; fill in at least one.")
	}
	if c.Birthday != nil && !c.Birthday.Valid() {
		add("birthday", "Birthday %s is not a real date; give year (optional), month and day of an existing date.", c.Birthday)
	}

	lists := []struct {
		field string
		n     int
	}{{"emails", len(c.Emails)}, {"phones", len(c.Phones)}, {"addresses", len(c.Addresses)},
		{"urls", len(c.URLs)}, {"fields", len(c.Fields)}, {"tags", len(c.Tags)}}
	for _, l := range lists {
		if l.n > MaxListItems {
			add(l.field, "%d entries in %s; keep at most %d.", l.n, l.field, MaxListItems)
		}
	}

	for i, e := range c.Emails {
		field := fmt.Sprintf("emails.%d", i)
		text(field, "Email label", e.Label, MaxTextLen)
		if err := checkEmail(e.Address); err != nil {
			add(field, "%s", err)
		}
	}
	for i, p := range c.Phones {
		field := fmt.Sprintf("phones.%d", i)
		text(field, "Phone label", p.Label, MaxTextLen)
		text(field, "Phone number", p.Number, 64)
		if Digits(p.Number) == "" {
			add(field, "Phone number %q has no digits; enter a number such as +1 555 010 2233.", p.Number)
		}
	}
	for i, a := range c.Addresses {
		field := fmt.Sprintf("addresses.%d", i)
		for _, v := range []string{a.Label, a.POBox, a.Extended, a.Street, a.City, a.Region, a.PostalCode, a.Country} {
			text(field, "Address", v, MaxTextLen)
		}
	}
	for i, u := range c.URLs {
		field := fmt.Sprintf("urls.%d", i)
		text(field, "URL label", u.Label, MaxTextLen)
		if err := checkURL(u.URL); err != nil {
			add(field, "%s", err)
		}
	}
	for i, f := range c.Fields {
		field := fmt.Sprintf("fields.%d", i)
		text(field, "Field label", f.Label, MaxTextLen)
		text(field, "Field value", f.Value, MaxTextLen*4)
	}
	if c.Photo != nil {
		switch {
		case len(c.Photo.Data) > MaxPhotoBytes:
			add("photo", "Photo is %d bytes; use a picture of at most %d bytes.", len(c.Photo.Data), MaxPhotoBytes)
		case !allowedPhotoTypes[c.Photo.ContentType]:
			add("photo", "Photo type %q is not supported; use JPEG, PNG, GIF or WebP.", c.Photo.ContentType)
		}
	}
	for i, t := range c.Tags {
		text(fmt.Sprintf("tags.%d", i), "Tag", t, 100)
	}
	return errs.Err()
}

var allowedPhotoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

func checkEmail(address string) error {
	if len(address) > 254 {
		return fmt.Errorf("Email %.40q… is longer than 254 characters; check the address.", address)
	}
	parsed, err := mail.ParseAddress(address)
	if err != nil || parsed.Address != address || parsed.Name != "" {
		return fmt.Errorf("Email %q is not a valid address; write it as name@example.com.", address)
	}
	return nil
}

// checkURL accepts only http and https URLs with a host, so that a stored URL
// can be shown as a link without ever running script (javascript:, data:).
func checkURL(raw string) error {
	if len(raw) > 2048 {
		return fmt.Errorf("URL %.40q… is longer than 2048 characters; shorten it.", raw)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("URL %q is not a web address; write it as https://example.com/….", raw)
	}
	return nil
}

// Digits returns only the ASCII digits of s, the form in which phone
// numbers are compared and searched.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
