package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// crm is the contacts, companies and deals services on one database, with
// a clock that tests move forward.
type crm struct {
	db        *sqlstore.DB
	contacts  *contacts.Service
	companies *companies.Service
	deals     *deals.Service
	now       time.Time
}

func newCRM(db *sqlstore.DB) *crm {
	c := &crm{db: db, now: now}
	clock := func() time.Time { return c.now }
	c.contacts = &contacts.Service{Store: &sqlstore.ContactStore{DB: db}, Now: clock, NewID: chatalott.NewID}
	c.companies = &companies.Service{Store: &sqlstore.CompanyStore{DB: db}, Contacts: c.contacts, Now: clock, NewID: chatalott.NewID}
	c.deals = &deals.Service{Store: &sqlstore.DealStore{DB: db}, Companies: c.companies, Now: clock, NewID: chatalott.NewID}
	return c
}

func (c *crm) tick() { c.now = c.now.Add(time.Minute) }

func (c *crm) stageNamed(t *testing.T, scope chatalott.Scope, name string) deals.Stage {
	t.Helper()
	stages, err := c.deals.Stages(context.Background(), scope)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stages {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no stage named %q in %v", name, stages)
	return deals.Stage{}
}

func (c *crm) newDeal(t *testing.T, scope chatalott.Scope, title, stage string, amount int64, currency string) *deals.Deal {
	t.Helper()
	d := &deals.Deal{Title: title, StageID: c.stageNamed(t, scope, stage).ID, Amount: amount, Currency: currency, OwnerID: scope.UserID}
	if err := c.deals.Create(context.Background(), scope, d); err != nil {
		t.Fatalf("create deal %q: %v", title, err)
	}
	return d
}

func stageNames(stages []deals.Stage) []string {
	names := make([]string, len(stages))
	for i, st := range stages {
		names[i] = st.Name
	}
	return names
}

// fieldErrors returns the per-field messages of a validation error.
func fieldErrors(err error) map[string]string {
	var verrs chatalott.ValidationErrors
	if errors.As(err, &verrs) {
		return verrs.Fields()
	}
	var e *chatalott.Error
	if errors.As(err, &e) && e.Field != "" {
		return map[string]string{e.Field: e.Message}
	}
	return nil
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := chatalott.ErrorCode(err); got != code {
		t.Errorf("%s: code %q (err %v), want %q", what, got, err, code)
	}
}

func TestCompanyStoreRoundTripAndScope(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")

		co := &companies.Company{Name: "  Acme GmbH ", Website: "Acme.Example", Note: "Line one\r\nLine two",
			Phones:    []contacts.Phone{{Label: "main", Number: "+49 30 1234"}, {Number: " "}},
			Addresses: []contacts.Address{{Street: "Hauptstr. 1", City: "Berlin", Country: "Germany"}},
			Tags:      []string{"Key", "key", "Supplier"}}
		if err := c.companies.Create(ctx, owner, co); err != nil {
			t.Fatal(err)
		}
		got, err := c.companies.Get(ctx, owner, co.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Acme GmbH" || got.Website != "acme.example" || got.WebsiteURL() != "https://acme.example" {
			t.Errorf("stored name %q website %q, want %q %q", got.Name, got.Website, "Acme GmbH", "acme.example")
		}
		if len(got.Phones) != 1 || len(got.Addresses) != 1 || len(got.Tags) != 2 || got.Note != "Line one\nLine two" {
			t.Errorf("stored details %+v, want 1 phone, 1 address, 2 tags and the note", got)
		}

		got.Website = "https://acme.example/about"
		if err := c.companies.Update(ctx, owner, got); err != nil {
			t.Fatal(err)
		}
		res, err := c.companies.List(ctx, owner, companies.ListQuery{Search: "ACME"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Companies) != 1 || res.Companies[0].Website != "https://acme.example/about" {
			t.Errorf("search ACME found %d companies, want the updated one", len(res.Companies))
		}

		if _, err := c.companies.Get(ctx, other, co.ID); true {
			wantCode(t, "Get from another workspace", err, chatalott.ENotFound)
		}
		hijack := *got
		hijack.Name = "Hijacked"
		wantCode(t, "Update from another workspace", c.companies.Update(ctx, other, &hijack), chatalott.ENotFound)
		wantCode(t, "Delete from another workspace", c.companies.Delete(ctx, other, co.ID), chatalott.ENotFound)
		if res, _ := c.companies.List(ctx, other, companies.ListQuery{}); len(res.Companies) != 0 {
			t.Errorf("another workspace lists %d companies, want 0", len(res.Companies))
		}
		if got, _ := c.companies.Get(ctx, owner, co.ID); got.Name != "Acme GmbH" {
			t.Errorf("name after another workspace's update = %q, want unchanged", got.Name)
		}
		if err := c.companies.Delete(ctx, owner, co.ID); err != nil {
			t.Fatal(err)
		}
		_, err = c.companies.Get(ctx, owner, co.ID)
		wantCode(t, "Get after delete", err, chatalott.ENotFound)
	})
}

