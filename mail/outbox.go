package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Outbox writes each message as one RFC 5322 .eml file into a folder,
// readable by its owner only, and logs one line per message with its kind,
// file name and user id. It never logs the address, subject or body.
type Outbox struct {
	Dir    string
	From   string
	Logger *slog.Logger
	// Now stamps the Date header; nil means time.Now.
	Now func() time.Time
}

// NewOutbox returns an Outbox that writes into dir, creating dir with mode
// 0700 when it does not exist.
func NewOutbox(dir, from string, logger *slog.Logger) (*Outbox, error) {
	if dir == "" {
		return nil, fmt.Errorf("mail: outbox folder is not set")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mail: create outbox folder %s: %w", dir, err)
	}
	return &Outbox{Dir: dir, From: from, Logger: logger}, nil
}

// Send implements Sender. The file is written under a temporary name and
// renamed, so a reader of the folder never reads half a message.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	// The outbox is read by people in a text editor, so the body is stored
	// as it is (8bit), not quoted-printable, which would break long links
	// across lines.
	msg, err := build(o.From, m, now, gomail.WithEncoding(gomail.NoEncoding))
	if err != nil {
		return err
	}

	suffix := make([]byte, 8)
	if _, err := rand.Read(suffix); err != nil {
		return fmt.Errorf("mail: name outbox file: %w", err)
	}
	// The name sorts by time, and the random suffix keeps two messages of
	// the same nanosecond apart.
	name := now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(suffix) + ".eml"

	tmp, err := os.CreateTemp(o.Dir, ".sending-*")
	if err != nil {
		return fmt.Errorf("mail: create outbox file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	// CreateTemp makes the file with mode 0600; Chmod keeps it so under any umask.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("mail: restrict outbox file: %w", err)
	}
	if _, err := msg.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("mail: write outbox file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mail: write outbox file: %w", err)
	}

	if err := os.Rename(tmp.Name(), filepath.Join(o.Dir, name)); err != nil {
		return fmt.Errorf("mail: move outbox file into place: %w", err)
	}
	o.Logger.LogAttrs(ctx, slog.LevelInfo, "email written to outbox",
		slog.String("kind", m.Kind), slog.String("file", name), slog.String("user_id", m.UserID))
	return nil
}
