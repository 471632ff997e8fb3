package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatalott/chatalott/certs"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	openLine     = regexp.MustCompile(`Open (https://127\.0\.0\.1:\d+/)`)
	redirectLine = regexp.MustCompile(`redirecting plain HTTP to HTTPS" addr=(127\.0\.0\.1:\d+)`)
)

// startServe runs "chatalott serve" on free loopback ports until the test
// ends and returns the HTTPS URL, the redirect address and the logs.
func startServe(t *testing.T, dataDir string) (string, string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v, want nil after shutdown", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20 s")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		m, r := openLine.FindStringSubmatch(stdout.String()), redirectLine.FindStringSubmatch(stderr.String())
		if m != nil && r != nil {
			return m[1], r[1], stderr
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not print its URL within 20 s:\n%s", stderr.String())
	return "", "", nil
}

func TestServeEmbeddedDefaults(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("CHATALOTT_SESSION_KEYS", "")
	dataDir := filepath.Join(t.TempDir(), "data")
	url, redirectAddr, logs := startServe(t, dataDir)

	for _, name := range []string{"chatalott.db", "keys/session-keys", "tls/" + certs.KeyFile} {
		info, err := os.Stat(filepath.Join(dataDir, name))
		if err != nil {
			t.Fatalf("data folder lacks %s: %v", name, err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %o, want 600", name, info.Mode().Perm())
		}
	}

	// Trust the generated certificate, as the README tells a user to.
	pemBytes, err := os.ReadFile(filepath.Join(dataDir, "tls", certs.CertFile))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get(url + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("GET /healthz: %d %s, want 200 ok", resp.StatusCode, body)
	}

	resp, err = client.Get("http://" + redirectAddr + "/contacts?q=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	wantLocation := strings.TrimSuffix(url, "/") + "/contacts?q=x"
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != wantLocation {
		t.Errorf("plain HTTP: %d to %q, want 301 to %q", resp.StatusCode, resp.Header.Get("Location"), wantLocation)
	}
	if !strings.Contains(logs.String(), "generated self-signed certificate") {
		t.Error("start-up did not log the generated certificate")
	}
	if page := getBody(t, client, url+"security"); !strings.Contains(page, `id="no-row-level-security"`) ||
		strings.Contains(page, `id="row-level-security"`) {
		t.Error("/security on SQLite does not say that the separation rests on the application alone")
	}
}

// getBody fetches url and returns its body, failing t unless the status is
// 200.
func getBody(t *testing.T, client *http.Client, url string) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, err %v", url, resp.StatusCode, err)
	}
	return string(body)
}

func TestServeOnPostgresStatesRowLevelSecurity(t *testing.T) {
	t.Setenv("DATABASE_URL", sqlstoretest.NewPostgresSchema(t))
	t.Setenv("CHATALOTT_SESSION_KEYS", "")
	dataDir := t.TempDir()
	url, _, _ := startServe(t, dataDir)
	pemBytes, err := os.ReadFile(filepath.Join(dataDir, "tls", certs.CertFile))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if page := getBody(t, client, url+"security"); !strings.Contains(page, `id="row-level-security"`) {
		t.Error("/security on PostgreSQL does not state that row-level security separates workspaces")
	}
}

func TestMigrateBothEngines(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dataDir := t.TempDir()
			databaseURL := ""
			if dialect == "postgres" {
				databaseURL = sqlstoretest.NewPostgresSchema(t)
			}
			t.Setenv("DATABASE_URL", databaseURL)
			for i, wantLog := range []bool{true, false} {
				var stdout, stderr bytes.Buffer
				if err := run(context.Background(), []string{"migrate", "--data", dataDir}, &stdout, &stderr); err != nil {
					t.Fatalf("migrate run %d: %v\n%s", i+1, err, stderr.String())
				}
				if !strings.Contains(stdout.String(), "("+dialect+") is up to date") {
					t.Errorf("migrate run %d printed %q, want the %s dialect", i+1, stdout.String(), dialect)
				}
				if got := strings.Contains(stdout.String(), "Queries run as role chatalott_app_"); got != (dialect == "postgres") {
					t.Errorf("migrate run %d printed %q; names the application role: %v, want %v", i+1, stdout.String(), got, dialect == "postgres")
				}
				if got := strings.Contains(stderr.String(), "migration applied"); got != wantLog {
					t.Errorf("migrate run %d logged an applied migration: %v, want %v", i+1, got, wantLog)
				}
				if got := strings.Contains(stdout.String(), "Applied "); got != wantLog {
					t.Errorf("migrate run %d printed %q; reports applied migrations: %v, want %v", i+1, stdout.String(), got, wantLog)
				}
			}
		})
	}
}

func TestCommandsAndHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &stdout, &stderr); err != nil || !strings.HasPrefix(stdout.String(), "chatalott ") {
		t.Errorf("version: %q, %v", stdout.String(), err)
	}
	for _, cmd := range []string{"serve", "migrate", "version", "import", "export", "user"} {
		stderr.Reset()
		err := run(context.Background(), []string{cmd, "--help"}, io.Discard, &stderr)
		if !errors.Is(err, flag.ErrHelp) || !strings.HasPrefix(stderr.String(), "Usage: chatalott "+cmd) {
			t.Errorf("%s --help: err %v, output %q", cmd, err, stderr.String())
		}
		if n := strings.Count(stderr.String(), "Usage:"); n != 1 {
			t.Errorf("%s --help prints %d usage lines, want 1:\n%s", cmd, n, stderr.String())
		}
	}
	if err := run(context.Background(), []string{"serve", "--addr"}, io.Discard, io.Discard); err == nil {
		t.Error("serve with a missing flag value succeeded")
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %v", err)
	}
	t.Setenv("DATABASE_URL", "mysql://x")
	if err := run(context.Background(), []string{"migrate", "--data", t.TempDir()}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Errorf("migrate with a mysql URL: %v, want an error naming postgres://", err)
	}
}
