package web_test

import (
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/msgtemplates"
	"github.com/chatalott/chatalott/sqlstore"
	"github.com/chatalott/chatalott/web"
)

// newMessageTemplates returns the template service of a test server on db,
// with the test clock.
func newMessageTemplates(srv *web.Server, db *sqlstore.DB, now func() time.Time) *msgtemplates.Service {
	return &msgtemplates.Service{Store: &sqlstore.MessageTemplateStore{DB: db}, Roles: &sqlstore.MembershipRoles{DB: db},
		Contacts: srv.Contacts, Companies: srv.Companies, Deals: srv.Deals, Now: now, NewID: chatalott.NewID}
}
