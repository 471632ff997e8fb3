package trust_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/chatalott/chatalott/trust"
)

// writeKeyPair generates a throwaway OpenPGP key pair and writes both
// halves, armored, into a temporary folder.
func writeKeyPair(t *testing.T) (publicPath, privatePath string, ring openpgp.EntityList) {
	t.Helper()
	entity, err := openpgp.NewEntity("Security Team", "test only", "security@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, blockType string, serialize func(w *bytes.Buffer) error) string {
		var raw bytes.Buffer
		if err := serialize(&raw); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w, err := armor.Encode(&out, blockType, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw.Bytes())
		w.Close()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	publicPath = write("public.asc", openpgp.PublicKeyType, func(w *bytes.Buffer) error { return entity.Serialize(w) })
	privatePath = write("private.asc", openpgp.PrivateKeyType, func(w *bytes.Buffer) error { return entity.SerializePrivate(w, nil) })
	return publicPath, privatePath, openpgp.EntityList{entity}
}

// fields parses the "Name: value" lines of a security.txt body.
func fields(body string) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, ": ")
		if ok {
			out[name] = append(out[name], strings.TrimSpace(value))
		}
	}
	return out
}

func checkExpires(t *testing.T, values []string, now time.Time) {
	t.Helper()
	if len(values) != 1 {
		t.Fatalf("Expires appears %d times, want exactly once", len(values))
	}
	expires, err := time.Parse(time.RFC3339, values[0])
	if err != nil {
		t.Fatalf("Expires %q is not RFC 3339: %v", values[0], err)
	}
	if !expires.After(now) || !expires.Before(now.AddDate(1, 0, 0)) {
		t.Errorf("Expires %s, want after %s and less than a year later", expires, now)
	}
}

func TestSecurityTxtDefaults(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	body, err := trust.DefaultSite().SecurityTxt("https://localhost:8443", now)
	if err != nil {
		t.Fatal(err)
	}
	f := fields(string(body))
	want := map[string][]string{
		"Contact":             {"https://localhost:8443/security/disclosure"},
		"Preferred-Languages": {"en"},
		"Canonical":           {"https://localhost:8443/.well-known/security.txt"},
		"Policy":              {"https://localhost:8443/security/disclosure"},
	}
	for name, values := range want {
		if got := strings.Join(f[name], " | "); got != strings.Join(values, " | ") {
			t.Errorf("%s = %q, want %q", name, got, values)
		}
	}
	if len(f["Encryption"]) != 0 {
		t.Errorf("Encryption = %q without a configured key, want none", f["Encryption"])
	}
	checkExpires(t, f["Expires"], now)
	if bytes.Contains(body, []byte("BEGIN PGP")) {
		t.Error("unsigned configuration produced a signed file")
	}
}

func TestSecurityTxtExpiresFollowsClock(t *testing.T) {
	site := trust.DefaultSite()
	for _, now := range []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2031, 7, 15, 8, 30, 0, 0, time.UTC),
	} {
		body, err := site.SecurityTxt("https://crm.example.com", now)
		if err != nil {
			t.Fatal(err)
		}
		checkExpires(t, fields(string(body))["Expires"], now)
	}
}

