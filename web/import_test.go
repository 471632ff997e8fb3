package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
)

// googleSample is Google Contacts' CSV export of five contacts.
const googleSample = "testdata/google-contacts.csv"

// upload posts content as the "file" part of a multipart form to
// /contacts/import. The body streams, so large files need no memory.
func (b *browser) upload(fileName string, content io.Reader) *response {
	b.app.t.Helper()
	return b.uploadAt("/contacts/import", fileName, content)
}

// uploadAt posts content as the file of a multipart form to path.
func (b *browser) uploadAt(path, fileName string, content io.Reader) *response {
	b.app.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", fileName)
		if err == nil {
			_, err = io.Copy(part, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	if ws := b.currentWorkspace(); ws != "" && !strings.Contains(path, "form_workspace=") {
		path += "?form_workspace=" + url.QueryEscape(ws)
	}
	req, err := http.NewRequest(http.MethodPost, b.app.srv.URL+path, pr)
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// uploadFile uploads content and returns the new import's id.
func (b *browser) uploadFile(fileName string, content []byte) string {
	b.app.t.Helper()
	resp := b.upload(fileName, bytes.NewReader(content))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/contacts/import/") {
		b.app.t.Fatalf("upload %s: status %d location %q, want 303 to the import; body:\n%s", fileName, resp.StatusCode, loc, resp.Body)
	}
	return strings.TrimSuffix(strings.TrimPrefix(loc, "/contacts/import/"), "/")
}

func readSample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(googleSample)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var (
	selectPattern   = regexp.MustCompile(`(?s)<select id="target_(\d+)" name="target_\d+">(.*?)</select>`)
	selectedPattern = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

// mappingForm returns the column selects of a preview page with their
// selected values, as a browser would submit them.
func mappingForm(body string) url.Values {
	form := url.Values{}
	for _, m := range selectPattern.FindAllStringSubmatch(body, -1) {
		if sel := selectedPattern.FindStringSubmatch(m[2]); sel != nil {
			form.Set("target_"+m[1], sel[1])
		}
	}
	return form
}

// startImport submits the preview form with its pre-filled mapping and
// the duplicate rule.
func (b *browser) startImport(id, duplicates string) {
	b.app.t.Helper()
	form := mappingForm(b.get("/contacts/import/" + id + "/").Body)
	form.Set("duplicates", duplicates)
	resp := b.post("/contacts/import/"+id+"/start", form)
	if resp.StatusCode != http.StatusSeeOther {
		b.app.t.Fatalf("start import %s: status %d, want 303; body:\n%s", id, resp.StatusCode, resp.Body)
	}
}

// waitForImport polls the import page until the import is no longer
// running, for at most 10 seconds, and returns the final page.
func (b *browser) waitForImport(id string) string {
	b.app.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := b.get("/contacts/import/" + id + "/")
		if resp.StatusCode != http.StatusOK {
			b.app.t.Fatalf("GET import %s: status %d, want 200", id, resp.StatusCode)
		}
		if !strings.Contains(resp.Body, "Importing…") {
			return resp.Body
		}
		if time.Now().After(deadline) {
			b.app.t.Fatalf("import %s still running after 10 s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var countPattern = regexp.MustCompile(`data-count="(\w+)">(\d+)<`)

// importCounts reads the counts table of an import page.
func importCounts(body string) map[string]string {
	counts := map[string]string{}
	for _, m := range countPattern.FindAllStringSubmatch(body, -1) {
		counts[m[1]] = m[2]
	}
	return counts
}

func checkCounts(t *testing.T, step, body string, want map[string]string) {
	t.Helper()
	got := importCounts(body)
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %s = %q, want %s", step, name, got[name], n)
		}
	}
}

// importBlobExists reports whether the uploaded file of import id is
// still stored.
func importBlobExists(t *testing.T, app *testApp, id string) bool {
	t.Helper()
	var workspaceID string
	err := app.db.SQL().QueryRowContext(context.Background(), `SELECT workspace_id FROM import_jobs WHERE id = $1`, id).Scan(&workspaceID)
	if err != nil {
		t.Fatalf("look up import %s: %v", id, err)
	}
	r, err := app.blobs.Open(context.Background(), "imports/"+workspaceID+"/"+id)
	if err != nil {
		if chatalott.ErrorCode(err) == chatalott.ENotFound {
			return false
		}
		t.Fatalf("open import file %s: %v", id, err)
	}
	r.Close()
	return true
}

func TestImportGoogleSample(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		sample := readSample(t)

		if list := b.get("/contacts"); !strings.Contains(list.Body, `href="/contacts/import"`) || !strings.Contains(list.Body, `action="/contacts/export"`) {
			t.Error("contact list has no Import link or Export form")
		}
		form := b.get("/contacts/import")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `enctype="multipart/form-data"`) {
			t.Fatalf("GET /contacts/import: status %d, want 200 with a multipart form", form.StatusCode)
		}

		id := b.uploadFile("google-contacts.csv", sample)
		preview := b.get("/contacts/import/" + id + "/").Body
		for _, want := range []string{"<dt>Format</dt><dd>csv</dd>", "<dt>Encoding</dt><dd>utf-8</dd>",
			"<dt>Separator</dt><dd>comma (,)</dd>", "<dt>Header row</dt><dd>line 1</dd>",
			"<dt>Layout</dt><dd>Google Contacts</dd>", "Marisol Quintero", "marisol.quintero@brightwater.example",
			"Brightwater Logistics", `<input type="radio" name="duplicates" value="skip" checked>`} {
			if !strings.Contains(preview, want) {
				t.Errorf("preview page lacks %q", want)
			}
		}
		mapping := mappingForm(preview)
		// Column 19 (index 18) is "E-mail 1 - Value" and column 1 "First Name".
		for field, want := range map[string]string{"target_18": "email", "target_17": "email_label", "target_0": "given", "target_2": "family"} {
			if got := mapping.Get(field); got != want {
				t.Errorf("pre-filled %s = %q, want %q", field, got, want)
			}
		}
		if !strings.Contains(preview, `<label for="target_18">E-mail 1 - Value</label>`) {
			t.Error(`preview page does not label column 19 "E-mail 1 - Value"`)
		}

		b.startImport(id, "skip")
		done := b.waitForImport(id)
		if !strings.Contains(done, "The import is finished.") {
			t.Fatalf("first import did not finish; page:\n%s", done)
		}
		checkCounts(t, "first import", done, map[string]string{"created": "5", "updated": "0", "skipped": "0", "rejected": "0", "rows": "5"})
		if found := b.get("/contacts?q=quintero"); !strings.Contains(found.Body, "Marisol Quintero") {
			t.Error("search for quintero does not find the imported contact")
		}
		if importBlobExists(t, app, id) {
			t.Error("uploaded file still stored after the import finished")
		}

		again := b.uploadFile("google-contacts.csv", sample)
		b.startImport(again, "skip")
		skipped := b.waitForImport(again)
		checkCounts(t, "import with skip", skipped, map[string]string{"created": "0", "skipped": "5"})
		if !strings.Contains(skipped, "An existing contact, Marisol Quintero, has the same email.") {
			t.Error("report of the skip import does not give the reason for Marisol Quintero")
		}

		report := b.get("/contacts/import/" + again + "/report.csv")
		if report.StatusCode != http.StatusOK || !strings.HasPrefix(report.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("report.csv: status %d type %q, want 200 text/csv", report.StatusCode, report.Header.Get("Content-Type"))
		}
		if cd := report.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=chatalott-import-report-") {
			t.Errorf("report.csv Content-Disposition = %q, want an attachment with a dated name", cd)
		}
		records, err := csv.NewReader(strings.NewReader(report.Body)).ReadAll()
		if err != nil {
			t.Fatalf("report.csv is not CSV: %v", err)
		}
		if len(records) != 6 || strings.Join(records[0], ",") != "line,outcome,name,reason" {
			t.Fatalf("report.csv = %q, want the header line,outcome,name,reason and 5 rows", records)
		}
		if got := records[1]; got[0] != "2" || got[1] != "skipped" || got[2] != "Marisol Quintero" {
			t.Errorf("report.csv first row = %q, want line 2, skipped, Marisol Quintero", got)
		}

		update := b.uploadFile("google-contacts.csv", sample)
		b.startImport(update, "update")
		checkCounts(t, "import with update", b.waitForImport(update), map[string]string{"created": "0", "updated": "5", "skipped": "0"})
		if got := countRows(t, app.db, "contacts"); got != 5 {
			t.Errorf("contacts after three imports = %d, want 5", got)
		}
	})
}

