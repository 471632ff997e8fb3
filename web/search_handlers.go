package web

import (
	"net/http"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/search"
)

type searchData struct {
	Query   string
	Results []search.Result
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	results, err := s.Search.Search(r.Context(), viewerFrom(r).Scope(), q)
	if err != nil {
		fields, formErr := formErrors(err)
		s.render(w, r, statusFor(chatalott.ErrorCode(err)), "search", page{Title: "Search", Errors: fields, FormError: formErr, Data: searchData{Query: q}})
		return
	}
	s.render(w, r, http.StatusOK, "search", page{Title: "Search", Data: searchData{Query: q, Results: results}})
}

type followUpListData struct {
	Overdue  []followups.FollowUp
	Open     []followups.FollowUp
	Location *time.Location
	Now      time.Time
}

// handleFollowUpList shows the workspace's overdue follow-ups, then every
// open one.
func (s *Server) handleFollowUpList(w http.ResponseWriter, r *http.Request) {
	ctx, scope := r.Context(), viewerFrom(r).Scope()
	data := followUpListData{Now: s.Now().UTC()}
	var err error
	if data.Location, err = s.FollowUps.Location(ctx, scope.UserID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if data.Overdue, err = s.FollowUps.Overdue(ctx, scope, ""); err != nil {
		s.renderError(w, r, err)
		return
	}
	if data.Open, err = s.FollowUps.Open(ctx, scope); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "follow_ups", page{Title: "Follow-ups", Notice: panelNoticeFrom(r), Data: data})
}

type timeZoneData struct {
	Current string
	Zones   []string
}

// commonTimeZones are offered in the time zone form's list; any other IANA
// name may be typed.
var commonTimeZones = []string{"UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome",
	"Europe/Warsaw", "Europe/Helsinki", "Europe/Istanbul", "Africa/Lagos", "Africa/Johannesburg", "Asia/Dubai",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
	"America/Sao_Paulo", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}

func (s *Server) handleTimeZoneForm(w http.ResponseWriter, r *http.Request) {
	loc, err := s.FollowUps.Location(r.Context(), viewerFrom(r).User.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "time_zone", page{Title: "Time zone", Notice: panelNoticeFrom(r),
		Data: timeZoneData{Current: loc.String(), Zones: commonTimeZones}})
}

func (s *Server) handleTimeZoneSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	name := r.PostForm.Get("time_zone")
	if err := s.FollowUps.SetTimeZone(r.Context(), viewerFrom(r).User.ID, name); err != nil {
		fields, formErr := formErrors(err)
		s.render(w, r, statusFor(chatalott.ErrorCode(err)), "time_zone", page{Title: "Time zone", Errors: fields, FormError: formErr,
			Data: timeZoneData{Current: name, Zones: commonTimeZones}})
		return
	}
	http.Redirect(w, r, "/settings/time-zone?notice=time-zone-saved", http.StatusSeeOther)
}
