package trust

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
)

// Paths of the trust pages and files.
const (
	SecurityTxtPath = "/.well-known/security.txt"
	PublicKeyPath   = "/.well-known/openpgp-key.asc"
	DisclosurePath  = "/security/disclosure"
)

// SecurityTxtLifetime is how far ahead the Expires line of security.txt
// lies. RFC 9116 section 2.5.5 recommends less than a year. The file is
// built per request, so Expires moves forward with the clock.
const SecurityTxtLifetime = 180 * 24 * time.Hour

// Site is the loaded trust configuration: the settings, the public key to
// serve and the key that signs security.txt.
type Site struct {
	Config Config
	// Deployment is filled in by the command that starts the server.
	Deployment Deployment

	publicKey []byte          // armored, nil when none is configured
	signer    *openpgp.Entity // nil when security.txt is not signed

	mu         sync.Mutex
	lastPlain  string // the unsigned text of lastSigned
	lastSigned []byte
}

// NewSite loads the key files named in cfg. It fails when a key file is
// unreadable, is not an armored OpenPGP key, or is protected by a
// passphrase.
func NewSite(cfg Config) (*Site, error) {
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	s := &Site{Config: cfg}
	if cfg.OpenPGPPrivateKeyFile != "" {
		entity, err := readPrivateKey(cfg.OpenPGPPrivateKeyFile)
		if err != nil {
			return nil, err
		}
		s.signer = entity
		if s.publicKey, err = armorPublicKey(entity); err != nil {
			return nil, err
		}
	}
	if cfg.OpenPGPPublicKeyFile != "" {
		data, err := os.ReadFile(cfg.OpenPGPPublicKeyFile) // #nosec G304 -- the operator names this file in the config
		if err != nil {
			return nil, fmt.Errorf("trust: read openpgp_public_key_file: %w", err)
		}
		if _, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("trust: openpgp_public_key_file %s is not an armored OpenPGP key: %w", cfg.OpenPGPPublicKeyFile, err)
		}
		s.publicKey = data
	}
	return s, nil
}

// DefaultSite returns the site of an instance without a config file.
func DefaultSite() *Site {
	return &Site{Config: Default()}
}

func readPrivateKey(path string) (*openpgp.Entity, error) {
	f, err := os.Open(path) // #nosec G304 -- the operator names this file in the config
	if err != nil {
		return nil, fmt.Errorf("trust: read openpgp_private_key_file: %w", err)
	}
	defer f.Close()
	ring, err := openpgp.ReadArmoredKeyRing(f)
	if err != nil {
		return nil, fmt.Errorf("trust: openpgp_private_key_file %s is not an armored OpenPGP key: %w", path, err)
	}
	if len(ring) != 1 {
		return nil, fmt.Errorf("trust: openpgp_private_key_file %s contains %d keys; keep exactly one", path, len(ring))
	}
	entity := ring[0]
	key, ok := entity.SigningKey(time.Now())
	if !ok || key.PrivateKey == nil {
		return nil, fmt.Errorf("trust: openpgp_private_key_file %s has no usable private signing key", path)
	}
	// NOTE: passphrase-protected keys are not supported; the file must be
	// kept readable by the server only (mode 0600).
	if key.PrivateKey.Encrypted {
		return nil, fmt.Errorf("trust: openpgp_private_key_file %s is protected by a passphrase; export it without one", path)
	}
	return entity, nil
}

func armorPublicKey(e *openpgp.Entity) ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, fmt.Errorf("trust: armor public key: %w", err)
	}
	if err := e.Serialize(w); err != nil {
		return nil, fmt.Errorf("trust: serialize public key: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("trust: armor public key: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// PublicKey returns the armored public key to serve, or nil.
func (s *Site) PublicKey() []byte { return s.publicKey }

// Signed reports whether security.txt is clear-signed.
func (s *Site) Signed() bool { return s.signer != nil }

// Origin returns the configured public origin, or requestOrigin when none
// is configured.
func (s *Site) Origin(requestOrigin string) string {
	if s.Config.BaseURL != "" {
		return strings.TrimSuffix(s.Config.BaseURL, "/")
	}
	return requestOrigin
}

// SecurityTxt returns the security.txt file of RFC 9116 at now: Contact,
// one Expires, Encryption when a key is served, Preferred-Languages,
// Canonical and Policy, clear-signed when a signing key is configured. URLs
// are built on the configured origin, else on requestOrigin.
func (s *Site) SecurityTxt(requestOrigin string, now time.Time) ([]byte, error) {
	plain := s.securityTxtPlain(s.Origin(requestOrigin), now)
	if s.signer == nil {
		return []byte(plain), nil
	}

	// Expires is whole seconds and changes once a second at most, so
	// consecutive requests mostly reuse one signature.
	s.mu.Lock()
	defer s.mu.Unlock()
	if plain == s.lastPlain {
		return s.lastSigned, nil
	}
	key, ok := s.signer.SigningKey(now)
	if !ok {
		return nil, errors.New("trust: the security.txt signing key has expired or been revoked")
	}
	var buf bytes.Buffer
	w, err := clearsign.Encode(&buf, key.PrivateKey, nil)
	if err != nil {
		return nil, fmt.Errorf("trust: sign security.txt: %w", err)
	}
	if _, err := w.Write([]byte(plain)); err != nil {
		return nil, fmt.Errorf("trust: sign security.txt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("trust: sign security.txt: %w", err)
	}
	buf.WriteByte('\n')
	s.lastPlain, s.lastSigned = plain, buf.Bytes()
	return s.lastSigned, nil
}

func (s *Site) securityTxtPlain(origin string, now time.Time) string {
	var b strings.Builder
	line := func(field, value string) { b.WriteString(field + ": " + value + "\n") }

	b.WriteString("# Security contact for " + oneLine(s.Config.Organization) + ". See " + origin + DisclosurePath + ".\n")
	contacts := s.Config.Contacts
	if len(contacts) == 0 {
		contacts = []string{origin + DisclosurePath}
	}
	for _, c := range contacts {
		line("Contact", c)
	}
	line("Expires", now.UTC().Add(SecurityTxtLifetime).Truncate(time.Second).Format(time.RFC3339))
	if s.publicKey != nil {
		line("Encryption", origin+PublicKeyPath)
	}
	line("Preferred-Languages", strings.Join(s.Config.PreferredLanguages, ", "))
	line("Canonical", origin+SecurityTxtPath)
	policy := s.Config.PolicyURL
	if policy == "" {
		policy = origin + DisclosurePath
	}
	line("Policy", policy)
	return b.String()
}

// oneLine replaces line breaks, so a configured name cannot add a field.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
