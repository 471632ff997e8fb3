package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
)

// crmNotices are the confirmations that company, deal and pipeline pages
// show after a redirect. Only these keys are accepted, so a link cannot put
// its own text on a page.
var crmNotices = map[string]string{
	"company-saved":   "Company saved.",
	"company-deleted": "Company deleted.",
	"deal-saved":      "Deal saved.",
	"deal-moved":      "Deal moved.",
	"deal-deleted":    "Deal deleted.",
	"pipeline-saved":  "Pipeline saved.",
	"stage-removed":   "Stage removed.",
}

func crmNoticeFrom(r *http.Request) string { return crmNotices[r.URL.Query().Get("notice")] }

// renderFailure shows err like renderError, except that an invalid input
// shows every field message, where renderError would show a generic
// sentence for a list of field errors. Forms without their own page (a move
// on the board, a button on a contact) use it.
func (s *Server) renderFailure(w http.ResponseWriter, r *http.Request, err error) {
	var verrs chatalott.ValidationErrors
	if !errors.As(err, &verrs) {
		s.renderError(w, r, err)
		return
	}
	messages := make([]string, len(verrs))
	for i, e := range verrs {
		messages[i] = e.Message
	}
	s.render(w, r, statusFor(chatalott.EInvalid), "error", page{Title: "Please check your input", Data: strings.Join(messages, " ")})
}

// pageNumber reads the page query parameter, 1 when it is missing or absurd.
func pageNumber(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if n < 1 || n > 1_000_000 {
		return 1
	}
	return n
}

type companyListData struct {
	Query    string
	Result   *companies.ListResult
	PrevPage string
	NextPage string
}

func (s *Server) handleCompanyList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	res, err := s.Companies.List(r.Context(), viewerFrom(r).Scope(), companies.ListQuery{Search: q, Page: pageNumber(r)})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := companyListData{Query: q, Result: res}
	link := func(p int) string {
		v := url.Values{"page": {strconv.Itoa(p)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/companies?" + v.Encode()
	}
	if res.Page > 1 {
		data.PrevPage = link(res.Page - 1)
	}
	if res.HasNext {
		data.NextPage = link(res.Page + 1)
	}
	s.render(w, r, http.StatusOK, "companies", page{Title: "Companies", Notice: crmNoticeFrom(r), Data: data})
}

func (s *Server) handleCompanyNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "company_form", page{Title: "New company", Data: newCompanyForm(&companies.Company{})})
}

func (s *Server) handleCompanyCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	c := decodeCompanyForm(r.PostForm)
	if err := s.Companies.Create(r.Context(), viewerFrom(r).Scope(), c); err != nil {
		s.renderCompanyFormError(w, r, "New company", c, err)
		return
	}
	http.Redirect(w, r, "/companies/"+c.ID+"?notice=company-saved", http.StatusSeeOther)
}

func (s *Server) renderCompanyFormError(w http.ResponseWriter, r *http.Request, title string, c *companies.Company, err error) {
	code := chatalott.ErrorCode(err)
	if code != chatalott.EInvalid {
		s.renderError(w, r, err)
		return
	}
	fields, formErr := formErrors(err)
	s.render(w, r, statusFor(code), "company_form", page{Title: title, Errors: fields, FormError: formErr, Data: newCompanyForm(c)})
}

type companyViewData struct {
	Company *companies.Company
	People  []*contacts.Contact
	Deals   *deals.ListResult
}

