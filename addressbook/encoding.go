package addressbook

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/chatalott/chatalott"
)

// Encoding names reported in Detection.Encoding. They are the WHATWG labels
// that golang.org/x/text/encoding/htmlindex also accepts in Options.Encoding.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF16LE     = "utf-16le"
	EncodingUTF16BE     = "utf-16be"
	EncodingWindows1252 = "windows-1252"
)

// sniffSize is how many bytes Open looks at to choose the encoding, the
// format, the CSV separator and the header row.
const sniffSize = 64 << 10

// textDecoder turns the raw bytes of a file into UTF-8 text.
//
// Without a byte-order mark the file is taken as UTF-8 when its first
// non-ASCII bytes form valid UTF-8, and as Windows-1252 otherwise. The choice
// is made at the first non-ASCII byte, which may lie far beyond the sniffed
// prefix. ASCII reads the same in both encodings, so nothing read before the
// choice changes meaning. Invalid UTF-8 that appears after valid
// multi-byte UTF-8, or in a file with a UTF-8 byte-order mark, is passed on
// unchanged and the row that contains it is rejected by validation.
type textDecoder struct {
	raw      *bufio.Reader
	counter  *countingReader // raw bytes read, to spot odd-length UTF-16
	decided  io.Reader       // nil while only ASCII has been seen
	encoding string
	bom      bool
}

func newTextDecoder(r io.Reader, forced string) (*textDecoder, error) {
	counter := &countingReader{r: r}
	d := &textDecoder{raw: bufio.NewReaderSize(counter, sniffSize), counter: counter}
	start, _ := d.raw.Peek(4)

	if forced != "" {
		enc, err := htmlindex.Get(forced)
		if err != nil {
			return nil, chatalott.Errorf(chatalott.EInvalid,
				"The encoding %q is not known; use a name such as utf-8, utf-16le or windows-1252.", forced)
		}
		name, _ := htmlindex.Name(enc)
		d.encoding = name
		switch {
		case name == EncodingUTF8 && bytes.HasPrefix(start, []byte{0xEF, 0xBB, 0xBF}):
			d.bom = true
			d.raw.Discard(3)
			d.decided = d.raw
		case name == EncodingUTF8:
			d.decided = d.raw
		default:
			d.decided = transform.NewReader(d.raw, bomSkipping(enc).NewDecoder())
		}
		return d, nil
	}

	switch {
	case bytes.HasPrefix(start, []byte{0xEF, 0xBB, 0xBF}):
		d.raw.Discard(3)
		d.encoding, d.bom, d.decided = EncodingUTF8, true, d.raw
	case bytes.HasPrefix(start, []byte{0xFF, 0xFE}):
		d.encoding, d.bom = EncodingUTF16LE, true
		d.decided = transform.NewReader(d.raw, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(start, []byte{0xFE, 0xFF}):
		d.encoding, d.bom = EncodingUTF16BE, true
		d.decided = transform.NewReader(d.raw, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	default:
		prefix, _ := d.raw.Peek(sniffSize)
		if looksLikeUTF16(prefix) {
			return nil, chatalott.Errorf(chatalott.EInvalid,
				"The file looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 with a byte-order mark) and import it again.")
		}
		d.encoding = EncodingUTF8
		d.chooseFrom(prefix)
	}
	return d, nil
}

// bomSkipping makes a UTF-16 encoding chosen by name honour and drop a
// byte-order mark, as Windows tools always write one.
func bomSkipping(enc encoding.Encoding) encoding.Encoding {
	switch enc {
	case unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	}
	return enc
}

// chooseFrom decides between UTF-8 and Windows-1252 from the first non-ASCII
// byte of prefix, and leaves the choice open when prefix is all ASCII.
func (d *textDecoder) chooseFrom(prefix []byte) {
	i := bytes.IndexFunc(prefix, func(r rune) bool { return r >= utf8.RuneSelf })
	if i < 0 {
		return
	}
	if validUTF8At(prefix[i:]) {
		d.decided = d.raw
		return
	}
	d.encoding = EncodingWindows1252
	d.decided = transform.NewReader(d.raw, charmap.Windows1252.NewDecoder())
}

// validUTF8At reports whether b starts with a valid multi-byte UTF-8
// sequence, or with the start of one cut off by the end of b.
func validUTF8At(b []byte) bool {
	r, size := utf8.DecodeRune(b)
	if r != utf8.RuneError || size > 1 {
		return true
	}
	return len(b) < utf8.UTFMax && !utf8.FullRune(b) && utf8.RuneStart(b[0]) && b[0] >= 0xC2 && b[0] <= 0xF4
}

func (d *textDecoder) Read(p []byte) (int, error) {
	if d.decided != nil {
		return d.decided.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	want := min(len(p), d.raw.Size())
	buf, err := d.raw.Peek(want)
	if len(buf) == 0 {
		return 0, err
	}
	i := bytes.IndexFunc(buf, func(r rune) bool { return r >= utf8.RuneSelf })
	switch {
	case i < 0:
		n := copy(p, buf)
		d.raw.Discard(n)
		return n, nil
	case i > 0:
		n := copy(p, buf[:i])
		d.raw.Discard(n)
		return n, nil
	}
	ahead, _ := d.raw.Peek(utf8.UTFMax)
	d.chooseFrom(ahead)
	if d.decided == nil {
		// Unreachable: ahead starts with a non-ASCII byte, so chooseFrom decides.
		d.decided = d.raw
	}
	return d.decided.Read(p)
}

// oddUTF16 reports whether a UTF-16 file ended in the middle of a code unit.
// Call it only after the decoder returned io.EOF.
func (d *textDecoder) oddUTF16() bool {
	return (d.encoding == EncodingUTF16LE || d.encoding == EncodingUTF16BE) && d.counter.n%2 == 1
}

// looksLikeUTF16 reports whether b has the zero bytes of ASCII text in
// UTF-16: in at least a third of the byte pairs, one byte is zero.
func looksLikeUTF16(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	pairs, zeros := len(b)/2, 0
	for i := 0; i+1 < len(b); i += 2 {
		if (b[i] == 0) != (b[i+1] == 0) {
			zeros++
		}
	}
	return zeros*3 >= pairs
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decodeCharset converts b from the named character set to UTF-8. An empty
// or unknown name means UTF-8 when b is valid UTF-8 and Windows-1252
// otherwise; unknown names also return a warning.
func decodeCharset(b []byte, name string) (string, string) {
	name = strings.TrimSpace(name)
	var warning string
	if name != "" {
		enc, err := htmlindex.Get(name)
		if err == nil {
			if canonical, _ := htmlindex.Name(enc); canonical == EncodingUTF8 {
				return string(b), ""
			}
			out, err := enc.NewDecoder().Bytes(b)
			if err == nil {
				return string(out), ""
			}
		}
		warning = fmt.Sprintf("the character set %q is not known, so the text was read as UTF-8 or Windows-1252", name)
	}
	if utf8.Valid(b) {
		return string(b), warning
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(out), warning
}
