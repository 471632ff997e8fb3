package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/mail"
	"github.com/chatalott/chatalott/notify"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/sqlstore"
)

// newEmailFlows opens the configured mail sender and returns the email
// flows with the notifier behind them. The caller waits for the notifier
// at shutdown, so queued emails are delivered.
func newEmailFlows(cfg *config, logger *slog.Logger, db *sqlstore.DB, svc *accounts.Service, sess *sessions.Manager) (*accounts.EmailService, *notify.Notifier, error) {
	baseURL, err := emailBaseURL(cfg)
	if err != nil {
		return nil, nil, err
	}
	if strings.HasSuffix(baseURL, ":0") {
		// NOTE: the real port is chosen only when the server listens, after
		// this runs, so links in emails carry port 0 until --base-url is set.
		logger.Warn("--addr has port 0, so links in emails will not work; set --base-url", "base_url", baseURL)
	}
	sender, err := mail.Open(mail.Config{
		SMTPURL:   cfg.SMTPURL,
		From:      cfg.MailFrom,
		OutboxDir: filepath.Join(cfg.DataDir, "outbox"),
		Logger:    logger,
	})
	if err != nil {
		return nil, nil, err
	}
	if cfg.SMTPURL != "" {
		shown := "(unparseable URL)"
		if u, err := url.Parse(cfg.SMTPURL); err == nil {
			shown = u.Redacted()
		}
		logger.Info("email goes through SMTP", "smtp_url", shown, "base_url", baseURL)
	} else {
		logger.Info("email goes to the outbox folder", "path", filepath.Join(cfg.DataDir, "outbox"), "base_url", baseURL)
	}
	notifier := &notify.Notifier{Sender: sender, BaseURL: baseURL, Logger: logger}
	flows := &accounts.EmailService{
		Accounts: svc,
		Tokens:   &sqlstore.EmailTokenStore{DB: db},
		Mailer:   notifier,
		Sessions: sess,
	}
	return flows, notifier, nil
}

// emailBaseURL returns --base-url without a trailing slash, or, when it is
// empty, https:// and the host and port of --addr (localhost when --addr
// names every interface).
func emailBaseURL(cfg *config) (string, error) {
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("--base-url %q is not an absolute http or https URL without a query; write it as https://crm.example.com", cfg.BaseURL)
		}
		return strings.TrimSuffix(u.String(), "/"), nil
	}
	_, portText, err := net.SplitHostPort(cfg.Addr)
	port, convErr := strconv.Atoi(portText)
	if err != nil || convErr != nil {
		return "", fmt.Errorf("--addr %q is not HOST:PORT, so email links cannot be built from it; set --base-url", cfg.Addr)
	}
	return strings.TrimSuffix(openURL(cfg.Addr, port), "/"), nil
}
