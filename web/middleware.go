package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sessions"
)

// Header values set on every response. Each one is the strictest value that
// the pages still work with.
const (
	// hsts asks browsers to use HTTPS only, for two years, on every
	// subdomain, and allows listing in browsers' preload lists.
	hsts = "max-age=63072000; includeSubDomains; preload"
	// cspNonHTML is the policy for everything that is not a page (JSON,
	// images, redirects, plain-text errors): nothing may load, and nothing
	// may frame the response.
	cspNonHTML     = "default-src 'none'; frame-ancestors 'none'"
	referrerPolicy = "no-referrer"
	// permissionsPolicy turns off every powerful browser feature; no page
	// of Chatalott uses one.
	permissionsPolicy = "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), " +
		"fullscreen=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), " +
		"midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), " +
		"usb=(), xr-spatial-tracking=(), clipboard-read=(), bluetooth=()"
)

// pageCSP returns the Content-Security-Policy of an HTML page whose inline
// script and style elements carry nonce. Each directive:
//   - default-src 'none': anything not listed below is blocked.
//   - script-src and style-src: first-party files and elements with this
//     response's nonce only; no 'unsafe-inline' and no 'unsafe-eval'.
//   - img-src 'self': contact photos come from this origin.
//   - form-action 'self': forms post only to this origin.
//   - frame-ancestors 'none': no site may frame a page (clickjacking).
//   - base-uri 'none': an injected <base> cannot redirect relative URLs.
func pageCSP(nonce string) string {
	return "default-src 'none'; " +
		"script-src 'self' 'nonce-" + nonce + "'; " +
		"style-src 'self' 'nonce-" + nonce + "'; " +
		"img-src 'self'; " +
		"form-action 'self'; " +
		"frame-ancestors 'none'; " +
		"base-uri 'none'"
}

type contextKey int

const (
	nonceKey contextKey = iota
	userKey
)

// securityHeaders sets the security headers on every response before any
// handler runs, so no route, error, redirect or static file goes without
// them. An HTML page replaces the base policy with pageCSP and its nonce.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nonce := newNonce()
		h := w.Header()
		// HSTS is meaningful only over HTTPS, including HTTPS that ends at
		// a trusted proxy.
		if s.isHTTPS(r) {
			h.Set("Strict-Transport-Security", hsts)
		}
		h.Set("Content-Security-Policy", cspNonHTML)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", referrerPolicy)
		h.Set("Permissions-Policy", permissionsPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), nonceKey, nonce)))
	})
}

// newNonce returns 128 random bits for one response's CSP, in URL-safe
// base64, which CSP allows and which html/template writes into a nonce
// attribute unescaped (it would write "+" as "&#43;").
func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

func nonceFrom(ctx context.Context) string {
	n, _ := ctx.Value(nonceKey).(string)
	return n
}

// statusRecorder remembers the status a handler wrote, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs one line per request with its route, status and
// duration. It logs the route pattern, never the query string, which may
// hold a search for a person's name.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		var userID string
		ctx := context.WithValue(r.Context(), userKey, &userID)
		// The mux sets Pattern on the request it routes, which is a copy
		// made further down the chain, so the route is looked up here.
		_, route := s.mux.Handler(r)
		if route == "" {
			route = "(no route)"
		}
		next.ServeHTTP(rec, r.WithContext(ctx))
		s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int64("duration_ms", time.Since(start).Milliseconds()),
			slog.String("user_id", userID),
		)
	})
}

// recoverPanics turns a panic in a handler into a logged 500 page.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("handler panicked", "route", r.Pattern, "panic", fmt.Sprint(v))
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// viewer is the logged-in user of a request with the workspace it acts in.
type viewer struct {
	User      *accounts.User
	Workspace *accounts.Workspace
	Session   *sessions.Session
	// Role is the user's role in Workspace; always owner in the personal
	// workspace.
	Role string
	// Workspaces lists the user's workspaces for the header switcher; render
	// fills it for HTML pages only.
	Workspaces []*accounts.Workspace
	// LostWorkspace reports that this request found the session's team
	// gone and moved the session back to the personal workspace.
	LostWorkspace bool
}

// Scope returns the tenant scope of the viewer's requests.
func (v *viewer) Scope() chatalott.Scope {
	return chatalott.Scope{WorkspaceID: v.Workspace.ID, UserID: v.User.ID}
}

type viewerKey struct{}

