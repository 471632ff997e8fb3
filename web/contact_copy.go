package web

import (
	"net/http"
	"net/url"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
)

// copiedToParam names, in the redirect after a copy, the id of the
// workspace that received the copy.
const copiedToParam = "copied_to"

// handleContactCopy copies a contact of the current workspace into another
// workspace of the user, such as a team. A target the user is not a member
// of answers 404, like one that does not exist.
func (s *Server) handleContactCopy(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := viewerFrom(r)
	target := r.PostForm.Get("workspace")
	workspaces, _, err := s.Teams.Store.Workspaces(r.Context(), v.User.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	member := false
	for _, ws := range workspaces {
		if ws.ID == target && target != v.Workspace.ID {
			member = true
		}
	}
	if !member {
		s.renderError(w, r, chatalott.Errorf(chatalott.ENotFound,
			"That workspace was not found among yours; choose one of your other workspaces."))
		return
	}
	c, err := s.Contacts.Copy(r.Context(), v.Scope(), chatalott.Scope{WorkspaceID: target, UserID: v.User.ID}, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.Logger.Info("contact copied", "user_id", v.User.ID, "workspace_id", v.Workspace.ID, "target_workspace_id", target, "contact_id", c.ID)
	http.Redirect(w, r, "/contacts/"+r.PathValue("id")+"?notice=contact-copied&"+copiedToParam+"="+url.QueryEscape(target),
		http.StatusSeeOther)
}

// contactNotice returns the notice of a contact page. After a copy it names
// the receiving workspace, read from the database and only when the user is
// a member of it, so a link cannot put its own text on the page. An unknown
// workspace id falls back to the notice without a name.
func (s *Server) contactNotice(r *http.Request) string {
	query := r.URL.Query()
	if query.Get("notice") != "contact-copied" || s.Teams == nil {
		return noticeFrom(r)
	}
	v := viewerFrom(r)
	ws, _, err := s.Teams.Store.Membership(r.Context(), query.Get(copiedToParam), v.User.ID)
	if err != nil {
		if chatalott.ErrorCode(err) != chatalott.ENotFound {
			s.Logger.Error("workspace look-up for the copy notice failed", "user_id", v.User.ID,
				"target_workspace_id", query.Get(copiedToParam), "err", err)
		}
		return noticeFrom(r)
	}
	if ws.Kind == accounts.WorkspacePersonal {
		return "Copied into your personal workspace. Switch to it in the workspace menu to see the copy."
	}
	return "Copied into “" + ws.Name + "”. Switch to it in the workspace menu to see the copy."
}
