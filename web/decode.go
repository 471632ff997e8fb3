package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/chatalott/chatalott"
)

// Request decoding at the boundary. Every body is read through a size
// limit, checked for its content type, and decoded into a typed request
// before any service runs.

// jsonErrorBody is the body of every JSON error response. Fields maps the
// JSON name of each invalid field to what is wrong with it and the fix.
type jsonErrorBody struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

// validatable is a decoded request that checks its own fields.
type validatable interface {
	// Validate returns one error per invalid field, keyed by the field's
	// JSON name, or nil.
	Validate() chatalott.ValidationErrors
}

// decodeJSON decodes the JSON body of r into dst, a pointer to a request
// struct, and validates it when dst implements validatable. The body must
// be application/json (415 otherwise) of at most maxBytes (413), contain
// exactly one JSON value (400) with only known fields (400). It returns
// false after writing a JSON error response that names each invalid field.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, dst any, maxBytes int64) bool {
	status, body := decodeJSONBody(w, r, dst, maxBytes)
	if status == 0 {
		return true
	}
	writeJSON(w, status, body)
	return false
}

// decodeJSONBody does the work of decodeJSON and returns the status and
// body of the error response, or 0 when dst is decoded and valid.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, dst any, maxBytes int64) (int, jsonErrorBody) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" || !isUTF8Charset(params) {
		return http.StatusUnsupportedMediaType, jsonErrorBody{
			Error: "The request body must be JSON, sent with Content-Type: application/json."}
	}

	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, maxBytes)
	}
	// A second value, or anything but white space, after the first is an
	// error: the request may not be what the client meant to send.
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err, maxBytes)
		}
		return http.StatusBadRequest, jsonErrorBody{Error: "The request body has data after its JSON value; send exactly one JSON object."}
	}

	if v, ok := dst.(validatable); ok {
		if errs := v.Validate(); len(errs) > 0 {
			return statusFor(chatalott.EInvalid), jsonErrorBody{
				Error: "Some fields are invalid; correct them and send the request again.", Fields: errs.Fields()}
		}
	}
	return 0, jsonErrorBody{}
}

// isUTF8Charset reports whether a media type's parameters name UTF-8 or no
// charset at all; RFC 8259 requires JSON to be UTF-8.
func isUTF8Charset(params map[string]string) bool {
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// decodeError maps an error of json.Decoder.Decode to a status and a body
// that names the field at fault where there is one.
func decodeError(err error, maxBytes int64) (int, jsonErrorBody) {
	var (
		tooLarge   *http.MaxBytesError
		syntaxErr  *json.SyntaxError
		typeErr    *json.UnmarshalTypeError
		invalidErr *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, jsonErrorBody{
			Error: fmt.Sprintf("The request body is larger than %d bytes; send less data.", maxBytes)}
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, jsonErrorBody{Error: "The request body is empty; send a JSON object."}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest, jsonErrorBody{Error: "The request body ends in the middle of a JSON value."}
	case errors.As(err, &syntaxErr):
		return http.StatusBadRequest, jsonErrorBody{
			Error: fmt.Sprintf("The request body is not valid JSON at byte %d.", syntaxErr.Offset)}
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return http.StatusBadRequest, jsonErrorBody{Error: fmt.Sprintf("The request body must be a JSON object, not a %s.", typeErr.Value)}
		}
		return http.StatusBadRequest, jsonErrorBody{Error: "Some fields have the wrong type.",
			Fields: map[string]string{field: fmt.Sprintf("must be a JSON %s, not a %s", jsonTypeName(typeErr.Type.Kind().String()), typeErr.Value)}}
	case errors.As(err, &invalidErr):
		// dst is not a pointer: a bug in the handler, not in the request.
		panic(fmt.Sprintf("web: decodeJSON: %v", err))
	}
	// encoding/json reports an unknown field only as text:
	// `json: unknown field "name"`.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return http.StatusBadRequest, jsonErrorBody{Error: "The request has fields that are not known.",
			Fields: map[string]string{name: "is not a known field; remove it"}}
	}
	return http.StatusBadRequest, jsonErrorBody{Error: "The request body could not be read as JSON."}
}

// jsonTypeName returns the JSON type that a Go kind decodes from.
func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean"
	case kind == "slice", kind == "array":
		return "array"
	case kind == "struct", kind == "map":
		return "object"
	}
	return kind
}

// writeJSON writes v as the JSON body of a response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is already sent, so an encoding error can only cut the
	// body short; the client sees invalid JSON.
	_ = json.NewEncoder(w).Encode(v)
}

// isFormContentType reports whether r's body is an urlencoded form, the
// only kind parseForm reads. A request without a body needs no type.
func isFormContentType(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return r.ContentLength == 0
	}
	mediaType, _, err := mime.ParseMediaType(ct)
	return err == nil && mediaType == "application/x-www-form-urlencoded"
}

// isMultipart reports whether r carries a multipart form, as the import's
// file upload, the one route that reads one, does.
func isMultipart(r *http.Request) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "multipart/form-data"
}
