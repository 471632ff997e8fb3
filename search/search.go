// Package search finds contacts, companies and deals of one workspace by
// name, email, phone digits, organization and tags, and builds the index
// documents that the storage layer keeps for each record.
package search

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
)

// MaxResults is the number of results one search returns.
const MaxResults = 50

// MaxQueryLen is the longest query, in characters, that a search accepts.
const MaxQueryLen = 200

// Ranks, best first. Within a rank, contacts come before companies and
// companies before deals, then names in folded order.
const (
	// RankExact is a folded name equal to the query, or an email address
	// equal to it.
	RankExact = 0
	// RankPrefix is a name, or any word of the document, that starts with
	// the query.
	RankPrefix = 1
	// RankSubstring is a document that contains every word of the query.
	RankSubstring = 2
)

// Document is the index row of one record.
type Document struct {
	Subject chatalott.Subject
	// Title and Detail are what a result shows: a name, and an
	// organization, website or company.
	Title  string
	Detail string
	// NameKey is the folded title, compared for an exact match.
	NameKey string
	// Emails are normalized addresses separated by spaces.
	Emails string
	// Text is the folded text a search matches: names, emails,
	// organization, tags, website, and phone numbers as digits only.
	Text string
}

// Result is one match.
type Result struct {
	Subject chatalott.Subject
	Title   string
	Detail  string
	Rank    int
}

// Query is a search prepared for the store.
type Query struct {
	// Folded is the whole query folded like Document.Text.
	Folded string
	// Words must each occur in Document.Text. A query written like a
	// phone number is one word of its digits.
	Words []string
	// Email is the query lower-cased, for an exact email match.
	Email string
}

// Store runs searches on the index.
type Store interface {
	// Search returns up to limit documents of scope's workspace that
	// contain every word of q, ordered by rank, then contacts, companies
	// and deals, then name.
	Search(ctx context.Context, scope chatalott.Scope, q Query, limit int) ([]Result, error)
}

// Service searches a workspace.
type Service struct {
	Store Store
}

// Search returns the best MaxResults matches of text in scope's workspace.
// An empty query returns no results; a query over MaxQueryLen characters is
// an EInvalid error naming the field q.
func (s *Service) Search(ctx context.Context, scope chatalott.Scope, text string) ([]Result, error) {
	if n := utf8.RuneCountInString(text); n > MaxQueryLen {
		return nil, chatalott.FieldError("q", "The search is %d characters long; shorten it to at most %d.", n, MaxQueryLen)
	}
	q := Prepare(text)
	if len(q.Words) == 0 {
		return nil, nil
	}
	return s.Store.Search(ctx, scope, q, MaxResults)
}

// Prepare folds text into a Query.
func Prepare(text string) Query {
	text = strings.TrimSpace(text)
	q := Query{Folded: contacts.Fold(text), Email: strings.ToLower(text)}
	if digits, ok := phoneDigits(text); ok {
		q.Words = []string{digits}
		return q
	}
	q.Words = strings.Fields(q.Folded)
	return q
}

// phoneDigits returns the digits of text when text looks like a phone
// number: at least three digits, and otherwise only spaces and the
// punctuation that phone numbers are written with.
func phoneDigits(text string) (string, bool) {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+()-./ ", r):
		default:
			return "", false
		}
	}
	return b.String(), b.Len() >= 3
}

// joinText folds and joins parts, skipping empty ones.
func joinText(parts ...string) string {
	var folded []string
	for _, p := range parts {
		if f := contacts.Fold(p); f != "" {
			folded = append(folded, f)
		}
	}
	return strings.Join(folded, " ")
}

// ContactDocument returns the index row of c.
func ContactDocument(c *contacts.Contact) Document {
	parts := []string{c.SearchText(), c.Department, c.Title}
	parts = append(parts, c.Tags...)
	var emails []string
	for _, e := range c.Emails {
		emails = append(emails, accounts.NormalizeEmail(e.Address))
	}
	var phones []string
	for _, p := range c.Phones {
		if d := contacts.Digits(p.Number); d != "" {
			phones = append(phones, d)
		}
	}
	return Document{
		Subject: chatalott.Subject{Type: chatalott.SubjectContact, ID: c.ID},
		Title:   c.DisplayName(),
		Detail:  c.Organization,
		NameKey: contacts.Fold(c.DisplayName()),
		Emails:  strings.Join(emails, " "),
		Text:    strings.TrimSpace(joinText(parts...) + " " + strings.Join(phones, " ")),
	}
}

// CompanyDocument returns the index row of c.
func CompanyDocument(c *companies.Company) Document {
	parts := append([]string{c.Name, c.Website}, c.Tags...)
	var phones []string
	for _, p := range c.Phones {
		if d := contacts.Digits(p.Number); d != "" {
			phones = append(phones, d)
		}
	}
	return Document{
		Subject: chatalott.Subject{Type: chatalott.SubjectCompany, ID: c.ID},
		Title:   c.Name,
		Detail:  c.Website,
		NameKey: c.NameKey(),
		Text:    strings.TrimSpace(joinText(parts...) + " " + strings.Join(phones, " ")),
	}
}

// DealDocument returns the index row of d. A result shows the deal's
// company, which the store reads when it searches, so renaming the company
// needs no change here.
func DealDocument(d *deals.Deal) Document {
	return Document{
		Subject: chatalott.Subject{Type: chatalott.SubjectDeal, ID: d.ID},
		Title:   d.Title,
		NameKey: contacts.Fold(d.Title),
		Text:    joinText(d.Title),
	}
}
