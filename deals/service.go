package deals

import (
	"context"
	"slices"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
)

// PageSize is the number of deals on one page of the list.
const PageSize = 50

// BoardCardsPerStage is the number of deal cards a board column shows; the
// column's count and totals still cover every deal in the stage.
const BoardCardsPerStage = 50

// MaxHistory is the number of history entries a deal page shows.
const MaxHistory = 500

// ListQuery selects a page of deals. Empty fields do not filter.
type ListQuery struct {
	StageID   string
	OwnerID   string
	CompanyID string
	// CloseFrom and CloseTo bound the expected close date, inclusive,
	// written YYYY-MM-DD. A deal without a date matches neither bound.
	CloseFrom string
	CloseTo   string
	// Page counts from 1.
	Page int
}

// ListResult is one page of deals and whether another page follows.
type ListResult struct {
	Deals   []*Deal
	Page    int
	HasNext bool
}

// StageTotal is the number and summed amount of one stage's deals in one
// currency.
type StageTotal struct {
	StageID  string
	Currency string
	Count    int
	Amount   int64
}

// Total is a summed amount in one currency.
type Total struct {
	Currency string
	Amount   int64
}

// Text returns the total with its currency, as "1,234.50 EUR".
func (t Total) Text() string { return FormatAmount(t.Amount, t.Currency) + " " + t.Currency }

// Column is one stage of the board with its deals.
type Column struct {
	Stage  Stage
	Count  int
	Totals []Total
	// Deals are the stage's most recently updated deals, at most
	// BoardCardsPerStage; Hidden counts the others.
	Deals  []*Deal
	Hidden int
}

// Board is the pipeline with the deals in each stage.
type Board struct {
	Columns []Column
}

// Detail is what a deal page shows.
type Detail struct {
	Deal    *Deal
	History []HistoryEntry
	Stages  []Stage
}

// StageRemoval describes removing a stage: its deals move to TargetID, and
// each moved deal gets a copy of Entry with its own id from NewID.
type StageRemoval struct {
	StageID  string
	TargetID string
	Entry    HistoryEntry
	NewID    func() string
}

// Store persists pipelines, deals and deal history. Every method is limited
// to scope.WorkspaceID; a deal, stage, company, contact or member of another
// workspace is treated exactly like a missing one.
type Store interface {
	// ListStages returns the workspace's stages by position, empty when
	// its pipeline was never created.
	ListStages(ctx context.Context, scope chatalott.Scope) ([]Stage, error)
	// CreatePipeline stores stages as the workspace's pipeline unless one
	// was created before, in which case it does nothing.
	CreatePipeline(ctx context.Context, scope chatalott.Scope, stages []Stage, at time.Time) error
	// AddStage stores st after the last stage.
	AddStage(ctx context.Context, scope chatalott.Scope, st *Stage) error
	// UpdateStage sets the name and probability of the stage with st.ID.
	UpdateStage(ctx context.Context, scope chatalott.Scope, st *Stage) error
	// SetStageOrder gives the stages the positions of their ids in ids,
	// which must name every stage of the workspace once.
	SetStageOrder(ctx context.Context, scope chatalott.Scope, ids []string) error
	// CountStageDeals returns the number of deals in the stage.
	CountStageDeals(ctx context.Context, scope chatalott.Scope, stageID string) (int, error)
	// RemoveStage moves the stage's deals to r.TargetID, writes one history
	// entry per moved deal and deletes the stage, in one transaction. It
	// rejects removing a won or lost stage or the last open stage, and a
	// stage with deals when r.TargetID is "". It returns how many deals
	// moved.
	RemoveStage(ctx context.Context, scope chatalott.Scope, r StageRemoval) (int, error)

	// CreateDeal stores d and its creation entry in one transaction.
	CreateDeal(ctx context.Context, scope chatalott.Scope, d *Deal, created HistoryEntry) error
	GetDeal(ctx context.Context, scope chatalott.Scope, id string) (*Deal, error)
	// UpdateDeal stores d if the stored version still equals d.Version,
	// increments the version, and appends changes, in one transaction. It
	// returns EConflict when the deal changed since d was read.
	UpdateDeal(ctx context.Context, scope chatalott.Scope, d *Deal, changes []HistoryEntry) error
	// DeleteDeal removes the deal with its contacts list and its history.
	DeleteDeal(ctx context.Context, scope chatalott.Scope, id string) error
	// ListDeals returns up to limit deals matching q, newest first,
	// skipping offset.
	ListDeals(ctx context.Context, scope chatalott.Scope, q ListQuery, offset, limit int) ([]*Deal, error)
	// BoardDeals returns up to perStage most recently updated deals of
	// each stage.
	BoardDeals(ctx context.Context, scope chatalott.Scope, perStage int) ([]*Deal, error)
	// StageTotals returns the count and summed amount per stage and
	// currency.
	StageTotals(ctx context.Context, scope chatalott.Scope) ([]StageTotal, error)
	// DealHistory returns up to limit entries of the deal, newest first.
	DealHistory(ctx context.Context, scope chatalott.Scope, dealID string, limit int) ([]HistoryEntry, error)
	// AddDealContact adds the contact to the deal; adding it twice changes
	// nothing. It returns ENotFound for a deal outside the workspace and an
	// EInvalid error for a contact outside it.
	AddDealContact(ctx context.Context, scope chatalott.Scope, dealID, contactID string, at time.Time) error
	// RemoveDealContact removes the contact from the deal, or returns
	// ENotFound.
	RemoveDealContact(ctx context.Context, scope chatalott.Scope, dealID, contactID string) error
	// Members returns the users of the workspace, by name.
	Members(ctx context.Context, scope chatalott.Scope) ([]Member, error)
}

