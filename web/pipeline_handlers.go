package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/teams"
)

// pipelineData is the data of the pipeline page. CanManage shows the forms
// that change the stages. Without it, the page lists them read-only.
type pipelineData struct {
	Stages    []deals.Stage
	CanManage bool
}

func (s *Server) handlePipeline(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r)
	stages, err := s.Deals.Stages(r.Context(), v.Scope())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "pipeline", page{Title: "Pipeline", Notice: crmNoticeFrom(r),
		Data: pipelineData{Stages: stages, CanManage: teams.CanManage(v.Role)}})
}

// parseProbability reads a whole percentage from 0 to 100.
func parseProbability(raw string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(raw), "%")))
	if err != nil || n < 0 || n > 100 {
		return 0, chatalott.FieldError("probability", "Probability %q is not a whole percentage; enter a number from 0 to 100.", raw)
	}
	return n, nil
}

func (s *Server) handleStageAdd(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	probability, err := parseProbability(r.PostForm.Get("probability"))
	if err == nil {
		_, err = s.Deals.AddStage(r.Context(), viewerFrom(r).Scope(), r.PostForm.Get("name"), probability)
	}
	if err != nil {
		s.renderFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/pipeline?notice=pipeline-saved", http.StatusSeeOther)
}

// handleStageUpdate renames a stage and sets its probability. The won and
// lost stages have fixed probabilities, so their forms send none.
func (s *Server) handleStageUpdate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	scope := viewerFrom(r).Scope()
	// The stage is looked up first, so that a stage of another workspace
	// is not found whatever the form holds.
	stage, err := s.Deals.Stage(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	probability := stage.Probability
	if raw, ok := r.PostForm["probability"]; ok {
		probability, err = parseProbability(raw[0])
	}
	if err == nil {
		err = s.Deals.UpdateStage(r.Context(), scope, stage.ID, r.PostForm.Get("name"), probability)
	}
	if err != nil {
		s.renderFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/pipeline?notice=pipeline-saved", http.StatusSeeOther)
}

func (s *Server) handleStageMove(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	delta := 0
	switch r.PostForm.Get("direction") {
	case "up":
		delta = -1
	case "down":
		delta = 1
	}
	if err := s.Deals.MoveStage(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"), delta); err != nil {
		s.renderFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/pipeline?notice=pipeline-saved", http.StatusSeeOther)
}

type stageRemoveData struct {
	Stage   deals.Stage
	Deals   int
	Targets []deals.Stage
}

func (s *Server) handleStageRemoveForm(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	id := r.PathValue("id")
	count, err := s.Deals.StageDealCount(r.Context(), scope, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	stages, err := s.Deals.Stages(r.Context(), scope)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := stageRemoveData{Deals: count}
	for _, st := range stages {
		if st.ID == id {
			data.Stage = st
		} else {
			data.Targets = append(data.Targets, st)
		}
	}
	s.render(w, r, http.StatusOK, "stage_remove", page{Title: "Remove stage " + data.Stage.Name, Data: data})
}

func (s *Server) handleStageRemove(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	if _, err := s.Deals.RemoveStage(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"), r.PostForm.Get("target_id")); err != nil {
		s.renderFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/pipeline?notice=stage-removed", http.StatusSeeOther)
}
