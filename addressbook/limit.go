package addressbook

import (
	"bufio"
	"bytes"
	"errors"
)

// errRecordTooLong is returned by recordLimiter when one record grows past
// the limit. The reader turns it into a rejected Record.
var errRecordTooLong = errors.New("addressbook: record too long")

// recordLimiter caps the bytes that a parser may pull for one record, so that
// a file with a huge row or field cannot grow memory without bound. The
// parser calls mark after each record. Parsers read ahead (encoding/csv by
// up to its 4 KiB buffer), so the cap is exact to within that buffer.
//
// After the cap is hit, skipLine drops input up to the end of the physical
// line, and a fresh parser can continue from there.
type recordLimiter struct {
	r        *bufio.Reader
	max      int
	count    int // bytes delivered since mark
	newlines int // newlines delivered or skipped since creation
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.count >= l.max {
		return 0, errRecordTooLong
	}
	if room := l.max - l.count; len(p) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.count += n
	l.newlines += bytes.Count(p[:n], []byte{'\n'})
	return n, err
}

func (l *recordLimiter) mark() { l.count = 0 }

// skipLine discards input up to and including the next newline and resets
// the cap.
func (l *recordLimiter) skipLine() error {
	for {
		_, err := l.r.ReadSlice('\n')
		if err == nil {
			l.newlines++
			l.count = 0
			return nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			l.count = 0
			return err
		}
	}
}

// skipLines discards n physical lines, which Open found before the CSV
// header row.
func (l *recordLimiter) skipLines(n int) error {
	for range n {
		if err := l.skipLine(); err != nil {
			return err
		}
	}
	return nil
}