func TestSecurityTxtSignedVerifies(t *testing.T) {
	publicPath, privatePath, ring := writeKeyPair(t)
	site, err := trust.NewSite(trust.Config{
		BaseURL:               "https://crm.example.com",
		Contacts:              []string{"mailto:security@example.com", "https://example.com/report"},
		PreferredLanguages:    []string{"en", "de"},
		OpenPGPPublicKeyFile:  publicPath,
		OpenPGPPrivateKeyFile: privatePath,
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body, err := site.SecurityTxt("https://ignored.example", now)
	if err != nil {
		t.Fatal(err)
	}
	block, rest := clearsign.Decode(body)
	if block == nil {
		t.Fatalf("security.txt is not clear-signed:\n%s", body)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		t.Errorf("data after the signature: %q", rest)
	}
	signer, err := block.VerifySignature(ring, nil)
	if err != nil {
		t.Fatalf("signature does not verify with the public key: %v", err)
	}
	if signer.PrimaryKey.KeyId != ring[0].PrimaryKey.KeyId {
		t.Errorf("signed by key %X, want %X", signer.PrimaryKey.KeyId, ring[0].PrimaryKey.KeyId)
	}

	f := fields(string(block.Plaintext))
	if got := f["Contact"]; len(got) != 2 || got[0] != "mailto:security@example.com" {
		t.Errorf("Contact = %q, want both configured contacts, mailto first", got)
	}
	if got := f["Encryption"]; len(got) != 1 || got[0] != "https://crm.example.com/.well-known/openpgp-key.asc" {
		t.Errorf("Encryption = %q, want the served key URL on the configured origin", got)
	}
	if got := f["Canonical"]; len(got) != 1 || got[0] != "https://crm.example.com/.well-known/security.txt" {
		t.Errorf("Canonical = %q, want the configured origin, not the request's", got)
	}
	if got := f["Preferred-Languages"]; len(got) != 1 || got[0] != "en, de" {
		t.Errorf("Preferred-Languages = %q, want \"en, de\"", got)
	}
	checkExpires(t, f["Expires"], now)

	// A changed byte breaks the signature.
	tampered := bytes.Replace(body, []byte("security@example.com"), []byte("security@evil.example"), 1)
	if block, _ := clearsign.Decode(tampered); block == nil {
		t.Fatal("tampered file no longer parses")
	} else if _, err := block.VerifySignature(ring, nil); err == nil {
		t.Error("tampered security.txt verified, want a signature error")
	}
}

func TestSiteServesPublicPartOfSigningKey(t *testing.T) {
	_, privatePath, ring := writeKeyPair(t)
	site, err := trust.NewSite(trust.Config{BaseURL: "https://crm.example.com", OpenPGPPrivateKeyFile: privatePath})
	if err != nil {
		t.Fatal(err)
	}
	served := site.PublicKey()
	if bytes.Contains(served, []byte("PRIVATE KEY")) {
		t.Fatal("served key contains private key material")
	}
	got, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(served))
	if err != nil {
		t.Fatalf("served key does not parse: %v", err)
	}
	if got[0].PrimaryKey.Fingerprint == nil || !bytes.Equal(got[0].PrimaryKey.Fingerprint, ring[0].PrimaryKey.Fingerprint) {
		t.Error("served key has another fingerprint than the signing key")
	}
	if got[0].PrivateKey != nil {
		t.Error("served key carries a private key")
	}
}

func TestLoadRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name, json, wantErr string
	}{
		{"unknown field", `{"organisation": "Typo Ltd"}`, `unknown field "organisation"`},
		{"contact scheme", `{"contacts": ["http://example.com/report"]}`, "contacts[0]"},
		{"mailto without address", `{"contacts": ["mailto:"]}`, "contacts[0]"},
		{"base url with path", `{"base_url": "https://example.com/crm"}`, "base_url"},
		{"signing without base url", `{"openpgp_private_key_file": "/nonexistent"}`, "needs base_url"},
		{"language", `{"preferred_languages": ["english please"]}`, "preferred_languages[0]"},
		{"response days", `{"response_times": {"fix_other_days": 4000}}`, "fix_other_days"},
		{"subprocessor name", `{"subprocessors": [{"purpose": "email"}]}`, "subprocessors[0]: name is missing"},
		{"trailing data", `{} {}`, "data after"},
	}
	for _, tc := range cases {
		path := filepath.Join(t.TempDir(), "trust.json")
		if err := os.WriteFile(path, []byte(tc.json), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := trust.Load(path)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: Load error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestLoadAppliesDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trust.json")
	os.WriteFile(path, []byte(`{"organization": "Acme GmbH", "response_times": {"acknowledge_days": 2}}`), 0o600)
	cfg, err := trust.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Organization != "Acme GmbH" {
		t.Errorf("Organization = %q, want Acme GmbH", cfg.Organization)
	}
	if cfg.Response.AcknowledgeDays != 2 || cfg.Response.FixOtherDays != trust.DefaultResponseTimes.FixOtherDays {
		t.Errorf("Response = %+v, want acknowledge 2 and the other defaults", cfg.Response)
	}
	if strings.Join(cfg.PreferredLanguages, ",") != "en" {
		t.Errorf("PreferredLanguages = %q, want [en]", cfg.PreferredLanguages)
	}
}

func TestSecurityTxtNameCannotAddField(t *testing.T) {
	site, err := trust.NewSite(trust.Config{Organization: "Acme\nContact: mailto:evil@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := site.SecurityTxt("https://crm.example.com", time.Now())
	if regexp.MustCompile(`(?m)^Contact: mailto:evil`).Match(body) {
		t.Errorf("organization name added a Contact line:\n%s", body)
	}
}
