package addressbook

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/chatalott/chatalott/contacts"
)

// photoTypes are the content types that contacts.Validate accepts.
var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// decodePhoto decodes base64 photo data (whitespace allowed, padding
// optional) and checks its size and type. It returns a nil photo and a
// warning when the photo cannot be kept; the contact is kept either way.
func decodePhoto(encoded string) (*contacts.Photo, string) {
	encoded = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, encoded)
	encoded = strings.TrimRight(encoded, "=")
	if base64.RawStdEncoding.DecodedLen(len(encoded)) > contacts.MaxPhotoBytes {
		return nil, photoTooLarge(base64.RawStdEncoding.DecodedLen(len(encoded)))
	}
	data, err := base64.RawStdEncoding.DecodeString(encoded)
	if err != nil {
		data, err = base64.RawURLEncoding.DecodeString(encoded)
	}
	if err != nil {
		return nil, "the photo was dropped because its data is not valid base64"
	}
	if len(data) == 0 {
		return nil, ""
	}
	contentType := http.DetectContentType(data)
	if !photoTypes[contentType] {
		return nil, fmt.Sprintf("the photo was dropped because it is %s, not JPEG, PNG, GIF or WebP", contentType)
	}
	return &contacts.Photo{ContentType: contentType, Data: data}, ""
}

func photoTooLarge(size int) string {
	return fmt.Sprintf("the photo was dropped because it is about %d KiB; the largest photo kept is %d KiB",
		size>>10, contacts.MaxPhotoBytes>>10)
}

// decodePhotoValue reads a photo given as a data: URI, as raw base64 when
// isBase64 is set, or as a link. A link is never fetched.
func decodePhotoValue(value string, isBase64 bool) (*contacts.Photo, string) {
	value = strings.TrimSpace(value)
	switch {
	case value == "":
		return nil, ""
	case hasPrefixFold(value, "data:"):
		meta, payload, ok := strings.Cut(value[len("data:"):], ",")
		if !ok || !strings.HasSuffix(strings.ToLower(meta), ";base64") {
			return nil, "the photo was dropped because its data: URI is not base64-encoded"
		}
		return decodePhoto(payload)
	case isBase64:
		return decodePhoto(value)
	case strings.Contains(value, "://"):
		return nil, "the photo is a link and was not downloaded; add the picture by hand if you want it"
	}
	return nil, "the photo was dropped because its value is neither inline data nor a link"
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// photoDataURI formats p as a data: URI, the form that Chatalott's CSV
// export writes in Google's Photo column and vCard 4.0 writes in PHOTO.
func photoDataURI(p *contacts.Photo) string {
	return "data:" + p.ContentType + ";base64," + base64.StdEncoding.EncodeToString(p.Data)
}
