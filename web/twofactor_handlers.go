package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/twofactor"
	qrcode "github.com/skip2/go-qrcode"
)

// PartialCookie carries the token of a partial session: the password was
// right and the second factor is still to come. It opens nothing but the
// second-factor form.
const PartialCookie = "__Host-chatalott_second_factor"

func setPartialCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: PartialCookie, Value: token, Path: "/", Expires: expires,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func clearPartialCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: PartialCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// partialSession returns the partial session named by the request's
// partial cookie, or nil.
func (s *Server) partialSession(r *http.Request) *sessions.Session {
	c, err := r.Cookie(PartialCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := s.Sessions.AuthenticatePartial(r.Context(), c.Value)
	if err != nil {
		return nil
	}
	return sess
}

type secondFactorForm struct {
	Next string
}

func (s *Server) handleSecondFactorForm(w http.ResponseWriter, r *http.Request) {
	if s.partialSession(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "second_factor", page{Title: "Two-factor authentication",
		Data: secondFactorForm{Next: safeNext(r.URL.Query().Get("next"))}})
}

// handleSecondFactor completes a log-in with a TOTP or backup code. Wrong
// codes count against a per-user limit of their own.
func (s *Server) handleSecondFactor(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	partial := s.partialSession(r)
	if partial == nil {
		clearPartialCookie(w)
		s.render(w, r, http.StatusUnauthorized, "login", page{Title: "Log in",
			FormError: "The log-in took too long or has ended. Log in again.", Data: authForm{Next: "/dashboard"}})
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if s.limited(w, r, limitCheck{s.Limits.SecondFactor, partial.UserID}) {
		return
	}
	usedBackup, remaining, err := s.TwoFactor.VerifyAny(r.Context(), partial.UserID, r.PostForm.Get("code"))
	if err != nil {
		if chatalott.ErrorCode(err) != chatalott.EUnauthorized {
			s.renderError(w, r, err)
			return
		}
		s.Logger.Info("second factor failed", "user_id", partial.UserID)
		s.render(w, r, http.StatusUnauthorized, "second_factor", page{Title: "Two-factor authentication",
			FormError: chatalott.ErrorMessage(err), Data: secondFactorForm{Next: next}})
		return
	}
	token, sess, err := s.Sessions.Promote(r.Context(), partial, r.UserAgent(), s.clientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	clearPartialCookie(w)
	setSessionCookie(w, token, sess.ExpiresAt)
	s.Logger.Info("user logged in", "user_id", partial.UserID, "second_factor", map[bool]string{true: "backup_code", false: "totp"}[usedBackup])
	if usedBackup {
		s.notifyBackupCodeUsed(r, partial.UserID, remaining)
		http.Redirect(w, r, "/settings/two-factor?notice=backup-code-used", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther) // #nosec G710 -- next passed safeNext, which allows only paths on this site
}

type twoFactorData struct {
	Enabled   bool
	Remaining int
	// NeedPassword is set when the password was not typed in the last
	// sessions.RecentPasswordWindow, so the form asks for it.
	NeedPassword bool
	Enrolment    *twofactor.Enrolment
	// Codes are new backup codes, shown once.
	Codes []string
}

func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, p page, data twoFactorData) {
	v := viewerFrom(r)
	on, remaining, err := s.TwoFactor.Status(r.Context(), v.User.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data.Enabled, data.Remaining = on, remaining
	data.NeedPassword = !v.Session.PasswordRecent(s.Now())
	p.Title = "Two-factor authentication"
	p.Data = data
	s.render(w, r, status, "two_factor", p)
}

func (s *Server) handleTwoFactorSettings(w http.ResponseWriter, r *http.Request) {
	s.renderTwoFactor(w, r, http.StatusOK, page{Notice: noticeFrom(r)}, twoFactorData{})
}

// confirmPassword checks the password field when the session's password is
// not recent, and records it. It reports false after re-showing the page.
func (s *Server) confirmPassword(w http.ResponseWriter, r *http.Request) bool {
	v := viewerFrom(r)
	if v.Session.PasswordRecent(s.Now()) && r.PostForm.Get("password") == "" {
		return true
	}
	if err := s.Accounts.CheckPassword(r.Context(), v.User.ID, r.PostForm.Get("password")); err != nil {
		fields, formErr := formErrors(err)
		s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, page{Errors: fields, FormError: formErr}, twoFactorData{})
		return false
	}
	if err := s.Sessions.MarkPassword(r.Context(), v.Session); err != nil {
		s.renderError(w, r, err)
		return false
	}
	return true
}

func (s *Server) handleTwoFactorBegin(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.confirmPassword(w, r) {
		return
	}
	v := viewerFrom(r)
	e, err := s.TwoFactor.Begin(r.Context(), v.User.ID, v.User.Email)
	if err != nil {
		s.renderTwoFactor(w, r, statusFor(chatalott.ErrorCode(err)), page{FormError: chatalott.ErrorMessage(err)}, twoFactorData{})
		return
	}
	s.renderTwoFactor(w, r, http.StatusOK, page{}, twoFactorData{Enrolment: e})
}

// handleTwoFactorQR serves the pending secret's otpauth URI as a QR code
// rendered here, so the secret never goes to a third-party service.
func (s *Server) handleTwoFactorQR(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r)
	e, err := s.TwoFactor.Pending(r.Context(), v.User.ID, v.User.Email)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	png, err := qrcode.Encode(e.URI, qrcode.Medium, 256)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
}

func (s *Server) handleTwoFactorConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := viewerFrom(r)
	codes, err := s.TwoFactor.Confirm(r.Context(), v.User.ID, r.PostForm.Get("code"))
	if err != nil {
		fields, formErr := formErrors(err)
		e, pendingErr := s.TwoFactor.Pending(r.Context(), v.User.ID, v.User.Email)
		if pendingErr != nil {
			e = nil
		}
		s.renderTwoFactor(w, r, statusFor(chatalott.ErrorCode(err)), page{Errors: fields, FormError: formErr}, twoFactorData{Enrolment: e})
		return
	}
	s.Logger.Info("two-factor enabled", "user_id", v.User.ID)
	s.notifyTwoFactor(r, v.User.ID, true)
	s.renderTwoFactor(w, r, http.StatusOK, page{Notice: "Two-factor authentication is on. Save your backup codes now: they are shown only once."},
		twoFactorData{Codes: codes})
}

func (s *Server) handleBackupCodesRegenerate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.confirmPassword(w, r) {
		return
	}
	v := viewerFrom(r)
	if s.limited(w, r, limitCheck{s.Limits.SecondFactor, v.User.ID}) {
		return
	}
	codes, err := s.TwoFactor.RegenerateBackupCodes(r.Context(), v.User.ID, r.PostForm.Get("code"))
	if err != nil {
		s.renderTwoFactor(w, r, statusFor(chatalott.ErrorCode(err)), page{FormError: chatalott.ErrorMessage(err)}, twoFactorData{})
		return
	}
	s.Logger.Info("backup codes regenerated", "user_id", v.User.ID)
	s.renderTwoFactor(w, r, http.StatusOK, page{Notice: "New backup codes are ready; the old ones no longer work. Save them now: they are shown only once."},
		twoFactorData{Codes: codes})
}

// handleTwoFactorDisable turns two-factor log-in off with the password and
// a code, and ends every other session.
func (s *Server) handleTwoFactorDisable(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := viewerFrom(r)
	if err := s.Accounts.CheckPassword(r.Context(), v.User.ID, r.PostForm.Get("password")); err != nil {
		fields, formErr := formErrors(err)
		s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, page{Errors: fields, FormError: formErr}, twoFactorData{})
		return
	}
	if s.limited(w, r, limitCheck{s.Limits.SecondFactor, v.User.ID}) {
		return
	}
	if err := s.TwoFactor.Disable(r.Context(), v.User.ID, strings.TrimSpace(r.PostForm.Get("code"))); err != nil {
		s.renderTwoFactor(w, r, statusFor(chatalott.ErrorCode(err)), page{FormError: chatalott.ErrorMessage(err)}, twoFactorData{})
		return
	}
	n, err := s.Sessions.RevokeOthers(r.Context(), v.User.ID, v.Session.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.Logger.Info("two-factor disabled", "user_id", v.User.ID, "sessions_revoked", n)
	s.notifyTwoFactor(r, v.User.ID, false)
	http.Redirect(w, r, "/settings/two-factor?notice=two-factor-off", http.StatusSeeOther)
}
