package blobs_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/blobs"
)

// failingReader returns some bytes and then an error, like an upload cut
// off at its size limit.
type failingReader struct{ sent bool }

var errCutOff = errors.New("cut off")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.sent {
		return 0, errCutOff
	}
	f.sent = true
	return copy(p, "partial"), nil
}

func TestBucketFileFolder(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	rawURL, err := blobs.DefaultURL(dir)
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := blobs.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("Open(%s): %v", rawURL, err)
	}
	defer bucket.Close()

	info, err := os.Stat(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatalf("bucket folder: %v", err)
	}
	if got := info.Mode().Perm(); got != 0o700 {
		t.Errorf("bucket folder mode = %o, want 700", got)
	}

	n, err := bucket.Put(ctx, "imports/w/a", strings.NewReader("Name\nAna\n"))
	if err != nil || n != 9 {
		t.Fatalf("Put = %d, %v; want 9 bytes", n, err)
	}
	r, err := bucket.Open(ctx, "imports/w/a")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	data, _ := io.ReadAll(r)
	r.Close()
	if string(data) != "Name\nAna\n" {
		t.Errorf("read back %q, want the written bytes", data)
	}

	if _, err := bucket.Put(ctx, "imports/w/b", &failingReader{}); !errors.Is(err, errCutOff) {
		t.Errorf("Put of a failing reader: error %v, want the reader's error", err)
	}
	if _, err := bucket.Open(ctx, "imports/w/b"); chatalott.ErrorCode(err) != chatalott.ENotFound {
		t.Errorf("Open after an aborted Put: error code %q, want %q", chatalott.ErrorCode(err), chatalott.ENotFound)
	}

	if deleted, err := bucket.DeleteOlderThan(ctx, "imports/", time.Now().Add(-time.Hour)); err != nil || deleted != 0 {
		t.Errorf("DeleteOlderThan an hour ago = %d, %v; want 0", deleted, err)
	}
	if deleted, err := bucket.DeleteOlderThan(ctx, "imports/", time.Now().Add(time.Hour)); err != nil || deleted != 1 {
		t.Errorf("DeleteOlderThan an hour ahead = %d, %v; want 1", deleted, err)
	}
	if err := bucket.Delete(ctx, "imports/w/a"); err != nil {
		t.Errorf("Delete of a missing blob: %v, want nil", err)
	}
}

func TestOpenRejectsScheme(t *testing.T) {
	for _, rawURL := range []string{"s3://bucket", "gs://bucket", "file://"} {
		if _, err := blobs.Open(context.Background(), rawURL); err == nil {
			t.Errorf("Open(%q): no error, want a rejection", rawURL)
		}
	}
}
