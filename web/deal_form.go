package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/deals"
)

// dealForm is the edit form's view of a deal with the choices it offers.
type dealForm struct {
	Deal *deals.Deal
	// Amount is the amount as typed, so that a rejected value is shown
	// back for correction.
	Amount     string
	Stages     []deals.Stage
	Members    []deals.Member
	Companies  []*companies.Company
	Currencies []string
}

// newDealForm loads the stages, members and companies the form offers.
func (s *Server) newDealForm(ctx context.Context, scope chatalott.Scope, d *deals.Deal, amount string) (*dealForm, error) {
	f := &dealForm{Deal: d, Amount: amount, Currencies: deals.Currencies()}
	var err error
	if f.Stages, err = s.Deals.Stages(ctx, scope); err != nil {
		return nil, err
	}
	if f.Members, err = s.Deals.Members(ctx, scope); err != nil {
		return nil, err
	}
	if f.Companies, err = s.Companies.Options(ctx, scope); err != nil {
		return nil, err
	}
	return f, nil
}

// decodeDealForm builds a deal from the posted form. It returns the deal,
// the amount as typed, and the errors of fields that could not be decoded
// at all. The deal's own rules run later in deals.Service.
func decodeDealForm(form url.Values) (*deals.Deal, string, chatalott.ValidationErrors) {
	var errs chatalott.ValidationErrors
	d := &deals.Deal{
		Title:         form.Get("title"),
		CompanyID:     form.Get("company_id"),
		StageID:       form.Get("stage_id"),
		Currency:      strings.ToUpper(strings.TrimSpace(form.Get("currency"))),
		ExpectedClose: form.Get("expected_close"),
		OwnerID:       form.Get("owner_id"),
	}
	amount := form.Get("amount")
	if code, err := deals.ParseCurrency(d.Currency); err != nil {
		errs = append(errs, chatalott.FieldError("currency", "Currency %q is not an ISO 4217 code in use; choose one from the list.", d.Currency))
	} else if d.Amount, err = deals.ParseAmount(amount, code); err != nil {
		msg := strings.TrimPrefix(err.Error(), "deals: ")
		errs = append(errs, chatalott.FieldError("amount", "%s.", strings.ToUpper(msg[:1])+msg[1:]))
	}
	if v := form.Get("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			errs = append(errs, chatalott.FieldError("version", "The form is damaged; reload the page and try again."))
		}
		d.Version = n
	}
	return d, amount, errs
}
