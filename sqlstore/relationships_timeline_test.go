package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/relationships"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/timeline"
)

func newContact(t *testing.T, c *crm, scope chatalott.Scope, given, family string) *contacts.Contact {
	t.Helper()
	ct := &contacts.Contact{Kind: contacts.KindPerson, Given: given, Family: family}
	if err := c.contacts.Create(context.Background(), scope, ct); err != nil {
		t.Fatalf("create contact %s %s: %v", given, family, err)
	}
	return ct
}

func relationshipService(c *crm) *relationships.Service {
	return &relationships.Service{Store: &sqlstore.RelationshipStore{DB: c.db}, Contacts: c.contacts,
		Now: func() time.Time { return c.now }, NewID: chatalott.NewID}
}

// wordings returns the contact's relationships as "wording other-name".
func wordings(t *testing.T, svc *relationships.Service, scope chatalott.Scope, contactID string) []string {
	t.Helper()
	links, err := svc.ForContact(context.Background(), scope, contactID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range links {
		out = append(out, l.Wording+" "+l.OtherName)
	}
	return out
}

func TestRelationshipInverseWording(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		scope := newUser(t, db, "ana@example.com")
		svc := relationshipService(c)
		ana := newContact(t, c, scope, "Ana", "Lima")
		bo := newContact(t, c, scope, "Bo", "Berg")
		cy := newContact(t, c, scope, "Cy", "Chen")

		for _, tc := range []struct {
			from, kind, label, to string
			wantFrom, wantTo      string
		}{
			{ana.ID, relationships.KindManagerOf, "", bo.ID, "Manager of Bo Berg", "Reports to Ana Lima"},
			{cy.ID, relationships.KindReportsTo, "", ana.ID, "Reports to Ana Lima", "Manager of Cy Chen"},
			{bo.ID, relationships.KindReferred, "", cy.ID, "Referred Cy Chen", "Referred by Bo Berg"},
			{bo.ID, relationships.KindFriend, "", cy.ID, "Friend of Cy Chen", "Friend of Bo Berg"},
			{cy.ID, relationships.KindCustom, "Mentor", ana.ID, "Mentor Ana Lima", "Mentor Cy Chen"},
		} {
			r, err := svc.Create(ctx, scope, tc.from, tc.kind, tc.label, tc.to)
			if err != nil {
				t.Fatalf("create %s: %v", tc.kind, err)
			}
			var gotFrom, gotTo string
			for _, l := range must(svc.ForContact(ctx, scope, tc.from)) {
				if l.ID == r.ID {
					gotFrom = l.Wording + " " + l.OtherName
				}
			}
			for _, l := range must(svc.ForContact(ctx, scope, tc.to)) {
				if l.ID == r.ID {
					gotTo = l.Wording + " " + l.OtherName
				}
			}
			if gotFrom != tc.wantFrom {
				t.Errorf("%s seen from its first contact: got %q, want %q", tc.kind, gotFrom, tc.wantFrom)
			}
			if gotTo != tc.wantTo {
				t.Errorf("%s seen from its second contact: got %q, want %q", tc.kind, gotTo, tc.wantTo)
			}
		}
		if got := wordings(t, svc, scope, ana.ID); len(got) != 3 {
			t.Errorf("Ana's relationships: got %v, want 3", got)
		}
	})
}

