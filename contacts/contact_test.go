package contacts

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Zoë O'Brien", "zoe obrien"},
		{"ZOË O’BRIEN", "zoe obrien"},
		{"José Luis Núñez", "jose luis nunez"},
		{"zoe@fjordfinch.example", "zoe fjordfinch example"},
		{"  Straße  ", "strasse"},
		{"100%_done", "100 done"},
		{"株式会社サンプル", "株式会社サンフル"},
		{"Renée Ødegård-Müller", "renee odegard muller"},
		{"Søren Yılmaz", "soren yilmaz"},
		{"Łukasz Đorđević", "lukasz dordevic"},
		{"Ærø", "aero"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseBirthday(t *testing.T) {
	cases := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"1986-04-12", "1986-04-12", false},
		{"19860412", "1986-04-12", false},
		{"--09-30", "--09-30", false},
		{"--0412", "--04-12", false},
		{"--02-29", "--02-29", false},
		{"2001-02-29", "", true},
		{"1986-13-01", "", true},
		{"--00-10", "", true},
		{"0000-01-01", "", true},
		{"soon", "", true},
		{"1986-04-12x", "", true},
	}
	for _, tc := range cases {
		b, err := ParseBirthday(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseBirthday(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && b.String() != tc.want {
			t.Errorf("ParseBirthday(%q) = %s, want %s", tc.in, b, tc.want)
		}
	}
}

func TestNormalizeDropsBlanksAndDuplicateTags(t *testing.T) {
	c := &Contact{
		Given:  "  Ana ",
		Emails: []Email{{Address: " "}, {Label: " work ", Address: " ana@example.com "}},
		Phones: []Phone{{Number: ""}},
		Tags:   []string{"VIP", " vip ", "", "Clients"},
		Note:   "a\r\nb  ",
	}
	c.Normalize()
	if c.Given != "Ana" || len(c.Emails) != 1 || c.Emails[0] != (Email{Label: "work", Address: "ana@example.com"}) {
		t.Errorf("Normalize: given %q emails %+v", c.Given, c.Emails)
	}
	if len(c.Phones) != 0 {
		t.Errorf("Normalize kept %d blank phones, want 0", len(c.Phones))
	}
	if strings.Join(c.Tags, ",") != "VIP,Clients" {
		t.Errorf("tags = %v, want [VIP Clients]", c.Tags)
	}
	if c.Note != "a\nb" || c.Kind != KindPerson {
		t.Errorf("note %q kind %q", c.Note, c.Kind)
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name  string
		c     Contact
		field string
	}{
		{"nothing to name it by", Contact{Note: "x"}, "given"},
		{"invalid UTF-8", Contact{Given: "a\xffb"}, "given"},
		{"NUL byte", Contact{Given: "a\x00b"}, "given"},
		{"javascript URL", Contact{Given: "A", URLs: []URL{{URL: "javascript:alert(1)"}}}, "urls.0"},
		{"email with display name", Contact{Given: "A", Emails: []Email{{Address: "Bob <bob@example.com>"}}}, "emails.0"},
		{"unknown kind", Contact{Given: "A", Kind: "robot"}, "kind"},
		{"photo too large", Contact{Given: "A", Photo: &Photo{ContentType: "image/png", Data: make([]byte, MaxPhotoBytes+1)}}, "photo"},
		{"photo not an image", Contact{Given: "A", Photo: &Photo{ContentType: "text/html", Data: []byte("<script>")}}, "photo"},
		{"too many tags", Contact{Given: "A", Tags: strings.Split(strings.Repeat("t,", MaxListItems+1), ",")[:MaxListItems+1]}, "tags"},
	}
	for _, tc := range cases {
		c := tc.c
		if c.Kind == "" {
			c.Kind = KindPerson
		}
		err := c.Validate()
		if err == nil {
			t.Errorf("%s: Validate() = nil, want an error on %s", tc.name, tc.field)
			continue
		}
		if !strings.Contains(err.Error(), tc.field+": ") {
			t.Errorf("%s: Validate() = %v, want an error on field %s", tc.name, err, tc.field)
		}
	}
}
