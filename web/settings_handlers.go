package web

import (
	"net/http"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/sessions"
)

// notices are the fixed confirmations a redirect can ask a page to show.
// Only these keys are accepted, so a link cannot put its own text on a page.
var notices = map[string]string{
	"logged-out":        "You are logged out.",
	"password-changed":  "Your password is changed. Every other session has been logged out.",
	"session-revoked":   "That session is logged out.",
	"contact-saved":     "Contact saved.",
	"contact-deleted":   "Contact deleted.",
	"contact-copied":    "Copied into the other workspace. Switch to it in the workspace menu to see the copy.",
	"backup-code-used":  "You logged in with a backup code, which now no longer works. Check how many remain below, and make new ones when they run low.",
	"two-factor-off":    "Two-factor authentication is off. Every other session has been logged out.",
	"import-discarded":  "The import and its file are deleted.",
	"email-verified":    "Your email address is confirmed.",
	"verification-sent": "We sent a new confirmation link to your email address. It works for 48 hours.",
	"password-reset":    "Your password is reset, and every session has been logged out. Log in with the new password.",
}

func noticeFrom(r *http.Request) string { return notices[r.URL.Query().Get("notice")] }

type settingsData struct {
	Sessions []*sessions.Session
	Current  string
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, p page) {
	v := viewerFrom(r)
	list, err := s.Sessions.List(r.Context(), v.User.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Title = "Settings"
	p.Data = settingsData{Sessions: list, Current: v.Session.ID}
	s.render(w, r, status, "settings", p)
}

func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, page{Notice: noticeFrom(r)})
}

// handlePasswordChange changes the password and logs out every other
// session at once; the session that made the change stays.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := viewerFrom(r)
	next := r.PostForm.Get("new_password")
	if next != r.PostForm.Get("confirm_password") {
		s.renderSettings(w, r, http.StatusUnprocessableEntity, page{FormError: "Please correct the fields marked below.",
			Errors: map[string]string{"confirm_password": "The two new passwords differ; type the same password twice."}})
		return
	}
	if err := s.Accounts.ChangePassword(r.Context(), v.User.ID, r.PostForm.Get("current_password"), next); err != nil {
		fields, formErr := formErrors(err)
		s.renderSettings(w, r, statusFor(chatalott.ErrorCode(err)), page{Errors: fields, FormError: formErr})
		return
	}
	n, err := s.Sessions.RevokeOthers(r.Context(), v.User.ID, v.Session.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.Logger.Info("password changed", "user_id", v.User.ID, "sessions_revoked", n)
	s.afterPasswordChange(r, v.User)
	http.Redirect(w, r, "/settings?notice=password-changed", http.StatusSeeOther)
}

// handleLogOutEverywhere ends every session of the user, this one included.
func (s *Server) handleLogOutEverywhere(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r)
	n, err := s.Sessions.RevokeOthers(r.Context(), v.User.ID, "")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.Logger.Info("logged out everywhere", "user_id", v.User.ID, "sessions_revoked", n)
	clearSessionCookie(w)
	http.Redirect(w, r, "/login?notice=logged-out", http.StatusSeeOther)
}

func (s *Server) handleSessionRevoke(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r)
	id := r.PathValue("id")
	if err := s.Sessions.Revoke(r.Context(), v.User.ID, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	if id == v.Session.ID {
		clearSessionCookie(w)
		http.Redirect(w, r, "/login?notice=logged-out", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/settings?notice=session-revoked", http.StatusSeeOther)
}
