package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/teams"
)

// inviteCookie carries an invite token from GET /invites/accept to the
// accept form's POST. The token travels in this HttpOnly cookie and never in
// the page's HTML, so it cannot leak through the page source, a saved page
// or a screenshot. The cookie lives until the invite would expire at most.
const inviteCookie = "__Host-chatalott_invite"

// invitePath is the invite page, which reads the token from the invite
// cookie.
const invitePath = "/invites/accept"

// currentWorkspace returns the workspace the session acts in with the
// user's role in it. The session's stored choice is re-checked against the
// memberships table on every request, in one joined query, so a removed
// member falls back to their personal workspace at their very next request.
func (s *Server) currentWorkspace(ctx context.Context, sess *sessions.Session, personal *accounts.Workspace) (*accounts.Workspace, string, error) {
	if sess.WorkspaceID == "" || sess.WorkspaceID == personal.ID || s.Teams == nil {
		return personal, accounts.RoleOwner, nil
	}
	ws, role, err := s.Teams.Store.Membership(ctx, sess.WorkspaceID, sess.UserID)
	if chatalott.ErrorCode(err) == chatalott.ENotFound {
		return personal, accounts.RoleOwner, nil
	}
	if err != nil {
		return nil, "", err
	}
	return ws, role, nil
}

// loadWorkspaceChoices fills v.Workspaces for the header switcher. A failure
// hides the switcher and is logged.
func (s *Server) loadWorkspaceChoices(r *http.Request, v *viewer) {
	if v == nil || s.Teams == nil || v.Workspaces != nil {
		return
	}
	list, _, err := s.Teams.Store.Workspaces(r.Context(), v.User.ID)
	if err != nil {
		s.Logger.Error("list workspaces for the switcher", "user_id", v.User.ID, "err", err)
		return
	}
	v.Workspaces = list
}

func (v *viewer) actor() teams.Actor {
	return teams.Actor{UserID: v.User.ID, Workspace: v.Workspace, Role: v.Role}
}

// requireAdmin lets only owners and admins of the current workspace through,
// which in a personal workspace is its single owner.
func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !teams.CanManage(viewerFrom(r).Role) {
			s.renderError(w, r, chatalott.Errorf(chatalott.EForbidden, "Only owners and admins of this team can change the pipeline."))
			return
		}
		h(w, r)
	}
}

func (s *Server) teamsOrNotFound(w http.ResponseWriter, r *http.Request) bool {
	if s.Teams == nil {
		s.renderError(w, r, chatalott.Errorf(chatalott.ENotFound, "Teams are not enabled on this server."))
		return false
	}
	return true
}

// teamNotices are the confirmations that /team shows after a redirect.
// Only these keys are accepted, so a link cannot put its own text on the
// page.
var teamNotices = map[string]string{
	"team-created":          "Team created. You are now working in it.",
	"team-renamed":          "Team renamed.",
	"ownership-transferred": "Ownership transferred. You are now an admin.",
	"member-removed":        "Member removed.",
	"role-changed":          "Role changed.",
	"invite-sent":           "Invite sent.",
	"invite-resent":         "Invite sent again with a new link. The old link no longer works.",
	"invite-revoked":        "Invite revoked.",
	"invite-accepted":       "Welcome to the team.",
}

type teamPage struct {
	Workspaces []*accounts.Workspace
	Roles      []string
	Members    []*teams.Member
	Invites    []*teams.Invite
	Activity   []*teams.Activity
	IsTeam     bool
	CanManage  bool // owner or admin
	IsOwner    bool
	// SoleOwner reports that the viewer is the team's only owner, who
	// cannot leave.
	SoleOwner bool
	// InviteEmail and InviteRole refill the invite form after a rejected
	// invite.
	InviteEmail string
	InviteRole  string
}

func (s *Server) handleTeam(w http.ResponseWriter, r *http.Request) {
	s.renderTeam(w, r, http.StatusOK, teamNotices[r.URL.Query().Get("notice")], nil)
}

