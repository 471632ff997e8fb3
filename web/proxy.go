package web

import "net/http"

// redirectPlainHTTP sends requests that did not arrive over HTTPS, by
// isHTTPS, to the same URL on https. GET and HEAD get 301; other methods
// get 308 so that the method and body are kept. /healthz is exempt because
// load balancers probe it over plain HTTP.
func (s *Server) redirectPlainHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.isHTTPS(r) || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		status := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			status = http.StatusMovedPermanently
		}
		// The target is the URL the client asked for, so a forged Host
		// header can only redirect the client that sent it.
		http.Redirect(w, r, "https://"+r.Host+r.URL.RequestURI(), status) // #nosec G710 -- same URL on https
	})
}