func TestRelationshipRejectsSelfDuplicatesAndOtherWorkspace(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		scope := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bo@example.com")
		svc := relationshipService(c)
		ana := newContact(t, c, scope, "Ana", "Lima")
		bo := newContact(t, c, scope, "Bo", "Berg")
		foreign := newContact(t, c, other, "Foreign", "Person")

		_, err := svc.Create(ctx, scope, ana.ID, relationships.KindColleague, "", ana.ID)
		if fieldErrors(err)["to_id"] == "" {
			t.Errorf("relate a contact to itself: got %v, want a to_id error", err)
		}
		must(svc.Create(ctx, scope, ana.ID, relationships.KindColleague, "", bo.ID))
		for _, tc := range []struct{ name, from, kind, label, to string }{
			{"repeat", ana.ID, relationships.KindColleague, "", bo.ID},
			{"symmetric inverse", bo.ID, relationships.KindColleague, "", ana.ID},
		} {
			_, err := svc.Create(ctx, scope, tc.from, tc.kind, tc.label, tc.to)
			wantCode(t, tc.name, err, chatalott.EConflict)
		}
		must(svc.Create(ctx, scope, ana.ID, relationships.KindManagerOf, "", bo.ID))
		_, err = svc.Create(ctx, scope, bo.ID, relationships.KindReportsTo, "", ana.ID)
		wantCode(t, "reports-to inverse of manager-of", err, chatalott.EConflict)
		must(svc.Create(ctx, scope, ana.ID, relationships.KindCustom, "Mentor", bo.ID))
		_, err = svc.Create(ctx, scope, bo.ID, relationships.KindCustom, "mentor", ana.ID)
		wantCode(t, "custom label in another case", err, chatalott.EConflict)
		_, err = svc.Create(ctx, scope, ana.ID, relationships.KindCustom, "", bo.ID)
		if fieldErrors(err)["label"] == "" {
			t.Errorf("custom kind without a label: got %v, want a label error", err)
		}
		_, err = svc.Create(ctx, scope, ana.ID, "enemy", "", bo.ID)
		if fieldErrors(err)["kind"] == "" {
			t.Errorf("unknown kind: got %v, want a kind error", err)
		}

		_, err = svc.Create(ctx, scope, ana.ID, relationships.KindFriend, "", foreign.ID)
		if fieldErrors(err)["to_id"] == "" {
			t.Errorf("relate to another workspace's contact: got %v, want a to_id error", err)
		}
		_, err = svc.Create(ctx, other, foreign.ID, relationships.KindFriend, "", ana.ID)
		if fieldErrors(err)["to_id"] == "" {
			t.Errorf("relate from another workspace to Ana: got %v, want a to_id error", err)
		}
		_, err = svc.Create(ctx, other, ana.ID, relationships.KindFriend, "", foreign.ID)
		wantCode(t, "relate from a contact of another workspace", err, chatalott.ENotFound)

		// The storage layer refuses a cross-workspace pair on its own.
		store := &sqlstore.RelationshipStore{DB: db}
		r := relationships.Canonical(ana.ID, relationships.KindFriend, "", foreign.ID)
		r.ID, r.CreatedAt = chatalott.NewID(), c.now
		wantCode(t, "store with a foreign contact", store.CreateRelationship(ctx, scope, &r), chatalott.ENotFound)

		links := must(svc.ForContact(ctx, scope, ana.ID))
		wantCode(t, "delete from another workspace", svc.Delete(ctx, other, ana.ID, links[0].ID), chatalott.ENotFound)
		if err := svc.Delete(ctx, scope, bo.ID, links[0].ID); err != nil {
			t.Fatalf("delete from the other side: %v", err)
		}
		if got := len(must(svc.ForContact(ctx, scope, ana.ID))); got != len(links)-1 {
			t.Errorf("relationships after delete: got %d, want %d", got, len(links)-1)
		}
		if err := c.contacts.Delete(ctx, scope, bo.ID); err != nil {
			t.Fatal(err)
		}
		if got := wordings(t, svc, scope, ana.ID); len(got) != 0 {
			t.Errorf("relationships after deleting Bo: got %v, want none", got)
		}
	})
}

func timelineService(c *crm) *timeline.Service {
	return &timeline.Service{Store: &sqlstore.TimelineStore{DB: c.db}, Now: func() time.Time { return c.now }, NewID: chatalott.NewID}
}