func TestCompanyLinkContact(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")

		acme := &companies.Company{Name: "Acme GmbH"}
		if err := c.companies.Create(ctx, owner, acme); err != nil {
			t.Fatal(err)
		}
		foreign := &companies.Company{Name: "Foreign Ltd"}
		if err := c.companies.Create(ctx, other, foreign); err != nil {
			t.Fatal(err)
		}
		ana := &contacts.Contact{Given: "Ana", Organization: "ACME gmbh"}
		bo := &contacts.Contact{Given: "Bo", Organization: "Globex"}
		nobody := &contacts.Contact{Given: "Cy"}
		for _, p := range []*contacts.Contact{ana, bo, nobody} {
			if err := c.contacts.Create(ctx, owner, p); err != nil {
				t.Fatal(err)
			}
		}

		linked, err := c.companies.LinkContactToOrganization(ctx, owner, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if linked.ID != acme.ID {
			t.Errorf("organization %q linked to %q, want the existing %q", ana.Organization, linked.Name, acme.Name)
		}
		created, err := c.companies.LinkContactToOrganization(ctx, owner, bo.ID)
		if err != nil {
			t.Fatal(err)
		}
		if created.Name != "Globex" || created.ID == acme.ID {
			t.Errorf("organization Globex linked to %q, want a new company Globex", created.Name)
		}
		_, err = c.companies.LinkContactToOrganization(ctx, owner, nobody.ID)
		wantCode(t, "link a contact without organization", err, chatalott.EInvalid)
		_, err = c.companies.LinkContactToOrganization(ctx, other, ana.ID)
		wantCode(t, "link another workspace's contact", err, chatalott.ENotFound)

		wantCode(t, "link to another workspace's company", c.companies.LinkContact(ctx, owner, nobody.ID, foreign.ID), chatalott.EInvalid)
		wantCode(t, "link another workspace's contact by id", c.companies.LinkContact(ctx, other, nobody.ID, foreign.ID), chatalott.ENotFound)
		if co, err := c.companies.OfContact(ctx, owner, nobody.ID); err != nil || co != nil {
			t.Errorf("OfContact after refused link = %v, %v; want no company", co, err)
		}
		if err := c.companies.LinkContact(ctx, owner, nobody.ID, acme.ID); err != nil {
			t.Fatal(err)
		}

		people, err := c.companies.People(ctx, owner, acme.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(people) != 2 || people[0].Given != "Ana" || people[1].Given != "Cy" {
			t.Errorf("people of Acme = %d, want Ana and Cy", len(people))
		}
		_, err = c.companies.People(ctx, other, acme.ID)
		wantCode(t, "people of another workspace's company", err, chatalott.ENotFound)
		co, err := c.companies.OfContact(ctx, owner, ana.ID)
		if err != nil || co == nil || co.ID != acme.ID {
			t.Errorf("OfContact(Ana) = %v, %v; want Acme", co, err)
		}

		// An edit of the contact keeps its company.
		ana.Title = "CEO"
		if err := c.contacts.Update(ctx, owner, ana); err != nil {
			t.Fatal(err)
		}
		if co, _ := c.companies.OfContact(ctx, owner, ana.ID); co == nil || co.ID != acme.ID {
			t.Error("contact lost its company when edited")
		}

		// Deleting the company unlinks its people and clears its deals.
		d := c.newDeal(t, owner, "Rollout", "Lead", 1000, "EUR")
		d.CompanyID = acme.ID
		if err := c.deals.Update(ctx, owner, d); err != nil {
			t.Fatal(err)
		}
		if err := c.companies.LinkContact(ctx, owner, ana.ID, ""); err != nil {
			t.Fatal(err)
		}
		if co, _ := c.companies.OfContact(ctx, owner, ana.ID); co != nil {
			t.Error("unlinked contact still has a company")
		}
		if err := c.companies.Delete(ctx, owner, acme.ID); err != nil {
			t.Fatal(err)
		}
		if co, _ := c.companies.OfContact(ctx, owner, nobody.ID); co != nil {
			t.Error("contact still linked to a deleted company")
		}
		got, err := c.deals.Get(ctx, owner, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CompanyID != "" {
			t.Errorf("deal company after delete = %q, want none", got.CompanyID)
		}
	})
}

func TestPipelineDefaultsCreatedOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		for range 2 {
			stages, err := c.deals.Stages(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			want := "[Lead Qualified Proposal Negotiation Won Lost]"
			if got := fmt.Sprint(stageNames(stages)); got != want {
				t.Errorf("stages = %s, want %s", got, want)
			}
		}
		// A second creation attempt, as a racing first request would make,
		// adds nothing.
		store := &sqlstore.DealStore{DB: db}
		extra := deals.DefaultStages()
		for i := range extra {
			extra[i].ID = chatalott.NewID()
		}
		if err := store.CreatePipeline(ctx, owner, extra, now); err != nil {
			t.Fatal(err)
		}
		if stages, _ := store.ListStages(ctx, owner); len(stages) != 6 {
			t.Errorf("stages after a second CreatePipeline = %d, want 6", len(stages))
		}
	})
}

