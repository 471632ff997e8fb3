package web_test

import (
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/relationships"
	"github.com/chatalott/chatalott/search"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/timeline"
	"github.com/chatalott/chatalott/web"
)

// wireCRMServices sets the relationship, timeline, follow-up and search
// services of a test server on db with the test clock.
func wireCRMServices(s *web.Server, db *sqlstore.DB, now func() time.Time) {
	s.Relationships = &relationships.Service{Store: &sqlstore.RelationshipStore{DB: db}, Contacts: s.Contacts, Now: now, NewID: chatalott.NewID}
	s.Timeline = &timeline.Service{Store: &sqlstore.TimelineStore{DB: db}, Now: now, NewID: chatalott.NewID}
	s.FollowUps = &followups.Service{Store: &sqlstore.FollowUpStore{DB: db}, Now: now, NewID: chatalott.NewID}
	s.Search = &search.Service{Store: &sqlstore.SearchStore{DB: db}}
}
