package addressbook

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/chatalott/chatalott"
)

// maxPreambleLines is how many lines Open searches for the CSV header row.
const maxPreambleLines = 50

// Open sniffs the start of r (format, encoding, CSV separator, header row and
// column mapping) and returns a Reader positioned at the first record. It
// fails when the file is empty, when its header row names a column twice,
// or when opts is invalid. A CSV file with a header row and no data rows
// opens, and its Reader returns io.EOF at once.
func Open(r io.Reader, opts Options) (*Reader, error) {
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	text, err := newTextDecoder(r, opts.Encoding)
	if err != nil {
		return nil, err
	}
	buffered := bufio.NewReaderSize(text, sniffSize)
	prefix, err := buffered.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(err)
	}
	whole := err != nil // Peek stopped early, so prefix is the whole file

	format := opts.Format
	if format == "" {
		format = sniffFormat(prefix)
	}
	if format == "" {
		return nil, chatalott.Errorf(chatalott.EInvalid, "The file is empty; choose a file that contains contacts.")
	}

	reader := &Reader{text: text, maxRows: opts.MaxRows}
	reader.detection = Detection{Format: format, ByteOrderMark: text.bom}
	switch format {
	case FormatCSV:
		src, err := openCSV(buffered, prefix, whole, opts, &reader.detection, text)
		if err != nil {
			return nil, err
		}
		reader.source = src
	case FormatVCard:
		reader.source = newVCardSource(buffered, opts.MaxLineBytes)
	case FormatJSON:
		reader.source = newJSONSource(buffered, opts.MaxLineBytes)
	default:
		return nil, chatalott.Errorf(chatalott.EInvalid,
			"The format %q is not supported; use %q, %q or %q.", format, FormatCSV, FormatVCard, FormatJSON)
	}
	return reader, nil
}

// sniffFormat detects vCard and JSON by their first non-blank text. It
// returns FormatCSV for other text and "" for a blank file.
func sniffFormat(prefix []byte) Format {
	start := bytes.TrimLeft(prefix, " \t\r\n\ufeff")
	switch {
	case len(start) == 0:
		return ""
	case len(start) >= len("BEGIN:VCARD") && strings.EqualFold(string(start[:len("BEGIN:VCARD")]), "BEGIN:VCARD"):
		return FormatVCard
	case start[0] == '[' || start[0] == '{':
		return FormatJSON
	}
	return FormatCSV
}

// csvLayout is the separator and header row that detectCSVLayout chose.
type csvLayout struct {
	separator  rune
	headerLine int // 1-based
}

// detectCSVLayout finds the header row and separator in the first lines of
// a CSV file. The header row is the first line, among the first
// maxPreambleLines, in which at least two cells and half of all cells name
// known columns, else the line that names the most. This skips free text that
// some exporters write first, such as LinkedIn's "Notes:" lines. When no line
// names a known column, the first non-blank line is the header row. The
// separator is the one of ',', ';' and tab that gives the header row the
// most known columns, then the most cells.
func detectCSVLayout(prefix []byte, whole bool, forcedSep rune, forcedLine int) (csvLayout, bool) {
	lines := strings.Split(string(prefix), "\n")
	if !whole && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last line may be cut off by the sniff size
	}
	if len(lines) > maxPreambleLines {
		lines = lines[:maxPreambleLines]
	}
	separators := []rune{',', ';', '\t'}
	if forcedSep != 0 {
		separators = []rune{forcedSep}
	}

	best, bestKnown, bestCells := csvLayout{}, -1, 0
	for i, line := range lines {
		if forcedLine != 0 && i+1 != forcedLine {
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		for _, sep := range separators {
			cells := splitCSVLine(line, sep)
			known := countKnownHeaders(cells)
			// An earlier line wins a tie, and on one line the separator that
			// gives more cells wins.
			if known > bestKnown || known == bestKnown && best.headerLine == i+1 && len(cells) > bestCells {
				best, bestKnown, bestCells = csvLayout{separator: sep, headerLine: i + 1}, known, len(cells)
			}
		}
		// A line where at least two cells, and half of all cells, name known
		// columns is taken at once. Later lines are data rows, and scoring
		// them costs more than the rest of Open.
		if best.headerLine == i+1 && bestKnown >= 2 && 2*bestKnown >= bestCells {
			break
		}
	}
	if bestKnown < 0 {
		return csvLayout{}, false
	}
	return best, true
}

