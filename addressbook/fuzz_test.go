package addressbook

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// fuzzMaxRecords bounds one fuzz input, so that a reader that stops making
// progress fails instead of hanging.
const fuzzMaxRecords = 10_000

// addSampleSeeds adds every sample file with one of exts as a seed.
func addSampleSeeds(f *testing.F, exts ...string) {
	for _, ext := range exts {
		paths, err := filepath.Glob(filepath.Join("testdata", "samples", "*"+ext))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// readFuzzInput reads every record of data and fails on a record that has
// neither an error nor a valid contact. A small line limit exercises the
// oversized-row paths with small inputs.
func readFuzzInput(t *testing.T, data []byte, format Format) {
	r, err := Open(bytes.NewReader(data), Options{Format: format, MaxLineBytes: 256, MaxRows: fuzzMaxRecords})
	if err != nil {
		return
	}
	_ = r.Detection()
	for range fuzzMaxRecords + 1 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			if _, again := r.Next(); again != err {
				t.Fatalf("Next after error %v returned %v, want the same error", err, again)
			}
			return
		}
		checkRecord(t, rec)
	}
	t.Fatalf("more than %d records without EOF or an error", fuzzMaxRecords)
}

func FuzzCSVReader(f *testing.F) {
	addSampleSeeds(f, ".csv")
	f.Add([]byte("Name,Email\n\"unterminated,x@example.com\n"))
	f.Add([]byte("\ufeffFirst Name;Labels\n'=x;* myContacts ::: A\n"))
	f.Add([]byte("\xff\xfeN\x00a\x00m\x00e\x00\n\x00A\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readFuzzInput(t, data, FormatCSV)
	})
}

func FuzzVCardReader(f *testing.F) {
	addSampleSeeds(f, ".vcf")
	f.Add([]byte("BEGIN:VCARD\nVERSION:2.1\nNOTE;QUOTED-PRINTABLE:a=\n=C3=\n=A1\nPHOTO;BASE64:\n /9j/\n\nEND:VCARD\n"))
	f.Add([]byte("BEGIN:VCARD\nitem1.EMAIL;TYPE=\"a,b\":x@example.com\nitem1.X-ABLabel:_$!<Work>!$_\nBEGIN:VCARD\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readFuzzInput(t, data, FormatVCard)
	})
}

func FuzzJSONReader(f *testing.F) {
	f.Add([]byte(`[{"kind":"person","given":"Ann"},{"kind":"x"}]`))
	f.Add([]byte(`{"kind":"person","emails":[{"address":"a@b.c"}]} {"photo":{"data":"AAAA"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		readFuzzInput(t, data, FormatJSON)
	})
}
