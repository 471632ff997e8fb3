// Package chatalott holds the types that every part of Chatalott shares:
// the error type with its codes, and the tenant scope that every service
// and storage call takes.
package chatalott

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each code to one status in one place.
const (
	EConflict     = "conflict"     // the request clashes with existing data (409)
	EInternal     = "internal"     // a bug or an unavailable dependency (500)
	EInvalid      = "invalid"      // the input failed validation (400 or 422)
	ENotFound     = "not_found"    // the record does not exist in this scope (404)
	EUnauthorized = "unauthorized" // no valid session or credentials (401)
	EForbidden    = "forbidden"    // authenticated, but not allowed (403)
	ETooLarge     = "too_large"    // the input exceeds a size or row limit (413)
	ERateLimited  = "rate_limited" // too many attempts (429)
)

// Error is an application error with a code, a message that is safe to show
// to the user, and an optional field name for form and JSON errors. Internal
// causes go in Err and are logged, never shown.
type Error struct {
	Code    string
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a formatted user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EInvalid error that names the offending field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var v ValidationErrors
	if errors.As(err, &v) {
		return EInvalid
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err, or a generic sentence
// for internal errors so that no internal detail reaches the user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message
	}
	return "Something went wrong on our side. Please try again; if it keeps happening, contact the operator."
}

// ValidationErrors collects field errors so that a form can show all of them at once.
type ValidationErrors []*Error

func (v ValidationErrors) Error() string {
	if len(v) == 0 {
		return "no validation errors"
	}
	return fmt.Sprintf("invalid: %s (and %d more)", v[0].Error(), len(v)-1)
}

// Err returns v as an error, or nil when v is empty.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// Fields returns the errors of v keyed by field name (first error per field).
func (v ValidationErrors) Fields() map[string]string {
	m := make(map[string]string, len(v))
	for _, e := range v {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Message
		}
	}
	return m
}