func splitCSVLine(line string, sep rune) []string {
	r := csv.NewReader(strings.NewReader(line))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = sep, true, -1
	cells, err := r.Read()
	if err != nil {
		return nil
	}
	return cells
}

func countKnownHeaders(cells []string) int {
	profile := detectProfile(cells)
	known := 0
	for _, c := range cells {
		if m := mapHeader(profile, strings.TrimSpace(c)); m.Target != TargetIgnore {
			known++
		}
	}
	return known
}

// openCSV detects the CSV layout, reads the header row and prepares the
// source that reads the data rows after it.
func openCSV(text *bufio.Reader, prefix []byte, whole bool, opts Options, det *Detection, decoder *textDecoder) (*csvSource, error) {
	layout, ok := detectCSVLayout(prefix, whole, opts.Separator, opts.HeaderLine)
	if !ok {
		if opts.HeaderLine != 0 {
			return nil, chatalott.Errorf(chatalott.EInvalid,
				"line %d: the header row is blank or beyond line %d; choose the line that names the columns.",
				opts.HeaderLine, maxPreambleLines)
		}
		return nil, chatalott.Errorf(chatalott.EInvalid,
			"No header row was found in the first %d lines; the first row of a CSV file must name the columns.", maxPreambleLines)
	}

	src := &csvSource{
		decoder:       decoder,
		limiter:       &recordLimiter{r: text, max: opts.MaxLineBytes},
		separator:     layout.separator,
		structureOnly: opts.StructureOnly,
	}
	if err := src.limiter.skipLines(layout.headerLine - 1); err != nil {
		return nil, readError(err)
	}
	src.restart()
	headers, err := src.reader.Read()
	if err != nil {
		return nil, chatalott.Errorf(chatalott.EInvalid,
			"line %d: the header row could not be read (%v); check the quotes in it.", layout.headerLine, err)
	}
	headers = append([]string(nil), headers...)
	headers[0] = strings.TrimPrefix(headers[0], "\ufeff")
	if err := checkDuplicateHeaders(headers, layout.headerLine); err != nil {
		return nil, err
	}
	src.afterRecord(headers)
	if len(headers) == 1 && opts.Separator == 0 {
		if other := strings.IndexAny(headers[0], "|^~"); other >= 0 && len(headers[0]) > other+1 {
			return nil, chatalott.Errorf(chatalott.EInvalid,
				"line %d: the header row %q has a single column; the file seems to separate columns with %q, which is not supported. "+
					"Save it again as CSV with commas, semicolons or tabs between the columns.",
				layout.headerLine, truncateText(headers[0], 80), headers[0][other:other+1])
		}
	}

	profile, mapping := DetectMapping(headers)
	groupGenericColumns(mapping)
	if opts.Mapping != nil {
		if err := checkMapping(opts.Mapping, headers); err != nil {
			return nil, err
		}
		mapping = append([]ColumnMapping(nil), opts.Mapping...)
		for i := range mapping {
			mapping[i].Header = headers[mapping[i].Index]
		}
	}
	src.headers, src.mapping = headers, mapping
	src.multiValue = profile == ProfileGoogle || profile == ProfileChatalott
	src.unescapeFormulas = profile == ProfileChatalott

	det.Separator, det.HeaderLine = layout.separator, layout.headerLine
	det.Headers, det.Profile, det.Mapping = headers, profile, mapping
	return src, nil
}

// truncateText shortens s to at most n bytes for an error message, without
// splitting a UTF-8 character.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
