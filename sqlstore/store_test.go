package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/sessions"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// forEachDialect runs fn as a subtest on every database engine.
func forEachDialect(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, sqlstoretest.Open(t, dialect))
		})
	}
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newUser stores a user with a personal workspace and returns its scope.
func newUser(t *testing.T, db *sqlstore.DB, email string) chatalott.Scope {
	t.Helper()
	u := &accounts.User{ID: chatalott.NewID(), Email: email, EmailNormalized: accounts.NormalizeEmail(email),
		Name: "Test", PasswordHash: []byte("hash"), PasswordChangedAt: now, CreatedAt: now}
	w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Test", Kind: accounts.WorkspacePersonal, CreatedAt: now}
	if err := (&sqlstore.AccountStore{DB: db}).CreateUser(context.Background(), u, w); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return chatalott.Scope{WorkspaceID: w.ID, UserID: u.ID}
}

func TestMigrateIsIdempotent(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %v, want nothing", applied)
		}
	})
}

func TestAccountStoreEmailUniqueCaseInsensitive(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.AccountStore{DB: db}
		first := newUser(t, db, "Zoë@Example.com")

		u := &accounts.User{ID: chatalott.NewID(), Email: "ZOË@example.COM", EmailNormalized: accounts.NormalizeEmail("ZOË@example.COM"),
			Name: "Other", PasswordHash: []byte("x"), PasswordChangedAt: now, CreatedAt: now}
		w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Other", Kind: accounts.WorkspacePersonal, CreatedAt: now}
		err := store.CreateUser(ctx, u, w)
		if got := chatalott.ErrorCode(err); got != chatalott.EConflict {
			t.Fatalf("CreateUser with same email in other case: code %q, want %q (err %v)", got, chatalott.EConflict, err)
		}
		if _, err := store.PersonalWorkspace(ctx, u.ID); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("failed sign-up left a workspace behind: err %v", err)
		}

		got, err := store.UserByEmail(ctx, accounts.NormalizeEmail("zoë@EXAMPLE.com"))
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != first.UserID || got.Email != "Zoë@Example.com" {
			t.Errorf("UserByEmail = %s %q, want %s %q", got.ID, got.Email, first.UserID, "Zoë@Example.com")
		}
		ws, err := store.PersonalWorkspace(ctx, first.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if ws.ID != first.WorkspaceID {
			t.Errorf("PersonalWorkspace = %s, want %s", ws.ID, first.WorkspaceID)
		}
	})
}

func TestSessionStoreRevoke(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.SessionStore{DB: db}
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")
		mk := func(id, user string) {
			s := &sessions.Session{ID: id, UserID: user, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour), UserAgent: "ua", IP: "127.0.0.1"}
			if err := store.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		mk("a", owner.UserID)
		mk("b", owner.UserID)
		mk("c", owner.UserID)
		mk("d", other.UserID)

		if err := store.RevokeSession(ctx, other.UserID, "a", now); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("revoking another user's session: err %v, want not found", err)
		}
		n, err := store.RevokeUserSessions(ctx, owner.UserID, "a", now)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("RevokeUserSessions revoked %d, want 2", n)
		}
		for id, wantRevoked := range map[string]bool{"a": false, "b": true, "c": true, "d": false} {
			s, err := store.GetSession(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.RevokedAt != nil; got != wantRevoked {
				t.Errorf("session %s revoked = %v, want %v", id, got, wantRevoked)
			}
		}
		live, err := store.ListUserSessions(ctx, owner.UserID, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 1 || live[0].ID != "a" {
			t.Errorf("ListUserSessions = %d sessions, want only a", len(live))
		}
	})
}

