package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/importjobs"
	"github.com/chatalott/chatalott/imports"
)

// maxUploadParts bounds the multipart parts read before the file part, so
// that a request of many small parts cannot keep the handler reading.
const maxUploadParts = 10

// importUploadPage is the data of the upload form.
type importUploadPage struct {
	LimitMiB int
}

func (s *Server) renderImportUpload(w http.ResponseWriter, r *http.Request, status int, p page) {
	p.Title = "Import contacts"
	p.Data = importUploadPage{LimitMiB: importjobs.MaxUploadBytes >> 20}
	s.render(w, r, status, "import_upload", p)
}

func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) {
	s.renderImportUpload(w, r, http.StatusOK, page{Notice: noticeFrom(r)})
}

// handleImportUpload streams the "file" part of a multipart form into a new
// import job and sends the browser to the job's page.
func (s *Server) handleImportUpload(w http.ResponseWriter, r *http.Request) {
	// The body may exceed the file limit by the multipart headers and
	// boundaries; the file part itself is limited exactly below.
	r.Body = http.MaxBytesReader(w, r.Body, importjobs.MaxUploadBytes+maxFormBytes)
	part, err := uploadedFile(r)
	var job *importjobs.Job
	if err == nil {
		job, err = s.ImportJobs.Upload(r.Context(), viewerFrom(r).Scope(), part.FileName(), &limitedFile{r: part, left: importjobs.MaxUploadBytes})
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = errFileTooLarge
		}
		if code := chatalott.ErrorCode(err); code == chatalott.EInternal {
			s.renderError(w, r, err)
			return
		}
		s.renderImportUpload(w, r, statusFor(chatalott.ErrorCode(err)), page{FormError: chatalott.ErrorMessage(err)})
		return
	}
	http.Redirect(w, r, importPath(job.ID), http.StatusSeeOther)
}

var errFileTooLarge = chatalott.Errorf(chatalott.ETooLarge,
	"The file is larger than %d MiB, the upload limit. Split it into smaller files and import each one.", importjobs.MaxUploadBytes>>20)

// uploadedFile returns the first part of the multipart form named "file"
// that carries a file name.
func uploadedFile(r *http.Request) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &chatalott.Error{Code: codeUnsupportedMediaType, Err: err,
			Message: "The upload must be sent as multipart/form-data. Use the form on this page to choose a file and upload it."}
	}
	for range maxUploadParts {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, chatalott.Errorf(chatalott.EInvalid, "The upload could not be read; choose the file and upload it again.")
		}
		if part.FormName() == "file" && part.FileName() != "" {
			return part, nil
		}
	}
	return nil, chatalott.FieldError("file", "No file was chosen; choose a CSV or vCard file to upload.")
}

// limitedFile reads at most left bytes and then fails with errFileTooLarge,
// so that the upload stops at the limit while it streams.
type limitedFile struct {
	r    io.Reader
	left int64
}

