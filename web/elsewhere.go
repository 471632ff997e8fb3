package web

import (
	"context"
	"net/http"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
)

// elsewhereData is the page for a record that lies in another workspace of
// the viewer than the current one.
type elsewhereData struct {
	// Kind names the record for people, such as "contact".
	Kind      string
	Workspace *accounts.Workspace
	// Path is the record's page, opened again after the switch.
	Path string
}

// lookupIn returns a renderMissing lookup that calls get for id.
func lookupIn[T any](ctx context.Context, get func(context.Context, chatalott.Scope, string) (T, error), id string) func(chatalott.Scope) error {
	return func(scope chatalott.Scope) error {
		_, err := get(ctx, scope, id)
		return err
	}
}

// renderMissing writes the response to a record lookup that failed with
// err, using find to look the record up in a given scope. A record in
// another workspace of the viewer gets a 404 page that names that
// workspace and offers to switch. A record of a workspace the viewer is not
// a member of gets the plain 404, like one that does not exist.
func (s *Server) renderMissing(w http.ResponseWriter, r *http.Request, err error, kind string, find func(scope chatalott.Scope) error) {
	v := viewerFrom(r)
	if chatalott.ErrorCode(err) != chatalott.ENotFound || s.Teams == nil || v == nil {
		s.renderError(w, r, err)
		return
	}
	list, _, listErr := s.Teams.Store.Workspaces(r.Context(), v.User.ID)
	if listErr != nil {
		s.Logger.Error("list workspaces to find a record", "user_id", v.User.ID, "err", listErr)
		s.renderError(w, r, err)
		return
	}
	for _, ws := range list {
		if ws.ID == v.Workspace.ID {
			continue
		}
		if find(chatalott.Scope{WorkspaceID: ws.ID, UserID: v.User.ID}) == nil {
			s.render(w, r, http.StatusNotFound, "elsewhere", page{Title: "Not in this workspace",
				Data: elsewhereData{Kind: kind, Workspace: ws, Path: r.URL.Path}})
			return
		}
	}
	s.renderError(w, r, err)
}
