// Package web is Chatalott's HTTP adapter: routing, middleware, handlers
// and the server-rendered pages.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/exports"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/importjobs"
	"github.com/chatalott/chatalott/msgtemplates"
	"github.com/chatalott/chatalott/ratelimit"
	"github.com/chatalott/chatalott/relationships"
	"github.com/chatalott/chatalott/search"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/teams"
	"github.com/chatalott/chatalott/timeline"
	"github.com/chatalott/chatalott/trust"
	"github.com/chatalott/chatalott/twofactor"
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
	// Companies and Deals serve /companies, /deals and /pipeline.
	Companies *companies.Service
	Deals     *deals.Service
	// Relationships, Timeline, FollowUps and Search serve the panels of
	// contact, company and deal pages, /follow-ups, /search and
	// /dashboard.
	Relationships *relationships.Service
	Timeline      *timeline.Service
	FollowUps     *followups.Service
	Search        *search.Service
	// ImportJobs runs the import wizard under /contacts/import.
	ImportJobs *importjobs.Service
	// ExportSource streams the contacts that /contacts/export writes.
	ExportSource exports.Source
	// MessageTemplates serves /templates.
	MessageTemplates *msgtemplates.Service
	// Health reports whether the database answers.
	Health func(ctx context.Context) error
	Logger *slog.Logger
	Now    func() time.Time
	// Email runs sign-up verification and password reset by email; its
	// Mailer also sends the security notices.
	Email *accounts.EmailService
	// TwoFactor enrols and checks second factors.
	TwoFactor *twofactor.Service
	// Limiter counts attempts under Limits; nil turns rate limiting off.
	Limiter ratelimit.Limiter
	Limits  ratelimit.Limits
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed. Empty trusts no one.
	TrustedProxies []netip.Prefix
	// Trust is the operator's configuration of the public trust pages;
	// nil serves the embedded defaults.
	Trust *trust.Site
	// RedirectPlainHTTP redirects every request that did not arrive over
	// HTTPS, for servers behind a TLS-terminating proxy.
	RedirectPlainHTTP bool
	// Teams serves /team, the workspace switcher and invites; nil keeps
	// every request in the personal workspace.
	Teams *teams.Service

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
		public("GET /security", s.handleSecurityPage),
		public("GET /security/disclosure", s.handleDisclosurePage),
		public("GET /subprocessors", s.handleSubprocessorsPage),
		public("GET /.well-known/security.txt", s.handleSecurityTxt),
		public("GET /.well-known/openpgp-key.asc", s.handlePublicKey),
		public("GET /static/{file...}", s.handleStatic),
		public("GET /signup", s.handleSignUpForm),
		public("POST /signup", s.handleSignUp),
		public("GET /login", s.handleLogInForm),
		public("POST /login", s.handleLogIn),
		public("POST /logout", s.handleLogOut),
		public("GET /verify-email", s.handleVerifyEmailForm),
		public("POST /verify-email", s.handleVerifyEmail),
		public("GET /forgot-password", s.handleForgotPasswordForm),
		public("POST /forgot-password", s.handleForgotPassword),
		public("GET /reset-password", s.handleResetPasswordForm),
		public("POST /reset-password", s.handleResetPassword),
		public("GET /login/two-factor", s.handleSecondFactorForm),
		public("POST /login/two-factor", s.handleSecondFactor),
		public("GET /invites/accept", s.handleInviteView),

		private("GET /contacts", s.handleContactList),
		private("GET /contacts/export", s.handleExport),
		private("GET /contacts/import", s.handleImportForm),
		private("POST /contacts/import", s.handleImportUpload),
		// The job page ends in a slash because "GET /contacts/import/{id}"
		// would clash with "GET /contacts/{id}/edit" on /contacts/import/edit.
		private("GET /contacts/import/{id}/{$}", s.handleImportJob),
		private("POST /contacts/import/{id}/preview", s.handleImportChoice(false)),
		private("POST /contacts/import/{id}/start", s.handleImportChoice(true)),
		private("POST /contacts/import/{id}/discard", s.handleImportDiscard),
		private("GET /contacts/import/{id}/report.csv", s.handleImportReportCSV),
		private("GET /contacts/new", s.handleContactNew),
		private("POST /contacts", s.handleContactCreate),
		private("GET /contacts/{id}", s.handleContactView),
		private("GET /contacts/{id}/edit", s.handleContactEdit),
		private("POST /contacts/{id}", s.handleContactUpdate),
		private("POST /contacts/{id}/delete", s.handleContactDelete),
		private("POST /contacts/{id}/copy", s.handleContactCopy),
		private("GET /contacts/{id}/photo", s.handleContactPhoto),
		private("POST /contacts/{id}/company", s.handleContactCompany),

		private("GET /companies", s.handleCompanyList),
		private("GET /companies/new", s.handleCompanyNew),
		private("POST /companies", s.handleCompanyCreate),
		private("GET /companies/{id}", s.handleCompanyView),
		private("GET /companies/{id}/edit", s.handleCompanyEdit),
		private("POST /companies/{id}", s.handleCompanyUpdate),
		private("POST /companies/{id}/delete", s.handleCompanyDelete),

		private("GET /deals", s.handleDealList),
		private("GET /deals/board", s.handleDealBoard),
		private("GET /deals/new", s.handleDealNew),
		private("POST /deals", s.handleDealCreate),
		private("GET /deals/{id}", s.handleDealView),
		private("GET /deals/{id}/edit", s.handleDealEdit),
		private("POST /deals/{id}", s.handleDealUpdate),
		private("POST /deals/{id}/delete", s.handleDealDelete),
		private("POST /deals/{id}/stage", s.handleDealMove),
		private("POST /deals/{id}/contacts", s.handleDealContactAdd),
		private("POST /deals/{id}/contacts/{contact}/remove", s.handleDealContactRemove),

		private("GET /pipeline", s.handlePipeline),
		private("POST /pipeline/stages", s.requireAdmin(s.handleStageAdd)),
		private("POST /pipeline/stages/{id}", s.requireAdmin(s.handleStageUpdate)),
		private("POST /pipeline/stages/{id}/move", s.requireAdmin(s.handleStageMove)),
		private("GET /pipeline/stages/{id}/remove", s.requireAdmin(s.handleStageRemoveForm)),
		private("POST /pipeline/stages/{id}/remove", s.requireAdmin(s.handleStageRemove)),

		private("POST /teams", s.handleTeamCreate),
		private("POST /workspaces/switch", s.handleWorkspaceSwitch),
		private("GET /team", s.handleTeam),
		private("POST /team/rename", s.handleTeamRename),
		private("POST /team/delete", s.handleTeamDelete),
		private("POST /team/transfer", s.handleTeamTransfer),
		private("POST /team/leave", s.handleTeamLeave),
		private("POST /team/members/{user}/remove", s.handleMemberRemove),
		private("POST /team/members/{user}/role", s.handleMemberRole),
		private("POST /team/invites", s.handleInviteCreate),
		private("POST /team/invites/{id}/revoke", s.handleInviteRevoke),
		private("POST /team/invites/{id}/resend", s.handleInviteResend),
		private("POST /invites/accept", s.handleInviteAccept),

		private("GET /dashboard", s.handleDashboard),
		private("GET /search", s.handleSearch),
		private("POST /contacts/{id}/notes", s.handleNoteAdd(chatalott.SubjectContact)),
		private("POST /contacts/{id}/activities", s.handleActivityLog(chatalott.SubjectContact)),
		private("POST /contacts/{id}/follow-ups", s.handleFollowUpAdd(chatalott.SubjectContact)),
		private("POST /contacts/{id}/relationships", s.handleRelationshipAdd),
		private("POST /contacts/{id}/relationships/{rel}/delete", s.handleRelationshipDelete),
		private("POST /companies/{id}/notes", s.handleNoteAdd(chatalott.SubjectCompany)),
		private("POST /companies/{id}/activities", s.handleActivityLog(chatalott.SubjectCompany)),
		private("POST /companies/{id}/follow-ups", s.handleFollowUpAdd(chatalott.SubjectCompany)),
		private("POST /deals/{id}/notes", s.handleNoteAdd(chatalott.SubjectDeal)),
		private("POST /deals/{id}/activities", s.handleActivityLog(chatalott.SubjectDeal)),
		private("POST /deals/{id}/follow-ups", s.handleFollowUpAdd(chatalott.SubjectDeal)),
		private("GET /follow-ups", s.handleFollowUpList),
		private("POST /follow-ups/{id}/done", s.handleFollowUpAction("done")),
		private("POST /follow-ups/{id}/reopen", s.handleFollowUpAction("reopen")),
		private("POST /follow-ups/{id}/snooze", s.handleFollowUpAction("snooze")),
		private("GET /settings/time-zone", s.handleTimeZoneForm),
		private("POST /settings/time-zone", s.handleTimeZoneSave),

		private("GET /templates", s.handleTemplateList),
		private("GET /templates/new", s.handleTemplateNew),
		private("POST /templates", s.handleTemplateCreate),
		private("GET /templates/{id}", s.handleTemplateView),
		private("GET /templates/{id}/edit", s.handleTemplateEdit),
		private("POST /templates/{id}", s.handleTemplateUpdate),
		private("POST /templates/{id}/delete", s.handleTemplateDelete),
		private("GET /templates/{id}/preview", s.handleTemplatePreview),

		private("GET /settings", s.handleSettings),
		private("POST /settings/password", s.handlePasswordChange),
		private("POST /settings/verify-email", s.handleResendVerification),
		private("POST /settings/logout-everywhere", s.handleLogOutEverywhere),
		private("POST /settings/sessions/{id}/revoke", s.handleSessionRevoke),
		private("GET /settings/two-factor", s.handleTwoFactorSettings),
		private("POST /settings/two-factor/enrol", s.handleTwoFactorBegin),
		private("GET /settings/two-factor/qr.png", s.handleTwoFactorQR),
		private("POST /settings/two-factor/confirm", s.handleTwoFactorConfirm),
		private("POST /settings/two-factor/backup-codes", s.handleBackupCodesRegenerate),
		private("POST /settings/two-factor/disable", s.handleTwoFactorDisable),
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
	if s.RedirectPlainHTTP {
		h = s.redirectPlainHTTP(h)
	}
	h = s.securityHeaders(h)
	return h, nil
}