// Service implements the rules for deals and pipelines on top of a Store.
type Service struct {
	Store     Store
	Companies *companies.Service
	Now       func() time.Time
	NewID     func() string
}

// Members returns the users who may own deals in scope's workspace.
func (s *Service) Members(ctx context.Context, scope chatalott.Scope) ([]Member, error) {
	return s.Store.Members(ctx, scope)
}

// checkRefs reports the stage, owner and company of d that are not in
// scope's workspace as field errors. It returns the stage and the owner's
// member record for the history.
func (s *Service) checkRefs(ctx context.Context, scope chatalott.Scope, d *Deal) (Stage, Member, error) {
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return Stage{}, Member{}, err
	}
	members, err := s.Store.Members(ctx, scope)
	if err != nil {
		return Stage{}, Member{}, err
	}
	var errs chatalott.ValidationErrors
	stageAt := slices.IndexFunc(stages, func(st Stage) bool { return st.ID == d.StageID })
	if stageAt < 0 {
		errs = append(errs, chatalott.FieldError("stage_id", "Stage is not one of this pipeline's stages; choose one from the list."))
	}
	memberAt := slices.IndexFunc(members, func(m Member) bool { return m.UserID == d.OwnerID })
	if memberAt < 0 {
		errs = append(errs, chatalott.FieldError("owner_id", "Owner is not a member of this workspace; choose one from the list."))
	}
	if d.CompanyID != "" {
		company, err := s.Companies.Get(ctx, scope, d.CompanyID)
		switch {
		case chatalott.ErrorCode(err) == chatalott.ENotFound:
			errs = append(errs, chatalott.FieldError("company_id", "Company does not exist in this workspace; choose one from the list or none."))
		case err != nil:
			return Stage{}, Member{}, err
		default:
			d.CompanyName = company.Name
		}
	}
	if err := errs.Err(); err != nil {
		return Stage{}, Member{}, err
	}
	return stages[stageAt], members[memberAt], nil
}

