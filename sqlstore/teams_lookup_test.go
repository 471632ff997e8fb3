package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/teams"
)

// TestTeamStoreLookupsByEmail checks that MemberByEmail finds members of
// one team only, and that PendingInviteByEmail skips expired, revoked and
// accepted invites and invites of other teams.
func TestTeamStoreLookupsByEmail(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.TeamStore{DB: db}
		ann := newUser(t, db, "Ann@Example.com").UserID
		bob := newUser(t, db, "bob@example.com").UserID

		newTeam := func(name, owner string) string {
			t.Helper()
			w := &accounts.Workspace{ID: chatalott.NewID(), Name: name, Kind: accounts.WorkspaceTeam, CreatedAt: now}
			a := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: w.ID, ActorID: owner, Event: teams.EventCreated, Detail: name, CreatedAt: now}
			if err := store.CreateTeam(ctx, w, owner, a); err != nil {
				t.Fatal(err)
			}
			return w.ID
		}
		sales, other := newTeam("Sales", ann), newTeam("Other", bob)

		m, err := store.MemberByEmail(ctx, sales, accounts.NormalizeEmail("ANN@example.COM"))
		if err != nil {
			t.Fatalf("MemberByEmail(Ann in Sales): %v", err)
		}
		if m.UserID != ann || m.Email != "Ann@Example.com" || m.Role != accounts.RoleOwner {
			t.Errorf("MemberByEmail(Ann in Sales) = %+v, want Ann as owner", m)
		}
		if _, err := store.MemberByEmail(ctx, sales, "bob@example.com"); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("MemberByEmail(Bob in Sales): error %v, want ENotFound", err)
		}

		revokedAt, acceptedAt := now.Add(-time.Minute), now.Add(-time.Minute)
		invites := []struct {
			name, workspace, email string
			expires                time.Time
			revoked, accepted      *time.Time
		}{
			{"expired", sales, "eve@example.com", now.Add(-time.Second), nil, nil},
			{"revoked", sales, "eve@example.com", now.Add(time.Hour), &revokedAt, nil},
			{"accepted", sales, "eve@example.com", now.Add(time.Hour), nil, &acceptedAt},
			{"other team", other, "eve@example.com", now.Add(time.Hour), nil, nil},
			{"pending", sales, "fay@example.com", now.Add(time.Hour), nil, nil},
		}
		ids := map[string]string{}
		for i, c := range invites {
			id := chatalott.NewID()
			ids[c.name] = id
			_, err := db.SQL().ExecContext(ctx, `INSERT INTO team_invites (id, workspace_id, email, email_normalized, role,
token_hash, invited_by, created_at, expires_at, revoked_at, accepted_at) VALUES ($1, $2, $3, $4, 'member', $5, $6, $7, $8, $9, $10)`,
				id, c.workspace, c.email, accounts.NormalizeEmail(c.email), teams.HashToken(c.name), ann,
				now.Add(time.Duration(i-10)*time.Minute), c.expires, c.revoked, c.accepted)
			if err != nil {
				t.Fatalf("insert %s invite: %v", c.name, err)
			}
		}

		if inv, err := store.PendingInviteByEmail(ctx, sales, "eve@example.com", now); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("PendingInviteByEmail(Eve in Sales) = %+v, %v; want ENotFound", inv, err)
		}
		inv, err := store.PendingInviteByEmail(ctx, other, "eve@example.com", now)
		if err != nil || inv.ID != ids["other team"] {
			t.Errorf("PendingInviteByEmail(Eve in Other) = %+v, %v; want the other team's invite", inv, err)
		}
		inv, err = store.PendingInviteByEmail(ctx, sales, "fay@example.com", now)
		if err != nil || inv.ID != ids["pending"] {
			t.Errorf("PendingInviteByEmail(Fay in Sales) = %+v, %v; want the pending invite", inv, err)
		}
		if _, err := store.PendingInviteByEmail(ctx, sales, "fay@example.com", now.Add(2*time.Hour)); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("PendingInviteByEmail(Fay in Sales) after expiry: error %v, want ENotFound", err)
		}
	})
}