// TestImportOtherWorkspaceNotFound checks that another account gets 404 on
// every import route with the owner's import ids, and that nothing changes.
func TestImportOtherWorkspaceNotFound(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		owner := app.newBrowser()
		owner.signUp("Owner", "owner@example.com")
		sample := readSample(t)
		finished := owner.uploadFile("google-contacts.csv", sample)
		owner.startImport(finished, "skip")
		owner.waitForImport(finished)
		pending := owner.uploadFile("google-contacts.csv", sample)
		pendingPage := owner.get("/contacts/import/" + pending + "/").Body

		intruder := app.newBrowser()
		intruder.signUp("Intruder", "intruder@example.com")
		start := url.Values{"duplicates": {"create"}}
		for _, id := range []string{finished, pending} {
			for _, req := range []struct{ method, path string }{
				{"GET", "/contacts/import/" + id + "/"},
				{"GET", "/contacts/import/" + id + "/report.csv"},
				{"POST", "/contacts/import/" + id + "/preview"},
				{"POST", "/contacts/import/" + id + "/start"},
				{"POST", "/contacts/import/" + id + "/discard"},
			} {
				var resp *response
				if req.method == "GET" {
					resp = intruder.get(req.path)
				} else {
					resp = intruder.post(req.path, start)
				}
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as another account: status %d, want 404", req.method, req.path, resp.StatusCode)
				}
				if strings.Contains(resp.Body, "Quintero") || strings.Contains(resp.Body, "google-contacts.csv") {
					t.Errorf("%s %s as another account: body shows the import", req.method, req.path)
				}
			}
		}

		if got := owner.get("/contacts/import/" + pending + "/").Body; withoutNonce(got) != withoutNonce(pendingPage) {
			t.Error("the owner's pending import changed after another account's requests")
		}
		if !importBlobExists(t, app, pending) {
			t.Error("the owner's uploaded file is gone after another account's requests")
		}
		if report := owner.get("/contacts/import/" + finished + "/report.csv"); report.StatusCode != http.StatusOK {
			t.Errorf("owner's report.csv: status %d, want 200", report.StatusCode)
		}
		if got := countRows(t, app.db, "contacts"); got != 5 {
			t.Errorf("contacts = %d, want the owner's 5", got)
		}
	})
}

