// Package msgtemplates holds message templates: a name, a subject and a
// plain-text body with {{variable}} references, rendered for one contact.
// A template is personal (seen and edited only by its owner) or shared
// with every member of its workspace.
package msgtemplates

import (
	"strings"
	"time"

	"github.com/chatalott/chatalott"
)

// Size limits, in characters.
const (
	MaxNameChars    = 200
	MaxSubjectChars = 200
	MaxBodyChars    = 20_000
)

// Template is one message template of a workspace.
type Template struct {
	ID          string
	WorkspaceID string
	// OwnerUserID is the user who alone sees a personal template, and ""
	// for a template shared with the whole workspace.
	OwnerUserID string
	Name        string
	Subject     string
	Body        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Shared reports whether every member of the workspace sees t.
func (t *Template) Shared() bool { return t.OwnerUserID == "" }

// Normalize trims the name and subject and turns CRLF line ends into LF.
func (t *Template) Normalize() {
	t.Name = strings.TrimSpace(t.Name)
	t.Subject = strings.TrimSpace(t.Subject)
	t.Body = strings.ReplaceAll(t.Body, "\r\n", "\n")
}

// Validate checks the sizes of t's fields and parses its subject and body.
// It returns chatalott.ValidationErrors naming the fields "name",
// "subject" and "body".
func (t *Template) Validate() error {
	var errs chatalott.ValidationErrors
	switch n := charCount(t.Name); {
	case n == 0:
		errs = append(errs, chatalott.FieldError("name", "Name is missing: give the template a name."))
	case n > MaxNameChars:
		errs = append(errs, chatalott.FieldError("name", "Name is %d characters long; the maximum is %d.", n, MaxNameChars))
	}

	switch n := charCount(t.Subject); {
	case n > MaxSubjectChars:
		errs = append(errs, chatalott.FieldError("subject", "Subject is %d characters long; the maximum is %d.", n, MaxSubjectChars))
	case strings.ContainsAny(t.Subject, "\r\n"):
		errs = append(errs, chatalott.FieldError("subject", "Subject must be one line: remove its line breaks."))
	default:
		if _, err := Parse(t.Subject); err != nil {
			errs = append(errs, chatalott.FieldError("subject", "%s", err.Error()))
		}
	}

	switch n := charCount(t.Body); {
	case strings.TrimSpace(t.Body) == "":
		errs = append(errs, chatalott.FieldError("body", "Body is missing: write the text of the message."))
	case n > MaxBodyChars:
		errs = append(errs, chatalott.FieldError("body", "Body is %d characters long; the maximum is %d.", n, MaxBodyChars))
	default:
		if _, err := Parse(t.Body); err != nil {
			errs = append(errs, chatalott.FieldError("body", "%s", err.Error()))
		}
	}
	return errs.Err()
}
