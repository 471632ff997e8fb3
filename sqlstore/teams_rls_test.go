package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/accounts"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/msgtemplates"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/teams"
)

// countRows returns the rows of table in workspace, counted through the
// owner's handle, which row-level security does not confine.
func countRows(t *testing.T, db *sqlstore.DB, table, workspace string) int {
	t.Helper()
	var n int
	// table comes from sqlstore.ConfinedTables, a fixed list.
	err := db.SQL().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table+" WHERE workspace_id = $1", workspace).Scan(&n)
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestTeamActivityRecordedAndRead(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.TeamStore{DB: db}
		owner := newUser(t, db, "owner@example.com")
		w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Team", Kind: accounts.WorkspaceTeam, CreatedAt: now}
		created := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: w.ID, ActorID: owner.UserID,
			Event: teams.EventCreated, Detail: w.Name, CreatedAt: now}
		if err := store.CreateTeam(ctx, w, owner.UserID, created); err != nil {
			t.Fatalf("CreateTeam: %v", err)
		}
		renamed := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: w.ID, ActorID: owner.UserID,
			Event: teams.EventRenamed, Detail: "Renamed", CreatedAt: now.Add(time.Minute)}
		if err := store.RenameTeam(ctx, w.ID, "Renamed", renamed); err != nil {
			t.Fatalf("RenameTeam: %v", err)
		}

		list, err := store.Activity(ctx, w.ID, 10)
		if err != nil {
			t.Fatalf("Activity: %v", err)
		}
		var events []string
		for _, a := range list {
			events = append(events, a.Event)
		}
		if len(events) != 2 || events[0] != teams.EventRenamed || events[1] != teams.EventCreated {
			t.Errorf("activity events = %v, want [%s %s]", events, teams.EventRenamed, teams.EventCreated)
		}
		if len(list) > 0 && list[0].ActorName != "Test" {
			t.Errorf("activity actor name = %q, want Test", list[0].ActorName)
		}

		other, err := store.Activity(ctx, owner.WorkspaceID, 10)
		if err != nil {
			t.Fatalf("Activity of the personal workspace: %v", err)
		}
		if len(other) != 0 {
			t.Errorf("personal workspace shows %d activity entries of the team, want 0", len(other))
		}

		noActor := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: w.ID, Event: teams.EventRenamed, Detail: "X", CreatedAt: now}
		if err := store.RenameTeam(ctx, w.ID, "X", noActor); err == nil {
			t.Error("RenameTeam with an activity without actor succeeded, want an error")
		}
	})
}

