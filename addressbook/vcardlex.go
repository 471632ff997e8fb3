package addressbook

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime/quotedprintable"
	"strings"
)

// vcardLines reads the logical lines of a vCard file: physical lines joined
// by unfolding, with memory capped at max bytes per logical line.
//
// Unfolding differs by version. In 3.0 and 4.0 (RFC 2426, RFC 6350) a line
// break followed by one space or tab is removed together with that
// character. In 2.1 the fold was inserted before existing white space, so
// only the line break is removed. In a 2.1 QUOTED-PRINTABLE value, a line
// ending in '=' is a soft line break: the '=' and the line break are removed
// and the next line continues the value whatever it starts with.
type vcardLines struct {
	r    *bufio.Reader
	max  int
	line int // physical lines read

	// pending is the physical line read ahead to look for a continuation.
	pending     []byte
	pendingLine int
	hasPending  bool
	pendingErr  error
}

// logicalLine is one unfolded line.
type logicalLine struct {
	text    string
	line    int  // 1-based line of its first physical line
	tooLong bool // text holds only the first max bytes
}

// physical reads one physical line without its line break. It keeps at most
// max+1 bytes and discards the rest, so that a huge line cannot exhaust
// memory.
func (v *vcardLines) physical() ([]byte, int, error) {
	if v.hasPending {
		v.hasPending = false
		return v.pending, v.pendingLine, v.pendingErr
	}
	var buf []byte
	for {
		chunk, err := v.r.ReadSlice('\n')
		if len(buf) <= v.max {
			buf = append(buf, chunk[:min(len(chunk), v.max+1-len(buf))]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (len(buf) == 0 || !errors.Is(err, io.EOF)) {
			return nil, 0, err
		}
		v.line++
		buf = bytes.TrimSuffix(buf, []byte{'\n'})
		buf = bytes.TrimSuffix(buf, []byte{'\r'})
		return buf, v.line, nil
	}
}

func (v *vcardLines) unread(b []byte, line int, err error) {
	v.pending, v.pendingLine, v.pendingErr, v.hasPending = b, line, err, true
}

// next returns the next logical line, unfolded by the rules of version.
func (v *vcardLines) next(version string) (logicalLine, error) {
	first, line, err := v.physical()
	if err != nil {
		return logicalLine{}, err
	}
	out := logicalLine{line: line}
	buf := append([]byte(nil), first...)
	if len(buf) > v.max {
		buf, out.tooLong = buf[:v.max], true
	}
	quotedPrintable := isQuotedPrintable(buf)
	for {
		softBreak := quotedPrintable && bytes.HasSuffix(buf, []byte{'='})
		next, nextLine, err := v.physical()
		if err != nil {
			v.unread(nil, 0, err)
			break
		}
		var continuation []byte
		switch {
		case softBreak:
			buf = buf[:len(buf)-1]
			continuation = next
		case len(next) > 0 && (next[0] == ' ' || next[0] == '\t'):
			continuation = next[1:]
			if version == "2.1" {
				continuation = next
			}
		default:
			v.unread(next, nextLine, nil)
			out.text = string(buf)
			return out, nil
		}
		if len(buf)+len(continuation) > v.max {
			continuation = continuation[:max(0, v.max-len(buf))]
			out.tooLong = true
		}
		buf = append(buf, continuation...)
	}
	out.text = string(buf)
	return out, nil
}

// isQuotedPrintable reports whether a property line declares the
// QUOTED-PRINTABLE encoding in its parameters.
func isQuotedPrintable(line []byte) bool {
	head := line
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		head = line[:i]
	}
	return bytes.Contains(bytes.ToUpper(head), []byte("QUOTED-PRINTABLE"))
}

// property is one parsed vCard content line.
type property struct {
	group  string // lower case, "" when ungrouped
	name   string // upper case
	params map[string][]string
	value  string // still escaped
	line   int
	// tooLong marks a value cut at the line limit.
	tooLong bool
}

func (p property) param(name string) string {
	if values := p.params[name]; len(values) > 0 {
		return values[0]
	}
	return ""
}

// types returns the TYPE parameter values in lower case, with comma lists
// and repeated TYPE parameters flattened.
func (p property) types() []string {
	var out []string
	for _, v := range p.params["TYPE"] {
		for _, t := range strings.Split(v, ",") {
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

var errNotProperty = errors.New("not a property")

// parseProperty splits "group.NAME;param=value;...:value". Parameter
// values may be quoted and then contain ';', ':' and ','. A 2.1 parameter
// without '=' (TEL;CELL;PREF) is a TYPE, or the ENCODING when it names one.
func parseProperty(l logicalLine) (property, error) {
	s := l.text
	p := property{line: l.line, params: map[string][]string{}, tooLong: l.tooLong}
	end := strings.IndexAny(s, ";:")
	if end <= 0 {
		return p, errNotProperty
	}
	name := s[:end]
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		p.group, name = strings.ToLower(name[:dot]), name[dot+1:]
	}
	if name == "" {
		return p, errNotProperty
	}
	p.name = strings.ToUpper(name)
	s = s[end:]

	for strings.HasPrefix(s, ";") {
		s = s[1:]
		keyEnd := strings.IndexAny(s, "=;:")
		if keyEnd < 0 {
			return p, errNotProperty
		}
		key := strings.ToUpper(strings.TrimSpace(s[:keyEnd]))
		if s[keyEnd] != '=' {
			if key != "" {
				p.addBareParam(key)
			}
			s = s[keyEnd:]
			continue
		}
		s = s[keyEnd+1:]
		var value string
		var ok bool
		value, s, ok = cutParamValue(s)
		if !ok {
			return p, errNotProperty
		}
		p.params[key] = append(p.params[key], value)
	}
	if !strings.HasPrefix(s, ":") {
		return p, errNotProperty
	}
	p.value = s[1:]
	return p, nil
}

// cutParamValue reads one parameter value up to the next unquoted ';' or
// ':' and removes the quotes around each comma-separated part.
func cutParamValue(s string) (value, rest string, ok bool) {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ';' || c == ':'):
			return b.String(), s[i:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

func (p *property) addBareParam(word string) {
	switch word {
	case "QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT":
		p.params["ENCODING"] = append(p.params["ENCODING"], word)
	default:
		p.params["TYPE"] = append(p.params["TYPE"], word)
	}
}

// decodeTransfer undoes a QUOTED-PRINTABLE encoding of the value, then
// converts its bytes from the CHARSET parameter. Decoding bytes before the
// character set keeps a UTF-8 character whole even when a soft line break
// split its escapes. It returns a warning when the value was kept as
// written.
func (p *property) decodeTransfer() string {
	if !strings.EqualFold(p.param("ENCODING"), "QUOTED-PRINTABLE") {
		return ""
	}
	raw, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(p.value)))
	if err != nil {
		return "the " + p.name + " value is not valid quoted-printable, so it was kept as written"
	}
	value, warning := decodeCharset(raw, p.param("CHARSET"))
	p.value = value
	return warning
}

// unescapeText undoes vCard text escaping: \\ \, \; \: \n and \N. Other
// backslashes are kept, as 2.1 files use them literally.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ',', ';', ':':
			b.WriteByte(s[i+1])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i+1])
		}
		i++
	}
	return b.String()
}

// splitEscaped splits s at each sep that is not escaped by a backslash and
// unescapes the parts.
func splitEscaped(s string, sep byte) []string {
	parts := splitRaw(s, sep)
	for i, p := range parts {
		parts[i] = unescapeText(p)
	}
	return parts
}

// splitRaw splits s at each sep that is not escaped by a backslash and
// leaves the escapes in the parts.
func splitRaw(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
