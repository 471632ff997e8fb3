package addressbook

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott/contacts"
)

// CSVLayout is the number of numbered column groups ("E-mail 1 - …",
// "E-mail 2 - …") that a CSV export writes for each kind of entry. Entries
// in a row whose labels are equal share one group, with their values joined
// by " ::: " as Google does.
type CSVLayout struct {
	Emails, Phones, Addresses, URLs, Fields int
}

// DefaultCSVLayout returns the layout used when the caller has not measured
// its contacts with Fit.
func DefaultCSVLayout() CSVLayout {
	return CSVLayout{Emails: 2, Phones: 3, Addresses: 1, URLs: 1, Fields: 1}
}

// Fit widens l so that c's entries fit without merging labels. An export
// that calls Fit for every contact in a first pass writes every label.
func (l *CSVLayout) Fit(c *contacts.Contact) {
	l.Emails = max(l.Emails, len(runsOf(len(c.Emails), func(i int) string { return c.Emails[i].Label })))
	l.Phones = max(l.Phones, len(runsOf(len(c.Phones), func(i int) string { return c.Phones[i].Label })))
	l.Addresses = max(l.Addresses, len(runsOf(len(c.Addresses), func(i int) string { return c.Addresses[i].Label })))
	l.URLs = max(l.URLs, len(runsOf(len(c.URLs), func(i int) string { return c.URLs[i].Label })))
	l.Fields = max(l.Fields, len(runsOf(len(c.Fields), func(i int) string { return c.Fields[i].Label })))
}

// run is a sequence of consecutive entries with the same label. Only
// consecutive entries share a column group, so that reading the file back
// gives the entries in their original order.
type run struct {
	label      string
	start, end int
}

func runsOf(n int, label func(int) string) []run {
	var runs []run
	for i := range n {
		if len(runs) > 0 && runs[len(runs)-1].label == label(i) {
			runs[len(runs)-1].end = i + 1
			continue
		}
		runs = append(runs, run{label: label(i), start: i, end: i + 1})
	}
	return runs
}

// fitRuns merges the runs beyond the first n into the last group, which then
// holds entries of several labels under the label of its first run.
//
// NOTE: the labels of the merged entries are lost. Call CSVLayout.Fit for
// every contact before writing to avoid this.
func fitRuns(runs []run, n int) []run {
	if len(runs) <= n || n == 0 {
		return runs
	}
	merged := runs[n-1]
	merged.end = runs[len(runs)-1].end
	return append(runs[:n-1:n-1], merged)
}

// googleNameColumns are the first columns of Google Contacts' CSV export.
var googleNameColumns = []string{
	"First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
	"Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
	"Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
}

var googleAddressParts = []string{"Label", "Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country", "Extended Address"}

// CSVWriter writes contacts in Google Contacts' CSV layout (UTF-8, Google's
// column names, " ::: " between values of one cell, tags as
// "* myContacts ::: Tag"), plus a last "Chatalott Kind" column. Every cell
// goes through the formula escaping described in formula.go's escapeFormula.
//
// Custom fields go in Google's "Custom Field N" columns and the kind in
// "Chatalott Kind". The photo goes in the Photo column as a data: URI.
// Spreadsheets cut cells beyond 32,767 characters, so a large photo does not
// survive editing the file there. ID, creation and update times are not
// written.
type CSVWriter struct {
	w       *csv.Writer
	layout  CSVLayout
	started bool
	row     []string
}

// NewCSVWriter returns a writer that writes the header row for layout
// before the first contact. Zero counts in layout write no group of that
// kind, so pass DefaultCSVLayout or a layout widened with Fit.
func NewCSVWriter(w io.Writer, layout CSVLayout) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), layout: layout}
}

