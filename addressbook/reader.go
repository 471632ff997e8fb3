package addressbook

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// Format is a file format that Open reads.
type Format string

// Formats that Open detects.
const (
	FormatCSV   Format = "csv"
	FormatVCard Format = "vcard"
	FormatJSON  Format = "json"
)

// Default limits of Options.
const (
	// DefaultMaxRows is the largest number of rows, cards or JSON objects
	// read from one file.
	DefaultMaxRows = 100_000
	// DefaultMaxLineBytes is the largest CSV row, vCard property (after
	// unfolding) or JSON object, in bytes of UTF-8. It leaves room for a
	// photo of contacts.MaxPhotoBytes in base64 (342 KiB) and rejects a
	// 1 MB line.
	DefaultMaxLineBytes = 512 << 10
)

// Options control Open. The zero value detects everything and applies the
// default limits.
type Options struct {
	// Format forces the file format; empty means detect it.
	Format Format
	// Encoding forces the character encoding by its WHATWG label, such as
	// "utf-8", "utf-16le" or "windows-1252"; empty means detect it.
	Encoding string
	// Separator forces the CSV separator; 0 means detect ',', ';' or tab.
	Separator rune
	// HeaderLine forces the 1-based line of the CSV header row; 0 means
	// detect it.
	HeaderLine int
	// Mapping replaces the detected CSV column mapping, for example after a
	// person edited it. Columns it does not list are not imported.
	Mapping []ColumnMapping
	// MaxRows caps the rows, cards or objects read; 0 means DefaultMaxRows.
	MaxRows int
	// MaxLineBytes caps one CSV row, vCard property or JSON object, in
	// bytes; 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// StructureOnly reads CSV rows without building contacts: Next returns
	// records with only Line, or Err for a row that cannot be read at all,
	// and every error that ends the file as usual. It makes a first pass
	// that checks a whole file about twice as fast. vCard and JSON files
	// are read in full either way.
	StructureOnly bool
}

// Detection is what Open found out about a file.
type Detection struct {
	Format Format
	// Encoding is the character encoding, one of the Encoding constants or
	// the name given in Options.Encoding. A file without a byte-order mark
	// whose first non-ASCII byte lies beyond the sniffed start reports
	// utf-8 until that byte is read.
	Encoding      string
	ByteOrderMark bool
	// Separator, HeaderLine, Headers, Profile and Mapping describe CSV files
	// only. HeaderLine is 1-based.
	Separator  rune
	HeaderLine int
	Headers    []string
	Profile    Profile
	Mapping    []ColumnMapping
}

// Record is the result of reading one CSV row, vCard or JSON object.
type Record struct {
	// Line is the 1-based line where the row, the BEGIN:VCARD line or the
	// JSON object starts.
	Line int
	// Contact is the contact read, normalized with contacts.Contact.Normalize.
	// It is nil when the row could not be read at all.
	Contact *contacts.Contact
	// Warnings describe data that was dropped or guessed while the contact
	// was kept, such as an oversized photo.
	Warnings []string
	// Err is set when the row is rejected. Its message names the line, the
	// value and the fix. A contact that fails contacts.Contact.Validate is
	// returned in Contact with the validation errors wrapped in Err.
	Err error
}

// source reads the records of one format. It returns io.EOF at the end and
// any other error for a failure that stops the whole file.
type source interface {
	next() (Record, error)
}

// Reader reads contacts from a file one record at a time.
type Reader struct {
	detection Detection
	text      *textDecoder
	source    source
	maxRows   int
	rows      int
	err       error
}

// Next returns the next record, or io.EOF after the last one. A rejected row
// is a Record with Err set, and the following call continues with the next
// row. Any other error ends the file: it is returned again by every later
// call. Going past Options.MaxRows is such an error, with code
// chatalott.ETooLarge.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, err := r.source.next()
	if err != nil {
		r.err = err
		return Record{}, err
	}
	r.rows++
	if r.rows > r.maxRows {
		r.err = chatalott.Errorf(chatalott.ETooLarge,
			"line %d: the file has more than %d contacts; split it into files of at most %d contacts and import each.",
			rec.Line, r.maxRows, r.maxRows)
		return Record{}, r.err
	}
	if rec.Contact != nil && rec.Err == nil {
		rec.Contact.Normalize()
		if err := rec.Contact.Validate(); err != nil {
			rec.Err = validationError(rec.Line, err)
		}
	}
	return rec, nil
}

// Detection returns what Open found out about the file.
func (r *Reader) Detection() Detection {
	d := r.detection
	d.Encoding = r.text.encoding
	d.Headers = append([]string(nil), d.Headers...)
	d.Mapping = append([]ColumnMapping(nil), d.Mapping...)
	return d
}

// rowError returns the error of a rejected record. Its message starts with
// the line, as the import page lists records by line.
func rowError(line int, format string, args ...any) error {
	e := chatalott.Errorf(chatalott.EInvalid, format, args...)
	e.Message = lineLabel(line) + e.Message
	return e
}

func lineLabel(line int) string {
	if line <= 0 {
		return ""
	}
	return "line " + strconv.Itoa(line) + ": "
}

// validationError joins the messages of a contacts.Validate error into one
// record error and keeps the field errors as its cause.
func validationError(line int, err error) error {
	var fields chatalott.ValidationErrors
	if !errors.As(err, &fields) {
		return &chatalott.Error{Code: chatalott.EInvalid, Message: lineLabel(line) + err.Error(), Err: err}
	}
	messages := make([]string, len(fields))
	for i, f := range fields {
		messages[i] = f.Message
	}
	return &chatalott.Error{Code: chatalott.EInvalid, Message: lineLabel(line) + strings.Join(messages, " "), Err: err}
}

// readError wraps an I/O error that stops reading.
func readError(err error) error {
	if errors.Is(err, io.EOF) {
		return err
	}
	return &chatalott.Error{Code: chatalott.EInternal, Message: "Reading the file failed.", Err: err}
}
