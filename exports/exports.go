// Package exports writes every contact of a workspace as JSON, CSV or
// vCard. The web export and the "chatalott export" command both run Write.
package exports

import (
	"context"
	"fmt"
	"io"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/contacts"
)

// Formats.
const (
	FormatJSON    = "json"
	FormatCSV     = "csv"
	FormatVCard   = "vcard"   // vCard 4.0
	FormatVCard30 = "vcard30" // vCard 3.0, for older address books
)

// Source streams the contacts of a workspace.
type Source interface {
	EachContact(ctx context.Context, scope chatalott.Scope, fn func(*contacts.Contact) error) error
}

// ContentType returns the media type and file extension of format.
func ContentType(format string) (string, string) {
	switch format {
	case FormatCSV:
		return "text/csv; charset=utf-8", "csv"
	case FormatVCard, FormatVCard30:
		return "text/vcard; charset=utf-8", "vcf"
	default:
		return "application/json", "json"
	}
}

// contactWriter is what every addressbook writer offers.
type contactWriter interface {
	Write(*contacts.Contact) error
	Close() error
}

// Write streams every contact of scope's workspace to w in format. CSV
// reads the workspace twice: first to size the column groups so that every
// label fits, then to write.
func Write(ctx context.Context, src Source, scope chatalott.Scope, w io.Writer, format string) (int, error) {
	var out contactWriter
	switch format {
	case FormatJSON:
		out = addressbook.NewJSONWriter(w)
	case FormatCSV:
		layout := addressbook.DefaultCSVLayout()
		err := src.EachContact(ctx, scope, func(c *contacts.Contact) error {
			layout.Fit(c)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("exports: measure contacts: %w", err)
		}
		out = addressbook.NewCSVWriter(w, layout)
	case FormatVCard, FormatVCard30:
		version := addressbook.VCard40
		if format == FormatVCard30 {
			version = addressbook.VCard30
		}
		vw, err := addressbook.NewVCardWriter(w, version)
		if err != nil {
			return 0, err
		}
		out = vw
	default:
		return 0, chatalott.Errorf(chatalott.EInvalid, "Export format %q is not known; use json, csv, vcard or vcard30.", format)
	}
	n := 0
	err := src.EachContact(ctx, scope, func(c *contacts.Contact) error {
		n++
		return out.Write(c)
	})
	if err != nil {
		return n, fmt.Errorf("exports: write contacts: %w", err)
	}
	if err := out.Close(); err != nil {
		return n, fmt.Errorf("exports: finish file: %w", err)
	}
	return n, nil
}
