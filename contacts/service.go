package contacts

import (
	"context"
	"time"

	"github.com/chatalott/chatalott"
)

// PageSize is the number of contacts on one page of the list.
const PageSize = 50

// ListQuery selects a page of contacts.
type ListQuery struct {
	// Search is matched, folded, against names, organization and emails.
	Search string
	// Page counts from 1.
	Page int
}

// ListResult is one page of contacts and whether another page follows.
type ListResult struct {
	Contacts []*Contact
	Page     int
	HasNext  bool
}

// Store persists contacts. Every method is limited to scope.WorkspaceID; a
// contact of another workspace is reported as chatalott.ENotFound.
type Store interface {
	CreateContact(ctx context.Context, scope chatalott.Scope, c *Contact) error
	GetContact(ctx context.Context, scope chatalott.Scope, id string) (*Contact, error)
	UpdateContact(ctx context.Context, scope chatalott.Scope, c *Contact) error
	DeleteContact(ctx context.Context, scope chatalott.Scope, id string) error
	// ListContacts returns up to limit contacts ordered by sort key, skipping
	// offset, whose search text contains every word of the folded search.
	ListContacts(ctx context.Context, scope chatalott.Scope, search string, offset, limit int) ([]*Contact, error)
}

// Service implements the rules for contacts on top of a Store.
type Service struct {
	Store Store
	Now   func() time.Time
	NewID func() string
}

// Create validates c and stores it as a new contact in scope's workspace,
// giving it a fresh random id. It returns a chatalott.ValidationErrors when
// c is invalid.
func (s *Service) Create(ctx context.Context, scope chatalott.Scope, c *Contact) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.Now().UTC()
	c.ID = s.NewID()
	c.WorkspaceID = scope.WorkspaceID
	c.CreatedAt, c.UpdatedAt = now, now
	return s.Store.CreateContact(ctx, scope, c)
}

// Get returns the contact with id in scope's workspace, or ENotFound.
func (s *Service) Get(ctx context.Context, scope chatalott.Scope, id string) (*Contact, error) {
	return s.Store.GetContact(ctx, scope, id)
}

// Update validates c and replaces the stored contact with the same id in
// scope's workspace. It returns ENotFound when no such contact exists there.
func (s *Service) Update(ctx context.Context, scope chatalott.Scope, c *Contact) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	c.WorkspaceID = scope.WorkspaceID
	c.UpdatedAt = s.Now().UTC()
	return s.Store.UpdateContact(ctx, scope, c)
}

// Delete removes the contact with id from scope's workspace, or returns ENotFound.
func (s *Service) Delete(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.Store.DeleteContact(ctx, scope, id)
}

// List returns one page of contacts in scope's workspace matching q.
func (s *Service) List(ctx context.Context, scope chatalott.Scope, q ListQuery) (*ListResult, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	offset := (q.Page - 1) * PageSize
	// One extra row tells whether a next page exists without a COUNT query.
	list, err := s.Store.ListContacts(ctx, scope, Fold(q.Search), offset, PageSize+1)
	if err != nil {
		return nil, err
	}
	res := &ListResult{Page: q.Page}
	if len(list) > PageSize {
		res.HasNext = true
		list = list[:PageSize]
	}
	res.Contacts = list
	return res, nil
}

// Copy creates, in the workspace of to, a new contact with every field of
// the contact id in the workspace of from, and returns it. The caller
// checks that the acting user is a member of both workspaces. A link to a
// company is not copied, since companies belong to one workspace. It
// returns ENotFound when from's workspace has no such contact.
func (s *Service) Copy(ctx context.Context, from, to chatalott.Scope, id string) (*Contact, error) {
	c, err := s.Store.GetContact(ctx, from, id)
	if err != nil {
		return nil, err
	}
	c.ID = ""
	if err := s.Create(ctx, to, c); err != nil {
		return nil, err
	}
	return c, nil
}
