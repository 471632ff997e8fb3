package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/chatalott/chatalott"
)

// testRequest is a request type like the future API's: typed fields with
// JSON names and its own validation.
type testRequest struct {
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Age   int      `json:"age"`
	Tags  []string `json:"tags"`
	Inner struct {
		City string `json:"city"`
	} `json:"inner"`
}

func (r *testRequest) Validate() chatalott.ValidationErrors {
	var errs chatalott.ValidationErrors
	if strings.TrimSpace(r.Name) == "" {
		errs = append(errs, chatalott.FieldError("name", "Name is missing; enter a name."))
	}
	if r.Email != "" && !strings.Contains(r.Email, "@") {
		errs = append(errs, chatalott.FieldError("email", "Email %q is not a valid address.", r.Email))
	}
	if r.Age < 0 {
		errs = append(errs, chatalott.FieldError("age", "Age %d is negative.", r.Age))
	}
	return errs
}

const testBodyLimit = 256

func decodeTest(contentType, body string) (int, jsonErrorBody, *testRequest) {
	r := httptest.NewRequest(http.MethodPost, "/api/test", strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	var dst testRequest
	status, errBody := decodeJSONBody(httptest.NewRecorder(), r, &dst, testBodyLimit)
	return status, errBody, &dst
}

func TestDecodeJSON(t *testing.T) {
	cases := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantFields  []string
	}{
		{"valid", "application/json", `{"name":"Ana","age":3,"tags":["a"],"inner":{"city":"Oslo"}}`, 0, nil},
		{"valid with charset", "application/json; charset=utf-8", `{"name":"Ana"}`, 0, nil},
		{"valid with trailing space", "application/json", "{\"name\":\"Ana\"}\n  \t", 0, nil},
		{"form content type", "application/x-www-form-urlencoded", `name=Ana`, 415, nil},
		{"text content type", "text/plain", `{"name":"Ana"}`, 415, nil},
		{"missing content type", "", `{"name":"Ana"}`, 415, nil},
		{"latin-1 charset", "application/json; charset=iso-8859-1", `{"name":"Ana"}`, 415, nil},
		{"json suffix type", "application/problem+json", `{"name":"Ana"}`, 415, nil},
		{"over the limit", "application/json", `{"name":"` + strings.Repeat("a", testBodyLimit) + `"}`, 413, nil},
		{"over the limit after a value", "application/json", `{"name":"Ana"}` + strings.Repeat(" ", testBodyLimit), 413, nil},
		{"unknown field", "application/json", `{"name":"Ana","admin":true}`, 400, []string{"admin"}},
		{"unknown nested field", "application/json", `{"name":"Ana","inner":{"zip":"1"}}`, 400, []string{"zip"}},
		{"wrong type", "application/json", `{"name":"Ana","age":"three"}`, 400, []string{"age"}},
		{"wrong nested type", "application/json", `{"name":"Ana","inner":{"city":5}}`, 400, []string{"inner.city"}},
		{"array body", "application/json", `[1,2]`, 400, nil},
		{"trailing object", "application/json", `{"name":"Ana"}{"name":"Bo"}`, 400, nil},
		{"trailing garbage", "application/json", `{"name":"Ana"} x`, 400, nil},
		{"syntax error", "application/json", `{"name":}`, 400, nil},
		{"cut short", "application/json", `{"name":"An`, 400, nil},
		{"empty", "application/json", ``, 400, nil},
		{"invalid fields", "application/json", `{"name":" ","email":"nope","age":-1}`, 422, []string{"name", "email", "age"}},
	}
	for _, tc := range cases {
		status, body, _ := decodeTest(tc.contentType, tc.body)
		if status != tc.wantStatus {
			t.Errorf("%s: status %d, want %d (error %q)", tc.name, status, tc.wantStatus, body.Error)
			continue
		}
		if status != 0 && body.Error == "" {
			t.Errorf("%s: error response without a message", tc.name)
		}
		for _, f := range tc.wantFields {
			if body.Fields[f] == "" {
				t.Errorf("%s: fields %v do not name %q", tc.name, body.Fields, f)
			}
		}
		if len(body.Fields) != len(tc.wantFields) {
			t.Errorf("%s: fields %v, want exactly %v", tc.name, body.Fields, tc.wantFields)
		}
	}
}

