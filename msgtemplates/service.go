package msgtemplates

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
)

// Store persists templates. Every method is limited to scope.WorkspaceID
// and to the templates scope.UserID may see: the shared ones and the
// user's own personal ones. Any other template is reported as
// chatalott.ENotFound.
type Store interface {
	CreateTemplate(ctx context.Context, scope chatalott.Scope, t *Template) error
	GetTemplate(ctx context.Context, scope chatalott.Scope, id string) (*Template, error)
	UpdateTemplate(ctx context.Context, scope chatalott.Scope, t *Template) error
	DeleteTemplate(ctx context.Context, scope chatalott.Scope, id string) error
	// ListTemplates returns the visible templates ordered by name.
	ListTemplates(ctx context.Context, scope chatalott.Scope) ([]*Template, error)
	// ContactDealID returns dealID when that deal lists the contact, and
	// otherwise ENotFound. With dealID "" it returns the contact's most
	// recently updated deal in an open stage, or "" when there is none.
	ContactDealID(ctx context.Context, scope chatalott.Scope, contactID, dealID string) (string, error)
}

// RoleLookup returns the role (accounts.RoleOwner, RoleAdmin or
// RoleMember) of scope.UserID in scope.WorkspaceID, or ENotFound when the
// user is not a member.
type RoleLookup interface {
	Role(ctx context.Context, scope chatalott.Scope) (string, error)
}

// Service implements the rules for templates on top of a Store.
type Service struct {
	Store     Store
	Roles     RoleLookup
	Contacts  *contacts.Service
	Companies *companies.Service
	Deals     *deals.Service
	Now       func() time.Time
	NewID     func() string
}

// CanManageShared reports whether the user of scope may create, edit and
// delete shared templates: the owners and admins of the workspace, which
// in a personal workspace is its one owner.
func (s *Service) CanManageShared(ctx context.Context, scope chatalott.Scope) (bool, error) {
	role, err := s.Roles.Role(ctx, scope)
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return role == accounts.RoleOwner || role == accounts.RoleAdmin, nil
}

func (s *Service) checkShared(ctx context.Context, scope chatalott.Scope) error {
	ok, err := s.CanManageShared(ctx, scope)
	if err != nil {
		return err
	}
	if !ok {
		return chatalott.Errorf(chatalott.EForbidden, "Only owners and admins of this workspace can change shared templates.")
	}
	return nil
}

// Create validates t and stores it in scope's workspace with a fresh id.
// With shared set, the template is shared and the user must be allowed
// to manage shared templates; otherwise it belongs to scope.UserID.
func (s *Service) Create(ctx context.Context, scope chatalott.Scope, t *Template, shared bool) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	t.OwnerUserID = scope.UserID
	if shared {
		if err := s.checkShared(ctx, scope); err != nil {
			return err
		}
		t.OwnerUserID = ""
	}
	now := s.Now().UTC()
	t.ID = s.NewID()
	t.WorkspaceID = scope.WorkspaceID
	t.CreatedAt, t.UpdatedAt = now, now
	return s.Store.CreateTemplate(ctx, scope, t)
}

// Get returns the template with id if scope's user may see it, or ENotFound.
func (s *Service) Get(ctx context.Context, scope chatalott.Scope, id string) (*Template, error) {
	return s.Store.GetTemplate(ctx, scope, id)
}

