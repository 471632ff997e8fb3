package web

import (
	"net/http"

	"github.com/chatalott/chatalott"
)

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
	http.Redirect(w, r, "/contacts/"+r.PathValue("id")+"?notice=contact-copied", http.StatusSeeOther)
}
