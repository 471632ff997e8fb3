package deals

import (
	"context"
	"slices"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// Stages returns scope's pipeline in order. A workspace that has never used
// deals gets the default stages here, on first use, so workspaces created
// before deals existed get them too.
func (s *Service) Stages(ctx context.Context, scope chatalott.Scope) ([]Stage, error) {
	stages, err := s.Store.ListStages(ctx, scope)
	if err != nil || len(stages) > 0 {
		return stages, err
	}
	defaults := DefaultStages()
	now := s.Now().UTC()
	for i := range defaults {
		defaults[i].ID = s.NewID()
		defaults[i].Position = i + 1
		defaults[i].CreatedAt = now
	}
	if err := s.Store.CreatePipeline(ctx, scope, defaults, now); err != nil {
		return nil, err
	}
	return s.Store.ListStages(ctx, scope)
}

// stageIndex returns the position of the stage with id in stages, or an
// ENotFound error.
func stageIndex(stages []Stage, id string) (int, error) {
	i := slices.IndexFunc(stages, func(st Stage) bool { return st.ID == id })
	if i < 0 {
		return -1, chatalott.Errorf(chatalott.ENotFound, "Stage not found.")
	}
	return i, nil
}

// checkStageName reports a name that another stage of stages already has,
// compared folded, as a field error. except is the id of the stage being
// renamed.
func checkStageName(stages []Stage, name, except string) error {
	key := contacts.Fold(name)
	for _, st := range stages {
		if st.ID != except && contacts.Fold(st.Name) == key {
			return chatalott.FieldError("name", "A stage named %q already exists; choose another name.", st.Name)
		}
	}
	return nil
}

// Stage returns the stage with id in scope's pipeline, or ENotFound.
func (s *Service) Stage(ctx context.Context, scope chatalott.Scope, id string) (Stage, error) {
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return Stage{}, err
	}
	i, err := stageIndex(stages, id)
	if err != nil {
		return Stage{}, err
	}
	return stages[i], nil
}

// AddStage appends an open stage named name with probability (in percent)
// to scope's pipeline. It returns field errors for an empty, overlong or
// duplicate name, a probability outside 0–100, or a full pipeline.
func (s *Service) AddStage(ctx context.Context, scope chatalott.Scope, name string, probability int) (*Stage, error) {
	st := &Stage{ID: s.NewID(), Name: name, Probability: probability, Kind: KindOpen, CreatedAt: s.Now().UTC()}
	if err := validateStage(st); err != nil {
		return nil, err
	}
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(stages) >= MaxStages {
		return nil, chatalott.FieldError("name", "The pipeline already has %d stages, the maximum; remove one first.", MaxStages)
	}
	if err := checkStageName(stages, st.Name, ""); err != nil {
		return nil, err
	}
	if err := s.Store.AddStage(ctx, scope, st); err != nil {
		return nil, err
	}
	return st, nil
}

// UpdateStage renames the stage with id and sets its probability. The won
// stage keeps 100 % and the lost stage 0 %, regardless of probability. It
// returns ENotFound for a stage outside scope's workspace.
func (s *Service) UpdateStage(ctx context.Context, scope chatalott.Scope, id, name string, probability int) error {
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return err
	}
	i, err := stageIndex(stages, id)
	if err != nil {
		return err
	}
	st := stages[i]
	st.Name, st.Probability = name, probability
	switch st.Kind {
	case KindWon:
		st.Probability = 100
	case KindLost:
		st.Probability = 0
	}
	if err := validateStage(&st); err != nil {
		return err
	}
	if err := checkStageName(stages, st.Name, st.ID); err != nil {
		return err
	}
	return s.Store.UpdateStage(ctx, scope, &st)
}

// MoveStage moves the stage with id one place earlier (delta -1) or later
// (delta +1) in scope's pipeline. Moving the first stage up or the last one
// down changes nothing.
func (s *Service) MoveStage(ctx context.Context, scope chatalott.Scope, id string, delta int) error {
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return err
	}
	i, err := stageIndex(stages, id)
	if err != nil {
		return err
	}
	if delta != -1 && delta != 1 {
		return chatalott.FieldError("direction", "Direction must be up or down.")
	}
	j := i + delta
	if j < 0 || j >= len(stages) {
		return nil
	}
	ids := make([]string, len(stages))
	for k, st := range stages {
		ids[k] = st.ID
	}
	ids[i], ids[j] = ids[j], ids[i]
	return s.Store.SetStageOrder(ctx, scope, ids)
}

// StageDealCount returns the number of deals in the stage with id, or
// ENotFound.
func (s *Service) StageDealCount(ctx context.Context, scope chatalott.Scope, id string) (int, error) {
	if _, err := s.Stage(ctx, scope, id); err != nil {
		return 0, err
	}
	return s.Store.CountStageDeals(ctx, scope, id)
}

// RemoveStage deletes the stage with id from scope's pipeline and returns
// how many deals moved. Its deals move to the stage with targetID, and each
// move is recorded in the deal's history. targetID may be "" only when the
// stage has no deals. The won stage, the lost stage and the last open stage
// cannot be removed. It returns ENotFound for a stage outside scope's
// workspace and field errors for the other rules.
func (s *Service) RemoveStage(ctx context.Context, scope chatalott.Scope, id, targetID string) (int, error) {
	stages, err := s.Stages(ctx, scope)
	if err != nil {
		return 0, err
	}
	i, err := stageIndex(stages, id)
	if err != nil {
		return 0, err
	}
	st := stages[i]
	if err := checkRemovable(stages, st); err != nil {
		return 0, err
	}
	entry := HistoryEntry{Field: FieldStage, OldValue: st.Name, OldRef: st.ID, UserID: scope.UserID, CreatedAt: s.Now().UTC()}
	if targetID != "" {
		j := slices.IndexFunc(stages, func(t Stage) bool { return t.ID == targetID })
		if j < 0 || targetID == id {
			return 0, chatalott.FieldError("target_id", "Choose another stage of this pipeline to move the deals to.")
		}
		entry.NewValue, entry.NewRef = stages[j].Name, stages[j].ID
	}
	return s.Store.RemoveStage(ctx, scope, StageRemoval{StageID: id, TargetID: targetID, Entry: entry, NewID: s.NewID})
}

// checkRemovable rejects removing the won stage, the lost stage or the last
// open stage, because the board and the dashboard need each of them.
func checkRemovable(stages []Stage, st Stage) error {
	switch st.Kind {
	case KindWon:
		return chatalott.FieldError("stage", "The won stage %q cannot be removed; rename it instead.", st.Name)
	case KindLost:
		return chatalott.FieldError("stage", "The lost stage %q cannot be removed; rename it instead.", st.Name)
	}
	open := 0
	for _, other := range stages {
		if other.Kind == KindOpen {
			open++
		}
	}
	if open <= 1 {
		return chatalott.FieldError("stage", "%q is the last open stage and cannot be removed; add another open stage first.", st.Name)
	}
	return nil
}
