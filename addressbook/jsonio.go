package addressbook

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/contacts"
)

// jsonSource reads Chatalott's JSON export: a JSON array of contacts, or
// contacts written one after another (one per line). It decodes one contact
// at a time with encoding/json.Decoder, so the array is never held whole.
type jsonSource struct {
	limiter *recordLimiter
	lines   *lineCounter
	decoder *json.Decoder
	started bool
	inArray bool
}

func newJSONSource(r *bufio.Reader, maxBytes int) *jsonSource {
	lines := &lineCounter{}
	limiter := &recordLimiter{r: r, max: maxBytes}
	return &jsonSource{limiter: limiter, lines: lines, decoder: json.NewDecoder(io.TeeReader(limiter, lines))}
}

func (s *jsonSource) next() (Record, error) {
	if !s.started {
		s.started = true
		if err := s.openArray(); err != nil {
			return Record{}, err
		}
	}
	if s.inArray && !s.decoder.More() {
		if _, err := s.decoder.Token(); err != nil { // the closing ']'
			return Record{}, s.syntaxError(err)
		}
		s.inArray = false
	}
	s.limiter.mark()
	var raw json.RawMessage
	if err := s.decoder.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) && !s.inArray {
			return Record{}, io.EOF
		}
		return Record{}, s.syntaxError(err)
	}
	start := s.decoder.InputOffset() - int64(len(raw))
	line := s.lines.lineAt(start)
	s.lines.forget(start)

	rec := Record{Line: line}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	c := &contacts.Contact{}
	if err := strict.Decode(c); err != nil {
		rec.Err = rowError(line, "the contact is not in Chatalott's JSON form (%v); export it again from Chatalott.", jsonDetail(err))
		return rec, nil
	}
	rec.Contact = c
	return rec, nil
}

// openArray consumes a leading '[' when the file is an array.
func (s *jsonSource) openArray() error {
	if !s.decoder.More() {
		return nil
	}
	// More has filled the decoder's buffer; peek at the first token's
	// delimiter without consuming an object.
	buffered, _ := io.ReadAll(io.LimitReader(s.decoder.Buffered(), 64))
	trimmed := bytes.TrimLeft(buffered, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if _, err := s.decoder.Token(); err != nil {
			return s.syntaxError(err)
		}
		s.inArray = true
	}
	return nil
}

func (s *jsonSource) syntaxError(err error) error {
	if errors.Is(err, errRecordTooLong) {
		return chatalott.Errorf(chatalott.ETooLarge,
			"line %d: a contact in the JSON file is larger than %d KiB; the file cannot be read past it.",
			s.lines.lineAt(s.decoder.InputOffset()), s.limiter.max>>10)
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return chatalott.Errorf(chatalott.EInvalid,
			"line %d: the JSON file is not valid (%v), so reading stopped here; export it again from Chatalott.",
			s.lines.lineAt(s.decoder.InputOffset()), jsonDetail(err))
	}
	return readError(err)
}

// jsonDetail shortens encoding/json's messages, which start with "json: ".
func jsonDetail(err error) string {
	msg := err.Error()
	if len(msg) > 6 && msg[:6] == "json: " {
		msg = msg[6:]
	}
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return msg
}

// lineCounter maps byte offsets of the stream to 1-based line numbers. It
// keeps only the newline offsets after the last forgotten position, so its
// memory stays small while the file is read.
type lineCounter struct {
	read      int64
	forgotten int     // newlines before base
	newlines  []int64 // offsets of newlines not yet forgotten
}

func (l *lineCounter) Write(p []byte) (int, error) {
	for i, b := range p {
		if b == '\n' {
			l.newlines = append(l.newlines, l.read+int64(i))
		}
	}
	l.read += int64(len(p))
	return len(p), nil
}

func (l *lineCounter) lineAt(offset int64) int {
	n := l.forgotten
	for _, nl := range l.newlines {
		if nl >= offset {
			break
		}
		n++
	}
	return n + 1
}

func (l *lineCounter) forget(offset int64) {
	i := 0
	for i < len(l.newlines) && l.newlines[i] < offset {
		i++
	}
	l.forgotten += i
	l.newlines = append(l.newlines[:0], l.newlines[i:]...)
}

// JSONWriter writes contacts as a JSON array, one contact per line, with
// every field that contacts.Contact marshals. Call Close to end the array.
type JSONWriter struct {
	w     *bufio.Writer
	count int
}

// NewJSONWriter returns a writer of Chatalott's JSON export to w.
func NewJSONWriter(w io.Writer) *JSONWriter {
	return &JSONWriter{w: bufio.NewWriter(w)}
}

// Write appends c to the array.
func (j *JSONWriter) Write(c *contacts.Contact) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	sep := ",\n"
	if j.count == 0 {
		sep = "[\n"
	}
	j.count++
	if _, err := j.w.WriteString(sep); err != nil {
		return err
	}
	_, err = j.w.Write(data)
	return err
}

// Close ends the array and flushes. It does not close the underlying writer.
func (j *JSONWriter) Close() error {
	end := "\n]\n"
	if j.count == 0 {
		end = "[]\n"
	}
	if _, err := j.w.WriteString(end); err != nil {
		return err
	}
	return j.w.Flush()
}