func TestDeleteTeamRemovesConfinedRows(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		store := &sqlstore.TeamStore{DB: db}
		owner := newUser(t, db, "owner@example.com")
		w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Team", Kind: accounts.WorkspaceTeam, CreatedAt: now}
		created := &teams.Activity{ID: chatalott.NewID(), WorkspaceID: w.ID, ActorID: owner.UserID,
			Event: teams.EventCreated, Detail: w.Name, CreatedAt: now}
		if err := store.CreateTeam(ctx, w, owner.UserID, created); err != nil {
			t.Fatalf("CreateTeam: %v", err)
		}
		team := chatalott.Scope{WorkspaceID: w.ID, UserID: owner.UserID}

		// One record of each kind that this test's stores write, in the
		// team and in the owner's personal workspace.
		for _, scope := range []chatalott.Scope{team, owner} {
			person := newContact(t, c, scope, "Ana", "Lima")
			f := &followups.FollowUp{ID: chatalott.NewID(), Subject: chatalott.Subject{Type: chatalott.SubjectContact, ID: person.ID},
				Title: "Call back", DueAt: now.Add(time.Hour), AssigneeID: owner.UserID, CreatedBy: owner.UserID,
				CreatedAt: now, UpdatedAt: now}
			if err := (&sqlstore.FollowUpStore{DB: db}).CreateFollowUp(ctx, scope, f); err != nil {
				t.Fatalf("CreateFollowUp: %v", err)
			}
			tmpl := &msgtemplates.Template{ID: chatalott.NewID(), Name: "Hello", Subject: "Hi", Body: "Body",
				CreatedAt: now, UpdatedAt: now}
			if err := (&sqlstore.MessageTemplateStore{DB: db}).CreateTemplate(ctx, scope, tmpl); err != nil {
				t.Fatalf("CreateTemplate: %v", err)
			}
			newImportJob(t, &sqlstore.ImportJobStore{DB: db}, scope, now)
		}
		for _, table := range []string{"contacts", "follow_ups", "message_templates", "import_jobs", "team_activity"} {
			if n := countRows(t, db, table, w.ID); n == 0 {
				t.Fatalf("team has no %s rows before the delete, so the setup failed", table)
			}
		}
		if db.Dialect == sqlstore.Postgres {
			// The application's handle reads none of these rows outside a
			// confined transaction, so the delete below depends on the
			// cascades passing row-level security.
			var n int
			err := db.AppSQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts WHERE workspace_id = $1`, w.ID).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("application handle reads %d contacts without a workspace set, want 0", n)
			}
		}

		if err := store.DeleteTeam(ctx, w.ID); err != nil {
			t.Fatalf("DeleteTeam: %v", err)
		}
		for _, table := range sqlstore.ConfinedTables {
			if n := countRows(t, db, table, w.ID); n != 0 {
				t.Errorf("%s keeps %d rows of the deleted team", table, n)
			}
		}
		for _, table := range []string{"contacts", "follow_ups", "message_templates", "import_jobs"} {
			if n := countRows(t, db, table, owner.WorkspaceID); n != 1 {
				t.Errorf("%s has %d rows in the personal workspace after the team delete, want 1", table, n)
			}
		}
	})
}

func TestTeamStoreWritesRecordActivity(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		store := &sqlstore.TeamStore{DB: db}
		ann := newUser(t, db, "ann@example.com")
		bob := newUser(t, db, "bob@example.com")
		w := &accounts.Workspace{ID: chatalott.NewID(), Name: "Team", Kind: accounts.WorkspaceTeam, CreatedAt: now}
		clock := now
		activity := func(actor chatalott.Scope, event string) *teams.Activity {
			clock = clock.Add(time.Minute)
			return &teams.Activity{ID: chatalott.NewID(), WorkspaceID: w.ID, ActorID: actor.UserID, Event: event,
				Detail: event, CreatedAt: clock}
		}
		newInvite := func(email, token string) *teams.Invite {
			return &teams.Invite{ID: chatalott.NewID(), WorkspaceID: w.ID, Email: email, EmailNormalized: email,
				Role: accounts.RoleMember, TokenHash: teams.HashToken(token), InvitedBy: ann.UserID,
				CreatedAt: now, ExpiresAt: now.Add(teams.InviteLifetime)}
		}

		if err := store.CreateTeam(ctx, w, ann.UserID, activity(ann, teams.EventCreated)); err != nil {
			t.Fatalf("CreateTeam: %v", err)
		}
		toBob := newInvite("bob@example.com", "bob-token")
		if err := store.CreateInvite(ctx, toBob, activity(ann, teams.EventInviteSent)); err != nil {
			t.Fatalf("CreateInvite: %v", err)
		}
		err := store.ReplaceInviteToken(ctx, w.ID, toBob.ID, teams.HashToken("bob-token-2"), now.Add(teams.InviteLifetime),
			activity(ann, teams.EventInviteResent))
		if err != nil {
			t.Fatalf("ReplaceInviteToken: %v", err)
		}
		if err := store.AcceptInvite(ctx, toBob.ID, bob.UserID, clock, activity(bob, teams.EventInviteAccept)); err != nil {
			t.Fatalf("AcceptInvite: %v", err)
		}
		err = store.AcceptInvite(ctx, toBob.ID, bob.UserID, clock, activity(bob, teams.EventInviteAccept))
		if chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("second AcceptInvite: %v, want %s", err, chatalott.ENotFound)
		}
		toCarl := newInvite("carl@example.com", "carl-token")
		if err := store.CreateInvite(ctx, toCarl, activity(ann, teams.EventInviteSent)); err != nil {
			t.Fatalf("CreateInvite: %v", err)
		}
		if err := store.RevokeInvite(ctx, w.ID, toCarl.ID, clock, activity(ann, teams.EventInviteRevoked)); err != nil {
			t.Fatalf("RevokeInvite: %v", err)
		}
		if err := store.SetRole(ctx, w.ID, bob.UserID, accounts.RoleAdmin, activity(ann, teams.EventRoleChanged)); err != nil {
			t.Fatalf("SetRole: %v", err)
		}
		if err := store.Transfer(ctx, w.ID, ann.UserID, bob.UserID, activity(ann, teams.EventTransferred)); err != nil {
			t.Fatalf("Transfer: %v", err)
		}
		if err := store.RemoveMember(ctx, w.ID, ann.UserID, activity(ann, teams.EventMemberLeft)); err != nil {
			t.Fatalf("RemoveMember: %v", err)
		}

		if _, role, err := store.Membership(ctx, w.ID, bob.UserID); err != nil || role != accounts.RoleOwner {
			t.Errorf("bob's membership = %q, %v; want %s", role, err, accounts.RoleOwner)
		}
		if _, _, err := store.Membership(ctx, w.ID, ann.UserID); chatalott.ErrorCode(err) != chatalott.ENotFound {
			t.Errorf("ann's membership after leaving: %v, want %s", err, chatalott.ENotFound)
		}
		list, err := store.Activity(ctx, w.ID, 50)
		if err != nil {
			t.Fatalf("Activity: %v", err)
		}
		var events []string
		for _, a := range list {
			events = append(events, a.Event)
		}
		want := []string{teams.EventMemberLeft, teams.EventTransferred, teams.EventRoleChanged, teams.EventInviteRevoked,
			teams.EventInviteSent, teams.EventInviteAccept, teams.EventInviteResent, teams.EventInviteSent, teams.EventCreated}
		if !slices.Equal(events, want) {
			t.Errorf("activity events = %v, want %v", events, want)
		}
	})
}
