package msgtemplates

import (
	"errors"
	"strings"
	"testing"
)

// fullValues gives every variable a value.
var fullValues = Values{Text: map[string]string{
	"first_name": "Rosa", "last_name": "Diaz", "full_name": "Rosa Diaz", "nickname": "Ro",
	"email": "rosa@example.com", "phone": "+49 30 1234", "company": "Acme AG", "title": "CTO",
	"deal.title": "Rollout", "deal.amount": "1,200.00 EUR", "deal.stage": "Proposal",
	"me.name": "Ana", "me.email": "ana@example.com",
}}

func render(t *testing.T, text string, values Values) (string, []Warning) {
	t.Helper()
	parsed, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	return parsed.Render(values)
}

func TestRenderEachVariable(t *testing.T) {
	for _, name := range Variables {
		got, warnings := render(t, "<{{"+name+"}}>", fullValues)
		if want := "<" + fullValues.Text[name] + ">"; got != want {
			t.Errorf("{{%s}} renders %q, want %q", name, got, want)
		}
		if len(warnings) != 0 {
			t.Errorf("{{%s}} with a value: warnings %v, want none", name, warnings)
		}
	}
}

func TestRenderCases(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"spaces inside braces", "Hi {{ first_name }},{{first_name  }}", "Hi Rosa,Rosa"},
		{"tab inside braces", "{{\tcompany\t}}", "Acme AG"},
		{"single braces are literal", "Use {curly} braces, } and { alone", "Use {curly} braces, } and { alone"},
		{"closing pair alone is literal", "a }} b", "a }} b"},
		{"no variables", "Plain text\nsecond line", "Plain text\nsecond line"},
		{"empty text", "", ""},
		{"multi-line", "Dear {{first_name}},\n\n{{me.name}}", "Dear Rosa,\n\nAna"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parsed, err := Parse(tc.text)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.text, err)
			}
			if got, _ := parsed.Render(fullValues); got != tc.want {
				t.Errorf("render %q = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"unknown variable with position", "Hello\n  {{frist_name}}", []string{
			"Unknown variable {{frist_name}} at line 2, column 3", "known variables are {{first_name}}, {{last_name}}"}},
		{"unknown with spaces", "{{ deal.owner }}", []string{"Unknown variable {{ deal.owner }} at line 1, column 1"}},
		{"function call rejected", `{{printf "%s" first_name}}`, []string{`Unknown variable {{printf "%s" first_name}}`}},
		{"field access rejected", "{{.Contact.Note}}", []string{"Unknown variable {{.Contact.Note}}"}},
		{"unclosed at end", "Hi {{first_name", []string{"Unclosed {{ at line 1, column 4"}},
		{"unclosed before newline", "Hi {{first_name\n}}", []string{"Unclosed {{ at line 1, column 4"}},
		{"three braces read the third as the name", "{{{first_name}}", []string{"Unknown variable {{{first_name}} at line 1, column 1"}},
		{"empty variable", "a {{ }} b", []string{"Empty variable {{ }} at line 1, column 3"}},
		{"every problem reported", "{{a}} {{b}}\n{{", []string{"{{a}} at line 1, column 1; known variables are",
			"Unknown variable {{b}} at line 1, column 7.",
			"Unclosed {{ at line 2, column 1"}},
		{"columns count characters", "äöü {{x}}", []string{"{{x}} at line 1, column 5"}},
		{"long list summed up", "{{a}}{{b}}{{c}}{{d}}{{e}}{{f}}{{g}}", []string{"Unknown variable {{e}} at line 1, column 21.",
			"2 more problems follow."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.text)
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error %v, want a *ParseError", tc.text, err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Parse(%q) error %q lacks %q", tc.text, err, want)
				}
			}
		})
	}
}

func TestRenderDoesNotExpandValues(t *testing.T) {
	values := Values{Text: map[string]string{
		"first_name": "{{last_name}}", "last_name": "Diaz", "company": "<script>alert(1)</script>", "title": "{{",
	}}
	got, warnings := render(t, "{{first_name}}|{{company}}|{{title}}", values)
	if want := "{{last_name}}|<script>alert(1)</script>|{{"; got != want {
		t.Errorf("render = %q, want the values inserted literally, %q", got, want)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %v, want none", warnings)
	}
}

func TestRenderWarnsOnMissingValues(t *testing.T) {
	values := Values{Text: map[string]string{"first_name": "Rosa", "phone": "  "},
		Missing: map[string]string{"phone": "the contact has no phone number"}}
	got, warnings := render(t, "{{first_name}} {{phone}}\n{{deal.title}} {{phone}}", values)
	if got != "Rosa   \n   " {
		t.Errorf("render = %q, want the empty values as empty text", got)
	}
	if len(warnings) != 2 {
		t.Fatalf("warnings %v, want one for phone and one for deal.title", warnings)
	}
	if want := "{{phone}} at line 1, column 16 is empty because the contact has no phone number."; warnings[0].String() != want {
		t.Errorf("first warning %q, want %q", warnings[0], want)
	}
	if want := "{{deal.title}} at line 2, column 1 is empty because there is no value for it."; warnings[1].String() != want {
		t.Errorf("second warning %q, want %q", warnings[1], want)
	}
}

func TestValidateSizeLimits(t *testing.T) {
	cases := []struct {
		name  string
		tmpl  Template
		field string
		want  string
	}{
		{"subject too long", Template{Name: "a", Subject: strings.Repeat("é", 201), Body: "b"}, "subject",
			"Subject is 201 characters long; the maximum is 200."},
		{"body too long", Template{Name: "a", Body: strings.Repeat("x", 20_001)}, "body",
			"Body is 20001 characters long; the maximum is 20000."},
		{"name too long", Template{Name: strings.Repeat("n", 201), Body: "b"}, "name",
			"Name is 201 characters long; the maximum is 200."},
		{"name missing", Template{Body: "b"}, "name", "Name is missing"},
		{"body missing", Template{Name: "a", Body: " \n"}, "body", "Body is missing"},
		{"subject with a line break", Template{Name: "a", Subject: "a\nb", Body: "b"}, "subject", "Subject must be one line"},
		{"unknown variable in subject", Template{Name: "a", Subject: "{{frist_name}}", Body: "b"}, "subject",
			"Unknown variable {{frist_name}} at line 1, column 1"},
		{"unknown variable in body", Template{Name: "a", Body: "x\n{{me.phone}}"}, "body",
			"Unknown variable {{me.phone}} at line 2, column 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.tmpl.Validate()
			var verrs interface{ Fields() map[string]string }
			if !errors.As(err, &verrs) {
				t.Fatalf("Validate error %v, want validation errors", err)
			}
			if got := verrs.Fields()[tc.field]; !strings.Contains(got, tc.want) {
				t.Errorf("field %s message %q, want it to contain %q", tc.field, got, tc.want)
			}
		})
	}
}

func TestValidateAcceptsLimits(t *testing.T) {
	tmpl := Template{Name: strings.Repeat("n", 200), Subject: strings.Repeat("s", 200),
		Body: strings.Repeat("{{first_name}} ", 1333)}
	if err := tmpl.Validate(); err != nil {
		t.Fatalf("Validate at the limits: %v", err)
	}
	parsed, err := Parse(tmpl.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := parsed.Render(fullValues)
	if want := strings.Repeat("Rosa ", 1333); got != want {
		t.Errorf("long body renders %d characters, want %d", len(got), len(want))
	}
}
