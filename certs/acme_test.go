package certs

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"golang.org/x/crypto/acme"
)

// The tests below contact no ACME server: every path they take is decided
// before the manager would make a network request.

func TestACMEHostPolicyRejectsOtherHosts(t *testing.T) {
	m := ACMEManager(t.TempDir(), "", "crm.example.com")
	if err := m.HostPolicy(context.Background(), "crm.example.com"); err != nil {
		t.Errorf("HostPolicy(crm.example.com) = %v, want nil", err)
	}
	for _, host := range []string{"other.example.com", "example.com", "sub.crm.example.com", "localhost"} {
		if err := m.HostPolicy(context.Background(), host); err == nil {
			t.Errorf("HostPolicy(%s) = nil, want an error", host)
		}
		if _, err := m.GetCertificate(&tls.ClientHelloInfo{ServerName: host}); err == nil {
			t.Errorf("GetCertificate for %s succeeded, want an error", host)
		}
	}
}

func TestACMEConfigKeepsProtocolSettings(t *testing.T) {
	c := ACMEConfig(ACMEManager(t.TempDir(), "", "crm.example.com"))
	if c.MinVersion != tls.VersionTLS12 {
		t.Errorf("MinVersion = %x, want TLS 1.2", c.MinVersion)
	}
	if !slices.Equal(c.CipherSuites, cipherSuites) {
		t.Errorf("CipherSuites = %v, want %v", c.CipherSuites, cipherSuites)
	}
	if c.GetCertificate == nil || len(c.Certificates) != 0 {
		t.Error("ACMEConfig does not take certificates from the manager")
	}
	if !slices.Contains(c.NextProtos, acme.ALPNProto) || !slices.Contains(c.NextProtos, "h2") {
		t.Errorf("NextProtos = %v, want h2 and %s", c.NextProtos, acme.ALPNProto)
	}
}

func TestACMEHTTPHandlerPassesOtherPaths(t *testing.T) {
	m := ACMEManager(t.TempDir(), "", "crm.example.com")
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://crm.example.com"+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
	h := m.HTTPHandler(fallback)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://crm.example.com/contacts", nil))
	if rec.Code != http.StatusMovedPermanently {
		t.Errorf("GET /contacts: status %d, want 301 from the fallback", rec.Code)
	}

	// The manager handles an unknown challenge token itself, from its
	// cache, and does not redirect it.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://crm.example.com/.well-known/acme-challenge/unknown", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown challenge: status %d, want 404", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://other.example/.well-known/acme-challenge/x", nil))
	if rec.Code != http.StatusForbidden {
		t.Errorf("challenge for another host: status %d, want 403", rec.Code)
	}
}