func TestImportHostileNamesEscaped(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		file := "Name,Email\n" +
			"<script>alert(1)</script>,not-an-email\n" +
			"\"=HYPERLINK(\"\"https://evil.example\"\")\",bad-1\n" +
			"+Plus Name,bad-2\n" +
			"-Minus Name,bad-3\n" +
			"@At Name,bad-4\n" +
			"Fine Person,fine@example.com\n"
		id := b.uploadFile("hostile.csv", []byte(file))

		preview := b.get("/contacts/import/" + id + "/").Body
		if strings.Contains(preview, "<script>alert(1)</script>") {
			t.Error("preview contains the script tag unescaped")
		}
		if !strings.Contains(preview, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Error("preview does not show the script tag as escaped text")
		}

		b.startImport(id, "skip")
		done := b.waitForImport(id)
		checkCounts(t, "hostile import", done, map[string]string{"created": "1", "rejected": "5"})
		if strings.Contains(done, "<script>alert(1)</script>") || !strings.Contains(done, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Error("report page does not show the script tag as escaped text")
		}

		records, err := csv.NewReader(strings.NewReader(b.get("/contacts/import/" + id + "/report.csv").Body)).ReadAll()
		if err != nil {
			t.Fatalf("report.csv is not CSV: %v", err)
		}
		names := map[string]bool{}
		for _, rec := range records[1:] {
			names[rec[2]] = true
			for i, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("report.csv cell %d %q starts with a formula character", i, cell)
				}
			}
		}
		for _, want := range []string{`'=HYPERLINK("https://evil.example")`, "'+Plus Name", "'-Minus Name", "'@At Name", "<script>alert(1)</script>"} {
			if !names[want] {
				t.Errorf("report.csv names = %v, want one of them to be %q", names, want)
			}
		}
	})
}