func fullContact() *contacts.Contact {
	return &contacts.Contact{
		ID: chatalott.NewID(), Kind: contacts.KindPerson,
		Prefix: "Dr.", Given: "Zoë", Middle: "Ann", Family: "O'Brien", Suffix: "Jr.", Nickname: "Zo",
		Organization: "Fjord & Finch", Title: "Partner", Department: "Sales",
		Birthday:  &contacts.Birthday{Month: 2, Day: 29},
		Emails:    []contacts.Email{{Label: "work", Address: "zoe@fjordfinch.example"}, {Address: "ZOE@Mail.Example"}},
		Phones:    []contacts.Phone{{Label: "mobile", Number: "+44 7700 900123"}},
		Addresses: []contacts.Address{{Label: "home", Street: "1 Main St", City: "Dublin", Country: "Ireland"}},
		URLs:      []contacts.URL{{URL: "https://fjordfinch.example"}},
		Fields:    []contacts.Field{{Label: "Connected On", Value: "14 Mar 2023"}},
		Tags:      []string{"VIP", "Clients"},
		Note:      "Line one\nLine two <script>",
		Photo:     &contacts.Photo{ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n")},
		CreatedAt: now, UpdatedAt: now,
	}
}

func TestContactStoreRoundTripAndScope(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.ContactStore{DB: db}
		alice := newUser(t, db, "alice@example.com")
		bob := newUser(t, db, "bob@example.com")

		c := fullContact()
		if err := store.CreateContact(ctx, alice, c); err != nil {
			t.Fatal(err)
		}
		got, err := store.GetContact(ctx, alice, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := fullContact()
		want.ID, want.WorkspaceID = c.ID, alice.WorkspaceID
		if a, b := mustJSON(t, got), mustJSON(t, want); a != b || got.WorkspaceID != want.WorkspaceID {
			t.Errorf("GetContact:\ngot  %s\nwant %s", a, b)
		}

		// Bob's scope sees nothing of Alice's, and his writes change nothing.
		if _, err := store.GetContact(ctx, bob, c.ID); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("GetContact from other workspace: err %v, want not found", err)
		}
		hijack := fullContact()
		hijack.ID, hijack.Given = c.ID, "Hijacked"
		if err := store.UpdateContact(ctx, bob, hijack); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("UpdateContact from other workspace: err %v, want not found", err)
		}
		if err := store.DeleteContact(ctx, bob, c.ID); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("DeleteContact from other workspace: err %v, want not found", err)
		}
		if list, _ := store.ListContacts(ctx, bob, "", 0, 10); len(list) != 0 {
			t.Errorf("ListContacts in other workspace = %d contacts, want 0", len(list))
		}
		got, err = store.GetContact(ctx, alice, c.ID)
		if err != nil || got.Given != "Zoë" {
			t.Errorf("after other workspace's writes: given %q, err %v; want Zoë", got.Given, err)
		}

		listed, err := store.ListContacts(ctx, alice, "", 0, 10)
		if err != nil || len(listed) != 1 || listed[0].Photo != nil {
			t.Errorf("ListContacts: %d contacts, err %v; want 1 without its photo bytes", len(listed), err)
		}

		if _, err := store.GetContact(ctx, chatalott.Scope{}, c.ID); err == nil {
			t.Error("GetContact with empty scope succeeded, want error")
		}

		c.Given, c.Birthday, c.Photo = "Zoe", &contacts.Birthday{Year: 1990, Month: 1, Day: 31}, nil
		if err := store.UpdateContact(ctx, alice, c); err != nil {
			t.Fatal(err)
		}
		got, _ = store.GetContact(ctx, alice, c.ID)
		if got.Given != "Zoe" || got.Birthday.String() != "1990-01-31" || got.Photo != nil {
			t.Errorf("after update: given %q birthday %v photo %v", got.Given, got.Birthday, got.Photo)
		}
		if err := store.DeleteContact(ctx, alice, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.GetContact(ctx, alice, c.ID); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("GetContact after delete: err %v, want not found", err)
		}
	})
}

func TestContactServiceSearchAndPaging(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc := &contacts.Service{Store: &sqlstore.ContactStore{DB: db}, Now: func() time.Time { return now }, NewID: chatalott.NewID}
		scope := newUser(t, db, "pager@example.com")
		for i := range 120 {
			c := &contacts.Contact{Given: fmt.Sprintf("Person%03d", i), Family: "Filler"}
			if err := svc.Create(ctx, scope, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []*contacts.Contact{
			{Given: "Zoë", Family: "O'Brien", Emails: []contacts.Email{{Address: "zoe@fjordfinch.example"}}},
			{Given: "José", Family: "Núñez", Organization: "Clínica Núñez"},
			{Given: "花子", Family: "佐藤", Organization: "株式会社サンプル"},
		} {
			if err := svc.Create(ctx, scope, c); err != nil {
				t.Fatal(err)
			}
		}

		cases := []struct {
			query string
			want  []string
		}{
			{"obrien", []string{"Zoë O'Brien"}},
			{"ZOË", []string{"Zoë O'Brien"}},
			{"zoe o'brien", []string{"Zoë O'Brien"}},
			{"FJORDFINCH.example", []string{"Zoë O'Brien"}},
			{"nunez", []string{"José Núñez"}},
			{"clinica", []string{"José Núñez"}},
			{"サンプル", []string{"佐藤 花子"}},
			{"person119", []string{"Person119 Filler"}},
			{"%", nil},
			{"nobody-matches-this", nil},
		}
		for _, tc := range cases {
			res, err := svc.List(ctx, scope, contacts.ListQuery{Search: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range res.Contacts {
				got = append(got, c.DisplayName())
			}
			if tc.query == "%" {
				// "%" folds to an empty search, which lists everything.
				if len(got) != contacts.PageSize {
					t.Errorf("search %q: %d results, want a full page", tc.query, len(got))
				}
				continue
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("search %q = %v, want %v", tc.query, got, tc.want)
			}
		}

		seen := map[string]bool{}
		for page := 1; page <= 3; page++ {
			res, err := svc.List(ctx, scope, contacts.ListQuery{Page: page})
			if err != nil {
				t.Fatal(err)
			}
			wantLen, wantNext := 50, true
			if page == 3 {
				wantLen, wantNext = 23, false
			}
			if len(res.Contacts) != wantLen || res.HasNext != wantNext {
				t.Errorf("page %d: %d contacts, next %v; want %d, %v", page, len(res.Contacts), res.HasNext, wantLen, wantNext)
			}
			for _, c := range res.Contacts {
				if seen[c.ID] {
					t.Errorf("page %d repeats contact %s", page, c.DisplayName())
				}
				seen[c.ID] = true
			}
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