// Create validates d and stores it as a new deal in scope's workspace with a
// fresh random id and a "created" history entry. The stage, owner and
// company must be in the workspace; otherwise it returns
// chatalott.ValidationErrors naming them.
func (s *Service) Create(ctx context.Context, scope chatalott.Scope, d *Deal) error {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return err
	}
	stage, _, err := s.checkRefs(ctx, scope, d)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	d.ID = s.NewID()
	d.WorkspaceID = scope.WorkspaceID
	d.Stage = stage
	d.Version = 1
	d.CreatedAt, d.UpdatedAt = now, now
	created := HistoryEntry{ID: s.NewID(), DealID: d.ID, Field: FieldCreated, NewValue: d.Title,
		NewRef: stage.ID, UserID: scope.UserID, CreatedAt: now}
	return s.Store.CreateDeal(ctx, scope, d, created)
}

// Get returns the deal with id in scope's workspace, or ENotFound.
func (s *Service) Get(ctx context.Context, scope chatalott.Scope, id string) (*Deal, error) {
	return s.Store.GetDeal(ctx, scope, id)
}

// Detail returns the deal with id, its history newest first and the
// pipeline's stages, or ENotFound.
func (s *Service) Detail(ctx context.Context, scope chatalott.Scope, id string) (*Detail, error) {
	d, err := s.Store.GetDeal(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	history, err := s.Store.DealHistory(ctx, scope, id, MaxHistory)
	if err != nil {
		return nil, err
	}
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return nil, err
	}
	return &Detail{Deal: d, History: history, Stages: stages}, nil
}

// Update validates d and replaces the stored deal with the same id,
// appending one history entry per changed field (title, stage, amount,
// currency, owner, expected close) in the same transaction. d.Version must
// be the version the change started from; a deal changed since then
// returns EConflict. It returns ENotFound when the deal is not in scope's
// workspace.
func (s *Service) Update(ctx context.Context, scope chatalott.Scope, d *Deal) error {
	old, err := s.Store.GetDeal(ctx, scope, d.ID)
	if err != nil {
		return err
	}
	d.Normalize()
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Version != old.Version {
		return staleDeal()
	}
	stage, owner, err := s.checkRefs(ctx, scope, d)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	d.WorkspaceID = scope.WorkspaceID
	d.CreatedAt, d.UpdatedAt = old.CreatedAt, now
	d.Stage, d.OwnerName = stage, owner.Name
	changes := s.diff(scope, old, d, now)
	if len(changes) == 0 && d.CompanyID == old.CompanyID {
		return nil
	}
	return s.Store.UpdateDeal(ctx, scope, d, changes)
}

// Move puts the deal with id into the stage with stageID and records the
// change. Moving a deal to the stage it is in changes nothing. It returns
// ENotFound for a deal outside scope's workspace and an EInvalid error for
// a stage outside it.
func (s *Service) Move(ctx context.Context, scope chatalott.Scope, id, stageID string) error {
	d, err := s.Store.GetDeal(ctx, scope, id)
	if err != nil {
		return err
	}
	if d.StageID == stageID {
		return nil
	}
	if d.OwnerID == "" {
		// The owner's account was deleted; the mover takes the deal over
		// rather than being blocked by the missing owner.
		d.OwnerID = scope.UserID
	}
	d.StageID = stageID
	return s.Update(ctx, scope, d)
}

func staleDeal() error {
	return chatalott.Errorf(chatalott.EConflict, "This deal was changed by someone else since you opened it. Reload the page and make your change again.")
}

// diff returns one history entry for each recorded field that differs
// between old and d.
func (s *Service) diff(scope chatalott.Scope, old, d *Deal, at time.Time) []HistoryEntry {
	var changes []HistoryEntry
	add := func(field, oldValue, newValue, oldRef, newRef string) {
		changes = append(changes, HistoryEntry{ID: s.NewID(), DealID: d.ID, Field: field, OldValue: oldValue,
			NewValue: newValue, OldRef: oldRef, NewRef: newRef, UserID: scope.UserID, CreatedAt: at})
	}
	if old.Title != d.Title {
		add(FieldTitle, old.Title, d.Title, "", "")
	}
	if old.StageID != d.StageID {
		add(FieldStage, old.Stage.Name, d.Stage.Name, old.StageID, d.StageID)
	}
	if old.Amount != d.Amount {
		add(FieldAmount, PlainAmount(old.Amount, old.Currency)+" "+old.Currency,
			PlainAmount(d.Amount, d.Currency)+" "+d.Currency, "", "")
	}
	if old.Currency != d.Currency {
		add(FieldCurrency, old.Currency, d.Currency, "", "")
	}
	if old.OwnerID != d.OwnerID {
		add(FieldOwner, old.OwnerName, d.OwnerName, old.OwnerID, d.OwnerID)
	}
	if old.ExpectedClose != d.ExpectedClose {
		add(FieldExpectedClose, old.ExpectedClose, d.ExpectedClose, "", "")
	}
	return changes
}

