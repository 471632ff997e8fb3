package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/relationships"
	"github.com/chatalott/chatalott/timeline"
)

// subjectPanel is the section below the details of a contact, company or
// deal page: follow-ups, relationships (contacts only) and the timeline,
// each with its form.
type subjectPanel struct {
	Subject chatalott.Subject
	// WorkspaceID is the workspace the panel's forms were rendered in.
	WorkspaceID string
	Timeline    *timeline.Page
	PrevPage    string
	NextPage    string
	FollowUps   []followups.FollowUp
	Members     []deals.Member
	// Location is the viewer's time zone, for showing and entering times.
	Location *time.Location
	Now      time.Time
	// Relationships, RelateQuery and RelateMatches are set on contact
	// pages only.
	IsContact     bool
	Relationships []relationships.Link
	RelateQuery   string
	RelateMatches []*contacts.Contact
	Kinds         []relationships.Choice
	Today         string
}

// loadSubjectPanel reads the panel of subject for the viewer of r. The
// timeline page comes from the tpage query parameter and a relationship
// search from relate_q.
func (s *Server) loadSubjectPanel(r *http.Request, subject chatalott.Subject) (*subjectPanel, error) {
	ctx := r.Context()
	scope := viewerFrom(r).Scope()
	p := &subjectPanel{Subject: subject, WorkspaceID: scope.WorkspaceID, Now: s.Now().UTC(), Kinds: relationships.Choices(),
		IsContact: subject.Type == chatalott.SubjectContact}
	tpage, _ := strconv.Atoi(r.URL.Query().Get("tpage"))
	if tpage < 1 || tpage > 1_000_000 {
		tpage = 1
	}
	var err error
	if p.Timeline, err = s.Timeline.List(ctx, scope, subject, tpage); err != nil {
		return nil, err
	}
	link := func(n int) string {
		return subject.Path() + "?" + url.Values{"tpage": {strconv.Itoa(n)}}.Encode() + "#timeline"
	}
	if p.Timeline.Page > 1 {
		p.PrevPage = link(p.Timeline.Page - 1)
	}
	if p.Timeline.HasNext {
		p.NextPage = link(p.Timeline.Page + 1)
	}
	if p.FollowUps, err = s.FollowUps.ForSubject(ctx, scope, subject); err != nil {
		return nil, err
	}
	if p.Members, err = s.Deals.Members(ctx, scope); err != nil {
		return nil, err
	}
	if p.Location, err = s.FollowUps.Location(ctx, scope.UserID); err != nil {
		return nil, err
	}
	p.Today = p.Now.In(p.Location).Format(followups.LocalLayout)
	if !p.IsContact {
		return p, nil
	}
	if p.Relationships, err = s.Relationships.ForContact(ctx, scope, subject.ID); err != nil {
		return nil, err
	}
	p.RelateQuery = r.URL.Query().Get("relate_q")
	if p.RelateQuery != "" {
		res, err := s.Contacts.List(ctx, scope, contacts.ListQuery{Search: p.RelateQuery})
		if err != nil {
			return nil, err
		}
		for _, c := range res.Contacts {
			if c.ID != subject.ID {
				p.RelateMatches = append(p.RelateMatches, c)
			}
		}
	}
	return p, nil
}

// panelNotices are the confirmations shown after a panel form.
var panelNotices = map[string]string{
	"note-added":        "Note added.",
	"activity-logged":   "Activity logged.",
	"follow-up-added":   "Follow-up added.",
	"follow-up-done":    "Follow-up marked done.",
	"follow-up-reopen":  "Follow-up reopened.",
	"follow-up-snoozed": "Follow-up snoozed.",
	"related":           "Relationship added.",
	"unrelated":         "Relationship removed.",
	"time-zone-saved":   "Time zone saved.",
}

// subjectFrom returns the subject that a route's {id} names, by the type
// the route was registered for.
func subjectFrom(r *http.Request, subjectType string) chatalott.Subject {
	return chatalott.Subject{Type: subjectType, ID: r.PathValue("id")}
}

// handleNoteAdd returns the handler that adds a note to a subject of
// subjectType.
func (s *Server) handleNoteAdd(subjectType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		subject := subjectFrom(r, subjectType)
		if _, err := s.Timeline.AddNote(r.Context(), viewerFrom(r).Scope(), subject, r.PostForm.Get("body")); err != nil {
			s.renderFailure(w, r, err)
			return
		}
		http.Redirect(w, r, subject.Path()+"?notice=note-added#timeline", http.StatusSeeOther)
	}
}

