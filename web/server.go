// Package web is Chatalott's HTTP adapter: routing, middleware, handlers
// and the server-rendered pages.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/sessions"
)

// SessionCookie is the name of the session cookie. The __Host- prefix makes
// browsers accept it only when it is Secure, has Path=/ and no Domain, so no
// other host or plain-HTTP page can set or shadow it.
const SessionCookie = "__Host-chatalott_session"

// Request body limits.
const (
	maxFormBytes = 1 << 20 // 1 MiB for an ordinary form
)

// Server holds the services the handlers call.
type Server struct {
	Accounts     *accounts.Service
	AccountStore accounts.Store
	Sessions     *sessions.Manager
	Contacts     *contacts.Service
	// Health reports whether the database answers.
	Health func(ctx context.Context) error
	Logger *slog.Logger
	Now    func() time.Time

	pages map[string]*template.Template
	mux   *http.ServeMux
}

// Route is one registered pattern, such as "GET /contacts/{id}". Tests walk
// Routes to cover every route without listing them again.
type Route struct {
	Pattern string
	// Auth reports whether the route needs a logged-in user.
	Auth bool
}

// routes lists every route with its handler. Handler builds the mux from it.
func (s *Server) routes() []struct {
	Route
	handler http.HandlerFunc
} {
	type entry = struct {
		Route
		handler http.HandlerFunc
	}
	public := func(p string, h http.HandlerFunc) entry { return entry{Route{p, false}, h} }
	private := func(p string, h http.HandlerFunc) entry { return entry{Route{p, true}, s.requireUser(h)} }
	return []entry{
		public("GET /{$}", s.handleHome),
		public("GET /healthz", s.handleHealth),
		public("GET /static/{file...}", s.handleStatic),
		public("GET /signup", s.handleSignUpForm),
		public("POST /signup", s.handleSignUp),
		public("GET /login", s.handleLogInForm),
		public("POST /login", s.handleLogIn),
		public("POST /logout", s.handleLogOut),

		private("GET /contacts", s.handleContactList),
		private("GET /contacts/new", s.handleContactNew),
		private("POST /contacts", s.handleContactCreate),
		private("GET /contacts/{id}", s.handleContactView),
		private("GET /contacts/{id}/edit", s.handleContactEdit),
		private("POST /contacts/{id}", s.handleContactUpdate),
		private("POST /contacts/{id}/delete", s.handleContactDelete),
		private("GET /contacts/{id}/photo", s.handleContactPhoto),

		private("GET /settings", s.handleSettings),
		private("POST /settings/password", s.handlePasswordChange),
		private("POST /settings/logout-everywhere", s.handleLogOutEverywhere),
		private("POST /settings/sessions/{id}/revoke", s.handleSessionRevoke),
	}
}

// Routes returns every registered route.
func (s *Server) Routes() []Route {
	var list []Route
	for _, e := range s.routes() {
		list = append(list, e.Route)
	}
	return list
}

// Handler returns the root handler: every route behind the shared
// middleware. It parses the templates first, so a missing or broken page
// fails here, at start-up, and not in front of a user.
func (s *Server) Handler() (http.Handler, error) {
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Now == nil {
		s.Now = time.Now
	}

	s.mux = http.NewServeMux()
	for _, e := range s.routes() {
		s.mux.Handle(e.Pattern, e.handler)
	}
	// Cross-origin protection rejects state-changing requests (POST, PUT,
	// PATCH, DELETE) that a browser marks as cross-site or that come from
	// another origin; safe methods pass.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.handleCrossOriginDenied))

	var h http.Handler = s.mux
	h = s.loadSession(h)
	h = csrf.Handler(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = securityHeaders(h)
	return h, nil
}