// Delete removes the deal with id and its history from scope's workspace,
// or returns ENotFound.
func (s *Service) Delete(ctx context.Context, scope chatalott.Scope, id string) error {
	return s.Store.DeleteDeal(ctx, scope, id)
}

// List returns one page of deals in scope's workspace matching q. Close
// dates that are not YYYY-MM-DD are reported as field errors.
func (s *Service) List(ctx context.Context, scope chatalott.Scope, q ListQuery) (*ListResult, error) {
	var errs chatalott.ValidationErrors
	for _, f := range []struct{ field, label, value string }{
		{"close_from", "Close date from", q.CloseFrom}, {"close_to", "Close date to", q.CloseTo}} {
		if f.value == "" {
			continue
		}
		if _, err := ParseDate(f.value); err != nil {
			errs = append(errs, chatalott.FieldError(f.field, "%s %q is not a date; write it as YYYY-MM-DD.", f.label, f.value))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if q.Page < 1 {
		q.Page = 1
	}
	offset := (q.Page - 1) * PageSize
	// One extra row tells whether a next page exists without a COUNT query.
	list, err := s.Store.ListDeals(ctx, scope, q, offset, PageSize+1)
	if err != nil {
		return nil, err
	}
	res := &ListResult{Page: q.Page}
	if len(list) > PageSize {
		res.HasNext = true
		list = list[:PageSize]
	}
	res.Deals = list
	return res, nil
}

// Board returns scope's pipeline as columns: each stage with its deal count,
// its total per currency and its most recently updated deals.
func (s *Service) Board(ctx context.Context, scope chatalott.Scope) (*Board, error) {
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return nil, err
	}
	totals, err := s.Store.StageTotals(ctx, scope)
	if err != nil {
		return nil, err
	}
	cards, err := s.Store.BoardDeals(ctx, scope, BoardCardsPerStage)
	if err != nil {
		return nil, err
	}
	board := &Board{Columns: make([]Column, len(stages))}
	at := make(map[string]int, len(stages))
	for i, st := range stages {
		board.Columns[i].Stage = st
		at[st.ID] = i
	}
	// Totals arrive ordered by stage and currency, so each column's
	// totals are in currency order.
	for _, t := range totals {
		col := &board.Columns[at[t.StageID]]
		col.Count += t.Count
		col.Totals = append(col.Totals, Total{Currency: t.Currency, Amount: t.Amount})
	}
	for _, d := range cards {
		col := &board.Columns[at[d.StageID]]
		col.Deals = append(col.Deals, d)
	}
	for i := range board.Columns {
		board.Columns[i].Hidden = board.Columns[i].Count - len(board.Columns[i].Deals)
	}
	return board, nil
}

// AddContact adds the contact with contactID to the deal with dealID. It
// returns ENotFound for a deal outside scope's workspace and an EInvalid
// error naming contact_id for a contact outside it.
func (s *Service) AddContact(ctx context.Context, scope chatalott.Scope, dealID, contactID string) error {
	return s.Store.AddDealContact(ctx, scope, dealID, contactID, s.Now().UTC())
}

// RemoveContact removes the contact from the deal, or returns ENotFound.
func (s *Service) RemoveContact(ctx context.Context, scope chatalott.Scope, dealID, contactID string) error {
	return s.Store.RemoveDealContact(ctx, scope, dealID, contactID)
}