// renderTeam shows /team with an optional notice or error.
func (s *Server) renderTeam(w http.ResponseWriter, r *http.Request, status int, notice string, formErr error) {
	if !s.teamsOrNotFound(w, r) {
		return
	}
	v := viewerFrom(r)
	ctx := r.Context()
	data := teamPage{IsTeam: v.Workspace.Kind == accounts.WorkspaceTeam,
		CanManage: teams.CanManage(v.Role), IsOwner: v.Role == accounts.RoleOwner}
	var err error
	if data.Workspaces, data.Roles, err = s.Teams.Store.Workspaces(ctx, v.User.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if data.IsTeam {
		a := v.actor()
		if data.Members, err = s.Teams.Members(ctx, a); err == nil {
			if data.Invites, err = s.Teams.PendingInvites(ctx, a); err == nil {
				data.Activity, err = s.Teams.Activity(ctx, a)
			}
		}
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		owners := 0
		for _, m := range data.Members {
			if m.Role == accounts.RoleOwner {
				owners++
			}
		}
		data.SoleOwner = data.IsOwner && owners == 1
	}
	if r.Pattern == "POST /team/invites" {
		data.InviteEmail, data.InviteRole = r.PostForm.Get("email"), r.PostForm.Get("role")
	}
	p := page{Title: "Team", Notice: notice, Data: data}
	if formErr != nil {
		p.Errors, p.FormError = formErrors(formErr)
	}
	s.render(w, r, status, "team", p)
}

// finishTeamAction redirects to /team with the notice that noticeKey names
// in teamNotices after a change, or shows /team with the error. Forbidden
// and not-found errors get the plain error page.
func (s *Server) finishTeamAction(w http.ResponseWriter, r *http.Request, err error, noticeKey string) {
	switch chatalott.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/team?notice="+url.QueryEscape(noticeKey), http.StatusSeeOther)
	case chatalott.EInvalid, chatalott.EConflict:
		s.renderTeam(w, r, http.StatusUnprocessableEntity, "", err)
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) handleTeamCreate(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) || !s.parseForm(w, r) {
		return
	}
	v := viewerFrom(r)
	ws, err := s.Teams.CreateTeam(r.Context(), v.User.ID, r.PostForm.Get("name"))
	if err == nil {
		err = s.Teams.Store.SetSessionWorkspace(r.Context(), v.Session.ID, v.User.ID, ws.ID)
	}
	if err != nil {
		s.finishTeamAction(w, r, err, "")
		return
	}
	http.Redirect(w, r, "/team?notice=team-created", http.StatusSeeOther)
}

// handleWorkspaceSwitch stores the chosen workspace on the session after
// checking that the user is a member of it. A workspace of which the user
// is not a member answers 404.
func (s *Server) handleWorkspaceSwitch(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) || !s.parseForm(w, r) {
		return
	}
	v := viewerFrom(r)
	ctx := r.Context()
	id := r.PostForm.Get("workspace")
	ws, _, err := s.Teams.Store.Membership(ctx, id, v.User.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	target := ws.ID
	if ws.Kind == accounts.WorkspacePersonal {
		target = ""
	}
	if err := s.Teams.Store.SetSessionWorkspace(ctx, v.Session.ID, v.User.ID, target); err != nil {
		s.renderError(w, r, err)
		return
	}
	// next, a path on this site, opens a record of the workspace switched to.
	next := "/dashboard"
	if p := r.PostForm.Get("next"); isLocalPath(p) {
		next = p
	}
	http.Redirect(w, r, next, http.StatusSeeOther) // #nosec G710 -- isLocalPath allows only paths on this site
}

func (s *Server) handleTeamRename(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) || !s.parseForm(w, r) {
		return
	}
	err := s.Teams.Rename(r.Context(), viewerFrom(r).actor(), r.PostForm.Get("name"))
	s.finishTeamAction(w, r, err, "team-renamed")
}

func (s *Server) handleTeamDelete(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) || !s.parseForm(w, r) {
		return
	}
	err := s.Teams.Delete(r.Context(), viewerFrom(r).actor(), r.PostForm.Get("confirm"))
	if err != nil {
		s.finishTeamAction(w, r, err, "")
		return
	}
	// The session's workspace_id became NULL with the deleted workspace.
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

func (s *Server) handleTeamTransfer(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) || !s.parseForm(w, r) {
		return
	}
	err := s.Teams.Transfer(r.Context(), viewerFrom(r).actor(), r.PostForm.Get("user"))
	s.finishTeamAction(w, r, err, "ownership-transferred")
}

func (s *Server) handleTeamLeave(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) {
		return
	}
	v := viewerFrom(r)
	if err := s.Teams.Leave(r.Context(), v.actor()); err != nil {
		s.finishTeamAction(w, r, err, "")
		return
	}
	if err := s.Teams.Store.SetSessionWorkspace(r.Context(), v.Session.ID, v.User.ID, ""); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

