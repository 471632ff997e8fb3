// Package trust holds what Chatalott publishes about its own security: the
// operator's settings for the public trust pages, the figures that the
// security page shows, and the security.txt file of RFC 9116.
package trust

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// Config is the operator's settings for the trust pages, read from one JSON
// file. Every field is optional: the zero value, completed by Default,
// describes a self-hosted instance that names no contact or subprocessor.
type Config struct {
	// Organization is who runs this instance, as shown on the pages.
	Organization string `json:"organization"`
	// BaseURL is the public origin, such as "https://crm.example.com". The
	// Canonical, Policy and Encryption lines of security.txt are built on
	// it. When it is empty, the origin of each request is used instead,
	// which is not allowed when security.txt is signed.
	BaseURL string `json:"base_url"`
	// Contacts are the security.txt Contact values, each a mailto:, https:
	// or tel: URI, most preferred first. Empty means the disclosure page.
	Contacts []string `json:"contacts"`
	// PolicyURL is the disclosure policy; empty means /security/disclosure.
	PolicyURL string `json:"policy_url"`
	// PreferredLanguages are language tags such as "en" or "de".
	PreferredLanguages []string `json:"preferred_languages"`
	// OpenPGPPublicKeyFile is an armored public key that reporters encrypt
	// to. It is served at /.well-known/openpgp-key.asc.
	OpenPGPPublicKeyFile string `json:"openpgp_public_key_file"`
	// OpenPGPPrivateKeyFile is an armored, unencrypted private key that
	// clear-signs security.txt. Without a public key file, its public part
	// is served as the encryption key.
	OpenPGPPrivateKeyFile string `json:"openpgp_private_key_file"`
	// Subprocessors are the third parties that process customer data for
	// the operator.
	Subprocessors []Subprocessor `json:"subprocessors"`
	// Response holds the operator's response times to vulnerability reports.
	Response ResponseTimes `json:"response_times"`
}

// Subprocessor is one third party that processes customer data.
type Subprocessor struct {
	Name     string `json:"name"`
	Purpose  string `json:"purpose"`
	Location string `json:"location"`
	URL      string `json:"url"`
}

// ResponseTimes are the commitments of the disclosure policy, in days.
type ResponseTimes struct {
	// AcknowledgeDays is the time to confirm that a report arrived, in business days.
	AcknowledgeDays int `json:"acknowledge_days"`
	// AssessDays is the time to a first assessment with a severity.
	AssessDays int `json:"assess_days"`
	// FixCriticalDays is the time to fix a critical or high-severity issue.
	FixCriticalDays int `json:"fix_critical_days"`
	// FixOtherDays is the time to fix any other confirmed issue.
	FixOtherDays int `json:"fix_other_days"`
	// DisclosureDays is the longest wait before a reporter may publish,
	// counted from the report.
	DisclosureDays int `json:"disclosure_days"`
}

// Default values of the optional fields.
const (
	DefaultOrganization = "the operator of this instance"
	DefaultLanguage     = "en"
)

// DefaultResponseTimes are the commitments used when the file sets none.
var DefaultResponseTimes = ResponseTimes{
	AcknowledgeDays: 3,
	AssessDays:      10,
	FixCriticalDays: 30,
	FixOtherDays:    90,
	DisclosureDays:  90,
}

// Default returns the settings of an instance without a config file.
func Default() Config {
	var c Config
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Organization == "" {
		c.Organization = DefaultOrganization
	}
	if len(c.PreferredLanguages) == 0 {
		c.PreferredLanguages = []string{DefaultLanguage}
	}
	r := &c.Response
	for _, f := range []struct {
		field *int
		def   int
	}{
		{&r.AcknowledgeDays, DefaultResponseTimes.AcknowledgeDays},
		{&r.AssessDays, DefaultResponseTimes.AssessDays},
		{&r.FixCriticalDays, DefaultResponseTimes.FixCriticalDays},
		{&r.FixOtherDays, DefaultResponseTimes.FixOtherDays},
		{&r.DisclosureDays, DefaultResponseTimes.DisclosureDays},
	} {
		if *f.field == 0 {
			*f.field = f.def
		}
	}
}

