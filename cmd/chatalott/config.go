package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/chatalott/chatalott/sessions"
	"golang.org/x/crypto/bcrypt"
)

// config is the configuration of serve and the other commands that open
// the database. Flags default to environment variables where one is named.
type config struct {
	DataDir         string
	DatabaseURL     string
	Addr            string
	HTTPAddr        string
	TLSCert         string
	TLSKey          string
	BcryptCost      int
	SessionLifetime time.Duration
	SessionIdle     time.Duration
	LogLevel        string
	// BlobURL is the bucket of uploaded files; empty means the folder
	// "blobs" in DataDir.
	BlobURL string
	// SMTPURL comes from the environment only, because it holds a
	// password; empty writes email to the outbox folder in DataDir.
	SMTPURL  string
	MailFrom string
	// BaseURL starts the links in emails; empty derives it from Addr.
	BaseURL string
	// Edge holds TLS, proxy and trust-page settings.
	Edge edgeConfig
}

// addDataFlags registers the flags shared by every command that opens the
// database.
func (c *config) addDataFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", envOr("CHATALOTT_DATA", "./chatalott-data"),
		"folder for the SQLite database, keys and the self-signed certificate (env CHATALOTT_DATA)")
	c.DatabaseURL = os.Getenv("DATABASE_URL")
}

func (c *config) addServeFlags(fs *flag.FlagSet) {
	c.addDataFlags(fs)
	fs.StringVar(&c.Addr, "addr", envOr("CHATALOTT_ADDR", "localhost:8443"), "HOST:PORT for HTTPS (env CHATALOTT_ADDR)")
	fs.StringVar(&c.HTTPAddr, "http-addr", envOr("CHATALOTT_HTTP_ADDR", "localhost:8080"),
		"HOST:PORT for plain HTTP, which only redirects to HTTPS; empty turns it off (env CHATALOTT_HTTP_ADDR)")
	fs.StringVar(&c.TLSCert, "tls-cert", os.Getenv("CHATALOTT_TLS_CERT"),
		"PEM certificate chain file; without it a self-signed certificate for localhost is used (env CHATALOTT_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", os.Getenv("CHATALOTT_TLS_KEY"), "PEM private key file for --tls-cert (env CHATALOTT_TLS_KEY)")
	fs.IntVar(&c.BcryptCost, "bcrypt-cost", envInt("CHATALOTT_BCRYPT_COST", bcrypt.DefaultCost),
		"bcrypt cost for password hashes, 10 to 31; hashes with a lower cost are upgraded at log-in (env CHATALOTT_BCRYPT_COST)")
	fs.DurationVar(&c.SessionLifetime, "session-lifetime", envDuration("CHATALOTT_SESSION_LIFETIME", sessions.DefaultAbsoluteLifetime),
		"absolute lifetime of a log-in session, whatever the activity (env CHATALOTT_SESSION_LIFETIME)")
	fs.DurationVar(&c.SessionIdle, "session-idle", envDuration("CHATALOTT_SESSION_IDLE", sessions.DefaultIdleTimeout),
		"inactivity after which a session ends (env CHATALOTT_SESSION_IDLE)")
	fs.StringVar(&c.BlobURL, "blob-url", os.Getenv("CHATALOTT_BLOB_URL"),
		"bucket for uploaded files: file:///absolute/folder or mem://; empty means the folder blobs in --data (env CHATALOTT_BLOB_URL)")
	c.SMTPURL = os.Getenv("SMTP_URL")
	fs.StringVar(&c.MailFrom, "mail-from", envOr("CHATALOTT_MAIL_FROM", "Chatalott <no-reply@localhost>"),
		"sender address of emails (env CHATALOTT_MAIL_FROM)")
	fs.StringVar(&c.BaseURL, "base-url", os.Getenv("CHATALOTT_BASE_URL"),
		"public address of the server that links in emails start with, such as https://crm.example.com; empty means https:// and --addr (env CHATALOTT_BASE_URL)")
	c.Edge.addFlags(fs)
	fs.StringVar(&c.LogLevel, "log-level", envOr("CHATALOTT_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env CHATALOTT_LOG_LEVEL)")
}

func (c *config) validate() error {
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("--tls-cert and --tls-key go together; give both or neither")
	}
	if c.SessionIdle <= 0 || c.SessionLifetime <= 0 {
		return fmt.Errorf("--session-idle and --session-lifetime must be positive durations such as 168h")
	}
	if c.SessionIdle > c.SessionLifetime {
		return fmt.Errorf("--session-idle (%s) is longer than --session-lifetime (%s); make it shorter", c.SessionIdle, c.SessionLifetime)
	}
	return c.Edge.validate(c)
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func envInt(name string, fallback int) int {
	if v := os.Getenv(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
		fmt.Fprintf(os.Stderr, "chatalott: %s=%q is not a whole number; using %d\n", name, v, fallback)
	}
	return fallback
}

func envDuration(name string, fallback time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		fmt.Fprintf(os.Stderr, "chatalott: %s=%q is not a duration such as 720h; using %s\n", name, v, fallback)
	}
	return fallback
}
