package addressbook

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// repeatedRows is an io.Reader of a header and n copies of one row,
// generated as it is read so that the test itself holds no large input.
type repeatedRows struct {
	header, row string
	n           int
	pending     string
}

func (r *repeatedRows) Read(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		if r.pending == "" {
			switch {
			case r.header != "":
				r.pending, r.header = r.header, ""
			case r.n > 0:
				r.pending = r.row
				r.n--
			default:
				if written == 0 {
					return 0, io.EOF
				}
				return written, nil
			}
		}
		n := copy(p[written:], r.pending)
		r.pending = r.pending[n:]
		written += n
	}
	return written, nil
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestCSVReadMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 20 MB generated file")
	}
	const rows = 60_000
	row := "Ann,Lee,ann@example.com,+1 555 0100,\"" + strings.Repeat("note, with text; ", 16) + "\"\n"
	input := &repeatedRows{header: "First Name,Last Name,Email,Phone,Notes\n", row: row, n: rows}
	r, err := Open(input, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var early, peak uint64
	for i := 0; ; i++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || rec.Err != nil {
			t.Fatalf("row %d: %v %v", i, err, rec.Err)
		}
		if i%10_000 == 5_000 {
			heap := heapAlloc()
			if early == 0 {
				early = heap
			}
			peak = max(peak, heap)
		}
	}
	// The file is about 20 MB; a reader that kept rows would grow by that much.
	if growth := int64(peak) - int64(early); growth > 2<<20 {
		t.Errorf("heap grew by %d bytes while reading, want under 2 MiB", growth)
	}
}
