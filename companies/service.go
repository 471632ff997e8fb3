package companies

import (
	"context"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// PageSize is the number of companies on one page of the list.
const PageSize = 50

// MaxPeople is the number of linked contacts a company page shows.
const MaxPeople = 200

// ListQuery selects a page of companies.
type ListQuery struct {
	// Search is matched, folded, against the name and the website.
	Search string
	// Page counts from 1.
	Page int
}

// ListResult is one page of companies and whether another page follows.
type ListResult struct {
	Companies []*Company
	Page      int
	HasNext   bool
}

// Store persists companies and the link from a contact to its company.
// Every method is limited to scope.WorkspaceID; a company or contact of
// another workspace is reported as chatalott.ENotFound.
type Store interface {
	CreateCompany(ctx context.Context, scope chatalott.Scope, c *Company) error
	GetCompany(ctx context.Context, scope chatalott.Scope, id string) (*Company, error)
	UpdateCompany(ctx context.Context, scope chatalott.Scope, c *Company) error
	// DeleteCompany removes the company and clears it from every contact
	// and deal that named it, in one transaction.
	DeleteCompany(ctx context.Context, scope chatalott.Scope, id string) error
	// ListCompanies returns up to limit companies ordered by folded name,
	// skipping offset, whose search text contains every word of the
	// folded search.
	ListCompanies(ctx context.Context, scope chatalott.Scope, search string, offset, limit int) ([]*Company, error)
	// CompanyPeople returns up to limit contacts linked to the company,
	// ordered by sort key.
	CompanyPeople(ctx context.Context, scope chatalott.Scope, companyID string, limit int) ([]*contacts.Contact, error)
	// CompanyOfContact returns the contact's company, nil when it has none,
	// and ENotFound when the contact does not exist.
	CompanyOfContact(ctx context.Context, scope chatalott.Scope, contactID string) (*Company, error)
	// SetContactCompany links the contact to companyID, or unlinks it when
	// companyID is "". Both must lie in scope's workspace.
	SetContactCompany(ctx context.Context, scope chatalott.Scope, contactID, companyID string) error
	// LinkContactByName links the contact to the oldest company of the
	// workspace whose name key equals candidate's, or stores candidate as a
	// new company and links to it, in one transaction. It returns the
	// linked company.
	LinkContactByName(ctx context.Context, scope chatalott.Scope, contactID string, candidate *Company) (*Company, error)
}

// Service implements the rules for companies on top of a Store.
type Service struct {
	Store    Store
	Contacts *contacts.Service
	Now      func() time.Time
	NewID    func() string
}

// Create validates c and stores it as a new company in scope's workspace
// with a fresh random id. It returns chatalott.ValidationErrors when c is
// invalid.
func (s *Service) Create(ctx context.Context, scope chatalott.Scope, c *Company) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.Now().UTC()
	c.ID = s.NewID()
	c.WorkspaceID = scope.WorkspaceID
	c.CreatedAt, c.UpdatedAt = now, now
	return s.Store.CreateCompany(ctx, scope, c)
}

// Get returns the company with id in scope's workspace, or ENotFound.
func (s *Service) Get(ctx context.Context, scope chatalott.Scope, id string) (*Company, error) {
	return s.Store.GetCompany(ctx, scope, id)
}

// Update validates c and replaces the stored company with the same id in
// scope's workspace. It returns ENotFound when no such company exists there.
func (s *Service) Update(ctx context.Context, scope chatalott.Scope, c *Company) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	c.WorkspaceID = scope.WorkspaceID
	c.UpdatedAt = s.Now().UTC()
	return s.Store.UpdateCompany(ctx, scope, c)
}

// Delete removes the company with id from scope's workspace, or returns
// ENotFound. Its contacts and deals stay, without a company.
func (s *Service) Delete(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.Store.DeleteCompany(ctx, scope, id)
}

// List returns one page of companies in scope's workspace matching q.
func (s *Service) List(ctx context.Context, scope chatalott.Scope, q ListQuery) (*ListResult, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	offset := (q.Page - 1) * PageSize
	// One extra row shows whether a next page exists without a COUNT query.
	list, err := s.Store.ListCompanies(ctx, scope, contacts.Fold(q.Search), offset, PageSize+1)
	if err != nil {
		return nil, err
	}
	res := &ListResult{Page: q.Page}
	if len(list) > PageSize {
		res.HasNext = true
		list = list[:PageSize]
	}
	res.Companies = list
	return res, nil
}

// MaxOptions is the number of companies a deal form offers to choose from.
// NOTE: in a workspace with more companies, the deal form lists only the
// first MaxOptions by name.
const MaxOptions = 1000

// Options returns up to MaxOptions companies of scope's workspace by name,
// for a form's company list.
func (s *Service) Options(ctx context.Context, scope chatalott.Scope) ([]*Company, error) {
	return s.Store.ListCompanies(ctx, scope, "", 0, MaxOptions)
}

// People returns up to MaxPeople contacts linked to the company with id,
// or ENotFound when the company is not in scope's workspace.
func (s *Service) People(ctx context.Context, scope chatalott.Scope, id string) ([]*contacts.Contact, error) {
	return s.Store.CompanyPeople(ctx, scope, id, MaxPeople)
}

// OfContact returns the company of the contact with contactID, nil when the
// contact has none, or ENotFound when the contact is not in scope's
// workspace.
func (s *Service) OfContact(ctx context.Context, scope chatalott.Scope, contactID string) (*Company, error) {
	return s.Store.CompanyOfContact(ctx, scope, contactID)
}

// LinkContact links the contact to the company with companyID, or unlinks it
// when companyID is "". Both must be in scope's workspace: a contact of
// another workspace is ENotFound, and a company of another workspace is
// reported like a missing one, as an invalid company_id.
func (s *Service) LinkContact(ctx context.Context, scope chatalott.Scope, contactID, companyID string) error {
	return s.Store.SetContactCompany(ctx, scope, contactID, companyID)
}

// LinkContactToOrganization links the contact to the company named like the
// contact's organization text, compared folded (case and accents ignored),
// and creates that company when the workspace has none. It returns the
// company, ENotFound for a contact outside scope's workspace, and an
// EInvalid error when the contact has no organization.
func (s *Service) LinkContactToOrganization(ctx context.Context, scope chatalott.Scope, contactID string) (*Company, error) {
	contact, err := s.Contacts.Get(ctx, scope, contactID)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(contact.Organization)
	if name == "" {
		return nil, chatalott.FieldError("organization", "This contact has no organization; edit the contact and enter one first.")
	}
	now := s.Now().UTC()
	candidate := &Company{ID: s.NewID(), WorkspaceID: scope.WorkspaceID, Name: name, CreatedAt: now, UpdatedAt: now}
	candidate.Normalize()
	if err := candidate.Validate(); err != nil {
		return nil, err
	}
	return s.Store.LinkContactByName(ctx, scope, contactID, candidate)
}