func TestTimelineOrderPagingAndKinds(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		scope := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bo@example.com")
		svc := timelineService(c)
		ana := newContact(t, c, scope, "Ana", "Lima")
		subject := chatalott.Subject{Type: chatalott.SubjectContact, ID: ana.ID}

		c.tick()
		must(svc.AddNote(ctx, scope, subject, "First line\r\nSecond line"))
		c.tick()
		// A call logged now that took place before the note.
		must(svc.LogActivity(ctx, scope, subject, timeline.KindCall, c.now.Add(-90*time.Second), "Called about pricing"))
		for i := range timeline.PageSize + 2 {
			c.tick()
			must(svc.AddNote(ctx, scope, subject, fmt.Sprintf("Note %d", i)))
		}

		first := must(svc.List(ctx, scope, subject, 1))
		if !first.HasNext || len(first.Entries) != timeline.PageSize {
			t.Fatalf("page 1: %d entries, has next %v; want %d and true", len(first.Entries), first.HasNext, timeline.PageSize)
		}
		if got, want := first.Entries[0].Body, fmt.Sprintf("Note %d", timeline.PageSize+1); got != want {
			t.Errorf("newest entry: got %q, want %q", got, want)
		}
		if first.Entries[0].UserName != "Test" {
			t.Errorf("author: got %q, want Test", first.Entries[0].UserName)
		}
		second := must(svc.List(ctx, scope, subject, 2))
		if second.HasNext {
			t.Error("page 2 has a next page, want the last page")
		}
		var kinds []string
		for _, e := range second.Entries {
			kinds = append(kinds, e.Kind+"/"+e.Event)
		}
		want := []string{"note/", "note/", "note/", "call/", "event/created"}
		if fmt.Sprint(kinds) != fmt.Sprint(want) {
			t.Errorf("page 2 kinds: got %v, want %v", kinds, want)
		}
		if got := second.Entries[2].Body; got != "First line\nSecond line" {
			t.Errorf("note body: got %q, want line breaks kept as \\n", got)
		}

		_, err := svc.AddNote(ctx, other, subject, "Not mine")
		wantCode(t, "note on another workspace's contact", err, chatalott.ENotFound)
		_, err = svc.List(ctx, other, subject, 1)
		wantCode(t, "timeline of another workspace's contact", err, chatalott.ENotFound)
		_, err = svc.AddNote(ctx, scope, subject, "  ")
		wantCode(t, "empty note", err, chatalott.EInvalid)
		_, err = svc.LogActivity(ctx, scope, subject, "lunch", c.now, "")
		wantCode(t, "unknown activity", err, chatalott.EInvalid)
		_, err = svc.LogActivity(ctx, scope, subject, timeline.KindMeeting, c.now.Add(48*time.Hour), "")
		wantCode(t, "activity two days ahead", err, chatalott.EInvalid)
	})
}

func TestTimelineSystemEvents(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		scope := newUser(t, db, "ana@example.com")
		svc := timelineService(c)

		d := c.newDeal(t, scope, "Rollout", "Lead", 100, "EUR")
		c.tick()
		if err := c.deals.Move(ctx, scope, d.ID, c.stageNamed(t, scope, "Qualified").ID); err != nil {
			t.Fatal(err)
		}
		entries := must(svc.List(ctx, scope, chatalott.Subject{Type: chatalott.SubjectDeal, ID: d.ID}, 1)).Entries
		if len(entries) != 2 || entries[0].Event != timeline.EventStage || entries[1].Event != timeline.EventCreated {
			t.Fatalf("deal timeline: got %+v, want a stage change then the creation", entries)
		}
		if entries[0].OldValue != "Lead" || entries[0].Body != "Qualified" {
			t.Errorf("stage change: got %q → %q, want Lead → Qualified", entries[0].OldValue, entries[0].Body)
		}

		c.tick()
		imported := &contacts.Contact{ID: chatalott.NewID(), Kind: contacts.KindPerson, Given: "Imported", CreatedAt: c.now, UpdatedAt: c.now}
		if err := (&sqlstore.ContactStore{DB: db}).ApplyImportBatch(ctx, scope, []*contacts.Contact{imported}, nil); err != nil {
			t.Fatal(err)
		}
		entries = must(svc.List(ctx, scope, chatalott.Subject{Type: chatalott.SubjectContact, ID: imported.ID}, 1)).Entries
		if len(entries) != 1 || entries[0].Event != timeline.EventImported {
			t.Errorf("imported contact's timeline: got %+v, want one imported event", entries)
		}

		recent := must(svc.Recent(ctx, scope, 10))
		if len(recent) != 3 || recent[0].SubjectTitle != "Imported" {
			t.Errorf("recent activity: got %d entries, first %+v; want 3 with the import first", len(recent), recent)
		}
	})
}
