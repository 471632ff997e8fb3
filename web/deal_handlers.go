package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/deals"
)

type dealListData struct {
	Query    deals.ListQuery
	Result   *deals.ListResult
	Stages   []deals.Stage
	Members  []deals.Member
	PrevPage string
	NextPage string
}

func (s *Server) handleDealList(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	v := r.URL.Query()
	q := deals.ListQuery{StageID: v.Get("stage"), OwnerID: v.Get("owner"), CompanyID: v.Get("company"),
		CloseFrom: v.Get("close_from"), CloseTo: v.Get("close_to"), Page: pageNumber(r)}

	data := dealListData{Query: q, Result: &deals.ListResult{Page: q.Page}}
	var err error
	if data.Stages, err = s.Deals.Stages(r.Context(), scope); err != nil {
		s.renderError(w, r, err)
		return
	}
	if data.Members, err = s.Deals.Members(r.Context(), scope); err != nil {
		s.renderError(w, r, err)
		return
	}

	res, err := s.Deals.List(r.Context(), scope, q)
	if chatalott.ErrorCode(err) == chatalott.EInvalid {
		fields, formErr := formErrors(err)
		s.render(w, r, http.StatusUnprocessableEntity, "deals", page{Title: "Deals", Errors: fields, FormError: formErr, Data: data})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}

	data.Result = res
	link := func(p int) string {
		params := url.Values{"page": {strconv.Itoa(p)}}
		for key, value := range map[string]string{"stage": q.StageID, "owner": q.OwnerID, "company": q.CompanyID,
			"close_from": q.CloseFrom, "close_to": q.CloseTo} {
			if value != "" {
				params.Set(key, value)
			}
		}
		return "/deals?" + params.Encode()
	}
	if res.Page > 1 {
		data.PrevPage = link(res.Page - 1)
	}
	if res.HasNext {
		data.NextPage = link(res.Page + 1)
	}
	s.render(w, r, http.StatusOK, "deals", page{Title: "Deals", Notice: crmNoticeFrom(r), Data: data})
}

func (s *Server) handleDealBoard(w http.ResponseWriter, r *http.Request) {
	board, err := s.Deals.Board(r.Context(), viewerFrom(r).Scope())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "deal_board", page{Title: "Deal board", Notice: crmNoticeFrom(r), Data: board})
}

func (s *Server) handleDealNew(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	d := &deals.Deal{Currency: deals.DefaultCurrency, OwnerID: scope.UserID, CompanyID: r.URL.Query().Get("company_id")}
	// A company chosen in the link must be one of this workspace's: any
	// other id answers 404, like a company that does not exist.
	if d.CompanyID != "" {
		if _, err := s.Companies.Get(r.Context(), scope, d.CompanyID); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	form, err := s.newDealForm(r.Context(), scope, d, "")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, st := range form.Stages {
		if st.Kind == deals.KindOpen {
			d.StageID = st.ID
			break
		}
	}
	s.render(w, r, http.StatusOK, "deal_form", page{Title: "New deal", Data: form})
}

func (s *Server) handleDealCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	d, amount, errs := decodeDealForm(r.PostForm)
	err := errs.Err()
	if err == nil {
		err = s.Deals.Create(r.Context(), viewerFrom(r).Scope(), d)
	}
	if err != nil {
		s.renderDealFormError(w, r, "New deal", d, amount, err)
		return
	}
	http.Redirect(w, r, "/deals/"+d.ID+"?notice=deal-saved", http.StatusSeeOther)
}

func (s *Server) renderDealFormError(w http.ResponseWriter, r *http.Request, title string, d *deals.Deal, amount string, err error) {
	code := chatalott.ErrorCode(err)
	if code != chatalott.EInvalid {
		s.renderError(w, r, err)
		return
	}
	form, formErr := s.newDealForm(r.Context(), viewerFrom(r).Scope(), d, amount)
	if formErr != nil {
		s.renderError(w, r, formErr)
		return
	}
	fields, message := formErrors(err)
	s.render(w, r, statusFor(code), "deal_form", page{Title: title, Errors: fields, FormError: message, Data: form})
}

type dealViewData struct {
	*deals.Detail
	// PersonQuery is the search for a contact to add; People are its
	// matches.
	PersonQuery string
	People      []*contacts.Contact
}

func (s *Server) handleDealView(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	detail, err := s.Deals.Detail(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderMissing(w, r, err, "deal", lookupIn(r.Context(), s.Deals.Get, r.PathValue("id")))
		return
	}
	data := dealViewData{Detail: detail, PersonQuery: r.URL.Query().Get("person")}
	if data.PersonQuery != "" {
		res, err := s.Contacts.List(r.Context(), scope, contacts.ListQuery{Search: data.PersonQuery})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		data.People = res.Contacts
	}
	p := page{Title: detail.Deal.Title, Notice: crmNoticeFrom(r), Data: data}
	if !s.withPanel(w, r, chatalott.Subject{Type: chatalott.SubjectDeal, ID: detail.Deal.ID}, &p) {
		return
	}
	s.render(w, r, http.StatusOK, "deal_view", p)
}

func (s *Server) handleDealEdit(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	d, err := s.Deals.Get(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderMissing(w, r, err, "deal", lookupIn(r.Context(), s.Deals.Get, r.PathValue("id")))
		return
	}
	form, err := s.newDealForm(r.Context(), scope, d, d.AmountInput())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "deal_form", page{Title: "Edit " + d.Title, Data: form})
}

func (s *Server) handleDealUpdate(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	existing, err := s.Deals.Get(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	d, amount, errs := decodeDealForm(r.PostForm)
	d.ID = existing.ID
	err = errs.Err()
	if err == nil {
		err = s.Deals.Update(r.Context(), scope, d)
	}
	if err != nil {
		s.renderDealFormError(w, r, "Edit "+existing.Title, d, amount, err)
		return
	}
	http.Redirect(w, r, "/deals/"+d.ID+"?notice=deal-saved", http.StatusSeeOther)
}

func (s *Server) handleDealDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Deals.Delete(r.Context(), viewerFrom(r).Scope(), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/deals?notice=deal-deleted", http.StatusSeeOther)
}

// handleDealMove moves a deal to the posted stage_id, from the board's card
// form or the deal page, and returns to where the form was.
func (s *Server) handleDealMove(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	if err := s.Deals.Move(r.Context(), viewerFrom(r).Scope(), id, r.PostForm.Get("stage_id")); err != nil {
		s.renderFailure(w, r, err)
		return
	}
	if r.PostForm.Get("from") == "board" {
		http.Redirect(w, r, "/deals/board?notice=deal-moved", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/deals/"+id+"?notice=deal-moved", http.StatusSeeOther)
}

func (s *Server) handleDealContactAdd(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	if err := s.Deals.AddContact(r.Context(), viewerFrom(r).Scope(), id, r.PostForm.Get("contact_id")); err != nil {
		s.renderFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/deals/"+id+"?notice=deal-saved", http.StatusSeeOther)
}

func (s *Server) handleDealContactRemove(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.Deals.RemoveContact(r.Context(), viewerFrom(r).Scope(), id, r.PathValue("contact")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/deals/"+id+"?notice=deal-saved", http.StatusSeeOther)
}
