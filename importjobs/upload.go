package importjobs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode"

	"github.com/chatalott/chatalott"
	"github.com/chatalott/chatalott/addressbook"
	"github.com/chatalott/chatalott/imports"
)

// sniffBytes is how much of an upload is checked for binary content.
const sniffBytes = 8 << 10

// Upload stores file under a new job, detects its format and layout, and
// records the job as uploaded with the detected column mapping and the
// duplicate rule "skip". The file is streamed to blob storage, never held
// in memory whole. A binary file, or one that addressbook cannot open, is
// rejected with chatalott.EInvalid and nothing is kept. A read error of
// file, such as a size limit, is returned with its code.
func (s *Service) Upload(ctx context.Context, scope chatalott.Scope, fileName string, file io.Reader) (*Job, error) {
	buffered := bufio.NewReaderSize(file, sniffBytes)
	head, err := buffered.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("importjobs: read upload: %w", err)
	}
	if err := checkText(head); err != nil {
		return nil, err
	}

	id := s.NewID()
	key := blobKey(scope, id)
	size, err := s.Blobs.Put(ctx, key, buffered)
	if err != nil {
		return nil, err
	}
	job, err := s.recordUpload(ctx, scope, id, cleanFileName(fileName), size)
	if err != nil {
		if delErr := s.Blobs.Delete(context.WithoutCancel(ctx), key); delErr != nil {
			s.logger().Error("delete rejected upload", append(logAttrs(scope, id), "err", delErr)...)
		}
		return nil, err
	}
	s.logger().Info("import uploaded", append(logAttrs(scope, id), "file_size", size,
		"format", string(job.Detection.Format), "profile", string(job.Detection.Profile))...)
	return job, nil
}

// recordUpload detects the stored file and saves its job.
func (s *Service) recordUpload(ctx context.Context, scope chatalott.Scope, id, fileName string, size int64) (*Job, error) {
	detection, err := s.detect(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	job := &Job{
		ID: id, WorkspaceID: scope.WorkspaceID, UserID: scope.UserID,
		FileName: fileName, FileSize: size, Status: StatusUploaded,
		Detection: detection,
		Options:   Options{Duplicates: imports.DuplicatesSkip, Mapping: detection.Mapping},
		CreatedAt: now, UpdatedAt: now,
	}
	if err := s.Store.CreateImportJob(ctx, scope, job); err != nil {
		return nil, err
	}
	return job, nil
}

func (s *Service) detect(ctx context.Context, scope chatalott.Scope, id string) (addressbook.Detection, error) {
	file, err := s.Blobs.Open(ctx, blobKey(scope, id))
	if err != nil {
		return addressbook.Detection{}, err
	}
	defer file.Close()
	reader, err := addressbook.Open(file, addressbook.Options{})
	if err != nil {
		return addressbook.Detection{}, err
	}
	return reader.Detection(), nil
}

// checkText rejects a file whose start holds NUL bytes, such as a
// spreadsheet workbook, an image or a PDF. Text with a UTF-16 byte-order
// mark has NUL bytes and passes.
func checkText(head []byte) error {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return nil
	}
	if !bytes.Contains(head, []byte{0}) {
		return nil
	}
	kind := "a binary file"
	switch t := http.DetectContentType(head); {
	case t == "application/zip":
		kind = "a zip archive or an Excel workbook"
	case t == "application/pdf":
		kind = "a PDF document"
	case strings.HasPrefix(t, "image/"):
		kind = "an image"
	}
	return chatalott.FieldError("file",
		"The file is not a text file (it looks like %s). Export your contacts as CSV or vCard and upload that file.", kind)
}

// cleanFileName keeps the base name of an uploaded file without control
// characters, at most maxFileNameRunes long.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if runes := []rune(name); len(runes) > maxFileNameRunes {
		name = string(runes[:maxFileNameRunes])
	}
	if name == "" || name == "." || name == "/" {
		return "contacts"
	}
	return name
}

// PreviewRow is one record of the preview.
type PreviewRow struct {
	Line         int
	Name         string
	Emails       []string
	Phones       []string
	Organization string
	// Error is the reason the row would be rejected, if any.
	Error string
}

// Preview is the start of an uploaded file as the import would read it.
type Preview struct {
	Rows []PreviewRow
	// MoreRows is set when the file has rows after the ones shown.
	MoreRows bool
	// Error is set when the file cannot be read with the chosen mapping.
	Error string
}

// Preview reads the first PreviewRows records of an uploaded job's file
// with the job's saved column mapping.
func (s *Service) Preview(ctx context.Context, scope chatalott.Scope, job *Job) (*Preview, error) {
	file, err := s.Blobs.Open(ctx, blobKey(scope, job.ID))
	if err != nil {
		return nil, err
	}
	defer file.Close()
	reader, err := addressbook.Open(file, readerOptions(job))
	if err != nil {
		if chatalott.ErrorCode(err) == chatalott.EInternal {
			return nil, err
		}
		return &Preview{Error: chatalott.ErrorMessage(err)}, nil
	}
	p := &Preview{}
	for {
		rec, err := reader.Next()
		if errors.Is(err, io.EOF) {
			return p, nil
		}
		if err != nil {
			if chatalott.ErrorCode(err) == chatalott.EInternal {
				return nil, err
			}
			p.Error = chatalott.ErrorMessage(err)
			return p, nil
		}
		if len(p.Rows) == PreviewRows {
			p.MoreRows = true
			return p, nil
		}
		p.Rows = append(p.Rows, previewRow(rec))
	}
}

func previewRow(rec addressbook.Record) PreviewRow {
	row := PreviewRow{Line: rec.Line}
	if c := rec.Contact; c != nil {
		row.Name, row.Organization = c.Name(), c.Organization
		for _, e := range c.Emails {
			row.Emails = append(row.Emails, e.Address)
		}
		for _, p := range c.Phones {
			row.Phones = append(row.Phones, p.Number)
		}
	}
	if rec.Err != nil {
		row.Error = chatalott.ErrorMessage(rec.Err)
	}
	return row
}

func readerOptions(job *Job) addressbook.Options {
	if job.Detection.Format != addressbook.FormatCSV {
		return addressbook.Options{}
	}
	return addressbook.Options{Mapping: job.Options.Mapping}
}
