// Package addressbook converts between address-book files and
// *contacts.Contact values: CSV (Google Contacts, Outlook, LinkedIn and
// generic headers), vCard 2.1, 3.0 and 4.0, and Chatalott's own JSON export.
//
// Reading and writing both stream. Open sniffs the start of a file and
// returns a Reader whose Next yields one Record per CSV row, vCard or JSON
// object, so memory stays flat as files grow. A bad row is a Record with Err
// set, and reading goes on with the next row. The writers take one contact at
// a time.
//
// The package does no I/O of its own beyond the reader and writer it is
// given: it never fetches a photo URL, and it does not log.
//
// # Library choices
//
// CSV uses encoding/csv, character sets use golang.org/x/text/encoding, and
// quoted-printable uses mime/quotedprintable.
//
// vCard is parsed and written here rather than with github.com/emersion/go-vcard
// (checked at pseudo-version v0.0.0-20260618161152-d854b7e0e2d3, the latest;
// the module has no tagged releases). Its decoder mishandles 2.1 bare
// parameters such as TEL;CELL;PREF and does not decode QUOTED-PRINTABLE or
// its soft line breaks. It leaves \; escaped, so N and ADR components cannot
// be split safely. It skips malformed lines silently, reports no line numbers
// and reads lines of any length into memory. Its encoder does not fold lines
// at 75 octets and does not escape ';' in text values. Each of those breaks a
// requirement of this package, so the small parser and writer here are used
// instead.
package addressbook
