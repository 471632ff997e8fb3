// Package companies holds the company record, its validation rules and the
// service that creates, reads, updates, deletes and lists companies inside
// one workspace, and links contacts to them.
//
// Companies and deals are separate packages, as contacts is: each domain
// package holds one record type with its rules, deals refer to companies
// by id, and an import never runs from companies to deals.
package companies

import (
	"strings"
	"time"

	"github.com/chatalott/chatalott/contacts"
)

// SubjectType names companies where another record attaches to a record of
// any kind by type and id, such as a timeline entry or a follow-up.
const SubjectType = "company"

// Company is an organization that a workspace does business with.
type Company struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"-"`
	Name        string `json:"name"`
	// Website is an http or https URL, or a bare domain such as
	// "example.com", stored in lower case.
	Website   string             `json:"website,omitempty"`
	Addresses []contacts.Address `json:"addresses,omitempty"`
	Phones    []contacts.Phone   `json:"phones,omitempty"`
	Tags      []string           `json:"tags,omitempty"`
	Note      string             `json:"note,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NameKey returns the folded name that finding a company by name compares,
// so "ACME gmbh" finds "Acme GmbH".
func (c *Company) NameKey() string { return NameKey(c.Name) }

// NameKey folds a company name as contacts.Fold does.
func NameKey(name string) string { return contacts.Fold(name) }

// SearchText returns the folded text that a company search matches: the
// name and the website.
func (c *Company) SearchText() string {
	return contacts.Fold(c.Name + " " + c.Website)
}

// WebsiteURL returns the website as a link target: the URL itself, or
// https:// followed by a bare domain. It returns "" when there is no website.
func (c *Company) WebsiteURL() string {
	switch {
	case c.Website == "":
		return ""
	case strings.Contains(c.Website, "://"):
		return c.Website
	default:
		return "https://" + c.Website
	}
}
