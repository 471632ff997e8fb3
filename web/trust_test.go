package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/trust"
	"github.com/chatalott/chatalott/web"
)

// trustServer is a server for the public trust pages only: they need the
// password hasher and the session settings, not a database.
type trustServer struct {
	t   *testing.T
	srv *httptest.Server
}

func newTrustServer(t *testing.T, bcryptCost int, idle, lifetime time.Duration, site *trust.Site) *trustServer {
	t.Helper()
	hasher, err := accounts.NewHasher(bcryptCost)
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{
		Accounts: &accounts.Service{Hasher: hasher},
		Sessions: &sessions.Manager{IdleTimeout: idle, AbsoluteLifetime: lifetime},
		Trust:    site,
		Logger:   slog.New(slog.DiscardHandler),
	}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return &trustServer{t: t, srv: srv}
}

func (ts *trustServer) get(path string) (*http.Response, string) {
	ts.t.Helper()
	resp, err := ts.srv.Client().Get(ts.srv.URL + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return resp, string(body)
}

func TestSecurityPageShowsConfiguration(t *testing.T) {
	cases := []struct {
		cost           int
		idle, lifetime time.Duration
		want           []string
	}{
		{10, 7 * 24 * time.Hour, 30 * 24 * time.Hour, []string{
			`<strong id="bcrypt-cost">10</strong>`,
			`<strong id="session-idle">7 days</strong>`,
			`<strong id="session-lifetime">30 days</strong>`,
		}},
		{11, 12 * time.Hour, 3 * 24 * time.Hour, []string{
			`<strong id="bcrypt-cost">11</strong>`,
			`<strong id="session-idle">12 hours</strong>`,
			`<strong id="session-lifetime">3 days</strong>`,
		}},
	}
	for _, tc := range cases {
		site := trust.DefaultSite()
		site.Deployment.TLS = trust.TLS{Mode: trust.TLSSelfSigned, Versions: []string{"TLS 1.2", "TLS 1.3"}}
		ts := newTrustServer(t, tc.cost, tc.idle, tc.lifetime, site)
		resp, body := ts.get("/security")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /security: status %d, want 200", resp.StatusCode)
		}
		want := append(tc.want,
			`<strong id="hsts-max-age">730 days</strong>`,
			`<strong id="tls-versions">TLS 1.2 and TLS 1.3</strong>`,
			"This instance does not report any request rate limits.",
		)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("cost %d, idle %s, lifetime %s: /security lacks %s", tc.cost, tc.idle, tc.lifetime, w)
			}
		}
	}
}

func TestSecurityPageListsRateLimits(t *testing.T) {
	site := trust.DefaultSite()
	site.Deployment.RateLimits = []trust.RateLimit{{Name: "Log-in attempts per IP address", Limit: 20, Window: 24 * time.Hour}}
	site.Deployment.Backup = &trust.Backup{Interval: 24 * time.Hour, Retention: 7 * 24 * time.Hour, Encrypted: true}
	_, body := newTrustServer(t, 10, time.Hour, 2*time.Hour, site).get("/security")
	for _, want := range []string{"<td>Log-in attempts per IP address</td><td>20</td><td>1 day</td>",
		"Backups run every 1 day and are kept for 7 days, encrypted."} {
		if !strings.Contains(body, want) {
			t.Errorf("/security lacks %q", want)
		}
	}
}

func TestSecurityPageNamesOperator(t *testing.T) {
	_, body := newTrustServer(t, 10, time.Hour, 2*time.Hour, trust.DefaultSite()).get("/security")
	if !strings.Contains(body, "how this Chatalott instance protects") || strings.Contains(body, "run by") {
		t.Error("/security without a configured organization does not read \"how this Chatalott instance protects\"")
	}
	site, err := trust.NewSite(trust.Config{Organization: "Acme GmbH"})
	if err != nil {
		t.Fatal(err)
	}
	if _, body := newTrustServer(t, 10, time.Hour, 2*time.Hour, site).get("/security"); !strings.Contains(body, "run by Acme GmbH, protects") {
		t.Error("/security with an organization does not name it")
	}
}

func TestSecurityPageStatesRowLevelSecurity(t *testing.T) {
	for _, on := range []bool{true, false} {
		site := trust.DefaultSite()
		site.Deployment.RowLevelSecurity = on
		_, body := newTrustServer(t, 10, time.Hour, 2*time.Hour, site).get("/security")
		if got := strings.Contains(body, `id="row-level-security"`); got != on {
			t.Errorf("row-level security %v: page claims it %v", on, got)
		}
		if got := strings.Contains(body, `id="no-row-level-security"`); got == on {
			t.Errorf("row-level security %v: page says it is missing %v", on, got)
		}
	}
}