func TestPipelineEdits(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")
		lead := c.stageNamed(t, owner, "Lead")
		won := c.stageNamed(t, owner, "Won")

		// Rename and probability.
		if err := c.deals.UpdateStage(ctx, owner, lead.ID, " Inbound ", 15); err != nil {
			t.Fatal(err)
		}
		if st := c.stageNamed(t, owner, "Inbound"); st.Probability != 15 {
			t.Errorf("renamed stage probability = %d, want 15", st.Probability)
		}
		wantCode(t, "rename to an existing name", c.deals.UpdateStage(ctx, owner, lead.ID, "proposal", 15), chatalott.EInvalid)
		wantCode(t, "probability 101", c.deals.UpdateStage(ctx, owner, lead.ID, "Inbound", 101), chatalott.EInvalid)
		if err := c.deals.UpdateStage(ctx, owner, won.ID, "Closed won", 40); err != nil {
			t.Fatal(err)
		}
		if st := c.stageNamed(t, owner, "Closed won"); st.Probability != 100 {
			t.Errorf("won stage probability = %d, want 100 whatever the form says", st.Probability)
		}

		// Add and reorder.
		demo, err := c.deals.AddStage(ctx, owner, "Demo", 40)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.deals.AddStage(ctx, owner, "DEMO", 40)
		wantCode(t, "add a duplicate name", err, chatalott.EInvalid)
		_, err = c.deals.AddStage(ctx, owner, "", 40)
		wantCode(t, "add an empty name", err, chatalott.EInvalid)
		for range 2 {
			if err := c.deals.MoveStage(ctx, owner, demo.ID, -1); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.deals.MoveStage(ctx, owner, lead.ID, -1); err != nil {
			t.Fatal(err)
		}
		stages, _ := c.deals.Stages(ctx, owner)
		want := "[Inbound Qualified Proposal Negotiation Demo Closed won Lost]"
		if got := fmt.Sprint(stageNames(stages)); got != want {
			t.Errorf("after moves: %s, want %s", got, want)
		}
		if err := c.deals.MoveStage(ctx, owner, demo.ID, -1); err != nil {
			t.Fatal(err)
		}
		if err := c.deals.MoveStage(ctx, owner, demo.ID, +1); err != nil {
			t.Fatal(err)
		}
		if err := c.deals.MoveStage(ctx, owner, c.stageNamed(t, owner, "Proposal").ID, +1); err != nil {
			t.Fatal(err)
		}
		stages, _ = c.deals.Stages(ctx, owner)
		want = "[Inbound Qualified Negotiation Proposal Demo Closed won Lost]"
		if got := fmt.Sprint(stageNames(stages)); got != want {
			t.Errorf("after down moves: %s, want %s", got, want)
		}

		// Another workspace cannot touch these stages.
		wantCode(t, "rename from another workspace", c.deals.UpdateStage(ctx, other, demo.ID, "X", 1), chatalott.ENotFound)
		wantCode(t, "move from another workspace", c.deals.MoveStage(ctx, other, demo.ID, 1), chatalott.ENotFound)
		_, err = c.deals.RemoveStage(ctx, other, demo.ID, "")
		wantCode(t, "remove from another workspace", err, chatalott.ENotFound)
		if st := c.stageNamed(t, owner, "Demo"); st.ID != demo.ID {
			t.Error("Demo changed after another workspace's requests")
		}
	})
}