func (l *limitedFile) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Reading one byte more distinguishes a file of exactly the limit
		// from a larger one.
		var probe [1]byte
		n, err := l.r.Read(probe[:])
		if n > 0 {
			return 0, errFileTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// importJobPage is the data of the job page, which shows one stage.
type importJobPage struct {
	Job     *importjobs.Job
	Preview *importjobs.Preview
	Mapping []mappingRow
	// Rules lists the duplicate rules with the one chosen.
	Rules []ruleOption
}

type mappingRow struct {
	Index   int
	Header  string
	Options []targetOption
}

type targetOption struct {
	Value, Label string
	Selected     bool
}

type ruleOption struct {
	Value, Label, Help string
	Checked            bool
}

func newMappingRows(job *importjobs.Job) []mappingRow {
	if job.Detection.Format != addressbook.FormatCSV {
		return nil
	}
	chosen := map[int]addressbook.Target{}
	for _, m := range job.Options.Mapping {
		chosen[m.Index] = m.Target
	}
	targets := addressbook.Targets()
	rows := make([]mappingRow, len(job.Detection.Headers))
	for i, header := range job.Detection.Headers {
		current, ok := chosen[i]
		if !ok {
			current = addressbook.TargetIgnore
		}
		opts := make([]targetOption, len(targets))
		for j, t := range targets {
			opts[j] = targetOption{Value: string(t.Target), Label: t.Label, Selected: t.Target == current}
		}
		rows[i] = mappingRow{Index: i, Header: header, Options: opts}
	}
	return rows
}

func newRuleOptions(chosen imports.Duplicates) []ruleOption {
	if chosen == "" {
		chosen = imports.DuplicatesSkip
	}
	return []ruleOption{
		{string(imports.DuplicatesSkip), "Skip", "Keep the existing contact and ignore the row.", chosen == imports.DuplicatesSkip},
		{string(imports.DuplicatesUpdate), "Update", "Copy the row's values into the existing contact; nothing is removed from it.", chosen == imports.DuplicatesUpdate},
		{string(imports.DuplicatesCreate), "Create", "Create a new contact anyway.", chosen == imports.DuplicatesCreate},
	}
}

// renderImportJob shows the job's current stage: the preview with the
// mapping form while uploaded, the progress while running, the report once
// done or failed.
func (s *Server) renderImportJob(w http.ResponseWriter, r *http.Request, status int, job *importjobs.Job, p page) {
	data := importJobPage{Job: job}
	if job.Status == importjobs.StatusUploaded {
		preview, err := s.ImportJobs.Preview(r.Context(), viewerFrom(r).Scope(), job)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		data.Preview = preview
		data.Mapping = newMappingRows(job)
		data.Rules = newRuleOptions(job.Options.Duplicates)
	}
	p.Title = "Import " + job.FileName
	p.Refresh = job.Status == importjobs.StatusRunning
	p.Data = data
	s.render(w, r, status, "import_job", p)
}

func (s *Server) handleImportJob(w http.ResponseWriter, r *http.Request) {
	job, err := s.ImportJobs.Get(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderImportJob(w, r, http.StatusOK, job, page{Notice: noticeFrom(r)})
}

// importChoice decodes the preview form: the duplicate rule, and one
// "target_N" select per CSV column. The column count comes from the job,
// so a missing select is reported by name.
func importChoice(r *http.Request, job *importjobs.Job) importjobs.Choice {
	choice := importjobs.Choice{Duplicates: r.PostForm.Get("duplicates")}
	if job.Detection.Format == addressbook.FormatCSV {
		choice.Targets = make([]string, len(job.Detection.Headers))
		for i := range choice.Targets {
			choice.Targets[i] = r.PostForm.Get("target_" + strconv.Itoa(i))
		}
	}
	return choice
}

// importPath returns the path of an import's page.
func importPath(id string) string { return "/contacts/import/" + id + "/" }

// handleImportChoice serves both buttons of the preview form: preview
// again with the edited mapping, or start the import.
func (s *Server) handleImportChoice(start bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scope := viewerFrom(r).Scope()
		job, err := s.ImportJobs.Get(r.Context(), scope, r.PathValue("id"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if !s.parseForm(w, r) {
			return
		}
		choice := importChoice(r, job)
		if start {
			_, err = s.ImportJobs.Start(r.Context(), scope, job.ID, choice)
		} else {
			_, err = s.ImportJobs.SaveOptions(r.Context(), scope, job.ID, choice)
		}
		if err != nil {
			s.renderImportChoiceError(w, r, job, err)
			return
		}
		http.Redirect(w, r, importPath(job.ID), http.StatusSeeOther)
	}
}

// renderImportChoiceError shows the preview again with the invalid fields
// marked, or the error page for any other failure.
func (s *Server) renderImportChoiceError(w http.ResponseWriter, r *http.Request, job *importjobs.Job, err error) {
	code := chatalott.ErrorCode(err)
	if code != chatalott.EInvalid || job.Status != importjobs.StatusUploaded {
		s.renderError(w, r, err)
		return
	}
	fields, formErr := formErrors(err)
	s.renderImportJob(w, r, statusFor(code), job, page{Errors: fields, FormError: formErr})
}

func (s *Server) handleImportDiscard(w http.ResponseWriter, r *http.Request) {
	if err := s.ImportJobs.Discard(r.Context(), viewerFrom(r).Scope(), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/contacts/import?notice=import-discarded", http.StatusSeeOther)
}

// handleImportReportCSV sends the report rows as CSV, each cell
// neutralised so that a spreadsheet shows it as text.
func (s *Server) handleImportReportCSV(w http.ResponseWriter, r *http.Request) {
	job, err := s.ImportJobs.Get(r.Context(), viewerFrom(r).Scope(), r.PathValue("id"))
	if err == nil && job.Report == nil {
		err = chatalott.Errorf(chatalott.ENotFound, "This import has no report yet; wait until it finishes.")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", attachment(fmt.Sprintf("chatalott-import-report-%s.csv", job.CreatedAt.Format("2006-01-02"))))
	out := csv.NewWriter(w)
	out.Write([]string{"line", "outcome", "name", "reason"})
	for _, row := range job.Report.Rows {
		out.Write([]string{strconv.Itoa(row.Line), neutralizeFormula(row.Outcome), neutralizeFormula(row.Name), neutralizeFormula(row.Reason)})
	}
	out.Flush()
	if err := out.Error(); err != nil {
		s.Logger.Warn("write import report", "import_id", job.ID, "err", err)
	}
}

// neutralizeFormula puts an apostrophe in front of a cell that a
// spreadsheet would run as a formula: one that starts with '=', '+', '-',
// '@', a tab or a carriage return. Spreadsheets show the cell as text.
//
// NOTE: addressbook keeps its own escaping for the contact CSV export
// unexported; this copy serves the report, which is not read back.
func neutralizeFormula(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
