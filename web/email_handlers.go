package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
)

// Pages that follow an emailed link carry the token in the query string of
// GET and in the form body of POST, never in the path. The request log and
// some warnings record the path, and a token must never reach a log.

// checkEmailData is shown after a sign-up or a reset request. It holds only
// what the user typed, so the page is the same whether or not the address
// has an account.
type checkEmailData struct {
	Email string
	// Reset is true after a reset request and false after a sign-up.
	Reset bool
}

type linkForm struct {
	Token string
}

// emailFlowsMissing renders a 503 page when the server was built without
// email flows, which only benchmark servers do.
func (s *Server) emailFlowsMissing(w http.ResponseWriter, r *http.Request) bool {
	if s.Email != nil {
		return false
	}
	s.Logger.Error("email flows are not configured", "route", r.Pattern)
	s.render(w, r, http.StatusServiceUnavailable, "error", page{Title: "Not available",
		Data: "Email is not set up on this server, so this page does not work. Contact the operator."})
	return true
}

// renderLinkError shows why an emailed link did not work.
func (s *Server) renderLinkError(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, accounts.ErrInvalidLink) {
		s.renderError(w, r, err)
		return
	}
	s.Logger.Info("emailed link rejected", "route", r.Pattern)
	s.render(w, r, statusFor(chatalott.ErrorCode(err)), "error", page{Title: "Link not valid", Data: chatalott.ErrorMessage(err)})
}

// handleSignUp creates an account and emails a verification link. A sign-up
// with an address that already has an account gets the same page, status
// and timing, and the owner gets an email instead, so the form does not
// reveal which addresses have accounts. The user is not logged in here:
// logging in at once only on a new address would reveal it.
func (s *Server) handleSignUp(w http.ResponseWriter, r *http.Request) {
	if s.emailFlowsMissing(w, r) || !s.parseForm(w, r) {
		return
	}
	req := accounts.SignUpRequest{
		Name:     r.PostForm.Get("name"),
		Email:    r.PostForm.Get("email"),
		Password: r.PostForm.Get("password"),
	}
	if s.limited(w, r, limitCheck{s.Limits.SignUpIP, s.clientIP(r)},
		limitCheck{s.Limits.SignUpEmail, accounts.NormalizeEmail(req.Email)}) {
		return
	}
	user, created, err := s.Email.Register(r.Context(), req)
	if err != nil {
		fields, formErr := formErrors(err)
		s.render(w, r, statusFor(chatalott.ErrorCode(err)), "signup", page{Title: "Create your account",
			Errors: fields, FormError: formErr, Data: authForm{Name: req.Name, Email: req.Email}})
		return
	}
	if created {
		s.Logger.Info("user signed up", "user_id", user.ID)
	} else {
		s.Logger.Info("sign-up with a registered address; owner notified", "user_id", user.ID)
	}
	s.render(w, r, http.StatusOK, "check_email", page{Title: "Check your email",
		Data: checkEmailData{Email: strings.TrimSpace(req.Email)}})
}

func (s *Server) handleVerifyEmailForm(w http.ResponseWriter, r *http.Request) {
	if s.emailFlowsMissing(w, r) {
		return
	}
	token := r.URL.Query().Get("token")
	if err := s.Email.CheckLink(r.Context(), accounts.PurposeVerifyEmail, token); err != nil {
		s.renderLinkError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "verify_email", page{Title: "Confirm your email address", Data: linkForm{Token: token}})
}

