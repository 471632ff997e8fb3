package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
	"github.com/chatalott/chatalott/teams"
)

// runWith runs the command line with stdin as standard input and returns
// its standard output and error.
func runWith(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	old := stdinReader
	stdinReader = strings.NewReader(stdin)
	defer func() { stdinReader = old }()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestUserImportExportCommands(t *testing.T) {
	samples := filepath.Join("..", "..", "addressbook", "testdata", "samples")
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dataDir := t.TempDir()
			databaseURL := ""
			if dialect == "postgres" {
				databaseURL = sqlstoretest.NewPostgresSchema(t)
			}
			t.Setenv("DATABASE_URL", databaseURL)

			if _, _, err := runWith(t, "short\n", "user", "add", "--data", dataDir, "--email", "ana@example.com", "--name", "Ana"); err == nil ||
				!strings.Contains(err.Error(), "use at least 10 characters") {
				t.Errorf("user add with a short password: %v, want the password rule", err)
			}
			out, _, err := runWith(t, "correct horse battery\n", "user", "add", "--data", dataDir, "--email", "ana@example.com", "--name", "Ana")
			if err != nil || !strings.Contains(out, "Created account ana@example.com") {
				t.Fatalf("user add: %q, %v", out, err)
			}

			google := filepath.Join(samples, "google-contacts.csv")
			out, _, err = runWith(t, "", "import", "--data", dataDir, "--user", "ana@example.com", "--dry-run", google)
			if err != nil || !strings.Contains(out, "created 5,") || !strings.Contains(out, "dry run") {
				t.Fatalf("import --dry-run: %q, %v", out, err)
			}
			exported, _, err := runWith(t, "", "export", "--data", dataDir, "--user", "ana@example.com", "--format", "json")
			if err != nil || strings.TrimSpace(exported) != "[]" {
				t.Errorf("export after a dry run = %q, %v; want an empty list", exported, err)
			}

			apple := filepath.Join(samples, "apple-contacts.vcf")
			out, _, err = runWith(t, "", "import", "--data", dataDir, "--user", "ANA@example.com", google, apple)
			if err != nil || !strings.Contains(out, "created 5,") || !strings.Contains(out, "created 2,") {
				t.Fatalf("import: %q, %v", out, err)
			}
			out, _, err = runWith(t, "", "import", "--data", dataDir, "--user", "ana@example.com", google)
			if err != nil || !strings.Contains(out, "created 0, updated 0, skipped 5") {
				t.Errorf("second import with the default rule: %q, %v; want every row skipped (each has an email already stored)", out, err)
			}

			outFile := filepath.Join(t.TempDir(), "contacts.vcf")
			_, stderr, err := runWith(t, "", "export", "--data", dataDir, "--user", "ana@example.com", "--format", "vcard", "--out", outFile)
			if err != nil {
				t.Fatalf("export: %v", err)
			}
			data, _ := os.ReadFile(outFile)
			if n := strings.Count(string(data), "BEGIN:VCARD"); n < 7 || !strings.Contains(stderr, "Exported") {
				t.Errorf("vCard export has %d cards, want at least 7", n)
			}
			if info, _ := os.Stat(outFile); info.Mode().Perm() != 0o600 {
				t.Errorf("export file mode = %o, want 600", info.Mode().Perm())
			}

			bad := filepath.Join(t.TempDir(), "empty.csv")
			os.WriteFile(bad, []byte("Name,E-mail Address\n"), 0o600)
			_, stderr, err = runWith(t, "", "import", "--data", dataDir, "--user", "ana@example.com", bad)
			if err == nil || !strings.Contains(stderr, "contains no contacts") {
				t.Errorf("import of a file without contacts: %v %q, want a failure naming the problem", err, stderr)
			}
			if _, _, err := runWith(t, "", "import", "--data", dataDir, "--user", "nobody@example.com", google); err == nil ||
				!strings.Contains(err.Error(), `no account has the email "nobody@example.com"`) {
				t.Errorf("import for an unknown user: %v", err)
			}
		})
	}
}

func TestImportExportTeam(t *testing.T) {
	google := filepath.Join("..", "..", "addressbook", "testdata", "samples", "google-contacts.csv")
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dataDir := t.TempDir()
			databaseURL := ""
			if dialect == "postgres" {
				databaseURL = sqlstoretest.NewPostgresSchema(t)
			}
			t.Setenv("DATABASE_URL", databaseURL)
			for _, email := range []string{"ana@example.com", "bo@example.com"} {
				if _, _, err := runWith(t, "correct horse battery\n", "user", "add", "--data", dataDir, "--email", email, "--name", "A"); err != nil {
					t.Fatalf("user add %s: %v", email, err)
				}
			}
			db, err := sqlstore.Open(ctx, databaseURL, dataDir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ana, err := (&sqlstore.AccountStore{DB: db}).UserByEmail(ctx, "ana@example.com")
			if err != nil {
				t.Fatal(err)
			}
			team := &accounts.Workspace{ID: chatalott.NewID(), Name: "Fjord Sales", Kind: accounts.WorkspaceTeam, CreatedAt: time.Now()}
			created := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: team.ID, ActorID: ana.ID, Event: teams.EventCreated,
				Detail: team.Name, CreatedAt: time.Now()}
			if err := (&sqlstore.TeamStore{DB: db}).CreateTeam(ctx, team, ana.ID, created); err != nil {
				t.Fatal(err)
			}

			out, _, err := runWith(t, "", "import", "--data", dataDir, "--user", "ana@example.com", "--team", "fjord sales", google)
			if err != nil || !strings.Contains(out, "created 5,") {
				t.Fatalf("import --team: %q, %v", out, err)
			}
			for _, tc := range []struct {
				args  []string
				cards int
			}{
				{[]string{"--team", team.ID}, 5},
				{[]string{"--team", "Fjord Sales"}, 5},
				{nil, 0},
			} {
				args := append([]string{"export", "--data", dataDir, "--user", "ana@example.com", "--format", "vcard"}, tc.args...)
				exported, _, err := runWith(t, "", args...)
				if err != nil {
					t.Fatalf("export %v: %v", tc.args, err)
				}
				if n := strings.Count(exported, "BEGIN:VCARD"); n != tc.cards {
					t.Errorf("export %v has %d cards, want %d", tc.args, n, tc.cards)
				}
			}

			_, _, err = runWith(t, "", "import", "--data", dataDir, "--user", "ana@example.com", "--team", "Oslo", google)
			if err == nil || !strings.Contains(err.Error(), `not a member of a team named "Oslo"`) || !strings.Contains(err.Error(), `"Fjord Sales"`) {
				t.Errorf("import into an unknown team: %v, want an error that lists the account's teams", err)
			}
			_, _, err = runWith(t, "", "import", "--data", dataDir, "--user", "bo@example.com", "--team", "Fjord Sales", google)
			if err == nil || !strings.Contains(err.Error(), "bo@example.com is a member of no team") {
				t.Errorf("import by a non-member into the team: %v, want a refusal", err)
			}
		})
	}
}
