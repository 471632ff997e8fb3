package benchserver

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/sqlstore"
	"golang.org/x/sync/errgroup"
)

// countContactsSQL counts the contacts of one workspace. The contacts store
// has no count method, and seeding needs one to top up a workspace that an
// earlier run filled in part.
const countContactsSQL = `SELECT COUNT(*) FROM contacts WHERE workspace_id = $1`

// analyzeSQL refreshes PostgreSQL's planner statistics of the seeded
// tables. Without them the planner takes the new contacts table for nearly
// empty and sorts every contact of the workspace for each page, where it
// would read 51 rows from the (workspace_id, sort_key, id) index.
// Autovacuum analyzes the tables on its own within minutes, so a server in
// steady state has these statistics.
const analyzeSQL = `ANALYZE users, workspaces, memberships, sessions, contacts, contact_emails`

// SeedOptions names the benchmark account and the size of its address book.
type SeedOptions struct {
	Email    string
	Password string
	// Contacts is the number of contacts the personal workspace ends with.
	Contacts int
	// Workers is the number of goroutines that create contacts at once.
	Workers int
	// RandomSeed makes the generated contacts repeatable.
	RandomSeed uint64
}

// SeedResult is the account that Seed prepared.
type SeedResult struct {
	Scope chatalott.Scope
	// Created is the number of contacts this call inserted.
	Created int
	// Total is the number of contacts in the workspace afterwards.
	Total int
}

// Seed signs up the user opts.Email with opts.Password, or logs in when the
// account already exists, and creates contacts through contacts.Service in
// the user's personal workspace until it contains opts.Contacts of them. Going
// through the services gives every row the sort key and search text that
// the product computes. A workspace that already contains enough contacts is
// left as it is. On PostgreSQL, Seed then runs ANALYZE, as autovacuum
// would. SQLite gets no ANALYZE, because Chatalott never runs one there.
func Seed(ctx context.Context, db *sqlstore.DB, hasher *accounts.Hasher, opts SeedOptions, logger *slog.Logger) (*SeedResult, error) {
	if opts.Workers < 1 {
		opts.Workers = 1
	}
	accountStore := &sqlstore.AccountStore{DB: db}
	accountService := &accounts.Service{Store: accountStore, Hasher: hasher, Now: time.Now, NewID: chatalott.NewID}
	scope, err := signUpOrLogIn(ctx, accountService, accountStore, opts)
	if err != nil {
		return nil, err
	}

	var existing int
	if err := db.SQL().QueryRowContext(ctx, countContactsSQL, scope.WorkspaceID).Scan(&existing); err != nil {
		return nil, fmt.Errorf("benchserver: count contacts of workspace %s: %w", scope.WorkspaceID, err)
	}
	res := &SeedResult{Scope: scope, Total: existing}
	if missing := opts.Contacts - existing; missing > 0 {
		contactService := &contacts.Service{Store: &sqlstore.ContactStore{DB: db}, Now: time.Now, NewID: chatalott.NewID}
		if err := createContacts(ctx, contactService, scope, missing, opts); err != nil {
			return nil, err
		}
		res.Created, res.Total = missing, opts.Contacts
		logger.Info("workspace seeded", "workspace_id", scope.WorkspaceID, "created", missing, "contacts", res.Total)
	} else {
		logger.Info("workspace already seeded", "workspace_id", scope.WorkspaceID, "contacts", existing)
	}

	if db.Dialect == sqlstore.Postgres {
		if _, err := db.SQL().ExecContext(ctx, analyzeSQL); err != nil {
			return nil, fmt.Errorf("benchserver: analyze seeded tables: %w", err)
		}
	}
	return res, nil
}

func signUpOrLogIn(ctx context.Context, service *accounts.Service, store *sqlstore.AccountStore, opts SeedOptions) (chatalott.Scope, error) {
	user, workspace, err := service.SignUp(ctx, accounts.SignUpRequest{Name: "Benchmark User", Email: opts.Email, Password: opts.Password})
	if chatalott.ErrorCode(err) == chatalott.EConflict {
		user, err = service.LogIn(ctx, opts.Email, opts.Password)
		if err != nil {
			return chatalott.Scope{}, fmt.Errorf("benchserver: log in as existing user %s: %w", opts.Email, err)
		}
		workspace, err = store.PersonalWorkspace(ctx, user.ID)
	}
	if err != nil {
		return chatalott.Scope{}, fmt.Errorf("benchserver: prepare user %s: %w", opts.Email, err)
	}
	return chatalott.Scope{WorkspaceID: workspace.ID, UserID: user.ID}, nil
}

// createContacts creates n generated contacts with opts.Workers goroutines.
// Each worker has its own generator, seeded from opts.RandomSeed and its
// index, so the set of contacts is repeatable but the insert order is not.
func createContacts(ctx context.Context, service *contacts.Service, scope chatalott.Scope, n int, opts SeedOptions) error {
	group, ctx := errgroup.WithContext(ctx)
	for w := range opts.Workers {
		count := n / opts.Workers
		if w < n%opts.Workers {
			count++
		}
		gen := NewContactGenerator(opts.RandomSeed + uint64(w))
		group.Go(func() error {
			for range count {
				if err := service.Create(ctx, scope, gen.Next()); err != nil {
					return fmt.Errorf("benchserver: create contact: %w", err)
				}
			}
			return nil
		})
	}
	return group.Wait()
}

// WorkspaceOf returns the scope of the personal workspace of the user with
// email, for serving a workspace that Seed prepared.
func WorkspaceOf(ctx context.Context, db *sqlstore.DB, email string) (chatalott.Scope, error) {
	store := &sqlstore.AccountStore{DB: db}
	user, err := store.UserByEmail(ctx, accounts.NormalizeEmail(email))
	if err != nil {
		return chatalott.Scope{}, fmt.Errorf("benchserver: find user %s (run the seed command first): %w", email, err)
	}
	workspace, err := store.PersonalWorkspace(ctx, user.ID)
	if err != nil {
		return chatalott.Scope{}, fmt.Errorf("benchserver: personal workspace of %s: %w", email, err)
	}
	return chatalott.Scope{WorkspaceID: workspace.ID, UserID: user.ID}, nil
}