func TestImportWithoutContactsFails(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		cases := []struct{ name, file string }{
			{"header only", "Name,Email\n"},
			{"every row invalid", "Name,Email\nNo Address,not-an-email\n"},
		}
		for _, tc := range cases {
			id := b.uploadFile("empty.csv", []byte(tc.file))
			b.startImport(id, "skip")
			page := b.waitForImport(id)
			if !strings.Contains(page, "The import failed. The file contains no contacts that can be imported.") {
				t.Errorf("%s: page does not say the import failed for lack of contacts", tc.name)
			}
			if strings.Contains(page, "The import is finished.") {
				t.Errorf("%s: page reports success", tc.name)
			}
			if importBlobExists(t, app, id) {
				t.Errorf("%s: uploaded file still stored after the import failed", tc.name)
			}
		}
		if got := countRows(t, app.db, "contacts"); got != 0 {
			t.Errorf("contacts = %d, want 0", got)
		}
	})
}

// repeatReader returns n bytes of the letter a without holding them.
type repeatReader struct{ left int64 }

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	for i := range p {
		p[i] = 'a'
	}
	r.left -= int64(len(p))
	return len(p), nil
}

func TestImportUploadRejected(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	cases := []struct {
		name    string
		content io.Reader
		status  int
		want    string
	}{
		{"over the limit", &repeatReader{left: 64<<20 + 1}, http.StatusRequestEntityTooLarge, "larger than 64 MiB"},
		{"binary", bytes.NewReader(png), http.StatusUnprocessableEntity, "not a text file (it looks like an image)"},
		{"empty", strings.NewReader(""), http.StatusUnprocessableEntity, "The file is empty"},
		{"duplicate header", strings.NewReader("Email,email\na@example.com,b@example.com\n"), http.StatusUnprocessableEntity, "appears in columns 1 and 2"},
	}
	for _, tc := range cases {
		resp := b.upload("contacts.csv", tc.content)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		if !strings.Contains(resp.Body, tc.want) {
			t.Errorf("%s: body lacks %q", tc.name, tc.want)
		}
	}

	resp := b.post("/contacts/import", url.Values{"file": {"Name\nAna\n"}})
	if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(resp.Body, "must be sent as multipart/form-data") {
		t.Errorf("form-encoded upload: status %d, want 415 naming multipart/form-data", resp.StatusCode)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("note", "no file here")
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, app.srv.URL+"/contacts/import?form_workspace="+b.currentWorkspace(), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp := b.do(req); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "No file was chosen") {
		t.Errorf("multipart without a file: status %d, want 422 saying no file was chosen", resp.StatusCode)
	}

	if got := countRows(t, app.db, "import_jobs"); got != 0 {
		t.Errorf("import jobs after rejected uploads = %d, want 0", got)
	}
}

