package certs

import (
	"crypto/tls"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// ACMEManager returns a manager that obtains and renews certificates for
// domains from Let's Encrypt, keeping account keys and certificates in
// cacheDir. It requests certificates only for the listed domains, so a
// client cannot make it ask for arbitrary names by sending another SNI.
// email, which may be empty, is where the certificate authority sends
// expiry warnings.
func ACMEManager(cacheDir, email string, domains ...string) *autocert.Manager {
	return &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(cacheDir),
		HostPolicy: autocert.HostWhitelist(domains...),
		Email:      email,
	}
}

// ACMEConfig returns Config's protocol settings with certificates from m.
// It also completes TLS-ALPN-01 challenges. m.HTTPHandler on the plain-HTTP
// port handles HTTP-01 challenges.
func ACMEConfig(m *autocert.Manager) *tls.Config {
	c := baseConfig()
	c.GetCertificate = m.GetCertificate
	c.NextProtos = append(c.NextProtos, acme.ALPNProto)
	return c
}
