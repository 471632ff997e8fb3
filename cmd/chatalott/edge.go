package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/chatalott/chatalott/certs"
	"github.com/chatalott/chatalott/trust"
	"github.com/chatalott/chatalott/web"
	"golang.org/x/crypto/acme/autocert"
)

// edgeConfig is the network-facing configuration: the certificate source,
// the trusted proxies, and the operator's settings for the trust pages.
type edgeConfig struct {
	// TLS is "on" (the server terminates TLS) or "off" (a proxy does).
	TLS string
	// Domains, when set, get certificates from Let's Encrypt over ACME.
	Domains   string
	ACMEEmail string
	// TrustedProxies is the raw --trusted-proxies list; Proxies is parsed.
	TrustedProxies string
	Proxies        []netip.Prefix
	// ConfigFile is the operator's JSON settings of the trust pages.
	ConfigFile string
}

func (e *edgeConfig) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&e.TLS, "tls", envOr("CHATALOTT_TLS", "on"),
		"on: serve HTTPS; off: serve plain HTTP on --addr for a TLS-terminating proxy listed in --trusted-proxies (env CHATALOTT_TLS)")
	fs.StringVar(&e.Domains, "domain", os.Getenv("CHATALOTT_DOMAIN"),
		"comma-separated domain names to get certificates for from Let's Encrypt (ACME); needs --http-addr on port 80 (env CHATALOTT_DOMAIN)")
	fs.StringVar(&e.ACMEEmail, "acme-email", os.Getenv("CHATALOTT_ACME_EMAIL"),
		"address where Let's Encrypt sends certificate expiry warnings, with --domain (env CHATALOTT_ACME_EMAIL)")
	fs.StringVar(&e.TrustedProxies, "trusted-proxies", os.Getenv("CHATALOTT_TRUSTED_PROXIES"),
		"comma-separated IP addresses and CIDR ranges of proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (env CHATALOTT_TRUSTED_PROXIES)")
	fs.StringVar(&e.ConfigFile, "config", os.Getenv("CHATALOTT_CONFIG"),
		"JSON file with the settings of the security, disclosure and subprocessors pages and security.txt; empty uses the defaults (env CHATALOTT_CONFIG)")
}

func (e *edgeConfig) validate(c *config) error {
	proxies, err := web.ParseTrustedProxies(e.TrustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies %q: %w; use addresses and CIDR ranges such as 10.0.0.0/8,127.0.0.1", e.TrustedProxies, err)
	}
	e.Proxies = proxies
	switch e.TLS {
	case "on":
	case "off":
		if len(proxies) == 0 {
			return errors.New("--tls=off needs --trusted-proxies, because only a trusted proxy can say that a request arrived over HTTPS")
		}
		if e.Domains != "" || c.TLSCert != "" {
			return errors.New("--tls=off serves no certificate; remove --domain, --tls-cert and --tls-key")
		}
	default:
		return fmt.Errorf("--tls %q is not known; use on or off", e.TLS)
	}
	if e.Domains != "" && c.TLSCert != "" {
		return errors.New("--domain gets certificates over ACME and --tls-cert names certificate files; give one of them")
	}
	return nil
}

// domains returns the --domain names.
func (e *edgeConfig) domains() []string {
	var out []string
	for _, d := range strings.Split(e.Domains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// tlsSetup is the TLS configuration of the main listener. config is nil
// when TLS is off, and acme is non-nil when certificates come from ACME.
type tlsSetup struct {
	config *tls.Config
	acme   *autocert.Manager
	facts  trust.TLS
}

func setUpTLS(cfg *config, logger *slog.Logger) (*tlsSetup, error) {
	facts := trust.TLS{Versions: certs.Versions(), CipherSuites: certs.CipherSuiteNames()}
	switch {
	case cfg.Edge.TLS == "off":
		logger.Info("TLS is off; HTTPS is expected to end at a trusted proxy", "trusted_proxies", cfg.Edge.TrustedProxies)
		return &tlsSetup{facts: trust.TLS{Mode: trust.TLSProxy}}, nil
	case cfg.Edge.Domains != "":
		dir := filepath.Join(cfg.DataDir, "acme")
		m := certs.ACMEManager(dir, cfg.Edge.ACMEEmail, cfg.Edge.domains()...)
		logger.Info("certificates come from ACME", "domains", cfg.Edge.Domains, "cache", dir)
		facts.Mode = trust.TLSACME
		return &tlsSetup{config: certs.ACMEConfig(m), acme: m, facts: facts}, nil
	}
	cert, err := loadCertificate(cfg, logger)
	if err != nil {
		return nil, err
	}
	facts.Mode = trust.TLSSelfSigned
	if cfg.TLSCert != "" {
		facts.Mode = trust.TLSFiles
	}
	return &tlsSetup{config: certs.Config(cert), facts: facts}, nil
}

// loadTrustSite reads the --config file, or uses the defaults, and names
// the public origin: the file's base_url, else --base-url, else the first
// --domain.
func loadTrustSite(cfg *config, tlsFacts trust.TLS) (*trust.Site, error) {
	tc := trust.Default()
	if cfg.Edge.ConfigFile != "" {
		var err error
		if tc, err = trust.Load(cfg.Edge.ConfigFile); err != nil {
			return nil, err
		}
	}
	if tc.BaseURL == "" {
		switch {
		case strings.HasPrefix(cfg.BaseURL, "https://"):
			tc.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
		case len(cfg.Edge.domains()) > 0:
			tc.BaseURL = "https://" + cfg.Edge.domains()[0]
		}
	}
	site, err := trust.NewSite(tc)
	if err != nil {
		return nil, err
	}
	site.Deployment.TLS = tlsFacts
	return site, nil
}