func TestPipelineRemoveStage(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")
		proposal := c.stageNamed(t, owner, "Proposal")
		negotiation := c.stageNamed(t, owner, "Negotiation")
		foreignStage := c.stageNamed(t, other, "Lead")
		first := c.newDeal(t, owner, "First", "Proposal", 100, "EUR")
		second := c.newDeal(t, owner, "Second", "Proposal", 200, "EUR")

		_, err := c.deals.RemoveStage(ctx, owner, proposal.ID, "")
		wantCode(t, "remove a stage with deals without a target", err, chatalott.EInvalid)
		_, err = c.deals.RemoveStage(ctx, owner, proposal.ID, proposal.ID)
		wantCode(t, "move deals into the removed stage", err, chatalott.EInvalid)
		_, err = c.deals.RemoveStage(ctx, owner, proposal.ID, foreignStage.ID)
		wantCode(t, "move deals into another workspace's stage", err, chatalott.EInvalid)

		c.tick()
		moved, err := c.deals.RemoveStage(ctx, owner, proposal.ID, negotiation.ID)
		if err != nil {
			t.Fatal(err)
		}
		if moved != 2 {
			t.Errorf("moved %d deals, want 2", moved)
		}
		for _, d := range []*deals.Deal{first, second} {
			got, err := c.deals.Get(ctx, owner, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.StageID != negotiation.ID {
				t.Errorf("%s is in %s, want Negotiation", d.Title, got.Stage.Name)
			}
			history, err := (&sqlstore.DealStore{DB: db}).DealHistory(ctx, owner, d.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(history) != 2 || history[0].Field != deals.FieldStage || history[0].OldValue != "Proposal" ||
				history[0].NewValue != "Negotiation" || history[0].UserID != owner.UserID {
				t.Errorf("%s history = %+v, want a stage entry Proposal → Negotiation first", d.Title, history)
			}
		}
		if got := fmt.Sprint(stageNames(must(c.deals.Stages(ctx, owner)))); got != "[Lead Qualified Negotiation Won Lost]" {
			t.Errorf("stages after removal = %s", got)
		}

		// Protected stages.
		_, err = c.deals.RemoveStage(ctx, owner, c.stageNamed(t, owner, "Won").ID, negotiation.ID)
		wantCode(t, "remove the won stage", err, chatalott.EInvalid)
		_, err = c.deals.RemoveStage(ctx, owner, c.stageNamed(t, owner, "Lost").ID, negotiation.ID)
		wantCode(t, "remove the lost stage", err, chatalott.EInvalid)
		for _, name := range []string{"Lead", "Qualified"} {
			if _, err := c.deals.RemoveStage(ctx, owner, c.stageNamed(t, owner, name).ID, ""); err != nil {
				t.Fatalf("remove empty stage %s: %v", name, err)
			}
		}
		_, err = c.deals.RemoveStage(ctx, owner, negotiation.ID, c.stageNamed(t, owner, "Won").ID)
		wantCode(t, "remove the last open stage", err, chatalott.EInvalid)

		// The store refuses the same even when the service is bypassed.
		store := &sqlstore.DealStore{DB: db}
		_, err = store.RemoveStage(ctx, owner, deals.StageRemoval{StageID: negotiation.ID,
			TargetID: c.stageNamed(t, owner, "Won").ID, NewID: chatalott.NewID,
			Entry: deals.HistoryEntry{Field: deals.FieldStage, UserID: owner.UserID, CreatedAt: now}})
		wantCode(t, "store removes the last open stage", err, chatalott.EInvalid)
		_, err = store.RemoveStage(ctx, owner, deals.StageRemoval{StageID: c.stageNamed(t, owner, "Won").ID, NewID: chatalott.NewID})
		wantCode(t, "store removes the won stage", err, chatalott.EInvalid)
		if got, _ := c.deals.Get(ctx, owner, first.ID); got.StageID != negotiation.ID {
			t.Error("a refused removal moved a deal")
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestDealHistoryEachChange(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		// A second member of the workspace, who can take the deal over.
		colleague := newUser(t, db, "colleague@example.com")
		if _, err := db.SQL().ExecContext(ctx, `UPDATE users SET name = 'Colleague' WHERE id = $1`, colleague.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'member', $3)`,
			owner.WorkspaceID, colleague.UserID, now); err != nil {
			t.Fatal(err)
		}

		d := c.newDeal(t, owner, "Website", "Lead", 100000, "EUR")
		qualified := c.stageNamed(t, owner, "Qualified")
		steps := []struct {
			change        func(d *deals.Deal)
			field         string
			oldValue, new string
			oldRef, ref   string
		}{
			{func(d *deals.Deal) { d.Title = "Website relaunch" }, deals.FieldTitle, "Website", "Website relaunch", "", ""},
			{func(d *deals.Deal) { d.StageID = qualified.ID }, deals.FieldStage, "Lead", "Qualified", d.StageID, qualified.ID},
			{func(d *deals.Deal) { d.Amount = 250050 }, deals.FieldAmount, "1000.00 EUR", "2500.50 EUR", "", ""},
			{func(d *deals.Deal) { d.Currency = "USD" }, deals.FieldCurrency, "EUR", "USD", "", ""},
			{func(d *deals.Deal) { d.OwnerID = colleague.UserID }, deals.FieldOwner, "Test", "Colleague", owner.UserID, colleague.UserID},
			{func(d *deals.Deal) { d.ExpectedClose = "2026-06-30" }, deals.FieldExpectedClose, "", "2026-06-30", "", ""},
			{func(d *deals.Deal) { d.ExpectedClose = "2026-07-15" }, deals.FieldExpectedClose, "2026-06-30", "2026-07-15", "", ""},
		}
		for _, step := range steps {
			c.tick()
			current, err := c.deals.Get(ctx, owner, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			step.change(current)
			if err := c.deals.Update(ctx, owner, current); err != nil {
				t.Fatalf("change %s: %v", step.field, err)
			}
			history, err := (&sqlstore.DealStore{DB: db}).DealHistory(ctx, owner, d.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			e := history[0]
			if e.Field != step.field || e.OldValue != step.oldValue || e.NewValue != step.new || e.OldRef != step.oldRef || e.NewRef != step.ref {
				t.Errorf("newest entry = %s %q→%q (%q→%q), want %s %q→%q (%q→%q)", e.Field, e.OldValue, e.NewValue,
					e.OldRef, e.NewRef, step.field, step.oldValue, step.new, step.oldRef, step.ref)
			}
			if e.UserID != owner.UserID || e.UserName != "Test" || !e.CreatedAt.Equal(c.now) {
				t.Errorf("%s entry by %s %q at %v, want %s %q at %v", e.Field, e.UserID, e.UserName, e.CreatedAt, owner.UserID, "Test", c.now)
			}
		}

		// An amount and currency change in one edit writes both entries,
		// each amount in its own currency.
		c.tick()
		current, _ := c.deals.Get(ctx, owner, d.ID)
		current.Currency, current.Amount = "JPY", 5000
		if err := c.deals.Update(ctx, owner, current); err != nil {
			t.Fatal(err)
		}
		detail, err := c.deals.Detail(ctx, owner, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(detail.History); got != len(steps)+3 {
			t.Fatalf("history has %d entries, want %d", got, len(steps)+3)
		}
		fields := map[string]string{}
		for _, e := range detail.History[:2] {
			fields[e.Field] = e.OldValue + " → " + e.NewValue
		}
		if fields[deals.FieldAmount] != "2500.50 USD → 5000 JPY" || fields[deals.FieldCurrency] != "USD → JPY" {
			t.Errorf("combined change wrote %v", fields)
		}
		if last := detail.History[len(detail.History)-1]; last.Field != deals.FieldCreated || last.NewValue != "Website" {
			t.Errorf("oldest entry = %s %q, want created Website", last.Field, last.NewValue)
		}

		// An edit that changes nothing writes nothing.
		current, _ = c.deals.Get(ctx, owner, d.ID)
		if err := c.deals.Update(ctx, owner, current); err != nil {
			t.Fatal(err)
		}
		if again, _ := c.deals.Detail(ctx, owner, d.ID); len(again.History) != len(detail.History) {
			t.Errorf("an edit without changes wrote %d entries", len(again.History)-len(detail.History))
		}
	})
}

func TestDealHistoryAppendOnly(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		d := c.newDeal(t, owner, "Kept", "Lead", 100, "EUR")
		moveTo := c.stageNamed(t, owner, "Won").ID
		if err := c.deals.Move(ctx, owner, d.ID, moveTo); err != nil {
			t.Fatal(err)
		}
		history := func(dealID string) int {
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM deal_history WHERE deal_id = $1`, dealID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if history(d.ID) != 2 {
			t.Fatalf("history rows = %d, want 2", history(d.ID))
		}

		for _, stmt := range []string{
			`UPDATE deal_history SET new_value = 'Lost' WHERE deal_id = $1`,
			`UPDATE deal_history SET user_name = 'Someone else' WHERE deal_id = $1`,
			`DELETE FROM deal_history WHERE deal_id = $1`,
		} {
			if _, err := db.SQL().ExecContext(ctx, stmt, d.ID); err == nil {
				t.Errorf("%s succeeded, want the append-only trigger to reject it", stmt)
			}
		}
		var value string
		if err := db.SQL().QueryRowContext(ctx, `SELECT new_value FROM deal_history WHERE deal_id = $1 AND field = 'stage'`, d.ID).Scan(&value); err != nil {
			t.Fatal(err)
		}
		if value != "Won" || history(d.ID) != 2 {
			t.Errorf("history after rejected changes: %d rows, stage entry %q; want 2 rows and Won", history(d.ID), value)
		}
		if db.Dialect == sqlstore.Postgres {
			if _, err := db.SQL().ExecContext(ctx, `TRUNCATE deal_history`); err == nil {
				t.Error("TRUNCATE deal_history succeeded, want the trigger to reject it")
			}
		}

		// Deleting the deal takes its history along.
		if err := c.deals.Delete(ctx, owner, d.ID); err != nil {
			t.Fatal(err)
		}
		if n := history(d.ID); n != 0 {
			t.Errorf("history rows after deleting the deal = %d, want 0", n)
		}

		// Deleting the workspace takes every deal and its history along.
		other := c.newDeal(t, owner, "Other", "Lead", 100, "EUR")
		if _, err := db.SQL().ExecContext(ctx, `DELETE FROM workspaces WHERE id = $1`, owner.WorkspaceID); err != nil {
			t.Fatalf("delete workspace: %v", err)
		}
		if n := history(other.ID); n != 0 {
			t.Errorf("history rows after deleting the workspace = %d, want 0", n)
		}
	})
}

func TestDealScopeAndReferences(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")
		d := c.newDeal(t, owner, "Secret deal", "Lead", 100, "EUR")
		foreignCompany := &companies.Company{Name: "Foreign"}
		if err := c.companies.Create(ctx, other, foreignCompany); err != nil {
			t.Fatal(err)
		}
		foreignContact := &contacts.Contact{Given: "Foreign"}
		if err := c.contacts.Create(ctx, other, foreignContact); err != nil {
			t.Fatal(err)
		}
		ownContact := &contacts.Contact{Given: "Own"}
		if err := c.contacts.Create(ctx, owner, ownContact); err != nil {
			t.Fatal(err)
		}

		_, err := c.deals.Get(ctx, other, d.ID)
		wantCode(t, "Get from another workspace", err, chatalott.ENotFound)
		_, err = c.deals.Detail(ctx, other, d.ID)
		wantCode(t, "Detail from another workspace", err, chatalott.ENotFound)
		wantCode(t, "Move from another workspace", c.deals.Move(ctx, other, d.ID, c.stageNamed(t, other, "Won").ID), chatalott.ENotFound)
		hijack := *d
		hijack.Title, hijack.StageID, hijack.OwnerID = "Hijacked", c.stageNamed(t, other, "Lead").ID, other.UserID
		wantCode(t, "Update from another workspace", c.deals.Update(ctx, other, &hijack), chatalott.ENotFound)
		wantCode(t, "Delete from another workspace", c.deals.Delete(ctx, other, d.ID), chatalott.ENotFound)
		wantCode(t, "AddContact from another workspace", c.deals.AddContact(ctx, other, d.ID, foreignContact.ID), chatalott.ENotFound)
		if res, _ := c.deals.List(ctx, other, deals.ListQuery{}); len(res.Deals) != 0 {
			t.Errorf("another workspace lists %d deals, want 0", len(res.Deals))
		}

		// References into another workspace are refused as field errors.
		for _, tc := range []struct {
			field  string
			change func(d *deals.Deal)
		}{
			{"company_id", func(d *deals.Deal) { d.CompanyID = foreignCompany.ID }},
			{"stage_id", func(d *deals.Deal) { d.StageID = c.stageNamed(t, other, "Won").ID }},
			{"owner_id", func(d *deals.Deal) { d.OwnerID = other.UserID }},
		} {
			current, _ := c.deals.Get(ctx, owner, d.ID)
			tc.change(current)
			err := c.deals.Update(ctx, owner, current)
			wantCode(t, "update with a foreign "+tc.field, err, chatalott.EInvalid)
			if fieldErrors(err)[tc.field] == "" {
				t.Errorf("update with a foreign %s: errors %v, want one on %s", tc.field, err, tc.field)
			}
			fresh := &deals.Deal{Title: "New", StageID: c.stageNamed(t, owner, "Lead").ID, Currency: "EUR", OwnerID: owner.UserID}
			tc.change(fresh)
			wantCode(t, "create with a foreign "+tc.field, c.deals.Create(ctx, owner, fresh), chatalott.EInvalid)
		}

		// The store refuses the same references when the service is bypassed.
		store := &sqlstore.DealStore{DB: db}
		current, _ := c.deals.Get(ctx, owner, d.ID)
		current.CompanyID = foreignCompany.ID
		wantCode(t, "store update with a foreign company", store.UpdateDeal(ctx, owner, current, nil), chatalott.EInvalid)

		wantCode(t, "add a foreign contact", c.deals.AddContact(ctx, owner, d.ID, foreignContact.ID), chatalott.EInvalid)
		if err := c.deals.AddContact(ctx, owner, d.ID, ownContact.ID); err != nil {
			t.Fatal(err)
		}
		if err := c.deals.AddContact(ctx, owner, d.ID, ownContact.ID); err != nil {
			t.Errorf("adding a contact twice: %v, want no error", err)
		}
		wantCode(t, "RemoveContact from another workspace", c.deals.RemoveContact(ctx, other, d.ID, ownContact.ID), chatalott.ENotFound)
		got, err := c.deals.Get(ctx, owner, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Secret deal" || len(got.Contacts) != 1 || got.Contacts[0].Name != "Own" {
			t.Errorf("deal after other workspace's requests: %q with %d contacts, want unchanged with Own", got.Title, len(got.Contacts))
		}
		if err := c.deals.RemoveContact(ctx, owner, d.ID, ownContact.ID); err != nil {
			t.Fatal(err)
		}

		// A stale version is a conflict and writes nothing.
		stale, _ := c.deals.Get(ctx, owner, d.ID)
		fresh, _ := c.deals.Get(ctx, owner, d.ID)
		fresh.Title = "First edit"
		if err := c.deals.Update(ctx, owner, fresh); err != nil {
			t.Fatal(err)
		}
		stale.Title = "Second edit"
		wantCode(t, "update from a stale version", c.deals.Update(ctx, owner, stale), chatalott.EConflict)
		stale.Version = fresh.Version - 1
		wantCode(t, "store update from a stale version", store.UpdateDeal(ctx, owner, stale, nil), chatalott.EConflict)
		if got, _ := c.deals.Get(ctx, owner, d.ID); got.Title != "First edit" {
			t.Errorf("title = %q, want the first edit", got.Title)
		}
	})
}