// handleVerifyEmail uses the link. The link opens a page with a button and
// does not verify on GET, so a mail scanner that fetches links cannot use it
// up before the user clicks. A browser whose invite cookie still names an
// invite that can be accepted goes back to the invite page, through the
// log-in form when it is logged out.
func (s *Server) handleVerifyEmail(w http.ResponseWriter, r *http.Request) {
	if s.emailFlowsMissing(w, r) || !s.parseForm(w, r) {
		return
	}
	userID, err := s.Email.VerifyEmail(r.Context(), r.PostForm.Get("token"))
	if err != nil {
		s.renderLinkError(w, r, err)
		return
	}
	s.Logger.Info("email verified", "user_id", userID)
	invited := s.hasPendingInvite(r)
	switch {
	case viewerFrom(r) != nil && invited:
		http.Redirect(w, r, invitePath, http.StatusSeeOther)
	case viewerFrom(r) != nil:
		http.Redirect(w, r, "/settings?notice=email-verified", http.StatusSeeOther)
	case invited:
		http.Redirect(w, r, "/login?notice=email-verified&next="+url.QueryEscape(invitePath), http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/login?notice=email-verified", http.StatusSeeOther)
	}
}

// handleResendVerification emails the logged-in user a new verification
// link, which replaces the earlier one.
func (s *Server) handleResendVerification(w http.ResponseWriter, r *http.Request) {
	if s.emailFlowsMissing(w, r) || !s.parseForm(w, r) {
		return
	}
	v := viewerFrom(r)
	if s.limited(w, r, limitCheck{s.Limits.SignUpEmail, v.User.EmailNormalized}) {
		return
	}
	if err := s.Email.SendVerification(r.Context(), v.User); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.Logger.Info("verification link sent again", "user_id", v.User.ID)
	// The invite page sends next, so the browser returns there.
	if r.PostForm.Get("next") == invitePath {
		http.Redirect(w, r, invitePath+"?notice=verification-sent", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/settings?notice=verification-sent", http.StatusSeeOther)
}

func (s *Server) handleForgotPasswordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "forgot_password", page{Title: "Reset your password", Data: authForm{}})
}

// handleForgotPassword emails a reset link when the address has an account.
// The page, status and timing are the same either way; the email is sent
// in the background by the mailer.
func (s *Server) handleForgotPassword(w http.ResponseWriter, r *http.Request) {
	if s.emailFlowsMissing(w, r) || !s.parseForm(w, r) {
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" {
		s.render(w, r, http.StatusUnprocessableEntity, "forgot_password", page{Title: "Reset your password",
			FormError: "Please correct the fields marked below.", Data: authForm{},
			Errors: map[string]string{"email": "Email is missing; enter the address you log in with."}})
		return
	}
	if s.limited(w, r, limitCheck{s.Limits.ResetIP, s.clientIP(r)},
		limitCheck{s.Limits.ResetEmail, accounts.NormalizeEmail(email)}) {
		return
	}
	if err := s.Email.RequestPasswordReset(r.Context(), email); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "check_email", page{Title: "Check your email",
		Data: checkEmailData{Email: email, Reset: true}})
}

func (s *Server) handleResetPasswordForm(w http.ResponseWriter, r *http.Request) {
	if s.emailFlowsMissing(w, r) {
		return
	}
	token := r.URL.Query().Get("token")
	if err := s.Email.CheckLink(r.Context(), accounts.PurposeResetPassword, token); err != nil {
		s.renderLinkError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reset_password", page{Title: "Choose a new password", Data: linkForm{Token: token}})
}

// handleResetPassword sets the new password, ends every session of the
// user, this browser's included, and sends the browser to the log-in page.
func (s *Server) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	if s.emailFlowsMissing(w, r) || !s.parseForm(w, r) {
		return
	}
	token := r.PostForm.Get("token")
	password := r.PostForm.Get("new_password")
	reshow := func(status int, p page) {
		p.Title = "Choose a new password"
		p.Data = linkForm{Token: token}
		s.render(w, r, status, "reset_password", p)
	}
	if password != r.PostForm.Get("confirm_password") {
		reshow(http.StatusUnprocessableEntity, page{FormError: "Please correct the fields marked below.",
			Errors: map[string]string{"confirm_password": "The two new passwords differ; type the same password twice."}})
		return
	}

	user, err := s.Email.ResetPassword(r.Context(), token, password)
	if errors.Is(err, accounts.ErrInvalidLink) {
		s.renderLinkError(w, r, err)
		return
	}
	if chatalott.ErrorCode(err) == chatalott.EInvalid {
		fields, formErr := formErrors(err)
		reshow(http.StatusUnprocessableEntity, page{Errors: fields, FormError: formErr})
		return
	}
	if err != nil && user == nil {
		s.renderError(w, r, err)
		return
	}

	if err != nil {
		// The password is reset and the sessions are ended; only the
		// notice failed, which the user need not wait for.
		s.Logger.Error("password reset notice failed", "user_id", user.ID, "err", err)
	}
	s.Logger.Info("password reset with an emailed link; every session revoked", "user_id", user.ID)
	clearSessionCookie(w)
	http.Redirect(w, r, "/login?notice=password-reset", http.StatusSeeOther)
}

// afterPasswordChange deletes the user's outstanding reset links and emails
// the password-change notice. The password is already changed, so a failure
// is logged and the request still succeeds.
func (s *Server) afterPasswordChange(r *http.Request, u *accounts.User) {
	if s.Email == nil {
		return
	}
	if err := s.Email.AfterPasswordChange(r.Context(), u); err != nil {
		s.Logger.Error("after password change", "user_id", u.ID, "err", err)
	}
}
