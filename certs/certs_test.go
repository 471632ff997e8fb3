package certs

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSelfSignedIsKeptAndCoversLocalhost(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	cert, created, err := LoadOrCreateSelfSigned(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Error("first call did not report a new certificate")
	}
	leaf := cert.Leaf
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(host); err != nil {
			t.Errorf("certificate does not cover %s: %v", host, err)
		}
	}
	if info, _ := os.Stat(filepath.Join(dir, KeyFile)); info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %o, want 600", info.Mode().Perm())
	}

	again, created, err := LoadOrCreateSelfSigned(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if created || !again.Leaf.Equal(leaf) {
		t.Error("second call did not keep the certificate")
	}
	renewed, created, err := LoadOrCreateSelfSigned(dir, leaf.NotAfter.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !created || renewed.Leaf.Equal(leaf) {
		t.Error("a certificate a day from its end was not replaced")
	}
}

func TestConfigRefusesOldTLSAndCBC(t *testing.T) {
	cert, _, err := LoadOrCreateSelfSigned(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", Config(cert))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	dial := func(cfg *tls.Config) error {
		cfg.InsecureSkipVerify = true
		d := &net.Dialer{Timeout: 5 * time.Second}
		c, err := tls.DialWithDialer(d, "tcp", ln.Addr().String(), cfg)
		if err == nil {
			c.Close()
		}
		return err
	}
	cases := []struct {
		name   string
		client *tls.Config
		wantOK bool
	}{
		{"TLS 1.3", &tls.Config{MinVersion: tls.VersionTLS13}, true},
		{"TLS 1.2 default suites", &tls.Config{MaxVersion: tls.VersionTLS12}, true},
		{"TLS 1.2 ECDHE AES-GCM only", &tls.Config{MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}, true},
		{"TLS 1.2 ECDHE ChaCha20-Poly1305 only", &tls.Config{MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}}, true},
		{"TLS 1.1", &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, false},
		{"TLS 1.0", &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}, false},
		{"TLS 1.2 CBC only", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}}, false},
		{"TLS 1.2 RSA key exchange only", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
			tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384}}, false},
	}
	for _, tc := range cases {
		err := dial(tc.client)
		if tc.wantOK && err != nil {
			t.Errorf("%s: handshake failed: %v, want success", tc.name, err)
		}
		if !tc.wantOK && err == nil {
			t.Errorf("%s: handshake succeeded, want failure", tc.name)
		}
	}
}

func TestCipherSuiteNamesAreAEAD(t *testing.T) {
	for _, name := range CipherSuiteNames() {
		if !strings.HasPrefix(name, "TLS_ECDHE_") || !(strings.Contains(name, "_GCM_") || strings.Contains(name, "CHACHA20_POLY1305")) {
			t.Errorf("suite %s is not ECDHE with AEAD", name)
		}
	}
	if got := strings.Join(Versions(), ","); got != "TLS 1.2,TLS 1.3" {
		t.Errorf("Versions = %s, want TLS 1.2,TLS 1.3", got)
	}
}
