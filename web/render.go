package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/addressbook"
)

//go:embed templates static
var assets embed.FS

// pageNames lists every page template. Each is parsed together with
// layout.html at start-up.
var pageNames = []string{"signup", "login", "contacts", "contact_form", "contact_view", "settings", "error",
	"import_upload", "import_job", "second_factor", "two_factor",
	"check_email", "verify_email", "forgot_password", "reset_password",
	"security", "disclosure", "subprocessors",
	"companies", "company_form", "company_view", "deals", "deal_form", "deal_view", "deal_board",
	"pipeline", "stage_remove",
	"team", "invite_accept", "elsewhere",
	"dashboard", "search", "follow_ups", "time_zone",
	"message_templates", "message_template_form", "message_template_view", "message_template_preview"}

var templateFuncs = template.FuncMap{
	"device":        describeUserAgent,
	"add":           func(a, b int) int { return a + b },
	"join":          strings.Join,
	"separatorName": separatorName,
	"profileName":   profileName,
	"noteHTML":      noteHTML,
	"localTime":     localTime,
	"followUpRow":   followUpRow,
	"followUpTable": followUpTable,
}

// separatorName returns the name of a CSV separator with the character.
func separatorName(sep rune) string {
	switch sep {
	case ',':
		return "comma (,)"
	case ';':
		return "semicolon (;)"
	case '\t':
		return "tab"
	}
	return fmt.Sprintf("%q", sep)
}

// profileName returns the application whose CSV layout was recognised.
func profileName(p addressbook.Profile) string {
	switch p {
	case addressbook.ProfileGoogle:
		return "Google Contacts"
	case addressbook.ProfileOutlook:
		return "Outlook"
	case addressbook.ProfileLinkedIn:
		return "LinkedIn connections"
	case addressbook.ProfileChatalott:
		return "Chatalott export"
	}
	return "generic column names"
}

func parsePages() (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// page is what every template receives.
type page struct {
	Title  string
	Nonce  string
	Viewer *viewer
	// Notice is a confirmation shown at the top of the page.
	Notice string
	// Errors maps a form field to its message; FormError is a message for
	// the form as a whole.
	Errors    map[string]string
	FormError string
	// Refresh makes the browser reload the page every second, for pages
	// that show progress without JavaScript.
	Refresh bool
	Data    any
	// Panel is the follow-ups, relationships and timeline section of a
	// contact, company or deal page, nil on other pages.
	Panel *subjectPanel
}

// lostWorkspaceNotice is shown on the first page after the session's team
// is deleted or the user is removed from it.
const lostWorkspaceNotice = "You no longer have access to the team you were working in, so you are back in your personal workspace."

// render writes the named page with status. The page is rendered into a
// buffer first, so a template error becomes a clean 500 and not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Nonce = nonceFrom(r.Context())
	p.Viewer = viewerFrom(r)
	if p.Viewer != nil && p.Viewer.LostWorkspace && p.Notice == "" {
		p.Notice = lostWorkspaceNotice
	}
	s.loadWorkspaceChoices(r, p.Viewer)
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Logger.Error("render page", "page", name, "err", err)
		http.Error(w, "The page could not be shown. Please try again.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", pageCSP(p.Nonce))
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// codeUnsupportedMediaType is the error code of a request body in the
// wrong content type, such as an upload that is not multipart/form-data.
// NOTE: it lives here because no chatalott code means 415 yet.
const codeUnsupportedMediaType = "unsupported_media_type"

// statusFor maps an error code to its HTTP status. It is the only place
// that makes this mapping.
func statusFor(code string) int {
	switch code {
	case codeUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case chatalott.EInvalid:
		return http.StatusUnprocessableEntity
	case chatalott.ENotFound:
		return http.StatusNotFound
	case chatalott.EConflict:
		return http.StatusConflict
	case chatalott.EUnauthorized:
		return http.StatusUnauthorized
	case chatalott.EForbidden:
		return http.StatusForbidden
	case chatalott.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case chatalott.ERateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// renderError shows an error page with the status for err. Internal causes
// are logged, never shown.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := chatalott.ErrorCode(err)
	status := statusFor(code)
	if status == http.StatusInternalServerError {
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("route", r.Pattern), slog.String("err", err.Error()))
	}
	title := http.StatusText(status)
	if code == chatalott.ENotFound {
		title = "Not found"
	}
	s.render(w, r, status, "error", page{Title: title, Data: chatalott.ErrorMessage(err)})
}

// formErrors splits err into per-field messages and a message for the whole
// form, for re-showing a form with what to fix.
func formErrors(err error) (map[string]string, string) {
	var verrs chatalott.ValidationErrors
	if errors.As(err, &verrs) {
		return verrs.Fields(), "Please correct the fields marked below."
	}
	var e *chatalott.Error
	if errors.As(err, &e) && e.Field != "" {
		return map[string]string{e.Field: e.Message}, "Please correct the fields marked below."
	}
	return nil, chatalott.ErrorMessage(err)
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	data, err := fs.ReadFile(assets, "static/"+name)
	if err != nil || strings.Contains(name, "..") {
		s.renderError(w, r, chatalott.Errorf(chatalott.ENotFound, "There is no file named %q.", name))
		return
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(name, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(data)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if err := s.Health(r.Context()); err != nil {
		s.Logger.Warn("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable","database":"not answering"}` + "\n"))
		return
	}
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	if viewerFrom(r) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

func (s *Server) handleCrossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.Logger.Warn("cross-origin request rejected", "method", r.Method, "path", r.URL.Path)
	s.render(w, r, http.StatusForbidden, "error", page{Title: "Request blocked",
		Data: "This request came from another site, so it was blocked to protect your account. Go back to Chatalott and submit the form from there."})
}