func TestSubprocessorsPage(t *testing.T) {
	ts := newTrustServer(t, 10, time.Hour, 2*time.Hour, nil)
	if _, body := ts.get("/subprocessors"); !strings.Contains(body, `<p id="no-subprocessors">None:`) {
		t.Errorf("/subprocessors on embedded defaults lacks \"None:\":\n%s", body)
	}

	site, err := trust.NewSite(trust.Config{Organization: "Acme GmbH", Subprocessors: []trust.Subprocessor{
		{Name: "Mailer Inc", Purpose: "Sending email", Location: "EU", URL: "https://mailer.example"},
		{Name: "Disk & Co", Purpose: "Backups", Location: "Germany"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, body := newTrustServer(t, 10, time.Hour, 2*time.Hour, site).get("/subprocessors")
	for _, want := range []string{`<a href="https://mailer.example">Mailer Inc</a>`, "<td>Sending email</td>",
		"<td>Disk &amp; Co</td>", "<td>Germany</td>", "for Acme GmbH"} {
		if !strings.Contains(body, want) {
			t.Errorf("/subprocessors lacks %q", want)
		}
	}
	if strings.Contains(body, `id="no-subprocessors"`) {
		t.Error("/subprocessors with a list still says none are listed")
	}
}

func TestDisclosurePageShowsCommitments(t *testing.T) {
	site, err := trust.NewSite(trust.Config{
		Contacts: []string{"mailto:security@example.com", "tel:+1-201-555-0123"},
		Response: trust.ResponseTimes{AcknowledgeDays: 2, FixCriticalDays: 14},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, body := newTrustServer(t, 10, time.Hour, 2*time.Hour, site).get("/security/disclosure")
	for _, want := range []string{
		`<a href="mailto:security@example.com">`, "<li>tel:&#43;1-201-555-0123</li>",
		"within <strong>2</strong> business days", "within <strong>14</strong> days",
		"within <strong>10</strong> days", "Safe harbour", "Out of scope",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/security/disclosure lacks %q", want)
		}
	}
}

func TestSecurityTxtServed(t *testing.T) {
	entity, err := openpgp.NewEntity("Security", "test only", "security@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	var raw, armored bytes.Buffer
	if err := entity.SerializePrivate(&raw, nil); err != nil {
		t.Fatal(err)
	}
	w, _ := armor.Encode(&armored, openpgp.PrivateKeyType, nil)
	w.Write(raw.Bytes())
	w.Close()
	keyPath := filepath.Join(t.TempDir(), "private.asc")
	if err := os.WriteFile(keyPath, armored.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	site, err := trust.NewSite(trust.Config{BaseURL: "https://crm.example.com",
		Contacts: []string{"mailto:security@example.com"}, OpenPGPPrivateKeyFile: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTrustServer(t, 10, time.Hour, 2*time.Hour, site)

	resp, body := ts.get("/.well-known/security.txt")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("security.txt: status %d, Content-Type %q, want 200 text/plain; charset=utf-8", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	block, _ := clearsign.Decode([]byte(body))
	if block == nil {
		t.Fatalf("security.txt is not clear-signed:\n%s", body)
	}
	if _, err := block.VerifySignature(openpgp.EntityList{entity}, nil); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	text := string(block.Plaintext)
	for _, want := range []string{"Contact: mailto:security@example.com\n", "Encryption: https://crm.example.com/.well-known/openpgp-key.asc\n",
		"Canonical: https://crm.example.com/.well-known/security.txt\n", "Policy: https://crm.example.com/security/disclosure\n",
		"Preferred-Languages: en\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("security.txt lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\nExpires: "); n != 1 {
		t.Errorf("security.txt has %d Expires lines, want 1", n)
	}

	resp, key := ts.get("/.well-known/openpgp-key.asc")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(key, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		t.Errorf("openpgp-key.asc: status %d, want 200 with an armored public key", resp.StatusCode)
	}
	if strings.Contains(key, "PRIVATE") {
		t.Error("openpgp-key.asc contains a private key")
	}
}

func TestPublicKeyMissingIs404(t *testing.T) {
	resp, _ := newTrustServer(t, 10, time.Hour, 2*time.Hour, nil).get("/.well-known/openpgp-key.asc")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("openpgp-key.asc without a key: status %d, want 404", resp.StatusCode)
	}
}