func TestImportChoiceValidation(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	id := b.uploadFile("google-contacts.csv", readSample(t))
	valid := mappingForm(b.get("/contacts/import/" + id + "/").Body)

	with := func(key, value string) url.Values {
		form := url.Values{"duplicates": {"skip"}}
		for k, v := range valid {
			form[k] = v
		}
		if value == "" {
			form.Del(key)
		} else {
			form.Set(key, value)
		}
		return form
	}
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"unknown rule", with("duplicates", "merge"), "Duplicate rule &#34;merge&#34; is not known; choose skip, update or create."},
		{"missing rule", with("duplicates", ""), "Duplicate rule &#34;&#34; is not known"},
		{"unknown target", with("target_18", "password"), "Column 19 (&#34;E-mail 1 - Value&#34;) is mapped to &#34;password&#34;, which is not a contact field"},
		{"missing target", with("target_0", ""), "Column 1 (&#34;First Name&#34;) has no field chosen"},
	}
	for _, tc := range cases {
		for _, action := range []string{"preview", "start"} {
			resp := b.post("/contacts/import/"+id+"/"+action, tc.form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s %s: status %d, want 422", action, tc.name, resp.StatusCode)
			}
			if !strings.Contains(resp.Body, tc.want) {
				t.Errorf("%s %s: body lacks %q", action, tc.name, tc.want)
			}
		}
	}

	// An edited mapping shows in the next preview: without the name
	// columns, rows are named by nothing but their email.
	edited := with("target_0", "ignore")
	edited.Set("target_2", "ignore")
	if resp := b.post("/contacts/import/"+id+"/preview", edited); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("preview with an edited mapping: status %d, want 303", resp.StatusCode)
	}
	page := b.get("/contacts/import/" + id + "/").Body
	if strings.Contains(page, "Marisol Quintero") {
		t.Error("preview after ignoring the name columns still shows the full name")
	}
	if got := mappingForm(page).Get("target_0"); got != "ignore" {
		t.Errorf("target_0 after the edited preview = %q, want ignore", got)
	}

	b.startImport(id, "skip")
	if resp := b.post("/contacts/import/"+id+"/start", with("duplicates", "skip")); resp.StatusCode != http.StatusConflict {
		t.Errorf("second start: status %d, want 409", resp.StatusCode)
	}
	b.waitForImport(id)
}

func TestImportDiscardAndCleanup(t *testing.T) {
	forEachDialect(t, func(t *testing.T, app *testApp) {
		b := app.newBrowser()
		b.signUp("Ana", "ana@example.com")
		sample := readSample(t)

		discarded := b.uploadFile("google-contacts.csv", sample)
		resp := b.post("/contacts/import/"+discarded+"/discard", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/contacts/import?notice=import-discarded" {
			t.Fatalf("discard: status %d location %q, want 303 to the upload form", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := b.get("/contacts/import/" + discarded + "/"); got.StatusCode != http.StatusNotFound {
			t.Errorf("GET discarded import: status %d, want 404", got.StatusCode)
		}

		abandoned := b.uploadFile("google-contacts.csv", sample)
		app.clock.Advance(25 * time.Hour)
		result, err := app.server.ImportJobs.Cleanup(context.Background())
		if err != nil {
			t.Fatalf("Cleanup: %v", err)
		}
		if result.ExpiredJobs != 1 || result.DeletedBlobs != 0 {
			t.Errorf("Cleanup = %+v, want 1 expired job and no other file", result)
		}
		if importBlobExists(t, app, abandoned) {
			t.Error("abandoned upload still stored after Cleanup")
		}
		page := b.get("/contacts/import/" + abandoned + "/").Body
		if !strings.Contains(page, "The import failed. The uploaded file was deleted because its import was not started within 24 hours") {
			t.Error("abandoned import page does not say that its file expired")
		}
	})
}