func (cw *CSVWriter) header() []string {
	h := append([]string(nil), googleNameColumns...)
	numbered := func(kind string, n int, parts ...string) {
		for i := 1; i <= n; i++ {
			for _, p := range parts {
				h = append(h, kind+" "+strconv.Itoa(i)+" - "+p)
			}
		}
	}
	numbered("E-mail", cw.layout.Emails, "Label", "Value")
	numbered("Phone", cw.layout.Phones, "Label", "Value")
	numbered("Address", cw.layout.Addresses, googleAddressParts...)
	numbered("Website", cw.layout.URLs, "Label", "Value")
	numbered("Custom Field", cw.layout.Fields, "Label", "Value")
	return append(h, kindHeader)
}

// Write writes one contact as one row.
func (cw *CSVWriter) Write(c *contacts.Contact) error {
	if !cw.started {
		cw.started = true
		if err := cw.w.Write(cw.header()); err != nil {
			return err
		}
	}
	row := cw.row[:0]
	add := func(cells ...string) {
		for _, cell := range cells {
			row = append(row, escapeFormula(cell))
		}
	}

	birthday := ""
	if c.Birthday != nil {
		birthday = c.Birthday.String()
	}
	photo := ""
	if c.Photo != nil {
		photo = photoDataURI(c.Photo)
	}
	add(c.Given, c.Middle, c.Family, "", "", "", c.Prefix, c.Suffix, c.Nickname, "",
		c.Organization, c.Title, c.Department, birthday, c.Note, photo, formatTags(c.Tags))

	pairs := func(n, columns int, label func(int) string, value func(int) string) {
		runs := fitRuns(runsOf(n, label), columns)
		for i := range columns {
			if i >= len(runs) {
				add("", "")
				continue
			}
			r := runs[i]
			add(r.label, joinRange(r, value))
		}
	}
	pairs(len(c.Emails), cw.layout.Emails, func(i int) string { return c.Emails[i].Label },
		func(i int) string { return c.Emails[i].Address })
	pairs(len(c.Phones), cw.layout.Phones, func(i int) string { return c.Phones[i].Label },
		func(i int) string { return c.Phones[i].Number })

	addresses := fitRuns(runsOf(len(c.Addresses), func(i int) string { return c.Addresses[i].Label }), cw.layout.Addresses)
	for i := range cw.layout.Addresses {
		if i >= len(addresses) {
			add(make([]string, len(googleAddressParts))...)
			continue
		}
		r := addresses[i]
		part := func(get func(contacts.Address) string) string {
			return joinRange(r, func(j int) string { return get(c.Addresses[j]) })
		}
		add(r.label,
			part(func(a contacts.Address) string { return strings.Join(a.Lines(), "\n") }),
			part(func(a contacts.Address) string { return a.Street }),
			part(func(a contacts.Address) string { return a.City }),
			part(func(a contacts.Address) string { return a.POBox }),
			part(func(a contacts.Address) string { return a.Region }),
			part(func(a contacts.Address) string { return a.PostalCode }),
			part(func(a contacts.Address) string { return a.Country }),
			part(func(a contacts.Address) string { return a.Extended }))
	}

	pairs(len(c.URLs), cw.layout.URLs, func(i int) string { return c.URLs[i].Label },
		func(i int) string { return c.URLs[i].URL })
	pairs(len(c.Fields), cw.layout.Fields, func(i int) string { return c.Fields[i].Label },
		func(i int) string { return c.Fields[i].Value })
	add(c.Kind)

	cw.row = row
	return cw.w.Write(row)
}

func joinRange(r run, value func(int) string) string {
	values := make([]string, 0, r.end-r.start)
	for i := r.start; i < r.end; i++ {
		values = append(values, value(i))
	}
	return strings.Join(values, multiValueSeparator)
}

// formatTags writes tags as Google's Labels cell. Every Google contact is in
// the "* myContacts" system group, and the reader drops it again.
func formatTags(tags []string) string {
	return strings.Join(append([]string{"* myContacts"}, tags...), multiValueSeparator)
}

// Close writes the header row if no contact was written, and flushes. It
// does not close the underlying writer.
func (cw *CSVWriter) Close() error {
	if !cw.started {
		cw.started = true
		if err := cw.w.Write(cw.header()); err != nil {
			return err
		}
	}
	cw.w.Flush()
	return cw.w.Error()
}
