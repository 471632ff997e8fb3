package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/companies"
	"github.com/chatalott/chatalott/contacts"
)

type contactListData struct {
	Query    string
	Result   *contacts.ListResult
	PrevPage string
	NextPage string
}

func (s *Server) handleContactList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if pageNo < 1 || pageNo > 1_000_000 {
		pageNo = 1
	}
	res, err := s.Contacts.List(r.Context(), viewerFrom(r).Scope(), contacts.ListQuery{Search: q, Page: pageNo})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := contactListData{Query: q, Result: res}
	link := func(p int) string {
		v := url.Values{"page": {strconv.Itoa(p)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/contacts?" + v.Encode()
	}
	if res.Page > 1 {
		data.PrevPage = link(res.Page - 1)
	}
	if res.HasNext {
		data.NextPage = link(res.Page + 1)
	}
	s.render(w, r, http.StatusOK, "contacts", page{Title: "Contacts", Notice: noticeFrom(r), Data: data})
}

func (s *Server) handleContactNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "contact_form", page{Title: "New contact", Data: newContactForm(&contacts.Contact{})})
}

func (s *Server) handleContactCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	c, errs := decodeContactForm(r.PostForm)
	err := errs.Err()
	if err == nil {
		err = s.Contacts.Create(r.Context(), viewerFrom(r).Scope(), c)
	}
	if err != nil {
		s.renderContactFormError(w, r, "New contact", c, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+c.ID+"?notice=contact-saved", http.StatusSeeOther)
}

func (s *Server) renderContactFormError(w http.ResponseWriter, r *http.Request, title string, c *contacts.Contact, err error) {
	code := chatalott.ErrorCode(err)
	if code != chatalott.EInvalid {
		s.renderError(w, r, err)
		return
	}
	fields, formErr := formErrors(err)
	s.render(w, r, statusFor(code), "contact_form", page{Title: title, Errors: fields, FormError: formErr, Data: newContactForm(c)})
}

func (s *Server) handleContactView(w http.ResponseWriter, r *http.Request) {
	c, err := s.Contacts.Get(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"))
	if err != nil {
		s.renderMissing(w, r, err, "contact", lookupIn(r.Context(), s.Contacts.Get, r.PathValue("id")))
		return
	}
	company, err := s.Companies.OfContact(r.Context(), viewerFrom(r).Scope(), c.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := page{Title: c.DisplayName(), Notice: s.contactNotice(r), Data: contactViewData{Contact: c, Company: company}}
	if !s.withPanel(w, r, chatalott.Subject{Type: chatalott.SubjectContact, ID: c.ID}, &p) {
		return
	}
	s.render(w, r, http.StatusOK, "contact_view", p)
}

// contactViewData is a contact with its company, nil when it has none. The
// embedded contact keeps the template's field names.
type contactViewData struct {
	*contacts.Contact
	Company *companies.Company
}

func (s *Server) handleContactEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.Contacts.Get(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"))
	if err != nil {
		s.renderMissing(w, r, err, "contact", lookupIn(r.Context(), s.Contacts.Get, r.PathValue("id")))
		return
	}
	s.render(w, r, http.StatusOK, "contact_form", page{Title: "Edit " + c.DisplayName(), Data: newContactForm(c)})
}

func (s *Server) handleContactUpdate(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	existing, err := s.Contacts.Get(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	c, errs := decodeContactForm(r.PostForm)
	c.ID, c.CreatedAt, c.Photo = existing.ID, existing.CreatedAt, existing.Photo
	c.Fields = existing.Fields
	err = errs.Err()
	if err == nil {
		err = s.Contacts.Update(r.Context(), scope, c)
	}
	if err != nil {
		s.renderContactFormError(w, r, "Edit "+existing.DisplayName(), c, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+c.ID+"?notice=contact-saved", http.StatusSeeOther)
}

func (s *Server) handleContactDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Contacts.Delete(r.Context(), viewerFrom(r).Scope(), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/contacts?notice=contact-deleted", http.StatusSeeOther)
}

// handleContactPhoto serves the contact's picture. The stored content type
// is one of the image types that contacts.Validate allows, and nosniff plus
// the non-HTML policy keep a browser from running it as anything else.
func (s *Server) handleContactPhoto(w http.ResponseWriter, r *http.Request) {
	c, err := s.Contacts.Get(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"))
	if err == nil && c.Photo == nil {
		err = chatalott.Errorf(chatalott.ENotFound, "This contact has no photo.")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", c.Photo.ContentType)
	w.Header().Set("Content-Disposition", "inline")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(c.Photo.Data)
}
