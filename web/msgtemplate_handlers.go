package web

import (
	"net/http"
	"net/url"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
	"github.com/chatalott/chatalott/msgtemplates"
)

// templateNotices are the confirmations that template pages show after a
// redirect. Only these keys are accepted, so a link cannot put its own
// text on a page.
var templateNotices = map[string]string{
	"template-saved":   "Template saved.",
	"template-deleted": "Template deleted.",
}

func templateNoticeFrom(r *http.Request) string { return templateNotices[r.URL.Query().Get("notice")] }

type templateListData struct {
	Personal []*msgtemplates.Template
	Shared   []*msgtemplates.Template
}

func (s *Server) handleTemplateList(w http.ResponseWriter, r *http.Request) {
	list, err := s.MessageTemplates.List(r.Context(), viewerFrom(r).Scope())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var data templateListData
	for _, t := range list {
		if t.Shared() {
			data.Shared = append(data.Shared, t)
		} else {
			data.Personal = append(data.Personal, t)
		}
	}
	s.render(w, r, http.StatusOK, "message_templates", page{Title: "Templates", Notice: templateNoticeFrom(r), Data: data})
}

// templateFormData is the data of the template form.
type templateFormData struct {
	Template  *msgtemplates.Template
	Shared    bool
	CanShare  bool
	Variables []string
}

func (s *Server) templateForm(r *http.Request, t *msgtemplates.Template, shared bool) (templateFormData, error) {
	canShare, err := s.MessageTemplates.CanManageShared(r.Context(), viewerFrom(r).Scope())
	return templateFormData{Template: t, Shared: shared, CanShare: canShare, Variables: msgtemplates.Variables}, err
}

func (s *Server) renderTemplateForm(w http.ResponseWriter, r *http.Request, status int, title string, t *msgtemplates.Template, shared bool, fail error) {
	data, err := s.templateForm(r, t, shared)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := page{Title: title, Data: data}
	if fail != nil {
		p.Errors, p.FormError = formErrors(fail)
	}
	s.render(w, r, status, "message_template_form", p)
}

func (s *Server) handleTemplateNew(w http.ResponseWriter, r *http.Request) {
	s.renderTemplateForm(w, r, http.StatusOK, "New template", &msgtemplates.Template{}, false, nil)
}

func decodeTemplateForm(form url.Values) (*msgtemplates.Template, bool) {
	t := &msgtemplates.Template{Name: form.Get("name"), Subject: form.Get("subject"), Body: form.Get("body")}
	return t, form.Get("shared") == "on"
}

// saveTemplateFailed shows the form again for invalid input and an error
// page for anything else, such as a member changing a shared template.
func (s *Server) saveTemplateFailed(w http.ResponseWriter, r *http.Request, title string, t *msgtemplates.Template, shared bool, err error) {
	code := chatalott.ErrorCode(err)
	if code != chatalott.EInvalid {
		s.renderError(w, r, err)
		return
	}
	s.renderTemplateForm(w, r, statusFor(code), title, t, shared, err)
}

func (s *Server) handleTemplateCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	t, shared := decodeTemplateForm(r.PostForm)
	if err := s.MessageTemplates.Create(r.Context(), viewerFrom(r).Scope(), t, shared); err != nil {
		s.saveTemplateFailed(w, r, "New template", t, shared, err)
		return
	}
	http.Redirect(w, r, "/templates/"+t.ID+"?notice=template-saved", http.StatusSeeOther)
}

// templateViewData is a template with whether the viewer may change it.
type templateViewData struct {
	Template *msgtemplates.Template
	CanEdit  bool
}

func (s *Server) handleTemplateView(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	t, err := s.MessageTemplates.Get(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	canEdit := !t.Shared()
	if t.Shared() {
		if canEdit, err = s.MessageTemplates.CanManageShared(r.Context(), scope); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "message_template_view", page{Title: t.Name, Notice: templateNoticeFrom(r),
		Data: templateViewData{Template: t, CanEdit: canEdit}})
}

func (s *Server) handleTemplateEdit(w http.ResponseWriter, r *http.Request) {
	t, err := s.MessageTemplates.GetForEdit(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderTemplateForm(w, r, http.StatusOK, "Edit "+t.Name, t, t.Shared(), nil)
}

func (s *Server) handleTemplateUpdate(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	existing, err := s.MessageTemplates.Get(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	t, shared := decodeTemplateForm(r.PostForm)
	t.ID = existing.ID
	if err := s.MessageTemplates.Update(r.Context(), scope, t, shared); err != nil {
		s.saveTemplateFailed(w, r, "Edit "+existing.Name, t, shared, err)
		return
	}
	http.Redirect(w, r, "/templates/"+t.ID+"?notice=template-saved", http.StatusSeeOther)
}

func (s *Server) handleTemplateDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.MessageTemplates.Delete(r.Context(), viewerFrom(r).Scope(), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/templates?notice=template-deleted", http.StatusSeeOther)
}

// templatePreviewData is the data of the preview page: the contact picker
// and, once a contact is chosen, the rendered text.
type templatePreviewData struct {
	Template *msgtemplates.Template
	Query    string
	Contacts []*contacts.Contact
	// Preview is nil until a contact is chosen.
	Preview *msgtemplates.Preview
}

// handleTemplatePreview renders the template for ?contact= and, when set,
// ?deal=. The rendered text is plain text that the page escapes like any
// other data, so values from contacts never become markup.
func (s *Server) handleTemplatePreview(w http.ResponseWriter, r *http.Request) {
	scope := viewerFrom(r).Scope()
	t, err := s.MessageTemplates.Get(r.Context(), scope, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	query := r.URL.Query()
	data := templatePreviewData{Template: t, Query: query.Get("q")}
	if contactID := query.Get("contact"); contactID != "" {
		user := viewerFrom(r).User
		me := msgtemplates.Sender{Name: user.Name, Email: user.Email}
		if data.Preview, err = s.MessageTemplates.Render(r.Context(), scope, me, t.ID, contactID, query.Get("deal")); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	list, err := s.Contacts.List(r.Context(), scope, contacts.ListQuery{Search: data.Query, Page: 1})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data.Contacts = list.Contacts
	s.render(w, r, http.StatusOK, "message_template_preview", page{Title: "Preview " + t.Name, Data: data})
}