// GetForEdit returns the template with id for its edit form: ENotFound when
// scope's user may not see it, and EForbidden when it is shared and the
// user may not change shared templates.
func (s *Service) GetForEdit(ctx context.Context, scope chatalott.Scope, id string) (*Template, error) {
	t, err := s.Store.GetTemplate(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	if t.Shared() {
		if err := s.checkShared(ctx, scope); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// List returns the templates scope's user may see, ordered by name.
func (s *Service) List(ctx context.Context, scope chatalott.Scope) ([]*Template, error) {
	return s.Store.ListTemplates(ctx, scope)
}

// Update validates t and replaces the stored template with the same id.
// Changing a shared template, or making a template shared, needs the
// right to manage shared templates (EForbidden otherwise). A shared
// template made personal belongs to the user who changed it.
func (s *Service) Update(ctx context.Context, scope chatalott.Scope, t *Template, shared bool) error {
	existing, err := s.Store.GetTemplate(ctx, scope, t.ID)
	if err != nil {
		return err
	}
	if existing.Shared() || shared {
		if err := s.checkShared(ctx, scope); err != nil {
			return err
		}
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	t.OwnerUserID = scope.UserID
	if shared {
		t.OwnerUserID = ""
	}
	t.WorkspaceID = scope.WorkspaceID
	t.CreatedAt = existing.CreatedAt
	t.UpdatedAt = s.Now().UTC()
	return s.Store.UpdateTemplate(ctx, scope, t)
}

// Delete removes the template with id. A shared template needs the right
// to manage shared templates (EForbidden otherwise).
func (s *Service) Delete(ctx context.Context, scope chatalott.Scope, id string) error {
	existing, err := s.Store.GetTemplate(ctx, scope, id)
	if err != nil {
		return err
	}
	if existing.Shared() {
		if err := s.checkShared(ctx, scope); err != nil {
			return err
		}
	}
	return s.Store.DeleteTemplate(ctx, scope, id)
}

// Sender is the user whose details fill {{me.name}} and {{me.email}}.
type Sender struct {
	Name  string
	Email string
}

// Preview is a template rendered for one contact.
type Preview struct {
	Template *Template
	Contact  *contacts.Contact
	// Deal is the deal whose fields filled {{deal.…}}, nil when there is none.
	Deal    *deals.Deal
	Subject string
	Body    string
	// Warnings lists the variables that rendered as empty text.
	Warnings []Warning
	// Problems lists parse errors of the stored text, such as a variable
	// that is no longer known. When it is set, Subject and Body are empty.
	Problems []Problem
}

// Render renders the template with templateID for the contact with
// contactID and the deal with dealID, or the contact's most recently
// updated open deal when dealID is "". Each id must lie in scope's
// workspace, and the deal must list the contact, or Render returns
// ENotFound.
func (s *Service) Render(ctx context.Context, scope chatalott.Scope, me Sender, templateID, contactID, dealID string) (*Preview, error) {
	t, err := s.Store.GetTemplate(ctx, scope, templateID)
	if err != nil {
		return nil, err
	}
	c, err := s.Contacts.Get(ctx, scope, contactID)
	if err != nil {
		return nil, err
	}
	company, err := s.Companies.OfContact(ctx, scope, c.ID)
	if err != nil {
		return nil, err
	}
	dealID, err = s.Store.ContactDealID(ctx, scope, c.ID, dealID)
	if err != nil {
		return nil, err
	}
	var deal *deals.Deal
	if dealID != "" {
		if deal, err = s.Deals.Get(ctx, scope, dealID); err != nil {
			return nil, err
		}
	}

	p := &Preview{Template: t, Contact: c, Deal: deal}
	values := valuesFor(c, company, deal, me)
	// The text was checked when it was saved, but a stored template can
	// still fail here if a variable it uses is no longer known.
	subject, subjectErr := Parse(t.Subject)
	body, bodyErr := Parse(t.Body)
	for _, part := range []struct {
		name string
		err  error
	}{{"Subject", subjectErr}, {"Body", bodyErr}} {
		var perr *ParseError
		if errors.As(part.err, &perr) {
			for _, problem := range perr.Problems {
				problem.Message = part.name + ": " + problem.Message
				p.Problems = append(p.Problems, problem)
			}
		}
	}
	if p.Problems != nil {
		return p, nil
	}
	var subjectWarnings, bodyWarnings []Warning
	p.Subject, subjectWarnings = subject.Render(values)
	p.Body, bodyWarnings = body.Render(values)
	p.Warnings = append(withPart("Subject", subjectWarnings), withPart("Body", bodyWarnings)...)
	return p, nil
}

func withPart(part string, warnings []Warning) []Warning {
	for i := range warnings {
		warnings[i].Part = part
	}
	return warnings
}

// valuesFor returns the variables' values for one contact, its company,
// a deal (nil when there is none) and the sending user.
func valuesFor(c *contacts.Contact, company *companies.Company, deal *deals.Deal, me Sender) Values {
	text := map[string]string{
		"first_name": c.Given,
		"last_name":  c.Family,
		"full_name":  c.Name(),
		"nickname":   c.Nickname,
		"title":      c.Title,
		"company":    c.Organization,
		"me.name":    me.Name,
		"me.email":   me.Email,
	}
	if len(c.Emails) > 0 {
		text["email"] = c.Emails[0].Address
	}
	if len(c.Phones) > 0 {
		text["phone"] = c.Phones[0].Number
	}
	if company != nil {
		text["company"] = company.Name
	}
	missing := map[string]string{
		"first_name": "the contact has no first name",
		"last_name":  "the contact has no last name",
		"full_name":  "the contact has no name",
		"nickname":   "the contact has no nickname",
		"email":      "the contact has no email address",
		"phone":      "the contact has no phone number",
		"company":    "the contact has no company or organization",
		"title":      "the contact has no job title",
		"me.name":    "your account has no name",
		"me.email":   "your account has no email address",
	}
	if deal != nil {
		text["deal.title"] = deal.Title
		text["deal.amount"] = deal.AmountText()
		text["deal.stage"] = deal.Stage.Name
	} else {
		for _, name := range []string{"deal.title", "deal.amount", "deal.stage"} {
			missing[name] = fmt.Sprintf("%s has no open deal", strings.TrimSpace(c.DisplayName()))
		}
	}
	return Values{Text: text, Missing: missing}
}
