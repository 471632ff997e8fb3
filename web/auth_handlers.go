package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
)

type authForm struct {
	Name  string
	Email string
	Next  string
}

// parseForm reads a urlencoded form of at most maxFormBytes. It reports
// false after writing an error response.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if !isFormContentType(r) {
		s.render(w, r, http.StatusUnsupportedMediaType, "error", page{Title: "Unsupported form format",
			Data: "The form was not sent as a web form (application/x-www-form-urlencoded). Reload the page and submit the form from there."})
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		status := http.StatusBadRequest
		msg := "The form could not be read. Reload the page and try again."
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status, msg = http.StatusRequestEntityTooLarge, "The form is larger than 1 MiB. Shorten the text and try again."
		}
		s.render(w, r, status, "error", page{Title: http.StatusText(status), Data: msg})
		return false
	}
	return true
}

// isLocalPath reports whether next is a path on this site, so that a
// redirect to it cannot lead to another site. Browsers drop tabs and
// newlines from URLs and read a backslash as a slash, so "/\t/evil" would
// become "//evil", another host: any space, control character or backslash
// makes next unsafe.
func isLocalPath(next string) bool {
	unsafe := func(r rune) bool { return r == '\\' || r < ' ' || r == 0x7f || unicode.IsSpace(r) }
	return strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && strings.IndexFunc(next, unsafe) < 0
}

// safeNext returns next when it is a path on this site, else "/dashboard".
func safeNext(next string) string {
	if !isLocalPath(next) {
		return "/dashboard"
	}
	return next
}

// landingPath returns where a log-in sends the browser: next when it is a
// path on this site, else the invite page while the browser's invite cookie
// names an invite that can still be accepted, else the dashboard.
func (s *Server) landingPath(r *http.Request, next string) string {
	if isLocalPath(next) {
		return next
	}
	if s.hasPendingInvite(r) {
		return invitePath
	}
	return "/dashboard"
}

func (s *Server) handleSignUpForm(w http.ResponseWriter, r *http.Request) {
	if viewerFrom(r) != nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signup", page{Title: "Create your account", Data: authForm{}})
}

// handleLogInForm shows the log-in form. The form carries next only when
// the link named a path on this site. Without one, landingPath chooses
// where a successful log-in goes.
func (s *Server) handleLogInForm(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if viewerFrom(r) != nil {
		http.Redirect(w, r, s.landingPath(r, next), http.StatusSeeOther) // #nosec G710 -- landingPath returns only paths on this site
		return
	}
	if !isLocalPath(next) {
		next = ""
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Log in", Notice: noticeFrom(r), Data: authForm{Next: next}})
}

func (s *Server) handleLogIn(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	email := r.PostForm.Get("email")
	requested := r.PostForm.Get("next")
	if !isLocalPath(requested) {
		requested = ""
	}
	// Both limits count every attempt before the password is checked, so a
	// limited request costs no bcrypt comparison and the email limit
	// applies whether or not the email has an account.
	if s.limited(w, r, limitCheck{s.Limits.LogInIP, s.clientIP(r)},
		limitCheck{s.Limits.LogInEmail, accounts.NormalizeEmail(email)}) {
		return
	}
	user, err := s.Accounts.LogIn(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		if !accounts.IsBadCredentials(err) {
			s.renderError(w, r, err)
			return
		}
		s.Logger.Info("log-in failed", "reason", "bad credentials")
		s.render(w, r, http.StatusUnauthorized, "login", page{Title: "Log in",
			FormError: chatalott.ErrorMessage(err), Data: authForm{Email: email, Next: requested}})
		return
	}
	next := s.landingPath(r, requested)
	// A log-in always gets a new session id, and any session the browser
	// already had is ended, so a planted session id cannot be carried over.
	if v := viewerFrom(r); v != nil {
		if err := s.Sessions.Revoke(r.Context(), v.User.ID, v.Session.ID); err != nil {
			s.Logger.Warn("revoke previous session at log-in", "user_id", v.User.ID, "err", err)
		}
	}
	if s.TwoFactor != nil {
		on, _, err := s.TwoFactor.Status(r.Context(), user.ID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if on {
			s.startPartialSession(w, r, user.ID, next)
			return
		}
	}
	s.Logger.Info("user logged in", "user_id", user.ID)
	s.startSession(w, r, user.ID, next)
}

// startPartialSession issues a partial session after a correct password
// and sends the browser to the second-factor form.
func (s *Server) startPartialSession(w http.ResponseWriter, r *http.Request, userID, next string) {
	token, sess, err := s.Sessions.IssuePartial(r.Context(), userID, r.UserAgent(), s.clientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	setPartialCookie(w, token, sess.ExpiresAt)
	s.Logger.Info("password accepted; second factor required", "user_id", userID)
	http.Redirect(w, r, "/login/two-factor?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// startSession issues a new session for userID, sets its cookie and
// redirects to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID, next string) {
	token, sess, err := s.Sessions.Issue(r.Context(), userID, r.UserAgent(), s.clientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	setSessionCookie(w, token, sess.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther) // #nosec G710 -- callers pass a fixed path or one that passed safeNext
}

func (s *Server) handleLogOut(w http.ResponseWriter, r *http.Request) {
	if v := viewerFrom(r); v != nil {
		if err := s.Sessions.Revoke(r.Context(), v.User.ID, v.Session.ID); err != nil {
			s.renderError(w, r, err)
			return
		}
		s.Logger.Info("user logged out", "user_id", v.User.ID)
	}
	clearSessionCookie(w)
	http.Redirect(w, r, "/login?notice=logged-out", http.StatusSeeOther)
}
