// Package deals holds deals, the pipeline of stages they move through and
// the append-only history of their changes, with the service that applies
// the rules for all three inside one workspace.
package deals

import (
	"time"
)

// SubjectType names deals where another record attaches to a record of any
// kind by type and id, such as a timeline entry or a follow-up.
const SubjectType = "deal"

// Deal is a sale in progress or closed, in one stage of the workspace's
// pipeline.
type Deal struct {
	ID          string
	WorkspaceID string
	Title       string
	// CompanyID is "" when the deal has no company.
	CompanyID string
	StageID   string
	// Amount is in minor units of Currency (cents for EUR, yen for JPY).
	Amount   int64
	Currency string
	// ExpectedClose is a date written YYYY-MM-DD, or "".
	ExpectedClose string
	// OwnerID is a member of the workspace, or "" when the owning user
	// account was deleted.
	OwnerID string
	// Version counts the deal's updates. An update names the version it
	// started from and fails with EConflict when the deal changed since.
	Version int64

	// The fields below are read from other tables when a deal is loaded,
	// and ignored when one is written.
	CompanyName string
	OwnerName   string
	Stage       Stage
	Contacts    []ContactRef

	CreatedAt time.Time
	UpdatedAt time.Time
}

// ContactRef is a contact taking part in a deal.
type ContactRef struct {
	ID   string
	Name string
}

// AmountText returns the amount with its currency, as "1,234.50 EUR".
func (d *Deal) AmountText() string { return FormatAmount(d.Amount, d.Currency) + " " + d.Currency }

// AmountInput returns the amount as the edit form shows it, as "1234.50".
func (d *Deal) AmountInput() string { return PlainAmount(d.Amount, d.Currency) }

// Member is a user of the workspace who may own deals.
type Member struct {
	UserID string
	Name   string
}

// Kinds of stage. A pipeline has exactly one won and one lost stage and at
// least one open stage.
const (
	KindOpen = "open"
	KindWon  = "won"
	KindLost = "lost"
)

// Stage is one column of a workspace's pipeline.
type Stage struct {
	ID       string
	Name     string
	Position int
	// Probability is the chance, in percent, that a deal in this stage is
	// won: 100 for the won stage and 0 for the lost stage.
	Probability int
	Kind        string
	CreatedAt   time.Time
}

// DefaultStages returns the stages a workspace's pipeline starts with, in
// order, without ids.
func DefaultStages() []Stage {
	return []Stage{
		{Name: "Lead", Probability: 10, Kind: KindOpen},
		{Name: "Qualified", Probability: 25, Kind: KindOpen},
		{Name: "Proposal", Probability: 50, Kind: KindOpen},
		{Name: "Negotiation", Probability: 75, Kind: KindOpen},
		{Name: "Won", Probability: 100, Kind: KindWon},
		{Name: "Lost", Probability: 0, Kind: KindLost},
	}
}

// Fields of a deal that the history records.
const (
	FieldCreated       = "created"
	FieldTitle         = "title"
	FieldStage         = "stage"
	FieldAmount        = "amount"
	FieldCurrency      = "currency"
	FieldOwner         = "owner"
	FieldExpectedClose = "expected_close"
)

// HistoryEntry is one recorded change of a deal. Entries are append-only:
// the store can add and read them but has no method to change or delete
// one, and database triggers reject both.
type HistoryEntry struct {
	ID     string
	DealID string
	Field  string
	// OldValue and NewValue are what a person reads: a stage name, an
	// amount as "1234.50 EUR", an owner's name, a date YYYY-MM-DD. An empty
	// value means none.
	OldValue string
	NewValue string
	// OldRef and NewRef are the stage or owner ids behind the values, ""
	// for fields without ids.
	OldRef string
	NewRef string
	// UserID acted; UserName is that user's name when the entry was
	// written, filled in by the store.
	UserID    string
	UserName  string
	CreatedAt time.Time
}

// Label returns the field's name as a sentence fragment, for the timeline.
func (e *HistoryEntry) Label() string {
	switch e.Field {
	case FieldCreated:
		return "Deal created"
	case FieldTitle:
		return "Title"
	case FieldStage:
		return "Stage"
	case FieldAmount:
		return "Amount"
	case FieldCurrency:
		return "Currency"
	case FieldOwner:
		return "Owner"
	case FieldExpectedClose:
		return "Expected close"
	}
	return e.Field
}
