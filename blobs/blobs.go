// Package blobs stores files such as uploaded imports in a bucket through
// the portable gocloud.dev/blob API: a folder in the data folder by default
// (fileblob), or memory for tests (memblob).
//
// NOTE: an S3-compatible driver (gocloud.dev/blob/s3blob) is not wired yet,
// so CHATALOTT_BLOB_URL accepts only file:// and mem:// URLs.
//
// NOTE: files are stored as uploaded, without the application-level
// AES-256-GCM encryption that stored blobs should have. A file folder
// bucket is created with mode 0700 so that other local users cannot read it.
package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"time"

	"github.com/chatalott/chatalott"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"
)

// Bucket is an open blob bucket.
type Bucket struct {
	bucket *blob.Bucket
}

// DefaultURL returns the bucket URL used when none is configured: the
// folder "blobs" inside dataDir.
func DefaultURL(dataDir string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(dataDir, "blobs"))
	if err != nil {
		return "", fmt.Errorf("blobs: resolve %s: %w", dataDir, err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}

// Open opens the bucket at rawURL: file:///ABSOLUTE/FOLDER, which is
// created with mode 0700 when missing, or mem:// for a bucket that lives
// as long as the process.
func Open(ctx context.Context, rawURL string) (*Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blobs: bucket URL %q is not a URL: %w", rawURL, err)
	}
	switch u.Scheme {
	case fileblob.Scheme:
		if u.Path == "" {
			return nil, fmt.Errorf("blobs: bucket URL %q names no folder; use file:///absolute/folder", rawURL)
		}
		opener := &fileblob.URLOpener{Options: fileblob.Options{
			CreateDir:   true,
			DirFileMode: 0o700,
			// Temporary files go next to the final file, inside the 0700
			// folder, and not in the shared temporary folder.
			NoTempDir: true,
			// Sidecar attribute files are not needed: only the content and
			// the modification time are read.
			Metadata: fileblob.MetadataDontWrite,
		}}
		b, err := opener.OpenBucketURL(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("blobs: open %s: %w", rawURL, err)
		}
		return &Bucket{bucket: b}, nil
	case memblob.Scheme:
		return &Bucket{bucket: memblob.OpenBucket(nil)}, nil
	}
	return nil, fmt.Errorf("blobs: bucket URL scheme %q is not supported; use file:///absolute/folder or mem://", u.Scheme)
}

// Close closes the bucket.
func (b *Bucket) Close() error { return b.bucket.Close() }

// Put streams r into the blob at key and returns the bytes written. When
// reading r fails, the write is aborted, no blob is left at key, and the
// error of r is returned wrapped, so that its code survives.
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	// Cancelling the context before Close is how gocloud aborts a write.
	writeCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := b.bucket.NewWriter(writeCtx, key, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return 0, fmt.Errorf("blobs: write %s: %w", key, err)
	}
	n, err := io.Copy(w, r)
	if err != nil {
		cancel()
		w.Close() // returns the cancellation, which is expected here
		return n, fmt.Errorf("blobs: write %s: %w", key, err)
	}
	if err := w.Close(); err != nil {
		return n, fmt.Errorf("blobs: write %s: %w", key, err)
	}
	return n, nil
}

// Open returns a reader of the blob at key, which the caller closes. A key
// that has no blob returns an error with code chatalott.ENotFound.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := b.bucket.NewReader(ctx, key, nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, &chatalott.Error{Code: chatalott.ENotFound,
				Message: "The uploaded file is no longer stored; upload it again.", Err: err}
		}
		return nil, fmt.Errorf("blobs: read %s: %w", key, err)
	}
	return r, nil
}

// Delete removes the blob at key. A key that has no blob is not an error,
// so that deleting twice is safe.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	err := b.bucket.Delete(ctx, key)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("blobs: delete %s: %w", key, err)
	}
	return nil
}

// DeleteOlderThan removes every blob under prefix last modified before
// cutoff and returns how many it removed. It stops at the first error.
func (b *Bucket) DeleteOlderThan(ctx context.Context, prefix string, cutoff time.Time) (int, error) {
	it := b.bucket.List(&blob.ListOptions{Prefix: prefix})
	deleted := 0
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return deleted, nil
		}
		if err != nil {
			return deleted, fmt.Errorf("blobs: list %s: %w", prefix, err)
		}
		if obj.IsDir || !obj.ModTime.Before(cutoff) {
			continue
		}
		if err := b.Delete(ctx, obj.Key); err != nil {
			return deleted, err
		}
		deleted++
	}
}
