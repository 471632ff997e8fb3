// Package relationships links two contacts of one workspace with a typed
// relationship, such as "manager of" or "friend", and shows it from both
// sides with the wording that fits each side.
package relationships

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// Kinds as a user chooses them. ManagerOf and ReportsTo, and ReferredBy
// and Referred, are the two sides of one relationship; the other kinds read
// the same from both sides.
const (
	KindColleague  = "colleague"
	KindManagerOf  = "manager_of"
	KindReportsTo  = "reports_to"
	KindReferredBy = "referred_by"
	KindReferred   = "referred"
	KindPartner    = "partner"
	KindFamily     = "family"
	KindFriend     = "friend"
	// KindCustom carries its own Label, which reads the same from both
	// sides.
	KindCustom = "custom"
)

// MaxLabelLen is the longest custom label, in characters.
const MaxLabelLen = 60

// Choice is one kind a form offers.
type Choice struct {
	Kind  string
	Label string
}

// Choices lists the kinds in the order a form offers them, read as
// "this contact is … the other contact".
func Choices() []Choice {
	return []Choice{
		{KindColleague, "colleague of"},
		{KindManagerOf, "manager of"},
		{KindReportsTo, "reports to"},
		{KindReferredBy, "referred by"},
		{KindReferred, "referred"},
		{KindPartner, "partner of"},
		{KindFamily, "family of"},
		{KindFriend, "friend of"},
		{KindCustom, "custom label…"},
	}
}

// wording maps each stored kind to its label on the From contact's page
// and on the To contact's page.
var wording = map[string][2]string{
	KindColleague:  {"Colleague of", "Colleague of"},
	KindManagerOf:  {"Manager of", "Reports to"},
	KindReferredBy: {"Referred by", "Referred"},
	KindPartner:    {"Partner of", "Partner of"},
	KindFamily:     {"Family of", "Family of"},
	KindFriend:     {"Friend of", "Friend of"},
}

// Relationship is one stored link, in canonical form: a directional kind
// is stored as ManagerOf or ReferredBy, read from From to To, and a
// symmetric kind has the smaller contact id in From. A relationship and its
// inverse therefore have the same canonical form.
type Relationship struct {
	ID     string
	FromID string
	ToID   string
	Kind   string
	// Label is the custom label, "" for the built-in kinds.
	Label     string
	CreatedBy string
	CreatedAt time.Time
}

// LabelKey returns the folded label that duplicate detection compares.
func (r *Relationship) LabelKey() string { return contacts.Fold(r.Label) }

// Link is a relationship as one contact's page shows it: Wording, then the
// other contact.
type Link struct {
	ID        string
	Wording   string
	OtherID   string
	OtherName string
}

// Canonical returns the stored form of "from is kind of to".
func Canonical(fromID, kind, label, toID string) Relationship {
	switch kind {
	case KindReportsTo:
		return Relationship{FromID: toID, ToID: fromID, Kind: KindManagerOf}
	case KindReferred:
		return Relationship{FromID: toID, ToID: fromID, Kind: KindReferredBy}
	case KindManagerOf, KindReferredBy:
		return Relationship{FromID: fromID, ToID: toID, Kind: kind}
	}
	r := Relationship{FromID: fromID, ToID: toID, Kind: kind}
	if kind == KindCustom {
		r.Label = label
	}
	if r.ToID < r.FromID {
		r.FromID, r.ToID = r.ToID, r.FromID
	}
	return r
}

// WordingFor returns how r reads on the page of the contact with viewerID.
func (r *Relationship) WordingFor(viewerID string) string {
	if r.Kind == KindCustom {
		return r.Label
	}
	w := wording[r.Kind]
	if viewerID == r.ToID {
		return w[1]
	}
	return w[0]
}

