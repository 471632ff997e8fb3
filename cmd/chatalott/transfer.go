package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/exports"
	"github.com/chatalott/chatalott/imports"
	"github.com/chatalott/chatalott/sqlstore"
)

// userScope returns the scope of the account with email in its personal
// workspace, or, when team is set, in the team of that name or id of which
// the account is a member.
func userScope(ctx context.Context, db *sqlstore.DB, email, team string) (chatalott.Scope, error) {
	if email == "" {
		return chatalott.Scope{}, errors.New("--user is missing; give the email of the account to work on")
	}
	store := &sqlstore.AccountStore{DB: db}
	u, err := store.UserByEmail(ctx, accounts.NormalizeEmail(email))
	if err != nil {
		if chatalott.ErrorCode(err) == chatalott.ENotFound {
			return chatalott.Scope{}, fmt.Errorf("no account has the email %q; check --user, or sign up first", email)
		}
		return chatalott.Scope{}, err
	}
	if team == "" {
		ws, err := store.PersonalWorkspace(ctx, u.ID)
		if err != nil {
			return chatalott.Scope{}, err
		}
		return chatalott.Scope{WorkspaceID: ws.ID, UserID: u.ID}, nil
	}
	list, _, err := (&sqlstore.TeamStore{DB: db}).Workspaces(ctx, u.ID)
	if err != nil {
		return chatalott.Scope{}, err
	}
	var matches, names []string
	for _, ws := range list {
		if ws.Kind != accounts.WorkspaceTeam {
			continue
		}
		names = append(names, fmt.Sprintf("%q (%s)", ws.Name, ws.ID))
		if ws.ID == team || strings.EqualFold(ws.Name, team) {
			matches = append(matches, ws.ID)
		}
	}
	switch {
	case len(matches) == 1:
		return chatalott.Scope{WorkspaceID: matches[0], UserID: u.ID}, nil
	case len(matches) > 1:
		return chatalott.Scope{}, fmt.Errorf("%s is a member of %d teams named %q; give the team's id with --team: %s",
			email, len(matches), team, strings.Join(names, ", "))
	case len(names) == 0:
		return chatalott.Scope{}, fmt.Errorf("%s is a member of no team; leave out --team to use the personal workspace", email)
	default:
		return chatalott.Scope{}, fmt.Errorf("%s is not a member of a team named %q; the account's teams: %s",
			email, team, strings.Join(names, ", "))
	}
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	var user, team, duplicates string
	var dryRun, asJSON bool
	fs := newFlagSet("import", "Import contacts from CSV (Google, Outlook, LinkedIn or generic), vCard 2.1/3.0/4.0\nor Chatalott JSON files into an account's personal workspace, or one of its teams. The format\nis detected.\nUsage: chatalott import --user EMAIL [--team NAME] [--dry-run] FILE...", stderr)
	cfg.addDataFlags(fs)
	fs.StringVar(&user, "user", "", "email of the account to import into")
	fs.StringVar(&team, "team", "", "name or id of a team of the account to import into, instead of its personal workspace")
	fs.StringVar(&duplicates, "duplicates", string(imports.DuplicatesSkip),
		"what to do with a row whose email matches an existing contact: skip, update or create")
	fs.BoolVar(&dryRun, "dry-run", false, "read and match every row and print the report, writing nothing")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("no file given; name one or more files to import")
	}
	logger, err := newLogger(stderr, "warn")
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	scope, err := userScope(ctx, db, user, team)
	if err != nil {
		return err
	}
	svc := &imports.Service{Store: &sqlstore.ContactStore{DB: db}, Now: time.Now, NewID: chatalott.NewID}

	var failed []string
	for _, path := range fs.Args() {
		report, err := importFile(ctx, svc, scope, path, imports.Options{Duplicates: imports.Duplicates(duplicates), DryRun: dryRun})
		if report != nil {
			printReport(stdout, path, report, asJSON)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", path, userMessage(err))
			failed = append(failed, path)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d files failed: %s", len(failed), fs.NArg(), strings.Join(failed, ", "))
	}
	return nil
}

func importFile(ctx context.Context, svc *imports.Service, scope chatalott.Scope, path string, opts imports.Options) (*imports.Report, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	// path is a file the operator names on the command line.
	return svc.Import(ctx, scope, func() (io.ReadCloser, error) { return os.Open(path) }, opts) // #nosec G304 -- operator's own file
}

// userMessage returns the user-facing message of an application error and
// the full text of any other.
func userMessage(err error) string {
	var e *chatalott.Error
	if errors.As(err, &e) && e.Code != chatalott.EInternal {
		return e.Message
	}
	return err.Error()
}

func printReport(w io.Writer, path string, r *imports.Report, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			File string `json:"file"`
			*imports.Report
		}{filepath.Base(path), r})
		return
	}
	mode := ""
	if r.DryRun {
		mode = " (dry run: nothing was written)"
	}
	fmt.Fprintf(w, "%s: %s, %s%s\n", path, r.Detection.Format, r.Detection.Encoding, mode)
	fmt.Fprintf(w, "  rows %d, created %d, updated %d, skipped %d, rejected %d\n",
		r.Counts.Rows, r.Created, r.Updated, r.Skipped, r.Rejected)
	for _, row := range r.Rows {
		name := ""
		if row.Name != "" {
			name = " " + row.Name + ":"
		}
		fmt.Fprintf(w, "  line %d %s%s %s\n", row.Line, row.Outcome, name, row.Reason)
	}
	if r.RowsTruncated {
		fmt.Fprintf(w, "  (only the first %d rows with something to report are listed)\n", imports.MaxReportRows)
	}
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	var user, team, format, out string
	fs := newFlagSet("export", "Export every contact of an account's personal workspace, or of one of its teams.\nUsage: chatalott export --user EMAIL [--team NAME] --format json|csv|vcard|vcard30 [--out FILE]", stderr)
	cfg.addDataFlags(fs)
	fs.StringVar(&user, "user", "", "email of the account to export")
	fs.StringVar(&team, "team", "", "name or id of a team of the account to export, instead of its personal workspace")
	fs.StringVar(&format, "format", exports.FormatJSON,
		"json (every field), csv (Google Contacts columns), vcard (4.0) or vcard30 (3.0)")
	fs.StringVar(&out, "out", "", "file to write; standard output when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger, err := newLogger(stderr, "warn")
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	scope, err := userScope(ctx, db, user, team)
	if err != nil {
		return err
	}
	w := stdout
	var file *os.File
	if out != "" {
		// The export holds personal data, so only the owner may read it.
		file, err = os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) // #nosec G304 -- --out is the operator's choice
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	n, err := exports.Write(ctx, &sqlstore.ContactStore{DB: db}, scope, w, format)
	if err != nil {
		return errors.New(userMessage(err))
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Exported %d contacts to %s.\n", n, out)
	}
	return nil
}