// maxConfigBytes bounds the config file; a real one is a few kilobytes.
const maxConfigBytes = 1 << 20

// Load reads the JSON config file at path, rejects unknown fields so that
// a misspelt setting fails at start-up, and fills in the defaults.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- the operator names this file on the command line
	if err != nil {
		return Config{}, fmt.Errorf("trust: read config %s: %w", path, err)
	}
	if len(data) > maxConfigBytes {
		return Config{}, fmt.Errorf("trust: config %s is %d bytes; the maximum is %d", path, len(data), maxConfigBytes)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("trust: parse config %s: %w", path, err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("trust: config %s has data after its JSON object; remove it", path)
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("trust: config %s: %w", path, err)
	}
	return c, nil
}

var languageTag = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// Validate checks every field and returns all problems found, each naming
// the field and the fix.
func (c *Config) Validate() error {
	var errs []error
	if c.BaseURL != "" {
		if err := checkOrigin(c.BaseURL); err != nil {
			errs = append(errs, fmt.Errorf("base_url: %w", err))
		}
	}
	for i, contact := range c.Contacts {
		if err := checkContact(contact); err != nil {
			errs = append(errs, fmt.Errorf("contacts[%d]: %w", i, err))
		}
	}
	if c.PolicyURL != "" {
		if err := checkHTTPS(c.PolicyURL); err != nil {
			errs = append(errs, fmt.Errorf("policy_url: %w", err))
		}
	}
	for i, tag := range c.PreferredLanguages {
		if !languageTag.MatchString(tag) {
			errs = append(errs, fmt.Errorf("preferred_languages[%d]: %q is not a language tag such as en or pt-BR", i, tag))
		}
	}
	if c.OpenPGPPrivateKeyFile != "" && c.BaseURL == "" {
		errs = append(errs, errors.New("openpgp_private_key_file needs base_url, so that the signed Canonical line names this instance and not whatever Host a request sends"))
	}
	for i, p := range c.Subprocessors {
		if strings.TrimSpace(p.Name) == "" {
			errs = append(errs, fmt.Errorf("subprocessors[%d]: name is missing", i))
		}
		if p.URL != "" {
			if err := checkHTTPS(p.URL); err != nil {
				errs = append(errs, fmt.Errorf("subprocessors[%d].url: %w", i, err))
			}
		}
	}
	r := c.Response
	for _, f := range []struct {
		name string
		days int
	}{
		{"acknowledge_days", r.AcknowledgeDays}, {"assess_days", r.AssessDays},
		{"fix_critical_days", r.FixCriticalDays}, {"fix_other_days", r.FixOtherDays},
		{"disclosure_days", r.DisclosureDays},
	} {
		if f.days < 1 || f.days > 365 {
			errs = append(errs, fmt.Errorf("response_times.%s: %d is out of range; use 1 to 365 days", f.name, f.days))
		}
	}
	return errors.Join(errs...)
}

func checkContact(contact string) error {
	u, err := url.Parse(contact)
	if err != nil {
		return fmt.Errorf("%q is not a URI: %w", contact, err)
	}
	switch u.Scheme {
	case "mailto":
		if !strings.Contains(u.Opaque, "@") {
			return fmt.Errorf("%q has no email address; write mailto:security@example.com", contact)
		}
		return nil
	case "tel":
		if u.Opaque == "" {
			return fmt.Errorf("%q has no number; write tel:+1-201-555-0123", contact)
		}
		return nil
	case "https":
		return checkHTTPS(contact)
	}
	return fmt.Errorf("%q is not a mailto:, https: or tel: URI", contact)
}

func checkHTTPS(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https:// URL", raw)
	}
	return nil
}

// checkOrigin checks that raw is an https origin without path, query or
// fragment, so that paths can be appended to it.
func checkOrigin(raw string) error {
	if err := checkHTTPS(raw); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin; write only the scheme and host, such as https://crm.example.com", raw)
	}
	return nil
}
