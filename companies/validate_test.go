package companies

import (
	"errors"
	"testing"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// fieldErrors returns the per-field messages of a validation error.
func fieldErrors(err error) map[string]string {
	var verrs chatalott.ValidationErrors
	if errors.As(err, &verrs) {
		return verrs.Fields()
	}
	return nil
}

func TestCompanyValidation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		company Company
		field   string
	}{
		{"missing name", Company{Name: " "}, "name"},
		{"javascript website", Company{Name: "A", Website: "javascript:alert(1)"}, "website"},
		{"ftp website", Company{Name: "A", Website: "ftp://example.com"}, "website"},
		{"single label", Company{Name: "A", Website: "localhost"}, "website"},
		{"spaces in domain", Company{Name: "A", Website: "exa mple.com"}, "website"},
		{"phone without digits", Company{Name: "A", Phones: []contacts.Phone{{Number: "call"}}}, "phones.0"},
	} {
		c := tc.company
		c.Normalize()
		if fields := fieldErrors(c.Validate()); fields[tc.field] == "" {
			t.Errorf("%s: errors %v, want one on %s", tc.name, fields, tc.field)
		}
	}
	for _, website := range []string{"example.com", "sub.example.co.uk", "bücher.example", "http://example.com:8080/x"} {
		c := Company{Name: "A", Website: website}
		c.Normalize()
		if err := c.Validate(); err != nil {
			t.Errorf("website %q: %v, want valid", website, err)
		}
	}
}
