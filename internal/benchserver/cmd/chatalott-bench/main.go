// Command chatalott-bench prepares and serves the contact-list benchmark
// that scripts/bench-contact-list.sh runs and docs/benchmarks.md records.
//
// It opens the same database as "chatalott serve": PostgreSQL when
// DATABASE_URL is set, otherwise the SQLite file in --data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // #nosec G108 -- benchmark tool; registers /debug/pprof/ on http.DefaultServeMux, served only on --pprof-addr
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/internal/benchserver"
	"github.com/chatalott/chatalott/sqlstore"
	"golang.org/x/crypto/bcrypt"
)

const usage = `Usage:
  chatalott-bench seed [flags]   create the benchmark user and its contacts
  chatalott-bench bare [flags]   serve the baseline handlers GET /raw and GET /store over HTTPS
  chatalott-bench app [flags]    serve Chatalott's own handler over HTTPS, for profiling

Every command uses DATABASE_URL when it is set, otherwise the SQLite
database in --data. Run "chatalott-bench <command> --help" for its flags.
`

// Defaults of the benchmark account. The password protects nothing but a
// throw-away benchmark database.
const (
	defaultEmail    = "bench@chatalott.example"
	defaultPassword = "bench-password-1"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "chatalott-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given; use seed, bare or app")
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	switch args[0] {
	case "seed":
		return runSeed(ctx, args[1:], stderr, logger)
	case "bare":
		return runServer(ctx, "bare", args[1:], stderr, logger)
	case "app":
		return runServer(ctx, "app", args[1:], stderr, logger)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q; use seed, bare or app", args[0])
	}
}

// commonFlags are the flags of every command.
type commonFlags struct {
	dataDir string
	email   string
}

func newFlagSet(name string, stderr io.Writer, common *commonFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&common.dataDir, "data", "./chatalott-bench-data",
		"folder for the SQLite database, the session keys and the self-signed certificate, as in chatalott serve --data")
	fs.StringVar(&common.email, "email", defaultEmail, "email address of the benchmark user")
	return fs
}

// openDatabase opens and migrates the database as "chatalott serve" does.
func openDatabase(ctx context.Context, dataDir string, logger *slog.Logger) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, os.Getenv("DATABASE_URL"), dataDir)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, name := range applied {
		logger.Info("migration applied", "migration", name, "dialect", db.Dialect)
	}
	return db, nil
}

func runSeed(ctx context.Context, args []string, stderr io.Writer, logger *slog.Logger) error {
	var common commonFlags
	var opts benchserver.SeedOptions
	fs := newFlagSet("seed", stderr, &common)
	fs.StringVar(&opts.Password, "password", defaultPassword, "password of the benchmark user, used to sign up or to log in")
	fs.IntVar(&opts.Contacts, "contacts", 10_000, "number of contacts the user's personal workspace ends with")
	fs.IntVar(&opts.Workers, "workers", 0, "number of goroutines that create contacts at once; 0 means 1 on SQLite and 4 on PostgreSQL")
	fs.Uint64Var(&opts.RandomSeed, "seed", 1, "random seed of the generated contacts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts.Email = common.email

	db, err := openDatabase(ctx, common.dataDir, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if opts.Workers == 0 {
		// SQLite lets one writer in at a time, and concurrent write
		// transactions starve each other past the store's busy timeout.
		opts.Workers = 4
		if db.Dialect == sqlstore.SQLite {
			opts.Workers = 1
		}
	}
	hasher, err := accounts.NewHasher(bcrypt.DefaultCost)
	if err != nil {
		return err
	}

	start := time.Now()
	res, err := benchserver.Seed(ctx, db, hasher, opts, logger)
	if err != nil {
		return err
	}
	logger.Info("seed finished", "dialect", db.Dialect, "workspace_id", res.Scope.WorkspaceID,
		"created", res.Created, "contacts", res.Total, "duration_ms", time.Since(start).Milliseconds())
	return nil
}

func runServer(ctx context.Context, mode string, args []string, stderr io.Writer, logger *slog.Logger) error {
	var common commonFlags
	var addr, pprofAddr string
	fs := newFlagSet(mode, stderr, &common)
	fs.StringVar(&addr, "addr", "127.0.0.1:18444", "loopback HOST:PORT for HTTPS")
	fs.StringVar(&pprofAddr, "pprof-addr", "", "loopback HOST:PORT for plain-HTTP net/http/pprof; empty turns it off")
	if err := fs.Parse(args); err != nil {
		return err
	}

	db, err := openDatabase(ctx, common.dataDir, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	scope, err := benchserver.WorkspaceOf(ctx, db, common.email)
	if err != nil {
		return err
	}

	var handler http.Handler
	switch mode {
	case "bare":
		if err := benchserver.CheckRawQuery(ctx, db, scope); err != nil {
			return err
		}
		handler = (&benchserver.BareHandlers{DB: db, Scope: scope, Logger: logger}).Handler()
	case "app":
		server, err := benchserver.NewAppServer(db, common.dataDir, logger)
		if err != nil {
			return err
		}
		if handler, err = server.Handler(); err != nil {
			return err
		}
	}

	ln, err := benchserver.ListenLoopback(addr)
	if err != nil {
		return err
	}
	if pprofAddr != "" {
		if err := servePprof(pprofAddr, logger); err != nil {
			ln.Close()
			return err
		}
	}
	// The certificate goes to a folder of its own, so that the bare server
	// never replaces the one "chatalott serve" keeps in --data.
	certDir, err := os.MkdirTemp("", "chatalott-bench-tls-")
	if err != nil {
		ln.Close()
		return fmt.Errorf("create certificate folder: %w", err)
	}
	defer os.RemoveAll(certDir)
	logger.Info("serving", "mode", mode, "dialect", db.Dialect, "workspace_id", scope.WorkspaceID)
	return benchserver.ServeTLS(ctx, ln, handler, filepath.Join(certDir, "tls"), logger)
}

// servePprof serves http.DefaultServeMux, where net/http/pprof registered
// its handlers, on a loopback address until the process exits.
func servePprof(addr string, logger *slog.Logger) error {
	ln, err := benchserver.ListenLoopback(addr)
	if err != nil {
		return err
	}
	server := &http.Server{Handler: http.DefaultServeMux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.Serve(ln); err != nil {
			logger.Error("pprof server stopped", "err", err)
		}
	}()
	logger.Info("serving net/http/pprof", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}
