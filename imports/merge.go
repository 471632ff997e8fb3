package imports

import (
	"slices"
	"strings"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
)

// Merge copies an imported row into an existing contact under the "update"
// duplicate rule: every non-empty single value of row replaces the one in
// dst, and list entries that dst lacks are appended (emails compared
// case-insensitively, phones by their digits). Nothing in dst is removed.
func Merge(dst, row *contacts.Contact) {
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&dst.Prefix, row.Prefix}, {&dst.Given, row.Given}, {&dst.Middle, row.Middle}, {&dst.Family, row.Family},
		{&dst.Suffix, row.Suffix}, {&dst.Nickname, row.Nickname}, {&dst.Organization, row.Organization},
		{&dst.Title, row.Title}, {&dst.Department, row.Department}, {&dst.Note, row.Note},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	if row.Kind == contacts.KindOrganization {
		dst.Kind = row.Kind
	}
	if row.Birthday != nil {
		b := *row.Birthday
		dst.Birthday = &b
	}
	if row.Photo != nil {
		dst.Photo = row.Photo
	}
	dst.Emails = appendMissing(dst.Emails, row.Emails, func(e contacts.Email) string { return accounts.NormalizeEmail(e.Address) })
	dst.Phones = appendMissing(dst.Phones, row.Phones, func(p contacts.Phone) string { return contacts.Digits(p.Number) })
	dst.Addresses = appendMissing(dst.Addresses, row.Addresses, func(a contacts.Address) string {
		return contacts.Fold(strings.Join(a.Lines(), " "))
	})
	dst.URLs = appendMissing(dst.URLs, row.URLs, func(u contacts.URL) string { return u.URL })
	dst.Fields = appendMissing(dst.Fields, row.Fields, func(f contacts.Field) string { return f.Label + "\x00" + f.Value })
	dst.Tags = appendMissing(dst.Tags, row.Tags, contacts.Fold)
}

func appendMissing[T any](dst, src []T, key func(T) string) []T {
	have := make(map[string]bool, len(dst))
	for _, v := range dst {
		have[key(v)] = true
	}
	for _, v := range src {
		if k := key(v); !have[k] {
			have[k] = true
			dst = append(dst, v)
		}
	}
	return dst
}

// cloneContact returns a copy of c whose lists can change without
// changing c.
func cloneContact(c *contacts.Contact) *contacts.Contact {
	d := *c
	d.Emails = slices.Clone(c.Emails)
	d.Phones = slices.Clone(c.Phones)
	d.Addresses = slices.Clone(c.Addresses)
	d.URLs = slices.Clone(c.URLs)
	d.Fields = slices.Clone(c.Fields)
	d.Tags = slices.Clone(c.Tags)
	return &d
}