// loadSession resolves the session cookie, if any, to a viewer. A cookie
// that names no live session is cleared.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookie, err := r.Cookie(SessionCookie)
		if err != nil || cookie.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := s.Sessions.Authenticate(r.Context(), cookie.Value)
		if err != nil {
			if chatalott.ErrorCode(err) != chatalott.EUnauthorized {
				s.renderError(w, r, err)
				return
			}
			clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		user, ws, err := s.AccountStore.UserWithPersonalWorkspace(r.Context(), sess.UserID)
		if err != nil {
			if chatalott.ErrorCode(err) != chatalott.ENotFound {
				s.renderError(w, r, err)
				return
			}
			clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		if p, ok := r.Context().Value(userKey).(*string); ok {
			*p = user.ID
		}
		ws, role, err := s.currentWorkspace(r.Context(), sess, ws)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		lost := sess.WorkspaceID != "" && ws.ID != sess.WorkspaceID && s.leaveLostWorkspace(r, sess)
		ctx := context.WithValue(r.Context(), viewerKey{}, &viewer{User: user, Workspace: ws, Session: sess, Role: role,
			LostWorkspace: lost})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// leaveLostWorkspace moves a session whose team is deleted, or no longer
// has the user as a member, back to the personal workspace, so that the
// page of this request shows a notice once. It reports whether the move
// worked.
func (s *Server) leaveLostWorkspace(r *http.Request, sess *sessions.Session) bool {
	if err := s.Teams.Store.SetSessionWorkspace(r.Context(), sess.ID, sess.UserID, ""); err != nil {
		s.Logger.Error("move session back to the personal workspace", "user_id", sess.UserID,
			"workspace_id", sess.WorkspaceID, "err", err)
		return false
	}
	s.Logger.Info("session moved back to the personal workspace", "user_id", sess.UserID, "workspace_id", sess.WorkspaceID)
	sess.WorkspaceID = ""
	return true
}

func viewerFrom(r *http.Request) *viewer {
	v, _ := r.Context().Value(viewerKey{}).(*viewer)
	return v
}

// requireUser sends an anonymous request to the log-in page, keeping the
// page it asked for, and rejects a form that was rendered in another
// workspace than the session's current one.
func (s *Server) requireUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := viewerFrom(r)
		if v == nil {
			if r.Method != http.MethodGet {
				s.renderError(w, r, sessions.ErrNoSession)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && s.formFromOtherWorkspace(w, r, v) {
			return
		}
		h(w, r)
	}
}

// formWorkspaceField names the hidden field, or the query parameter of a
// file upload's action, that carries the workspace a form was rendered in.
const formWorkspaceField = "form_workspace"

// workspaceFreeForms lists the forms of logged-in users that do not act in
// the current workspace, so they carry no formWorkspaceField. Every other
// form posted by a logged-in user must carry it; account settings
// (POST /settings/…) are exempt too.
var workspaceFreeForms = map[string]bool{
	"POST /workspaces/switch": true, // chooses the workspace
	"POST /teams":             true, // creates a new team
	"POST /invites/accept":    true, // joins the invite's team
	// A follow-up's buttons name its id, which another workspace does not
	// have, so a stale one gets 404.
	"POST /follow-ups/{id}/done":   true,
	"POST /follow-ups/{id}/snooze": true,
	"POST /follow-ups/{id}/reopen": true,
}

// formFromOtherWorkspace reports whether a form fails to name the session's
// current workspace, and then writes a 409 page. The current workspace is
// stored on the session, so switching in one tab changes it for every tab.
// Without this check a form left open in another tab would save into the
// workspace switched to.
func (s *Server) formFromOtherWorkspace(w http.ResponseWriter, r *http.Request, v *viewer) bool {
	if workspaceFreeForms[r.Pattern] || strings.HasPrefix(r.Pattern, "POST /settings/") {
		return false
	}
	formWorkspace := r.URL.Query().Get(formWorkspaceField)
	if formWorkspace == "" {
		switch {
		case isFormContentType(r):
			if !s.parseForm(w, r) {
				return true
			}
			formWorkspace = r.PostForm.Get(formWorkspaceField)
		case !isMultipart(r) || r.Pattern != "POST /contacts/import":
			// Not a form this route reads: the handler rejects the format.
			return false
		}
	}
	if formWorkspace == v.Workspace.ID {
		return false
	}
	s.Logger.Info("form from another workspace rejected", "user_id", v.User.ID,
		"form_workspace", formWorkspace, "current_workspace", v.Workspace.ID, "route", r.Pattern)
	s.render(w, r, http.StatusConflict, "error", page{Title: "Switched to another workspace",
		Data: s.otherWorkspaceMessage(r, v, formWorkspace)})
	return true
}

// otherWorkspaceMessage explains why a form naming formWorkspace was not
// saved, and what to do.
func (s *Server) otherWorkspaceMessage(r *http.Request, v *viewer, formWorkspace string) string {
	current := "“" + v.Workspace.Name + "”"
	if v.Workspace.Kind == accounts.WorkspacePersonal {
		current = "your personal workspace"
	}
	if formWorkspace == "" {
		return "This form does not say which workspace it belongs to, so nothing was saved. Reload the page, " +
			"check that it shows the workspace you want, and send the form again."
	}
	var ws *accounts.Workspace
	if s.Teams != nil {
		ws, _, _ = s.Teams.Store.Membership(r.Context(), formWorkspace, v.User.ID)
	}
	if ws == nil {
		return "This form belongs to a team you no longer have access to, so nothing was saved. You are working in " +
			current + "."
	}
	formName := "“" + ws.Name + "”"
	if ws.Kind == accounts.WorkspacePersonal {
		formName = "your personal workspace"
	}
	return "This form belongs to " + formName + ", but this browser has switched to " + current +
		" since the page opened, maybe in another tab. Nothing was saved. Switch back to " + formName +
		" in the workspace menu, then send the form again."
}

func setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
}

func clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
}
