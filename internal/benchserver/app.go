package benchserver

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/keys"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/web"
	"golang.org/x/crypto/bcrypt"
)

// NewAppServer returns Chatalott's web server wired as "chatalott serve"
// wires it with default flags, for profiling in a process that also serves
// net/http/pprof. It loads the session keys from dataDir/keys, as serve
// does, so a session cookie issued by "chatalott serve --data dataDir" is
// valid here too.
// NOTE: this is a copy of the wiring in cmd/chatalott/serve.go, which is a
// main package and cannot be imported. A change there is not reflected here.
func NewAppServer(db *sqlstore.DB, dataDir string, logger *slog.Logger) (*web.Server, error) {
	ring, _, err := keys.Load("CHATALOTT_SESSION_KEYS", filepath.Join(dataDir, "keys"), "session-keys")
	if err != nil {
		return nil, err
	}
	hasher, err := accounts.NewHasher(bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	accountStore := &sqlstore.AccountStore{DB: db}
	contactService := &contacts.Service{Store: &sqlstore.ContactStore{DB: db}, Now: time.Now, NewID: chatalott.NewID}
	companyService := &companies.Service{Store: &sqlstore.CompanyStore{DB: db}, Contacts: contactService, Now: time.Now, NewID: chatalott.NewID}
	return &web.Server{
		Accounts:     &accounts.Service{Store: accountStore, Hasher: hasher, Now: time.Now, NewID: chatalott.NewID},
		AccountStore: accountStore,
		Sessions: &sessions.Manager{Store: &sqlstore.SessionStore{DB: db}, Keys: ring, Now: time.Now,
			IdleTimeout: sessions.DefaultIdleTimeout, AbsoluteLifetime: sessions.DefaultAbsoluteLifetime,
			TouchInterval: sessions.DefaultTouchInterval},
		Contacts:  contactService,
		Companies: companyService,
		Deals:     &deals.Service{Store: &sqlstore.DealStore{DB: db}, Companies: companyService, Now: time.Now, NewID: chatalott.NewID},
		Health: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			return db.Ping(ctx)
		},
		Logger: logger,
	}, nil
}

// IssueSession creates a session for the user in scope through the app
// server's session manager and returns the Cookie header value that
// authenticates a request, as a log-in through the form would.
func IssueSession(ctx context.Context, server *web.Server, scope chatalott.Scope) (string, error) {
	token, _, err := server.Sessions.Issue(ctx, scope.UserID, "chatalott-bench", "127.0.0.1")
	if err != nil {
		return "", fmt.Errorf("benchserver: issue session: %w", err)
	}
	return web.SessionCookie + "=" + token, nil
}