// handleActivityLog returns the handler that logs a call, email or meeting
// on a subject of subjectType. The date and time are read in the viewer's
// time zone.
func (s *Server) handleActivityLog(subjectType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		scope := viewerFrom(r).Scope()
		subject := subjectFrom(r, subjectType)
		loc, err := s.FollowUps.Location(r.Context(), scope.UserID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		var at time.Time
		if v := r.PostForm.Get("occurred_at"); v != "" {
			if at, err = followups.ParseLocal("occurred_at", v, loc); err != nil {
				s.renderFailure(w, r, err)
				return
			}
		}
		if _, err := s.Timeline.LogActivity(r.Context(), scope, subject, r.PostForm.Get("kind"), at, r.PostForm.Get("body")); err != nil {
			s.renderFailure(w, r, err)
			return
		}
		http.Redirect(w, r, subject.Path()+"?notice=activity-logged#timeline", http.StatusSeeOther)
	}
}

// handleFollowUpAdd returns the handler that adds a follow-up to a subject
// of subjectType.
func (s *Server) handleFollowUpAdd(subjectType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		subject := subjectFrom(r, subjectType)
		req := followups.Request{Subject: subject, Title: r.PostForm.Get("title"), Note: r.PostForm.Get("note"),
			AssigneeID: r.PostForm.Get("assignee_id"), Due: r.PostForm.Get("due")}
		if _, err := s.FollowUps.Create(r.Context(), viewerFrom(r).Scope(), req); err != nil {
			s.renderFailure(w, r, err)
			return
		}
		http.Redirect(w, r, subject.Path()+"?notice=follow-up-added#follow-ups", http.StatusSeeOther)
	}
}

// followUpReturn returns where a follow-up action sends the browser back:
// the page named in the form's return field when it is one of this site's
// follow-up, dashboard or record pages, else the follow-up's record.
func followUpReturn(r *http.Request, f *followups.FollowUp, notice string) string {
	switch back := r.PostForm.Get("return"); back {
	case "/follow-ups", "/dashboard":
		return back + "?notice=" + notice
	}
	return f.Subject.Path() + "?notice=" + notice + "#follow-ups"
}

// handleFollowUpAction returns the handler for done, reopen and snooze.
func (s *Server) handleFollowUpAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		ctx, scope, id := r.Context(), viewerFrom(r).Scope(), r.PathValue("id")
		f, err := s.FollowUps.Get(ctx, scope, id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		notice := ""
		switch action {
		case "done":
			err, notice = s.FollowUps.Done(ctx, scope, id), "follow-up-done"
		case "reopen":
			err, notice = s.FollowUps.Reopen(ctx, scope, id), "follow-up-reopen"
		case "snooze":
			err, notice = s.FollowUps.Snooze(ctx, scope, id, r.PostForm.Get("snooze"), r.PostForm.Get("until")), "follow-up-snoozed"
		}
		if err != nil {
			s.renderFailure(w, r, err)
			return
		}
		http.Redirect(w, r, followUpReturn(r, f, notice), http.StatusSeeOther)
	}
}

func (s *Server) handleRelationshipAdd(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	_, err := s.Relationships.Create(r.Context(), viewerFrom(r).Scope(), id, r.PostForm.Get("kind"),
		r.PostForm.Get("label"), r.PostForm.Get("to_id"))
	if err != nil {
		s.renderFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+id+"?notice=related#relationships", http.StatusSeeOther)
}

func (s *Server) handleRelationshipDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.Relationships.Delete(r.Context(), viewerFrom(r).Scope(), id, r.PathValue("rel")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+id+"?notice=unrelated#relationships", http.StatusSeeOther)
}

// panelNoticeFrom returns the confirmation named by the notice parameter
// among the panel's notices, or "".
func panelNoticeFrom(r *http.Request) string { return panelNotices[r.URL.Query().Get("notice")] }

// withPanel loads subject's panel into p, whose Notice falls back to a
// panel notice. It reports false after rendering an error.
func (s *Server) withPanel(w http.ResponseWriter, r *http.Request, subject chatalott.Subject, p *page) bool {
	panel, err := s.loadSubjectPanel(r, subject)
	if err != nil {
		s.renderError(w, r, err)
		return false
	}
	p.Panel = panel
	if p.Notice == "" {
		p.Notice = panelNoticeFrom(r)
	}
	return true
}

// followUpActions is the data of the follow-up action buttons: the
// follow-up and the page to return to, "" for its record's page.
type followUpActions struct {
	F      followups.FollowUp
	Return string
}

func followUpRow(f followups.FollowUp, back string) followUpActions {
	return followUpActions{F: f, Return: back}
}

// followUpTableData is a list of follow-ups as the shared table shows it.
type followUpTableData struct {
	List     []followups.FollowUp
	Location *time.Location
	Now      time.Time
	Return   string
}

func followUpTable(list []followups.FollowUp, loc *time.Location, now time.Time, back string) followUpTableData {
	return followUpTableData{List: list, Location: loc, Now: now, Return: back}
}