func TestDealListFiltersAndBoard(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCRM(db)
		owner := newUser(t, db, "owner@example.com")
		other := newUser(t, db, "other@example.com")
		c.newDeal(t, other, "Foreign", "Lead", 999, "EUR")

		mk := func(title, stage string, amount int64, currency, close string) *deals.Deal {
			c.tick()
			d := &deals.Deal{Title: title, StageID: c.stageNamed(t, owner, stage).ID, Amount: amount, Currency: currency,
				OwnerID: owner.UserID, ExpectedClose: close}
			if err := c.deals.Create(ctx, owner, d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		mk("A", "Lead", 100050, "EUR", "2026-01-10")
		mk("B", "Lead", 200000, "EUR", "2026-02-10")
		mk("C", "Lead", 5000, "JPY", "")
		mk("D", "Won", 1234, "BHD", "2026-03-10")

		titles := func(q deals.ListQuery) string {
			t.Helper()
			res, err := c.deals.List(ctx, owner, q)
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, d := range res.Deals {
				s = append(s, d.Title)
			}
			return fmt.Sprint(s)
		}
		lead := c.stageNamed(t, owner, "Lead").ID
		for _, tc := range []struct {
			name string
			q    deals.ListQuery
			want string
		}{
			{"all", deals.ListQuery{}, "[D C B A]"},
			{"stage", deals.ListQuery{StageID: lead}, "[C B A]"},
			{"owner", deals.ListQuery{OwnerID: owner.UserID}, "[D C B A]"},
			{"other owner", deals.ListQuery{OwnerID: other.UserID}, "[]"},
			{"close from", deals.ListQuery{CloseFrom: "2026-02-10"}, "[D B]"},
			{"close to", deals.ListQuery{CloseTo: "2026-02-09"}, "[A]"},
			{"close range and stage", deals.ListQuery{StageID: lead, CloseFrom: "2026-01-01", CloseTo: "2026-12-31"}, "[B A]"},
			{"foreign stage", deals.ListQuery{StageID: c.stageNamed(t, other, "Lead").ID}, "[]"},
		} {
			if got := titles(tc.q); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
			}
		}
		_, err := c.deals.List(ctx, owner, deals.ListQuery{CloseFrom: "2026-13-01"})
		wantCode(t, "list with an invalid date", err, chatalott.EInvalid)

		board, err := c.deals.Board(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if len(board.Columns) != 6 {
			t.Fatalf("board has %d columns, want 6", len(board.Columns))
		}
		leadCol, wonCol := board.Columns[0], board.Columns[4]
		if leadCol.Count != 3 || len(leadCol.Deals) != 3 || leadCol.Hidden != 0 {
			t.Errorf("Lead column: count %d, %d cards, want 3 and 3", leadCol.Count, len(leadCol.Deals))
		}
		var totals []string
		for _, tot := range leadCol.Totals {
			totals = append(totals, tot.Text())
		}
		if got := fmt.Sprint(totals); got != "[3,000.50 EUR 5,000 JPY]" {
			t.Errorf("Lead totals = %s, want [3,000.50 EUR 5,000 JPY]", got)
		}
		if wonCol.Count != 1 || len(wonCol.Totals) != 1 || wonCol.Totals[0].Text() != "1.234 BHD" {
			t.Errorf("Won column: count %d totals %v, want 1 and 1.234 BHD", wonCol.Count, wonCol.Totals)
		}
		if leadCol.Deals[0].Title != "C" {
			t.Errorf("first Lead card = %s, want the most recently updated, C", leadCol.Deals[0].Title)
		}
	})
}

func TestDealListPaging(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	ctx := context.Background()
	c := newCRM(db)
	owner := newUser(t, db, "owner@example.com")
	for i := range deals.PageSize + 3 {
		c.tick()
		c.newDeal(t, owner, fmt.Sprintf("Deal %03d", i), "Lead", 1, "EUR")
	}
	first, err := c.deals.List(ctx, owner, deals.ListQuery{Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.deals.List(ctx, owner, deals.ListQuery{Page: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Deals) != deals.PageSize || !first.HasNext || len(second.Deals) != 3 || second.HasNext {
		t.Errorf("pages: %d (next %v) and %d (next %v), want %d, true, 3, false",
			len(first.Deals), first.HasNext, len(second.Deals), second.HasNext, deals.PageSize)
	}
	if second.Deals[2].Title != "Deal 000" {
		t.Errorf("last deal = %s, want the oldest, Deal 000", second.Deals[2].Title)
	}
}
