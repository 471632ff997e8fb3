package companies

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"golang.org/x/net/idna"
)

// Limits on one company, the same as on one contact.
const (
	MaxTextLen   = contacts.MaxTextLen
	MaxNoteLen   = contacts.MaxNoteLen
	MaxListItems = contacts.MaxListItems
)

// Normalize trims surrounding space, lower-cases a bare domain, and drops
// blank list entries and duplicate tags, so that equal input is stored
// equally.
func (c *Company) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.Website = strings.TrimSpace(c.Website)
	if c.Website != "" && !strings.Contains(c.Website, "://") {
		c.Website = strings.TrimSuffix(strings.ToLower(c.Website), "/")
	}
	c.Note = strings.TrimSpace(strings.ReplaceAll(c.Note, "\r\n", "\n"))

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

	c.Tags = contacts.NormalizeTags(c.Tags)
}

// Validate checks c after Normalize and returns every problem found, each
// naming its field and the fix.
func (c *Company) Validate() error {
	var errs chatalott.ValidationErrors
	add := func(field, format string, args ...any) {
		errs = append(errs, chatalott.FieldError(field, format, args...))
	}
	text := func(field, label, value string, max int) {
		if err := contacts.CheckText(field, label, value, max); err != nil {
			errs = append(errs, err)
		}
	}

	if c.Name == "" {
		add("name", "Name is missing; enter the company's name.")
	}
	text("name", "Name", c.Name, MaxTextLen)
	text("note", "Note", c.Note, MaxNoteLen)
	if c.Website != "" {
		if err := checkWebsite(c.Website); err != nil {
			add("website", "%s", err)
		}
	}

	for _, l := range []struct {
		field string
		n     int
	}{{"phones", len(c.Phones)}, {"addresses", len(c.Addresses)}, {"tags", len(c.Tags)}} {
		if l.n > MaxListItems {
			add(l.field, "%d entries in %s; keep at most %d.", l.n, l.field, MaxListItems)
		}
	}
	for i, p := range c.Phones {
		field := fmt.Sprintf("phones.%d", i)
		text(field, "Phone label", p.Label, MaxTextLen)
		text(field, "Phone number", p.Number, 64)
		if !strings.ContainsAny(p.Number, "0123456789") {
			add(field, "Phone number %q has no digits; enter a number such as +1 555 010 2233.", p.Number)
		}
	}
	for i, a := range c.Addresses {
		field := fmt.Sprintf("addresses.%d", i)
		for _, v := range []string{a.Label, a.POBox, a.Extended, a.Street, a.City, a.Region, a.PostalCode, a.Country} {
			text(field, "Address", v, MaxTextLen)
		}
	}
	for i, t := range c.Tags {
		text(fmt.Sprintf("tags.%d", i), "Tag", t, 100)
	}
	return errs.Err()
}

// checkWebsite accepts an http or https URL with a host, or a bare domain
// name of at least two labels. Other schemes (javascript:, data:) are
// rejected, so the website can be shown as a link that never runs script.
func checkWebsite(raw string) error {
	if len(raw) > 2048 {
		return fmt.Errorf("Website %.40q… is longer than 2048 characters; shorten it.", raw)
	}
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return fmt.Errorf("Website %q is not a web address; write it as https://example.com or example.com.", raw)
		}
		return nil
	}
	if !isDomain(raw) {
		return fmt.Errorf("Website %q is neither a web address nor a domain name; write it as https://example.com or example.com.", raw)
	}
	return nil
}

// isDomain reports whether s is a domain name of at least two labels, each
// 1 to 63 letters, digits or inner hyphens once converted to ASCII
// (internationalised names are accepted through IDNA).
func isDomain(s string) bool {
	ascii, err := idna.Lookup.ToASCII(s)
	if err != nil || len(ascii) > 253 {
		return false
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return false
	}
	for _, label := range labels {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.Trim(tld, "0123456789") != ""
}
