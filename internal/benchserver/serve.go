package benchserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/chatalott/chatalott/certs"
)

// ListenLoopback listens on addr, which must name a loopback IP address
// such as 127.0.0.1:18443. The benchmark servers accept no other address, so
// that no load test can reach another machine.
func ListenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("benchserver: address %q is not HOST:PORT: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("benchserver: address %q is not a loopback IP address; use 127.0.0.1:PORT", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("benchserver: listen on %s: %w", addr, err)
	}
	return ln, nil
}

// ServeTLS serves handler over HTTPS on ln until ctx ends, with the TLS
// configuration of certs.Config and a self-signed certificate kept in
// certDir, so that a benchmark pays for TLS as "chatalott serve" does. The
// timeouts are those of "chatalott serve".
func ServeTLS(ctx context.Context, ln net.Listener, handler http.Handler, certDir string, logger *slog.Logger) error {
	cert, _, err := certs.LoadOrCreateSelfSigned(certDir, time.Now())
	if err != nil {
		ln.Close()
		return err
	}
	server := &http.Server{
		Handler:           handler,
		TLSConfig:         certs.Config(cert),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- server.ServeTLS(ln, "", "") }()
	logger.Info("benchmark server running", "url", "https://"+ln.Addr().String()+"/")

	select {
	case err := <-errc:
		return fmt.Errorf("benchserver: server stopped: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("benchserver: shut down: %w", err)
	}
	logger.Info("stopped")
	return nil
}
