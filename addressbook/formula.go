package addressbook

import "strings"

// Formula escaping in CSV export.
//
// A spreadsheet that opens a CSV file runs a cell that starts with '=', '+',
// '-' or '@' as a formula, and some also treat a leading tab or carriage
// return that way, so an exported value such as =HYPERLINK(...) could run in
// the reader's spreadsheet. Chatalott's CSV export therefore writes one
// apostrophe in front of such a cell, which spreadsheets show as text. The
// phone number "+1 555 0100" is written as '+1 555 0100.
//
// A value that already starts with apostrophes followed by one of those
// characters ("'=x") gets one more apostrophe ("''=x"), so that every
// written cell that starts with apostrophes and then a trigger character
// carries exactly one added apostrophe. Other values that start with an
// apostrophe ("'Tis") are written unchanged.
//
// On import, one apostrophe is removed from cells of that shape only in
// files that carry the kindHeader column, that is, Chatalott's own export.
// Files from other applications are read as written, so an apostrophe that
// a person typed there is kept.

// isFormulaTrigger reports whether a cell that starts with c could run as a
// formula in a spreadsheet.
func isFormulaTrigger(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// needsFormulaEscape reports whether s, after any leading apostrophes,
// starts with a formula trigger.
func needsFormulaEscape(s string) bool {
	rest := strings.TrimLeft(s, "'")
	return rest != "" && isFormulaTrigger(rest[0])
}

// escapeFormula returns the cell that the CSV writer stores for s.
func escapeFormula(s string) string {
	if needsFormulaEscape(s) {
		return "'" + s
	}
	return s
}

// unescapeFormula undoes escapeFormula exactly.
func unescapeFormula(cell string) string {
	if strings.HasPrefix(cell, "'") && needsFormulaEscape(cell) {
		return cell[1:]
	}
	return cell
}