// Store persists relationships. Every method is limited to
// scope.WorkspaceID.
type Store interface {
	// CreateRelationship stores r. Both contacts must lie in the workspace,
	// else it returns ENotFound. A relationship with the same canonical form
	// returns EConflict.
	CreateRelationship(ctx context.Context, scope chatalott.Scope, r *Relationship) error
	// DeleteRelationship removes the relationship with id that involves
	// contactID, or returns ENotFound.
	DeleteRelationship(ctx context.Context, scope chatalott.Scope, contactID, id string) error
	// ContactRelationships returns the relationships of the contact, each
	// with the other contact's display name, ordered by that name.
	ContactRelationships(ctx context.Context, scope chatalott.Scope, contactID string) ([]Relationship, map[string]string, error)
}

// Service applies the relationship rules.
type Service struct {
	Store    Store
	Contacts *contacts.Service
	Now      func() time.Time
	NewID    func() string
}

// Create relates the contact fromID to toID as "fromID is kind of toID".
// It returns EInvalid for an unknown kind, a missing or oversized custom
// label, or a contact related to itself; ENotFound when fromID is not in
// scope's workspace; an EInvalid error naming to_id when toID is not; and
// EConflict when the relationship or its inverse exists.
func (s *Service) Create(ctx context.Context, scope chatalott.Scope, fromID, kind, label, toID string) (*Relationship, error) {
	label = strings.TrimSpace(label)
	var errs chatalott.ValidationErrors
	known := false
	for _, c := range Choices() {
		known = known || c.Kind == kind
	}
	if !known {
		errs = append(errs, chatalott.FieldError("kind", "Relationship %q is not one of the listed kinds; choose one.", kind))
	}
	if kind == KindCustom {
		switch n := utf8.RuneCountInString(label); {
		case label == "":
			errs = append(errs, chatalott.FieldError("label", "Label is missing; enter a word for the relationship, such as mentor."))
		case !utf8.ValidString(label) || strings.ContainsRune(label, 0):
			errs = append(errs, chatalott.FieldError("label", "Label is not valid text; re-enter it."))
		case n > MaxLabelLen:
			errs = append(errs, chatalott.FieldError("label", "Label is %d characters long; shorten it to at most %d.", n, MaxLabelLen))
		}
	}
	if toID == "" {
		errs = append(errs, chatalott.FieldError("to_id", "Choose the other contact."))
	} else if toID == fromID {
		errs = append(errs, chatalott.FieldError("to_id", "A contact cannot be related to itself; choose another contact."))
	}
	if _, err := s.Contacts.Get(ctx, scope, fromID); err != nil {
		return nil, err
	}
	if toID != "" && toID != fromID {
		_, err := s.Contacts.Get(ctx, scope, toID)
		if chatalott.ErrorCode(err) == chatalott.ENotFound {
			errs = append(errs, chatalott.FieldError("to_id", "The other contact does not exist in this workspace; choose one from the list."))
		} else if err != nil {
			return nil, err
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	r := Canonical(fromID, kind, label, toID)
	r.ID = s.NewID()
	r.CreatedBy = scope.UserID
	r.CreatedAt = s.Now().UTC()
	if err := s.Store.CreateRelationship(ctx, scope, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Delete removes the relationship with id from the contact's page, or
// returns ENotFound.
func (s *Service) Delete(ctx context.Context, scope chatalott.Scope, contactID, id string) error {
	return s.Store.DeleteRelationship(ctx, scope, contactID, id)
}

// ForContact returns the contact's relationships as its page shows them.
// It returns ENotFound for a contact outside scope's workspace.
func (s *Service) ForContact(ctx context.Context, scope chatalott.Scope, contactID string) ([]Link, error) {
	list, names, err := s.Store.ContactRelationships(ctx, scope, contactID)
	if err != nil {
		return nil, err
	}
	links := make([]Link, 0, len(list))
	for _, r := range list {
		other := r.ToID
		if other == contactID {
			other = r.FromID
		}
		links = append(links, Link{ID: r.ID, Wording: r.WordingFor(contactID), OtherID: other, OtherName: names[other]})
	}
	return links, nil
}
