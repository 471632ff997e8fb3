package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// blankRows is how many empty rows the form offers for each list, so that
// entries can be added without JavaScript.
const blankRows = 2

// contactForm is the edit form's view of a contact: every list padded with
// blank rows, and the birthday split into parts.
type contactForm struct {
	ID            string
	Contact       *contacts.Contact
	Emails        []contacts.Email
	Phones        []contacts.Phone
	Addresses     []contacts.Address
	URLs          []contacts.URL
	Tags          string
	BirthdayYear  string
	BirthdayMonth string
	BirthdayDay   string
}

func newContactForm(c *contacts.Contact) contactForm {
	f := contactForm{ID: c.ID, Contact: c, Tags: strings.Join(c.Tags, ", ")}
	f.Emails = append(append(f.Emails, c.Emails...), make([]contacts.Email, blankRows)...)
	f.Phones = append(append(f.Phones, c.Phones...), make([]contacts.Phone, blankRows)...)
	f.Addresses = append(append(f.Addresses, c.Addresses...), make([]contacts.Address, 1)...)
	f.URLs = append(append(f.URLs, c.URLs...), make([]contacts.URL, blankRows)...)
	if b := c.Birthday; b != nil {
		if b.Year != 0 {
			f.BirthdayYear = strconv.Itoa(b.Year)
		}
		f.BirthdayMonth, f.BirthdayDay = strconv.Itoa(b.Month), strconv.Itoa(b.Day)
	}
	return f
}

// Months lists the month choices of the birthday field.
func (contactForm) Months() []string {
	return []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
}

// decodeContactForm builds a contact from the posted form. It returns the
// contact, which the form re-shows on error, and the errors of fields that
// could not be decoded at all; the contact's own rules run later in
// contacts.Service.
func decodeContactForm(form url.Values) (*contacts.Contact, chatalott.ValidationErrors) {
	var errs chatalott.ValidationErrors
	c := &contacts.Contact{
		Kind:         contacts.KindPerson,
		Prefix:       form.Get("prefix"),
		Given:        form.Get("given"),
		Middle:       form.Get("middle"),
		Family:       form.Get("family"),
		Suffix:       form.Get("suffix"),
		Nickname:     form.Get("nickname"),
		Organization: form.Get("organization"),
		Title:        form.Get("title"),
		Department:   form.Get("department"),
		Note:         form.Get("note"),
	}
	if form.Get("kind") == contacts.KindOrganization {
		c.Kind = contacts.KindOrganization
	}
	c.Tags = append(c.Tags, strings.Split(form.Get("tags"), ",")...)

	emailLabels, emails := form["email_label"], form["email"]
	for i, address := range emails {
		c.Emails = append(c.Emails, contacts.Email{Label: at(emailLabels, i), Address: address})
	}
	phoneLabels, phones := form["phone_label"], form["phone"]
	for i, number := range phones {
		c.Phones = append(c.Phones, contacts.Phone{Label: at(phoneLabels, i), Number: number})
	}
	urlLabels, urls := form["url_label"], form["url"]
	for i, u := range urls {
		c.URLs = append(c.URLs, contacts.URL{Label: at(urlLabels, i), URL: u})
	}
	for i := range form["address_street"] {
		c.Addresses = append(c.Addresses, contacts.Address{
			Label:      at(form["address_label"], i),
			Street:     at(form["address_street"], i),
			Extended:   at(form["address_extended"], i),
			City:       at(form["address_city"], i),
			Region:     at(form["address_region"], i),
			PostalCode: at(form["address_postal_code"], i),
			Country:    at(form["address_country"], i),
		})
	}

	year, month, day := strings.TrimSpace(form.Get("birthday_year")), form.Get("birthday_month"), strings.TrimSpace(form.Get("birthday_day"))
	if month != "" || day != "" || year != "" {
		b, err := parseBirthdayParts(year, month, day)
		if err != nil {
			errs = append(errs, err)
		} else {
			c.Birthday = b
		}
	}
	return c, errs
}

func parseBirthdayParts(year, month, day string) (*contacts.Birthday, *chatalott.Error) {
	var b contacts.Birthday
	var err error
	if b.Month, err = strconv.Atoi(month); err != nil {
		return nil, chatalott.FieldError("birthday", "Birthday month is missing; choose a month, or clear the day and year.")
	}
	if b.Day, err = strconv.Atoi(day); err != nil {
		return nil, chatalott.FieldError("birthday", "Birthday day %q is not a number; enter a day from 1 to 31.", day)
	}
	if year != "" {
		if b.Year, err = strconv.Atoi(year); err != nil || b.Year < 1 || b.Year > 9999 {
			return nil, chatalott.FieldError("birthday", "Birthday year %q is not a year; enter four digits, or leave it empty.", year)
		}
	}
	if !b.Valid() {
		return nil, chatalott.FieldError("birthday", "Birthday %s is not a real date; check the day and month.", b)
	}
	return &b, nil
}

func at(values []string, i int) string {
	if i < len(values) {
		return values[i]
	}
	return ""
}