func TestDecodeJSONResponse(t *testing.T) {
	s := &Server{}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/api/test", strings.NewReader(`{"name":"Ana","role":"admin"}`))
	r.Header.Set("Content-Type", "application/json")
	var dst testRequest
	if s.decodeJSON(rec, r, &dst, testBodyLimit) {
		t.Fatal("decodeJSON accepted an unknown field")
	}
	if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("status %d, Content-Type %q; want 400 application/json", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got map[string]any
	dec := json.NewDecoder(rec.Body)
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("error body is not JSON: %v", err)
	}
	want := map[string]any{"error": "The request has fields that are not known.",
		"fields": map[string]any{"role": "is not a known field; remove it"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("error body %v, want %v", got, want)
	}
}

// FuzzDecodeJSON checks that no body or content type makes decodeJSON
// panic or return a status outside its contract, and that an accepted
// body round-trips through encoding/json.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"name":"Ana"}`, `{"name":"Ana","x":1}`, `{"age":"1"}`, `[]`, `{"inner":{"city":"a"}}`,
		`{"name":"a"} {}`, `{"tags":[1]}`, `{"name":"\u0000"}`, `{"name":"Ana","age":1e400}`, strings.Repeat("[", 300)} {
		f.Add("application/json", seed)
	}
	f.Add("text/plain", `{"name":"Ana"}`)
	f.Add("application/json; charset=UTF-8", `{"name":"Ana"}`)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		status, errBody, dst := decodeTest(contentType, body)
		switch status {
		case 0:
			if len(dst.Validate()) != 0 {
				t.Fatalf("accepted an invalid request: %+v", dst)
			}
			encoded, err := json.Marshal(dst)
			if err != nil {
				t.Fatal(err)
			}
			again, _, back := decodeTest("application/json", string(encoded))
			if len(encoded) <= testBodyLimit && (again != 0 || !reflect.DeepEqual(normalize(dst), normalize(back))) {
				t.Fatalf("round trip of %s: status %d, got %+v, want %+v", encoded, again, back, dst)
			}
		case 400, 413, 415, 422:
			if errBody.Error == "" {
				t.Fatalf("status %d without a message", status)
			}
		default:
			t.Fatalf("status %d, want 0, 400, 413, 415 or 422", status)
		}
	})
}

// normalize makes an empty slice and a nil slice compare equal.
func normalize(r *testRequest) testRequest {
	c := *r
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	return c
}

// FuzzDecodeContactForm checks that no form makes decodeContactForm panic,
// that it always returns a contact, and that only the birthday can fail
// to decode.
func FuzzDecodeContactForm(f *testing.F) {
	for _, seed := range []string{
		"given=Ana&family=Lima&email=ana%40example.com&email_label=work",
		"kind=organization&organization=Acme&tags=a,b,,c",
		"birthday_year=1990&birthday_month=2&birthday_day=29",
		"birthday_month=13&birthday_day=40",
		"birthday_year=-1&birthday_month=1&birthday_day=1",
		"address_street=Main+St&address_street=Second&address_city=Oslo",
		"phone=1&phone=2&phone_label=a&url=https://x&url_label=",
		"birthday_day=%00",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		c, errs := decodeContactForm(form)
		if c == nil {
			t.Fatal("decodeContactForm returned no contact")
		}
		for _, e := range errs {
			if e.Field != "birthday" {
				t.Fatalf("error on field %q, want only birthday errors: %v", e.Field, e)
			}
		}
		noBirthday := strings.TrimSpace(form.Get("birthday_year")) == "" && form.Get("birthday_month") == "" &&
			strings.TrimSpace(form.Get("birthday_day")) == ""
		if noBirthday && len(errs) != 0 {
			t.Fatalf("errors %v for a form without a birthday", errs)
		}
		if c.Birthday != nil && !c.Birthday.Valid() {
			t.Fatalf("accepted invalid birthday %v", c.Birthday)
		}
		if got, want := len(c.Emails), len(form["email"]); got != want {
			t.Fatalf("%d emails decoded from %d fields", got, want)
		}
		if got, want := len(c.Addresses), len(form["address_street"]); got != want {
			t.Fatalf("%d addresses decoded from %d street fields", got, want)
		}
	})
}

func TestDecodeJSONBodyIsBounded(t *testing.T) {
	// The limit applies to the bytes read, not to Content-Length, which a
	// client may omit or understate.
	r := httptest.NewRequest(http.MethodPost, "/api/test", bytes.NewReader([]byte(`{"name":"`+strings.Repeat("a", 1000)+`"}`)))
	r.Header.Set("Content-Type", "application/json")
	r.ContentLength = -1
	var dst testRequest
	if status, _ := decodeJSONBody(httptest.NewRecorder(), r, &dst, testBodyLimit); status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
}
