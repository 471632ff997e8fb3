// Package certs provides Chatalott's TLS configuration and the self-signed
// certificate for localhost that the embedded defaults use.
package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names inside the TLS folder.
const (
	CertFile = "localhost.crt"
	KeyFile  = "localhost.key"
)

// selfSignedValidity is how long a generated certificate is valid. A
// certificate within 30 days of its end is replaced at start-up.
const selfSignedValidity = 397 * 24 * time.Hour

// cipherSuites are the TLS 1.2 suites offered: ECDHE key exchange with an
// AEAD cipher only. Go does not let TLS 1.3 suites be configured; all of
// them are AEAD.
var cipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// baseConfig returns the protocol settings shared by every way of getting
// a certificate: TLS 1.2 and 1.3 only, and for TLS 1.2 only cipherSuites.
func baseConfig() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: append([]uint16(nil), cipherSuites...),
		NextProtos:   []string{"h2", "http/1.1"},
	}
}

// Config returns a server TLS configuration that serves cert over TLS 1.2
// and 1.3 only and, for TLS 1.2, only ECDHE key exchange with AEAD ciphers.
func Config(cert tls.Certificate) *tls.Config {
	c := baseConfig()
	c.Certificates = []tls.Certificate{cert}
	return c
}

// Versions returns the names of the protocol versions that Config accepts.
func Versions() []string { return []string{"TLS 1.2", "TLS 1.3"} }

// CipherSuiteNames returns the IANA names of the TLS 1.2 suites that Config
// accepts.
func CipherSuiteNames() []string {
	names := make([]string, len(cipherSuites))
	for i, id := range cipherSuites {
		names[i] = tls.CipherSuiteName(id)
	}
	return names
}

// LoadOrCreateSelfSigned returns the certificate for localhost, 127.0.0.1
// and ::1 kept in dir, generating a new ECDSA P-256 key and certificate
// when none exists or the kept one ends within 30 days. The bool reports
// whether a new certificate was written.
func LoadOrCreateSelfSigned(dir string, now time.Time) (tls.Certificate, bool, error) {
	certPath, keyPath := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err == nil && now.Add(30*24*time.Hour).Before(cert.Leaf.NotAfter) {
		return cert, false, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return tls.Certificate{}, false, fmt.Errorf("certs: load %s: %w", certPath, err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, false, fmt.Errorf("certs: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, false, fmt.Errorf("certs: generate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"Chatalott self-signed"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // so that the certificate itself can be trusted as a root
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, false, fmt.Errorf("certs: create certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, false, fmt.Errorf("certs: encode key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, false, fmt.Errorf("certs: create %s: %w", dir, err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return tls.Certificate{}, false, fmt.Errorf("certs: write %s: %w", keyPath, err)
	}
	// The certificate is public, and users copy it to trust it; the key
	// beside it is 0600.
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil { // #nosec G306 -- public certificate
		return tls.Certificate{}, false, fmt.Errorf("certs: write %s: %w", certPath, err)
	}
	cert, err = tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return tls.Certificate{}, false, fmt.Errorf("certs: reload %s: %w", certPath, err)
	}
	return cert, true, nil
}
