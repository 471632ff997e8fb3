package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/blobs"
	"github.com/chatalott/chatalott/certs"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/importjobs"
	"github.com/chatalott/chatalott/imports"
	"github.com/chatalott/chatalott/keys"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/teams"
	"github.com/chatalott/chatalott/web"
)

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q is not known; use debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// openDatabase opens and migrates the configured database.
func openDatabase(ctx context.Context, cfg *config, logger *slog.Logger) (*sqlstore.DB, error) {
	db, _, err := openAndMigrate(ctx, cfg, logger)
	return db, err
}

// openAndMigrate opens and migrates the configured database and returns
// the names of the migrations it applied.
func openAndMigrate(ctx context.Context, cfg *config, logger *slog.Logger) (*sqlstore.DB, []string, error) {
	db, err := sqlstore.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	for _, name := range applied {
		logger.Info("migration applied", "migration", name, "dialect", db.Dialect)
	}
	return db, applied, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("serve", "Run the Chatalott web server. With no configuration it uses SQLite and a self-signed\ncertificate in the data folder; DATABASE_URL=postgres://… switches to PostgreSQL.", stderr)
	cfg.addServeFlags(fs)
	reminderInterval := addReminderFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if *reminderInterval <= 0 {
		return fmt.Errorf("--reminder-interval must be a positive duration such as 30s")
	}
	logger, err := newLogger(stderr, cfg.LogLevel)
	if err != nil {
		return err
	}

	db, err := openDatabase(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	logger.Info("database ready", "dialect", db.Dialect)

	ring, created, err := keys.Load("CHATALOTT_SESSION_KEYS", filepath.Join(cfg.DataDir, "keys"), "session-keys")
	if err != nil {
		return err
	}
	if created {
		logger.Info("generated session signing key", "path", filepath.Join(cfg.DataDir, "keys", "session-keys"))
	}

	tlsSetup, err := setUpTLS(&cfg, logger)
	if err != nil {
		return err
	}
	trustSite, err := loadTrustSite(&cfg, tlsSetup.facts)
	if err != nil {
		return err
	}
	if len(trustSite.Config.Contacts) == 0 {
		logger.Warn("no security contact is configured, so security.txt and the disclosure page name no address for reports; " +
			`set "contacts" in the --config file`)
	}

	hasher, err := accounts.NewHasher(cfg.BcryptCost)
	if err != nil {
		return err
	}
	bucket, err := openBlobs(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer bucket.Close()

	// Background imports run under ctx, so a shutdown stops them, and each
	// records how far it got before the database closes.
	contactStore := &sqlstore.ContactStore{DB: db}
	importJobs := &importjobs.Service{
		Store:   &sqlstore.ImportJobStore{DB: db},
		Blobs:   bucket,
		Imports: &imports.Service{Store: contactStore, Now: time.Now, NewID: chatalott.NewID},
		Logger:  logger,
		Now:     time.Now,
		NewID:   chatalott.NewID,
		Context: ctx,
	}
	defer importJobs.Wait()
	go importJobs.RunCleanup(ctx, importCleanupInterval)

	accountStore := &sqlstore.AccountStore{DB: db}
	srv := &web.Server{
		Accounts:     &accounts.Service{Store: accountStore, Hasher: hasher, Now: time.Now, NewID: chatalott.NewID},
		AccountStore: accountStore,
		Sessions: &sessions.Manager{Store: &sqlstore.SessionStore{DB: db}, Keys: ring, Now: time.Now,
			IdleTimeout: cfg.SessionIdle, AbsoluteLifetime: cfg.SessionLifetime, TouchInterval: sessions.DefaultTouchInterval},
		Contacts:     &contacts.Service{Store: contactStore, Now: time.Now, NewID: chatalott.NewID},
		ImportJobs:   importJobs,
		ExportSource: contactStore,
		Health: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			return db.Ping(ctx)
		},
		Logger: logger,
	}
	emailFlows, notifier, err := newEmailFlows(&cfg, logger, db, srv.Accounts, srv.Sessions)
	if err != nil {
		return err
	}
	defer notifier.Wait()
	srv.Email = emailFlows
	srv.Companies = &companies.Service{Store: &sqlstore.CompanyStore{DB: db}, Contacts: srv.Contacts, Now: time.Now, NewID: chatalott.NewID}
	srv.Deals = &deals.Service{Store: &sqlstore.DealStore{DB: db}, Companies: srv.Companies, Now: time.Now, NewID: chatalott.NewID}
	wireCRM(srv, db)
	srv.Teams = &teams.Service{Store: &sqlstore.TeamStore{DB: db}, Accounts: srv.AccountStore, Mailer: notifier,
		Now: time.Now, NewID: chatalott.NewID}
	srv.MessageTemplates = newMessageTemplates(srv, db, time.Now)
	stopReminders := startReminders(ctx, *reminderInterval, db, notifier, logger)
	defer stopReminders()
	if srv.TwoFactor, err = newTwoFactor(&cfg, db, logger); err != nil {
		return err
	}
	limiter, limits, closeLimiter, err := openLimiter(ctx, logger)
	if err != nil {
		return err
	}
	defer closeLimiter()
	srv.Limiter, srv.Limits = limiter, limits
	trustSite.Deployment.RowLevelSecurity = db.Dialect == sqlstore.Postgres
	srv.TrustedProxies, srv.Trust = cfg.Edge.Proxies, trustSite
	srv.RedirectPlainHTTP = cfg.Edge.TLS == "off"
	handler, err := srv.Handler()
	if err != nil {
		return err
	}
	return listenAndServe(ctx, &cfg, handler, tlsSetup, logger, stdout)
}

// importCleanupInterval is how often abandoned uploads and stalled imports
// are cleaned up, after a first run at start-up.
const importCleanupInterval = 15 * time.Minute

// openBlobs opens the configured bucket of uploaded files.
func openBlobs(ctx context.Context, cfg *config, logger *slog.Logger) (*blobs.Bucket, error) {
	blobURL := cfg.BlobURL
	if blobURL == "" {
		var err error
		if blobURL, err = blobs.DefaultURL(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	bucket, err := blobs.Open(ctx, blobURL)
	if err != nil {
		return nil, err
	}
	redactedURL := "(unparseable URL)"
	if u, err := url.Parse(blobURL); err == nil {
		redactedURL = u.Redacted()
	}
	logger.Info("blob storage ready", "url", redactedURL)
	return bucket, nil
}

func loadCertificate(cfg *config, logger *slog.Logger) (tls.Certificate, error) {
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("load --tls-cert %s and --tls-key %s: %w", cfg.TLSCert, cfg.TLSKey, err)
		}
		return cert, nil
	}
	dir := filepath.Join(cfg.DataDir, "tls")
	cert, created, err := certs.LoadOrCreateSelfSigned(dir, time.Now())
	if err != nil {
		return tls.Certificate{}, err
	}
	if created {
		logger.Info("generated self-signed certificate for localhost", "path", filepath.Join(dir, certs.CertFile))
	}
	return cert, nil
}

// listenAndServe runs the HTTPS server and the redirecting HTTP server
// until ctx ends, then shuts both down, letting requests in flight finish.
// With TLS off it runs the main server on plain HTTP and no redirect server.
func listenAndServe(ctx context.Context, cfg *config, handler http.Handler, setup *tlsSetup, logger *slog.Logger, stdout io.Writer) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on --addr %s: %w", cfg.Addr, err)
	}
	httpsAddr := ln.Addr().(*net.TCPAddr)
	main := &http.Server{
		Handler:           handler,
		TLSConfig:         setup.config,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	servers := []*http.Server{main}
	errc := make(chan error, 2)
	go func() {
		if setup.config == nil {
			errc <- main.Serve(ln)
			return
		}
		errc <- main.ServeTLS(ln, "", "")
	}()

	if cfg.HTTPAddr != "" && setup.config == nil {
		logger.Info("TLS is off, so --http-addr is not used; the proxy redirects plain HTTP", "http_addr", cfg.HTTPAddr)
	}
	if cfg.HTTPAddr != "" && setup.config != nil {
		redirectLn, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			main.Close()
			return fmt.Errorf("listen on --http-addr %s: %w", cfg.HTTPAddr, err)
		}
		// With ACME, the plain-HTTP port also answers HTTP-01 challenges
		// for the configured domains; every other request is redirected.
		redirectHandler := redirectToHTTPS(httpsAddr.Port)
		if setup.acme != nil {
			redirectHandler = setup.acme.HTTPHandler(redirectHandler)
		}
		redirect := &http.Server{
			Handler:           redirectHandler,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		}
		servers = append(servers, redirect)
		go func() { errc <- redirect.Serve(redirectLn) }()
		logger.Info("redirecting plain HTTP to HTTPS", "addr", redirectLn.Addr().String())
	}

	url := openURL(cfg.Addr, httpsAddr.Port)
	if setup.config == nil {
		url = "http" + strings.TrimPrefix(url, "https")
	}
	logger.Info("Chatalott is running", "url", url, "addr", httpsAddr.String())
	fmt.Fprintf(stdout, "Chatalott is running. Open %s in your browser.\n", url)

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			for _, s := range servers {
				s.Close()
			}
			return fmt.Errorf("server stopped: %w", err)
		}
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			logger.Warn("shutdown", "err", err)
		}
	}
	logger.Info("stopped")
	return nil
}

// openURL returns the address to open in a browser: the configured host
// (localhost when it listens on every interface) and the real port.
func openURL(addr string, port int) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		host = "[" + host + "]"
	}
	return fmt.Sprintf("https://%s:%d/", host, port)
}

// redirectToHTTPS redirects every plain-HTTP request permanently to the
// same host and path on the HTTPS port. It serves nothing else.
func redirectToHTTPS(httpsPort int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if host == "" {
			host = "localhost"
		}
		target := fmt.Sprintf("https://%s:%d%s", host, httpsPort, r.URL.RequestURI())
		if httpsPort == 443 {
			target = "https://" + host + r.URL.RequestURI()
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Connection", "close")
		// A forged Host header can only redirect the client that sent it.
		http.Redirect(w, r, target, http.StatusMovedPermanently) // #nosec G710 -- same host and path on https
	})
}
