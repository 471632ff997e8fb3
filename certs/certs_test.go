package certs

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
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
	if err := dial(&tls.Config{MinVersion: tls.VersionTLS13}); err != nil {
		t.Errorf("TLS 1.3: %v, want success", err)
	}
	if err := dial(&tls.Config{MaxVersion: tls.VersionTLS12}); err != nil {
		t.Errorf("TLS 1.2 with default suites: %v, want success", err)
	}
	if err := dial(&tls.Config{MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS10}); err == nil {
		t.Error("TLS 1.1 handshake succeeded, want failure")
	}
	cbc := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA}
	if err := dial(&tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: cbc}); err == nil {
		t.Error("TLS 1.2 with only CBC suites succeeded, want failure")
	}
}
