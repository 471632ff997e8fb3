package main

import (
	"context"
	"crypto/tls"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestEdgeFlagValidation(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"proxy mode", []string{"--tls=off", "--trusted-proxies", "10.0.0.0/8, 127.0.0.1"}, ""},
		{"acme", []string{"--domain", "crm.example.com", "--acme-email", "ops@example.com"}, ""},
		{"proxy mode without proxies", []string{"--tls=off"}, "--tls=off needs --trusted-proxies"},
		{"proxy mode with domain", []string{"--tls=off", "--trusted-proxies", "10.0.0.1", "--domain", "crm.example.com"}, "serves no certificate"},
		{"unknown tls mode", []string{"--tls=maybe"}, `--tls "maybe" is not known`},
		{"bad proxy range", []string{"--trusted-proxies", "10.0.0.0/33"}, "--trusted-proxies"},
		{"domain and files", []string{"--domain", "crm.example.com", "--tls-cert", "a.pem", "--tls-key", "b.pem"}, "give one of them"},
	}
	for _, tc := range cases {
		var cfg config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		cfg.addServeFlags(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatalf("%s: parse: %v", tc.name, err)
		}
		err := cfg.validate()
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: validate = %v, want nil", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: validate = %v, want an error containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestEdgeEnvironment(t *testing.T) {
	t.Setenv("CHATALOTT_TRUSTED_PROXIES", "192.0.2.0/24")
	t.Setenv("CHATALOTT_TLS", "off")
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.addServeFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Edge.Proxies) != 1 || cfg.Edge.Proxies[0].String() != "192.0.2.0/24" {
		t.Errorf("Proxies = %v, want [192.0.2.0/24]", cfg.Edge.Proxies)
	}
}

// serveForTest runs "chatalott serve" with args on loopback until the test
// ends and returns the URL it prints, which must match urlPattern.
func serveForTest(t *testing.T, urlPattern string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	args = append([]string{"serve", "--data", filepath.Join(t.TempDir(), "data"), "--addr", "127.0.0.1:0",
		"--base-url", "https://localhost"}, args...)
	go func() { done <- run(ctx, args, stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20 s")
		}
	})
	line := regexp.MustCompile(`Open (` + urlPattern + `)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := line.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve exited early: %v\n%s", err, stderr.String())
		default:
		}
	}
	t.Fatalf("serve did not print its URL within 20 s:\n%s", stderr.String())
	return ""
}

// TestServeBehindProxy runs "chatalott serve --tls=off" and checks that
// only the trusted proxy's X-Forwarded-Proto makes a request HTTPS.
func TestServeBehindProxy(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("CHATALOTT_SESSION_KEYS", "")
	base := serveForTest(t, `http://127\.0\.0\.1:\d+/`, "--http-addr", "", "--tls=off", "--trusted-proxies", "127.0.0.1")

	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, proto string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := get("login", "https")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("via proxy over https: status %d, HSTS %q; want 200 with HSTS", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	resp = get("login", "")
	if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Errorf("plain HTTP: status %d, Location %q; want 301 to https", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp.Header.Get("Strict-Transport-Security") != "" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("plain HTTP redirect: HSTS %q, X-Frame-Options %q; want no HSTS and DENY",
			resp.Header.Get("Strict-Transport-Security"), resp.Header.Get("X-Frame-Options"))
	}
	if resp := get("healthz", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("plain HTTP /healthz: status %d, want 200 for load balancer probes", resp.StatusCode)
	}
	// A TLS handshake on the plain port fails: nothing there speaks TLS.
	tc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	if resp, err := tc.Get(strings.Replace(base, "http://", "https://", 1) + "healthz"); err == nil {
		resp.Body.Close()
		t.Error("TLS handshake on the --tls=off port succeeded, want failure")
	}
}

func TestServeTrustConfigFile(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("CHATALOTT_SESSION_KEYS", "")
	path := filepath.Join(t.TempDir(), "chatalott.json")
	os.WriteFile(path, []byte(`{"organization": "Acme GmbH", "contacts": ["mailto:security@acme.example"],
		"subprocessors": [{"name": "Mailer Inc", "purpose": "Sending email"}]}`), 0o600)
	t.Setenv("CHATALOTT_CONFIG", path)
	url := serveForTest(t, `https://127\.0\.0\.1:\d+/`, "--http-addr", "")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	for path, want := range map[string]string{
		".well-known/security.txt": "Contact: mailto:security@acme.example\n",
		"subprocessors":            "<td>Mailer Inc</td>",
		"security":                 "TLS 1.2 and TLS 1.3",
	} {
		resp, err := client.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), want) {
			t.Errorf("GET /%s lacks %q", path, want)
		}
	}

	// A misspelt setting stops the server at start-up.
	os.WriteFile(path, []byte(`{"organisation": "Typo"}`), 0o600)
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--http-addr", "", "--base-url", "https://localhost"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `unknown field "organisation"`) {
		t.Errorf("serve with a misspelt config field: %v, want an unknown field error", err)
	}
}
