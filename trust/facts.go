package trust

import "time"

// Facts are the figures that the security page states, each read from the
// running configuration when the page is served, so the page cannot drift
// from what the server does.
type Facts struct {
	// BcryptCost is the cost of new password hashes.
	BcryptCost int
	// SessionIdle ends a session that is not used for this long.
	SessionIdle time.Duration
	// SessionLifetime ends a session this long after log-in, whatever the activity.
	SessionLifetime time.Duration
	// HSTSMaxAge is the max-age of the Strict-Transport-Security header.
	HSTSMaxAge time.Duration
	Deployment Deployment
}

// Deployment describes the parts of an instance that the command starting
// the server decides, such as where TLS ends. Features that are not built
// or not configured leave their field empty, and the page states that.
type Deployment struct {
	TLS TLS
	// RateLimits lists the request budgets in force. Empty means none.
	RateLimits []RateLimit
	// Backup is the automatic backup schedule. Nil means none.
	Backup *Backup
	// RowLevelSecurity reports whether the database itself confines the
	// application to one workspace per transaction, as PostgreSQL does.
	RowLevelSecurity bool
}

// TLS modes.
const (
	TLSSelfSigned = "self-signed"
	TLSFiles      = "certificate files"
	TLSACME       = "ACME"
	TLSProxy      = "proxy"
)

// TLS describes how connections are encrypted.
type TLS struct {
	// Mode is one of TLSSelfSigned, TLSFiles, TLSACME or TLSProxy.
	Mode string
	// Versions are the protocol versions the server accepts, such as
	// "TLS 1.2". Empty in TLSProxy mode, where the proxy decides.
	Versions []string
	// CipherSuites are the TLS 1.2 suites the server accepts, by their
	// IANA names. TLS 1.3 suites are fixed by Go and all use AEAD.
	CipherSuites []string
}

// RateLimit is one request budget, such as log-in attempts per address.
type RateLimit struct {
	// Name is what is limited, such as "Log-in attempts per IP address".
	Name string
	// Limit requests are allowed in each Window.
	Limit  int
	Window time.Duration
}

// Backup is the automatic backup schedule.
type Backup struct {
	Interval  time.Duration
	Retention time.Duration
	Encrypted bool
	// LastDrill is when a restore drill last passed; zero means never.
	LastDrill time.Time
}