func (s *Server) handleMemberRemove(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) {
		return
	}
	err := s.Teams.RemoveMember(r.Context(), viewerFrom(r).actor(), r.PathValue("user"))
	s.finishTeamAction(w, r, err, "member-removed")
}

func (s *Server) handleMemberRole(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) || !s.parseForm(w, r) {
		return
	}
	err := s.Teams.SetRole(r.Context(), viewerFrom(r).actor(), r.PathValue("user"), r.PostForm.Get("role"))
	s.finishTeamAction(w, r, err, "role-changed")
}

func (s *Server) handleInviteCreate(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) || !s.parseForm(w, r) {
		return
	}
	_, err := s.Teams.Invite(r.Context(), viewerFrom(r).actor(), r.PostForm.Get("email"), r.PostForm.Get("role"))
	s.finishTeamAction(w, r, err, "invite-sent")
}

func (s *Server) handleInviteRevoke(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) {
		return
	}
	err := s.Teams.Revoke(r.Context(), viewerFrom(r).actor(), r.PathValue("id"))
	s.finishTeamAction(w, r, err, "invite-revoked")
}

func (s *Server) handleInviteResend(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) {
		return
	}
	err := s.Teams.Resend(r.Context(), viewerFrom(r).actor(), r.PathValue("id"))
	s.finishTeamAction(w, r, err, "invite-resent")
}

type invitePage struct {
	Invite   *teams.InviteView
	LoggedIn bool
	// Verified reports whether the logged-in user has confirmed their email
	// address, which accepting requires.
	Verified bool
}

// handleInviteView shows the team name and the inviter of an invite. A
// token in the query is moved into the invite cookie and the browser is
// redirected to the same page without it, so the token leaves the address
// bar and is never written into the HTML.
func (s *Server) handleInviteView(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) {
		return
	}
	if token := r.URL.Query().Get("token"); token != "" {
		setInviteCookie(w, token, s.Now().Add(teams.InviteLifetime))
		http.Redirect(w, r, invitePath, http.StatusSeeOther)
		return
	}
	token := ""
	if c, err := r.Cookie(inviteCookie); err == nil {
		token = c.Value
	}
	view, err := s.Teams.ViewInvite(r.Context(), token)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := viewerFrom(r)
	data := invitePage{Invite: view, LoggedIn: v != nil, Verified: v != nil && v.User.EmailVerifiedAt != nil}
	s.render(w, r, http.StatusOK, "invite_accept", page{Title: "Team invite", Notice: noticeFrom(r), Data: data})
}

// handleInviteAccept accepts the invite in the invite cookie for the
// logged-in user and switches the session to the team.
func (s *Server) handleInviteAccept(w http.ResponseWriter, r *http.Request) {
	if !s.teamsOrNotFound(w, r) {
		return
	}
	v := viewerFrom(r)
	token := ""
	if c, err := r.Cookie(inviteCookie); err == nil {
		token = c.Value
	}
	workspaceID, err := s.Teams.Accept(r.Context(), v.User, token)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	setInviteCookie(w, "", time.Time{})
	if err := s.Teams.Store.SetSessionWorkspace(r.Context(), v.Session.ID, v.User.ID, workspaceID); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/team?notice=invite-accepted", http.StatusSeeOther)
}

// hasPendingInvite reports whether the request carries an invite cookie
// whose invite can still be accepted. The browser keeps that cookie from
// the invite link through sign-up, email confirmation and log-in, so these
// steps can lead back to the invite page. A failed look-up is logged and
// counts as no invite.
func (s *Server) hasPendingInvite(r *http.Request) bool {
	if s.Teams == nil {
		return false
	}
	c, err := r.Cookie(inviteCookie)
	if err != nil || c.Value == "" {
		return false
	}
	err = s.Teams.CheckInvite(r.Context(), c.Value)
	if err != nil && chatalott.ErrorCode(err) != chatalott.ENotFound {
		s.Logger.Error("invite cookie look-up failed", "route", r.Pattern, "err", err)
	}
	return err == nil
}

// setInviteCookie sets the invite cookie, or clears it when token is empty.
func setInviteCookie(w http.ResponseWriter, token string, expires time.Time) {
	c := &http.Cookie{Name: inviteCookie, Value: token, Path: "/", Expires: expires,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}
