package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFormContentTypes(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	form := url.Values{"given": {"Ana"}, "family": {"Lima"}, "form_workspace": {b.currentWorkspace()}}.Encode()
	cases := []struct {
		contentType string
		body        string
		wantStatus  int
	}{
		{"application/x-www-form-urlencoded", form, http.StatusSeeOther},
		{"application/x-www-form-urlencoded; charset=utf-8", form, http.StatusSeeOther},
		{"application/json", `{"given":"Ana"}`, http.StatusUnsupportedMediaType},
		{"text/plain", form, http.StatusUnsupportedMediaType},
		{"multipart/form-data; boundary=x", "--x--", http.StatusUnsupportedMediaType},
		{"", form, http.StatusUnsupportedMediaType},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, app.srv.URL+"/contacts", strings.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		resp := b.do(req)
		if resp.StatusCode != tc.wantStatus {
			t.Errorf("Content-Type %q: status %d, want %d", tc.contentType, resp.StatusCode, tc.wantStatus)
		}
		if tc.wantStatus == http.StatusUnsupportedMediaType && !strings.Contains(resp.Body, "The form was not sent as a web form") {
			t.Errorf("Content-Type %q: 415 page lacks the explanation", tc.contentType)
		}
	}
}

func TestFormOverLimit(t *testing.T) {
	app := newTestApp(t, "sqlite")
	b := app.newBrowser()
	b.signUp("Ana", "ana@example.com")
	resp := b.post("/contacts", url.Values{"note": {strings.Repeat("a", 2<<20)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Body, "larger than 1 MiB") {
		t.Errorf("2 MiB form: status %d, want 413 with the limit named", resp.StatusCode)
	}
}
