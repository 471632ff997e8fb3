package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/teams"
)

// TestTeamActivityResolvesNames checks that Activity joins the actor and,
// for member events only, the member concerned, and that a deleted account
// leaves empty names.
func TestTeamActivityResolvesNames(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.TeamStore{DB: db}
		users := map[string]chatalott.Scope{}
		for _, name := range []string{"Ann", "Bob", "Deleted"} {
			users[name] = newUser(t, db, strings.ToLower(name)+"@example.com")
			if _, err := db.SQL().ExecContext(ctx, `UPDATE users SET name = $2 WHERE id = $1`, users[name].UserID, name); err != nil {
				t.Fatal(err)
			}
		}
		ann, bob, deleted := users["Ann"].UserID, users["Bob"].UserID, users["Deleted"].UserID

		team := &accounts.Workspace{ID: chatalott.NewID(), Name: "Sales", Kind: accounts.WorkspaceTeam, CreatedAt: now}
		created := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: team.ID, ActorID: ann, Event: teams.EventCreated,
			Detail: "Sales", CreatedAt: now}
		if err := store.CreateTeam(ctx, team, ann, created); err != nil {
			t.Fatal(err)
		}
		other := &accounts.Workspace{ID: chatalott.NewID(), Name: "Other", Kind: accounts.WorkspaceTeam, CreatedAt: now}
		otherCreated := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: other.ID, ActorID: bob, Event: teams.EventCreated,
			Detail: "Other", CreatedAt: now}
		if err := store.CreateTeam(ctx, other, bob, otherCreated); err != nil {
			t.Fatal(err)
		}

		type want struct{ actor, subject, subjectEmail string }
		entries := []struct {
			actor, event, detail string
			want                 want
		}{
			{ann, teams.EventRoleChanged, bob + " admin", want{"Ann", "Bob", "bob@example.com"}},
			{ann, teams.EventMemberRemoved, bob, want{"Ann", "Bob", "bob@example.com"}},
			{ann, teams.EventTransferred, bob, want{"Ann", "Bob", "bob@example.com"}},
			// A team name that starts with a user id must not name that user.
			{ann, teams.EventRenamed, bob + " fans", want{"Ann", "", ""}},
			{bob, teams.EventInviteSent, "bob@example.com member", want{"Bob", "", ""}},
			{deleted, teams.EventMemberLeft, deleted, want{"", "", ""}},
			{ann, teams.EventMemberRemoved, deleted, want{"Ann", "", ""}},
		}
		wants := map[string]want{created.ID: {"Ann", "", ""}}
		for i, e := range entries {
			id := chatalott.NewID()
			_, err := db.SQL().ExecContext(ctx, `INSERT INTO team_activity (id, workspace_id, actor_id, event, detail, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`, id, team.ID, e.actor, e.event, e.detail, now.Add(time.Duration(i+1)*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			wants[id] = e.want
		}
		if _, err := db.SQL().ExecContext(ctx, `DELETE FROM users WHERE id = $1`, deleted); err != nil {
			t.Fatalf("delete user: %v", err)
		}

		list, err := store.Activity(ctx, team.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(wants) {
			t.Fatalf("Activity returned %d entries, want %d", len(list), len(wants))
		}
		for i, a := range list {
			w, ok := wants[a.ID]
			if !ok {
				t.Errorf("entry %d: %s %q is not an entry of the team", i, a.Event, a.Detail)
				continue
			}
			got := want{a.ActorName, a.SubjectName, a.SubjectEmail}
			if got != w {
				t.Errorf("entry %s %q: got actor, subject, email %q, want %q", a.Event, a.Detail, got, w)
			}
			if i > 0 && a.CreatedAt.After(list[i-1].CreatedAt) {
				t.Errorf("entry %d is newer than entry %d, want newest first", i, i-1)
			}
		}
		if list[0].Event != teams.EventMemberRemoved || list[0].Detail != deleted {
			t.Errorf("newest entry: %s %q, want the removal of the deleted user", list[0].Event, list[0].Detail)
		}

		limited, err := store.Activity(ctx, team.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(limited) != 3 || limited[0].ID != list[0].ID {
			t.Errorf("Activity with limit 3 returned %d entries starting at %v, want the 3 newest", len(limited), limited)
		}
	})
}
