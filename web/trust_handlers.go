package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/ratelimit"
	"github.com/chatalott/chatalott/trust"
)

// trustSite returns the operator's trust configuration, or the embedded
// defaults when the server was built without one.
func (s *Server) trustSite() *trust.Site {
	if s.Trust == nil {
		return defaultTrustSite
	}
	return s.Trust
}

var defaultTrustSite = trust.DefaultSite()

// hstsMaxAge returns the max-age that the middleware sends, parsed from the
// header value itself, so the security page states what is sent.
func hstsMaxAge() time.Duration {
	for _, part := range strings.Split(hsts, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
			seconds, _ := strconv.Atoi(v)
			return time.Duration(seconds) * time.Second
		}
	}
	return 0
}

// securityFacts reads the security page's figures from the running
// services, not from a copy of their configuration.
func (s *Server) securityFacts() trust.Facts {
	f := trust.Facts{HSTSMaxAge: hstsMaxAge(), Deployment: s.trustSite().Deployment}
	if s.Accounts != nil && s.Accounts.Hasher != nil {
		f.BcryptCost = s.Accounts.Hasher.Cost
	}
	if s.Sessions != nil {
		f.SessionIdle = s.Sessions.IdleTimeout
		f.SessionLifetime = s.Sessions.AbsoluteLifetime
	}
	if s.Limiter != nil && len(f.Deployment.RateLimits) == 0 {
		l := s.Limits
		for _, rl := range []struct {
			name  string
			limit ratelimit.Limit
		}{
			{"Log-in attempts per IP address", l.LogInIP},
			{"Log-in attempts per email address", l.LogInEmail},
			{"Second-factor codes per account", l.SecondFactor},
			{"Sign-ups per IP address", l.SignUpIP},
			{"Sign-ups per email address", l.SignUpEmail},
			{"Password reset requests per IP address", l.ResetIP},
			{"Password reset requests per email address", l.ResetEmail},
		} {
			f.Deployment.RateLimits = append(f.Deployment.RateLimits,
				trust.RateLimit{Name: rl.name, Limit: rl.limit.Rate, Window: rl.limit.Period})
		}
	}
	return f
}

// trustPage is the data of the trust page templates.
type trustPage struct {
	Config trust.Config
	Facts  trust.Facts
	Origin string
	// PublicKey reports whether an OpenPGP key is served.
	PublicKey bool
	Signed    bool
}

// NamedOperator reports whether the configuration names the organization
// that runs the instance, not the default placeholder.
func (p trustPage) NamedOperator() bool { return p.Config.Organization != trust.DefaultOrganization }

func (s *Server) trustPageData(r *http.Request) trustPage {
	site := s.trustSite()
	return trustPage{
		Config:    site.Config,
		Facts:     s.securityFacts(),
		Origin:    site.Origin(s.requestOrigin(r)),
		PublicKey: site.PublicKey() != nil,
		Signed:    site.Signed(),
	}
}

// requestOrigin returns the origin the client used, by the Host header.
func (s *Server) requestOrigin(r *http.Request) string {
	scheme := "http"
	if s.isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) handleSecurityPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "security", page{Title: "Security", Data: s.trustPageData(r)})
}

func (s *Server) handleDisclosurePage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "disclosure", page{Title: "Reporting a vulnerability", Data: s.trustPageData(r)})
}

func (s *Server) handleSubprocessorsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "subprocessors", page{Title: "Subprocessors", Data: s.trustPageData(r)})
}

func (s *Server) handleSecurityTxt(w http.ResponseWriter, r *http.Request) {
	body, err := s.trustSite().SecurityTxt(s.requestOrigin(r), s.Now())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(body)
}

func (s *Server) handlePublicKey(w http.ResponseWriter, r *http.Request) {
	key := s.trustSite().PublicKey()
	if key == nil {
		s.renderError(w, r, chatalott.Errorf(chatalott.ENotFound, "This instance publishes no OpenPGP key."))
		return
	}
	w.Header().Set("Content-Type", "application/pgp-keys")
	w.Write(key)
}

// formatDuration writes d in the largest whole unit, such as "7 days",
// "12 hours" or "10 minutes", and falls back to Go's notation.
func formatDuration(d time.Duration) string {
	for _, u := range []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}} {
		if d >= u.size && d%u.size == 0 {
			n := int(d / u.size)
			if n == 1 {
				return "1 " + u.name
			}
			return strconv.Itoa(n) + " " + u.name + "s"
		}
	}
	return d.String()
}

// Duration formats d for the trust pages, such as "7 days".
func (trustPage) Duration(d time.Duration) string { return formatDuration(d) }

// Linkable reports whether html/template keeps uri as a link target: it
// allows https: and mailto: and replaces others, such as tel:, with a
// placeholder.
func (trustPage) Linkable(uri string) bool {
	return strings.HasPrefix(uri, "https:") || strings.HasPrefix(uri, "mailto:")
}
