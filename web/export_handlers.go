package web

import (
	"io"
	"mime"
	"net/http"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/exports"
)

// exportFormats lists the formats that GET /contacts/export accepts.
var exportFormats = map[string]bool{
	exports.FormatJSON: true, exports.FormatCSV: true, exports.FormatVCard: true, exports.FormatVCard30: true,
}

// handleExport streams every contact of the viewer's workspace as a file
// download in the format named by the "format" query parameter.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if !exportFormats[format] {
		s.renderError(w, r, chatalott.FieldError("format",
			"Export format %q is not known; choose json, csv, vcard (vCard 4.0) or vcard30 (vCard 3.0).", format))
		return
	}
	v := viewerFrom(r)
	contentType, ext := exports.ContentType(format)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", attachment("chatalott-contacts-"+s.Now().UTC().Format("2006-01-02")+"."+ext))

	out := &countingWriter{w: w}
	n, err := exports.Write(r.Context(), s.ExportSource, v.Scope(), out, format)
	if err != nil {
		if out.n == 0 {
			// Nothing is sent yet, so a normal error page can replace the file.
			h.Del("Content-Disposition")
			s.renderError(w, r, err)
			return
		}
		// The status is sent already. Breaking the connection makes the
		// browser report a failed download instead of keeping a cut file.
		s.Logger.Error("export failed midway", "workspace_id", v.Workspace.ID, "user_id", v.User.ID,
			"format", format, "bytes_sent", out.n, "err", err)
		panic(http.ErrAbortHandler)
	}
	s.Logger.Info("contacts exported", "workspace_id", v.Workspace.ID, "user_id", v.User.ID, "format", format, "contacts", n)
}

// attachment returns a Content-Disposition value that makes the browser
// save the response as fileName.
func attachment(fileName string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": fileName})
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
