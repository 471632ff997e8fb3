// Package mail delivers Chatalott's email: to an outbox folder of .eml
// files on the embedded defaults, or through an SMTP server when SMTP_URL
// is set. It builds messages with github.com/wneessen/go-mail.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DefaultFrom is the sender address when none is configured.
const DefaultFrom = "Chatalott <no-reply@localhost>"

// Message is one email to one recipient.
type Message struct {
	To      string
	Subject string
	// Text is the plain-text body. HTML, when set, is sent as an
	// alternative part; Text is always sent.
	Text string
	HTML string
	// Kind names the message in logs, such as "password_reset". It is not
	// sent.
	Kind string
	// UserID is the recipient's user id for logs, when known. It is not
	// sent; logs carry it in place of the address.
	UserID string
}

// Sender delivers messages.
type Sender interface {
	// Send delivers m or returns why it could not.
	Send(ctx context.Context, m Message) error
}

// Config selects and configures a Sender.
type Config struct {
	// SMTPURL is smtp://user:pass@host:port (STARTTLS required),
	// smtps://user:pass@host:port (TLS from the first byte), or either with
	// ?tls=off for a server on a loopback address. Empty selects the outbox.
	SMTPURL string
	// From is the sender address; empty means DefaultFrom.
	From string
	// OutboxDir is the folder of the outbox sender.
	OutboxDir string
	Logger    *slog.Logger
}

// Open returns the SMTP sender when cfg.SMTPURL is set and the outbox sender
// otherwise.
func Open(cfg Config) (Sender, error) {
	from := cfg.From
	if from == "" {
		from = DefaultFrom
	}
	if _, err := netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("mail: sender address %q is not valid; write it as Name <user@example.com>: %w", from, err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.SMTPURL != "" {
		return NewSMTP(cfg.SMTPURL, from, logger, nil)
	}
	return NewOutbox(cfg.OutboxDir, from, logger)
}

// build returns m as a go-mail message from the sender address from, with
// Date and Message-ID set, and the options opts. The subject is encoded for
// UTF-8 by go-mail.
func build(from string, m Message, now time.Time, opts ...gomail.MsgOption) (*gomail.Msg, error) {
	if strings.TrimSpace(m.To) == "" {
		return nil, fmt.Errorf("mail: message %q has no recipient", m.Kind)
	}
	msg := gomail.NewMsg(append([]gomail.MsgOption{gomail.WithNoDefaultUserAgent()}, opts...)...)
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("mail: sender address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: recipient of %q is not a valid address: %w", m.Kind, err)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	id, err := messageID(from)
	if err != nil {
		return nil, err
	}
	msg.SetMessageIDWithValue(id)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// messageID returns 128 random bits at the domain of the sender address,
// so the Message-ID does not reveal the server's host name.
func messageID(from string) (string, error) {
	domain := "localhost"
	if a, err := netmail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("mail: generate Message-ID: %w", err)
	}
	return hex.EncodeToString(b) + "@" + domain, nil
}