func (s *Server) handleCompanyView(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	id := r.PathValue("id")
	c, err := s.Companies.Get(r.Context(), scope, id)
	if err != nil {
		s.renderMissing(w, r, err, "company", lookupIn(r.Context(), s.Companies.Get, id))
		return
	}
	data := companyViewData{Company: c}
	if data.People, err = s.Companies.People(r.Context(), scope, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	if data.Deals, err = s.Deals.List(r.Context(), scope, deals.ListQuery{CompanyID: id}); err != nil {
		s.renderError(w, r, err)
		return
	}
	p := page{Title: c.Name, Notice: crmNoticeFrom(r), Data: data}
	if !s.withPanel(w, r, chatalott.Subject{Type: chatalott.SubjectCompany, ID: id}, &p) {
		return
	}
	s.render(w, r, http.StatusOK, "company_view", p)
}

func (s *Server) handleCompanyEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.Companies.Get(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"))
	if err != nil {
		s.renderMissing(w, r, err, "company", lookupIn(r.Context(), s.Companies.Get, r.PathValue("id")))
		return
	}
	s.render(w, r, http.StatusOK, "company_form", page{Title: "Edit " + c.Name, Data: newCompanyForm(c)})
}

func (s *Server) handleCompanyUpdate(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	existing, err := s.Companies.Get(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	c := decodeCompanyForm(r.PostForm)
	c.ID, c.CreatedAt = existing.ID, existing.CreatedAt
	if err := s.Companies.Update(r.Context(), scope, c); err != nil {
		s.renderCompanyFormError(w, r, "Edit "+existing.Name, c, err)
		return
	}
	http.Redirect(w, r, "/companies/"+c.ID+"?notice=company-saved", http.StatusSeeOther)
}

func (s *Server) handleCompanyDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Companies.Delete(r.Context(), viewerFrom(r).Scope(), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/companies?notice=company-deleted", http.StatusSeeOther)
}

// handleContactCompany links a contact to the company named like its
// organization (action "organization", creating the company when needed),
// or unlinks it (action "unlink").
func (s *Server) handleContactCompany(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	scope := viewerFrom(r).Scope()
	id := r.PathValue("id")
	var err error
	switch r.PostForm.Get("action") {
	case "organization":
		_, err = s.Companies.LinkContactToOrganization(r.Context(), scope, id)
	case "unlink":
		err = s.Companies.LinkContact(r.Context(), scope, id, "")
	default:
		// Look the contact up first, so that a contact of another
		// workspace returns 404 here as it does on the contact page.
		if _, err = s.Contacts.Get(r.Context(), scope, id); err == nil {
			err = chatalott.FieldError("action", "Choose to link the organization or to unlink the company.")
		}
	}
	if err != nil {
		s.renderFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+id, http.StatusSeeOther)
}

// companyForm is the edit form's view of a company: lists padded with blank
// rows so that entries can be added without JavaScript.
type companyForm struct {
	ID        string
	Company   *companies.Company
	Phones    []contacts.Phone
	Addresses []contacts.Address
	Tags      string
}

func newCompanyForm(c *companies.Company) companyForm {
	f := companyForm{ID: c.ID, Company: c, Tags: strings.Join(c.Tags, ", ")}
	f.Phones = append(append(f.Phones, c.Phones...), make([]contacts.Phone, blankRows)...)
	f.Addresses = append(append(f.Addresses, c.Addresses...), make([]contacts.Address, 1)...)
	return f
}

// decodeCompanyForm builds a company from the posted form; the company's
// own rules run later in companies.Service.
func decodeCompanyForm(form url.Values) *companies.Company {
	c := &companies.Company{Name: form.Get("name"), Website: form.Get("website"), Note: form.Get("note")}
	c.Tags = strings.Split(form.Get("tags"), ",")
	for i, number := range form["phone"] {
		c.Phones = append(c.Phones, contacts.Phone{Label: at(form["phone_label"], i), Number: number})
	}
	for i := range form["address_street"] {
		c.Addresses = append(c.Addresses, contacts.Address{
			Label:      at(form["address_label"], i),
			Street:     at(form["address_street"], i),
			Extended:   at(form["address_extended"], i),
			City:       at(form["address_city"], i),
			Region:     at(form["address_region"], i),
			PostalCode: at(form["address_postal_code"], i),
			Country:    at(form["address_country"], i),
		})
	}
	return c
}
